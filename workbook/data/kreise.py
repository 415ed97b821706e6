"""The Kreise table as the workbook uses it: the base table with the user's overlay applied.

    load_kreise(local=True)   401 Kreise sorted by ``ags``; a fresh copy each call
    kreise_version(local)     what that table depends on (file signatures): a cheap cache key
    shared_kreise()           the very table load_kreise copies (read only), recognised by identity
    kept_for_shared(...)      a value derived from that table, kept while it is the same object
    value_status(ags)         {column: "fact" | "estimate" | "local"} for one Kreis
    column_status(df)         {column: status} for the Kreise of a table
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from ..snapshot import memo
from .base import base_kreise, base_signature, find_kreis
from .files import cached, data_hash, signature
from .overlay import apply_overlay, load_overlay, overlay_path
from .schema import COLUMNS, KEY

T = TypeVar("T")


def load_kreise(local: bool = True) -> pd.DataFrame:
    """The 401 Kreise, validated, sorted by ``ags``; a fresh copy each call.

    With ``local=True`` the user's imported overlay replaces the values it
    covers; ``df.attrs["local"]`` then maps column -> sorted AGS list of local values.
    """
    return _table(local).copy()


def shared_kreise() -> pd.DataFrame:
    """The very table :func:`load_kreise` copies (overlay applied), shared by every caller: read
    it, never change it. Callers that keep something derived from a place's row (the engine's
    selection, ``data.places.gemeinde_inputs``) recognise it by identity."""
    return _table(True)


#: per name: (the shared table a value was derived from, the caller's key, the value); one entry each
_KEPT: dict[str, tuple] = {}


def kept_for_shared(name: str, table: pd.DataFrame, key, build: Callable[[], T]) -> T:
    """``build()``, kept under ``name`` while ``table`` is the same object (the table of
    :func:`shared_kreise` is replaced when a file or the overlay changes, and what was derived
    from it with it) and ``key`` is equal: one entry per name, for values a caller derives from
    the whole shared table on every report (the engine's plan hash, the models' pooling groups)."""
    hit = _KEPT.get(name)
    if hit is not None and hit[0] is table and hit[1] == key:
        return hit[2]
    value = build()
    _KEPT[name] = (table, key, value)
    return value


def kept_value(name: str):
    """The value :func:`kept_for_shared` holds under ``name`` now, or None."""
    hit = _KEPT.get(name)
    return None if hit is None else hit[2]


def _table(local: bool) -> pd.DataFrame:
    """The cached table behind :func:`load_kreise` (shared: never hand it out to be changed)."""
    return cached(f"kreise:local={bool(local)}", kreise_version(local), lambda: _build(local))


def kreise_version(local: bool = True) -> tuple:
    """What :func:`load_kreise` returns depends on: the signatures (path, mtime, size) of the shipped
    table, its sources record and, with ``local``, the user's overlay. Two stat calls: callers
    that keep something derived from the table per place use it as their cache key instead of
    building the table."""
    return memo(("kreise_version", bool(local)),
                lambda: (base_signature(), signature(overlay_path()) if local else None))


def _build(local: bool) -> pd.DataFrame:
    df = base_kreise().copy()
    local_cells: dict[str, set[str]] = {}
    if local:
        local_cells = apply_overlay(df, load_overlay())
    df.attrs["data_hash"] = data_hash()
    df.attrs["local"] = {c: sorted(v) for c, v in sorted(local_cells.items())}
    return df


def value_status(ags: str, *, local: bool = True) -> dict[str, str]:
    """{column: "fact" | "estimate" | "local"} for one Kreis."""
    code = find_kreis(ags)
    status = {name: col.status for name, col in COLUMNS.items()}
    if local:
        for column, codes in _table(True).attrs["local"].items():
            if code in codes:
                status[column] = "local"
    return status


def column_status(df: pd.DataFrame) -> dict[str, str]:
    """{column: status} for the Kreise in df: "local" where any of them carries a local value."""
    local = df.attrs.get("local")
    if local is None:
        local = load_kreise(local=True).attrs["local"]
    present = set(df[KEY]) if KEY in df.columns else set()
    out = {}
    for name in df.columns:
        if name not in COLUMNS:
            continue
        out[name] = "local" if present & set(local.get(name, ())) else COLUMNS[name].status
    return out
