"""Hardening: a PDF brief embeds no font of the building machine, not even through a logo.

WeasyPrint draws the text of an SVG picture (a partner's logo) with the brief's fonts: a
family that no @font-face rule of the brief declares from assets/ (sans-serif, Arial), or
none at all (WeasyPrint then takes sans-serif), comes from the machine and is embedded.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from .conftest import REPO, MiniSite, pdf_fonts

FACE = re.compile(r"@font-face\s*\{[^}]*font-family:\s*\"([^\"]+)\"")


def _name(font: TTFont, *ids: int) -> str:
    return next(str(font["name"].getDebugName(i)) for i in ids if font["name"].getDebugName(i))


def embedded_faces(pdf: Path) -> set[tuple[str, str]]:
    """The name WeasyPrint gives every font embedded in `pdf` (its BaseFont without the
    subset tag, dashes as spaces: the family and style it was asked for) and the
    PostScript name inside the embedded font program (the file it came from)."""
    faces = set()
    for font in pdf_fonts(PdfReader(pdf)):
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:
            continue  # a Type0 font: its descendant carries the program
        descriptor = descriptor.get_object()
        stream = next(
            (descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor),
            None,
        )
        assert stream is not None, f"{font['/BaseFont']} is not embedded"
        program = TTFont(io.BytesIO(stream.get_object().get_data()))
        base = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1].replace("-", " ")
        faces.add((base, _name(program, 6)))
    return faces


def assert_only_fonts_from_assets(site: Path, assets: Path) -> int:
    """Every font embedded in every PDF under `site` is one of the files under
    assets/fonts/, asked for by a family that assets/brief.css declares with @font-face."""
    shipped = {_name(TTFont(p), 6) for p in sorted((assets / "fonts").glob("*.woff2"))}
    declared = set(FACE.findall((assets / "brief.css").read_text("utf-8")))
    assert shipped and declared
    pdfs = sorted(site.rglob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        faces = embedded_faces(pdf)
        assert faces, pdf
        strangers = sorted(
            (base, program)
            for base, program in faces
            if program not in shipped or not any(base.startswith(f) for f in declared)
        )
        assert not strangers, f"{pdf.relative_to(site)} embeds fonts of this machine: {strangers}"
    return len(pdfs)


def test_the_sample_briefs_embed_only_the_fonts_under_assets(sample_site: Path) -> None:
    """The sample's briefs and collection, with the partners' and the site's logos."""
    assert assert_only_fonts_from_assets(sample_site, REPO / "assets") >= 5


# -- the check: an SVG under assets/ draws text only in a declared family -------------------

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96">\n'
# (the SVG's body, after its first line; the reported line:col and words of the message,
# one per problem; [] when the file is fine)
SVG_FONT_CASES: list[tuple[str, list[str]]] = [
    ('<circle r="4"/><path d="M0 0h9"/>', []),
    ('<text font-family="Source Sans 3">OSF</text>', []),
    ("<text font-family=\"'Source Sans 3', 'source sans 3 latin-ext'\">OSF</text>", []),
    ('<g font-family="Source Sans 3">\n<text>OSF<tspan>x</tspan></text></g>', []),
    ("<text style=\"font: 12px 'Source Sans 3'\">x</text>", []),
    # WeasyPrint cuts `font` once, at the first space: the family would be "12px ..."
    ("<text style=\"font: 700 12px 'Source Sans 3'\">x</text>", ["2:1 the font '12px"]),
    ("<style>text { font-family: 'Source Serif 4' }</style><text>x</text>", []),
    ("<text>  \n  </text><title>A logo</title><desc>words</desc>", []),  # nothing drawn
    ('<text x="4" y="9">OSF</text>', ["2:1 draws text with no font family"]),
    ('<g>\n  <text font-family="sans-serif">OSF</text></g>', ["3:3 'sans-serif'"]),
    ('<text font-family="Source Sans 3, Arial">x</text>', ["2:1 'Arial'"]),
    ('<text font-family="inherit">x</text>', ["2:1 draws text with no font family"]),
    ('<g font-family="Source Sans 3"><text font-family="initial">x</text></g>', ["2:32 'initial'"]),
    (
        '<g font-family="Source Sans 3"><text font-family="">x</text></g>',
        ["2:32 empty font family"],
    ),
    ('<text font-family="Source Sans 3" font="12px">x</text>', []),  # no family: kept
    ('<text style="font-family: DejaVu Sans">x</text>', ["2:1 'DejaVu Sans'"]),
    ('<text font="12px Arial">x</text>', ["2:1 'Arial'"]),
    (
        "<style>\n.st0 { fill: #000 }\n.st1 { font-family: 'MyriadPro-Bold' }\n</style>\n"
        '<text class="st1">x</text>',
        ["4:21 'MyriadPro-Bold'"],
    ),
    (
        "<style>.a { font-family: 'Source Sans 3' }</style>\n"
        '<text class="a">x</text>\n<text class="b">y</text>',
        ["4:1 draws text with no font family"],
    ),
    ('<a href="#x">OSF</a>', ["2:1 draws text with no font family"]),
    (
        '<text font-family="Source Sans 3">x<tspan font-family="Arial">y</tspan></text>',
        ["2:36 'Arial'"],
    ),
]


