"""What the PDF stage does once rather than per brief: WOFF2 fonts decompressed once per
process (forked workers inherit them; with workers, decompressed ahead in other
processes), and a brief read into a part for the collection without parsing its structure
tree (real briefs, rendered by WeasyPrint)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import woff2  # type: ignore[import-untyped]
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from casesite.core import Checked, Options
from casesite.gate import check
from casesite.incremental.store import Store
from casesite.pdf import fontfiles, parts
from casesite.pdf.briefs import Engine, engine_setup
from casesite.pdf.stage import render_one_brief
from casesite.pdf.stylesheet import stylesheet_assets

from .conftest import REPO


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Checked]:
    root = tmp_path_factory.mktemp("sample")
    for folder in ("content", "layouts", "assets"):
        shutil.copytree(REPO / folder, root / folder)
    checked, report = check(Options(root=root, out=root / "_site", pdf=True))
    assert checked is not None, [d.format() for d in report]
    return root, checked


def test_fonts_are_decompressed_once_per_process(
    sample: tuple[Path, Checked], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, checked = sample
    calls: list[int] = []
    decompress = woff2.decompress

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return decompress(*args, **kwargs)

    monkeypatch.setattr(woff2, "decompress", counted)
    monkeypatch.setattr(fontfiles, "_DECOMPRESSED", {}, raising=False)
    setup = engine_setup(checked, root, font_cache=False)  # as with --no-cache
    first = Engine(setup)
    fonts = [rel for rel in first.style_read if rel.endswith(".woff2")]
    assert fonts and len(calls) == len(fonts)
    Engine(setup)  # a second engine in the same process, or a forked worker's
    assert len(calls) == len(fonts)


AHEAD_IN_A_FRESH_PROCESS = """
import os, sys
from pathlib import Path
from fontTools.ttLib import woff2
from casesite.incremental.store import digest
from casesite.parallel import can_fork
from casesite.pdf import fontfiles
from casesite.pdf.stylesheet import stylesheet_assets
here = []  # decompressions in this process (a worker's are its own)
decompress = woff2.decompress
def counted(*args, **kwargs):
    here.append(os.getpid())
    return decompress(*args, **kwargs)
woff2.decompress = counted
root = Path(sys.argv[1])
fonts = [root / rel for rel in stylesheet_assets(root) if rel.endswith(".woff2")]
meanwhile = []
made = fontfiles.decompress_ahead(fonts, None, 2, lambda: meanwhile.append(os.getpid()))
assert made == len(fonts) > 1, (made, fonts)
assert meanwhile == [os.getpid()], meanwhile
assert not here, f"{len(here)} fonts decompressed in the parent"
assert can_fork(), "a thread is left behind: the briefs' workers could not fork"
for path in fonts:  # what the fetcher asks for
    fontfiles.decompressed(path.read_bytes(), digest(path.read_bytes()), None)
assert not here, f"{len(here)} fonts decompressed again"
print("ahead")
"""


def test_with_workers_fonts_are_decompressed_ahead_in_other_processes(
    sample: tuple[Path, Checked],
) -> None:
    """In a fresh process (a test worker may have threads left by other tests, and then
    would not fork): none is decompressed in the parent, before or after."""
    root, _ = sample
    proc = subprocess.run(
        [sys.executable, "-c", AHEAD_IN_A_FRESH_PROCESS, str(root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ahead\n"


def test_fonts_decompressed_ahead_are_those_the_engine_reads_and_are_kept(
    sample: tuple[Path, Checked], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root, checked = sample
    monkeypatch.setattr(fontfiles, "_DECOMPRESSED", {}, raising=False)
    fonts = [root / rel for rel in stylesheet_assets(root) if rel.endswith(".woff2")]
    store = Store(tmp_path)
    assert fontfiles.decompress_ahead(fonts, store, 2, lambda: None) == len(fonts)
    engine = Engine(engine_setup(checked, root, font_cache=False))
    read = sorted(rel for rel in engine.style_read if rel.endswith(".woff2"))
    assert read == sorted(path.relative_to(root).as_posix() for path in fonts)
    kept = [store.read(name) for name in store.names(fontfiles.FONTS)]
    for path in fonts:  # the bytes WeasyPrint's own decompression gives, kept in the cache
        font = fontfiles.decompress(path.read_bytes())
        assert font in fontfiles._DECOMPRESSED.values() and font in kept
    monkeypatch.setattr(fontfiles, "_DECOMPRESSED", {}, raising=False)
    assert fontfiles.decompress_ahead(fonts, store, 2, lambda: None) == 0  # in the cache


def test_a_part_is_read_without_the_structure_tree(
    sample: tuple[Path, Checked], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, checked = sample
    cs = checked.site.case_studies[0]
    data = render_one_brief(checked, root, cs)
    whole = PdfReader(io.BytesIO(data))
    assert any(
        isinstance(o := whole.get_object(n), DictionaryObject) and o.get("/Type") == "/StructElem"
        for n in whole.xref_objStm
    ), "the brief is tagged"
    parsed: list[Any] = []
    cache = PdfReader.cache_indirect_object

    def recorded(self: PdfReader, generation: int, idnum: int, obj: Any) -> Any:
        parsed.append(obj)
        return cache(self, generation, idnum, obj)

    monkeypatch.setattr(PdfReader, "cache_indirect_object", recorded)
    part, linked = parts.read_part(data), parts.read_part(data, links=True)
    assert part.pages and parsed
    assert not any(
        isinstance(o, DictionaryObject) and o.get("/Type") == "/StructElem" for o in parsed
    )
    # the same part as one read by pypdf's own reader, which parses every object
    monkeypatch.setattr(parts, "_lazy_reader", lambda d: PdfReader(io.BytesIO(d)))
    assert parts.read_part(data).to_bytes() == part.to_bytes()
    assert parts.read_part(data, links=True).to_bytes() == linked.to_bytes()
