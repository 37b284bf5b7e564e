"""The shape of the code, checked: imports only point down (tools/layers.py, which
`make lint` runs), no module is over 400 lines, each says what it owns in its first line
and is listed in the README's "How it works" under its folder."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

SRC = REPO / "src/casesite"
MAX_LINES = 400
# Over the limit today, each to be split by the work that owns it; none since the PDF
# stage and the merge were split. Add none.
KNOWN_LONG: set[str] = set()


def layers(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "tools/layers.py"), str(src)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_package_imports_only_downwards_without_cycles() -> None:
    result = layers(REPO / "src")
    assert result.returncode == 0, result.stderr


# (id, file, text appended to it, what the check must say)
BROKEN = [
    (
        "a lower layer imports a higher one, lazily",
        "check/quotes.py",
        "\n\ndef _late() -> None:\n    from casesite.render.i18n import Translator  # noqa\n",
        "src/casesite/check/quotes.py:{line}: casesite.check.quotes imports casesite.render.i18n, from a higher layer",
    ),
    (
        "the lowest module imports the command line",
        "codes.py",
        "\nimport casesite.cli\n",
        "src/casesite/codes.py:{line}: casesite.codes imports casesite.cli, from a higher layer",
    ),
    (
        "a cycle within one layer, through a lazy import",
        "check/markdown.py",
        "\n\ndef _late() -> None:\n    from casesite.check import quotes  # noqa\n",
        "an import cycle: casesite.check.markdown -> casesite.check.quotes",
    ),
    (
        "independent siblings",
        "render/views.py",
        "\nfrom casesite.gate import check\n",
        "src/casesite/render/views.py:{line}: casesite.render.views imports casesite.gate, an independent sibling layer",
    ),
    (
        "a relative import upwards",
        "validate/site.py",
        "\nfrom ..check import links\n",
        "src/casesite/validate/site.py:{line}: casesite.validate.site imports casesite.check.links, from a higher layer",
    ),
]


@pytest.mark.parametrize(
    ("rel", "added", "said"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_a_broken_import_rule_fails_the_check(
    tmp_path: Path, rel: str, added: str, said: str
) -> None:
    shutil.copytree(SRC, tmp_path / "src/casesite", ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "src/casesite" / rel
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + added.rstrip("\n").count("\n") + 1
    path.write_text(text + added, encoding="utf-8")
    result = layers(tmp_path / "src")
    assert result.returncode == 1
    assert said.format(line=line) in result.stderr, result.stderr


def test_a_module_in_no_layer_fails_the_check(tmp_path: Path) -> None:
    shutil.copytree(SRC, tmp_path / "src/casesite", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "src/casesite/helpers.py").write_text('"""Odds and ends."""\n')
    result = layers(tmp_path / "src")
    assert result.returncode == 1
    assert "casesite.helpers is in no layer: add 'helpers' to LAYERS" in result.stderr


def test_no_module_is_over_400_lines() -> None:
    long = {
        path.relative_to(SRC).as_posix(): n
        for path in sorted(SRC.rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert {m: n for m, n in long.items() if m not in KNOWN_LONG} == {}, (
        f"split these modules (lines): {long}"
    )


def modules() -> set[str]:
    """Every module of the package but the packages' own __init__.py, as 'folder/name.py'."""
    return {
        path.relative_to(SRC).as_posix() for path in SRC.rglob("*.py") if path.name != "__init__.py"
    }


def test_the_readme_lists_every_module_under_its_folder() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## How it works\n", 1)[1].split("\n## ", 1)[0]
    listed: list[str] = []
    folder = ""
    for row in re.findall(r"^\| (`[^`]*`)? ?\| `([^`]+\.py)` \|", section, re.M):
        folder = row[0].strip("`") if row[0] else folder
        listed.append(row[1] if folder == "casesite/" else folder + row[1])
    assert len(listed) == len(set(listed)), listed
    assert sorted(modules() - set(listed)) == [], "add these to the README, 'How it works'"
    assert sorted(set(listed) - modules()) == [], "the README lists modules that do not exist"


def test_every_module_says_in_its_first_line_what_it_owns() -> None:
    for path in sorted(SRC.rglob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and doc.splitlines()[0].strip(), f"{path.relative_to(SRC)} has no docstring"
