"""Every internal link and #fragment of the built site must resolve.

Runs over the staging folder after every page is written and before the swap, so a layout
that links to a page, asset or heading that does not exist stops the build. The diagnostic
names the layout and the page (or case study) it was rendering.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from casesite.diagnostics import Diagnostic, Location, error
from casesite.incremental.pages import PageScan
from casesite.routes import in_search_index, page_file

# Attributes that make the browser fetch or navigate to an address.
LINK_ATTRS: Mapping[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src",),
    "script": ("src",),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "iframe": ("src",),
    "form": ("action",),
}
# Meta tags whose content is an address on this site.
META_URLS = frozenset({"og:url", "og:image", "twitter:image", "citation_pdf_url"})


@dataclass(frozen=True)
class PageOrigin:
    layout: str  # "layouts/case-study.html"
    subject: str  # "content/case-studies/x.md", "the index page"


@dataclass(frozen=True)
class Reference:
    tag: str
    attr: str
    value: str
    line: int


# The pages are casesite's own output, so a scanner of tags and attributes is enough, and
# about five times as fast as html.parser (tests/test_reader.py checks they agree).
# Comments and the text of raw-text elements are blanked first (same length, so offsets
# and lines stay true): a "<a href" inside them is not a link.
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_RAW_TEXT_NAMES = ("script", "style", "textarea", "title")
# The look-ahead (their first letters) lets the search pass over most "<" at a glance.
_RAW_TEXT = re.compile(rf"<(?=[sStT])({'|'.join(_RAW_TEXT_NAMES)})\b[^>]*>", re.I)
_RAW_TEXT_END = {name: re.compile(rf"</{name}\s*>", re.I) for name in _RAW_TEXT_NAMES}
# A start tag: its name, then anything up to the ">" that is not inside quotes (its
# attributes, read by _ATTR when the tag matters). Most tags hold neither an address nor an
# id, and are passed over after a look at their name and whether "id" occurs in them.
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)([^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)>")
# An attribute: its name, then (when it has a value) "=" and the value in one of three forms.
_ATTR = re.compile(r"([^\s\"'>/=]+)(\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")


def _blank(text: str) -> str:
    """Spaces for every character but the newlines, so offsets and lines stay true."""
    return "\n".join(" " * len(part) for part in text.split("\n"))


def _blank_raw_text(html: str) -> str:
    """The text of each raw-text element blanked, from its start tag to its end tag (an
    element that is never closed is left as it is)."""
    parts: list[str] = []
    at = 0
    while (start := _RAW_TEXT.search(html, at)) is not None:
        end = _RAW_TEXT_END[start.group(1).lower()].search(html, start.end())
        if end is None:
            at = start.start() + 1
            continue
        parts += (html[at : start.end()], _blank(html[start.end() : end.start()]))
        at = end.start()
    if not parts:
        return html
    parts.append(html[at:])
    return "".join(parts)


RawRef = tuple[str, str, str, int]  # (tag, attribute, value, line)


# What one start tag holds: its ids, and its references as (tag, attribute, value).
TagFinds = tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]
_NOTHING: TagFinds = ((), ())
# Start tags as written, read before: most recur on page after page (the head, the
# header, the footer, the links to facet pages), and are read once per process.
_READ: dict[str, TagFinds] = {}
_READ_MAX = 100_000


def _read_tag(tag: str, attrs: str) -> TagFinds:
    tag = tag.lower()
    wanted = LINK_ATTRS.get(tag, ())
    if not wanted and tag != "meta" and "id" not in attrs.lower():
        return _NOTHING  # no address and no id: most tags
    values: dict[str, str] = {}
    for name, valued, double, single, bare in _ATTR.findall(attrs):
        if valued:
            name = name.lower()
            if name not in values:
                value = double or single or bare
                values[name] = unescape(value) if "&" in value else value
    ids = [values["id"]] if "id" in values else []
    if tag == "a" and "name" in values:
        ids.append(values["name"])
    refs = [(tag, a, values[a]) for a in wanted if a in values]
    if tag == "meta" and values.get("property", values.get("name", "")) in META_URLS:
        refs.append((tag, "content", values.get("content", "")))
    return (tuple(ids), tuple(refs)) if ids or refs else _NOTHING


def _scan(html: str) -> tuple[set[str], list[RawRef]]:
    """scan() as plain values."""
    if "<!--" in html:
        html = _COMMENT.sub(lambda m: _blank(m.group(0)), html)
    # The line of a tag: the newlines before it, counted on from the last tag counted.
    line, counted = 1, 0
    ids: set[str] = set()
    refs: list[RawRef] = []
    if len(_READ) > _READ_MAX:
        _READ.clear()
    html = _blank_raw_text(html)
    read = _READ.get
    for tag_match in _TAG.finditer(html):
        text = tag_match.group()
        found = read(text)
        if found is None:
            found = _READ[text] = _read_tag(*tag_match.group(1, 2))
        if found is _NOTHING:
            continue
        found_ids, found_refs = found
        ids.update(found_ids)
        if found_refs:
            start = tag_match.start()
            line += html.count("\n", counted, start)
            counted = start
            refs.extend((tag, attr, value, line) for tag, attr, value in found_refs)
    return ids, refs


def scan(html: str) -> tuple[frozenset[str], tuple[Reference, ...]]:
    """The ids of a page and its references to addresses, with their lines."""
    ids, refs = _scan(html)
    return frozenset(ids), tuple(Reference(*r) for r in refs)


def scan_tuples(html: str) -> PageScan:
    """scan() as plain values, which pickle quickly between processes."""
    ids, refs = _scan(html)
    return tuple(sorted(ids)), tuple(refs)


def _pages(
    folder: Path, names: Iterable[str] | None = None, scans: Mapping[str, PageScan] | None = None
) -> dict[str, PageScan]:
    """Every page of the built site (`names`, or every .html file in `folder`), scanned, or
    as `scans` has it: the build scans each page as it writes it (in the worker process
    that rendered it), or takes the scan with a page it reuses."""
    scans = scans or {}
    if names is None:
        names = (p.relative_to(folder).as_posix() for p in folder.rglob("*.html") if p.is_file())
    pages: dict[str, PageScan] = {}
    for rel in sorted(names):
        if in_search_index(rel):
            continue
        found = scans.get(rel)
        pages[rel] = (
            found
            if found is not None
            else scan_tuples((folder / rel).read_text("utf-8", errors="replace"))
        )
    return pages


SELF = "\x00"  # _target's path for a reference to the page it is on


def _target(
    folder: str, value: str, base_url: str
) -> tuple[str | None, str, str | None]:  # (path, fragment, problem)
    """Where a reference on a page in `folder` leads on this site: a path relative to the
    site root, or None for an address elsewhere; or a problem. (A reference to the page
    itself, "" or "#x", is worked out by the caller.)"""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None, "", "cannot be read as an address"
    scheme = parts.scheme.lower()
    base = urlsplit(base_url)
    if scheme in ("http", "https"):
        if not value.startswith(base_url):
            return None, "", None  # another website
        return unquote(urlsplit(value[len(base_url) :]).path), parts.fragment, None
    if scheme in ("mailto", "tel"):
        return None, "", None
    if scheme:
        return None, "", f"uses '{scheme}:', which a layout may not link to"
    if parts.netloc or value.startswith("//"):
        return None, "", "leaves out the https: at the start"
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith(base.path):
            return None, "", f"starts with '/' but is not under the site's path {base.path}"
        return path[len(base.path) :], parts.fragment, None
    if not path:
        return SELF, parts.fragment, None  # "?x": the page itself
    joined = posixpath.normpath(posixpath.join(folder, path))
    if joined == ".." or joined.startswith("../"):
        return None, "", "leads outside the site's folder"
    if joined == ".":
        joined = ""
    if path.endswith("/") and joined:
        joined += "/"
    return joined, parts.fragment, None


def _resolve(
    path: str, folder: Path, pages: Mapping[str, PageScan], on_demand: frozenset[str]
) -> str | None:
    """The output file a site path names ("" and "x/" are folders with an index.html)."""
    if path in on_demand:
        return path
    candidates = [page_file(path)] if path == "" or path.endswith("/") else [path]
    if path and not path.endswith("/"):
        candidates.append(page_file(path + "/"))
    for candidate in candidates:
        if candidate in pages or (folder / candidate).is_file():
            return candidate
    return None


def broken_links(
    folder: Path,
    base_url: str,
    on_demand: frozenset[str] = frozenset(),
    scans: Mapping[str, PageScan] | None = None,
    names: Iterable[str] | None = None,
) -> Iterator[tuple[str, Reference, str]]:
    """(page, reference, what is wrong) for every internal reference that does not resolve.
    `on_demand` names files that are served although this build did not write them;
    `names`, the pages to check (default: every .html file in `folder`)."""
    pages = _pages(folder, names, scans)
    # Most pages share most of their links (the header, the footer, the assets, the facet
    # pages): each address is worked out once per folder it leads from, which for
    # "../../x" is the folder two levels up, whatever page it is on.
    targets: dict[tuple[str, str], tuple[str | None, str, str | None]] = {}
    resolved: dict[str, str | None] = {}
    for page, (_, refs) in pages.items():
        # The page's folder and the folders above it, up to the site's root ("").
        folders = [posixpath.dirname(page)]
        while folders[-1]:
            folders.append(posixpath.dirname(folders[-1]))
        for tag, attr, value, line in refs:
            path: str | None
            if not value or value.startswith("#"):
                path, fragment, problem = page, value[1:], None  # this page, a heading on it
            else:
                up = 0  # each leading "../" goes up a folder, as far as the root
                while up < len(folders) - 1 and value.startswith("../", 3 * up):
                    up += 1
                start, rest = folders[up], value[3 * up :]
                if rest[:1] in ("", "#", "?"):
                    rest = "./" + rest  # "../#x": the folder's own index, not this page
                key = (start, rest)
                if key not in targets:
                    targets[key] = _target(start, rest, base_url)
                path, fragment, problem = targets[key]
            if problem is not None:
                yield page, Reference(tag, attr, value, line), problem
                continue
            if path is None:
                continue
            if path == SELF:
                path = page
            if path not in resolved:
                resolved[path] = _resolve(path, folder, pages, on_demand)
            found = resolved[path]
            if found is None:
                yield (
                    page,
                    Reference(tag, attr, value, line),
                    "leads to a file that is not in the built site",
                )
                continue
            if (
                fragment
                and fragment != "top"
                and found in pages
                and fragment not in pages[found][0]
            ):
                yield (
                    page,
                    Reference(tag, attr, value, line),
                    f"names #{fragment}, but {found} has no element with that id",
                )


def _subject(origins: Mapping[str, PageOrigin], page: str) -> str:
    origin = origins.get(page)
    return origin.subject if origin else page


def _needles(value: str, base_url: str) -> list[str]:
    """Text a layout may have written the reference as: the value itself, the value
    without the leading ../ that {{ root }} adds, without the base URL, or its #fragment."""
    needles = [value]
    tail = value
    while tail.startswith(("../", "./")):
        tail = tail[3:] if tail.startswith("../") else tail[2:]
    if value.startswith(base_url):
        tail = value[len(base_url) :]
    if tail and tail != value:
        needles.append(tail)
    if "#" in value and not value.startswith("#"):
        needles.append("#" + value.split("#", 1)[1])
    return needles


