"""Where the time goes: casesite, Pelican and Hugo building the same 1,000 case studies.

    python bench/where.py [--size 1000] [--repeat 5] [--peers .venv-bench/bin]

The peers render casesite's own markup on the same pages (peers.py). Each tool builds the
corpus cold, in one process for the two Python tools (`casesite build --no-pdf --no-search
--jobs 1`, `pelican`), under py-spy, a sampling profiler that runs beside the process
(pinned in bench/requirements.lock): every sample is put down to the innermost frame of
the stack that names a kind of work (the Markdown parser, the template engine, the YAML
reader, casesite's checks, writing files, ...), so a regular expression run by the link
check counts as the link check. Each kind's share of the samples is then applied to the
median CPU time (user + system) of the same command run without the profiler, the order
of the tools rotating. Hugo reports its own steps (`--logLevel info`: process, assemble,
render) and, with `--templateMetrics`, the time spent in each template; its figures are
wall times on every core. The tables go to stdout as Markdown.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import peers  # noqa: E402
import run as harness  # noqa: E402

# The kinds of work, each with the source files that do it: a sample goes to the first
# kind whose pattern matches a frame, from the innermost frame outwards. Frames are
# "function (path/to/file.py:line)"; a Jinja template's frames name the template's file.
CASESITE_KINDS: tuple[tuple[str, str], ...] = (
    ("start-up and imports", r"<frozen importlib|\(<module>|^<module>"),
    ("Jinja (templates, escaping)", r"jinja2/|markupsafe/|\.html:|casesite/render/environment"),
    ("Markdown", r"markdown_it/|casesite/check/markdown|casesite/render/body"),
    ("front matter and YAML", r"yaml/|casesite/load/yaml|frontmatter/"),
    ("reading files", r"casesite/load/content|casesite/load/assets"),
    (
        "the schema, the quote gate and the other content checks",
        r"casesite/validate/|casesite/check/(quotes|blocks|links|fonts|svgfonts)",
    ),
    ("the link check (every page scanned)", r"casesite/outputs/linkcheck"),
    ("the caches: keys, saving", r"casesite/incremental/|casesite/check/analysis.py:\d+\)$"),
    ("views, facets, cards, interface strings", r"casesite/render/"),
    ("feed, sitemap, CSV and JSON exports", r"casesite/outputs/"),
    ("writing files (digests, folders, the kernel)", r"casesite/publish|pathlib|<frozen os>"),
)
PELICAN_KINDS: tuple[tuple[str, str], ...] = (
    ("start-up and imports", r"<frozen importlib|\(<module>|^<module>"),
    ("Jinja (templates, escaping)", r"jinja2/|markupsafe/|\.html:"),
    ("Markdown", r"\(markdown/|pygments/"),
    ("front matter and YAML", r"yaml/|pelican/readers.py:\d+\)$"),
    ("feed, sitemap, CSV and JSON exports", r"feedgenerator/|sitemap"),
    ("writing files (digests, folders, the kernel)", r"pelican/writers|pathlib|<frozen os>"),
    ("views, facets, cards, interface strings", r"pelican/(generators|contents|urlwrappers)"),
    ("reading files", r"pelican/readers|pelican/utils"),
)
# A thread waiting (for work, a lock, a timer) is sampled too: such samples are left out.
IDLE = re.compile(
    r"^(\w+\.)?(wait|join|_wait_for_tstate_lock|get) \((threading|queue)\.py:\d+\)$"
    r"|^_worker \(concurrent/futures/thread\.py:\d+\)$"
)
OTHER = "the rest (the build's own code, the garbage collector)"


@dataclass
class Profile:
    """The samples of one tool's runs, by kind of work, and its CPU times unprofiled."""

    kinds: tuple[tuple[str, str], ...]
    samples: collections.Counter[str] = field(default_factory=collections.Counter)
    cpu: list[float] = field(default_factory=list)  # user + system, without the profiler
    wall: list[float] = field(default_factory=list)
    idle: int = 0  # samples of a waiting thread, left out

    def add_samples(self, raw: Path) -> None:
        patterns = [(kind, re.compile(p)) for kind, p in self.kinds]
        # A frame's name may hold line breaks (a layout compiled from a string is named by
        # its text): a sample's line ends with its count.
        for line in re.findall(r"(?s)(.*?) (\d+)\n", raw.read_text("utf-8", "replace")):
            stack, count = line
            frames = stack.split(";")[1:]  # not the script's own <module>, in every sample
            if not frames or IDLE.match(frames[-1]):
                self.idle += int(count)
                continue
            kind = next(
                (k for frame in reversed(frames) for k, p in patterns if p.search(frame)), OTHER
            )
            self.samples[kind] += int(count)

    def seconds(self) -> dict[str, float]:
        total = sum(self.samples.values())
        cpu = statistics.median(self.cpu)
        return {k: cpu * n / total for k, n in self.samples.items()}


UNITS = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "ns": 1e-9}


def hugo_steps(log: str) -> dict[str, float]:
    """Hugo's own timings of its steps, in seconds, from `--logLevel info`: process,
    assemble, render, postProcess and the total (each step's first line, not its substeps)."""
    steps: dict[str, float] = {}
    for line in log.splitlines():
        m = re.search(r"build:\s+(.*?)\s*duration ([\d.]+)(ms|µs|ns|s)\s*$", line)
        if m is None or "substep" in m.group(1):
            continue
        words = m.group(1).split()
        name = words[1] if words[:1] == ["step"] else "total"
        steps.setdefault(name, float(m.group(2)) * UNITS[m.group(3)])
    return steps


