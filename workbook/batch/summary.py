"""Key 2030 figures of one report, for the batch's index page.

Runs inside the report's kernel right after the report (a hidden cell that is
not part of the saved notebook), with the same parameters, so the figures are
the report's own: ``engine.project`` for the Kreis, median (p50) in 2030, or
the default run when the report was made without Monte Carlo draws.
"""

from __future__ import annotations

import math

YEAR = 2030

#: the figures the index page can show (those the results hold are kept)
INDICATORS: tuple[str, ...] = (
    "ddi.index",
    "divide.online_share",
    "divide.online_share_65plus",
    "tele.co2_avoided_t",
    "resilience.cyber_continuity",
)


def figures_from_results(results, indicators=INDICATORS, year: int = YEAR) -> dict:
    """``{"year", "values": {scenario: {indicator: value}}, "units": {indicator: unit}}``."""
    df = results[(results["year"] == year) & (results["indicator"].isin(list(indicators)))]
    quantile = "p50" if (df["quantile"] == "p50").any() else "default"
    df = df[df["quantile"] == quantile]
    values: dict[str, dict[str, float]] = {}
    units: dict[str, str] = {}
    for row in df.itertuples(index=False):
        v = float(row.value)
        if not math.isfinite(v):
            continue
        values.setdefault(str(row.scenario), {})[str(row.indicator)] = v
        units[str(row.indicator)] = str(row.unit)
    return {"year": year, "quantile": quantile, "values": values, "units": units}


def key_figures(ags: str, scenario="all", draws: int = 1000, seed: int = 20211) -> dict:
    """The key figures of the report for ``ags`` (same arguments as the notebook)."""
    from ..engine import project

    scenarios = scenario
    if isinstance(scenario, str) and scenario != "all" and not scenario.endswith((".yml", ".yaml")):
        scenarios = [s.strip() for s in scenario.split(",") if s.strip()]
    results = project(ags=[ags], scenarios=scenarios, draws=int(draws), seed=int(seed))
    return figures_from_results(results)
