"""Data exports for funders and researchers: the key facts of every published case study,
with their addresses, as case-studies.json and case-studies.csv (one row per case study).

The columns are the fields readers filter on; values are machine-readable (ISO codes and
dates, plain numbers), not the formatted text of the pages.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from casesite import formatting
from casesite.model import CaseStudy
from casesite.render.facets import values
from casesite.routes import case_study_url
from casesite.validate.site import Site

FORMAT_VERSION = 1

COLUMNS: tuple[str, ...] = (
    "slug",
    "title",
    "summary",
    "url",
    "pdf_url",
    "network",
    "country",
    "country_name",
    "programme",
    "programme_name",
    "grant_amount",
    "grant_currency",
    "support_hours",
    "change_period",
    "change_years",
    "themes",
    "developed_by",
    "published",
    "updated",
    "lang",
    "versions",
)


def _number(value: Decimal) -> int | float:
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def row(cs: CaseStudy, site: Site, pdf_url: str) -> dict[str, Any]:
    """One case study's key facts, as JSON values."""
    base = site.config.base_url
    programme = site.programmes.get(cs.programme)
    return {
        "slug": cs.slug,
        "title": cs.title,
        "summary": cs.summary,
        "url": base + case_study_url(cs),
        "pdf_url": pdf_url,
        "network": " ".join(cs.network.split()),
        "country": cs.country,
        "country_name": formatting.country_name(cs.country, site.config.lang),
        "programme": cs.programme,
        "programme_name": programme.name if programme else cs.programme,
        "grant_amount": _number(cs.grant.amount),
        "grant_currency": cs.grant.currency,
        "support_hours": _number(cs.support_hours),
        "change_period": cs.change_period.iso,
        "change_years": [int(y) for y in values(cs)["year"]],
        "themes": list(cs.themes),
        "developed_by": cs.developed_by,
        "published": cs.published.isoformat(),
        "updated": cs.updated.isoformat() if cs.updated else "",
        "lang": cs.lang,
        # The story in every language it is written in (this version too): language -> URL.
        "versions": {v.lang: base + case_study_url(v) for v in site.versions(cs.slug)},
    }


def rows(site: Site, pdf_url: Callable[[CaseStudy], str]) -> list[dict[str, Any]]:
    return [row(cs, site, pdf_url(cs)) for cs in site.case_studies]


def to_json(site: Site, table: list[dict[str, Any]]) -> str:
    document: Mapping[str, Any] = {
        "format_version": FORMAT_VERSION,
        "site": site.config.name,
        "site_url": site.config.base_url,
        "licence": site.config.licence_name,
        "licence_url": site.config.licence_url,
        "case_studies": table,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _cell(name: str, value: Any) -> str:
    if name in ("grant_amount", "support_hours"):
        return _plain(Decimal(str(value)))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


# A cell starting with one of these is read as a formula by spreadsheets (OWASP, "CSV
# injection"): '=HYPERLINK(...)' in a title would become a live link, or worse.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would read as a formula, made text as OWASP recommends: with a
    single quote in front (the JSON export keeps the exact text)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def to_csv(table: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in table:
        writer.writerow([neutralise(_cell(name, item[name])) for name in COLUMNS])
    return out.getvalue()
