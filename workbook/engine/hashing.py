"""Row hashes of a table, equal to ``pandas.util.hash_pandas_object(df, index=False)``, by dtype block.

pandas hashes a table column by column (one ``hash_array`` call per column, for a text column
a dictionary encoding first) and combines the column hashes row-wise like CPython's tuple hash.
Each element's hash depends on that element alone (a float by its canonical bits, an integer
by its bits, a text by the SipHash of its UTF-8 bytes; a missing text is the largest uint64),
so the cells of all float64, all int64 and all Arrow-text columns are hashed with one
``hash_array`` call per kind: the same values as pandas', without the per-column overhead that
dominates a table of one row and ninety columns (0.2 ms per text column). Other dtypes go
through pandas column by column. ``tests/test_engine.py`` checks the equality on tables of every
kind the workbook makes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_MISSING_TEXT = np.iinfo(np.uint64).max


def _kind(dtype) -> str | None:
    if isinstance(dtype, np.dtype) and dtype in (np.float64, np.int64):
        return dtype.str
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return "text"
    return None


def _text_hashes(cells: np.ndarray) -> np.ndarray:
    """Hashes of Arrow-text cells (str, or NaN where missing), as pandas' dictionary-encoded path makes them."""
    missing = pd.isna(cells)
    out = np.full(cells.shape, _MISSING_TEXT, dtype=np.uint64)
    if not missing.all():
        out[~missing] = pd.util.hash_array(cells[~missing], categorize=False)
    return out


def column_hashes(df: pd.DataFrame) -> list[np.ndarray]:
    """The hash of every column of ``df`` (``hash_array`` of its values), in column order."""
    n_rows = len(df)
    kinds: dict[str | None, list[int]] = {}
    for i, dtype in enumerate(df.dtypes.tolist()):
        kinds.setdefault(_kind(dtype), []).append(i)
    out: list[np.ndarray] = [np.empty(0, dtype=np.uint64)] * df.shape[1]
    # one conversion of the whole table (selecting blocks of columns costs more): a float64 or
    # int64 cell becomes a Python float or int and back without loss, a text cell a str or NaN
    cells = df.to_numpy(dtype=object) if set(kinds) - {None} else None
    for kind, positions in kinds.items():
        if kind is None:
            for i in positions:
                out[i] = pd.util.hash_pandas_object(df.iloc[:, i], index=False).to_numpy()
            continue
        assert cells is not None
        values = cells[:, positions].T.reshape(-1)
        hashes = _text_hashes(values) if kind == "text" else pd.util.hash_array(values.astype(np.dtype(kind)))
        hashes = hashes.reshape(len(positions), n_rows)
        for row, i in enumerate(positions):
            out[i] = hashes[row]
    return out


def row_hashes(df: pd.DataFrame) -> np.ndarray:
    """``pandas.util.hash_pandas_object(df, index=False).to_numpy()`` (uint64 per row)."""
    columns = column_hashes(df)
    if not columns:
        return np.full(len(df), 0x345678 + 97531, dtype=np.uint64)
    # pandas' combine_hash_arrays (CPython's tuple hash), column by column
    mult = np.uint64(1000003)
    out = np.zeros_like(columns[0]) + np.uint64(0x345678)
    for i, h in enumerate(columns):
        inverse_i = len(columns) - i
        out ^= h
        out *= mult
        mult += np.uint64(82520 + inverse_i + inverse_i)
    out += np.uint64(97531)
    return out
