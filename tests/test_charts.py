"""Chart builders at the spec level (chart.to_dict()), with small inline tables."""

from __future__ import annotations

import json
import re

import altair as alt
import numpy as np
import pandas as pd
import pytest

from workbook import charts
from workbook.charts import theme
from workbook.charts.maps import _signed_area, _thin_geometry
from workbook.errors import SelectionError, WorkbookError

QS = {"p5": -0.06, "p25": -0.025, "p50": 0.0, "p75": 0.025, "p95": 0.06, "default": 0.004}
LABELS = {f"S{i}": f"S{i} Szenario {i}" for i in range(6)}


def long_table(ags=("05315",), indicators=("ddi.index",), scenarios=("S0", "S1", "S2"),
               years=range(2021, 2031), unit="1", quantiles=QS):
    """Synthetic result table: value = 0.34 + slope * (year - 2021) + quantile offset."""
    rows = []
    for a in ags:
        for ind in indicators:
            for j, s in enumerate(scenarios):
                for y in years:
                    base = 0.34 + (0.03 + 0.005 * j) * (y - 2021)
                    for q, d in quantiles.items():
                        rows.append((s, a, ind, unit, y, round(base + d, 6), q))
    df = pd.DataFrame(rows, columns=["scenario", "ags", "indicator", "unit", "year", "value", "quantile"])
    df.attrs.update(seed=20211, draws=1000)
    return df


def spec_text(chart) -> str:
    d = chart.to_dict()
    d.pop("$schema", None)  # an identifier, never fetched
    return json.dumps(d, ensure_ascii=False)


def all_layers(spec):
    """Every unit spec (with a mark) inside a composed spec."""
    out = []
    if isinstance(spec, dict):
        if "mark" in spec:
            out.append(spec)
        for key in ("layer", "vconcat", "hconcat", "concat"):
            for sub in spec.get(key, []) or []:
                out.extend(all_layers(sub))
        if "spec" in spec:
            out.extend(all_layers(spec["spec"]))
    return out


def mark_type(layer):
    m = layer["mark"]
    return m if isinstance(m, str) else m["type"]


def dataset_rows(d, layer):
    name = (layer.get("data") or d.get("data") or {}).get("name")
    return d["datasets"][name]


def assert_offline_and_german(chart):
    d = chart.to_dict()
    loc = d["config"]["locale"]
    assert loc["number"]["decimal"] == "," and loc["number"]["thousands"] == "."
    assert loc["time"]["date"] == "%d.%m.%Y"
    assert "http" not in spec_text(chart)


# -- theme ---------------------------------------------------------------------

def test_theme_registered_enabled_and_german():
    assert "drehbuch" in alt.theme.names()
    assert alt.theme.active == "drehbuch"
    cfg = theme.theme_config()["config"]
    assert cfg["locale"]["number"] == {"decimal": ",", "thousands": ".", "grouping": [3],
                                       "currency": ["", "\u00a0€"]}
    assert cfg["locale"]["time"]["months"][2] == "März"
    assert cfg["background"] == "#ffffff"
    assert cfg["axis"]["labelFontSize"] >= 12 and cfg["title"]["fontSize"] >= 16


def test_theme_comes_back_after_switching(monkeypatch):
    alt.theme.enable("default")
    try:
        charts.ensure_theme()
        assert alt.theme.active == "drehbuch"
    finally:
        alt.theme.enable("drehbuch")


def test_scenario_colours_fixed_and_user_colours_follow():
    assert theme.scenario_colors(["S3", "S0"]) == ["#009E73", "#555555"]
    assert theme.scenario_colors(["S1", "mein", "S5", "zweites"]) == ["#0072B2", "#56B4E9", "#D55E00", "#8B4513"]
    assert len(set(theme.SCENARIO_COLORS.values())) == 6
    dashes = [tuple(d) for d in theme.SCENARIO_DASHES.values()]
    assert len(set(dashes)) == 6  # each scenario line differs in greyscale too


# -- fan chart -------------------------------------------------------------------

