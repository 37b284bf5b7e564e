"""The types every stage after the gate shares: the build's options, the checked site, and
what the pages need of the PDF briefs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from casesite.check.markdown import ParsedBody
from casesite.check.quotes import QuoteCheck
from casesite.incremental.store import CacheMode
from casesite.model import CaseStudy
from casesite.publish import Staging
from casesite.validate.site import Site

# The virtual address of the site's root while PDF briefs render: relative links in a brief
# resolve inside it, and pdf/fetcher.py answers only for the site's own assets under it.
SITE_ROOT_URL = "file:///casesite-site/"


@dataclass(frozen=True)
class Options:
    root: Path
    out: Path
    drafts: bool = False
    as_of: date = field(default_factory=date.today)
    pdf: bool = False
    jobs: int = 0  # processes for per-file work, pages and PDF briefs; 0: one per core
    cache: CacheMode = CacheMode.WRITE  # how the build cache, .casesite-cache/, is used
    # `casesite serve`: HTML only; the PDF briefs and the search index are made on request.
    preview: bool = False
    search: bool = True  # the Pagefind index (casesite build --no-search leaves it out)
    # `casesite check`, the pull-request check: a quote whose approval was withdrawn or has
    # expired is an error. A build leaves such a quote out, with a warning, and publishes.
    lapsed_is_error: bool = False

    @property
    def workers(self) -> int:
        """Processes for per-file work and pages: the dev server, which runs threads, never
        forks (a fork copies only the calling thread, and any lock another one holds)."""
        return 1 if self.preview else self.jobs

    @property
    def channels(self) -> tuple[str, ...]:
        return ("web", "pdf") if self.pdf else ("web",)


@dataclass(frozen=True)
class Checked:
    """Everything the renderers need, after every check has passed."""

    site: Site
    bodies: Mapping[str, ParsedBody]  # by source path
    links: Mapping[str, Mapping[int, str | None]]  # source -> link index -> URL
    quotes: Mapping[str, tuple[QuoteCheck, ...]]  # source -> its quote blocks, checked


@dataclass(frozen=True)
class BriefLink:
    href: str  # relative to the case study page
    text: str  # "PDF brief, 2 pages, 180 kB"


class BriefsForPages(Protocol):
    """What the pages need of the PDF briefs: a link for each case study, a link for each
    programme page to its programme's collection (by the page's address; none in a
    preview), and the files to publish with the pages (the rendered briefs; nothing in a
    preview, which makes them on request)."""

    def link(self, cs: CaseStudy) -> BriefLink: ...

    def programme_links(self) -> Mapping[str, BriefLink]: ...

    def write(self, staging: Staging) -> None: ...


@dataclass(frozen=True)
class BuildResult:
    pages: int
    case_studies: int
    seconds: float
    reused: int = 0  # output files unchanged since the last build (linked, not written)
