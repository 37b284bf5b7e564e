"""One way to fan work out across processes: fork_map, and one rule for how many workers.

The parsing of files, the rendering of pages and the rendering of PDF briefs all go
through fork_map. It says whether it forked (Mapped.forked): work done in worker
processes must be recorded by the parent, work done in the parent already is, and only
the one who forks knows which it was. Workers never outlive the process that forked
them, however it ends (kill -9 included): each asks the kernel to end it when its parent
dies.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items of cheap work (a file to parse, a page to render), one process is
# quicker than starting workers; costly items (a PDF brief) gain from two already.
CHEAP_FROM = 48
COSTLY_FROM = 2
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _find_prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up now: a child of a process with threads should not load a
    library between fork and exec."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        found: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return found


_PRCTL = _find_prctl()


@dataclass(frozen=True)
class Mapped(Generic[R]):
    """fork_map's results, in the order of its items, and whether worker processes (not
    this one) did the work."""

    results: list[R]
    forked: bool


def cores() -> int:
    """The processors this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def jobs_for(count: int, jobs: int, costly: bool = False) -> int:
    """How many processes to use for `count` items of work: `jobs` (0 = one per core), no
    more than there are items, and one when `jobs` is 0 and there are too few items to
    gain from more (CHEAP_FROM, or COSTLY_FROM for `costly` items)."""
    if jobs == 0 and count < (COSTLY_FROM if costly else CHEAP_FROM):
        return 1
    return max(1, min(jobs or cores(), count))


def can_fork() -> bool:
    """Whether this process may fork workers: not when another thread runs (the dev
    server's, or one left by a caller): a fork copies only the calling thread, and any
    lock another one holds at that moment, never to be released in the child."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def end_with_parent() -> None:
    """In a child process (a worker, or a tool such as Pagefind before it starts): be
    ended by the kernel when the parent dies (Linux; kept across exec)."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def die_with_parent() -> None:
    """In a forked worker: end_with_parent(), and end now if the parent has already died."""
    parent = _PARENT
    end_with_parent()
    if parent is not None and os.getppid() != parent:
        os._exit(1)


_PARENT: int | None = None


def fork_map(
    work: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    jobs: int,
    meanwhile: Callable[[], None] | None = None,
    chunk: int = 0,
    done: Callable[[int], None] | None = None,
) -> Mapped[R]:
    """work() over `items` in `jobs` forked worker processes, results in the order of
    `items`; `meanwhile()` runs in this process while they work (or after, without
    workers); `done(n)` is told each time a worker has done n more items (work done here
    tells its own progress). Without workers (one job, one item, or a process that may not
    fork) the work is done here.

    The children inherit the parent's memory, so `work` may read any value computed
    before the call without it being sent. The items go out in chunks of `chunk` items,
    or (0) in chunks that shrink towards the end, so no answer is a large message and the
    workers stay evenly busy."""
    if jobs <= 1 or len(items) < 2 or not can_fork():
        results = work(items)
        if meanwhile is not None:
            meanwhile()
        return Mapped(results, forked=False)
    global _FORKED, _PARENT
    chunks = _chunks(items, jobs) if chunk <= 0 else _fixed(items, chunk)
    _FORKED, _PARENT = (work, chunks), os.getpid()  # read by the children, copies of this one
    parts: dict[int, list[R]] = {}
    # Objects that exist now are left out of the children's garbage collection: a
    # collection would touch them all, copying each shared memory page into the child.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=die_with_parent) as pool:
            answers = pool.imap_unordered(_run_chunk, range(len(chunks)))
            if meanwhile is not None:
                meanwhile()
            for index, part in answers:
                parts[index] = part
                if done is not None:
                    done(len(part))
    finally:
        _FORKED = None
        gc.unfreeze()
    return Mapped([r for index in range(len(chunks)) for r in parts[index]], forked=True)


def _chunks(items: Sequence[T], jobs: int) -> list[Sequence[T]]:
    """`items` in chunks for the workers: at most 64 items, and smaller towards the end (an
    eighth of what is left for each worker, down to 4), so that the workers finish at about
    the same time rather than one waiting for the other's last large chunk."""
    chunks = []
    start = 0
    while start < len(items):
        size = max(4, min(64, (len(items) - start) // (jobs * 4)))
        chunks.append(items[start : start + size])
        start += size
    return chunks


def _fixed(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


_FORKED: tuple[Callable[[Any], list[Any]], list[Any]] | None = None


def _run_chunk(index: int) -> tuple[int, list[Any]]:
    assert _FORKED is not None, "fork_map's children inherit the work from the parent"
    work, chunks = _FORKED
    return index, work(chunks[index])
