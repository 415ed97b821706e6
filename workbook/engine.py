"""The scenario engine: topic models for Kreise x scenarios x draws -> long result table.

``project()`` resolves every scenario's parameters, draws a seeded Latin
hypercube (the same unit points for every scenario), runs the topic models in
the contract's order on chunks of Kreise, and reduces the draws to quantiles
immediately, so memory stays bounded whatever the number of Kreise. Run 0 of
every scenario is the ``default`` run at the resolved values.

Everything is vectorised over runs, Kreise and years; the only Python loops
are over scenarios, chunks and topic modules.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .errors import DataError, ParameterError, SelectionError
from .models.base import Indicator, ModelContext
from .models.uncertainty import latin_hypercube, ppf, sampled_records, tornado as _tornado
from .params import ParameterSet, Scenario, load_parameters, load_scenario, load_scenarios
from .results import COLUMNS, QUANTILES

YEARS = np.arange(2021, 2031)
TOPICS = ("divide", "digitalisation", "telemedicine", "resilience", "cooperation")
_MODULES = {topic: f"workbook.models.{topic}" for topic in TOPICS}
MAX_DRAWS = 100_000
DEFAULT_SEED = 20211
# Working-set budget per chunk (bytes): runs x Kreise x years x 4 bytes (float32) x live arrays.
# Measured (benchmarks/bench_engine.py): about 20-30 Kreise per chunk of 6 x 1,001 runs is
# fastest; smaller chunks pay the per-chunk work on the (runs, ...) parameter arrays again.
_CHUNK_BUDGET = 256 * 2**20
_LIVE_ARRAYS = 48
_ITEMSIZE = 4


# ---------------------------------------------------------------------------
# Selections
# ---------------------------------------------------------------------------

def available_topics() -> dict[str, object]:
    """Topic modules that exist, in run order."""
    out = {}
    for topic in TOPICS:
        try:
            out[topic] = importlib.import_module(_MODULES[topic])
        except ModuleNotFoundError as exc:
            if exc.name != _MODULES[topic]:
                raise
    return out


def _as_list(value, key: str) -> list:
    """A list from a list-like selection; anything else is a SelectionError naming ``key``."""
    if isinstance(value, (list, tuple, set, frozenset, pd.Series, pd.Index, np.ndarray)):
        return list(value)
    raise SelectionError(f"expected text (comma-separated) or a list, found {type(value).__name__} "
                         f"{str(value)[:40]!r}", key=key)


def _select_topics(topics) -> dict[str, object]:
    modules = available_topics()
    if topics is None or (isinstance(topics, str) and topics.strip().lower() == "all"):
        return modules
    wanted = [t.strip() for t in topics.split(",")] if isinstance(topics, str) else _as_list(topics, "topics")
    for topic in wanted:
        if not isinstance(topic, str):
            raise SelectionError(f"unknown topic {topic!r}; expected one of {', '.join(TOPICS)} or 'all'",
                                 key="topics")
        if topic not in TOPICS:
            hint = difflib.get_close_matches(topic, TOPICS, n=1)
            raise SelectionError(f"unknown topic {topic!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
                                 + f"; expected one of {', '.join(TOPICS)} or 'all'", key="topics")
        if topic not in modules:
            raise SelectionError(f"topic {topic!r} is not available in this installation; available: "
                                 f"{', '.join(modules)}", key="topics")
    # Models read earlier outputs, so keep the contract's order.
    return {t: modules[t] for t in TOPICS if t in wanted}


def _validate_given_kreise(kreise) -> None:
    """A caller's Kreis table passes the registry's range checks before it reaches a formula."""
    if not isinstance(kreise, pd.DataFrame):
        raise SelectionError(f"kreise must be a table (DataFrame), found {type(kreise).__name__}", key="kreise")
    from .schema import COLUMNS, validate_frame

    known = [c for c in kreise.columns if c in COLUMNS]
    if set(COLUMNS) <= set(kreise.columns):
        validate_frame(kreise[list(COLUMNS)], file="kreise (given table)")
        return
    # A partial table (tests, custom regions): check the registered columns it has.
    for name in known:
        col = COLUMNS[name]
        lo, hi = getattr(col, "min", None), getattr(col, "max", None)
        values = pd.to_numeric(kreise[name], errors="coerce") if (lo is not None or hi is not None) else None
        if values is None:
            continue
        bad = ~np.isfinite(values.to_numpy(dtype=float)) & kreise[name].notna().to_numpy()
        if lo is not None:
            bad |= (values < lo).to_numpy()
        if hi is not None:
            bad |= (values > hi).to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataError(f"value {kreise[name].iloc[row]!r} is outside [{lo}, {hi}]", file="kreise (given table)",
                            row=row + 2, column=name)


def load_kreise_table() -> pd.DataFrame:
    try:
        from .datasets import load_kreise
    except ModuleNotFoundError as exc:
        if exc.name != "workbook.datasets":
            raise
        raise DataError("the data layer (workbook/datasets.py) is not installed; expected load_kreise()",
                        file="workbook/datasets.py") from None
    return load_kreise()


def normalise_ags(value) -> str:
    text = str(value).strip()
    if text.isdigit() and len(text) <= 5:
        return text.zfill(5)
    return text


def select_kreise(kreise: pd.DataFrame, ags) -> pd.DataFrame:
    """Rows of ``kreise`` for ``ags`` ("all", a list, or a comma-separated text), in AGS order."""
    if ags is None or (isinstance(ags, str) and ags.strip().lower() == "all"):
        return kreise.sort_values("ags").reset_index(drop=True)
    wanted = ags.split(",") if isinstance(ags, str) else _as_list(ags, "ags")
    wanted = [normalise_ags(a) for a in wanted if str(a).strip()]
    if not wanted:
        raise SelectionError("no AGS given; expected 5-digit Kreis keys like 05315 or 'all'", key="ags")
    known = set(kreise["ags"].astype(str))
    for code in wanted:
        if code not in known:
            hint = difflib.get_close_matches(code, sorted(known), n=3)
            raise SelectionError(f"unknown AGS {code!r}" + (f"; close: {', '.join(hint)}" if hint else "")
                                 + "; expected a 5-digit key of one of the 401 Kreise", key="ags")
    order = list(dict.fromkeys(wanted))
    out = kreise.set_index(kreise["ags"].astype(str)).loc[order].reset_index(drop=True)
    return out.sort_values("ags").reset_index(drop=True)


def select_scenarios(scenarios, parameters: ParameterSet) -> list[Scenario]:
    """Scenarios from "all", ids, YAML paths, or Scenario objects (validated)."""
    shipped = load_scenarios(parameters=parameters)
    if scenarios is None or (isinstance(scenarios, str) and scenarios.strip().lower() == "all"):
        return list(shipped.values())
    if isinstance(scenarios, Scenario):
        items = [scenarios]
    elif isinstance(scenarios, (str, Path)):
        text = str(scenarios)
        items = [text] if text.lower().endswith((".yml", ".yaml")) else [s.strip() for s in text.split(",")]
    else:
        items = _as_list(scenarios, "scenarios")
    out: list[Scenario] = []
    for item in items:
        if isinstance(item, Scenario):
            out.append(item)
            continue
        text = str(item).strip()
        if text.lower().endswith((".yml", ".yaml")) or "/" in text:
            out.append(load_scenario(text, parameters=parameters))
        elif text.upper() in shipped:
            out.append(shipped[text.upper()])
        else:
            raise SelectionError(f"unknown scenario {text!r}; expected one of {', '.join(shipped)}, 'all' "
                                 "or a YAML file", key="scenario")
    ids = [s.id for s in out]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise SelectionError(f"scenario {dup!r} selected twice", key="scenario")
    return out


def _check_int(name: str, value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) and not (
            isinstance(value, float) and value.is_integer()):
        raise SelectionError(f"expected a whole number in [{lo}, {hi}], found {value!r}", key=name)
    value = int(value)
    if not lo <= value <= hi:
        raise SelectionError(f"expected a whole number in [{lo}, {hi}], found {value}", key=name)
    return value


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------

@dataclass
class Plan:
    """Everything resolved before any model runs."""

    parameters: ParameterSet
    kreise: pd.DataFrame
    scenarios: list[Scenario]
    topics: dict[str, object]
    draws: int
    seed: int
    overrides: dict[str, float]
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    runs: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    extra: dict[str, dict] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    dtype: type = np.float32
    stacked: dict[tuple, dict[str, np.ndarray]] = field(default_factory=dict)


@lru_cache(maxsize=8)
def _cached_unit(draws: int, dims: int, seed: int) -> np.ndarray:
    unit = latin_hypercube(draws, dims, seed)
    unit.setflags(write=False)
    return unit


def _unit_sample(parameters: ParameterSet, draws: int, seed: int):
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


def prepare(ags="all", scenarios="all", draws: int = 1000, seed: int = DEFAULT_SEED, topics="all",
            overrides: Mapping[str, float] | None = None, *, kreise: pd.DataFrame | None = None,
            parameters: ParameterSet | None = None) -> Plan:
    """Validate every input and resolve the parameter runs; raises ``WorkbookError`` subclasses."""
    draws = _check_int("draws", draws, 0, MAX_DRAWS)
    seed = _check_int("seed", seed, 0, 2**32 - 1)
    parameters = parameters if parameters is not None else load_parameters()
    all_kreise = kreise if kreise is not None else load_kreise_table()
    if kreise is not None:
        _validate_given_kreise(kreise)
    if "ags" not in all_kreise.columns:
        raise SelectionError("the Kreis table has no 'ags' column", column="ags")
    all_kreise = all_kreise.assign(ags=all_kreise["ags"].astype(str))
    chosen = select_kreise(all_kreise, ags)
    scenario_list = select_scenarios(scenarios, parameters)
    modules = _select_topics(topics)
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ParameterError(f"overrides must be a mapping of parameter key to number, found "
                             f"{type(overrides).__name__}", key="overrides")
    overrides = dict(overrides or {})
    plan = Plan(parameters, chosen, scenario_list, modules, draws, seed, overrides)
    records, unit = _unit_sample(parameters, draws, seed)
    for module in modules.values():
        plan.indicators.update(getattr(module, "INDICATORS", {}))
    coop = modules.get("cooperation")
    if coop is None and "digitalisation" in modules:
        # the DDI's cooperation effect (r_VERW (1 + kappa ln N), S4) reads the cluster sizes of
        # the cooperation plan: make it also when only the DDI runs, so the DDI of a scenario
        # does not depend on which other topics were selected
        coop = available_topics().get("cooperation")
    coop_prepare = getattr(coop, "prepare", None) if coop is not None else None
    all_hash = None
    for sc in scenario_list:
        values = parameters.resolve(sc, overrides)
        plan.values[sc.id] = values
        plan.runs[sc.id] = run_values(parameters, values, records, unit, dtype=plan.dtype,
                                      cache_key=(draws, len(records), seed))
        extra: dict = {"scenario": sc.id}
        if coop_prepare is not None and ("cooperation" in modules or values.get("ddi.verw.coop_kappa", 0.0) > 0):
            if all_hash is None:
                all_hash = _plan_hash(all_kreise, getattr(coop, "PLAN_COLUMNS", None))
            try:
                extra["cooperation"] = _cooperation_plan(coop_prepare, all_kreise, all_hash, values)
            except DataError:
                if "cooperation" in modules:
                    raise
                # DDI only, on a table without what the plan needs (Land, population): the DDI
                # uses its documented stand-in cluster size ddi.verw.coop_size
        plan.extra[sc.id] = extra
    return plan


def _plan_hash(kreise: pd.DataFrame, columns) -> str:
    """Hash of the Kreis columns the cooperation plan reads (all columns when not declared)."""
    if not columns:
        return data_hash(kreise)
    present = [c for c in columns if c in kreise.columns]
    return "plan:" + data_hash(kreise[present])


_COOP_CACHE: dict[tuple, object] = {}


def _cooperation_plan(prepare_fn, all_kreise: pd.DataFrame, all_hash: str, values: Mapping[str, float]):
    """cooperation.prepare(), cached by the data and the ``coop.*`` values it reads (contract)."""
    key = (getattr(prepare_fn, "__module__", ""), all_hash,
           tuple(sorted((k, v) for k, v in values.items() if k.startswith("coop."))))
    if key not in _COOP_CACHE:
        if len(_COOP_CACHE) >= 32:
            _COOP_CACHE.clear()
        _COOP_CACHE[key] = prepare_fn(all_kreise, _neighbours(), values)
    return _COOP_CACHE[key]


def _neighbours():
    try:
        from .datasets import load_neighbours
    except ImportError:
        return pd.DataFrame({"ags_a": pd.Series(dtype=str), "ags_b": pd.Series(dtype=str)})
    return load_neighbours()


def chunk_size(n_runs: int, n_years: int = len(YEARS)) -> int:
    per_kreis = max(1, n_runs) * n_years * _ITEMSIZE * _LIVE_ARRAYS
    return max(1, int(_CHUNK_BUDGET // per_kreis))


def run_models(kreise: pd.DataFrame, p: dict[str, np.ndarray], modules: Mapping[str, object],
               extra: dict | None = None, years: np.ndarray = YEARS) -> dict[str, np.ndarray]:
    """Run the topic modules in order on one chunk; returns every indicator as (N, K, T)."""
    ctx = ModelContext(kreise=kreise, years=years, p=p, outputs={}, extra=dict(extra or {}))
    for topic, module in modules.items():
        result = module.run(ctx)
        for name, arr in result.items():
            ctx.outputs[name] = arr
    shape = (ctx.n_runs, len(kreise), len(years))
    return {name: np.broadcast_to(arr, shape) for name, arr in ctx.outputs.items()}


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
    d, m = work.shape
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
    for dtype, items in pending.items():
        itemsize = np.dtype(dtype).itemsize
        budget = max(1, _BATCH_BYTES // (draws * itemsize))
        start = 0
        while start < len(items):
            cols, stop = 0, start
            while stop < len(items) and (stop == start or cols + items[stop][1][0].size <= budget):
                cols += items[stop][1][0].size
                stop += 1
            work = _scratch(draws, cols, dtype)
            c = 0
            for res, block in items[start:stop]:
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


def _groups(plan: Plan) -> list[list[str]]:
    """Scenarios that can share one model call: the same precomputed extras (cooperation plan)."""
    groups: dict[int, list[str]] = {}
    for sc in plan.scenarios:
        groups.setdefault(id(plan.extra[sc.id].get("cooperation")), []).append(sc.id)
    return list(groups.values())


def _address(arr: np.ndarray) -> int:
    return arr.__array_interface__["data"][0]


def _run_block(runs: dict[str, np.ndarray], names: list[str]) -> np.ndarray:
    """The (keys, N) block behind ``run_values``' rows in the order ``names`` (no copy when
    the rows are that block's rows in that order, as ``run_values`` makes them)."""
    first = runs[names[0]]
    block = first.base
    if (isinstance(block, np.ndarray) and block.ndim == 2 and block.shape[0] == len(names)
            and list(runs) == names
            and all(runs[k].base is block for k in names)
            and _address(runs[names[-1]]) == _address(block[-1]) and _address(first) == _address(block[0])):
        return block
    return np.stack([runs[k].reshape(-1) for k in names])


