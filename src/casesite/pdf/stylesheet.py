"""Where the brief's stylesheet refers to a file a brief may not read: assets/brief.css's
own line and column, so the error is reported there once, not at every case study."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from casesite.core import SITE_ROOT_URL
from casesite.diagnostics import Location
from casesite.pdf.addresses import Refused, asset_rel
from casesite.pdf.briefs import BRIEF_CSS

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# url(x), url("x"), url('x'), and @import "x" (an @import url(x) is a url()).
_REFERENCE = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)


def stylesheet_refusals(root: Path) -> dict[str, Location]:
    """Each reason a reference in assets/brief.css is refused (as the fetcher words it),
    with where the first such reference is written."""
    try:
        text = (root / BRIEF_CSS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    # Comments are blanked, keeping every character's place.
    blanked = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    base = SITE_ROOT_URL + BRIEF_CSS
    found: dict[str, Location] = {}
    for m in _REFERENCE.finditer(blanked):
        url = next(g for g in m.groups() if g is not None)
        try:
            asset_rel(urljoin(base, url.strip()))
        except Refused as exc:
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            found.setdefault(str(exc), Location(BRIEF_CSS, line, col))
    return found
