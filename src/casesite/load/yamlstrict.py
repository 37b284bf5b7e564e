"""A strict YAML loader whose every value knows its true line and column in the file.

PyYAML's own loaders are too forgiving for hand-written content: they keep the last of
two duplicate keys, read YAML 1.1 (``NO`` is False, ``1:30`` is 90, ``01234`` is 668),
expand alias chains ("billion laughs") and, in the C loader, crash on deep nesting.

This module reads PyYAML's pure-Python *event* stream (no C loader, no constructor),
builds plain values itself without recursion, caps size and depth, and records where
every key and value starts. Anchors, aliases, tags and merge keys are refused. Plain
scalars follow the YAML 1.2 core schema (see ``_resolve``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceStartEvent,
)

from casesite.diagnostics import Diagnostic, Location, error
from casesite.load.yamlwords import syntax_problem

Key = str | int
KeyPath = tuple[Key, ...]

# Stop after this many problems in one YAML text: an alias-heavy or broken file would
# otherwise bury the first, most useful message under hundreds of repeats.
MAX_ERRORS = 20

_SYNTAX_HINT = (
    "check the indentation (spaces, not tabs) and put quotes around values that "
    "contain ': ' or start with a special character such as [ { & * ! | > ' \" % @ `"
)
_FIELDS_HINT = "write one field per line, for example 'title: My story'"
_IN_FULL = "write each value out in full"

# Every problem this module reports: name -> (code, message template, hint).
_PROBLEMS: dict[str, tuple[str, str, str]] = {
    "too-large": (
        "yaml-too-large",
        "this YAML is larger than {size}, which is more than any case study needs",
        "move long text into the body of the page, below the front matter",
    ),
    "too-deep": (
        "yaml-too-deep",
        "the fields are nested more than {depth} levels deep",
        "flatten the structure; case study fields need only a few levels",
    ),
    "anchor": ("yaml-anchor", "a named anchor ('&{name}') is not allowed", _IN_FULL),
    "alias": ("yaml-alias", "a reference to another value ('*{name}') is not allowed", _IN_FULL),
    "tag": (
        "yaml-tag",
        "a YAML type tag ('{tag}') is not allowed",
        "remove the tag; put the value in quotes if it must stay text",
    ),
    "merge": ("yaml-merge-key", "a merge key ('<<') is not allowed", _IN_FULL),
    "duplicate": (
        "duplicate-key",
        "the field '{key}' is written twice; it was first written on line {first}",
        "keep one of the two lines and delete the other",
    ),
    "complex-key": (
        "yaml-complex-key",
        "a field name must be plain text, not a list or a group of fields",
        "write each field as 'name: value' with a simple name",
    ),
    "no-key": ("yaml-complex-key", "a field has no name", "write each field as 'name: value'"),
    "not-mapping": (
        "front-matter-not-mapping",
        "this YAML must be a set of 'name: value' fields, but it is {what}",
        _FIELDS_HINT,
    ),
    "documents": (
        "yaml-multiple-documents",
        "a line '---' or '...' splits this YAML into more than one document",
        "keep one block of fields and remove the extra '---' or '...' line",
    ),
    "syntax": ("yaml-syntax", "this is not valid YAML: {problem}", _SYNTAX_HINT),
    "control": (
        "yaml-syntax",
        "the text contains an invisible character (U+{code:04X}) that is not allowed here",
        "delete the invisible character, or retype the line",
    ),
}


def _problem(loc: Location, which: str, /, **args: Any) -> Diagnostic:
    code, message, hint = _PROBLEMS[which]
    return error(loc, code, message.format(**args), hint)


@dataclass(frozen=True)
class YamlDoc:
    """A YAML mapping as plain values, with the location of every key and value."""

    data: dict[str, Any]
    path: str
    start: Location
    key_locations: Mapping[KeyPath, Location] = field(default_factory=dict, compare=False)
    value_locations: Mapping[KeyPath, Location] = field(default_factory=dict, compare=False)
    # How each number was written (YAML reads 20.000 as twenty): the plain scalar's text.
    number_texts: Mapping[KeyPath, str] = field(default_factory=dict, compare=False)

    def written(self, *keys: Key) -> str | None:
        """The text of the number at ``keys`` as written in the file, if it is one."""
        return self.number_texts.get(keys)

    def loc(self, *keys: Key) -> Location:
        """Where the value at ``keys`` starts; else its key; else the nearest parent; else start."""
        here = self.value_locations.get(keys) or self.key_locations.get(keys)
        return here or self._parent_loc(keys)

    def key_loc(self, *keys: Key) -> Location:
        """Where the key ``keys[-1]`` is written (a list item: the item); same fallbacks."""
        here = self.key_locations.get(keys) or self.value_locations.get(keys)
        return here or self._parent_loc(keys)

    def _parent_loc(self, keys: KeyPath) -> Location:
        # A missing field is best shown where the field that should hold it is named.
        for n in range(len(keys) - 1, 0, -1):
            here = self.key_locations.get(keys[:n]) or self.value_locations.get(keys[:n])
            if here:
                return here
        return self.start


# YAML 1.2 core schema, for plain (unquoted) scalars only. Under 1.2 a leading zero is
# not octal: ``01234`` is the int 1234 (YAML 1.1 read 668); only ``0o17`` is octal.
# Dates, times, ``1:30``, ``yes``/``no``/``on``/``off`` are not resolved: they stay text.
_RESOLVERS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"null|Null|NULL|~|"), lambda s: None),
    (re.compile(r"true|True|TRUE"), lambda s: True),
    (re.compile(r"false|False|FALSE"), lambda s: False),
    (re.compile(r"[-+]?[0-9]+"), lambda s: int(s, 10)),
    (re.compile(r"0o[0-7]+"), lambda s: int(s[2:], 8)),
    (re.compile(r"0x[0-9a-fA-F]+"), lambda s: int(s[2:], 16)),
    (re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"), float),
    (re.compile(r"[-+]?\.(inf|Inf|INF)"), lambda s: float(s.replace(".", ""))),
    (re.compile(r"\.(nan|NaN|NAN)"), lambda s: float("nan")),
]


def _resolve(text: str) -> Any:
    """The value of a plain scalar under the YAML 1.2 core schema."""
    for pattern, convert in _RESOLVERS:
        if pattern.fullmatch(text):
            try:
                return convert(text)
            except ValueError:  # an int of more than 4300 digits: keep the text
                return text
    return text


class _Positions:
    """Turns PyYAML character offsets into true file lines and columns."""

    def __init__(self, text: str, path: str, first_line: int) -> None:
        self.path, self.first_line = path, first_line
        # Breaks are \n, \r\n or \r (U+0085/U+2028/U+2029 are refused before parsing).
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def at(self, index: int) -> Location:
        row = bisect.bisect_right(self.starts, index) - 1
        return Location(self.path, self.first_line + row, index - self.starts[row] + 1)

    def mark(self, mark: Any) -> Location:
        return self.at(int(getattr(mark, "index", 0) or 0))


@dataclass
class _Frame:
    """A mapping or a sequence being built."""

    path: KeyPath
    mapping: dict[str, Any] | None
    sequence: list[Any] | None
    discard: bool  # the value of a refused key: built, then dropped; no locations kept
    is_key: bool = False  # this container stands where a key belongs
    has_key: bool = False  # a mapping that has read a key and waits for its value
    key: str = ""
    key_ok: bool = True
    seen: dict[str, int] = field(default_factory=dict)  # key -> file line of first use


class _Builder:
    """Consumes the event stream of one YAML text, building values and diagnostics."""

    def __init__(self, pos: _Positions, max_depth: int) -> None:
        self.pos, self.max_depth = pos, max_depth
        self.frames: list[_Frame] = []
        self.root: dict[str, Any] | None = None
        self.keys: dict[KeyPath, Location] = {}
        self.values: dict[KeyPath, Location] = {}
        self.numbers: dict[KeyPath, str] = {}
        self.errors: list[Diagnostic] = []
        self.documents = 0
        self.explicit_end: Location | None = None  # where a '...' line ended the document

    def fail(self, loc: Location, which: str, /, **args: Any) -> bool:
        self.errors.append(_problem(loc, which, **args))
        return False

    def run(self, events: Iterator[Event]) -> None:
        for event in events:
            if not self.step(event) or len(self.errors) >= MAX_ERRORS:
                return

    def step(self, event: Event) -> bool:
        """Handle one event; False means stop reading."""
        loc = self.pos.mark(event.start_mark)
        if isinstance(event, DocumentStartEvent):
            self.documents += 1
            return self.documents == 1 or self.fail(self.explicit_end or loc, "documents")
        if isinstance(event, DocumentEndEvent) and event.explicit:
            self.explicit_end = loc
        if isinstance(event, CollectionEndEvent):
            self.close()
        if not isinstance(event, NodeEvent):
            return True
        if not self.frames and not isinstance(event, MappingStartEvent):
            empty = isinstance(event, ScalarEvent) and _resolve(event.value) is None
            what = "empty" if empty else "a single value"
            if isinstance(event, SequenceStartEvent):
                what = "a list"
            return self.fail(self.pos.at(0) if empty else loc, "not-mapping", what=what)
        if isinstance(event, AliasEvent):
            self.fail(loc, "alias", name=event.anchor)
            self.add(None, loc)
            return True
        if event.anchor is not None:
            self.fail(loc, "anchor", name=event.anchor)
        tag = getattr(event, "tag", None)
        if tag is not None:
            self.fail(loc, "tag", tag=re.sub(r"^tag:yaml\.org,2002:", "!!", tag))
        if isinstance(event, CollectionStartEvent):
            return self.open(event, loc)
        assert isinstance(event, ScalarEvent)
        plain = not event.style and tag is None  # libyaml says "", PyYAML None
        top = self.frames[-1]
        if top.mapping is not None and not top.has_key:
            self.take_key(top, event.value, plain, loc)
        else:
            value = _resolve(event.value) if plain else event.value
            number = isinstance(value, int | float) and not isinstance(value, bool)
            self.add(value, loc, event.value if number else None)
        return True

    def take_key(self, top: _Frame, text: str, plain: bool, loc: Location) -> None:
        top.has_key, top.key, top.key_ok = True, text, False
        if plain and text == "<<":
            self.fail(loc, "merge")
        elif plain and text == "":
            self.fail(loc, "no-key")
        elif text in top.seen:
            self.fail(loc, "duplicate", key=text, first=top.seen[text])
        else:
            top.key_ok = True
            top.seen[text] = loc.line
            if not top.discard:
                self.keys[(*top.path, text)] = loc

    def child_path(self, top: _Frame) -> tuple[KeyPath, bool]:
        """The path of the next value in ``top``, and whether it is to be dropped."""
        if top.sequence is not None:
            return (*top.path, len(top.sequence)), top.discard
        return (*top.path, top.key), top.discard or not top.key_ok

    def open(self, event: CollectionStartEvent, loc: Location) -> bool:
        if len(self.frames) >= self.max_depth:
            return self.fail(loc, "too-deep", depth=self.max_depth)
        path: KeyPath = ()
        discard = is_key = False
        if self.frames:
            top = self.frames[-1]
            if top.mapping is not None and not top.has_key:
                self.fail(loc, "complex-key")
                discard = is_key = True
            else:
                path, discard = self.child_path(top)
                if not discard:
                    self.values[path] = loc
        is_map = isinstance(event, MappingStartEvent)
        frame = _Frame(path, {} if is_map else None, None if is_map else [], discard, is_key)
        self.frames.append(frame)
        return True

    def close(self) -> None:
        frame = self.frames.pop()
        if not self.frames:
            self.root = frame.mapping
        elif frame.is_key:
            top = self.frames[-1]
            top.has_key, top.key, top.key_ok = True, "", False
        else:
            value = frame.mapping if frame.mapping is not None else frame.sequence
            self.attach(self.frames[-1], value)

    def add(self, value: Any, loc: Location, written: str | None = None) -> None:
        top = self.frames[-1]
        if top.mapping is not None and not top.has_key:  # an alias as a key: reported
            top.has_key, top.key, top.key_ok = True, "", False
            return
        path, discard = self.child_path(top)
        if not discard:
            self.values[path] = loc
            if written is not None:
                self.numbers[path] = written
        self.attach(top, value)

    def attach(self, top: _Frame, value: Any) -> None:
        if top.sequence is not None:
            top.sequence.append(value)
            return
        if top.key_ok and top.mapping is not None:
            top.mapping[top.key] = value
        top.has_key, top.key, top.key_ok = False, "", True


# libyaml's event parser when PyYAML has it (about 18 times as fast as the pure-Python one).
# Only events are read, never composed: libyaml's crash on deep nesting is in composing, and
# the builder stops at max_depth anyway (tests/test_yamlstrict.py feeds it 60,000 '[').
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(
    text: str,
    path: str,
    first_line: int = 1,
    *,
    max_bytes: int = 65536,
    max_depth: int = 16,
) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Parse ``text`` (which starts on file line ``first_line``) into a located mapping.

    Never raises: every problem comes back as a located error diagnostic.
    """
    start = Location(path, first_line, 1)
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        size = f"{max_bytes // 1024} KB" if max_bytes >= 1024 else f"{max_bytes} bytes"
        return None, [_problem(start, "too-large", size=size)]
    pos = _Positions(text, path, first_line)
    builder = _Builder(pos, max_depth)
    # PyYAML (YAML 1.1) breaks lines at these invisible characters; editors do not.
    odd_break = re.search("[\x85\u2028\u2029]", text)
    if odd_break:
        builder.fail(pos.at(odd_break.start()), "control", code=ord(odd_break.group()))
        return None, builder.errors
    try:
        builder.run(yaml.parse(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        if builder.explicit_end is not None:  # text after a '...' line
            builder.fail(builder.explicit_end, "documents")
        else:
            mark, problem = syntax_problem(exc, text)
            builder.fail(pos.mark(mark) if mark else start, "syntax", problem=problem)
    except yaml.reader.ReaderError as exc:
        builder.fail(pos.at(max(0, min(exc.position, len(text)))), "control", code=exc.character)
    except Exception as exc:  # never crash on content: say what happened instead
        builder.fail(start, "syntax", problem=f"it could not be read ({type(exc).__name__})")
    if builder.errors:
        return None, builder.errors
    if builder.root is None:
        return None, [_problem(start, "not-mapping", what="empty")]
    doc = YamlDoc(
        builder.root, path, start, dict(builder.keys), dict(builder.values), builder.numbers
    )
    return doc, []
