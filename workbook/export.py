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

import math
import re
import unicodedata
from collections.abc import Mapping
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
    "download_stem",
    "export_chart",
    "export_table",
    "for_file",
    "neutralise",
    "safe_filename",
    "slider_step",
    "step_value",
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


def download_stem(ags: str, place: str, topic: str) -> str:
    """``<ags>_<place>_<topic>`` as a lowercase ASCII slug: a download's file name names the
    Kreis and the page in words, never an internal class name."""
    from .batch.naming import safe_slug

    return "_".join(part for part in (safe_slug(str(ags)), safe_slug(place), safe_slug(topic)) if part)


def slider_step(record) -> float:
    """The step of a lever's slider: the record's ``step``, else a hundredth of its range
    (the rule of ``workbook.widgets``)."""
    lo, hi = float(record.min), float(record.max)
    return float(record.step or ((hi - lo) / 100 if hi > lo else 1.0))


def _decimals(x: float) -> int:
    text = f"{abs(x):.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def step_value(record, value: float) -> float:
    """A slider's value as a file should hold it: on the slider's grid (min + k x step), rounded
    to the step's decimals, so 0.22999999999999998 is written as 0.23. The record's min, max and
    default come back exactly."""
    value = float(value)
    lo, hi = float(record.min), float(record.max)
    step = slider_step(record)
    for exact in (float(record.default), lo, hi):
        if math.isclose(value, exact, rel_tol=1e-9, abs_tol=step * 1e-6):
            return exact
    k = round((value - lo) / step)
    snapped = round(lo + k * step, max(_decimals(step), _decimals(lo)))
    return min(max(snapped, lo), hi)


# ---------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------

_VIEW_LISTS = ("vconcat", "hconcat", "concat", "layer")


def _file_title(title, hints: set[str], place: str | None):
    """A title without the hints, with ``place`` in its first line (None: no title left)."""
    title = dict(title) if isinstance(title, Mapping) else ({"text": title} if title else {})
    sub = title.get("subtitle")
    if isinstance(sub, list):
        kept = [line for line in sub if line not in hints]
        title["subtitle"] = kept[0] if len(kept) == 1 else kept
        if not kept:
            del title["subtitle"]
    elif sub in hints:
        del title["subtitle"]
    if place:
        text = title.get("text") or ""
        first = text[0] if isinstance(text, list) and text else text
        if place not in str(first):
            named = f"{first} – {place}" if first else place
            title["text"] = [named, *text[1:]] if isinstance(text, list) and text else named
    return title or None


def for_file(spec: dict, place: str | None = None) -> dict:
    """A chart spec for a file: ``place`` (the Kreis) in its first title, and no hint about
    clicking on the legend in any title (a file is not interactive). Compound charts
    (concat, layer) are walked; the given spec is not changed (only the path to a changed
    title is copied)."""
    from .texts import charts as TC

    hints = {TC.FAN_SELECT_HINT}
    state = {"place": place}

    def walk(view: Mapping) -> dict:
        out = dict(view)
        if "title" in out or (state["place"] and view is spec and not any(k in out for k in _VIEW_LISTS)):
            title = _file_title(out.get("title"), hints, state["place"])
            state["place"] = None
            if title is None:
                out.pop("title", None)
            else:
                out["title"] = title
        for key in _VIEW_LISTS:
            if isinstance(out.get(key), list):
                out[key] = [walk(v) if isinstance(v, Mapping) else v for v in out[key]]
        if isinstance(out.get("spec"), Mapping):
            out["spec"] = walk(out["spec"])
        return out

    out = walk(spec)
    if state["place"]:                   # no title anywhere: the place becomes the title
        out["title"] = {"text": state["place"]}
    return out


def chart_bytes(chart, fmt: str, *, scale: float = 2.0, place: str | None = None) -> bytes:
    """The chart rendered as PNG, SVG or PDF bytes (vl-convert, offline); ``place`` names the
    Kreis in the title and drops the legend-click hint (``for_file``)."""
    from .display import chart_spec, to_svg
    from .fonts import converter

    vlc = converter()

    fmt = _check_format(fmt, CHART_FORMATS)
    if not (isinstance(scale, (int, float)) and not isinstance(scale, bool) and 0.25 <= scale <= 8):
        raise SelectionError(f"Skalierung muss zwischen 0,25 und 8 liegen, nicht {scale!r}", key="scale")
    spec = for_file(chart_spec(chart), place)
    if fmt == "svg":
        return to_svg(spec).encode("utf-8")
    try:
        if fmt == "png":
            return bytes(vlc.vegalite_to_png(spec, scale=float(scale), allowed_base_urls=[]))
        return bytes(vlc.vegalite_to_pdf(spec, allowed_base_urls=[]))
    except Exception as exc:  # noqa: BLE001 - vl-convert raises plain exceptions
        raise WorkbookError(f"Diagramm konnte nicht exportiert werden: {str(exc).splitlines()[0]}") from None


def export_chart(chart, directory, name: str, fmt: str = "png", *, scale: float = 2.0,
                 place: str | None = None) -> Path:
    """Write the chart to ``directory/<name>.<fmt>`` (png, svg, pdf); returns the path."""
    fmt = _check_format(fmt, CHART_FORMATS)
    path = target_path(directory, name, fmt)
    data = chart_bytes(chart, fmt, scale=scale, place=place)
    return atomic_write(path, data, fsync=True, on_error=lambda exc:
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
