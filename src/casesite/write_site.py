"""Render the checked site into the staging folder: pages, the generated theme, assets."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from .i18n import Translator
from .links import relative_url
from .markdown import QuoteUse, render_body
from .model import CaseStudy
from .pipeline import Checked
from .publish import Staging
from .quotes import QuoteCheck, quote_html
from .render import Layouts, make_environment
from .views import PageView, case_study_view, site_view, theme_css


def _draw_quote(checks: Mapping[QuoteUse, QuoteCheck], cs: CaseStudy, use: QuoteUse) -> str:
    return quote_html(checks[use], cs.lang, preview=cs.draft, t=Translator(cs.lang))


def write_site(checked: Checked, root: Path, staging: Staging) -> int:
    """Write every output file; returns the number of HTML pages."""
    site = checked.site
    layouts = Layouts(make_environment(root))
    site_v = site_view(site.config)
    base = site.config.base_url
    pages = 0

    def common(lang: str, url: str) -> dict[str, Any]:
        return {"t": Translator(lang), "site": site_v, "root": relative_url(url, "")}

    views = []
    for cs in site.case_studies:
        checks = {q.use: q for q in checked.quotes[cs.source]}
        draw = partial(_draw_quote, checks, cs)
        body = render_body(checked.bodies[cs.source], checked.links[cs.source], draw)
        view = case_study_view(cs, site.programmes[cs.programme], body)
        views.append(view)
        page = PageView(cs.title, cs.summary, cs.lang, base + cs.url)
        html = layouts.render(
            "case-study.html",
            {**common(cs.lang, cs.url), "page": page, "cs": view},
            f"{cs.source}",
        )
        staging.write_text(f"{cs.url}index.html", html)
        pages += 1

    lang = site.config.lang
    index_page = PageView(site.config.name, site.config.tagline or site.config.name, lang, base)
    html = layouts.render(
        "index.html",
        {**common(lang, ""), "page": index_page, "case_studies": views},
        "the index page",
    )
    staging.write_text("index.html", html)
    pages += 1

    for rel in sorted(site.assets):
        staging.copy_file(root / rel, rel)
    staging.write_text("assets/theme.css", theme_css(site.config))
    return pages
