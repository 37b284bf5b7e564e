"""Incremental builds: a rebuild reuses what did not change and its output is byte for byte
the output of a full build with no cache at all."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pytest

from casesite.outputs.search import find_pagefind
from casesite.render.environment import Layouts

from .conftest import CASE_STUDY, REPO, MiniSite, make_mini_site, tree_digest

CS = "content/case-studies/hungary.md"
SECOND = CASE_STUDY.replace("title: Police and associations", "title: Teachers and parents")

# Each change an author makes, as the files it writes (None deletes a file).
CHANGES: dict[str, Callable[[MiniSite], dict[str, str | None]]] = {
    "body edited": lambda s: {CS: CASE_STUDY.replace("met at workshops", "met at six workshops")},
    "title edited": lambda s: {CS: CASE_STUDY.replace("started working", "began working")},
    "case study added": lambda s: {"content/case-studies/czechia.md": SECOND},
    "case study removed": lambda s: {"content/case-studies/second.md": None},
    "approval changed": lambda s: {
        "content/approvals/test-quote.yml": (s.root / "content/approvals/test-quote.yml")
        .read_text()
        .replace("Háttér Társaság", "Hatter Society")
    },
    "site settings changed": lambda s: {
        "content/site.yml": (s.root / "content/site.yml")
        .read_text()
        .replace("Test stories", "Stories")
    },
    "layout changed": lambda s: {
        "layouts/case-study.html": (s.root / "layouts/case-study.html")
        .read_text()
        .replace("</article>", "</article><!-- changed -->", 1)
    },
    "partial layout changed": lambda s: {
        "layouts/card.html": (s.root / "layouts/card.html")
        .read_text()
        .replace("</article>", "</article><!-- changed -->", 1)
    },
    "programme changed": lambda s: {
        "content/programmes/test-programme.yml": (s.root / "content/programmes/test-programme.yml")
        .read_text()
        .replace("Partner One", "Partner Uno")
    },
    "case study moved to another programme": lambda s: {  # its collection, and the new one's
        "content/programmes/other-programme.yml": (s.root / "content/programmes/test-programme.yml")
        .read_text()
        .replace("Test Programme", "Other Programme"),
        "content/case-studies/second.md": (s.root / "content/case-studies/second.md")
        .read_text()
        .replace("programme: test-programme", "programme: other-programme"),
    },
    "asset changed": lambda s: {
        "assets/site.css": (s.root / "assets/site.css").read_text() + "\n/* changed */\n"
    },
}


def _build(site: MiniSite, *args: str) -> str:
    run = site.run_process("build", *args)
    assert run.code == 0, run.err
    return run.out


def _unchanged(out: str) -> int:
    found = re.search(r"(\d+) files unchanged", out)
    return int(found.group(1)) if found else 0


@dataclass(frozen=True)
class Built:
    """A site built once (`work`, where each test rebuilds it) and a copy of it as built."""

    work: Path
    kept: Path

    def restore(self) -> MiniSite:
        """The site as first built, at the path it was built at: the cache knows its
        _site/ by that path, so the next build reuses what it can, as after a real build."""
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.copytree(self.kept, self.work, symlinks=True)  # times kept, to the nanosecond
        return MiniSite(self.work, pdf=True, search=True)


@pytest.fixture(scope="module")
def built_pair(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Two case studies built once, with briefs and search index: each change below starts
    from this build rather than making it again."""
    base = tmp_path_factory.mktemp("pair")
    work = base / "site"
    second = {"content/case-studies/second.md": SECOND.replace("hungary", "second")}
    site = make_mini_site(work, second, pdf=True, search=True)
    _build(site)
    shutil.copytree(work, base / "kept", symlinks=True)
    return Built(work, base / "kept")


def test_a_restored_build_rebuilds_from_its_cache(built_pair: Built) -> None:
    """What the next test relies on: restored, the build's cache and output serve every
    file of the next build, as they would right after the build."""
    site = built_pair.restore()
    files = sum(1 for p in (site.root / "_site").rglob("*") if p.is_file())
    run = site.run_process("build")
    assert run.code == 0, run.err
    assert _unchanged(run.out) == files
    assert "PDF briefs: 0 rendered, 2 reused" in run.err, run.err


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_rebuild_after_a_change_equals_a_full_build(change: str, built_pair: Built) -> None:
    site = built_pair.restore()
    site.write(CHANGES[change](site))
    _build(site)
    assert tree_digest(site.out) == tree_digest(site.full_build())


