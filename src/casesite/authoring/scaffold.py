"""`casesite new SLUG`: a ready draft with every required field, explained line by line."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from casesite.load.content import load_yaml_file
from casesite.routes import slug_url
from casesite.validate.fields import SLUG_RE

TEMPLATE = """\
---
# A new case study. Replace each value, then remove 'draft: true' to publish it.
# Every field is explained in docs/authoring.md ("Writing a case study").
title: {title}  # the headline: what changed, in one sentence
summary: >-  # one or two plain sentences for lists, feeds and search results
  Say in one or two sentences what changed and for whom.
network: Name of the network  # the funded network, written out in full
country: {country}  # two-letter ISO code: HU Hungary, CZ Czechia, SK Slovakia, ...
grant:
  amount: 10000  # the grant, a number without separators
  currency: EUR  # three-letter ISO code: EUR, CZK, HUF, USD, ...
support_hours: 10  # hours of capacity-development support
change_period: {month}  # when the change was observed: YYYY-MM, or YYYY-MM/YYYY-MM
developed_by: {developed_by}  # the organisation that wrote the case study
programme: {programme}  # a file in content/programmes/, without .yml
published: {today}  # the publication date, YYYY-MM-DD
lang: {lang}  # the language the case study is written in
draft: true  # drafts are checked but never published
# Quotations go in quote blocks in the text below, each with an approval record in
# content/approvals/<id>.yml holding the exact words the person approved:
#   ::: quote surname-topic
#   The exact words the person approved.
#   :::
---

## The most significant change

Describe the change the network achieved, and why it matters.

## How the project contributed to the change

Describe what the grant and the support made possible.
"""


def new_case_study(root: Path, slug: str, today: date | None = None) -> int:
    if not SLUG_RE.match(slug) or len(slug) > 80:
        print(
            f"casesite: '{slug}' cannot be a web address; use lower-case letters, digits and "
            "single hyphens, e.g. slovak-youth-councils",
            file=sys.stderr,
        )
        return 2
    folder = root / "content" / "case-studies"
    target = folder / f"{slug}.md"
    if target.exists() or target.is_symlink():
        print(f"casesite: {target} already exists; choose another name", file=sys.stderr)
        return 2
    settings: dict[str, object] = {}
    if (root / "content" / "site.yml").is_file():
        doc, _ = load_yaml_file(root, "content/site.yml")
        settings = doc.data if doc else {}
    programmes = sorted(p.stem for p in (root / "content" / "programmes").glob("*.yml"))
    programme = str(
        settings.get("default_programme") or (programmes[0] if programmes else "my-programme")
    )
    day = today or date.today()
    text = TEMPLATE.format(
        title=slug.replace("-", " ").capitalize(),
        country="HU",
        month=f"{day:%Y-%m}",
        developed_by="Your organisation",
        programme=programme,
        today=day.isoformat(),
        lang=str(settings.get("lang") or "en"),
    )
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    rel = target.relative_to(root) if target.is_relative_to(root) else target
    print(f"casesite: wrote {rel}, a draft.")
    print("Next:")
    print(f"  1. open {rel} and replace each value (the comments say what goes where);")
    print(
        "  2. preview it with 'casesite serve --drafts' and open "
        f"http://127.0.0.1:8000/{slug_url(slug)} (it reloads as you save, and shows "
        "any errors on the page);"
    )
    print("  3. record each quote in content/approvals/ and get it approved;")
    print("  4. run 'casesite check', then remove 'draft: true' and commit.")
    return 0
