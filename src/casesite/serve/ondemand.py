"""What `casesite serve` makes only when a browser asks for it: PDF briefs and the search index.

A preview build writes the HTML pages only, so that saving a case study shows in the
browser at once. A case study's PDF brief (`/case-studies/<slug>/<slug>.pdf`) and the
search index (`/pagefind/...`) are made into the served folder the first time they are
requested after a rebuild; the next rebuild replaces the folder, and with it what was
made. Each function is called on the preview's one build thread, never at the same time
as a build.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from casesite.core import Checked, Options
from casesite.diagnostics import Diagnostic
from casesite.gate import check
from casesite.incremental.store import write_atomic
from casesite.outputs.search import index_site
from casesite.routes import SEARCH_INDEX, brief_path, brief_slug

SEARCH_PREFIX = f"/{SEARCH_INDEX}/"


def wants_pdf(url_path: str) -> str | None:
    """The brief's path ("hu/case-studies/x/x.pdf") when `url_path` asks for a case study's
    PDF brief, else None."""
    return url_path.lstrip("/") if brief_slug(url_path) is not None else None


def wants_search(url_path: str) -> bool:
    return url_path.startswith(SEARCH_PREFIX)


def _checked(options: Options) -> tuple[Checked | None, list[Diagnostic]]:
    checked, report = check(options)
    return checked, report.errors


def make_pdf(options: Options, out: Path, brief: str) -> list[Diagnostic]:
    """Render one case study's brief into `out`; the errors if it cannot be made.

    The quotes are checked for the PDF channel too, as `casesite build` does."""
    checked, problems = _checked(replace(options, pdf=True))
    if checked is None:
        return problems
    cs = next((c for c in checked.site.case_studies if brief_path(c) == brief), None)
    if cs is None:
        return []  # no such case study in this build: the caller answers 404
    from casesite.pdf.stage import BriefFailed, render_one_brief  # WeasyPrint loads on first use

    try:
        data = render_one_brief(checked, options.root, cs)
    except BriefFailed as failed:
        return failed.diagnostics
    write_atomic(out / brief_path(cs), data)
    return []


def make_search_index(options: Options, out: Path) -> list[Diagnostic]:
    """Index the served pages for search, once per build; the errors if it cannot."""
    if (out / SEARCH_INDEX / "pagefind.js").is_file():
        return []
    checked, problems = _checked(options)
    if checked is None:
        return problems
    site = checked.site
    return index_site(out, site.config.lang if len(site.editions()) == 1 else "")
