"""PDF briefs: casesite's PDF stage against WeasyPrint alone, and the builds with briefs.

    .venv/bin/python bench/pdf_bench.py [--size 20] [--repeat 3] [--builds]

On a generated corpus (bench/corpus.py), each measure in a fresh process, the order
rotating between repeats, medians of --repeat:
- the floor: WeasyPrint alone rendering casesite's own brief HTML (made beforehand) with
  casesite's stylesheets, in one process, the FontConfiguration and the parsed stylesheets
  reused for every brief, the same PDF variant (PDF/UA-1, tagged), the files read by a
  plain fetcher that checks nothing;
- casesite's PDF stage with 1 and with 2 workers (`--jobs 1/2` with `--no-cache`): every
  brief's HTML, the rendering, the checks, the collection (its front matter and the
  merge), through casesite.pdf.stage.make_briefs, the gate's work done before the clock
  starts;
- the briefs alone, as the stage renders them (its worker pool, WeasyPrint, each PDF read
  for the merge), with 1 and 2 workers, without the HTML and the collection.
With --builds, also `casesite build` of the corpus: cold, nothing changed, one changed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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

CASESITE = Path(sys.executable).parent / "casesite"
MEASURES = ("floor", "stage-1", "stage-2", "briefs-1", "briefs-2")


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


# -- the measures, each run in its own process ----------------------------------------------


class Clock:
    """Wall time and CPU time (user and system, this process and its reaped children)."""

    def __enter__(self) -> Clock:
        self.wall, (self.own, self.workers) = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *_: object) -> None:
        own, workers = self._cpu()
        self.wall = time.perf_counter() - self.wall
        self.own, self.workers = own - self.own, workers - self.workers
        self.cpu = self.own + self.workers

    @staticmethod
    def _cpu() -> tuple[float, float]:
        own, children = (
            resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _checked(site: Path):  # type: ignore[no-untyped-def]
    from casesite.core import Options
    from casesite.gate import check

    checked, report = check(Options(root=site, out=site / "_site", as_of=date.today(), pdf=True))
    assert checked is not None, [d.format() for d in report]
    return checked


def measure_floor(site: Path) -> Clock:
    """WeasyPrint alone: casesite's brief HTML and stylesheets, one process, the font
    configuration and parsed stylesheets reused, a fetcher that only reads the files."""
    from casesite.pdf.briefs import (
        BRIEF_CSS,
        SITE_ROOT_URL,
        VARIANT,
        brief_html,
        dated_by_content,
    )
    from casesite.render.environment import Layouts, make_environment
    from casesite.render.views import theme_css
    from casesite.routes import THEME_CSS, case_study_url

    checked = _checked(site)
    layouts = Layouts(make_environment(site))
    pages = [
        (case_study_url(cs), brief_html(layouts, checked, cs)) for cs in checked.site.case_studies
    ]
    theme = theme_css(checked.site.config).encode("utf-8")
    with dated_by_content(checked), Clock() as clock:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcherResponse

        def fetch(url: str, headers: object = None) -> URLFetcherResponse:
            rel = url.removeprefix(SITE_ROOT_URL)
            data = theme if rel == THEME_CSS else (site / rel).read_bytes()
            return URLFetcherResponse(url, data)

        fonts = FontConfiguration()
        sheets = [
            weasyprint.CSS(url=SITE_ROOT_URL + rel, url_fetcher=fetch, font_config=fonts)
            for rel in (THEME_CSS, BRIEF_CSS)
        ]
        for url, html in pages:
            weasyprint.HTML(string=html, base_url=SITE_ROOT_URL + url, url_fetcher=fetch).render(
                stylesheets=sheets, font_config=fonts, pdf_variant=VARIANT, pdf_tags=True
            ).write_pdf(pdf_variant=VARIANT, pdf_tags=True)
    return clock


def measure_stage(site: Path, jobs: int) -> Clock:
    """casesite's PDF stage, --jobs N --no-cache: HTML, briefs, checks, the collection."""
    from casesite.incremental.store import CacheMode
    from casesite.pdf.stage import make_briefs
    from casesite.render.facets import site_facets

    checked = _checked(site)
    with Clock() as clock:
        facets = site_facets(checked.site)
        briefs, problems = make_briefs(checked, facets, site, jobs=jobs, cache=CacheMode.OFF)
    assert briefs is not None, [d.format() for d in problems]
    return clock


def measure_briefs(site: Path, jobs: int) -> Clock:
    """The briefs alone, as the stage renders them (pool, WeasyPrint, PDFs read for the
    merge), without their HTML and the collection."""
    from casesite.pdf.briefs import brief_html, dated_by_content, engine_setup
    from casesite.pdf.progress import Progress
    from casesite.pdf.workers import Job, render_jobs
    from casesite.render.environment import Layouts, make_environment
    from casesite.routes import case_study_url

    checked = _checked(site)
    layouts = Layouts(make_environment(site))
    todo = [
        Job(cs.source, brief_html(layouts, checked, cs), case_study_url(cs), "")
        for cs in checked.site.case_studies
    ]
    setup = engine_setup(checked, site, font_cache=False)
    with dated_by_content(checked), Clock() as clock:
        out = render_jobs(todo, setup, jobs, Progress(0, None))
    assert all(not rendered.problems for rendered, _ in out.briefs.values())
    return clock