def test_a_programme_collection_is_made_again_only_when_one_of_its_parts_changes(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    """Two programmes: an edit to one's case study makes that programme's collection again
    (and the site's), the other's comes from the cache; each is what a full build makes."""
    other = (REPO / "content/programmes/civic-commons.yml").read_text("utf-8")
    site = mini_site(
        {
            "content/programmes/other-programme.yml": other,
            "content/case-studies/second.md": SECOND.replace(
                "programme: test-programme", "programme: other-programme"
            ),
        },
        pdf=True,
    )

    def build() -> str:
        run = site.run("build", "--jobs", "1", capsys=capsys)
        assert run.code == 0, run.err
        found = re.search(r"; programme collections: (\d+) made, (\d+) reused", run.err)
        assert found, run.err
        return f"{found[1]} made, {found[2]} reused"

    assert build() == "2 made, 0 reused"
    assert build() == "0 made, 2 reused", "nothing changed"
    ours = site.out / "programmes/test-programme/test-programme.pdf"
    theirs = site.out / "programmes/other-programme/other-programme.pdf"
    before = ours.read_bytes(), theirs.read_bytes()
    second = site.root / "content/case-studies/second.md"
    second.write_text(second.read_text().replace("met at workshops", "met at six workshops"))
    assert build() == "1 made, 1 reused", "the other programme's case study changed"
    assert ours.read_bytes() == before[0] and theirs.read_bytes() != before[1]
    site.write({CS: CASE_STUDY.replace("started working", "began working")})
    assert build() == "1 made, 1 reused", "a title of ours changed"
    assert ours.read_bytes() != before[0]
    assert tree_digest(site.out) == tree_digest(site.full_build())


def test_nothing_changed_writes_nothing(mini_site: Callable[..., MiniSite]) -> None:
    site = mini_site(pdf=True, search=True)
    first = _build(site)
    assert _unchanged(first) == 0
    out = site.root / "_site"
    inodes = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    second = _build(site)
    assert _unchanged(second) == len(inodes)  # every file linked, none written
    assert {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()} == inodes


def test_one_edit_rewrites_only_what_shows_it(mini_site: Callable[..., MiniSite]) -> None:
    site = mini_site({"content/case-studies/second.md": SECOND})
    html_only = ("--no-pdf", "--no-search")  # a brief and the search index show it too
    _build(site, *html_only)
    files = sum(1 for p in (site.root / "_site").rglob("*") if p.is_file())
    site.write({CS: CASE_STUDY.replace("met at workshops", "met at six workshops")})
    # The body shows on its own page only: every other file is reused.
    assert _unchanged(_build(site, *html_only)) == files - 1


def test_unchanged_pages_are_not_rendered_again(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = mini_site({"content/case-studies/second.md": SECOND.replace("hungary", "second")})
    html_only = ("build", "--no-pdf", "--no-search")
    assert site.run(*html_only, capsys=capsys).code == 0
    rendered: list[str] = []
    render = Layouts.render

    def counting(self: Layouts, template: str, context: Any, subject: str) -> str:
        rendered.append(f"{template} {subject}")
        return render(self, template, context, subject)

    monkeypatch.setattr(Layouts, "render", counting)
    assert site.run(*html_only, capsys=capsys).code == 0
    # The index, search and 404 pages are always made; no case study or facet page.
    assert sorted(r.split()[0] for r in rendered) == ["404.html", "index.html", "search.html"]
    rendered.clear()
    site.write({CS: CASE_STUDY.replace("met at workshops", "met at six workshops")})
    assert site.run(*html_only, capsys=capsys).code == 0
    # A body is on its own page only.
    assert [r for r in rendered if r.startswith(("case-study", "facet"))] == [
        f"case-study.html {CS}"
    ]
    rendered.clear()
    site.write({CS: CASE_STUDY.replace("started working", "began working")})
    assert site.run(*html_only, capsys=capsys).code == 0
    # A title is also on the listings that show its card: its country, network, ... pages.
    assert f"case-study.html {CS}" in rendered
    assert "case-study.html content/case-studies/second.md" not in rendered
    assert any(r.startswith("facet.html the country page 'Hungary'") for r in rendered)
    assert tree_digest(site.out) == tree_digest(site.full_build())


def test_a_rebuild_compiles_only_the_layouts_that_changed(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Compiled layouts come from the build cache (render/environment.CompiledLayouts):
    each build (its environment made anew) compiles only the layouts whose file changed;
    with --no-cache, every layout it uses."""
    site = mini_site()
    compiled: list[str] = []
    compile_layout = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: Any = None, *args: Any) -> Any:
        compiled.append(str(name))
        return compile_layout(self, source, name, *args)

    def build(*args: str) -> list[str]:
        compiled.clear()
        assert site.run("build", *args, capsys=capsys).code == 0
        return sorted(compiled)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    everything = build()
    assert "base.html" in everything and "card.html" in everything
    site.write({CS: CASE_STUDY.replace("met at workshops", "met at six workshops")})
    assert build() == [], "each layout the build uses is in the cache"
    card = site.root / "layouts/card.html"
    card.write_text(card.read_text().replace("</article>", "</article><!-- changed -->", 1))
    assert build() == ["card.html"]
    assert build("--no-cache", "--out", str(site.root / "full")) == everything
    assert tree_digest(site.out) == tree_digest(site.root / "full")


@pytest.mark.parametrize("page", ["index.html", "case-studies/hungary/index.html"])
def test_a_hand_edited_output_file_is_written_again(
    mini_site: Callable[..., MiniSite], page: str
) -> None:
    site = mini_site()
    _build(site)
    path = site.root / "_site" / page
    original = path.read_bytes()
    assert b"Test stories" in original
    path.write_bytes(original.replace(b"Test stories", b"Edited by hand"))
    _build(site)
    assert path.read_bytes() == original


def test_a_deleted_output_page_is_written_again(mini_site: Callable[..., MiniSite]) -> None:
    site = mini_site()
    _build(site)
    path = site.root / "_site/case-studies/hungary/index.html"
    original = path.read_bytes()
    path.unlink()
    _build(site)
    assert path.read_bytes() == original


def test_a_damaged_cache_is_ignored(built_pair: Built) -> None:
    site = built_pair.restore()  # built with briefs and search index, and its cache
    cache = site.root / ".casesite-cache"
    for path in cache.rglob("*"):
        if path.is_file():
            path.write_bytes(b"\x80garbage")
    site.write({CS: CASE_STUDY.replace("met at workshops", "met at six workshops")})
    _build(site)
    assert tree_digest(site.out) == tree_digest(site.full_build())


def test_worker_processes_give_the_same_site(mini_site: Callable[..., MiniSite]) -> None:
    """Five case studies: with --jobs 2 the pages and the briefs go to two workers (a
    count asked for is not held back for few items), as twelve did at twice the cost."""
    many = {
        f"content/case-studies/story-{i:02d}.md": CASE_STUDY.replace(
            "title: Police", f"title: Story {i:02d} - police"
        )
        for i in range(5)
    }
    site = mini_site(many, pdf=True, search=True)
    _build(site, "--jobs", "2")  # from nothing: every page and brief made by the workers
    assert tree_digest(site.out) == tree_digest(site.full_build("one"))  # one job
    # With the cache: pages the workers took from the last build, and one they rendered.
    assert _unchanged(_build(site, "--jobs", "2")) > 0
    story = site.root / "content/case-studies/story-03.md"
    story.write_text(story.read_text().replace("Story 03 - police", "Story three - police"))
    _build(site, "--jobs", "2")
    assert tree_digest(site.out) == tree_digest(site.full_build())


def test_check_leaves_no_cache_behind(mini_site: Callable[..., MiniSite]) -> None:
    site = mini_site()
    run = site.run_process("check")
    assert run.code == 0, run.err
    assert not (site.root / ".casesite-cache").exists()


def test_a_cached_error_is_still_reported(mini_site: Callable[..., MiniSite]) -> None:
    site = mini_site({CS: CASE_STUDY.replace("country: HU", "country: XX")})
    for _ in range(2):  # the second time from the cache
        run = site.run_process("build")
        assert run.code == 1
        assert f"{CS}:5:10: error" in run.err, run.err
    assert os.listdir(site.root / "content")  # nothing else disturbed


def test_search_index_is_reused_only_while_no_page_changes_nor_the_indexer(
    mini_site: Callable[..., MiniSite], tmp_path: Path
) -> None:
    site = mini_site(search=True)
    real, runs = find_pagefind(), tmp_path / "runs"
    assert real is not None
    counting = tmp_path / "pagefind"  # the real indexer, counting its runs
    counting.write_text(f'#!/bin/sh\necho run >> "{runs}"\nexec "{real}" "$@"\n')
    counting.chmod(0o755)
    env = {"CASESITE_PAGEFIND": str(counting)}

    def build() -> int:
        run = site.run_process("build", "--no-pdf", env=env)
        assert run.code == 0, run.err
        return len(runs.read_text().splitlines())

    assert build() == 1
    assert build() == 1, "nothing changed: the last index stands, Pagefind not run"
    site.write({CS: CASE_STUDY.replace("met at workshops", "met at six workshops")})
    assert build() == 2, "a page changed: it must index again"
    counting.write_text(counting.read_text() + "# another version of the indexer\n")
    assert build() == 3, "another indexer: it must index again"
    assert tree_digest(site.out) == tree_digest(site.full_build())
