"""Exports from a notebook or dashboard: charts and result tables as files.

- ``export_chart(chart, directory, name, fmt)``: PNG, SVG or PDF (vl-convert,
  no data loaded from URLs).
- ``export_table(df, directory, name, fmt)``: CSV (UTF-8 with BOM; German
  Excel form with ``;`` and decimal comma by default) or XLSX (openpyxl).
  Text cells (and headers) that a spreadsheet would run as a formula (starting
  with = + - @, tab or carriage return) get a leading apostrophe; control
  characters (NUL ...) become U+FFFD. A result
  table's attrs (seed, draws, hashes) go into a ``<file>.meta.json`` sidecar.

Every file is written to a temporary file in the target folder and moved into
place with ``os.replace``: a failed export leaves no half-written file and
does not touch an existing one. File names are sanitised (no path parts, no
NUL or control characters, no reserved Windows names, at most 120 bytes) and
never leave the chosen folder.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputFileError, SelectionError, WorkbookError
from .fsutil import atomic_write

__all__ = [
    "CHART_FORMATS", "TABLE_FORMATS", "FORMULA_START", "safe_filename", "target_path", "neutralise",
    "export_chart", "export_table", "chart_bytes", "atomic_write_bytes",
]

CHART_FORMATS = ("png", "svg", "pdf")
TABLE_FORMATS = ("csv", "xlsx")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_NAME_BYTES = 120
EXCEL_MAX_ROWS = 1_048_576
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


# ---------------------------------------------------------------------------
# names and atomic writes
# ---------------------------------------------------------------------------

def safe_filename(name: str, default: str = "export", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name that is safe on Linux, macOS and Windows, from any text.

    Path separators, NUL/control characters and characters Windows forbids
    become '_'; '..' sequences and leading dots or dashes go; reserved device
    names (CON, NUL, COM1, ...) get a '_' suffix; the result is cut to
    ``max_bytes`` UTF-8 bytes (keeping the extension). Umlauts stay.
    """
    text = unicodedata.normalize("NFC", str(name if name is not None else ""))
    text = _BAD_CHARS.sub("_", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"\s+", " ", text).strip(" .-_")
    if not text:
        text = default
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext) > 8 or not re.fullmatch(r"[A-Za-z0-9]+", ext):
        stem, ext = text, ""
    if stem.split(".")[0].upper() in _RESERVED:
        stem = stem + "_"
    suffix = f".{ext}" if ext else ""
    budget = max_bytes - len(suffix.encode("utf-8"))
    raw = stem.encode("utf-8")[:max(budget, 1)]
    stem = raw.decode("utf-8", errors="ignore").rstrip(" .") or default
    return stem + suffix


def target_path(directory, name: str, fmt: str) -> Path:
    """``directory/<safe name>.<fmt>``, guaranteed inside ``directory``."""
    if directory is None:
        raise SelectionError("Exportordner fehlt", key="directory")
    folder = Path(directory)
    if not folder.is_dir():
        raise SelectionError("Exportordner existiert nicht", file=str(folder))
    base = safe_filename(name)
    stem = base[: -(len(fmt) + 1)] if base.lower().endswith("." + fmt) else base
    stem = safe_filename(stem, max_bytes=MAX_NAME_BYTES - len(fmt) - 1)
    path = folder / f"{stem}.{fmt}"
    root = folder.resolve()
    if path.resolve().parent != root:  # defence in depth: never outside the folder
        raise SelectionError(f"Dateiname {name!r} führt aus dem Exportordner heraus", file=str(folder))
    return path


