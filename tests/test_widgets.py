"""Parameter panels and pickers: widget changes reach the model input, hostile values do not."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
import traitlets

from workbook.errors import ParameterError, ScenarioError, SelectionError
from workbook.widgets import (
    Debouncer,
    KreisPicker,
    ParameterPanel,
    ScenarioPicker,
    clean_value,
    source_note,
)

REF = {"title": "Bonn: vollständig digitale Leistungen", "publisher": "Bundesstadt Bonn", "year": 2022}
RECORDS = [
    {"key": "ddi.verw.rate", "label_de": "Wachstumsrate Online-Verwaltung", "unit": "1/Jahr",
     "status": "derived", "reference": REF, "default": 0.35, "min": 0.15, "max": 0.6,
     "lever": "kommune", "step": 0.01, "explain_de": "Wie schnell Leistungen online gehen."},
    {"key": "coop.fixed_cost", "label_de": "Fixkosten je Dienst", "unit": "EUR", "status": "assumption",
     "reference": {"title": "KGSt 2016", "publisher": "KGSt", "year": 2016}, "default": 200_000.0,
     "min": 50_000.0, "max": 300_000.0, "lever": "markt", "step": 1000.0, "explain_de": "Kosten."},
    {"key": "tele.cap", "label_de": "Obergrenze Videosprechstunde", "unit": "1", "status": "fact",
     "reference": {"title": "Vergütungsgrenze", "publisher": "KBV", "year": 2022}, "default": 0.3,
     "min": 0.3, "max": 0.3, "lever": "bund_land"},
]


@pytest.fixture
def panel():
    return ParameterPanel(RECORDS, debounce=0)


def test_panel_groups_levers_by_owner_in_fixed_order(panel):
    assert panel.groups == ["kommune", "bund_land", "markt"]
    titles = [panel.accordion.get_title(i) for i in range(3)]
    assert titles == ["Hebel der Kommune (1)", "Bund und Land (1)", "Markt und Bevölkerung (1)"]


def test_slider_takes_range_step_and_default_from_the_record(panel):
    s = panel.sliders["ddi.verw.rate"]
    assert (s.min, s.max, s.step, s.value) == (0.15, 0.6, 0.01, 0.35)
    assert panel.values() == {"ddi.verw.rate": 0.35, "coop.fixed_cost": 200_000.0, "tele.cap": 0.3}


def test_row_shows_label_badge_help_and_source(panel):
    html_text = " ".join(w.value for w in panel.widget.children[1].children[0].children[0].children
                         if hasattr(w, "value") and isinstance(w.value, str))
    assert "Wachstumsrate Online-Verwaltung" in html_text
    assert "abgeleitet" in html_text                      # badge for status derived
    assert "Wie schnell Leistungen online gehen." in html_text
    assert "Spanne 0,15 bis 0,60 pro Jahr" in html_text      # a rate per year, in words
    assert "1/Jahr" not in html_text
    assert "Quelle: Bonn: vollständig digitale Leistungen, Bundesstadt Bonn 2022" in html_text


def test_changing_a_slider_changes_the_model_input(panel):
    seen = []
    panel.observe(seen.append)
    panel.sliders["ddi.verw.rate"].value = 0.5
    assert seen[-1]["ddi.verw.rate"] == 0.5
    assert panel.overrides() == {"ddi.verw.rate": 0.5}
    assert "Wachstumsrate Online-Verwaltung = 0,50 pro Jahr" in panel.changed_text()


def test_client_raising_max_and_value_is_clamped_to_the_record(panel):
    slider = panel.sliders["ddi.verw.rate"]
    # what a websocket message does: set_state with the client's values
    slider.set_state({"max": 1e9, "value": 1e9})
    assert slider.max == 0.6                         # trait restored from the record
    assert panel.values()["ddi.verw.rate"] == 0.6
    slider.set_state({"min": -1e9, "value": -5.0})
    assert slider.min == 0.15
    assert panel.values()["ddi.verw.rate"] == 0.15


def test_nan_and_infinity_fall_back_to_the_default(panel):
    slider = panel.sliders["coop.fixed_cost"]
    slider.set_state({"value": float("nan")})
    assert panel.values()["coop.fixed_cost"] == 200_000.0
    assert slider.value == 200_000.0                     # the widget shows what the model uses
    assert "keine Zahl" in panel.notes.get("coop.fixed_cost", "") or slider.value == 200_000.0


def test_wrong_type_from_a_client_is_rejected_and_changes_nothing(panel):
    slider = panel.sliders["coop.fixed_cost"]
    slider.value = 100_000.0
    with pytest.raises(traitlets.TraitError):
        slider.set_state({"value": "abc"})
    assert panel.values()["coop.fixed_cost"] == 100_000.0


@pytest.mark.parametrize("raw, expected, note", [
    (0.4, 0.4, None),
    (0.9, 0.6, "begrenzt"),
    (-3, 0.15, "begrenzt"),
    (float("inf"), 0.35, "keine Zahl"),
    (float("nan"), 0.35, "keine Zahl"),
    ("0.5", 0.35, "keine Zahl"),
    (True, 0.35, "keine Zahl"),
    (None, 0.35, "keine Zahl"),
])
def test_clean_value(raw, expected, note):
    value, msg = clean_value(RECORDS[0], raw)
    assert value == expected and not math.isnan(value)
    assert (msg is None) if note is None else (note in msg)


def test_reset_one_and_all(panel):
    panel.sliders["ddi.verw.rate"].value = 0.2
    panel.sliders["coop.fixed_cost"].value = 60_000.0
    panel.reset(["ddi.verw.rate"])
    assert panel.overrides() == {"coop.fixed_cost": 60_000.0}
    panel.reset_button.click()
    assert panel.overrides() == {}


def test_set_values_clamps_and_refuses_unknown_keys(panel):
    panel.set_values({"ddi.verw.rate": 5})
    assert panel.values()["ddi.verw.rate"] == 0.6
    with pytest.raises(ParameterError, match=re.escape("ddi.verw.rat'")):
        panel.set_values({"ddi.verw.rat": 0.3})


def test_unknown_key_for_a_panel_is_refused():
    with pytest.raises(ParameterError, match="nope"):
        ParameterPanel(RECORDS, keys=["nope"])


def test_debouncer_without_loop_calls_at_once():
    calls = []
    d = Debouncer(lambda: calls.append(1), delay=0.5)
    d()
    d()
    assert calls == [1, 1] and not d.pending


def test_debouncer_in_a_running_loop_answers_at_once_then_coalesces():
    import asyncio

    calls = []

    async def main():
        d = Debouncer(lambda: calls.append(1), delay=0.05)
        d()                                   # a single change: answered at once
        assert calls == [1] and not d.pending
        for _ in range(5):                    # a burst right after: one trailing call
            d()
        assert calls == [1] and d.pending
        await asyncio.sleep(0.2)
        assert calls == [1, 1] and not d.pending
        d()                                   # quiet for longer than the delay: at once again
        assert calls == [1, 1, 1]

    asyncio.run(main())
    assert calls == [1, 1, 1]


def test_source_note():
    assert source_note(RECORDS[1]) == "Quelle: KGSt 2016, KGSt 2016 · Annahme"


def test_panel_builds_from_the_real_parameter_records():
    from workbook.params import load_parameters

    params = load_parameters()
    panel = ParameterPanel(params, debounce=0)
    assert set(panel.values()) == set(params)
    for key, value in panel.values().items():
        assert value == params[key].default
    # every record lands in a group of its owner
    assert set(panel.groups) <= {"kommune", "bund_land", "markt", "other"}


KREISE = pd.DataFrame({
    "ags": ["05315", "05316", "16069"],
    "name": ["Köln", "Leverkusen", "Hildburghausen"],
    "kreis_type": ["Kreisfreie Stadt", "Kreisfreie Stadt", "Landkreis"],
    "land_name": ["Nordrhein-Westfalen", "Nordrhein-Westfalen", "Thüringen"],
})


@pytest.mark.parametrize("typed, expected", [
    ("Hildburghausen (16069)", "16069"),
    ("16069", "16069"),
    ("5316", "05316"),
    ("hildburg", "16069"),
    ("köln", "05315"),
])
def test_kreis_picker_resolves_name_or_ags(typed, expected):
    picker = KreisPicker("05315", kreise=KREISE)
    picker.combo.value = typed
    picker.submit()                      # Enter in the search box
    assert picker.ags == expected


def test_an_option_label_chooses_at_once_a_fragment_only_on_enter():
    picker = KreisPicker("05315", kreise=KREISE)
    picker.combo.value = "Hildburghausen (16069)"        # pasted, or sent by a test: chosen at once
    assert picker.ags == "16069"
    picker.combo.value = "Lever"                         # typing: hits shown, nothing chosen yet
    assert picker.ags == "16069"
    assert [b.description for b in picker.hits.children] == ["Leverkusen (05316) · Kreisfreie Stadt"]
    picker.hits.children[0].click()
    assert picker.ags == "05316" and picker.combo.value == "Leverkusen (05316)"
    assert picker.hits.children == ()                    # the list closes after a choice


def test_kreis_picker_keeps_the_last_valid_kreis_on_bad_input():
    picker = KreisPicker("05315", kreise=KREISE)
    picker.combo.value = "Atlantis"
    assert picker.ags == "05315"
    assert "Kein Kreis und keine Gemeinde passt zu 'Atlantis'" in picker.message.value
    picker.submit()
    assert picker.ags == "05315"
    picker.combo.set_state({"value": "x" * 10_000})
    assert picker.ags == "05315" and picker.hits.children == ()
    with pytest.raises(traitlets.TraitError):
        picker.ags = "99999"
    with pytest.raises(SelectionError, match="99999"):
        KreisPicker("99999", kreise=KREISE)


# -- the place picker over all 11,200 places -------------------------------------------------

@pytest.fixture(scope="module")
def picker_index():
    from workbook.place_search import place_index

    return place_index()


def _hits(picker) -> list[str]:
    return [b.description for b in picker.hits.children]


def test_place_picker_finds_the_kreis_and_the_gemeinde_and_shows_the_kreis(picker_index):
    from workbook.widgets import PlacePicker

    picker = PlacePicker("05315", index=picker_index)
    picker.search.value = "Tübingen"
    assert _hits(picker) == ["Tübingen (08416) · Landkreis",
                             "Tübingen, Universitätsstadt (Landkreis Tübingen, 08416041) · Gemeinde, 91.506 Einw."]
    assert "2 Treffer" in picker.count.value
    picker.hits.children[1].click()
    assert picker.ags == "08416041" and picker.name == "Tübingen, Universitätsstadt"
    assert picker.search.value == "Tübingen, Universitätsstadt (Landkreis Tübingen, 08416041)"
    assert "Landkreis Tübingen" in picker.message.value and "91.506 Einwohner" in picker.message.value
    assert "Baden-Württemberg" in picker.message.value


@pytest.mark.parametrize("typed", ["tubingen", "TÜBINGEN", "Tuebingen", "  tübingen "])
def test_place_search_ignores_umlauts_and_case(picker_index, typed):
    hits, total = picker_index.search(typed)
    assert total == 2 and [h.ags for h in hits] == ["08416", "08416041"]


@pytest.mark.parametrize("typed, expected", [
    ("08416041", "08416041"),
    ("8416041", "08416041"),                 # the leading zero lost in a spreadsheet
    ("084165000041", "08416041"),            # Regionalschlüssel: Verband 5000
    ("Tübingen, Universitätsstadt (Landkreis Tübingen, 08416041)", "08416041"),
    ("tübingen, univ", "08416041"),          # one match
    ("Köln", "05315"),                       # a kreisfreie Stadt: the Kreis, not its one Gemeinde
    ("05315000", "05315000"),                # ... which its key still chooses
    ("neustadt marburg", "06534016"),        # two words: the second names the Kreis
])
def test_place_picker_chooses_by_key_label_or_unique_name_on_enter(picker_index, typed, expected):
    from workbook.widgets import PlacePicker

    picker = PlacePicker("16069", index=picker_index)
    picker.search.value = typed
    assert picker.submit() == expected and picker.ags == expected


def test_an_ambiguous_name_chooses_nothing(picker_index):
    from workbook.widgets import PlacePicker

    picker = PlacePicker("16069", index=picker_index)
    picker.search.value = "Heilbronn"
    assert picker.submit() is None and picker.ags == "16069"
    assert "Mehrere Orte passen zu 'Heilbronn'" in picker.message.value
    assert _hits(picker)[:3] == ["Heilbronn, Landkreis (08125) · Landkreis", "Heilbronn, Stadt (08121) · Stadtkreis",
                                 "Heilbronn, Stadt (Stadtkreis, 08121000) · Gemeinde, 126.592 Einw."]


def test_a_key_prefix_lists_the_kreis_then_its_gemeinden(picker_index):
    hits, total = picker_index.search("08416", limit=50)
    assert total == 16 and hits[0].ags == "08416"
    assert [h.ags for h in hits[1:]] == sorted(h.ags for h in hits[1:]) and all(len(h.ags) == 8 for h in hits[1:])


def test_hits_are_ranked_then_in_german_order(picker_index):
    from workbook.texts.places import german_sort_key

    hits, total = picker_index.search("neustadt", limit=200)
    assert total > 20
    names = [h.name for h in hits]
    exact = [h for h in hits if h.name.casefold() == "neustadt"]
    assert hits[:len(exact)] == exact                       # the exact name first
    starts = [h for h in hits if h.name.casefold().startswith("neustadt")]
    gemeinden = [h.label for h in starts if h.is_gemeinde and h not in exact]
    assert gemeinden == sorted(gemeinden, key=german_sort_key)
    assert all("neustadt" in n.casefold() for n in names)


def test_only_a_few_hits_travel_to_the_browser(picker_index):
    """No list of 11,200 options: the widgets' state stays small however much matches."""
    import json

    from workbook.widgets import PlacePicker

    picker = PlacePicker("05315", index=picker_index)
    picker.search.value = "Berg"
    assert len(picker.hits.children) == 8
    assert "8 von 582 Treffern" in picker.count.value
    widgets = [picker, picker.search, picker.hits, picker.count, picker.message, *picker._buttons]
    size = sum(len(json.dumps(w.get_state(), default=str)) for w in widgets)
    assert size < 12_000, size


