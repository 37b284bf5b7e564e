"""Build into a staging folder beside the output, then swap it in atomically.

Every write is checked to stay inside the staging folder; on any failure the staging
folder is removed and the previous output stays exactly as it was.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from types import TracebackType

MARKER = ".casesite-output"
MARKER_TEXT = "This folder is written by 'casesite build'. Each build replaces all of it.\n"


class UnsafeOutput(Exception):
    """The output folder cannot be replaced safely (wrong usage, exit code 2)."""


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


class Staging:
    """A fresh folder beside `out` that becomes `out` on commit()."""

    def __init__(self, out: Path, epoch: int | None = None) -> None:
        self.out = out.absolute()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.staging-", dir=self.out.parent))
        self.path.chmod(0o755)
        self.epoch = epoch
        self.written: set[str] = set()
        self.write_bytes(MARKER, MARKER_TEXT.encode())

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.path.exists():
            shutil.rmtree(self.path, ignore_errors=True)

    def target(self, rel: str) -> Path:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in rel:
            raise ValueError(f"refusing to write outside the output folder: {rel!r}")
        path = self.path.joinpath(*pure.parts)
        if not path.resolve().is_relative_to(self.path.resolve()):
            raise ValueError(f"refusing to write outside the output folder: {rel!r}")
        return path

    def write_bytes(self, rel: str, data: bytes) -> None:
        path = self.target(rel)
        if rel in self.written:
            raise ValueError(f"two outputs would be written to {rel}")
        self.written.add(rel)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        path.write_bytes(data)
        path.chmod(0o644)

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def copy_file(self, source: Path, rel: str) -> None:
        if source.is_symlink():
            raise ValueError(f"refusing to copy a symbolic link: {source}")
        self.write_bytes(rel, source.read_bytes())

    def _stamp(self) -> None:
        if self.epoch is None:
            return
        for folder, dirs, files in os.walk(self.path):
            for name in sorted(files) + sorted(dirs):
                os.utime(
                    os.path.join(folder, name), (self.epoch, self.epoch), follow_symlinks=False
                )
        os.utime(self.path, (self.epoch, self.epoch))

    def commit(self) -> None:
        """Swap the staging folder in as the output; the old output is removed afterwards."""
        self._stamp()
        if not self.out.exists():
            os.rename(self.path, self.out)
            return
        if _exchange(self.path, self.out):
            shutil.rmtree(self.path)  # now holds the previous build
            return
        old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.out.parent))
        os.rename(self.out, old / "site")
        os.rename(self.path, self.out)
        shutil.rmtree(old)
