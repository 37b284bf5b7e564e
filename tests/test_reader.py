"""The reader's site: facet pages, totals, feeds, exports, metadata, the link check and the
search indexer. Built sites are inspected as files; the browser checks are in
test_browser.py."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from casesite.outputs.exports import COLUMNS
from casesite.outputs.linkcheck import LINK_ATTRS, META_URLS, Reference, broken_links, scan
from casesite.render.facets import slugify

from .conftest import CASE_STUDY, REPO, MiniSite, tree_digest

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SAMPLE_BASE = "https://example.org/stronger-roots/"
MINI_BASE = "https://example.org/stories/"
HUNGARY = "case-studies/hungary-police-cooperation/"


def published_slugs() -> list[str]:
    slugs = []
    for path in sorted((REPO / "content/case-studies").glob("*.md")):
        if "." in path.stem:  # a version in another language (<slug>.<lang>.md): its own part
            continue
        front = path.read_text("utf-8").split("---")[1]
        if not re.search(r"^draft:\s*true", front, re.M):
            found = re.search(r"^slug:\s*(\S+)", front, re.M)
            slugs.append(found.group(1) if found else path.stem)
    return slugs


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- facet pages ------------------------------------------------------------------------


def test_facet_pages_exist_for_every_kind_and_the_index_links_them(sample_site: Path) -> None:
    index = hrefs((sample_site / "index.html").read_text())
    for folder in ("countries", "networks", "programmes", "years", "themes"):
        pages = sorted((sample_site / folder).glob("*/index.html"))
        assert pages, folder
        for page in pages:
            assert f"{folder}/{page.parent.name}/" in index, page


def test_the_hungary_page_lists_the_hungarian_case_study(sample_site: Path) -> None:
    html = (sample_site / "countries/hu/index.html").read_text()
    assert f'href="../../{HUNGARY}"' in html
    assert '<h1 class="page-title">Hungary</h1>' in html
    # ... and nothing from elsewhere.
    for slug in published_slugs():
        if slug != "hungary-police-cooperation":
            assert f"case-studies/{slug}/" not in html


def test_each_case_study_links_its_country_network_programme_and_year(sample_site: Path) -> None:
    links = hrefs((sample_site / HUNGARY / "index.html").read_text())
    for page in (
        "../../countries/hu/",
        "../../networks/working-group-against-hate-crimes-in-hungary/",
        "../../programmes/stronger-roots/",
        "../../years/2021/",
        "../../themes/policing/",
    ):
        assert page in links, page
    for slug in published_slugs():
        page = (sample_site / "case-studies" / slug / "index.html").read_text()
        assert '"../../countries/' in page and '"../../networks/' in page
        assert '"../../programmes/' in page and '"../../years/' in page


def test_a_change_period_spanning_years_is_listed_under_each_year(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(
        {CS: CASE_STUDY.replace("change_period: 2021-11", "change_period: 2021-09/2023-02")}
    )
    assert site.run("build", "--no-pdf", capsys=capsys).code == 0
    for year in ("2021", "2022", "2023"):
        assert (
            'href="../../case-studies/hungary/"'
            in (site.out / f"years/{year}/index.html").read_text()
        )


def test_facet_addresses_are_safe_and_distinct() -> None:
    assert slugify("Working Group Against Hate Crimes in Hungary") == (
        "working-group-against-hate-crimes-in-hungary"
    )
    assert slugify("Háttér Társaság") == "hatter-tarsasag"
    assert slugify("../../etc") == "etc"
    cyrillic = slugify("Мережа")
    assert re.fullmatch(r"n-[0-9a-f]{10}", cyrillic)
    assert cyrillic != slugify("Спільнота")


# -- totals -----------------------------------------------------------------------------

CS = "content/case-studies/hungary.md"


def _study(**changes: str) -> str:
    """The base case study without its quote, with front-matter lines replaced."""
    text = CASE_STUDY.replace(
        "::: quote test-quote\nWith the police's proactive and supportive attitude, "
        "a new type of collaboration has emerged.\n:::\n",
        "",
    )
    for key, value in changes.items():
        text = re.sub(rf"^{key}:.*$", f"{key}: {value}", text, count=1, flags=re.M)
    return text


TOTALS_SITE = {
    # Published: 2 in EUR (20000 + 5000.50), 1 in CZK (450000); HU twice, CZ once;
    # 2 networks; 30 + 12.5 + 7 = 49.5 hours. The draft must count for nothing.
    CS: None,
    "content/approvals/test-quote.yml": None,
    "content/case-studies/one.md": _study(),
    "content/case-studies/two.md": _study(
        title="Second story", support_hours="12.5", grant="{amount: 5000.50, currency: EUR}"
    ).replace("  amount: 20000\n  currency: EUR\n", ""),
    "content/case-studies/three.md": _study(
        title="Third story",
        country="CZ",
        network="Countryside Food Bank Network",
        support_hours="7",
        programme="other-programme",
    )
    .replace("amount: 20000", "amount: 450000")
    .replace("currency: EUR", "currency: CZK"),
    "content/case-studies/draft.md": _study(
        title="Not yet", country="SK", network="Draft Network", support_hours="1000"
    )
    .replace("amount: 20000", "amount: 999999")
    .replace("---\ntitle", "---\ndraft: true\ntitle", 1),
    "content/programmes/other-programme.yml": "name: Other Programme\nabout: Another one.\n",
}


def stats(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for kind, figure, label in re.findall(
        r'<li class="stat stat--([a-z-]+)"><span class="stat__figure">([^<]*)</span> '
        r'<span class="stat__label">([^<]*)</span>',
        html,
    ):
        found.setdefault(kind, []).append(f"{figure} {label}")
    return found


def test_totals_on_the_index_match_the_published_case_studies(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(TOTALS_SITE)
    result = site.run("build", "--no-pdf", capsys=capsys)
    assert result.code == 0, result.err
    assert stats((site.out / "index.html").read_text()) == {
        "case-studies": ["3 case studies"],
        "networks": ["2 networks"],
        "countries": ["2 countries"],
        # One figure per currency, sorted by code; never added together.
        "grant": ["CZK\xa0450,000 granted in CZK", "€25,000.50 granted in EUR"],
        "hours": ["49.5 hours of support"],
    }


def test_totals_on_a_programme_page_count_only_its_case_studies(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(TOTALS_SITE)
    assert site.run("build", "--no-pdf", capsys=capsys).code == 0
    assert stats((site.out / "programmes/test-programme/index.html").read_text()) == {
        "case-studies": ["2 case studies"],
        "networks": ["1 network"],
        "countries": ["1 country"],
        "grant": ["€25,000.50 granted in EUR"],
        "hours": ["42.5 hours of support"],
    }
    other = (site.out / "programmes/other-programme/index.html").read_text()
    assert stats(other)["grant"] == ["CZK\xa0450,000 granted in CZK"]
    # Facet pages other than programmes carry no totals.
    assert "stat--" not in (site.out / "countries/hu/index.html").read_text()


# -- feeds and discovery ----------------------------------------------------------------


def test_the_feed_has_one_entry_per_published_case_study(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(TOTALS_SITE)
    assert site.run("build", "--no-pdf", capsys=capsys).code == 0
    feed = ET.parse(site.out / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    titles = sorted(e.findtext(f"{ATOM}title") for e in entries)
    assert titles == [
        "Police and associations started working together",
        "Second story",
        "Third story",
    ]
    for entry in entries:
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith(MINI_BASE + "case-studies/")
        assert entry.findtext(f"{ATOM}id") == link.get("href")
        assert entry.findtext(f"{ATOM}updated") == "2022-03-15T00:00:00Z"
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == MINI_BASE + "feed.xml"


def test_the_sample_feed_lists_every_published_case_study(sample_site: Path) -> None:
    feed = ET.parse(sample_site / "feed.xml").getroot()
    links = sorted(e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry"))  # type: ignore[union-attr]
    assert links == sorted(f"{SAMPLE_BASE}case-studies/{s}/" for s in published_slugs())


def test_the_sitemap_lists_every_page(sample_site: Path) -> None:
    urlset = ET.parse(sample_site / "sitemap.xml").getroot()
    listed = sorted(u.findtext(f"{SITEMAP}loc") or "" for u in urlset.findall(f"{SITEMAP}url"))
    pages = sorted(
        SAMPLE_BASE + p.relative_to(sample_site).as_posix().removesuffix("index.html")
        for p in sample_site.rglob("index.html")
        if not p.relative_to(sample_site).as_posix().startswith("pagefind/")
    )
    assert listed == pages
    assert SAMPLE_BASE in listed and f"{SAMPLE_BASE}search/" in listed
    assert len(listed) == len(set(listed)) > 20
    assert not any("404" in url for url in listed)


def test_robots_txt_points_to_the_sitemap(sample_site: Path) -> None:
    robots = (sample_site / "robots.txt").read_text()
    assert robots.startswith("User-agent: *\n")
    assert f"Sitemap: {SAMPLE_BASE}sitemap.xml" in robots.splitlines()


def test_the_404_page_links_from_the_site_root_at_any_depth(sample_site: Path) -> None:
    html = (sample_site / "404.html").read_text()
    assert '<meta name="robots" content="noindex">' in html
    assert 'href="/stronger-roots/assets/site.css"' in html
    assert 'href="/stronger-roots/search/"' in html
    assert "Page not found" in html


def test_every_page_has_a_canonical_url_and_social_cards(sample_site: Path) -> None:
    for page in sample_site.rglob("index.html"):
        rel = page.relative_to(sample_site).as_posix()
        if rel.startswith("pagefind/"):
            continue
        html = page.read_text()
        url = SAMPLE_BASE + rel.removesuffix("index.html")
        assert f'<link rel="canonical" href="{url}">' in html, rel
        assert f'<meta property="og:url" content="{url}">' in html, rel
        assert '<meta name="twitter:card"' in html and '<meta property="og:title"' in html, rel
        assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html, rel


# -- data exports -----------------------------------------------------------------------


def test_the_exports_have_one_row_per_published_case_study(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(TOTALS_SITE)
    assert site.run("build", "--no-pdf", capsys=capsys).code == 0
    data = json.loads((site.out / "case-studies.json").read_text())
    assert data["format_version"] == 1 and data["site_url"] == MINI_BASE
    rows = data["case_studies"]
    assert sorted(r["title"] for r in rows) == [
        "Police and associations started working together",
        "Second story",
        "Third story",
    ]
    assert all(list(r) == list(COLUMNS) for r in rows)
    third = next(r for r in rows if r["title"] == "Third story")
    assert third["url"] == f"{MINI_BASE}case-studies/three/"
    assert (third["grant_amount"], third["grant_currency"]) == (450000, "CZK")
    assert (third["country"], third["country_name"]) == ("CZ", "Czechia")
    assert third["programme"] == "other-programme" and third["change_years"] == [2021]
    two = next(r for r in rows if r["title"] == "Second story")
    assert two["grant_amount"] == 5000.5 and two["support_hours"] == 12.5

    table = list(csv.DictReader(io.StringIO((site.out / "case-studies.csv").read_text())))
    assert len(table) == 3 and list(table[0]) == list(COLUMNS)
    assert sorted(r["grant_amount"] for r in table) == ["20000", "450000", "5000.5"]
    assert all("Not yet" not in r["title"] for r in table)


def test_the_sample_exports_match_the_published_case_studies(sample_site: Path) -> None:
    data = json.loads((sample_site / "case-studies.json").read_text())
    assert sorted(r["slug"] for r in data["case_studies"]) == sorted(published_slugs())
    for row in data["case_studies"]:  # the sample is built with its PDF briefs
        pdf = row["pdf_url"].removeprefix(SAMPLE_BASE)
        assert pdf == f"case-studies/{row['slug']}/{row['slug']}.pdf"
        assert (sample_site / pdf).is_file()
    table = list(csv.DictReader(io.StringIO((sample_site / "case-studies.csv").read_text())))
    assert sorted(r["slug"] for r in table) == sorted(published_slugs())


# -- metadata ---------------------------------------------------------------------------


class _JsonLd(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.blocks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "script" and ("type", "application/ld+json") in attrs
        if self.inside:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.blocks[-1] += data


def jsonld(html: str) -> list[dict[str, object]]:
    parser = _JsonLd()
    parser.feed(html)
    return [json.loads(block) for block in parser.blocks]


def test_each_case_study_page_carries_json_ld_with_a_monetary_grant(sample_site: Path) -> None:
    for slug in published_slugs():
        blocks = jsonld((sample_site / "case-studies" / slug / "index.html").read_text())
        assert len(blocks) == 1, slug
        report = blocks[0]
        assert report["@type"] == "Report" and report["url"] == f"{SAMPLE_BASE}case-studies/{slug}/"
        grant = report["funding"]
        assert isinstance(grant, dict) and grant["@type"] == "MonetaryGrant"
        assert grant["amount"]["@type"] == "MonetaryAmount"
    hungary = jsonld((sample_site / HUNGARY / "index.html").read_text())[0]
    assert hungary["funding"]["amount"] == {  # type: ignore[index]
        "@type": "MonetaryAmount",
        "value": 20000,
        "currency": "EUR",
    }
    assert hungary["about"]["@type"] == "Organization"  # type: ignore[index]
    assert hungary["spatialCoverage"] == {"@type": "Country", "name": "Hungary", "identifier": "HU"}
    quotes = hungary["hasPart"]
    assert isinstance(quotes, list) and quotes[0]["@type"] == "Quotation"
    assert quotes[0]["spokenByCharacter"]["name"] == "Robert Buzsaki"
    assert hungary["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_json_ld_and_meta_tags_keep_hostile_text_as_text(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = '</script><script>alert(1)</script> & "quotes"'
    site = mini_site(
        {
            CS: CASE_STUDY.replace(
                "title: Police and associations started working together", f"title: '{hostile}'"
            )
        }
    )
    result = site.run("build", "--no-pdf", capsys=capsys)
    assert result.code == 0, result.err
    html = (site.out / "case-studies/hungary/index.html").read_text()
    assert html.count("<script") == 1  # the JSON-LD block only
    assert jsonld(html)[0]["name"] == hostile
    assert '<meta name="citation_title" content="&lt;/script&gt;' in html
    search = (site.out / "search/index.html").read_text()
    assert "<script>alert" not in search


def test_citation_tags_and_a_how_to_cite_line(sample_site: Path) -> None:
    html = (sample_site / HUNGARY / "index.html").read_text()
    assert '<meta name="citation_author" content="Glopolis">' in html
    assert '<meta name="citation_publication_date" content="2022/03/15">' in html
    assert "Glopolis (2022). Hungarian anti-hate crime associations" in text_of(html)
    assert f'<span class="cite__url">{SAMPLE_BASE}{HUNGARY}</span>' in html


# -- the link check ---------------------------------------------------------------------


def test_every_internal_link_and_fragment_in_the_sample_resolves(sample_site: Path) -> None:
    problems = [
        f"{page}:{ref.line}: {ref.value}: {why}"
        for page, ref, why in broken_links(sample_site, SAMPLE_BASE)
    ]
    assert problems == []
    # The check sees the links: there are many, and fragments among them.
    count = sum(len(hrefs(p.read_text())) for p in sample_site.rglob("*.html"))
    assert count > 300


class _Reference(HTMLParser):
    """html.parser's view of a page, to check the link check's fast scanner against."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[Reference] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values: dict[str, str] = {}
        for key, value in attrs:
            if value is not None:
                values.setdefault(key, value)
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        line = self.getpos()[0]
        self.refs += [
            Reference(tag, a, values[a], line) for a in LINK_ATTRS.get(tag, ()) if a in values
        ]
        if tag == "meta" and values.get("property", values.get("name", "")) in META_URLS:
            self.refs.append(Reference(tag, "content", values.get("content", ""), line))


