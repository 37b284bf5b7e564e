"""The text of a body's blocks outside quote blocks, as the quote gate reads them:
paragraphs, list items, headings, table cells, image descriptions and blockquotes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from casesite.diagnostics import Location


@dataclass(frozen=True)
class Paragraph:
    """A block of text outside any quote block, for the quote gate."""

    kind: (
        str  # "paragraph", "list item", "heading", "table cell", "image description", "blockquote"
    )
    text: str  # plain text, formatting stripped, line breaks kept
    location: Location
    emphasised: bool = False  # the whole block is in italics or bold
    next_text: str = ""  # the paragraph right after this one (which may be its credit)


def plain_text(inline: Token, breaks: str = " ", images: bool = True) -> str:
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(breaks)
        elif child.type == "image" and images:
            parts.append(plain_text(child))
    return "".join(parts)


def _emphasised(inline: Token) -> bool:
    """Whether one emphasis (italics or bold) runs over the whole of an inline token."""
    children = [c for c in inline.children or [] if c.type != "text" or c.content.strip()]
    if len(children) < 3 or children[0].type not in ("em_open", "strong_open"):
        return False
    depth = 0
    for n, child in enumerate(children):
        depth += child.nesting if child.type in ("em_open", "em_close", "strong_open",
                                                 "strong_close") else 0  # fmt: skip
        if depth == 0:
            return n == len(children) - 1
    return False


Where = Callable[[int, int], Location]  # (line of the body, column) -> place in the file


def text_blocks(tokens: Sequence[Token], lines: Sequence[str], where: Where) -> list[Paragraph]:
    """Every block of text outside the quote blocks, in order. A paragraph right after
    another knows its text, which may be the first one's credit. (Image descriptions are
    read from the recorded links.)"""
    blocks: list[Paragraph] = []
    quote_depth = blockquote_depth = list_depth = 0
    previous = -1  # blocks[previous] is a paragraph whose close is token `closed`
    closed = -2
    for i, token in enumerate(tokens):
        kind = token.type
        if kind == "container_quote_open":
            quote_depth += 1
        elif kind == "container_quote_close":
            quote_depth -= 1
        elif kind == "list_item_open":
            list_depth += 1
        elif kind == "list_item_close":
            list_depth -= 1
        if quote_depth:
            continue
        if kind == "blockquote_open":
            blockquote_depth += 1
            if blockquote_depth == 1:
                inner = _until_close(tokens, i, "blockquote")
                text = " ".join(plain_text(t) for t in inner if t.type == "inline")
                blocks.append(Paragraph("blockquote", text, where(_row(token), 1)))
        elif kind == "blockquote_close":
            blockquote_depth -= 1
        if blockquote_depth or kind != "inline" or not i:
            continue
        what = _KINDS.get(tokens[i - 1].type, "")
        if not what:
            continue
        if what == "paragraph" and list_depth:
            what = "list item"
        row, col = _row(token), 1
        if what == "table cell" and token.content and row < len(lines):
            col = max(0, lines[row].find(token.content)) + 1
        text = plain_text(token, "\n", images=False)
        if what == "paragraph" and closed == i - 2 and previous >= 0:
            before = blocks[previous]
            blocks[previous] = Paragraph(
                before.kind, before.text, before.location, before.emphasised, text
            )
        if what == "paragraph":
            previous, closed = len(blocks), i + 1
        blocks.append(Paragraph(what, text, where(row, col), _emphasised(token)))
    return blocks


_KINDS = {
    "paragraph_open": "paragraph",
    "heading_open": "heading",
    "th_open": "table cell",
    "td_open": "table cell",
}


def _row(token: Token) -> int:
    return token.map[0] if token.map else 0


def _until_close(tokens: Sequence[Token], start: int, kind: str) -> list[Token]:
    depth = 0
    out = []
    for token in tokens[start:]:
        if token.type == f"{kind}_open":
            depth += 1
        elif token.type == f"{kind}_close":
            depth -= 1
            if depth == 0:
                break
        out.append(token)
    return out