def _atomic(path: Path, writer, **kwargs) -> Path:
    return atomic_write(path, writer, prefix=f".{path.stem[:40]}.", suffix=".part", **kwargs, on_error=lambda exc:
                        WorkbookError(f"Datei konnte nicht geschrieben werden: {exc.strerror or exc}", file=str(path)))


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace`` (flushed to disk)."""
    return _atomic(Path(path), lambda tmp: Path(tmp).write_bytes(data), fsync=True)


# ---------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------

def chart_bytes(chart, fmt: str, *, scale: float = 2.0) -> bytes:
    """The chart rendered as PNG, SVG or PDF bytes (vl-convert, offline)."""
    import vl_convert as vlc

    from .render import chart_spec, to_svg

    fmt = _check_format(fmt, CHART_FORMATS)
    if not (isinstance(scale, (int, float)) and not isinstance(scale, bool) and 0.25 <= scale <= 8):
        raise SelectionError(f"Skalierung muss zwischen 0,25 und 8 liegen, nicht {scale!r}", key="scale")
    if fmt == "svg":
        return to_svg(chart).encode("utf-8")
    spec = chart_spec(chart)
    try:
        if fmt == "png":
            return bytes(vlc.vegalite_to_png(spec, scale=float(scale), allowed_base_urls=[]))
        return bytes(vlc.vegalite_to_pdf(spec, allowed_base_urls=[]))
    except Exception as exc:  # noqa: BLE001 - vl-convert raises plain exceptions
        raise WorkbookError(f"Diagramm konnte nicht exportiert werden: {str(exc).splitlines()[0]}") from None


def export_chart(chart, directory, name: str, fmt: str = "png", *, scale: float = 2.0) -> Path:
    """Write the chart to ``directory/<name>.<fmt>`` (png, svg, pdf); returns the path."""
    fmt = _check_format(fmt, CHART_FORMATS)
    path = target_path(directory, name, fmt)
    data = chart_bytes(chart, fmt, scale=scale)
    return atomic_write_bytes(path, data)


def _check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    f = str(fmt).lower().lstrip(".")
    if f not in allowed:
        raise SelectionError(f"Format {fmt!r} nicht unterstützt (erwartet: {', '.join(allowed)})", key="fmt")
    return f


# ---------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------

def _neutral_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell or header starts like a formula.

    Numbers stay numbers (a negative number is not a formula); text that
    starts with = + - @, tab or CR gets a leading apostrophe.
    """
    if not isinstance(df, pd.DataFrame):
        raise WorkbookError(f"Export: erwartet eine Tabelle (pandas.DataFrame), erhalten {type(df).__name__}")
    out = df.copy()
    out.columns = [_neutral_text(str(c)) for c in out.columns]
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):  # engine tables keep text columns as categories
            s = s.astype(object)
        if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            out[col] = s.map(_neutral_text).astype(object)
    out.attrs = dict(df.attrs)
    return out


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean_controls(df: pd.DataFrame) -> pd.DataFrame:
    """Control characters (other than tab and line breaks) shown as U+FFFD:
    XLSX cannot hold them, and in a CSV a NUL cuts the cell in many tools."""
    def clean(v):
        return _CONTROL_RE.sub("\ufffd", v) if isinstance(v, str) else v
    out = df.copy()
    out.columns = [clean(str(c)) for c in out.columns]
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]):
            out[col] = out[col].map(clean)
    out.attrs = dict(df.attrs)
    return out


def _meta(df: pd.DataFrame) -> dict:
    try:
        from .results import metadata

        meta = metadata(df)
    except Exception:  # noqa: BLE001 - not a result table: its attrs as far as JSON can hold them
        meta = {}
        for key, value in (df.attrs or {}).items():
            if isinstance(value, (np.integer,)):
                value = int(value)
            elif isinstance(value, (np.floating,)):
                value = float(value)
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                value = str(value)
            meta[str(key)] = value
    return meta


def _check_finite(df: pd.DataFrame) -> None:
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_float_dtype(s):
            bad = ~np.isfinite(s.to_numpy(dtype=float)) & s.notna().to_numpy()
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise InputFileError("unendlicher Wert kann nicht exportiert werden", row=row, column=str(col))


def export_table(df: pd.DataFrame, directory, name: str, fmt: str = "csv", *, german: bool = True,
                 sheet: str = "Ergebnisse", meta: bool | None = None) -> Path:
    """Write a table to ``directory/<name>.<fmt>`` (csv or xlsx); returns the path.

    CSV is UTF-8 with BOM (Excel recognises the encoding); ``german=True``
    writes ``;`` as separator and a decimal comma, ``german=False`` the
    machine form (``,`` and decimal point). XLSX keeps numbers as numbers.
    ``meta`` (default: when the table has attrs) writes ``<file>.meta.json``.
    """
    fmt = _check_format(fmt, TABLE_FORMATS)
    if not isinstance(german, bool):
        raise SelectionError(f"german muss True oder False sein, nicht {german!r}", key="german")
    path = target_path(directory, name, fmt)
    safe = _clean_controls(neutralise(df))
    _check_finite(safe)
    if fmt == "csv":
        sep, dec = (";", ",") if german else (",", ".")

        def write(tmp):
            safe.to_csv(tmp, sep=sep, decimal=dec, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        _atomic(path, write)
    else:
        if len(safe) + 1 > EXCEL_MAX_ROWS:
            raise SelectionError(f"{len(safe)} Zeilen passen nicht in ein Excel-Blatt (höchstens "
                                 f"{EXCEL_MAX_ROWS - 1}); bitte als CSV exportieren", file=str(path))
        sheet_name = safe_filename(sheet, default="Daten")[:31].replace("[", "(").replace("]", ")")
        _atomic(path, lambda tmp: _write_xlsx(safe, tmp, sheet_name))
    want_meta = bool(df.attrs) if meta is None else bool(meta)
    if want_meta:
        text = json.dumps(_meta(df), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        atomic_write_bytes(path.with_name(path.name + ".meta.json"), text.encode("utf-8"))
    return path


def _write_xlsx(df: pd.DataFrame, tmp: str, sheet_name: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING

    def clean(v):
        # XML (and so XLSX) cannot hold control characters: show them as U+FFFD
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet_name
    ws.append([clean(str(c)) for c in df.columns])
    for cell in ws[1]:
        cell.data_type = TYPE_STRING
    for row in df.itertuples(index=False, name=None):
        values = []
        for v in row:
            if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
                values.append(None)
            elif isinstance(v, np.generic):
                values.append(clean(v.item()))
            else:
                values.append(clean(v))
        ws.append(values)
    # openpyxl reads any string starting with "=" as a formula: force text type
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    ws.freeze_panes = "A2"
    wb.save(tmp)
