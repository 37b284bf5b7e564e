"""Approval records: content/approvals/<quote-id>.yml, validated strictly, never published."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from types import MappingProxyType

from casesite import formatting
from casesite.diagnostics import Diagnostic, Location, error
from casesite.load.yamlstrict import YamlDoc, load_yaml
from casesite.model import QUOTE_ID_RE
from casesite.validate.fields import FieldReader
from casesite.validate.invisible import describe, first_invisible, invisible_characters

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
    lang: str = ""
    location: Location = Location("")


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
    }
)


def read_approval(ident: str, doc: YamlDoc) -> tuple[Approval | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    reader = FieldReader(doc, (), FIELDS, problems, "approval record")
    reader.check_unknown()
    problems.extend(invisible_characters(doc, "approval record"))
    speaker = reader.text("speaker", max_length=200)
    organisation = reader.text("organisation", max_length=200)
    text = reader.text("text", max_length=5000)
    status = reader.choice("status", STATUSES)
    method = reader.text("method", max_length=200)
    approved_on = reader.date("approved_on", required=status == "approved")
    expires = reader.date("expires", required=False)
    withdrawn_on = reader.date("withdrawn_on", required=status == "withdrawn")
    reader.text("note", required=False, max_length=2000)
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
    if expires and approved_on and expires < approved_on:
        reader.fail(
            "expires",
            "invalid-date",
            f"the approval expires ({expires}) before it was given ({approved_on})",
            "check both dates",
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
    assert speaker and organisation and text and status and method
    return (
        Approval(
            ident,
            doc.path,
            speaker,
            organisation,
            text,
            status,
            method,
            approved_on,
            expires,
            withdrawn_on,
            channels,
            slugs,
            lang,
            doc.start,
        ),
        problems,
    )


def read_approval_text(rel: str, text: str) -> tuple[Approval | None, list[Diagnostic]]:
    """One record file's text, parsed and validated."""
    doc, problems = load_yaml(text, rel, first_line=1)
    if doc is None:
        return None, problems
    record, found = read_approval(PurePosixPath(rel).stem, doc)
    return record, problems + found


def collect(records: Iterable[Approval]) -> Mapping[str, Approval]:
    """The valid records by id, in sorted order."""
    return MappingProxyType({r.id: r for r in sorted(records, key=lambda r: r.id)})
