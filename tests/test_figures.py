"""A figure never wraps inside itself: money, hours, dates and counts stay whole on a line
at 320, 390 and 1280 px, on English, Czech, Slovak and Hungarian pages.

The sample site is built in each language (its site.yml's lang changed) and served; Debian's
Chromium, driven by tests/browser/figures.mjs, reports every run of text that holds a digit
and no breakable space ("CZK 450,000", "450 000 Kč", "2023. szeptember 18.") and lies on
more than one line. Skips like tests/test_browser.py without Chromium, Node or node_modules
(fails under CI).
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casesite.cli import main
from tests.conftest import REPO, built_once
from tests.test_browser import _chromium, _require_browser, serving

SCRIPT = REPO / "tests/browser/figures.mjs"
QUOTE_BLOCK = re.compile(r"^::: quote .*?^:::\n", re.M | re.S)
LANGUAGES = ("en-GB", "cs", "sk", "hu")
WIDTHS = (320, 390, 1280)
PAGES = {
    "index": "",
    "czech": "case-studies/czech-rural-food-banks/",  # CZK 450,000; a range of months
    "hungary": "case-studies/hungary-police-cooperation/",
    "slovak": "case-studies/slovak-youth-councils/",  # 36.5 hours; updated
    "portugal": "case-studies/portugal-river-keepers/",
    "programme": "programmes/stronger-roots/",  # the totals
}


def _build(folder: Path, lang: str) -> Path:
    """The sample as a site in `lang`: its case studies in the site's language, their
    figures formatted for `lang`. Their versions in other languages are left out (one in
    `lang` would take the same address), and so are the quotes (approved in the words'
    own languages, not in `lang`): the figures are what is looked at."""
    root = folder / lang
    for name in ("content", "layouts", "assets"):
        shutil.copytree(REPO / name, root / name)
    for story in sorted((root / "content" / "case-studies").glob("*.md")):
        if "." in story.stem:  # <slug>.<lang>.md: a version in another language
            story.unlink()
        elif lang != "en-GB":
            text = story.read_text(encoding="utf-8")
            story.write_text(QUOTE_BLOCK.sub("", text), encoding="utf-8")
    site_yml = root / "content" / "site.yml"
    lines = site_yml.read_text(encoding="utf-8").splitlines()
    site_yml.write_text(
        "\n".join(f"lang: {lang}" if line.startswith("lang:") else line for line in lines) + "\n",
        encoding="utf-8",
    )
    assert main(["build", "--no-pdf", "--no-search", "--root", str(root)]) == 0
    return root / "_site"


@contextlib.contextmanager
def _served(folder: Path) -> Iterator[str]:
    """The sample in each language, side by side under one address: ADDRESS/<lang>/."""
    mount = folder / "mount"
    mount.mkdir()
    for lang in LANGUAGES:
        (mount / lang).symlink_to(_build(folder, lang), target_is_directory=True)
    with serving(mount) as address:
        yield address + "/"


def _observe(folder: Path) -> Path:
    """The four sites built and served, and what figures.mjs saw of them (a JSON file)."""
    with _served(folder) as address:
        config = {
            "chromium": _chromium(),
            "root": address,
            "widths": list(WIDTHS),
            "pages": {
                f"{lang} {name}": f"{lang}/{path}"
                for lang in LANGUAGES
                for name, path in PAGES.items()
            },
        }
        path = folder / "config.json"
        path.write_text(json.dumps(config))
        proc = subprocess.run(
            ["node", str(SCRIPT), str(path)], cwd=REPO, capture_output=True, text=True, timeout=600
        )
    assert proc.returncode == 0, f"figures.mjs failed:\n{proc.stderr}"
    found = folder / "wrapped.json"
    found.write_text(proc.stdout, encoding="utf-8")
    return found


@pytest.fixture(scope="module")
def wrapped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Built, served and looked at once per test run, whichever test workers ask."""
    _require_browser()
    found: dict[str, Any] = json.loads(
        built_once(tmp_path_factory, "figures", _observe).read_text()
    )
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_figure_wraps_inside_itself(wrapped: dict[str, Any], lang: str) -> None:
    seen = {
        f"{name} at {width} px": figures
        for name in PAGES
        for width, figures in wrapped[f"{lang} {name}"].items()
        if figures
    }
    assert len(wrapped) == len(LANGUAGES) * len(PAGES)
    assert seen == {}
