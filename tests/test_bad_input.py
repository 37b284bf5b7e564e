"""Every kind of bad input: exit 1, the whole report on stderr (each error located as
path:line:col, with its code and a hint), nothing published. The cases are data, one file
each in tests/cases/bad-input/ (the format: conftest.Case); adding a case is adding a file.
That a failed build leaves the previous _site/ as it was is tested once, at each stage
where a build can fail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import (
    CASE_STUDY,
    Case,
    MiniSite,
    assert_refused,
    cases,
    tree_digest,
)

CS = "content/case-studies/hungary.md"
BAD = cases("bad-input")


def edit(old: str, new: str, text: str = CASE_STUDY) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize("case", BAD, ids=[c.name for c in BAD])
def test_bad_input_is_reported_and_nothing_is_published(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], case: Case
) -> None:
    assert_refused(mini_site(), case, capsys)


# (stage, files written over a site that built, the code the failed build reports)
FAILURES: list[tuple[str, dict[str, str | bytes | None], str]] = [
    ("the gate: a content error", {CS: edit("country: HU", "country: XX")}, "unknown-country"),
    ("rendering: a layout fails", {"layouts/case-study.html": "{{ 1 / 0 }}\n"}, "layout-error"),
    (
        "the built-HTML link check",
        {"layouts/case-study.html": '<a href="#nowhere">x</a>\n'},
        "broken-internal-link",
    ),
    (
        "the PDF briefs",
        {"assets/brief.css": ".kicker { background: url('https://example.org/x.png'); }\n"},
        "pdf-brief",
    ),
]


def test_a_failed_build_leaves_the_previous_site_untouched(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    """A build with briefs and search index, then a failure at each stage in turn: the
    published tree stays byte for byte (and mode for mode) as it was, and no staging
    folder is left beside it."""
    site = mini_site(pdf=True, search=True)
    good = site.run("build", capsys=capsys)
    assert good.code == 0, good.err
    before = tree_digest(site.out)
    assert any(name.endswith(".pdf") for name in before)
    assert any(name.startswith("pagefind/") for name in before)
    beside = sorted(p.name for p in site.root.iterdir())
    for stage, files, code in FAILURES:
        originals = {rel: (site.root / rel).read_bytes() for rel in files}
        site.write(files)
        bad = site.run("build", capsys=capsys)
        assert bad.code == 1, (stage, bad.err)
        assert f"[{code}]" in bad.err, (stage, bad.err)
        assert "nothing was published (the previous _site/ is unchanged)" in bad.err
        assert tree_digest(site.out) == before, stage
        assert sorted(p.name for p in site.root.iterdir()) == beside, stage
        site.write(originals)


def test_symlinked_case_study_is_refused(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = mini_site()
    secret = tmp_path / "secret.md"
    secret.write_text("secret")
    (site.root / "content/case-studies/linked.md").symlink_to(secret)
    result = site.run("build", capsys=capsys)
    assert result.code == 1
    assert "content/case-studies/linked.md:1:1: error:" in result.err
    assert "[symlink]" in result.err
    assert not site.out.exists()


def test_byte_order_mark_is_tolerated(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({CS: "\ufeff" + CASE_STUDY})
    assert site.run("build", capsys=capsys).code == 0


def test_NO_is_norway_not_false(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({CS: edit("country: HU", "country: NO")})
    result = site.run("build", capsys=capsys)
    assert result.code == 0, result.err
    assert "Norway" in (site.out / "case-studies/hungary/index.html").read_text()
