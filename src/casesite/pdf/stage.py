"""The PDF stage: every published case study's brief, and the collection of them all.

Each brief's HTML is rendered here (Jinja, cheap), its cache key computed, and only the
briefs not in the cache are rendered by WeasyPrint: in this process when there is one,
otherwise across a pool of worker processes (one per core, or `jobs`). Any refused URL or
WeasyPrint error fails the build with the case study's path. The collection is its front
matter plus the briefs' PDFs (pdf_collection.py), cached by the keys of its parts.
`render_one_brief` is the same for a single case study, for `casesite serve`.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from casesite import formatting
from casesite.core import BriefLink, Checked
from casesite.diagnostics import Diagnostic, Location, error, warning
from casesite.incremental.briefs import AssetDigests, BriefCache, CachedBrief, brief_key
from casesite.incremental.store import CacheMode, Store
from casesite.model import CaseStudy
from casesite.parallel import fork_map, jobs_for
from casesite.pdf.briefs import (
    COLLECTION_LAYOUT,
    Engine,
    EngineSetup,
    Rendered,
    brief_html,
    dated_by_content,
    engine_for,
    engine_key,
    engine_setup,
    font_problems,
    fresh_engine,
    has_harfbuzz_subset,
    style_id,
)
from casesite.pdf.collection import (
    CollectionBrief,
    first_guess,
    front_html,
    merge,
    producer,
    starts,
)
from casesite.pdf.collection import collection_key as make_collection_key
from casesite.pdf.merge import NotMergeable, Part, merge_parts, read_part
from casesite.pdf.stylesheet import stylesheet_refusals
from casesite.publish import Staging
from casesite.render.environment import Layouts, TemplateProblem, make_environment
from casesite.render.i18n import Translator
from casesite.routes import COLLECTION_PATH, THEME_CSS, brief_link, brief_path, case_study_url

COLLECTION_WHERE = "layouts/" + COLLECTION_LAYOUT
FRONT_TRIES = 3  # renders of the front matter until its length is the one it assumes
PROGRESS_ABOVE = 8  # show progress when more briefs than this need rendering (or on a TTY)
REFUSED_HINT = (
    "a brief may only show files under assets/: an image as ../../assets/images/photo.jpg, "
    "a url() in assets/brief.css relative to it; look at this case study's images, "
    "layouts/brief.html and assets/brief.css"
)


@dataclass(frozen=True)
class BriefFile:
    path: str  # where it is published, relative to the output folder
    data: bytes
    pages: int


@dataclass(frozen=True)
class Briefs:
    files: Mapping[str, BriefFile]  # by case study source
    collection: BriefFile | None
    rendered: int  # briefs rendered by WeasyPrint
    reused: int  # briefs from the cache
    front_rendered: int = 0  # renders of the collection's front matter
    collection_reused: bool = False  # the whole collection came from the cache
    other_collections: tuple[BriefFile, ...] = ()  # in the site's other languages (hu/...)

    def summary(self) -> str:
        line = f"PDF briefs: {self.rendered} rendered, {self.reused} reused"
        if self.collection is None:
            return line
        if self.collection_reused:
            return line + "; collection: reused"
        return line + (
            f"; collection: front matter {self.front_rendered} rendered, "
            f"{len(self.files)} briefs appended"
        )

    def link(self, cs: CaseStudy) -> BriefLink:
        brief = self.files[cs.source]
        t = Translator(cs.lang)
        pages = t.ngettext(
            "%(num)s page",
            "%(num)s pages",
            brief.pages,
            num=formatting.number(Decimal(brief.pages), cs.lang),
        )
        size = formatting.file_size(len(brief.data), cs.lang)
        text = t.gettext("PDF brief, %(pages)s, %(size)s", pages=pages, size=size)
        return BriefLink(brief_link(cs), text)

    def write(self, staging: Staging) -> None:
        for source in sorted(self.files):
            staging.write_bytes(self.files[source].path, self.files[source].data)
        for collection in (self.collection, *self.other_collections):
            if collection is not None:
                staging.write_bytes(collection.path, collection.data)


@dataclass(frozen=True)
class Job:
    source: str  # the case study's source path
    html: str
    page_url: str
    key: str


# -- workers -------------------------------------------------------------------------------

_WORKER: dict[str, Engine] = {}


def _render_job(engine: Engine, job: Job) -> tuple[Rendered, bytes]:
    """The brief, and its PDF read for the collection (done here, in parallel)."""
    result = engine.render(job.html, job.page_url)
    return result, (b"" if result.problems else part_of(result.data))


def part_of(data: bytes) -> bytes:
    """A brief's PDF read for the merge (pdf_merge.py); empty if it cannot be."""
    try:
        return read_part(data).to_bytes()
    except NotMergeable:
        return b""