@pytest.mark.parametrize(("body", "expected"), SVG_FONT_CASES)
def test_svg_text_must_use_a_family_the_brief_declares(body: str, expected: list[str]) -> None:
    from casesite.check.svgfonts import check_svg_fonts

    declared = {"source sans 3": "Source Sans 3", "source serif 4": "Source Serif 4"}
    declared["source sans 3 latin-ext"] = "Source Sans 3 latin-ext"
    found = check_svg_fonts([("assets/x.svg", (SVG_HEAD + body + "\n</svg>\n").encode())], declared)
    assert all(d.code == "svg-font" for d in found), [d.format() for d in found]
    got = [f"{d.location.line}:{d.location.col} {d.message}" for d in found]
    assert len(got) == len(expected), got
    for line, want in zip(got, expected, strict=True):
        place, words = want.split(" ", 1)
        assert line.startswith(f"{place} the SVG file assets/x.svg "), line
        assert words in line, line
    assert all("'Source Sans 3'" in d.hint for d in found)


PARTNER = """\
name: Test Programme
about: >-
  A programme that exists for the tests.
partners:
  - name: Partner One
    url: https://partner.example.org/
    logo: assets/partners/partner-one.svg
"""
LOGO = SVG_HEAD + (
    '<circle cx="48" cy="48" r="46" fill="#eee"/>\n'
    '<text x="48" y="53" text-anchor="middle" font-weight="700"{family}>ONE</text>\n</svg>\n'
)


def test_a_logo_in_a_system_font_stops_the_build(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(
        {
            "content/programmes/test-programme.yml": PARTNER,
            "assets/partners/partner-one.svg": LOGO.format(family=' font-family="sans-serif"'),
        },
        pdf=True,
    )
    result = site.run("build", capsys=capsys)
    assert result.code == 1, result.err
    assert "assets/partners/partner-one.svg:3:1: error: " in result.err, result.err
    assert "'sans-serif'" in result.err and "[svg-font]" in result.err
    assert "hint: " in result.err and "paths" in result.err
    assert not site.out.exists()


def test_a_logo_in_a_declared_font_embeds_that_font(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    logo = LOGO.format(family=" font-family=\"'Source Sans 3'\"")
    site = mini_site(
        {"content/programmes/test-programme.yml": PARTNER, "assets/partners/partner-one.svg": logo},
        pdf=True,
    )
    result = site.run("build", capsys=capsys)
    assert result.code == 0, result.err
    # The brief, the collection and the programme's collection.
    assert assert_only_fonts_from_assets(site.out, site.root / "assets") == 3
