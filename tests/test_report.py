"""Report content: key figures, the plain-German summary and the list of estimates."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook import findings as RP


def _rows(indicator, unit, values, scenario="S0", quantiles=("p5", "p50", "p95")):
    """values: {year: (p5, p50, p95)} -> long rows."""
    out = []
    for year, triple in values.items():
        for q, v in zip(quantiles, triple):
            out.append({"scenario": scenario, "ags": "16069", "indicator": indicator, "unit": unit,
                        "year": year, "value": v, "quantile": q})
    return out


@pytest.fixture
def results():
    rows = []
    rows += _rows("ddi.index", "1", {2021: (0.28, 0.30, 0.32), 2030: (0.58, 0.65, 0.72)}, "S0")
    rows += _rows("ddi.index", "1", {2021: (0.28, 0.30, 0.32), 2030: (0.66, 0.74, 0.80)}, "S1")
    rows += _rows("ddi.index", "1", {2021: (0.28, 0.30, 0.32), 2030: (0.54, 0.60, 0.67)}, "S5")
    rows += _rows("ddi.verw", "1", {2030: (0.5, 0.6, 0.7)}, "S0")
    rows += _rows("ddi.gesund", "1", {2030: (0.3, 0.38, 0.45)}, "S0")
    rows += _rows("divide.online_share_65plus", "1", {2021: (0.7, 0.73, 0.76), 2030: (0.88, 0.91, 0.94)})
    rows += _rows("divide.cost_per_new_onliner_eur", "EUR/Person", {2030: (120.0, 233.0, 430.0)})
    rows += _rows("tele.trips_avoided", "Wege/Jahr", {2030: (12_000.0, 29_509.0, 52_000.0)})
    rows += _rows("tele.car_km_avoided", "km/Jahr", {2030: (157_000.0, 445_817.0, 1_141_000.0)})
    rows += _rows("tele.gp_capacity_gap_share", "1", {2030: (0.0, 0.196, 0.36)})
    rows += _rows("resilience.lockdown_continuity", "1", {2030: (0.56, 0.731, 0.82)})
    df = pd.DataFrame(rows)
    df.attrs.update(seed=20211, draws=1000)
    return df


TITLES = {"S0": "Trend", "S1": "Strukturiert zur Smart City", "S5": "Relevanz und Handlungsgrenzen"}


def test_summary_sentences_come_from_the_table(results):
    paras = RP.summary_de(results, "Hildburghausen", TITLES)
    assert paras[0].startswith("Im Trend-Szenario (S0) erreicht Hildburghausen im Jahr 2030 einen "
                               "Digitalisierungsgrad von 65 % (2021: 30 %).")
    assert "Spanne von 58 % bis 72 %" in paras[0]
    assert "„Strukturiert zur Smart City“ (S1)" in paras[0]
    assert "„Relevanz und Handlungsgrenzen“ (S5)" in paras[0]
    assert "der Abstand beträgt 14 Prozentpunkte" in paras[0]
    # gap 0.14 = band 0.14 -> not larger: the uncertainty sentence
    assert "kleiner als die Unsicherheit" in paras[0]
    assert paras[1] == ("Der schwächste Baustein im Jahr 2030 ist „Videosprechstunde (Anteil Hausarztpraxen)“ "
                        "mit 38 %: Dort wirkt ein Hebel am meisten.")
    assert paras[2] == ("Von den Menschen ab 65 Jahren sind im Trend 2030 91 % online (2021: 73 %). "
                        "Jede zusätzlich gewonnene Person kostet durch Schulungen rund 233 €.")
    assert paras[3] == ("Videosprechstunden ersparen im Trend 2030 rund 29.500 Wege zur Hausarztpraxis und "
                        "446.000 Autokilometer im Jahr. Die Lücke in der hausärztlichen Versorgung liegt "
                        "2030 bei 20 %.")
    assert paras[4] == "Im Lockdown-Stresstest laufen 2030 im Trend 73 % der Verwaltungsleistungen weiter."


def test_summary_says_when_scenarios_differ_more_than_the_band(results):
    narrow = results.copy()
    mask = (narrow["indicator"] == "ddi.index") & (narrow["scenario"] == "S0") & (narrow["year"] == 2030)
    narrow.loc[mask & (narrow["quantile"] == "p5"), "value"] = 0.64
    narrow.loc[mask & (narrow["quantile"] == "p95"), "value"] = 0.66
    text = RP.summary_de(narrow, "X", TITLES)[0]
    assert "größer als die Unsicherheit" in text


def test_summary_leaves_out_topics_missing_from_the_table(results):
    only_ddi = results[results["indicator"].str.startswith("ddi.")]
    paras = RP.summary_de(only_ddi, "X", TITLES)
    assert len(paras) == 2
    assert not any("Videosprechstunden" in p or "Lockdown" in p for p in paras)


def test_summary_without_draws_has_no_band(results):
    default = results[results["quantile"] == "p50"].assign(quantile="default")
    text = RP.summary_de(default, "X", TITLES)[0]
    assert "Spanne" not in text and "Unsicherheit" not in text
    assert "Digitalisierungsgrad von 65 %" in text


def test_coop_sentence():
    s = RP._coop_sentence({"partners": ["Suhl", "Sonneberg"], "saving_eur": 438_774.5, "pays_more": [],
                           "scenario_title": "Kooperation der Regionen"}, "X")
    assert s == ("Ein gemeinsamer IT-Dienst mit Suhl; Sonneberg spart im Szenario „Kooperation der Regionen“ "
                 "allen Mitgliedern zusammen rund 438.800 € im Jahr; mit den Standardannahmen zahlt kein Mitglied "
                 "mehr als allein.")
    s = RP._coop_sentence({"partners": ["A"], "saving_eur": 10.0, "pays_more": ["A"]}, "X")
    assert s.endswith("A würde(n) bei der einfachen Aufteilung mehr zahlen als allein.")
    assert RP._coop_sentence({"partners": []}, "Köln").startswith("Für Köln schlägt das Modell keinen Partner vor")


def test_key_figures_table_is_formatted_german(results):
    table = RP.key_figures(results, ["S0", "S1"])
    assert list(table.columns) == ["Kennzahl", "S0", "S1"]
    first = table.iloc[0]
    assert first["Kennzahl"] == "Digitalisierungsgrad-Index (arithmetisches Mittel)"
    assert first["S0"] == "65,0 % (58,0 bis 72,0 %)"
    trips = table[table["Kennzahl"].str.startswith("Vermiedene Wege")].iloc[0]
    assert trips["Kennzahl"] == "Vermiedene Wege zur Hausarztpraxis im Jahr (Wege pro Jahr)"   # unit once
    assert trips["S0"] == "29.509 (12.000 bis 52.000)"
    assert trips["S1"] == "–"                      # no S1 row for this indicator: a dash, not a number


def test_estimated_inputs_lists_data_estimates_and_assumptions():
    from workbook.params import load_parameters

    table = RP.estimated_inputs("16069")
    data = table[table["Status"] == "Schätzung"]
    # issue 13: age groups, gigabit share, GP density and Kreistyp are official now; still estimated:
    assert set(data["Eingabe"]) == {"Anteil Offliner (ab 14 Jahren)", "Home-Office-Potenzial (Wohnort)",
                                    "Home-Office vor Corona (Wohnort)"}
    params = load_parameters()
    # parameters that the Kreis' real data replace are not listed (only what is still estimated)
    from workbook.data import load_kreise, value_status
    k = load_kreise()
    replaced = RP.replaced_parameters("16069", k[k["ags"] == "16069"].iloc[0], value_status("16069"))
    assert {"ddi.infra.rate", "tele.distance_km_urban", "tele.distance_km_rural",
            "divide.access.broadband_urban", "divide.access.broadband_rural"} <= replaced
    n_assumptions = sum(1 for k in params if params[k].status == "assumption" and k not in replaced)
    assert (table["Status"] == "Annahme").sum() == n_assumptions
    assert params["ddi.infra.rate"].label_de not in set(table["Eingabe"])
    assert not (table["Status"] == "Fakt").any()        # facts are not estimates
    row = table[table["Status"] == "Annahme"].iloc[0]
    assert " bis " in row["Spanne"] and row["Quelle / Methode"]


def test_summary_without_s0_names_the_scenario(results):
    s1 = results[results["scenario"] == "S1"]
    text = RP.summary_de(s1, "X", TITLES)[0]
    assert text.startswith("Im Szenario „Strukturiert zur Smart City“ (S1) erreicht X im Jahr 2030")


def test_summary_figures_are_plain_p50_numbers_of_2030(results):
    figs = RP.summary_figures(results)
    assert figs == {"year": 2030, "quantile": "p50",
                    "values": {"S0": {"ddi.index": 0.65, "divide.online_share_65plus": 0.91},
                               "S1": {"ddi.index": 0.74}, "S5": {"ddi.index": 0.60}},
                    "units": {"ddi.index": "1", "divide.online_share_65plus": "1"}}


def test_summary_figures_without_draws_take_the_default_run_and_skip_nan():
    df = pd.DataFrame(_rows("ddi.index", "1", {2030: (0.5, float("nan"))}, "S2", quantiles=("default", "default"))
                      + _rows("tele.co2_avoided_t", "t/Jahr", {2030: (12.5,)}, "S2", quantiles=("default",)))
    figs = RP.summary_figures(df)
    assert figs["quantile"] == "default"
    assert figs["values"] == {"S2": {"ddi.index": 0.5, "tele.co2_avoided_t": 12.5}}


def test_static_report_publishes_the_figures_the_engine_gives(monkeypatch):
    """The batch's index reads these instead of running the engine a second time: they must equal
    workbook.batch.key_figures.key_figures for the same parameters, and show nothing on the page."""
    import IPython.display

    from workbook.apps.kreis_report import ReportApp
    from workbook.apps.page import show
    from workbook.batch.key_figures import key_figures
    from workbook.batch.task import SUMMARY_MIME

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.append((objs, kw)))
    show(ReportApp(ags="16069", scenario="S0,S4", draws=20, seed=5, interactive=False))
    bundles = [objs[0] for objs, kw in shown if kw.get("raw")]
    assert len(bundles) == 1 and set(bundles[0]) == {SUMMARY_MIME} and RP.SUMMARY_MIME == SUMMARY_MIME
    figs = bundles[0][SUMMARY_MIME]
    assert figs == key_figures("16069", scenario="S0,S4", draws=20, seed=5)
    assert sorted(figs["values"]) == ["S0", "S4"] and figs["quantile"] == "p50"
    assert 0 < figs["values"]["S4"]["ddi.index"] < 1


def test_coop_sentence_says_when_the_cooperation_may_cost_more(results):
    coop = {"partners": ["Suhl"], "saving_eur": 50_000.0, "pays_more": [], "scenario_title": "Trend"}
    risky = RP._coop_sentence(coop, "X", -12_345.0)
    assert risky.endswith("Unter ungünstigen Annahmen (5-%-Quantil der Monte-Carlo-Rechnung) würde die "
                          "Kooperation X aber rund 12.300 € im Jahr mehr kosten als ein eigener Dienst.")
    assert "kein Mitglied mehr als allein" in risky          # the default split, said as such
    assert RP._coop_sentence(coop, "X", 4_000.0).endswith("spart X noch rund 4.000 € im Jahr.")
    # through the summary: the p5 of the Kreis' own saving in the table decides
    rows = pd.DataFrame(_rows("coop.saving_eur", "EUR/Jahr", {2030: (-9_000.0, 20_000.0, 40_000.0)}))
    paras = RP.summary_de(pd.concat([results, rows]), "X", TITLES, coop=coop)
    assert "würde die Kooperation X aber rund 9.000 € im Jahr mehr kosten" in paras[-1]
    no_band = pd.concat([results, rows])
    no_band = no_band[no_band["quantile"] == "p50"].assign(quantile="default")
    assert "ungünstigen" not in RP.summary_de(no_band, "X", TITLES, coop=coop)[-1]


def test_where_it_stands_lists_real_inputs_with_year_source_and_ranks():
    from workbook.data import load_kreise
    from workbook.data.schema import COLUMNS

    table = RP.where_it_stands("05315")
    assert list(table.columns[:4]) == ["Kennzahl", "Wert", "Stand", "Herkunft"]
    assert "Rang in Nordrhein-Westfalen" in table.columns
    pop = table[table["Kennzahl"] == COLUMNS["population_2019"].label_de].iloc[0]
    k = load_kreise()
    nrw = k[k["land_ags"] == "05"]
    # Köln is the largest Kreis of NRW by population
    assert pop["Rang in Nordrhein-Westfalen"] == f"1 von {len(nrw)}"
    assert pop["Stand"] == "2019"
    # estimated inputs are not shown here
    estimated = {c.label_de for c in COLUMNS.values() if c.is_estimate}
    assert not set(table["Kennzahl"]) & estimated


def test_rank_text_counts_from_the_highest_value_with_ties():
    v = pd.Series([3.0, 5.0, 5.0, 1.0], index=list("abcd"))
    assert [RP.rank_text(v, x) for x in "abcd"] == ["3 von 4", "1 von 4", "1 von 4", "4 von 4"]
