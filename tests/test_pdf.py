"""PDF briefs: real WeasyPrint renders, read back with pypdf.

Text, metadata, tags and fonts of the sample brief; the fetcher that reads only the site's
assets; the cache (hits and exactly the re-renders a change calls for); byte-identical
rebuilds; `--no-pdf`.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from casesite.core import Options
from casesite.gate import check
from casesite.pdf.addresses import Refused, asset_rel
from casesite.pdf.collection import CollectionBrief, merge
from casesite.pdf.fetcher import SITE_ROOT_URL, AssetFetcher
from casesite.pdf.stage import render_one_brief

from .conftest import CASE_STUDY, REPO, MiniSite, make_mini_site, pdf_fonts, tree_digest

CS = "content/case-studies/hungary.md"
PDF = "case-studies/hungary/hungary.pdf"


# -- the sample brief ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    """The repository's sample case study, rendered as `casesite serve` renders one."""
    root = tmp_path_factory.mktemp("sample-pdf")
    for folder in ("content", "layouts", "assets"):
        shutil.copytree(REPO / folder, root / folder)
    checked, report = check(Options(root=root, out=root / "_site", pdf=True))
    assert checked is not None, [d.format() for d in report]
    cs = next(c for c in checked.site.case_studies if c.slug == "hungary-police-cooperation")
    return PdfReader(io.BytesIO(render_one_brief(checked, root, cs)))


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_sample_brief_holds_the_facts_and_the_quote(sample_pdf: PdfReader) -> None:
    text = _text(sample_pdf)
    for fact in (
        "Working Group Against Hate Crimes in Hungary",
        "Hungary",
        "€20,000",
        "30 hours",
        "November 2021",
        "Glopolis",
        "Stronger Roots",
        "15 March 2022",
        "proactive and supportive attitude",
        "Robert Buzsaki",
        "Háttér Társaság",
        "CC BY 4.0",
        "https://example.org/stronger-roots/case-studies/hungary-police-cooperation/",
    ):
        assert fact in text, fact
    assert re.search(r"Page 1 of \d", text)
    assert 1 <= len(sample_pdf.pages) <= 4


def test_sample_brief_is_tagged_with_language_and_metadata(sample_pdf: PdfReader) -> None:
    root = sample_pdf.trailer["/Root"]
    assert str(root["/Lang"]).startswith("en")
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert sample_pdf.outline, "headings give bookmarks"
    meta = sample_pdf.metadata
    assert meta is not None
    assert meta.title == (
        "Hungarian anti-hate crime associations and local police started working together"
    )
    assert meta.author == "Glopolis"
    assert meta.subject is not None and meta.subject.startswith("Workshops run by")
    assert meta.get("/Keywords") == "hate crime, policing, minority rights"
    assert str(meta.get("/CreationDate", "")).startswith("D:20220315")


def _figures(node: Any) -> list[Any]:
    node = node.get_object()
    if isinstance(node, list):
        return [f for child in node for f in _figures(child)]
    if not isinstance(node, DictionaryObject):
        return []
    found = [node] if node.get("/S") == "/Figure" else []
    return found + (_figures(node["/K"]) if "/K" in node else [])


def test_every_image_in_the_sample_brief_has_alt_text(sample_pdf: PdfReader) -> None:
    figures = _figures(sample_pdf.trailer["/Root"]["/StructTreeRoot"])
    assert len(figures) >= 2  # the programme's logo, the partners' logos
    assert all(str(f.get("/Alt", "")).strip() for f in figures)


def test_sample_brief_embeds_every_font(sample_pdf: PdfReader) -> None:
    fonts = pdf_fonts(sample_pdf)
    assert fonts
    names = set()
    for font in fonts:
        if font.get("/Subtype") == "/Type0":
            continue  # its descendant carries the descriptor
        descriptor = font["/FontDescriptor"]
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
        names.add(str(font["/BaseFont"]))
    assert any("Source-Serif-4" in n for n in names) and any("Source-Sans-3" in n for n in names)