def locate(value: str, base_url: str, root: Path, first: str) -> Location | None:
    """The line of a layout that wrote `value`: searched in the page's own layout first,
    then in every other layout; None when no layout has it as written text."""
    folder = root / "layouts"
    others = sorted(p.relative_to(root).as_posix() for p in folder.rglob("*.html") if p.is_file())
    files = [first, *(f for f in others if f != first)]
    texts: dict[str, str] = {}
    for needle in _needles(value, base_url):
        for rel in files:
            if rel not in texts:
                path = root / rel
                texts[rel] = path.read_text("utf-8", errors="replace") if path.is_file() else ""
            at = texts[rel].find(needle)
            if at >= 0:
                line = texts[rel].count("\n", 0, at) + 1
                return Location(rel, line, at - (texts[rel].rfind("\n", 0, at) + 1) + 1)
    return None


def check_links(
    folder: Path,
    base_url: str,
    origins: Mapping[str, PageOrigin],
    on_demand: frozenset[str] = frozenset(),
    root: Path | None = None,
    scans: Mapping[str, PageScan] | None = None,
    names: Iterable[str] | None = None,
) -> list[Diagnostic]:
    """One diagnostic per broken address and the layout line that wrote it (found in
    `root`/layouts when given), naming the built pages it was found on."""
    # One error per layout line: the same link on many pages (or at other depths) is one fix.
    found: dict[tuple[Location, str], list[tuple[str, Reference, str]]] = {}
    for page, ref, problem in broken_links(folder, base_url, on_demand, scans, names):
        origin = origins.get(page, PageOrigin("layouts", page))
        where = locate(ref.value, base_url, root, origin.layout) if root else None
        key = (where, "") if where else (Location(origin.layout), f"{ref.value} {problem}")
        found.setdefault(key, []).append((page, ref, problem))
    problems = []
    for (location, _), hits in sorted(found.items()):
        _, ref, problem = hits[0]
        pages = [f"{page} line {r.line} ({_subject(origins, page)})" for page, r, _ in hits]
        shown = ", ".join(pages[:3]) + (f" and {len(pages) - 3} more" if len(pages) > 3 else "")
        problems.append(
            error(
                location,
                "broken-internal-link",
                f"the address '{ref.value}' {problem}; found on {shown}",
                "in a layout, link to pages of the site with {{ root }} and the page's "
                "address (e.g. {{ root }}search/), and to headings by an id the page has",
            )
        )
    return problems