TRICKY_HTML = """<!doctype html><html><head>
<META PROPERTY="og:url" CONTENT="https://example.org/x/">
<script type="application/ld+json">{"a": "<a href='in-script'>"}</script>
<style>a[href="in-style"] {}</style></head>
<body><!-- <a href="in-comment"> -->
<A HREF='single'>x</A> <a href=unquoted id=one>y</a>
<a
  href="multi&amp;line#frag"
  data-x="a > b">z</a>
<img src="i.png" alt="" id="two"><a name="three"></a><p hidden id="four">
<form action="search/"><input id="q"></form>
<div title="<a href='in-attribute'>" data-x='a > b' id="five"></div>
<p title="<script>x</script>" id="six"></p>
<SCRIPT>var a = "<a href='in-upper-case-script' id='no'>";</Script >
<scripts id="seven"><a href="after-scripts">w</a></scripts>
</body></html>
"""


def test_the_link_scanner_agrees_with_html_parser(sample_site: Path) -> None:
    pages = [
        p.read_text() for p in sorted(sample_site.rglob("*.html")) if "pagefind" not in p.parts
    ]
    for html in [*pages, TRICKY_HTML]:
        reference = _Reference()
        reference.feed(html)
        reference.close()
        assert scan(html) == (frozenset(reference.ids), tuple(reference.refs))
    ids, refs = scan(TRICKY_HTML)
    assert ids == {"one", "two", "three", "four", "q", "five", "six", "seven"}
    assert [r.value for r in refs] == [
        "https://example.org/x/",
        "single",
        "unquoted",
        "multi&line#frag",
        "i.png",
        "search/",
        "after-scripts",
    ]
    assert [r.line for r in refs] == [2, 6, 6, 7, 10, 11, 15]


