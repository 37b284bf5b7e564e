"""WOFF2 fonts decompressed for WeasyPrint: once per process, kept in the build cache, and
with workers, ahead of the engine in other processes.

WeasyPrint would decompress each WOFF2 font of the brief's @font-face rules when it parses
the stylesheets; the fetcher (pdf/fetcher.py) hands it the font `decompressed` gives
instead: the same bytes (the same fontTools call), kept in this process (forked workers
inherit them) and in the build cache. Decompressing took most of an engine's start-up
(0.3 of 0.37 s of CPU, 12 fonts). `decompress_ahead` does it in worker processes while
this one goes on with other work (importing WeasyPrint), so that the engine made here
afterwards, and the workers forked after it, find the fonts done. This module imports
neither WeasyPrint nor the fetcher.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from casesite.incremental.store import Store, digest
from casesite.parallel import fork_map

FONTS = "fonts"  # in the build cache: WOFF2 fonts decompressed once, by content digest
MAGIC = b"wOF2"  # how a WOFF2 file starts (the fetcher decompresses by this, not by name)

# WOFF2 fonts decompressed in this process, by the digest of their compressed bytes.
_DECOMPRESSED: dict[str, bytes] = {}


def is_woff2(data: bytes) -> bool:
    return data[:4] == MAGIC


def _entry(font_digest: str) -> str:
    return f"{FONTS}/{font_digest}.ttf"


def decompress(data: bytes) -> bytes:
    """The font WeasyPrint would make of a WOFF2 file (the same fontTools call)."""
    from fontTools.ttLib import woff2  # type: ignore[import-untyped]

    out = io.BytesIO()
    woff2.decompress(io.BytesIO(data), out)
    return out.getvalue()


def decompressed(data: bytes, font_digest: str, store: Store | None) -> bytes:
    """The WOFF2 font `data` (whose digest is `font_digest`) decompressed: from this
    process, or from `store` (the build cache), or decompressed now and kept in both."""
    name = _entry(font_digest)
    font = _DECOMPRESSED.get(font_digest)
    if font is None:
        # Each entry is sealed (incremental.store): a damaged entry is noticed and made
        # again, never embedded.
        kept = store.read(name) if store is not None else None
        font = _DECOMPRESSED[font_digest] = kept if kept is not None else decompress(data)
    if store is not None and not store.path(name).exists():
        store.write(name, font)
    return font


def _decompress_each(fonts: Sequence[bytes]) -> list[bytes]:
    return [decompress(data) for data in fonts]


def decompress_ahead(
    paths: Iterable[Path], store: Store | None, workers: int, meanwhile: Callable[[], None]
) -> int:
    """The WOFF2 fonts among the files at `paths`, decompressed in `workers` worker
    processes while `meanwhile()` runs in this one, and kept for `decompressed`: each one
    not already in this process or in `store`. Returns how many were decompressed."""
    todo: dict[str, bytes] = {}
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue  # the fetcher reports it, if a brief needs it
        if not is_woff2(data):
            continue
        font_digest = digest(data)
        if font_digest in _DECOMPRESSED or font_digest in todo:
            continue
        if store is not None and store.path(_entry(font_digest)).exists():
            continue  # read from the cache when it is needed: far quicker than this
        todo[font_digest] = data
    fonts = list(todo.values())
    made = fork_map(_decompress_each, fonts, workers, meanwhile, chunk=1).results
    for font_digest, font in zip(todo, made, strict=True):
        _DECOMPRESSED[font_digest] = font
        if store is not None:
            store.write(_entry(font_digest), font)
    return len(fonts)