def test_fan_chart_bands_median_and_selection():
    df = long_table()
    chart = charts.fan_chart(df, labels=LABELS)
    assert_offline_and_german(chart)
    d = chart.to_dict()
    top = d["vconcat"][0]
    layers = all_layers(top)
    marks = [mark_type(layer) for layer in layers]
    assert marks == ["area", "area", "line", "point"]
    band90, band50, line, points = layers
    assert band90["encoding"]["y"]["field"] == "p5" and band90["encoding"]["y2"]["field"] == "p95"
    assert band50["encoding"]["y"]["field"] == "p25" and band50["encoding"]["y2"]["field"] == "p75"
    assert line["encoding"]["y"]["field"] == "mid"
    # all scenarios on one colour scale with the fixed colours, and dashes
    color = line["encoding"]["color"]
    assert color["scale"]["domain"] == ["S0 Szenario 0", "S1 Szenario 1", "S2 Szenario 2"]
    assert color["scale"]["range"] == ["#555555", "#0072B2", "#E69F00"]
    assert line["encoding"]["strokeDash"]["scale"]["range"][0] == [1, 0]
    # legend-bound selection highlights a scenario
    params = d.get("params", []) + top.get("params", []) + [p for layer in layers for p in layer.get("params", [])]
    assert params and params[0]["bind"] == "legend" and params[0]["select"]["fields"] == ["Szenario"]
    # German title, tooltip titles, preformatted de-DE values
    assert top["title"]["text"].endswith("Entwicklung 2021–2030")
    tips = {t["title"] for t in points["encoding"]["tooltip"]}
    assert {"Szenario", "Jahr", "Median", "mittlere Hälfte der Rechnungen", "90 von 100 Rechnungen"} <= tips
    assert not any("p5" in t or "p25" in t for t in tips)          # no model symbols for a council member
    rows = dataset_rows(d, points) if "data" in points else d["datasets"][top["data"]["name"]]
    s1_2030 = next(r for r in rows if r["Szenario"] == "S1 Szenario 1" and r["Jahr"] == 2030)
    # S1: 0.34 + 0.035 * 9 = 0.655 -> p50 65,5 %; p5 0.595 -> 59,5 %; p95 0.715
    assert s1_2030["Median"] == "65,5 %"
    assert s1_2030["b90"] == "59,5 % bis 71,5 %"
    assert s1_2030["mid"] == pytest.approx(0.655)
    # the y axis says percent in de-DE form
    assert line["encoding"]["y"]["axis"]["format"] == ",.0%"
    assert "' %'" in line["encoding"]["y"]["axis"]["labelExpr"]
    # the estimate note names the draws from the table's attrs; the seed travels in its data, unprinted
    foot = json.dumps(d["datasets"][d["vconcat"][1]["data"]["name"]], ensure_ascii=False)
    assert "1.000 Rechnungen" in foot and "20211" in foot and "Schätzung" in foot
    assert not any("20211" in row["text"] or "Startwert" in row["text"] for row in json.loads(foot))
    # one row per scenario and year: the spec carries no draws
    assert len(rows) == 3 * 10


def test_fan_chart_without_quantiles_draws_default_line_only():
    df = long_table(quantiles={"default": 0.0})
    d = charts.fan_chart(df, labels=LABELS).to_dict()
    marks = [mark_type(layer) for layer in all_layers(d["vconcat"][0])]
    assert marks == ["line", "point"]
    assert "ohne Unsicherheitsband" in json.dumps(d["vconcat"][0]["title"], ensure_ascii=False)


def test_fan_chart_selects_scenarios_and_kreis():
    df = long_table(ags=("05315", "16077"), scenarios=("S0", "S1", "S2", "S5"))
    d = charts.fan_chart(df, ags="16077", scenarios=["S5", "S0"], labels=LABELS, note=False).to_dict()
    line = next(layer for layer in all_layers(d) if mark_type(layer) == "line")
    assert line["encoding"]["color"]["scale"]["domain"] == ["S0 Szenario 0", "S5 Szenario 5"]


@pytest.mark.parametrize("kwargs, exc, message", [
    ({}, SelectionError, "2 Werte in 'ags'"),
    ({"ags": "09162"}, SelectionError, "'09162' nicht in der Ergebnistabelle"),
    ({"ags": "05315", "scenarios": ["S9"]}, SelectionError, "Szenario 'S9'"),
    ({"ags": "05315", "indicator": "ddi.foo"}, SelectionError, "'ddi.foo' nicht"),
])
def test_fan_chart_selection_errors(kwargs, exc, message):
    df = long_table(ags=("05315", "16077"))
    with pytest.raises(exc, match=message):
        charts.fan_chart(df, **kwargs)


def test_fan_chart_missing_column_named():
    df = long_table().drop(columns=["quantile"])
    with pytest.raises(WorkbookError, match="column 'quantile'") as err:
        charts.fan_chart(df)
    assert err.value.column == "quantile"


def test_fan_chart_refuses_mixed_units():
    df = long_table()
    df.loc[df.index[:5], "unit"] = "EUR"
    with pytest.raises(WorkbookError, match="gemischte Einheiten"):
        charts.fan_chart(df)


