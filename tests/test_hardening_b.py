"""Issue 15, hardening (b): quotations in any style and block, invisible characters,
numbers YAML misreads, a linear body check, lapsed consent, and smaller author traps."""

from __future__ import annotations

import time

from casesite.check.markdown import parse_body
from casesite.model import Body


def _links_paragraph(count: int) -> str:
    return "Links: " + " and ".join(f"[l{i}](p-{i}.md)" for i in range(count)) + ".\n"


def _parse_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        parse_body(Body(text, 1), "content/case-studies/x.md")
        best = min(best, time.perf_counter() - started)
    return best


def test_locating_links_is_linear_in_the_paragraph() -> None:
    """Eight times the links take about eight times as long, not sixty-four (a ratio, so
    the test holds on a slow machine; the old locator's was 27 here)."""
    small, large = _links_paragraph(2500), _links_paragraph(20000)
    ratio = _parse_seconds(large) / _parse_seconds(small)
    assert ratio < 20, ratio


def test_links_over_several_lines_are_located_exactly() -> None:
    text = "Intro\n\nSee [a](a.md) and\n[b](b.md), then [a](a.md)\nand ![pic](i.png).\n"
    parsed = parse_body(Body(text, 7), "x.md")
    where = [(link.href, link.location.line, link.location.col) for link in parsed.links]
    assert where == [("a.md", 9, 9), ("b.md", 10, 5), ("a.md", 10, 21), ("i.png", 11, 12)]
