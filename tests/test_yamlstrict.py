"""Tests for the strict YAML loader: values, true locations, one case per diagnostic code."""

from __future__ import annotations

import math
import re
import time

import pytest

from casesite.diagnostics import Diagnostic, Location, Severity
from casesite.load.yamlstrict import MAX_ERRORS, YamlDoc, load_yaml

PATH = "content/case-studies/x.md"

# Jargon from PyYAML that must not reach a communications officer.
JARGON = re.compile(r"<[a-z ]+>|scalar|\bnode\b|\bevent\b|Traceback|Error\b|yaml\.", re.IGNORECASE)


def load(text: str, first_line: int = 2, **caps: int) -> tuple[YamlDoc | None, list[Diagnostic]]:
    return load_yaml(text, PATH, first_line, **caps)


# --- values: the YAML 1.2 core schema, plain scalars only -----------------------------

VALUES = [
    ("country: NO", "NO"),  # Norway, not False (YAML 1.1)
    ("a: yes", "yes"),
    ("a: off", "off"),
    ("a: y", "y"),
    ("a: 01234", 1234),  # 1.2 core: decimal, not octal 668
    ("a: 1:30", "1:30"),  # not 90 (sexagesimal)
    ("a: 2024-02-30", "2024-02-30"),  # an impossible date stays text: the schema judges it
    ("a: 2022-03-15", "2022-03-15"),
    ("a: 2021-11", "2021-11"),
    ("a: 20000", 20000),
    ("a: -7", -7),
    ("a: +7", 7),
    ("a: 0o17", 15),
    ("a: 0x1F", 31),
    ("a: 1.5", 1.5),
    ("a: 1e3", 1000.0),
    ("a: .5", 0.5),
    ("a: -.inf", -math.inf),
    ("a: .Inf", math.inf),
    ("a: 1_000", "1_000"),
    ("a: true", True),
    ("a: FALSE", False),
    ("a: tRUE", "tRUE"),
    ("a: null", None),
    ("a: ~", None),
    ("a:", None),
    ("a: 'NO'", "NO"),
    ('a: "12"', "12"),
    ("a: '~'", "~"),
    ("a: |\n  two\n  lines", "two\nlines\n"),
    ("a: >-\n  folded\n  text", "folded text"),
    ("a: " + "9" * 5000, "9" * 5000),  # beyond Python's int limit: kept as text
]


@pytest.mark.parametrize(("text", "expected"), VALUES)
def test_scalar_values(text: str, expected: object) -> None:
    doc, diagnostics = load(text + "\n")
    assert diagnostics == []
    assert doc is not None
    value = doc.data["a" if "a" in doc.data else "country"]
    assert value == expected
    assert type(value) is type(expected)


def test_nan() -> None:
    doc, _ = load("a: .NaN\n")
    assert doc is not None and math.isnan(doc.data["a"])


def test_keys_are_source_text() -> None:
    doc, diagnostics = load("2021: a\ntrue: b\n~: c\n1.0: d\n'q': e\n")
    assert diagnostics == []
    assert doc is not None
    assert doc.data == {"2021": "a", "true": "b", "~": "c", "1.0": "d", "q": "e"}


def test_nested_values() -> None:
    text = "grant:\n  amount: 20000\n  currency: EUR\nthemes: [police, hate crime]\n"
    doc, _ = load(text)
    assert doc is not None
    assert doc.data == {
        "grant": {"amount": 20000, "currency": "EUR"},
        "themes": ["police", "hate crime"],
    }


# --- locations are true to the file ----------------------------------------------------

LOCATED = """\
title: Hello
grant:
  amount: 20000
  currency: EUR
themes: [a, b, c]
images:
  - src: x.jpg
    alt: A photo
summary: |
  Text
"""


