"""The long Result table from the reduced arrays, and ``project()``: prepare, simulate, table."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import __version__
from ..results import COLUMNS, QUANTILES
from .selection import DEFAULT_SEED, YEARS
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
