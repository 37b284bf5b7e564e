"""The search index of a large site, built in parts (real Pagefind, no mocks): the sample
site is indexed with a tiny part size, so each Pagefind run gets a share of its pages."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from .conftest import build_sample


def _indexed_urls(bundle: Path) -> list[str]:
    """The page addresses in a Pagefind bundle's fragments (gzip, after a signature)."""
    urls = []
    for fragment in sorted((bundle / "fragment").glob("*.pf_fragment")):
        text = gzip.decompress(fragment.read_bytes()).decode("utf-8")
        urls.append(json.loads(text[text.index("{") :])["url"])
    return urls


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def whole(sample_site: Path) -> Path:
    return sample_site / "pagefind"


def test_a_small_site_is_indexed_in_one_run(whole: Path) -> None:
    assert json.loads((whole / "casesite-parts.json").read_text()) == []
    assert not list(whole.glob("part-*"))
    # The case studies in every language (four stories, three of them in two), not the facets.
    assert len(_indexed_urls(whole)) == 7


def test_parts_index_every_page_once_and_the_same_pages_as_one_run(
    whole: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASESITE_SEARCH_PART_BYTES", "30000")
    first = build_sample(tmp_path_factory.mktemp("parts"), "--no-pdf") / "pagefind"
    parts = json.loads((first / "casesite-parts.json").read_text())
    assert parts == [f"part-{k}/" for k in range(2, len(parts) + 2)] and parts
    found = _indexed_urls(first) + [u for p in parts for u in _indexed_urls(first / p)]
    assert sorted(found) == sorted(_indexed_urls(whole))
    assert len(found) == len(set(found))
    for p in parts:
        assert (first / p / "pagefind-entry.json").is_file()
        assert not (first / p / "pagefind-ui.js").exists()
    again = build_sample(tmp_path_factory.mktemp("again"), "--no-pdf") / "pagefind"
    assert _tree(again) == _tree(first)  # reproducible, byte for byte
