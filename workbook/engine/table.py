"""The long Result table from the reduced arrays, and ``project()``: prepare, simulate, table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from .. import __version__
from ..results import COLUMNS, QUANTILES
from .selection import DEFAULT_SEED, YEARS, normalise_ags
from .simulation import Plan, data_hash, hash_run, prepare, simulate


def to_long(plan: Plan, reduced: dict[str, dict[str, np.ndarray]], layout: dict | None = None) -> pd.DataFrame:
    """The Result contract's long table from the reduced arrays (categorical text columns).

    ``layout``: a dict kept by the caller between tables of the same shape (``project_each``'s
    places: the same scenarios, indicators and quantiles, one place each), which then copy the
    code columns instead of building them again; the tables are the same either way."""
    ags = plan.kreise["ags"].astype(str).to_numpy()
    k, t = len(ags), len(YEARS)
    q_names = ["default", *QUANTILES] if plan.draws > 0 else ["default"]
    nq = len(q_names)
    scen_ids = [sc.id for sc in plan.scenarios]
    names = list(dict.fromkeys(n for sc in scen_ids for n in reduced[sc]))
    present = [(si, ii) for si, sid in enumerate(scen_ids) for ii, name in enumerate(names)
               if reduced[sid].get(name) is not None]
    blocks_value = [reduced[scen_ids[si]][names[ii]][:nq].reshape(-1) for si, ii in present]
    if not blocks_value:
        table = pd.DataFrame({c: [] for c in COLUMNS})
    else:
        shape = (tuple(scen_ids), tuple(names), tuple(present), nq, k, t)
        codes = layout.get(shape) if layout is not None else None
        if codes is None:
            codes = _codes(plan, scen_ids, names, present, q_names, k, t)
            if layout is not None:
                layout.clear()
                layout[shape] = codes
        table = pd.DataFrame({
            "scenario": pd.Categorical.from_codes(codes["scenario"].copy(), dtype=codes["scenario_dtype"], validate=False),
            "ags": pd.Categorical.from_codes(codes["ags"], categories=pd.Index(ags)),
            "indicator": pd.Categorical.from_codes(codes["indicator"].copy(), dtype=codes["indicator_dtype"], validate=False),
            "unit": pd.Categorical.from_codes(codes["unit"].copy(), dtype=codes["unit_dtype"], validate=False),
            "year": codes["year"].copy(),
            "value": np.concatenate(blocks_value),
            "quantile": pd.Categorical.from_codes(codes["quantile"].copy(), dtype=codes["quantile_dtype"], validate=False),
        })
    table.attrs.update({
        "seed": plan.seed, "draws": plan.draws, "param_hash": hash_run(plan),
        "data_hash": data_hash(plan.kreise), "workbook_version": __version__,
        "scenarios": scen_ids, "topics": list(plan.topics), "years": [int(YEARS[0]), int(YEARS[-1])],
    })
    return table


def _codes(plan: Plan, scen_ids: list[str], names: list[str], present: list[tuple[int, int]],
           q_names: list[str], k: int, t: int) -> dict:
    """The long table's code columns; order within a block: quantile, ags, year."""
    nq, n_blocks, size = len(q_names), len(present), len(q_names) * k * t
    scen_codes = np.repeat(np.array([si for si, _ in present], dtype=np.int16), size)
    ind_codes = np.repeat(np.array([ii for _, ii in present], dtype=np.int32), size)
    units = [plan.indicators[n].unit if n in plan.indicators else "" for n in names]
    unit_cats = list(dict.fromkeys(units))
    unit_of_ind = np.array([unit_cats.index(u) for u in units], dtype=np.int16)
    return {
        "scenario": scen_codes, "indicator": ind_codes, "unit": unit_of_ind[ind_codes],
        "quantile": np.tile(np.repeat(np.arange(nq, dtype=np.int8), k * t), n_blocks),
        "ags": np.tile(np.repeat(np.arange(k, dtype=np.int32), t), nq * n_blocks),
        "year": np.tile(YEARS, nq * k * n_blocks).astype(np.int64),
        "scenario_dtype": pd.CategoricalDtype(pd.Index(scen_ids)),
        "indicator_dtype": pd.CategoricalDtype(pd.Index(names)),
        "unit_dtype": pd.CategoricalDtype(pd.Index(unit_cats)),
        "quantile_dtype": pd.CategoricalDtype(pd.Index(q_names)),
    }


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


def project_each(ags, scenarios="all", draws: int = 1000, seed: int = DEFAULT_SEED, topics="all",
                 overrides: Mapping[str, float] | None = None, *, kreise: pd.DataFrame | None = None,
                 chunk: int | None = None, workers: int | None = None) -> dict[str, pd.DataFrame]:
    """``{place: project([place], ...)}`` for several places from one engine run.

    One run for many places costs about 40 ms a place against about 95 ms for a place run alone
    (1,000 draws x 6 scenarios; the parameter runs, the cooperation plan and the models' work on
    the run axis are shared). Each table equals the one ``project`` gives for that place alone,
    value for value and bit for bit (the models sum place by place, ``models.placewise``; test:
    ``tests/test_engine_blocks.py``), with that place's own ``data_hash``. ``ags``: a list or a
    comma-separated text of Kreis and Gemeinde keys (the keys as ``project`` takes them);
    ``workers``: threads (``simulate``; the batch's processes fill the cores already: 1).
    """
    places = [normalise_ags(a) for a in (ags.split(",") if isinstance(ags, str) else ags)]
    levels = [[a for a in places if len(a) != 8], [a for a in places if len(a) == 8]]
    if all(levels):
        # Kreise and Gemeinden run apart: in one table the Kreise's rows would leave the
        # Gemeinde-only columns empty and turn their whole-number columns into floats, which
        # changes a Gemeinde's data hash
        return {place: table for group in levels for place, table in
                project_each(group, scenarios, draws, seed, topics, overrides, kreise=kreise, chunk=chunk,
                                          workers=workers).items()}
    plan = prepare(places, scenarios, draws, seed, topics, overrides, kreise=kreise)
    reduced = simulate(plan, chunk=chunk, workers=workers)
    out: dict[str, pd.DataFrame] = {}
    layout: dict = {}
    for k, place in enumerate(plan.kreise["ags"].astype(str)):
        one = replace(plan, kreise=plan.kreise.iloc[k:k + 1].reset_index(drop=True))
        out[place] = to_long(one, {sid: {name: arr[:, k:k + 1] for name, arr in by_name.items()}
                                   for sid, by_name in reduced.items()}, layout)
    return out
