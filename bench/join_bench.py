"""Joining briefs into one PDF: casesite's joiner (src/casesite/pdf/merge.py) and pikepdf.

    .venv/bin/python bench/join_bench.py SITE_OUTPUT [--count 100] [--repeat 3] \
        [--pikepdf-python .venv-bench/bin/python]

Takes the first COUNT briefs of a built site (`_site/case-studies/*/*.pdf`) and joins
them, the first standing in for the front matter, each way in its own process, medians
of --repeat:
- casesite, from parts: merge_parts on the parts read beforehand (in a build each part is
  read by the worker that rendered the brief, and cached: this is the collection's cost
  in a build);
- casesite, from the PDFs: read_part of each brief, then merge_parts;
- pikepdf (qpdf): each brief opened, its pages appended, its outline copied under the
  joined outline with its destinations moved to the joined pages, the contents links of
  the first file turned into links to each brief's first page, the first file's metadata,
  /Lang, a fixed /ID, saved without object streams' time stamps (static_id,
  deterministic).
pikepdf runs with the Python given by --pikepdf-python (it is not one of casesite's
dependencies; `pip install pikepdf` in the bench venv).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def casesite_join(files: list[Path], from_parts: bool) -> tuple[float, int]:
    from casesite.pdf.merge import merge_parts
    from casesite.pdf.parts import read_part

    datas = [p.read_bytes() for p in files]
    urls = [f"https://example.org/{p.parent.name}/" for p in files]
    parts = [read_part(d, links=i == 0) for i, d in enumerate(datas)] if from_parts else []
    started = time.perf_counter()
    if not from_parts:
        parts = [read_part(d, links=i == 0) for i, d in enumerate(datas)]
    identity = hashlib.sha256(b"".join(datas)).digest()
    out = merge_parts(parts[0], list(zip(urls[1:], parts[1:], strict=True)), "en", "x", identity)
    return time.perf_counter() - started, len(out)


def _copy(item: Any, index: dict[tuple[int, int], int], offset: int) -> Any:
    """An outline item of a brief, and its children, pointing at the joined pages."""
    import pikepdf

    dest = item.destination
    page = 0
    if isinstance(dest, pikepdf.Array) and len(dest):
        page = index.get(dest[0].objgen, 0)
    made = pikepdf.OutlineItem(item.title, offset + page)
    made.children.extend(_copy(child, index, offset) for child in item.children)
    return made


def pikepdf_join(files: list[Path]) -> tuple[float, int]:
    import pikepdf
    from pikepdf import Dictionary, Name

    datas = [p.read_bytes() for p in files]
    urls = [f"https://example.org/{p.parent.name}/" for p in files]
    started = time.perf_counter()
    out = pikepdf.new()
    first_page: dict[str, int] = {}
    sources = []
    with out.open_outline() as outline:
        for i, data in enumerate(datas):
            src = pikepdf.open(io.BytesIO(data))
            sources.append(src)
            offset = len(out.pages)
            if i:
                first_page.setdefault(urls[i], offset)
            index = {page.objgen: n for n, page in enumerate(src.pages)}
            out.pages.extend(src.pages)
            with src.open_outline() as theirs:
                outline.root.extend(_copy(item, index, offset) for item in theirs.root)
    front_pages = len(sources[0].pages)
    for page in out.pages[:front_pages]:
        for annot in page.obj.get(Name.Annots, []):
            action = annot.get(Name.A)
            uri = str(action.get(Name.URI, "")) if action is not None else ""
            if uri in first_page:
                del annot[Name.A]
                annot[Name.Dest] = pikepdf.Array([out.pages[first_page[uri]].obj, Name.Fit])
    for key, value in sources[0].docinfo.items():
        out.docinfo[key] = value
    out.Root.Lang = pikepdf.String("en")
    out.Root.PageMode = Name.UseOutlines
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    buffer = io.BytesIO()
    out.save(buffer, static_id=True, deterministic_id=True)
    return time.perf_counter() - started, len(buffer.getvalue())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("site", type=Path, help="a built site's output folder (_site)")
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--pikepdf-python", default=".venv-bench/bin/python")
    p.add_argument("--one", choices=("parts", "pdfs", "pikepdf"), help=argparse.SUPPRESS)
    args = p.parse_args()
    files = sorted(args.site.glob("case-studies/*/*.pdf"))[: args.count]
    assert len(files) == args.count, f"only {len(files)} briefs in {args.site}"
    if args.one:
        if args.one == "pikepdf":
            seconds, size = pikepdf_join(files)
        else:
            seconds, size = casesite_join(files, args.one == "parts")
        print(json.dumps({"seconds": seconds, "bytes": size}))
        return
    pythons = {"parts": sys.executable, "pdfs": sys.executable, "pikepdf": args.pikepdf_python}
    times: dict[str, list[float]] = {k: [] for k in pythons}
    sizes: dict[str, int] = {}
    for i in range(args.repeat):
        names = list(pythons)
        for name in names[i % 3 :] + names[: i % 3]:
            cmd = [pythons[name], __file__, str(args.site), "--count", str(args.count)]
            proc = subprocess.run([*cmd, "--one", name], capture_output=True, text=True)
            if proc.returncode:
                sys.exit(proc.stderr)
            found = json.loads(proc.stdout.splitlines()[-1])
            times[name].append(found["seconds"])
            sizes[name] = found["bytes"]
    base = statistics.median(times["parts"])
    print(f"## Joining {args.count} briefs (median of {args.repeat})\n")
    print("| joiner | seconds | ratio to casesite's from parts | output bytes |\n|---|---|---|---|")
    labels = {
        "parts": "casesite, from cached parts (a build)",
        "pdfs": "casesite, reading each PDF into a part first",
        "pikepdf": "pikepdf",
    }
    for name, values in times.items():
        med = statistics.median(values)
        print(f"| {labels[name]} | {med:.3f} | {med / base:.2f} | {sizes[name]:,} |")


if __name__ == "__main__":
    main()
