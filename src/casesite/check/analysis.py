"""The per-file stage of a build: read, split, validate and parse each case study.

Each case study file is worked on by itself, so the work is spread across processes when
there is enough of it, and its result is cached by content: a file whose text, and the
site settings it is judged against, have not changed since the last build is not
parsed again. Results are plain values (the body's HTML is kept as a template with holes
for links and quotes), so they pickle cheaply both ways.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from casesite.check.markdown import ParsedBody, parse_body
from casesite.check.quotes import may_be_stray
from casesite.diagnostics import Diagnostic
from casesite.incremental.store import Store, code_digest, digest
from casesite.load import content
from casesite.model import Body, CaseStudy
from casesite.parallel import fork_map, jobs_for
from casesite.validate import schema
from casesite.validate.approvals import APPROVALS_DIR, Approval, read_approval_text
from casesite.validate.config import SiteConfig


@dataclass(frozen=True)
class FileResult:
    """What one case study file gave: the case study when it is valid, its parsed body
    (when the file could be split, valid or not: its quotes still count as uses), and the
    problems found in it (before drafts soften them). The case study's body text is left
    out (its parsed form is `body`), and so are the body's paragraphs that the quote gate
    has nothing to say of: this is sent between processes and cached."""

    rel: str
    case_study: CaseStudy | None
    body: ParsedBody | None
    problems: tuple[Diagnostic, ...]
    draft: bool


@dataclass(frozen=True)
class RecordResult:
    """What one approval record file gave: the record when it is valid, and the problems."""

    rel: str
    approval: Approval | None
    problems: tuple[Diagnostic, ...]


Result = FileResult | RecordResult


@dataclass(frozen=True)
class Context:
    """What a file is judged against besides its own text."""

    config: SiteConfig
    known: schema.Known

    def digest(self) -> str:
        programmes, assets = sorted(self.known.programmes), sorted(self.known.assets)
        return digest(repr(self.config), "\n".join(programmes), "\n".join(assets))


def analyse_text(rel: str, text: str, context: Context) -> Result:
    if rel.startswith(APPROVALS_DIR + "/"):
        record, problems = read_approval_text(rel, text)
        return RecordResult(rel, record, tuple(problems))
    file, problems = content.split_front_matter(text, rel)
    if file is None:
        # Its quotes still count as uses of their records (no false 'approval-unused').
        after = content.body_of(text)
        body = parse_body(after, rel) if after is not None else None
        if body is not None:
            body = replace(body, paragraphs=(), diagnostics=())
        return FileResult(rel, None, body, tuple(problems), False)
    cs, found = schema.read_case_study(file, context.config, context.known)
    problems += found
    body = parse_body(cs.body if cs else Body(file.body, file.body_line), rel)
    body = replace(body, paragraphs=tuple(p for p in body.paragraphs if may_be_stray(p)))
    if cs is not None:
        cs = replace(cs, body=Body("", cs.body.first_line))
    return FileResult(rel, cs, body, tuple(problems), file.front.data.get("draft") is True)


FILES_ENTRY = "files.pickle"  # in the build cache


def _is_pack(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("entries"), dict)
        and isinstance(value.get("stats"), dict)
    )


class FileCache:
    """Parsed files by content hash, kept in one entry of the build cache, files.pickle.

    One entry, read at the start of a build and rewritten at the end when anything
    changed, costs far less than an entry per file. A damaged entry counts as empty (the
    store discards it with a note)."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self.entries: dict[str, Result] = {}
        # rel -> (size, mtime_ns, inode, digest of its text): a file that has not been
        # touched since is not read again.
        self.stats: dict[str, tuple[int, int, int, str]] = {}
        self.seen: dict[str, tuple[int, int, int, str]] = {}
        self.used: dict[str, Result] = {}
        self.changed = False
        found = store.read_pickle(FILES_ENTRY, _is_pack) if store is not None else None
        if isinstance(found, dict):
            self.entries = found["entries"]
            self.stats = found["stats"]

    def key(self, rel: str, text_digest: str, context: str) -> str:
        return digest(code_digest(), context, rel, text_digest)

    def unchanged(self, rel: str, info: os.stat_result | None) -> str | None:
        """The digest of a file's text when it has not been touched since the last build."""
        if info is None or not stat.S_ISREG(info.st_mode):
            return None
        before = self.stats.get(rel)
        now = (info.st_size, info.st_mtime_ns, info.st_ino)
        if before is None or before[:3] != now:
            return None
        self.seen[rel] = before
        return before[3]

    def saw(self, rel: str, info: os.stat_result | None, text_digest: str) -> None:
        if info is not None and stat.S_ISREG(info.st_mode):
            self.seen[rel] = (info.st_size, info.st_mtime_ns, info.st_ino, text_digest)
            self.changed |= self.stats.get(rel) != self.seen[rel]

    def has(self, key: str, rel: str) -> bool:
        """Whether the cache holds the result for `rel` under `key` (reads nothing else)."""
        found = self.entries.get(key)
        return isinstance(found, FileResult | RecordResult) and found.rel == rel

    def get(self, key: str) -> Result | None:
        found = self.entries.get(key)
        if not isinstance(found, FileResult | RecordResult):
            return None
        self.used[key] = found
        return found

    def put(self, key: str, result: Result) -> None:
        self.used[key] = result
        self.changed = True

    def save(self) -> None:
        """Keep the entries of this build only; written when anything changed."""
        if self.store is None or not self.store.mode.writes:
            return
        same = len(self.used) == len(self.entries) and len(self.seen) == len(self.stats)
        if not self.changed and same:
            return
        entries, stats = dict(sorted(self.used.items())), dict(sorted(self.seen.items()))
        pack = {"entries": entries, "stats": stats}
        self.store.write_pickle(FILES_ENTRY, pack)


