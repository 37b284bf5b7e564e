"""The collection per programme (`programmes/<id>/<id>.pdf`, and `hu/programmes/<id>/<id>.pdf`
in the Hungarian part): exactly its programme's briefs, in the programme page's order, after
a cover naming the programme; bookmarks, links to each brief's first page, metadata and the
catalog as the site-wide collection has them; linked from its programme page with its size
and page count; the same bytes from a second build.

One mini-site of two programmes in two languages, built once (with two workers, and again
with one worker and no cache, for the reproducibility check); the tests only read it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from casesite.cli import main

from .conftest import BASE_FILES, CASE_STUDY, REPO, MiniSite, built_once, tree_digest

OTHER_PROGRAMME = """\
name: Other Fund
about: >-
  A second programme for the tests.
translations:
  hu:
    name: Másik Alap
    about: Egy második program a tesztekhez.
"""

THIRD = CASE_STUDY.replace("title: Police and", "title: Third story, police and").replace(
    "published: 2022-03-15", "published: 2022-05-01"
)
SECOND = (
    CASE_STUDY.replace("title: Police and", "title: Second story, police and")
    .replace("published: 2022-03-15", "published: 2022-04-01")
    .replace("programme: test-programme", "programme: other-programme")
)


def _hungarian(text: str, title: str) -> str:
    """A Hungarian version, without the quote (whose record has no Hungarian words)."""
    head, _, _ = text.partition("::: quote")
    return re.sub(r"(?m)^title: .*$", f"title: {title}", head, count=1)


FILES = {
    **BASE_FILES,
    "content/programmes/other-programme.yml": OTHER_PROGRAMME,
    "content/case-studies/third.md": THIRD,
    "content/case-studies/second.md": SECOND,
    "content/case-studies/hungary.hu.md": _hungarian(CASE_STUDY, "A rendőrség és az egyesületek"),
    "content/case-studies/second.hu.md": _hungarian(SECOND, "Második történet a tanárokról"),
}

TEST = "programmes/test-programme/test-programme.pdf"
OTHER = "programmes/other-programme/other-programme.pdf"
HU_TEST = "hu/" + TEST
HU_OTHER = "hu/" + OTHER

# Each programme collection: its programme's name, its briefs (newest first, as on the
# programme page) and the site-wide collection of its language.
EXPECTED = {
    TEST: (
        "Test Programme",
        ["case-studies/third/third.pdf", "case-studies/hungary/hungary.pdf"],
        "case-studies.pdf",
    ),
    OTHER: ("Other Fund", ["case-studies/second/second.pdf"], "case-studies.pdf"),
    HU_TEST: ("Test Programme", ["hu/case-studies/hungary/hungary.pdf"], "hu/case-studies.pdf"),
    HU_OTHER: ("Másik Alap", ["hu/case-studies/second/second.pdf"], "hu/case-studies.pdf"),
}


def _build(folder: Path) -> Path:
    root = folder / "site"
    for name in ("layouts", "assets"):
        shutil.copytree(REPO / name, root / name)
    MiniSite(root).write(dict(FILES))
    # Two workers: the front matters render in the pool; then one, without the cache.
    assert main(["build", "--root", str(root), "--jobs", "2", "--no-search"]) == 0
    again = ["build", "--root", str(root), "--jobs", "1", "--no-search", "--no-cache"]
    assert main([*again, "--out", str(root / "again")]) == 0
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> MiniSite:
    return MiniSite(built_once(tmp_path_factory, "programme-pdfs", _build))


def _texts(reader: PdfReader) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def _title(path: Path) -> str:
    meta = PdfReader(path).metadata
    assert meta is not None and meta.title
    return str(meta.title)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_a_programme_collection_is_its_cover_then_exactly_its_briefs(
    site: MiniSite, path: str
) -> None:
    name, brief_paths, _ = EXPECTED[path]
    collection = PdfReader(site.out / path)
    pages = _texts(collection)
    briefs = [(_title(site.out / p), _texts(PdfReader(site.out / p))) for p in brief_paths]
    # Bookmarks: the cover's heading (the programme), then each brief, in the page's order.
    top = [item for item in collection.outline if not isinstance(item, list)]
    assert [item.title for item in top] == [name, *(title for title, _ in briefs)]
    starts = [collection.get_destination_page_number(item) for item in top[1:]]
    # Each brief's pages, whole and in order, where its bookmark points; nothing else after.
    at = starts[0]
    for (_, brief), start in zip(briefs, starts, strict=True):
        assert start == at and pages[start : start + len(brief)] == brief
        at += len(brief)
    assert at == len(pages)
    # The cover names the programme; the contents give and link each brief's first page.
    assert name in pages[0]
    count = len(briefs)
    assert re.search(rf"\b{count} (case stud|esettanulmány)", pages[0]), pages[0]
    front = starts[0]
    links = [a.get_object() for p in collection.pages[1:front] for a in p.get("/Annots", ())]
    linked = sorted({collection.get_page_number(a["/Dest"][0].get_object()) for a in links})
    assert linked == starts
    contents = " ".join(pages[1:front])
    for (title, _), start in zip(briefs, starts, strict=True):
        assert re.search(rf"{re.escape(title[:20])}.*? {start + 1}\b", contents), contents
    # No brief of another programme (or language) is in it.
    others = {_title(p) for p in site.out.rglob("case-studies/*/*.pdf")} - {t for t, _ in briefs}
    assert others and not any(other[:20] in " ".join(pages) for other in others)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_a_programme_collection_has_the_site_wide_ones_metadata_and_catalog(
    site: MiniSite, path: str
) -> None:
    name, _, sitewide = EXPECTED[path]
    collection, whole = PdfReader(site.out / path), PdfReader(site.out / sitewide)
    root, whole_root = collection.trailer["/Root"], whole.trailer["/Root"]
    # Language, outline mode, no structure tree nor PDF/UA claim, no page labels: as the
    # site-wide collection of its language.
    assert set(root) == set(whole_root) and root["/Lang"] == whole_root["/Lang"]
    assert root["/Lang"] == ("hu" if path.startswith("hu/") else "en")
    assert "/StructTreeRoot" not in root and "/PageLabels" not in root
    meta, whole_meta = collection.metadata, whole.metadata
    assert meta is not None and whole_meta is not None
    assert meta.title is not None and meta.title.startswith(f"{name}: ")
    assert meta.title.removeprefix(f"{name}: ") == str(whole_meta.title).split(": ", 1)[1]
    assert meta.author == whole_meta.author and meta.get("/Producer") == whole_meta.get("/Producer")
    assert name in str(meta.subject)
    assert str(meta.get("/CreationDate", "")).startswith("D:2022")
    assert len(collection.trailer["/ID"]) == 2


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_the_programme_page_links_its_collection_with_size_and_pages(
    site: MiniSite, path: str
) -> None:
    _, brief_paths, _ = EXPECTED[path]
    pdf = site.out / path
    page = (pdf.parent / "index.html").read_text("utf-8")
    pages, kb, count = len(PdfReader(pdf).pages), round(pdf.stat().st_size / 1000), len(brief_paths)
    assert f'<a href="{pdf.name}" type="application/pdf">' in page
    if path.startswith("hu/"):
        text = f"PDF-gyűjtemény, {count}\u00a0esettanulmány, {pages}\u00a0oldal, {kb}\u00a0kB"
    else:
        studies = "case study" if count == 1 else "case studies"  # as the listings count them
        text = f"PDF collection, {count} {studies}, {pages}\u00a0pages, {kb}\u00a0kB"
    assert text in page


def test_only_programme_pages_link_a_collection(site: MiniSite) -> None:
    pdfs = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("programmes/**/*.pdf"))
    assert pdfs == sorted(EXPECTED)
    for facet in ("countries/hu", "networks", "years/2021", "hu/countries/hu"):
        for page in (site.out / facet).rglob("index.html"):
            assert ".pdf" not in page.read_text("utf-8"), page


def test_a_second_build_gives_the_same_bytes(site: MiniSite) -> None:
    """Built with two workers and the cache, then with one worker and none."""
    first = {k: v for k, v in tree_digest(site.out).items() if k.endswith(".pdf")}
    again = {k: v for k, v in tree_digest(site.root / "again").items() if k.endswith(".pdf")}
    assert set(EXPECTED) <= set(first) and first == again
