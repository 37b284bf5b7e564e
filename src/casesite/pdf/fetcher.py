"""The only way WeasyPrint may read a file: the site's own assets, through a virtual root.

A brief is rendered with the base URL ``file:///casesite-site/<page url>``, so its relative
links resolve inside that virtual site. `AssetFetcher` answers a URL only when it names a
file of the site's assets list (``assets/...``, checked by the pipeline: no symbolic link,
no dotfile) or a generated asset such as ``assets/theme.css``. Everything else is refused
and recorded: any other ``file:`` path (``/etc/passwd``, ``../../``), ``data:``, ``http(s):``,
``ftp:``. Refusals are build errors, whatever WeasyPrint itself does with them.
"""

from __future__ import annotations

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
from casesite.pdf.fontfiles import decompressed, is_woff2

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
        if is_woff2(data):
            data, kind = decompressed(data, digest, self.font_cache), "font/ttf"
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

    def reset(self) -> None:
        self.refused.clear()
        self.read.clear()
