"""The author's loop outside the server: `casesite new`, the publishing workflow, the
pre-commit hook and the authoring guide, each checked against what they promise."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from casesite.codes import CODES
from casesite.diagnostics import Diagnostic, Location, UnknownCode, error, warning
from casesite.validate import approvals, schema

from .conftest import REPO, MiniSite

WORKFLOW = REPO / ".github/workflows/site.yml"
GUIDE = REPO / "docs/authoring.md"
README = REPO / "README.md"
SITE_YML = """\
name: Test stories
base_url: https://example.org/stories/
lang: en-GB
default_programme: zeta-programme
licence:
  name: CC BY 4.0
  url: https://creativecommons.org/licenses/by/4.0/
"""
PROGRAMME = "name: {name}\nabout: A programme for the tests.\n"


def test_new_fills_in_what_it_can_infer_and_passes_check_as_a_draft(
    mini_site: Callable[..., MiniSite],
) -> None:
    # The default programme is not the first in the folder, and the language is not 'en'.
    site = mini_site(
        {
            "content/site.yml": SITE_YML,
            "content/programmes/alpha-programme.yml": PROGRAMME.format(name="Alpha"),
            "content/programmes/zeta-programme.yml": PROGRAMME.format(name="Zeta"),
        },
        base=False,
    )
    result = site.run_process("new", "slovak-youth-councils")
    assert result.code == 0, result.err
    rel = "content/case-studies/slovak-youth-councils.md"
    text = (site.root / rel).read_text(encoding="utf-8")
    today = date.today()
    assert re.search(rf"^published: {today.isoformat()}\b", text, re.M)
    assert re.search(rf"^change_period: {today:%Y-%m}\b", text, re.M)
    assert re.search(r"^programme: zeta-programme\b", text, re.M)
    assert re.search(r"^lang: en-GB\b", text, re.M)
    assert re.search(r"^draft: true\b", text, re.M)
    # It says what to do next: preview, approvals, check, publish.
    assert f"wrote {rel}, a draft" in result.out
    assert "casesite serve --drafts" in result.out
    assert "http://127.0.0.1:8000/case-studies/slovak-youth-councils/" in result.out
    assert "content/approvals/" in result.out and "casesite check" in result.out
    assert "docs/authoring.md" in text

    # As a draft it passes the check, and also when drafts are checked as strictly as
    # published case studies; no warning about it either.
    for args in (("check",), ("check", "--drafts")):
        checked = site.run_process(*args)
        assert checked.code == 0, checked.err
        assert "slovak-youth-councils" not in checked.err, checked.err
    # Published as it stands (only 'draft: true' removed), it is still valid.
    (site.root / rel).write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    assert site.run_process("check").code == 0


def test_new_takes_the_only_programme_when_the_site_names_no_default(
    mini_site: Callable[..., MiniSite],
) -> None:
    site = mini_site(
        {
            "content/site.yml": SITE_YML.replace("default_programme: zeta-programme\n", ""),
            "content/programmes/alpha-programme.yml": PROGRAMME.format(name="Alpha"),
        },
        base=False,
    )
    assert site.run_process("new", "a-story").code == 0
    text = (site.root / "content/case-studies/a-story.md").read_text(encoding="utf-8")
    assert re.search(r"^programme: alpha-programme\b", text, re.M)
    assert site.run_process("check", "--drafts").code == 0


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("Bad Slug", "cannot be a web address"),
        ("../escape", "cannot be a web address"),
        ("hungary", "already exists"),
    ],
)
def test_new_refuses_a_bad_name_and_never_overwrites(
    mini_site: Callable[..., MiniSite], slug: str, message: str
) -> None:
    site = mini_site()
    before = (site.root / "content/case-studies/hungary.md").read_bytes()
    result = site.run_process("new", slug)
    assert result.code == 2 and message in result.err
    assert (site.root / "content/case-studies/hungary.md").read_bytes() == before
    assert sorted(p.name for p in (site.root / "content/case-studies").iterdir()) == ["hungary.md"]


# -- the publishing workflow -------------------------------------------------------------


def _workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    steps = job["steps"]
    assert isinstance(steps, list)
    return steps


def _commands(script: str) -> Iterator[str]:
    """The shell commands of a `run:` script, one per line (continuations joined)."""
    for line in script.replace("\\\n", " ").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def _readme_commands() -> set[str]:
    """Every `make ...` and `casesite ...` command the README shows, in code spans or blocks."""
    text = README.read_text(encoding="utf-8")
    spans = re.findall(r"`([^`\n]+)`", text) + re.findall(r"^(\S.*?)(?:\s+#.*)?$", text, re.M)
    return {" ".join(s.split()) for s in spans if re.match(r"(make|casesite) [a-z]", s)}


def test_the_workflow_is_valid_yaml_and_runs_the_readmes_commands() -> None:
    workflow = _workflow()
    # PyYAML reads the key 'on' as True (YAML 1.1); GitHub reads it as 'on'.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]  # every day
    jobs = workflow["jobs"]

    used: dict[str, set[str]] = {}
    for name, job in jobs.items():
        found = used.setdefault(name, set())
        for step in _steps(job):
            for command in _commands(step.get("run", "")):
                words = shlex.split(command.split(">")[0].split("|")[0])
                if words and words[0] == ".ci/run":
                    # The CI entry point runs the README's commands in turn.
                    script = (REPO / ".ci/run").read_text(encoding="utf-8")
                    found |= {c for c in _commands(script) if c.startswith("make ")}
                elif words and words[0] in ("make", "casesite"):
                    found.add(" ".join(words))
    readme = _readme_commands()
    for name, commands in used.items():
        assert commands <= readme, f"job {name} runs {commands - readme}, which the README lacks"

    # Pull requests are checked (with the error list in the job summary) and tested; main
    # and the daily run build and deploy.
    check, test, build, deploy = (jobs[n] for n in ("check", "test", "build", "deploy"))
    assert used["check"] == {"make check"}
    assert used["test"] == {"make lint", "make test"}
    assert used["build"] == {"make site"}
    assert "GITHUB_STEP_SUMMARY" in "".join(s.get("run", "") for s in _steps(check))
    assert "if" not in check
    assert test["if"] == "github.event_name == 'pull_request' || github.event_name == 'push'"
    assert build["needs"] == "check"
    assert "github.event_name != 'pull_request'" in build["if"]
    assert "refs/heads/main" in build["if"]
    upload = next(s for s in _steps(build) if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "_site"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}
    assert any("deploy-pages" in s.get("uses", "") for s in _steps(deploy))


def test_the_check_job_posts_each_error_as_an_annotation_and_in_the_summary(
    mini_site: Callable[..., MiniSite], tmp_path: Path
) -> None:
    """The check job's own shell script, run on a broken site by bash and a real make."""
    site = mini_site()
    (site.root / "content/case-studies/hungary.md").write_text(
        (site.root / "content/case-studies/hungary.md").read_text().replace("HU", "ZZ")
    )
    casesite = f"{shlex.quote(sys.executable)} -m casesite.cli"
    (site.root / "Makefile").write_text(f"check:\n\t{casesite} check\n")
    step = next(s for s in _steps(_workflow()["jobs"]["check"]) if "make check" in s.get("run", ""))
    summary = tmp_path / "summary.md"

    def run_step() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", step["run"]],
            cwd=site.root,
            capture_output=True,
            text=True,
            env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
            timeout=120,
        )

    proc = run_step()
    assert proc.returncode != 0, proc.stdout + proc.stderr  # the job fails
    assert (
        "::error file=content/case-studies/hungary.md,line=5,col=10::"
        "'ZZ' is not an ISO 3166 country code [unknown-country]"
    ) in proc.stdout
    text = summary.read_text()
    assert "check found errors" in text
    assert "content/case-studies/hungary.md:5:10: error:" in text and "hint:" in text

    # Fixed: the job passes and says so.
    (site.root / "content/case-studies/hungary.md").write_text(
        (site.root / "content/case-studies/hungary.md").read_text().replace("ZZ", "HU")
    )
    summary.unlink()
    proc = run_step()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "::error" not in proc.stdout and "check passed" in summary.read_text()


