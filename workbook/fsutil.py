"""Atomic file writes: a temporary file in the target's folder, then ``os.replace``.

A reader (or a run killed at any moment) sees the old file or the new one,
never half of one; on failure the temporary file is removed and the old file
is untouched. Every writer of the workbook goes through :func:`atomic_write`
(exports, results, scenario files, the data overlay, batch reports,
``voila.json``, the rebuilt base data); each keeps its own error type and
message through ``on_error``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "atomic_write_bytes", "atomic_write_text", "current_umask"]


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    except OSError:       # the folder vanished or turned read-only: nothing more to do
        pass


def atomic_write(path: str | os.PathLike, writer: Callable[[str], object], *,
                 prefix: str | None = None, suffix: str = ".tmp", keep_suffix: bool = False,
                 mkdir: bool = False, fsync: bool = False,
                 on_error: Callable[[OSError], BaseException] | None = None) -> Path:
    """Write ``path`` through ``writer(tmp_path)``, which fills a temporary file.

    - ``prefix``/``suffix``: the temporary name (default ``.<name>.<random>.tmp``, hidden);
      ``keep_suffix`` appends the target's suffix (writers that pick the format from
      the name, such as Excel's);
    - ``mkdir``: create the folder first; ``fsync``: flush the data to disk before the
      rename (files that must survive a power cut, such as the data overlay);
    - ``on_error(exc)``: the exception to raise for an ``OSError`` (a full disk, a
      read-only folder), naming the file the way its module does; without it the
      ``OSError`` itself is raised. Any other exception is raised unchanged.

    The file gets the permissions a new file gets (``0o666`` less the umask), not
    the ``0o600`` of a temporary file.
    """
    path = Path(path)
    if prefix is None:
        prefix = f".{path.name[:60]}."
    if keep_suffix:
        suffix = suffix + path.suffix
    tmp = None
    try:
        if mkdir:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
        os.close(fd)
        writer(tmp)
        if fsync:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        if on_error is None:
            raise
        raise on_error(exc) from None
    finally:
        if tmp is not None:
            _remove(tmp)
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes, **kwargs) -> Path:
    """Write ``data`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data), **kwargs)


def atomic_write_text(path: str | os.PathLike, text: str, **kwargs) -> Path:
    """Write UTF-8 ``text`` with ``\\n`` line ends atomically (see :func:`atomic_write`)."""
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)

    return atomic_write(path, write, **kwargs)
