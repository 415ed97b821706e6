"""The user's overlay: a municipality's own figures beside the shipped data.

One long CSV (ags, column, value, source_file, source_column, imported_at) in
``$WORKBOOK_LOCAL_DIR`` (default ``data/local/``). This module reads and
validates it, applies it to a Kreise table, and is its only writer: ``merge``
adds values under an exclusive lock and replaces the file atomically (fsync),
``reset_overlay`` removes it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from ..errors import DataError
from ..fsutil import atomic_write
from ..texts import data as T
from .base import base_kreise
from .files import cached, clear_cache, data_dir, signature
from .schema import COLUMNS, KEY, validate_value

OVERLAY_FILE = "overlay.csv"
OVERLAY_COLUMNS = ["ags", "column", "value", "source_file", "source_column", "imported_at"]


def local_dir() -> Path:
    """Folder of the user's overlay: $WORKBOOK_LOCAL_DIR or data/local/."""
    env = os.environ.get("WORKBOOK_LOCAL_DIR")
    return Path(env).expanduser().resolve() if env else data_dir() / "local"


def overlay_path() -> Path:
    return local_dir() / OVERLAY_FILE


def load_overlay() -> pd.DataFrame:
    """The user's overlay as a long table (ags, column, value, ...); empty when none."""
    path = overlay_path()
    return cached("overlay", signature(path), lambda: _parse_overlay(path)).copy()


def _parse_overlay(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OVERLAY_COLUMNS})
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(T.OVERLAY_CORRUPT.format(error=str(exc).splitlines()[0]), file=str(path)) from None
    if list(df.columns) != OVERLAY_COLUMNS:
        raise DataError(T.OVERLAY_COLUMNS.format(expected=", ".join(OVERLAY_COLUMNS)), file=str(path))
    known = set(base_kreise()[KEY])
    for i, (ags, column, raw) in enumerate(zip(df["ags"], df["column"], df["value"]), start=2):
        ags, column, raw = str(ags), str(column), str(raw)   # read as text (dtype=str)
        if ags not in known:
            raise DataError(T.UNKNOWN_AGS_SHORT, file=str(path), row=i, column="ags", key=ags)
        col = COLUMNS.get(column)
        if col is None or not col.importable:
            raise DataError(T.OVERLAY_BAD_COLUMN, file=str(path), row=i, column="column", key=column)
        value = raw if col.dtype == "category" else _to_number(raw)
        validate_value(column, value, file=str(path), row=i, key=ags)
    if df.duplicated(["ags", "column"]).any():
        i = int(np.flatnonzero(df.duplicated(["ags", "column"]).to_numpy())[0])
        raise DataError(T.DUPLICATE_KEY, file=str(path), row=i + 2, key=f"{df.ags[i]}/{df.column[i]}")
    return df


def _to_number(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def apply_overlay(df: pd.DataFrame, overlay: pd.DataFrame) -> dict[str, set[str]]:
    """Write the overlay's values into df; return {column: set of ags} that are local."""
    local: dict[str, set[str]] = {}
    if overlay.empty:
        return local
    index = pd.Index(df[KEY])
    for column, group in overlay.groupby("column", sort=True):
        col = COLUMNS[str(column)]
        rows = index.get_indexer(group["ags"])
        keep = rows >= 0
        rows, values = rows[keep], group["value"].to_numpy()[keep]
        if col.dtype == "category":
            df.loc[rows, column] = values
        else:
            numbers = values.astype(float)
            if col.dtype == "int":
                df.loc[rows, column] = numbers.round().astype("int64")
            else:
                df.loc[rows, column] = numbers
        local[str(column)] = set(df.loc[rows, KEY])
    # density follows a local population or area unless it was imported itself
    touched = local.get("population_2018", set()) | local.get("area_km2", set())
    derived = touched - local.get("density_per_km2", set())
    if derived:
        mask = df[KEY].isin(derived).to_numpy()
        df.loc[mask, "density_per_km2"] = (df.loc[mask, "population_2018"] / df.loc[mask, "area_km2"]).round(1)
        local.setdefault("density_per_km2", set()).update(derived)
    return local


def overlap(current: pd.DataFrame, new: pd.DataFrame) -> set[tuple[str, str]]:
    keys_new = set(zip(new["ags"], new["column"]))
    return {(a, c) for a, c in zip(current["ags"], current["column"]) if (a, c) in keys_new}


class _OverlayLock:
    """An exclusive lock beside the overlay, so two imports never lose each other's values."""

    def __init__(self, target: Path):
        self.path = target.parent / ".overlay.lock"
        self.fh: BinaryIO | None = None

    def __enter__(self):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fh = open(self.path, "a+b")
        except OSError as exc:
            raise DataError(T.OVERLAY_WRITE.format(error=exc.strerror or exc), file=str(self.path.parent)) from None
        try:
            import fcntl

            fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows: no advisory lock
            pass
        return self

    def __exit__(self, *exc):
        try:
            import fcntl

            if self.fh is not None:
                fcntl.flock(self.fh.fileno(), fcntl.LOCK_UN)
        except ImportError:  # pragma: no cover
            pass
        if self.fh is not None:
            self.fh.close()
        return False


def merge(new_rows: pd.DataFrame) -> tuple[Path, int]:
    """Merge rows (``OVERLAY_COLUMNS``) into the overlay under its lock; a later value replaces
    the cell (ags, column) it covers, the others stay. Returns (overlay path, cells replaced).

    The file is replaced atomically and flushed to disk; a corrupt overlay stops the merge
    (``DataError``) before anything is written.
    """
    target = overlay_path()
    with _OverlayLock(target):
        clear_cache()
        current = load_overlay()
        replaced = overlap(current, new_rows)
        keep = [(a, c) not in replaced for a, c in zip(current["ags"], current["column"])]
        merged = pd.concat([current[keep], new_rows[OVERLAY_COLUMNS]], ignore_index=True).sort_values(
            ["ags", "column"], kind="stable")
        data = merged.to_csv(index=False, lineterminator="\n").encode("utf-8")
        atomic_write(target, data, prefix=".overlay.", fsync=True,
                     on_error=lambda exc: DataError(T.OVERLAY_WRITE.format(error=exc.strerror or exc),
                                                    file=str(target)))
    clear_cache()
    return target, len(replaced)


def timestamp() -> str:
    """The ``imported_at`` of rows merged now (UTC, seconds)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def reset_overlay() -> bool:
    """Remove the local overlay; True when there was one."""
    target = overlay_path()
    existed = target.exists()
    if existed:
        try:
            os.remove(target)
        except OSError as exc:
            raise DataError(T.OVERLAY_WRITE.format(error=exc.strerror or exc), file=str(target)) from None
    clear_cache()
    return existed
