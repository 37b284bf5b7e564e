"""Mini-sites for tests, case files (txtar) that change them, and ways to run casesite on them."""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from casesite.cli import main

from . import fresh

REPO = Path(__file__).resolve().parent.parent

SITE_YML = """\
name: Test stories
tagline: Stories for tests
base_url: https://example.org/stories/
lang: en
default_programme: test-programme
licence:
  name: CC BY 4.0
  url: https://creativecommons.org/licenses/by/4.0/
"""

PROGRAMME_YML = """\
name: Test Programme
about: >-
  A programme that exists for the tests.
partners:
  - name: Partner One
    url: https://partner.example.org/
"""

CASE_STUDY = """\
---
title: Police and associations started working together
summary: Local police and associations began to cooperate.
network: Working Group Against Hate Crimes in Hungary
country: HU
grant:
  amount: 20000
  currency: EUR
support_hours: 30
change_period: 2021-11
developed_by: Glopolis
programme: test-programme
published: 2022-03-15
---

## The change

Associations and the police met at workshops.

::: quote test-quote
With the police's proactive and supportive attitude, a new type of collaboration has emerged.
:::

## How it happened

Workshops brought people together.
"""

APPROVAL = """\
speaker: Robert Buzsaki
organisation: Háttér Társaság
text: >-
  With the police's proactive and supportive attitude,
  a new type of collaboration has emerged.
status: approved
approved_on: 2022-02-10
method: email
"""

BASE_FILES = {
    "content/site.yml": SITE_YML,
    "content/programmes/test-programme.yml": PROGRAMME_YML,
    "content/case-studies/hungary.md": CASE_STUDY,
    "content/approvals/test-quote.yml": APPROVAL,
}


CASES = Path(__file__).resolve().parent / "cases"
STDERR = "stderr"  # the section of a case file that holds the expected diagnostics


@dataclass(frozen=True)
class Case:
    """One case file (txtar): a comment, then '-- path --' sections.

    The comment says what the case shows; in it, a line '$ casesite ARGS' gives the command
    (default: casesite build) and a line 'rm PATH' removes a file of the base mini-site.
    Each '-- path --' section is a file written over the base mini-site, byte for byte;
    the section '-- stderr --' is the whole text casesite must write to stderr."""

    name: str
    args: tuple[str, ...]
    remove: tuple[str, ...]
    files: dict[str, bytes]
    stderr: str

    @classmethod
    def read(cls, path: Path) -> Case:
        sections = parse_txtar(path.read_bytes())
        comment = sections.pop("", b"").decode("utf-8").splitlines()
        command = [ln[2:].split() for ln in comment if ln.startswith("$ casesite ")]
        args = tuple(command[0][1:]) if command else ("build",)
        remove = tuple(ln[3:].strip() for ln in comment if ln.startswith("rm "))
        stderr = sections.pop(STDERR).decode("utf-8")
        return cls(path.stem, args, remove, sections, stderr)

    def write_over(self, site: MiniSite) -> None:
        site.write({rel: None for rel in self.remove})
        site.write(dict(self.files))


def parse_txtar(data: bytes) -> dict[str, bytes]:
    """The comment (under the key "") and each '-- name --' section's bytes."""
    sections: dict[str, bytes] = {}
    current = ""
    lines: list[bytes] = []
    for line in data.splitlines(keepends=True):
        stripped = line.rstrip(b"\r\n")
        if stripped.startswith(b"-- ") and stripped.endswith(b" --") and len(stripped) > 6:
            sections[current] = b"".join(lines)
            current, lines = stripped[3:-3].decode("utf-8"), []
        else:
            lines.append(line)
    sections[current] = b"".join(lines)
    return sections


def cases(folder: str) -> list[Case]:
    """The cases in tests/cases/<folder>/, in name order: one file, one case."""
    found = [Case.read(path) for path in sorted((CASES / folder).glob("*.txt"))]
    assert found, f"no cases in {CASES / folder}"
    return found


