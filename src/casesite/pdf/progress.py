"""The PDF stage's progress line on stderr, for long runs."""

from __future__ import annotations

import time
from typing import TextIO

PROGRESS_ABOVE = 8  # show progress when more briefs than this need rendering (or on a TTY)


class Progress:
    """'PDF briefs: 12 of 40 rendered, about 9 s left' on stderr, for long runs."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.done, self.started = total, 0, time.perf_counter()
        tty = bool(stream is not None and stream.isatty())
        self.stream = stream if stream is not None and (total > PROGRESS_ABOVE or tty) else None
        self.tty = tty
        self.step = max(1, total // 10)

    def tick(self) -> None:
        if self.done >= self.total:
            return  # a collection's front matter, rendered among the briefs
        self.done += 1
        if self.stream is None or (
            not self.tty and self.done % self.step and self.done < self.total
        ):
            return
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.done * (self.total - self.done)
        line = f"PDF briefs: {self.done} of {self.total} rendered, about {left:.0f} s left"
        if self.tty:
            self.stream.write("\r\x1b[2K" + line + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
