"""The commands (build, check, quotes, new, serve) and their exit codes: 0, 1 content, 2 usage,
3 file system."""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from casesite import __version__
from casesite.build import build
from casesite.core import Options
from casesite.diagnostics import Report
from casesite.gate import check
from casesite.incremental.store import CacheMode
from casesite.publish import (
    PUBLISH_DIR,
    OutputClash,
    UnsafeOutput,
    check_output_folder,
    check_private_output,
)

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_FILES = 0, 1, 2, 3
# What to do about a file-system error, by errno.
FILES_ADVICE = {
    errno.ENOSPC: "free some space on that disk, or build elsewhere with --out",
    errno.EDQUOT: "free some space within your quota, or build elsewhere with --out",
    errno.EROFS: "that file system is read-only: build elsewhere with --out",
    errno.EACCES: "make the folder writable for you, or build elsewhere with --out",
    errno.EPERM: "make the folder writable (if it is immutable: chattr -i), or build elsewhere "
    "with --out",
    errno.ENOTDIR: "a file stands where a folder must go: move it away, or choose another --out",
    errno.EEXIST: "a file stands where a folder must go: move it away, or choose another --out",
}


def files_problem(exc: OSError, out: Path) -> str:
    """A file-system error as one line: where, what the system said, what to do."""
    where = exc.filename if exc.filename is not None else out
    advice = FILES_ADVICE.get(exc.errno or 0, "check that folder, or build elsewhere with --out")
    said = exc.strerror or str(exc)
    return (
        f"casesite: error: cannot write {where}: {said}; {advice}; nothing was published "
        f"(the previous {out.name}/ is unchanged)."
    )


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD") from exc


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="casesite",
        description="Publish case studies as a branded static site, "
        "checked before anything is written.",
    )
    p.add_argument("--version", action="version", version=f"casesite {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def site_args(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument(
            "--root", type=Path, default=Path("."), help="the site folder (default: here)"
        )
        cmd.add_argument("--drafts", action="store_true", help="include draft case studies")
        cmd.add_argument(
            "--as-of",
            type=_date,
            default=None,
            metavar="DATE",
            help="judge approval expiry as on this date (default: today)",
        )

    b = sub.add_parser("build", help="check everything, then build the site")
    site_args(b)
    b.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/_site)")
    b.add_argument(
        "--no-pdf", action="store_true", help="HTML only: no PDF briefs (quicker; no PDF links)"
    )
    b.add_argument(
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="processes for parsing, pages and PDF briefs (default: one per core, on sites "
        "large enough to gain from more than one)",
    )
    b.add_argument(
        "--no-search",
        action="store_true",
        help="leave out the search index (quicker; the search page then finds nothing)",
    )
    b.add_argument(
        "--no-cache",
        action="store_true",
        help="ignore and leave alone .casesite-cache/ (parse, render and write everything afresh)",
    )
    c = sub.add_parser("check", help="check everything, write nothing")
    site_args(c)
    q = sub.add_parser("quotes", help="list every quote in use with its approval status")
    site_args(q)
    q.add_argument(
        "--requests",
        type=Path,
        default=None,
        metavar="DIR",
        help="write into DIR one approval request to each speaker who has quotes waiting "
        "for an answer (pending, or expired or expiring: to renew), asking about those only",
    )
    n = sub.add_parser("new", help="start a new case study as a draft")
    n.add_argument("slug", help="the file name and web address, e.g. slovak-youth-councils")
    n.add_argument("--root", type=Path, default=Path("."), help="the site folder (default: here)")
    s = sub.add_parser("serve", help="preview on http://127.0.0.1:PORT/, rebuilt as you save")
    site_args(s)
    s.add_argument(
        "--port", type=_port, default=8000, help="port on 127.0.0.1 (default 8000; 0: any free)"
    )
    return p


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes (1 or more)")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (0 to 65535)")
    return int(text)


