"""PDF briefs draw every letter with its own glyph: Czech, Slovak and Hungarian letters,
typographic quotes, dashes, the euro sign and non-breaking spaces, in every face a brief
uses, in single briefs and the collection.

Text extraction cannot see a wrong glyph (the ToUnicode map may still be right), so this
compares outlines: for every glyph of every font embedded in the PDF, the outline drawn
is the outline the site's own font file (under assets/fonts/) has for that character.
Every face the site ships must draw every letter and mark. The two no-break spaces are
drawn with a face's space glyph (these fonts map U+00A0 to it and lack U+202F, which
HarfBuzz draws as a narrowed space), so the PDF names them " "; a box (.notdef) or a
system font drawn for them fails the same checks.
"""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import StreamObject

from casesite.cli import main

from .conftest import REPO, MiniSite, built_once, pdf_fonts

LOWER = "áäčďéěíĺľňóôöőŕřšťúůüűýž"
LETTERS = LOWER + LOWER.upper()
MARKS = "„“‚‘–—€"
# Every character above and both no-break spaces (U+00A0, U+202F), in words short enough
# for the narrowest box (a key fact).
WORDS = " ".join(
    [LETTERS[i : i + 6] for i in range(0, len(LETTERS), 6)]
    + ["„á“ ‚é‘ 1–2 3 — 4 € 5\u00a0€ 6\u202f€"]
)

SITE_YML = f"""\
name: Glyph stories
tagline: Every letter drawn right
base_url: https://example.org/glyphs/
lang: en
default_programme: glyphs
licence:
  name: "CC BY 4.0 {WORDS}"
  url: https://creativecommons.org/licenses/by/4.0/
"""

PROGRAMME_YML = f"""\
name: "Programme {WORDS}"
about: "About {WORDS}"
partners:
  - name: "Partner {WORDS}"
    url: https://partner.example.org/
"""

CASE_STUDY = """\
---
title: "{title} {words}"
summary: "{words}"
network: "{words}"
country: {country}
lang: {lang}
grant:
  amount: 450000
  currency: CZK
support_hours: 24
change_period: 2022-09/2023-02
developed_by: "{words}"
programme: glyphs
published: 2023-05-02
themes: ["{words}"]
---

Plain {words}

## Heading {words}

Bold **{words}** and italic *{words}* and both ***{words}***.

::: quote glyphs-{lang}
Quoted {words}
:::

### Small heading {words}

Last {words}
"""

APPROVAL = """\
speaker: "Speaker {words}"
organisation: "Organisation {words}"
text: "Quoted {words}"
status: approved
approved_on: 2023-02-10
method: email
lang: {lang}
"""

STUDIES = {
    "cs": ("CZ", "Maďarské organizace proti trestným činům z nenávisti, Kč"),
    "sk": ("SK", "Ľudia a ťarcha, ôsmy dôvod, Ĺ ŕ"),
    "hu": ("HU", "Gyűlölet-bűncselekmények elleni rendőrséget"),
}


def glyph_site_files() -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = {
        "content/site.yml": SITE_YML,
        "content/programmes/glyphs.yml": PROGRAMME_YML,
    }
    for lang, (country, title) in STUDIES.items():
        files[f"content/case-studies/glyphs-{lang}.md"] = CASE_STUDY.format(
            title=title, words=WORDS, country=country, lang=lang
        )
        files[f"content/approvals/glyphs-{lang}.yml"] = APPROVAL.format(words=WORDS, lang=lang)
    return files


# -- reading the PDF's fonts ---------------------------------------------------------------


@dataclass(frozen=True)
class Embedded:
    """One font embedded in a PDF: its program and what each glyph id stands for."""

    name: str
    program: TTFont
    chars: dict[int, str]  # glyph id -> the text it stands for (ToUnicode)


def _hex_text(h: str) -> str:
    return bytes.fromhex(h).decode("utf-16-be")


def _to_unicode(data: bytes) -> dict[int, str]:
    text = data.decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            out[int(code, 16)] = _hex_text(value)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, value in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            first = _hex_text(value)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = first[:-1] + chr(ord(first[-1]) + i)
    return out


