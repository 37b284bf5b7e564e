"""PyYAML's and libyaml's syntax errors in plain words, for authors who are not
programmers: where to point, and what to say."""

from __future__ import annotations

from typing import Any

import yaml

TAB_PROBLEM = "a tab cannot indent YAML; use spaces"


def syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> tuple[Any, str]:
    """The mark to show and the problem in plain words."""
    problem = (exc.problem or "the text cannot be read").strip()
    mark = exc.problem_mark or exc.context_mark
    at = int(getattr(mark, "index", -1) or 0) if mark else -1
    # PyYAML names the tab ('\t'); libyaml says "found character that cannot start any
    # token" or "found a tab character that violates indentation".
    if "'\\t'" in problem or "tab character" in problem or text[at : at + 1] == "\t":
        return mark, TAB_PROBLEM
    if problem.startswith("found unexpected end of stream") and "quoted" in (exc.context or ""):
        # the end of the text is no help: show where the quote opens
        return exc.context_mark or mark, "a quoted value that opens here is never closed"
    if problem.startswith("expected <block end>"):
        return mark, "this line is indented differently from the lines above it"
    if problem.startswith("could not find expected ':'"):  # show the line, not the next one
        return exc.context_mark or mark, "this line has no ':' between a field name and its value"
    if problem.startswith("mapping values are not allowed"):
        return mark, "mapping values are not allowed here (a ': ' inside a value needs quotes)"
    for jargon, plain in _PLAIN_WORDS:
        problem = problem.replace(jargon, plain)
    return mark, problem


_PLAIN_WORDS = [
    ("'<stream end>'", "the end of the text"),
    ("<block end>", "the end of an indented block"),
    ("'<block mapping start>'", "a new field"),
    ("'<block sequence start>'", "a list item"),
    ("'<document start>'", "'---'"),
    ("the node content", "a value"),
    ("a simple key", "a field name"),
]
