"""What the layouts see: display-ready values, formatted once, in the page's language."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from markupsafe import Markup, escape

from casesite import formatting
from casesite.model import CaseStudy, Partner, Programme
from casesite.render.facets import Facet
from casesite.render.i18n import Translator
from casesite.routes import case_study_url
from casesite.validate.config import SiteConfig


@dataclass(frozen=True)
class PartnerView:
    name: str
    url: str
    logo: str


@dataclass(frozen=True)
class ProgrammeView:
    id: str
    name: str
    url: str
    logo: str
    about_html: Markup
    partners: tuple[PartnerView, ...]
    funders: tuple[PartnerView, ...]


@dataclass(frozen=True)
class CaseStudyView:
    slug: str
    url: str
    title: str
    summary: str
    lang: str
    network: str
    country_code: str
    country_name: str
    grant: str
    grant_amount: str
    grant_currency: str
    support_hours: str
    change_period: str
    change_period_iso: str  # YYYY-MM or YYYY-MM/YYYY-MM
    # The period's words in pieces, start, separator, end ("", "" for one month), each end
    # with its month for <time datetime> (layouts/_period.html): a range is not a valid one.
    change_period_parts: tuple[str, str, str]
    change_period_start_iso: str
    change_period_end_iso: str
    developed_by: str
    published: str
    published_iso: str
    updated: str
    updated_iso: str
    themes: tuple[str, ...]
    body_html: Markup
    programme: ProgrammeView
    draft: bool


@dataclass(frozen=True)
class SiteView:
    name: str
    tagline: str
    lang: str
    logo: str
    licence_name: str
    licence_url: str
    base_url: str


@dataclass(frozen=True)
class PageView:
    title: str
    description: str
    lang: str
    canonical: str


@dataclass(frozen=True)
class FacetLink:
    kind: str
    key: str
    label: str
    url: str  # site-relative
    count: int
    count_text: str  # the count, formatted for the site's language


@dataclass(frozen=True)
class FacetGroupView:
    kind: str
    name: str  # "Country": a filter's label, a facet page's kicker
    title: str  # "Countries": a heading over the links
    links: tuple[FacetLink, ...]


@dataclass(frozen=True)
class FacetPageView:
    kind: str
    kind_name: str
    label: str
    url: str
    lead: str


def facet_link(f: Facet, lang: str) -> FacetLink:
    """A link to a facet's page, with its count of case studies."""
    return FacetLink(
        f.kind, f.key, f.label, f.url, f.count, formatting.number(Decimal(f.count), lang)
    )


def paragraphs_html(text: str) -> Markup:
    parts = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return Markup("").join(Markup("<p>{}</p>\n").format(p) for p in parts)


def _partner(p: Partner) -> PartnerView:
    return PartnerView(p.name, p.url, p.logo)


@lru_cache(maxsize=256)
def programme_view(p: Programme) -> ProgrammeView:
    """A programme as its case studies show it (made once: they all show the same)."""
    return ProgrammeView(
        p.id,
        p.name,
        p.url,
        p.logo,
        paragraphs_html(p.about),
        tuple(_partner(x) for x in p.partners),
        tuple(_partner(x) for x in p.funders),
    )


def hours(value: Decimal, lang: str) -> str:
    t = Translator(lang)
    return t.ngettext("%(num)s hour", "%(num)s hours", value, num=formatting.number(value, lang))


def case_study_view(cs: CaseStudy, programme: Programme, body_html: Markup) -> CaseStudyView:
    lang = cs.lang
    plain_amount = format(cs.grant.amount.normalize(), "f")
    return CaseStudyView(
        slug=cs.slug,
        url=case_study_url(cs),
        title=cs.title,
        summary=cs.summary,
        lang=lang,
        network=cs.network,
        country_code=cs.country,
        country_name=formatting.country_name(cs.country, lang),
        grant=formatting.money(cs.grant, lang),
        grant_amount=plain_amount,
        grant_currency=cs.grant.currency,
        support_hours=hours(cs.support_hours, lang),
        change_period=formatting.period(cs.change_period, lang),
        change_period_iso=cs.change_period.iso,
        change_period_parts=formatting.period_parts(cs.change_period, lang),
        change_period_start_iso=f"{cs.change_period.start:%Y-%m}",
        change_period_end_iso=f"{cs.change_period.end or cs.change_period.start:%Y-%m}",
        developed_by=cs.developed_by,
        published=formatting.long_date(cs.published, lang),
        published_iso=cs.published.isoformat(),
        updated=formatting.long_date(cs.updated, lang) if cs.updated else "",
        updated_iso=cs.updated.isoformat() if cs.updated else "",
        themes=cs.themes,
        body_html=body_html,
        programme=programme_view(programme),
        draft=cs.draft,
    )


def site_view(config: SiteConfig) -> SiteView:
    return SiteView(
        config.name,
        config.tagline,
        config.lang,
        config.brand.logo,
        config.licence_name,
        config.licence_url,
        config.base_url,
    )


def theme_css(config: SiteConfig) -> str:
    """The brand as CSS custom properties; every value was validated by config.py."""
    b = config.brand
    lines = [
        "/* Generated by casesite from the brand in content/site.yml. */",
        ":root {",
        f"  --brand-primary: {b.primary};",
        f"  --brand-accent: {b.accent};",
        f"  --brand-ink: {b.ink};",
        f"  --brand-paper: {b.paper};",
        f'  --font-body: "{b.body_font}", Georgia, "Times New Roman", serif;',
        f'  --font-heading: "{b.heading_font}", "Helvetica Neue", Arial, sans-serif;',
        "}",
        "",
    ]
    return "\n".join(lines)


__all__ = ["CaseStudyView", "PageView", "SiteView", "case_study_view", "escape", "site_view"]
