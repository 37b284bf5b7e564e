"""Approval records: content/approvals/<quote-id>.yml, validated strictly, never published."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import PurePosixPath
from types import MappingProxyType

from casesite import formatting
from casesite.diagnostics import Diagnostic, Location, error
from casesite.load.yamlstrict import YamlDoc, load_yaml
from casesite.model import QUOTE_ID_RE, language_key
from casesite.validate.fields import FieldReader
from casesite.validate.invisible import describe, first_invisible, invisible_characters
from casesite.validate.translations import language_blocks

APPROVALS_DIR = "content/approvals"
STATUSES = ("pending", "approved", "withdrawn")
CHANNELS = ("web", "pdf")


@dataclass(frozen=True)
class Approval:
    id: str
    source: str
    speaker: str
    organisation: str
    text: str
    status: str
    method: str
    approved_on: date | None = None
    expires: date | None = None
    withdrawn_on: date | None = None
    channels: tuple[str, ...] = CHANNELS
    case_studies: tuple[str, ...] = ()  # slugs; empty means any
    lang: str = ""  # the language of `text`: of the words as the speaker said them
    location: Location = Location("")
    # The approved wording in other languages, by language key: each a record of its own
    # (text, status, dates, method), with the speaker, scope and id of this one.
    translations: Mapping[str, Approval] = field(default_factory=lambda: MappingProxyType({}))
    translated_from: str = ""  # of a translation: the language of the original words

    def in_language(self, lang: str) -> Approval | None:
        """The approved wording for a page in `lang`: the original, when it is in that
        language, else its translation (None when there is none)."""
        key = language_key(lang)
        if key == language_key(self.lang):
            return self
        return self.translations.get(key)


FIELDS = frozenset(
    {
        "speaker",
        "organisation",
        "text",
        "status",
        "approved_on",
        "method",
        "expires",
        "withdrawn_on",
        "scope",
        "lang",
        "note",
        "translations",
    }
)
WORDING_FIELDS = frozenset(
    {"text", "status", "approved_on", "method", "expires", "withdrawn_on", "note"}
)


@dataclass(frozen=True)
class Wording:
    text: str | None
    status: str | None
    method: str | None
    approved_on: date | None
    expires: date | None
    withdrawn_on: date | None


def _wording(reader: FieldReader) -> Wording:
    """The fields of one approved wording, the record's own or a translation's."""
    text = reader.text("text", max_length=5000)
    status = reader.choice("status", STATUSES)
    method = reader.text("method", max_length=200)
    approved_on = reader.date("approved_on", required=status == "approved")
    expires = reader.date("expires", required=False)
    withdrawn_on = reader.date("withdrawn_on", required=status == "withdrawn")
    reader.text("note", required=False, max_length=2000)
    if expires and approved_on and expires < approved_on:
        reader.fail(
            "expires",
            "invalid-date",
            f"the approval expires ({expires}) before it was given ({approved_on})",
            "check both dates",
        )
    return Wording(text, status, method, approved_on, expires, withdrawn_on)


def read_approval(ident: str, doc: YamlDoc) -> tuple[Approval | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    reader = FieldReader(doc, (), FIELDS, problems, "approval record")
    reader.check_unknown()
    problems.extend(invisible_characters(doc, "approval record"))
    speaker = reader.text("speaker", max_length=200)
    organisation = reader.text("organisation", max_length=200)
    own = _wording(reader)
    lang = reader.text("lang", required=False) or ""
    if lang and not formatting.is_known_language(lang):
        reader.fail(
            "lang",
            "unknown-language",
            f"'{lang}' is not a language code casesite knows",
            "use a code such as en, hu, cs or en-GB",
        )
    channels: tuple[str, ...] = CHANNELS
    slugs: tuple[str, ...] = ()
    scope = reader.sub("scope", {"channels", "case_studies"}, required=False)
    if scope is not None:
        if "channels" in scope.mapping:
            channels = scope.texts("channels")
            for channel in channels:
                if channel not in CHANNELS:
                    scope.fail(
                        "channels",
                        "invalid-choice",
                        f"'{channel}' is not a channel; the channels are web and pdf",
                        "write channels: [web, pdf]",
                    )
        slugs = scope.texts("case_studies")
    translated = language_blocks(reader, WORDING_FIELDS)
    wordings = [(key, _wording(sub), sub.loc()) for key, sub in translated]
    for key, _, where in wordings:
        if lang and key == language_key(lang):
            problems.append(
                error(
                    where,
                    "invalid-translation",
                    f"'translations: {key}:' is in the record's own language ({lang})",
                    "the record's 'text:' holds the words in its own language; "
                    "translations are for other languages",
                )
            )
    if not QUOTE_ID_RE.match(ident):
        hidden = first_invisible(ident)
        problems.append(
            error(
                doc.start,
                "invalid-quote-id",
                f"'{ident}' cannot name a quote: use lower-case letters, digits and hyphens"
                + (f" (it holds {describe(ident[hidden])})" if hidden >= 0 else ""),
                "rename the file, e.g. content/approvals/buzsaki-police.yml",
            )
        )
    if any(d.is_error for d in problems):
        return None, problems
    assert speaker and organisation

    def record(w: Wording, lang: str, where: Location, original: str = "") -> Approval:
        assert w.text and w.status and w.method
        return Approval(ident, doc.path, speaker, organisation, w.text, w.status, w.method,
                        w.approved_on, w.expires, w.withdrawn_on, channels, slugs, lang,
                        where, translated_from=original)  # fmt: skip

    others = {key: record(w, key, where, lang) for key, w, where in wordings}
    return replace(record(own, lang, doc.start), translations=MappingProxyType(others)), problems


def read_approval_text(rel: str, text: str) -> tuple[Approval | None, list[Diagnostic]]:
    """One record file's text, parsed and validated."""
    doc, problems = load_yaml(text, rel, first_line=1)
    if doc is None:
        return None, problems
    record, found = read_approval(PurePosixPath(rel).stem, doc)
    return record, problems + found


def _in_site_language(record: Approval, site_lang: str) -> Approval:
    """A record without 'lang:' holds words in the site's language."""
    if record.lang:
        return record
    others = {k: replace(t, translated_from=site_lang) for k, t in record.translations.items()}
    return replace(record, lang=site_lang, translations=MappingProxyType(others))


def collect(records: Iterable[Approval], site_lang: str) -> Mapping[str, Approval]:
    """The valid records by id, in sorted order, each with its language."""
    ordered = sorted(records, key=lambda r: r.id)
    return MappingProxyType({r.id: _in_site_language(r, site_lang) for r in ordered})
