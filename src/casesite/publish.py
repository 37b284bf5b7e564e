"""Build into a staging folder beside the output, then swap it in atomically.

Every write is checked to stay inside the staging folder; on any failure the staging
folder is removed and the previous output stays exactly as it was.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from types import TracebackType

MARKER = ".casesite-output"
MARKER_TEXT = "This folder is written by 'casesite build'. Each build replaces all of it.\n"


class UnsafeOutput(Exception):
    """The output folder cannot be replaced safely (wrong usage, exit code 2)."""


PUBLISH_DIR = "_site"  # the publish folder, under the site root: the default --out


def check_private_output(
    root: Path, folder: Path, what: str, example: str, *, is_build: bool = False
) -> None:
    """`what` (drafts, approval requests: words nobody has approved for publication) may
    never be written into the publish folder, however its path is spelt (relative, '..',
    symbolic links: the path is resolved), nor under it, nor into any other folder a build
    writes (it holds the marker file), where the next build would publish or drop them.
    `is_build`: `folder` is a build's own output (a preview with drafts, which may replace
    its earlier self)."""
    target, published = folder.resolve(), (root / PUBLISH_DIR).resolve()
    if target.is_relative_to(published):
        raise UnsafeOutput(
            f"{what} never go to {PUBLISH_DIR}/ (the publish folder, {published}); "
            f"write them elsewhere, e.g. {example}"
        )
    for parent in (target, *target.parents):
        if (parent / MARKER).is_file() and not (is_build and parent == target):
            raise UnsafeOutput(
                f"{what} never go into {parent}, a folder that casesite builds and publishes; "
                f"write them elsewhere, e.g. {example}"
            )


class OutputClash(ValueError):
    """Two outputs for one path, or a path outside the output folder: a fault of the build
    itself, never published (the command line reports it in one line, exit code 1)."""


def check_output_folder(root: Path, out: Path) -> None:
    root, out = root.resolve(), out.resolve()
    if root.is_relative_to(out):
        raise UnsafeOutput(f"the output folder {out} would replace the site folder itself")
    for name in ("content", "layouts", "assets", "src", ".git"):
        protected = root / name
        if protected.is_relative_to(out) or out.is_relative_to(protected):
            raise UnsafeOutput(f"the output folder {out} overlaps the site's own {name}/ folder")
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"the output path {out} is a file, not a folder")
    if out.is_symlink():
        raise UnsafeOutput(f"the output folder {out} is a symbolic link")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UnsafeOutput(
            f"{out} holds files casesite did not write; refusing to replace it "
            f"(empty it, or choose another --out)"
        )


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two directories (Linux renameat2 RENAME_EXCHANGE)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0)


def epoch_from_environment() -> int | None:
    """SOURCE_DATE_EPOCH, when whoever runs the build sets it: the time every output file
    is given, and the date of the PDF briefs instead of the content's."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class Staging:
    """A fresh folder beside `out` that becomes `out` on commit().

    `previous` maps each file of the current output to the digest of its bytes and its
    modification time, as the last build left them (kept in the build cache): a file whose
    new bytes have the same digest, and which nobody has touched since, is hard-linked
    from the current output instead of written again. A rebuild so writes only what
    changed, while the staging folder still holds the whole site."""

    def __init__(
        self,
        out: Path,
        epoch: int | None = None,
        previous: Mapping[str, tuple[str, int]] | None = None,
    ) -> None:
        self.out = out.absolute()
        # The folders above the output this build makes: removed again if it fails.
        self.made = [p for p in (self.out.parent, *self.out.parent.parents) if not p.exists()]
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(
                self.out.parent, (f".{self.out.name}.staging-", f".{self.out.name}.old-")
            )
            self.path = Path(tempfile.mkdtemp(prefix=self._prefix("staging"), dir=self.out.parent))
            self.path.chmod(0o755)
        except OSError:
            self._unmake()
            raise
        self.epoch = epoch
        self.previous = dict(previous or {}) if (self.out / MARKER).is_file() else {}
        self.written: dict[str, str] = {}  # rel -> digest of its bytes
        self.folders: set[Path] = {self.path}  # made so far
        self._writer: ThreadPoolExecutor | None = None  # see background()
        self._pending: list[Future[None]] = []
        self.write_bytes(MARKER, MARKER_TEXT.encode())

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.path.exists():
            shutil.rmtree(self.path, ignore_errors=True)
        if kind is not None:
            self._unmake()

    def _prefix(self, kind: str) -> str:
        """A folder of this build beside the output: '._site.staging-<pid>-...'. The pid
        tells the next build whether the one that made it is still running."""
        return f".{self.out.name}.{kind}-{os.getpid()}-"

    def _unmake(self) -> None:
        """Remove the folders above the output this build made (when still empty)."""
        for folder in self.made:  # deepest first
            try:
                folder.rmdir()
            except OSError:
                return

    def target(self, rel: str) -> Path:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in rel:
            raise OutputClash(f"refusing to write outside the output folder: {rel!r}")
        # The staging folder is new and only this build writes into it, so no part of the
        # path can be a symbolic link: a relative path without '..' stays inside.
        return self.path.joinpath(*pure.parts)

    def write_bytes(self, rel: str, data: bytes) -> None:
        path = self.target(rel)
        if rel in self.written:
            raise OutputClash(f"two outputs would be written to {rel}")
        self.written[rel] = found = digest(data)
        if self._writer is None:
            self._put(rel, path, found, data)
        else:
            self._pending.append(self._writer.submit(self._put, rel, path, found, data))

    @contextmanager
    def background(self) -> Iterator[None]:
        """Files written meanwhile are written by another thread while this one goes on:
        making folders and files waits on the file system (two processes writing into one
        folder take turns), and that time is spent rendering the next page instead. Every
        file is written, or the first failure raised, when the block ends."""
        if self._writer is not None:
            yield
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="casesite-writer") as pool:
            self._writer, self._pending = pool, []
            try:
                yield
            finally:
                self._writer = None
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def _put(self, rel: str, path: Path, found: str, data: bytes) -> None:
        self._folder(path.parent)
        before = self.previous.get(rel)
        if before is not None and before[0] == found and self._link(rel, path, before[1]):
            return
        # os.open rather than open(): no buffer, no terminal check, no seek (fewer system
        # calls for each of the thousands of pages of a large site).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, 0o644)
        finally:
            os.close(fd)

    def _folder(self, folder: Path) -> None:
        """Make a folder of the staging area (once: most pages share theirs with others)."""
        if folder not in self.folders:
            folder.mkdir(parents=True, exist_ok=True, mode=0o755)
            self.folders.add(folder)

    def _link(self, rel: str, path: Path, mtime_ns: int) -> bool:
        """Hard-link the current output's copy of an unchanged file (a plain file, not a
        link, untouched since the last build) into the staging folder."""
        old = self.out.joinpath(*PurePosixPath(rel).parts)
        try:
            info = os.lstat(old)
            if not stat.S_ISREG(info.st_mode) or info.st_mtime_ns != mtime_ns:
                return False
            os.link(old, path, follow_symlinks=False)
        except OSError:
            return False
        return True

    def reusable(self, rel: str, digest_: str) -> bool:
        """Whether the current output holds `rel` with these bytes, untouched since."""
        before = self.previous.get(rel)
        if before is None or before[0] != digest_ or rel in self.written:
            return False
        try:
            info = os.lstat(self.out.joinpath(*PurePosixPath(rel).parts))
        except OSError:
            return False
        return stat.S_ISREG(info.st_mode) and info.st_mtime_ns == before[1]

    def reuse(self, rel: str, digest_: str) -> bool:
        """Take `rel` from the current output without knowing its bytes (for the output of
        a tool whose inputs have not changed); False when it cannot be."""
        if not self.reusable(rel, digest_):
            return False
        path = self.target(rel)
        self._folder(path.parent)
        if not self._link(rel, path, self.previous[rel][1]):
            return False
        self.written[rel] = digest_
        return True

    def claim(self, written: Iterable[tuple[str, str]]) -> None:
        """Record files written by worker processes (forked copies of this object): each
        path with the digest of its bytes."""
        for rel, found in written:
            if rel in self.written:
                raise OutputClash(f"two outputs would be written to {rel}")
            self.written[rel] = found

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def unchanged(self) -> int:
        """How many files have the same bytes as in the current output."""
        return sum(self.previous.get(rel, ("", 0))[0] == d for rel, d in self.written.items())

    def copy_file(self, source: Path, rel: str) -> None:
        if source.is_symlink():
            raise ValueError(f"refusing to copy a symbolic link: {source}")
        self.write_bytes(rel, source.read_bytes())

    def _stamp(self) -> None:
        if self.epoch is None:
            return
        for folder, dirs, files in os.walk(self.path):
            for name in sorted(files) + sorted(dirs):
                path = os.path.join(folder, name)
                # A hard-linked file is shared with the current output: touch it only when
                # its time differs (its bytes are the same either way).
                if os.lstat(path).st_mtime != self.epoch:
                    os.utime(path, (self.epoch, self.epoch), follow_symlinks=False)
        os.utime(self.path, (self.epoch, self.epoch))

    def commit(self) -> None:
        """Swap the staging folder in as the output; the old output is removed afterwards."""
        self._stamp()
        if not self.out.exists():
            os.rename(self.path, self.out)
            return
        if _exchange(self.path, self.out):
            # Now holds the previous build; what cannot be removed, the next build removes.
            shutil.rmtree(self.path, ignore_errors=True)
            return
        old = Path(tempfile.mkdtemp(prefix=self._prefix("old"), dir=self.out.parent))
        try:
            os.rename(self.out, old / "site")
        except OSError:
            old.rmdir()
            raise
        try:
            os.rename(self.path, self.out)
        except OSError:
            os.rename(old / "site", self.out)  # the previous output stays
            old.rmdir()
            raise
        shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def remove_leftovers(folder: Path, prefixes: tuple[str, ...]) -> None:
    """Remove the folders in `folder` that a build which is no longer running left there
    (killed, or its machine stopped): named by one of `prefixes`, then its process id."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        prefix = next((p for p in prefixes if entry.name.startswith(p)), None)
        if prefix is None:
            continue
        pid = entry.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def manifest(out: Path, written: Mapping[str, str]) -> dict[str, tuple[str, int]]:
    """Each file of a just-published output: the digest of its bytes and its mtime."""
    found: dict[str, tuple[str, int]] = {}
    for rel, digest_ in sorted(written.items()):
        try:
            found[rel] = (digest_, os.lstat(out.joinpath(*PurePosixPath(rel).parts)).st_mtime_ns)
        except OSError:
            continue
    return found
