"""The briefs' @font-face rules, as WeasyPrint reads them: one file per face, or an error.

WeasyPrint 70 embeds one font per family, weight, style and stretch, whatever the file. Two
files for one face (the usual latin + latin-ext web fonts, split by unicode-range) become
one embedded font: one file's program receives the other file's glyph ids, and letters
are drawn as whatever glyph sits at that id (Czech "Č" as "Î"), or as nothing. Browsers
handle such pairs, so assets/fonts.css may use them; a brief's stylesheet may not.
"""

from __future__ import annotations

from typing import Any

from weasyprint.text.fonts import FontConfiguration

from casesite.pdf.addresses import Refused, asset_rel

_WEIGHTS = {"normal": 400, "bold": 700}


def _name(url: str) -> str:
    try:
        return asset_rel(url)
    except Refused:
        return url


class OneFilePerFace(FontConfiguration):  # type: ignore[misc]
    """WeasyPrint's font configuration, noting each face's file and every face that is
    given a second one (`clashes`, in plain words: each fails the briefs)."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[tuple[str, int, str, str], str] = {}
        self.clashes: list[str] = []

    def add_font_face(self, rule_descriptors: dict[str, Any], url_fetcher: Any) -> Any:
        family = str(rule_descriptors["font_family"])
        weight = rule_descriptors.get("font_weight", "normal")
        weight = _WEIGHTS.get(weight, weight) if isinstance(weight, str) else int(weight)
        style = str(rule_descriptors.get("font_style", "normal"))
        stretch = str(rule_descriptors.get("font_stretch", "normal"))
        src = " ".join(_name(str(url)) for _, url in rule_descriptors["src"] if url)
        key = (family.casefold(), weight, style, stretch)
        first = self.files.setdefault(key, src)
        if first != src:
            self.clashes.append(
                f'two @font-face files for "{family}" {weight} {style} ({first}; {src}): '
                "WeasyPrint would embed them as one font and draw the letters of one with "
                "the other's glyphs; give the second file a font-family name of its own "
                "and list it after the first in font-family (see assets/brief.css)"
            )
        return super().add_font_face(rule_descriptors, url_fetcher)
