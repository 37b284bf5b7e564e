"""What a brief may read: the site-relative asset a URL of the brief names, or why not.

Free of WeasyPrint, so the checks that read stylesheets can use it without loading the
engine (a build with nothing to render never starts WeasyPrint)."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from casesite.core import SITE_ROOT_URL

_PREFIX = urlsplit(SITE_ROOT_URL).path
ASSETS = "assets/"


class Refused(ValueError):
    """A URL the brief may not read."""


def page_base_url(page_url: str) -> str:
    """The base URL a page at `page_url` (site-relative, e.g. 'case-studies/x/') renders with."""
    return SITE_ROOT_URL + page_url


def asset_rel(url: str) -> str:
    """The site-relative path ('assets/...') a URL names, or raise Refused saying why."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme != "file":
        what = f"a '{scheme}:' address" if scheme else "an address without a scheme"
        raise Refused(f"{what} ({_short(url)}); a brief may only use files under assets/")
    path = unquote(parts.path)
    if parts.netloc or not path.startswith(_PREFIX):
        raise Refused(f"a file outside the site ({_short(path or url)})")
    rel = path[len(_PREFIX) :]
    pure = PurePosixPath(rel)
    if (
        not rel.startswith(ASSETS)
        or rel.endswith("/")
        or "\\" in rel
        or "\0" in rel
        or any(p in ("", ".", "..") or p.startswith(".") for p in rel.split("/"))
        or pure.is_absolute()
    ):
        raise Refused(f"'{rel or '/'}', which is not a file under assets/")
    return rel


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."
