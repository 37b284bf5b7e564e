"""What `casesite serve` counts as a change, and when it rebuilds: real files, a given clock."""

from __future__ import annotations

import os
from pathlib import Path

from casesite.serve.watch import Debouncer, changed_paths, emptied, snapshot, styles_only


def _site(root: Path) -> None:
    for rel, text in {
        "content/site.yml": "name: x\n",
        "content/case-studies/a.md": "---\n",
        "layouts/base.html": "<html>",
        "assets/site.css": "body {}",
        "_site/index.html": "built",
        ".git/config": "[core]",
        "notes.txt": "not read by a build",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_only_what_a_build_reads_is_watched(tmp_path: Path) -> None:
    _site(tmp_path)
    for noise in ("a.md~", ".a.md.swp", "#a.md#", ".hidden", "4913"):
        (tmp_path / "content/case-studies" / noise).write_text("x")
    (tmp_path / "content/.cache").mkdir()
    (tmp_path / "content/.cache/x.md").write_text("x")
    (tmp_path / "assets/linked").symlink_to(tmp_path / ".git", target_is_directory=True)
    assert sorted(snapshot(tmp_path)) == [
        "assets/linked",  # the link itself, not what it points to
        "assets/site.css",
        "content/case-studies/a.md",
        "content/site.yml",
        "layouts/base.html",
    ]


def test_added_removed_edited_and_replaced_files_are_changes(tmp_path: Path) -> None:
    _site(tmp_path)
    before = snapshot(tmp_path)
    assert changed_paths(before, snapshot(tmp_path)) == frozenset()
    (tmp_path / "content/case-studies/b.md").write_text("---\n")
    (tmp_path / "layouts/base.html").unlink()
    css = tmp_path / "assets/site.css"
    stat = css.stat()
    # An editor's atomic save: same size, same time, a new file (inode) put in its place.
    (tmp_path / "assets/new.css").write_text("body {}")
    os.utime(tmp_path / "assets/new.css", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(tmp_path / "assets/new.css", css)
    assert changed_paths(before, snapshot(tmp_path)) == {
        "content/case-studies/b.md",
        "layouts/base.html",
        "assets/site.css",
    }


def test_a_burst_of_changes_gives_one_rebuild_once_quiet() -> None:
    d = Debouncer(quiet=0.05, longest=1.0)
    assert d.due(0.0) is None
    d.add({"content/case-studies/a.md"}, 0.00)
    assert d.due(0.01) is None
    d.add({"content/case-studies/b.md"}, 0.04)
    assert d.due(0.08) is None  # 0.04 s after the last change
    assert d.due(0.1) == {"content/case-studies/a.md", "content/case-studies/b.md"}
    assert d.due(0.5) is None  # forgotten once handed out
    d.add(set(), 0.6)  # nothing changed: nothing due
    assert d.due(2.0) is None


def test_a_long_copy_still_rebuilds_after_the_longest_wait() -> None:
    d = Debouncer(quiet=0.05, longest=1.0)
    for step in range(30):
        d.add({f"assets/images/{step}.jpg"}, step * 0.04)
        if step * 0.04 < 1.0:
            assert d.due(step * 0.04) is None
    paths = d.due(1.2)
    assert paths is not None and len(paths) == 30


def test_a_half_saved_empty_file_waits_for_its_text() -> None:
    d = Debouncer(quiet=0.05, longest=1.0)
    d.add({"content/case-studies/a.md"}, 0.0, empty={"content/case-studies/a.md"})
    assert d.due(0.3) is None  # quiet, but empty: the editor has not written it yet
    d.add({"content/case-studies/a.md"}, 0.35)  # written
    assert d.due(0.41) == {"content/case-studies/a.md"}
    # A file the author really emptied is rebuilt (and reported) after the longest wait.
    d.add({"content/case-studies/a.md"}, 2.0, empty={"content/case-studies/a.md"})
    assert d.due(2.5) is None
    assert d.due(3.0) == {"content/case-studies/a.md"}


def test_emptied_and_styles_only(tmp_path: Path) -> None:
    _site(tmp_path)
    (tmp_path / "content/case-studies/a.md").write_text("")
    now = snapshot(tmp_path)
    changed = {"content/case-studies/a.md", "content/site.yml", "content/gone.md"}
    assert emptied(changed, now) == {"content/case-studies/a.md"}
    assert styles_only({"assets/site.css", "assets/print.css"})
    assert not styles_only({"assets/site.css", "layouts/base.html"})
    assert not styles_only({"content/x.css"})
    assert not styles_only(set())
