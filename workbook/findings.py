"""Report content for one Kreis: key figures, the plain-German summary, the list of estimates.

Pure functions of the long result table (``workbook.engine.project``) and the
base data; ``workbook.apps.kreis_report`` lays them out with the charts. Every
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
        # the cooperation app's focus: S4 where the report has it, else the first scenario
        focus = "S4" if "S4" in scenarios else scenarios[0]
        p5 = _pick(results, "coop.saving_eur", focus, YEAR, "p5") if "coop.saving_eur" in present else None
        if p5 is not None and not (results["quantile"] == "p5").any():
            p5 = None
        paragraphs.append(_coop_sentence(coop, name, p5))

    if n_data_estimates is not None and n_assumptions is not None:
        paragraphs.append(R.SUM_ESTIMATES.format(n_data=n_data_estimates, n_params=n_assumptions))
    return paragraphs


def _coop_sentence(coop: dict, name: str, saving_p5: float | None = None) -> str:
    """The cooperation paragraph; ``saving_p5``: the 5 % quantile of this Kreis' own yearly
    saving (Monte Carlo). A negative one is said: under unfavourable assumptions the
    cooperation costs the Kreis more than going alone."""
    partners = coop.get("partners") or []
    if not partners:
        return R.SUM_COOP_NO_PARTNER.format(name=name)
    losers = coop.get("pays_more") or []
    tail = (R.SUM_COOP_SOME_WORSE.format(names="; ".join(losers)) if losers else R.SUM_COOP_NONE_WORSE)
    text = R.SUM_COOP.format(partners="; ".join(partners), scenario=coop.get("scenario_title", ""),
                             saving=fmt_eur(round(float(coop.get("saving_eur", 0.0)), -2)), losers=tail)
    if saving_p5 is not None:
        if saving_p5 < 0:
            text += " " + R.SUM_COOP_RISK.format(name=name, value=fmt_eur(round(-saving_p5, -2)))
        else:
            text += " " + R.SUM_COOP_SAFE.format(name=name, value=fmt_eur(round(saving_p5, -2)))
    return text


#: Kreis columns the models read, in the order of the "Wo steht der Kreis?" table (those the
#: registry and the table have are shown; estimated values are left to the estimates table).
MODEL_INPUTS: tuple[str, ...] = (
    "population_2019", "density_per_km2", "share_50_64", "share_65_74", "share_75plus", "share_65plus",
    "gigabit_share", "wfh_feas", "wfh_precovid", "commuters_50km_share", "academic_share",
    "household_income_eur_month", "gp_per_10k", "time_to_oberzentrum_min", "offline_share",
)


def _source_year(col) -> str:
    """The year of a column's figure: the registry's ``year`` where it has one, else the last
    four-digit year named in its source or description, else '–'."""
    import re

    year = getattr(col, "year", None)
    if year:
        return str(year)
    found = re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", f"{col.source} {col.description_de}")
    return found[-1] if found else "–"


def rank_text(values: pd.Series, me: str) -> str:
    """'3 von 12': rank of ``me`` (an index label) from the highest value down; ties share the best rank."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    if me not in v.index:
        return "–"
    rank = int((v > v[me]).sum()) + 1
    return R.RANK.format(rank=rank, n=len(v))