# -- the fetcher ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///casesite-site/../etc/passwd",
        "file:///casesite-site/assets/../content/site.yml",
        "file:///casesite-site/assets/%2e%2e/content/site.yml",
        "file:///casesite-site/content/site.yml",
        "file:///casesite-site/assets/.hidden",
        "file://otherhost/casesite-site/assets/brief.css",
        "data:text/plain,hello",
        "https://example.org/logo.svg",
        "ftp://example.org/logo.svg",
        "assets/brief.css",
    ],
)
def test_fetcher_refuses_everything_but_the_assets(url: str, tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/brief.css").write_text("p {}")
    fetcher = AssetFetcher(tmp_path, frozenset({"assets/brief.css"}))
    with pytest.raises(Refused):
        fetcher.fetch(url)
    assert fetcher.refused and not fetcher.read


def test_fetcher_serves_listed_assets_only(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/brief.css").write_text("p {}")
    (tmp_path / "assets/unlisted.css").write_text("p {}")
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "assets/link.css").symlink_to(tmp_path / "secret.txt")
    listed = frozenset({"assets/brief.css", "assets/link.css"})
    fetcher = AssetFetcher(tmp_path, listed, {"assets/theme.css": b":root {}"})
    response = fetcher.fetch(SITE_ROOT_URL + "assets/brief.css")
    assert response.read() == b"p {}" and response.content_type == "text/css"
    assert fetcher.fetch(SITE_ROOT_URL + "assets/theme.css").read() == b":root {}"
    for rel in ("assets/unlisted.css", "assets/link.css"):
        with pytest.raises(Refused):
            fetcher.fetch(SITE_ROOT_URL + rel)
    assert sorted(fetcher.read) == ["assets/brief.css", "assets/theme.css"]
    assert asset_rel(SITE_ROOT_URL + "assets/fonts/a%20b.woff2") == "assets/fonts/a b.woff2"


# -- mini sites ----------------------------------------------------------------------------

SECOND = CASE_STUDY.replace("title: Police and", "title: Second story, police and").replace(
    "published: 2022-03-15", "published: 2022-04-01"
)
MAP_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    '<rect width="40" height="20" fill="#{}"/></svg>'
)


def _summary(err: str) -> tuple[int, int]:
    found = re.search(r"PDF briefs: (\d+) rendered, (\d+) reused", err)
    assert found, err
    return int(found[1]), int(found[2])


def _collection(err: str) -> str:
    """'reused', or how many times its front matter was rendered: '0', '1', ..."""
    found = re.search(
        r"; collection: (reused|front matter (\d+) rendered, \d+ briefs appended)", err
    )
    assert found, err
    return found[2] or found[1]


TWO_BRIEFS = {
    "content/case-studies/second.md": SECOND
    + "\n![A map of the district](../../assets/images/map.svg)\n",
    "assets/images/map.svg": MAP_SVG.format("1f4e5a"),
}


@pytest.fixture
def two_briefs(mini_site: Callable[..., MiniSite]) -> MiniSite:
    """Two case studies; only the second shows an image (assets/images/map.svg)."""
    return mini_site(TWO_BRIEFS, pdf=True)


@dataclass(frozen=True)
class Built:
    site: MiniSite
    err: str  # what the build wrote to stderr


