"""What assets/brief.css refers to: the assets it reads (its fonts, decompressed ahead of
the engine), and where it refers to a file a brief may not read, at the stylesheet's own
line and column, so the error is reported there once, not at every case study."""

from __future__ import annotations

import re
from collections.abc import Iterator
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


def _references(root: Path) -> Iterator[tuple[str, int, str | Refused]]:
    """Each url() and @import of assets/brief.css: its text, where it starts, and the asset
    it names as the fetcher reads it (or why it is refused)."""
    try:
        text = (root / BRIEF_CSS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    # Comments are blanked, keeping every character's place.
    blanked = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    base = SITE_ROOT_URL + BRIEF_CSS
    for m in _REFERENCE.finditer(blanked):
        url = next(g for g in m.groups() if g is not None)
        try:
            yield text, m.start(), asset_rel(urljoin(base, url.strip()))
        except Refused as exc:
            yield text, m.start(), exc


def stylesheet_assets(root: Path) -> list[str]:
    """The assets that assets/brief.css refers to (its fonts, images and imports), in order."""
    return list(dict.fromkeys(rel for _, _, rel in _references(root) if isinstance(rel, str)))


def stylesheet_refusals(root: Path) -> dict[str, Location]:
    """Each reason a reference in assets/brief.css is refused (as the fetcher words it),
    with where the first such reference is written."""
    found: dict[str, Location] = {}
    for text, start, refused in _references(root):
        if isinstance(refused, Refused):
            line = text.count("\n", 0, start) + 1
            col = start - (text.rfind("\n", 0, start) + 1) + 1
            found.setdefault(str(refused), Location(BRIEF_CSS, line, col))
    return found