def _stacked_runs(plan: Plan, ids: list[str]) -> dict[str, np.ndarray]:
    """The runs of several scenarios stacked along the run axis (built once per group)."""
    if len(ids) == 1:
        return plan.runs[ids[0]]
    key = tuple(ids)
    stacked = plan.stacked.get(key)
    if stacked is None:
        names = list(plan.runs[ids[0]])
        blocks = [_run_block(plan.runs[sid], names) for sid in ids]
        block = np.concatenate(blocks, axis=1)
        stacked = {k: block[i].reshape(-1, 1, 1) for i, k in enumerate(names)}
        plan.stacked[key] = stacked
    return stacked


def _run_chunk(plan: Plan, ids: list[str], start: int, size: int) -> dict[str, dict[str, np.ndarray]]:
    """One chunk of Kreise for a group of scenarios stacked along the run axis."""
    sub = plan.kreise.iloc[start:start + size].reset_index(drop=True)
    p = _stacked_runs(plan, ids)
    extra = dict(plan.extra[ids[0]], scenario=ids[0] if len(ids) == 1 else None, scenarios=list(ids))
    arrays = run_models(sub, p, plan.topics, extra)
    return dict(zip(ids, reduce_runs(arrays, len(ids))))


_BLAS_LOCK = threading.Lock()
_BLAS_STATE: dict = {"users": 0, "limiter": None, "controller": None}


