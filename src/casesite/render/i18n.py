"""The one table of interface strings: every word the layouts show comes from here.

Tables live in ``translations/<lang>.json``; a missing language or key falls back to
English, so a new language can be added one file at a time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from casesite import formatting

FALLBACK = "en"


@lru_cache(maxsize=16)
def _table(lang: str) -> MappingProxyType[str, object]:
    base = lang.replace("_", "-").split("-")[0].lower()
    try:
        text = resources.files("casesite").joinpath(f"translations/{base}.json").read_text("utf-8")
    except FileNotFoundError:
        return MappingProxyType({})
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"translations/{base}.json must hold an object")
    return MappingProxyType(data)


@dataclass(frozen=True)
class Translator:
    lang: str

    def __call__(self, key: str, **values: object) -> str:
        if not values:
            return _plain(self.lang, key)  # most strings: no values, asked for on every page
        return _fill(self.lang, key, values)

    def forms(self, key: str, **values: object) -> dict[str, str]:
        """Every plural form of a string, filled in, for a script that picks one at run time
        (with Intl.PluralRules); a string without plural forms gives {"other": ...}."""
        entry = _table(self.lang).get(key)
        if entry is None:
            entry = _table(FALLBACK).get(key)
        if entry is None:
            raise KeyError(f"no interface string '{key}' in translations/{FALLBACK}.json")
        if isinstance(entry, dict):
            return {str(k): str(v).format(**values) for k, v in sorted(entry.items())}
        return {"other": str(entry).format(**values)}


@lru_cache(maxsize=4096)
def _plain(lang: str, key: str) -> str:
    return _fill(lang, key, {})


def _fill(lang: str, key: str, values: dict[str, object]) -> str:
    entry = _table(lang).get(key)
    if entry is None:
        entry = _table(FALLBACK).get(key)
    if entry is None:
        raise KeyError(f"no interface string '{key}' in translations/{FALLBACK}.json")
    if isinstance(entry, dict):  # plural forms, chosen by the CLDR rule for `count`
        count = values.get("count", values.get("n", 0))
        category = formatting.plural_category(Decimal(str(count)), lang)
        entry = entry.get(category, entry.get("other", ""))
    return str(entry).format(**values)
