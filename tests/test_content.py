"""Content discovery and reading: listing folders, reading files, splitting front matter;
and a case-study folder as `casesite check` reads it."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from casesite.diagnostics import Location, Severity
from casesite.load.content import (
    ContentFile,
    list_dir,
    load_yaml_file,
    read_text,
    split_front_matter,
)

from .conftest import CASE_STUDY, MiniSite

CS = "content/case-studies"
GOOD = "---\ntitle: Hello\ncountry: NO\n---\n# Heading\n\nBody text.\n"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a mini site: {relative path: text or bytes}."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


# --- split_front_matter ----------------------------------------------------------------


def test_split_good_file() -> None:
    file, diagnostics = split_front_matter(GOOD, f"{CS}/x.md")
    assert diagnostics == []
    assert isinstance(file, ContentFile)
    assert file.path == f"{CS}/x.md"
    assert file.front.data == {"title": "Hello", "country": "NO"}
    assert file.front.loc("country") == Location(f"{CS}/x.md", 3, 10)
    assert file.body == "# Heading\n\nBody text.\n"
    assert file.body_line == 5


@pytest.mark.parametrize(
    ("text", "front", "body", "body_line"),
    [
        ("---  \na: 1\n--- \t\nText", {"a": 1}, "Text", 4),  # trailing blanks on fences
        ("---\na: 1\n---\n", {"a": 1}, "", 4),
        ("---\na: 1\n---", {"a": 1}, "", 4),
        ("---\na: 1\n---\n---\nmore", {"a": 1}, "---\nmore", 4),  # a rule in the body
        ("\ufeff---\na: 1\n---\nText", {"a": 1}, "Text", 4),
    ],
)
def test_split_shapes(text: str, front: dict[str, object], body: str, body_line: int) -> None:
    file, diagnostics = split_front_matter(text, "x.md")
    assert diagnostics == []
    assert file is not None
    assert (file.front.data, file.body, file.body_line) == (front, body, body_line)


SPLIT_ERRORS = [
    # (id, text, code, line, col)
    ("no front matter", "# Title\n\nText\n", "missing-front-matter", 1, 1),
    ("empty file", "", "missing-front-matter", 1, 1),
    ("fence not first", "\n---\na: 1\n---\n", "missing-front-matter", 1, 1),
    ("indented fence", " ---\na: 1\n---\n", "missing-front-matter", 1, 1),
    ("unclosed", "---\ntitle: A\n\nThe body starts here.\n", "unclosed-front-matter", 1, 1),
    ("list front matter", "---\n- a\n- b\n---\nText\n", "front-matter-not-mapping", 2, 1),
    ("empty front matter", "---\n---\nText\n", "front-matter-not-mapping", 2, 1),
    ("duplicate key", "---\ntitle: A\ntitle: B\n---\n", "duplicate-key", 3, 1),
    ("syntax error line", "---\ntitle: A\nsummary: B: C\n---\n", "yaml-syntax", 3, 11),
    ("alias", "---\na: &x 1\nb: *x\n---\n", "yaml-anchor", 2, 4),
    ("60 KB of brackets", "---\na: " + "[" * 60_000 + "\n---\n", "yaml-too-deep", 2, 19),
    ("too large", "---\na: " + "x" * 70_000 + "\n---\n", "yaml-too-large", 2, 1),
]


@pytest.mark.parametrize(
    ("text", "code", "line", "col"),
    [e[1:] for e in SPLIT_ERRORS],
    ids=[e[0] for e in SPLIT_ERRORS],
)
def test_split_errors(text: str, code: str, line: int, col: int) -> None:
    file, diagnostics = split_front_matter(text, "x.md")
    assert file is None
    assert (diagnostics[0].code, diagnostics[0].location) == (code, Location("x.md", line, col))
    assert all(d.hint for d in diagnostics)


def test_unclosed_message_names_line_one() -> None:
    _, diagnostics = split_front_matter("---\ntitle: A\n", "x.md")
    assert "opened on line 1 is never closed" in diagnostics[0].message


def test_missing_front_matter_hint_shows_the_shape() -> None:
    _, diagnostics = split_front_matter("Text\n", "x.md")
    assert "'---'" in diagnostics[0].hint and "title:" in diagnostics[0].hint


# --- read_text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"a\r\nb\rc\n", "a\nb\nc\n"),
        (b"\xef\xbb\xbf---\n", "---\n"),
        ("Háttér Társaság\n".encode(), "Háttér Társaság\n"),
        (b"", ""),
    ],
)
def test_read_text(tmp_path: Path, data: bytes, text: str) -> None:
    write(tmp_path, {"f.md": data})
    assert read_text(tmp_path, "f.md") == (text, [])


READ_ERRORS = [
    # (id, bytes, line, col) for invalid-utf8
    ("first byte", b"\xff---\n", 1, 1),
    ("latin-1 later", b"---\ntitle: Caf\xe9\n---\n", 2, 11),
    ("after multibyte", "---\nx: Háttér ".encode() + b"\x80", 2, 11),
    ("after crlf", b"a\r\nb\r\n\xc3(", 3, 1),
    ("after bom", b"\xef\xbb\xbfab\xfe", 1, 3),
    ("truncated", "ok é".encode()[:-1], 1, 4),
]


@pytest.mark.parametrize(
    ("data", "line", "col"), [e[1:] for e in READ_ERRORS], ids=[e[0] for e in READ_ERRORS]
)
def test_invalid_utf8_is_located(tmp_path: Path, data: bytes, line: int, col: int) -> None:
    write(tmp_path, {f"{CS}/x.md": data})
    text, diagnostics = read_text(tmp_path, f"{CS}/x.md")
    assert text is None
    [d] = diagnostics
    assert (d.code, d.location) == ("invalid-utf8", Location(f"{CS}/x.md", line, col))
    assert d.format().startswith(f"{CS}/x.md:{line}:{col}: error:")
    assert "UTF-8" in d.hint


def test_symlinked_file_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"outside.md": GOOD, f"{CS}/real.md": GOOD})
    (tmp_path / CS / "link.md").symlink_to(tmp_path / "outside.md")
    text, diagnostics = read_text(tmp_path, f"{CS}/link.md")
    assert text is None
    assert [(d.code, d.location) for d in diagnostics] == [("symlink", Location(f"{CS}/link.md"))]


def test_file_in_symlinked_folder_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"elsewhere/x.md": GOOD})
    (tmp_path / "content").mkdir()
    (tmp_path / CS).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    _, diagnostics = read_text(tmp_path, f"{CS}/x.md")
    assert [(d.code, d.location) for d in diagnostics] == [("symlink", Location(CS))]


def test_file_too_large(tmp_path: Path) -> None:
    write(tmp_path, {"big.md": "x" * 101})
    assert read_text(tmp_path, "big.md", max_bytes=101)[0] == "x" * 101
    text, diagnostics = read_text(tmp_path, "big.md", max_bytes=100)
    assert text is None
    assert [(d.code, d.location) for d in diagnostics] == [("file-too-large", Location("big.md"))]


@pytest.mark.parametrize("rel", ["missing.md", "folder", "../outside.md", "/etc/passwd"])
def test_unreadable_file(tmp_path: Path, rel: str) -> None:
    (tmp_path / "folder").mkdir()
    text, diagnostics = read_text(tmp_path, rel)
    assert text is None
    assert [(d.code, d.location) for d in diagnostics] == [("unreadable-file", Location(rel))]


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"secret.md": GOOD})

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    _, diagnostics = read_text(tmp_path, "secret.md")
    assert [(d.code, d.location) for d in diagnostics] == [
        ("unreadable-file", Location("secret.md"))
    ]
    assert "permission denied" in diagnostics[0].message


# --- list_dir --------------------------------------------------------------------------


def test_list_dir(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            f"{CS}/b.md": GOOD,
            f"{CS}/a.md": GOOD,
            f"{CS}/C.md": GOOD,
            f"{CS}/.gitkeep": "",
            f"{CS}/.draft.md": GOOD,
            f"{CS}/notes.txt": "",
            f"{CS}/old.MD": GOOD,
            f"{CS}/sub/d.md": GOOD,
            "outside.md": GOOD,
        },
    )
    (tmp_path / CS / "link.md").symlink_to(tmp_path / "outside.md")
    (tmp_path / CS / "loop").symlink_to(tmp_path / CS, target_is_directory=True)
    (tmp_path / CS / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    paths, diagnostics = list_dir(tmp_path, CS, (".md",))
    assert paths == [f"{CS}/C.md", f"{CS}/a.md", f"{CS}/b.md"]
    assert [(d.code, d.severity, d.location.path) for d in diagnostics] == [
        ("symlink", Severity.ERROR, f"{CS}/dangling.md"),
        ("symlink", Severity.ERROR, f"{CS}/link.md"),
        ("symlink", Severity.ERROR, f"{CS}/loop"),
        ("ignored-file", Severity.WARNING, f"{CS}/notes.txt"),
        ("ignored-file", Severity.WARNING, f"{CS}/old.MD"),
        ("ignored-file", Severity.WARNING, f"{CS}/sub"),
    ]
    assert "folder" in diagnostics[-1].message


def test_list_dir_several_suffixes(tmp_path: Path) -> None:
    write(tmp_path, {"p/a.yml": "", "p/b.yaml": "", "p/c.json": ""})
    paths, diagnostics = list_dir(tmp_path, "p", (".yml", ".yaml"))
    assert paths == ["p/a.yml", "p/b.yaml"]
    assert [d.code for d in diagnostics] == ["ignored-file"]


def test_list_dir_missing_folder(tmp_path: Path) -> None:
    assert list_dir(tmp_path, CS, (".md",)) == ([], [])


def test_list_dir_symlinked_folder(tmp_path: Path) -> None:
    write(tmp_path, {"elsewhere/x.md": GOOD})
    (tmp_path / "content").mkdir()
    (tmp_path / CS).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    paths, diagnostics = list_dir(tmp_path, CS, (".md",))
    assert paths == []
    assert [(d.code, d.location) for d in diagnostics] == [("symlink", Location(CS))]


def test_list_dir_on_a_file(tmp_path: Path) -> None:
    write(tmp_path, {CS: "not a folder"})
    paths, diagnostics = list_dir(tmp_path, CS, (".md",))
    assert paths == []
    assert [d.code for d in diagnostics] == ["unreadable-file"]


# --- the folder as the build reads it; load_yaml_file -------------------------------------


def test_the_case_study_folder_is_read_with_every_problem_collected(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    """`casesite check` on a folder with Windows line ends, a byte-order mark and four broken
    files: each problem is reported, none stops the others, and the good files pass."""
    site = mini_site(
        {
            f"{CS}/crlf.md": CASE_STUDY.replace("\n", "\r\n").encode(),
            f"{CS}/bom.md": b"\xef\xbb\xbf" + CASE_STUDY.encode(),
            f"{CS}/bad-yaml.md": "---\ntitle: A\n  summary: B\n---\n",
            f"{CS}/latin1.md": b"---\ntitle: Caf\xe9\n---\n",
            f"{CS}/unclosed.md": "---\ntitle: A\n",
            f"{CS}/readme.txt": "",
        }
    )
    result = site.run("check", capsys=capsys)
    assert result.code == 1
    reported = re.findall(r"^(\S+): (?:error|warning): .*\[([a-z0-9-]+)\]$", result.err, re.M)
    assert reported == [
        (f"{CS}/bad-yaml.md:3:10", "yaml-syntax"),
        (f"{CS}/latin1.md:2:11", "invalid-utf8"),
        (f"{CS}/readme.txt:1:1", "ignored-file"),
        (f"{CS}/unclosed.md:1:1", "unclosed-front-matter"),
    ], result.err
    assert result.err.endswith("casesite: 3 errors, 1 warning in 4 files.\n")


def test_a_site_without_case_studies_checks_clean(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({f"{CS}/hungary.md": None, "content/approvals/test-quote.yml": None})
    (site.root / CS).rmdir()
    result = site.run("check", capsys=capsys)
    assert (result.code, result.err) == (0, ""), result.err
    assert result.out == "casesite: 0 case studies checked, no problems found.\n"


def test_load_yaml_file(tmp_path: Path) -> None:
    write(tmp_path, {"content/approvals/q.yml": "speaker: A\r\nstatus: approved\r\nstatus: x\r\n"})
    doc, diagnostics = load_yaml_file(tmp_path, "content/approvals/q.yml")
    assert doc is None
    assert [(d.code, str(d.location)) for d in diagnostics] == [
        ("duplicate-key", "content/approvals/q.yml:3:1")
    ]
    write(tmp_path, {"content/site.yml": "name: Site\nbrand:\n  colour: '#123456'\n"})
    doc, diagnostics = load_yaml_file(tmp_path, "content/site.yml")
    assert diagnostics == []
    assert doc is not None
    assert doc.data == {"name": "Site", "brand": {"colour": "#123456"}}
    assert doc.loc("brand", "colour") == Location("content/site.yml", 3, 11)


def test_load_yaml_file_unreadable(tmp_path: Path) -> None:
    doc, diagnostics = load_yaml_file(tmp_path, "content/site.yml")
    assert doc is None
    assert [d.code for d in diagnostics] == ["unreadable-file"]
