"""One story in several languages: versions as <slug>.<lang>.md, each language's part of the
site (hu/...), hreflang links, per-language approvals of quotations, and what is per
language (index, facets, feed, sitemap, exports) or counted once (totals)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import APPROVAL, CASE_STUDY, REPO, MiniSite, tree_digest

SAMPLE_BASE = "https://example.org/stronger-roots/"
HU_STORY = "hu/case-studies/hungary-police-cooperation/"
EN_STORY = "case-studies/hungary-police-cooperation/"
ALTERNATE_RE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
HTML_LANG_RE = re.compile(r'<html lang="([^"]+)">')

# A Hungarian version of the mini site's story, quoting the same record.
HU_VERSION = """\
---
title: A rendőrség és az egyesületek együtt kezdtek dolgozni
summary: A helyi rendőrség és az egyesületek együttműködésbe kezdtek.
network: Gyűlölet-bűncselekmények Elleni Munkacsoport
country: HU
grant:
  amount: 20000
  currency: EUR
support_hours: 30
change_period: 2021-11
developed_by: Glopolis
programme: test-programme
published: 2022-03-15
---

## A változás

Az egyesületek és a rendőrség műhelyeken találkoztak, és a csizmadiák is eljöttek.

::: quote test-quote
A rendőrség proaktív és támogató hozzáállásának köszönhetően újfajta együttműködés jött létre.
:::
"""

HU_APPROVED = """\
translations:
  hu:
    text: >-
      A rendőrség proaktív és támogató hozzáállásának köszönhetően
      újfajta együttműködés jött létre.
    status: {status}
    approved_on: 2022-02-20
    method: email
"""


def approval_with(status: str) -> str:
    """The mini site's record (English words), with a Hungarian translation added."""
    return APPROVAL + HU_APPROVED.format(status=status)


