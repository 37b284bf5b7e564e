"""The Markdown boundary: a safe markdown-it setup, quote blocks, heading ids, recorded links.

Parsing records every link, image, heading and quote block with its place in the
author's file; rendering takes the resolved link targets and the quote renderer, so a
link that was not resolved can never reach the page.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup, escape
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin

from casesite.check.blocks import Paragraph, plain_text, text_blocks
from casesite.diagnostics import Diagnostic, Location, error
from casesite.model import QUOTE_ID_RE, Body


@dataclass(frozen=True)
class LinkUse:
    index: int
    href: str  # as written (after markdown-it's normalisation)
    location: Location
    is_image: bool = False
    alt: str = ""


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str
    location: Location


@dataclass(frozen=True)
class QuoteUse:
    id: str
    location: Location  # the '::: quote <id>' line
    text: str  # the Markdown source between the fences, as written
    text_location: Location  # where that text starts
    formatting: tuple[str, ...]  # inline formatting found in it: "emphasis", "link", ...


@dataclass(frozen=True)
class ParsedBody:
    """A parsed body: what the checks need, and its HTML with the link targets and quote
    blocks left as holes (`template`), so a body is parsed once and can be cached or sent
    to another process as plain values."""

    source: str  # the file's path, e.g. "content/case-studies/x.md"
    template: str
    headings: tuple[Heading, ...]
    links: tuple[LinkUse, ...]
    quotes: tuple[QuoteUse, ...]
    paragraphs: tuple[Paragraph, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def heading_ids(self) -> frozenset[str]:
        return frozenset(h.id for h in self.headings)


def _accept_link(url: str) -> bool:
    return True


def _validate_quote_info(params: str, markup: str) -> bool:
    return params.strip().split(" ", 1)[0] == "quote"


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "linkify": False})
    md.enable(["replacements", "smartquotes", "table", "strikethrough"])
    md.use(container_plugin, "quote", validate=_validate_quote_info)
    md.use(anchors_plugin, min_level=1, max_level=4)
    # Every link is recorded and checked by casesite itself (links.py); markdown-it's own
    # validator would leave a refused link on the page as literal text nobody notices.
    md.validateLink = _accept_link  # type: ignore[method-assign]
    return md


class _Locator:
    """Turns body-relative token positions into file locations.

    A block's text and the offsets of its line starts are made once, when its first link
    is looked for, and each search goes on from the last link found: locating every link
    of a block is linear in its size (rebuilding the text for each link made a paragraph
    of 60,000 links take two minutes)."""

    def __init__(self, body: Body, path: str) -> None:
        self.lines = body.text.split("\n")
        self.first = body.first_line
        self.path = path
        self._block: tuple[int, int] | None = None
        self._text = ""
        self._starts: list[int] = []

    def line(self, index: int, col: int = 1) -> Location:
        return Location(self.path, self.first + index, col)

    def find(
        self, block: list[int] | None, needles: Sequence[str], cursor: int
    ) -> tuple[Location, int]:
        if not block:
            return self.line(0), cursor
        start, end = block
        if self._block != (start, end):
            self._block = (start, end)
            self._text = "\n".join(self.lines[start:end])
            self._starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        for needle in needles:
            at = self._text.find(needle, cursor) if needle else -1
            if at >= 0:
                row = bisect.bisect_right(self._starts, at) - 1
                return self.line(start + row, at - self._starts[row] + 1), at + len(needle)
        return self.line(start), cursor


def parse_body(body: Body, path: str) -> ParsedBody:
    md = markdown()
    tokens = md.parse(body.text, {})
    loc = _Locator(body, path)
    problems: list[Diagnostic] = []
    headings: list[Heading] = []
    links: list[LinkUse] = []
    quotes: list[QuoteUse] = []
    quote_depth = 0
    quote_start: Token | None = None
    quote_format: set[str] = set()

    for i, token in enumerate(tokens):
        if token.type == "container_quote_open":
            where = loc.line(token.map[0] if token.map else 0)
            if quote_depth:
                problems.append(
                    error(
                        where,
                        "quote-nested",
                        "a quote block cannot stand inside another one",
                        "close the first block with ':::' before opening the next",
                    )
                )
            quote_depth += 1
            quote_start, quote_format = token, set()
            continue
        if token.type == "container_quote_close":
            quote_depth -= 1
            if quote_start is not None:
                quotes.append(_quote_use(quote_start, loc, quote_format, problems))
            quote_start = None
            continue
        if token.type == "heading_open":
            inline = tokens[i + 1]
            level = int(token.tag[1])
            where = loc.line(token.map[0] if token.map else 0)
            headings.append(
                Heading(level, plain_text(inline), str(token.attrs.get("id", "")), where)
            )
            if level == 1:
                problems.append(
                    error(
                        where,
                        "heading-level",
                        "a top-level heading ('# ...') in the body; "
                        "the title is the page's only one",
                        "start the body's sections with '## '",
                    )
                )
            if quote_depth:
                problems.append(
                    error(
                        where,
                        "quote-formatting",
                        "a heading inside a quote block",
                        "a quote block holds only the quoted words",
                    )
                )
        elif token.type == "inline":
            cursor = 0
            for child in token.children or []:
                if quote_depth and child.type in _FORMATTING:
                    quote_format.add(_FORMATTING[child.type])
                if child.type not in ("link_open", "image"):
                    continue
                href = str(child.attrs.get("href" if child.type == "link_open" else "src", ""))
                needles = [href, _unquote(href)] if href else ["]()", "]( )"]
                where, cursor = loc.find(token.map, needles, cursor)
                child.meta["link_index"] = len(links)
                is_image = child.type == "image"
                alt = plain_text(child).strip() if is_image else ""
                links.append(LinkUse(len(links), href, where, is_image, alt))
                if is_image and not alt:
                    problems.append(
                        error(
                            where,
                            "image-alt-missing",
                            "this image has no text alternative for readers who cannot see it",
                            "describe what the image shows between the brackets: ![Volunteers "
                            "sorting food at the depot](../../assets/images/depot.jpg)",
                        )
                    )
    return ParsedBody(
        path,
        _template(md, tokens),
        tuple(headings),
        tuple(links),
        tuple(quotes),
        tuple(text_blocks(tokens, loc.lines, loc.line)),
        tuple(problems),
    )


_FORMATTING = {
    "em_open": "emphasis",
    "strong_open": "emphasis",
    "s_open": "strikethrough",
    "link_open": "link",
    "image": "image",
    "code_inline": "code",
    "hardbreak": "line break",
}


def _unquote(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href)


def _quote_use(
    token: Token, loc: _Locator, formatting: set[str], problems: list[Diagnostic]
) -> QuoteUse:
    start, end = token.map or [0, 1]
    where = loc.line(start)
    words = token.info.strip().split()
    ident = words[1] if len(words) == 2 else ""
    if not QUOTE_ID_RE.match(ident):
        problems.append(
            error(
                where,
                "quote-syntax",
                f"a quote block must name its approval record: '::: quote <id>', not "
                f"'{token.markup} {token.info.strip()}'",
                "the id is the name of the file in content/approvals/ without '.yml', "
                "e.g. ::: quote buzsaki-police",
            )
        )
    inner = loc.lines[start + 1 : end]  # the map ends at the closing fence
    return QuoteUse(ident, where, "\n".join(inner), loc.line(start + 1), tuple(sorted(formatting)))


QuoteRenderer = Callable[[QuoteUse], str]

# Holes in a body's template. markdown-it turns NUL into U+FFFD (CommonMark), so no text of
# an author's can contain one; the markers survive HTML escaping unchanged.
_LINK_HOLE = "\x00L{}\x00"
_QUOTE_HOLE = "\x00Q\x00"
_HOLE_RE = re.compile("\x00(L(\\d+)|Q)\x00")


def _template(md: MarkdownIt, tokens: Sequence[Token]) -> str:
    """The body's HTML with a hole for each link target and for each quote block."""
    env: dict[str, Any] = {}
    out: list[str] = []
    pending: list[Token] = []
    depth = 0
    for token in tokens:
        if token.type == "container_quote_open":
            if depth == 0:
                out.append(md.renderer.render(pending, md.options, env))
                pending = []
                out.append(_QUOTE_HOLE)
            depth += 1
        elif token.type == "container_quote_close":
            depth -= 1
        elif depth == 0:
            pending.append(token)
    out.append(md.renderer.render(pending, md.options, env))
    return "".join(out)


