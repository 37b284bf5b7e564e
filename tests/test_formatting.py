"""Money, numbers, dates and countries in the page's locale, from CLDR through babel.

Each figure equals babel's own formatting for the locale, with one difference where CLDR
asks for it: the currency spacing babel leaves out ("CZK 450,000", not "CZK450,000"). A
figure's spaces are no-break spaces, so that it never breaks across lines.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel import Locale
from babel.dates import format_date, format_interval
from babel.numbers import format_currency, get_currency_symbol

from casesite import formatting
from casesite.model import Money, Period

N = "\u00a0"

MONEY = [
    # (lang, amount, currency, as written on the page)
    ("en", "450000", "CZK", f"CZK{N}450,000"),
    ("en", "20000", "EUR", "€20,000"),
    ("en", "1234.5", "USD", "$1,234.50"),
    ("en-GB", "20000", "HUF", f"HUF{N}20,000"),
    ("cs", "500000", "CZK", f"500{N}000{N}Kč"),
    ("cs", "20000", "EUR", f"20{N}000{N}€"),
    ("sk", "20000", "EUR", f"20{N}000{N}€"),
    ("sk", "450000", "CZK", f"450{N}000{N}CZK"),
    ("hu", "20000", "EUR", f"20{N}000{N}EUR"),
    ("hu", "3000000", "HUF", f"3{N}000{N}000{N}Ft"),
    ("hu", "1234.5", "EUR", f"1{N}234,50{N}EUR"),
]


@pytest.mark.parametrize(("lang", "amount", "currency", "shown"), MONEY)
def test_money_is_written_as_the_locale_writes_it(
    lang: str, amount: str, currency: str, shown: str
) -> None:
    assert formatting.money(Money(Decimal(amount), currency), lang) == shown


@pytest.mark.parametrize(("lang", "amount", "currency", "shown"), MONEY)
def test_money_is_babels_own_formatting_with_cldr_currency_spacing(
    lang: str, amount: str, currency: str, shown: str
) -> None:
    value = Decimal(amount)
    loc = Locale.parse(lang.replace("-", "_"))
    if value == value.to_integral_value():  # whole amounts are written without ".00"
        pattern = loc.currency_formats["standard"].pattern.replace("0.00", "0")
        babel = format_currency(value, currency, pattern, locale=loc, currency_digits=False)
    else:
        babel = format_currency(value, currency, locale=loc)
    ours = formatting.money(Money(value, currency), lang)
    symbol = get_currency_symbol(currency, locale=loc)
    spacing_aside = {ours, ours.replace(symbol + N, symbol), ours.replace(N + symbol, symbol)}
    assert babel in spacing_aside
    if symbol[0].isalpha():  # a symbol of letters is spaced from the digits ("CZK 450,000")
        assert symbol + N in ours or N + symbol in ours


DATES = [
    ("en", date(2022, 3, 15), f"March{N}15, 2022".replace(" ", N)),
    ("en-GB", date(2022, 3, 15), f"15{N}March{N}2022"),
    ("cs", date(2022, 3, 15), f"15.{N}března{N}2022"),
    ("sk", date(2022, 3, 15), f"15.{N}marca{N}2022"),
    ("hu", date(2022, 3, 15), f"2022.{N}március{N}15."),
]


@pytest.mark.parametrize(("lang", "value", "shown"), DATES)
def test_dates_are_babels_with_no_break_spaces(lang: str, value: date, shown: str) -> None:
    ours = formatting.long_date(value, lang)
    assert ours == shown
    assert ours == format_date(value, "long", locale=lang.replace("-", "_")).replace(" ", N)


PERIODS = [
    ("en-GB", f"September{N}2021\u2009–\u2009February{N}2022"),
    ("cs", f"září{N}2021\u2009–\u2009únor{N}2022"),
    ("sk", f"september{N}2021\u2009–\u2009február{N}2022"),
    ("hu", f"2021.{N}szeptember\u2009–\u20092022.{N}február"),
]


@pytest.mark.parametrize(("lang", "shown"), PERIODS)
def test_a_range_of_months_is_babels_interval_breakable_only_at_its_dash(
    lang: str, shown: str
) -> None:
    start, end = date(2021, 9, 1), date(2022, 2, 1)
    ours = formatting.period(Period(start, end), lang)
    assert ours == shown
    babel = format_interval(start, end, "yMMMM", locale=lang.replace("-", "_"))
    assert ours == babel.replace(" ", N)


@pytest.mark.parametrize(
    ("lang", "name"),
    [("en", "Hungary"), ("cs", "Maďarsko"), ("sk", "Maďarsko"), ("hu", "Magyarország")],
)
def test_country_names_are_localised(lang: str, name: str) -> None:
    assert formatting.country_name("HU", lang) == name


@pytest.mark.parametrize(
    ("lang", "value", "shown"),
    [("en", "1234567", "1,234,567"), ("cs", "1234567", f"1{N}234{N}567"), ("hu", "36.5", "36,5")],
)
def test_numbers(lang: str, value: str, shown: str) -> None:
    assert formatting.number(Decimal(value), lang) == shown
