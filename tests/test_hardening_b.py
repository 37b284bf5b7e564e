"""Issue 15, hardening (b): quotations in any style and block, invisible characters,
numbers YAML misreads, a linear body check, lapsed consent, and smaller author traps."""

from __future__ import annotations

import gzip
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from casesite.check.markdown import parse_body
from casesite.model import Body

from .conftest import APPROVAL, CASE_STUDY, REPO, MiniSite


def _links_paragraph(count: int) -> str:
    return "Links: " + " and ".join(f"[l{i}](p-{i}.md)" for i in range(count)) + ".\n"


def _parse_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        parse_body(Body(text, 1), "content/case-studies/x.md")
        best = min(best, time.process_time() - started)
    return best


def test_locating_links_is_linear_in_the_paragraph() -> None:
    """Eight times the links take about eight times as long, not sixty-four (a ratio, so
    the test holds on a slow machine; the old locator's was 27 here, measured in CPU time)."""
    small, large = _links_paragraph(2500), _links_paragraph(20000)
    ratio = _parse_seconds(large) / _parse_seconds(small)
    assert ratio < 16, ratio


def test_links_over_several_lines_are_located_exactly() -> None:
    text = "Intro\n\nSee [a](a.md) and\n[b](b.md), then [a](a.md)\nand ![pic](i.png).\n"
    parsed = parse_body(Body(text, 7), "x.md")
    where = [(link.href, link.location.line, link.location.col) for link in parsed.links]
    assert where == [("a.md", 9, 9), ("b.md", 10, 5), ("a.md", 10, 21), ("i.png", 11, 12)]


# Point 14: consent that lapses takes the words down.

CS = "content/case-studies/hungary.md"
REC = "content/approvals/test-quote.yml"
WITHDRAWN = APPROVAL.replace("status: approved", "status: withdrawn\nwithdrawn_on: 2023-01-05")
EXPIRING = APPROVAL.replace("method: email", "method: email\nexpires: 2022-05-31")


def _readable(path: Path) -> str:
    """A built file as text: a PDF through pdftotext, a Pagefind file unzipped."""
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        )
        data = done.stdout
    elif data.startswith(b"\x1f\x8b"):
        data = gzip.decompress(data)
    text = data.decode("utf-8", "replace")
    return " ".join(text.replace("-\n", "").split())


def _files_with(folder: Path, words: str) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and words in _readable(p)
    )


