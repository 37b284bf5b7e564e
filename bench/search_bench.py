"""Where Pagefind's time goes on a built site, and whether its Python API could skip the
unchanged pages of a rebuild.

    .venv/bin/python bench/search_bench.py SITE_OUTPUT [--repeat 3]

On a built site's pages (casesite's `_site`, the search bundle left out), medians of
--repeat, each in a fresh Pagefind process:
- the command line, as casesite runs it (`--site`, `--force-language`), bundle written;
- the Python API given the folder (`add_directory`, what the command line does);
- the Python API (`pagefind` package: a Pagefind service over a pipe), every page given
  as HTML with `add_html_file`, the bundle written (`write_files`);
- the API given only the changed page as HTML and every other page as a ready record
  (`add_custom_record`: its URL, text, title and filters from the last build's fragment),
  which is what an incremental index would have to do: the service starts empty each time
  and has no call to load a bundle or to remove one page from it;
then whether each bundle is byte for byte the command line's.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

from casesite.outputs.search import find_pagefind

LANG = ("--force-language", "en", "--silent")


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)


def by_cli(site: Path, out: Path) -> float:
    binary = find_pagefind()
    assert binary is not None
    started = time.perf_counter()
    subprocess.run(
        [str(binary), "--site", str(site), "--output-path", str(out), *LANG],
        check=True,
    )
    return time.perf_counter() - started


def fragments(bundle: Path) -> dict[str, dict[str, object]]:
    """The last build's fragments (one per page: its URL, text, meta, filters)."""
    found = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[str(data["url"])] = data
    return found


async def by_api_dir(site: Path, out: Path) -> float:
    started = time.perf_counter()
    config = IndexConfig(force_language="en", output_path=str(out))
    async with PagefindIndex(config=config) as index:
        await index.add_directory(str(site))
    return time.perf_counter() - started


async def by_api(site: Path, out: Path, records: dict[str, dict[str, object]] | None) -> float:
    config = IndexConfig(force_language="en", output_path=str(out))
    started = time.perf_counter()
    async with PagefindIndex(config=config) as index:
        adds = []  # sent together: one at a time, each waits for the pipe's round trip
        for i, path in enumerate(pages(site)):
            rel = path.relative_to(site).as_posix()
            url = "/" + rel.removesuffix("index.html")
            record = records.get(url) if records is not None and i else None
            if record is None:
                adds.append(index.add_html_file(content=path.read_text("utf-8"), source_path=rel))
            else:
                meta: dict[str, str] = {k: str(v) for k, v in dict(record["meta"]).items()}  # type: ignore[call-overload]
                filters: dict[str, list[str]] = {
                    k: list(v)
                    for k, v in dict(record["filters"]).items()  # type: ignore[call-overload]
                }
                adds.append(
                    index.add_custom_record(
                        url=url,
                        content=str(record["content"]),
                        language="en",
                        meta=meta,
                        filters=filters,
                    )
                )
        await asyncio.gather(*adds)
    return time.perf_counter() - started


def same(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    other = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files == other and all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("site", type=Path)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(args.site, site, ignore=shutil.ignore_patterns("pagefind", "*.pdf"))
        times: dict[str, list[float]] = {"cli": [], "dir": [], "html": [], "records": []}
        records: dict[str, dict[str, object]] = {}
        for i in range(args.repeat):
            for name in times:
                out = Path(tmp) / f"{name}-{i}"
                if name == "cli":
                    times[name].append(by_cli(site, out))
                    records = fragments(out)
                elif name == "dir":
                    times[name].append(asyncio.run(by_api_dir(site, out)))
                else:
                    chosen = records if name == "records" else None
                    times[name].append(asyncio.run(by_api(site, out, chosen)))
        n = len(pages(site))
        cli = statistics.median(times["cli"])
        print(f"## Pagefind on {n} pages (median of {args.repeat})\n")
        print(
            "| how | seconds | ratio | bundle the same as the command line's |\n|---|---|---|---|"
        )
        labels = {
            "cli": "command line, every page",
            "dir": "Python API, the folder (add_directory)",
            "html": "Python API, every page as HTML",
            "records": "Python API, one page as HTML, the others as records",
        }
        for name, values in times.items():
            med = statistics.median(values)
            identical = name == "cli" or same(Path(tmp) / "cli-0", Path(tmp) / f"{name}-0")
            print(
                f"| {labels[name]} | {med:.2f} | {med / cli:.2f} | {'yes' if identical else 'no'} |"
            )


if __name__ == "__main__":
    sys.exit(main())
