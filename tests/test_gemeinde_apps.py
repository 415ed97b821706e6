"""The topic apps for a Gemeinde (8-digit key): live view, picker, ?ags=, maps of Gemeinden,
cooperation partners in the Mittelbereich, and the notebooks run by Papermill."""

from __future__ import annotations

import json

import pytest

from workbook.apps.live import LiveView

TUEBINGEN = "08416041"
DRAWS = 30


def _spec(chart) -> dict:
    from workbook.apps.base import resolve_chart

    return resolve_chart(chart).to_dict()


def _features(spec: dict) -> list[dict]:
    """The features of the first inline GeoJSON dataset of a map spec."""
    def walk(node):
        if isinstance(node, str) and node.startswith('{"features"'):
            yield json.loads(node)["features"]
        elif isinstance(node, dict):
            for v in node.values():
                yield from walk(v)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v)

    return next(walk(spec))


# -- maps ------------------------------------------------------------------------------------

def test_a_gemeinde_map_shows_the_gemeinden_of_its_kreis_with_the_gemeinde_outlined():
    from workbook.apps.area import gemeinde_values, map_kreise
    from workbook.charts.maps import gemeinde_map

    assert map_kreise(TUEBINGEN) == ["08416"]
    values = gemeinde_values(["08416"])
    assert len(values) == 15 and set(values["ags"].str[:5]) == {"08416"}
    chart = gemeinde_map(values, "gigabit_share", kreise=["08416"], highlight=TUEBINGEN, label="Gigabit",
                         area_name="Landkreis Tübingen")
    spec = _spec(chart)
    feats = _features(spec)
    assert len(feats) == 15 and all(len(f["properties"]["ags"]) == 8 for f in feats)
    text = json.dumps(spec, ensure_ascii=False)
    assert "Gigabit in den Gemeinden: Landkreis Tübingen" in text
    assert "Schwarz umrandet: Tübingen, Universitätsstadt" in text
    assert "Gemeindeschlüssel" in text                 # the tooltip names the key as a Gemeinde's
    rows = next(d for d in spec["datasets"].values() if d and isinstance(d, list) and "hl" in d[0])
    assert [r["ags"] for r in rows if r["hl"] == 1] == [TUEBINGEN]
    assert len({r["wert"] for r in rows}) > 1          # the Gemeinden's own broadband figures


def test_a_city_that_is_its_own_kreis_is_shown_with_the_neighbouring_kreise():
    from workbook.apps.area import area_name, map_kreise

    kreise = map_kreise("05315000")                    # Köln
    assert "05315" in kreise and len(kreise) > 3
    assert area_name("05315000", kreise) == "Köln, Stadt und Nachbarkreise"
    assert area_name(TUEBINGEN) == "Landkreis Tübingen"


def test_the_kreis_map_is_unchanged():
    from workbook.charts.maps import kreis_map
    from workbook.data import load_kreise

    k = load_kreise()
    feats = _features(_spec(kreis_map(k, "gigabit_share", highlight="08416")))
    assert len(feats) == 401 and all(len(f["properties"]["ags"]) == 5 for f in feats)


def test_gemeinde_boundaries_are_read_verified_in_one_place():
    from workbook.charts.maps import gemeinde_boundaries

    doc = gemeinde_boundaries("08")
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 1101


# -- live view ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["overview", "scenarios", "divide", "cooperation", "telemedicine"])
def test_every_topic_app_shows_a_gemeinde_picked_in_the_live_view(name):
    from workbook.apps.page import make_app

    app = make_app(name, ags="16069", draws=DRAWS, interactive=True)
    view = LiveView(app)
    view.kreis.search.value = "tubingen"
    hits = [b.description for b in view.kreis.hits.children]
    assert hits[0].startswith("Tübingen (08416)") and hits[1].startswith(
        "Tübingen, Universitätsstadt (Landkreis Tübingen, 08416041)")
    view.kreis.hits.children[1].click()
    assert app.ags == TUEBINGEN
    for i in range(len(view.views)):            # every tab builds its chart for the Gemeinde
        view.blocks_box.selected_index = i
    assert view.error.value == "", view.error.value
    assert "Tübingen, Universitätsstadt" in view.title.value
    if app.needs_results:
        assert set(app.results()["ags"]) == {TUEBINGEN}
    view.kreis.search.value = "16069"
    view.kreis.submit()
    assert app.ags == "16069" and view.error.value == ""


