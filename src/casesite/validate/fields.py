"""Reading typed values out of a YAML document, collecting every problem with its location.

One FieldReader per mapping: it knows which keys are allowed, reports unknown ones with a
"did you mean", and converts each value eagerly into the type the model wants.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import urlsplit

from casesite import formatting
from casesite.diagnostics import Diagnostic, Location, did_you_mean, error
from casesite.load.yamlstrict import YamlDoc
from casesite.validate.numbers import GROUPED_RE, THOUSANDS_DOT_RE, ungrouped

T = TypeVar("T")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The hint where a call gives none: every error says what to do.
_HINTS = {
    "control-character": "delete the invisible character (often pasted from a PDF), or retype",
    "duplicate-item": "remove one of the two",
    "wrong-type": "write one item per line, each starting with '- ', as the message says",
}


def kind_of(value: Any) -> str:
    """How a YAML value reads to a person."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of keys"
    return type(value).__name__


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL with a host and nothing that could break out of an attribute."""
    if not value or any(c.isspace() for c in value) or _CONTROL_RE.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def parse_date(text: str) -> date | None:
    m = DATE_RE.match(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


@dataclass
class FieldReader:
    """Typed access to one mapping of a YamlDoc; every problem becomes a located Diagnostic."""

    doc: YamlDoc
    prefix: tuple[str | int, ...] = ()
    allowed: frozenset[str] = frozenset()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    what: str = "front matter"

    @property
    def mapping(self) -> dict[str, Any]:
        value: Any = self.doc.data
        for key in self.prefix:
            value = value[key]
        return value if isinstance(value, dict) else {}

    def loc(self, key: str | int | None = None) -> Location:
        return self.doc.loc(*self.prefix, key) if key is not None else self.doc.loc(*self.prefix)

    def key_loc(self, key: str) -> Location:
        return self.doc.key_loc(*self.prefix, key)

    def fail(self, key: str | int | None, code: str, message: str, hint: str = "") -> None:
        self.diagnostics.append(error(self.loc(key), code, message, hint or _HINTS.get(code, "")))

    def name(self, key: str | int) -> str:
        """A field's path as an author reads it: partners[2].logo (items counted from 1)."""
        text = ""
        for part in (*self.prefix, key):
            text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text

    def check_unknown(self) -> None:
        for key in sorted(self.mapping):
            if key not in self.allowed:
                suggestion = did_you_mean(key, self.allowed)
                allowed = ", ".join(sorted(self.allowed))
                self.diagnostics.append(
                    error(
                        self.key_loc(key),
                        "unknown-field",
                        f"unknown field '{self.name(key)}' in the {self.what}"
                        + (f"; {suggestion}" if suggestion else ""),
                        f"the fields allowed here are: {allowed}",
                    )
                )

    def present(self, key: str, required: bool) -> bool:
        if key in self.mapping and self.mapping[key] is not None:
            return True
        if required:
            where = self.loc(key) if key in self.mapping else self.doc.loc(*self.prefix)
            self.diagnostics.append(
                error(
                    where,
                    "missing-field",
                    f"the required field '{self.name(key)}' is missing"
                    + (" or empty" if key in self.mapping else ""),
                    f"add a line '{key}: ...' to the {self.what}",
                )
            )
        return False

    def text(self, key: str, required: bool = True, max_length: int = 500) -> str | None:
        if not self.present(key, required):
            return None
        value = self.mapping[key]
        if not isinstance(value, str):
            self.fail(
                key,
                "wrong-type",
                f"'{self.name(key)}' must be text, not {kind_of(value)}",
                f'put the value in quotes: {key}: "{value}"',
            )
            return None
        value = " ".join(value.split()) if max_length <= 500 else value.strip()
        if not value:
            self.fail(key, "missing-field", f"'{self.name(key)}' is empty", "write some text")
            return None
        if _CONTROL_RE.search(value):
            self.fail(key, "control-character", f"'{self.name(key)}' holds a control character")
            return None
        if len(value) > max_length:
            self.fail(
                key,
                "too-long",
                f"'{self.name(key)}' is {len(value)} characters long; at most {max_length} fit",
                "shorten it",
            )
            return None
        return value

    def number(self, key: str, required: bool = True, example: str = "20000") -> Decimal | None:
        """A number greater than zero; `example`, one to show in a hint."""
        if not self.present(key, required):
            return None
        value = self.mapping[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            if isinstance(value, str) and GROUPED_RE.fullmatch(value.strip()):
                self.fail(
                    key,
                    "ambiguous-number",
                    f"'{self.name(key)}' is written '{value}', with a thousands separator, "
                    "which YAML reads as text, not a number",
                    f"write the number without separators: {key}: {ungrouped(value)}",
                )
            else:
                self.fail(
                    key,
                    "wrong-type",
                    f"'{self.name(key)}' must be a number, not {kind_of(value)}",
                    f"write the number alone, without units or thousands separators, "
                    f"e.g. {key}: {example}",
                )
            return None
        written = self.doc.written(*self.prefix, key) or ""
        if isinstance(value, float) and THOUSANDS_DOT_RE.fullmatch(written):
            self.fail(
                key,
                "ambiguous-number",
                f"'{self.name(key)}' is written {written}, which YAML reads as {value:g} "
                f"(a dot is a decimal point), not {written.replace('.', ',')}",
                f"write {key}: {written.replace('.', '')} for {written.replace('.', ',')}, "
                f"or {key}: {value:g} if you mean {value:g}",
            )
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or number <= 0:
            self.fail(
                key,
                "not-positive",
                f"'{self.name(key)}' must be a number greater than zero, not {value}",
                "write the figure from the grant agreement",
            )
            return None
        return number

    def boolean(self, key: str, default: bool = False) -> bool:
        if not self.present(key, False):
            return default
        value = self.mapping[key]
        if not isinstance(value, bool):
            self.fail(
                key,
                "wrong-type",
                f"'{self.name(key)}' must be true or false, not {kind_of(value)} '{value}'",
                f"write {key}: true or {key}: false",
            )
            return default
        return value

    def date(self, key: str, required: bool = True) -> date | None:
        if not self.present(key, required):
            return None
        value = self.mapping[key]
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            self.fail(
                key,
                "invalid-date",
                f"'{self.name(key)}' must be a real calendar date written YYYY-MM-DD, "
                f"not '{value}'",
                "for example 2022-03-15",
            )
        return parsed

    def asset(self, key: str, assets: frozenset[str], required: bool = False) -> str:
        """A path to a file under assets/, written relative to the site root."""
        value = self.text(key, required)
        if value is None:
            return ""
        if value not in assets:
            suggestion = did_you_mean(value, assets)
            self.fail(
                key,
                "missing-asset",
                f"'{self.name(key)}' names '{value}', which is not a file in assets/"
                + (f"; {suggestion}" if suggestion else ""),
                "put the file under assets/ and write its path from the site root, "
                "e.g. assets/images/photo.jpg",
            )
            return ""
        return value

    def web_url(self, key: str, required: bool = False) -> str:
        value = self.text(key, required, max_length=500)
        if value is None:
            return ""
        if not is_web_url(value):
            self.fail(
                key,
                "invalid-url",
                f"'{self.name(key)}' must be a web address starting with https://, not '{value}'",
                "copy the address from the browser's address bar",
            )
            return ""
        return value

    def language(self, key: str, default: str) -> str:
        """A language code babel knows and casesite has interface strings for (en, hu,
        en-GB: a region variant takes its language's); `default` when absent or not."""
        value = self.text(key, required=False) or default
        if not formatting.is_known_language(value):
            self.fail(
                key,
                "unknown-language",
                f"'{value}' is not a language code casesite knows",
                "use a code such as en, hu, cs or en-GB",
            )
            return default
        if formatting.interface_language(value) is None:
            base = formatting.locale(value).language
            have = ", ".join(formatting.interface_languages())
            self.fail(
                key,
                "no-catalogue",
                f"casesite has no interface strings in '{value}', so the page's labels "
                "cannot be written in it",
                f"add the catalogue src/casesite/locales/{base}/LC_MESSAGES/casesite.po "
                f"(docs/authoring.md, 'Adding a language'), or use one of: {have}",
            )
            return default
        return value

    def choice(self, key: str, choices: Iterable[str], required: bool = True) -> str | None:
        value = self.text(key, required)
        if value is None:
            return None
        options = sorted(choices)
        if value not in options:
            suggestion = did_you_mean(value, options)
            self.fail(
                key,
                "invalid-choice",
                f"'{self.name(key)}' is '{value}', which is not one of: {', '.join(options)}"
                + (f"; {suggestion}" if suggestion else ""),
                f"write one of: {', '.join(options)}",
            )
            return None
        return value

    def sub(self, key: str, allowed: Iterable[str], required: bool = True) -> FieldReader | None:
        """A reader for a nested mapping, or None if it is missing or not a mapping."""
        if not self.present(key, required):
            return None
        value = self.mapping[key]
        if not isinstance(value, dict):
            self.fail(
                key,
                "wrong-type",
                f"'{self.name(key)}' must be a set of 'key: value' lines, not {kind_of(value)}",
                f"indent the lines under '{key}:' by two spaces",
            )
            return None
        reader = FieldReader(
            self.doc, (*self.prefix, key), frozenset(allowed), self.diagnostics, self.what
        )
        reader.check_unknown()
        return reader

    def items(
        self, key: str, allowed: Iterable[str], read: Callable[[FieldReader], T | None]
    ) -> tuple[T, ...]:
        """Read an optional list of mappings, each with `read`."""
        if not self.present(key, False):
            return ()
        value = self.mapping[key]
        if not isinstance(value, list):
            self.fail(key, "wrong-type", f"'{self.name(key)}' must be a list, not {kind_of(value)}")
            return ()
        out: list[T] = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.fail(
                    key,
                    "wrong-type",
                    f"item {index + 1} of '{self.name(key)}' must be a set of 'key: value' lines",
                )
                continue
            reader = FieldReader(
                self.doc,
                (*self.prefix, key, index),
                frozenset(allowed),
                self.diagnostics,
                self.what,
            )
            reader.check_unknown()
            result = read(reader)
            if result is not None:
                out.append(result)
        return tuple(out)

    def texts(self, key: str) -> tuple[str, ...]:
        """An optional list of short texts (themes, keywords)."""
        if not self.present(key, False):
            return ()
        value = self.mapping[key]
        if not isinstance(value, list):
            self.fail(
                key,
                "wrong-type",
                f"'{self.name(key)}' must be a list, not {kind_of(value)}",
                f"write {key}: [first, second]",
            )
            return ()
        out: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.diagnostics.append(
                    error(
                        self.doc.loc(*self.prefix, key, index),
                        "wrong-type",
                        f"item {index + 1} of '{self.name(key)}' must be text, not {kind_of(item)}",
                        _HINTS["wrong-type"],
                    )
                )
                continue
            text = " ".join(item.split())
            if text in out:
                self.fail(key, "duplicate-item", f"'{text}' is listed twice in '{self.name(key)}'")
                continue
            out.append(text)
        return tuple(out)
