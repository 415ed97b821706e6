"""The long result table (Result contract) and its exports.

One row per value: ``scenario, ags, indicator, unit, year, value, quantile``;
``quantile`` is ``p5``, ``p25``, ``p50``, ``p75``, ``p95`` (over the Monte Carlo
draws) or ``default`` (the run at the resolved parameter values).
``DataFrame.attrs`` holds ``seed``, ``draws``, ``param_hash``, ``data_hash``,
``workbook_version`` (and ``scenarios``, ``topics``); every export writes them
into a sidecar ``<file>.meta.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from . import tables
from .ags import kreis_or_none
from .errors import SelectionError, WorkbookError
from .texts import tables as T

COLUMNS = ("scenario", "ags", "indicator", "unit", "year", "value", "quantile")
QUANTILES = {"p5": 0.05, "p25": 0.25, "p50": 0.50, "p75": 0.75, "p95": 0.95}
QUANTILE_ORDER = ("default", *QUANTILES)
META_KEYS = ("seed", "draws", "param_hash", "data_hash", "workbook_version")
TEXT_COLUMNS = ("scenario", "ags", "indicator", "unit", "quantile")


def empty_table() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else ("int64" if c == "year" else "object"))
                         for c in COLUMNS})


def _as_list(value) -> list | None:
    if value is None:
        return None
    if isinstance(value, (str, int, np.integer)):
        return [value]
    return list(value)


def filter(table: pd.DataFrame, *, scenario=None, ags=None, indicator=None, year=None,
           quantile=None) -> pd.DataFrame:
    """Rows matching every given selection (a value or a list); attrs are kept."""
    mask = np.ones(len(table), dtype=bool)
    for column, wanted in (("scenario", scenario), ("ags", ags), ("indicator", indicator),
                           ("year", year), ("quantile", quantile)):
        values = _as_list(wanted)
        if values is None:
            continue
        if column == "ags":
            values = [kreis_or_none(v) or str(v) for v in values]
        mask &= table[column].isin(values).to_numpy()
    out = table.loc[mask].reset_index(drop=True)
    out.attrs = dict(table.attrs)
    return out


def wide(table: pd.DataFrame, columns: str = "quantile",
         index: Iterable[str] = ("scenario", "ags", "indicator", "unit", "year")) -> pd.DataFrame:
    """Pivot the long table: one column per ``columns`` value (default: per quantile)."""
    index = [c for c in index if c != columns]
    out = table.pivot_table(index=index, columns=columns, values="value", aggfunc="first", observed=True)
    if columns == "quantile":
        out = out[[q for q in QUANTILE_ORDER if q in out.columns]]
    out.columns = [str(c) for c in out.columns]
    out = out.reset_index()
    out.attrs = dict(table.attrs)
    return out


def metadata(table: pd.DataFrame) -> dict:
    """The table's attrs as JSON values (``workbook.tables.metadata``)."""
    return tables.metadata(table)


def neutralise(table: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would read as a formula (= + - @) with an apostrophe.

    Categorical columns are fixed through their categories (no per-row strings). The one
    rule of every export: ``workbook.tables.neutralise``.
    """
    return tables.neutralise(table)


meta_path = tables.meta_path


def write(table: pd.DataFrame, path: Path | str) -> Path:
    """Write ``table`` to .csv, .xlsx or .parquet atomically, plus the ``.meta.json`` sidecar.

    The analysts' form: machine-readable CSV (``,``, decimal point, UTF-8, 7 significant
    digits) with the machine column names; Excel with a Metadaten sheet.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".parquet"):
        raise SelectionError(f"unsupported output type {path.suffix or '(none)'!r}; expected .csv, .xlsx or "
                             ".parquet", file=str(path))
    if not path.parent.exists():
        raise SelectionError("output folder does not exist", file=str(path.parent))
    if suffix == ".csv":
        tables.write_csv(table, path, tables.MACHINE)
    elif suffix == ".xlsx":
        tables.write_xlsx(table, path, sheet=T.SHEET_RESULTS, meta=tables.metadata(table))
    else:
        tables.write_parquet(table, path)
    tables.write_meta(table, path)
    return path


def to_csv(table: pd.DataFrame, path: Path | str) -> Path:
    """CSV with the ``.meta.json`` sidecar (see ``write``)."""
    if Path(path).suffix.lower() != ".csv":
        raise SelectionError("expected a file name ending in .csv", file=str(path))
    return write(table, path)


def read_csv(path: Path | str) -> pd.DataFrame:
    """Read a table written by ``to_csv``; the sidecar's metadata goes back into attrs."""
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype={"ags": str, "scenario": str, "indicator": str, "unit": str,
                                         "quantile": str}, keep_default_na=False, na_values=[""],
                            encoding="utf-8")
    except FileNotFoundError:
        raise WorkbookError("file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise WorkbookError(f"not UTF-8 text (byte {exc.start}); expected a result table written by "
                            "`workbook project --out`", file=str(path)) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OSError) as exc:
        first = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise WorkbookError(f"cannot be read as a result table ({first})", file=str(path)) from None
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise WorkbookError(f"not a result table: column(s) {', '.join(missing)} missing; expected "
                            f"{', '.join(COLUMNS)}", file=str(path))
    for column, kind in (("year", "whole number"), ("value", "number")):
        numeric = pd.to_numeric(table[column], errors="coerce")
        bad = numeric.isna() & table[column].notna()
        if kind == "whole number":
            bad |= numeric.notna() & (numeric != numeric.round())
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise WorkbookError(f"expected a {kind}, found {str(table[column].iloc[row])[:40]!r}",
                                file=str(path), row=row + 2, column=column)
        table[column] = numeric.astype("int64") if kind == "whole number" else numeric.astype(float)
    side = meta_path(path)
    if side.exists():
        try:
            meta = json.loads(side.read_text(encoding="utf-8"))
        except (ValueError, RecursionError, OSError) as exc:
            raise WorkbookError(f"broken metadata sidecar ({type(exc).__name__}); expected the JSON written "
                                "with the table", file=str(side)) from None
        if not isinstance(meta, dict):
            raise WorkbookError("broken metadata sidecar; expected a JSON object", file=str(side))
        table.attrs.update(meta)
    return table
