"""Programme totals: what the published case studies add up to.

`totals` is a pure function of the case studies; money is added up per currency and never
across currencies. `totals_view` formats the figures for a page's language with babel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from casesite import formatting
from casesite.model import CaseStudy, Money
from casesite.render.i18n import Translator


@dataclass(frozen=True)
class Totals:
    case_studies: int
    networks: int
    countries: int
    grants: tuple[Money, ...]  # one per currency, sorted by currency code
    support_hours: Decimal


def totals(case_studies: Iterable[CaseStudy]) -> Totals:
    studies = list(case_studies)
    by_currency: dict[str, Decimal] = {}
    for cs in studies:
        by_currency[cs.grant.currency] = by_currency.get(cs.grant.currency, Decimal(0)) + (
            cs.grant.amount
        )
    return Totals(
        case_studies=len(studies),
        networks=len({" ".join(cs.network.split()) for cs in studies}),
        countries=len({cs.country for cs in studies}),
        grants=tuple(Money(by_currency[c], c) for c in sorted(by_currency)),
        support_hours=sum((cs.support_hours for cs in studies), Decimal(0)),
    )


@dataclass(frozen=True)
class Stat:
    figure: str  # "4", "€38,500"
    label: str  # "case studies", "granted in EUR"
    kind: str  # for styling and tests: case-studies, networks, countries, grant, hours


@dataclass(frozen=True)
class TotalsView:
    stats: tuple[Stat, ...]


def totals_view(value: Totals, lang: str) -> TotalsView:
    t = Translator(lang)

    def count(n: int, label: str, kind: str) -> Stat:
        return Stat(formatting.number(Decimal(n), lang), label, kind)

    stats = [
        count(
            value.case_studies,
            t.ngettext("case study", "case studies", value.case_studies),
            "case-studies",
        ),
        count(value.networks, t.ngettext("network", "networks", value.networks), "networks"),
        count(value.countries, t.ngettext("country", "countries", value.countries), "countries"),
    ]
    stats += [
        Stat(
            formatting.money(m, lang),
            t.gettext("granted in %(currency)s", currency=m.currency),
            "grant",
        )
        for m in value.grants
    ]
    hours = value.support_hours.normalize()
    label = t.ngettext("hour of support", "hours of support", hours)
    stats.append(Stat(formatting.number(hours, lang), label, "hours"))
    return TotalsView(tuple(stats))
