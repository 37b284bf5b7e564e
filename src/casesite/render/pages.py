"""Render the checked site into the staging folder: pages, the generated theme, assets."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup

from casesite.check.links import relative_url
from casesite.core import BriefsForPages, Checked
from casesite.incremental.pages import PageCache, PageKeys, PageScan, base_key
from casesite.incremental.store import Store
from casesite.model import CaseStudy
from casesite.parallel import fork_map, jobs_for
from casesite.publish import Staging
from casesite.render.body import body_html
from casesite.render.environment import Layouts, make_environment
from casesite.render.facets import Facet, Facets
from casesite.render.i18n import Translator
from casesite.render.languages import site_languages
from casesite.render.reader import Common, Reader
from casesite.render.views import CaseStudyView, PageView, case_study_view, site_view, theme_css
from casesite.routes import LAYOUT_ROUTES, THEME_CSS, case_study_url, edition_prefix, page_file

# A page: where, the digest of its bytes, its link scan (None without a scanner); its key.
Written = tuple[tuple[str, str, PageScan | None], str | None]
Scanner = Callable[[str], PageScan]


@dataclass(frozen=True)
class SitePages:
    count: int  # HTML pages written
    scans: Mapping[str, PageScan]  # those scanned as they were written, or reused with theirs


def _write_index(
    reader: Reader,
    layouts: Layouts,
    staging: Staging,
    common: Common,
    views: Mapping[str, CaseStudyView],
) -> int:
    """The index of the part of the site in one language."""
    site = reader.site
    lang, url = reader.lang, site.prefix
    name = site.config.name
    page = PageView(name, site.config.tagline or name, lang, site.config.base_url + url)
    listed = [views[cs.source] for cs in site.case_studies]
    html = layouts.render(
        "index.html",
        {
            **common(lang, url),
            "page": page,
            "case_studies": listed,
            "card": reader.card(layouts, common, url),
            **reader.index_extras(),
        },
        "the index page" if not url else f"the index page {url}",
    )
    staging.write_text(page_file(url), html)
    return 1


def write_site(
    checked: Checked,
    facets: Mapping[str, Facets],
    root: Path,
    staging: Staging,
    briefs: BriefsForPages | None = None,
    jobs: int = 0,
    watch: bool = False,
    meanwhile: Callable[[], None] | None = None,
    scan: Scanner | None = None,
    cache: Store | None = None,
) -> SitePages:
    """Write every output file; returns the number of HTML pages and the scans of the
    case study and facet pages. `facets`: each language's, computed once a build
    (render/facets.site_facets). `briefs`: the PDF briefs, already rendered (None for an
    HTML-only build: the pages then link to no PDF; in a preview, links to briefs made when
    they are opened). `watch`: the layouts may change between builds in this process (a
    preview server). `meanwhile()` runs while worker processes render the pages, if any.
    `scan`: the link check's scan of a page, run where the page is rendered (in the worker
    on a large site) while it is at hand. `cache`: the build cache, when this build may
    use and remember pages there."""
    site = checked.site
    layouts = Layouts(make_environment(root, watch, cache))
    base = site.config.base_url
    collections = briefs.programme_links() if briefs is not None else {}
    readers = {
        e: Reader(checked, facets[e], briefs is not None, e, collections) for e in site.editions()
    }
    reader = readers[""]
    languages = site_languages(site, facets)
    site_views = {e: site_view(r.site.config) for e, r in readers.items()}
    if briefs is not None:
        briefs.write(staging)
    pages = 0

    def common(edition: str, lang: str, url: str) -> dict[str, Any]:
        """What every page gets: its part's settings, the way to the site's root and to
        the part's index (`home`), and the page's versions in other languages."""
        home = relative_url(url, edition_prefix(edition))
        return {
            "i18n": Translator(lang),
            "site": site_views[edition],
            "root": relative_url(url, ""),
            "home": home,
            "routes": LAYOUT_ROUTES,
            "alternates": languages.alternates(url),
            "languages": languages.switcher(url, lang),
        }

    commons = {e: partial(common, e) for e in readers}

    def case_study_page(cs: CaseStudy) -> tuple[str, dict[str, Any], str]:
        body = body_html(checked, cs)
        view = replace(by_source[cs.source], body_html=body)
        page = PageView(cs.title, cs.summary, cs.lang, base + case_study_url(cs))
        context = {
            **common(cs.edition, cs.lang, case_study_url(cs)),
            "page": page,
            "cs": view,
            "brief": briefs.link(cs) if briefs is not None else None,
            **readers[cs.edition].case_study_extras(cs),
        }
        return "case-study.html", context, cs.source

    # Pages rendered by an earlier build from the same layouts and values are taken from
    # the current output (not in a preview, nor with --no-cache: `cache` is None).
    page_cache = PageCache(cache if scan is not None else None)
    keys = PageKeys(
        base_key(root) if page_cache.store else b"",
        {"facet_groups": reader.groups, "card_facets": reader.card_facets},
    )

    def write_page(url: str, made: tuple[str, dict[str, Any], str]) -> Written:
        template, context, subject = made
        rel = page_file(url)
        key = keys.key(rel, context) if page_cache.store else None
        scanned = page_cache.reuse(staging, key, rel)
        if scanned is None:
            text = layouts.render(template, context, subject)
            staging.write_text(rel, text)
            scanned = scan(text) if scan is not None else None
        return (rel, staging.written[rel], scanned), key

    studies = site.case_studies
    # Lists show a case study's facts, never its body.
    views = [
        case_study_view(cs, readers[cs.edition].site.programmes[cs.programme], Markup(""))
        for cs in studies
    ]
    by_source = {cs.source: v for cs, v in zip(studies, views, strict=True)}

    def write_pages(chunk: Sequence[CaseStudy | Facet]) -> list[Written]:
        """Case study and facet pages (in worker processes on large sites)."""
        written = []
        with staging.background():
            for item in chunk:
                if isinstance(item, CaseStudy):
                    written.append(write_page(case_study_url(item), case_study_page(item)))
                else:
                    edition = languages.split(item.url)[0].edition
                    page = readers[edition].facet_page(layouts, commons[edition], by_source, item)
                    written.append(write_page(item.url, page))
        return written

    # One page of each kind is rendered here, so the layouts are compiled (and locale data
    # loaded) once, before any worker starts as a copy of this process; the rest, in one
    # batch across processes, the facet pages with the most case studies first (a page of
    # hundreds of cards takes as long as dozens of case studies: last, it would keep one
    # worker busy while the other waits).
    facet_pages = [f for r in readers.values() for f in r.facet_list()]
    first: list[CaseStudy | Facet] = [*studies[:1], *facet_pages[:1]]
    rest: list[CaseStudy | Facet] = [
        *sorted(facet_pages[1:], key=lambda f: -f.count),
        *studies[1:],
    ]
    done = write_pages(first)

    def index_and_the_rest() -> None:
        """The pages of the site's own and the assets: here, while the workers render."""
        nonlocal pages
        for edition, part in readers.items():
            pages += _write_index(part, layouts, staging, commons[edition], by_source)
            pages += part.write_pages(layouts, staging, commons[edition])
        for rel in sorted(site.assets):
            staging.copy_file(root / rel, rel)
        staging.write_text(THEME_CSS, theme_css(site.config))
        if meanwhile is not None:
            meanwhile()

    mapped = fork_map(write_pages, rest, jobs_for(len(rest), jobs), meanwhile=index_and_the_rest)
    if mapped.forked:  # written by copies of `staging` in the workers: recorded here
        staging.claim((rel, found) for (rel, found, _), _ in mapped.results)
    done += mapped.results
    scans: dict[str, PageScan] = {}
    for (rel, found, scanned), key in done:
        if scanned is not None:
            scans[rel] = scanned
            page_cache.remember(key, (rel, found, scanned))
    page_cache.save()
    return SitePages(pages + len(done), scans)
