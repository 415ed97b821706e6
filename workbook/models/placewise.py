"""Sums over a short axis computed place by place, so a place's numbers never depend on which
other places share its engine run.

A matrix product ``a @ w.T`` of (M, J) runs by (K, J) places goes to BLAS, which blocks and
orders its sums by the shape of the whole product: the same place got results that differed in
the last bits of float32 when it ran alone (K = 1) or with others (the batch's blocks, a Land's
peer group, the national map). ``dot_by_place`` makes one matrix-vector product per place
instead; each uses the same (M, J) matrix and that place's row of ``w`` alone, so its result is
the same whatever K is (``tests/test_engine_blocks.py``).
"""

from __future__ import annotations

import numpy as np


def dot_by_place(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``a @ w.T`` for ``a`` (M, J) and ``w`` (K, J), one place (row of ``w``) at a time: (M, K),
    C-contiguous, in the common dtype of both."""
    a = np.ascontiguousarray(a)
    w = np.asarray(w)
    dtype = np.result_type(a, w)
    a = a.astype(dtype, copy=False)
    w = np.ascontiguousarray(w, dtype=dtype)
    out = np.empty((w.shape[0], a.shape[0]), dtype=dtype)
    for k in range(w.shape[0]):
        np.matmul(a, w[k], out=out[k])
    return np.ascontiguousarray(out.T)
