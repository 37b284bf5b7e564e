"""What `casesite serve` shows in the browser while the content has errors.

An overlay injected into every served page (the page beneath is the last good build), and
a whole error page when there has never been a good build. Every value from the content is
HTML-escaped: a message may quote whatever the author typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from casesite.diagnostics import Diagnostic

OVERLAY_ID = "casesite-errors"

# Scoped to the overlay, with the site's own styles reverted inside it, so that the
# overlay reads the same on every layout. High contrast (WCAG AA) and large type.
STYLE = f"""
#{OVERLAY_ID}, #{OVERLAY_ID} * {{ all: revert; box-sizing: border-box; }}
#{OVERLAY_ID} {{ position: fixed; inset: 0 0 auto 0; z-index: 2147483647; max-height: 70vh;
  overflow: auto; margin: 0; background: #fff; color: #1c1c1c; border-bottom: 4px solid #a4001d;
  box-shadow: 0 8px 28px rgba(0,0,0,.35); font: 16px/1.45 system-ui, -apple-system,
  "Segoe UI", Roboto, "DejaVu Sans", sans-serif; text-align: left; }}
#{OVERLAY_ID} .cs-bar {{ display: block; cursor: pointer; margin: 0; padding: .7em 1.1em;
  background: #a4001d; color: #fff; font-weight: 700; font-size: 1.1em; }}
#{OVERLAY_ID} .cs-bar span {{ font-weight: 400; font-size: .85em; opacity: .95; }}
#{OVERLAY_ID} .cs-body {{ padding: .4em 1.1em 1em; }}
#{OVERLAY_ID} .cs-note {{ margin: .6em 0; color: #444; }}
#{OVERLAY_ID} ol {{ margin: 0; padding: 0; list-style: none; }}
#{OVERLAY_ID} li {{ margin: .7em 0 0; padding: .6em .9em; border-left: 5px solid #a4001d;
  background: #fbf1f2; }}
#{OVERLAY_ID} li.cs-warning {{ border-left-color: #8a5a00; background: #fdf7ea; }}
#{OVERLAY_ID} .cs-loc {{ display: block; font: 700 .95em/1.4 ui-monospace, "DejaVu Sans Mono",
  Menlo, Consolas, monospace; color: #1c1c1c; word-break: break-all; }}
#{OVERLAY_ID} .cs-sev {{ font-weight: 700; color: #a4001d; }}
#{OVERLAY_ID} .cs-warning .cs-sev {{ color: #7a4f00; }}
#{OVERLAY_ID} .cs-msg {{ display: block; margin: .15em 0; font-size: 1.05em; }}
#{OVERLAY_ID} .cs-code {{ font: .85em ui-monospace, "DejaVu Sans Mono", monospace; color: #555; }}
#{OVERLAY_ID} .cs-hint {{ display: block; color: #2d4a22; }}
#{OVERLAY_ID} .cs-hint b {{ font-weight: 700; }}
"""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def headline(problems: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in problems if d.is_error)
    files = len({d.location.path for d in problems if d.is_error})
    return f"{_plural(errors, 'error')} in {_plural(files, 'file')}"


def _item(d: Diagnostic) -> str:
    hint = f'<span class="cs-hint"><b>Hint:</b> {escape(d.hint)}</span>' if d.hint else ""
    kind = "cs-error" if d.is_error else "cs-warning"
    return (
        f'<li class="{kind}"><span class="cs-loc">{escape(str(d.location))}</span>'
        f'<span class="cs-msg"><span class="cs-sev">{escape(str(d.severity))}:</span> '
        f'{escape(d.message)} <span class="cs-code">[{escape(d.code)}]</span></span>'
        f"{hint}</li>"
    )


def overlay_html(problems: Sequence[Diagnostic], has_build: bool, note: str = "") -> str:
    """The error panel; empty when nothing is wrong."""
    shown = [d for d in problems if d.is_error]
    if not shown:
        return ""
    if not note and has_build:
        note = (
            "This page is the last good build. Fix the problems below and save: "
            "the page reloads by itself."
        )
    elif not note:
        note = "Nothing could be built yet. Fix the problems below and save: the page reloads."
    items = "".join(_item(d) for d in shown)
    return (
        f'<style>{STYLE}</style><details id="{OVERLAY_ID}" open role="alert">'
        f'<summary class="cs-bar">casesite: {escape(headline(shown))} '
        f"<span>(click to hide)</span></summary>"
        f'<div class="cs-body"><p class="cs-note">{escape(note)}</p><ol>{items}</ol></div>'
        f"</details>"
    )


_BODY_RE = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_HEAD_END_RE = re.compile(rb"</head\s*>", re.IGNORECASE)
_TITLE_RE = re.compile(rb"<title>", re.IGNORECASE)


def inject(page: bytes, head: str, body: str, title_prefix: str = "") -> bytes:
    """Put `head` before </head>, `body` just after <body>, and prefix the <title>."""
    if head:
        match = _HEAD_END_RE.search(page)
        at = match.start() if match else 0
        page = page[:at] + head.encode() + page[at:]
    if body:
        match = _BODY_RE.search(page)
        at = match.end() if match else len(page)
        page = page[:at] + body.encode() + page[at:]
    if title_prefix:
        page = _TITLE_RE.sub(lambda m: m.group(0) + escape(title_prefix).encode(), page, count=1)
    return page


def page_html(
    title: str, heading: str, text: str, problems: Sequence[Diagnostic], note: str = ""
) -> str:
    """A stand-alone page: the error page before any good build, a 'not found' page, or the
    errors that stopped a file made on request (`note` then says so)."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        '<body style="font: 17px/1.5 system-ui, sans-serif; margin: 0; color: #1c1c1c">'
        f'<main style="max-width: 46em; margin: 2em auto; padding: 0 1em">'
        f"<h1>{escape(heading)}</h1><p>{escape(text)}</p></main>"
        f"{overlay_html(problems, has_build=False, note=note)}"
        f"<style>#{OVERLAY_ID} {{ position: static; max-height: none; max-width: 60em; "
        "margin: 0 auto 3em; border: 1px solid #a4001d; box-shadow: none; }</style>"
        "</body></html>\n"
    )
