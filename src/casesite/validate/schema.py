"""Front matter and programme files -> typed, frozen model objects, or located diagnostics."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from types import MappingProxyType

from casesite import formatting
from casesite.diagnostics import Diagnostic, Location, did_you_mean, error
from casesite.load.content import ContentFile
from casesite.load.yamlstrict import YamlDoc
from casesite.model import (
    Body,
    CaseStudy,
    Image,
    Money,
    Partner,
    Period,
    Programme,
    edition_of,
    language_key,
)
from casesite.validate.config import SiteConfig
from casesite.validate.fields import SLUG_RE, FieldReader, kind_of
from casesite.validate.invisible import describe, first_invisible, invisible_characters
from casesite.validate.numbers import ungrouped
from casesite.validate.quotation import reads_as_quotation
from casesite.validate.translations import language_blocks

REQUIRED = (
    "title",
    "summary",
    "network",
    "country",
    "grant",
    "support_hours",
    "change_period",
    "developed_by",
    "programme",
    "published",
)
OPTIONAL = ("slug", "lang", "draft", "themes", "images", "updated", "extra")
CASE_STUDY_FIELDS = frozenset(REQUIRED + OPTIONAL)
PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})(?:/(\d{4})-(\d{2}))?$")


@dataclass(frozen=True)
class Known:
    """What the schema checks references against."""

    programmes: frozenset[str]
    assets: frozenset[str]


def _month(year: str, month: str) -> date | None:
    try:
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def _period(reader: FieldReader) -> Period | None:
    if not reader.present("change_period", True):
        return None
    value = reader.mapping["change_period"]
    hint = "write the month as YYYY-MM (2021-11) or a range as YYYY-MM/YYYY-MM (2021-09/2022-02)"
    m = PERIOD_RE.match(value) if isinstance(value, str) else None
    start = _month(m[1], m[2]) if m else None
    end = _month(m[3], m[4]) if m and m[3] else None
    if m is None or start is None or (m[3] and end is None):
        reader.fail(
            "change_period",
            "invalid-period",
            f"'change_period' must be a month or a range of months, not '{value}'",
            hint,
        )
        return None
    if end is not None and end < start:
        reader.fail(
            "change_period",
            "invalid-period",
            f"the change period ends ({end:%Y-%m}) before it starts ({start:%Y-%m})",
            "put the earlier month first",
        )
        return None
    return Period(start, None if end == start else end)


def _country(reader: FieldReader) -> str | None:
    value = reader.text("country")
    if value is None:
        return None
    if value in formatting.country_codes():
        return value
    guess = formatting.country_code_for_name(value)
    if guess is None and value.upper() in formatting.country_codes():
        guess = value.upper()
    reader.fail(
        "country",
        "unknown-country",
        f"'{value}' is not an ISO 3166 country code",
        f"write the two capital letters of the code: country: {guess}"
        if guess
        else "write the two-letter code, e.g. HU for Hungary, CZ for Czechia",
    )
    return None


_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "Kč": "CZK", "Ft": "HUF", "zł": "PLN"}


def _grant_written_inline(reader: FieldReader) -> bool:
    """`grant: EUR 20,000` on one line: say how to write it, with its own figures."""
    value = reader.mapping.get("grant")
    if value is None or isinstance(value, dict):
        return False
    text = str(value)
    code = re.search(r"\b[A-Z]{3}\b", text)
    symbol = next((c for s, c in _SYMBOLS.items() if s in text), None)
    currency = code.group() if code else symbol or "EUR"
    figure = re.search(r"[0-9][0-9,.'’ ]*", text)
    amount = ungrouped(figure.group().strip(" .,")) if figure else "20000"
    reader.fail(
        "grant",
        "wrong-type",
        f"'grant' must be two fields, amount and currency, not {kind_of(value)} '{text}'",
        f"write 'grant:' alone on its line, then two lines indented by two spaces: "
        f"'amount: {amount}' and 'currency: {currency}'",
    )
    return True


def _grant(reader: FieldReader) -> Money | None:
    if _grant_written_inline(reader):
        return None
    grant = reader.sub("grant", {"amount", "currency"})
    if grant is None:
        return None
    amount = grant.number("amount")
    currency = grant.text("currency")
    if currency is not None and currency not in formatting.currency_codes():
        upper = currency.upper()
        grant.fail(
            "currency",
            "unknown-currency",
            f"'{currency}' is not an ISO 4217 currency code",
            f"write currency: {upper}"
            if upper in formatting.currency_codes()
            else "write the three-letter code, e.g. EUR, CZK, HUF, USD",
        )
        currency = None
    if amount is None or currency is None:
        return None
    return Money(amount, currency)


def not_quoted(reader: FieldReader, key: str, value: str | None) -> None:
    """A value that reads as a quotation would publish words nobody approved."""
    reason = reads_as_quotation(value) if value else ""
    if reason:
        reader.fail(
            key,
            "unapproved-quotation",
            f"'{reader.name(key)}' reads as a quotation ({reason}), which only a quote block "
            "in the body may hold",
            "put the quoted words in a quote block ('::: quote <id>' ... ':::') with an "
            "approval record, and reword this so it does not quote anyone",
        )


def _image(assets: frozenset[str]) -> Callable[[FieldReader], Image | None]:
    def read(item: FieldReader) -> Image | None:
        src = item.asset("src", assets, required=True)
        alt = item.text("alt", required=True)
        caption = item.text("caption", required=False) or ""
        not_quoted(item, "alt", alt)
        not_quoted(item, "caption", caption)
        return Image(src, alt, caption) if src and alt else None

    return read


def split_name(path: str) -> tuple[str, str]:
    """A case study file's name -> (slug, language from the name or "").

    "x.hu.md" is the Hungarian version of the story "x"; "x.md" is in its own 'lang:'."""
    stem = PurePosixPath(path).stem
    base, dot, lang = stem.rpartition(".")
    if dot and base and formatting.is_known_language(lang):
        return base, lang
    return stem, ""


def slug_for(path: str) -> str:
    return split_name(path)[0]


def _language(file: ContentFile, reader: FieldReader, config: SiteConfig) -> str:
    """The version's language: from its file name ("x.hu.md"), else 'lang:', else the site's."""
    named = split_name(file.path)[1]
    if not named:
        return reader.language("lang", config.lang)
    given = reader.language("lang", named)
    if language_key(given) != language_key(named):
        reader.fail(
            "lang",
            "language-mismatch",
            f"the file name says this version is in '{named}', but 'lang:' says '{given}'",
            f"rename the file to {slug_for(file.path)}.{language_key(given)}.md, "
            f"or write lang: {named}",
        )
    return given


def read_case_study(
    file: ContentFile, config: SiteConfig, known: Known
) -> tuple[CaseStudy | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    reader = FieldReader(file.front, (), CASE_STUDY_FIELDS, problems, "front matter")
    reader.check_unknown()
    problems.extend(invisible_characters(file.front))
    title = reader.text("title", max_length=200)
    summary = reader.text("summary", max_length=400)
    not_quoted(reader, "title", title)
    not_quoted(reader, "summary", summary)
    network = reader.text("network")
    country = _country(reader)
    grant = _grant(reader)
    hours = reader.number("support_hours", example="30")
    period = _period(reader)
    developed_by = reader.text("developed_by")
    programme = reader.text("programme")
    if programme is not None and programme not in known.programmes:
        suggestion = did_you_mean(programme, known.programmes)
        reader.fail(
            "programme",
            "unknown-programme",
            f"there is no programme '{programme}'" + (f"; {suggestion}" if suggestion else ""),
            f"programmes are the files in content/programmes/: "
            f"{', '.join(sorted(known.programmes)) or 'none yet'}",
        )
        programme = None
    published = reader.date("published")
    updated = reader.date("updated", required=False)
    if updated and published and updated < published:
        reader.fail(
            "updated",
            "invalid-date",
            f"'updated' ({updated}) is before 'published' ({published})",
            "an update comes after publication; check both dates",
        )
    lang = _language(file, reader, config)
    draft = reader.boolean("draft")
    themes = reader.texts("themes")
    images = reader.items("images", {"src", "alt", "caption"}, _image(known.assets))
    extra = reader.mapping.get("extra", {})
    if not isinstance(extra, dict):
        reader.fail(
            "extra",
            "wrong-type",
            "'extra' must be a set of 'key: value' lines",
            "write your own fields under 'extra:', each on its own line, indented: '  name: value'",
        )
        extra = {}
    slug = _slug(file, reader)
    if any(d.is_error for d in problems):
        return None, problems
    assert title and summary and network and country and grant and hours and period
    assert developed_by and programme and published and slug
    return (
        CaseStudy(
            source=file.path,
            slug=slug,
            title=title,
            summary=summary,
            network=network,
            country=country,
            grant=grant,
            support_hours=hours,
            change_period=period,
            developed_by=developed_by,
            programme=programme,
            published=published,
            lang=lang,
            body=Body(file.body, file.body_line),
            draft=draft,
            updated=updated,
            themes=themes,
            images=images,
            extra=MappingProxyType(dict(extra)),
            location=Location(file.path, 1, 1),
            edition=edition_of(lang, config.lang),
        ),
        problems,
    )


def _slug(file: ContentFile, reader: FieldReader) -> str | None:
    explicit = reader.text("slug", required=False)
    if explicit is not None:
        if not SLUG_RE.match(explicit) or len(explicit) > 80:
            reader.fail(
                "slug",
                "invalid-slug",
                f"the slug '{explicit}' must be lower-case letters, digits and single hyphens",
                "for example: hungary-police-cooperation",
            )
            return None
        return explicit
    stem = slug_for(file.path)
    hidden = first_invisible(stem)
    if hidden >= 0:
        reader.diagnostics.append(
            error(
                Location(file.path, 1, 1),
                "invisible-character",
                f"the file name holds an invisible character, {describe(stem[hidden])}, "
                f"after '{stem[:hidden]}'",
                "rename the file, typing its name afresh",
            )
        )
        return None
    if not SLUG_RE.match(stem) or len(stem) > 80:
        suggestion = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "case-study"
        reader.diagnostics.append(
            error(
                Location(file.path, 1, 1),
                "invalid-slug",
                f"the file name '{stem}' cannot be a web address: use lower-case letters, "
                "digits and single hyphens",
                f"rename the file to {suggestion}.md, or add 'slug: {suggestion}'",
            )
        )
        return None
    return stem


def _partner(assets: frozenset[str]) -> Callable[[FieldReader], Partner | None]:
    def read(item: FieldReader) -> Partner | None:
        name = item.text("name")
        url = item.web_url("url")
        logo = item.asset("logo", assets)
        return Partner(name, url, logo) if name else None

    return read


def read_programme(
    ident: str, doc: YamlDoc, assets: frozenset[str]
) -> tuple[Programme | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    allowed = {"name", "about", "url", "logo", "partners", "funders", "translations"}
    reader = FieldReader(doc, (), frozenset(allowed), problems, "programme file")
    reader.check_unknown()
    problems.extend(invisible_characters(doc, "programme file"))
    name = reader.text("name")
    about = reader.text("about", max_length=5000)
    url = reader.web_url("url")
    logo = reader.asset("logo", assets)
    partner_fields = {"name", "url", "logo"}
    partners = reader.items("partners", partner_fields, _partner(assets))
    funders = reader.items("funders", partner_fields, _partner(assets))
    translations = tuple(
        (key, sub.text("name", required=False) or "", sub.text("about", False, 5000) or "")
        for key, sub in language_blocks(reader, {"name", "about"})
    )
    if not SLUG_RE.match(ident):
        problems.append(
            error(
                doc.start,
                "invalid-slug",
                f"the programme file name '{ident}' must be lower-case letters, digits and hyphens",
                "rename the file, e.g. content/programmes/stronger-roots.yml",
            )
        )
    if any(d.is_error for d in problems) or name is None or about is None:
        return None, problems
    return (
        Programme(ident, doc.path, name, about, url, logo, partners, funders, translations),
        problems,
    )
