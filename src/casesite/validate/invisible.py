"""Invisible format characters (Unicode category Cf) in YAML: found, named and located.

A zero-width space, a bidirectional control or a soft hyphen cannot be seen in an editor,
but it makes two themes that look the same into two facet pages, a slug that looks right
into another address, and approved words into different ones. Every key and text value of
a case study's front matter, an approval record or a programme file is read for them.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from casesite.diagnostics import Diagnostic, Location, error
from casesite.load.yamlstrict import KeyPath, YamlDoc

# Joiners that some scripts need between letters (Persian, the Indic scripts) and that
# join emoji sequences: allowed there, and nowhere else.
_JOINERS = frozenset("\u200c\u200d")


def describe(ch: str) -> str:
    """U+200B ZERO WIDTH SPACE."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'FORMAT CHARACTER')}"


def first_invisible(text: str) -> int:
    """The index of the first invisible format character in `text`, or -1."""
    if not any(unicodedata.category(ch) == "Cf" for ch in set(text)):
        return -1  # most texts: each distinct character looked at once
    for i, ch in enumerate(text):
        if unicodedata.category(ch) != "Cf":
            continue
        if ch in _JOINERS and 0 < i < len(text) - 1 and _joins(text[i - 1], text[i + 1]):
            continue
        return i
    return -1


def _joins(before: str, after: str) -> bool:
    def joinable(ch: str) -> bool:
        if ord(ch) >= 0x1F000 or unicodedata.category(ch) == "So":  # emoji, symbols
            return True
        return unicodedata.category(ch).startswith(("L", "M")) and ord(ch) >= 0x0600

    return joinable(before) and joinable(after)


def _name(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def invisible_characters(doc: YamlDoc, what: str = "front matter") -> list[Diagnostic]:
    """An error for each key or text value of `doc` that holds an invisible character."""
    problems: list[Diagnostic] = []
    stack: list[tuple[KeyPath, Any]] = [((), doc.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and first_invisible(key) >= 0:
                    problems.append(
                        _problem(doc.key_loc(*path, key), f"a field name in the {what}", key)
                    )
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, n), item) for n, item in enumerate(value))
        elif isinstance(value, str) and first_invisible(value) >= 0:
            problems.append(_problem(doc.loc(*path), f"'{_name(path)}'", value))
    return sorted(problems, key=Diagnostic.sort_key)


def _problem(where: Location, what: str, text: str) -> Diagnostic:
    at = first_invisible(text)
    before = " ".join(text[:at].split("\n")[-1].split(" ")[-3:])  # up to three words
    place = f" after '{before}'" if before.strip() else " at the start"
    return error(
        where,
        "invisible-character",
        f"{what} holds an invisible character, {describe(text[at])},{place}",
        "delete it: retype the value, or move the cursor across it in your editor and delete "
        "the character it steps over (it was probably pasted in with the text)",
    )
