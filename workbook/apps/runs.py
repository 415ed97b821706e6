"""Engine runs an app process keeps: a Gemeinde report's Kreis, and the places the batch renders
next in this process.

* :func:`companion_results`: one place's run, kept by everything it depends on (the report of
  a Gemeinde compares it with its Kreis; the batch renders a Kreis's Gemeinden one after the
  other and computes their Kreis once).
* :func:`expect_places` / :func:`expected_results`: the batch tells a kernel which places it
  renders next (its share of one Kreis's Gemeinden, ``workbook.batch.executors``); the first of
  them to need its results runs the engine once for all of them (``engine.project_each``: about
  40 ms a place instead of 95 ms alone). Each place's table is the one it gets alone, bit for bit.

Tables are shared, not copied: read them only.
"""

from __future__ import annotations

from collections import OrderedDict

import pandas as pd

_COMPANIONS: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_COMPANIONS_SIZE = 8

#: the places the batch renders next in this process, in its order (``expect_places``)
_EXPECTED: tuple[str, ...] = ()
#: the run of the expected places: {run key: table}; replaced by the next block's run
_BLOCK: dict[tuple, pd.DataFrame] = {}


def _versions() -> tuple:
    from ..data import kreise_version
    from ..params import load_parameters

    return kreise_version(), load_parameters().hash()


def _run_key(ags: str, scenarios: list, topics, overrides: dict | None, draws: int, seed: int,
             versions: tuple) -> tuple:
    """Everything a place's run depends on: the place, the scenarios (a user's scenario by its
    changes), topics, overrides, draws, seed, the data version (``data.kreise_version``: shipped
    files and the user's overlay) and the parameters' hash."""
    scen = tuple(sc if isinstance(sc, str) else (sc.id, tuple(sorted(sc.changes.items()))) for sc in scenarios)
    return (str(ags), scen, str(topics), tuple(sorted((overrides or {}).items())), int(draws), int(seed),
            *versions)


def companion_results(ags: str, scenarios: list, topics, overrides: dict, draws: int, seed: int) -> pd.DataFrame:
    """``engine.project`` for one place, kept per process by everything its result depends on
    (:func:`_run_key`). The few most recent runs are kept."""
    from ..engine import project

    key = _run_key(ags, scenarios, topics, overrides, draws, seed, _versions())
    hit = _COMPANIONS.get(key)
    if hit is not None:
        _COMPANIONS.move_to_end(key)
        return hit
    table = project(ags=[str(ags)], scenarios=list(scenarios), draws=draws, seed=seed, topics=topics,
                    overrides=dict(overrides) or None)
    _COMPANIONS[key] = table
    while len(_COMPANIONS) > _COMPANIONS_SIZE:
        _COMPANIONS.popitem(last=False)
    return table


def expect_places(places) -> None:
    """The places this process renders next (the batch's hint; an empty list: none)."""
    global _EXPECTED
    _EXPECTED = tuple(dict.fromkeys(str(p) for p in places))


def expected_results(ags: str, scenarios: list, topics, overrides: dict | None, draws: int,
                     seed: int) -> pd.DataFrame | None:
    """The run of ``ags`` when it is one of two or more expected places (computed for all
    expected places that have no run yet, in one engine run), else None."""
    place = str(ags)
    if len(_EXPECTED) < 2 or place not in _EXPECTED:
        return None
    versions = _versions()
    key = _run_key(place, scenarios, topics, overrides, draws, seed, versions)
    hit = _BLOCK.get(key)
    if hit is not None:
        return hit
    from ..engine import project_each

    keys = {p: _run_key(p, scenarios, topics, overrides, draws, seed, versions) for p in _EXPECTED}
    todo = [p for p, k in keys.items() if k not in _BLOCK]
    tables = project_each(todo, scenarios=list(scenarios), draws=draws, seed=seed, topics=topics,
                          overrides=dict(overrides or {}) or None, workers=1)
    wanted = set(keys.values())
    for k in [k for k in _BLOCK if k not in wanted]:     # runs of places no longer expected
        del _BLOCK[k]
    for p, table in tables.items():
        _BLOCK[keys[p]] = table
    from .common import keep_gemeinde_rows

    keep_gemeinde_rows([p for p in todo if len(p) == 8])   # their rows for the texts, also in one go
    return _BLOCK[key]