@contextmanager
def _blas_single_thread():
    """OpenBLAS (numpy's matrix products) on one thread while the engine runs.

    The models' matrix products are small ((runs x years, ages) @ (ages, Kreise)); with
    BLAS threads on top of the engine's own worker threads a 2-core machine spends more
    time waking and synchronising threads than multiplying (10x slower under load).
    Re-entrant across threads; the original limits come back when the last run ends.
    Without threadpoolctl the engine runs unchanged.
    """
    with _BLAS_LOCK:
        if _BLAS_STATE["controller"] is None:
            try:
                from threadpoolctl import ThreadpoolController
                _BLAS_STATE["controller"] = ThreadpoolController()
            except Exception:                      # not installed or no BLAS found: run as is
                _BLAS_STATE["controller"] = False
        controller = _BLAS_STATE["controller"]
        if controller and _BLAS_STATE["users"] == 0:
            _BLAS_STATE["limiter"] = controller.limit(limits=1, user_api="blas")
        _BLAS_STATE["users"] += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_STATE["users"] -= 1
            if _BLAS_STATE["users"] == 0 and _BLAS_STATE["limiter"] is not None:
                _BLAS_STATE["limiter"].restore_original_limits()
                _BLAS_STATE["limiter"] = None


def simulate(plan: Plan, chunk: int | None = None, workers: int | None = None) -> dict[str, dict[str, np.ndarray]]:
    """{scenario: {indicator: (6, K, T)}} with rows default, p5 .. p95.

    Scenarios that share their precomputed extras run stacked in one model call;
    chunks of Kreise run on ``workers`` threads (default: up to 2 when the run is big;
    numpy releases the GIL inside its array operations). Results do not depend on
    chunking, grouping or threads.
    """
    k_all = len(plan.kreise)
    groups = _groups(plan)
    tasks = []
    for ids in groups:
        _stacked_runs(plan, ids)          # build shared inputs before any thread starts
        n_runs = (plan.draws + 1) * len(ids)
        size = chunk or chunk_size(n_runs)
        tasks += [(ids, start, size) for start in range(0, k_all, size)]
    if workers is None:
        work = (plan.draws + 1) * len(plan.scenarios) * k_all
        workers = min(2, os.cpu_count() or 1) if work >= 20_000 else 1
    with _blas_single_thread():
        if workers > 1 and len(tasks) > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                done = list(pool.map(lambda task: _run_chunk(plan, *task), tasks))
        else:
            done = [_run_chunk(plan, *task) for task in tasks]
    out: dict[str, dict[str, np.ndarray]] = {}
    for sc in plan.scenarios:
        parts = [d[sc.id] for d in done if sc.id in d]
        names = list(dict.fromkeys(n for d in parts for n in d))
        out[sc.id] = {name: np.concatenate([d[name] for d in parts], axis=1) for name in names}
    return out