def test_the_pre_commit_hook_and_codeowners_guard_the_content() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = config["repos"][0]["hooks"]
    assert hook["entry"] in _readme_commands() and hook["entry"] == "make check"
    assert hook["pass_filenames"] is False
    for path in ("content/case-studies/a.md", "content/approvals/a.yml", "layouts/base.html"):
        assert re.search(hook["files"], path)
    owners = [
        line.split()
        for line in (REPO / ".github/CODEOWNERS").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # The last matching line decides: the approvals rule must come last and name owners.
    assert owners[-1][0] == "/content/approvals/" and len(owners[-1]) > 1


# -- the authoring guide -----------------------------------------------------------------


ERROR_TABLES = [(GUIDE, "### What each error means"), (README, "## What each error means")]


def error_section(doc: Path, heading: str) -> str:
    """The text under `heading`, up to the next heading of its level."""
    level = heading.split(" ", 1)[0]
    return doc.read_text(encoding="utf-8").split(f"{heading}\n", 1)[1].split(f"\n{level} ", 1)[0]


def listed_codes(section: str) -> list[str]:
    """The codes in the first column of the section's tables, in order."""
    cells = re.findall(r"^\| (`[^|]*`)", section, re.M)
    return [c for cell in cells for c in re.findall(r"`([a-z0-9-]+)`", cell)]


@pytest.mark.parametrize(("doc", "heading"), ERROR_TABLES, ids=["authoring guide", "README"])
def test_the_error_tables_list_exactly_the_registered_codes(doc: Path, heading: str) -> None:
    section = error_section(doc, heading)
    listed = listed_codes(section)
    assert len(listed) == len(set(listed)), f"listed twice in {doc.name}: {listed}"
    missing, unknown = sorted(set(CODES) - set(listed)), sorted(set(listed) - set(CODES))
    assert not missing, f"add to {doc.name}, '{heading.lstrip('# ')}': {missing}"
    assert not unknown, f"not codes (see src/casesite/codes.py): {unknown}"
    # Warnings are marked as such, and only they.
    marked = set(re.findall(r"`([a-z0-9-]+)` \(warning\)", section))
    assert marked == {c.name for c in CODES.values() if c.severity == "warning"}


def test_every_registered_code_is_reported_somewhere() -> None:
    """A code nothing reports is a stale entry (each reporter names its code as a literal)."""
    source = "".join(
        path.read_text(encoding="utf-8")
        for path in (REPO / "src/casesite").rglob("*.py")
        if path.name != "codes.py"
    )
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c) for c in CODES)
    assert sorted(c for c in CODES if f'"{c}"' not in source) == []


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (error, "no-such-code"),
        (warning, "no-such-code"),
        (error, "approval-unused"),
        (warning, "quote-pending"),
    ],
)
def test_an_unregistered_code_fails_loudly(make: Callable[..., Diagnostic], code: str) -> None:
    with pytest.raises(UnknownCode, match=code):
        make(Location("x.md"), code, "message")
    assert make(Location("x.md"), "quote-pending" if make is error else "approval-unused", "m")


def test_the_guide_explains_every_field_and_links_what_it_names() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for name in (*schema.REQUIRED, *schema.OPTIONAL, "grant.amount", "grant.currency"):
        assert f"| `{name}` |" in guide, name
    for name in approvals.FIELDS:
        assert f"| `{name}` |" in guide, name
    for path in re.findall(r"`(\.github/[^`]+|\.pre-commit-config\.yaml)`", guide):
        assert (REPO / path).exists(), path
    assert "docs/authoring.md" in README.read_text(encoding="utf-8")