# Addresses on the page a/b/index.html of a tiny site, and what the link check says of
# each: None when it resolves.
TINY_BASE = "https://example.org/site/"
TINY_PAGES = {
    "index.html": '<h1 id="top-of-index">x</h1><p id="browse">',
    "a/index.html": '<p id="in-a">',
    "a/b/index.html": '<p id="here">',
    "c/index.html": "",
    "assets/x.css": "",
}
ADDRESSES = [
    ("../../", None),
    ("../../#browse", None),
    ("../../#nope", "names #nope, but index.html has no element with that id"),
    ("../#in-a", None),
    ("../../c/", None),
    ("../../c", None),
    ("../../assets/x.css", None),
    ("../../assets/y.css", "leads to a file that is not in the built site"),
    ("../../../", "leads outside the site's folder"),
    ("../../../../c/", "leads outside the site's folder"),
    ("#here", None),
    ("#nowhere", "names #nowhere, but a/b/index.html has no element with that id"),
    ("?q=1", None),
    ("", None),
    ("./", None),
    ("/site/c/", None),
    ("/elsewhere/", "starts with '/' but is not under the site's path /site/"),
    ("https://example.org/site/a/#in-a", None),
    ("https://example.org/site/d/", "leads to a file that is not in the built site"),
    ("https://other.example/", None),
    ("mailto:x@example.org", None),
    ("javascript:alert(1)", "uses 'javascript:', which a layout may not link to"),
    ("//example.org/site/", "leaves out the https: at the start"),
]


