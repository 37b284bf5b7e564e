"""Locale-aware display of the key facts, through babel (CLDR data), never hand-written tables."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable

import pycountry
from babel import Locale, UnknownLocaleError
from babel.dates import (
    PATTERN_CHAR_ORDER,
    DateTimeFormat,
    format_date,
    format_interval,
    format_skeleton,
    parse_pattern,
)
from babel.numbers import format_currency, format_decimal, get_currency_symbol, list_currencies
from babel.units import format_unit

from casesite.model import Money, Period

# Kosovo has no ISO 3166-1 code yet; XK is the user-assigned code the EU and CLDR use.
_EXTRA_COUNTRIES = frozenset({"XK"})


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | _EXTRA_COUNTRIES


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


@lru_cache(maxsize=64)
def locale(lang: str) -> Locale:
    return Locale.parse(lang.replace("-", "_"))


def is_known_language(lang: str) -> bool:
    try:
        locale(lang)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def catalogue_path(code: str) -> Traversable:
    """Where the interface catalogue of a language code (en, cs, pt_BR) is, if it has one."""
    return resources.files("casesite").joinpath(f"locales/{code}/LC_MESSAGES/casesite.po")


@lru_cache(maxsize=64)
def interface_language(lang: str) -> str | None:
    """The catalogue a page in `lang` takes its interface strings from: its own (pt-BR), or
    its language's (en-GB -> en); None when there is none (then the content is in error)."""
    try:
        loc = locale(lang)
    except (ValueError, UnknownLocaleError):
        return None
    for code in (str(loc), loc.language):
        if catalogue_path(code).is_file():
            return code
    return None


def interface_languages() -> tuple[str, ...]:
    """Every language with an interface catalogue, sorted (en, cs, ...)."""
    folder = resources.files("casesite").joinpath("locales")
    return tuple(sorted(d.name for d in folder.iterdir() if catalogue_path(d.name).is_file()))


def country_name(code: str, lang: str) -> str:
    name = locale(lang).territories.get(code)
    return str(name) if name else code


def country_code_for_name(name: str) -> str | None:
    """The alpha-2 code of a country written out in English ('Hungary' -> 'HU'), if any."""
    try:
        found = pycountry.countries.lookup(name)
    except LookupError:
        return None
    return str(found.alpha_2)


NO_BREAK = "\u00a0"
_DIGIT = "#0"


def unbreakable(text: str) -> str:
    """A figure kept whole on a line: its spaces made no-break spaces. (Thin spaces, U+2009,
    such as those around the dash of a range of dates, stay: a range may break there.)"""
    return text.replace(" ", NO_BREAK)


def _joins(symbol_end: str) -> bool:
    """CLDR's currencySpacing: a no-break space goes between the symbol and a digit unless
    the symbol's character next to the number is a symbol or a space ([[:^S:]&[:^Z:]])."""
    return unicodedata.category(symbol_end)[0] not in "SZ"


def currency_pattern(lang: str, currency: str, whole: bool) -> str:
    """The locale's standard currency pattern (symbol placement, separators), without the
    fraction for a whole amount, with CLDR's currency spacing, which babel leaves out."""
    loc = locale(lang)
    pattern = str(loc.currency_formats["standard"].pattern)
    if whole:
        pattern = re.sub(r"0\.0+", "0", pattern)
    symbol = str(get_currency_symbol(currency, locale=loc))
    out = []
    for i, char in enumerate(pattern):
        after = pattern[i + 1] if i + 1 < len(pattern) else ""
        before = pattern[i - 1] if i else ""
        if char == "¤" and before in _DIGIT and before and _joins(symbol[0]):
            out.append(NO_BREAK)  # "450,000 CZK"
        out.append(char)
        if char == "¤" and after in _DIGIT and after and _joins(symbol[-1]):
            out.append(NO_BREAK)  # "CZK 450,000"
    return "".join(out)


