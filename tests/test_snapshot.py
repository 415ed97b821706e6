"""snapshot.files_unchanged(): one look at the files per rendered page."""

from __future__ import annotations

import os
import threading

from workbook import params, snapshot
from workbook.data.files import signature


def _touch(path, text: str, mtime_ns: int) -> None:
    path.write_text(text)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_a_file_is_checked_once_inside_the_block_and_every_time_outside(tmp_path):
    f = tmp_path / "x.csv"
    _touch(f, "a", 1_000_000_000)
    first = signature(f)
    with snapshot.files_unchanged():
        inside = signature(f)
        _touch(f, "bb", 2_000_000_000)
        assert signature(f) == inside == first          # the page keeps its first look
        with snapshot.files_unchanged():                 # a nested block shares it
            assert signature(f) == first
        # another thread makes its own checks
        seen = []
        worker = threading.Thread(target=lambda: seen.append(signature(f)))
        worker.start()
        worker.join()
        assert seen[0] != first and seen[0][2] == 2
    after = signature(f)
    assert after != first and after[1:] == (2_000_000_000, 2)


def test_a_failed_check_is_not_remembered(tmp_path):
    folder = tmp_path / "parameters"
    with snapshot.files_unchanged():
        try:
            params.load_parameters(folder)
        except params.ParameterError as exc:
            assert "parameter folder not found" in str(exc)
        else:
            raise AssertionError("a missing folder must be refused")
        folder.mkdir()
        # the folder exists now: the check is made again (an exception is not a look to keep)
        assert len(params.load_parameters(folder)) == 0


def test_memo_outside_the_block_computes_every_time():
    calls = []
    assert snapshot.memo("k", lambda: calls.append(1) or len(calls)) == 1
    assert snapshot.memo("k", lambda: calls.append(1) or len(calls)) == 2
    with snapshot.files_unchanged():
        assert snapshot.memo("k", lambda: calls.append(1) or len(calls)) == 3
        assert snapshot.memo("k", lambda: calls.append(1) or len(calls)) == 3