def test_fan_chart_for_euros_uses_number_axis_and_unit():
    df = long_table(unit="EUR")
    df["value"] = df["value"] * 1e6
    d = charts.fan_chart(df, labels=LABELS, note=False).to_dict()
    line = next(layer for layer in all_layers(d) if mark_type(layer) == "line")
    assert line["encoding"]["y"]["axis"]["format"] == ",.0f"
    assert line["encoding"]["y"]["axis"]["title"].endswith("(in €)")
    rows = d["datasets"][d["data"]["name"]] if "data" in d else None
    rows = rows or next(v for v in d["datasets"].values())
    assert any(r["Median"] == "655.000 €" for r in rows)


# -- sub-indices, bars, tornado ----------------------------------------------------

def test_subindex_small_multiples_and_lines():
    df = long_table(indicators=charts.SUBINDICES)
    chart = charts.subindex_chart(df, labels=LABELS, indicator_labels={"ddi.strat": "Strategie"})
    assert_offline_and_german(chart)
    d = chart.to_dict()
    facet = d["vconcat"][0]
    assert facet["facet"]["field"] == "Teilindex" and facet["columns"] == 4
    assert facet["facet"]["sort"][0] == "Strategie"
    assert facet["title"]["text"] == "Teilindizes des Digitalisierungsgrads"

    one = charts.subindex_chart(df, scenarios=["S1"], kind="lines", labels=LABELS, note=False).to_dict()
    line = next(layer for layer in all_layers(one) if mark_type(layer) == "line")
    assert line["encoding"]["color"]["field"] == "Teilindex"
    assert len(line["encoding"]["strokeDash"]["scale"]["range"]) == 7
    with pytest.raises(WorkbookError, match="genau ein Szenario"):
        charts.subindex_chart(df, kind="lines")
    with pytest.raises(WorkbookError, match="kind"):
        charts.subindex_chart(df, kind="pie")


def test_scenario_bars_with_whiskers():
    df = long_table()
    chart = charts.scenario_bars_2030(df, labels=LABELS)
    assert_offline_and_german(chart)
    d = chart.to_dict()
    layers = all_layers(d["vconcat"][0])
    assert [mark_type(layer) for layer in layers] == ["bar", "rule", "tick", "tick", "text"]
    assert layers[1]["encoding"]["x"]["field"] == "p5" and layers[1]["encoding"]["x2"]["field"] == "p95"
    rows = d["datasets"][d["vconcat"][0]["data"]["name"]]
    # S2 in 2030: 0.34 + 0.04 * 9 = 0.70
    assert [r["Median"] for r in rows if r["Szenario"].startswith("S2")] == ["70,0 %"]
    with pytest.raises(WorkbookError, match="Jahr 2035"):
        charts.scenario_bars_2030(df, year=2035)


def engine_tornado():
    """The table shape of workbook.engine.tornado()."""
    t = pd.DataFrame({
        "key": ["ddi.verw.rate", "ddi.strat.alpha", "ddi.infra.rate"],
        "label_de": ["Wachstumsrate Online-Verwaltung", "Strategie-Beschleunigung", "Gigabit-Ausbau"],
        "lever": ["kommune", "bund_land", "markt"], "unit": ["1/Jahr", "1", "1/Jahr"],
        "status": ["derived", "assumption", "fact"], "value": [0.35, 0.5, 0.25],
        "low_value": [0.15, 0.0, 0.1], "high_value": [0.6, 1.0, 0.6], "base": [0.63] * 3,
        "outcome_low": [0.60, 0.61, 0.625], "outcome_high": [0.70, 0.65, 0.64],
    })
    t["swing"] = (t.outcome_high - t.outcome_low).abs()
    return t


def test_tornado_from_engine_table():
    chart = charts.tornado_chart(engine_tornado(), label="Digitalisierungsgrad", percent=True)
    assert_offline_and_german(chart)
    d = chart.to_dict()
    top = d["vconcat"][0]
    bars = all_layers(top)[0]
    assert bars["encoding"]["y"]["sort"] == ["Wachstumsrate Online-Verwaltung", "Strategie-Beschleunigung",
                                             "Gigabit-Ausbau"]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["Kommune (eigener Hebel)", "Bund/Land",
                                                            "Bevölkerung/Markt"]
    assert bars["encoding"]["x"]["field"] == "start" and bars["encoding"]["x2"]["field"] == "end"
    rows = d["datasets"][bars["data"]["name"] if "data" in bars else top["layer"][0]["data"]["name"]]
    verw = [r for r in rows if r["Annahme"].startswith("Wachstumsrate")]
    assert {r["Ergebnis"] for r in verw} == {"60,0 %", "70,0 %"}
    assert {r["Parameterwert"] for r in verw} == {"0,15 pro Jahr", "0,60 pro Jahr"}
    assert verw[0]["Spannweite"] == "+10,0 Pp."
    # swing shares per lever group: 0.10 / 0.155, 0.04 / 0.155, 0.015 / 0.155
    subtitle = " ".join(top["title"]["subtitle"])
    assert "Kommune (eigener Hebel) 65 %" in subtitle and "Bund/Land 26 %" in subtitle


