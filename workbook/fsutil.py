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

__all__ = ["atomic_write", "current_umask"]


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


def _content_writer(content) -> Callable[[str], object]:
    if isinstance(content, bytes):
        return lambda tmp: Path(tmp).write_bytes(content)
    if isinstance(content, str):
        def write_text(tmp: str) -> None:
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(content)

        return write_text
    if callable(content):
        return content
    raise TypeError(f"content must be a writer function, bytes or str, not {type(content).__name__}")


def atomic_write(path: str | os.PathLike, content: Callable[[str], object] | bytes | str, *,
                 prefix: str | None = None, suffix: str = ".tmp", keep_suffix: bool = False,
                 mkdir: bool = False, fsync: bool = False,
                 on_error: Callable[[OSError], BaseException] | None = None) -> Path:
    """Write ``path`` atomically from ``content``, which fills a temporary file first.

    ``content`` is ``writer(tmp_path)`` (a function that writes the file, such as
    a DataFrame's ``to_csv``), ``bytes`` (written as they are) or ``str``
    (written as UTF-8 with ``\\n`` line ends).

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
    writer = _content_writer(content)
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
