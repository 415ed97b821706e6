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
               n_assumptions: int | None = None, gemeinde: bool = False,
               comparison: str = "") -> list[str]:
    """Plain-German paragraphs summarising the results for one Kreis (each from table values).

    ``gemeinde``: the place is a Gemeinde (its own wording); ``comparison``: a sentence (built from
    the tables of its Kreis and its peers) added to the first paragraph."""
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
            text += " " + (R.SUM_DDI_RANGE_GEMEINDE if gemeinde else R.SUM_DDI_RANGE).format(best=best, best_title=titles.get(best, best), worst=worst,
                                                 worst_title=titles.get(worst, worst), gap=_points(gap))
            if band is not None:
                text += " " + (R.SUM_DDI_GAP_LARGE if gap > band else R.SUM_DDI_GAP_SMALL)
        paragraphs.append(text)
        if comparison:
            paragraphs.append(comparison)
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
        paragraphs.append((R.SUM_ESTIMATES_GEMEINDE if gemeinde else R.SUM_ESTIMATES).format(
            n_data=n_data_estimates, n_params=n_assumptions))
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
    """The year of a column's figure (``apps.common.source_year``)."""
    from .apps.common import source_year

    return source_year(col)


def _fmt_input(col, value: float) -> str:
    """An input as the "Wo steht ...?" tables show it: shares in %, counts whole, the unit named."""
    from .texts import fmt_unit

    unit = None if col.share or col.unit in ("", "1") else col.unit
    digits = 1 if col.share else (0 if col.dtype == "int" or abs(float(value)) >= 100 else 2)
    return fmt_unit(float(value), unit, digits, percent=col.share)


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
        rows.append({
            R.COL_FIGURE: col.label_de,
            R.COL_VALUE: _fmt_input(col, float(value)),
            R.COL_YEAR: _source_year(col) if st == "fact" else R.DATA_STATUS["local"],
            R.COL_SOURCE: col.source_de if st == "fact" else R.DATA_STATUS["local"],
            R.COL_RANK_LAND.format(land=me["land_name"]): rank_text(same_land[name], ags),
            R.COL_RANK_TYPE.format(kreistyp=type_label): rank_text(same_type[name], ags),
        })
    cols = [R.COL_FIGURE, R.COL_VALUE, R.COL_YEAR, R.COL_SOURCE,
            R.COL_RANK_LAND.format(land=me["land_name"]), R.COL_RANK_TYPE.format(kreistyp=type_label)]
    return pd.DataFrame(rows, columns=cols)


def estimated_inputs(ags: str, parameter_keys=None) -> pd.DataFrame:
    """Every input of the report that is not an official figure: data estimates and assumptions.

    For a Gemeinde each row's source starts with its Bezugsgebiet (``R.ORIGIN_IN_METHOD``): the
    estimates are its Kreis's values, the assumptions hold for every place alike."""
    from .apps.common import is_gemeinde, place_row, value_status
    from .data.schema import COLUMNS
    from .params import load_parameters
    from .texts import fmt_unit
    from .texts import places as P

    gemeinde = is_gemeinde(ags)
    if gemeinde:
        row = place_row(ags)
        origin = row.attrs["origin"]
    else:
        from .data import load_kreise

        k = load_kreise()
        row = k.loc[k["ags"] == ags].iloc[0]
        origin = {}
    status = value_status(ags)
    rows = []
    for col_name, col in COLUMNS.items():
        st = status.get(col_name, col.status)
        if st == "fact" or (gemeinde and (st == "derived" or col_name not in origin)):
            continue   # a Gemeinde's figures moved from its own are in "Wo steht die Gemeinde?"
        value = row[col_name]
        if col.dtype == "category" or isinstance(value, str):
            text = str(value)
        else:
            text = fmt_unit(float(value), col.unit if col.unit else None, 2 if not col.share else 1,
                            percent=col.share)
        entry = {R.COL_INPUT: col.label_de, R.COL_VALUE: text, R.COL_RANGE: "–",
                 R.COL_STATUS: R.DATA_STATUS.get(st, st),
                 R.COL_METHOD: f"{col.source}: {col.description_de}" if st != "local" else R.DATA_STATUS["local"]}
        if gemeinde:
            entry[R.COL_METHOD] = R.ORIGIN_IN_METHOD.format(
                origin=P.ORIGIN_LABELS.get(origin[col_name], origin[col_name]), method=entry[R.COL_METHOD])
        rows.append(entry)
    params = load_parameters()
    keys = tuple(parameter_keys) if parameter_keys is not None else tuple(params)
    # a Gemeinde's broadband series is its Kreis's (the models fit the Kreis's pace)
    replaced = replaced_parameters(str(row["kreis_ags"]) if gemeinde else ags, row, status)
    keys = tuple(key for key in keys if key not in replaced)
    param_rows = _parameter_rows(params, keys)
    if gemeinde:
        for entry in param_rows:
            entry[R.COL_METHOD] = R.ORIGIN_IN_METHOD.format(origin=R.ORIGIN_PARAMETER, method=entry[R.COL_METHOD])
    rows.extend(param_rows)
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


