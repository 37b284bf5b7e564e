"""The typed content model: frozen values built by the schema, read by every later stage."""

from __future__ import annotations

import copyreg
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from casesite.diagnostics import Location

# A quote id: the name of its approval record (content/approvals/<id>.yml) and of its block.
QUOTE_ID_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def read_only(d: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(d)


def _reduce_mapping(
    m: MappingProxyType[Any, Any],
) -> tuple[Callable[[dict[Any, Any]], MappingProxyType[Any, Any]], tuple[dict[Any, Any]]]:
    return read_only, (dict(m),)


# Model values cross process boundaries and the parse cache as pickles; a read-only
# mapping pickles as the dict it wraps, and comes back read-only.
copyreg.pickle(MappingProxyType, _reduce_mapping)


def _frozen_mapping() -> MappingProxyType[str, Any]:
    return MappingProxyType({})


def language_key(lang: str) -> str:
    """The primary subtag of a language code, lower case: "hu" for hu-HU, "en" for en-GB.
    Versions of one story, and the parts of the site, are told apart by it."""
    return lang.replace("_", "-").split("-")[0].lower()


def edition_of(lang: str, site_lang: str) -> str:
    """The folder of a language's part of the site: "" for the site's own language (its
    pages keep the addresses they always had), else the language key ("hu")."""
    key = language_key(lang)
    return "" if key == language_key(site_lang) else key


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str  # ISO 4217, upper case


@dataclass(frozen=True)
class Period:
    """A month, or a range of months (``end`` is None for a single month)."""

    start: date  # first day of the month
    end: date | None = None

    @property
    def iso(self) -> str:
        first = f"{self.start:%Y-%m}"
        return first if self.end is None else f"{first}/{self.end:%Y-%m}"


@dataclass(frozen=True)
class Image:
    src: str  # site-relative asset path, e.g. "assets/images/x.jpg"
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class Partner:
    name: str
    url: str = ""
    logo: str = ""  # site-relative asset path, or ""


@dataclass(frozen=True)
class Programme:
    id: str
    source: str
    name: str
    about: str  # plain text paragraphs, separated by blank lines
    url: str = ""
    logo: str = ""
    partners: tuple[Partner, ...] = ()
    funders: tuple[Partner, ...] = ()
    # (language key, name, about) in other languages; "" where not given
    translations: tuple[tuple[str, str, str], ...] = ()

    def in_language(self, key: str) -> Programme:
        """The programme as a page in language `key` shows it."""
        for lang, name, about in self.translations:
            if lang == key:
                return replace(self, name=name or self.name, about=about or self.about)
        return self


@dataclass(frozen=True)
class Body:
    """The Markdown body of a case study and where it starts in its file."""

    text: str
    first_line: int  # 1-based line of the file on which the body's first line stands


@dataclass(frozen=True)
class CaseStudy:
    source: str  # path relative to the site root, e.g. "content/case-studies/x.md"
    slug: str
    title: str
    summary: str
    network: str
    country: str  # ISO 3166-1 alpha-2
    grant: Money
    support_hours: Decimal
    change_period: Period
    developed_by: str
    programme: str
    published: date
    lang: str
    body: Body
    draft: bool = False
    updated: date | None = None
    themes: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    extra: MappingProxyType[str, Any] = field(default_factory=_frozen_mapping)
    location: Location = field(default_factory=lambda: Location("", 1, 1))
    # "" for the site's language, else the language key ("hu"): the part of the site
    # the page belongs to. Versions of one story share the slug.
    edition: str = ""


def last_changed(cs: CaseStudy) -> date:
    """The day a case study last changed: its update, or else its publication."""
    return cs.updated or cs.published