def _hash_run(plan: Plan) -> str:
    h = hashlib.sha256(plan.parameters.hash().encode())
    for sc in plan.scenarios:
        h.update(repr((sc.id, sorted(sc.changes.items()))).encode())
    h.update(repr(sorted(plan.overrides.items())).encode())
    return h.hexdigest()


def data_hash(kreise: pd.DataFrame) -> str:
    values = pd.util.hash_pandas_object(kreise.reset_index(drop=True), index=False).to_numpy()
    h = hashlib.sha256(values.tobytes())
    h.update(",".join(map(str, kreise.columns)).encode())
    return h.hexdigest()


def to_long(plan: Plan, reduced: dict[str, dict[str, np.ndarray]]) -> pd.DataFrame:
    """The Result contract's long table from the reduced arrays (categorical text columns)."""
    ags = plan.kreise["ags"].astype(str).to_numpy()
    k, t = len(ags), len(YEARS)
    q_names = ["default", *QUANTILES] if plan.draws > 0 else ["default"]
    nq = len(q_names)
    scen_ids = [sc.id for sc in plan.scenarios]
    names = list(dict.fromkeys(n for sc in scen_ids for n in reduced[sc]))
    blocks_value, blocks_scen, blocks_ind = [], [], []
    for si, sid in enumerate(scen_ids):
        for ii, name in enumerate(names):
            arr = reduced[sid].get(name)
            if arr is None:
                continue
            # order within a block: quantile, ags, year
            blocks_value.append(arr[:nq].reshape(-1))
            blocks_scen.append(np.full(nq * k * t, si, dtype=np.int16))
            blocks_ind.append(np.full(nq * k * t, ii, dtype=np.int32))
    if not blocks_value:
        table = pd.DataFrame({c: [] for c in COLUMNS})
    else:
        n_blocks = len(blocks_value)
        value = np.concatenate(blocks_value)
        scen_codes = np.concatenate(blocks_scen)
        ind_codes = np.concatenate(blocks_ind)
        q_codes = np.tile(np.repeat(np.arange(nq, dtype=np.int8), k * t), n_blocks)
        ags_codes = np.tile(np.repeat(np.arange(k, dtype=np.int32), t), nq * n_blocks)
        years = np.tile(YEARS, nq * k * n_blocks)
        units = [plan.indicators[n].unit if n in plan.indicators else "" for n in names]
        unit_cats = list(dict.fromkeys(units))
        unit_of_ind = np.array([unit_cats.index(u) for u in units], dtype=np.int16)
        table = pd.DataFrame({
            "scenario": pd.Categorical.from_codes(scen_codes, categories=scen_ids),
            "ags": pd.Categorical.from_codes(ags_codes, categories=list(ags)),
            "indicator": pd.Categorical.from_codes(ind_codes, categories=names),
            "unit": pd.Categorical.from_codes(unit_of_ind[ind_codes], categories=unit_cats),
            "year": years.astype(np.int64),
            "value": value,
            "quantile": pd.Categorical.from_codes(q_codes, categories=q_names),
        })
    table.attrs.update({
        "seed": plan.seed, "draws": plan.draws, "param_hash": _hash_run(plan),
        "data_hash": data_hash(plan.kreise), "workbook_version": __version__,
        "scenarios": scen_ids, "topics": list(plan.topics), "years": [int(YEARS[0]), int(YEARS[-1])],
    })
    return table


