"""The fonts of the text in SVG files under assets/: only families that an @font-face rule
of the PDF brief declares from assets/, as WeasyPrint draws a logo's text with the brief's
fonts and takes any other family from the building machine, and embeds it in the brief.

Read as WeasyPrint 70 reads an SVG (weasyprint/svg): a font family is set by the
`font-family` or `font` attribute, a `style=""` attribute or a rule of a <style> element,
and is inherited from the parent; text with no family at all is drawn in sans-serif (a
font of this machine). A `font` value is cut once at the first space: size, then family.
Only the value `inherit` is understood; `initial`, `unset` or an empty value are given to
the font engine as a family name, which it does not find, and it takes a system font.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

import cssselect2
import tinycss2
import tinycss2.ast

from casesite.diagnostics import Diagnostic, Location, error

CODE = "svg-font"
SVG_NS = "http://www.w3.org/2000/svg"
# The elements WeasyPrint draws the characters of (weasyprint/svg/__init__.py, TAGS).
DRAWS_TEXT = frozenset({"text", "tspan", "textPath", "a"})
HINT = (
    "turn the text into paths (outlines), which every reader sees the same (a browser shows "
    "an SVG image without the site's fonts); or write font-family with one family that "
    "assets/brief.css declares from assets/fonts/ ({known}), with no fallback such as "
    "sans-serif"
)


@dataclass
class _Family:
    """A font family list set somewhere in the SVG, and where."""

    value: str
    line: int
    col: int


@dataclass
class _Element:
    """An element of the SVG, where it starts, the families it sets itself."""

    node: ET.Element
    name: str
    line: int
    col: int
    parent: _Element | None
    own: list[_Family] = field(default_factory=list)  # attributes and style=""
    draws: bool = False  # holds characters WeasyPrint draws


@dataclass
class _Rule:
    selectors: list[object]  # compiled by cssselect2
    family: _Family


@dataclass
class _Sheet:
    """The text of a <style> element and where it starts (column counted from 0)."""

    text: str = ""
    line: int = 0
    col0: int = 0


class _Refused(Exception):
    """A DOCTYPE: the file is refused as unsafe-svg, not read here."""


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _clark(name: str) -> str:
    """expat's "namespace local" as ElementTree's "{namespace}local"."""
    if " " in name:
        namespace, local = name.rsplit(" ", 1)
        return f"{{{namespace}}}{local}"
    return name


def _shorthand_family(value: str) -> str | None:
    """The family WeasyPrint reads from a `font` value: what follows its first space."""
    parts = value.strip().split(maxsplit=1)
    return parts[1] if len(parts) == 2 else None


def _names(value: str) -> list[str]:
    """The family names of a list as WeasyPrint reads it (commas; quotes stripped)."""
    return [name for part in value.split(",") if (name := part.strip().strip("\"'").strip())]


def _font_declarations(nodes: Iterable[Any], line: int, col0: int) -> list[_Family]:
    """The font-family and font declarations among `nodes`, parsed from CSS text that
    starts at `line`, column `col0` (from 0), each placed at its value."""
    found = []
    for node in nodes:
        if not isinstance(node, tinycss2.ast.Declaration):
            continue
        if node.lower_name not in ("font-family", "font"):
            continue
        value: str | None = tinycss2.serialize(node.value).strip()
        if node.lower_name == "font" and value is not None:
            value = _shorthand_family(value)
        if value is None:
            continue
        token = next((t for t in node.value if t.type not in ("whitespace", "comment")), node)
        at_col = token.source_column + (col0 if token.source_line == 1 else 0)
        found.append(_Family(value, line + token.source_line - 1, at_col))
    return found


@dataclass
class _Scan:
    parser: expat.XMLParserType
    elements: list[_Element] = field(default_factory=list)
    stack: list[_Element] = field(default_factory=list)
    sheets: list[_Sheet] = field(default_factory=list)
    style: _Sheet | None = None  # the <style> being read

    def doctype(self, *_: object) -> None:
        raise _Refused

    def start(self, name: str, attributes: dict[str, str]) -> None:
        line, col = self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1
        parent = self.stack[-1] if self.stack else None
        node = ET.Element(_clark(name), {_clark(k): v for k, v in attributes.items()})
        if parent is not None:
            parent.node.append(node)
        element = _Element(node, _local(name), line, col, parent)
        for key, value in attributes.items():
            attribute = _local(key)
            if attribute == "font-family":
                element.own.append(_Family(value, line, col))
            elif attribute == "font" and (family := _shorthand_family(value)) is not None:
                element.own.append(_Family(family, line, col))
            elif attribute == "style":
                nodes = tinycss2.parse_blocks_contents(value, True, True)
                found = _font_declarations(nodes, 1, 0)
                element.own += [_Family(f.value, line, col) for f in found]
        if name == f"{SVG_NS} style" and attributes.get("type", "text/css") == "text/css":
            self.style = _Sheet()
        self.elements.append(element)
        self.stack.append(element)

    def text(self, data: str) -> None:
        if self.style is not None:
            if not self.style.line:
                self.style.line = self.parser.CurrentLineNumber
                self.style.col0 = self.parser.CurrentColumnNumber
            self.style.text += data
        elif self.stack and self.stack[-1].name in DRAWS_TEXT and data.strip():
            self.stack[-1].draws = True

    def end(self, name: str) -> None:
        self.stack.pop()
        if self.style is not None and name == f"{SVG_NS} style":
            self.sheets.append(self.style)
            self.style = None


def _rules(sheets: Iterable[_Sheet]) -> list[_Rule]:
    """The style rules of the SVG's <style> elements that set a font family (WeasyPrint
    reads the qualified rules at the top of each sheet, nothing in @media)."""
    rules = []
    for sheet in sheets:
        for rule in tinycss2.parse_stylesheet(sheet.text, True, True):
            if not isinstance(rule, tinycss2.ast.QualifiedRule):
                continue
            try:
                selectors = cssselect2.compile_selector_list(rule.prelude)
            except cssselect2.SelectorError:
                selectors = []  # WeasyPrint skips the rule; its fonts are still checked
            nodes = tinycss2.parse_blocks_contents(rule.content, True, True)
            for family in _font_declarations(nodes, sheet.line, sheet.col0):
                rules.append(_Rule(selectors, family))
    return rules


def _sets_family(value: str) -> bool:
    return value.strip() != "inherit"


class _Checker:
    def __init__(self, rel: str, declared: Mapping[str, str]) -> None:
        self.rel, self.declared = rel, declared
        known = ", ".join(f"'{n}'" for n in sorted(declared.values())) or "none"
        self.hint = HINT.format(known=known)
        self.problems: list[Diagnostic] = []

    def report(self, line: int, col: int, message: str) -> None:
        where = Location(self.rel, line, col)
        self.problems.append(error(where, CODE, f"the SVG file {self.rel} {message}", self.hint))

    def family(self, family: _Family) -> None:
        if family.value.strip() == "inherit":
            return
        if not _names(family.value):
            self.report(family.line, family.col, "draws text in an empty font family")
        for name in _names(family.value):
            if name.casefold() not in self.declared:
                self.report(
                    family.line,
                    family.col,
                    f"draws text in the font '{name}', which no @font-face rule of the PDF "
                    "brief declares from assets/",
                )
                return


def _check_one(rel: str, data: bytes, declared: Mapping[str, str]) -> list[Diagnostic]:
    parser = expat.ParserCreate(namespace_separator=" ")
    scan = _Scan(parser)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = scan.start
    parser.CharacterDataHandler = scan.text
    parser.EndElementHandler = scan.end
    parser.StartDoctypeDeclHandler = scan.doctype
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _Refused):
        return []  # refused as unsafe-svg when the assets are listed
    if not scan.elements:
        return []
    checker = _Checker(rel, declared)
    rules = _rules(scan.sheets)
    for rule in rules:
        checker.family(rule.family)
    for element in scan.elements:
        for family in element.own:
            checker.family(family)
    wrappers = {
        id(w.etree_element): w
        for w in cssselect2.ElementWrapper.from_xml_root(scan.elements[0].node).iter_subtree()
    }
    styled = {id(e.node) for e in scan.elements if _styled(e, rules, wrappers)}
    for element in scan.elements:
        if element.draws and not _inherits_family(element, styled):
            checker.report(
                element.line,
                element.col,
                f"draws text with no font family (<{element.name}>): the PDF engine takes "
                "sans-serif, a font of this machine",
            )
    return sorted(checker.problems, key=lambda d: (d.location.line, d.location.col))


def _styled(
    element: _Element, rules: list[_Rule], wrappers: Mapping[int, cssselect2.ElementWrapper]
) -> bool:
    """Whether the element itself sets a font family (attribute, style="" or a rule)."""
    if any(_sets_family(f.value) for f in element.own):
        return True
    wrapper = wrappers.get(id(element.node))
    return wrapper is not None and any(
        _sets_family(r.family.value) and r.selectors and wrapper.matches(*r.selectors)
        for r in rules
    )


def _inherits_family(element: _Element, styled: set[int]) -> bool:
    at: _Element | None = element
    while at is not None:
        if id(at.node) in styled:
            return True
        at = at.parent
    return False


def check_svg_fonts(
    svgs: Iterable[tuple[str, bytes]], declared: Mapping[str, str]
) -> list[Diagnostic]:
    """Every SVG file (path under the site, bytes) must draw its text only in families of
    `declared` (casefolded name: as written), the @font-face families of the brief."""
    problems = []
    for rel, data in svgs:
        problems += _check_one(rel, data, declared)
    return problems
