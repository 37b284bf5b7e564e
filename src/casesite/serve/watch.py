"""Watching the site's sources for `casesite serve`: snapshots, changes, and a debouncer.

Plain functions and values, no threads and no clock of their own, so that they can be
tested directly; the dev server calls them on a timer.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# What a build reads. Everything else in the site folder (.git, _site, .venv, ...) is ignored.
WATCHED = ("content", "layouts", "assets")

# (modification time in ns, size, inode): an atomic save by an editor changes the inode.
Signature = tuple[int, int, int]
Snapshot = Mapping[str, Signature]


def is_noise(name: str) -> bool:
    """Files no build reads: dotfiles, editor swap, backup and lock files."""
    return (
        name.startswith((".", "#"))
        or name.endswith(("~", ".swp", ".swx", ".tmp"))
        or name == "4913"  # vim's probe that a folder is writable
    )


def snapshot(root: Path, folders: Iterable[str] = WATCHED) -> dict[str, Signature]:
    """Every watched file under `root`, by posix path relative to it. Links are not followed."""
    found: dict[str, Signature] = {}
    pending = [root / f for f in folders]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:  # missing, or removed while we looked: the build will say so
            continue
        for entry in entries:
            if is_noise(entry.name):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            rel = Path(entry.path).relative_to(root).as_posix()
            found[rel] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return found


def changed_paths(before: Snapshot, after: Snapshot) -> frozenset[str]:
    """Files added, removed or modified between two snapshots."""
    return frozenset(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )


def styles_only(paths: Iterable[str]) -> bool:
    """True when every change is a stylesheet under assets/: the browser can swap it in place."""
    items = list(paths)
    return bool(items) and all(
        p.startswith("assets/") and PurePosixPath(p).suffix == ".css" for p in items
    )


def emptied(paths: Iterable[str], now: Snapshot) -> frozenset[str]:
    """The changed files that are now empty: most likely an editor is between truncating
    a file and writing it again."""
    return frozenset(p for p in paths if p in now and now[p][1] == 0)


@dataclass
class Debouncer:
    """Collects changes and says when to rebuild: once the files have been quiet for `quiet`
    seconds and none of them is empty (half-saved), or at the latest `longest` seconds after
    the first change (a long copy still shows progress). Many files changed together give
    one rebuild."""

    quiet: float = 0.05
    longest: float = 1.0
    pending: set[str] = field(default_factory=set)
    empty: set[str] = field(default_factory=set)
    first: float | None = None
    last: float | None = None

    def add(self, paths: Iterable[str], now: float, empty: Iterable[str] = ()) -> None:
        """Changed `paths`; those of them in `empty` are empty files now."""
        items = set(paths)
        if not items:
            return
        self.pending |= items
        self.empty = (self.empty - items) | (items & set(empty))
        if self.first is None:
            self.first = now
        self.last = now

    def due(self, now: float) -> frozenset[str] | None:
        """The changed paths if a rebuild is due now (and forget them), else None."""
        if self.first is None or self.last is None:
            return None
        settled = now - self.last >= self.quiet and not self.empty
        if not settled and now - self.first < self.longest:
            return None
        paths = frozenset(self.pending)
        self.pending.clear()
        self.empty.clear()
        self.first = self.last = None
        return paths