@pytest.mark.parametrize(("address", "problem"), ADDRESSES)
def test_the_link_check_resolves_addresses_from_a_page_folder(
    tmp_path: Path, address: str, problem: str | None
) -> None:
    pages = {**TINY_PAGES, "a/b/index.html": f'<p id="here"><a href="{address}">x</a>'}
    for rel, html in pages.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(html)
    found = [(page, ref.value, why) for page, ref, why in broken_links(tmp_path, TINY_BASE)]
    assert found == ([] if problem is None else [("a/b/index.html", address, problem)])


@pytest.mark.parametrize(
    ("layout", "old", "new", "words"),
    [
        (
            "layouts/index.html",
            '<h2 class="listing__title" id="listing-title">',
            '<a href="{{ root }}nowhere/">x</a><h2 class="listing__title" id="listing-title">',
            "the address 'nowhere/' leads to a file that is not in the built site; "
            "found on index.html line ",
        ),
        (
            "layouts/card.html",
            '<p class="card__summary">',
            '<a href="{{ root }}{{ cs.url }}#no-such-heading">x</a><p class="card__summary">',
            "names #no-such-heading, but case-studies/hungary/index.html has no element with that id",
        ),
        (
            "layouts/base.html",
            '<a class="skip-link" href="#main">',
            '<a class="skip-link" href="#mian">',
            "the address '#mian' names #mian, but",
        ),
    ],
)
def test_a_broken_internal_link_fails_the_build_with_its_layout(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    layout: str,
    old: str,
    new: str,
    words: str,
) -> None:
    site = mini_site()
    assert site.run("build", "--no-pdf", capsys=capsys).code == 0
    before = tree_digest(site.out)
    text = (site.root / layout).read_text()
    assert old in text
    changed = text.replace(old, new, 1)
    site.write({layout: changed})
    line = changed[: changed.index(new)].count("\n") + 1
    result = site.run("build", "--no-pdf", capsys=capsys)
    assert result.code == 1
    # Located at the layout line that wrote the link, whichever page it was found on.
    assert re.match(rf"{layout}:{line}:\d+: error: ", result.err), result.err
    assert "[broken-internal-link]" in result.err and words in result.err
    assert result.err.count("[broken-internal-link]") == 1, "one error per layout line"
    assert "hint: " in result.err
    assert tree_digest(site.out) == before, "the previous site stays as it was"
    assert not list(site.root.glob("._site*"))