@pytest.fixture(scope="module")
def two_briefs_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The two case studies built once with two workers, for the tests below that only
    read what the build made."""
    site = make_mini_site(tmp_path_factory.mktemp("two-briefs"), TWO_BRIEFS, pdf=True)
    run = site.run_here("build", "--jobs", "2")
    assert run.code == 0, run.err
    return Built(site, run.err)


def test_build_links_every_brief_with_its_size_and_pages(two_briefs_built: Built) -> None:
    two_briefs = two_briefs_built.site
    assert _summary(two_briefs_built.err) == (2, 0) and _collection(two_briefs_built.err) == "1"
    for slug in ("hungary", "second"):
        pdf = two_briefs.out / f"case-studies/{slug}/{slug}.pdf"
        reader = PdfReader(pdf)
        pages = len(reader.pages)
        kb = round(pdf.stat().st_size / 1000)
        html = (two_briefs.out / f"case-studies/{slug}/index.html").read_text()
        assert f'href="{slug}.pdf"' in html
        word = "page" if pages == 1 else "pages"
        assert f"PDF brief, {pages}\u00a0{word}, {kb}\u00a0kB" in html  # figures: no-break spaces
    collection = PdfReader(two_briefs.out / "case-studies.pdf")
    text = _text(collection)
    assert "Contents" in text and "Second story" in text and "Police and associations" in text


def test_cache_hits_and_exact_invalidation(
    two_briefs: MiniSite, capsys: pytest.CaptureFixture[str]
) -> None:
    def build() -> tuple[tuple[int, int], str]:
        run = two_briefs.run("build", "--jobs", "1", capsys=capsys)
        assert run.code == 0, run.err
        return _summary(run.err), _collection(run.err)

    assert build() == ((2, 0), "1")
    assert build() == ((0, 2), "reused"), "nothing changed: nothing rendered"
    two_briefs.write({CS: CASE_STUDY + "\nOne more sentence.\n"})
    assert build() == ((1, 1), "0"), "a body changed: its brief; the contents stay"
    title = CASE_STUDY.replace("title: Police and", "title: Retitled, police and")
    two_briefs.write({CS: title})
    assert build() == ((1, 1), "1"), "a title changed: its brief and the contents"
    two_briefs.write({"assets/images/map.svg": MAP_SVG.format("b5442b")})
    assert build() == ((1, 1), "0"), "the image only the second brief shows"
    layout = two_briefs.root / "layouts/brief.html"
    layout.write_text(layout.read_text().replace("<body", "<body data-edited"))
    assert build() == ((2, 0), "0"), "brief.html: every brief, not the front matter"
    css = two_briefs.root / "assets/brief.css"
    css.write_text(css.read_text() + "\n.kicker { letter-spacing: 0.1em; }\n")
    assert build() == ((2, 0), "1"), "the stylesheet: everything"
    assert build() == ((0, 2), "reused")


def test_two_builds_give_identical_pdfs(two_briefs: MiniSite) -> None:
    first = two_briefs.run_process("build", "--jobs", "2")
    assert first.code == 0, first.err
    before = {k: v for k, v in tree_digest(two_briefs.out).items() if k.endswith(".pdf")}
    shutil.rmtree(two_briefs.root / ".casesite-cache")
    second = two_briefs.run_process("build", "--jobs", "1")
    assert second.code == 0, second.err
    after = {k: v for k, v in tree_digest(two_briefs.out).items() if k.endswith(".pdf")}
    assert len(before) == 4 and before == after  # two briefs, the collection, the programme's


def _page_texts(reader: PdfReader) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def test_the_collection_is_its_front_matter_then_every_brief(two_briefs_built: Built) -> None:
    two_briefs = two_briefs_built.site
    collection = PdfReader(two_briefs.out / "case-studies.pdf")
    pages = _page_texts(collection)
    briefs = {
        PdfReader(path).metadata.title: _page_texts(PdfReader(path))  # type: ignore[union-attr]
        for path in two_briefs.out.glob("case-studies/*/*.pdf")
    }
    # The outline: the front matter's heading, then one entry per case study, in order.
    top = [item for item in collection.outline if not isinstance(item, list)]
    assert len(top) == 1 + len(briefs)
    starts = [collection.get_destination_page_number(item) for item in top[1:]]
    assert [item.title for item in top[1:]] == sorted(
        briefs, key=lambda t: pages.index(briefs[t][0])
    )
    # Every brief's pages, whole and in order, where its outline entry points.
    front = starts[0]
    at = front
    for item, start in zip(top[1:], starts, strict=True):
        brief = briefs[item.title]
        assert start == at and pages[start : start + len(brief)] == brief
        at += len(brief)
    assert at == len(pages)
    # The contents: each entry's printed number and its link give the brief's first page.
    contents = " ".join(pages[1:front])
    links = [a.get_object() for p in collection.pages[1:front] for a in p.get("/Annots", ())]
    linked = sorted({collection.get_page_number(a["/Dest"][0].get_object()) for a in links})
    assert linked == starts
    for item, start in zip(top[1:], starts, strict=True):
        assert re.search(rf"{re.escape(item.title[:20])}.*? {start + 1}\b", contents), contents
    assert "Contents" in pages[1] and "2 case studies" in pages[0]
    # Metadata, honestly: no structure tree and so no PDF/UA claim.
    root = collection.trailer["/Root"]
    assert str(root["/Lang"]).startswith("en")
    assert "/StructTreeRoot" not in root and "/Metadata" not in root and "/MarkInfo" not in root
    meta = collection.metadata
    assert meta is not None and meta.title and "Case studies" in meta.title
    assert meta.author and str(meta.get("/CreationDate", "")).startswith("D:2022")
    assert len(collection.trailer["/ID"]) == 2


def test_a_rebuild_after_one_change_gives_the_collection_a_full_build_gives(
    two_briefs: MiniSite, capsys: pytest.CaptureFixture[str]
) -> None:
    assert two_briefs.run("build", "--jobs", "1", capsys=capsys).code == 0
    two_briefs.write({CS: CASE_STUDY.replace("title: Police and", "title: Retitled, police and")})
    run = two_briefs.run("build", "--jobs", "1", capsys=capsys)
    assert run.code == 0 and _summary(run.err) == (1, 1), run.err
    incremental = (two_briefs.out / "case-studies.pdf").read_bytes()
    shutil.rmtree(two_briefs.root / ".casesite-cache")
    run = two_briefs.run("build", "--jobs", "2", capsys=capsys)
    assert run.code == 0 and _summary(run.err) == (2, 0), run.err
    assert (two_briefs.out / "case-studies.pdf").read_bytes() == incremental
    assert b"Retitled, police and" in b"".join(
        (p.extract_text() or "").encode() for p in PdfReader(io.BytesIO(incremental)).pages[:2]
    )


def test_pypdfs_merge_the_fallback_gives_the_same_collection(two_briefs_built: Built) -> None:
    two_briefs = two_briefs_built.site
    fast_bytes = (two_briefs.out / "case-studies.pdf").read_bytes()
    fast = PdfReader(io.BytesIO(fast_bytes))
    briefs = {p.read_bytes() for p in two_briefs.out.glob("case-studies/*/*.pdf")}
    published = {p.read_bytes() for p in two_briefs.out.rglob("*.pdf")}
    cached = [p.read_bytes() for p in (two_briefs.root / ".casesite-cache/briefs").glob("*.pdf")]
    # The front matters: the collection's, and the programme's collection's (another title).
    title = fast.metadata.title  # type: ignore[union-attr]
    (front,) = [
        d
        for d in cached
        if d not in published and PdfReader(io.BytesIO(d)).metadata.title == title  # type: ignore[union-attr]
    ]
    links = list(
        dict.fromkeys(
            a.get_object()["/A"]["/URI"]
            for p in PdfReader(io.BytesIO(front)).pages[1:]
            for a in p.get("/Annots", ())
        )
    )
    by_title = {PdfReader(io.BytesIO(d)).metadata.title: d for d in briefs}  # type: ignore[union-attr]
    titles = [item.title for item in fast.outline if not isinstance(item, list)][1:]
    parts = [
        CollectionBrief(url, by_title[title], len(PdfReader(io.BytesIO(by_title[title])).pages))
        for url, title in zip(links, titles, strict=True)
    ]
    slow = PdfReader(io.BytesIO(merge(front, parts, "en-US")))
    assert _page_texts(slow) == _page_texts(fast)

    def tops(reader: PdfReader) -> list[tuple[str, int]]:
        return [
            (item.title, reader.get_destination_page_number(item))
            for item in reader.outline
            if not isinstance(item, list)
        ]

    assert tops(slow) == tops(fast)


def test_a_build_with_nothing_changed_starts_neither_weasyprint_nor_pypdf(
    two_briefs: MiniSite,
) -> None:
    # The same build as the one below, which makes the search index too.
    assert two_briefs.run_process("build", "--jobs", "1", search=True).code == 0
    script = (
        "import sys\nfrom casesite.cli import main\n"
        "try:\n    main(['build'])\nexcept SystemExit as e:\n    code = e.code\n"
        "print(sorted(m for m in ('weasyprint', 'pypdf') if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=two_briefs.root, capture_output=True, text=True
    )
    assert "collection: reused" in proc.stderr, proc.stderr
    assert proc.stdout.strip().endswith("[]"), proc.stdout


def test_no_pdf_writes_no_pdf_and_links_none(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(pdf=True)
    run = site.run("build", "--no-pdf", capsys=capsys)
    assert run.code == 0, run.err
    assert not list(site.out.rglob("*.pdf"))
    assert "PDF briefs" not in run.err
    for page in site.out.rglob("*.html"):
        assert ".pdf" not in page.read_text(), page


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"assets/brief.css": "\n.masthead { background: url('/etc/passwd'); }\n"},
            "the stylesheet refers to a file outside the site (/etc/passwd)",
        ),
        (
            {"assets/brief.css": "\n.masthead { background: url('../../etc/passwd'); }\n"},
            "the stylesheet refers to a file outside the site",
        ),
        (
            {"assets/brief.css": "\n.kicker { background: url('https://example.org/x.png'); }\n"},
            "the stylesheet refers to a 'https:' address",
        ),
        (
            {"layouts/_brief-article.html": '<img src="file:///etc/hostname" alt="x">\n'},
            "it refers to a file outside the site (/etc/hostname)",
        ),
        (
            {"layouts/_brief-article.html": '<img src="data:image/png;base64,AAAA" alt="x">\n'},
            "it refers to a 'data:' address",
        ),
        (
            {
                "layouts/_brief-article.html": '<a rel="attachment" href="../../assets/brief.css">'
                "x</a>\n"
            },
            "rel=attachment",
        ),
    ],
    ids=["css-absolute", "css-dotdot", "css-https", "img-file", "img-data", "attachment"],
)
def test_a_brief_that_reads_outside_the_assets_fails_located(
    files: dict[str, str],
    expected: str,
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = mini_site(pdf=True)
    for rel, addition in files.items():
        path = site.root / rel
        path.write_text(path.read_text() + addition)
    run = site.run("build", "--jobs", "1", capsys=capsys)
    assert run.code == 1
    # A url() of the stylesheet is reported where it is written (tests/test_hardening_b.py).
    where = "assets/brief.css:" if "assets/brief.css" in files else f"{CS}:1:1: "
    assert f"{where}" in run.err and "error: the PDF brief" in run.err
    assert expected in run.err
    assert not site.out.exists()  # a previous _site/ stays: test_bad_input.py


def test_an_image_outside_the_assets_is_refused_before_rendering(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({CS: CASE_STUDY + "\n![Passwords](../../../../etc/passwd)\n"}, pdf=True)
    run = site.run("build", capsys=capsys)
    assert run.code == 1
    assert re.search(rf"{re.escape(CS)}:\d+:\d+: error: ", run.err)
    assert not site.out.exists()


def test_a_brief_layout_error_names_the_case_study(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({"layouts/brief.html": "{{ cs.no_such_value }}\n"}, pdf=True)
    run = site.run("build", capsys=capsys)
    assert run.code == 1
    assert "layouts/brief.html:1:1: error:" in run.err
    assert f"the PDF brief of {CS}" in run.err


def test_an_asset_that_is_not_an_image_fails_the_brief(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({CS: CASE_STUDY + "\n![The licence](../../assets/fonts/OFL.txt)\n"}, pdf=True)
    run = site.run("build", "--jobs", "1", capsys=capsys)
    assert run.code == 1
    assert f"{CS}:1:1: error: the PDF brief cannot be made: the image 'assets/fonts/OFL.txt'" in (
        run.err
    )
    assert not site.out.exists()


def test_no_cache_renders_everything_and_leaves_the_cache_alone(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(pdf=True)
    for _ in range(2):
        run = site.run("build", "--no-cache", "--jobs", "1", capsys=capsys)
        assert run.code == 0, run.err
        assert _summary(run.err) == (1, 0) and _collection(run.err) == "1"
    assert not (site.root / ".casesite-cache/briefs").exists()
    assert not (site.root / ".casesite-cache/fonts").exists()
