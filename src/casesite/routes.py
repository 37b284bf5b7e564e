"""Where everything casesite publishes lives: every output path and site-relative URL.

URLs are site-relative, without a leading slash ("case-studies/x/"); the site root is "".
A page at a URL is written to the file `page_file(url)`. Nothing else in casesite spells
out a published address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from casesite.model import CaseStudy

INDEX_FILE = "index.html"  # a page's file within its folder
INDEX_URL = ""  # the site's front page
CASE_STUDIES = "case-studies"  # the folder of the case study pages
SEARCH_URL = "search/"
NOT_FOUND_PATH = "404.html"
FEED_PATH = "feed.xml"
SITEMAP_PATH = "sitemap.xml"
ROBOTS_PATH = "robots.txt"
JSON_PATH = "case-studies.json"
CSV_PATH = "case-studies.csv"
COLLECTION_PATH = "case-studies.pdf"  # every brief in one PDF
SEARCH_INDEX = "pagefind"  # the folder of the search index
THEME_CSS = "assets/theme.css"  # generated from the site's configuration

# Where each kind of facet's pages live, relative to the site root.
FACET_FOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "country": "countries",
        "network": "networks",
        "programme": "programmes",
        "year": "years",
        "theme": "themes",
    }
)

# A URL path (with its leading slash) that asks for a case study's PDF brief.
# (the version in another language is under its language's part: /hu/case-studies/...).
PDF_URL_RE = re.compile(rf"^/(?:[a-z]{{2,3}}/)?{CASE_STUDIES}/([a-z0-9]+(?:-[a-z0-9]+)*)/\1\.pdf$")


@dataclass(frozen=True)
class LayoutRoutes:
    """The site's own addresses as the layouts link them, each after `{{ root }}`:
    `{{ root }}{{ routes.feed }}`."""

    search: str = SEARCH_URL
    feed: str = FEED_PATH
    csv: str = CSV_PATH
    json: str = JSON_PATH
    theme: str = THEME_CSS
    search_index: str = SEARCH_INDEX + "/"


LAYOUT_ROUTES = LayoutRoutes()


def edition_prefix(edition: str) -> str:
    """Where the pages of a language's part of the site start: "" for the site's own
    language (the addresses it always had), "hu/" for Hungarian."""
    return f"{edition}/" if edition else ""


def page_file(url: str) -> str:
    """The file a page at `url` is written to."""
    return url + INDEX_FILE


def page_url(path: str) -> str:
    """The URL of a page from its file (the inverse of page_file)."""
    return path.removesuffix(INDEX_FILE)


def is_page_file(path: str) -> bool:
    """Whether an output file is a page with an address of its own (not the 404 page)."""
    return path.endswith(INDEX_FILE) and path != NOT_FOUND_PATH


def case_study_url(cs: CaseStudy) -> str:
    """The URL of a case study's page: its version in a language other than the site's
    is in that language's part ("hu/case-studies/x/")."""
    return edition_prefix(cs.edition) + slug_url(cs.slug)


def slug_url(slug: str) -> str:
    """The URL of the page of the case study with this slug."""
    return f"{CASE_STUDIES}/{slug}/"


def slug_of_url(url_path: str) -> str | None:
    """The slug of the case study whose page (or a file of it) is at `url_path`, if any."""
    parts = url_path.strip("/").split("/")
    return parts[1] if parts[:1] == [CASE_STUDIES] and len(parts) > 1 else None


def brief_link(cs: CaseStudy) -> str:
    """The link to a case study's PDF brief, relative to its page."""
    return f"{cs.slug}.pdf"


def brief_path(cs: CaseStudy) -> str:
    """Where a case study's PDF brief is published, beside its page."""
    return case_study_url(cs) + brief_link(cs)


def brief_slug(url_path: str) -> str | None:
    """The slug when `url_path` (with its leading slash) asks for a PDF brief, else None."""
    found = PDF_URL_RE.match(url_path)
    return found[1] if found else None


def facet_url(kind: str, key: str) -> str:
    """The URL of a facet's page: its kind's folder, then its key."""
    return f"{FACET_FOLDERS[kind]}/{key}/"


def programme_collection_link(key: str) -> str:
    """The link to the collection of a programme's briefs, relative to the programme's
    page (`key`: the last part of the page's address)."""
    return f"{key}.pdf"


def programme_collection_path(page_url: str, key: str) -> str:
    """Where the collection of a programme's briefs is published: beside the programme's
    page at `page_url` ("programmes/<id>/<id>.pdf", "hu/programmes/<id>/<id>.pdf")."""
    return page_url + programme_collection_link(key)


def is_facet_url(url: str) -> bool:
    return any(url.startswith(folder + "/") for folder in FACET_FOLDERS.values())


def in_search_index(path: str) -> bool:
    """Whether an output file belongs to the search index."""
    return path.startswith(SEARCH_INDEX + "/")