def test_tornado_errors_name_row_and_column():
    t = engine_tornado()
    t.loc[1, "lever"] = "kreis"
    with pytest.raises(WorkbookError, match="row 1, column 'lever'"):
        charts.tornado_chart(t)
    t = engine_tornado().drop(columns=["base"])
    with pytest.raises(WorkbookError, match="column 'base'"):
        charts.tornado_chart(t)


# -- maps and comparison -------------------------------------------------------------

def square(x, y, size=1.0, ccw=True):
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return ring if ccw else ring[::-1]


def geojson():
    """Four square Kreise in two Länder, RFC 7946 winding (exterior counter-clockwise)."""
    feats = []
    for i, (ags, name) in enumerate([("01001", "Nordstadt"), ("01002", "Nordkreis"),
                                     ("02001", "Südstadt"), ("02002", "Südkreis")]):
        geom = {"type": "Polygon", "coordinates": [square(8 + i, 50, 1.0)]}
        if ags == "02002":  # a second part that shrinks to nothing at map scale
            geom = {"type": "MultiPolygon", "coordinates": [[square(11, 50, 1.0)], [square(12.5, 50, 1e-4)]]}
        feats.append({"type": "Feature", "geometry": geom, "properties": {"ags": ags, "name": name}})
    return {"type": "FeatureCollection", "features": feats}


KREISE = pd.DataFrame({
    "ags": ["01001", "01002", "02001", "02002"], "name": ["Nordstadt", "Nordkreis", "Südstadt", "Südkreis"],
    "land_ags": ["01", "01", "02", "02"], "land_name": ["Nordland", "Nordland", "Südland", "Südland"],
    "settlement_type": ["kreisfreie_grossstadt", "duenn_besiedelt", "kreisfreie_grossstadt", "duenn_besiedelt"],
    "offline_share": [0.10, 0.15, 0.12, np.nan],
    "gigabit_share": [0.80, 0.30, 0.70, 0.20],
})


def test_thinned_rings_are_clockwise_for_d3_and_degenerate_parts_dropped():
    geom = geojson()["features"][3]["geometry"]
    assert _signed_area(geom["coordinates"][0][0]) > 0  # input: counter-clockwise
    out = _thin_geometry(geom, 0.01)
    assert out["type"] == "Polygon"  # the sub-pixel part is gone
    assert _signed_area(out["coordinates"][0]) < 0  # d3-geo: exterior clockwise
    hole = {"type": "Polygon", "coordinates": [square(0, 0, 10), square(4, 4, 2, ccw=False)]}
    out = _thin_geometry(hole, 0.01)
    assert _signed_area(out["coordinates"][0]) < 0 and _signed_area(out["coordinates"][1]) > 0


def test_kreis_map_values_highlight_and_estimate_note():
    chart = charts.kreis_map(KREISE, "offline_share", boundaries=geojson(), highlight="02001",
                             label="Offliner-Anteil", estimate="Offliner-Anteil aus D21-Quoten geschätzt",
                             source="Destatis; BKG")
    assert_offline_and_german(chart)
    d = chart.to_dict()
    top = d["vconcat"][0]
    fill, outline = top["layer"]
    assert mark_type(fill) == "geoshape" and fill["projection"]["type"] == "mercator"
    assert fill["encoding"]["color"]["condition"]["field"] == "wert"
    assert fill["encoding"]["color"]["value"] == theme.NO_VALUE_COLOR  # no value: grey
    assert outline["mark"]["filled"] is False and outline["mark"]["stroke"] == "#000000"
    assert outline["transform"][-1]["filter"] == "datum.hl === 1"      # the outline follows the rows
    assert top["title"]["subtitle"] == "Schwarz umrandet: Südstadt"
    lookup = fill["transform"][0]
    values = lookup["from"]["data"]
    rows = d["datasets"][values["name"]]
    assert rows == [{"ags": "01001", "wert": 0.1, "text": "10,0 %", "hl": 0},
                    {"ags": "01002", "wert": 0.15, "text": "15,0 %", "hl": 0},
                    {"ags": "02001", "wert": 0.12, "text": "12,0 %", "hl": 1}]
    # the next Kreis reuses the chart's structure: only the rows and the subtitle change
    other = charts.kreis_map(KREISE, "offline_share", boundaries=geojson(), highlight="01002",
                             label="Offliner-Anteil", estimate="Offliner-Anteil aus D21-Quoten geschätzt",
                             source="Destatis; BKG").to_dict()
    assert other["vconcat"][0]["title"]["subtitle"] != top["title"]["subtitle"]
    assert [r["hl"] for r in other["datasets"][values["name"]]] == [0, 1, 0]
    assert {k: v for k, v in other.items() if k not in ("datasets", "vconcat")} == \
        {k: v for k, v in d.items() if k not in ("datasets", "vconcat")}
    foot = json.dumps(d["datasets"][d["vconcat"][1]["data"]["name"]], ensure_ascii=False)
    assert "Schätzung: Offliner-Anteil aus D21-Quoten geschätzt" in foot and "Quelle: Destatis; BKG" in foot


