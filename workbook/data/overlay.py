"""The user's overlays: a municipality's own figures beside the shipped data.

Two long CSVs (ags, column, value, source_file, source_column, imported_at) in
``$WORKBOOK_LOCAL_DIR`` (default ``data/local/``): ``overlay.csv`` for Kreise
(5-digit keys) and ``gemeinden_overlay.csv`` for Gemeinden (8-digit keys), the
same rules for both. This module reads and validates them, applies the Kreis
overlay to a Kreise table, gives the Gemeinde overlay as a wide table
(``load_gemeinde_overlay``), and is their only writer: ``merge`` adds values
under an exclusive lock (one lock for both files) and replaces the file
atomically (fsync); ``reset_overlay`` / ``reset_gemeinde_overlay`` remove them.
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
from .base import base_kreise, load_gemeinden
from .files import cached, clear_cache, data_dir, signature
from .schema import COLUMNS, GEMEINDE_IMPORT_COLUMNS, IMPORTABLE, KEY, validate_value

OVERLAY_FILE = "overlay.csv"
GEMEINDE_OVERLAY_FILE = "gemeinden_overlay.csv"
OVERLAY_COLUMNS = ["ags", "column", "value", "source_file", "source_column", "imported_at"]
KREIS, GEMEINDE = "kreis", "gemeinde"          # the two levels (workbook.ags names them so too)
_FILES = {KREIS: OVERLAY_FILE, GEMEINDE: GEMEINDE_OVERLAY_FILE}


def local_dir() -> Path:
    """Folder of the user's overlay: $WORKBOOK_LOCAL_DIR or data/local/."""
    env = os.environ.get("WORKBOOK_LOCAL_DIR")
    return Path(env).expanduser().resolve() if env else data_dir() / "local"


def _level(level: str) -> str:
    if level not in _FILES:
        raise ValueError(f"level must be {KREIS!r} or {GEMEINDE!r}, not {level!r}")
    return level


def overlay_path(level: str = KREIS) -> Path:
    """The overlay file of a level: ``overlay.csv`` (Kreise) or ``gemeinden_overlay.csv`` (Gemeinden)."""
    return local_dir() / _FILES[_level(level)]


def load_overlay(level: str = KREIS) -> pd.DataFrame:
    """The user's overlay of a level as a long table (ags, column, value, ...); empty when none."""
    path = overlay_path(level)
    return cached(f"overlay:{level}", signature(path), lambda: _parse_overlay(path, level)).copy()


def load_gemeinde_overlay() -> pd.DataFrame:
    """The user's own Gemeinde figures as a wide table: ``ags`` (8 digits) and one column per importable
    registry column (``schema.IMPORTABLE``, in registry order), NaN where the overlay has no value; one
    row per Gemeinde with a value, sorted by ``ags``. Numbers are floats, ``settlement_type`` text.
    Empty (with these columns) when there is no Gemeinde overlay. ``df.attrs["local"]`` maps column ->
    sorted keys with a value; ``df.attrs["sources"]`` maps (ags, column) -> (source_file, source_column).
    """
    path = overlay_path(GEMEINDE)
    return cached("overlay-wide:gemeinde", signature(path), _wide_gemeinde_overlay).copy()


def _wide_gemeinde_overlay() -> pd.DataFrame:
    long = load_overlay(GEMEINDE)
    keys = sorted(set(long["ags"]))
    wide = pd.DataFrame({"ags": pd.Series(keys, dtype=object)})
    index = pd.Index(keys)
    for name in IMPORTABLE:
        part = long[long["column"] == name]
        if COLUMNS[name].dtype == "category":
            values = pd.Series(np.nan, index=index, dtype=object)
            values.loc[part["ags"].to_numpy()] = part["value"].to_numpy()
        else:
            values = pd.Series(np.nan, index=index, dtype=float)
            values.loc[part["ags"].to_numpy()] = part["value"].astype(float).to_numpy()
        wide[name] = values.to_numpy()
    wide.attrs["local"] = {str(c): sorted(g["ags"]) for c, g in long.groupby("column", sort=True)}
    wide.attrs["sources"] = {(a, c): (f, h) for a, c, f, h in
                             zip(long["ags"], long["column"], long["source_file"], long["source_column"])}
    return wide


def _parse_overlay(path: Path, level: str = KREIS) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OVERLAY_COLUMNS})
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(T.OVERLAY_CORRUPT.format(error=str(exc).splitlines()[0]), file=str(path)) from None
    if list(df.columns) != OVERLAY_COLUMNS:
        raise DataError(T.OVERLAY_COLUMNS.format(expected=", ".join(OVERLAY_COLUMNS)), file=str(path))
    if level == GEMEINDE:
        known, unknown, registry = set(load_gemeinden()["ags"]), T.UNKNOWN_GEMEINDE, GEMEINDE_IMPORT_COLUMNS
    else:
        known, unknown, registry = set(base_kreise()[KEY]), T.UNKNOWN_AGS_SHORT, COLUMNS
    for i, (ags, column, raw) in enumerate(zip(df["ags"], df["column"], df["value"]), start=2):
        ags, column, raw = str(ags), str(column), str(raw)   # read as text (dtype=str)
        if ags not in known:
            raise DataError(unknown, file=str(path), row=i, column="ags", key=ags)
        col = COLUMNS.get(column)
        if col is None or not col.importable:
            raise DataError(T.OVERLAY_BAD_COLUMN, file=str(path), row=i, column="column", key=column)
        value = raw if col.dtype == "category" else _to_number(raw)
        validate_value(column, value, file=str(path), row=i, key=ags, columns=registry)
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


def merge(new_rows: pd.DataFrame, level: str = KREIS) -> tuple[Path, int]:
    """Merge rows (``OVERLAY_COLUMNS``) into the overlay of ``level`` under the lock; a later value
    replaces the cell (ags, column) it covers, the others stay. Returns (overlay path, cells replaced).

    The file is replaced atomically and flushed to disk; a corrupt overlay stops the merge
    (``DataError``) before anything is written.
    """
    target = overlay_path(level)
    with _OverlayLock(target):
        clear_cache()
        current = load_overlay(level)
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


def reset_overlay(level: str = KREIS) -> bool:
    """Remove the local overlay of ``level`` (default the Kreise); True when there was one."""
    target = overlay_path(level)
    existed = target.exists()
    if existed:
        try:
            os.remove(target)
        except OSError as exc:
            raise DataError(T.OVERLAY_WRITE.format(error=exc.strerror or exc), file=str(target)) from None
    clear_cache()
    return existed


def reset_gemeinde_overlay() -> bool:
    """Remove the local Gemeinde overlay; True when there was one."""
    return reset_overlay(GEMEINDE)
