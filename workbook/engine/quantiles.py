"""Exact order statistics: the draws of every indicator reduced to default, p5 .. p95.

Linear interpolation between order statistics (numpy's default quantile method)
with a reused per-thread scratch block; 513..1,024 draws are sorted as two halves
(SIMD sorting network) and the ranks picked from the two sorted halves.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

import numpy as np

from ..results import QUANTILES

_Q_PROBS = np.array(list(QUANTILES.values()))
# np.sort sorts up to 512 float32/float64 values with one SIMD sorting network (x86-simd-sort);
# longer rows go through its partitioning and cost 3-4x more per value. So 513..1024 draws are
# sorted as two halves and the order statistics picked from the two sorted halves.
_NETWORK_MAX = 512
# Scratch block of one reduction batch (draws x columns); reused per thread.
_BATCH_BYTES = 16 * 2**20
_SCRATCH = threading.local()


def _ranks(draws: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order statistics (0-based) below and above each quantile, and the interpolation weight."""
    pos = _Q_PROBS * (draws - 1)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, draws - 1)
    return lo, hi, pos - lo


def _select_two(a_blk: np.ndarray, b_blk: np.ndarray, ranks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values of rank r and r + 1 (0-based) of the union of two column-wise sorted blocks.

    ``a_blk`` (a, M) and ``b_blk`` (b, M) are C-contiguous and sorted along axis 0, ``ranks``
    (R,) lie in [0, a + b - 2]. For each rank a binary search (vectorised over ranks and
    columns) finds how many of the r + 1 smallest values come from ``a_blk``: the first
    m with a[m] >= b[r - m]. Returns two (R, M) arrays.
    """
    a, m = a_blk.shape
    b = b_blk.shape[0]
    af, bf = a_blk.reshape(-1), b_blk.reshape(-1)
    idx = np.int32 if (a + b) * m < 2**31 - 1 else np.intp      # flat indices: int32 halves the traffic
    r = np.asarray(ranks, dtype=idx)[:, None]
    lo0 = np.maximum(r + 1 - b, 0)                     # fewest values that can come from a_blk
    last = np.minimum(r + 1, a) - 1                    # largest index m still to test
    col = np.arange(m, dtype=idx)[None, :]
    rcol = r * m + col                                 # flat index of b[r] per column
    taken = np.repeat(lo0, m, axis=1)                  # (R, M): values taken from a_blk
    span = int((last + 1 - lo0).max())
    step = 1 << max(span.bit_length() - 1, 0)
    cand, ia, ib = np.empty_like(taken), np.empty_like(taken), np.empty_like(taken)
    av, bv = np.empty(taken.shape, dtype=a_blk.dtype), np.empty(taken.shape, dtype=b_blk.dtype)
    ok, more = np.empty(taken.shape, dtype=bool), np.empty(taken.shape, dtype=bool)
    while step:
        np.add(taken, step - 1, out=cand)
        np.less_equal(cand, last, out=ok)
        np.minimum(cand, last, out=cand)
        cand *= m
        np.add(cand, col, out=ia)
        np.subtract(rcol, cand, out=ib)
        np.take(af, ia, out=av)
        np.take(bf, ib, out=bv)
        np.less(av, bv, out=more)
        more &= ok
        np.add(taken, step, out=taken, where=more)
        step >>= 1
    rest = r + 1 - taken                               # values taken from b_blk
    lowest = np.array(-np.inf, dtype=a_blk.dtype)
    highest = np.array(np.inf, dtype=a_blk.dtype)
    a_prev = np.where(taken > 0, af.take(np.maximum(taken - 1, 0) * m + col), lowest)
    b_prev = np.where(rest > 0, bf.take(np.maximum(rest - 1, 0) * m + col), lowest)
    a_next = np.where(taken < a, af.take(np.minimum(taken, a - 1) * m + col), highest)
    b_next = np.where(rest < b, bf.take(np.minimum(rest, b - 1) * m + col), highest)
    return np.maximum(a_prev, b_prev), np.minimum(a_next, b_next)


def order_quantiles(work: np.ndarray) -> np.ndarray:
    """Quantiles p5 .. p95 of every column of ``work`` (D, M): float64 (5, M).

    Linear interpolation between order statistics, numpy's default method
    (``numpy.quantile(..., method="linear")``), with the same arithmetic as before, so the
    values are identical. ``work`` must be C-contiguous; it is scratch and gets reordered.
    NaN sorts last as in numpy.
    """
    d = work.shape[0]
    lo, hi, frac = _ranks(d)
    f = frac[:, None]
    if _NETWORK_MAX < d <= 2 * _NETWORK_MAX:
        h = d // 2
        a_blk, b_blk = work[:h], work[h:]
        a_blk.sort(axis=0)
        b_blk.sort(axis=0)
        if not (np.isnan(a_blk[-1]).any() or np.isnan(b_blk[-1]).any()):
            low, nxt = _select_two(a_blk, b_blk, lo)
            high = np.where((hi > lo)[:, None], nxt, low)
            return low.astype(np.float64) * (1.0 - f) + high.astype(np.float64) * f
    work.sort(axis=0)
    return work[lo].astype(np.float64) * (1.0 - f) + work[hi].astype(np.float64) * f


def _scratch(rows: int, cols: int, dtype) -> np.ndarray:
    """A C-contiguous (rows, width) block of a per-thread buffer (no fresh pages per batch),
    width >= cols with the columns past ``cols`` zeroed.

    The row length is padded to an odd number of 64-byte cache lines: the sort runs down
    the columns, and a row length of a multiple of 4 KB would put a whole column into one
    cache set (measured: 1,024 columns sort 5x slower than 1,000 or 1,040).
    """
    dtype = np.dtype(dtype)
    per_line = max(1, 64 // dtype.itemsize)
    lines = -(-cols // per_line)
    width = (lines + (1 - lines % 2)) * per_line
    buffers = getattr(_SCRATCH, "buffers", None)
    if buffers is None:
        buffers = _SCRATCH.buffers = {}
    need = rows * width
    buf = buffers.get(dtype.str)
    if buf is None or buf.size < need:
        buf = buffers[dtype.str] = np.empty(need, dtype=dtype)
    block = buf[:need].reshape(rows, width)
    block[:, cols:] = 0
    return block


def reduce_runs(arrays: Mapping[str, np.ndarray], groups: int = 1) -> list[dict[str, np.ndarray]]:
    """Reduce stacked runs to quantiles: ``arrays`` maps names to (groups x N, K, T) arrays in
    which each group's N runs are run 0 (the default) and N - 1 draws. Returns, per group,
    {name: (1 + 5, K, T) float64} with rows default, p5, p25, p50, p75, p95.

    Axes a model broadcast (stride 0: constant over runs, Kreise or years) are reduced once.
    All distinct draw columns of all names and groups go through a few batched reductions
    (``order_quantiles``) in a reused scratch block.
    """
    out: list[dict[str, np.ndarray]] = [{} for _ in range(groups)]
    pending: dict[str, list] = {}
    n = draws = 0
    for name, arr in arrays.items():
        arr = np.asarray(arr)
        total, k, t = arr.shape
        if total % groups:
            raise ValueError(f"{name}: {total} runs do not split into {groups} groups")
        n = total // groups
        draws = n - 1
        k_slice = slice(0, 1) if arr.strides[1] == 0 else slice(None)
        t_slice = slice(0, 1) if arr.strides[2] == 0 else slice(None)
        for g in range(groups):
            res = np.empty((1 + len(_Q_PROBS), k, t))
            res[0] = arr[g * n]
            out[g][name] = res
            if draws <= 0:
                res[1:] = np.nan
            elif arr.strides[0] == 0:          # broadcast over runs: every draw equals the default
                res[1:] = arr[g * n]
            else:
                block = arr[g * n + 1:(g + 1) * n, k_slice, t_slice]
                dtype = block.dtype if block.dtype in (np.float32, np.float64) else np.float64
                pending.setdefault(np.dtype(dtype).str, []).append((res, block))
    for dtype_str, items in pending.items():
        itemsize = np.dtype(dtype_str).itemsize
        budget = max(1, _BATCH_BYTES // (draws * itemsize))
        start = 0
        while start < len(items):
            cols, stop = 0, start
            while stop < len(items) and (stop == start or cols + items[stop][1][0].size <= budget):
                cols += items[stop][1][0].size
                stop += 1
            work = _scratch(draws, cols, dtype_str)
            c = 0
            for _res, block in items[start:stop]:
                m = block[0].size
                np.copyto(work[:, c:c + m].reshape(block.shape), block, casting="unsafe")
                c += m
            q = order_quantiles(work)[:, :cols]
            c = 0
            for res, block in items[start:stop]:
                m = block[0].size
                res[1:] = q[:, c:c + m].reshape((len(_Q_PROBS), *block.shape[1:]))
                c += m
            start = stop
    return out


def reduce_draws(arr: np.ndarray) -> np.ndarray:
    """(N, K, T) with run 0 = default -> (1 + 5, K, T): default, p5, p25, p50, p75, p95.

    Quantiles interpolate linearly between order statistics (numpy's default method).
    """
    return reduce_runs({"value": arr})[0]["value"]
