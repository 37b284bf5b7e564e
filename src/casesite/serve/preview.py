"""The state of one `casesite serve`: the preview's builds, the errors shown over its pages,
the watch loop that rebuilds on a save and tells the open pages to reload.

Nothing here speaks HTTP or websockets: server.py (the livereload boundary) serves the
pages and hands in the function that tells the browsers to reload.
"""

from __future__ import annotations

import asyncio
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path

from casesite.build import build
from casesite.core import Options
from casesite.diagnostics import Diagnostic, Location, error
from casesite.routes import slug_of_url
from casesite.serve import ondemand
from casesite.serve.overlay import headline, inject, overlay_html
from casesite.serve.watch import Debouncer, changed_paths, emptied, snapshot, styles_only

SCAN_EVERY = 0.025  # seconds between two scans of the sources (a scan: ~0.4 ms)
QUIET = 0.02  # a rebuild waits until one scan has found nothing new
RELOAD_SCRIPT = '<script src="/livereload.js" defer></script>'


@dataclass(frozen=True)
class Attempt:
    """One build of the preview."""

    ok: bool
    problems: tuple[Diagnostic, ...]  # errors and warnings, in report order
    seconds: float
    pages: int = 0

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.problems if d.is_error)


def preview_options(options: Options, out: Path, follow_today: bool) -> Options:
    """The options of `casesite build` for a preview: the same checks (quotes are judged for
    the PDF too, when the build makes PDFs), as of today (a server may run past midnight);
    the HTML only, the PDF briefs and the search index being made on request (ondemand.py)."""
    as_of = date.today() if follow_today else options.as_of
    return replace(options, out=out, as_of=as_of, preview=True)


def build_preview(options: Options, out: Path, follow_today: bool) -> Attempt:
    started = time.perf_counter()
    try:
        result, report = build(preview_options(options, out, follow_today))
    except Exception as exc:  # a bug, not a content error: say so and keep serving
        problem = internal_error(exc, "building the preview")
        return Attempt(False, (problem,), time.perf_counter() - started)
    pages = result.pages if result else 0
    return Attempt(result is not None, tuple(report), time.perf_counter() - started, pages)


def internal_error(exc: Exception, doing: str) -> Diagnostic:
    """A failure of casesite itself, shown like a content error; the traceback goes to the
    terminal."""
    traceback.print_exception(exc, file=sys.stderr)
    return error(
        Location("casesite"),
        "internal-error",
        f"casesite failed while {doing}: {type(exc).__name__}: {exc}",
        "this is a bug in casesite, not in your content; the details are in the terminal "
        "where 'casesite serve' runs",
    )


class Preview:
    """The state of one `casesite serve`: the build folder, the latest attempt, the watcher."""

    def __init__(
        self,
        options: Options,
        folder: Path,
        follow_today: bool,
        reload_browsers: Callable[[str], None],
    ) -> None:
        self.options = options
        self.reload_browsers = reload_browsers  # a path, or "*" for the whole page
        self.out = folder / "site"
        self.follow_today = follow_today
        self.latest = Attempt(False, (), 0.0)
        self.good_builds = 0
        self.debouncer = Debouncer(quiet=QUIET)
        self.seen = snapshot(options.root)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casesite-build")
        # How many times the open pages were told to reload, and that count when each page
        # (by path) was last served: a page that was loading while they were told (its
        # socket not yet open) is told again when its socket opens.
        self.generation = 0
        self.served: dict[str, int] = {}

    def record(self, attempt: Attempt, why: str) -> None:
        """Keep the attempt and tell the terminal about it."""
        self.latest = attempt
        for d in attempt.problems:
            print(d.format(), file=sys.stderr, flush=True)
        if attempt.ok:
            self.good_builds += 1
            print(
                f"casesite: {why}: built {attempt.pages} pages in {attempt.seconds:.2f} s.",
                flush=True,
            )
        else:
            shown = "over the last good build" if self.good_builds else "instead of the site"
            print(
                f"casesite: {why}: {headline(attempt.errors)}; the browser shows them {shown} "
                "until they are fixed.",
                file=sys.stderr,
                flush=True,
            )

    def build(self) -> Awaitable[Attempt]:
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(
            self.executor, build_preview, self.options, self.out, self.follow_today
        )

    async def make(self, url_path: str) -> list[Diagnostic] | None:
        """Make the file at `url_path` if it is made on request (a PDF brief, the search
        index), on the build thread; its errors, or None when nothing is made there."""
        options = preview_options(self.options, self.out, self.follow_today)
        brief = ondemand.wants_pdf(url_path)
        loop = asyncio.get_running_loop()
        if brief is not None:
            job = partial(ondemand.make_pdf, options, self.out, brief)
        elif ondemand.wants_search(url_path):
            job = partial(ondemand.make_search_index, options, self.out)
        else:
            return None
        try:
            problems = await loop.run_in_executor(self.executor, job)
        except Exception as exc:  # a bug: say so in the page and keep serving
            problems = [internal_error(exc, f"making {url_path}")]
        for d in problems:
            print(d.format(), file=sys.stderr, flush=True)
        return problems

    async def watch(self) -> None:
        """Scan, debounce, rebuild, reload: until cancelled. Nothing here stops the server."""
        while True:
            await asyncio.sleep(SCAN_EVERY)
            try:
                now = snapshot(self.options.root)
                changed = changed_paths(self.seen, now)
                self.debouncer.add(changed, time.monotonic(), emptied(changed, now))
                self.seen = now
                paths = self.debouncer.due(time.monotonic())
                if not paths:
                    continue
                before = self.latest
                attempt = await self.build()
                first = sorted(paths)[0]
                more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
                self.record(attempt, f"{first}{more} changed")
                if attempt.ok or attempt.errors != before.errors:
                    self.generation += 1
                    # Changed stylesheets are swapped in place; anything else reloads the page.
                    for path in sorted(paths) if styles_only(paths) else ["*"]:
                        self.reload_browsers(path)
            except Exception:  # keep watching whatever happens
                traceback.print_exc(file=sys.stderr)

    def errors_for(self, url_path: str) -> list[Diagnostic]:
        """The current errors, those of the case study at `url_path` first."""
        slug = slug_of_url(url_path)
        own = f"content/case-studies/{slug}.md" if slug is not None else ""
        return sorted(self.latest.errors, key=lambda d: d.location.path != own)

    def decorate(self, page: bytes, url_path: str) -> bytes:
        """The page with the reload script, and the errors over it."""
        self.served[url_path] = self.generation
        errors = self.errors_for(url_path)
        title = f"({headline(errors)}) " if errors else ""
        return inject(page, RELOAD_SCRIPT, overlay_html(errors, has_build=True), title)
