"""`casesite quotes`: the approval worklist, and approval requests ready to send."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from casesite.check.quotes import QuoteCheck
from casesite.render.i18n import Translator

_ORDER = {"no record": 0, "pending": 1}


@dataclass(frozen=True)
class SpeakerQuotes:
    speaker: str
    organisation: str
    checks: tuple[QuoteCheck, ...]

    @property
    def rank(self) -> int:
        return min((_rank(c) for c in self.checks), default=9)


def _rank(check: QuoteCheck) -> int:
    if check.ok:
        return 3
    return _ORDER.get(check.status, 2)


def group_by_speaker(checks: Iterable[QuoteCheck]) -> list[SpeakerQuotes]:
    groups: dict[tuple[str, str], list[QuoteCheck]] = {}
    for check in checks:
        a = check.approval
        key = (a.speaker, a.organisation) if a else ("(no approval record)", "")
        groups.setdefault(key, []).append(check)
    result = [
        SpeakerQuotes(s, o, tuple(sorted(cs, key=lambda c: (_rank(c), c.use.id, c.use.location))))
        for (s, o), cs in groups.items()
    ]
    return sorted(result, key=lambda g: (g.rank, g.speaker, g.organisation))


def format_worklist(groups: list[SpeakerQuotes]) -> str:
    if not groups:
        return "No quotes are in use.\n"
    lines = []
    for group in groups:
        org = f" ({group.organisation})" if group.organisation else ""
        lines.append(f"{group.speaker}{org}")
        for c in group.checks:
            draft = " [draft]" if c.case_study.draft else ""
            lines.append(f"  {c.status.upper():<12} {c.use.id:<24} {c.use.location}{draft}")
            for p in c.problems:
                lines.append(f"      {p.message}")
        lines.append("")
    total = sum(len(g.checks) for g in groups)
    waiting = sum(1 for g in groups for c in g.checks if not c.ok)
    lines.append(f"{total} quote{'s' if total != 1 else ''} in use, {waiting} not yet publishable.")
    return "\n".join(lines) + "\n"


def _file_name(speaker: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", speaker).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "speaker"


def speaker_language(group: SpeakerQuotes) -> str:
    """The language the speaker spoke (their approval records' 'lang:'): a letter asking
    them is written in it, whichever language the words to approve are in."""
    for c in group.checks:
        if c.approval is not None:
            return c.approval.translated_from or c.approval.lang or "en"
    return "en"


def approval_request(group: SpeakerQuotes) -> str:
    """The letter asking a speaker to approve their quotations, in their language."""
    t = Translator(speaker_language(group))
    lines = [
        "# " + t.gettext("Approval request for %(speaker)s", speaker=group.speaker),
        "",
        t.gettext("Dear %(speaker)s,", speaker=group.speaker),
        "",
        t.gettext(
            "We would like to publish the following words of yours in our case studies. "
            "Please reply to confirm that each quotation may be published exactly as written "
            "below, or tell us what you would like changed."
        ),
        "",
    ]
    for n, c in enumerate(group.checks, start=1):
        text = c.approval.text if c.approval else c.use.text
        lines += [
            "## " + t.gettext("Quotation %(n)s (reference: %(id)s)", n=n, id=c.use.id),
            "",
            t.gettext("In the case study “%(title)s”:", title=c.case_study.title),
            "",
            *(f"> {line}" if line else ">" for line in " ".join(text.split()).split("\n")),
            "",
        ]
    lines += [t.gettext("Thank you."), ""]
    return "\n".join(lines)


# A letter asks a speaker about the quotes that wait for their answer: not yet approved
# (pending), or whose approval has expired or expires within 30 days (to renew).
ASKED = frozenset({"quote-expired", "quote-expiring"})


def awaits_speaker(check: QuoteCheck) -> bool:
    """Whether a quote waits for its speaker's answer (pending, or to be renewed)."""
    if check.approval is None or check.approval.status == "withdrawn":
        return False
    return check.approval.status == "pending" or any(p.code in ASKED for p in check.problems)


def write_requests(groups: list[SpeakerQuotes], folder: Path) -> list[Path]:
    """One letter for each speaker with quotes that wait for their answer, asking about
    those quotes only; nobody else is written to."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    used: set[str] = set()
    for group in groups:
        asked = tuple(c for c in group.checks if awaits_speaker(c))
        if not asked:
            continue  # approved, withdrawn, or no record yet: nothing to ask
        group = SpeakerQuotes(group.speaker, group.organisation, asked)
        name = _file_name(group.speaker)
        while name in used:
            name += "-2"
        used.add(name)
        path = folder / f"{name}.md"
        path.write_text(approval_request(group), encoding="utf-8")
        written.append(path)
    return written
