"""The only way WeasyPrint may read a file: the site's own assets, through a virtual root.

A brief is rendered with the base URL ``file:///casesite-site/<page url>``, so its relative
links resolve inside that virtual site. `AssetFetcher` answers a URL only when it names a
file of the site's assets list (``assets/...``, checked by the pipeline: no symbolic link,
no dotfile) or a generated asset such as ``assets/theme.css``. Everything else is refused
and recorded: any other ``file:`` path (``/etc/passwd``, ``../../``), ``data:``, ``http(s):``,
``ftp:``. Refusals are build errors, whatever WeasyPrint itself does with them.
"""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse

from casesite.core import SITE_ROOT_URL
from casesite.incremental.store import Store
from casesite.incremental.store import digest as store_digest
from casesite.pdf.addresses import Refused, asset_rel

FONTS = "fonts"  # in the build cache: WOFF2 fonts decompressed once, by content digest
TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


# WOFF2 fonts decompressed in this process, by the SHA-256 of their compressed bytes.
_DECOMPRESSED: dict[str, bytes] = {}


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """Serve the files in `allowed` (site-relative 'assets/...' paths) from `root`, and
    `generated` ones from memory; refuse and record everything else."""

    def __init__(
        self,
        root: Path,
        allowed: frozenset[str],
        generated: Mapping[str, bytes] | None = None,
        font_cache: Store | None = None,
    ) -> None:
        super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False)
        self.root = root
        self.allowed = allowed
        self.generated: Mapping[str, bytes] = MappingProxyType(dict(generated or {}))
        self.refused: list[str] = []  # plain-words reasons, in order
        self.read: dict[str, str] = {}  # rel -> digest of the asset's bytes (the store's)
        self.font_cache = font_cache

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        try:
            rel = asset_rel(url)
            data = self._read(rel)
        except Refused as exc:
            self.refused.append(str(exc))
            raise
        digest = self.read[rel] = store_digest(data)
        kind = TYPES.get(PurePosixPath(rel).suffix.lower()) or (
            mimetypes.guess_type(rel)[0] or "application/octet-stream"
        )
        if data[:4] == b"wOF2":
            data, kind = self._decompressed(data, digest), "font/ttf"
        return URLFetcherResponse(SITE_ROOT_URL + rel, data, {"Content-Type": kind})

    def _read(self, rel: str) -> bytes:
        if rel in self.generated:
            return self.generated[rel]
        if rel not in self.allowed:
            raise Refused(f"'{rel}', which does not exist under assets/")
        path = self.root.joinpath(*PurePosixPath(rel).parts)
        if path.is_symlink() or not path.is_file():
            raise Refused(f"'{rel}', which is not a plain file under assets/")
        if not path.resolve().is_relative_to((self.root / "assets").resolve()):
            raise Refused(f"'{rel}', which leads outside assets/")
        return path.read_bytes()

    def _decompressed(self, data: bytes, digest: str) -> bytes:
        """The font WeasyPrint would decompress from WOFF2 (the same bytes: the same
        fontTools call), kept in this process (forked workers inherit it) and in the build
        cache: decompressing took most of an engine's start-up (0.3 of 0.37 s of CPU)."""
        name = f"{FONTS}/{digest}.ttf"
        font = _DECOMPRESSED.get(digest)
        if font is None:
            font = _DECOMPRESSED[digest] = self._font_from_disk(data, name)
        elif self.font_cache is not None and not self.font_cache.path(name).exists():
            self.font_cache.write(name, font)
        return font

    def _font_from_disk(self, data: bytes, name: str) -> bytes:
        # Each entry is sealed (incremental.store): a damaged entry is noticed and made
        # again, never embedded.
        kept = self.font_cache.read(name) if self.font_cache is not None else None
        if kept is not None:
            return kept
        from fontTools.ttLib import woff2  # type: ignore[import-untyped]

        out = io.BytesIO()
        woff2.decompress(io.BytesIO(data), out)
        font = out.getvalue()
        if self.font_cache is not None:
            self.font_cache.write(name, font)
        return font

    def reset(self) -> None:
        self.refused.clear()
        self.read.clear()
