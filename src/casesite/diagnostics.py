"""Locations, diagnostics and the report that collects them.

Every problem casesite finds in a site's content is a Diagnostic with a Location in
the author's file, a plain-words message, a hint and a code from the registry in
codes.py. Stages return diagnostics; the gate stops the build when any of them is an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from casesite.codes import CODES


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file of the site: path relative to the site root, 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    severity: Severity
    code: str
    message: str
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        text = f"{self.location}: {self.severity}: {self.message} [{self.code}]"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.col, self.code, self.message)


class UnknownCode(ValueError):
    """A diagnostic with a code that is not in the registry (codes.py), or is there as the
    other severity: a bug in casesite, caught by the tests."""


def _registered(code: str, severity: Severity) -> str:
    entry = CODES.get(code)
    if entry is None:
        raise UnknownCode(f"'{code}' is not a diagnostic code in casesite/codes.py")
    if entry.severity != severity:
        raise UnknownCode(f"'{code}' is registered as {entry.severity}, not as {severity}")
    return code


def error(location: Location, code: str, message: str, hint: str = "") -> Diagnostic:
    """An error with a registered code (UnknownCode otherwise)."""
    return Diagnostic(location, Severity.ERROR, _registered(code, Severity.ERROR), message, hint)


def warning(location: Location, code: str, message: str, hint: str = "") -> Diagnostic:
    """A warning with a registered code (UnknownCode otherwise)."""
    return Diagnostic(
        location, Severity.WARNING, _registered(code, Severity.WARNING), message, hint
    )


@dataclass
class Report:
    """All diagnostics of one run, in a stable order."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(items)

    def add(self, item: Diagnostic) -> None:
        self.diagnostics.append(item)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(sorted(set(self.diagnostics), key=Diagnostic.sort_key))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self if not d.is_error]

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics)

    def summary(self) -> str:
        n_err, n_warn = len(self.errors), len(self.warnings)
        files = len({d.location.path for d in self})
        parts = []
        if n_err:
            parts.append(f"{n_err} error{'s' if n_err != 1 else ''}")
        if n_warn:
            parts.append(f"{n_warn} warning{'s' if n_warn != 1 else ''}")
        if not parts:
            return "no problems found"
        return f"{', '.join(parts)} in {files} file{'s' if files != 1 else ''}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean ...?' suffix for a misspelt name, or an empty string."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