def test_kreis_map_land_only_is_smaller_and_checks_keys():
    full = charts.kreis_map(KREISE, "gigabit_share", boundaries=geojson())
    land = charts.kreis_map(KREISE, "gigabit_share", boundaries=geojson(), land="1", highlight="01002")
    geo_full = next(v for v in full.to_dict()["datasets"].values() if isinstance(v, str))
    geo_land = next(v for v in land.to_dict()["datasets"].values() if isinstance(v, str))
    assert json.loads(geo_land)["features"][0]["properties"]["ags"] == "01001"
    assert len(json.loads(geo_land)["features"]) == 2 and len(json.loads(geo_full)["features"]) == 4
    assert land.to_dict()["title"]["text"] == "gigabit_share: Kreise in Nordland"
    with pytest.raises(SelectionError, match="nicht im gezeigten Gebiet"):
        charts.kreis_map(KREISE, "gigabit_share", boundaries=geojson(), land="01", highlight="02001")
    bad = geojson()
    bad["features"][1]["properties"]["ags"] = 1002
    with pytest.raises(WorkbookError, match="Feature 1 ohne gültige AGS"):
        charts.kreis_map(KREISE, "gigabit_share", boundaries=bad)


def test_compare_chart_groups_and_lean_variant():
    chart = charts.compare_chart(KREISE, "02001", "gigabit_share", label="Gigabit-Anteil")
    assert_offline_and_german(chart)
    d = chart.to_dict()
    layers = d["layer"]
    assert [mark_type(layer) for layer in layers] == ["rule", "tick", "tick", "point"]
    groups = layers[0]["encoding"]["y"]["sort"]
    assert groups == ["Land Südland (2)", "Kreistyp: kreisfreie Großstadt (2)", "Deutschland (4)"]
    mine = d["datasets"][layers[3]["data"]["name"]]
    assert {r["Wert"] for r in mine} == {"70,0 %"}
    lean = charts.compare_chart(KREISE, "02001", "gigabit_share", points=False).to_dict()
    assert [mark_type(layer) for layer in lean["layer"]] == ["rule", "tick", "point"]
    with pytest.raises(SelectionError, match="AGS '09999'"):
        charts.compare_chart(KREISE, "09999", "gigabit_share")
    with pytest.raises(WorkbookError, match="kein Wert für Südkreis"):
        charts.compare_chart(KREISE, "02002", "offline_share")


# -- generic builders -----------------------------------------------------------------

def age_table():
    return pd.DataFrame({"year": [2021, 2022, 2021, 2022], "group": ["70+", "70+", "14–29", "14–29"],
                         "value": [0.48, 0.45, 0.01, 0.009]})


def test_line_by_group_colours_and_dashes():
    chart = charts.line_by_group(age_table(), label="Offliner-Anteil", unit="share", order=["14–29", "70+"],
                                 group_title="Altersgruppe", chart_title="Offliner nach Alter",
                                 estimate="Fortschreibung mit Modell B")
    assert_offline_and_german(chart)
    d = chart.to_dict()
    line = all_layers(d)[0]
    assert line["encoding"]["color"]["scale"]["domain"] == ["14–29", "70+"]
    assert line["encoding"]["strokeDash"]["scale"]["range"][:2] == [[1, 0], [10, 4]]
    rows = d["datasets"][d["vconcat"][0]["data"]["name"]]
    assert {r["Wert"] for r in rows} == {"48,0 %", "45,0 %", "1,0 %", "0,9 %"}


