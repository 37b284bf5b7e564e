"""Machine-readable descriptions of a case study page: schema.org JSON-LD, Open Graph and
citation meta tags.

The JSON-LD is a plain dict; the layout writes it with Jinja's `|tojson`, which escapes
<, > and & so that no value can close the <script> element.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from casesite import formatting
from casesite.check.quotes import QuoteCheck
from casesite.model import CaseStudy, Programme, last_changed
from casesite.routes import case_study_url
from casesite.validate.site import Site


def _number(value: Decimal) -> int | float:
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _organisation(name: str, url: str = "") -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "Organization", "name": name}
    if url:
        org["url"] = url
    return org


def case_study_jsonld(
    cs: CaseStudy,
    site: Site,
    quotes: Iterable[QuoteCheck],
    programme_url: str = "",
    pdf_url: str = "",
) -> dict[str, Any]:
    """A schema.org Report: the network as Organization, the country as Country, the grant
    as MonetaryGrant, each approved quotation as Quotation spoken by a Person."""
    config = site.config
    url = config.base_url + case_study_url(cs)
    programme: Programme | None = site.programmes.get(cs.programme)
    country = {
        "@type": "Country",
        "name": formatting.country_name(cs.country, cs.lang),
        "identifier": cs.country,
    }
    network = {**_organisation(" ".join(cs.network.split())), "location": country}
    grant: dict[str, Any] = {
        "@type": "MonetaryGrant",
        "name": f"{programme.name if programme else cs.programme}: {network['name']}",
        "amount": {
            "@type": "MonetaryAmount",
            "value": _number(cs.grant.amount),
            "currency": cs.grant.currency,
        },
        "fundedItem": network,
    }
    if programme is not None and programme.funders:
        grant["funder"] = [_organisation(f.name, f.url) for f in programme.funders]
    elif programme is not None:
        grant["funder"] = _organisation(programme.name, programme.url)
    quotations = [
        {
            "@type": "Quotation",
            "text": " ".join(q.approval.text.split()),
            "spokenByCharacter": {
                "@type": "Person",
                "name": q.approval.speaker,
                **(
                    {"affiliation": _organisation(q.approval.organisation)}
                    if q.approval.organisation
                    else {}
                ),
            },
        }
        for q in quotes
        if q.ok and q.approval is not None and q.approval.status == "approved"
    ]
    report: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Report",
        "@id": url + "#report",
        "url": url,
        "name": cs.title,
        "headline": cs.title,
        "description": cs.summary,
        "inLanguage": cs.lang,
        "datePublished": cs.published.isoformat(),
        "dateModified": last_changed(cs).isoformat(),
        "author": _organisation(cs.developed_by),
        "publisher": _organisation(config.name, config.base_url),
        "about": network,
        "spatialCoverage": country,
        "funding": grant,
        "temporalCoverage": cs.change_period.iso,
    }
    if cs.themes:
        report["keywords"] = list(cs.themes)
    if programme is not None:
        report["isPartOf"] = {
            "@type": "CreativeWorkSeries",
            "name": programme.name,
            **({"url": config.base_url + programme_url} if programme_url else {}),
        }
    if config.licence_url:
        report["license"] = config.licence_url
    if pdf_url:
        report["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": pdf_url,
            "encodingFormat": "application/pdf",
        }
    if quotations:
        report["hasPart"] = quotations
    return report


@dataclass(frozen=True)
class Citation:
    """The values for citation_* meta tags and the "how to cite" line."""

    title: str
    author: str
    date: str  # YYYY/MM/DD, as Google Scholar asks
    year: str
    url: str
    site: str
    lang: str
    pdf_url: str = ""


def citation(cs: CaseStudy, site: Site, pdf_url: str = "") -> Citation:
    return Citation(
        title=cs.title,
        author=cs.developed_by,
        date=cs.published.strftime("%Y/%m/%d"),
        year=str(cs.published.year),
        url=site.config.base_url + case_study_url(cs),
        site=site.config.name,
        lang=cs.lang,
        pdf_url=pdf_url,
    )
