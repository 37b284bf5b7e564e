"""The build cache (incremental.store): every entry sealed with its name and a digest of
its bytes; a damaged, truncated or swapped entry is discarded with a note and made again,
and the build publishes what a clean build publishes."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from casesite.incremental.store import CACHE_DIR, CacheMode, Store, seal, unseal

from .conftest import CASE_STUDY, MiniSite, make_mini_site, tree_digest

CS = "content/case-studies/hungary.md"
SECOND = "content/case-studies/second.md"
EDITED = CASE_STUDY.replace("met at workshops", "met at six workshops")


def test_every_flipped_bit_and_every_truncation_of_an_entry_is_noticed() -> None:
    stored = seal("files.pickle", b"the keepers of the words")
    assert unseal("files.pickle", stored) == b"the keepers of the words"
    for i in range(len(stored)):
        for bit in range(8):
            damaged = bytearray(stored)
            damaged[i] ^= 1 << bit
            assert unseal("files.pickle", bytes(damaged)) is None, (i, bit)
        assert unseal("files.pickle", stored[:i]) is None, i
    assert unseal("pages.pickle", stored) is None, "an entry under another name is foreign"


def test_a_damaged_entry_is_discarded_with_a_note(tmp_path: Path) -> None:
    notes: list[str] = []

    class Notes:
        def write(self, text: str) -> int:
            notes.append(text)
            return len(text)

    store = Store(tmp_path, CacheMode.WRITE, Notes())  # type: ignore[arg-type]
    store.write_json("search.json", {"key": "k"})
    assert store.read_json("search.json") == {"key": "k"} and not notes
    path = tmp_path / CACHE_DIR / "search.json"
    path.write_bytes(path.read_bytes().replace(b'"k"', b'"j"'))
    assert store.read_json("search.json") is None
    assert "search.json is damaged" in notes[0] and not path.exists()
    assert Store(tmp_path, CacheMode.OFF).read("search.json") is None


def _kind(rel: str) -> str:
    """Cache files of one kind: files.pickle; a brief's record, its PDF, its part; ..."""
    path = Path(rel)
    if path.parent.name in ("outputs", "fonts", "hyphenation", "layouts"):
        return path.parent.name
    if path.name.startswith("style-"):
        return "style"
    return path.name if path.parent.name != "briefs" or path.stem == "front-pages" else path.suffix


def _damage(how: str, data: bytes, other: bytes) -> bytes:
    middle = len(data) // 2
    if how == "a bit flipped":
        return data[:middle] + bytes([data[middle] ^ 4]) + data[middle + 1 :]
    if how == "truncated":
        return data[: len(data) * 2 // 3]
    return other  # swapped with another entry


KINDS = (".json", ".part", ".pdf", "files.pickle", "fonts", "front-pages.json", "hyphenation")
KINDS += ("layouts", "outputs", "pages.pickle", "search.json", "style")  # a brief's record, ...


@dataclass(frozen=True)
class Damageable:
    """A site built twice (the second build records the front matter's length), then
    edited; its cache and output as built (`pristine`), and what a clean build of the
    edited site publishes (`clean`, by tree_digest)."""

    site: MiniSite
    pristine: Path
    clean: dict[str, str]

    @property
    def cache(self) -> Path:
        return self.pristine / "cache"

    def files(self) -> list[str]:
        return sorted(
            p.relative_to(self.cache).as_posix() for p in self.cache.rglob("*") if p.is_file()
        )


@pytest.fixture(scope="module")
def damageable(tmp_path_factory: pytest.TempPathFactory) -> Damageable:
    """Built once for the module: each kind below starts from copies of it."""
    base = tmp_path_factory.mktemp("store")
    second = {SECOND: CASE_STUDY.replace("title: Police", "title: Teachers")}
    site = make_mini_site(base / "site", second, pdf=True, search=True)
    for _ in range(2):  # the second build records the front matter's length
        run = site.run_process("build")
        assert run.code == 0, run.err
    pristine = base / "pristine"
    shutil.copytree(site.root / CACHE_DIR, pristine / "cache")
    shutil.copytree(site.out, pristine / "site")
    site.write({SECOND: EDITED.replace("title: Police", "title: Teachers")})
    return Damageable(site, pristine, tree_digest(site.full_build("clean")))


def test_the_cache_holds_each_kind_of_file_the_damage_test_damages(
    damageable: Damageable,
) -> None:
    """The kinds below are every kind of cache file the build writes: a new kind fails
    here until it is added to KINDS (and so damaged below)."""
    assert {_kind(rel) for rel in damageable.files()} == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_a_build_with_any_damaged_cache_file_publishes_what_a_clean_build_does(
    damageable: Damageable, kind: str
) -> None:
    """Every cache file of one kind, damaged one way, under a build that reads them all: the
    second case study changes, so its brief, the collection and its parts are made again
    (with the fonts and the front matter's length from the cache) while the first's brief
    and the pages that did not change come from the cache. Each kind, each damage; each
    build a process of its own (this one keeps fonts and engines a fresh build would read
    from the cache). One test a kind, so that test workers share them."""
    site, cache, files = damageable.site, damageable.cache, damageable.files()
    rels = [rel for rel in files if _kind(rel) == kind]
    assert rels, kind
    # Swapped: each file of the kind gets the next one's bytes (another kind's if alone).
    others = rels[1:] + rels[:1] if len(rels) > 1 else [next(f for f in files if f != rels[0])]
    for how in ("a bit flipped", "truncated", "swapped"):
        shutil.rmtree(site.root / CACHE_DIR, ignore_errors=True)
        shutil.rmtree(site.out, ignore_errors=True)
        shutil.copytree(cache, site.root / CACHE_DIR)
        shutil.copytree(damageable.pristine / "site", site.out)
        for rel, other in zip(rels, others, strict=True):
            damaged = _damage(how, (cache / rel).read_bytes(), (cache / other).read_bytes())
            (site.root / CACHE_DIR / rel).write_bytes(damaged)
        run = site.run_process("build")
        assert run.code == 0, (kind, how, run.err)
        assert tree_digest(site.out) == damageable.clean, (kind, how)
        assert "note: the cache entry" in run.err, (kind, how, run.err)
