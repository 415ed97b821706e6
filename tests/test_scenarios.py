"""The six shipped scenarios: they load, carry German texts, and change what they say."""

from __future__ import annotations

import re

import pytest

from workbook.params import load_parameters, load_scenarios, scenario_files

TITLES = {
    "S0": "Trend",
    "S1": "Städte entwickeln sich strukturiert zur Smart City",
    "S2": "Kommunen werden Vorreiter für digitale Arbeitsmodelle",
    "S3": "Der Widerspruch zwischen Lokalem und Digitalem löst sich",
    "S4": "Die Kooperation von Regionen nimmt zu",
    "S5": "Relevanz und Handlungsgrenzen der Städte wachsen gleichzeitig",
}

# MODELS.md A, scenario presets: (rate factor, ceiling shift) per sub-index that changes
PRESETS = {
    "S0": {},
    "S1": {"ddi.strat.rate_factor": 2.0, "ddi.strat.ceiling_shift": 0.05, "ddi.verw.rate_factor": 1.3,
           "ddi.arbeit.rate_factor": 1.2, "ddi.lokal.rate_factor": 1.2, "ddi.gesund.rate_factor": 1.2,
           "ddi.alpha": 1.0},
    "S2": {"ddi.strat.rate_factor": 1.2, "ddi.arbeit.rate_factor": 1.6, "ddi.arbeit.ceiling_shift": 0.10,
           "ddi.infra.rate_factor": 1.1},
    "S3": {"ddi.teilhabe.rate_factor": 1.3, "ddi.teilhabe.ceiling_shift": 0.01, "ddi.lokal.rate_factor": 2.0,
           "ddi.lokal.ceiling_shift": 0.15, "ddi.gesund.rate_factor": 1.2},
    "S4": {"ddi.strat.rate_factor": 1.4, "ddi.verw.rate_factor": 1.5, "ddi.infra.rate_factor": 1.2,
           "ddi.gesund.rate_factor": 1.3, "ddi.verw.coop_kappa": 0.2,
           # cooperation gets easier: larger clusters, cheaper coordination (scenario comment)
           "coop.max_cluster_size": 8, "coop.coordination_eur": 1500},
    "S5": {"ddi.strat.rate_factor": 1.2, "ddi.verw.rate_factor": 0.7, "ddi.verw.ceiling_shift": -0.15,
           "ddi.infra.rate_factor": 0.9},
}


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios()


def test_six_scenarios_in_order_with_their_titles(scenarios):
    assert list(scenarios) == ["S0", "S1", "S2", "S3", "S4", "S5"]
    assert {sid: sc.title_de for sid, sc in scenarios.items()} == TITLES
    assert [f.name.split("_")[0] for f in scenario_files()] == list(TITLES)


@pytest.mark.parametrize("sid", list(TITLES))
def test_scenario_texts_are_german_and_two_to_four_sentences(scenarios, sid):
    sc = scenarios[sid]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", sc.narrative_de.strip()) if s]
    assert 2 <= len(sentences) <= 4, sentences
    assert sc.short_de and sc.source_de
    assert re.search(r"\b(die|der|und|Kommunen?|Städte)\b", sc.narrative_de)


@pytest.mark.parametrize("sid", list(TITLES))
def test_scenario_changes_exactly_what_it_says(scenarios, sid):
    params = load_parameters()
    sc = scenarios[sid]
    for key, value in PRESETS[sid].items():
        assert sc.changes[key] == pytest.approx(value), key
    resolved = params.resolve(sc)
    defaults = params.defaults()
    changed = {k for k in params if resolved[k] != defaults[k]}
    assert changed == set(sc.changes)
    for key in sc.changes:   # no scenario restates a default
        assert sc.changes[key] != defaults[key], key


def test_s3_and_s5_carry_their_extra_mechanisms(scenarios):
    assert scenarios["S3"].changes["ddi.lokal.network_q"] > 0          # Bass imitation term
    assert scenarios["S5"].changes["ddi.verw.delay_factor"] < 1         # waiting for federal solutions
    assert scenarios["S4"].changes["ddi.verw.coop_kappa"] == 0.2        # r_VERW (1 + kappa ln N)
