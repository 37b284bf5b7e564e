"""PDF briefs: cold, warm and one-changed builds, and briefs per second by worker count.

    .venv/bin/python bench/pdf_bench.py [--size 20] [--repeat 3]

Builds a generated corpus (bench/corpus.py) with `casesite build` (PDFs on, one worker
per core) and reports medians of --repeat runs, wall-clock:
- cold: no _site/, no .casesite-cache/;
- warm: nothing changed since the last build (every brief comes from the cache);
- one changed: one case study edited (its brief is rendered, the collection's front
  matter at most, and the collection merged from the cached briefs).
Then the rendering itself, through the library, with no cache: the same batch of briefs
rendered in this process (1 worker) and by a pool of 2 forked worker processes (pool
start-up included; the fonts and stylesheets are set up once beforehand, as in a build).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
from run import clean, touch_one  # noqa: E402

from casesite.core import Options  # noqa: E402
from casesite.gate import check  # noqa: E402
from casesite.pdf.briefs import brief_html, engine_setup  # noqa: E402
from casesite.pdf.stage import Job, Progress, _render  # noqa: E402
from casesite.render.environment import Layouts, make_environment  # noqa: E402

CASESITE = Path(sys.executable).parent / "casesite"


def build(site: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.run(
        [str(CASESITE), "build", "--root", str(site)], capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"casesite build failed:\n{proc.stderr}")
    return seconds


def median_of(repeat: int, before: Callable[[], None], run: Callable[[], float]) -> float:
    times = []
    for _ in range(repeat):
        before()
        times.append(run())
    return statistics.median(times)


def briefs_per_second(site: Path, workers: int, repeat: int) -> float:
    checked, report = check(Options(root=site, out=site / "_site", as_of=date.today(), pdf=True))
    assert checked is not None, [d.format() for d in report]
    layouts = Layouts(make_environment(site))
    jobs = [
        Job(cs.source, brief_html(layouts, checked, cs), cs.url, "")
        for cs in checked.site.case_studies
    ]
    setup = engine_setup(checked, site)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        out = _render(jobs, setup, workers if workers > 1 else 1, Progress(0, None))
        times.append(time.perf_counter() - started)
        assert all(not rendered.problems for rendered, _ in out.values())
    return len(jobs) / statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--size", type=int, default=20, help="case studies (default 20)")
    p.add_argument("--repeat", type=int, default=3, help="runs per measure (default 3)")
    p.add_argument("--throughput-only", action="store_true", help="skip the builds")
    args = p.parse_args()
    cold = warm = one = 0.0
    load = os.getloadavg()
    # Under bench/work-pdf/ (git-ignored), not /tmp, which may be a slower file system; not
    # bench/work/, which bench/run.py empties when it starts and ends.
    work = HERE / "work-pdf"
    work.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pdf-bench-", dir=work) as tmp:
        site = corpus.generate(Path(tmp) / f"pdf-{args.size}", args.size)
        if not args.throughput_only:
            cold = median_of(args.repeat, lambda: clean(site), lambda: build(site))
            build(site)
            warm = median_of(args.repeat, lambda: None, lambda: build(site))
            one = median_of(args.repeat, lambda: touch_one(site), lambda: build(site))
        # Rendering throughput: a fresh folder, so the (unused here) cache cannot help.
        one_worker = briefs_per_second(site, 1, args.repeat)
        two_workers = briefs_per_second(site, 2, args.repeat)
    print(
        f"## PDF briefs, {args.size} case studies "
        f"(median of {args.repeat}, {os.cpu_count()} cores, load average "
        f"{load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)\n"
    )
    if not args.throughput_only:
        print("| build | seconds | ratio to cold |\n|---|---|---|")
        for name, value in (
            ("cold", cold),
            ("warm, nothing changed", warm),
            ("one case study changed", one),
        ):
            print(f"| {name} | {value:.2f} | {value / cold:.2f} |")
    print(f"\n| workers | briefs per second |\n|---|---|\n| 1 | {one_worker:.2f} |")
    print(f"| 2 | {two_workers:.2f} |\n\nspeed-up with 2 workers: {two_workers / one_worker:.2f}x")


if __name__ == "__main__":
    main()