def test_stacked_area_and_negative_values():
    df = age_table().assign(value=lambda t: t.value * 10000)
    d = charts.stacked_area(df, label="Offliner", unit="Personen").to_dict()
    assert d["encoding"]["y"]["stack"] == "zero" and d["encoding"]["order"]["field"] == "rang"
    rows = d["datasets"][d["data"]["name"]]
    assert {r["Wert"] for r in rows} >= {"4.800 Personen", "100 Personen"}
    norm = charts.stacked_area(df, normalize=True).to_dict()
    assert norm["encoding"]["y"]["stack"] == "normalize"
    df.loc[2, "value"] = -1
    with pytest.raises(WorkbookError, match="row 2, column 'value'"):
        charts.stacked_area(df)


def test_cost_curve_with_alone_and_optimum():
    df = pd.DataFrame({"members": [1, 2, 4, 8, 16], "cost_per_member_eur": [410000, 281000, 219000, 190000, 181000]})
    chart = charts.cost_curve(df, alone=350000, optimum=16, estimate="Annahmen F, λ, τ")
    assert_offline_and_german(chart)
    d = chart.to_dict()
    texts_ = [v for v in d["datasets"].values() if v and "text" in v[0]]
    flat = json.dumps(texts_, ensure_ascii=False)
    assert "allein: 350.000 € pro Jahr" in flat and "rechnerisches Optimum: 16 Mitglieder" in flat


def test_split_table_marks_members_that_pay_more():
    df = pd.DataFrame({"name": ["Köln", "Leverkusen"], "share": [0.5, 0.2], "cost_eur": [410000, 120000],
                       "alone_eur": [400000, 150000], "pays_more_than_alone": [True, False]})
    chart = charts.split_table_chart(df, columns={"share": ("Anteil", "share"),
                                                  "cost_eur": ("Kosten im Verbund", "EUR/Jahr"),
                                                  "alone_eur": ("Kosten allein", "EUR/Jahr")})
    assert_offline_and_german(chart)
    d = chart.to_dict()
    cells = [r for v in d["datasets"].values() for r in v if isinstance(r, dict) and "text" in r]
    koeln = {r["Spalte"]: r["text"] for r in cells if r["Zeile"] == 0}
    assert koeln == {"Kreis": "Köln", "Anteil": "50,0 %", "Kosten im Verbund": "410.000 € pro Jahr",
                     "Kosten allein": "400.000 € pro Jahr", "": "zahlt mehr als allein"}
    assert [mark_type(layer) for layer in d["layer"]] == ["rect", "text", "text"]
    with pytest.raises(WorkbookError, match="column 'alone_eur'"):
        charts.split_table_chart(df.drop(columns=["alone_eur"]),
                                 columns={"alone_eur": ("Kosten allein", "EUR/Jahr")})


def test_source_note_is_a_footnote_text_mark():
    base = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    d = charts.source_note(base, source="Destatis 2019", estimate="Altersstruktur geschätzt").to_dict()
    foot = d["vconcat"][1]
    est, _src = foot["layer"]
    assert est["mark"]["fontStyle"] == "italic"
    rows = d["datasets"][foot["data"]["name"]]
    assert [r["text"] for r in rows] == ["Schätzung: Altersstruktur geschätzt", "Quelle: Destatis 2019"]
    assert charts.source_note(base) is base


def test_builders_refuse_non_tables():
    with pytest.raises(WorkbookError, match=re.escape("pandas.DataFrame")):
        charts.fan_chart([1, 2, 3])


def test_lean_fan_still_says_medians_of_draws():
    d = charts.fan_chart(long_table(), labels=LABELS, bands=False, points=False, selectable=False).to_dict()
    top = d["vconcat"][0]
    assert [mark_type(layer) for layer in all_layers(top)] == ["line"]
    assert top["title"]["subtitle"] == "Linien: mittlerer Wert je Szenario aus vielen Rechnungen"
    foot = json.dumps(d["datasets"][d["vconcat"][1]["data"]["name"]], ensure_ascii=False)
    assert "1.000 Rechnungen" in foot and "Startwert" not in foot


def test_theme_sets_no_pixel_label_limits():
    # Vega's pixel truncation re-measures text (3x slower SVG); builders clip in Python
    cfg = theme.theme_config()["config"]
    assert cfg["axis"]["labelLimit"] == 0 and cfg["legend"]["labelLimit"] == 0
    assert charts.ValueForm.for_values("1", [0.2]).percent
    from workbook.charts.common import clip
    assert clip("Relevanz und Handlungsgrenzen", 10) == "Relevanz…"
    assert clip("kurz", 10) == "kurz"


