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

# Two builds in a process of their own (a test worker may have threads that keep it from
# forking workers), telling which process parsed which pattern file: the site as it is,
# then with the files named after it edited, from nothing but the build cache (pyphen's own
# cache emptied, as in a new process).
BUILDS = """
import os, sys
import pyphen
from casesite.cli import main
root, log, edited = sys.argv[1], sys.argv[2], sys.argv[3:]
parse = pyphen.HyphDict.__init__
def told(self, path):
    with open(log, "a") as out:
        out.write(f"{os.getpid()} {path.name}\\n")
    parse(self, path)
pyphen.HyphDict.__init__ = told
print(os.getpid(), flush=True)  # once, before any fork
for build in ("first", "next"):
    with open(log, "a") as out:
        out.write(f"{build} build\\n")
    if build == "next":
        for path in edited:
            with open(path, "a") as story:
                story.write("\\nOne more paragraph.\\n")
        pyphen.hdcache.clear()
    assert main(["build", "--jobs", "2", "--no-search", "--root", root]) == 0
"""


def test_the_patterns_are_parsed_once_a_build_then_read_from_the_cache(
    mini_site: Callable[..., MiniSite],
) -> None:
    site = mini_site(pdf=True)
    english = site.root / EN
    site.write({EN: english.read_text() + EN_WORDS, HU: HU_VERSION.replace(QUOTE, HU_WORDS)})
    log = site.root / "parsed.log"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            BUILDS,
            str(site.root),
            str(log),
            *(str(site.root / p) for p in (EN, HU)),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("PDF briefs: 2 rendered") == 2, run.stderr  # both briefs, twice
    parent = run.stdout.split("\n", 1)[0]
    builds: dict[str, list[str]] = {}
    for line in log.read_text().splitlines():
        who, name = line.split()
        if name == "build":
            builds[who] = []
        else:
            builds[list(builds)[-1]].append(f"{'parent' if who == parent else 'worker'} {name}")
    # Two briefs, one a language, laid out by two workers: each file parsed once, before.
    assert sorted(builds["first"]) == ["parent hyph_en_GB.dic", "parent hyph_hu_HU.dic"]
    assert builds["next"] == [], "the next build reads them from the cache"
    assert tree_digest(site.out) == tree_digest(site.full_build())