def test_the_overview_maps_the_gemeinden_for_a_gemeinde():
    from workbook.apps.overview import OverviewApp

    app = OverviewApp(TUEBINGEN, interactive=True)
    view = LiveView(app)
    block = next(b for b in view._blocks if b.key == "map")
    assert block.title.endswith("nach Gemeinden")
    assert len(_features(_spec(block.chart))) == 15
    # the status line under the page names what is shown: the Gemeinde's data, a Kreis's for a Kreis
    from workbook.texts import apps as TA

    assert TA.COMPUTED_BASE_GEMEINDE in view.status.value and TA.COMPUTED_BASE not in view.status.value
    assert TA.COMPUTED_BASE in LiveView(OverviewApp("08416", interactive=True)).status.value
    app.ags = "08416"
    block = next(b for b in app.build_blocks(None) if b.key == "map")
    assert len(_features(_spec(block.chart))) == 401


def test_cooperation_partners_of_a_gemeinde_are_gemeinden_of_its_mittelbereich():
    from workbook.apps.cooperation import CooperationApp
    from workbook.data import load_gemeinden

    app = CooperationApp(TUEBINGEN, draws=0, interactive=False)
    partners = app.partners()
    gem = load_gemeinden().set_index("ags")
    assert TUEBINGEN in set(partners["ags"]) and len(partners) > 1
    assert set(gem.loc[list(partners["ags"]), "mittelbereich_key"]) == {gem.loc[TUEBINGEN, "mittelbereich_key"]}
    assert partners["population"].sum() == gem.loc[list(partners["ags"]), "population_2019"].sum()
    blocks = {b.key: b for b in app.build_blocks(app.results())}
    assert "Gemeinde" in blocks["split"].table.columns
    assert "Mittelbereich" in blocks["partners"].help
    feats = _features(_spec(blocks["partners"].chart))
    assert {f["properties"]["ags"] for f in feats} <= set(gem.index[gem.index.str[:5] == "08416"])


# -- Voila's ?ags= --------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [("08416041", TUEBINGEN), ("8416041", TUEBINGEN),
                                             ("084165000041", TUEBINGEN)])
def test_voila_query_takes_a_gemeinde_key(monkeypatch, query, expected):
    from workbook.apps.overview import OverviewApp

    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", f"ags={query}")
    view = LiveView(OverviewApp("05315", interactive=True))
    assert view.apply_query() == expected
    assert view.kreis.ags == expected and "Tübingen, Universitätsstadt" in view.title.value


@pytest.mark.parametrize("query, reason", [
    ("08416999", "Grund: Gemeindeschlüssel '08416999' gibt es nicht"),
    ("99999", "Grund: Kreisschlüssel '99999' gibt es nicht"),
    ("08", "Grund: '08' ist ein Länderschlüssel"),
    ("084160000", None),
])
def test_a_bad_voila_query_names_the_place_rules_reason(monkeypatch, query, reason):
    from workbook.apps.overview import OverviewApp

    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", f"ags={query}")
    view = LiveView(OverviewApp("05315", interactive=True))
    assert view.apply_query() == "05315"
    note = view.warnings.value
    assert "aus der Adresse (?ags=) ist unbekannt" in note and "Grund: " in note
    assert " / " not in note                      # the German part of the rule's message only
    if reason is not None:
        import html

        assert reason in html.unescape(note)


# -- Papermill ------------------------------------------------------------------------------

#: the notebooks whose Gemeinde page differs in kind from a Kreis's (map of Gemeinden, comparison table,
#: Gemeinde partners); every topic app's Gemeinde view is built in-process above
#: (test_every_topic_app_shows_a_gemeinde_picked_in_the_live_view), so Papermill runs only these two
TOPIC_NOTEBOOKS = ["00_uebersicht", "03_regionale_kooperation"]


@pytest.mark.slow
@pytest.mark.parametrize("stem", TOPIC_NOTEBOOKS)
def test_topic_notebook_runs_for_a_gemeinde(stem, tmp_path):
    from test_notebooks import _execute, assert_ran

    nb, html = _execute(stem, tmp_path, ags=TUEBINGEN, interactive=False, draws=50)
    n_svg = assert_ran(stem, nb, html)
    if stem == "03_regionale_kooperation" and "wb-no-saving" in html:
        n_svg -= 1
    if stem == "00_uebersicht":
        n_svg -= 1      # a Gemeinde's comparison with its Kreis and its type is a table, not the Kreis chart
        assert "id='wb-compare'" in html and "Mittelstädte" in html
    assert html.count("<svg") >= n_svg
    assert "Tübingen, Universitätsstadt" in html and TUEBINGEN in html
    assert "<script" not in html
