"""Fanning work out across processes (casesite.parallel): who forks says so, and workers
never outlive the build."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from casesite.parallel import fork_map
from casesite.publish import OutputClash, Staging

from .conftest import CASE_STUDY, MiniSite, tree_digest


def _squares(chunk: list[int]) -> list[int]:
    return [i * i for i in chunk]


FORKS_IN_A_FRESH_PROCESS = """
import threading
from casesite.parallel import fork_map
from tests.test_parallel import _squares
assert threading.active_count() == 1
mapped = fork_map(_squares, list(range(10)), 2)
assert mapped.forked, "a process with one thread did not fork"
assert mapped.results == [i * i for i in range(10)]
print("forked")
"""


def test_fork_map_forks_in_a_process_with_one_thread() -> None:
    """In a fresh process (a test worker may have threads left by other tests: a server
    fixture's), fork_map with two jobs forks."""
    proc = subprocess.run(
        [sys.executable, "-c", FORKS_IN_A_FRESH_PROCESS],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "forked\n"


def test_fork_map_says_whether_it_forked() -> None:
    items = list(range(10))
    alone = threading.active_count() == 1
    assert fork_map(_squares, items, 2).forked == alone, "forks exactly when alone"
    assert fork_map(_squares, items, 2).results == [i * i for i in items]
    assert not fork_map(_squares, items, 1).forked
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        mapped = fork_map(_squares, items, 2)
    finally:
        stop.set()
        other.join()
    assert not mapped.forked, "a process with another thread must not fork"
    assert mapped.results == [i * i for i in items]


def test_a_build_with_jobs_while_another_thread_runs_is_the_plain_build(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    """CI failed with 'two outputs would be written to ...' when a thread left by an earlier
    test was alive: fork_map did the work in this process, and the pages were then recorded
    a second time as if workers had written them."""
    site = mini_site()
    plain = site.run("build", "--jobs", "1", "--no-pdf", "--no-cache", capsys=capsys)
    assert plain.code == 0, plain.err
    expected = tree_digest(site.out)
    shutil.rmtree(site.out)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        run = site.run("build", "--jobs", "2", "--no-pdf", "--no-cache", capsys=capsys)
    finally:
        stop.set()
        other.join()
    assert run.code == 0, run.err
    assert tree_digest(site.out) == expected


def _processes_naming(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text.encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_workers_do_not_outlive_a_killed_build(mini_site: Callable[..., MiniSite]) -> None:
    """kill -9 of the build while worker processes render briefs: no worker is left."""
    site = mini_site({f"content/case-studies/story-{i}.md": CASE_STUDY for i in range(12)})
    root = str(site.root)
    proc = subprocess.Popen(
        [sys.executable, "-m", "casesite", "build", "--jobs", "2", "--root", root],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # progress is shown for more than 8 briefs
            if "PDF briefs: 1 of" in line:
                break
        else:
            pytest.fail("the build ended before rendering briefs")
        assert len(_processes_naming(root)) >= 3, "the build and its two workers"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 5
        while _processes_naming(root) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _processes_naming(root) == [], "worker processes outlived the build"
    finally:
        proc.kill()
        for pid in _processes_naming(root):
            os.kill(pid, signal.SIGKILL)


def test_a_page_recorded_twice_is_a_clash_naming_it(tmp_path: Path) -> None:
    with Staging(tmp_path / "out") as staging:
        staging.write_text("a/index.html", "<p>a</p>")
        with pytest.raises(OutputClash, match=r"two outputs would be written to a/index\.html"):
            staging.claim([("a/index.html", "0" * 40)])
    assert not (tmp_path / "out").exists() and list(tmp_path.iterdir()) == []