# -- a Gemeinde: its Kreis and the Gemeinden of its type --------------------------------------

#: indicators of the table "Die Gemeinde und ihr Kreis" (shares and levels, comparable across sizes)
KREIS_COMPARISON: tuple[str, ...] = (
    "ddi.index",
    "divide.online_share",
    "divide.online_share_65plus",
    "tele.video_share_effective",
    "tele.gp_capacity_gap_share",
    "resilience.lockdown_continuity",
    "resilience.cyber_continuity",
    "coop.cluster_size",
    "coop.saving_share",
)
#: inputs of the comparison with the Gemeinden of the same type (their own figures)
PEER_INPUTS: tuple[str, ...] = ("population_2019", "density_per_km2", "gigabit_share", "gp_per_10k")
#: a Gemeinde's figures that are its own (or its Mittelbereich's): the ones a rank among Gemeinden means something for
RANKED_ORIGINS = ("gemeinde", "gemeinde_derived", "mittelbereich")
#: the scenario of the peers' DDI (one engine run at the default values per Land and type)
PEER_SCENARIO = "S0"
PEER_DDI = "ddi.index"

_PEERS: dict[tuple, pd.DataFrame] = {}


def gemeinde_peers(land_ags: str, type_name: str) -> pd.DataFrame:
    """Every Gemeinde of one Land and BBSR Stadt- und Gemeindetyp with the inputs of
    :data:`PEER_INPUTS` (NaN where the value is not the Gemeinde's own), its name and its
    digitalisation degree 2030 in the trend scenario at the default values (``ddi_2030``; one
    engine run for the whole group). Indexed by ``ags``; computed once per process, Land, type,
    data and parameters (the batch renders thousands of reports in one kernel)."""
    from .data import load_gemeinden, load_kreise
    from .data.places import gemeinde_inputs
    from .engine import project
    from .params import load_parameters

    kreise = load_kreise()
    local = kreise.attrs.get("local") or {}
    key = (str(land_ags), str(type_name), kreise.attrs.get("data_hash"),
           tuple(sorted((c, tuple(v)) for c, v in local.items())), load_parameters().hash())
    hit = _PEERS.get(key)
    if hit is not None:
        return hit
    gem = load_gemeinden()
    codes = gem.loc[(gem["ags"].str[:2] == str(land_ags)) & (gem["bbsr_sgtyp_name"] == str(type_name)),
                    "ags"].tolist()
    rows = gemeinde_inputs(codes, kreise)
    origin = rows.attrs["origin"]
    out = pd.DataFrame({"ags": rows["ags"].astype(str), "name": rows["name"].astype(str)})
    for name in PEER_INPUTS:
        own = [origin[a].get(name) in RANKED_ORIGINS for a in out["ags"]]
        out[name] = pd.to_numeric(rows[name], errors="coerce").where(own)
    res = project(ags=codes, scenarios=PEER_SCENARIO, draws=0, topics="divide,digitalisation")
    ddi = res[(res["indicator"] == PEER_DDI) & (res["year"] == YEAR) & (res["quantile"] == "default")]
    out["ddi_2030"] = out["ags"].map(pd.Series(ddi["value"].to_numpy(dtype=float), index=ddi["ags"].astype(str)))
    out = out.set_index("ags", drop=False)
    if len(_PEERS) >= 96:          # 16 Länder x 5 types fit
        _PEERS.clear()
    _PEERS[key] = out
    return out


def _peer_context(ags: str) -> dict:
    """The Gemeinde's row, its Kreis's row and its peers, with the names the texts use."""
    from .apps.common import kreis_label, kreis_row, place_row
    from .data.places import place_label
    from .texts import places as P

    row = place_row(ags)
    kreis = kreis_row(str(row["kreis_ags"]))
    type_name = str(row["bbsr_sgtyp_name"])
    peers = gemeinde_peers(str(ags)[:2], type_name)
    land = str(kreis["land_name"])
    return {"row": row, "kreis": kreis, "type": type_name, "peers": peers, "land": land,
            "in_land": P.in_land(land), "In_land": P.in_land(land, capital=True),
            "kreis_label": kreis_label(str(row["kreis_ags"])),
            "name": P.short_name(row["name"]), "label": place_label(ags),
            "enough": len(peers) >= R.MIN_PEERS}


