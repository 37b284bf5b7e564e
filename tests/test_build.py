"""Whole builds: the sample site, escaping, reproducibility, atomic publishing, the CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from casesite.parallel import _chunks
from casesite.publish import Staging

from .conftest import CASE_STUDY, REPO, MiniSite, assert_well_formed, tree_digest

CS = "content/case-studies/hungary.md"


def test_index_links_every_case_study(sample_site: Path) -> None:
    index = (sample_site / "index.html").read_text()
    # The site's own language; versions in others (<slug>.<lang>.md) are in their own parts.
    found = (REPO / "content/case-studies").glob("*.md")
    sources = sorted(p.stem for p in found if "." not in p.stem)
    assert len(sources) >= 4
    for slug in sources:
        assert f'href="case-studies/{slug}/"' in index
        assert (sample_site / "case-studies" / slug / "index.html").is_file()


def test_hungarian_page_shows_the_key_facts(sample_site: Path) -> None:
    html = (sample_site / "case-studies/hungary-police-cooperation/index.html").read_text()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    for fact in (
        "Hungary",
        "Working Group Against Hate Crimes in Hungary",
        "€20,000",
        "30 hours",
        "November 2021",
        "Glopolis",
        "Stronger Roots",
    ):
        assert fact in text, fact
    assert "Robert Buzsaki" in text and "Háttér Társaság" in text
    assert "proactive and supportive attitude" in text


def test_raw_html_and_script_stay_inert(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    text = CASE_STUDY.replace(
        "title: Police and associations started working together",
        'title: "<script>alert(1)</script> and <img src=x onerror=alert(2)>"',
    ).replace(
        "Workshops brought people together.",
        "Workshops <script>alert(3)</script> brought <iframe src=x></iframe> people "
        "<b onclick=alert(4)>together</b>.\n\n<div>block html</div>",
    )
    site = mini_site({CS: text})
    result = site.run("build", capsys=capsys)
    assert result.code == 0, result.err
    out = "".join(p.read_text() for p in site.out.rglob("*.html"))
    for raw in ("<script>alert", "<img src=x", "<iframe", "<b onclick", "<div>block"):
        assert raw not in out
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_no_unsafe_link_reaches_the_output(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    text = CASE_STUDY.replace(
        "Workshops brought people together.",
        "See [the report](https://example.org/report), [mail](mailto:team@example.org), "
        "[the change](#the-change) and <https://example.org/auto>.",
    )
    site = mini_site({CS: text})
    assert site.run("build", capsys=capsys).code == 0
    html = (site.out / "case-studies/hungary/index.html").read_text()
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert "https://example.org/report" in hrefs and "#the-change" in hrefs
    assert "mailto:team@example.org" in hrefs
    for href in hrefs:
        assert not href.lower().startswith(("javascript:", "//", "data:", "vbscript:", "file:"))


def test_relative_links_to_case_studies_and_assets_resolve(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    other = (
        CASE_STUDY.replace("title:", "slug: second-story\ntitle:")
        .replace(
            "Workshops brought people together.",
            "Read [the first story](hungary.md#how-it-happened) and "
            "see ![the logo](../../assets/fonts/OFL.txt).",
        )
        .replace("::: quote test-quote\n", "")
        .replace(
            "With the police's proactive and supportive attitude, a new type of collaboration has emerged.\n:::\n",
            "",
        )
    )
    site = mini_site({"content/case-studies/other.md": other})
    # HTML only: a text file shown as an image cannot go into a PDF brief (test_pdf.py).
    result = site.run("build", "--no-pdf", capsys=capsys)
    assert result.code == 0, result.err
    html = (site.out / "case-studies/second-story/index.html").read_text()
    assert 'href="../../case-studies/hungary/#how-it-happened"' in html
    assert 'src="../../assets/fonts/OFL.txt" alt="the logo"' in html


def _build_in_process(root: Path, env: dict[str, str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "casesite", "build", "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr


def test_builds_are_byte_identical_across_time_zones_and_hash_seeds(
    mini_site: Callable[..., MiniSite], tmp_path: Path
) -> None:
    import os

    site = mini_site()
    extra = CASE_STUDY.replace("title:", "slug: zz-second\ntitle:").replace(
        "test-quote", "test-quote"
    )
    site.write({"content/case-studies/second.md": extra})
    digests = []
    for tz, seed in (("UTC", "1"), ("Pacific/Kiritimati", "4242"), ("America/Adak", "random")):
        env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1647302400"}
        _build_in_process(site.root, env)
        digests.append(tree_digest(site.out))
    assert digests[0] == digests[1] == digests[2]
    assert len(digests[0]) > 3


def test_stale_pages_disappear(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(
        {"content/case-studies/second.md": CASE_STUDY.replace("test-quote", "test-quote")},
        pdf=True,
    )
    assert site.run("build", capsys=capsys).code == 0
    assert (site.out / "case-studies/second/index.html").exists()
    site.write({"content/case-studies/second.md": None})
    assert site.run("build", capsys=capsys).code == 0
    assert not (site.out / "case-studies/second").exists()
    assert not list(site.root.glob("._site*")), "staging folders are cleaned up"


def test_failed_build_leaves_no_staging_folder(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site()
    assert site.run("build", capsys=capsys).code == 0
    before = tree_digest(site.out)
    site.write(
        {
            "layouts/case-study.html": "{% extends 'base.html' %}{% block content %}{{ cs.nope }}{% endblock %}"
        }
    )
    result = site.run("build", capsys=capsys)
    assert result.code == 1
    assert (
        "layouts/case-study.html:1:1: error: the layout failed while rendering "
        "content/case-studies/hungary.md" in result.err
    )
    assert tree_digest(site.out) == before
    assert not list(site.root.glob("._site*"))


# A mistake in card.html: what it replaces, with what, and what the report says of it.
CARD_MISTAKES = {
    "a value it does not have": (
        "{{ cs.summary }}",
        "{{ cs.summery }}",
        "has no attribute 'summery'",
    ),
    "a tag it cannot read": (
        "{{ cs.summary }}",
        "{% if %}{{ cs.summary }}",
        "the layout cannot be read: Expected an expression",
    ),
}


@pytest.mark.parametrize("mistake", sorted(CARD_MISTAKES))
@pytest.mark.parametrize("listing", ["the index page", "the country page 'Hungary'"])
def test_a_broken_card_names_its_own_layout_line_and_the_listing(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    listing: str,
    mistake: str,
) -> None:
    """Cards are rendered once and reused across listings, not included: a mistake in
    card.html is still reported at its own line, on the first listing that shows it (or,
    when the layout cannot be read, as a layout's report), never as a traceback."""
    site = mini_site()
    assert site.run("build", capsys=capsys).code == 0
    before = tree_digest(site.out)
    old, new, said = CARD_MISTAKES[mistake]
    card = (REPO / "layouts/card.html").read_text()
    line = 1 + card.split(old)[0].count("\n")
    files = {"layouts/card.html": card.replace(old, new)}
    if listing == "the index page":  # only the index lists case studies
        facet = (REPO / "layouts/facet.html").read_text()
        files["layouts/facet.html"] = facet.replace("{{ card(cs) -}}", "")
    site.write(files)
    result = site.run("build", "--no-pdf", "--no-search", capsys=capsys)
    assert result.code == 1
    assert result.err.startswith(f"layouts/card.html:{line}:1: error: "), result.err
    assert said in result.err
    if "read" not in mistake:
        assert f"while rendering {listing}" in result.err
    assert_well_formed(result.err)
    assert tree_digest(site.out) == before


def test_a_write_that_fails_in_the_background_fails_the_block(tmp_path: Path) -> None:
    with Staging(tmp_path / "out") as staging:
        with pytest.raises(OSError), staging.background():
            staging.write_bytes("a", b"a file")
            staging.write_bytes("a/b.html", b"where the file is, no folder can be")
            staging.write_bytes("c.html", b"written before the block ends")
        assert (staging.path / "c.html").read_bytes() == b"written before the block ends"


def test_staging_refuses_writes_outside_the_output(tmp_path: Path) -> None:
    with Staging(tmp_path / "out") as staging:
        for bad in ("../escape.html", "/etc/passwd", "a/../../b", ""):
            with pytest.raises(ValueError, match="outside the output folder"):
                staging.write_text(bad, "x")
        staging.write_text("ok/index.html", "fine")
        staging.commit()
    assert (tmp_path / "out/ok/index.html").read_text() == "fine"
    assert not (tmp_path / "escape.html").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["build", "--out", "content"], "overlaps the site's own content/ folder"),
        (["build", "--out", "."], "would replace the site folder itself"),
        (["build", "--out", "notes"], "holds files casesite did not write"),
        (["build", "--no-such-flag"], "unrecognized arguments"),
        (["build", "--as-of", "yesterday"], "is not a date written YYYY-MM-DD"),
        ([], "usage:"),
    ],
)
def test_wrong_usage_exits_2(
    mini_site: Callable[..., MiniSite], args: list[str], words: str
) -> None:
    site = mini_site()
    (site.root / "notes").mkdir()
    (site.root / "notes/keep.txt").write_text("mine")
    result = site.run_process(*args)
    assert result.code == 2, result.err
    assert words in result.err
    assert (site.root / "notes/keep.txt").read_text() == "mine"


