"""The one table export: CSV, Excel, the ``.meta.json`` sidecar and the download form.

Used by ``workbook.results`` (the long table for analysts: machine-readable CSV,
Excel, Parquet), ``workbook.export`` (tables from a notebook: German Excel CSV
or XLSX) and the apps' download buttons (``table_bytes``: German headers and
labels for council and strategy users). Every writer here:

- neutralises cells and headers a spreadsheet would run as a formula (text
  starting with ``= + - @``, tab or carriage return gets a leading apostrophe;
  categorical columns are fixed through their categories);
- shows control characters (NUL ...) as U+FFFD (XLSX cannot hold them, and a NUL
  cuts a CSV cell in many tools);
- refuses a table that does not fit one Excel sheet: 1,048,576 rows, the header
  row included;
- writes through ``fsutil.atomic_write``: a failed export leaves no half-written
  file and does not touch an existing one.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from .errors import InputFileError, SelectionError, WorkbookError
from .fsutil import atomic_write
from .texts import fmt_int
from .texts import tables as T

__all__ = [
    "EXCEL_DE",
    "EXCEL_INT",
    "EXCEL_MAX_ROWS",
    "FORMULA_START",
    "MACHINE",
    "CsvForm",
    "check_excel_rows",
    "check_finite",
    "clean_controls",
    "csv_bytes",
    "for_people",
    "meta_path",
    "metadata",
    "neutralise",
    "sheet_name",
    "table_bytes",
    "write_csv",
    "write_meta",
    "write_parquet",
    "write_xlsx",
    "xlsx_bytes",
]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: rows of one Excel sheet, the header row included
EXCEL_MAX_ROWS = 1_048_576
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_BAD = re.compile(r"[\x00-\x1f:*?/\\]")


@dataclass(frozen=True)
class CsvForm:
    """How a CSV is written: separator, decimal mark, encoding, line end, number format."""

    sep: str
    decimal: str
    encoding: str
    lineterminator: str
    float_format: str | None = None


#: German Excel: ``;``, decimal comma, UTF-8 with BOM (Excel recognises the encoding), CRLF
EXCEL_DE = CsvForm(";", ",", "utf-8-sig", "\r\n")
#: Excel elsewhere: ``,`` and decimal point, with BOM and CRLF
EXCEL_INT = CsvForm(",", ".", "utf-8-sig", "\r\n")
#: machine-readable (the analysts' long table): ``,``, decimal point, UTF-8, ``\n``, 7 significant digits
MACHINE = CsvForm(",", ".", "utf-8", "\n", "%.7g")


# ---------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------

def _neutral_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _clean_text(value):
    return _CONTROL_RE.sub("\ufffd", value) if isinstance(value, str) else value


def _map_text(df: pd.DataFrame, fn: Callable) -> pd.DataFrame:
    """A shallow copy with ``fn`` applied to the headers and to every text cell
    (object and string columns; categorical columns through their categories)."""
    if not isinstance(df, pd.DataFrame):
        raise WorkbookError(T.NOT_A_TABLE.format(kind=type(df).__name__))
    out = df.copy(deep=False)
    out.columns = [fn(str(c)) for c in df.columns]
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if isinstance(col.dtype, pd.CategoricalDtype):
            cats = list(col.cat.categories)
            fixed = [fn(c) for c in cats]
            if fixed != cats:
                if len(set(fixed)) == len(fixed):
                    out.isetitem(i, col.cat.rename_categories(fixed))  # type: ignore[arg-type]
                else:                  # two categories would merge: fix the cells instead
                    out.isetitem(i, col.astype(object).map(fn))  # type: ignore[arg-type]
        elif pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col):
            values = col.to_numpy(dtype=object)
            new = np.fromiter((fn(v) for v in values), dtype=object, count=len(values))
            changed = np.fromiter((a is not b for a, b in zip(new, values)), dtype=bool, count=len(values))
            if changed.any():
                fixed_col = pd.Series(np.where(changed, new, values), index=col.index, dtype=col.dtype, name=col.name)
                out.isetitem(i, fixed_col)  # type: ignore[arg-type]
    out.attrs = dict(df.attrs)
    return out


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell or header starts like a formula.

    Numbers stay numbers (a negative number is not a formula); text that starts
    with = + - @, tab or CR gets a leading apostrophe. The input is unchanged.
    """
    return _map_text(df, _neutral_text)


def clean_controls(df: pd.DataFrame) -> pd.DataFrame:
    """Control characters (other than tab and line breaks) in headers and cells shown as U+FFFD."""
    return _map_text(df, _clean_text)


