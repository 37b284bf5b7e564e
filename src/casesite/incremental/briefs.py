"""A content-addressed cache of rendered briefs in `.casesite-cache/briefs/` at the site root.

The key of a brief is the digest (incremental.store) of the engine key (WeasyPrint's
version, the PDF variant, the font subsetter, the stylesheets and every font and file they
read) and the brief's HTML.
Each entry also lists the assets the document itself read (logos, images) with their
hashes: an entry is used only while every one of them is unchanged. So an unchanged brief
is never rendered again, and a change to its text, the layout, the stylesheet, a font or
an image it shows renders exactly the briefs that depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from casesite.incremental.store import Store, digest

FOLDER = "briefs"  # in the build cache
FRONT_HINT = "front-pages"  # the collection's front matter length, a first guess only


@dataclass(frozen=True)
class CachedBrief:
    data: bytes
    pages: int
    assets: Mapping[str, str]  # the assets it was made from: rel -> digest
    keep: tuple[str, ...] = ()  # other entries it was made from, kept while it is


def brief_key(engine_key: str, html: str) -> str:
    return digest(engine_key, html)


def _keep(meta: dict[str, object]) -> tuple[str, ...]:
    keep = meta.get("keep", ())
    return tuple(str(k) for k in keep) if isinstance(keep, list) else ()


class BriefCache:
    """Briefs in the build cache's folder briefs/: for each key, a record (pages, the
    assets it was made from, the digest of the PDF) and the PDF as it is (so it can be
    looked at); the record is sealed like every entry of the store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.reads = store.mode.reads
        self.writes = store.mode.writes

    def get(self, key: str, digests: Callable[[str], str | None]) -> CachedBrief | None:
        """The cached PDF, if present, intact and made from the assets as they are now."""
        meta = self.store.read_json(f"{FOLDER}/{key}.json")
        if not isinstance(meta, dict):
            return None
        data = self.store.read_raw(f"{FOLDER}/{key}.pdf")
        pages, assets = meta.get("pages"), meta.get("assets")
        if data is None or not isinstance(pages, int) or not isinstance(assets, dict):
            return None
        if meta.get("pdf") != digest(data):
            self.store.discard(f"{FOLDER}/{key}.pdf", "not the PDF its record lists")
            return None
        if any(digests(rel) != value for rel, value in assets.items()):
            return None
        return CachedBrief(data, pages, {str(k): str(v) for k, v in assets.items()}, _keep(meta))

    def put(
        self,
        key: str,
        data: bytes,
        pages: int,
        assets: Mapping[str, str],
        keep: Iterable[str] = (),
    ) -> None:
        """Store a render; a cache that cannot be written only costs time later."""
        meta: dict[str, object] = {
            "pdf": digest(data),
            "pages": pages,
            "assets": dict(sorted(assets.items())),
        }
        if keep:
            meta["keep"] = list(keep)
        self.store.write_raw(f"{FOLDER}/{key}.pdf", data)
        self.store.write_json(f"{FOLDER}/{key}.json", meta)

    def get_part(self, key: str) -> bytes | None:
        """The entry's PDF read for merging (pdf/parts.py), if stored."""
        return self.store.read(f"{FOLDER}/{key}.part")

    def put_part(self, key: str, data: bytes) -> None:
        self.store.write(f"{FOLDER}/{key}.part", data)

    def front_hint(self, count: int) -> int | None:
        """How long the collection's front matter was, last time, for `count` entries."""
        hints = self.store.read_json(f"{FOLDER}/{FRONT_HINT}.json")
        value = hints.get(str(count)) if isinstance(hints, dict) else None
        return value if isinstance(value, int) and value > 0 else None

    def put_front_hint(self, count: int, pages: int) -> None:
        """Remember the length for `count` entries, beside the other counts' (a build makes
        collections of several sizes: per language, per programme)."""
        if self.writes and self.front_hint(count) != pages:
            hints = self.store.read_json(f"{FOLDER}/{FRONT_HINT}.json")
            kept = hints if isinstance(hints, dict) else {}
            kept = {k: v for k, v in kept.items() if isinstance(v, int)}
            kept[str(count)] = pages
            self.store.write_json(f"{FOLDER}/{FRONT_HINT}.json", dict(sorted(kept.items())))

    def style_reads(
        self, style: str, digests: Callable[[str], str | None]
    ) -> dict[str, str] | None:
        """The files the stylesheets named `style` read when last parsed, if all unchanged."""
        reads = self.store.read_json(f"{FOLDER}/style-{style}.json")
        if not isinstance(reads, dict) or any(digests(k) != v for k, v in reads.items()):
            return None
        return {str(k): str(v) for k, v in reads.items()}

    def put_style_reads(self, style: str, reads: Mapping[str, str]) -> None:
        self.store.write_json(f"{FOLDER}/style-{style}.json", dict(sorted(reads.items())))

    def prune(self, keep: Iterable[str]) -> None:
        """Remove every entry not in `keep` (after a full build)."""
        wanted = {*keep, FRONT_HINT}
        if not self.writes:
            return
        for name in self.store.names(FOLDER):
            path = PurePosixPath(name)
            stem = path.stem.removeprefix("style-")
            if stem not in wanted and path.suffix in (".json", ".pdf", ".part"):
                self.store.remove(name)


class AssetDigests:
    """The digest of each site asset, computed at most once per build."""

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
            return digest(self.generated[rel])
        if rel not in self.assets:
            return None
        try:
            return digest((self.root / rel).read_bytes())
        except OSError:
            return None
