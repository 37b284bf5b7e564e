"""The PDF brief's fonts: every font family its styles name must be one that an @font-face
rule declares from assets/, so that no font of the building machine is ever embedded."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import tinycss2
import tinycss2.ast

from casesite.diagnostics import Diagnostic, Location, error

CODE = "brief-font"
# The values a font family list may hold that name no font.
CSS_WIDE = frozenset({"inherit", "initial", "unset", "revert", "revert-layer"})
# Rules whose blocks hold further rules (their declarations are the brief's too).
NESTING = frozenset({"media", "supports", "layer", "container", "document", "scope"})
SIZE_WORDS = frozenset(
    {"xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large", "xxx-large"}
    | {"smaller", "larger", "math"}
)
HINT = (
    "name only families that an @font-face rule of the brief's style sheets declares from "
    "assets/ ({known}), with no fallback such as serif, sans-serif or Arial: any other font "
    "would come from this machine and be embedded in the PDF"
)


@dataclass(frozen=True)
class Sheet:
    """CSS text of the brief, and where it sits in the file named (a <style> or style=""
    inside a layout starts at `line`:`column` of the layout)."""

    rel: str
    text: str
    line: int = 1
    column: int = 1
    declarations_only: bool = False  # a style="" attribute

    def where(self, token: Any) -> Location:
        line = self.line + token.source_line - 1
        column = token.source_column + (self.column - 1 if token.source_line == 1 else 0)
        return Location(self.rel, line, column)


@dataclass
class _Found:
    """Every font family list of the sheets, every custom property, every declared family."""

    uses: list[tuple[Sheet, list[Any], bool]] = field(default_factory=list)  # bool: `font:`
    properties: dict[str, list[tuple[Sheet, list[Any]]]] = field(default_factory=dict)
    declared: dict[str, str] = field(default_factory=dict)  # casefolded: as written
    local: list[tuple[Sheet, Any]] = field(default_factory=list)  # src: local(...)


def _declarations(sheet: Sheet, nodes: Iterable[Any], found: _Found) -> None:
    for node in nodes:
        if isinstance(node, tinycss2.ast.Declaration):
            name = node.lower_name
            if name == "font-family":
                found.uses.append((sheet, node.value, False))
            elif name == "font":
                found.uses.append((sheet, node.value, True))
            elif node.name.startswith("--"):
                found.properties.setdefault(node.name, []).append((sheet, node.value))
        elif isinstance(node, tinycss2.ast.QualifiedRule | tinycss2.ast.AtRule):
            _rule(sheet, node, found)


def _rule(sheet: Sheet, rule: Any, found: _Found) -> None:
    if rule.content is None:
        return
    if isinstance(rule, tinycss2.ast.AtRule) and rule.lower_at_keyword == "font-face":
        _font_face(sheet, rule, found)
    elif isinstance(rule, tinycss2.ast.AtRule) and rule.lower_at_keyword in NESTING:
        rules = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
        for inner in rules:
            _rule(sheet, inner, found)
    else:  # style rules, @page and its margin boxes: declarations and nested rules
        contents = tinycss2.parse_blocks_contents(
            rule.content, skip_comments=True, skip_whitespace=True
        )
        _declarations(sheet, contents, found)


def _font_face(sheet: Sheet, rule: Any, found: _Found) -> None:
    names: list[str] = []
    local = None
    for node in tinycss2.parse_blocks_contents(rule.content, True, True):
        if not isinstance(node, tinycss2.ast.Declaration):
            continue
        if node.lower_name == "font-family":
            names = [name for name, _ in _families(node.value)]
        elif node.lower_name == "src":
            for token in node.value:
                if isinstance(token, tinycss2.ast.FunctionBlock) and token.lower_name == "local":
                    local = token
    if local is not None:
        found.local.append((sheet, local))
    else:  # url() sources only: the fetcher lets a brief read nothing but assets/
        found.declared.update((name.casefold(), name) for name in names)


def _split(tokens: Sequence[Any]) -> Iterator[list[Any]]:
    """A comma-separated value's items, without white space and comments."""
    item: list[Any] = []
    for token in tokens:
        if isinstance(token, tinycss2.ast.LiteralToken) and token.value == ",":
            yield item
            item = []
        elif not isinstance(token, tinycss2.ast.WhitespaceToken | tinycss2.ast.Comment):
            item.append(token)
    yield item


