"""The quote approval gate: each reason a quote is refused, with its diagnostic text;
normalisation that must pass and near-misses that must fail; records never published.
The refused and accepted quotes are data: tests/cases/quotes-refused/ and quotes-accepted/."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casesite.check.quotes import normalise

from .conftest import (
    APPROVAL,
    CASE_STUDY,
    Case,
    MiniSite,
    assert_refused,
    cases,
)

CS = "content/case-studies/hungary.md"
REC = "content/approvals/test-quote.yml"


def record(old: str, new: str) -> str:
    assert old in APPROVAL
    return APPROVAL.replace(old, new, 1)


REFUSED = cases("quotes-refused")
ACCEPTED = cases("quotes-accepted")


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_refused_quote_fails_the_build_with_location_and_reason(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], case: Case
) -> None:
    assert_refused(mini_site(), case, capsys)


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.name for c in ACCEPTED])
def test_quote_that_differs_only_in_form_builds(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], case: Case
) -> None:
    site = mini_site()
    case.write_over(site)
    result = site.run(*case.args, capsys=capsys)
    assert result.code == 0, result.err
    assert result.err == case.stderr == ""
    assert "<blockquote>" in (site.out / "case-studies/hungary/index.html").read_text()


def test_unicode_forms_compare_equal() -> None:
    composed, decomposed = "Háttér Társaság", "Ha\u0301tte\u0301r Ta\u0301rsasa\u0301g"
    assert normalise(composed)[0] == normalise(decomposed)[0]
    assert normalise("“a”  ‘b’\n c")[0] == normalise("\"a\" 'b' c")[0]
    assert normalise("a – b")[0] != normalise("a - b")[0]  # dashes are words, not form


def test_page_shows_approved_quote_with_attribution_from_the_record(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({REC: record("status: approved", "lang: en-GB\nstatus: approved")})
    assert site.run("build", capsys=capsys).code == 0
    html = (site.out / "case-studies/hungary/index.html").read_text()
    assert "<blockquote>" in html
    assert "proactive and supportive attitude" in html
    assert '<span class="quote-speaker">Robert Buzsaki</span>' in html
    assert '<span class="quote-org">Háttér Társaság</span>' in html
    assert 'lang="en-GB"' in html  # the quote's language differs from the page's


def test_records_never_reach_the_output(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(
        {REC: record("method: email", "method: email\nnote: private phone +36 1 555 0101")},
        pdf=True,
        search=True,
    )
    assert site.run("build", capsys=capsys).code == 0
    everything = b"".join(p.read_bytes() for p in site.out.rglob("*") if p.is_file())
    assert b"555 0101" not in everything
    assert b"approved_on" not in everything and b"2022-02-10" not in everything
    assert not any("approvals" in p.as_posix() for p in site.out.rglob("*"))


def test_expiry_soon_is_a_warning(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({REC: record("method: email", "method: email\nexpires: 2022-06-20")})
    result = site.run("build", "--as-of", "2022-06-01", capsys=capsys)
    assert result.code == 0, result.err
    assert (
        f"{CS}:20:1: warning: the approval of the quote 'test-quote' expires on 2022-06-20, in 19 days"
        in result.err
    )


def test_unused_record_is_a_warning(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({"content/approvals/spare.yml": APPROVAL})
    result = site.run("build", capsys=capsys)
    assert result.code == 0
    assert (
        "content/approvals/spare.yml:1:1: warning: no case study uses the quote 'spare'"
        in result.err
    )


DRAFT = CASE_STUDY.replace("title:", "draft: true\ntitle:").replace("test-quote", "draft-quote")
PENDING = APPROVAL.replace("status: approved\napproved_on: 2022-02-10", "status: pending")


def test_draft_with_pending_quote_builds_and_is_not_published(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(
        {"content/case-studies/draft-story.md": DRAFT, "content/approvals/draft-quote.yml": PENDING}
    )
    result = site.run("build", capsys=capsys)
    assert result.code == 0, result.err
    assert "warning: Robert Buzsaki has not approved the quote 'draft-quote' yet" in result.err
    assert not (site.out / "case-studies/draft-story").exists()
    everything = "".join(p.read_text() for p in site.out.rglob("*.html"))
    assert "draft-story" not in everything

    preview = site.root / "preview"
    result = site.run("build", "--drafts", "--out", str(preview), capsys=capsys)
    assert result.code == 0, result.err
    page = (preview / "case-studies/draft-story/index.html").read_text()
    assert 'class="quote quote-unapproved"' in page
    assert "Awaiting approval" in page


def test_drafts_never_go_to_site(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site()
    result = site.run("build", "--drafts", capsys=capsys)
    assert result.code == 2
    assert "drafts never go to _site/" in result.err


def test_quotes_worklist_and_requests(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(
        {
            "content/case-studies/draft-story.md": DRAFT,
            "content/approvals/draft-quote.yml": PENDING.replace("Robert Buzsaki", "Anna Kovács"),
        }
    )
    result = site.run("quotes", "--requests", str(site.root / "requests"), capsys=capsys)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Anna Kovács (Háttér Társaság)"  # pending first
    assert "PENDING" in lines[1] and "draft-quote" in lines[1] and "[draft]" in lines[1]
    assert any(line.startswith("Robert Buzsaki") for line in lines)
    assert any("APPROVED" in line and "test-quote" in line for line in lines)
    assert "2 quotes in use, 1 not yet publishable." in result.out
    requests = sorted(p.name for p in (site.root / "requests").iterdir())
    assert requests == ["anna-kovacs.md"]  # Robert Buzsaki's quote is approved already
    letter = (site.root / "requests/anna-kovacs.md").read_text()
    assert (
        "With the police's proactive and supportive attitude, a new type of collaboration has emerged."
        in letter
    )
    assert "Police and associations started working together" in letter


@pytest.mark.parametrize(
    "text", ["  a  “b”\n c ", "Ha\u0301tte\u0301r", "x\u00a0y\u2009z", "‘q’ ‚ ″ « »", "", "\n\n"]
)
def test_fast_comparison_agrees_with_the_located_one(text: str) -> None:
    from casesite.check.quotes import comparable

    assert comparable(text) == normalise(text)[0]
