"""Hyphenation patterns (pdf/hyphenation.py): parsed once a build, by the process that
forks the briefs' workers, and read from the build cache by the next build."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

from .conftest import REPO, MiniSite, tree_digest
from .test_languages import HU_VERSION

QUOTE = HU_VERSION[HU_VERSION.index("::: quote") :]
HU = "content/case-studies/hungary.hu.md"
EN = "content/case-studies/hungary.md"
# Long words, in a column of a brief: both briefs are hyphenated.
HU_WORDS = "\n\nA megszentségteleníthetetlenségeskedéseitekért felelősségvállalás.\n"
EN_WORDS = "\n\nIncomprehensibilities notwithstanding, internationalisation continued.\n"

# A build in a process of its own (a test worker may have threads that keep it from
# forking workers), telling which process parsed which pattern file.
BUILD = """
import os, sys
import pyphen
from casesite.cli import main
parse = pyphen.HyphDict.__init__
def told(self, path):
    with open(sys.argv[2], "a") as log:
        log.write(f"{os.getpid()} {path.name}\\n")
    parse(self, path)
pyphen.HyphDict.__init__ = told
print(os.getpid(), flush=True)  # the first line, once (before any fork)
sys.exit(main(["build", "--jobs", "2", "--no-search", "--root", sys.argv[1], *sys.argv[3:]]))
"""


def test_the_patterns_are_parsed_once_a_build_then_read_from_the_cache(
    mini_site: Callable[..., MiniSite],
) -> None:
    site = mini_site(pdf=True)
    english = site.root / EN
    site.write({EN: english.read_text() + EN_WORDS, HU: HU_VERSION.replace(QUOTE, HU_WORDS)})
    log = site.root / "parsed.log"

    def build(*args: str) -> list[str]:
        """The pattern files parsed, each as 'parent' or 'worker' (by whom)."""
        log.unlink(missing_ok=True)
        run = subprocess.run(
            [sys.executable, "-c", BUILD, str(site.root), str(log), *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        assert "PDF briefs: 2 rendered" in run.stderr, run.stderr
        parent = run.stdout.split("\n", 1)[0]
        lines = log.read_text().splitlines() if log.exists() else []
        return sorted(f"{'parent' if pid == parent else 'worker'} {name}" for pid, name in
                      (line.split() for line in lines))  # fmt: skip

    # Two briefs, one a language, laid out by two workers: each file parsed once, before.
    assert build() == ["parent hyph_en_GB.dic", "parent hyph_hu_HU.dic"]
    first = tree_digest(site.out)
    for rel, words in ((EN, EN_WORDS), (HU, HU_WORDS)):  # both briefs made again
        path = site.root / rel
        path.write_text(path.read_text().replace(words, words + "\nMore.\n"))
    assert build() == [], "the next build reads them from the cache"
    assert tree_digest(site.out) == tree_digest(site.full_build()) != first
