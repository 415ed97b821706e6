"""Monte Carlo over parameter uncertainty and one-at-a-time sensitivity.

- ``latin_hypercube(n, d, seed)``: n points in (0, 1)^d, one in each of the n strata
  of every dimension, strata paired at random (McKay et al. 1979). Seeded with
  numpy's PCG64, so the same seed gives identical draws on every machine.
- ``sample(parameters, values, draws, seed)``: maps the unit points through the
  inverse CDF of each sampled parameter's distribution within [min, max]; the mode
  of a triangular or PERT distribution is the parameter's *resolved* value (the
  default, or what the scenario/user set). The unit points depend only on the seed
  and the list of sampled keys, so every scenario uses the same random numbers
  (common random numbers: differences between scenarios are not sampling noise).
- ``tornado(evaluate, parameters, values, keys)``: each sampled parameter moved to
  its min and to its max with all others at their resolved values, in one batch.
- ``lever_shares(table)``: the share of the summed swings that lies with each lever
  group (kommune, bund_land, markt).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import cast

import numpy as np
import pandas as pd

from ..params import LEVERS, Parameter

_PERT_GRID = np.linspace(0.0, 1.0, 4097)


def latin_hypercube(n: int, d: int, seed: int) -> np.ndarray:
    """(n, d) Latin-hypercube sample in the open unit cube."""
    if n <= 0 or d <= 0:
        return np.empty((max(n, 0), max(d, 0)))
    rng = np.random.Generator(np.random.PCG64(int(seed)))
    jitter = rng.random((n, d))
    strata = np.argsort(rng.random((n, d)), axis=0)
    return (strata + jitter) / n


def _triangular_ppf(u, lo, mode, hi):
    width = hi - lo
    fc = (mode - lo) / width
    left = lo + np.sqrt(u * width * (mode - lo))
    right = hi - np.sqrt((1.0 - u) * width * (hi - mode))
    return np.where(u < fc, left, right)


def _pert_ppf(u, lo, mode, hi):
    """PERT (beta with lambda = 4) inverse CDF by a tabulated CDF (no scipy needed)."""
    width = hi - lo
    a = 1.0 + 4.0 * (mode - lo) / width
    b = 1.0 + 4.0 * (hi - mode) / width
    x = _PERT_GRID
    with np.errstate(divide="ignore"):
        log_pdf = (a - 1.0) * np.log(np.where(x > 0, x, 1e-300)) + (b - 1.0) * np.log(np.where(x < 1, 1 - x, 1e-300))
    pdf = np.exp(log_pdf - log_pdf.max())
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]) * np.diff(x))])
    cdf /= cdf[-1]
    return lo + width * np.interp(u, cdf, x)


def ppf(u, distribution: str, lo: float, mode: float, hi: float) -> np.ndarray:
    """Inverse CDF of ``distribution`` (uniform, triangular, pert) within [lo, hi]."""
    u = np.asarray(u, dtype=float)
    if hi <= lo:
        return np.full_like(u, lo)
    mode = min(max(mode, lo), hi)
    if distribution == "uniform":
        return lo + u * (hi - lo)
    if distribution == "triangular":
        return _triangular_ppf(u, lo, mode, hi)
    if distribution == "pert":
        return _pert_ppf(u, lo, mode, hi)
    raise ValueError(f"unknown distribution {distribution!r}")


def sampled_records(parameters: Mapping[str, Parameter], keys: Sequence[str] | None = None) -> list[Parameter]:
    """The records with a distribution, in key order (optionally only ``keys``)."""
    chosen = sorted(k for k, p in parameters.items() if p.distribution)
    if keys is not None:
        wanted = set(keys)
        chosen = [k for k in chosen if k in wanted]
    return [parameters[k] for k in chosen]


def sample(parameters: Mapping[str, Parameter], values: Mapping[str, float], draws: int,
           seed: int) -> dict[str, np.ndarray]:
    """``draws`` Latin-hypercube values for every sampled parameter; mode = resolved value."""
    records = sampled_records(parameters)
    unit = latin_hypercube(draws, len(records), seed)
    # cast: sampled_records keeps only the records whose distribution is set
    return {rec.key: ppf(unit[:, i], cast(str, rec.distribution), rec.min, values[rec.key], rec.max)
            for i, rec in enumerate(records)}


def tornado(evaluate: Callable[[dict[str, np.ndarray]], np.ndarray], parameters: Mapping[str, Parameter],
            values: Mapping[str, float], keys: Sequence[str] | None = None) -> pd.DataFrame:
    """One-at-a-time sensitivity: each parameter at its min and its max, others resolved.

    ``evaluate`` receives ``{key: array of N values}`` for *all* keys in ``values``
    (N = 1 + 2 * len(keys): the base run first) and returns N outcomes.
    Returns one row per parameter, sorted by swing (largest first).
    """
    records = sampled_records(parameters, keys) if keys is None else [parameters[k] for k in keys]
    n = 1 + 2 * len(records)
    batch = {k: np.full(n, float(v)) for k, v in values.items()}
    for i, rec in enumerate(records):
        batch[rec.key][1 + 2 * i] = rec.min
        batch[rec.key][2 + 2 * i] = rec.max
    outcome = np.asarray(evaluate(batch), dtype=float).reshape(n)
    rows = []
    for i, rec in enumerate(records):
        low, high = outcome[1 + 2 * i], outcome[2 + 2 * i]
        rows.append({
            "key": rec.key, "label_de": rec.label_de, "lever": rec.lever, "unit": rec.unit,
            "status": rec.status, "value": float(values[rec.key]), "low_value": rec.min,
            "high_value": rec.max, "base": outcome[0], "outcome_low": low, "outcome_high": high,
            "swing": abs(high - low),
        })
    table = pd.DataFrame(rows, columns=["key", "label_de", "lever", "unit", "status", "value", "low_value",
                                        "high_value", "base", "outcome_low", "outcome_high", "swing"])
    return table.sort_values(["swing", "key"], ascending=[False, True], kind="stable").reset_index(drop=True)


def lever_shares(table: pd.DataFrame) -> dict[str, float]:
    """Share of the summed one-at-a-time swings per lever group (sums to 1 unless all swings are 0)."""
    sums = table.groupby("lever")["swing"].sum() if len(table) else pd.Series(dtype=float)
    total = float(sums.sum())
    return {lever: (float(sums.get(lever, 0.0)) / total if total > 0 else 0.0) for lever in LEVERS}
