"""The search index does not depend on the order the file system lists the pages in."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from casesite.outputs.search import index_site

from .conftest import CASE_STUDY, MiniSite, tree_digest

TMPFS = Path("/dev/shm")  # lists a folder's entries newest first, unlike ext4


@pytest.mark.skipif(not TMPFS.is_dir(), reason="needs a tmpfs at /dev/shm")
def test_pages_written_in_any_order_give_the_same_index(
    mini_site: Callable[..., MiniSite], tmp_path: Path
) -> None:
    site = mini_site(
        {
            f"content/case-studies/story-{i}.md": CASE_STUDY.replace("met at", f"met {i} times at")
            for i in range(6)
        }
    )
    assert site.run_process("build").code == 0
    pages = sorted(p.relative_to(site.out) for p in site.out.rglob("*.html"))
    bundles = []
    scratch = Path(tempfile.mkdtemp(dir=TMPFS))
    try:
        for name, order in (("sorted", pages), ("reversed", pages[::-1])):
            for rel in order:
                (scratch / name / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(site.out / rel, scratch / name / rel)
            assert index_site(scratch / name, "en", tmp_path / name) == []
            bundles.append(tree_digest(tmp_path / name))
    finally:
        shutil.rmtree(scratch)
    assert bundles[0] == bundles[1]
