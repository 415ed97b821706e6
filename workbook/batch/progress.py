"""A plain progress line on stderr: done/total, percent, rate, time remaining.

On a terminal the line updates in place; otherwise (a log file, CI) a line is
printed about every 10 % so logs stay short.
"""

from __future__ import annotations

import sys
import time

from ..texts import batch as T
from ..texts import fmt_number, fmt_percent


class Progress:
    def __init__(self, total: int, stream=None, enabled: bool = True):
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.start = time.monotonic()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_decile = -1
        self._drawn = False

    def line(self, done: int, failed: int) -> str:
        elapsed = max(1e-9, time.monotonic() - self.start)
        rate = done / elapsed
        eta = (self.total - done) / rate if rate > 0 else float("nan")
        return T.PROGRESS.format(done=done, total=self.total, percent=fmt_percent(done / self.total, 0),
                                 rate=fmt_number(rate, 2),
                                 eta=T.fmt_duration(eta) if eta == eta else "?", failed=failed)

    def update(self, done: int, failed: int) -> None:
        if not self.enabled:
            return
        if self.tty:
            self.stream.write("\r" + self.line(done, failed) + "\x1b[K")
            self.stream.flush()
            self._drawn = True
            return
        decile = int(10 * done / self.total)
        if decile != self._last_decile or done == self.total:
            self._last_decile = decile
            print(self.line(done, failed), file=self.stream, flush=True)

    def finish(self) -> None:
        if self.enabled and self.tty and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
