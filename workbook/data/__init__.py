"""The data layer: the shipped base data, the user's overlay, and the import of a user's file.

Modules, each with one concern (each imports only modules above it in this list):

    schema     the column registry (name, dtype, unit, label_de, source, status, range)
    files      locations of the shipped files, sha256 checks against sources.yml, the parse cache
    base       the shipped base tables: Kreise, boundaries, Länder, neighbours, age, broadband,
               Gemeinden (table, boundaries per Land, neighbours, successors of old keys);
               find_kreis, rural_weight
    overlay    the user's overlays (Kreise, Gemeinden): read, validate, apply; the one writer (lock, merge, reset)
    kreise     load_kreise(): the base table with the overlay applied; value and column status
    check      the summary of ``workbook data check``
    cells      one cell of an import file: missing markers, numbers, keys, totals
    readers    an import file into rows: CSV or XLSX, size limits, encodings
    inkar      header names: registry labels, key and info headers, INKAR indicators
    importer   read_import() / import_file(): a file checked completely, then merged into the overlay

The public names below are the ones the rest of the workbook uses; the import's names
(``import_file``, ``read_import``, ``parse_map``, ``ImportResult``) load ``importer`` on first use.
"""

from __future__ import annotations

from .base import (
    base_kreise,
    estimated_columns,
    find_kreis,
    load_boundaries,
    load_broadband_history,
    load_gemeinde_boundaries,
    load_gemeinde_neighbours,
    load_gemeinde_successors,
    load_gemeinden,
    load_kreise_age,
    load_laender,
    load_neighbours,
    rural_weight,
)
from .check import check_summary
from .files import clear_cache, data_dir, data_hash, load_sources, verify_hashes
from .kreise import column_status, kreise_version, load_kreise, value_status
from .overlay import (
    OVERLAY_COLUMNS,
    load_gemeinde_overlay,
    load_overlay,
    local_dir,
    overlay_path,
    reset_gemeinde_overlay,
    reset_overlay,
)

__all__ = [
    "OVERLAY_COLUMNS", "base_kreise", "check_summary", "clear_cache", "column_status",
    "data_dir", "data_hash", "estimated_columns", "find_kreis", "load_boundaries",
    "load_broadband_history", "load_gemeinde_boundaries", "load_gemeinde_neighbours", "load_gemeinde_overlay",
    "kreise_version", "load_gemeinde_successors", "load_gemeinden", "load_kreise", "load_kreise_age",
    "load_laender",
    "load_neighbours", "load_overlay", "load_sources", "local_dir", "overlay_path",
    "reset_gemeinde_overlay", "reset_overlay", "rural_weight", "value_status", "verify_hashes",
]

_IMPORTER_NAMES = ("ImportResult", "import_file", "parse_map", "read_import")


def __getattr__(name: str):
    if name in _IMPORTER_NAMES:
        from . import importer

        return getattr(importer, name)
    raise AttributeError(f"module 'workbook.data' has no attribute {name!r}")
