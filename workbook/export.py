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

import re
import unicodedata
from pathlib import Path

import pandas as pd

from . import tables
from .errors import SelectionError, WorkbookError
from .fsutil import atomic_write
from .texts import tables as TT

__all__ = [
    "CHART_FORMATS",
    "FORMULA_START",
    "TABLE_FORMATS",
    "chart_bytes",
    "export_chart",
    "export_table",
    "neutralise",
    "safe_filename",
    "target_path",
]

CHART_FORMATS = ("png", "svg", "pdf")
TABLE_FORMATS = ("csv", "xlsx")
FORMULA_START = tables.FORMULA_START
MAX_NAME_BYTES = 120
EXCEL_MAX_ROWS = tables.EXCEL_MAX_ROWS
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


# ---------------------------------------------------------------------------
# names
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
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data), fsync=True, on_error=lambda exc:
                        WorkbookError(TT.WRITE_FAILED.format(error=exc.strerror or exc), file=str(path)))


def _check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    f = str(fmt).lower().lstrip(".")
    if f not in allowed:
        raise SelectionError(f"Format {fmt!r} nicht unterstützt (erwartet: {', '.join(allowed)})", key="fmt")
    return f


# ---------------------------------------------------------------------------
# tables (workbook.tables: the one table export)
# ---------------------------------------------------------------------------

neutralise = tables.neutralise


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
    if not isinstance(df, pd.DataFrame):
        raise WorkbookError(TT.NOT_A_TABLE.format(kind=type(df).__name__))
    tables.check_finite(df)
    if fmt == "csv":
        tables.write_csv(df, path, tables.EXCEL_DE if german else tables.EXCEL_INT)
    else:
        tables.write_xlsx(df, path, sheet=safe_filename(sheet, default="Daten"))
    if bool(df.attrs) if meta is None else bool(meta):
        tables.write_meta(df, path)
    return path