def money(value: Money, lang: str) -> str:
    """An amount as the page's locale writes money: "€20,000", "CZK 450,000" (en),
    "450 000 Kč" (cs), "20 000 EUR" (hu); never broken across lines."""
    whole = value.amount == value.amount.to_integral_value()
    pattern = currency_pattern(lang, value.currency, whole)
    text = format_currency(
        value.amount, value.currency, pattern, locale=locale(lang), currency_digits=False
    )
    return unbreakable(str(text))


def number(value: Decimal, lang: str) -> str:
    return unbreakable(str(format_decimal(value, locale=locale(lang))))


def plural_category(value: Decimal, lang: str) -> str:
    return str(locale(lang).plural_form(value))


def month(value: date, lang: str) -> str:
    return unbreakable(str(format_skeleton("yMMMM", value, locale=locale(lang))))


def period(value: Period, lang: str) -> str:
    """A month, or a range of months (babel.dates.format_interval): each month whole, the
    range breakable only at its separator."""
    if value.end is None:
        return month(value.start, lang)
    return "".join(period_parts(value, lang))


def period_parts(value: Period, lang: str) -> tuple[str, str, str]:
    """period() in three pieces: the start's words, the separator, the end's words ("", ""
    for a single month), so that each end can carry its own machine-readable date (HTML's
    <time datetime> takes one month, not a range). The pieces join into period()'s text:
    each month whole (no-break spaces), the separator as CLDR writes it (breakable)."""
    if value.end is None:
        return month(value.start, lang), "", ""
    loc = locale(lang)
    start, end = value.start, value.end
    whole = str(format_interval(start, end, "yMMMM", locale=loc))
    formats: dict[str, list[str]] = dict(loc.interval_formats.get("yMMMM") or {})
    differs = [
        f
        for f in PATTERN_CHAR_ORDER
        if f in formats
        and DateTimeFormat(start, locale=loc).extract(f)
        != DateTimeFormat(end, locale=loc).extract(f)
    ]
    pieces = formats[differs[0]] if differs else []
    if len(pieces) == 2:
        first, second = parse_pattern(pieces[0]), parse_pattern(pieces[1])
        head, tail = str(first.apply(start, loc)), str(second.apply(end, loc))
        # The separator: the first piece's trailing text, less any letters that end the
        # start's words (Japanese "2022年9月～": 月 is the start's, ～ the separator).
        literal = str(first.format).rpartition(")s")[2].replace("%%", "%")
        keep = 0
        while len(literal) - keep > 1 and literal[keep].isalpha():
            keep += 1
        separator = literal[keep:]
        if literal and head.endswith(literal) and head + tail == whole:
            return unbreakable(head[: len(head) - len(separator)]), separator, unbreakable(tail)
    fallback = str(loc.interval_formats.get(None, "{0}–{1}"))
    separator = fallback.partition("{0}")[2].partition("{1}")[0]
    head = str(format_skeleton("yMMMM", start, locale=loc))
    tail = str(format_skeleton("yMMMM", end, locale=loc))
    if head + separator + tail == whole:
        return unbreakable(head), separator, unbreakable(tail)
    return unbreakable(whole), "", ""  # not seen in CLDR: the whole range, dated by its start


def long_date(value: date, lang: str) -> str:
    return unbreakable(str(format_date(value, "long", locale=locale(lang))))


def file_size(size: int, lang: str) -> str:
    """A download's size as people read it: '180 kB', '1.2 MB' (decimal units, CLDR names)."""
    if size < 999_500:
        kb = Decimal(max(1, round(size / 1000)))
        return unbreakable(str(format_unit(kb, "digital-kilobyte", "short", locale=locale(lang))))
    mb = (Decimal(size) / Decimal(1_000_000)).quantize(Decimal("0.1"))
    return unbreakable(str(format_unit(mb, "digital-megabyte", "short", locale=locale(lang))))


def language_name(code: str, lang: str) -> str:
    """The name of the language `code` in language `lang`: "Hungarian", "maďarčina"."""
    key = code.replace("_", "-").split("-")[0].lower()
    return str(locale(lang).languages.get(key) or code)