def test_a_hit_button_stands_only_for_the_place_python_gave_it(picker_index):
    from workbook.widgets import PlacePicker

    picker = PlacePicker("05315", index=picker_index)
    picker.search.value = "Tübingen"
    button = picker.hits.children[1]
    button.set_state({"description": "Atlantis (99999999)", "tooltip": "x"})   # a client may change it
    button.click()
    assert picker.ags == "08416041"
    picker.search.value = "Köln"                   # the same button now stands for another place
    stale = picker._buttons[1]
    stale.click()
    assert picker.ags == "05315000"
    with pytest.raises(traitlets.TraitError):
        picker.ags = "08416999"


def test_kreis_picker_covers_every_kreis_and_gemeinde(picker_index):
    picker = KreisPicker("05315")
    assert len(picker.index) == 11_200
    assert sum(p.is_gemeinde for p in picker.index.places) == 10_799
    assert "Köln, Stadt (05315)" in picker.index.by_option


class _Sc:
    def __init__(self, sid, title):
        self.id, self.title_de = sid, title
        self.narrative_de, self.source_de = f"Erzählung {sid}", "Quelle X"


def test_scenario_picker_validates_choice():
    sc = {"S0": _Sc("S0", "Trend"), "S1": _Sc("S1", "Smart City")}
    picker = ScenarioPicker(sc, value="S0", allow_all=True)
    picker.dropdown.value = "S1"
    assert picker.scenario == "S1" and picker.selected == ["S1"]
    assert "Erzählung S1" in picker.narrative.value
    picker.dropdown.value = "all"
    assert picker.selected == ["S0", "S1"]
    with pytest.raises(traitlets.TraitError):
        picker.dropdown.set_state({"index": 17})
    with pytest.raises(traitlets.TraitError):
        picker.scenario = "S9"
    with pytest.raises(ScenarioError, match="S9"):
        ScenarioPicker(sc, value="S9")


