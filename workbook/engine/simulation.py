"""The simulation: a validated ``Plan`` (``prepare``), the topic models on chunks of
Kreise (``run_models``) and the reduction of the draws (``simulate``).

Everything is vectorised over runs, Kreise and years; the only Python loops are
over scenarios, chunks and topic modules. Scenarios that share their precomputed
extras (the cooperation plan) run stacked along the run axis in one model call.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np
import pandas as pd

from .. import topics as topic_registry
from ..errors import DataError, ParameterError, SelectionError
from ..models.base import Indicator, ModelContext
from ..params import ParameterSet, Scenario, load_parameters
from . import selection
from .blas import blas_single_thread
from .hashing import row_hashes
from .quantiles import reduce_runs
from .sampling import run_values, unit_sample
from .selection import (
    DEFAULT_SEED,
    MAX_DRAWS,
    YEARS,
    check_int,
    select_kreise,
    select_scenarios,
    select_topics,
)

# Working-set budget per chunk (bytes): runs x Kreise x years x 4 bytes (float32) x live arrays.
# Measured (benchmarks/bench_engine.py): about 20-30 Kreise per chunk of 6 x 1,001 runs is
# fastest; smaller chunks pay the per-chunk work on the (runs, ...) parameter arrays again.
_CHUNK_BUDGET = 256 * 2**20
_LIVE_ARRAYS = 48
_ITEMSIZE = 4


@dataclass
class Plan:
    """Everything resolved before any model runs."""

    parameters: ParameterSet
    kreise: pd.DataFrame
    scenarios: list[Scenario]
    topics: dict[str, ModuleType]
    draws: int
    seed: int
    overrides: dict[str, float]
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    runs: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    extra: dict[str, dict] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    dtype: type = np.float32
    stacked: dict[tuple, dict[str, np.ndarray]] = field(default_factory=dict)


def prepare(ags="all", scenarios="all", draws: int = 1000, seed: int = DEFAULT_SEED, topics="all",
            overrides: Mapping[str, float] | None = None, *, kreise: pd.DataFrame | None = None,
            parameters: ParameterSet | None = None) -> Plan:
    """Validate every input and resolve the parameter runs; raises ``WorkbookError`` subclasses."""
    draws = check_int("draws", draws, 0, MAX_DRAWS)
    seed = check_int("seed", seed, 0, 2**32 - 1)
    parameters = parameters if parameters is not None else load_parameters()
    if kreise is not None:
        selection.validate_given_kreise(kreise)
        source = kreise
    else:
        source = selection.shared_kreise_table()
    if "ags" not in source.columns:
        raise SelectionError("the Kreis table has no 'ags' column", column="ags")
    # a copy: the cooperation plan and the hashes read it; the data layer's shared table is only
    # selected from (its keys are text already), so a Gemeinde's inputs row can be reused
    all_kreise = source.assign(ags=source["ags"].astype(str))
    chosen = select_kreise(source if kreise is None else all_kreise, ags)
    # the models never read where a Gemeinde's inputs come from, and pandas deep-copies attrs on
    # every column access: a table of a thousand Gemeinden would spend seconds copying ``origin``
    chosen.attrs = {k: v for k, v in chosen.attrs.items() if k != "origin"}
    scenario_list = select_scenarios(scenarios, parameters)
    modules = select_topics(topics)
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ParameterError(f"overrides must be a mapping of parameter key to number, found "
                             f"{type(overrides).__name__}", key="overrides")
    overrides = dict(overrides or {})
    plan = Plan(parameters, chosen, scenario_list, modules, draws, seed, overrides)
    records, unit = unit_sample(parameters, draws, seed)
    for module in modules.values():
        plan.indicators.update(getattr(module, "INDICATORS", {}))
    coop = modules.get("cooperation")
    if coop is None and "digitalisation" in modules:
        # the DDI's cooperation effect (r_VERW (1 + kappa ln N), S4) reads the cluster sizes of
        # the cooperation plan: make it also when only the DDI runs, so the DDI of a scenario
        # does not depend on which other topics were selected
        coop = topic_registry.module("cooperation")
    coop_prepare = getattr(coop, "prepare", None) if coop is not None else None
    all_hash = None
    areas: tuple[str, ...] | None = None
    for sc in scenario_list:
        values = parameters.resolve(sc, overrides)
        plan.values[sc.id] = values
        plan.runs[sc.id] = run_values(parameters, values, records, unit, dtype=plan.dtype,
                                      cache_key=(draws, len(records), seed))
        extra: dict = {"scenario": sc.id}
        if coop_prepare is not None and ("cooperation" in modules or values.get("ddi.verw.coop_kappa", 0.0) > 0):
            if all_hash is None:
                all_hash = _plan_hash_of(source if kreise is None else None, all_kreise,
                                         getattr(coop, "PLAN_COLUMNS", None))
            try:
                extra["cooperation"] = _cooperation_plan(coop_prepare, all_kreise, all_hash, values)
            except DataError:
                if "cooperation" in modules:
                    raise
                # DDI only, on a table without what the plan needs (Land, population): the DDI
                # uses its documented stand-in cluster size ddi.verw.coop_size
        if "cooperation" in extra and "level" in chosen.columns:
            if areas is None:
                areas = _gemeinde_areas(chosen)
            if areas:
                extra["cooperation"] = _with_gemeinden(coop, extra["cooperation"], areas, values)
        plan.extra[sc.id] = extra
    return plan


def _gemeinde_areas(chosen: pd.DataFrame) -> tuple[str, ...]:
    """The Mittelbereiche of the chosen Gemeinden (their Kreis where they have none), sorted;
    empty when no Gemeinde is chosen."""
    rows = chosen[chosen["level"] == "gemeinde"]
    if not len(rows):
        return ()
    return tuple(sorted(set(rows["mittelbereich_key"].astype("string").fillna(rows["kreis_ags"]).astype(str))))


def _with_gemeinden(coop, kreis_plan, areas: tuple[str, ...], values: Mapping[str, float]):
    """The Kreise's cooperation plan plus the clusters of the Gemeinden's Mittelbereiche ``areas``
    (cached by plan and areas, so scenarios that share a plan still share it)."""
    key = (id(kreis_plan), areas)
    hit = _GEMEINDE_PLANS.get(key)
    if hit is None or hit[0] is not kreis_plan:
        from ..data import load_gemeinde_neighbours, load_gemeinden

        table = coop.gemeinde_plan_table(load_gemeinden(), load_gemeinde_neighbours(), values, areas)
        hit = (kreis_plan, coop.with_gemeinden(kreis_plan, table))
        _GEMEINDE_PLANS[key] = hit
        while len(_GEMEINDE_PLANS) > _GEMEINDE_PLANS_SIZE:
            _GEMEINDE_PLANS.popitem(last=False)
    else:
        _GEMEINDE_PLANS.move_to_end(key)
    return hit[1]


def _plan_hash_of(shared: pd.DataFrame | None, kreise: pd.DataFrame, columns) -> str:
    """:func:`_plan_hash` of ``kreise``; kept while ``shared`` (the data layer's own table, of which
    ``kreise`` is the copy) is the same object (``data.kreise.kept_for_shared``)."""
    if shared is None:
        return _plan_hash(kreise, columns)
    from ..data.kreise import kept_for_shared

    return kept_for_shared("engine.plan_hash", shared, tuple(columns or ()), lambda: _plan_hash(kreise, columns))


def _plan_hash(kreise: pd.DataFrame, columns) -> str:
    """Hash of the Kreis columns the cooperation plan reads (all columns when not declared)."""
    if not columns:
        return data_hash(kreise)
    present = [c for c in columns if c in kreise.columns]
    return "plan:" + data_hash(kreise[present])


_COOP_CACHE: dict[tuple, object] = {}
#: the Gemeinde clusters per Kreis plan and Mittelbereiche, least recently used dropped first; kept
#: apart from the Kreis plans, whose one national plan a batch of Gemeinden must not evict (it took
#: 0.14 s to rebuild each time the shared cache filled up with Mittelbereiche)
_GEMEINDE_PLANS: OrderedDict[tuple, tuple] = OrderedDict()
_GEMEINDE_PLANS_SIZE = 64


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
        from ..data import load_neighbours
    except ImportError:
        return pd.DataFrame({"ags_a": pd.Series(dtype=str), "ags_b": pd.Series(dtype=str)})
    return load_neighbours()


def chunk_size(n_runs: int, n_years: int = len(YEARS)) -> int:
    per_kreis = max(1, n_runs) * n_years * _ITEMSIZE * _LIVE_ARRAYS
    return max(1, int(_CHUNK_BUDGET // per_kreis))


def run_models(kreise: pd.DataFrame, p: dict[str, np.ndarray], modules: Mapping[str, ModuleType],
               extra: dict | None = None, years: np.ndarray = YEARS) -> dict[str, np.ndarray]:
    """Run the topic modules in order on one chunk; returns every indicator as (N, K, T)."""
    ctx = ModelContext(kreise=kreise, years=years, p=p, outputs={}, extra=dict(extra or {}))
    for module in modules.values():
        result = module.run(ctx)
        for name, arr in result.items():
            ctx.outputs[name] = arr
    shape = (ctx.n_runs, len(kreise), len(years))
    return {name: np.broadcast_to(arr, shape) for name, arr in ctx.outputs.items()}


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
    with blas_single_thread():
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


def hash_run(plan: Plan) -> str:
    h = hashlib.sha256(plan.parameters.hash().encode())
    for sc in plan.scenarios:
        h.update(repr((sc.id, sorted(sc.changes.items()))).encode())
    h.update(repr(sorted(plan.overrides.items())).encode())
    return h.hexdigest()


def data_hash(kreise: pd.DataFrame) -> str:
    """sha256 of the rows' hashes (``pandas.util.hash_pandas_object(index=False)``) and the column names."""
    h = hashlib.sha256(row_hashes(kreise).tobytes())
    h.update(",".join(map(str, kreise.columns)).encode())
    return h.hexdigest()
