"""The collection per programme: which there are, where they go, and their programme page's link.

Each programme page (`programmes/<id>/`, and `hu/programmes/<id>/` in each other language's
part) gets the collection of its case studies beside it, `programmes/<id>/<id>.pdf`: the
same CollectionMaker as the site-wide collection (pdf/collection.py), given the part of the
site that holds that programme's case studies only, in the programme page's order, and a
ProgrammeScope for its cover and its place. Its totals are the programme page's: every story
of the programme once, whatever languages it is written in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from casesite import formatting
from casesite.core import BriefLink, Checked
from casesite.incremental.briefs import AssetDigests, BriefCache
from casesite.pdf.briefs import BriefFile, EngineSetup
from casesite.pdf.collection import CollectionMaker, ProgrammeScope
from casesite.render.environment import Layouts
from casesite.render.facets import Facets
from casesite.render.i18n import Translator
from casesite.routes import programme_collection_link


@dataclass(frozen=True)
class ProgrammeCollection:
    """A programme's collection as published, and the link its programme page shows."""

    page_url: str  # the programme's page
    file: BriefFile
    link: BriefLink


def programme_makers(
    checked: Checked,
    facets: Mapping[str, Facets],
    layouts: Layouts,
    setup: EngineSetup,
    cache: BriefCache,
    digests: AssetDigests,
    engine_key: str,
) -> list[CollectionMaker]:
    """A CollectionMaker for each programme page of each language's part of the site
    (`facets`: the site's, by edition, as the pages stage makes its pages from them)."""
    makers = []
    for edition in checked.site.editions():
        part = checked.site.part(edition)
        for facet in facets[edition].groups["programme"]:
            ident = facet.value
            own = replace(
                part,
                case_studies=facet.case_studies,
                everything=tuple(cs for cs in part.everything if cs.programme == ident),
            )
            scope = ProgrammeScope(part.programmes[ident], facet.url, facet.key)
            maker = CollectionMaker(
                replace(checked, site=own), layouts, setup, cache, digests, engine_key, scope
            )
            makers.append(maker)
    return makers


def programme_collections(makers: list[CollectionMaker]) -> tuple[ProgrammeCollection, ...]:
    """The collections the makers made, each with its programme page's link to it."""
    found = []
    for maker in makers:
        scope, file = maker.programme, maker.file
        if file is None or scope is None:
            continue
        site = maker.checked.site
        link = collection_link(file, scope.key, len(site.case_studies), site.config.lang)
        found.append(ProgrammeCollection(scope.page_url, file, link))
    return tuple(found)


def collection_link(file: BriefFile, key: str, count: int, lang: str) -> BriefLink:
    """The link to a programme's collection, from its page: "PDF collection, 3 case studies,
    12 pages, 310 kB"."""
    t = Translator(lang)
    studies = t.ngettext(
        "%(num)s case study",
        "%(num)s case studies",
        count,
        num=formatting.number(Decimal(count), lang),
    )
    pages, size = file.extent(t, lang)
    text = t.gettext(
        "PDF collection, %(count)s, %(pages)s, %(size)s", count=studies, pages=pages, size=size
    )
    return BriefLink(programme_collection_link(key), text)


def links_by_page(collections: tuple[ProgrammeCollection, ...]) -> Mapping[str, BriefLink]:
    """Each programme page's link to its collection, by the page's address."""
    return {c.page_url: c.link for c in collections}
