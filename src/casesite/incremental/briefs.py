"""A content-addressed cache of rendered briefs in `.casesite-cache/briefs/` at the site root.

The key of a brief is the sha256 of the engine key (WeasyPrint's version, the PDF variant,
the bytes of the stylesheets and of every font and file they read) and the brief's HTML.
Each entry also lists the assets the document itself read (logos, images) with their
hashes: an entry is used only while every one of them is unchanged. So an unchanged brief
is never rendered again, and a change to its text, the layout, the stylesheet, a font or
an image it shows renders exactly the briefs that depend on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

CACHE_DIR = ".casesite-cache/briefs"
FRONT_HINT = "front-pages"  # the collection's front matter length, a first guess only


@dataclass(frozen=True)
class CachedBrief:
    data: bytes
    pages: int
    assets: Mapping[str, str]  # the assets it was made from: rel -> sha256
    keep: tuple[str, ...] = ()  # other entries it was made from, kept while it is


def brief_key(engine_key: str, html: str) -> str:
    return hashlib.sha256(f"{engine_key}\0".encode() + html.encode("utf-8")).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class BriefCache:
    """`mode`: "write" (read and write), "read" (read only) or "off" (neither)."""

    def __init__(self, root: Path, mode: str = "write") -> None:
        self.folder = root / CACHE_DIR
        self.reads = mode in ("read", "write")
        self.writes = mode == "write"

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}.json", self.folder / f"{key}.pdf"

    def get(self, key: str, digest: Callable[[str], str | None]) -> CachedBrief | None:
        """The cached PDF, if present, intact and made from the assets as they are now."""
        if not self.reads:
            return None
        meta_path, pdf_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            data = pdf_path.read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("sha256") != hashlib.sha256(data).hexdigest():
            return None
        assets = meta.get("assets")
        if not isinstance(assets, dict):
            return None
        if any(digest(rel) != value for rel, value in assets.items()):
            return None
        pages = meta.get("pages")
        if not isinstance(pages, int):
            return None
        keep = tuple(str(k) for k in meta.get("keep", ()))
        return CachedBrief(data, pages, {str(k): str(v) for k, v in assets.items()}, keep)

    def put(
        self,
        key: str,
        data: bytes,
        pages: int,
        assets: Mapping[str, str],
        keep: Iterable[str] = (),
    ) -> None:
        """Store a render; a cache that cannot be written only costs time later."""
        if not self.writes:
            return
        meta: dict[str, object] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "pages": pages,
            "assets": dict(sorted(assets.items())),
        }
        if keep:
            meta["keep"] = list(keep)
        meta_path, pdf_path = self._paths(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(pdf_path, data)
            _write_atomic(meta_path, json.dumps(meta, indent=1).encode())
        except OSError:
            pass

    def get_part(self, key: str) -> bytes | None:
        """The entry's PDF read for merging (pdf_merge.py), if stored."""
        if not self.reads:
            return None
        try:
            stored = (self.folder / f"{key}.part").read_bytes()
        except OSError:
            return None
        digest, _, data = stored.partition(b"\n")
        return data if digest == hashlib.sha256(data).hexdigest().encode() else None

    def put_part(self, key: str, data: bytes) -> None:
        if not self.writes:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stored = hashlib.sha256(data).hexdigest().encode() + b"\n" + data
            _write_atomic(self.folder / f"{key}.part", stored)
        except OSError:
            pass

    def front_hint(self, count: int) -> int | None:
        """How long the collection's front matter was, last time, for `count` entries."""
        if not self.reads:
            return None
        try:
            hints = json.loads((self.folder / f"{FRONT_HINT}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        value = hints.get(str(count)) if isinstance(hints, dict) else None
        return value if isinstance(value, int) and value > 0 else None

    def put_front_hint(self, count: int, pages: int) -> None:
        if not self.writes or self.front_hint(count) == pages:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = json.dumps({str(count): pages}).encode()
            _write_atomic(self.folder / f"{FRONT_HINT}.json", data)
        except OSError:
            pass

    def style_reads(self, style: str, digest: Callable[[str], str | None]) -> dict[str, str] | None:
        """The files the stylesheets named `style` read when last parsed, if all unchanged."""
        if not self.reads:
            return None
        try:
            reads = json.loads((self.folder / f"style-{style}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(reads, dict) or any(digest(k) != v for k, v in reads.items()):
            return None
        return {str(k): str(v) for k, v in reads.items()}

    def put_style_reads(self, style: str, reads: Mapping[str, str]) -> None:
        if not self.writes:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = json.dumps(dict(sorted(reads.items())), indent=1).encode()
            _write_atomic(self.folder / f"style-{style}.json", data)
        except OSError:
            pass

    def prune(self, keep: Iterable[str]) -> None:
        """Remove every entry not in `keep` (after a full build)."""
        wanted = {*keep, FRONT_HINT}
        if not self.writes or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            stem = path.stem.removeprefix("style-")
            if stem not in wanted and path.suffix in (".json", ".pdf", ".part"):
                path.unlink(missing_ok=True)


class AssetDigests:
    """sha256 of each site asset, computed at most once per build."""

    def __init__(self, root: Path, assets: frozenset[str], generated: Mapping[str, bytes]) -> None:
        self.root = root
        self.assets = assets
        self.generated = generated
        self.known: dict[str, str | None] = {}

    def __call__(self, rel: str) -> str | None:
        if rel not in self.known:
            self.known[rel] = self._digest(rel)
        return self.known[rel]

    def _digest(self, rel: str) -> str | None:
        if rel in self.generated:
            return hashlib.sha256(self.generated[rel]).hexdigest()
        if rel not in self.assets:
            return None
        try:
            return hashlib.sha256((self.root / rel).read_bytes()).hexdigest()
        except OSError:
            return None
