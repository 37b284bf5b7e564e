"""Mini-sites written inline in tests (txtar style), and ways to run casesite on them."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from casesite.cli import main

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


def parse_txtar(text: str) -> dict[str, str]:
    """'-- path --' headers, each followed by that file's content."""
    files: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("-- ") and stripped.endswith(" --"):
            if current is not None:
                files[current] = "".join(lines)
            current, lines = stripped[3:-3].strip(), []
        elif current is not None:
            lines.append(line)
    if current is not None:
        files[current] = "".join(lines)
    return files


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
        """casesite as its own process, as an author runs it."""
        proc = subprocess.run(
            [sys.executable, "-m", "casesite.cli", *self.args(args, pdf, search)],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=300,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

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


def build_sample(folder: Path) -> Path:
    """The repository's own sample content, copied into `folder` and built as an author
    builds it; returns the built site."""
    root = folder / "sample"
    for name in ("content", "layouts", "assets"):
        shutil.copytree(REPO / name, root / name)
    proc = subprocess.run(
        [sys.executable, "-m", "casesite", "build", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return root / "_site"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, built once per test process; tests only read it."""
    return build_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture
def mini_site(tmp_path: Path) -> Callable[..., MiniSite]:
    """A working site in tmp_path: the project's layouts and assets, small test content."""

    def make(
        extra: str | dict[str, str | bytes | None] = "",
        base: bool = True,
        pdf: bool = False,
        search: bool = False,
    ) -> MiniSite:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        for folder in ("layouts", "assets"):
            if not (root / folder).exists():
                shutil.copytree(REPO / folder, root / folder)
        site = MiniSite(root, pdf=pdf, search=search)
        if base:
            site.write(dict(BASE_FILES))
        site.write(parse_txtar(extra) if isinstance(extra, str) else extra)
        return site

    return make