def build_sample_html(folder: Path) -> Path:
    """The repository's sample content, built without PDFs and search (fast)."""
    root = folder / "sample"
    for name in ("content", "layouts", "assets"):
        shutil.copytree(REPO / name, root / name)
    proc = subprocess.run(
        [sys.executable, "-m", "casesite", "build", "--root", str(root), "--no-pdf",
         "--no-search"],
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return root / "_site"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_html(tmp_path_factory.mktemp("languages"))


def pages(site: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel != "404.html":
            yield rel.removesuffix("index.html"), path.read_text("utf-8")


# -- the sample ------------------------------------------------------------------------


def test_the_sample_builds_pages_in_four_languages(sample: Path) -> None:
    langs = {HTML_LANG_RE.search(html)[1] for _, html in pages(sample)}  # type: ignore[index]
    assert {"en-GB", "hu", "cs", "sk"} <= langs
    for url, lang in [
        (EN_STORY, "en-GB"),
        (HU_STORY, "hu"),
        ("cs/case-studies/czech-rural-food-banks/", "cs"),
        ("sk/case-studies/slovak-youth-councils/", "sk"),
        ("hu/", "hu"),
        ("cs/search/", "cs"),
    ]:
        html = (sample / url / "index.html").read_text("utf-8")
        assert f'<html lang="{lang}">' in html, url


def test_every_pages_hreflang_set_is_complete_and_reciprocal(sample: Path) -> None:
    sets: dict[str, set[tuple[str, str]]] = {}
    for url, html in pages(sample):
        sets[SAMPLE_BASE + url] = set(ALTERNATE_RE.findall(html))
    versions_of_stories = 0
    for address, found in sets.items():
        assert found, f"{address} lists no versions"
        hrefs = {href for lang, href in found if lang != "x-default"}
        assert address in hrefs, f"{address} does not list itself"
        defaults = [href for lang, href in found if lang == "x-default"]
        assert len(defaults) == 1 and defaults[0] in hrefs, address
        for href in hrefs:  # every version lists exactly the same set
            assert sets.get(href) == found, f"{address} -> {href} is not reciprocal"
        if "/case-studies/" in address and len(hrefs) > 1:
            versions_of_stories += 1
    assert versions_of_stories == 6  # three stories, each in two languages
    hu = sets[SAMPLE_BASE + HU_STORY]
    assert ("hu", SAMPLE_BASE + HU_STORY) in hu
    assert ("en-GB", SAMPLE_BASE + EN_STORY) in hu
    assert ("x-default", SAMPLE_BASE + EN_STORY) in hu


def test_the_switcher_leads_to_the_story_or_to_the_languages_index_with_a_note(
    sample: Path,
) -> None:
    html = (sample / HU_STORY / "index.html").read_text("utf-8")
    switch = html[
        html.index('<nav class="lang-switch"') : html.index("</nav>", html.index("lang-switch"))
    ]
    assert 'href="../../../case-studies/hungary-police-cooperation/" hreflang="en-GB"' in switch
    assert 'aria-current="page">Magyar</a>' in switch
    # No Czech version of this story: the Czech index, with a note.
    assert re.search(
        r'href="../../../cs/" hreflang="cs" lang="cs" aria-describedby="[^"]+">Čeština</a> <span class="lang-switch__note"',
        switch,
    )


def test_index_facets_feed_and_exports_are_per_language_and_totals_count_a_story_once(
    sample: Path,
) -> None:
    hu_index = (sample / "hu/index.html").read_text("utf-8")
    en_index = (sample / "index.html").read_text("utf-8")
    assert 'href="../hu/case-studies/hungary-police-cooperation/"' in hu_index
    assert "czech-rural-food-banks" not in hu_index.split('class="cards"')[1].split("</ol>")[0]
    assert "A Stronger Roots program történetei" in hu_index  # the site's name in Hungarian
    czech = (sample / "cs/case-studies/czech-rural-food-banks/index.html").read_text("utf-8")
    assert "Program Stronger Roots realizuje konsorcium" in czech  # the programme, in Czech
    assert "Příběhy programu Stronger Roots" in czech
    # The totals are the programme's: four stories, though seven pages tell them.
    for index in (hu_index, en_index):
        figure = re.search(r"stat--case-studies[^>]*>\s*<[^>]+>([^<]+)<", index)
        assert figure and figure[1].strip() == "4", figure
    assert (sample / "hu/countries/hu/index.html").is_file()
    assert not (sample / "hu/countries/cz/index.html").exists()
    feed = ET.parse(sample / "hu/feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    links = [e.find(f"{atom}link").get("href") for e in feed.iter(f"{atom}entry")]  # type: ignore[union-attr]
    assert links == [SAMPLE_BASE + HU_STORY]
    english = ET.parse(sample / "feed.xml").getroot()
    assert len(list(english.iter(f"{atom}entry"))) == 4
    rows = json.loads((sample / "cs/case-studies.json").read_text("utf-8"))["case_studies"]
    assert [r["lang"] for r in rows] == ["cs"]
    assert rows[0]["versions"] == {
        "en-GB": SAMPLE_BASE + "case-studies/czech-rural-food-banks/",
        "cs": SAMPLE_BASE + "cs/case-studies/czech-rural-food-banks/",
    }
    table = list(csv.DictReader(io.StringIO((sample / "case-studies.csv").read_text("utf-8"))))
    assert {r["lang"] for r in table} == {"en-GB"} and len(table) == 4
    slovak = next(r for r in table if r["slug"] == "slovak-youth-councils")
    assert "sk " + SAMPLE_BASE + "sk/case-studies/slovak-youth-councils/" in slovak["versions"]


def test_the_sitemap_lists_every_version_with_its_alternates(sample: Path) -> None:
    root = ET.parse(sample / "sitemap.xml").getroot()
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    xhtml = "{http://www.w3.org/1999/xhtml}"
    entries = {
        u.findtext(f"{ns}loc"): {(a.get("hreflang"), a.get("href")) for a in u.iter(f"{xhtml}link")}
        for u in root.iter(f"{ns}url")
    }
    assert SAMPLE_BASE + HU_STORY in entries
    hu = entries[SAMPLE_BASE + HU_STORY]
    assert hu == entries[SAMPLE_BASE + EN_STORY]
    assert ("hu", SAMPLE_BASE + HU_STORY) in hu and ("x-default", SAMPLE_BASE + EN_STORY) in hu


def test_translated_quotes_say_so_in_the_pages_language(sample: Path) -> None:
    hu = (sample / HU_STORY / "index.html").read_text("utf-8")
    assert "A rendőrség proaktív és támogató hozzáállásának köszönhetően" in hu
    assert '<span class="quote-translated">' in hu and "angol" in hu  # from English
    en_czech = (sample / "case-studies/czech-rural-food-banks/index.html").read_text("utf-8")
    assert "(translated from Czech)" in en_czech
    cs = (sample / "cs/case-studies/czech-rural-food-banks/index.html").read_text("utf-8")
    assert "Jogurty a zeleninu" in cs and "quote-translated" not in cs  # the original words


# -- approvals per language ------------------------------------------------------------


def test_a_hungarian_quote_without_a_hungarian_approval_is_refused_with_a_located_error(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({"content/case-studies/hungary.hu.md": HU_VERSION})
    result = site.run("build", "--no-pdf", "--no-search", capsys=capsys)
    assert result.code == 1
    line = HU_VERSION.splitlines().index("::: quote test-quote") + 1
    assert (
        f"content/case-studies/hungary.hu.md:{line}:1: error: the quote 'test-quote' is "
        "approved in English, but this page is in Hungarian" in result.err
    )
    assert "[quote-not-translated]" in result.err
    assert "translations: hu:" in result.err
    assert not site.out.exists()


def test_a_pending_translation_is_refused_like_any_pending_quote(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(
        {
            "content/case-studies/hungary.hu.md": HU_VERSION,
            "content/approvals/test-quote.yml": approval_with("pending"),
        }
    )
    result = site.run("build", "--no-pdf", "--no-search", capsys=capsys)
    assert result.code == 1
    assert "content/case-studies/hungary.hu.md:" in result.err
    assert "yet (status: pending) in Hungarian [quote-pending]" in result.err
    assert "content/case-studies/hungary.md" not in result.err  # the English one is approved


def test_approved_in_both_languages_it_builds_and_says_translated_from(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(
        {
            "content/case-studies/hungary.hu.md": HU_VERSION,
            "content/approvals/test-quote.yml": approval_with("approved"),
        }
    )
    result = site.run("build", "--no-pdf", "--no-search", capsys=capsys)
    assert result.code == 0, result.err
    hu = (site.out / "hu/case-studies/hungary/index.html").read_text("utf-8")
    assert '<html lang="hu">' in hu
    assert "újfajta együttműködés jött létre" in hu
    caption = re.search(r'<span class="quote-translated">([^<]+)</span>', hu)
    assert caption and "angol" in caption[1]  # "English", named in Hungarian
    en = (site.out / "case-studies/hungary/index.html").read_text("utf-8")
    assert "quote-translated" not in en  # the English words are the original


def test_a_quote_whose_words_differ_from_the_translation_is_refused(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(
        {
            "content/case-studies/hungary.hu.md": HU_VERSION.replace("újfajta", "új"),
            "content/approvals/test-quote.yml": approval_with("approved"),
        }
    )
    result = site.run("build", "--no-pdf", "--no-search", capsys=capsys)
    assert result.code == 1
    assert "content/case-studies/hungary.hu.md:" in result.err
    assert "[quote-text-differs]" in result.err


@pytest.mark.parametrize(
    ("files", "code", "where"),
    [
        (
            {
                "content/case-studies/hungary.hu.md": HU_VERSION.replace(
                    "---\ntitle", "---\nlang: cs\ntitle", 1
                )
            },
            "language-mismatch",
            "content/case-studies/hungary.hu.md:2:",
        ),
        (
            {
                "content/case-studies/hungary.hu.md": HU_VERSION,
                "content/case-studies/other.md": HU_VERSION.replace(
                    "---\ntitle", "---\nlang: hu\nslug: hungary\ntitle", 1
                ),
                "content/approvals/test-quote.yml": approval_with("approved"),
            },
            "slug-collision",
            "content/case-studies/other.md:1:1:",
        ),
        (
            {
                "content/approvals/test-quote.yml": approval_with("approved").replace(
                    "  hu:", "  en:"
                )
            },
            "invalid-translation",
            None,
        ),
    ],
)
def test_bad_language_versions_are_refused(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    code: str,
    where: str | None,
) -> None:
    site = mini_site(files)
    if code == "invalid-translation":  # a record in English whose 'translation' is English
        site.write(
            {
                "content/approvals/test-quote.yml": "lang: en\n"
                + files["content/approvals/test-quote.yml"]
            }
        )
    result = site.run("check", capsys=capsys)
    assert result.code == 1
    assert f"[{code}]" in result.err
    if where:
        assert where in result.err


# -- incremental builds and reproducibility --------------------------------------------


def test_multilingual_incremental_builds_equal_a_full_build_and_are_reproducible(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = mini_site(
        {
            "content/case-studies/hungary.hu.md": HU_VERSION,
            "content/approvals/test-quote.yml": approval_with("approved"),
        }
    )
    assert site.run("build", "--no-pdf", "--no-search", capsys=capsys).code == 0
    # Edit the Hungarian version, then add a Czech site name: incremental rebuilds.
    story = site.root / "content/case-studies/hungary.hu.md"
    story.write_text(story.read_text("utf-8").replace("csizmadiák", "kovácsok"), "utf-8")
    assert site.run("build", "--no-pdf", "--no-search", capsys=capsys).code == 0
    site_yml = site.root / "content/site.yml"
    site_yml.write_text(
        site_yml.read_text("utf-8") + "translations:\n  hu:\n    name: Teszt történetek\n", "utf-8"
    )
    assert site.run("build", "--no-pdf", "--no-search", capsys=capsys).code == 0
    incremental = tree_digest(site.out)
    hu = (site.out / "hu/case-studies/hungary/index.html").read_text("utf-8")
    assert "kovácsok" in hu and "Teszt történetek" in hu
    assert "Teszt történetek" not in (site.out / "case-studies/hungary/index.html").read_text()
    # A full build without the cache gives the same bytes, twice.
    full = []
    for n in range(2):
        out = tmp_path / f"full-{n}"
        code = site.run("build", "--no-pdf", "--no-search", "--no-cache", "--out", str(out),
                        capsys=capsys).code  # fmt: skip
        assert code == 0
        full.append(tree_digest(out))
    assert full[0] == full[1]
    assert incremental == full[0]


def test_approval_requests_are_written_in_the_speakers_language(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    english = "With the police's proactive and supportive attitude, a new type of collaboration"
    czech = "Díky vstřícnému přístupu policie vznikla nová spolupráce."
    story = CASE_STUDY.replace(english + " has emerged.", czech)
    record = APPROVAL.replace("Robert Buzsaki", "Petr Novák")
    record = record.replace("status: approved", "status: pending")
    record = re.sub(r"text: >-\n(  .*\n)+", f"text: {czech}\n", record)
    site = mini_site(
        {
            "content/case-studies/hungary.md": None,
            "content/case-studies/hungary.cs.md": story,
            "content/approvals/test-quote.yml": "lang: cs\n" + record,
        }
    )
    requests = tmp_path / "requests"
    result = site.run("quotes", "--requests", str(requests), capsys=capsys)
    assert result.code == 0, result.err
    letter = (requests / "petr-novak.md").read_text("utf-8")
    assert letter.startswith("# Žádost o schválení citací: Petr Novák\n")
    assert "Rádi bychom ve svých případových studiích zveřejnili" in letter
    assert "V případové studii „Police and associations started working together“:" in letter
    assert f"> {czech}" in letter
    assert letter.endswith("Děkujeme.\n")


def test_each_version_has_its_brief_and_each_language_its_collection(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    from pypdf import PdfReader

    site = mini_site(
        {
            "content/case-studies/hungary.hu.md": HU_VERSION,
            "content/approvals/test-quote.yml": approval_with("approved"),
        }
    )
    result = site.run("build", capsys=capsys, pdf=True)
    assert result.code == 0, result.err
    for path, lang, words in [
        ("case-studies/hungary/hungary.pdf", "en", "Police and associations"),
        ("hu/case-studies/hungary/hungary.pdf", "hu", "(fordítás, eredeti nyelv: angol)"),
        ("case-studies.pdf", "en", "Police and associations"),
        ("hu/case-studies.pdf", "hu", "A rendőrség és az egyesületek"),
    ]:
        pdf = PdfReader(site.out / path)
        assert pdf.trailer["/Root"]["/Lang"] == lang, path
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
        assert words in text, path
    english = " ".join(
        p.extract_text() or "" for p in PdfReader(site.out / "case-studies.pdf").pages
    )
    assert "rendőrség" not in english  # the English collection holds the English version only
    hu_page = (site.out / "hu/case-studies/hungary/index.html").read_text("utf-8")
    assert 'href="hungary.pdf"' in hu_page


def test_the_preview_makes_a_translations_brief_on_request(
    mini_site: Callable[..., MiniSite], tmp_path: Path
) -> None:
    from casesite.core import Options
    from casesite.incremental.store import CacheMode
    from casesite.serve import ondemand

    site = mini_site(
        {
            "content/case-studies/hungary.hu.md": HU_VERSION,
            "content/approvals/test-quote.yml": approval_with("approved"),
        }
    )
    out = tmp_path / "served"
    brief = ondemand.wants_pdf("/hu/case-studies/hungary/hungary.pdf")
    assert brief == "hu/case-studies/hungary/hungary.pdf"
    options = Options(root=site.root, out=out, preview=True, cache=CacheMode.OFF)
    assert ondemand.make_pdf(options, out, brief) == []
    from pypdf import PdfReader

    assert PdfReader(out / brief).trailer["/Root"]["/Lang"] == "hu"
    assert not (out / "case-studies/hungary/hungary.pdf").exists()  # only the one asked for
