"""Checking a body is linear in its size: one paragraph of many links, parsed and located.

    .venv/bin/python bench/body_links.py [--links 100000] [--repeat 3]

Builds a body whose one paragraph holds --links links (alternating page links and
links with a fragment, a few with percent-escapes) and times casesite's parse of it
(markdown-it's parse, every link recorded with its line and column, the HTML template),
as `casesite check` does for each case study. Prints the median of --repeat runs and the
time per link, and checks the last link's location. A harness to run by hand, not a
timed test.
"""

from __future__ import annotations

import argparse
import statistics
import time

from casesite.check.markdown import parse_body
from casesite.model import Body


def body_text(links: int) -> str:
    parts = []
    for i in range(links):
        href = f"other-{i}.md" if i % 2 else f"page-{i}.md#part-{i}"
        if i % 50 == 0:
            href = f"caf%C3%A9-{i}.md"
        parts.append(f"[link {i}]({href})")
    return "Before the links " + " and ".join(parts) + ".\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--links", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    text = body_text(args.links)
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        parsed = parse_body(Body(text, 10), "content/case-studies/links.md")
        times.append(time.perf_counter() - started)
    assert len(parsed.links) == args.links
    last = parsed.links[-1].location
    assert (last.line, last.col) == (10, text.rindex("(") + 2), last
    median = statistics.median(times)
    print(
        f"{args.links} links in one paragraph ({len(text):,} characters): "
        f"{median:.2f} s median of {args.repeat} ({median / args.links * 1e6:.1f} µs a link)"
    )


if __name__ == "__main__":
    main()