def test_build_py_forwards_to_the_cli(mini_site: Callable[..., MiniSite]) -> None:
    site = mini_site()
    shutil.copy(REPO / "build.py", site.root / "build.py")
    proc = subprocess.run(
        [sys.executable, "build.py"], cwd=site.root, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "built 1 case study" in proc.stdout
    assert (site.out / "index.html").is_file()
    proc = subprocess.run(
        [sys.executable, "build.py", "check"], cwd=site.root, capture_output=True, text=True
    )
    assert proc.returncode == 0 and "checked" in proc.stdout


def test_success_prints_a_summary(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    result = mini_site().run("build", capsys=capsys)
    assert re.search(r"built 1 case study \(\d+ pages\) into .* in \d+\.\d\d s", result.out)


def test_check_writes_nothing(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site()
    result = site.run("check", capsys=capsys)
    assert result.code == 0
    assert "1 case study checked" in result.out
    assert not site.out.exists()


def test_new_writes_a_draft_that_check_accepts(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site()
    result = site.run("new", "my-new-story", "--root", str(site.root), capsys=capsys)
    assert result.code == 0, result.err
    text = (site.root / "content/case-studies/my-new-story.md").read_text()
    assert "draft: true" in text and "programme: test-programme" in text
    checked = site.run("check", capsys=capsys)
    assert checked.code == 0, checked.err
    assert site.run("build", capsys=capsys).code == 0
    assert not (site.out / "case-studies/my-new-story").exists()


@pytest.mark.parametrize(("count", "jobs"), [(1, 2), (7, 2), (100, 2), (1922, 2), (5000, 4)])
def test_work_is_shared_in_chunks_that_shrink_towards_the_end(count: int, jobs: int) -> None:
    items = list(range(count))
    chunks = _chunks(items, jobs)
    assert [i for chunk in chunks for i in chunk] == items  # all of it, in order
    sizes = [len(chunk) for chunk in chunks]
    assert max(sizes) <= 64
    assert sizes == sorted(sizes, reverse=True)
    # The last quarter of the work goes out in small chunks, so no worker is left with a
    # large one while the others are done.
    tail = [len(c) for c in chunks if c[0] >= count * 3 // 4]
    assert max(tail, default=0) <= max(4, count // (jobs * 16))
