"""Fresh casesite processes for tests, forked from servers that have only imported casesite.

Starting Python and importing casesite, WeasyPrint, pypdf and fontTools takes about 0.85 s
of CPU, a third of a build with briefs and half of a build that reuses everything. A test
worker starts two servers once; each run is a child forked from one of them (in turn, so
two runs in a row never share a hash seed): a process of its own that has imported the
modules and done nothing else. Nothing a build keeps in its process (decompressed fonts,
WeasyPrint engines, layouts, read pages) is there before the run, none outlives it, and
its output goes to its own stdout and stderr, as when an author runs `casesite`.

What a forked child cannot have fresh is what Python reads when it starts: the hash seed
(each server's is a new random one), the time zone (TZ), the locale and any PYTHON*
setting. `can_run` says whether an environment differs in none of them from the one the
test run started with; a test that changes them runs Python itself.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import itertools
import json
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

# Every module a build with briefs and the search index imports, and none it does not.
PRELOAD = (
    "casesite.cli",
    "casesite.build",
    "casesite.pdf.stage",
    "casesite.pdf.workers",
    "weasyprint",
    "pypdf",
    "fontTools.ttLib.woff2",
)

# The environment the test run started with: the servers' (a test may change os.environ).
_START_ENV = dict(os.environ)

# What a child cannot take from its request: Python reads these when it starts.
AT_START = ("TZ", "LANG", "LANGUAGE", "PYTHON")


@dataclass
class Ran:
    code: int
    out: str
    err: str


class Server:
    """One server process and the pipe to it."""

    def __init__(self) -> None:
        env = {**_START_ENV, "PYTHONHASHSEED": str(random.randrange(1, 2**32))}
        self.proc = subprocess.Popen(
            [sys.executable, __file__, *PRELOAD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            start_new_session=True,  # a run that hangs is ended with its server (`end`)
        )

    def wait_ready(self) -> Server:
        assert self._answer(120) == "ready"
        return self

    def _answer(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        assert ready, f"no answer from the casesite fork server in {timeout} s"
        return self.proc.stdout.readline().strip()

    def run(self, argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Ran:
        assert self.proc.stdin is not None
        with tempfile.TemporaryDirectory(prefix="casesite-run-") as folder:
            out, err = Path(folder) / "stdout", Path(folder) / "stderr"
            request = {"argv": argv, "cwd": str(cwd), "env": env, "out": str(out),
                       "err": str(err)}  # fmt: skip
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            try:
                answer = self._answer(timeout)
            except AssertionError:
                self.end()
                raise
            assert answer.lstrip("-").isdigit(), f"the fork server ended: {answer!r}"
            return Ran(int(answer), out.read_text("utf-8"), err.read_text("utf-8"))

    def stop(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)

    def end(self) -> None:
        """The server, the run it waits for and that run's own workers, killed; the next
        run starts new servers."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        _SERVERS.clear()


_SERVERS: list[Server] = []
_TURN = itertools.count()


def _servers() -> list[Server]:
    if not _SERVERS:
        starting = [Server() for _ in range(2)]  # both import at once
        _SERVERS.extend(server.wait_ready() for server in starting)
        atexit.register(lambda: [server.stop() for server in _SERVERS])
    return _SERVERS


def can_run(env: dict[str, str]) -> bool:
    """Whether a forked child can be given the environment `env`: it sets or changes no
    variable Python reads at start-up, from the environment the test run started with."""
    changed = {k for k, v in env.items() if _START_ENV.get(k) != v} | (set(_START_ENV) - set(env))
    return not any(key.startswith(AT_START) or key.startswith("LC_") for key in changed)


def run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> Ran:
    """`casesite ARGV` run in `cwd` with exactly the environment `env`, in a fresh process."""
    assert can_run(env), "a variable Python reads at start-up changed: start Python itself"
    servers = _servers()
    return servers[next(_TURN) % len(servers)].run(argv, cwd, env, timeout)


def _child(request: dict[str, Any]) -> NoReturn:
    """In a forked child: casesite's main() as `python -m casesite.cli ARGV` would run it,
    then what the interpreter does at exit (atexit functions, flushing)."""
    code = 1
    try:
        os.chdir(request["cwd"])
        sys.path[0] = os.getcwd()  # as `python -m` sets it
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(request["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(request["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        for fd, target in ((null, 0), (out, 1), (err, 2)):
            os.dup2(fd, target)
            os.close(fd)
        from casesite import cli

        sys.argv = [cli.__file__, *request["argv"]]
        try:
            sys.exit(cli.main(request["argv"]))
        except SystemExit as exc:
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(modules: list[str]) -> None:
    """The server: import `modules`, then for each request line fork a child (_child) and
    answer with its exit code once it has ended."""
    for name in modules:
        importlib.import_module(name)
    assert threading.active_count() == 1, "an import started a thread: a fork would lose it"
    # What the imports made, out of the collector's sight: a child's collections then leave
    # those objects' pages alone rather than copy them (about 5% of a child's CPU). They
    # live as long as the server, so there is nothing for the collector to free among them.
    gc.freeze()
    print("ready", flush=True)
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            _child(json.loads(line))
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status), flush=True)


if __name__ == "__main__":
    serve(sys.argv[1:])
