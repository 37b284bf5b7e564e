"""Pages in Czech, Slovak and Hungarian carry no English interface string, and their labels
take the plural form the language needs.

The same mini-site (a published case study, a draft with a quote awaiting approval, built
with --drafts and PDF briefs, so that every layout is rendered) is built in English and in
each language. Every text and label of every page and of the briefs that reads the same in
both builds, apart from the content (which is the same in both), is an English interface
string that slipped through, unless that language's catalogue writes it as English does
("Data (CSV)" in Czech).
"""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date, format_interval
from babel.messages.pofile import read_po
from babel.numbers import format_currency
from pypdf import PdfReader

from casesite.cli import main
from casesite.render.i18n import Translator
from tests.conftest import BASE_FILES, REPO, SITE_YML, built_once

LOCALES = REPO / "src" / "casesite" / "locales"
ATTRIBUTES = {"aria-label", "placeholder", "title", "alt", "data-showing"}
META = {"description", "og:title", "og:description", "twitter:title", "twitter:description"}

DRAFT = """\
---
title: A draft about volunteer drivers
summary: Drivers shared their cars.
network: Volunteer Drivers Network
country: CZ
grant:
  amount: 450000
  currency: CZK
support_hours: 36.5
change_period: 2022-09/2023-02
developed_by: Glopolis
programme: test-programme
published: 2023-05-02
draft: true
themes: [transport]
---

## The change

Drivers met every week.

::: quote pending-quote
We drive together now.
:::
"""

PENDING = """\
speaker: Petr Novak
organisation: Drivers
text: We drive together now.
status: pending
method: email
"""


class _Strings(HTMLParser):
    """The texts and labelling attributes of a page (not scripts or styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        if tag == "meta" and (values.get("name") or values.get("property")) in META:
            self.found.append(values.get("content") or "")
        for name, value in attrs:
            if value and name in ATTRIBUTES:
                self.found.append(value)
            if value and name == "data-messages":
                messages = json.loads(value)
                for v in messages.values():
                    self.found += list(v.values()) if isinstance(v, dict) else [v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


def _normal(text: str) -> str:
    return " ".join(text.split())


def _plain(text: str) -> str:
    """For comparing with the content: the case and typographic quote marks aside."""
    return re.sub('[“”„‘’"]', "", text).casefold().strip()


def page_strings(path: Path) -> set[str]:
    parser = _Strings()
    parser.feed(path.read_text(encoding="utf-8"))
    return {_normal(s) for s in parser.found} - {""}


def pdf_lines(path: Path) -> set[str]:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return {_normal(line) for line in text.splitlines()} - {""}


def build(root: Path, lang: str) -> Path:
    for folder in ("layouts", "assets"):
        shutil.copytree(REPO / folder, root / folder)
    files = {
        **BASE_FILES,
        "content/site.yml": SITE_YML.replace("lang: en", f"lang: {lang}"),
        "content/case-studies/draft.md": DRAFT,
        "content/approvals/pending-quote.yml": PENDING,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    out = root / "preview"
    assert main(["build", "--drafts", "--no-search", "--root", str(root), "--out", str(out)]) == 0
    return out


def content_strings(root: Path) -> list[str]:
    """Every value an author wrote: lines of the content files, without YAML keys."""
    out = []
    for path in (root / "content").rglob("*"):
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                value = re.sub(r"^\s*(- )?[a-z_]+:\s*", "", line).strip(" >-[]:#")
                if re.search(r"[A-Za-z]{2}", value):
                    out.append(_plain(_normal(value)))
    return out


def same_as_english(lang: str) -> set[str]:
    """The strings a language's catalogue writes as English does."""
    with (LOCALES / lang / "LC_MESSAGES" / "casesite.po").open("rb") as f:
        po = read_po(f)
    same = set()
    for m in po:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        same |= {_normal(s) for s in strings if s in ids}
    return same


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The mini-site built in a language (once per language and test run, whichever test
    workers ask)."""
    sites: dict[str, Path] = {}

    def get(lang: str) -> Path:
        if lang not in sites:
            sites[lang] = built_once(
                tmp_path_factory, f"interface-{lang}", functools.partial(build, lang=lang)
            )
        return sites[lang]

    return get


@pytest.fixture(scope="module")
def english(built: Callable[[str], Path]) -> Path:
    return built("en")


def english_left(site: Path, english: Path, lang: str) -> dict[str, set[str]]:
    content = content_strings(site.parent) + content_strings(english.parent)
    # A draft's quote awaiting approval shows the checker's reasons, which are its messages
    # to the author (in English, as on the command line): preview only, never published.
    draft = (english / "case-studies" / "draft" / "index.html").read_text(encoding="utf-8")
    badge = re.search(r'class="quote-badge">Awaiting approval: (.*?)</p>', draft)
    assert badge is not None
    content.append(_plain(html.unescape(badge.group(1))))
    allowed = same_as_english(lang)

    longest_first = sorted(content, key=len, reverse=True)

    def written_by_casesite(s: str) -> bool:
        """Whether a text holds words that are not the content's."""
        plain = _plain(s)
        if s.startswith("https://") or s in allowed or any(plain in c for c in content):
            return False
        for c in longest_first:
            plain = plain.replace(c, " ")
        return re.search(r"[a-z]{2}", plain) is not None

    def interface(found: set[str]) -> set[str]:
        return {s for s in found if written_by_casesite(s)}

    left: dict[str, set[str]] = {}
    pages = sorted(p.relative_to(english) for p in english.rglob("*.html"))
    assert pages == sorted(p.relative_to(site) for p in site.rglob("*.html"))
    assert len(pages) > 10
    for rel in pages:
        same = interface(page_strings(site / rel) & page_strings(english / rel))
        if same:
            left[rel.as_posix()] = same
    pdfs = sorted(p.relative_to(english) for p in english.rglob("*.pdf"))
    assert len(pdfs) == 4  # the two briefs, the collection and the programme's
    for rel in pdfs:
        same = interface(pdf_lines(site / rel) & pdf_lines(english / rel))
        if same:
            left[rel.as_posix()] = same
    return left