def _code_to_gid(encoding: Any) -> Callable[[int], int]:
    """WeasyPrint's encoding: Identity-H, or a CMap that sends missing glyphs to .notdef."""
    if not isinstance(encoding, StreamObject):
        assert encoding == "/Identity-H", encoding
        return lambda code: code
    text = encoding.get_data().decode("latin-1")
    table = {
        int(code, 16): int(cid)
        for block in re.findall(r"begincidchar(.*?)endcidchar", text, re.S)
        for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s*(\d+)", block)
    }
    return lambda code: table.get(code, 0)


def embedded_fonts(pdf: Path) -> list[Embedded]:
    """Every composite (Type0) font the pages draw with: WeasyPrint embeds each face so."""
    found: list[Embedded] = []
    for font in pdf_fonts(PdfReader(pdf)):
        if "/DescendantFonts" not in font:
            continue  # a descendant, reached through its Type0 font
        (descendant,) = font["/DescendantFonts"]
        descendant = descendant.get_object()
        assert descendant["/CIDToGIDMap"] == "/Identity", font["/BaseFont"]
        descriptor = descendant["/FontDescriptor"]
        stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
        assert stream is not None, f"{font['/BaseFont']} is not embedded"
        program = TTFont(io.BytesIO(stream.get_object().get_data()))
        gid = _code_to_gid(font.get("/Encoding"))
        chars = _to_unicode(font["/ToUnicode"].get_object().get_data())
        found.append(
            Embedded(str(font["/BaseFont"]), program, {gid(c): t for c, t in chars.items()})
        )
    return found


# -- comparing outlines --------------------------------------------------------------------

Outline = tuple[int, tuple[Any, ...]]  # advance width, pen recording


def outline(font: TTFont, glyph: str) -> Outline:
    """A glyph's advance and outline, components drawn in place, as recorded by a pen."""
    glyphs = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyphs)
    glyphs[glyph].draw(pen)
    drawn = tuple(
        (op, tuple((round(x, 2), round(y, 2)) for x, y in args)) for op, args in pen.value
    )
    return font["hmtx"][glyph][0], drawn


def face_of(font: TTFont) -> str:
    """The face a font program belongs to: its PostScript name, which the face's files
    (latin, latin-ext) share and the subset WeasyPrint embeds keeps."""
    return str(font["name"].getDebugName(6))


class Sources:
    """The site's font files, as the browser and WeasyPrint read them."""

    def __init__(self, fonts: Path) -> None:
        self.by_face: dict[str, list[TTFont]] = defaultdict(list)
        for path in sorted(fonts.glob("*.woff2")):
            font = TTFont(path)
            self.by_face[face_of(font)].append(font)
        self._cmaps = {id(f): f.getBestCmap() for fs in self.by_face.values() for f in fs}
        self._known: dict[tuple[str, str], list[Outline]] = {}

    def expected(self, face: str, char: str) -> list[Outline]:
        """The outlines the face's files have for `char`. A space the face lacks (U+202F in
        these fonts) is drawn with its space glyph, narrowed, as HarfBuzz does."""
        if (face, char) not in self._known:
            out = [
                outline(font, glyph)
                for font in self.by_face.get(face, [])
                if (glyph := self._cmaps[id(font)].get(ord(char))) is not None
            ]
            if not out and unicodedata.category(char) == "Zs" and char != " ":
                out = self.expected(face, " ")
            self._known[face, char] = out
        return self._known[face, char]

    def looks_like(self, face: str, drawn: Outline) -> str:
        """The characters whose glyph in the face's files is the outline drawn (for a report)."""
        return "".join(
            sorted(
                {
                    chr(code)
                    for font in self.by_face.get(face, [])
                    for code, glyph in self._cmaps[id(font)].items()
                    if outline(font, glyph)[1] == drawn[1] and drawn[1]
                }
            )
        )


@dataclass
class Finding:
    drawn: dict[str, set[str]]  # face -> characters drawn right
    wrong: list[str]