def test_withdrawn_approval_takes_the_words_out_of_the_next_build(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(pdf=True, search=True)
    words = "proactive and supportive attitude"
    first = site.run("build", capsys=capsys)
    assert first.code == 0, first.err
    published = _files_with(site.out, words)
    # the page, its brief, the collection, the search index (the check can see them all)
    assert "case-studies/hungary/index.html" in published, published
    assert "case-studies/hungary/hungary.pdf" in published, published
    assert any(p.endswith(".pdf") and "hungary/" not in p for p in published), published
    assert any(p.startswith("pagefind/") for p in published), published

    site.write({REC: WITHDRAWN})
    second = site.run("build", capsys=capsys)  # the page and brief caches are in use
    assert second.code == 0, second.err
    assert _files_with(site.out, words) == []
    assert "Robert Buzsaki" not in (site.out / "case-studies/hungary/index.html").read_text()
    warned = [ln for ln in second.err.splitlines() if "[quote-taken-down]" in ln]
    assert len(warned) == 1, second.err
    assert warned[0].startswith(f"{CS}:20:1: warning: Robert Buzsaki withdrew approval"), warned
    assert REC in warned[0] and "left out of everything this build publishes" in warned[0]
    assert " error: " not in second.err

    checked = site.run("check", capsys=capsys)
    assert checked.code == 1
    assert f"{CS}:20:1: error: Robert Buzsaki withdrew approval" in checked.err
    assert "[quote-withdrawn]" in checked.err


def test_expired_approval_is_taken_down_by_build_and_refused_by_check(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({REC: EXPIRING})
    assert site.run("build", "--no-pdf", "--as-of", "2022-05-01", capsys=capsys).code == 0
    assert "proactive" in (site.out / "case-studies/hungary/index.html").read_text()
    built = site.run("build", "--no-pdf", "--as-of", "2022-06-01", capsys=capsys)
    assert built.code == 0, built.err
    assert "expired on 2022-05-31" in built.err and "[quote-taken-down]" in built.err
    assert _files_with(site.out, "proactive") == []
    checked = site.run("check", "--as-of", "2022-06-01", capsys=capsys)
    assert checked.code == 1 and "[quote-expired]" in checked.err


def test_never_approved_quote_is_still_refused_by_build(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site(
        {REC: APPROVAL.replace("status: approved\napproved_on: 2022-02-10", "status: pending")}
    )
    built = site.run("build", "--no-pdf", capsys=capsys)
    assert built.code == 1 and "[quote-pending]" in built.err
    assert not site.out.exists()


# Point 4: a quotation in any style of any script, in any block, or followed by its credit.

LAST = "Workshops brought people together."

# (id, what replaces the last paragraph, where the error is, what kind of block it names)
STRAY = [
    ("German marks", "„Wir haben es gemeinsam geschafft.“", "26:1", "paragraph"),
    ("German single marks", "‚Wir haben es geschafft.‘", "26:1", "paragraph"),
    ("guillemets", "« Nous avons réussi ensemble. »", "26:1", "paragraph"),
    ("reversed guillemets", "»Vi klarede det sammen.«", "26:1", "paragraph"),
    ("single guillemets", "‹Wir haben es geschafft.›", "26:1", "paragraph"),
    ("corner brackets", "「我们一起做到了。」", "26:1", "paragraph"),
    ("white corner brackets", "『私たちは一緒にやり遂げました。』", "26:1", "paragraph"),
    ("full-width marks", "＂We did it together.＂", "26:1", "paragraph"),
    ("straight single marks", "'We did it together.'", "26:1", "paragraph"),
    ("low-9 double, high-reversed", "‟We did it together.”", "26:1", "paragraph"),
    ("heading", "## “We will never go back to the old ways”", "26:1", "heading"),
    ("list item", "- “We did it, together.”\n- the second item", "26:1", "list item"),
    (
        "table cell",
        "| who | said |\n|---|---|\n| Anna | „Wir haben es geschafft.“ |",
        "28:10",
        "table cell",
    ),
    ("image description", "![“We did it,” said Anna Kovács](pic.png)", "26:34", "image"),
    (
        "credit after a dash",
        "“We did it, together.” — Anna Kovács, Háttér Társaság",
        "26:1",
        "followed by a credit",
    ),
    ("reported speech", "“We did it, together,” said Anna Kovács.", "26:1", "who said it"),
    (
        "credit on the next line",
        "*“We did it.”*\n*Robert Buzsaki, Háttér Társaság*",
        "26:1",
        "followed by a credit",
    ),
    (
        "italic quote with its credit in the next paragraph",
        "*With the police’s proactive and supportive attitude, a new type has emerged.*"
        "\n\n*Robert Buzsaki, Háttér Társaság*",
        "26:1",
        "the line after it is a credit",
    ),
]

PROSE = [
    "The so-called “roundtable” met on Mondays.",
    "“Roundtable” and “policing” were the two words everyone used.",
    "The police’s work and the associations’ meetings went on.",
    "They called it „Runder Tisch“ in the German report, and «table ronde» in French.",
    "## The “roundtable” method",
    "| term | meaning |\n|---|---|\n| “roundtable” | a monthly meeting |",
    "*An italic paragraph that explains the method in a few words.*\n\n*Next steps, later*.",
    "She said “we did it” and left the room.",
]


@pytest.mark.parametrize(
    ("text", "where", "words"), [c[1:] for c in STRAY], ids=[c[0] for c in STRAY]
)
def test_a_quotation_outside_a_quote_block_is_refused(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    text: str,
    where: str,
    words: str,
) -> None:
    site = mini_site({CS: CASE_STUDY.replace(LAST, text)})
    result = site.run("check", capsys=capsys)
    assert result.code == 1, result.err
    lines = [ln for ln in result.err.splitlines() if "[unapproved-quotation]" in ln]
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"{CS}:{where}: error: "), result.err
    assert words in lines[0] and "reads as a quotation" in lines[0]
    assert "hint: put the quoted words in a quote block" in result.err


@pytest.mark.parametrize("text", PROSE)
def test_prose_with_a_quoted_term_is_not_a_quotation(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], text: str
) -> None:
    site = mini_site({CS: CASE_STUDY.replace(LAST, text)})
    result = site.run("check", capsys=capsys)
    assert result.code == 0, result.err
    assert "quotation" not in result.err


@pytest.mark.parametrize(
    ("field", "where"),
    [
        ("title: “We did it, together,” said Anna Kovács", "2:8"),
        (
            "images:\n  - src: assets/logo.svg\n    alt: A logo\n    caption: „Wir haben es geschafft.“",
            "17:14",
        ),
    ],
    ids=["title", "image caption"],
)
def test_a_quotation_in_the_front_matter_is_refused(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], field: str, where: str
) -> None:
    text = CASE_STUDY.replace("published: 2022-03-15", "published: 2022-03-15\n" + field, 1)
    if field.startswith("title:"):
        text = CASE_STUDY.replace("title: Police and associations started working together", field)
    site = mini_site({CS: text})
    result = site.run("check", capsys=capsys)
    assert result.code == 1, result.err
    assert f"{CS}:{where}: error: " in result.err and "[unapproved-quotation]" in result.err