def project(ags="all", scenarios="all", draws: int = 1000, seed: int = DEFAULT_SEED, topics="all",
            overrides: Mapping[str, float] | None = None, *, kreise: pd.DataFrame | None = None,
            chunk: int | None = None) -> pd.DataFrame:
    """Project the topics for Kreise x scenarios, 2021-2030, as the long Result table.

    ``ags``: "all", a list or comma-separated AGS; ``scenarios``: "all", ids, YAML paths or
    Scenario objects; ``draws``: Latin-hypercube draws per scenario (0: default run only);
    ``overrides``: parameter values applied on top of every scenario (validated).
    ``kreise`` replaces the data layer's table (tests, what-if copies).
    """
    plan = prepare(ags, scenarios, draws, seed, topics, overrides, kreise=kreise)
    return to_long(plan, simulate(plan, chunk=chunk))


# ---------------------------------------------------------------------------
# Tornado
# ---------------------------------------------------------------------------

def tornado(ags, indicator: str = "ddi.index", year: int = 2030, scenario="S0",
            overrides: Mapping[str, float] | None = None, *, kreise: pd.DataFrame | None = None,
            keys: Iterable[str] | None = None, topics="all") -> pd.DataFrame:
    """One-at-a-time sensitivity of ``indicator`` in ``year`` for one Kreis and scenario.

    Each sampled parameter (or each of ``keys``) goes to its min and its max while
    all others stay at the scenario's resolved values; one batched model run.
    ``attrs['lever_shares']`` holds the share of the swing per lever group.
    """
    from .models.uncertainty import lever_shares

    year = _check_int("year", year, int(YEARS[0]), int(YEARS[-1]))
    if isinstance(ags, (list, tuple)):
        if len(ags) != 1:
            raise SelectionError("a tornado needs exactly one Kreis", key="ags")
        ags = ags[0]
    plan = prepare([ags], scenario if isinstance(scenario, Scenario) else [scenario], 0, DEFAULT_SEED,
                   topics, overrides, kreise=kreise)
    if not isinstance(indicator, str) or indicator not in plan.indicators:
        if not isinstance(indicator, str):
            raise SelectionError(f"indicator must be text like 'ddi.index', found {indicator!r}", key="indicator")
        hint = difflib.get_close_matches(indicator, list(plan.indicators), n=1)
        raise SelectionError(f"unknown indicator {indicator!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""),
                             key="indicator")
    sc = plan.scenarios[0]
    values = plan.values[sc.id]
    t_index = int(np.searchsorted(YEARS, year))

    def evaluate(batch):
        p = {k: np.asarray(v, dtype=float).reshape(-1, 1, 1) for k, v in batch.items()}
        out = run_models(plan.kreise, p, plan.topics, plan.extra[sc.id])
        return out[indicator][:, 0, t_index]

    key_list = list(keys) if keys is not None else None
    if key_list is not None:
        for key in key_list:
            plan.parameters[key]  # raises ParameterError for unknown keys
    table = _tornado(evaluate, plan.parameters, values, key_list)
    table.attrs.update({"ags": plan.kreise["ags"].iloc[0], "indicator": indicator, "year": year,
                        "scenario": sc.id, "lever_shares": lever_shares(table),
                        "param_hash": _hash_run(plan)})
    return table


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------

def cli_project(args) -> int:
    from . import results
    from .texts import scenarios as T

    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx", ".parquet"):
        raise SelectionError(f"unsupported output type {out.suffix or '(none)'!r}; expected .csv, .xlsx or "
                             ".parquet", file=str(out))
    table = project(ags=args.ags, scenarios=args.scenario, draws=args.draws, seed=args.seed,
                    topics=args.topics)
    if out is not None:
        results.write(table, out)
        print(T.written(str(out), len(table), table.attrs))
    else:
        print(T.summary_2030(table))
    return 0
