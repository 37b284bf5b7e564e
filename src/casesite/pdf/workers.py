"""Rendering the briefs that are not cached: here, or across a pool of worker processes.

Each worker has a WeasyPrint engine of its own (pdf/briefs.py: fresh_engine) and reads
each brief it renders into a part for the collection's merge (pdf/parts.py), so that
work is shared too.

With workers, each collection's front matter goes into the pool after the last brief
(FrontJob): a worker free while the last briefs still render renders it on the page counts
known by then, the others guessed. The collection keeps it when the guess was right and
renders it again otherwise (pdf/collection.py), so the output never depends on the guess,
only the time does.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.sharedctypes import RawArray

from casesite.parallel import fork_map
from casesite.pdf.briefs import Engine, EngineSetup, Rendered, engine_for, fresh_engine
from casesite.pdf.parts import NotMergeable, read_part
from casesite.pdf.progress import Progress

GUESS_WITHOUT_COUNTS = 2  # a brief's pages when no brief's count is known yet


@dataclass(frozen=True)
class Job:
    source: str  # the case study's source path
    html: str
    page_url: str
    key: str
    index: int = -1  # its place in the page counts a FrontJob reads (-1: none)


@dataclass(frozen=True)
class FrontJob:
    """A collection's front matter, rendered early on page counts partly guessed."""

    briefs: tuple[int, ...]  # the places of its briefs' page counts, in its order
    # its HTML for these lengths of the briefs and of itself; None: in the cache already
    html_for: Callable[[list[int], int], str | None]
    front_pages: int  # the length it is first rendered for (the collection's first guess)
    tries: int  # renders until its length is the one it assumes, as the collection makes it


@dataclass(frozen=True)
class Front:
    """A front matter rendered early: its HTML, the render and its part for the merge."""

    html: str
    rendered: Rendered
    part: bytes


@dataclass(frozen=True)
class Rendering:
    briefs: dict[str, tuple[Rendered, bytes]]  # by case study source: the PDF and its part
    fronts: dict[str, Front] = field(default_factory=dict)  # by HTML


_WORKER: dict[str, Engine] = {}


def _render_job(engine: Engine, job: Job) -> tuple[Rendered, bytes]:
    """The brief, and its PDF read for the collection (done here, in parallel)."""
    result = engine.render(job.html, job.page_url)
    return result, (b"" if result.problems else part_of(result.data))


def part_of(data: bytes, links: bool = False) -> bytes:
    """A PDF read for the merge (pdf/merge.py); empty if it cannot be."""
    try:
        return read_part(data, links=links).to_bytes()
    except NotMergeable:
        return b""


def guessed(counts: Sequence[int]) -> list[int]:
    """The page counts, each unknown one (0) guessed: the most common of the known."""
    common = Counter(c for c in counts if c)
    guess = common.most_common(1)[0][0] if common else GUESS_WITHOUT_COUNTS
    return [c or guess for c in counts]


def _render_front(engine: Engine, job: FrontJob, counts: Sequence[int]) -> list[Front]:
    """The front matter's renders, as the collection would make them (again with its
    real length if the first guess was wrong), on the briefs' lengths known now."""
    lengths = guessed([counts[i] for i in job.briefs])
    front_pages, out = job.front_pages, []
    for _ in range(job.tries):
        try:
            html = job.html_for(lengths, front_pages)
        except Exception:  # a layout's problem: reported by the collection, made in the parent
            break
        if html is None:
            break
        result = engine.render(html, "")
        out.append(Front(html, result, b"" if result.problems else part_of(result.data, True)))
        if result.problems or result.pages == front_pages:
            break
        front_pages = result.pages
    return out


def render_jobs(
    jobs: list[Job],
    setup: EngineSetup,
    workers: int,
    progress: Progress,
    fronts: Sequence[FrontJob] = (),
    known: Mapping[int, int] | None = None,
) -> Rendering:
    """Each job's brief, rendered here or in `workers` worker processes (each with an
    engine of its own: see fresh_engine), then the `fronts`; `known`: the page counts
    known before (cached briefs), by place."""
    if not jobs:
        return Rendering({})
    parent = os.getpid()
    known = known or {}
    places = [job.index for job in jobs] + [i for f in fronts for i in f.briefs] + list(known)
    counts = RawArray("i", max(places) + 1)  # shared with the forked workers
    for index, pages in known.items():
        counts[index] = pages

    def work(chunk: Sequence[Job | FrontJob]) -> list[tuple[Rendered, bytes] | list[Front]]:
        here = os.getpid() == parent
        if here:
            engine = engine_for(setup)
        elif "engine" not in _WORKER:
            engine = _WORKER["engine"] = fresh_engine(setup)
        else:
            engine = _WORKER["engine"]
        out: list[tuple[Rendered, bytes] | list[Front]] = []
        for job in chunk:
            if isinstance(job, FrontJob):
                out.append(_render_front(engine, job, counts))
                continue
            rendered = _render_job(engine, job)
            if job.index >= 0:
                counts[job.index] = rendered[0].pages
            out.append(rendered)
            if here:
                progress.tick()  # a worker's progress is told by fork_map
        return out

    def done(count: int) -> None:
        for _ in range(count):
            progress.tick()

    items: list[Job | FrontJob] = [*jobs, *fronts]
    mapped = fork_map(work, items, workers, chunk=1, done=done)
    briefs: dict[str, tuple[Rendered, bytes]] = {}
    early: dict[str, Front] = {}
    for job, result in zip(items, mapped.results, strict=True):
        if isinstance(result, list):
            early.update((front.html, front) for front in result)
        elif isinstance(job, Job):
            briefs[job.source] = result
    return Rendering(briefs, early)