def check_glyphs(pdf: Path, sources: Sources) -> Finding:
    drawn: dict[str, set[str]] = defaultdict(set)
    wrong: list[str] = []
    for font in embedded_fonts(pdf):
        face = face_of(font.program)
        if face not in sources.by_face:
            wrong.append(f"{font.name}: not one of the site's fonts ({face})")
            continue
        order = font.program.getGlyphOrder()
        for gid, text in sorted(font.chars.items()):
            if len(text) != 1:
                continue  # a ligature
            if gid >= len(order):
                wrong.append(f"{font.name}: {text!r} drawn with glyph {gid}, which it lacks")
                continue
            got = outline(font.program, order[gid])
            want = sources.expected(face, text)
            if unicodedata.category(text) == "Zs":  # a space's width is the layout's
                got, want = (0, got[1]), [(0, w[1]) for w in want]
            if got in want:
                drawn[face].add(text)
            else:
                looks = sources.looks_like(face, got) or "no character of the site's fonts"
                wrong.append(
                    f"{font.name}: {text!r} (U+{ord(text):04X}) drawn with glyph {gid}, "
                    f"which looks like {looks}"
                )
    return Finding(dict(drawn), wrong)


def assert_every_letter_right(pdf: Path, sources: Sources) -> None:
    finding = check_glyphs(pdf, sources)
    assert not finding.wrong, f"{pdf.name}: {len(finding.wrong)} wrong glyphs:\n" + "\n".join(
        finding.wrong[:40]
    )
    # The brief uses every face the site has: body, italic, bold (serif 400, 400 italic,
    # 600); footer, key facts, title and headings (sans 400, 600, 700).
    assert set(finding.drawn) == set(sources.by_face), sorted(finding.drawn)
    for face, chars in sorted(finding.drawn.items()):
        missing = set(LETTERS + MARKS) - chars
        assert not missing, f"{pdf.name}: {face} never drew {''.join(sorted(missing))}"


# -- the test ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def glyph_site(tmp_path_factory: pytest.TempPathFactory) -> MiniSite:
    """Three briefs (cs, sk, hu), each language's collection and its programme's collection,
    built with PDFs (asked for explicitly: no --no-pdf; the build's own command, not a
    harness default)."""
    site = MiniSite(built_once(tmp_path_factory, "glyphs", _build_glyph_site))
    assert len(list(site.out.glob("*/case-studies/*/*.pdf"))) == 3
    return site


def _build_glyph_site(folder: Path) -> Path:
    """Built once per test run, whichever test workers ask; returns the site's root."""
    root = folder / "site"
    for name in ("layouts", "assets"):
        shutil.copytree(REPO / name, root / name)
    MiniSite(root).write(glyph_site_files())
    code = main(["build", "--root", str(root), "--jobs", "1", "--no-search", "--no-cache"])
    assert code == 0
    return root


@pytest.fixture(scope="module")
def sources(glyph_site: MiniSite) -> Sources:
    return Sources(glyph_site.root / "assets/fonts")


@pytest.mark.parametrize(
    "pdf",
    [
        # Each in its language's part of the site (the site's own language is en).
        "cs/case-studies/glyphs-cs/glyphs-cs.pdf",
        "sk/case-studies/glyphs-sk/glyphs-sk.pdf",
        "hu/case-studies/glyphs-hu/glyphs-hu.pdf",
        "cs/case-studies.pdf",
        "sk/case-studies.pdf",
        "hu/case-studies.pdf",
        "hu/programmes/glyphs/glyphs.pdf",  # its cover names the programme, in every letter
    ],
)
def test_every_letter_is_drawn_with_its_own_glyph(
    glyph_site: MiniSite, sources: Sources, pdf: str
) -> None:
    assert_every_letter_right(glyph_site.out / pdf, sources)


def test_a_brief_stylesheet_giving_one_face_two_files_fails_the_build(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    """The site's fonts.css (latin + latin-ext per face, as browsers take them) imported
    into the brief's stylesheet again: WeasyPrint would draw wrong letters, so no build."""
    site = mini_site()
    css = site.root / "assets/brief.css"
    css.write_text('@import url("fonts.css");\n' + css.read_text(encoding="utf-8"), "utf-8")
    capsys.readouterr()
    code = main(["build", "--root", str(site.root), "--jobs", "1", "--no-search"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "error: the PDF brief cannot be made: two @font-face files for" in err
    assert (
        '"Source Serif 4" 400 normal (assets/fonts/source-serif-4-latin-ext-400-normal.woff2;'
        " assets/fonts/source-serif-4-latin-400-normal.woff2)" in err
    ), err
    assert "[pdf-brief]" in err and not site.out.exists()
