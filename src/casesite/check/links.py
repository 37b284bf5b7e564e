"""What a link in a case study may be, and where it leads on the built site.

Allowed: http(s) and mailto addresses, an in-page #fragment that names a heading, or a
path relative to the Markdown file that leads to another case study's file or to a file
under assets/. Everything else is a located error, so nothing unsafe or broken is published.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from casesite.check.markdown import LinkUse
from casesite.diagnostics import Diagnostic, did_you_mean, error
from casesite.validate.fields import is_web_url


@dataclass(frozen=True)
class LinkTargets:
    """Everything a link may lead to on this build."""

    pages: Mapping[str, str]  # source path -> site-relative URL ("case-studies/x/")
    fragments: Mapping[str, frozenset[str]]  # source path -> heading ids on that page
    assets: frozenset[str]
    # Case study files that exist but cannot be published because of their own errors.
    invalid: frozenset[str] = frozenset()


def relative_url(from_url: str, to_path: str) -> str:
    """A relative URL from the page at site-relative `from_url` ("a/b/") to `to_path`."""
    depth = from_url.count("/")
    return "../" * depth + to_path


def resolve_link(
    link: LinkUse, source: str, page_url: str, targets: LinkTargets
) -> tuple[str | None, Diagnostic | None]:
    href = link.href
    what = "image" if link.is_image else "link"

    def refuse(code: str, message: str, hint: str) -> tuple[str | None, Diagnostic | None]:
        return None, error(link.location, code, message, hint)

    if not href.strip():
        return refuse(
            "empty-link", f"this {what} has no address", "write the address between ( and )"
        )
    try:
        parts = urlsplit(href)
    except ValueError:
        return refuse(
            "invalid-link", f"the {what} address '{href}' cannot be read", "check it for typos"
        )
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if link.is_image:
            return refuse(
                "external-image",
                f"the image '{href}' is on another website; the page would load it from there",
                "download the image into assets/images/ and link it by a relative path",
            )
        if not is_web_url(href):
            return refuse(
                "invalid-link", f"'{href}' is not a complete web address", "check it for typos"
            )
        return href, None
    if scheme == "mailto" and not link.is_image:
        if "@" not in parts.path:
            return refuse(
                "invalid-link", f"'{href}' has no e-mail address", "write mailto:name@example.org"
            )
        return href, None
    if scheme:
        return refuse(
            "link-not-allowed",
            f"{what}s to '{scheme}:' addresses are not allowed",
            "use a web address (https://...), a mailto: address, or a path to a file of the site",
        )
    if href.startswith("//") or parts.netloc:
        return refuse(
            "link-not-allowed",
            f"'{href}' leaves out the https: at the start",
            f"write the full address: https:{href}",
        )
    if href.startswith("/"):
        return refuse(
            "link-not-allowed",
            f"'{href}' starts with '/', which points outside the site wherever it is served",
            "write the path relative to this Markdown file, e.g. other-story.md or "
            "../../assets/images/photo.jpg",
        )
    if not parts.path:  # an in-page fragment
        if link.is_image:
            return refuse(
                "missing-asset", f"'{href}' is not an image file", "link a file under assets/"
            )
        if parts.fragment not in targets.fragments.get(source, frozenset()):
            return _broken_fragment(
                link, parts.fragment, targets.fragments.get(source, frozenset())
            )
        return f"#{parts.fragment}", None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(parts.path)))
    if target.startswith("../") or target == "..":
        return refuse(
            "link-outside-site",
            f"'{href}' leads outside the site's folder",
            "link only to case studies and to files under assets/",
        )
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if target in targets.pages and not link.is_image:
        if parts.fragment and parts.fragment not in targets.fragments.get(target, frozenset()):
            return _broken_fragment(
                link, parts.fragment, targets.fragments.get(target, frozenset())
            )
        return relative_url(page_url, targets.pages[target]) + fragment, None
    if target in targets.assets:
        return relative_url(page_url, target) + fragment, None
    if target in targets.invalid and not link.is_image:
        return refuse(
            "broken-link",
            f"the {what} '{href}' leads to '{target}', which cannot be published until its "
            "own errors are fixed",
            f"fix the errors reported for {target}; this link then works as it is",
        )
    known = set(targets.assets) | set(targets.pages)
    suggestion = did_you_mean(target, known)
    return refuse(
        "broken-link",
        f"the {what} '{href}' leads to '{target}', which is not "
        + ("a published case study or " if target.startswith("content/") else "")
        + "a file of the site"
        + (f"; {suggestion}" if suggestion else ""),
        "paths are relative to this Markdown file: another case study is 'its-slug.md', "
        "a file under assets/ is '../../assets/...'",
    )


def _broken_fragment(
    link: LinkUse, fragment: str, ids: frozenset[str]
) -> tuple[str | None, Diagnostic | None]:
    suggestion = did_you_mean(fragment, ids)
    return None, error(
        link.location,
        "broken-fragment",
        f"there is no heading with the id '#{fragment}' to link to"
        + (f"; {suggestion}" if suggestion else ""),
        "a heading's id is its text in lower case with hyphens for spaces: "
        + (", ".join(f"#{i}" for i in sorted(ids)) if ids else "this page has no headings"),
    )
