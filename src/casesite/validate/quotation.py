"""What reads as a quotation: a span in quotation marks of any style or script that is the
whole of a block, or is followed by its credit ("— Name, Organisation", "said Name").

The quote gate refuses such text outside a quote block (check/quotes.py) and in image
descriptions and captions (validate/schema.py): it would publish words nobody approved.
A short quoted term inside a sentence ("the so-called “roundtable” met") is not one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

# Quotation marks by family: a span opened by a mark of one family is closed by a mark of
# the same family (English “…” and ‘…’, German „…“ and ‚…‘, French «…», Swiss ‹…›, Chinese
# and Japanese 「…」 and 『…』, the ASCII marks, their full-width forms, and the rest).
_FAMILIES = {
    "double": '"“”„‟＂〝〞〟⹂',
    "single": "'‘’‚‛＇",
    "guillemet": "«»",
    "single-guillemet": "‹›",
    "corner": "「」﹁﹂",
    "white-corner": "『』﹃﹄",
}
# Closing marks, by family, where they differ from the opening ones.
_CLOSERS = {
    "double": '"“”‟＂〞〟',
    "single": "'‘’‛＇",
    "guillemet": "«»",
    "single-guillemet": "‹›",
    "corner": "」﹂",
    "white-corner": "』﹄",
}
DASHES = "—–―-~"
# Words with which reported speech credits a quotation that comes before them.
_SAID = re.compile(
    r"(?:\w+\s+){0,3}(said|says|explained|explains|added|adds|noted|notes|told|recalled|recalls|"
    r"according to|in the words of)\b",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"[\s.,;:!?…)\]*_]*")
MIN_WORDS = 2  # a quoted span of one word is a term, not a quotation
# Scripts written without spaces between words: Chinese, Japanese, Korean, Thai, Lao.
_UNSPACED = re.compile("[\u0e00-\u0eff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
MAX_CREDIT_WORDS = 12


@cache
def family(ch: str) -> str | None:
    """The family of a quotation mark, or None if `ch` is not one. Every other Unicode
    initial or final quotation punctuation mark (Pi, Pf) is a family of its own kind."""
    for name, marks in _FAMILIES.items():
        if ch in marks:
            return name
    if unicodedata.category(ch) in ("Pi", "Pf"):
        return "other"
    return None


def _closes(text: str, at: int, name: str) -> bool:
    ch = text[at]
    if name == "other":
        if unicodedata.category(ch) not in ("Pi", "Pf"):
            return False
    elif ch not in _CLOSERS[name]:
        return False
    # A closing mark is followed by no letter or digit; an apostrophe inside a word
    # (didn’t, police’s) is.
    return at + 1 == len(text) or not text[at + 1].isalnum()


# Marks that also close a span: after one of these, a space means it closes, not opens.
_AMBIGUOUS = frozenset("\"'”’＂＇")


@dataclass(frozen=True)
class Quoted:
    """A span in quotation marks: where its marks are, and its words."""

    start: int  # the opening mark
    end: int  # the closing mark
    words: int


def quoted_spans(text: str) -> list[Quoted]:
    """The spans in quotation marks, outermost only, in order."""
    spans: list[Quoted] = []
    at = _marks(text)  # only a quotation mark can open or close a span
    k = 0
    while k < len(at):
        i = at[k]
        name = family(text[i])
        opens = i == 0 or not text[i - 1].isalnum()
        spaced = i + 1 >= len(text) or (text[i + 1].isspace() and text[i] in _AMBIGUOUS)
        assert name is not None
        if not opens or spaced:
            k += 1
            continue
        close = next((m for m in range(k + 1, len(at)) if _closes(text, at[m], name)), -1)
        if close < 0:
            k += 1
            continue
        end = at[close]
        inner = text[i + 1 : end]
        words = len(inner.split()) + len(_UNSPACED.findall(inner)) // 2
        spans.append(Quoted(i, end, words))
        k = close + 1
    return spans


def _marks(text: str) -> list[int]:
    """Where the quotation marks in `text` are (most texts have none: one pass in C)."""
    marks = frozenset(ch for ch in set(text) if family(ch) is not None)
    return [m.start() for m in _finder(marks).finditer(text)] if marks else []


@cache
def _finder(marks: frozenset[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(marks)) + "]")


def _is_credit(rest: str) -> bool:
    """Whether `rest`, the text after a quoted span, is that quotation's credit."""
    if any(family(ch) for ch in rest):
        return False
    words = rest.split()
    return 0 < len(words) <= MAX_CREDIT_WORDS


def reads_as_quotation(text: str, next_block: str = "", emphasised: bool = False) -> str:
    """Why `text` (a block's plain text, line breaks kept) reads as a quotation: "" when it
    does not, else a short reason. `next_block`: the text of the block after it, which may
    be the quotation's credit; `emphasised`: the whole block is in italics or bold."""
    stripped = text.strip()
    for span in quoted_spans(stripped):
        if span.words < MIN_WORDS:
            continue
        before, rest = stripped[: span.start], stripped[span.end + 1 :]
        credit = rest.lstrip(" \t.,;:!?…*_")
        set_off = credit.startswith("\n") or (credit != "" and credit[0] in DASHES)
        if set_off and _is_credit(credit.strip().lstrip(DASHES)):
            return "it is in quotation marks, followed by a credit"
        if before.strip(" *_"):
            continue
        if not credit.strip() or _TRAILING.fullmatch(rest):
            return "it opens and closes with quotation marks"
        if _SAID.match(credit.strip()) and _is_credit(credit):
            return "it is in quotation marks, followed by who said it"
    if emphasised and len(stripped.split()) >= 5 and looks_like_credit(next_block):
        return "it is set apart in italics, and the line after it is a credit"
    return ""


def looks_like_credit(text: str) -> bool:
    """A short line naming a person: "— Robert Buzsaki", "Robert Buzsaki, Háttér Társaság"."""
    line = text.strip().strip("*_ ")
    if not line or line[-1] in ".!?" or "\n" in line or any(family(ch) for ch in line):
        return False
    if line[0] in DASHES:
        return _is_credit(line.lstrip(DASHES))
    return "," in line and len(line.split()) <= 8