class Progress:
    """'PDF briefs: 12 of 40 rendered, about 9 s left' on stderr, for long runs."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.done, self.started = total, 0, time.perf_counter()
        tty = bool(stream is not None and stream.isatty())
        self.stream = stream if stream is not None and (total > PROGRESS_ABOVE or tty) else None
        self.tty = tty
        self.step = max(1, total // 10)

    def tick(self) -> None:
        self.done += 1
        if self.stream is None or (
            not self.tty and self.done % self.step and self.done < self.total
        ):
            return
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.done * (self.total - self.done)
        line = f"PDF briefs: {self.done} of {self.total} rendered, about {left:.0f} s left"
        if self.tty:
            self.stream.write("\r\x1b[2K" + line + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _render(
    jobs: list[Job], setup: EngineSetup, workers: int, progress: Progress
) -> dict[str, tuple[Rendered, bytes]]:
    """Each job's brief, rendered here or in `workers` worker processes (each with an
    engine of its own: see fresh_engine)."""
    parent = os.getpid()

    def work(chunk: Sequence[Job]) -> list[tuple[Rendered, bytes]]:
        here = os.getpid() == parent
        if here:
            engine = engine_for(setup)
        elif "engine" not in _WORKER:
            engine = _WORKER["engine"] = fresh_engine(setup)
        else:
            engine = _WORKER["engine"]
        out = []
        for job in chunk:
            out.append(_render_job(engine, job))
            if here:
                progress.tick()  # a worker's progress is told by fork_map
        return out

    def done(count: int) -> None:
        for _ in range(count):
            progress.tick()

    if not jobs:
        return {}
    mapped = fork_map(work, jobs, workers, chunk=1, done=done)
    return {job.source: rendered for job, rendered in zip(jobs, mapped.results, strict=True)}


# -- the stage -----------------------------------------------------------------------------


def _located(source: str, problems: Iterable[str], root: Path | None = None) -> list[Diagnostic]:
    """A brief's problems as diagnostics: at the case study (or the collection), except a
    file refused to a url() of the brief's stylesheet, which is reported where it is
    written (assets/brief.css:line:col)."""
    in_css = stylesheet_refusals(root) if root is not None else {}
    located = []
    for problem in dict.fromkeys(problems):
        reason = problem.removeprefix("it refers to ")
        if reason in in_css:
            located.append(
                error(
                    in_css[reason],
                    "pdf-brief",
                    f"the PDF briefs cannot be made: the stylesheet refers to {reason}",
                    "a url() in assets/brief.css names a file under assets/, relative to the "
                    "stylesheet: url(fonts/x.woff2), url(images/logo.svg)",
                )
            )
            continue
        located.append(
            error(
                Location(source),
                "pdf-brief",
                f"the PDF brief cannot be made: {problem}",
                REFUSED_HINT
                if problem.startswith("it refers to")
                else "fix the case study, layouts/brief.html or assets/brief.css",
            )
        )
    return located


def _engine_key(setup: EngineSetup, cache: BriefCache, digests: AssetDigests) -> tuple[str, str]:
    """The engine key, and the id of the stylesheets' record in the cache."""
    style = style_id(digests)
    reads = cache.style_reads(style, digests)
    if reads is None:
        engine = engine_for(setup)
        reads = dict(engine.style_read)
        if not engine.style_problems:
            cache.put_style_reads(style, reads)
    return engine_key(reads), style


def make_briefs(
    checked: Checked,
    root: Path,
    jobs: int = 0,
    progress: TextIO | None = None,
    prune: bool = False,
    cache: CacheMode = CacheMode.WRITE,
) -> tuple[Briefs | None, list[Diagnostic]]:
    """Every brief and the collection, from the cache or rendered; None if any failed.
    `progress`: where to show progress and the summary; `prune`: drop unused cache entries;
    `cache`: how the build cache is used (off with the build's --no-cache)."""
    with dated_by_content(checked):
        return _make_briefs(checked, root, jobs, progress, prune, cache)