# -- the search index -------------------------------------------------------------------


def test_the_search_index_is_built_into_the_site(sample_site: Path) -> None:
    assert (sample_site / "pagefind/pagefind.js").is_file()
    assert not (sample_site / "pagefind/pagefind-ui.js").exists(), "unused UI not published"
    entry = json.loads((sample_site / "pagefind/pagefind-entry.json").read_text())
    # One index per language: the site's own (en-GB) holds its case studies.
    assert entry["languages"]["en-gb"]["page_count"] == len(published_slugs())


@pytest.mark.parametrize(
    ("binary", "words"),
    [
        (
            "/nonexistent/pagefind",
            "the search indexer (Pagefind) was not found at /nonexistent/pagefind",
        ),
        ("/bin/false", "the search indexer (Pagefind) failed with exit code 1"),
    ],
)
def test_a_missing_or_failing_indexer_fails_the_build(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    binary: str,
    words: str,
) -> None:
    site = mini_site(search=True)
    assert site.run("build", "--no-pdf", capsys=capsys).code == 0
    before = tree_digest(site.out)
    monkeypatch.setenv("CASESITE_PAGEFIND", binary)
    # A page changes, so the index must be made again (an unchanged site reuses the last).
    story = site.root / "content/case-studies/hungary.md"
    story.write_text(story.read_text().replace("met at workshops", "met at two workshops"))
    result = site.run("build", "--no-pdf", capsys=capsys)
    assert result.code == 1
    assert "layouts/search.html:" in result.err and "[search-index]" in result.err
    assert words in result.err
    assert tree_digest(site.out) == before