# Point 7: invisible format characters in the front matter and approval records.

OTHER = "content/case-studies/other.md"
THEMED = CASE_STUDY.replace("published: 2022-03-15", "published: 2022-03-15\nthemes:\n  - policing")


@pytest.mark.parametrize(
    ("files", "where", "words"),
    [
        (
            {
                CS: THEMED,
                OTHER: THEMED.replace("- policing", "- polic\u200bing").replace(
                    "test-quote", "test-quote"
                ),
            },
            f"{OTHER}:15:5",
            "'themes[1]' holds an invisible character, U+200B ZERO WIDTH SPACE, after 'polic'",
        ),
        (
            {CS: CASE_STUDY.replace("title: Police", "title: \u202ePolice")},
            f"{CS}:2:8",
            "'title' holds an invisible character, U+202E RIGHT-TO-LEFT OVERRIDE, at the start",
        ),
        (
            {CS: CASE_STUDY.replace("country: HU", "country: HU\nslug: hun\u2060gary")},
            f"{CS}:6:7",
            "'slug' holds an invisible character, U+2060 WORD JOINER, after 'hun'",
        ),
        (
            {REC: APPROVAL.replace("supportive", "sup\u00adportive")},
            f"{REC}:3:7",
            "'text' holds an invisible character, U+00AD SOFT HYPHEN, after 'proactive and sup'",
        ),
        (
            {REC: APPROVAL.replace("speaker: Robert", "speaker: Robert\ufeff")},
            f"{REC}:1:10",
            "U+FEFF ZERO WIDTH NO-BREAK SPACE, after 'Robert'",
        ),
        (
            {"content/case-studies/hun\u200dgary.md": CASE_STUDY, CS: None},
            "content/case-studies/hun\u200dgary.md:1:1",
            "the file name holds an invisible character, U+200D ZERO WIDTH JOINER, after 'hun'",
        ),
    ],
    ids=["theme", "title", "slug", "approved text", "speaker", "file name"],
)
def test_an_invisible_character_is_named_and_located(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str | None],
    where: str,
    words: str,
) -> None:
    site = mini_site(files)
    result = site.run("check", capsys=capsys)
    assert result.code == 1, result.err
    lines = [ln for ln in result.err.splitlines() if "[invisible-character]" in ln]
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"{where}: error: "), result.err
    assert words in lines[0], lines[0]