def where_gemeinde_stands(ags: str, columns: tuple[str, ...] = MODEL_INPUTS) -> pd.DataFrame:
    """"Wo steht die Gemeinde?": every real input the models read for the Gemeinde with its value,
    its Bezugsgebiet (own, moved, Mittelbereich or Kreis: ``texts.places.ORIGIN_LABELS``), year and
    source, its Kreis's value beside it and the rank among the Gemeinden of the same type in its
    Land (only for its own figures). No Kreis total is shown as the Gemeinde's."""
    from .apps.common import input_source, value_status
    from .data.schema import COLUMNS
    from .texts import places as P

    ctx = _peer_context(ags)
    row, kreis, peers = ctx["row"], ctx["kreis"], ctx["peers"]
    origin = row.attrs["origin"]
    status = value_status(ags)
    rank_col = R.COL_RANK_PEERS
    rows = []
    for name in columns:
        col = COLUMNS.get(name)
        if col is None or name not in row.index or name not in origin:
            continue
        st = status.get(name, col.status)
        if st not in ("fact", "local", "derived"):
            continue
        value = pd.to_numeric(pd.Series([row[name]]), errors="coerce").iloc[0]
        if pd.isna(value):
            continue
        source, year, where = input_source(ags, name, st)
        kreis_value = pd.to_numeric(pd.Series([kreis.get(name)]), errors="coerce").iloc[0]
        rank = "–"
        if where in RANKED_ORIGINS and name in peers.columns and ctx["enough"]:
            rank = rank_text(peers[name], str(ags))
        rows.append({
            R.COL_FIGURE: col.label_de,
            R.COL_VALUE: _fmt_input(col, float(value)),
            R.COL_ORIGIN: P.ORIGIN_LABELS.get(str(where), str(where)),
            R.COL_YEAR: year,
            R.COL_SOURCE: source,
            R.COL_KREIS_VALUE: "–" if pd.isna(kreis_value) else _fmt_input(col, float(kreis_value)),
            rank_col: rank,
        })
    cols = [R.COL_FIGURE, R.COL_VALUE, R.COL_ORIGIN, R.COL_YEAR, R.COL_SOURCE, R.COL_KREIS_VALUE, rank_col]
    return pd.DataFrame(rows, columns=cols)


def kreis_comparison(results: pd.DataFrame, kreis_results: pd.DataFrame, name: str, kreis_name: str,
                     scenario: str, indicators: tuple[str, ...] = KREIS_COMPARISON,
                     year: int = YEAR) -> pd.DataFrame:
    """The same key figures of one scenario in ``year`` for the Gemeinde and for its Kreis, side by
    side (both from one engine run): Kennzahl | Gemeinde | Kreis."""
    from .apps.common import banded, indicator_label, unit_of, unit_suffix_of

    if name == kreis_name:      # a kreisfreie Stadt: the Gemeinde and its Kreis carry one name
        name, kreis_name = R.COL_SAME_NAME_GEMEINDE.format(name=name), R.COL_SAME_NAME_KREIS.format(name=kreis_name)
    present = set(results["indicator"]) & set(kreis_results["indicator"])
    rows = []
    for ind in indicators:
        if ind not in present:
            continue
        label = indicator_label(ind)
        suffix = unit_suffix_of(unit_of(results, ind))
        if suffix and suffix != "%" and suffix not in label and not label.endswith(")"):
            label = f"{label} ({suffix})"
        rows.append({R.COL_SCENARIO_FIGURE.format(sid=scenario): label,
                     name: banded(results, ind, scenario, year, unit_text=False),
                     kreis_name: banded(kreis_results, ind, scenario, year, unit_text=False)})
    return pd.DataFrame(rows, columns=[R.COL_SCENARIO_FIGURE.format(sid=scenario), name, kreis_name])


