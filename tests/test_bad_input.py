"""Every kind of bad input: exit 1, a path:line:col location, a hint, no traceback, and
the previous _site/ untouched. The cases are data: what to change, what must be said."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import CASE_STUDY, MiniSite, tree_digest

CS = "content/case-studies/hungary.md"


def edit(old: str, new: str, text: str = CASE_STUDY) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# (id, files to write, expected code, expected "path:line:col")
CASES: list[tuple[str, dict[str, str | bytes | None], str, str]] = [
    # --- front matter: structure (pitfalls.md, YAML) ---
    (
        "duplicate key",
        {CS: edit("network:", "title: again\nnetwork:")},
        "duplicate-key",
        f"{CS}:4:1",
    ),
    (
        "unclosed front matter",
        {CS: CASE_STUDY.replace("---\n\n## The change", "\n## The change")},
        "unclosed-front-matter",
        f"{CS}:1:1",
    ),
    ("no front matter", {CS: "## Just a body\n"}, "missing-front-matter", f"{CS}:1:1"),
    (
        "list front matter",
        {CS: "---\n- a\n- b\n---\nbody\n"},
        "front-matter-not-mapping",
        f"{CS}:2:1",
    ),
    (
        "yaml syntax error line true to file",
        {CS: edit("network: Working", "network: : Working")},
        "yaml-syntax",
        f"{CS}:4:",
    ),
    (
        "anchor and alias",
        {
            CS: edit(
                "network: Working Group Against Hate Crimes in Hungary",
                "network: &n Working\ndeveloped_by_alias: *n",
            )
        },
        "yaml-anchor",
        f"{CS}:4:",
    ),
    (
        "billion laughs",
        {CS: edit("title:", 'a: &a ["lol","lol"]\nb: &b [*a,*a]\nc: [*b,*b]\ntitle:')},
        "yaml-anchor",
        f"{CS}:2:",
    ),
    (
        "explicit tag",
        {CS: edit("network: Working", "network: !!python/object Working")},
        "yaml-tag",
        f"{CS}:4:",
    ),
    ("merge key", {CS: edit("title:", "<<: {x: 1}\ntitle:")}, "yaml-merge-key", f"{CS}:2:"),
    (
        "deep nesting",
        {CS: edit("title:", "deep: " + "[" * 60_000 + "\ntitle:")},
        "yaml-too",
        f"{CS}:",
    ),
    (
        "invalid utf-8",
        {CS: CASE_STUDY.encode().replace(b"Associations", b"Associ\xff\xfetions")},
        "invalid-utf8",
        f"{CS}:18:7",
    ),
    (
        "octal-looking number stays a number",
        {CS: edit("support_hours: 30", "support_hours: 0")},
        "not-positive",
        f"{CS}:9:16",
    ),
    (
        "1:30 is text, not 90",
        {CS: edit("support_hours: 30", "support_hours: 1:30")},
        "wrong-type",
        f"{CS}:9:16",
    ),
    # --- schema ---
    (
        "missing title",
        {CS: edit("title: Police and associations started working together\n", "")},
        "missing-field",
        f"{CS}:",
    ),
    (
        "empty summary",
        {CS: edit("summary: Local police and associations began to cooperate.", "summary:")},
        "missing-field",
        f"{CS}:3:",
    ),
    (
        "unknown field with did you mean",
        {CS: edit("network:", "netwrok: x\nnetwork:")},
        "unknown-field",
        f"{CS}:4:1",
    ),
    (
        "title not text",
        {CS: edit("title: Police and associations started working together", "title: [a, b]")},
        "wrong-type",
        f"{CS}:2:8",
    ),
    (
        "country not ISO",
        {CS: edit("country: HU", "country: Hungary")},
        "unknown-country",
        f"{CS}:5:10",
    ),
    (
        "country lower case",
        {CS: edit("country: HU", "country: hu")},
        "unknown-country",
        f"{CS}:5:10",
    ),
    (
        "currency not ISO",
        {CS: edit("currency: EUR", "currency: EURO")},
        "unknown-currency",
        f"{CS}:8:13",
    ),
    ("negative amount", {CS: edit("amount: 20000", "amount: -5")}, "not-positive", f"{CS}:7:11"),
    (
        "amount as text",
        {CS: edit("amount: 20000", "amount: 20,000 EUR")},
        "wrong-type",
        f"{CS}:7:11",
    ),
    (
        "grant not a mapping",
        {CS: edit("grant:\n  amount: 20000\n  currency: EUR", "grant: 20000")},
        "wrong-type",
        f"{CS}:6:8",
    ),
    (
        "zero hours",
        {CS: edit("support_hours: 30", "support_hours: 0")},
        "not-positive",
        f"{CS}:9:16",
    ),
    (
        "hours true",
        {CS: edit("support_hours: 30", "support_hours: true")},
        "wrong-type",
        f"{CS}:9:16",
    ),
    (
        "bad change period",
        {CS: edit("change_period: 2021-11", "change_period: November 2021")},
        "invalid-period",
        f"{CS}:10:16",
    ),
    (
        "month 13",
        {CS: edit("change_period: 2021-11", "change_period: 2021-13")},
        "invalid-period",
        f"{CS}:10:16",
    ),
    (
        "range ends before start",
        {CS: edit("change_period: 2021-11", "change_period: 2022-02/2021-09")},
        "invalid-period",
        f"{CS}:10:16",
    ),
    (
        "impossible date",
        {CS: edit("published: 2022-03-15", "published: 2024-02-30")},
        "invalid-date",
        f"{CS}:13:12",
    ),
    (
        "updated before published",
        {CS: edit("published: 2022-03-15", "published: 2022-03-15\nupdated: 2021-01-01")},
        "invalid-date",
        f"{CS}:14:10",
    ),
    (
        "unknown programme",
        {CS: edit("programme: test-programme", "programme: test-programm")},
        "unknown-programme",
        f"{CS}:12:12",
    ),
    (
        "bad slug override",
        {CS: edit("title:", "slug: Not A Slug\ntitle:")},
        "invalid-slug",
        f"{CS}:2:7",
    ),
    (
        "bad file name",
        {CS: None, "content/case-studies/My Story.md": CASE_STUDY},
        "invalid-slug",
        "content/case-studies/My Story.md:1:1",
    ),
    (
        "slug collision names both files",
        {"content/case-studies/other.md": edit("title:", "slug: hungary\ntitle:")},
        "slug-collision",
        "content/case-studies/other.md:1:1",
    ),
    (
        "unknown language",
        {CS: edit("title:", "lang: xx-notalang\ntitle:")},
        "unknown-language",
        f"{CS}:2:7",
    ),
    (
        "case study in a language without interface strings",
        {CS: edit("title:", "lang: de\ntitle:")},
        "no-catalogue",
        f"{CS}:2:7",
    ),
    ("draft not boolean", {CS: edit("title:", "draft: maybe\ntitle:")}, "wrong-type", f"{CS}:2:8"),
    (
        "themes not a list",
        {CS: edit("title:", "themes: policing\ntitle:")},
        "wrong-type",
        f"{CS}:2:9",
    ),
    (
        "image without alt",
        {CS: edit("Workshops brought", "![](../../assets/brand/missing.png) Workshops brought")},
        "image-alt-missing",
        f"{CS}:26:",
    ),
    (
        "top-level heading in body",
        {CS: edit("## The change", "# The change")},
        "heading-level",
        f"{CS}:16:1",
    ),
    # --- links ---
    (
        "javascript link",
        {CS: edit("met at workshops.", "met at [workshops](javascript:alert(1)).")},
        "link-not-allowed",
        f"{CS}:18:",
    ),
    (
        "protocol-relative link",
        {CS: edit("met at workshops.", "met at [workshops](//evil.example/x).")},
        "link-not-allowed",
        f"{CS}:18:",
    ),
    (
        "absolute path link",
        {CS: edit("met at workshops.", "met at [workshops](/etc/passwd).")},
        "link-not-allowed",
        f"{CS}:18:",
    ),
    (
        "link leaving the site",
        {CS: edit("met at workshops.", "met at [workshops](../../../../etc/passwd).")},
        "link-outside-site",
        f"{CS}:18:",
    ),
    (
        "broken relative link",
        {CS: edit("met at workshops.", "met at [workshops](other-story.md).")},
        "broken-link",
        f"{CS}:18:",
    ),
    (
        "broken fragment",
        {CS: edit("met at workshops.", "met at [workshops](#nowhere).")},
        "broken-fragment",
        f"{CS}:18:",
    ),
    (
        "external image",
        {CS: edit("met at workshops.", "met at ![a photo](https://tracker.example/x.png).")},
        "external-image",
        f"{CS}:18:",
    ),
    (
        "data URL image",
        {CS: edit("met at workshops.", "![a photo](data:image/png;base64,AAAA)")},
        "link-not-allowed",
        f"{CS}:18:",
    ),
    # --- files ---
    (
        "unknown site language",
        {"content/site.yml": "name: x\nbase_url: https://e.org/\nlang: klingon\n"},
        "unknown-language",
        "content/site.yml:3:7",
    ),
    (
        "site language without interface strings",
        {"content/site.yml": "name: x\nbase_url: https://e.org/\nlang: pl\n"},
        "no-catalogue",
        "content/site.yml:3:7",
    ),
    (
        "missing site settings",
        {"content/site.yml": None},
        "missing-site-settings",
        "content/site.yml:1:1",
    ),
    (
        "base_url not a web address",
        {"content/site.yml": "name: x\nbase_url: javascript:alert(1)\n"},
        "invalid-url",
        "content/site.yml:2:11",
    ),
    (
        "brand colour too pale",
        {
            "content/site.yml": 'name: x\nbase_url: https://e.org/\nbrand:\n  colours:\n    primary: "#eeeeee"\n'
        },
        "low-contrast",
        "content/site.yml:5:14",
    ),
    (
        "brand colour not hex",
        {
            "content/site.yml": "name: x\nbase_url: https://e.org/\nbrand:\n  colours:\n    primary: red; } body { x\n"
        },
        "invalid-colour",
        "content/site.yml:5:14",
    ),
    (
        "programme partner url",
        {
            "content/programmes/test-programme.yml": "name: P\nabout: x\npartners:\n  - name: A\n    url: javascript:alert(1)\n"
        },
        "invalid-url",
        "content/programmes/test-programme.yml:5:10",
    ),
]


@pytest.mark.parametrize(
    ("files", "code", "where"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_reported_and_nothing_is_published(
    mini_site: Callable[..., MiniSite],
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str | bytes | None],
    code: str,
    where: str,
) -> None:
    site = mini_site()
    good = site.run("build", capsys=capsys)
    assert good.code == 0, good.err
    before = tree_digest(site.out)

    site.write(files)
    bad = site.run("build", capsys=capsys)

    assert bad.code == 1, bad.err
    assert "Traceback" not in bad.err
    located = [
        line for line in bad.err.splitlines() if line.startswith(where) and f"[{code}" in line
    ]
    assert located, f"expected {where} ... [{code}] in:\n{bad.err}"
    assert ": error: " in located[0]
    assert "hint:" in bad.err
    assert "nothing was published" in bad.err
    assert tree_digest(site.out) == before


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


def test_every_problem_is_reported_at_once(
    mini_site: Callable[..., MiniSite], capsys: pytest.CaptureFixture[str]
) -> None:
    text = edit("country: HU", "country: XX")
    text = edit("currency: EUR", "currency: ZZZ", text)
    text = edit("published: 2022-03-15", "published: 2022-13-01", text)
    site = mini_site({CS: text})
    result = site.run("check", capsys=capsys)
    assert result.code == 1
    for code in ("unknown-country", "unknown-currency", "invalid-date"):
        assert f"[{code}]" in result.err
    assert "3 errors in 1 file" in result.err


def test_a_link_to_a_case_study_with_errors_says_so(mini_site: Callable[..., MiniSite]) -> None:
    """The linked file's own errors are the thing to fix, not the link."""
    other = "content/case-studies/other.md"
    site = mini_site(
        {
            CS: edit("met at workshops.", "met at [workshops](other.md)."),
            other: edit("country: HU", "country: XX"),
        }
    )
    run = site.run_process("build")
    assert run.code == 1
    assert f"{other}:5:10: error:" in run.err  # its own error
    assert (
        f"{CS}:18:" in run.err
        and f"leads to '{other}', which cannot be published until its own errors are fixed"
        in run.err
    ), run.err
    assert "did you mean" not in run.err