def _make_briefs(
    checked: Checked,
    root: Path,
    jobs: int,
    progress: TextIO | None,
    prune: bool,
    mode: CacheMode,
) -> tuple[Briefs | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    if not has_harfbuzz_subset():
        problems.append(
            warning(
                Location("casesite"),
                "pdf-slow-fonts",
                "libharfbuzz-subset is missing: PDF briefs render about 4 times slower",
                "install it: apt-get install libharfbuzz-subset0",
            )
        )
    setup = engine_setup(checked, root, font_cache=mode.writes)
    fonts = font_problems(setup)
    if fonts:
        return None, [*problems, *fonts]
    layouts = Layouts(make_environment(root))
    cache = BriefCache(Store(root, mode))
    digests = AssetDigests(setup.root, setup.assets, {THEME_CSS: setup.theme_css})
    studies = {cs.source: cs for cs in checked.site.case_studies}
    try:
        key, style = _engine_key(setup, cache, digests)
        wanted = [
            (cs.source, brief_html(layouts, checked, cs), case_study_url(cs))
            for cs in studies.values()
        ]
    except TemplateProblem as problem:
        return None, [*problems, problem.diagnostic]

    found: dict[str, BriefFile] = {}
    made_of: dict[str, Mapping[str, str]] = {}  # the assets each brief was made from
    keys: dict[str, str] = {}
    parts: dict[str, bytes] = {}  # the briefs' PDFs read for the merge, when just rendered
    todo: list[Job] = []
    for source, html, page_url in wanted:
        job = Job(source, html, page_url, brief_key(key, html))
        keys[source] = job.key
        hit = cache.get(job.key, digests)
        if hit is not None:
            found[source] = BriefFile(brief_path(studies[source]), hit.data, hit.pages)
            made_of[source] = hit.assets
        else:
            todo.append(job)

    workers = jobs_for(len(todo), jobs, costly=True)
    rendered = _render(todo, setup, workers, Progress(len(todo), progress))
    for job in todo:
        result, part = rendered[job.source]
        if result.problems:
            problems += _located(job.source, result.problems, root)
            continue
        cache.put(job.key, result.data, result.pages, result.read)
        if part:
            cache.put_part(job.key, part)
            parts[job.source] = part
        found[job.source] = BriefFile(brief_path(studies[job.source]), result.data, result.pages)
        made_of[job.source] = result.read
    if any(d.is_error for d in problems):
        return None, list(dict.fromkeys(problems))  # a stylesheet's problem once, not per brief
    # One collection per language: case-studies.pdf, hu/case-studies.pdf, ...
    collections = []
    for edition in checked.site.editions():
        language = replace(checked, site=checked.site.part(edition))
        collection = _Collection(language, layouts, setup, cache, digests, key)
        collections.append(collection)
        if not language.site.case_studies:
            continue
        try:
            collection.make(found, made_of, keys, parts)
        except TemplateProblem as problem:
            return None, [*problems, problem.diagnostic]
        if collection.problems:
            return None, [*problems, *collection.problems]
    if prune:
        cache.prune([style, *keys.values(), *(k for c in collections for k in c.keys)])
    briefs = Briefs(
        found,
        collections[0].file,
        rendered=len(todo),
        reused=len(wanted) - len(todo),
        front_rendered=sum(c.front_rendered for c in collections),
        collection_reused=all(c.reused for c in collections if c.file is not None),
        other_collections=tuple(c.file for c in collections[1:] if c.file is not None),
    )
    if progress is not None:
        progress.write(briefs.summary() + "\n")
    return briefs, problems


class _Collection:
    """Makes the collection PDF from the briefs, or finds it in the cache."""

    def __init__(
        self,
        checked: Checked,
        layouts: Layouts,
        setup: EngineSetup,
        cache: BriefCache,
        digests: AssetDigests,
        engine_key: str,
    ) -> None:
        self.checked, self.layouts, self.setup = checked, layouts, setup
        self.cache, self.digests, self.engine_key = cache, digests, engine_key
        self.file: BriefFile | None = None
        self.keys: list[str] = []  # cache entries it uses
        self.front_rendered = 0
        self.reused = False
        self.problems: list[Diagnostic] = []
        self.path = checked.site.prefix + COLLECTION_PATH  # the language's part of the site

    def make(
        self,
        found: Mapping[str, BriefFile],
        made_of: Mapping[str, Mapping[str, str]],
        keys: Mapping[str, str],
        parts: Mapping[str, bytes],
    ) -> None:
        order = [cs.source for cs in self.checked.site.case_studies]
        lengths = [found[source].pages for source in order]
        front_pages = first_guess(len(order))
        html = front_html(self.layouts, self.checked, starts(front_pages, lengths))
        key = make_collection_key(self.engine_key, html, [keys[s] for s in order])
        self.keys.append(key)
        hit = self.cache.get(key, self.digests)
        if hit is not None:
            self.file = BriefFile(self.path, hit.data, hit.pages)
            self.keys += hit.keep
            self.reused = True
            return
        # Start from the length it had last time: the output does not depend on the guess
        # (the contents settle on the same numbers), only the number of renders does.
        hint = self.cache.front_hint(len(order))
        if hint is not None and hint != front_pages:
            front_pages = hint
            html = front_html(self.layouts, self.checked, starts(front_pages, lengths))
        for _ in range(FRONT_TRIES):
            front_key = brief_key(self.engine_key, html)
            front = self._front(front_key, html)
            if front is None:
                return
            if front.pages == front_pages:
                break
            front_pages = front.pages
            html = front_html(self.layouts, self.checked, starts(front_pages, lengths))
        else:
            self.problems.append(
                error(
                    Location(COLLECTION_WHERE),
                    "pdf-brief",
                    "the collection's contents cannot give the right page numbers: the front "
                    f"matter changes length each time it is rendered ({FRONT_TRIES} tries)",
                    "give the contents a fixed height per entry in assets/brief.css",
                )
            )
            return
        self.cache.put_front_hint(len(order), front.pages)
        data = self._merge(front_key, front.data, found, keys, parts)
        pages = front.pages + sum(lengths)
        assets = dict(front.assets)
        for source in order:
            assets.update(made_of[source])
        self.cache.put(key, data, pages, assets, keep=self.keys[1:])
        self.file = BriefFile(self.path, data, pages)

    def _merge(
        self,
        front_key: str,
        front: bytes,
        found: Mapping[str, BriefFile],
        keys: Mapping[str, str],
        parts: Mapping[str, bytes],
    ) -> bytes:
        """The front matter and the briefs as one PDF: from their cached parts (fast), or
        with pypdf's own merge if a part cannot be made."""
        studies = self.checked.site.case_studies
        web = self.checked.site.config.base_url
        lang = self.checked.site.config.lang
        identity = hashlib.sha256(front)
        for cs in studies:
            identity.update(found[cs.source].data)
        try:
            front_part = self._part(front_key, front, b"", links=True)
            brief_parts = [
                (
                    web + case_study_url(cs),
                    self._part(keys[cs.source], found[cs.source].data, parts.get(cs.source, b"")),
                )
                for cs in studies
            ]
            return merge_parts(front_part, brief_parts, lang, producer(), identity.digest())
        except NotMergeable:
            pdfs = [
                CollectionBrief(
                    web + case_study_url(cs), found[cs.source].data, found[cs.source].pages
                )
                for cs in studies
            ]
            return merge(front, pdfs, lang)

    def _part(self, key: str, data: bytes, known: bytes, links: bool = False) -> Part:
        stored = known or self.cache.get_part(key)
        if stored:
            try:
                return Part.from_bytes(stored)
            except (ValueError, KeyError, TypeError, IndexError):
                pass
        part = read_part(data, links=links)
        self.cache.put_part(key, part.to_bytes())
        return part

    def _front(self, key: str, html: str) -> CachedBrief | None:
        self.keys.append(key)
        hit = self.cache.get(key, self.digests)
        if hit is not None:
            return hit
        result = engine_for(self.setup).render(html, "")
        self.front_rendered += 1
        if result.problems:
            self.problems += _located(COLLECTION_WHERE, result.problems, self.setup.root)
            return None
        self.cache.put(key, result.data, result.pages, result.read)
        return CachedBrief(result.data, result.pages, result.read)


class BriefFailed(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


def render_one_brief(checked: Checked, root: Path, cs: CaseStudy) -> bytes:
    """The PDF brief of one checked case study, from the cache or rendered in this process
    (for `casesite serve`). Raises BriefFailed with located diagnostics."""
    with dated_by_content(checked):
        return _render_one(checked, root, cs)


def _render_one(checked: Checked, root: Path, cs: CaseStudy) -> bytes:
    setup = engine_setup(checked, root)
    fonts = font_problems(setup)
    if fonts:
        raise BriefFailed(fonts)
    cache = BriefCache(Store(root))
    digests = AssetDigests(setup.root, setup.assets, {THEME_CSS: setup.theme_css})
    try:
        html = brief_html(Layouts(make_environment(root)), checked, cs)
        key = brief_key(_engine_key(setup, cache, digests)[0], html)
    except TemplateProblem as problem:
        raise BriefFailed([problem.diagnostic]) from problem
    hit = cache.get(key, digests)
    if hit is not None:
        return hit.data
    result = engine_for(setup).render(html, case_study_url(cs))
    if result.problems:
        raise BriefFailed(_located(cs.source, result.problems, root))
    cache.put(key, result.data, result.pages, result.read)
    return result.data


__all__ = ["BriefFailed", "Briefs", "make_briefs", "render_one_brief"]