def print_report(report: Report) -> None:
    for d in report:
        print(d.format(), file=sys.stderr)


def _options(args: argparse.Namespace) -> Options:
    root = args.root
    out = getattr(args, "out", None) or root / PUBLISH_DIR
    return Options(
        root=root,
        out=out,
        drafts=args.drafts,
        as_of=args.as_of or date.today(),
        # PDF briefs are built unless --no-pdf; check, quotes and serve judge quotes for them too.
        pdf=not getattr(args, "no_pdf", False),
        jobs=getattr(args, "jobs", 0),
        cache=CacheMode.OFF if getattr(args, "no_cache", False) else CacheMode.WRITE,
        search=not getattr(args, "no_search", False),
    )


def cmd_check(args: argparse.Namespace) -> int:
    options = replace(_options(args), cache=CacheMode.READ, lapsed_is_error=True)
    checked, report = check(options)  # writes nothing
    print_report(report)
    if checked is None:
        print(f"casesite: {report.summary()}.", file=sys.stderr)
        return EXIT_CONTENT
    n = len(checked.site.case_studies)
    print(f"casesite: {n} case stud{'y' if n == 1 else 'ies'} checked, {report.summary()}.")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    options = _options(args)
    try:
        if options.drafts:
            example = "casesite build --drafts --out preview"
            check_private_output(options.root, options.out, "drafts", example, is_build=True)
        check_output_folder(options.root, options.out)
    except UnsafeOutput as exc:
        print(f"casesite: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        result, report = build(options)
    except OSError as exc:  # the file system's, not the content's
        print(files_problem(exc, options.out), file=sys.stderr)
        return EXIT_FILES
    except OutputClash as exc:  # a fault of casesite's, not of the content
        print(
            f"casesite: error: {exc} (an inconsistency inside casesite; please report it); "
            f"nothing was published (the previous {options.out.name}/ is unchanged).",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    print_report(report)
    if result is None:
        print(
            f"casesite: {report.summary()}; nothing was published "
            f"(the previous {options.out.name}/ is unchanged).",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    print(
        f"casesite: built {result.case_studies} "
        f"case stud{'y' if result.case_studies == 1 else 'ies'}"
        f" ({result.pages} pages) into {options.out} in {result.seconds:.2f} s"
        + (f", {result.reused} files unchanged" if result.reused else "")
        + (f"; {report.summary()}" if report.diagnostics else "")
        + "."
    )
    return EXIT_OK


def cmd_quotes(args: argparse.Namespace) -> int:
    from casesite.authoring.worklist import format_worklist, group_by_speaker, write_requests
    from casesite.gate import quote_worklist

    options = replace(_options(args), cache=CacheMode.READ)
    if args.requests is not None:
        try:
            example = "casesite quotes --requests requests"
            check_private_output(options.root, args.requests, "approval requests", example)
        except UnsafeOutput as exc:
            print(f"casesite: {exc}", file=sys.stderr)
            return EXIT_USAGE
    checks, report = quote_worklist(options)
    if checks is None:
        print_report(report)
        print(f"casesite: {report.summary()}.", file=sys.stderr)
        return EXIT_CONTENT
    groups = group_by_speaker(checks)
    sys.stdout.write(format_worklist(groups))
    if args.requests is not None:
        for path in write_requests(groups, args.requests):
            print(f"wrote {path}")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from casesite.authoring.scaffold import new_case_study

    return new_case_study(args.root, args.slug)


def cmd_serve(args: argparse.Namespace) -> int:
    from casesite.serve.server import serve

    return serve(_options(args), args.port, follow_today=args.as_of is None)


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": cmd_build,
    "check": cmd_check,
    "new": cmd_new,
    "quotes": cmd_quotes,
    "serve": cmd_serve,
}
COMMANDS = tuple(HANDLERS)  # build.py passes any other first argument on to `build`


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.command is None:
        p.print_help(sys.stderr)
        return EXIT_USAGE
    return HANDLERS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