@pytest.mark.parametrize(
    ("keys", "value_at", "key_at"),
    [
        (("title",), (2, 8), (2, 1)),
        (("grant",), (4, 3), (3, 1)),
        (("grant", "amount"), (4, 11), (4, 3)),
        (("themes", 2), (6, 16), (6, 16)),
        (("images", 0), (8, 5), (8, 5)),
        (("images", 0, "alt"), (9, 10), (9, 5)),
        (("summary",), (10, 10), (10, 1)),
        # fallbacks: a missing field points at the name of its parent, then the start
        (("grant", "missing"), (3, 1), (3, 1)),
        (("images", 5, "alt"), (7, 1), (7, 1)),
        (("nowhere",), (2, 1), (2, 1)),
        ((), (2, 1), (2, 1)),
    ],
)
def test_locations(
    keys: tuple[str | int, ...], value_at: tuple[int, int], key_at: tuple[int, int]
) -> None:
    doc, diagnostics = load(LOCATED, first_line=2)
    assert diagnostics == []
    assert doc is not None
    assert doc.start == Location(PATH, 2, 1)
    assert doc.loc(*keys) == Location(PATH, *value_at)
    assert doc.key_loc(*keys) == Location(PATH, *key_at)


def test_locations_with_crlf() -> None:
    doc, _ = load("a: 'x\ry'\r\nb: 2\r\n", first_line=1)
    assert doc is not None
    assert doc.loc("b") == Location(PATH, 3, 4)


# --- one case per diagnostic code ------------------------------------------------------

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)

ERRORS = [
    # (id, yaml text starting on file line 2, code, line, col)
    ("duplicate key", "title: A\nsummary: B\ntitle: C\n", "duplicate-key", 4, 1),
    ("nested duplicate", "grant:\n  amount: 1\n  amount: 2\n", "duplicate-key", 4, 3),
    ("flow duplicate", "grant: {amount: 1, amount: 2}\n", "duplicate-key", 2, 20),
    ("list", "- title\n- summary\n", "front-matter-not-mapping", 2, 1),
    ("single value", "just some text\n", "front-matter-not-mapping", 2, 1),
    ("empty", "", "front-matter-not-mapping", 2, 1),
    ("only comments", "# nothing yet\n", "front-matter-not-mapping", 2, 1),
    ("anchor", "a: &x 1\n", "yaml-anchor", 2, 4),
    ("alias", "a: 1\nb: *x\n", "yaml-alias", 3, 4),
    ("billion laughs", BILLION_LAUGHS, "yaml-anchor", 2, 4),
    ("core tag", "a: !!str 12\n", "yaml-tag", 2, 4),
    ("local tag", "a: !python/object x\n", "yaml-tag", 2, 4),
    ("bare tag", "a: ! x\n", "yaml-tag", 2, 4),
    ("merge key", "base: {x: 1}\nother:\n  <<: {y: 2}\n", "yaml-merge-key", 4, 3),
    ("list as key", "? [a, b]\n: 1\n", "yaml-complex-key", 2, 3),
    ("mapping as key", "{a: 1}: 2\n", "yaml-complex-key", 2, 1),
    ("empty key", "? \n: x\n", "yaml-complex-key", 2, 2),
    ("second document", "a: 1\n---\nb: 2\n", "yaml-multiple-documents", 3, 1),
    ("document end", "a: 1\n...\nb: 2\n", "yaml-multiple-documents", 3, 1),
    ("colon in value", "title: Police: a new partner\n", "yaml-syntax", 2, 14),
    ("tab indent", "grant:\n\tamount: 1\n", "yaml-syntax", 3, 1),
    ("bad indent", "grant:\n  amount: 1\n currency: EUR\n", "yaml-syntax", 4, 2),
    ("unclosed quote", "title: 'Hello\nsummary: B\n", "yaml-syntax", 2, 8),
    ("unclosed list", "themes: [a, b\n", "yaml-syntax", 3, 1),
    ("no colon", "title: A\nsummary\n", "yaml-syntax", 3, 1),
    ("control character", "title: A\x07B\n", "yaml-syntax", 2, 9),
    ("line separator", "title: A\nsummary: B\u2028C\n", "yaml-syntax", 3, 11),
    ("deep nesting", "a: " + "[" * 20, "yaml-too-deep", 2, 19),
]


