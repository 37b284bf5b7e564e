"""Render the checked site into the staging folder: pages, the generated theme, assets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .analysis import fork_map, jobs_for
from .i18n import Translator
from .links import relative_url
from .markdown import QuoteUse, render_body
from .model import CaseStudy
from .pipeline import Checked
from .publish import Staging
from .quotes import QuoteCheck, quote_html
from .reader import Reader
from .render import Layouts, make_environment
from .views import PageView, case_study_view, site_view, theme_css

if TYPE_CHECKING:
    from .ondemand import BriefsOnRequest
    from .pdf_build import Briefs


def _draw_quote(checks: Mapping[QuoteUse, QuoteCheck], cs: CaseStudy, use: QuoteUse) -> str:
    return quote_html(checks[use], cs.lang, preview=cs.draft, t=Translator(cs.lang))


def write_site(
    checked: Checked,
    root: Path,
    staging: Staging,
    briefs: Briefs | BriefsOnRequest | None = None,
    jobs: int = 0,
) -> int:
    """Write every output file; returns the number of HTML pages. `briefs`: the PDF briefs,
    already rendered (None for an HTML-only build: the pages then link to no PDF; in a
    preview, links to briefs made when they are opened)."""
    site = checked.site
    layouts = Layouts(make_environment(root))
    site_v = site_view(site.config)
    base = site.config.base_url
    reader = Reader(checked, pdf=briefs is not None)
    if briefs is not None:
        briefs.write(staging)
    pages = 0

    def common(lang: str, url: str) -> dict[str, Any]:
        return {"t": Translator(lang), "site": site_v, "root": relative_url(url, "")}

    def write_case_studies(chunk: Sequence[CaseStudy]) -> list[tuple[str, str]]:
        """Each case study's page (in worker processes on large sites)."""
        written = []
        for cs in chunk:
            checks = {q.use: q for q in checked.quotes[cs.source]}
            draw = partial(_draw_quote, checks, cs)
            body = render_body(checked.bodies[cs.source], checked.links[cs.source], draw)
            view = case_study_view(cs, site.programmes[cs.programme], body)
            page = PageView(cs.title, cs.summary, cs.lang, base + cs.url)
            html = layouts.render(
                "case-study.html",
                {
                    **common(cs.lang, cs.url),
                    "page": page,
                    "cs": view,
                    "brief": briefs.link(cs) if briefs is not None else None,
                    **reader.case_study_extras(cs),
                },
                f"{cs.source}",
            )
            rel = f"{cs.url}index.html"
            staging.write_text(rel, html)
            written.append((rel, staging.written[rel]))
        return written

    # The first page is rendered here, so the layouts are compiled (and locale data
    # loaded) once, before any worker starts as a copy of this process.
    studies = site.case_studies
    pages += len(write_case_studies(studies[:1]))
    workers = jobs_for(len(studies) - 1, jobs)
    written = fork_map(write_case_studies, studies[1:], workers)
    if workers > 1:
        staging.claim(written)
    pages += len(written)
    # Lists show a case study's facts, never its body.
    views = [case_study_view(cs, site.programmes[cs.programme], Markup("")) for cs in studies]

    lang = site.config.lang
    index_page = PageView(site.config.name, site.config.tagline or site.config.name, lang, base)
    html = layouts.render(
        "index.html",
        {**common(lang, ""), "page": index_page, "case_studies": views, **reader.index_extras()},
        "the index page",
    )
    staging.write_text("index.html", html)
    pages += 1
    by_source = {cs.source: v for cs, v in zip(site.case_studies, views, strict=True)}
    pages += reader.write_pages(layouts, staging, common, by_source, jobs)

    for rel in sorted(site.assets):
        staging.copy_file(root / rel, rel)
    staging.write_text("assets/theme.css", theme_css(site.config))
    return pages