def check_finite(df: pd.DataFrame) -> None:
    """Refuse an infinite number (no spreadsheet holds one), naming row and column."""
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_float_dtype(s):
            bad = ~np.isfinite(s.to_numpy(dtype=float)) & s.notna().to_numpy()
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise InputFileError(T.INFINITE_VALUE, row=row, column=str(col))


def check_excel_rows(df: pd.DataFrame, path: Path | str | None = None) -> None:
    """Refuse a table whose rows and header do not fit one sheet (1,048,576 rows)."""
    if len(df) + 1 > EXCEL_MAX_ROWS:
        raise SelectionError(T.EXCEL_TOO_MANY_ROWS.format(rows=fmt_int(len(df)), limit=fmt_int(EXCEL_MAX_ROWS)),
                             file=None if path is None else str(path))


def sheet_name(name: str, default: str = T.SHEET_DATA) -> str:
    """An Excel sheet name: no ``: * ? / \\`` or control characters, ``[ ]`` as ``( )``, at most 31."""
    text = _SHEET_BAD.sub("_", str(name if name is not None else "")).replace("[", "(").replace("]", ")")
    text = text.strip(" '")[:31].strip(" '")
    return text or default


def _safe(df: pd.DataFrame) -> pd.DataFrame:
    return clean_controls(neutralise(df))


# ---------------------------------------------------------------------------
# metadata
# ---------------------------------------------------------------------------

def metadata(df: pd.DataFrame) -> dict:
    """The table's attrs as JSON values (numpy numbers as numbers, tuples as lists, others as text)."""
    meta = {}
    for key, value in (df.attrs or {}).items():
        if isinstance(value, np.integer):
            value = int(value)
        elif isinstance(value, np.floating):
            value = float(value)
        elif isinstance(value, tuple):
            value = list(value)
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            value = str(value)
        meta[str(key)] = value
    return meta


def meta_path(path: Path | str) -> Path:
    """``<file>.meta.json`` next to ``path``."""
    path = Path(path)
    return path.with_name(path.name + ".meta.json")


# ---------------------------------------------------------------------------
# writers (all through fsutil.atomic_write)
# ---------------------------------------------------------------------------

def _on_error(path: Path) -> Callable[[OSError], WorkbookError]:
    return lambda exc: WorkbookError(T.WRITE_FAILED.format(error=exc.strerror or exc), file=str(path))


def csv_bytes(df: pd.DataFrame, form: CsvForm = EXCEL_DE) -> bytes:
    """The neutralised table as CSV bytes in ``form``."""
    buf = io.StringIO()
    _safe(df).to_csv(buf, sep=form.sep, decimal=form.decimal, index=False, lineterminator=form.lineterminator,
                     float_format=form.float_format)
    return buf.getvalue().encode(form.encoding)


def write_csv(df: pd.DataFrame, path: Path | str, form: CsvForm = EXCEL_DE) -> Path:
    """Write the neutralised table as CSV in ``form``, atomically."""
    path = Path(path)
    safe = _safe(df)

    def write(tmp: str) -> None:
        safe.to_csv(tmp, sep=form.sep, decimal=form.decimal, index=False, encoding=form.encoding,
                    lineterminator=form.lineterminator, float_format=form.float_format)
    return atomic_write(path, write, on_error=_on_error(path))


