"""The site's languages: which page is the same page in another language, for the
hreflang links, the language switcher and the sitemap's alternates.

Each language has its part of the site: the site's own language at the root (the
addresses it always had), every other under its key ("hu/"). A page's counterpart in
another part is the page at the same address within that part: a story's version
("hu/case-studies/x/" for "case-studies/x/"), the index, the search page, a facet page
with the same key. Where a part has no such page, the switcher leads to its index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from casesite import formatting
from casesite.render.facets import Facets
from casesite.render.i18n import Translator
from casesite.routes import SEARCH_URL, case_study_url, edition_prefix
from casesite.validate.site import Site


@dataclass(frozen=True)
class Alternate:
    """One version of a page, for <link rel="alternate" hreflang> and the sitemap."""

    hreflang: str  # "en-GB", "hu", or "x-default"
    url: str  # site-relative


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switcher on a page."""

    lang: str  # the language's code, for lang= and hreflang=
    name: str  # the language's name in that language: "Magyar"
    url: str  # site-relative: the same page in that language, or that language's index
    current: bool  # the page's own language
    missing: str  # when the page has no version in that language: a note saying so


@dataclass(frozen=True)
class Part:
    edition: str  # "" for the site's own language
    lang: str  # the code its own pages are marked with
    pages: Mapping[str, str]  # address within the part ("case-studies/x/") -> page's lang


def own_name(lang: str) -> str:
    name = formatting.language_name(lang, lang)
    return name[:1].upper() + name[1:]


class Languages:
    """Every part of the site and the addresses of its pages."""

    def __init__(self, parts: Iterable[Part]) -> None:
        self.parts = tuple(parts)

    @property
    def many(self) -> bool:
        return len(self.parts) > 1

    def split(self, url: str) -> tuple[Part, str]:
        """The part a site-relative address belongs to, and the address within it."""
        for part in self.parts[1:]:
            prefix = edition_prefix(part.edition)
            if url.startswith(prefix):
                return part, url.removeprefix(prefix)
        return self.parts[0], url

    def alternates(self, url: str) -> tuple[Alternate, ...]:
        """Every version of the page at `url` (itself included), then x-default (the site's
        language, or the first language that has it). None on a site of one language."""
        if not self.many:
            return ()
        _, rest = self.split(url)
        found = [
            Alternate(part.pages[rest], edition_prefix(part.edition) + rest)
            for part in self.parts
            if rest in part.pages
        ]
        if len(found) < 1:
            return ()
        return (*found, Alternate("x-default", found[0].url))

    def switcher(self, url: str, page_lang: str) -> tuple[LanguageLink, ...]:
        """The language switcher of the page at `url`, in the page's language."""
        if not self.many:
            return ()
        here, rest = self.split(url)
        t = Translator(page_lang)
        links = []
        for part in self.parts:
            prefix = edition_prefix(part.edition)
            if rest in part.pages:
                lang = part.pages[rest]
                links.append(LanguageLink(lang, own_name(lang), prefix + rest, part is here, ""))
            else:
                note = t.gettext(
                    "(not available in %(language)s: this link leads to the case studies "
                    "in %(language)s)",
                    language=formatting.language_name(part.lang, page_lang),
                )
                links.append(LanguageLink(part.lang, own_name(part.lang), prefix, False, note))
        return tuple(links)


def site_languages(site: Site, facets: Mapping[str, Facets]) -> Languages:
    """Every part of the (whole) site and the addresses of its pages."""
    parts = []
    for edition in site.editions():
        part = site.part(edition)
        lang, prefix = part.config.lang, part.prefix
        pages = {"": lang, SEARCH_URL: lang}
        pages.update((f.url.removeprefix(prefix), lang) for f in facets[edition].all())
        pages.update((case_study_url(cs).removeprefix(prefix), cs.lang) for cs in part.case_studies)
        parts.append(Part(edition, lang, pages))
    return Languages(parts)