def test_joiners_that_a_script_needs_are_allowed(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    persian = "می\u200cخواهم"  # the zero-width non-joiner Persian spelling needs
    site = mini_site({CS: THEMED.replace("- policing", f"- {persian}")})
    result = site.run("check", capsys=capsys)
    assert result.code == 0, result.err


# Point 8: numbers that YAML reads as other numbers; point 15: hints that fit the field.

NUMBERS = [
    (
        "20.000",
        "  amount: 20.000",
        "7:11",
        "ambiguous-number",
        "is written 20.000, which YAML reads as 20 (a dot is a decimal point), not 20,000",
        "amount: 20000 for 20,000",
    ),
    ("1.500", "  amount: 1.500", "7:11", "ambiguous-number", "YAML reads as 1.5", "amount: 1500"),
    (
        "20,000",
        "  amount: 20,000",
        "7:11",
        "ambiguous-number",
        "is written '20,000', with a thousands separator",
        "amount: 20000",
    ),
    ("1.500,50", "  amount: 1.500,50", "7:11", "ambiguous-number", "'1.500,50'", "amount: 1500.50"),
    (
        "hours 1.500",
        "support_hours: 1.500",
        "9:16",
        "ambiguous-number",
        "reads as 1.5",
        "support_hours: 1500",
    ),
    (
        "30 hours",
        "support_hours: 30 hours",
        "9:16",
        "wrong-type",
        "'support_hours' must be a number, not text",
        "e.g. support_hours: 30",
    ),
    (
        "EUR 20,000",
        "grant: EUR 20,000",
        "6:8",
        "wrong-type",
        "'grant' must be two fields, amount and currency, not text 'EUR 20,000'",
        "'amount: 20000' and 'currency: EUR'",
    ),
]


def _numbers_case(line: str) -> str:
    if line.startswith("support_hours"):
        return CASE_STUDY.replace("support_hours: 30", line)
    if line.startswith("grant:"):
        return CASE_STUDY.replace("grant:\n  amount: 20000\n  currency: EUR", line)
    return CASE_STUDY.replace("  amount: 20000", line)


@pytest.mark.parametrize(
    ("line", "where", "code", "message", "hint"),
    [c[1:] for c in NUMBERS],
    ids=[c[0] for c in NUMBERS],
)
def test_a_number_yaml_would_misread_is_refused_with_a_hint(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    line: str,
    where: str,
    code: str,
    message: str,
    hint: str,
) -> None:
    site = mini_site({CS: _numbers_case(line)})
    result = site.run("check", capsys=capsys)
    assert result.code == 1, result.err
    lines = result.err.splitlines()
    (at,) = [n for n, ln in enumerate(lines) if f"[{code}]" in ln]
    assert lines[at].startswith(f"{CS}:{where}: error: "), result.err
    assert message in lines[at], lines[at]
    assert lines[at + 1].startswith("  hint: ") and hint in lines[at + 1], lines[at + 1]
    assert "20000" not in lines[at + 1] or "support_hours" not in line


@pytest.mark.parametrize(
    "line", ["  amount: 20000.50", "  amount: 20.5", "support_hours: 36.5", "  amount: 1000.000"]
)
def test_a_plain_decimal_is_a_number(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], line: str
) -> None:
    site = mini_site({CS: _numbers_case(line)})
    result = site.run("check", capsys=capsys)
    assert result.code == 0, result.err


# Point 15: smaller things an author meets.


