"""Places: every Kreis and Gemeinde under one key rule, and a Gemeinde's own model inputs."""

from __future__ import annotations

import numpy as np
import pytest

import workbook
from workbook.data import places
from workbook.errors import SelectionError


def test_places_are_the_401_kreise_and_10799_gemeinden():
    table = places.load_places()
    assert len(table) == 11_200
    assert table["level"].value_counts().to_dict() == {"gemeinde": 10_799, "kreis": 401}
    assert table["ags"].is_unique and table["ags"].is_monotonic_increasing
    gem = table[table["level"] == "gemeinde"]
    assert int(gem["population_2019"].sum()) == 83_166_711
    label = dict(zip(table["ags"], table["label_de"]))
    assert label["08416041"] == "Tübingen, Universitätsstadt (Landkreis Tübingen)"
    assert label["05315000"] == "Köln, Stadt (kreisfreie Stadt)"
    wartburg = gem.loc[gem["kreis_ags"] == "16063", "label_de"]
    assert len(wartburg) and wartburg.str.endswith("(Wartburgkreis)").all()   # no "Landkreis Wartburgkreis"


@pytest.mark.parametrize("value,expected", [
    ("08416041", "08416041"), ("8416041", "08416041"), (8416041, "08416041"), ("05315", "05315"),
    ("5315", "05315"), ("084160000041", "08416041"), ("053150000000", "05315"),
])
def test_place_key_accepts_kreis_and_gemeinde_keys(value, expected):
    assert places.place_key(value) == expected


@pytest.mark.parametrize("value,message", [
    ("08416999", "Gemeindeschlüssel '08416999' gibt es nicht.*ähnlich: 084160"),
    ("99999", "Kreisschlüssel '99999' gibt es nicht"),
    ("08", "Länderschlüssel"),
    ("084160041", "Gemeindeverbands \\(Tübingen, Universitätsstadt\\).*08416041"),
    ("08416041x", "kein Kreis- oder Gemeindeschlüssel"),
    ("\uff10\uff18\uff14\uff11\uff16\uff10\uff14\uff11", "kein Kreis- oder Gemeindeschlüssel"),  # full-width
])
def test_place_key_refuses_with_a_message_naming_the_key(value, message):
    with pytest.raises(SelectionError, match=message) as info:
        places.place_key(value)
    assert info.value.key == "ags"


def test_a_kreis_key_where_a_gemeinde_is_expected_names_an_example():
    with pytest.raises(SelectionError, match=r"Kreisschlüssel; hier wird ein Gemeindeschlüssel.*08416"):
        places.place_key("08416", level="gemeinde")


def test_a_gemeindes_inputs_are_its_own_where_a_source_has_them():
    rows = places.gemeinde_inputs(["08416041", "08416009"])
    kreise = workbook.load_kreise().set_index("ags")
    tue = rows.set_index("ags").loc["08416041"]
    assert tue["population_2019"] == 91_506 and tue["name"].startswith("Tübingen")
    assert tue["kreis_ags"] == "08416" and tue["level"] == "gemeinde"
    # the Kreis's values where no Gemeinde figure exists
    assert tue["share_65plus"] == kreise.loc["08416", "share_65plus"]
    assert tue["wfh_feas"] == kreise.loc["08416", "wfh_feas"]
    # never a Kreis total read as a Gemeinde's
    assert np.isnan(tue["population_2018"])
    origin = places.input_origin(rows, "08416041")
    assert origin["population_2019"] == "gemeinde"
    assert origin["gigabit_share"] == "gemeinde_derived"
    assert origin["gp_per_10k"] == "mittelbereich"
    assert origin["share_65plus"] == "kreis"
    assert "population_2018" not in origin
    # two Gemeinden of one Kreis differ where their own figures differ
    a, b = rows.set_index("ags").loc["08416041"], rows.set_index("ags").loc["08416009"]
    assert a["gigabit_share"] != b["gigabit_share"] and a["rural_weight"] < b["rural_weight"]


def test_broadband_of_a_gemeinde_is_its_2019_share_moved_by_its_kreis():
    rows = places.gemeinde_inputs(["08416041"]).iloc[0]
    gem = workbook.data.load_gemeinden().set_index("ags").loc["08416041"]
    # moved up (the Kreis's share grew from mid 2019 to end 2020), never above 1
    assert gem["gigabit_share_2019"] <= rows["gigabit_share"] < 1
    assert gem["share_100mbit_2019"] <= rows["share_100mbit"] < 1


def test_the_engine_runs_gemeinde_and_kreis_keys_together():
    table = workbook.project(ags="08416041,08416,5315000", scenarios="S0,S4", draws=20)
    assert set(table["ags"]) == {"08416041", "08416", "05315000"}
    last = table[(table["year"] == 2030) & (table["quantile"] == "default") & (table["scenario"] == "S4")]
    value = last.set_index(["ags", "indicator"])["value"]
    # people-counting indicators follow the Gemeinde's own population
    assert value[("08416041", "divide.offliners")] < value[("08416", "divide.offliners")]
    # a Gemeinde's cooperation partners are Gemeinden (clusters of its Mittelbereich), not Kreise
    assert value[("08416041", "coop.cluster_size")] >= 1
    assert value[("08416041", "coop.cost_alone_eur")] < value[("08416", "coop.cost_alone_eur")]


def test_gemeinde_cooperation_clusters_stay_in_one_mittelbereich():
    from workbook.models import cooperation
    from workbook.params import load_parameters

    gem = workbook.data.load_gemeinden()
    values = load_parameters().defaults()
    table = cooperation.gemeinde_plan_table(gem, workbook.data.load_gemeinde_neighbours(), values, ["081001"])
    area = gem.set_index("ags")["mittelbereich_key"]
    assert set(area.loc[table["ags"]]) == {"081001"}
    for _cluster, members in table.groupby("cluster"):
        assert len(members) <= values["coop.max_cluster_size"]
    assert set(table["ags"]) == set(gem.loc[gem["mittelbereich_key"] == "081001", "ags"])


