"""What the PDF stage does once rather than per brief: WOFF2 fonts decompressed once per
process (forked workers inherit them), and a brief read into a part for the collection
without parsing its structure tree (real briefs, rendered by WeasyPrint)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import woff2  # type: ignore[import-untyped]
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from casesite.core import Checked, Options
from casesite.gate import check
from casesite.pdf import fetcher, parts
from casesite.pdf.briefs import Engine, engine_setup
from casesite.pdf.stage import render_one_brief

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
    monkeypatch.setattr(fetcher, "_DECOMPRESSED", {}, raising=False)
    setup = engine_setup(checked, root, font_cache=False)  # as with --no-cache
    first = Engine(setup)
    fonts = [rel for rel in first.style_read if rel.endswith(".woff2")]
    assert fonts and len(calls) == len(fonts)
    Engine(setup)  # a second engine in the same process, or a forked worker's
    assert len(calls) == len(fonts)


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
