"""Generate a realistic corpus of N case studies (about 900 words, one approved quote each).

    python bench/corpus.py OUT_DIR N

Writes a complete casesite site (content/, layouts/ and assets/ copied from this
repository) whose case studies vary in country, currency, programme, period and themes.
The text is deterministic for a given N, so runs are comparable.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COUNTRIES = ["HU", "CZ", "SK", "PL", "PT", "RO", "BG", "SI", "HR", "AT", "DE", "NO"]
CURRENCIES = {"HU": "HUF", "CZ": "CZK", "PL": "PLN", "RO": "RON", "BG": "BGN", "NO": "NOK"}
THEMES = [
    "hate crime",
    "policing",
    "youth participation",
    "environment",
    "poverty",
    "local democracy",
    "minority rights",
    "health",
    "education",
    "housing",
]
WORDS = [
    "network",
    "members",
    "workshop",
    "police",
    "council",
    "municipality",
    "volunteers",
    "residents",
    "organisation",
    "cooperation",
    "support",
    "report",
    "victims",
    "office",
    "meeting",
    "trust",
    "change",
    "public",
    "bodies",
    "local",
    "authorities",
    "training",
    "data",
    "community",
    "advocacy",
    "policy",
    "river",
    "food",
    "youth",
    "school",
    "health",
    "housing",
    "budget",
    "agenda",
    "partners",
    "funders",
    "evidence",
]
NAMES = [
    "Anna Kovács",
    "Petr Novák",
    "Zuzana Hudáková",
    "Ana Ferreira",
    "Jan Kowalski",
    "Ioana Popescu",
    "Maria Ivanova",
    "Luka Horvat",
    "Eva Gruber",
    "Ola Nordmann",
]


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng, rng.randint(9, 16)) for _ in range(sentences))


def case_study(i: int, rng: random.Random) -> tuple[str, str, str]:
    slug = f"case-study-{i:05d}"
    country = COUNTRIES[i % len(COUNTRIES)]
    currency = CURRENCIES.get(country, "EUR")
    year = 2019 + i % 6
    month = 1 + i % 12
    quote_id = f"quote-{i:05d}"
    quote = sentence(rng, 24) + " " + sentence(rng, 18)
    themes = sorted({THEMES[i % len(THEMES)], THEMES[(i * 7) % len(THEMES)]})
    body = "\n\n".join(
        [
            "## The most significant change",
            paragraph(rng, 11),
            paragraph(rng, 11),
            f"::: quote {quote_id}\n{quote}\n:::",
            "## How the project contributed to the change",
            paragraph(rng, 12),
            paragraph(rng, 12),
            "## What comes next",
            paragraph(rng, 11),
            f"See [the first story](case-study-00000.md) and **{rng.choice(WORDS)}** work.",
        ]
    )
    text = f"""---
title: Network {i} changed how {rng.choice(WORDS)} and {rng.choice(WORDS)} work together
summary: {sentence(rng, 20)}
network: Network of {rng.choice(WORDS).capitalize()} Groups {i % 97}
country: {country}
grant:
  amount: {rng.randint(5, 200) * 1000}
  currency: {currency}
support_hours: {rng.randint(8, 60)}
change_period: {year}-{month:02d}
developed_by: {rng.choice(["Glopolis", "NIOK Foundation", "Civic Commons Fund"])}
programme: {"stronger-roots" if i % 3 else "civic-commons"}
published: {year + 1}-{month:02d}-{1 + i % 28:02d}
themes: [{", ".join(themes)}]
---

{body}
"""
    approval = f"""speaker: {rng.choice(NAMES)}
organisation: Network of groups {i % 97}
text: >-
  {quote}
status: approved
approved_on: {year + 1}-{month:02d}-01
method: email
"""
    return slug, text, approval


def generate(out: Path, n: int) -> Path:
    if out.exists():
        shutil.rmtree(out)
    for folder in ("layouts", "assets"):
        shutil.copytree(REPO / folder, out / folder)
    (out / "content/case-studies").mkdir(parents=True)
    (out / "content/approvals").mkdir(parents=True)
    shutil.copytree(REPO / "content/programmes", out / "content/programmes")
    shutil.copy(REPO / "content/site.yml", out / "content/site.yml")
    rng = random.Random(20211101)
    for i in range(n):
        slug, text, approval = case_study(i, rng)
        (out / f"content/case-studies/{slug}.md").write_text(text, encoding="utf-8")
        (out / f"content/approvals/quote-{i:05d}.yml").write_text(approval, encoding="utf-8")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    generate(Path(sys.argv[1]), int(sys.argv[2]))
