"""Key 2030 figures of one report, for the batch's index page.

The project's report (``workbook.apps.kreis_report.ReportApp`` with
``interactive=False``) publishes its own figures as an
``application/vnd.workbook.summary+json`` output, computed from the result
table it has drawn (``workbook.findings.summary_figures``); the batch takes them
from the executed notebook and removes that output from the report.

:func:`key_figures` is the fallback for a notebook (``--notebook``) that
shows no figures of its own: the batch then runs it in the report's kernel
right after the report (a hidden cell that is not part of the saved
notebook), with the same parameters: ``engine.project`` for the Kreis, median
(p50) in 2030, or the default run when the report was made without draws.
"""

from __future__ import annotations

from ..findings import SUMMARY_INDICATORS as INDICATORS
from ..findings import YEAR
from ..findings import summary_figures as _summary_figures


def figures_from_results(results, indicators=INDICATORS, year: int = YEAR) -> dict:
    """``{"year", "quantile", "values": {scenario: {indicator: value}}, "units": {indicator: unit}}``."""
    return _summary_figures(results, tuple(indicators), year)


def key_figures(ags: str, scenario="all", draws: int = 1000, seed: int = 20211) -> dict:
    """The key figures of the report for ``ags`` (same arguments as the notebook)."""
    from ..engine import project

    scenarios = scenario
    if isinstance(scenario, str) and scenario != "all" and not scenario.endswith((".yml", ".yaml")):
        scenarios = [s.strip() for s in scenario.split(",") if s.strip()]
    results = project(ags=[ags], scenarios=scenarios, draws=int(draws), seed=int(seed))
    return figures_from_results(results)
