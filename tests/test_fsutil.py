"""workbook.fsutil: the one atomic writer behind every file the workbook writes."""

from __future__ import annotations

import os
import stat

import pytest

from workbook.errors import WorkbookError
from workbook.fsutil import atomic_write


def test_writes_and_replaces_with_normal_permissions(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old", encoding="utf-8")
    atomic_write(target, "neu ä\n")
    assert target.read_text(encoding="utf-8") == "neu ä\n"
    mode = stat.S_IMODE(target.stat().st_mode)
    mask = os.umask(0)
    os.umask(mask)
    assert mode == 0o666 & ~mask            # not the 0o600 of a temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "a.csv"
    target.write_bytes(b"old")

    def broken(tmp):
        with open(tmp, "wb") as fh:
            fh.write(b"half")
        raise ValueError("mid-write")

    with pytest.raises(ValueError):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_os_errors_become_the_callers_error(tmp_path):
    missing = tmp_path / "no" / "such" / "dir" / "x.bin"
    with pytest.raises(WorkbookError, match=r"x\.bin"):
        atomic_write(missing, b"1", on_error=lambda exc: WorkbookError("kaputt", file=str(missing)))
    with pytest.raises(FileNotFoundError):
        atomic_write(missing, b"1")
    atomic_write(missing, b"1", mkdir=True)
    assert missing.read_bytes() == b"1"


def test_temporary_name_keeps_the_suffix_when_asked(tmp_path):
    seen = []
    atomic_write(tmp_path / "r.xlsx", lambda tmp: (seen.append(tmp), open(tmp, "wb").close()), keep_suffix=True)
    assert seen[0].endswith(".xlsx") and os.path.basename(seen[0]).startswith(".r.xlsx.")
    atomic_write(tmp_path / "r.xlsx", lambda tmp: (seen.append(tmp), open(tmp, "wb").close()),
                 prefix=".r.tmp-1-", suffix="", fsync=True)
    assert os.path.basename(seen[1]).startswith(".r.tmp-1-") and not seen[1].endswith(".tmp")


def test_content_is_a_writer_bytes_or_text(tmp_path):
    atomic_write(tmp_path / "b.bin", b"\x00\x01")
    atomic_write(tmp_path / "t.txt", "a\nb ä\n")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "t.txt").read_bytes() == "a\nb ä\n".encode()     # UTF-8, \n kept
    with pytest.raises(TypeError, match="writer function, bytes or str"):
        atomic_write(tmp_path / "n.txt", 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.bin", "t.txt"]
