"""Topic apps: static rendering, live widgets wired to the model, exports."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import yaml

from workbook.apps.base import Block, neutralise_cells
from workbook.apps.live import LiveView, download_link
from workbook.apps.static import StaticView, block_static_html
from workbook.errors import WorkbookError

DRAWS = 50


# -- pieces ---------------------------------------------------------------------------

def test_block_static_html_escapes_and_orders_parts():
    block = Block("x", "Titel <b>", help="Hilfe & mehr", html="<p>frei</p>",
                  table=pd.DataFrame({"Kennzahl": ["<script>"], "Wert": ["1,5 %"]}), notes=["Quelle: A · Schätzung"])
    out = block_static_html(block)
    assert "id='wb-x'" in out and "<h3>Titel &lt;b&gt;</h3>" in out
    assert "&lt;script&gt;" in out and "<script>" not in out
    assert out.index("<p>frei</p>") < out.index("<table") < out.index("Hilfe &amp; mehr") < out.index("Quelle: A")


def test_table_aligns_each_heading_with_its_column():
    import re

    from workbook.apps.static import table_html

    df = pd.DataFrame({"Jahr": ["2021", "2030"], "Gruppe": ["65 bis 69 Jahre", "80 Jahre und älter"],
                       "Personen": ["1.234", "–"], "Band": ["63,0 % (57,1 bis 68,9 %)", "−2,5 %"],
                       "zahlt mehr": ["ja", "nein"]})
    out = table_html(df)
    heads = re.findall(r"<th class=\"(wb-\w+)\" style=\"text-align: (\w+);\">", out)
    assert heads == [("wb-num", "right"), ("wb-text", "left"), ("wb-num", "right"), ("wb-num", "right"),
                     ("wb-text", "left")]
    rows = re.findall(r"<tr>(.*?)</tr>", out, flags=re.S)[1:]
    for row in rows:      # every cell sits under a heading aligned the same way
        assert re.findall(r"<td class=\"(wb-\w+)\" style=\"text-align: (\w+);\">", row) == heads
    assert '<tr style="text-align: right;">' not in out     # no row-wide alignment that pulls headings off


def test_download_link_is_a_data_uri():
    link = download_link(b"a;b\n1;2\n", "x.csv", "text/csv", "x.csv")
    assert link.startswith("<a download='x.csv' href='data:text/csv;base64,YTtiCjE7Mgo='")


def test_neutralise_cells_defuses_formulas():
    df = pd.DataFrame({"Name": ["=HYPERLINK(1)", "Köln", "@x", "-1+2"], "n": [1, 2, 3, 4]})
    out = neutralise_cells(df)
    assert list(out["Name"]) == ["'=HYPERLINK(1)", "Köln", "'@x", "'-1+2"]
    assert list(out["n"]) == [1, 2, 3, 4]


# -- static rendering -------------------------------------------------------------------

def test_scenario_app_static_is_svg_only_and_deterministic():
    from workbook.apps.scenarios import ScenarioApp

    first = StaticView(ScenarioApp("16069", draws=DRAWS, interactive=False)).html()
    second = StaticView(ScenarioApp("16069", draws=DRAWS, interactive=False)).html()
    assert first == second
    assert first.count("<svg") >= 4
    assert "<script" not in first and "cdn." not in first
    assert "Hildburghausen" in first
    assert "Quelle:" in first and "Schätzung" in first            # notes under the numbers


def test_overview_static_tables_name_sources():
    from workbook.apps.overview import OverviewApp

    app = OverviewApp("05315", interactive=False, indicator="gigabit_share")
    figures = app.figures()
    row = figures[figures["Kennzahl"] == "Einwohner 2019"].iloc[0]
    from workbook.data import load_kreise

    k = load_kreise()
    expected = int(k.loc[k["ags"] == "05315", "population_2019"].iloc[0])
    assert row["Wert"] == f"{expected:,}".replace(",", ".")
    assert row["Status"] == "amtliche Zahl" and "RKI" in row["Quelle"]
    # issue 13: the gigabit share is an official figure now; the offline share is still estimated
    giga = figures[figures["Kennzahl"] == "Haushalte mit Gigabit-Anschluss"].iloc[0]
    assert giga["Status"] == "amtliche Zahl" and giga["Wert"].endswith(" %") and "Breitbandatlas" in giga["Quelle"]
    est = figures[figures["Kennzahl"] == "Anteil Offliner (ab 14 Jahren)"].iloc[0]
    assert est["Status"] == "Schätzung" and est["Wert"].endswith(" %")
    comp = app.comparison()
    assert any(c.startswith("Median Nordrhein-Westfalen (") for c in comp.columns)
    html = StaticView(app).html()
    assert "Haushalte mit Gigabit-Anschluss nach Kreisen" in html
    assert "Wo steht der Kreis?" in html and "Rang in Nordrhein-Westfalen" in html


def test_sources_name_publisher_title_and_date_not_packages_or_files():
    from workbook.apps import common as C
    from workbook.apps.overview import OverviewApp
    from workbook.data.schema import COLUMNS

    for name in COLUMNS:
        text = C.reader_source(name)
        assert text and not any(bad in text for bad in ("npm", "PyPI", "docs/", ".yml", ".md")), (name, text)
    assert C.reader_source("population_2018") == "Statistisches Bundesamt (Destatis), Gemeindeverzeichnis (GV-ISys) 31.12.2018"
    assert "Initiative D21" in C.reader_source("offline_share")
    notes = " ".join(C.data_notes("16069", ["offline_share", "population_2019"]))
    assert "Quelle: Offline-Anteile nach Alter (Initiative D21, D21-Digital-Index 2020/21)" in notes
    assert "PyPI" not in notes and "docs/data.md" not in notes
    html = StaticView(OverviewApp("16069", interactive=False)).html()
    assert "PyPI" not in html and "npm " not in html and "data/estimation.yml" not in html


def test_cooperation_without_a_saving_says_so_instead_of_a_map():
    from workbook.apps.cooperation import CooperationApp

    app = CooperationApp("02000", draws=0, interactive=False)      # Hamburg: no neighbour in its Land
    block = next(b for b in app.build_blocks(app.results()) if b.key == "partners")
    assert block.chart is None
    assert "spart im Szenario" in block.html and "kein Verbund" in block.html
    app = CooperationApp("09372", draws=0, interactive=False)      # Cham: a cluster with partners
    block = next(b for b in app.build_blocks(app.results()) if b.key == "partners")
    assert block.chart is not None and "Einsparung des Verbunds" in block.html


def test_cooperation_split_has_everyone_and_no_member_above_alone():
    from workbook.apps.cooperation import CooperationApp

    app = CooperationApp("16069", draws=0, interactive=False)
    partners = app.partners()
    assert "16069" in set(partners["ags"])
    assert (partners["pay_fair_eur"] <= partners["cost_alone_eur"] + 1e-6).all()
    table = app.split_table()
    assert len(table) == len(partners)
    assert set(table["zahlt ohne Ausgleich mehr als allein"]) <= {"ja", "nein"}
    assert app.summary()["partners"] == [n for a, n in zip(partners["ags"], partners["name"]) if a != "16069"]


# -- live widgets -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def live():
    from workbook.apps.scenarios import ScenarioApp

    app = ScenarioApp("16069", draws=DRAWS, interactive=True)
    view = LiveView(app)
    view.panel._debouncer.delay = 0         # synchronous in tests
    return app, view


def test_moving_a_lever_changes_the_model_input_and_the_chart(live):
    app, view = live
    slider = view.panel.sliders["ddi.verw.rate"]
    live_chart = view.views[0].chart
    widget, before, updates = live_chart.widget, live_chart.spec, live_chart.updates
    slider.value = slider.max
    assert app.overrides == {"ddi.verw.rate": slider.max}
    assert app.results().attrs["draws"] == DRAWS
    assert view.views[0].chart is live_chart and live_chart.widget is widget   # updated in place
    assert live_chart.updates == updates + 1 and live_chart.spec != before
    assert "Geänderte Annahmen: Wachstumsrate" in view.changed.value or "Geänderte Annahmen" in view.changed.value
    view.panel.reset()
    assert app.overrides == {}


def test_hostile_slider_values_are_clamped_before_the_model(live):
    app, view = live
    slider = view.panel.sliders["ddi.verw.rate"]
    rec = app.parameters["ddi.verw.rate"]
    slider.set_state({"max": 1e12, "value": 1e12})
    assert app.overrides["ddi.verw.rate"] == rec.max
    slider.set_state({"value": float("nan")})
    assert "ddi.verw.rate" not in app.overrides            # NaN -> the default, which is no override
    view.panel.reset()


def test_changing_the_kreis_recomputes(live):
    app, view = live
    view.kreis.combo.value = "Köln, Stadt (05315)"
    assert app.ags == "05315"
    assert set(app.results()["ags"]) == {"05315"}
    assert "Köln" in view.title.value
    view.kreis.combo.value = "nirgendwo"
    assert app.ags == "05315"


def test_focus_scenario_picker_drives_the_tornado(live):
    app, view = live
    view.focus.dropdown.value = "S5"
    assert app.focus == "S5"
    assert "S5" in view.views[3].title.value


def test_exports(live):
    from workbook.params import load_parameters

    app, view = live
    name, data = view.export_file("csv")
    assert name.endswith(".csv")
    # the download is for people: German Excel CSV (";", decimal comma, BOM) with German headers
    # and labels (the analysts' machine-readable table is `workbook project --out`)
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig",
                        dtype={"Kreisschlüssel (AGS)": str})
    assert list(table.columns) == ["Szenario", "Szenario (Titel)", "Kreisschlüssel (AGS)", "Kreis", "Kennzahl",
                                   "Kennzahl (Schlüssel)", "Einheit", "Jahr", "Wert", "Lauf / Quantil"]
    results = app.results()
    assert len(table) == len(results) and set(table["Kreisschlüssel (AGS)"]) == {app.ags}
    assert table["Wert"].to_numpy() == pytest.approx(results["value"].to_numpy())
    assert set(table["Kreis"]) == {app.kreis_name} and "Median" in set(table["Lauf / Quantil"])
    name, data = view.export_file("xlsx")
    assert data[:2] == b"PK"
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert set(sheets) == {"Ergebnisse", "Metadaten"}
    assert list(sheets["Ergebnisse"].columns) == list(table.columns)
    assert str(results.attrs["seed"]) in set(sheets["Metadaten"]["Wert"].astype(str))
    name, data = view.export_file("svg")
    assert data.lstrip().startswith(b"<svg")
    name, data = view.export_file("png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    name, data = view.export_file("pdf")
    assert data[:5] == b"%PDF-"
    view.panel.sliders["ddi.strat.rate"].value = view.panel.sliders["ddi.strat.rate"].max
    name, data = view.export_file("yaml")
    doc = yaml.safe_load(data.decode("utf-8"))
    params = load_parameters()
    assert doc["changes"]["ddi.strat.rate"] == params["ddi.strat.rate"].max
    assert doc["based_on"] == app.focus
    assert "data:application/x-yaml;base64," in view.links.value
    view.panel.reset()


def test_export_files_name_the_kreis_not_the_class_and_the_yaml_holds_slider_values(live):
    app, view = live
    name, data = view.export_file("svg")
    assert name.startswith(f"{app.ags}_") and "scenarioapp" not in name.lower()
    assert app.kreis_name.split(",")[0] in data.decode("utf-8")          # the chart names the place
    assert "Klick auf die Legende" not in data.decode("utf-8")
    saved = dict(app.overrides)
    try:
        app.set_overrides({"ddi.strat.rate": 0.05 + 18 * 0.01})       # 0.22999999999999998 from a slider
        doc = yaml.safe_load(app.scenario_yaml().decode("utf-8"))
        assert doc["changes"]["ddi.strat.rate"] == 0.23
        assert "0.22999999999999998" not in app.scenario_yaml().decode("utf-8")
    finally:
        app.overrides = saved


def test_overview_dropdown_refuses_values_not_offered():
    from workbook.apps.overview import OverviewApp

    app = OverviewApp("05315", interactive=True)
    view = LiveView(app)
    dd = view.dropdowns["indicator"]
    dd.value = "gp_per_10k"
    assert app.extra["indicator"] == "gp_per_10k"
    with pytest.raises(WorkbookError, match="'population_2018' ist nicht erlaubt"):
        app.set_choice("indicator", "population_2018")
    assert app.extra["indicator"] == "gp_per_10k"


def test_panel_offers_the_levers_but_not_what_defines_a_scenario(live):
    _app, view = live
    keys = set(view.panel.sliders)
    assert "ddi.verw.rate" in keys and "ddi.strat.start" in keys
    assert "ddi.verw.rate_factor" not in keys and "ddi.alpha" not in keys     # set by S1..S5
    assert all(k.startswith("ddi.") for k in keys)


def test_a_lever_redraws_only_the_charts_it_changes():
    from workbook.apps.telemedicine import TelemedicineApp

    app = TelemedicineApp("16069", draws=DRAWS, interactive=True)
    view = LiveView(app)
    view.panel._debouncer.delay = 0
    assert [v.chart is not None for v in view.views] == [True] + [False] * (len(view.views) - 1)   # first tab only
    for v in view.views:
        v.show()                                   # every chart in view, as after visiting each tab
    charts = {v.key: v.chart for v in view.views if v.chart is not None}
    before = {k: c.updates for k, c in charts.items()}
    key = next(k for k in view.panel.sliders if k.startswith("resilience."))
    slider = view.panel.sliders[key]
    slider.value = slider.max if slider.value != slider.max else slider.min
    after = {k: c.updates for k, c in charts.items()}
    assert after["video"] == before["video"] and after["gap"] == before["gap"]   # telemedicine untouched
    assert after["lockdown"] + after["cyber"] > before["lockdown"] + before["cyber"]


def test_voila_query_switches_the_kreis_after_the_app_is_built(monkeypatch):
    from workbook.apps.overview import OverviewApp

    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "ags=16069")
    app = OverviewApp("05315", interactive=True)
    assert app.ags == "05315"                       # built for the notebook's default first
    view = LiveView(app)
    assert view.apply_query() == "16069"
    assert app.ags == "16069" and "Hildburghausen" in view.title.value
    monkeypatch.setenv("QUERY_STRING", "ags=<script>")
    assert view.apply_query() == "16069"
    assert "unbekannt" in view.warnings.value and "<script>" not in view.warnings.value


def test_tabs_build_a_chart_when_it_is_first_shown(live):
    _app, view = live
    titles = view.blocks_box.titles
    assert titles[:2] == ("Verlauf", "2030 je Szenario")
    view.blocks_box.selected_index = 2
    assert view.views[2].visible and view.views[2].chart is not None
    assert not view.views[0].visible
    view.blocks_box.selected_index = 0


def test_an_internal_error_in_a_refresh_shows_a_german_note_and_keeps_the_charts(live, monkeypatch):
    app, view = live
    shown = view.views[0].chart.spec

    def broken(_results):
        raise RuntimeError("boom")

    monkeypatch.setattr(app, "build_blocks", broken)
    view.panel.sliders["ddi.verw.rate"].value = 0.2
    assert "internen Fehlers" in view.error.value and "boom" not in view.error.value
    assert view.views[0].chart.spec == shown
    assert app.overrides == {}                 # the failed setting is not kept
    monkeypatch.undo()
    view.panel.reset()
    assert view.error.value == ""


def test_the_first_lever_of_a_topic_panel_belongs_to_the_topic():
    from workbook.apps.telemedicine import TelemedicineApp

    keys = TelemedicineApp("16069", draws=0, interactive=False).panel_keys()
    assert keys[0].startswith("tele.") and keys[-1].startswith("resilience.")


def test_a_users_scenario_file_runs_static_and_live(tmp_path):
    from workbook.apps.scenarios import ScenarioApp
    from workbook.params import load_parameters, save_scenario

    params = load_parameters()
    path = tmp_path / "mein_plan.yml"
    save_scenario(path, {"ddi.verw.rate": params["ddi.verw.rate"].max}, "Mein Plan", id="U_Plan")
    static = StaticView(ScenarioApp("16069", scenario=str(path), draws=0, interactive=False)).html()
    assert "Mein Plan" in static and static.count("<svg") >= 3
    app = ScenarioApp("16069", scenario=str(path), draws=0, interactive=True)
    view = LiveView(app)
    assert app.focus == "U_Plan" and view.focus.scenario == "U_Plan"


def test_static_report_one_scenario_legend_and_html_notes():
    from workbook.apps.kreis_report import ReportApp

    first = StaticView(ReportApp("16069", draws=DRAWS, interactive=False)).html()
    # another Kreis of the same Land in between: templates and caches are reused, not leaked
    StaticView(ReportApp("16053", draws=DRAWS, interactive=False)).html()
    again = StaticView(ReportApp("16069", draws=DRAWS, interactive=False)).html()
    assert first == again
    # legends: the scenario legend once (drawn alone) for three fans, and the map's colour scale
    assert first.count('role-legend"') == 2 and first.count("role-legend-gradient") == 1
    assert first.count("<svg") == 6                     # 3 fans, legend, bars, partner map
    assert "Schwarz umrandet: Hildburghausen" in first  # the map's subtitle names this Kreis
    assert first.count("wb-chart-note") >= 5 and "<script" not in first


def _button_labels(widget) -> list[str]:
    import ipywidgets as W

    out, stack = [], [widget]
    while stack:
        w = stack.pop()
        if isinstance(w, W.Button):
            out.append(w.description)
        stack.extend(getattr(w, "children", ()))
    return out


def test_a_page_without_levers_offers_no_settings_file_and_no_draws(live):
    from workbook.apps.overview import OverviewApp
    from workbook.texts import apps as T

    app = OverviewApp("16069", interactive=True)
    view = LiveView(app)
    assert view.panel is None
    assert T.EXPORT_YAML not in _button_labels(view.export)
    assert "Rechenzeit" in view.status.value and "Rechnungen" not in view.status.value
    assert "Ziehungen" not in view.status.value
    _app, scenario_view = live                          # a page with levers keeps both
    assert T.EXPORT_YAML in _button_labels(scenario_view.export)
    assert "Rechnungen je Szenario" in scenario_view.status.value
    # the seed and the run time are folded into the technical details, not in the visible line
    visible = scenario_view.status.value.split("<details")[0]
    assert "Startwert" not in visible and " ms" not in visible and "Startwert" in scenario_view.status.value


def test_page_show_builds_the_named_app_and_picks_its_view(monkeypatch):
    """The notebooks' one call: a name and the parameters; static HTML when interactive is off,
    the live view's widgets when on; an unknown page or parameters for a built app are refused."""
    import IPython.display

    from workbook.apps import page
    from workbook.apps.overview import OverviewApp

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.append(objs[0]))
    assert page.show("overview", ags="16069", interactive=False) is None
    assert len(shown) == 1 and isinstance(shown[0], IPython.display.HTML)
    assert "Hildburghausen" in shown[0].data and "<script" not in shown[0].data
    page.show("overview", ags="16069", interactive=True)
    assert len(shown) == 2 and "wb-app" in shown[1]._dom_classes
    assert set(page.APPS) == {"overview", "scenarios", "divide", "cooperation", "telemedicine", "report"}
    with pytest.raises(WorkbookError, match="unbekannte Seite 'bericht'") as err:
        page.make_app("bericht")
    assert err.value.key == "app"
    with pytest.raises(WorkbookError):
        page.show(OverviewApp("16069", interactive=False), ags="05315")


def test_app_export_files_are_named_and_typed_without_a_view():
    """The app makes every download itself (the live view only offers the link)."""
    from workbook.apps.overview import OverviewApp

    app = OverviewApp("16069", interactive=False)
    name, data, mime = app.export_file("csv")
    assert name.endswith("_ergebnisse.csv") and "16069" in name and mime == "text/csv" and data
    with pytest.raises(WorkbookError, match="unbekannte Exportart 'exe'"):
        app.export_file("exe")


def test_a_table_with_one_heading_twice_is_still_written_column_by_column():
    import pandas as pd

    from workbook.apps.static import table_html

    out = table_html(pd.DataFrame([["a", 1, 2]], columns=["Kennzahl", "Stuttgart", "Stuttgart"]))
    assert out.count("</th>") == 3 and ">1</td>" in out and ">2</td>" in out