def kreis_comparison_sentence(results: pd.DataFrame, kreis_results: pd.DataFrame, name: str, kreis_name: str,
                              scenario: str, title: str, same_area: bool = False) -> str:
    """"Im Trend-Szenario (S0) erreicht Tübingen 2030 ..., Landkreis Tübingen als Ganzes ...": '' without
    DDI; ``same_area``: the Gemeinde is its Kreis's whole area (a kreisfreie Stadt), said as such."""
    mine, theirs = _pick(results, "ddi.index", scenario), _pick(kreis_results, "ddi.index", scenario)
    if mine is None or theirs is None:
        return ""
    where = R.WHERE_TREND_START if scenario == "S0" else R.WHERE_SCENARIO_START.format(title=title, sid=scenario)
    fmt = R.COMPARE_KREIS_SENTENCE_SAME_AREA if same_area else R.COMPARE_KREIS_SENTENCE
    return fmt.format(Where=where, name=name, value=_share(mine), kreis=kreis_name, kreis_value=_share(theirs))


def type_comparison(ags: str) -> tuple[pd.DataFrame, dict]:
    """The Gemeinde among the Gemeinden of its BBSR type in its Land: its value, their median and
    its rank for :data:`PEER_INPUTS` (its own figures) and the DDI 2030 (trend, default values).

    Returns (table, info) with info keys ``n``, ``enough``, ``n_ranked``, ``rank`` (the DDI's, or None),
    ``peers`` (plural dative), ``plural``, ``singular``, ``land``, ``in_land``, ``type``,
    ``name``, ``intro`` and ``text`` (the sentences)."""
    from .data.schema import COLUMNS
    from .texts import places as P

    ctx = _peer_context(ags)
    peers, row = ctx["peers"], ctx["row"]
    origin = row.attrs["origin"]
    n = len(peers)
    enough = ctx["enough"]
    col_median = R.COL_MEDIAN_PEERS.format(peers=P.type_plural(ctx["type"]), n=fmt_int(n))
    rows = []

    def add(label: str, mine: float | None, values: pd.Series, show) -> None:
        own = pd.to_numeric(values, errors="coerce").dropna()
        rank = rank_text(values, str(ags)) if enough and mine is not None else "–"
        rows.append({R.COL_FIGURE: label, ctx["name"]: "–" if mine is None else show(mine),
                     col_median: "–" if own.empty else show(float(own.median())), R.COL_RANK_SHORT: rank})

    for name in PEER_INPUTS:
        col = COLUMNS[name]
        mine = peers.at[str(ags), name] if origin.get(name) in RANKED_ORIGINS else None
        mine = None if mine is None or pd.isna(mine) else float(mine)
        add(col.label_de, mine, peers[name], lambda v, c=col: _fmt_input(c, v))
    ddi = peers.at[str(ags), "ddi_2030"]
    ddi_mine = None if pd.isna(ddi) else float(ddi)
    add(R.PEER_DDI, ddi_mine, peers["ddi_2030"], lambda v: fmt_percent(v, 1))
    table = pd.DataFrame(rows, columns=[R.COL_FIGURE, ctx["name"], col_median, R.COL_RANK_SHORT])
    table.attrs["align"] = {R.COL_RANK_SHORT: "right"}
    dative = P.type_plural(ctx["type"], dative=True)
    singular = P.type_singular(ctx["type"])
    intro = R.COMPARE_TYPE_INTRO.format(name=ctx["name"], gemeindetyp=singular)
    rank_ddi = None
    if n <= 1:                      # the only Gemeinde of its type in its Land: its own values only
        table = table[[R.COL_FIGURE, ctx["name"]]]
        text = R.COMPARE_TYPE_ALONE.format(In_land=ctx["In_land"], name=ctx["name"], gemeindetyp=singular)
    elif not enough:
        text = R.COMPARE_TYPE_TOO_FEW.format(In_land=ctx["In_land"], n=fmt_int(n), name=ctx["name"],
                                             peers=P.type_plural(ctx["type"]))
    else:
        intro += R.COMPARE_TYPE_RULE.format(n=fmt_int(n), peers=dative, in_land=ctx["in_land"])
        text = ""
        if ddi_mine is not None:
            v = pd.to_numeric(peers["ddi_2030"], errors="coerce").dropna()
            rank_ddi = int((v > ddi_mine).sum()) + 1
            text = R.COMPARE_TYPE_SENTENCE.format(name=ctx["name"], rank=fmt_int(rank_ddi), n=fmt_int(len(v)),
                                                  peers=dative, in_land=ctx["in_land"])
    info = {"n": n, "enough": enough, "rank": rank_ddi, "peers": dative, "land": ctx["land"],
            "in_land": ctx["in_land"], "In_land": ctx["In_land"],
            "type": ctx["type"], "singular": singular, "plural": P.type_plural(ctx["type"]),
            "name": ctx["name"], "intro": intro, "text": text,
            "n_ranked": int(pd.to_numeric(peers["ddi_2030"], errors="coerce").notna().sum())}
    return table, info