def _families(tokens: Sequence[Any]) -> Iterator[tuple[str, Any]]:
    """Each family name of a list and its first token (var() items are left out)."""
    for item in _split(tokens):
        if not item or any(isinstance(t, tinycss2.ast.FunctionBlock) for t in item):
            continue
        if isinstance(item[0], tinycss2.ast.StringToken):
            yield item[0].value, item[0]
        elif all(isinstance(t, tinycss2.ast.IdentToken) for t in item):
            yield " ".join(t.value for t in item), item[0]


def _shorthand_families(tokens: Sequence[Any]) -> list[Any]:
    """The family list of a `font:` shorthand: what follows the size (and line height)."""
    items = [
        t for t in tokens if not isinstance(t, tinycss2.ast.WhitespaceToken | tinycss2.ast.Comment)
    ]
    start = None
    for i, token in enumerate(items):
        if isinstance(token, tinycss2.ast.LiteralToken) and token.value == ",":
            break
        sized = isinstance(token, tinycss2.ast.DimensionToken | tinycss2.ast.PercentageToken)
        if sized or (
            isinstance(token, tinycss2.ast.IdentToken) and token.lower_value in SIZE_WORDS
        ):
            start = i + 1
            if start < len(items) and getattr(items[start], "value", None) == "/":
                start += 2
    if start is None:  # a system font keyword (caption, menu, ...) or only var()
        return list(items)
    return items[start:]


class _Checker:
    def __init__(self, found: _Found) -> None:
        self.found = found
        self.problems: list[Diagnostic] = []
        self.seen: set[tuple[str, int, int]] = set()
        self.known = ", ".join(f"'{n}'" for n in sorted(found.declared.values())) or "none"
        self.seen_names: set[str] = set()

    def family_list(self, sheet: Sheet, tokens: Sequence[Any]) -> None:
        for item in _split(tokens):
            for token in item:
                if isinstance(token, tinycss2.ast.FunctionBlock) and token.lower_name == "var":
                    self.var(sheet, token)
        for name, token in _families(tokens):
            if name.casefold() in CSS_WIDE or name.casefold() in self.found.declared:
                continue
            self.report(
                sheet,
                token,
                f"the PDF brief names the font '{name}', which no "
                "@font-face rule declares from assets/",
            )

    def var(self, sheet: Sheet, token: Any) -> None:
        args = list(_split(token.arguments))
        name = args[0][0].value if args and args[0] else ""
        if len(args) > 1:  # the fallback, when the property is not set
            fallback = token.arguments[[*token.arguments].index(args[1][0]) :]
            self.family_list(sheet, fallback)
        if name in self.seen_names:
            return
        self.seen_names.add(name)
        for where, value in self.found.properties.get(name, []):
            self.family_list(where, value)

    def report(self, sheet: Sheet, token: Any, message: str) -> None:
        at = sheet.where(token)
        if (at.path, at.line, at.col) in self.seen:
            return
        self.seen.add((at.path, at.line, at.col))
        self.problems.append(error(at, CODE, message, HINT.format(known=self.known)))


def _find(sheets: Iterable[Sheet]) -> _Found:
    found = _Found()
    for sheet in sheets:
        if sheet.declarations_only:
            nodes = tinycss2.parse_blocks_contents(sheet.text, True, True)
            _declarations(sheet, nodes, found)
        else:
            for rule in tinycss2.parse_stylesheet(sheet.text, True, True):
                if isinstance(rule, tinycss2.ast.QualifiedRule | tinycss2.ast.AtRule):
                    _rule(sheet, rule, found)
    return found


