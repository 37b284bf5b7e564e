"""The reader's site around the case study pages: facet pages, totals, search page, 404.

`Reader` gives the index and case study layouts their extra values (facet links, totals,
metadata) and writes the pages of its own; the views they are made of are in views.py.
render/pages.py (write_site) calls it; the layouts are facet.html, search.html, 404.html
and the partials they include.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from casesite import formatting
from casesite.core import BriefLink, Checked
from casesite.model import CaseStudy
from casesite.publish import Staging
from casesite.render.environment import Layouts
from casesite.render.facets import KINDS, Facet, Facets
from casesite.render.i18n import N_, Translator
from casesite.render.jsonld import case_study_jsonld, citation
from casesite.render.totals import TotalsView, totals, totals_view
from casesite.render.views import (
    CaseStudyView,
    FacetGroupView,
    FacetPageView,
    PageView,
    facet_link,
    programme_view,
)
from casesite.routes import NOT_FOUND_PATH, SEARCH_URL, brief_path, case_study_url, page_file
from casesite.validate.site import Site

RASTER_IMAGES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif")

# Each kind of facet: its name (a filter's label), its plural (a heading over the links),
# a facet page's title and its lead; %(label)s is the facet's value, as written.
FACET_STRINGS: Mapping[str, tuple[str, str, str, str]] = {
    "country": (
        N_("Country"),
        N_("Countries"),
        N_("Case studies from %(label)s"),
        N_("Every published case study of change in %(label)s."),
    ),
    "network": (
        N_("Network"),
        N_("Networks"),
        N_("Case studies of %(label)s"),
        N_("Every published case study of change achieved by %(label)s."),
    ),
    "programme": (
        N_("Programme"),
        N_("Programmes"),
        N_("Case studies of %(label)s"),
        N_("Every published case study of the %(label)s programme."),
    ),
    "year": (
        N_("Year of change"),
        N_("Years of change"),
        N_("Case studies of change in %(label)s"),
        N_("Every published case study of change observed in %(label)s."),
    ),
    "theme": (
        N_("Theme"),
        N_("Themes"),
        N_("Case studies on %(label)s"),
        N_("Every published case study on %(label)s."),
    ),
}

Common = Callable[[str, str], dict[str, Any]]  # (lang, page url) -> values every page gets


class Reader:
    """Facets, totals and metadata of the part of one build in one language (`edition`:
    "" for the site's own), computed once."""

    def __init__(
        self,
        checked: Checked,
        facets: Facets,
        pdf: bool = False,
        edition: str = "",
        collections: Mapping[str, BriefLink] | None = None,
    ) -> None:
        self.checked = checked
        # Each programme page's link to its programme's collection PDF, by the page's address.
        self.collections = collections or {}
        self.site: Site = checked.site.part(edition)
        self.edition = edition
        self.lang = self.site.config.lang
        self.t = Translator(self.lang)
        self.pdf = pdf
        self.facets = facets
        # Totals count each story once, whatever languages it is written in.
        self.stories = self.site.stories()
        # Each facet's link, made once (its count is formatted for the language).
        self.links = {
            (f.kind, f.key): facet_link(f, self.lang)
            for kind in KINDS
            for f in self.facets.groups[kind]
        }
        self.groups = tuple(
            FacetGroupView(
                kind,
                self.t.gettext(FACET_STRINGS[kind][0]),
                self.t.gettext(FACET_STRINGS[kind][1]),
                tuple(self.links[(f.kind, f.key)] for f in self.facets.groups[kind]),
            )
            for kind in KINDS
        )
        self._cards: dict[tuple[str, str], Markup] = {}  # (slug, root) -> its card
        self.card_facets = {
            cs.slug: {
                kind: " ".join(f.key for f in found) for kind, found in self.facets.of(cs).items()
            }
            for cs in self.site.case_studies
        }

    # -- values for the existing layouts ---------------------------------------------

    def card(self, layouts: Layouts, common: Common, url: str) -> Callable[[Any], Markup]:
        """The `card` of a listing page at `url`: layouts/card.html for one case study
        (a view), rendered once per case study and page depth, as the index and the facet
        pages list the same case studies again and again. A failure inside it is the
        listing layout's, as with an include."""
        values = {**common(self.lang, url), "card_facets": self.card_facets}
        root = values["root"]

        def card(cs: Any) -> Markup:
            key = (cs.slug, root)
            found = self._cards.get(key)
            if found is None:
                # Read here, as the listing renders: a layout that cannot be read is then
                # reported as the listing's failure is, at its own line, not raised.
                template = layouts.env.get_template("card.html")
                found = self._cards[key] = Markup(template.render(**values, cs=cs))
            return found

        return card

    def pdf_url(self, cs: CaseStudy) -> str:
        return self.site.config.base_url + brief_path(cs) if self.pdf else ""

    def case_study_extras(self, cs: CaseStudy) -> dict[str, Any]:
        of = self.facets.of(cs)
        programme = of["programme"][0].url if of["programme"] else ""
        image = next((i for i in cs.images if i.src.lower().endswith(RASTER_IMAGES)), None)
        return {
            "browse": {
                kind: tuple(self.links[(f.kind, f.key)] for f in of[kind]) for kind in KINDS
            },
            "citation": citation(cs, self.site, self.pdf_url(cs)),
            "jsonld": case_study_jsonld(
                cs,
                self.site,
                self.checked.quotes.get(cs.source, ()),
                programme_url=programme,
                pdf_url=self.pdf_url(cs),
            ),
            "og_type": "article",
            "og_image": self.site.config.base_url + image.src if image else "",
            "og_image_alt": image.alt if image else "",
        }

    def listing_extras(self, count: int) -> dict[str, Any]:
        """What the index (and every page with the browse links) needs."""
        return {
            "facet_groups": self.groups,
            "card_facets": self.card_facets,
            "filters_showing": self.t.ngettext(
                "Showing %(shown)s of %(total)s case study",
                "Showing %(shown)s of %(total)s case studies",
                count,
                total=formatting.number(Decimal(count), self.lang),
                shown="{shown}",
            ),
        }

    def totals(self, programme: str | None = None) -> TotalsView:
        """Of every story, or of a programme's (`programme`: its id)."""
        chosen = [s for s in self.stories if programme is None or s.programme == programme]
        return totals_view(totals(chosen), self.lang)

    def index_extras(self) -> dict[str, Any]:
        return {
            **self.listing_extras(len(self.site.case_studies)),
            "totals": self.totals(),
            "totals_title": self.t.gettext("In figures"),
        }

    def search_entries(self) -> list[dict[str, Any]]:
        """What the search page filters by, per case study: its address and facet keys.
        (Pagefind's own filter index is not byte-reproducible, so the page filters itself.)"""
        return [
            {
                "url": case_study_url(cs),
                "title": cs.title,
                "summary": cs.summary,
                "facets": {
                    kind: [f.key for f in found] for kind, found in self.facets.of(cs).items()
                },
            }
            for cs in self.site.case_studies
        ]

    # -- pages of its own -------------------------------------------------------------

    def facet_page(
        self,
        layouts: Layouts,
        common: Common,
        views: Mapping[str, CaseStudyView],
        facet: Facet,
    ) -> tuple[str, dict[str, Any], str]:
        """A facet page to render: its layout, the values it is given, and what it is (for
        an error message). write_site renders them with the case studies."""
        lang, base = self.lang, self.site.config.base_url
        cards = [views[cs.source] for cs in facet.case_studies]
        name, _, title_text, lead_text = FACET_STRINGS[facet.kind]
        lead = self.t.gettext(lead_text, label=facet.label)
        title = self.t.gettext(title_text, label=facet.label)
        view = FacetPageView(facet.kind, self.t.gettext(name), facet.label, facet.url, lead)
        programme = None
        if facet.kind == "programme":
            found = self.site.programmes.get(facet.value)
            programme = programme_view(found) if found else None
        context = {
            **common(lang, facet.url),
            **self.listing_extras(len(cards)),
            "page": PageView(title, lead, lang, base + facet.url),
            "facet": view,
            "case_studies": cards,
            "card": self.card(layouts, common, facet.url),
            "current": facet.url,
            "programme": programme,
            "collection": self.collections.get(facet.url) if programme else None,
            "totals": self.totals(facet.value) if programme else None,
            "totals_title": self.t.gettext("%(name)s in figures", name=facet.label),
        }
        return "facet.html", context, f"the {facet.kind} page '{facet.label}'"

    def facet_list(self) -> list[Facet]:
        """Every facet page to write (write_site renders them with the case studies)."""
        return list(self.facets.all())

    def write_pages(self, layouts: Layouts, staging: Staging, common: Common) -> int:
        """The search page and (in the site's own language) the 404 page; returns how many."""
        lang, base = self.lang, self.site.config.base_url
        pages = 0
        search_url = self.site.prefix + SEARCH_URL

        messages = {
            "found": self.t.forms(
                "%(num)s case study found", "%(num)s case studies found", num="{n}"
            ),
            "none": self.t.gettext("No case study matches your search."),
            "loading": self.t.gettext("Searching…"),
            "error": self.t.gettext("The search could not be loaded."),
            "prompt": self.t.gettext("Type a word, or choose a filter."),
        }
        title = self.t.gettext("Search")
        context = {
            **common(lang, search_url),
            "page": PageView(
                title,
                self.t.gettext(
                    "Find case studies by any word in them, and narrow the results by country, "
                    "network, programme, year or theme."
                ),
                lang,
                base + search_url,
            ),
            "search_groups": self.groups,
            "search_messages": messages,
            "search_entries": self.search_entries(),
        }
        staging.write_text(
            page_file(search_url), layouts.render("search.html", context, "the search page")
        )
        pages += 1
        if self.edition:
            return pages

        # A server shows the 404 page at any depth: links start from the base URL's path.
        context = {
            **common(lang, ""),
            "root": urlsplit(base).path or "/",
            "home": urlsplit(base).path or "/",
            "alternates": (),
            "languages": (),
            "page": PageView(
                self.t.gettext("Page not found"),
                self.t.gettext(
                    "There is no page at this address. "
                    "It may have moved, or the address may be mistyped."
                ),
                lang,
                "",
            ),
            "noindex": True,
        }
        staging.write_text(
            NOT_FOUND_PATH, layouts.render("404.html", context, "the page for missing addresses")
        )
        return pages + 1