def assert_well_formed(report: str) -> None:
    """Each error and warning is 'path:line:col: severity: message [code]' with a hint."""
    lines = report.splitlines()
    assert lines[-1].startswith("casesite: ")
    for number, line in enumerate(lines[:-1]):
        if not line.startswith("  hint: "):
            assert ": error: " in line or ": warning: " in line, line
            assert line.endswith("]"), line
            assert lines[number + 1].startswith("  hint: "), line


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class MiniSite:
    """A site in a temporary folder. Its builds leave out the PDF briefs and the search
    index (a one-study build: 0.14 s instead of 1.3 s) unless the site, or one run, asks
    for them with pdf=True or search=True."""

    root: Path
    pdf: bool = False
    search: bool = False

    def args(self, args: tuple[str, ...], pdf: bool | None, search: bool | None) -> list[str]:
        """The command line of a run: `build` gets --no-pdf and --no-search unless asked."""
        if not args or args[0] != "build":
            return list(args)
        with_pdf = self.pdf if pdf is None else pdf
        with_search = self.search if search is None else search
        return [
            *args,
            *([] if with_pdf else ["--no-pdf"]),
            *([] if with_search else ["--no-search"]),
        ]

    def write(self, files: Mapping[str, str | bytes | None]) -> None:
        for rel, data in files.items():
            path = self.root / rel
            if data is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")

    def run(
        self,
        *args: str,
        capsys: pytest.CaptureFixture[str] | None = None,
        pdf: bool | None = None,
        search: bool | None = None,
    ) -> Run:
        """casesite in this process (fast); stdout and stderr captured."""
        assert capsys is not None
        capsys.readouterr()
        argv = self.args(args, pdf, search)
        code = main([*argv, "--root", str(self.root)] if args[0] != "new" else argv)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    def run_process(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        pdf: bool | None = None,
        search: bool | None = None,
    ) -> Run:
        """casesite as its own process, as an author runs it: a fresh process forked from
        one that has only imported casesite (tests/fresh.py), or, for variables Python
        reads at start-up or with CASESITE_TEST_PROCESSES=exec, `python -m casesite.cli`."""
        argv = self.args(args, pdf, search)
        full_env = {**os.environ, **(env or {})}
        if os.environ.get("CASESITE_TEST_PROCESSES") != "exec" and fresh.can_run(full_env):
            ran = fresh.run(argv, self.root, full_env)
            return Run(ran.code, ran.out, ran.err)
        proc = subprocess.run(
            [sys.executable, "-m", "casesite.cli", *argv],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=300,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    def full_build(self, out: str = "full") -> Path:
        """What a build from nothing makes of the site as it is now (--no-cache, into
        `out`): the reference a rebuild's output is compared with. It runs in this process,
        with one job, where fonts and the engine may be warm from earlier builds (about half
        the CPU of a fresh process). Nothing a build makes depends on that; if it did, the
        reference would differ from the build under test, run in a process of its own, and
        the comparison would fail rather than pass."""
        folder = self.root / out
        run = self.run_here("build", "--no-cache", "--jobs", "1", "--out", str(folder))
        assert run.code == 0, run.err
        return folder

    def run_here(self, *args: str) -> Run:
        """casesite in this process, like `run`, its output captured without capsys (for a
        fixture wider than one test)."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*self.args(args, None, None), "--root", str(self.root)])
        return Run(code, out.getvalue(), err.getvalue())

    @property
    def out(self) -> Path:
        return self.root / "_site"


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the hash of its bytes (and its mode)."""
    result = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            rel = path.relative_to(folder).as_posix()
            result[rel] = hashlib.sha256(path.read_bytes()).hexdigest() + oct(path.stat().st_mode)
    return result


def build_sample(folder: Path, *args: str) -> Path:
    """The repository's own sample content, copied into `folder` and built as an author
    builds it (with `args` added to `casesite build`); returns the built site."""
    root = folder / "sample"
    for name in ("content", "layouts", "assets"):
        shutil.copytree(REPO / name, root / name)
    proc = subprocess.run(
        [sys.executable, "-m", "casesite", "build", "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return root / "_site"


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Path]
) -> Path:
    """What `make` builds in an empty folder, built once per test run: under pytest-xdist
    the first worker to ask builds it in the run's shared temporary folder while the others
    wait on a lock, then all read the same one (tests only read it)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return make(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent / name
    with open(f"{shared}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        made = shared / "made"
        if not made.is_file():
            folder = shared / "folder"
            folder.mkdir(parents=True, exist_ok=True)
            made.write_text(str(make(folder)), encoding="utf-8")
        return Path(made.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, built once per test run (for every test worker); tests only read it."""
    return built_once(tmp_path_factory, "sample", build_sample)


@pytest.fixture
def mini_site(tmp_path: Path) -> Callable[..., MiniSite]:
    """A working site in tmp_path: the project's layouts and assets, small test content."""

    def make(
        extra: dict[str, str | bytes | None] | None = None,
        base: bool = True,
        pdf: bool = False,
        search: bool = False,
    ) -> MiniSite:
        return make_mini_site(tmp_path / "site", extra, base, pdf, search)

    return make


def make_mini_site(
    root: Path,
    extra: Mapping[str, str | bytes | None] | None = None,
    base: bool = True,
    pdf: bool = False,
    search: bool = False,
) -> MiniSite:
    """A working site at `root`: the project's layouts and assets (copied once), the small
    test content (BASE_FILES, unless `base` is false), then `extra` written over it."""
    root.mkdir(parents=True, exist_ok=True)
    for folder in ("layouts", "assets"):
        if not (root / folder).exists():
            shutil.copytree(REPO / folder, root / folder)
    site = MiniSite(root, pdf=pdf, search=search)
    if base:
        site.write(dict(BASE_FILES))
    site.write(extra or {})
    return site


def assert_refused(site: MiniSite, case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    """A case's files written over a working mini-site: the run fails with exit 1 and
    exactly the case's expected report, well formed, and nothing is published."""
    case.write_over(site)
    result = site.run(*case.args, capsys=capsys)
    assert result.code == 1, result.err
    assert result.err == case.stderr
    assert_well_formed(result.err)
    assert not site.out.exists()


# Links of a PDF's objects that lead away from what a page draws: up the page tree, and
# through the structure tree (tagged PDFs) back to every page.
_NOT_DRAWN = frozenset(("/Parent", "/P", "/StructParents", "/K"))


def pdf_fonts(reader: PdfReader) -> list[DictionaryObject]:
    """Every font dictionary the pages of a PDF draw with, each once: those of the pages'
    resources, of the forms they draw (WeasyPrint draws an SVG picture into one), and the
    descendants of composite (Type0) fonts, in the order they are reached."""
    seen: set[int] = set()

    def walk(obj: object) -> Iterator[DictionaryObject]:
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                return
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if obj.get("/Type") == "/Font":
                yield obj
            for key, value in obj.items():
                if key not in _NOT_DRAWN:
                    yield from walk(value)
        elif isinstance(obj, list):
            for value in obj:
                yield from walk(value)

    return [font for page in reader.pages for font in walk(page.get("/Resources"))]


def pytest_collection_finish(session: pytest.Session) -> None:
    """What the run has made so far (the imported modules, the collected tests) lives until
    it ends: out of the collector's sight, so that the collections during in-process builds
    do not go over it again and again."""
    gc.freeze()
