"""The build cache, .casesite-cache/ at the site root: one store for every kind of entry.

One hash (BLAKE2b) for every key and digest; one atomic write; one cache mode. Every entry
is sealed: it starts with a header naming the entry and the digest of its name and its
bytes, checked before use. A damaged, truncated or foreign entry (one that was moved or
copied under another name) is discarded with a note on stderr and made again, so a build
with a damaged cache publishes exactly what a clean build publishes. Entries are values
casesite made itself; the cache is the build's own, written into the site's folder.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import importlib.metadata
import json
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TextIO

CACHE_DIR = ".casesite-cache"
SEAL = b"casesite-cache-1 "  # then the entry's name, a space, its digest, a newline
DIGEST_BYTES = 20
# What unpickling an entry written by other code may raise (a class renamed since).
UNPICKLE_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ImportError,
    IndexError,
    TypeError,
    ValueError,
)


class CacheMode(enum.Enum):
    """How a command may use the build cache."""

    WRITE = "write"  # read and write (a build)
    READ = "read"  # read only (check, quotes: they write nothing)
    OFF = "off"  # neither (build --no-cache)

    @property
    def reads(self) -> bool:
        return self is not CacheMode.OFF

    @property
    def writes(self) -> bool:
        return self is CacheMode.WRITE


def digest(*parts: bytes | str) -> str:
    """The one keying scheme: BLAKE2b of the parts, each kept apart from the next."""
    h = hashlib.blake2b(digest_size=DIGEST_BYTES)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


@cache
def code_digest() -> bytes:
    """casesite's own code and the parser versions: a change to either empties the cache."""
    h = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent.parent  # src/casesite
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".po", ".json") and path.is_file():  # code, catalogues
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for dist in ("markdown-it-py", "mdit-py-plugins", "pyyaml", "babel", "pycountry"):
        h.update(f"{dist}={version(dist)}".encode())
    h.update(sys.version.encode())
    return h.digest()


def version(dist: str) -> str:
    """An installed distribution's version ('missing' when it is not installed)."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that no reader ever sees part of it: into a temporary
    file beside it, then renamed over it. Raises OSError; leaves no temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def seal(name: str, data: bytes) -> bytes:
    return SEAL + name.encode() + b" " + digest(name, data).encode() + b"\n" + data


def unseal(name: str, stored: bytes) -> bytes | None:
    """The entry's bytes, or None when it is damaged, truncated or not `name`'s."""
    header, newline, data = stored.partition(b"\n")
    if not newline or not header.startswith(SEAL):
        return None
    said_name, _, said_digest = header[len(SEAL) :].rpartition(b" ")
    if said_name != name.encode() or said_digest != digest(name, data).encode():
        return None
    return data


class Store:
    """The build cache of one site. Entries are named by their path in the cache folder,
    'files.pickle' or 'briefs/<key>.json'. `notes`: where a discarded entry is told."""

    def __init__(
        self, root: Path, mode: CacheMode = CacheMode.WRITE, notes: TextIO | None = None
    ) -> None:
        self.folder = root / CACHE_DIR
        self.mode = mode
        self.notes = notes if notes is not None else sys.stderr

    def path(self, name: str) -> Path:
        return self.folder.joinpath(*PurePosixPath(name).parts)

    def discard(self, name: str, why: str) -> None:
        self.notes.write(
            f"casesite: note: the cache entry {CACHE_DIR}/{name} is {why}; "
            "it is not used, and made again\n"
        )
        if self.mode.writes:
            self.path(name).unlink(missing_ok=True)

    def read(self, name: str) -> bytes | None:
        """An entry's bytes; None when there is none (or the mode reads nothing), or when
        it is damaged (then discarded, with a note)."""
        if not self.mode.reads:
            return None
        try:
            stored = self.path(name).read_bytes()
        except OSError:
            return None
        data = unseal(name, stored)
        if data is None:
            self.discard(name, "damaged or not what its name says")
        return data

    def write(self, name: str, data: bytes) -> None:
        """Keep an entry; a cache that cannot be written only makes a later build slower."""
        if not self.mode.writes:
            return
        self.write_raw(name, seal(name, data))

    def read_raw(self, name: str) -> bytes | None:
        """An entry stored as it is, without a seal: only for an entry whose digest a
        sealed one holds (a brief's PDF, listed with its digest in the brief's record)."""
        if not self.mode.reads:
            return None
        try:
            return self.path(name).read_bytes()
        except OSError:
            return None

    def write_raw(self, name: str, data: bytes) -> None:
        if not self.mode.writes:
            return
        with contextlib.suppress(OSError):  # it only makes a later build slower
            write_atomic(self.path(name), data)

    def read_json(self, name: str) -> object | None:
        data = self.read(name)
        if data is None:
            return None
        try:
            value: object = json.loads(data)
            return value
        except ValueError:
            self.discard(name, "not readable")
            return None

    def write_json(self, name: str, value: object) -> None:
        self.write(name, json.dumps(value, sort_keys=True, separators=(",", ":")).encode())

    def read_pickle(self, name: str, accept: Callable[[object], bool]) -> object | None:
        """An entry written by write_pickle, when `accept` takes its value."""
        data = self.read(name)
        if data is None:
            return None
        try:
            value = pickle.loads(data)  # sealed: casesite's own bytes, as it wrote them
        except UNPICKLE_ERRORS:
            value = None  # written by other code: its classes have changed since
        return value if accept(value) else None

    def write_pickle(self, name: str, value: object) -> None:
        self.write(name, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))

    def remove(self, name: str) -> None:
        if self.mode.writes:
            self.path(name).unlink(missing_ok=True)

    def names(self, folder: str) -> list[str]:
        """The entries in a folder of the cache, sorted."""
        try:
            found = sorted(p.name for p in self.path(folder).iterdir() if p.is_file())
        except OSError:
            return []
        return [f"{folder}/{name}" for name in found]
