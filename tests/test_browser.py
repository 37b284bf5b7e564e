"""The built sample site in headless Chromium: axe-core on every page type, search, the
index filters, the skip link, 320 px wide and print.

Debian's Chromium is driven by playwright-core (npm, no browser download) with
@axe-core/playwright; `.ci/run` installs both. tests/browser/check.mjs makes the
observations once per test run (shared between xdist workers); each test asserts on them.
Without Chromium, Node or node_modules these tests skip with the reason, except under CI
(CI set), where they fail.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .conftest import REPO

CHECK_SCRIPT = REPO / "tests/browser/check.mjs"
NODE_PACKAGES = ("playwright-core", "@axe-core/playwright", "axe-core")
HUNGARY = "case-studies/hungary-police-cooperation/"
BODY_WORD = "liaison"  # in the Hungarian case study's body only
PAGES = {
    "index": "",
    "case_study": HUNGARY,
    "country": "countries/hu/",
    "network": "networks/working-group-against-hate-crimes-in-hungary/",
    "programme": "programmes/stronger-roots/",
    "year": "years/2021/",
    "theme": "themes/policing/",
    "search": "search/",
    "not_found": "404.html",
}


def _chromium() -> str | None:
    """CASESITE_CHROMIUM, else Debian's chromium; None when that is not an executable file."""
    named = os.environ.get("CASESITE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return named if Path(named).is_file() and os.access(named, os.X_OK) else None


def _missing() -> list[str]:
    missing = []
    if _chromium() is None:
        missing.append("Chromium (apt-get install chromium)")
    if shutil.which("node") is None:
        missing.append("Node.js (apt-get install nodejs npm)")
    for package in NODE_PACKAGES:
        if not (REPO / "node_modules" / package / "package.json").is_file():
            missing.append(f"the npm package {package} (run `npm ci` in {REPO})")
    return missing


def _require_browser() -> None:
    missing = _missing()
    if not missing:
        return
    reason = "browser checks need " + "; ".join(missing)
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """`folder` served on 127.0.0.1 by a thread of this process; yields its address,
    'http://127.0.0.1:PORT' (no slash)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@functools.cache
def _base_path() -> str:
    site_yml = (REPO / "content/site.yml").read_text("utf-8")
    base = next(
        line.split(":", 1)[1].strip()
        for line in site_yml.splitlines()
        if line.startswith("base_url:")
    )
    return urlsplit(base).path  # "/stronger-roots/"


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory, sample_site: Path) -> Iterator[str]:
    """The built sample (the one other tests read), served at its base URL's path on
    127.0.0.1 (so the 404 page's links from the site root resolve); yields the site's address."""
    folder = tmp_path_factory.mktemp("served")
    built = sample_site
    mount = folder / "mount"
    (mount / _base_path().strip("/")).parent.mkdir(parents=True, exist_ok=True)
    (mount / _base_path().strip("/")).symlink_to(built, target_is_directory=True)
    with serving(mount) as address:
        yield address + _base_path()


def _observe(address: str, folder: Path) -> dict[str, Any]:
    config = {
        "chromium": _chromium(),
        "root": address,
        "pages": PAGES,
        "search": {"word": BODY_WORD, "country": "hu", "other_country": "cz"},
        "filter": {"kind": "country", "key": "hu"},
        "screenshots": os.environ.get("CASESITE_SCREENSHOTS", ""),
    }
    config_path = folder / "browser-config.json"
    config_path.write_text(json.dumps(config))
    proc = subprocess.run(
        ["node", str(CHECK_SCRIPT), str(config_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"check.mjs failed:\n{proc.stderr}"
    findings: dict[str, Any] = json.loads(proc.stdout)
    return findings


@pytest.fixture(scope="session")
def findings(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, Any]:
    """The browser's observations, made once per run even with several xdist workers."""
    _require_browser()
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    result = shared / "browser-findings.json"
    with open(shared / "browser-findings.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.is_file():
            address = request.getfixturevalue("served_site")
            result.write_text(json.dumps(_observe(address, tmp_path_factory.mktemp("browser"))))
    data: dict[str, Any] = json.loads(result.read_text())
    return data


def test_the_browser_saw_no_script_error_and_no_request_to_another_site(
    findings: dict[str, Any],
) -> None:
    assert findings["errors"] == []


@pytest.mark.parametrize("page", list(PAGES))
def test_axe_reports_no_violations(findings: dict[str, Any], page: str) -> None:
    assert page in findings["axe"], f"axe did not run on {page}"
    assert findings["axe"][page] == []


def test_search_finds_the_hungarian_case_study_by_a_word_of_its_body(
    findings: dict[str, Any],
) -> None:
    source = (REPO / "content/case-studies/hungary-police-cooperation.md").read_text("utf-8")
    front, body = source.split("\n---\n", 1)
    assert BODY_WORD in body and BODY_WORD not in front
    expected = f"{_base_path()}{HUNGARY}"
    assert findings["search"]["found"] == [expected]
    assert findings["search"]["status"] == "1 case study found"
    assert findings["search"]["from_header"] == [expected]


def test_search_filters_narrow_the_results(findings: dict[str, Any]) -> None:
    search = findings["search"]
    assert search["other_country"] == []  # the word, but only in Czechia: nothing
    assert search["country_only"] == [f"{_base_path()}{HUNGARY}"]  # no word, Hungary
    assert search["address"] == "?country=hu"


def test_filters_narrow_the_index_list_in_place(findings: dict[str, Any]) -> None:
    f = findings["filter"]
    assert f["form_shown"]
    assert len(f["before"]) >= 4
    assert f["after"] == [HUNGARY]
    assert f["count_text"] == f"Showing 1 of {len(f['before'])} case studies"
    assert f["address"] == "?country=hu"
    assert f["reset"] == f["before"]
    assert f["from_address"] == [HUNGARY]


@pytest.mark.parametrize("page", ["index", "case_study"])
def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
    findings: dict[str, Any], page: str
) -> None:
    seen = findings["keyboard"][page]
    assert seen["first"] == {"className": "skip-link", "href": "#main", "visible": True}
    assert seen["after"] == "main"


@pytest.mark.parametrize("page", list(PAGES))
def test_nothing_scrolls_sideways_at_320_px(findings: dict[str, Any], page: str) -> None:
    width = findings["overflow320"][page]
    assert width["scrollWidth"] <= width["clientWidth"] == 320


def test_a_case_study_prints_without_the_site_controls(findings: dict[str, Any]) -> None:
    printed = findings["print"]
    assert all(printed["hidden"])
    assert printed["scrollWidth"] <= printed["clientWidth"]
    assert printed["bodyText"] > 1000