def test_too_many_rows_refused_with_a_message():
    df = pd.DataFrame({"year": range(6000), "group": "a", "value": 1.0})
    with pytest.raises(WorkbookError, match="6000 Zeilen sind zu viele"):
        charts.line_by_group(df)


def test_share_columns_print_as_percent_and_legends_match_decimals():
    k = KREISE.assign(share_65plus=[0.21, 0.25, 0.19, 0.3], density=[1500.5, 80.25, 900.0, 60.0],
                      small=[0.012, 0.2, 1.5, 0.3])
    d = charts.kreis_map(k, "share_65plus", boundaries=geojson()).to_dict()
    legend = d["layer"][0]["encoding"]["color"]["condition"]["legend"]
    assert legend["format"] == ",.0%" and legend["title"] == "share_65plus (in %)"
    d = charts.kreis_map(k, "density", boundaries=geojson(), unit="Einwohner je km²").to_dict()
    assert d["layer"][0]["encoding"]["color"]["condition"]["legend"]["format"] == ",.0f"
    d = charts.kreis_map(k, "small", boundaries=geojson()).to_dict()  # 0.012 .. 1.5: one decimal
    assert d["layer"][0]["encoding"]["color"]["condition"]["legend"]["format"] == ",.1~f"


def test_kreis_map_outlines_a_highlighted_kreis_without_value():
    values = KREISE.assign(offline_share=[0.1, float("nan"), 0.12] + [0.1] * (len(KREISE) - 3))
    d = charts.kreis_map(values, "offline_share", boundaries=geojson(), highlight="01002").to_dict()
    top = d["vconcat"][0] if "vconcat" in d else d
    name = top["layer"][0]["transform"][0]["from"]["data"]["name"]
    rows = {r["ags"]: r for r in d["datasets"][name]}
    assert rows["01002"]["hl"] == 1 and rows["01002"]["wert"] is None


def test_fan_without_legend_and_the_legend_alone():
    df = long_table()
    d = charts.fan_chart(df, labels=LABELS, legend=False, points=False, selectable=False).to_dict()
    layers = all_layers(d["vconcat"][0])
    assert all(layer["encoding"]["color"]["legend"] is None for layer in layers)
    assert [mark_type(layer) for layer in layers] == ["area", "area", "line"]   # no tooltip markers
    rows = dataset_rows(d, d["vconcat"][0])
    assert "Median" not in rows[0] and "b90" not in rows[0]                      # no tooltip texts either
    legend = charts.scenario_legend(["S2", "S0", "S1"], labels=LABELS).to_dict()
    enc = legend["encoding"]
    assert enc["color"]["scale"]["domain"] == ["S0 Szenario 0", "S1 Szenario 1", "S2 Szenario 2"]
    assert enc["color"]["scale"]["range"] == theme.scenario_colors(["S0", "S1", "S2"])
    assert enc["strokeDash"]["scale"]["range"] == theme.scenario_dashes(["S0", "S1", "S2"])
    assert enc["x"]["axis"] is None and enc["y"]["axis"] is None
    with pytest.raises(WorkbookError, match="keine Szenarien"):
        charts.scenario_legend([])


def test_live_map_new_highlight_redraws_title_other_values_only_rows():
    from workbook import display

    other = KREISE.assign(gigabit_share=[0.5, 0.4, 0.3, 0.2])
    live = display.LiveChart(lambda hl, df: charts.kreis_map(df, "gigabit_share", boundaries=geojson(), highlight=hl),
                            "01001", KREISE, data_updates=True)
    _ = live.widget                                           # shown: updates now go to the view
    assert live.update("01001", other) == "data"              # same structure, other rows
    assert live.update("01002", other) == "spec"              # the subtitle names another Kreis
    assert "Nordkreis" in json.dumps(live.spec, ensure_ascii=False)
    assert live.update("01002", other) == "none"


def test_fan_chart_with_a_focus_draws_bands_for_that_scenario_only():
    d = charts.fan_chart(long_table(), labels=LABELS, focus="S1").to_dict()
    top = d["vconcat"][0]
    areas = [layer for layer in all_layers(top) if mark_type(layer) == "area"]
    assert len(areas) == 2
    for area in areas:   # each band layer keeps only the focus scenario's rows
        assert {"filter": {"field": "Szenario", "equal": "S1 Szenario 1"}} in area["transform"]
    lines = [layer for layer in all_layers(top) if mark_type(layer) == "line"]
    assert lines and all("transform" not in layer for layer in lines)     # lines for every scenario
    assert any("Flächen für S1 Szenario 1" in line for line in top["title"]["subtitle"])
    # an unknown focus (or none) keeps the bands of all scenarios
    d = charts.fan_chart(long_table(), labels=LABELS, focus="S9").to_dict()
    assert all("transform" not in layer for layer in all_layers(d["vconcat"][0]) if mark_type(layer) == "area")