def measure(name: str, site: Path) -> Clock:
    if name == "floor":
        return measure_floor(site)
    kind, jobs = name.split("-")
    return measure_stage(site, int(jobs)) if kind == "stage" else measure_briefs(site, int(jobs))


def in_process(name: str, site: Path) -> tuple[float, float, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--measure", name, "--site", str(site)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        sys.exit(f"{name} failed:\n{proc.stderr}")
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    return float(found["seconds"]), float(found["cpu"]), float(found["own"])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--size", type=int, default=20, help="case studies (default 20)")
    p.add_argument("--repeat", type=int, default=3, help="runs per measure (default 3)")
    p.add_argument("--builds", action="store_true", help="also time casesite build")
    p.add_argument("--measure", choices=MEASURES, help=argparse.SUPPRESS)
    p.add_argument("--site", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.measure:
        clock = measure(args.measure, args.site)
        print(json.dumps({"seconds": clock.wall, "cpu": clock.cpu, "own": clock.own}))
        return
    load = os.getloadavg()
    # Under bench/work-pdf/ (git-ignored), not /tmp, which may be a slower file system; not
    # bench/work/, which bench/run.py empties when it starts and ends.
    work = HERE / "work-pdf"
    work.mkdir(exist_ok=True)
    times: dict[str, list[float]] = {name: [] for name in MEASURES}
    cpus: dict[str, list[float]] = {name: [] for name in MEASURES}
    owns: dict[str, list[float]] = {name: [] for name in MEASURES}
    with tempfile.TemporaryDirectory(prefix="pdf-bench-", dir=work) as tmp:
        site = corpus.generate(Path(tmp) / f"pdf-{args.size}", args.size)
        for i in range(args.repeat):
            k = i % len(MEASURES)
            for name in MEASURES[k:] + MEASURES[:k]:
                seconds, cpu, own = in_process(name, site)
                times[name].append(seconds)
                cpus[name].append(cpu)
                owns[name].append(own)
        if args.builds:
            cold = median_of(args.repeat, lambda: clean(site), lambda: build(site))
            build(site)
            warm = median_of(args.repeat, lambda: None, lambda: build(site))
            one = median_of(args.repeat, lambda: touch_one(site), lambda: build(site))
    n = args.size
    med = {name: statistics.median(v) for name, v in times.items()}
    cpu = {name: statistics.median(v) for name, v in cpus.items()}
    own = {name: statistics.median(v) for name, v in owns.items()}
    print(
        f"## PDF briefs, {n} case studies (median of {args.repeat}, {os.cpu_count()} cores, "
        f"load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)\n"
    )
    print(
        "| measure | seconds | ms per brief | ratio to the floor | CPU s | CPU ratio |\n"
        "|---|---|---|---|---|---|"
    )
    labels = {
        "floor": "WeasyPrint alone, one process (the floor)",
        "stage-1": "casesite's PDF stage, --jobs 1 --no-cache",
        "stage-2": "casesite's PDF stage, --jobs 2 --no-cache",
        "briefs-1": "the briefs alone, 1 worker",
        "briefs-2": "the briefs alone, 2 workers",
    }
    for name in MEASURES:
        print(
            f"| {labels[name]} | {med[name]:.2f} | {med[name] / n * 1000:.0f} "
            f"| {med[name] / med['floor']:.2f} | {cpu[name]:.2f} | {cpu[name] / cpu['floor']:.2f} |"
        )
    print(
        f"\nThe stage with 2 workers is {med['stage-1'] / med['stage-2']:.2f}x as fast as with 1; "
        f"the briefs alone {med['briefs-1'] / med['briefs-2']:.2f}x.\n"
    )
    # On a busy machine the wall times say little; from CPU time, the speed-up two idle
    # cores would give: the parent's own work (before, between and after the workers) in
    # full, the workers' shared between the two.
    for kind in ("stage", "briefs"):
        single, two = f"{kind}-1", f"{kind}-2"
        ideal = cpu[single] / (own[two] + (cpu[two] - own[two]) / 2)
        print(
            f"{kind}, from CPU time: 1 worker {cpu[single]:.2f} s; 2 workers {own[two]:.2f} s in "
            f"the parent and {cpu[two] - own[two]:.2f} s in the workers: about {ideal:.2f}x "
            "on two idle cores."
        )
    print()
    if args.builds:
        print("| build | seconds | ratio to cold |\n|---|---|---|")
        for name, value in (
            ("cold", cold),
            ("warm, nothing changed", warm),
            ("one case study changed", one),
        ):
            print(f"| {name} | {value:.2f} | {value / cold:.2f} |")


if __name__ == "__main__":
    main()
