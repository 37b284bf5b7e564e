"""Rendered pages by what they are made from, kept in the build cache as pages.pickle.

A page's key is a digest of casesite's code, every layout file, the page's address and
every value its layout is given. A page whose key is the same as in the last build, and
whose output file nobody has touched since, is taken from the current output (linked, as
publish.Staging does for unchanged files) with its link scan, instead of rendered again.
Values that every page shares (the facet links, the cards' facet keys) are digested once
per build. A layout can only read the values it is given (the Jinja environment has no
globals that read files or the time), so the same key gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType
from typing import Any

import jinja2

from casesite.incremental.store import Store, code_digest, digest
from casesite.publish import Staging

PAGES_ENTRY = "pages.pickle"  # in the build cache

# A page's ids and the addresses it refers to, as the link check scans them:
# (ids, ((tag, attribute, value, line), ...)). Kept with the page, not made again with it.
PageScan = tuple[tuple[str, ...], tuple[tuple[str, str, str, int], ...]]
Entry = tuple[str, str, PageScan]  # (page, digest of its bytes, its link scan)


def layouts_digest(root: Path) -> bytes:
    """Every file under layouts/: a layout may include or extend any of them."""
    h = hashlib.blake2b(digest_size=16)
    folder = root / "layouts"
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.digest()


@dataclass
class PageKeys:
    """Keys of the pages of one build."""

    base: bytes  # code, layouts, Jinja's version
    shared: Mapping[str, Any]  # context values the same object on every page

    def __post_init__(self) -> None:
        self._digests: dict[str, bytes] = {}

    def key(self, page: str, context: Mapping[str, Any]) -> str | None:
        """None when a value cannot be digested (the page is then always rendered)."""
        values: list[tuple[str, object]] = []
        try:
            for name in sorted(context):
                value = context[name]
                if isinstance(value, FunctionType):
                    continue  # card(): a layout of its own over values that are in the context
                if name in self.shared and self.shared[name] is value:
                    if name not in self._digests:
                        self._digests[name] = hashlib.blake2b(
                            _dumps(value), digest_size=20
                        ).digest()
                    value = self._digests[name]
                values.append((name, value))
            data = _dumps((self.base, page, values))
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError, ValueError):
            return None
        return digest(data)


def _dumps(value: object) -> bytes:
    """The pickle of a value without back-references ("fast" mode): equal values give equal
    bytes whether or not their parts are the same objects (they are after a cache load)."""
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return stream.getvalue()


def base_key(root: Path) -> bytes:
    return code_digest() + layouts_digest(root) + jinja2.__version__.encode()


def _is_entries(value: object) -> bool:
    return isinstance(value, dict)


def _is_scan(value: object) -> bool:
    """Whether a cached value has the shape of a PageScan (the cache file may be damaged)."""
    if not (isinstance(value, tuple) and len(value) == 2):
        return False
    ids, refs = value
    return (
        isinstance(ids, tuple)
        and isinstance(refs, tuple)
        and all(isinstance(r, tuple) and len(r) == 4 for r in refs)
    )


class PageCache:
    """The pages of the last build by key; `found` holds what this build used or made."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self.found: dict[str, Entry] = {}
        loaded = store.read_pickle(PAGES_ENTRY, _is_entries) if store is not None else None
        self.entries: dict[str, Entry] = loaded if isinstance(loaded, dict) else {}

    def reuse(self, staging: Staging, key: str | None, page: str) -> PageScan | None:
        """Take `page` from the current output when its key is known and the file is as
        the last build left it; its link scan, or None when it is not taken."""
        if self.store is None or key is None:
            return None
        entry = self.entries.get(key)
        if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == page):
            return None
        _, found, scan = entry
        if not _is_scan(scan) or not staging.reuse(page, found):
            return None
        return scan

    def remember(self, key: str | None, entry: Entry) -> None:
        if self.store is not None and key is not None:
            self.found[key] = entry

    def save(self) -> None:
        if self.store is not None and self.found != self.entries:
            self.store.write_pickle(PAGES_ENTRY, dict(sorted(self.found.items())))
