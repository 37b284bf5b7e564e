"""The approval gate: no quotation is published unless its speaker approved those exact words.

A quote passes when its record exists, is approved, has not expired, covers this case
study and channel, and its words equal the approved text after normalising white space,
line wrapping, typographic quote marks and Unicode form, and nothing else.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from casesite import formatting
from casesite.check.blocks import Paragraph
from casesite.check.markdown import LinkUse, QuoteUse
from casesite.diagnostics import Diagnostic, Location, did_you_mean, error, warning
from casesite.model import CaseStudy, language_key
from casesite.validate.approvals import Approval
from casesite.validate.quotation import reads_as_quotation

EXPIRY_WARNING = timedelta(days=30)
# Consent that was given and has lapsed: the build takes the words down, `check` refuses them.
LAPSED = frozenset({"quote-withdrawn", "quote-expired"})
_SINGLE = dict.fromkeys("‘’‚‛′`", "'")
_DOUBLE = dict.fromkeys("“”„‟″«»", '"')
_QUOTE_MARKS = str.maketrans({**_SINGLE, **_DOUBLE})


def comparable(text: str) -> str:
    """The form in which two wordings of a quote are compared."""
    return unicodedata.normalize("NFC", " ".join(text.split()).translate(_QUOTE_MARKS))


def normalise(text: str) -> tuple[str, list[int]]:
    """The comparable form of a quote, and for each of its characters the source offset
    (used only to point at a difference, so the slow, exact walk is fine)."""
    chars: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for offset, ch in enumerate(text):
        if ch.isspace():
            pending_space = bool(chars)
            continue
        if pending_space:
            chars.append(" ")
            offsets.append(offset - 1)
            pending_space = False
        chars.append(ch.translate(_QUOTE_MARKS))
        offsets.append(offset)
    return unicodedata.normalize("NFC", "".join(chars)), offsets


def first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


def _excerpt(text: str, at: int, width: int = 30) -> str:
    """Some words either side of position `at`, cut at spaces."""
    start, end = max(0, at - width), min(len(text), at + width)
    if start > 0 and " " in text[start:at]:
        start = text.index(" ", start) + 1
    if end < len(text) and " " in text[at:end]:
        end = text.rindex(" ", at, end)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _offset_location(base: Location, text: str, offset: int) -> Location:
    before = text[:offset]
    line = base.line + before.count("\n")
    col = (offset - (before.rfind("\n") + 1) + 1) if "\n" in before else base.col + offset
    return Location(base.path, line, col)


@dataclass(frozen=True)
class QuoteCheck:
    use: QuoteUse
    case_study: CaseStudy
    approval: Approval | None
    problems: tuple[Diagnostic, ...]
    taken_down: bool = False  # consent lapsed: left out of everything the build publishes

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def lapsed(self) -> bool:
        """The speaker's approval was withdrawn or has expired."""
        return any(p.is_error and p.code in LAPSED for p in self.problems)

    @property
    def status(self) -> str:
        if self.ok:
            return "approved" if self.approval is not None else "no record"
        first = next(p for p in self.problems if p.is_error)
        return first.code.removeprefix("quote-").replace("-", " ")


def check_quote(
    use: QuoteUse,
    cs: CaseStudy,
    approval: Approval | None,
    as_of: date,
    channels: Iterable[str],
    known: Iterable[str] = (),
) -> QuoteCheck:
    """One quote against its record; `known`: the ids of every record, for a misspelt id."""
    problems: list[Diagnostic] = []

    def fail(code: str, message: str, hint: str, where: Location | None = None) -> None:
        problems.append(error(where or use.location, code, message, hint))

    if not use.id:
        return QuoteCheck(use, cs, None, ())  # the quote-syntax error already says it
    if approval is None:
        suggestion = did_you_mean(use.id, known)
        fail(
            "quote-no-approval",
            f"the quote '{use.id}' has no approval record"
            + (f"; {suggestion}" if suggestion else ""),
            (f"fix the id in '::: quote {use.id}', or " if suggestion else "")
            + f"create content/approvals/{use.id}.yml with the speaker, the approved text and "
            "'status: pending' until they approve it",
        )
        return QuoteCheck(use, cs, None, tuple(problems))
    record, found = approval, approval.in_language(cs.lang)
    if found is None:
        language = formatting.language_name(cs.lang, "en")
        fail(
            "quote-not-translated",
            f"the quote '{use.id}' is approved in "
            f"{formatting.language_name(record.lang, 'en')}, but this page is in {language} "
            f"and {record.speaker} has not approved the {language} words",
            f"ask {record.speaker} to approve the {language} wording, and record it in "
            f"{record.source} under 'translations: {language_key(cs.lang)}:' (text, status, "
            "approved_on, method)",
        )
        return QuoteCheck(use, cs, None, tuple(problems))
    approval = found
    if approval.status == "pending":
        fail(
            "quote-pending",
            f"{approval.speaker} has not approved the quote '{use.id}' yet (status: pending)"
            + (
                f" in {formatting.language_name(approval.lang, 'en')}"
                if approval.translated_from
                else ""
            ),
            "ask for approval ('casesite quotes --requests DIR' writes the request), then set "
            "'status: approved' and 'approved_on:' in " + approval.source,
        )
    elif approval.status == "withdrawn":
        since = f" on {approval.withdrawn_on}" if approval.withdrawn_on else ""
        fail(
            "quote-withdrawn",
            f"{approval.speaker} withdrew approval of the quote '{use.id}'{since}",
            "remove the quote block from the case study, or agree new wording and record it",
        )
    if approval.expires is not None:
        if approval.expires < as_of:
            fail(
                "quote-expired",
                f"the approval of the quote '{use.id}' expired on {approval.expires}",
                f"ask {approval.speaker} to renew it and update 'expires:' in {approval.source}",
            )
        elif approval.expires - as_of <= EXPIRY_WARNING:
            problems.append(
                warning(
                    use.location,
                    "quote-expiring",
                    f"the approval of the quote '{use.id}' expires on {approval.expires}, "
                    f"in {(approval.expires - as_of).days} days",
                    f"ask {approval.speaker} to renew it before then",
                )
            )
    missing = [c for c in channels if c not in approval.channels]
    if missing:
        fail(
            "quote-out-of-scope",
            f"the quote '{use.id}' is approved for {', '.join(approval.channels) or 'no channel'}"
            f", not for {', '.join(missing)}",
            f"ask {approval.speaker} to approve it for {', '.join(missing)} too, and add it to "
            f"'scope: channels:' in {approval.source}",
        )
    if approval.case_studies and cs.slug not in approval.case_studies:
        fail(
            "quote-out-of-scope",
            f"the quote '{use.id}' is approved only for {', '.join(approval.case_studies)}, "
            f"not for {cs.slug}",
            f"ask {approval.speaker} whether it may appear here, and add {cs.slug} to "
            f"'scope: case_studies:' in {approval.source}",
        )
    if use.formatting:
        fail(
            "quote-formatting",
            f"the quote '{use.id}' carries formatting the speaker did not approve: "
            f"{', '.join(use.formatting)}",
            "a quote block holds only the approved words; the page sets them as a quotation",
        )
    _compare(use, approval, fail)
    return QuoteCheck(use, cs, approval, tuple(problems))