@pytest.mark.parametrize(
    ("text", "code", "line", "col"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_errors(text: str, code: str, line: int, col: int) -> None:
    doc, diagnostics = load(text, first_line=2)
    assert doc is None
    assert diagnostics, "expected a diagnostic"
    first = diagnostics[0]
    assert (first.code, first.location) == (code, Location(PATH, line, col))
    for d in diagnostics:
        assert d.severity is Severity.ERROR
        assert d.message and d.hint
        assert not JARGON.search(d.message), d.message


def test_duplicate_key_names_first_line() -> None:
    _, diagnostics = load("title: A\nsummary: B\ntitle: C\n", first_line=2)
    assert "'title'" in diagnostics[0].message
    assert "line 2" in diagnostics[0].message


def test_front_matter_not_mapping_says_what_it_is() -> None:
    _, diagnostics = load("- a\n- b\n")
    assert "a list" in diagnostics[0].message


def test_syntax_error_keeps_pyyaml_problem_in_plain_words() -> None:
    _, diagnostics = load("title: Police: a new partner\n")
    assert "mapping values are not allowed here" in diagnostics[0].message
    assert "quote" in diagnostics[0].hint


def test_several_problems_are_all_reported() -> None:
    _, diagnostics = load("a: &x 1\nb: !!str 2\nc: 3\nc: 4\n")
    codes = [(d.code, d.location.line) for d in diagnostics]
    assert codes == [("yaml-anchor", 2), ("yaml-tag", 3), ("duplicate-key", 5)]


def test_billion_laughs_is_refused_not_expanded() -> None:
    start = time.perf_counter()
    doc, diagnostics = load(BILLION_LAUGHS)
    assert doc is None
    assert {d.code for d in diagnostics} == {"yaml-anchor", "yaml-alias"}
    assert len(diagnostics) == MAX_ERRORS  # capped, not one per alias
    assert time.perf_counter() - start < 1


def test_sixty_kilobytes_of_brackets_fail_fast() -> None:
    text = "[" * 60_000
    start = time.perf_counter()
    doc, diagnostics = load_yaml(text, PATH, 2, max_bytes=100_000)
    assert doc is None
    assert [d.code for d in diagnostics] == ["front-matter-not-mapping"]
    doc, diagnostics = load_yaml("a: " + text, PATH, 2, max_bytes=100_000)
    assert doc is None
    assert [(d.code, d.location) for d in diagnostics] == [("yaml-too-deep", Location(PATH, 2, 19))]
    assert time.perf_counter() - start < 2


def test_deep_block_nesting() -> None:
    text = "a:\n" + "".join(" " * i + "-\n" for i in range(1, 40))
    _, diagnostics = load(text)
    assert [d.code for d in diagnostics] == ["yaml-too-deep"]


def test_depth_cap_is_inclusive() -> None:
    ok, _ = load("a: " + "[" * 15 + "]" * 15 + "\n")
    assert ok is not None
    doc, diagnostics = load("a: [[1]]\n", max_depth=2)
    assert doc is None and diagnostics[0].code == "yaml-too-deep"


def test_too_large() -> None:
    doc, diagnostics = load("title: " + "é" * 40, first_line=2, max_bytes=64)
    assert doc is None
    assert [(d.code, d.location) for d in diagnostics] == [("yaml-too-large", Location(PATH, 2, 1))]
    # the cap counts UTF-8 bytes, not characters
    assert load("a: " + "é" * 30, max_bytes=64)[0] is not None
    assert load("a: " + "é" * 31, max_bytes=64)[0] is None


def test_explicit_start_and_end_of_one_document_are_fine() -> None:
    doc, diagnostics = load_yaml("---\na: 1\n...\n", "content/site.yml")
    assert diagnostics == []
    assert doc is not None and doc.data == {"a": 1}


@pytest.mark.parametrize(
    "text",
    [
        "\x00",
        "\ud800",
        "a: [",
        "? ",
        "{",
        "&",
        "*",
        "!",
        "%YAML 1.1\n",
        "%TAG ! tag:x:\n---\na: !b 1\n",
        "a: b\n" * 10 + "\t",
        ":" * 1000,
        "- " * 10_000,
        "{" * 10_000,
        "a:\n" + "  " * 5000 + "b: 1\n",
        '"\\',
        "'''",
        "\ufeffa: 1",
    ],
)
def test_never_raises(text: str) -> None:
    doc, diagnostics = load(text)
    assert (doc is None) == bool(diagnostics)
