"""One look at the files for one piece of work: a report reads its inputs as they were when it began.

The loaders check the files behind their caches on every call (``data.files.signature``, the
parameter and scenario folders): a few ``stat`` calls each, and one report asks about eighty
times (measured: 3 % of a Gemeinde report's CPU). Inside ``files_unchanged()`` every such check
is made once and then remembered, so a report is also computed from one consistent state of the
files even if one is replaced while it renders. Outside the block nothing is remembered.

    with files_unchanged():
        html = StaticView(app).html()

``file_signature(path)`` is the one such check: (path, mtime, size), used by the data layer's parse
cache and by the parameter and scenario folders.

The memo lives in a context variable: another thread (or a dashboard's next widget event) makes
its own checks.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("workbook_files_unchanged", default=None)


@contextmanager
def files_unchanged() -> Iterator[None]:
    """Within the block each file check (:func:`memo`) is made once; nested blocks share the outer one."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, remembered under ``key`` inside :func:`files_unchanged` (an exception is not
    remembered), computed afresh outside it."""
    seen = _MEMO.get()
    if seen is None:
        return compute()
    try:
        return seen[key]
    except KeyError:
        value = seen[key] = compute()
        return value


def file_signature(path: Path) -> tuple:
    """(path, mtime in ns, size) of a file, (path, None, None) when it is missing: one ``stat``,
    made once per :func:`files_unchanged` block."""
    return memo(("signature", str(path)), lambda: _stat(path))


def _stat(path: Path) -> tuple:
    try:
        st = path.stat()
    except FileNotFoundError:
        return (str(path), None, None)
    return (str(path), st.st_mtime_ns, st.st_size)