@dataclass(frozen=True)
class Read:
    """One file as a worker read it: the digest of its text and its cache key (None when
    it could not be read), and its result (None when the cache holds it)."""

    text_digest: str | None
    key: str | None
    result: Result | None


@dataclass(frozen=True)
class Analysed:
    """Every case study file and every approval record, each in sorted order."""

    files: tuple[FileResult, ...]
    records: tuple[RecordResult, ...]


def analyse_files(
    root: Path, context: Context, jobs: int = 0, cache: FileCache | None = None
) -> tuple[Analysed, list[Diagnostic]]:
    """Every case study and approval record file, from the cache where possible, and the
    problems of the folders themselves (symbolic links, unreadable entries)."""
    cache = cache or FileCache(None)
    studies, problems = content.list_dir(root, content.CASE_STUDIES_DIR, (".md",))
    records, found = content.list_dir(root, APPROVALS_DIR, (".yml",))
    problems += found
    context_digest = context.digest()
    code_digest()  # worked out once, before the worker processes start as copies of this one
    results: dict[str, Result] = {}
    todo: list[tuple[str, os.stat_result | None]] = []
    for rel in (*studies, *records):
        try:
            info: os.stat_result | None = os.lstat(root / rel)
        except OSError:
            info = None
        known = cache.unchanged(rel, info)
        if known is not None:
            hit = cache.get(cache.key(rel, known, context_digest))
            if hit is not None and hit.rel == rel:
                results[rel] = hit
                continue
        todo.append((rel, info))

    def work(chunk: Sequence[tuple[str, os.stat_result | None]]) -> list[Read]:
        """Each file read, and analysed unless the cache has it (in worker processes)."""
        out: list[Read] = []
        for rel, _ in chunk:
            text, found = content.read_text(root, rel)
            if text is None:
                failed = tuple(found)
                is_record = rel.startswith(APPROVALS_DIR + "/")
                out.append(
                    Read(
                        None,
                        None,
                        RecordResult(rel, None, failed)
                        if is_record
                        else FileResult(rel, None, None, failed, False),
                    )
                )
                continue
            text_digest = digest(text)
            key = cache.key(rel, text_digest, context_digest)
            if cache.has(key, rel):
                out.append(Read(text_digest, key, None))
            else:
                out.append(Read(text_digest, key, analyse_text(rel, text, context)))
        return out

    done = fork_map(work, todo, jobs_for(len(todo), jobs)).results
    for (rel, info), read in zip(todo, done, strict=True):
        if read.text_digest is not None:
            cache.saw(rel, info, read.text_digest)
        if read.result is None:  # the cache has it
            assert read.key is not None
            hit = cache.get(read.key)
            assert hit is not None, "a worker found it in the cache this process holds"
            results[rel] = hit
        else:
            if read.key is not None:  # None: the file could not be read
                cache.put(read.key, read.result)
            results[rel] = read.result
    cache.save()
    files = tuple(r for rel in studies if isinstance(r := results[rel], FileResult))
    approvals = tuple(r for rel in records if isinstance(r := results[rel], RecordResult))
    return Analysed(files, approvals), problems