def render_body(
    parsed: ParsedBody, links: Mapping[int, str | None], quote: QuoteRenderer
) -> Markup:
    """HTML for a parsed body: resolved links only; each quote block drawn by `quote`.

    Only a body whose every link resolved is rendered (an unresolved link is an error
    that stops the build), so each hole gets a URL."""
    quotes = iter(parsed.quotes)

    def fill(m: re.Match[str]) -> str:
        if m.group(2) is None:
            return quote(next(quotes))
        url = links.get(int(m.group(2)))
        if url is None:
            raise ValueError(f"{parsed.source}: link {m.group(2)} was not resolved")
        return str(escape(url))

    return Markup(_HOLE_RE.sub(fill, parsed.template))


def _render_link_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    href = str(token.attrs.get("href", ""))
    external = href.startswith(("http://", "https://"))  # kept as written when resolved
    rel = ' rel="noopener noreferrer"' if external else ""
    return f'<a href="{_LINK_HOLE.format(token.meta.get("link_index"))}"{rel}>'


def _render_link_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    return "</a>"


def _render_image(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    src = _LINK_HOLE.format(token.meta.get("link_index"))
    alt = escape(plain_text(token))
    return f'<img src="{src}" alt="{alt}" loading="lazy" decoding="async">'


def _install_rules() -> None:
    md = markdown()
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("image", _render_image)


_install_rules()
