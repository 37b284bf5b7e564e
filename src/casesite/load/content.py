"""Discover and read content files: listing, safe reading, front matter splitting.

Every problem is a located diagnostic; nothing here raises for bad content. Symlinks
are refused (never followed), directory listings are sorted, bytes are decoded as
strict UTF-8 with the first bad byte located, and line breaks become ``\\n``.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from casesite.diagnostics import Diagnostic, Location, error, warning
from casesite.load.yamlstrict import YamlDoc, load_yaml
from casesite.model import Body

CASE_STUDIES_DIR = "content/case-studies"
_BOM = b"\xef\xbb\xbf"
_FENCE = "---"
_SHAPE = (
    "begin the file with a line '---', then one 'name: value' field per line "
    "(title: ..., summary: ...), then a line '---', then the text"
)


@dataclass(frozen=True)
class ContentFile:
    path: str  # posix path relative to the site root, e.g. "content/case-studies/x.md"
    front: YamlDoc
    body: str  # the Markdown after the closing '---' line
    body_line: int  # 1-based file line on which the body's first line stands


def _at(rel: str, line: int = 1, col: int = 1) -> Location:
    return Location(rel, line, col)


def _unreadable(rel: str, exc: OSError) -> Diagnostic:
    reason = exc.strerror or type(exc).__name__
    return error(
        _at(rel),
        "unreadable-file",
        f"this file could not be read ({reason.lower()})",
        "check that the file exists and that you are allowed to read it",
    )


def _symlink(rel: str) -> Diagnostic:
    return error(
        _at(rel),
        "symlink",
        "this is a symbolic link; casesite only reads real files and folders",
        "replace the link with a copy of the file or folder it points to",
    )


def _check_path(root: Path, rel: str) -> Diagnostic | None:
    """An error if ``rel`` leaves the site folder or passes through a symbolic link."""
    parts = PurePosixPath(rel).parts
    if PurePosixPath(rel).is_absolute() or ".." in parts:
        return error(
            _at(rel),
            "unreadable-file",
            "this path points outside the site folder, so it is not read",
            "use a path inside the site folder, without '..'",
        )
    here = root
    for n, part in enumerate(parts, start=1):
        here = here / part
        try:
            if stat.S_ISLNK(os.lstat(here).st_mode):
                return _symlink("/".join(parts[:n]))
        except OSError:
            return None  # a missing file is reported by the caller when it opens it
    return None


def _bad_utf8(rel: str, data: bytes, exc: UnicodeDecodeError) -> Diagnostic:
    before = data[: exc.start]
    breaks = list(re.finditer(rb"\r\n|\r|\n", before))
    line_start = breaks[-1].end() if breaks else 0
    col = len(before[line_start:].decode("utf-8")) + 1  # valid: it precedes the bad byte
    return error(
        _at(rel, len(breaks) + 1, col),
        "invalid-utf8",
        f"this file is not UTF-8 text: the byte 0x{data[exc.start]:02X} here cannot be read",
        "save the file as UTF-8 in your editor (often 'Save with encoding' > 'UTF-8')",
    )


def read_text(
    root: Path, rel: str, *, max_bytes: int = 2_000_000
) -> tuple[str | None, list[Diagnostic]]:
    """The text of ``root/rel``: strict UTF-8, leading BOM removed, line breaks as '\\n'."""
    link = _check_path(root, rel)
    if link is not None:
        return None, [link]
    path = root / rel
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, [
                error(
                    _at(rel),
                    "unreadable-file",
                    "this is not a regular file, so it cannot be read",
                    "replace it with an ordinary text file",
                )
            ]
        if info.st_size > max_bytes:
            data = b""
        else:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except OSError as exc:
        return None, [_unreadable(rel, exc)]
    if info.st_size > max_bytes or len(data) > max_bytes:
        return None, [
            error(
                _at(rel),
                "file-too-large",
                f"this file is larger than {max_bytes:,} bytes, too large to be a content file",
                "shorten the text, or move images and data out of the file",
            )
        ]
    data = data.removeprefix(_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_bad_utf8(rel, data, exc)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _is_fence(line: str) -> bool:
    return line.rstrip(" \t") == _FENCE


def body_of(text: str) -> Body | None:
    """The body after the front matter's closing '---', whether or not the front matter
    reads (a file with a YAML error still uses its quotes), or None without the fences."""
    lines = text.removeprefix("\ufeff").split("\n")
    if not lines or not _is_fence(lines[0]):
        return None
    close = next((i for i in range(1, len(lines)) if _is_fence(lines[i])), None)
    return None if close is None else Body("\n".join(lines[close + 1 :]), close + 2)


def split_front_matter(text: str, rel: str) -> tuple[ContentFile | None, list[Diagnostic]]:
    """Split a case study into its YAML front matter (parsed) and its Markdown body."""
    # split on '\n' only: str.splitlines would also break on U+2028, form feeds, etc.
    lines = text.removeprefix("\ufeff").split("\n")
    if not _is_fence(lines[0]):
        return None, [
            error(
                _at(rel),
                "missing-front-matter",
                "the file must start with a line '---' that opens the front matter",
                _SHAPE,
            )
        ]
    close = next((i for i in range(1, len(lines)) if _is_fence(lines[i])), None)
    if close is None:
        return None, [
            error(
                _at(rel),
                "unclosed-front-matter",
                "the front matter opened on line 1 is never closed",
                "add a line '---' after the last field, before the text of the case study",
            )
        ]
    yaml_text = "".join(line + "\n" for line in lines[1:close])
    doc, diagnostics = load_yaml(yaml_text, rel, first_line=2)
    if doc is None:
        return None, diagnostics
    body = "\n".join(lines[close + 1 :])
    return ContentFile(rel, doc, body, close + 2), diagnostics


def list_dir(
    root: Path, rel_dir: str, suffixes: tuple[str, ...]
) -> tuple[list[str], list[Diagnostic]]:
    """Regular files in ``root/rel_dir`` ending in one of ``suffixes``, sorted, as posix paths.

    A missing folder is an empty list. Symbolic links are errors; folders and files of
    another kind are warnings; hidden files (``.gitkeep``) are skipped silently.
    """
    rel_dir = PurePosixPath(rel_dir).as_posix()
    link = _check_path(root, rel_dir)
    if link is not None:
        return [], [link]
    try:
        with os.scandir(root / rel_dir) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except FileNotFoundError:
        return [], []
    except NotADirectoryError:
        return [], [
            error(
                _at(rel_dir),
                "unreadable-file",
                "this should be a folder, but it is a file",
                "move the file away and create a folder with this name",
            )
        ]
    except OSError as exc:
        return [], [_unreadable(rel_dir, exc)]
    found: list[str] = []
    diagnostics: list[Diagnostic] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        rel = f"{rel_dir}/{entry.name}"
        try:
            if entry.is_symlink():
                diagnostics.append(_symlink(rel))
            elif entry.is_file(follow_symlinks=False) and entry.name.endswith(suffixes):
                found.append(rel)
            else:
                kind = "folder" if entry.is_dir(follow_symlinks=False) else "file"
                wanted = " or ".join(suffixes)
                diagnostics.append(
                    warning(
                        _at(rel),
                        "ignored-file",
                        f"this {kind} is ignored: only {wanted} files are read here",
                        f"rename it to end in {wanted}, or move it out of {rel_dir}/",
                    )
                )
        except OSError as exc:
            diagnostics.append(_unreadable(rel, exc))
    return found, diagnostics


def load_yaml_file(root: Path, rel: str) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """A whole YAML file (a programme, an approval, site.yml) as a located mapping."""
    text, diagnostics = read_text(root, rel)
    if text is None:
        return None, diagnostics
    doc, more = load_yaml(text, rel, first_line=1)
    return doc, diagnostics + more