def test_collapsed_groups_are_built_when_opened_and_keep_values_set_before():
    panel = ParameterPanel(RECORDS)
    key, later = "coop.fixed_cost", "markt"
    assert panel._boxes[panel.groups[0]].children and not panel._boxes[later].children
    wanted = 300_000.0                                 # the record's maximum
    panel.set_values({key: wanted * 10})              # clamped, kept until the slider exists
    assert panel.values()[key] == wanted and key in panel.overrides()
    assert not panel._boxes[later].children
    panel.accordion.selected_index = panel.groups.index(later)   # the visitor opens the group
    assert panel._boxes[later].children
    assert panel._built[key].value == wanted
    assert "●" in panel.readouts[key].value            # marked as changed from the default
    assert set(panel.sliders) == set(panel.records)    # every key listed, built or not


def test_a_year_lever_reads_as_a_year_not_as_a_number_with_unit():
    rec = {"key": "ddi.verw.federal_year", "label_de": "Jahr der Bundeslösung", "unit": "Jahr",
           "status": "assumption", "reference": REF, "default": 2025.0, "min": 2024.0, "max": 2026.0,
           "lever": "bund_land", "step": 1}
    panel = ParameterPanel([rec], debounce=0)
    row = panel.widget.children[1].children[0].children[0]
    texts = " ".join(w.value for w in row.children[0:1]) + " " + panel.readouts["ddi.verw.federal_year"].value
    assert "Spanne 2024 bis 2026 · Standard 2025" in texts
    assert ">2025<" in panel.readouts["ddi.verw.federal_year"].value
    assert "2.025" not in texts and "Jahr<" not in texts
    panel.sliders["ddi.verw.federal_year"].value = 2026.0
    assert panel.changed_text() == "Geänderte Annahmen: Jahr der Bundeslösung = 2026"


def test_scenario_picker_shows_short_names_and_the_full_title_below():
    sc = {"S1": _Sc("S1", "Städte entwickeln sich strukturiert zur Smart City"),
          "U_1": _Sc("U_1", "Eigenes Szenario des Kreises")}
    picker = ScenarioPicker(sc, value="S1")
    labels = [label for label, _ in picker.dropdown.options]
    assert labels == ["S1 · Smart City", "U_1 · Eigenes Szenario des Kreises"]   # a user's title stays whole
    assert all(len(label) <= 34 for label in labels[:1])                     # fits a phone's dropdown
    assert "S1 „Städte entwickeln sich strukturiert zur Smart City“" in picker.narrative.value
