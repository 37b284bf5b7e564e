"""The last stage before the swap: files made from the whole site, then its checks.

The data exports, the feed and robots.txt need the checked site only (write_data_files,
while the pages render); the sitemap needs every page, then every internal link is checked
and Pagefind indexes the pages (finish_site). Any problem is an error and the staging
folder is thrown away.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from casesite.core import Checked
from casesite.diagnostics import Diagnostic
from casesite.incremental.pages import PageScan
from casesite.incremental.store import Store
from casesite.model import CaseStudy
from casesite.model import last_changed as changed
from casesite.outputs import exports
from casesite.outputs.feeds import (
    SitemapEntry,
    atom_feed,
    latest,
    robots_txt,
    sitemap,
)
from casesite.outputs.linkcheck import PageOrigin, check_links
from casesite.outputs.search import index_into
from casesite.publish import Staging
from casesite.render.facets import Facets
from casesite.render.languages import Languages, site_languages
from casesite.routes import (
    CSV_PATH,
    FEED_PATH,
    INDEX_URL,
    JSON_PATH,
    NOT_FOUND_PATH,
    ROBOTS_PATH,
    SEARCH_URL,
    SITEMAP_PATH,
    brief_path,
    case_study_url,
    is_facet_url,
    is_page_file,
    page_url,
)


def page_origins(checked: Checked, pages: list[str], languages: Languages) -> dict[str, PageOrigin]:
    """Which layout (and case study) each HTML page of the build came from."""
    by_url = {case_study_url(cs): cs for cs in checked.site.case_studies}
    origins: dict[str, PageOrigin] = {}
    for page in pages:
        full = page_url(page)
        url = languages.split(full)[1]  # the address within its language's part
        if full in by_url:
            origins[page] = PageOrigin("layouts/case-study.html", by_url[full].source)
        elif url == INDEX_URL:
            origins[page] = PageOrigin("layouts/index.html", "the index page")
        elif page == NOT_FOUND_PATH:
            origins[page] = PageOrigin("layouts/404.html", "the page for missing addresses")
        elif url == SEARCH_URL:
            origins[page] = PageOrigin("layouts/search.html", "the search page")
        elif is_facet_url(url):
            origins[page] = PageOrigin("layouts/facet.html", f"the page {full}")
    return origins


def _html_pages(staging: Staging) -> list[str]:
    """Every page written so far (the search index, written last, has none of its own)."""
    return sorted(rel for rel in staging.written if rel.endswith(".html"))


def sitemap_entries(
    checked: Checked, facets: Mapping[str, Facets], pages: list[str]
) -> list[SitemapEntry]:
    """Every page a reader may land on (not the 404 page), with its last change."""
    site = checked.site
    lastmod: dict[str, date | None] = {case_study_url(cs): changed(cs) for cs in site.case_studies}
    for part_facets in facets.values():
        for facet in part_facets.all():
            lastmod[facet.url] = latest(facet.case_studies)
    newest = latest(site.case_studies)
    languages = site_languages(site, facets)
    entries = []
    for page in pages:
        if not is_page_file(page):
            continue
        url = page_url(page)
        entries.append(SitemapEntry(url, lastmod.get(url, newest), languages.alternates(url)))
    return entries


def write_data_files(checked: Checked, staging: Staging) -> None:
    """The files made from the checked site alone, not from its pages: the exports, the
    feed and robots.txt (written while the pages are being rendered). The PDF briefs, if
    any, are already in `staging`."""
    site = checked.site
    config = site.config
    folder = staging.path

    def pdf_url(cs: CaseStudy) -> str:
        return config.base_url + brief_path(cs) if (folder / brief_path(cs)).is_file() else ""

    # Each language's part of the site has its own: hu/case-studies.json, hu/feed.xml.
    for edition in site.editions():
        part = site.part(edition)
        table = exports.rows(part, pdf_url)
        staging.write_text(part.prefix + JSON_PATH, exports.to_json(part, table))
        staging.write_text(part.prefix + CSV_PATH, exports.to_csv(table))
        staging.write_bytes(part.prefix + FEED_PATH, atom_feed(part))
    staging.write_text(ROBOTS_PATH, robots_txt(config.base_url))


def finish_site(
    checked: Checked,
    facets: Mapping[str, Facets],
    staging: Staging,
    pdf: bool,
    search: bool = True,
    root: Path | None = None,
    scans: Mapping[str, PageScan] | None = None,
    cache: Store | None = None,
) -> list[Diagnostic]:
    """The sitemap; then every internal link is checked (a broken one is reported at the
    line of its layout under `root`); then Pagefind indexes the pages, unless `search` is
    False (a preview indexes on request). After every page and write_data_files().
    `scans`: the pages already scanned for the link check (the others are read back);
    `cache`: the build cache, when this build may use it."""
    site = checked.site
    config = site.config
    folder = staging.path
    pages = _html_pages(staging)
    staging.write_bytes(
        SITEMAP_PATH, sitemap(config.base_url, sitemap_entries(checked, facets, pages))
    )

    # Without PDFs in this build (a preview renders them on demand), their links stand.
    on_demand = frozenset() if pdf else frozenset(brief_path(cs) for cs in site.case_studies)
    origins = page_origins(checked, pages, site_languages(site, facets))
    problems = check_links(folder, config.base_url, origins, on_demand, root, scans, pages)
    if problems:
        return problems
    one_language = config.lang if len(site.editions()) == 1 else ""
    return index_into(staging, one_language, cache) if search else []
