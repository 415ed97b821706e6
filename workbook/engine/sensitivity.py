"""The tornado: one-at-a-time sensitivity of one indicator for one Kreis and scenario."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..errors import SelectionError
from ..models.uncertainty import lever_shares
from ..models.uncertainty import tornado as _tornado
from ..params import Scenario
from .selection import DEFAULT_SEED, YEARS, check_int
from .simulation import hash_run, prepare, run_models


def tornado(ags, indicator: str = "ddi.index", year: int = 2030, scenario="S0",
            overrides: Mapping[str, float] | None = None, *, kreise: pd.DataFrame | None = None,
            keys: Iterable[str] | None = None, topics="all") -> pd.DataFrame:
    """One-at-a-time sensitivity of ``indicator`` in ``year`` for one Kreis and scenario.

    Each sampled parameter (or each of ``keys``) goes to its min and its max while
    all others stay at the scenario's resolved values; one batched model run.
    ``attrs['lever_shares']`` holds the share of the swing per lever group.
    """
    year = check_int("year", year, int(YEARS[0]), int(YEARS[-1]))
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
                        "param_hash": hash_run(plan)})
    return table