def where_it_stands(ags: str, kreise: pd.DataFrame | None = None,
                    columns: tuple[str, ...] = MODEL_INPUTS) -> pd.DataFrame:
    """"Wo steht der Kreis?": every real (official or own) input the models read, with its value,
    year and source and the Kreis' rank among the Kreise of its Land and of its Kreistyp
    (1 = highest value). Estimated inputs are left out; the estimates table lists them."""
    from .apps.common import value_status
    from .data.schema import COLUMNS
    from .texts import charts as TC
    from .texts import fmt_unit

    if kreise is None:
        from .data import load_kreise
        kreise = load_kreise()
    k = kreise.assign(ags=kreise["ags"].astype(str)).set_index("ags", drop=False)
    me = k.loc[ags]
    status = value_status(ags)
    same_land = k[k["land_ags"] == me["land_ags"]]
    same_type = k[k["settlement_type"] == me["settlement_type"]]
    type_label = TC.SETTLEMENT_TYPE_LABELS.get(str(me["settlement_type"]), str(me["settlement_type"]))
    rows = []
    for name in columns:
        col = COLUMNS.get(name)
        if col is None or name not in k.columns:
            continue
        st = status.get(name, col.status)
        if st not in ("fact", "local"):
            continue
        value = pd.to_numeric(pd.Series([me[name]]), errors="coerce").iloc[0]
        if pd.isna(value):
            continue
        unit = None if col.share or col.unit in ("", "1") else col.unit
        digits = 1 if col.share else (0 if col.dtype == "int" or abs(float(value)) >= 100 else 2)
        rows.append({
            R.COL_FIGURE: col.label_de,
            R.COL_VALUE: fmt_unit(float(value), unit, digits, percent=col.share),
            R.COL_YEAR: _source_year(col) if st == "fact" else R.DATA_STATUS["local"],
            R.COL_SOURCE: col.source_de if st == "fact" else R.DATA_STATUS["local"],
            R.COL_RANK_LAND.format(land=me["land_name"]): rank_text(same_land[name], ags),
            R.COL_RANK_TYPE.format(kreistyp=type_label): rank_text(same_type[name], ags),
        })
    cols = [R.COL_FIGURE, R.COL_VALUE, R.COL_YEAR, R.COL_SOURCE,
            R.COL_RANK_LAND.format(land=me["land_name"]), R.COL_RANK_TYPE.format(kreistyp=type_label)]
    return pd.DataFrame(rows, columns=cols)


def estimated_inputs(ags: str, parameter_keys=None) -> pd.DataFrame:
    """Every input of the report that is not an official figure: data estimates and assumptions."""
    from .apps.common import value_status
    from .data import load_kreise
    from .data.schema import COLUMNS
    from .params import load_parameters
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
    replaced = replaced_parameters(ags, row, status)
    keys = tuple(key for key in keys if key not in replaced)
    rows.extend(_parameter_rows(params, keys))
    return pd.DataFrame(rows, columns=[R.COL_INPUT, R.COL_VALUE, R.COL_RANGE, R.COL_STATUS, R.COL_METHOD])


#: parameters that real data replace for a Kreis: key -> Kreis columns that must all be real
#: (official or own) for the model to use the data instead of the parameter
DATA_REPLACES: dict[str, tuple[str, ...]] = {
    "tele.distance_km_urban": ("gp_per_10k", "area_km2"),
    "tele.distance_km_rural": ("gp_per_10k", "area_km2"),
}


def replaced_parameters(ags: str, row: pd.Series, status: dict[str, str]) -> set[str]:
    """Parameter keys the models do not use for this Kreis because real data take their place
    (they are left out of the estimates table): the urban/rural GP distances where GP density
    and area are real, the assumed gigabit rate and the urban/rural 100-Mbit/s shares where the
    Kreis has an observed Breitbandatlas series."""
    out = set()
    for key, columns in DATA_REPLACES.items():
        if all(c in row.index and pd.notna(row[c]) and status.get(c) in ("fact", "local") for c in columns):
            out.add(key)
    try:
        from .data import load_broadband_history
        from .models.digitalisation import GIGABIT_MBIT
        hist = load_broadband_history()
    except (ImportError, FileNotFoundError):
        hist = None
    if hist is not None:
        mine = hist[(hist["ags"].astype(str) == ags)
                    & (pd.to_numeric(hist["threshold_mbit"], errors="coerce") == GIGABIT_MBIT)]
        if len(mine):
            out.add("ddi.infra.rate")
        hundred = hist[(hist["ags"].astype(str) == ags) & (pd.to_numeric(hist["threshold_mbit"], errors="coerce") == 100)]
        if len(hundred):
            out.update({"divide.access.broadband_urban", "divide.access.broadband_rural"})
    return out


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
