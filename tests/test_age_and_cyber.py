"""Offliners by age group (divide) and the day-by-day cyber-attack curve (resilience):
hand-computed values, consistency with the engine's aggregates, charts and apps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.errors import ParameterError, SelectionError, WorkbookError
from workbook.models import demography as demo
from workbook.models import divide, resilience
from workbook.params import load_parameters


@pytest.fixture(scope="module")
def params():
    return load_parameters()


def _tiny_kreis(**changes) -> pd.DataFrame:
    """One made-up Kreis with the national age structure (share_65plus = national share)."""
    row = {"ags": "99001", "name": "Testkreis", "population_2019": 100_000.0,
           "share_65plus": demo.national_share_65plus(), "settlement_type": "kreisfreie_grossstadt"}
    row.update(changes)
    return pd.DataFrame([row])


# -- offliners by age group ------------------------------------------------------------

def test_age_profile_by_hand_one_year_without_programme(params):
    values = params.resolve("S0", {"divide.training.participants": 0})
    out = divide.offliners_by_age(_tiny_kreis(), values, years=[2021])
    assert list(out.columns) == ["ags", "age_group", "year", "offliners", "offline_share"]
    assert list(out["age_group"]) == list(demo.GROUPS[1:])
    s = demo.national_shares()
    o0 = np.array([values[k] for k in divide.OFFLINE_KEYS])
    # no offline_share column: the Kreis factor is 1; one year of ageing, then own uptake and the
    # 2021 boost. Group 30-39: a tenth comes from 20-29
    keep_young = (1 - values["divide.uptake_under60"]) * (1 - values["divide.uptake_boost_2021"])
    o_30 = (0.9 * o0[2] + 0.1 * o0[1]) * keep_young
    row = out[out["age_group"] == "30-39"].iloc[0]
    assert row["offline_share"] == pytest.approx(o_30, rel=1e-12)
    assert row["offliners"] == pytest.approx(o_30 * s[3] * 100_000, rel=1e-12)
    # 80+: renewed at turnover_80plus from 70-79; uptake 60+
    g = values["divide.turnover_80plus"]
    keep_old = (1 - values["divide.uptake_60plus"]) * (1 - values["divide.uptake_boost_2021"])
    o_80 = ((1 - g) * o0[8] + g * o0[7]) * keep_old
    assert out.iloc[-1]["offline_share"] == pytest.approx(o_80, rel=1e-12)


def test_age_profile_kreis_factor_scales_every_group(params):
    values = params.resolve("S0", {"divide.training.participants": 0})
    plain = divide.offliners_by_age(_tiny_kreis(), values, years=[2022])
    o0 = np.array([values[k] for k in divide.OFFLINE_KEYS])
    w14 = demo.national_shares()[1:]
    implied = float(o0 @ w14 / w14.sum())
    doubled = divide.offliners_by_age(_tiny_kreis(offline_share=1.2 * implied), values, years=[2022])
    assert np.allclose(doubled["offliners"], 1.2 * plain["offliners"], rtol=1e-12)   # below the clamp 1 / 0.66


def test_age_profile_sums_to_the_engine_offliners(params):
    from workbook.engine import project

    ags = "16069"
    table = project(ags=[ags], scenarios=["S3"], draws=0, topics=["divide"])
    total = table[(table["indicator"] == "divide.offliners") & (table["quantile"] == "default")]
    old = table[(table["indicator"] == "divide.offliners_65plus") & (table["quantile"] == "default")]
    prof = divide.offliners_by_age(ags, params.resolve("S3"))
    assert prof["ags"].unique().tolist() == [ags] and sorted(prof["year"].unique()) == list(range(2021, 2031))
    by_year = prof.groupby("year")["offliners"].sum()
    assert np.allclose(by_year.to_numpy(), total.sort_values("year")["value"].to_numpy(), rtol=2e-5)
    old_years = prof[prof["age_group"].isin(demo.GROUPS[demo.FIRST_65PLUS:])].groupby("year")["offliners"].sum()
    assert np.allclose(old_years.to_numpy(), old.sort_values("year")["value"].to_numpy(), rtol=2e-5)


def test_training_is_taken_from_the_65plus_groups_only(params):
    base = params.resolve("S0", {"divide.training.participants": 0})
    more = params.resolve("S0", {"divide.training.participants": params["divide.training.participants"].max})
    a = divide.offliners_by_age("16069", base).set_index(["year", "age_group"])["offliners"]
    b = divide.offliners_by_age("16069", more).set_index(["year", "age_group"])["offliners"]
    young = [g for g in demo.GROUPS[1:demo.FIRST_65PLUS]]
    old = list(demo.GROUPS[demo.FIRST_65PLUS:])
    assert np.allclose(a.loc[(slice(None), young)], b.loc[(slice(None), young)], rtol=1e-12)
    assert (b.loc[(slice(None), old)] < a.loc[(slice(None), old)]).all()
    assert (b >= 0).all()


def test_age_profile_refuses_bad_input(params):
    values = params.resolve("S0")
    with pytest.raises(SelectionError, match="unknown AGS '99999'"):
        divide.offliners_by_age("99999", values)
    with pytest.raises(SelectionError, match="Gemeindeschlüssel; der Kreis wäre 05315"):   # workbook.ags
        divide.offliners_by_age("05315000", values)
    fullwidth = "\uff10\uff15\uff13\uff11\uff15"                      # 05315 in full-width digits
    with pytest.raises(SelectionError, match=f"'{fullwidth}' ist kein Kreisschlüssel"):
        divide.offliners_by_age(fullwidth, values)
    with pytest.raises(SelectionError, match="exactly one Kreis, found 2"):
        divide.offliners_by_age(pd.concat([_tiny_kreis(), _tiny_kreis()]), values)
    with pytest.raises(ParameterError, match="expected a number, found 'viel'") as err:
        divide.offliners_by_age(_tiny_kreis(), {**values, "divide.uptake_60plus": "viel"})
    assert "divide.uptake_60plus" in str(err.value)
    with pytest.raises(WorkbookError, match="projection years"):
        divide.offliners_by_age(_tiny_kreis(), values, years=[2019])
    with pytest.raises(WorkbookError, match="population"):
        divide.offliners_by_age(_tiny_kreis(population_2019=0.0), values)


# -- cyber-attack curve ----------------------------------------------------------------

def _cyber_values(**changes):
    v = {"resilience.cyber.paper_fallback": 0.5, "resilience.cyber.bcm_share": 0.0,
         "resilience.cyber.outage_days": 2.0, "resilience.cyber.recovery_days": 4.0,
         "resilience.cases_per_inhabitant": 3.65}
    v.update(changes)
    return v


def test_cyber_curve_by_hand():
    # o = 0.5 online, paper 0.5, no BCM: phi = 0.5 * 0.5 = 0.25; shortfall 0.75
    # recovery over 4 days: mean shortfall per day 7/8, 5/8, 3/8, 1/8 of 0.75
    out = resilience.cyber_curve(_cyber_values(), verw_share=0.5, population=1000, days=8)
    assert list(out.columns) == ["day", "capacity_share", "backlog_cases", "phase"]
    expected = [0.25, 0.25, 1 - 0.75 * 7 / 8, 1 - 0.75 * 5 / 8, 1 - 0.75 * 3 / 8, 1 - 0.75 / 8, 1.0, 1.0]
    assert np.allclose(out["capacity_share"], expected, atol=1e-12)
    assert list(out["phase"]) == ["outage"] * 2 + ["recovery"] * 3 + ["normal"] * 3
    # 10 cases a day (3.65 per inhabitant and year x 1000 / 365): backlog = 10 x lost service-days
    assert out["backlog_cases"].iloc[1] == pytest.approx(15.0)
    assert out["backlog_cases"].iloc[-1] == pytest.approx(10 * 0.75 * (2 + 4 / 2))
    assert out.attrs["service_days_lost"] == pytest.approx(3.0)


def test_cyber_curve_handles_fractional_days_and_no_recovery():
    out = resilience.cyber_curve(_cyber_values(**{"resilience.cyber.outage_days": 1.5,
                                                  "resilience.cyber.recovery_days": 0.0}), 0.0, 1000, days=3)
    # phi = paper = 0.5 (nothing online yet); day 2 is half outage
    assert np.allclose(out["capacity_share"], [0.5, 0.75, 1.0])
    assert (1 - out["capacity_share"]).sum() == pytest.approx(1.5 * 0.5)


def test_cyber_curve_sum_equals_the_engine_aggregate(params):
    from workbook.engine import project

    ags, sid = "05315", "S2"
    table = project(ags=[ags], scenarios=[sid], draws=0, topics=["divide", "digitalisation", "resilience"])
    default = table[table["quantile"] == "default"]
    values = params.resolve(sid)
    from workbook.data import load_kreise

    k = load_kreise()
    pop = float(k.loc[k["ags"] == ags, "population_2019"].iloc[0])
    for year in (2021, 2030):
        at = default[default["year"] == year].set_index("indicator")["value"]
        curve = resilience.cyber_curve(values, float(at["ddi.verw"]), pop)
        assert (1 - curve["capacity_share"]).sum() == pytest.approx(at["resilience.cyber_service_days_lost"], rel=1e-5)
        assert curve["backlog_cases"].iloc[-1] == pytest.approx(at["resilience.cyber_cases_lost"], rel=1e-5)
        window = values["resilience.cyber.outage_days"] + values["resilience.cyber.recovery_days"]
        in_window = (1 - curve["capacity_share"])[curve["day"] <= window].sum()
        assert 1 - in_window / window == pytest.approx(at["resilience.cyber_continuity"], rel=1e-5)


def test_cyber_span_is_shared_by_aggregate_and_curve():
    lost, cont = resilience.cyber(0.5, 0.5, 0.0, 2.0, 4.0)
    assert float(lost) == pytest.approx(3.0) and float(cont) == pytest.approx(0.5)
    assert float(resilience.cyber_span(np.float32(14), np.float32(90))) == pytest.approx(59.0)
    assert resilience.cyber_loss_until(np.array([0.0, 1.0, 14.0, 104.0, 200.0]), 14.0, 90.0).tolist() == \
        pytest.approx([0.0, 1.0, 14.0, 59.0, 59.0])


@pytest.mark.parametrize("values, kwargs, message", [
    ({}, {}, "parameter missing"),
    ({"resilience.cyber.outage_days": -1.0}, {}, "expected a number >= 0"),
    ({"resilience.cyber.paper_fallback": "viel"}, {}, "expected a number, found 'viel'"),
    (None, {"verw_share": 1.5}, "expected a share between 0 and 1"),
    (None, {"population": 0}, "expected a positive population"),
    (None, {"days": 0}, "whole number of days"),
])
def test_cyber_curve_refuses_bad_input(values, kwargs, message):
    args = {"verw_share": 0.5, "population": 1000, **kwargs}
    v = {} if values == {} else _cyber_values(**(values or {}))
    with pytest.raises(ParameterError, match=message):
        resilience.cyber_curve(v, **args)


# -- chart and apps ----------------------------------------------------------------------

def _layers(spec: dict) -> list[dict]:
    inner = spec["vconcat"][0] if "vconcat" in spec else spec
    return inner["layer"]


def test_outage_curve_spec_marks_the_windows_and_starts_at_full_capacity():
    from workbook import charts

    curve = resilience.cyber_curve(_cyber_values(), 0.5, 1000, days=8)
    chart = charts.outage_curve(curve.assign(group="Angriff 2021"), outage_days=2.0, recovery_days=4.0,
                                chart_title="Titel", estimate="Modellrechnung mit Annahmen")
    spec = chart.to_dict()
    shade, labels, line = _layers(spec)
    datasets = spec["datasets"]
    windows = datasets[shade["data"]["name"]]
    assert [(w["von"], w["bis"]) for w in windows] == [(0.0, 2.0), (2.0, 6.0)]
    assert [w["text"] for w in windows] == ["IT-Ausfall: 2 Tage", "Wiederanlauf: 4 Tage"]
    assert shade["mark"]["type"] == "rect" and labels["mark"]["type"] == "text"
    points = datasets[line["data"]["name"]]
    assert points[0]["x"] == 0 and points[0]["wert"] == 1.0 and points[0]["Wert"] == "100,0 %"
    assert points[1]["Wert"] == "25,0 %" and points[1]["Rückstand"] == "8"     # 7.5 cases, German rounding
    assert line["encoding"]["y"]["axis"]["title"] == "Leistung der Verwaltung (in %)"
    assert line["encoding"]["x"]["title"] == "Tage nach dem Angriff"
    assert [t["title"] for t in line["encoding"]["tooltip"]][-1] == "liegen gebliebene Vorgänge bis dahin"
    foot = datasets[spec["vconcat"][1]["data"]["name"]]
    assert [r["text"] for r in foot] == ["Modellrechnung mit Annahmen"]
    assert "http" not in str(spec.get("data", "")) and "cdn" not in str(spec)


@pytest.mark.parametrize("kwargs, message", [
    ({"outage_days": -1.0}, "erwartet eine Zahl von Tagen >= 0"),
    ({"frame": pd.DataFrame({"day": [1], "capacity_share": [1.4], "group": ["a"], "backlog_cases": [0.0]})},
     "erwartet Anteile zwischen 0 und 1"),
    ({"frame": pd.DataFrame({"day": [1], "group": ["a"]})}, "Spalte fehlt"),
])
def test_outage_curve_refuses_bad_input(kwargs, message):
    from workbook import charts

    frame = kwargs.pop("frame", pd.DataFrame({"day": [1], "capacity_share": [0.5], "group": ["a"],
                                              "backlog_cases": [1.0]}))
    args = {"outage_days": 1.0, "recovery_days": 1.0, **kwargs}
    with pytest.raises(WorkbookError, match=message):
        charts.outage_curve(frame, **args)


def test_divide_app_age_chart_has_every_group_and_adds_up(params):
    from workbook.apps.divide import DivideApp
    from workbook.texts import apps as T

    app = DivideApp("16069", scenario="S0,S3", draws=0, interactive=False, focus="S3")
    results = app.results()
    table = app.age_table(results)
    assert list(dict.fromkeys(table["Gruppe"])) == list(T.AGE_GROUPS) and len(T.AGE_GROUPS) == 8
    total = results[(results["indicator"] == "divide.offliners") & (results["scenario"] == "S3")]
    assert np.allclose(table.groupby("Jahr")["Personen"].sum().to_numpy(),
                       total.sort_values("year")["value"].to_numpy(), rtol=2e-5)
    spec = app.age_chart(results).to_dict()
    area = spec["vconcat"][0]
    assert area["mark"]["type"] == "area" and area["encoding"]["y"]["stack"] == "zero"
    assert area["encoding"]["color"]["scale"]["domain"] == list(T.AGE_GROUPS)
    assert "S3" in str(area["title"])
    block = next(b for b in app.build_blocks(results) if b.key == "age")
    assert list(block.table.columns) == ["Jahr", *T.AGE_GROUPS] and len(block.table) == 10
    # a lever changes the chart's numbers (training more people 65+)
    app.set_overrides({"divide.training.participants": params["divide.training.participants"].max})
    more = app.age_table(app.results())
    old = more["Gruppe"] == T.AGE_GROUPS[-1]
    assert (more.loc[old, "Personen"].to_numpy() <= table.loc[old, "Personen"].to_numpy() + 1e-9).all()
    assert more.loc[old, "Personen"].iloc[-1] < table.loc[old, "Personen"].iloc[-1]


def test_telemedicine_app_cyber_curve_static_and_consistent():
    from workbook.apps.telemedicine import TelemedicineApp

    app = TelemedicineApp("05315", draws=0, interactive=False)
    results = app.results()
    curves = app.cyber_curves(results)
    assert sorted(curves["year"].unique()) == [2021, 2030]
    for year, curve in curves.groupby("year"):
        lost = results[(results["indicator"] == "resilience.cyber_service_days_lost") & (results["year"] == year)
                       & (results["scenario"] == "S0")]["value"].iloc[0]
        assert (1 - curve["capacity_share"]).sum() == pytest.approx(lost, rel=1e-5)
    table = app.cyber_curve_table(curves)
    assert list(table["Angriff im Jahr"]) == ["2021", "2030"]
    assert table["Leistung im Ausfall"].str.endswith(" %").all()
    from workbook.apps.static import StaticView

    html = StaticView(app).html()
    assert "id='wb-cybercurve'" in html and "Cyberangriff Tag für Tag" in html
    assert "Wie lese ich das? Am Tag 0" in html and "Einwohner" in html
    section = html[html.index("id='wb-cybercurve'"):]
    assert "<svg" in section[:section.index("</section>")] and "<script" not in html


def test_telemedicine_cyber_curve_follows_a_lever_live():
    from workbook.apps.telemedicine import TelemedicineApp

    app = TelemedicineApp("16069", draws=0, interactive=True)
    from workbook.apps.live import LiveView

    view = LiveView(app)
    view.panel._debouncer.delay = 0
    curve_view = next(v for v in view.views if v.key == "cybercurve")
    curve_view.show()
    before = curve_view.chart.updates
    spec_before = str(resolve(curve_view))
    slider = view.panel.sliders["resilience.cyber.outage_days"]
    slider.value = 30
    assert curve_view.chart.updates > before
    assert "IT-Ausfall: 30 Tage" in str(resolve(curve_view)) and "IT-Ausfall: 14 Tage" in spec_before


def resolve(block_view):
    from workbook.apps.base import resolve_chart

    return resolve_chart(block_view._block.chart).to_dict()
