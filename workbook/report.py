"""Report content for one Kreis: key figures, the plain-German summary, the list of estimates.

Pure functions of the long result table (``workbook.engine.project``) and the
base data; ``workbook.apps.report`` lays them out with the charts. Every
sentence of the summary is built from a number in the table; a topic whose
indicators are missing from the table is left out, never filled in.
"""

from __future__ import annotations

import pandas as pd

from .texts import fmt_eur, fmt_int, fmt_number, fmt_percent
from .texts import report as R

YEAR = 2030
START = 2021

#: indicators of the key-figure table, in order (those present in the results are shown)
KEY_FIGURES: tuple[str, ...] = (
    "ddi.index",
    "ddi.index_geo",
    "divide.online_share",
    "divide.online_share_65plus",
    "divide.offliners_65plus",
    "divide.cost_per_new_onliner_eur",
    "divide.pupil_devices_needed",
    "tele.video_share_effective",
    "tele.trips_avoided",
    "tele.car_km_avoided",
    "tele.co2_avoided_t",
    "tele.patient_hours_saved",
    "tele.gp_capacity_gap_share",
    "resilience.lockdown_continuity",
    "resilience.cyber_continuity",
    "coop.cluster_size",
    "coop.saving_eur",
)


def _pick(results: pd.DataFrame, indicator: str, scenario: str, year: int = YEAR,
          quantile: str = "p50") -> float | None:
    from .apps.common import pick

    return pick(results, indicator, scenario, year, quantile)


def _share(x: float | None) -> str:
    return "–" if x is None else fmt_percent(x, 0)


def _points(x: float) -> str:
    return f"{fmt_number(abs(x) * 100, 0)} Prozentpunkte"


#: mime type under which a static report publishes its own key figures (read by the batch's index page)
SUMMARY_MIME = "application/vnd.workbook.summary+json"

#: the figures of the batch's index page (those the results hold are kept)
SUMMARY_INDICATORS: tuple[str, ...] = (
    "ddi.index",
    "divide.online_share",
    "divide.online_share_65plus",
    "tele.co2_avoided_t",
    "resilience.cyber_continuity",
)


def summary_figures(results: pd.DataFrame, indicators: tuple[str, ...] = SUMMARY_INDICATORS,
                    year: int = YEAR) -> dict:
    """Key figures in plain numbers (JSON): ``{"year", "quantile", "values": {scenario: {indicator:
    value}}, "units": {indicator: unit}}``; the median (p50) in ``year``, or the default run when the
    table has no Monte Carlo quantiles. Non-finite values are left out."""
    import math

    df = results[(results["year"] == year) & (results["indicator"].isin(list(indicators)))]
    quantile = "p50" if (df["quantile"] == "p50").any() else "default"
    df = df[df["quantile"] == quantile]
    values: dict[str, dict[str, float]] = {}
    units: dict[str, str] = {}
    for scen, ind, unit, value in zip(df["scenario"], df["indicator"], df["unit"], df["value"]):
        v = float(value)
        if not math.isfinite(v):
            continue
        values.setdefault(str(scen), {})[str(ind)] = v
        units[str(ind)] = str(unit)
    return {"year": year, "quantile": quantile, "values": values, "units": units}


def key_figures(results: pd.DataFrame, scenarios: list[str] | None = None,
                indicators: tuple[str, ...] = KEY_FIGURES, year: int = YEAR) -> pd.DataFrame:
    """Formatted table: key figure x scenario (median with 90 % band), German strings."""
    from .apps.common import figures_table

    scenarios = scenarios or list(dict.fromkeys(results["scenario"]))
    return figures_table(results, indicators, scenarios, year)