def test_scenario_bars_keep_the_whole_scenario_title_on_two_lines():
    long = {"S0": "S0 Trend", "S1": "S1 Städte entwickeln sich strukturiert zur Smart City"}
    d = charts.scenario_bars_2030(long_table(scenarios=("S0", "S1")), labels=long).to_dict()
    rows = next(v for k, v in d["datasets"].items() if v and "Szenario" in v[0] and "mid" in v[0])
    names = [r["Szenario"] for r in rows]
    assert [n.replace("\n", " ") for n in names] == list(long.values())       # not cut with '…'
    assert any("\n" in n for n in names) and all(len(part) <= 34 for n in names for part in n.split("\n"))
    axis = next(layer["encoding"]["y"]["axis"] for layer in all_layers(d["vconcat"][0])
                if "axis" in layer["encoding"].get("y", {}) and layer["encoding"]["y"].get("field") == "Szenario")
    assert "split(datum.label" in axis["labelExpr"]


def test_a_long_footnote_wraps_instead_of_being_cut():
    note = "Schätzung: " + " ".join(["Wort"] * 60)
    d = charts.source_note(alt.Chart(pd.DataFrame({"a": [1]})).mark_point(), estimate=note, width=300).to_dict()
    foot = d["datasets"][d["vconcat"][1]["data"]["name"]]
    assert len(foot) > 1 and "…" not in json.dumps(foot, ensure_ascii=False)
    assert " ".join(r["text"] for r in foot) == note


def test_no_doubled_words_when_a_label_ends_with_im_jahr():
    labels = {"divide.training_cost_eur": "Kosten des Schulungsprogramms im Jahr"}
    d = charts.scenario_bars_2030(long_table(indicators=("divide.training_cost_eur",), unit="EUR"),
                                  labels=LABELS, indicator_labels=labels).to_dict()
    text = json.dumps(d, ensure_ascii=False)
    assert "Kosten des Schulungsprogramms im Jahr 2030 nach Szenario" in text
    assert "im Jahr im Jahr" not in text


def test_subindex_multiples_with_a_focus_band_one_scenario_only():
    t = long_table(indicators=tuple(charts.SUBINDICES[:2]))
    d = charts.subindex_chart(t, labels=LABELS, focus="S2").to_dict()
    areas = [layer for layer in all_layers(d) if mark_type(layer) == "area"]
    assert areas and all({"filter": {"field": "Szenario", "equal": "S2 Szenario 2"}} in a.get("transform", [])
                         for a in areas)
    d = charts.subindex_chart(t, labels=LABELS).to_dict()
    assert all("transform" not in a for a in all_layers(d) if mark_type(a) == "area")


def test_fan_chart_rows_are_ordered_by_legend_label_and_year_and_a_missing_median_falls_back():
    """The fan's rows: sorted by legend label, then year (whatever the table's order), the first
    non-missing value per scenario, year and quantile, and the default run where p50 is missing."""
    df = long_table(quantiles={"p5": -0.06, "p25": -0.02, "p50": 0.0, "p75": 0.02, "p95": 0.06, "default": 0.001})
    df = df.sample(frac=1.0, random_state=3).reset_index(drop=True)          # any order
    hole = (df["scenario"] == "S2") & (df["year"] == 2025) & (df["quantile"] == "p50")
    df.loc[hole, "value"] = np.nan
    labels = {"S0": "Zulu", "S1": "Alpha", "S2": "Mike"}
    d = charts.fan_chart(df, labels=labels).to_dict()
    rows = next(v for k, v in d["datasets"].items() if v and "Szenario" in v[0])
    assert [(r["Szenario"], r["Jahr"]) for r in rows] == [
        (lab, y) for lab in ("Alpha", "Mike", "Zulu") for y in range(2021, 2031)]
    s2_2025 = next(r for r in rows if r["Szenario"] == "Mike" and r["Jahr"] == 2025)
    assert s2_2025["mid"] == pytest.approx(round(0.34 + 0.04 * 4 + 0.001, 4))   # the default run
    assert s2_2025["p5"] == pytest.approx(round(0.34 + 0.04 * 4 - 0.06, 4))
