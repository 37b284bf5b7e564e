"""Turn the <text> of the sample's SVG logos into paths drawn from the site's own font.

A browser shows an SVG image without the page's web fonts, and WeasyPrint draws an SVG's
text with a font of the building machine unless the family is declared for the brief; as
outlines, a logo looks the same everywhere and embeds no font. Each <text> element (plain
characters, no <tspan>) is replaced by one <path>, set in Source Sans 3 from assets/fonts/
at its font-weight (400, 600 or 700) with the font's kerning, its font-size,
letter-spacing, x, y and text-anchor, and the same fill. The words stay in a comment.
--scale multiplies every font-size: the sample's logos were drawn for DejaVu Sans Bold,
whose capitals are 0.729 em high against Source Sans 3's 0.652 (so --scale 1.12 keeps
their height; the words come out about 13 % narrower).

    python tools/outline_svg_text.py --scale 1.12 assets/brand/logo.svg assets/partners/*.svg
"""

from __future__ import annotations

import argparse
import re
import sys
from html import unescape
from pathlib import Path
from typing import Any

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
TEXT = re.compile(r"<text\b([^>]*)>([^<]*)</text>")
ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')
KEPT = {"fill"}
USED = {"x", "y", "font-family", "font-size", "font-weight", "letter-spacing", "text-anchor"}


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class Face:
    """One face of Source Sans 3: its glyphs, advances and pair kerning (GPOS)."""

    def __init__(self, weight: str) -> None:
        self.font = TTFont(FONTS / f"source-sans-3-latin-{weight}-normal.woff2")
        self.cmap: dict[int, str] = self.font.getBestCmap()
        self.glyphs = self.font.getGlyphSet()
        self.em: int = self.font["head"].unitsPerEm
        self.pairs = self._kern_subtables()

    def _kern_subtables(self) -> list[Any]:
        gpos = self.font["GPOS"].table
        found = []
        for record in gpos.FeatureList.FeatureRecord:
            if record.FeatureTag != "kern":
                continue
            for index in record.Feature.LookupListIndex:
                for sub in gpos.LookupList.Lookup[index].SubTable:
                    sub = sub.ExtSubTable if hasattr(sub, "ExtSubTable") else sub
                    if sub.LookupType == 2:
                        found.append(sub)
        return found

    def kern(self, left: str, right: str) -> int:
        for sub in self.pairs:
            if left not in sub.Coverage.glyphs:
                continue
            if sub.Format == 1:
                pairs = sub.PairSet[sub.Coverage.glyphs.index(left)].PairValueRecord
                for pair in pairs:
                    if pair.SecondGlyph == right:
                        return int(getattr(pair.Value1, "XAdvance", 0) or 0)
                continue
            first = sub.ClassDef1.classDefs.get(left, 0)
            second = sub.ClassDef2.classDefs.get(right, 0)
            value = sub.Class1Record[first].Class2Record[second].Value1
            return int(getattr(value, "XAdvance", 0) or 0)
        return 0

    def outline(
        self, words: str, size: float, spacing: float
    ) -> tuple[list[tuple[str, float]], float]:
        """Each glyph with its pen position (in px), and the line's advance width."""
        scale = size / self.em
        names = [self.cmap[ord(c)] for c in words]
        placed, x = [], 0.0
        for i, name in enumerate(names):
            placed.append((name, x))
            x += self.glyphs[name].width * scale + spacing
            if i + 1 < len(names):
                x += self.kern(name, names[i + 1]) * scale
        return placed, x

    def path(self, words: str, size: float, spacing: float, x: float, y: float, anchor: str) -> str:
        placed, width = self.outline(words, size, spacing)
        start = x - {"start": 0.0, "middle": width / 2, "end": width}[anchor]
        scale = size / self.em
        pen = SVGPathPen(self.glyphs, ntos=_number)
        for name, at in placed:
            self.glyphs[name].draw(TransformPen(pen, (scale, 0, 0, -scale, start + at, y)))
        return str(pen.getCommands())


def _replace(match: re.Match[str], faces: dict[str, Face], scale: float) -> str:
    attributes = dict(ATTRIBUTE.findall(match.group(1)))
    unknown = set(attributes) - KEPT - USED
    if unknown:
        raise SystemExit(f"cannot outline <text> with {sorted(unknown)}")
    weight = attributes.get("font-weight", "400")
    face = faces.setdefault(weight, Face(weight))
    words = unescape(match.group(2))
    d = face.path(
        words,
        float(attributes.get("font-size", "16")) * scale,
        float(attributes.get("letter-spacing", "0")),
        float(attributes.get("x", "0")),
        float(attributes.get("y", "0")),
        attributes.get("text-anchor", "start"),
    )
    kept = "".join(f' {k}="{v}"' for k, v in attributes.items() if k in KEPT)
    return f'<!-- {words} (Source Sans 3, {weight}) -->\n<path{kept} d="{d}"/>'


def main(arguments: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every font-size")
    parser.add_argument("paths", nargs="+", type=Path)
    options = parser.parse_args(arguments)
    faces: dict[str, Face] = {}
    for path in options.paths:
        text = path.read_text("utf-8")
        outlined = TEXT.sub(lambda m: _replace(m, faces, options.scale), text)
        path.write_text(outlined, "utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