def _fill_xlsx(df: pd.DataFrame, target, sheet: str, meta: Mapping | None) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
    from openpyxl.worksheet.worksheet import Worksheet

    def clean(v):
        # XML (and so XLSX) cannot hold control characters: show them as U+FFFD
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v

    wb = Workbook()
    ws = cast(Worksheet, wb.active)  # a new Workbook starts with one (active) worksheet
    ws.title = sheet
    ws.append([clean(str(c)) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        values: list = []
        for v in row:
            if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
                values.append(None)
            elif isinstance(v, np.generic):
                values.append(clean(v.item()))
            else:
                values.append(clean(v))
        ws.append(values)
    # openpyxl reads any string starting with "=" as a formula: force text type, headers included
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    ws.freeze_panes = "A2"
    if meta is not None:
        ms = wb.create_sheet(T.SHEET_META)
        ms.append(list(T.META_HEADERS))
        for key, value in meta.items():
            ms.append([clean(str(_neutral_text(key))), clean(str(_neutral_text(json.dumps(value, ensure_ascii=False))))])
        for cells in ms.iter_rows():
            for cell in cells:
                cell.data_type = TYPE_STRING
    wb.save(target)


def xlsx_bytes(df: pd.DataFrame, sheet: str = T.SHEET_DATA, meta: Mapping | None = None) -> bytes:
    """The neutralised table as XLSX bytes (numbers stay numbers); ``meta``: a Metadaten sheet."""
    check_excel_rows(df)
    buf = io.BytesIO()
    _fill_xlsx(_safe(df), buf, sheet_name(sheet), meta)
    return buf.getvalue()


def write_xlsx(df: pd.DataFrame, path: Path | str, sheet: str = T.SHEET_DATA, meta: Mapping | None = None) -> Path:
    """Write the neutralised table as XLSX, atomically; ``meta``: a Metadaten sheet."""
    path = Path(path)
    check_excel_rows(df, path)
    safe = _safe(df)
    return atomic_write(path, lambda tmp: _fill_xlsx(safe, tmp, sheet_name(sheet), meta), on_error=_on_error(path))


def write_parquet(df: pd.DataFrame, path: Path | str) -> Path:
    """Write the neutralised table as Parquet (needs pyarrow), atomically."""
    path = Path(path)
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise SelectionError("writing .parquet needs the optional package pyarrow, which is not "
                             "installed; write .csv or .xlsx instead", file=str(path)) from None
    safe = neutralise(df)
    return atomic_write(path, lambda tmp: safe.to_parquet(tmp, index=False), on_error=_on_error(path))


def write_meta(df: pd.DataFrame, path: Path | str) -> Path:
    """Write the table's metadata into ``<path>.meta.json``, atomically; returns the sidecar's path."""
    side = meta_path(path)
    text = json.dumps(metadata(df), indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    return atomic_write(side, write, on_error=_on_error(side))


# ---------------------------------------------------------------------------
# the download form for people (dashboards, notebooks)
# ---------------------------------------------------------------------------

RESULT_COLUMNS = ("scenario", "ags", "indicator", "unit", "year", "value", "quantile")


def _text(col: pd.Series) -> pd.Series:
    return col.astype(str)


def for_people(df: pd.DataFrame, *, kreis_names: Mapping[str, str] | None = None,
               scenario_titles: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The table with German headers and labels (downloads for council and strategy users).

    A long result table gets its Kreis name, scenario title, indicator label
    (from the topic registry), a German unit and run label (Standardlauf, Median,
    ...), keeping the machine keys (AGS, indicator key) next to them; columns of
    the Kreis registry (``workbook.data.schema``) get their German label; other
    columns stay. Attrs are kept.
    """
    if not isinstance(df, pd.DataFrame):
        raise WorkbookError(T.NOT_A_TABLE.format(kind=type(df).__name__))
    if set(RESULT_COLUMNS) <= set(df.columns):
        from .texts.scenarios import QUANTILE_DE
        from .topics import indicators

        labels = {name: ind.label_de for name, ind in indicators().items()}
        scen = _text(df["scenario"])
        ags = _text(df["ags"])
        ind = _text(df["indicator"])
        cols: dict[str, pd.Series] = {T.RESULT_HEADERS_DE["scenario"]: scen}
        if scenario_titles:
            cols[T.RESULT_HEADERS_DE["scenario_title"]] = scen.map(lambda s: scenario_titles.get(s, ""))
        cols[T.RESULT_HEADERS_DE["ags"]] = ags
        if kreis_names:
            cols[T.RESULT_HEADERS_DE["kreis"]] = ags.map(lambda a: kreis_names.get(a, ""))
        cols[T.RESULT_HEADERS_DE["indicator_label"]] = ind.map(lambda i: labels.get(i, i))
        cols[T.RESULT_HEADERS_DE["indicator"]] = ind
        cols[T.RESULT_HEADERS_DE["unit"]] = _text(df["unit"]).map(lambda u: T.UNIT_DE.get(u, u))
        cols[T.RESULT_HEADERS_DE["year"]] = df["year"]
        cols[T.RESULT_HEADERS_DE["value"]] = df["value"]
        cols[T.RESULT_HEADERS_DE["quantile"]] = _text(df["quantile"]).map(lambda q: QUANTILE_DE.get(q, q))
        out = pd.DataFrame(cols, index=df.index).reset_index(drop=True)
    else:
        from .data.schema import COLUMNS

        out = df.rename(columns={c: COLUMNS[c].label_de for c in df.columns if c in COLUMNS}).copy(deep=False)
    out.attrs = dict(df.attrs)
    return out


def table_bytes(df: pd.DataFrame, fmt: str, *, sheet: str = T.SHEET_RESULTS) -> bytes:
    """A download: German Excel CSV, or XLSX with the table's metadata on a second sheet."""
    if fmt == "csv":
        check_finite(df)
        return csv_bytes(df, EXCEL_DE)
    if fmt == "xlsx":
        check_finite(df)
        return xlsx_bytes(df, sheet, metadata(df) if df.attrs else None)
    raise SelectionError(T.FORMAT_UNSUPPORTED.format(fmt=fmt), key="fmt")