def summary_de(results: pd.DataFrame, name: str, scenario_titles: dict[str, str] | None = None,
               coop: dict | None = None, n_data_estimates: int | None = None,
               n_assumptions: int | None = None) -> list[str]:
    """Plain-German paragraphs summarising the results for one Kreis (each from table values)."""
    titles = scenario_titles or {}
    paragraphs: list[str] = []
    present = set(results["indicator"])
    scenarios = list(dict.fromkeys(results["scenario"]))
    trend = "S0" if "S0" in scenarios else scenarios[0]
    if trend == "S0":
        where, where_start = R.WHERE_TREND, R.WHERE_TREND_START
    else:
        where = R.WHERE_SCENARIO.format(title=titles.get(trend, trend), sid=trend)
        where_start = R.WHERE_SCENARIO_START.format(title=titles.get(trend, trend), sid=trend)

    if "ddi.index" in present:
        now = _pick(results, "ddi.index", trend, START)
        end = _pick(results, "ddi.index", trend, YEAR)
        text = R.SUM_DDI_TREND.format(Where=where_start, name=name, year=YEAR, value=_share(end), start=_share(now))
        lo, hi = _pick(results, "ddi.index", trend, YEAR, "p5"), _pick(results, "ddi.index", trend, YEAR, "p95")
        band = None
        if lo is not None and hi is not None and (results["quantile"] == "p5").any():
            text += R.SUM_DDI_TREND_BAND.format(lo=_share(lo), hi=_share(hi))
            band = hi - lo
        if len(scenarios) > 1:
            values = {s: _pick(results, "ddi.index", s, YEAR) for s in scenarios}
            values = {s: v for s, v in values.items() if v is not None}
            best = max(values, key=values.get)
            worst = min(values, key=values.get)
            gap = values[best] - values[worst]
            text += " " + R.SUM_DDI_RANGE.format(best=best, best_title=titles.get(best, best), worst=worst,
                                                 worst_title=titles.get(worst, worst), gap=_points(gap))
            if band is not None:
                text += " " + (R.SUM_DDI_GAP_LARGE if gap > band else R.SUM_DDI_GAP_SMALL)
        paragraphs.append(text)
        subs = {}
        from .charts import indicator_label

        for ind in sorted(i for i in present if i.startswith("ddi.") and i not in ("ddi.index", "ddi.index_geo")):
            v = _pick(results, ind, trend, YEAR)
            if v is not None:
                subs[ind] = v
        if subs:
            weakest = min(subs, key=subs.get)
            paragraphs.append(R.SUM_WEAKEST.format(year=YEAR, label=indicator_label(weakest),
                                                   value=_share(subs[weakest])))

    if "divide.online_share_65plus" in present:
        text = R.SUM_DIVIDE.format(where=where, year=YEAR, value=_share(_pick(results, "divide.online_share_65plus", trend)),
                                   start=_share(_pick(results, "divide.online_share_65plus", trend, START)))
        cost = _pick(results, "divide.cost_per_new_onliner_eur", trend)
        if cost is not None and cost > 0:
            text += R.SUM_DIVIDE_COST.format(value=fmt_eur(cost))
        paragraphs.append(text)

    if "tele.trips_avoided" in present:
        trips = _pick(results, "tele.trips_avoided", trend)
        km = _pick(results, "tele.car_km_avoided", trend)
        if trips is not None and km is not None:
            text = R.SUM_TELE.format(where=where, year=YEAR, trips=fmt_int(round(trips, -2)), km=fmt_int(round(km, -3)))
            gap = _pick(results, "tele.gp_capacity_gap_share", trend)
            if gap is not None:
                text += R.SUM_TELE_GAP.format(year=YEAR, value=_share(gap))
            paragraphs.append(text)

    if "resilience.lockdown_continuity" in present:
        paragraphs.append(R.SUM_RES.format(where=where, year=YEAR, value=_share(
            _pick(results, "resilience.lockdown_continuity", trend))))

    if coop:
        paragraphs.append(_coop_sentence(coop, name))

    if n_data_estimates is not None and n_assumptions is not None:
        paragraphs.append(R.SUM_ESTIMATES.format(n_data=n_data_estimates, n_params=n_assumptions))
    return paragraphs


def _coop_sentence(coop: dict, name: str) -> str:
    partners = coop.get("partners") or []
    if not partners:
        return R.SUM_COOP_NO_PARTNER.format(name=name)
    losers = coop.get("pays_more") or []
    tail = (R.SUM_COOP_SOME_WORSE.format(names="; ".join(losers)) if losers else R.SUM_COOP_NONE_WORSE)
    return R.SUM_COOP.format(partners="; ".join(partners), scenario=coop.get("scenario_title", ""), saving=fmt_eur(round(float(coop.get("saving_eur", 0.0)), -2)),
                             losers=tail)


def estimated_inputs(ags: str, parameter_keys=None) -> pd.DataFrame:
    """Every input of the report that is not an official figure: data estimates and assumptions."""
    from .apps.common import value_status
    from .datasets import load_kreise
    from .params import load_parameters
    from .schema import COLUMNS
    from .texts import fmt_unit

    k = load_kreise()
    row = k.loc[k["ags"] == ags].iloc[0]
    status = value_status(ags)
    rows = []
    for col_name, col in COLUMNS.items():
        st = status.get(col_name, col.status)
        if st == "fact":
            continue
        value = row[col_name]
        if col.dtype == "category" or isinstance(value, str):
            text = str(value)
        else:
            text = fmt_unit(float(value), col.unit if col.unit else None, 2 if not col.share else 1,
                            percent=col.share)
        rows.append({R.COL_INPUT: col.label_de, R.COL_VALUE: text, R.COL_RANGE: "–",
                     R.COL_STATUS: R.DATA_STATUS.get(st, st),
                     R.COL_METHOD: f"{col.source}: {col.description_de}" if st != "local" else R.DATA_STATUS["local"]})
    params = load_parameters()
    keys = tuple(parameter_keys) if parameter_keys is not None else tuple(params)
    rows.extend(_parameter_rows(params, keys))
    return pd.DataFrame(rows, columns=[R.COL_INPUT, R.COL_VALUE, R.COL_RANGE, R.COL_STATUS, R.COL_METHOD])


_PARAM_ROWS: dict[tuple, tuple] = {}


def _parameter_rows(params, keys: tuple) -> list[dict]:
    """The assumption rows of :func:`estimated_inputs` (the same for every Kreis: kept per parameter set)."""
    from .texts import fmt_unit

    entry = _PARAM_ROWS.get((id(params), keys))
    if entry is not None and entry[0] is params:
        return [dict(r) for r in entry[1]]
    rows = []
    for key in keys:
        rec = params[key]
        if rec.status == "fact":
            continue
        ref = rec.reference
        rows.append({
            R.COL_INPUT: rec.label_de,
            R.COL_VALUE: fmt_unit(rec.default, rec.unit, percent=False),
            R.COL_RANGE: f"{fmt_unit(rec.min, rec.unit, percent=False)} bis {fmt_unit(rec.max, rec.unit, percent=False)}",
            R.COL_STATUS: R.PARAM_STATUS.get(rec.status, rec.status),
            R.COL_METHOD: f"{ref.title}, {ref.publisher} {ref.year}",
        })
    if len(_PARAM_ROWS) > 8:
        _PARAM_ROWS.clear()
    _PARAM_ROWS[(id(params), keys)] = (params, rows)
    return [dict(r) for r in rows]
