"""The interface strings in the page's language: gettext catalogues, compiled on first use.

The catalogues are `locales/<lang>/LC_MESSAGES/casesite.po` in the package, made from
`locales/casesite.pot`, which `make messages` extracts from the layouts and the code with
Babel. A catalogue is read and compiled in memory (babel's pofile and mofile) the first
time a language is asked for, once per process: no compiled `.mo` file is kept anywhere.
The message ids are the English strings. Which languages have a catalogue, and what a
region variant (en-GB) falls back to, is `formatting.interface_language`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import pass_context
from jinja2.runtime import Context

from casesite import formatting

DOMAIN = "casesite"
CONTEXT_KEY = "i18n"  # the page's Translator, in every layout's values


def N_(message: str) -> str:
    """Marks a string for extraction where it is translated later (a table of labels)."""
    return message


@lru_cache(maxsize=8)
def catalogue(lang: str) -> Translations:
    """The compiled catalogue for a language that has one (see formatting.interface_language)."""
    code = formatting.interface_language(lang)
    if code is None:
        raise LookupError(f"no interface catalogue for the language '{lang}'")
    with formatting.catalogue_path(code).open("rb") as source:
        po = read_po(source, locale=code, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, po)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _plural_sample(lang: str, n: Decimal) -> int:
    """The whole number whose gettext plural form a count takes.

    gettext's plural expressions see whole numbers only. A fraction takes the form of the
    smallest whole number in its CLDR plural category ("1.5 hours" as "0 hours" in English,
    "1,5 óra" in Hungarian); where no whole number shares its category (Czech, Slovak:
    "1,5 hodiny"), the form of 2, which in those languages is the one used with fractions."""
    if n == n.to_integral_value():
        return abs(int(n))
    category = formatting.plural_category(n, lang)
    for whole in range(0, 1001):
        if formatting.plural_category(Decimal(whole), lang) == category:
            return whole
    return 2


@dataclass(frozen=True)
class Translator:
    """The interface strings of one language; %(name)s placeholders are filled from values."""

    lang: str

    def gettext(self, message: str, **values: object) -> str:
        return _fill(catalogue(self.lang).gettext(message), values)

    def pgettext(self, context: str, message: str, **values: object) -> str:
        return _fill(str(catalogue(self.lang).pgettext(context, message)), values)

    def ngettext(self, singular: str, plural: str, n: int | Decimal, **values: object) -> str:
        """The form for `n`; `num` defaults to `n` as written (pass it formatted)."""
        sample = _plural_sample(self.lang, Decimal(n))
        values.setdefault("num", n)
        return _fill(catalogue(self.lang).ngettext(singular, plural, sample), values)

    def forms(self, singular: str, plural: str, **values: object) -> dict[str, str]:
        """Every CLDR plural category's form, filled in, for a script that picks one at run
        time with Intl.PluralRules."""
        found: dict[str, str] = {}
        for sample in [*map(Decimal, range(0, 201)), Decimal("0.5"), Decimal("1.5")]:
            category = formatting.plural_category(sample, self.lang)
            if category not in found:
                found[category] = self.ngettext(singular, plural, sample, **values)
        return dict(sorted(found.items()))


def _fill(text: str, values: dict[str, object]) -> str:
    return text % values if values else text


# -- the layouts' gettext functions (jinja2.ext.i18n, newstyle) ---------------------------
# One Jinja environment renders pages in any language: each call finds the page's
# Translator in the values the page was rendered with.


def _page(context: Context) -> Translator:
    found = context.get(CONTEXT_KEY)
    if not isinstance(found, Translator):
        raise LookupError(f"a layout translated a string without '{CONTEXT_KEY}' in its values")
    return found


@pass_context
def _gettext(context: Context, message: str) -> str:
    return catalogue(_page(context).lang).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: Any) -> str:
    lang = _page(context).lang
    return catalogue(lang).ngettext(singular, plural, _plural_sample(lang, Decimal(str(n))))


@pass_context
def _pgettext(context: Context, ctx: str, message: str) -> str:
    return str(catalogue(_page(context).lang).pgettext(ctx, message))


@pass_context
def _npgettext(context: Context, ctx: str, singular: str, plural: str, n: Any) -> str:
    lang = _page(context).lang
    sample = _plural_sample(lang, Decimal(str(n)))
    return catalogue(lang).npgettext(ctx, singular, plural, sample)


@pass_context
def _number(context: Context, value: Any) -> str:
    """`|number`: a count or figure written for the page's language (1,000; 1 000)."""
    return formatting.number(Decimal(str(value)), _page(context).lang)


FILTERS = {"number": _number}

GETTEXT_CALLABLES = {
    "gettext": _gettext,
    "ngettext": _ngettext,
    "pgettext": _pgettext,
    "npgettext": _npgettext,
}
