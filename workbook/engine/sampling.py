"""Parameter runs: the seeded Latin-hypercube unit sample and its inverse-CDF draws.

Row 0 of every run block is the ``default`` run at the resolved values; rows 1..
the draws. The unit sample is the same for every scenario (cached per draws,
dimensions and seed) and the draws are cached per parameter, mode and sample.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from ..models.uncertainty import latin_hypercube, ppf, sampled_records
from ..params import ParameterSet


@lru_cache(maxsize=8)
def _cached_unit(draws: int, dims: int, seed: int) -> np.ndarray:
    unit = latin_hypercube(draws, dims, seed)
    unit.setflags(write=False)
    return unit


def unit_sample(parameters: ParameterSet, draws: int, seed: int):
    records = sampled_records(parameters)
    return records, _cached_unit(draws, len(records), seed)


_PPF_CACHE: dict[tuple, np.ndarray] = {}


def _draws_for(rec, mode: float, unit_column: np.ndarray, cache_key: tuple) -> np.ndarray:
    key = (rec.key, rec.distribution, rec.min, rec.max, float(mode), *cache_key)
    hit = _PPF_CACHE.get(key)
    if hit is None:
        if len(_PPF_CACHE) >= 4096:
            _PPF_CACHE.clear()
        hit = ppf(unit_column, rec.distribution, rec.min, mode, rec.max)
        hit.setflags(write=False)
        _PPF_CACHE[key] = hit
    return hit


def run_values(parameters: ParameterSet, values: Mapping[str, float], records, unit: np.ndarray,
               dtype=np.float64, cache_key: tuple | None = None) -> dict[str, np.ndarray]:
    """(N,1,1) arrays: row 0 the resolved values, rows 1.. the Latin-hypercube draws.

    All arrays are rows of one contiguous (keys, N) block; the inverse-CDF draws are
    cached per (parameter, mode, sample) when ``cache_key`` identifies the unit sample.
    """
    n = 1 + unit.shape[0]
    keys = list(values)
    block = np.empty((len(keys), n), dtype=dtype)
    block[:] = np.fromiter((values[k] for k in keys), dtype=np.float64, count=len(keys))[:, None]
    index = {k: i for i, k in enumerate(keys)}
    for i, rec in enumerate(records):
        if cache_key is None:
            draws = ppf(unit[:, i], rec.distribution, rec.min, values[rec.key], rec.max)
        else:
            draws = _draws_for(rec, values[rec.key], unit[:, i], (i, *cache_key))
        block[index[rec.key], 1:] = draws
    return {k: block[i].reshape(n, 1, 1) for k, i in index.items()}