def take_down(check: QuoteCheck) -> tuple[QuoteCheck, Diagnostic]:
    """A quote whose consent lapsed, to be left out of the build, and the warning that says
    so (the pull-request check reports the lapse itself, as an error)."""
    assert check.approval is not None and check.lapsed
    lapse = next(p for p in check.problems if p.is_error and p.code in LAPSED)
    note = warning(
        check.use.location,
        "quote-taken-down",
        f"{lapse.message} ({check.approval.source}): the quote is left out of everything "
        "this build publishes",
        "remove the quote block from the case study; 'casesite check' fails until you do",
    )
    return replace(check, taken_down=True), note


def _compare(use: QuoteUse, approval: Approval, fail: Callable[..., None]) -> None:
    if comparable(use.text) == comparable(approval.text):
        return
    page, page_offsets = normalise(use.text)
    approved, _ = normalise(approval.text)
    at = first_difference(page, approved)
    source_offset = page_offsets[at] if at < len(page_offsets) else len(use.text.rstrip())
    where = _offset_location(use.text_location, use.text, source_offset)
    message = (
        f"the quote '{use.id}' differs from the words {approval.speaker} approved: "
        f'on the page "{_excerpt(page, at)}", approved "{_excerpt(approved, at)}"'
    )
    fail(
        "quote-text-differs",
        message,
        f"copy the approved text from {approval.source}, or ask for the new wording to be "
        "approved; only spacing, line breaks and quote-mark style may differ",
        where,
    )


def may_be_stray(p: Paragraph) -> bool:
    """Whether check_stray_quotations() has anything to say of a block."""
    return p.kind == "blockquote" or bool(reads_as_quotation(p.text, p.next_text, p.emphasised))


QUOTE_BLOCK_HINT = (
    "put the quoted words in a quote block ('::: quote <id>' ... ':::') with an approval "
    "record in content/approvals/; the page credits the speaker from the record"
)


def check_stray_quotations(
    paragraphs: Iterable[Paragraph], links: Iterable[LinkUse] = ()
) -> list[Diagnostic]:
    """Blockquotes and text that reads as a quotation, outside quote blocks, in any block or
    image description: it would bypass the gate."""
    problems = []
    for p in paragraphs:
        if p.kind == "blockquote":
            problems.append(
                error(
                    p.location,
                    "unapproved-blockquote",
                    "a '>' blockquote outside a quote block: "
                    "it would publish words nobody approved",
                    "put quotations in a quote block ('::: quote <id>' ... ':::') with an "
                    "approval record; for other text, remove the '>'",
                )
            )
            continue
        reason = reads_as_quotation(p.text, p.next_text, p.emphasised)
        if reason:
            problems.append(stray_quotation(p.location, f"this {p.kind}", reason))
    for link in links:
        reason = reads_as_quotation(link.alt) if link.is_image else ""
        if reason:
            problems.append(stray_quotation(link.location, "this image description", reason))
    return problems


def stray_quotation(where: Location, what: str, reason: str) -> Diagnostic:
    inside = (
        "" if what == "this paragraph" else " (it stands on its own, not in a " + what[5:] + ")"
    )
    return error(
        where,
        "unapproved-quotation",
        f"{what} reads as a quotation ({reason}) but is not in a quote block, so nobody's "
        "approval is checked",
        QUOTE_BLOCK_HINT + inside + ", or reword this so it quotes nobody",
    )


def unused_records(approvals: Mapping[str, Approval], used: Iterable[str]) -> list[Diagnostic]:
    seen = set(used)
    return [
        warning(
            a.location,
            "approval-unused",
            f"no case study uses the quote '{a.id}'",
            f"add '::: quote {a.id}' to a case study, "
            f"or delete {a.source} if it is no longer needed",
        )
        for a in approvals.values()
        if a.id not in seen
    ]
