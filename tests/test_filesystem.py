"""File-system errors (a file where a folder must go, an immutable output folder, a full
disk) are one line each with exit code 3, publish nothing and leave nothing behind; what a
killed build left beside the output is removed by the next build."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import MiniSite, Run, tree_digest

EXIT_FILES = 3


def _one_line_error(run: Run, *words: str) -> None:
    assert run.code == EXIT_FILES, run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("casesite: error: cannot write "), run.err
    assert "nothing was published" in lines[0] and "Traceback" not in run.err
    for word in words:
        assert word in lines[0], run.err


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".staging-" in p.name or ".old-" in p.name)


def test_a_file_where_the_output_folder_must_go(mini_site: Callable[..., MiniSite]) -> None:
    site = mini_site()
    (site.root / "blocker").write_text("a file, not a folder\n")
    run = site.run_process("build", "--out", "blocker/inner/_site")
    _one_line_error(run, "blocker", "a file stands where a folder must go")
    assert (site.root / "blocker").read_text() == "a file, not a folder\n"


@pytest.fixture
def immutable() -> Iterator[Callable[[Path], bool]]:
    made: list[Path] = []

    def make(path: Path) -> bool:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode == 0:
            made.append(path)
        return done.returncode == 0

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_an_immutable_output_folder(
    mini_site: Callable[..., MiniSite], immutable: Callable[[Path], bool]
) -> None:
    site = mini_site()
    assert site.run_process("build").code == 0
    before = tree_digest(site.out)
    if shutil.which("chattr") is None or not immutable(site.out):
        pytest.skip("chattr +i is not available here")
    site.write(
        {
            "content/case-studies/second.md": (
                site.root / "content/case-studies/hungary.md"
            ).read_text()
        }
    )
    run = site.run_process("build")
    _one_line_error(run, str(site.out), "chattr -i")
    assert tree_digest(site.out) == before
    assert _leftovers(site.root) == []


def test_a_full_disk_leaves_nothing_behind(
    mini_site: Callable[..., MiniSite], tmp_path: Path
) -> None:
    site = mini_site()
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        run = site.run_process("build", "--out", str(disk / "deep/er/_site"))
        _one_line_error(run, str(disk), "No space left on device", "free some space")
        assert list(disk.iterdir()) == [], "no staging folder, no empty folders"
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_the_next_build_removes_what_a_killed_one_left(
    mini_site: Callable[..., MiniSite],
) -> None:
    site = mini_site(search=True)
    dead = subprocess.Popen(["true"])
    dead.wait()  # a process id that is no longer running
    left = [
        f"._site.staging-{dead.pid}-abc",
        f"._site.old-{dead.pid}-abc",
        f".pagefind-{dead.pid}-abc",
    ]
    running = f"._site.staging-{os.getpid()}-xyz"  # a build still running: left alone
    for name in (*left, running):
        (site.root / name / "sub").mkdir(parents=True)
    run = site.run_process("build")
    assert run.code == 0, run.err
    assert [name for name in left if (site.root / name).exists()] == []
    assert (site.root / running).is_dir()
