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
            "scenario": pd.Categorical.from_codes(scen_codes, categories=pd.Index(scen_ids)),
            "ags": pd.Categorical.from_codes(ags_codes, categories=pd.Index(ags)),
            "indicator": pd.Categorical.from_codes(ind_codes, categories=pd.Index(names)),
            "unit": pd.Categorical.from_codes(unit_of_ind[ind_codes], categories=pd.Index(unit_cats)),
            "year": years.astype(np.int64),
            "value": value,
            "quantile": pd.Categorical.from_codes(q_codes, categories=pd.Index(q_names)),
        })
    table.attrs.update({
        "seed": plan.seed, "draws": plan.draws, "param_hash": hash_run(plan),
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
    for k, place in enumerate(plan.kreise["ags"].astype(str)):
        one = replace(plan, kreise=plan.kreise.iloc[k:k + 1].reset_index(drop=True))
        out[place] = to_long(one, {sid: {name: arr[:, k:k + 1] for name, arr in by_name.items()}
                                   for sid, by_name in reduced.items()})
    return out