def test_a_tab_in_the_front_matter_says_so_and_nothing_else(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({CS: CASE_STUDY.replace("  amount: 20000", "\tamount: 20000")})
    result = site.run("check", capsys=capsys)
    assert result.code == 1
    assert (
        f"{CS}:7:1: error: this is not valid YAML: a tab cannot indent YAML; use spaces"
        in result.err
    )
    assert "cannot start any token" not in result.err
    assert "approval-unused" not in result.err  # the file's quote still uses its record


def test_a_misspelt_quote_id_gets_a_suggestion(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    site = mini_site({CS: CASE_STUDY.replace("::: quote test-quote", "::: quote test-qoute")})
    result = site.run("check", capsys=capsys)
    assert result.code == 1
    assert (
        f"{CS}:20:1: error: the quote 'test-qoute' has no approval record; "
        "did you mean 'test-quote'? [quote-no-approval]"
    ) in result.err
    assert "hint: fix the id in '::: quote test-qoute', or create" in result.err


SPEAKERS = ["Anna Kovács", "Bálint Szabó", "Clara Novak", "Dita Horak"]


def test_requests_go_only_to_speakers_whose_quotes_wait(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    quote = "With the police's proactive and supportive attitude, a new type of collaboration has emerged."
    blocks = "\n\n".join(f"::: quote q{n}\n{quote}\n:::" for n in range(4))
    files: dict[str, str | None] = {
        CS: CASE_STUDY.replace(f"::: quote test-quote\n{quote}\n:::", blocks),
        REC: None,
    }
    for n, speaker in enumerate(SPEAKERS):
        record = APPROVAL.replace("Robert Buzsaki", speaker)
        if n == 2:
            record = record.replace("status: approved\napproved_on: 2022-02-10", "status: pending")
        files[f"content/approvals/q{n}.yml"] = record
    site = mini_site(files)
    folder = tmp_path / "requests"
    result = site.run("quotes", "--requests", str(folder), capsys=capsys)
    assert result.code == 0, result.err
    assert sorted(p.name for p in folder.iterdir()) == ["clara-novak.md"]
    letter = (folder / "clara-novak.md").read_text()
    assert "q2" in letter and "q0" not in letter


def test_a_drafts_unapproved_quote_is_a_warning_as_the_guide_says(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    draft = CASE_STUDY.replace("title:", "draft: true\ntitle:")
    pending = APPROVAL.replace("status: approved\napproved_on: 2022-02-10", "status: pending")
    site = mini_site({CS: draft, REC: pending})
    result = site.run("check", "--drafts", capsys=capsys)
    assert result.code == 0, result.err
    assert "warning: Robert Buzsaki has not approved the quote 'test-quote' yet" in result.err
    guide = (REPO / "docs/authoring.md").read_text(encoding="utf-8")
    assert "as strictly as published case studies" not in guide
    assert "drafts too (their quotes awaiting approval are warnings)" in guide


@pytest.mark.parametrize(
    "rule",
    [
        "@font-face {\n  font-family: X;\n  src: url(../../secret.woff2);\n}\nhtml { font-family: X; }",
        "html {\n  background-image: url('/etc/hostname');\n}",
    ],
    ids=["read with the stylesheet", "read while a brief renders"],
)
def test_a_refused_url_in_the_brief_stylesheet_is_reported_there_once(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str], rule: str
) -> None:
    site = mini_site({OTHER: CASE_STUDY.replace("test-quote", "test-quote")}, pdf=True)
    css = (site.root / "assets/brief.css").read_text(encoding="utf-8")
    line = (
        css.count("\n")
        + 2
        + rule.split("\n").index(next(x for x in rule.split("\n") if "url(" in x))
    )
    site.write({"assets/brief.css": css + "\n" + rule + "\n"})
    result = site.run("build", capsys=capsys)
    assert result.code == 1
    found = [ln for ln in result.err.splitlines() if "[pdf-brief]" in ln]
    assert len(found) == 1, result.err
    assert found[0].startswith(f"assets/brief.css:{line}:"), found[0]
    assert "the stylesheet refers to a file outside the site" in found[0]