def test_kreis_plan_with_gemeinden_is_the_plan_of_both_tables():
    import pandas as pd

    from workbook.models import cooperation
    from workbook.params import load_parameters

    values = load_parameters().defaults()
    kreis_plan = cooperation.prepare(workbook.data.load_kreise(), workbook.data.load_neighbours(), values)
    gem = workbook.data.load_gemeinden()
    # Tübingen's Mittelbereich: clusters of several Gemeinden, wider than the widest Kreis cluster or not
    table = cooperation.gemeinde_plan_table(gem, workbook.data.load_gemeinde_neighbours(), values, ["081001"])
    joined = cooperation.with_gemeinden(kreis_plan, table)
    whole = cooperation.CoopPlan(table=pd.concat([kreis_plan.table, table], ignore_index=True),
                                 max_size=kreis_plan.max_size)
    assert joined.table.equals(whole.table) and joined._row == whole._row
    for mine, theirs in zip(joined._arrays, whole._arrays):
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs)
    keys = ["08416", "08416041", table["ags"].iloc[-1]]
    for mine, theirs in zip(joined.member_arrays(keys), whole.member_arrays(keys)):
        assert np.array_equal(mine, theirs)


def test_a_gemeinde_without_gigabit_in_2019_catches_up_with_its_kreis():
    def infra(overrides=None):
        table = workbook.project(ags="08416009,08416", scenarios="S0", draws=0, topics="digitalisation",
                                 overrides=overrides)
        rows = table[(table["indicator"] == "ddi.infra") & (table["quantile"] == "default")]
        return rows.pivot_table(index="year", columns="ags", values="value", observed=True)

    curve = infra()
    village, kreis = curve["08416009"], curve["08416"]
    assert village[2021] < 0.05 < kreis[2021]               # Dettenhausen: no gigabit in mid 2019
    assert (village.diff().dropna() >= 0).all()
    assert kreis[2030] - village[2030] < 0.5 * (kreis[2021] - village[2021])   # the gap closes
    slow = infra({"ddi.infra.gemeinde_gap_halflife": 8.0})["08416009"]
    assert slow[2030] < village[2030]                          # the assumption matters, visibly


def test_a_merged_away_key_names_its_successor():
    with pytest.raises(SelectionError, match=r"06437002.*Oberzent.*06437016"):
        places.place_key("06437002")


def test_a_gemeindes_own_import_wins_and_is_marked_local(monkeypatch, tmp_path):
    from workbook import data as datasets
    from workbook.data.importer import import_file

    monkeypatch.setenv("WORKBOOK_LOCAL_DIR", str(tmp_path / "local"))
    datasets.clear_cache()
    try:
        path = tmp_path / "hausaerzte.csv"
        path.write_text("ags;gp_per_10k\n08416041;7,5\n", encoding="utf-8")
        import_file(path)
        rows = places.gemeinde_inputs(["08416041", "08416009"])
        by = rows.set_index("ags")
        assert by.loc["08416041", "gp_per_10k"] == pytest.approx(7.5)
        assert by.loc["08416009", "gp_per_10k"] != pytest.approx(7.5)
        assert places.input_origin(rows, "08416041")["gp_per_10k"] == "local"
        assert places.input_origin(rows, "08416009")["gp_per_10k"] == "mittelbereich"
    finally:
        datasets.clear_cache()


def test_a_gemeindes_inputs_are_kept_per_data_version_and_handed_out_as_copies():
    from workbook.data.kreise import shared_kreise

    first = places.gemeinde_inputs(["08416041"])
    first.loc[0, "population_2019"] = -1.0            # the caller's copy: changing it changes nothing
    first.attrs["origin"]["08416041"]["population_2019"] = "local"
    again = places.gemeinde_inputs(["08416041"], shared_kreise())
    assert again.loc[0, "population_2019"] == 91506
    assert again.attrs["origin"]["08416041"]["population_2019"] == "gemeinde"
    fresh = places._gemeinde_inputs(["08416041"], shared_kreise())
    assert list(again.columns) == list(fresh.columns)
    assert again.dtypes.astype(str).tolist() == fresh.dtypes.astype(str).tolist()
    assert again.equals(fresh)


def test_a_what_if_copy_of_the_kreis_table_is_never_served_from_the_kept_rows():
    kreise = workbook.load_kreise()
    places.gemeinde_inputs(["08416041"])              # kept for the data layer's own table
    kreise.loc[kreise["ags"] == "08416", "offline_share"] = 0.99
    rows = places.gemeinde_inputs(["08416041"], kreise)
    assert rows.loc[0, "offline_share"] == pytest.approx(0.99)


def test_a_value_kept_for_the_shared_kreis_table_is_dropped_with_it():
    from workbook.data import kreise as K

    shared = K.shared_kreise()
    calls = []

    def build(tag):
        calls.append(tag)
        return tag

    assert K.kept_for_shared("test.kept", shared, 1, lambda: build("a")) == "a"
    assert K.kept_for_shared("test.kept", shared, 1, lambda: build("b")) == "a"      # kept
    assert K.kept_value("test.kept") == "a"
    assert K.kept_for_shared("test.kept", shared, 2, lambda: build("c")) == "c"      # another key
    other = shared.copy()                                                             # a rebuilt table
    assert K.kept_for_shared("test.kept", other, 2, lambda: build("d")) == "d"
    assert calls == ["a", "c", "d"]
    assert K.kept_value("test.nothing") is None