def hugo_templates(log: str) -> float:
    """The cumulative time of Hugo's top-level templates (not partials, shortcodes or
    render hooks, which run inside them), summed over goroutines, from `--templateMetrics`."""
    total = 0.0
    for m in re.finditer(r"^\s*([\d.]+)\s*(ms|µs|ns|s)\s.*\s(\S+)$", log, re.M):
        if not m.group(3).startswith("_"):
            total += float(m.group(1)) * UNITS[m.group(2)]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peers", type=Path, default=harness.PEERS)
    parser.add_argument("--work", type=Path, default=HERE / "work-where")
    args = parser.parse_args()
    harness.PEERS = args.peers.resolve()
    spy = str(harness.PEERS / "py-spy")
    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    site = corpus.generate(work / "casesite", args.size)
    hugo = peers.make_hugo(site, work / "hugo")
    pelican = peers.make_pelican(site, work / "pelican")
    pelican_cmd = [str(harness.PEERS / "pelican"), "-q", "-s", "pelicanconf.py", "-o", "output"]
    pelican_cmd.append("content")
    jobs = {
        "casesite": (
            lambda: harness.clean(site),
            harness.casesite("--no-pdf", "--no-search", "--jobs", "1"),
            site,
            Profile(CASESITE_KINDS),
        ),
        "Pelican": (
            lambda: shutil.rmtree(pelican / "output", ignore_errors=True),
            pelican_cmd,
            pelican,
            Profile(PELICAN_KINDS),
        ),
    }
    hugo_bin = harness.peer_tool("hugo")
    hugo_wall: list[float] = []
    hugo_cpu: list[float] = []
    steps: dict[str, list[float]] = collections.defaultdict(list)
    templates: list[float] = []
    order = [*jobs, "Hugo"]
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            k = i % len(order)
            for name in order[k:] + order[:k]:
                if name == "Hugo":
                    shutil.rmtree(hugo / "public", ignore_errors=True)
                    measured = harness.run([hugo_bin, "--quiet", "-d", "public/x"], hugo)
                    hugo_wall.append(measured.seconds)
                    hugo_cpu.append(measured.user + measured.system)
                    for flags, into in (
                        (["--logLevel", "info"], "steps"),
                        (["--templateMetrics"], "t"),
                    ):
                        shutil.rmtree(hugo / "public", ignore_errors=True)
                        out = harness.subprocess.run(
                            [hugo_bin, *flags, "-d", "public/x"],
                            cwd=hugo,
                            capture_output=True,
                            text=True,
                            check=True,
                        )
                        log = out.stdout + out.stderr
                        if into == "steps":
                            for step, s in hugo_steps(log).items():
                                steps[step].append(s)
                        else:
                            templates.append(hugo_templates(log))
                    continue
                before, cmd, cwd, profile = jobs[name]
                before()
                measured = harness.run(cmd, cwd)
                profile.cpu.append(measured.user + measured.system)
                profile.wall.append(measured.seconds)
                before()
                raw = Path(tmp) / f"{name}-{i}.txt"
                harness.run(
                    [
                        spy,
                        "record",
                        "--nonblocking",
                        "-r",
                        "500",
                        "-f",
                        "raw",
                        "-o",
                        str(raw),
                        "--",
                        *cmd,
                    ],
                    cwd,
                )
                profile.add_samples(raw)
    shutil.rmtree(work, ignore_errors=True)

    cs, pel = jobs["casesite"][3], jobs["Pelican"][3]
    cs_s, pel_s = cs.seconds(), pel.seconds()
    kinds = [k for k, _ in CASESITE_KINDS] + [OTHER]
    print(
        f"## Where the time goes, {args.size:,} case studies, one process"
        f" (medians of {args.repeat})\n"
    )
    print("| work | casesite, CPU s | Pelican, CPU s | casesite minus Pelican |")
    print("|---|---|---|---|")
    for kind in kinds:
        a, b = cs_s.get(kind, 0.0), pel_s.get(kind, 0.0)
        print(f"| {kind} | {a:.2f} | {b:.2f} | {a - b:+.2f} |")
    a, b = statistics.median(cs.cpu), statistics.median(pel.cpu)
    print(f"| **CPU time, user + system** | **{a:.2f}** | **{b:.2f}** | **{a - b:+.2f}** |")
    a, b = statistics.median(cs.wall), statistics.median(pel.wall)
    print(f"| wall time | {a:.2f} | {b:.2f} | {a - b:+.2f} |")
    print(
        f"\nSamples: casesite {sum(cs.samples.values())} (and {cs.idle} of a waiting thread,"
        f" left out), Pelican {sum(pel.samples.values())} (and {pel.idle}).\n"
    )
    print("Hugo, the same pages (its own timings, wall time on every core, medians):\n")
    print("| step | seconds |")
    print("|---|---|")
    for step in ("process", "assemble", "render", "postProcess", "total"):
        if steps.get(step):
            print(f"| {step} | {statistics.median(steps[step]):.3f} |")
    print(
        "| templates, cumulative over goroutines (`--templateMetrics`)"
        f" | {statistics.median(templates):.3f} |"
    )
    print(f"| the whole process: wall | {statistics.median(hugo_wall):.3f} |")
    print(f"| the whole process: CPU, user + system | {statistics.median(hugo_cpu):.3f} |")


if __name__ == "__main__":
    main()