def declared_families(sheets: Iterable[Sheet]) -> dict[str, str]:
    """The families that the sheets' @font-face rules declare from assets/ (url() sources
    only), casefolded: as written."""
    return _find(sheets).declared


def check_brief_fonts(sheets: Iterable[Sheet]) -> list[Diagnostic]:
    """Every font the brief's style sheets, and the styles in its layouts, may draw with
    must be declared from assets/ (WeasyPrint would otherwise embed a system font)."""
    found = _find(sheets)
    checker = _Checker(found)
    for sheet, local in found.local:
        checker.report(
            sheet,
            local,
            "an @font-face rule of the PDF brief takes its font from this machine (local())",
        )
    for sheet, tokens, shorthand in found.uses:
        checker.family_list(sheet, _shorthand_families(tokens) if shorthand else tokens)
    return sorted(
        checker.problems, key=lambda d: (d.location.path, d.location.line, d.location.col)
    )


_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def layout_styles(rel: str, text: str) -> list[Sheet]:
    """The <style> elements and style="" attributes of a layout, as sheets placed in it."""
    sheets = []
    for match in _STYLE_ELEMENT.finditer(text):
        sheets.append(Sheet(rel, match.group(1), *_position(text, match.start(1))))
    for match in _STYLE_ATTRIBUTE.finditer(text):
        group = 1 if match.group(1) is not None else 2
        line, column = _position(text, match.start(group))
        sheets.append(Sheet(rel, match.group(group), line, column, declarations_only=True))
    return sheets


def _imports(rel: str, text: str, assets: frozenset[str]) -> list[str]:
    """The style sheets under assets/ that a sheet @imports."""
    found = []
    for rule in tinycss2.parse_stylesheet(text, True, True):
        if isinstance(rule, tinycss2.ast.AtRule) and rule.lower_at_keyword == "import":
            for token in rule.prelude:
                url = None
                if isinstance(token, tinycss2.ast.URLToken | tinycss2.ast.StringToken):
                    url = token.value
                elif isinstance(token, tinycss2.ast.FunctionBlock) and token.lower_name == "url":
                    url = next((a.value for a in token.arguments if hasattr(a, "value")), None)
                if url is not None and ":" not in url:
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), url))
                    if target in assets:
                        found.append(target)
                    break
    return found


def _layouts(root: Path, names: Iterable[str]) -> list[str]:
    """The brief's layouts and every layout they include, extend or import."""
    env = jinja2.Environment()
    pending, seen = list(names), []
    while pending:
        name = pending.pop()
        path = root / "layouts" / name
        if name in seen or path.is_symlink() or not path.is_file():
            continue  # a missing or linked layout is reported when the brief is rendered
        seen.append(name)
        try:
            ast = env.parse(path.read_text("utf-8"))
        except (jinja2.TemplateSyntaxError, OSError, UnicodeDecodeError):
            continue
        pending.extend(n for n in jinja2.meta.find_referenced_templates(ast) if n)
    return sorted(seen)


def brief_sheets(
    root: Path,
    assets: frozenset[str],
    stylesheets: Sequence[tuple[str, str]],
    layouts: Iterable[str],
) -> list[Sheet]:
    """The brief's style sheets (`stylesheets`: path and text, in the order given to the
    PDF engine), the sheets they import from assets/, and the styles in its layouts."""
    sheets: list[Sheet] = []
    pending = list(stylesheets)
    done: set[str] = set()
    while pending:
        rel, text = pending.pop(0)
        if rel in done:
            continue
        done.add(rel)
        sheets.append(Sheet(rel, text))
        for target in _imports(rel, text, assets):
            try:
                pending.append((target, (root / target).read_text("utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    for name in _layouts(root, layouts):
        text = (root / "layouts" / name).read_text("utf-8", "replace")
        sheets += layout_styles(f"layouts/{name}", text)
    return sheets
