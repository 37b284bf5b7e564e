"""The Pagefind boundary: index the staging folder before it is swapped in.

Pagefind's binary comes inside the `pagefind-bin` wheel (no download at run time). A
missing or failing indexer is a located build error, never a silent skip: the search page
would otherwise be published without an index. CASESITE_PAGEFIND names another binary
(tests use it to simulate a broken indexer).

Pagefind keeps every page it parses in memory (twice, while it sorts them by language), so
its peak grows with the site: about 170 KB per case study page, 970 MB for 5,000 of them.
A site whose indexed pages are larger than PART_BYTES is therefore indexed in parts, one
Pagefind run at a time, each over a share of the pages: the first part is the bundle in
pagefind/, the others go to pagefind/part-N/ and are listed in pagefind/casesite-parts.json,
which assets/search.js reads to merge them into the search (Pagefind's mergeIndex). A
smaller site is indexed in one run, exactly as before. Results are the same pages with the
same excerpts either way; with parts, the order of results can differ slightly, because
Pagefind ranks each part by its own word statistics.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from casesite.diagnostics import Diagnostic, Location, error
from casesite.incremental.store import Store, code_digest, digest, version
from casesite.parallel import end_with_parent
from casesite.publish import Staging, remove_leftovers
from casesite.routes import SEARCH_INDEX, in_search_index

SEARCH_LAYOUT = "layouts/search.html"
TIMEOUT_SECONDS = 300
# The most HTML (bytes of the pages Pagefind indexes) one Pagefind run is given; about
# 1,900 case study pages of 17 KB, which Pagefind indexes within about 330 MB.
# CASESITE_SEARCH_PART_BYTES overrides it (tests use it to index a small site in parts).
PART_BYTES = 32 * 1024 * 1024
PARTS_FILE = "casesite-parts.json"
SCRATCH = ".pagefind-"  # beside the staging folder, then the build's process id
BODY_MARK = b"data-pagefind-body"
# Pagefind's ready-made interfaces; the search page uses its API (pagefind.js) only, so
# these are not published (about 420 KB).
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
HINT = (
    "Pagefind is installed with casesite's dependencies: "
    ".venv/bin/python -m pip install --require-hashes -r requirements.lock"
)


def find_pagefind() -> Path | None:
    override = os.environ.get("CASESITE_PAGEFIND", "").strip()
    if override:
        return Path(override)
    try:
        import pagefind_bin
    except ImportError:
        return None
    try:
        return Path(pagefind_bin.get_executable())
    except (FileNotFoundError, OSError):
        return None


def _problem(message: str, hint: str = HINT) -> Diagnostic:
    return error(Location(SEARCH_LAYOUT), "search-index", message, hint)


def part_bytes() -> int:
    override = os.environ.get("CASESITE_SEARCH_PART_BYTES", "").strip()
    if override.isdigit() and int(override) > 0:
        return int(override)
    return PART_BYTES


def _pages(folder: Path) -> list[tuple[str, int]]:
    """The pages Pagefind would index, sorted, with their sizes: those with a
    data-pagefind-body element, or every page when none has one (Pagefind's own rule). A
    page that only mentions the attribute in its text is kept too (Pagefind leaves it out
    when its part has a page with the element); a page is never lost."""
    found: list[tuple[str, int, bool]] = []
    for path in folder.rglob("*.html"):
        rel = path.relative_to(folder).as_posix()
        if in_search_index(rel) or not path.is_file():
            continue
        data = path.read_bytes()
        found.append((rel, len(data), BODY_MARK in data))
    found.sort()
    marked = [(rel, size) for rel, size, has in found if has]
    return marked or [(rel, size) for rel, size, _ in found]


def _run_pagefind(binary: Path, site: Path, out: Path, language: str) -> list[Diagnostic]:
    command = [
        str(binary),
        "--site",
        str(site),
        "--output-path",
        str(out),
        "--silent",
    ]
    if language:
        # A site in one language: one index, whatever each page's <html lang> says (en,
        # en-GB). A site in several languages has none forced: Pagefind makes one index per
        # language by each page's <html lang>, and the search page of each language's part
        # of the site searches the index of its own <html lang>.
        command += ["--force-language", language]
    try:
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            env={**os.environ, "NO_COLOR": "1"},
            check=False,
            preexec_fn=end_with_parent,  # Pagefind too ends with the build
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return [_problem(f"the search indexer (Pagefind) could not be run: {exc}")]
    if proc.returncode != 0:
        said = " ".join((proc.stderr or proc.stdout).split())[:500] or "no message"
        return [
            _problem(
                f"the search indexer (Pagefind) failed with exit code {proc.returncode}: {said}",
                "check the layouts' data-pagefind-* attributes; " + HINT,
            )
        ]
    if not (out / "pagefind.js").is_file():
        return [_problem("the search indexer (Pagefind) ran but wrote no search bundle")]
    for name in UNUSED_FILES:
        (out / name).unlink(missing_ok=True)
    return []


def _link_pages(folder: Path, pages: list[str], into: Path) -> None:
    """A folder holding only `pages`, at the same paths (hard links, else copies)."""
    for rel in pages:
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(folder / rel, target)
        except OSError:
            shutil.copyfile(folder / rel, target)


def index_site(folder: Path, lang: str, bundle: Path | None = None) -> list[Diagnostic]:
    """Run Pagefind over the built pages in `folder`, writing the search bundle to `bundle`
    (default: `folder`/pagefind); diagnostics when it cannot. Pages larger in all than
    part_bytes() are indexed in parts (see the module's docstring)."""
    bundle = bundle or folder / SEARCH_INDEX
    binary = find_pagefind()
    if binary is None or not binary.is_file():
        where = f" at {binary}" if binary else ""
        return [_problem(f"the search indexer (Pagefind) was not found{where}")]
    language = lang.replace("_", "-").split("-")[0].lower()  # "": one index per language
    pages = _pages(folder)
    count = max(1, math.ceil(sum(size for _, size in pages) / part_bytes()))
    count = min(count, max(1, len(pages)))
    extra: list[str] = []
    # Pagefind reads its folder in the file system's order, and that order shows in the
    # index: it is given folders whose entries were made in sorted order (links to the
    # pages), so the index is the same on any file system, whatever order the pages
    # were written in. Page i goes to part i mod count: each part a fair sample of the
    # site, so that its word statistics (and so its ranking) stay close to the whole's.
    with tempfile.TemporaryDirectory(prefix=".pagefind-parts-", dir=bundle.parent) as tmp:
        scratch = Path(tmp)
        for k in range(count):
            site = scratch / f"site-{k + 1}"
            _link_pages(folder, [rel for rel, _ in pages[k::count]], site)
            problems = _run_pagefind(binary, site, scratch / f"bundle-{k + 1}", language)
            shutil.rmtree(site, ignore_errors=True)
            if problems:
                return problems
        if bundle.exists():
            shutil.rmtree(bundle)
        (scratch / "bundle-1").rename(bundle)
        for k in range(2, count + 1):
            (scratch / f"bundle-{k}").rename(bundle / f"part-{k}")
            extra.append(f"part-{k}/")
    (bundle / PARTS_FILE).write_text(json.dumps(extra) + "\n", "utf-8")
    _normalise_modes(bundle)
    for entry in sorted(bundle.rglob(ENTRY_FILE)):
        _sort_languages(entry)
    return []


SEARCH_ENTRY = "search.json"  # in the build cache: the last bundle's key and files


def _indexer(binary: Path) -> str:
    """Which indexer: pagefind-bin's version, and the binary's size and time (another
    binary may be named by CASESITE_PAGEFIND)."""
    try:
        info = binary.stat()
    except OSError:
        return f"{version('pagefind-bin')} {binary}"
    return f"{version('pagefind-bin')} {binary} {info.st_size} {info.st_mtime_ns}"


def _inputs_key(staging: Staging, lang: str, binary: Path) -> str:
    """What the search bundle is made from: every page's bytes, the language, the
    indexer."""
    pages = [
        f"{rel}\0{found}"
        for rel, found in sorted(staging.written.items())
        if rel.endswith(".html") and not in_search_index(rel)
    ]
    return digest(code_digest(), lang, str(part_bytes()), _indexer(binary), "\n".join(pages))


def _reuse(staging: Staging, cache: Store, key: str) -> bool:
    """Link the last build's bundle when it was made from the same pages."""
    record = cache.read_json(SEARCH_ENTRY)
    if not isinstance(record, dict) or record.get("key") != key:
        return False
    files = record.get("files")
    if not isinstance(files, dict) or not files:
        return False
    if not all(isinstance(v, str) and staging.reusable(k, v) for k, v in files.items()):
        return False
    return all(staging.reuse(k, v) for k, v in sorted(files.items()))


def index_into(staging: Staging, lang: str, cache: Store | None = None) -> list[Diagnostic]:
    """Index the staging folder's pages and add the bundle to it through the staging
    folder's own writes (so an unchanged file of it is reused like any other). When no
    page changed since the last build, the last bundle is reused and Pagefind not run
    (`cache`: the build cache, where the bundle's record is kept)."""
    binary = find_pagefind()
    if binary is None or not binary.is_file():  # missing is an error, reused index or not
        where = f" at {binary}" if binary else ""
        return [_problem(f"the search indexer (Pagefind) was not found{where}")]
    key = _inputs_key(staging, lang, binary) if cache is not None else ""
    if cache is not None and _reuse(staging, cache, key):
        return []
    bundle_files: dict[str, str] = {}
    remove_leftovers(staging.path.parent, (SCRATCH,))
    scratch_prefix = f"{SCRATCH}{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=scratch_prefix, dir=staging.path.parent) as scratch:
        bundle = Path(scratch) / SEARCH_INDEX
        problems = index_site(staging.path, lang, bundle)
        if problems:
            return problems
        for path in sorted(bundle.rglob("*")):
            if path.is_file() and not path.is_symlink():
                rel = f"{SEARCH_INDEX}/{path.relative_to(bundle).as_posix()}"
                staging.write_bytes(rel, path.read_bytes())
                bundle_files[rel] = staging.written[rel]
    if cache is not None:
        cache.write_json(SEARCH_ENTRY, {"key": key, "files": bundle_files})
    return []


ENTRY_FILE = "pagefind-entry.json"  # a bundle's list of languages


def _sort_languages(entry: Path) -> None:
    """Pagefind lists the languages of an index with several in no fixed order (a hash
    map's): written sorted, so that the same pages give the same bytes. Pagefind's script
    looks them up by name."""
    data = json.loads(entry.read_text("utf-8"))
    languages = data.get("languages")
    if isinstance(languages, dict) and len(languages) > 1:
        data["languages"] = dict(sorted(languages.items()))
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        entry.write_text(text, "utf-8")


def _normalise_modes(bundle: Path) -> None:
    """The same file modes as every other output, whatever the umask."""
    bundle.chmod(0o755)
    for path in sorted(bundle.rglob("*")):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
