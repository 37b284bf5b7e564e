"""Rendering the briefs that are not cached: here, or across a pool of worker processes.

Each worker has a WeasyPrint engine of its own (pdf/briefs.py: fresh_engine) and reads
each brief it renders into a part for the collection's merge (pdf/parts.py), so that
work is shared too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from casesite.parallel import fork_map
from casesite.pdf.briefs import Engine, EngineSetup, Rendered, engine_for, fresh_engine
from casesite.pdf.parts import NotMergeable, read_part
from casesite.pdf.progress import Progress


@dataclass(frozen=True)
class Job:
    source: str  # the case study's source path
    html: str
    page_url: str
    key: str


_WORKER: dict[str, Engine] = {}


def _render_job(engine: Engine, job: Job) -> tuple[Rendered, bytes]:
    """The brief, and its PDF read for the collection (done here, in parallel)."""
    result = engine.render(job.html, job.page_url)
    return result, (b"" if result.problems else part_of(result.data))


def part_of(data: bytes) -> bytes:
    """A brief's PDF read for the merge (pdf/merge.py); empty if it cannot be."""
    try:
        return read_part(data).to_bytes()
    except NotMergeable:
        return b""


def render_jobs(
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
