"""A PDF brief's problems as diagnostics: at the case study (or the collection's layout),
or, for a file refused to a url() of the brief's stylesheet, at that url() itself."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from casesite.diagnostics import Diagnostic, Location, error
from casesite.pdf.stylesheet import stylesheet_refusals

REFUSED_HINT = (
    "a brief may only show files under assets/: an image as ../../assets/images/photo.jpg, "
    "a url() in assets/brief.css relative to it; look at this case study's images, "
    "layouts/brief.html and assets/brief.css"
)


def located(source: str, problems: Iterable[str], root: Path | None = None) -> list[Diagnostic]:
    """A brief's problems as diagnostics: at the case study (or the collection), except a
    file refused to a url() of the brief's stylesheet, which is reported where it is
    written (assets/brief.css:line:col)."""
    in_css = stylesheet_refusals(root) if root is not None else {}
    located = []
    for problem in dict.fromkeys(problems):
        reason = problem.removeprefix("it refers to ")
        if reason in in_css:
            located.append(
                error(
                    in_css[reason],
                    "pdf-brief",
                    f"the PDF briefs cannot be made: the stylesheet refers to {reason}",
                    "a url() in assets/brief.css names a file under assets/, relative to the "
                    "stylesheet: url(fonts/x.woff2), url(images/logo.svg)",
                )
            )
            continue
        located.append(
            error(
                Location(source),
                "pdf-brief",
                f"the PDF brief cannot be made: {problem}",
                REFUSED_HINT
                if problem.startswith("it refers to")
                else "fix the case study, layouts/brief.html or assets/brief.css",
            )
        )
    return located
