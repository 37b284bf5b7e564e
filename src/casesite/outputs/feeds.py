"""Feeds and discovery: the Atom feed, the sitemap and robots.txt.

XML is built with xml.etree, never by joining strings. Every date comes from the content
(published / updated), never from the clock, so two builds give the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from casesite.model import CaseStudy, last_changed
from casesite.render.languages import Alternate
from casesite.routes import FEED_PATH, SITEMAP_PATH, case_study_url
from casesite.validate.site import Site

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class SitemapEntry:
    url: str  # site-relative, without a leading slash ("" is the home page)
    lastmod: date | None
    alternates: tuple[Alternate, ...] = ()  # its versions in every language, and x-default


def latest(case_studies: Iterable[CaseStudy]) -> date | None:
    return max((last_changed(cs) for cs in case_studies), default=None)


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def atom_feed(site: Site) -> bytes:
    """One entry per published case study, newest first."""
    config = site.config
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: config.lang})
    base, home = config.base_url, config.base_url + site.prefix
    sub(feed, "id", home)
    sub(feed, "title", config.name)
    if config.tagline:
        sub(feed, "subtitle", config.tagline)
    newest = latest(site.case_studies)
    sub(feed, "updated", _stamp(newest) if newest else "1970-01-01T00:00:00Z")
    sub(feed, "link", rel="self", type="application/atom+xml", href=home + FEED_PATH)
    sub(feed, "link", rel="alternate", type="text/html", href=home)
    author = sub(feed, "author")
    sub(author, "name", config.name)
    if config.licence_name:
        sub(feed, "rights", config.licence_name)
    sub(feed, "generator", "casesite")
    entries = sorted(site.case_studies, key=lambda cs: cs.slug)
    entries.sort(key=lambda cs: cs.published, reverse=True)
    for cs in entries:
        entry = sub(feed, "entry", **{XML_LANG: cs.lang})
        sub(entry, "id", base + case_study_url(cs))
        sub(entry, "title", cs.title)
        sub(entry, "link", rel="alternate", type="text/html", href=base + case_study_url(cs))
        sub(entry, "published", _stamp(cs.published))
        sub(entry, "updated", _stamp(last_changed(cs)))
        entry_author = sub(entry, "author")
        sub(entry_author, "name", cs.developed_by)
        for theme in cs.themes:
            sub(entry, "category", term=theme)
        sub(entry, "summary", cs.summary)
    return _xml(feed)


def sitemap(base_url: str, entries: Iterable[SitemapEntry]) -> bytes:
    """Every page; a page in several languages lists each version as an xhtml:link."""
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for item in sorted(entries, key=lambda e: e.url):
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = base_url + item.url
        if item.lastmod is not None:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = item.lastmod.isoformat()
        for other in item.alternates:
            attrs = {"rel": "alternate", "hreflang": other.hreflang, "href": base_url + other.url}
            ET.SubElement(url, f"{{{XHTML}}}link", attrs)
    return _xml(urlset)


def robots_txt(base_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}{SITEMAP_PATH}\n"