@pytest.mark.parametrize("lang", ["hu", "cs", "sk"])
def test_no_english_interface_string_on_pages_or_briefs(
    built: Callable[[str], Path], english: Path, lang: str
) -> None:
    site = built(lang)
    assert 'lang="' + lang + '"' in (site / "index.html").read_text(encoding="utf-8")
    assert english_left(site, english, lang) == {}


PLURALS = [
    # (lang, count, hours as shown: the CLDR plural category picks the catalogue's form)
    ("cs", "1", "1\u00a0hodina"),
    ("cs", "2", "2\u00a0hodiny"),
    ("cs", "5", "5\u00a0hodin"),
    ("cs", "36.5", "36,5\u00a0hodiny"),
    ("sk", "1", "1\u00a0hodina"),
    ("sk", "2", "2\u00a0hodiny"),
    ("sk", "5", "5\u00a0hodín"),
    ("sk", "1.5", "1,5\u00a0hodiny"),
    ("hu", "1", "1\u00a0óra"),
    ("hu", "5", "5\u00a0óra"),
    ("hu", "36.5", "36,5\u00a0óra"),
    ("en", "1", "1\u00a0hour"),
    ("en", "5", "5\u00a0hours"),
    ("en", "1.5", "1.5\u00a0hours"),
    ("en-GB", "2", "2\u00a0hours"),
]


@pytest.mark.parametrize(("lang", "count", "shown"), PLURALS)
def test_hours_take_the_plural_form_of_the_language(lang: str, count: str, shown: str) -> None:
    from casesite.render.views import hours

    assert hours(Decimal(count), lang) == shown


def test_the_search_script_gets_every_plural_category_of_the_language() -> None:
    forms = Translator("cs").forms(
        "%(num)s case study found", "%(num)s case studies found", num="{n}"
    )
    assert forms == {
        "few": "Nalezeny {n}\u00a0případové studie",
        "many": "Nalezeny {n}\u00a0případové studie",
        "one": "Nalezena {n}\u00a0případová studie",
        "other": "Nalezeno {n}\u00a0případových studií",
    }


def _babel_figures(lang: str) -> dict[str, str]:
    """The draft's figures as babel writes them for the locale (CLDR currency spacing aside:
    a no-break space between a symbol of letters and the digits), spaces no-break."""
    loc = Locale.parse(lang)
    pattern = loc.currency_formats["standard"].pattern.replace("0.00", "0")
    money = format_currency(Decimal(450000), "CZK", pattern, locale=loc, currency_digits=False)
    if money.startswith("CZK"):
        money = money.replace("CZK", "CZK\u00a0")
    start, end = date(2022, 9, 1), date(2023, 2, 1)
    return {
        "grant": money,
        "published": format_date(date(2023, 5, 2), "long", locale=loc),
        "period": str(format_interval(start, end, "yMMMM", locale=loc)),
    }


@pytest.mark.parametrize("lang", ["en", "cs", "sk", "hu"])
def test_money_and_dates_on_pages_and_briefs_are_babels(
    built: Callable[[str], Path], lang: str
) -> None:
    """On the page and in the brief, each figure is babel's, whole on one line of the PDF."""
    site = built(lang)
    page = (site / "case-studies" / "draft" / "index.html").read_text(encoding="utf-8")
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in pdf_text(site)]
    for kind, figure in _babel_figures(lang).items():
        # A range of months: each month in its own <time>, whole; it may break at the dash.
        for part in figure.split("\u2009–\u2009"):
            on_page = part.replace(" ", "\u00a0")
            assert f">{on_page}<" in page, (kind, on_page)
            in_pdf = part.replace("\u00a0", " ")
            assert any(in_pdf in line for line in lines), (kind, in_pdf)


def pdf_text(site: Path) -> list[str]:
    path = site / "case-studies" / "draft" / "draft.pdf"
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return text.splitlines()
