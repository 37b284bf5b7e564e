"""The sample site's languages in headless Chromium: the switcher goes from the Hungarian
version of a story to the English one and back, axe finds nothing on Czech, Slovak and
Hungarian pages, and each language's search page finds that language's pages only.

Uses tests/browser/languages.mjs; skips (fails under CI) without Chromium, Node or
node_modules, as tests/test_browser.py does."""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, built_once
from .test_browser import _base_path, _chromium, _require_browser, serving

SCRIPT = REPO / "tests/browser/languages.mjs"
HU_STORY = "hu/case-studies/hungary-police-cooperation/"
EN_STORY = "case-studies/hungary-police-cooperation/"
HU_WORD = "kapcsolattartó"  # in the Hungarian version's body only ("liaison")
AXE_PAGES = {
    "cs_case_study": "cs/case-studies/czech-rural-food-banks/",
    "sk_case_study": "sk/case-studies/slovak-youth-councils/",
    "hu_case_study": HU_STORY,
    "hu_index": "hu/",
    "sk_search": "sk/search/",
    "cs_facet": "cs/countries/cz/",
}


def _observe(site: Path, folder: Path) -> Path:
    """The built sample served at its base URL's path, and what languages.mjs saw of it
    (a JSON file in `folder`)."""
    mount = folder / "mount" / _base_path().strip("/")
    mount.parent.mkdir(parents=True)
    mount.symlink_to(site, target_is_directory=True)
    with serving(folder / "mount") as address:
        config = {
            "chromium": _chromium(),
            "root": address + _base_path(),
            "story": {"hu": HU_STORY, "en": EN_STORY},
            "axe": AXE_PAGES,
            "search": {"hu": "hu/search/", "en": "search/", "word": HU_WORD,
                       "en_word": "liaison"},
        }  # fmt: skip
        config_path = folder / "config.json"
        config_path.write_text(json.dumps(config))
        run = subprocess.run(
            ["node", str(SCRIPT), str(config_path)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert run.returncode == 0, run.stderr
    found = folder / "findings.json"
    found.write_text(run.stdout, encoding="utf-8")
    return found


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory, sample_site: Path) -> dict[str, Any]:
    """What the browser saw of the sample (the build other tests read), once per test run,
    whichever test workers ask."""
    _require_browser()
    found = built_once(
        tmp_path_factory, "languages-browser", functools.partial(_observe, sample_site)
    )
    data: dict[str, Any] = json.loads(found.read_text())
    return data


def test_no_script_error_and_no_request_to_another_site(findings: dict[str, Any]) -> None:
    assert findings["errors"] == []


def test_the_switcher_goes_from_the_hungarian_version_to_the_english_and_back(
    findings: dict[str, Any],
) -> None:
    base = _base_path()
    assert findings["switcher"] == [
        {"path": base + HU_STORY, "lang": "hu"},
        {"path": base + EN_STORY, "lang": "en-GB"},
        {"path": base + HU_STORY, "lang": "hu"},
    ]


@pytest.mark.parametrize("page", list(AXE_PAGES))
def test_axe_reports_no_violations_in_each_language(findings: dict[str, Any], page: str) -> None:
    assert findings["axe"][page] == []


def test_each_languages_search_finds_its_own_pages_only(findings: dict[str, Any]) -> None:
    source = (REPO / "content/case-studies/hungary-police-cooperation.hu.md").read_text("utf-8")
    assert HU_WORD in source.split("\n---\n", 1)[1]
    base = _base_path()
    assert findings["search"]["hu"] == [base + HU_STORY]
    assert findings["search"]["en"] == []  # the English index has no Hungarian page
    assert findings["search"]["en_own"] == [base + EN_STORY]
