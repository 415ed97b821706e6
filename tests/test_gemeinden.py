"""data/gemeinden.csv (issue 14): the Gemeinden of 31.12.2019 with BBSR types, against the data/raw extracts."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbook import data as datasets
from workbook.data.schema import GEMEINDE_COLUMNS, validate_frame
from workbook.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def gemeinden() -> pd.DataFrame:
    return datasets.load_gemeinden()


def test_the_official_checks_hold(gemeinden):
    assert len(gemeinden) == 10_799 and gemeinden["ags"].is_unique
    assert gemeinden["population_2019"].sum() == 83_166_711
    kreise = datasets.load_kreise(local=False).set_index("ags")["population_2019"]
    sums = gemeinden.groupby("kreis_ags")["population_2019"].sum()
    assert (sums.reindex(kreise.index) == kreise).all()
    assert (gemeinden["population_male_2019"] + gemeinden["population_female_2019"]
            == gemeinden["population_2019"]).all()
    assert (gemeinden["ags"].str[:5] == gemeinden["kreis_ags"]).all()
    assert (gemeinden["verband_key"].str[:5] == gemeinden["kreis_ags"]).all()


def test_values_are_the_gv_extract(gemeinden):
    gv = pd.read_csv(RAW / "gv2019_gemeinden.csv", dtype=str, keep_default_na=False)
    gv = gv[gv["population_2019"].astype(int) > 0].set_index("ags")
    assert len(gv) == 10_799
    g = gemeinden.set_index("ags")
    assert (g["name"] == gv["name"].reindex(g.index)).all()
    assert (g["population_2019"] == gv["population_2019"].astype(int).reindex(g.index)).all()
    assert (g["plz"] == gv["plz"].reindex(g.index)).all()
    assert (g["area_km2"] - gv["area_km2"].astype(float).reindex(g.index)).abs().max() < 0.005 + 1e-9
    assert g.loc["05315000", ["name", "population_2019", "plz", "urbanisation"]].tolist() == [
        gv.loc["05315000", "name"], int(gv.loc["05315000", "population_2019"]), gv.loc["05315000", "plz"],
        "dicht_besiedelt"]
    assert len(pd.read_csv(RAW / "gv2019_gemeinden.csv", dtype=str)) == 11_010   # 211 uninhabited left out


def test_bbsr_types_and_the_35_merged_gemeinden(gemeinden):
    bbsr = pd.read_csv(RAW / "bbsr_gemeinden_2017.csv", dtype=str, keep_default_na=False).set_index("ags")
    own = gemeinden[gemeinden["bbsr_from_ags"] == ""]
    merged = gemeinden[gemeinden["bbsr_from_ags"] != ""]
    assert len(own) == 10_764 and own["ags"].isin(bbsr.index).all()
    assert len(merged) == 35 and not merged["ags"].isin(bbsr.index).any()
    assert merged["population_2019"].sum() == 188_785                   # SOURCES.md
    assert merged["bbsr_from_ags"].isin(bbsr.index).all()
    # a merged Gemeinde's predecessor lies in the same Kreis and gives it its BBSR row
    assert (merged["bbsr_from_ags"].str[:5] == merged["kreis_ags"]).all()
    for col, src in (("bbsr_sgtyp", "sgtyp"), ("raumtyp_lage", "raumtyp_lage"), ("zentralort", "zo"),
                     ("mittelbereich_key", "mittelbereich_key")):
        key = gemeinden["bbsr_from_ags"].where(gemeinden["bbsr_from_ags"] != "", gemeinden["ags"])
        assert (gemeinden[col].to_numpy() == bbsr[src].reindex(key).to_numpy()).all(), col
    oberzent = gemeinden.set_index("ags").loc["06437016"]
    assert oberzent["bbsr_from_ags"].startswith("06437")


NEW_SOURCES = {"share_50mbit_2019": "breitbandatlas_gemeinden", "share_100mbit_2019": "breitbandatlas_gemeinden",
               "gigabit_share_2019": "breitbandatlas_gemeinden", "broadband_from_ags": "breitbandatlas_gemeinden",
               "gp_per_10k_mittelbereich": "inkar_2024"}


def test_registry_covers_the_file_and_a_bad_value_is_named(gemeinden):
    assert list(gemeinden.columns) == list(GEMEINDE_COLUMNS)
    for col in GEMEINDE_COLUMNS.values():
        assert col.status == "fact" and col.year in (2017, 2019)
        assert col.source_key == NEW_SOURCES.get(col.name, col.source_key)
        assert col.source_key in ("destatis_gv", "bbsr_gemeinden") or col.name in NEW_SOURCES
    sources = datasets.load_sources()["sources"]
    assert {"breitbandatlas_gemeinden", "inkar_2024"} <= set(sources)
    bad = gemeinden.head(3).copy()
    bad.loc[1, "ags"] = "0100100"
    with pytest.raises(DataError) as err:
        validate_frame(bad, file="gemeinden.csv", columns=GEMEINDE_COLUMNS, key="ags")
    assert (err.value.row, err.value.column) == (3, "ags") and "nicht die erwartete Form" in str(err.value)


def test_an_empty_cell_is_refused_unless_the_column_may_be_empty(gemeinden):
    bad = gemeinden.head(3).copy()
    bad.loc[1, "gigabit_share_2019"] = float("nan")          # nullable: no published value
    validate_frame(bad, file="gemeinden.csv", columns=GEMEINDE_COLUMNS, key="ags")
    bad.loc[2, "gigabit_share_2019"] = 1.5
    with pytest.raises(DataError) as err:
        validate_frame(bad, file="gemeinden.csv", columns=GEMEINDE_COLUMNS, key="ags")
    assert (err.value.row, err.value.column, err.value.key) == (4, "gigabit_share_2019", bad.loc[2, "ags"])
    bad = gemeinden.head(3).copy()
    bad.loc[1, "gp_per_10k_mittelbereich"] = float("nan")    # not nullable
    with pytest.raises(DataError) as err:
        validate_frame(bad, file="gemeinden.csv", columns=GEMEINDE_COLUMNS, key="ags")
    assert (err.value.row, err.value.column) == (3, "gp_per_10k_mittelbereich")


# -- broadband mid 2019 (Breitbandatlas, the source's own keys) ------------------------------------

def test_broadband_is_the_breitbandatlas_row_of_the_gemeinde_or_of_its_one_predecessor(gemeinden):
    bb = pd.read_csv(RAW / "breitbandatlas_gemeinden_2019.csv", dtype=str).set_index("ags_source")
    assert len(bb) == 11_330
    own = gemeinden[gemeinden["ags"].isin(bb.index)]
    renumbered = gemeinden[gemeinden["broadband_from_ags"] != ""]
    empty = gemeinden[gemeinden["gigabit_share_2019"].isna()]
    assert (len(own), len(renumbered), len(empty)) == (10_714, 38, 47)
    assert len(own) + len(renumbered) + len(empty) == 10_799
    assert (own["broadband_from_ags"] == "").all() and not renumbered["ags"].isin(bb.index).any()
    assert empty["population_2019"].sum() == 268_299
    for frame, key in ((own, own["ags"]), (renumbered, renumbered["broadband_from_ags"])):
        for col, raw in (("share_50mbit_2019", "share_50_pct"), ("share_100mbit_2019", "share_100_pct"),
                         ("gigabit_share_2019", "share_1000_pct")):
            expected = bb[raw].astype(float).reindex(key).to_numpy() / 100
            assert np.abs(frame[col].to_numpy() - expected).max() < 5e-5, col
    # Göttingen (03159) was 03152 in 2016: the Breitbandatlas keeps the old numbers
    g = gemeinden.set_index("ags")
    assert g.loc["03159016", "broadband_from_ags"] == "03152012"
    assert g.loc["03159016", "gigabit_share_2019"] == pytest.approx(float(bb.loc["03152012", "share_1000_pct"]) / 100)
    # a Gemeinde merged in 2019 from several Breitbandatlas Gemeinden stays empty: Am Ettersberg
    assert pd.isna(g.loc["16071102", "gigabit_share_2019"]) and g.loc["16071102", "broadband_from_ags"] == ""
    both = gemeinden.dropna(subset=["gigabit_share_2019"])
    assert ((both["share_50mbit_2019"] >= both["share_100mbit_2019"])
            & (both["share_100mbit_2019"] >= both["gigabit_share_2019"])).all()


# -- GPs per Mittelbereich (INKAR 2024) ----------------------------------------------------------

def test_gp_density_is_the_inkar_value_of_the_gemeindes_mittelbereich(gemeinden):
    inkar = pd.read_csv(RAW / "inkar_2024_mittelbereiche.csv", dtype=str).set_index("mittelbereich_key")
    assert len(inkar) == 878 and set(inkar["year"]) == {"2019"}
    assert gemeinden["mittelbereich_key"].str.fullmatch(r"\d{6}").all()
    assert set(gemeinden["mittelbereich_key"]) == set(inkar.index)
    expected = inkar["gp_per_10k"].astype(float).reindex(gemeinden["mittelbereich_key"]).to_numpy()
    assert (gemeinden["gp_per_10k_mittelbereich"].to_numpy() == expected).all()
    # the 2017 names of the Mittelbereiche are those of INKAR 2024 (Gebietsstand 2022)
    names = inkar["name"].reindex(gemeinden["mittelbereich_key"]).to_numpy()
    assert (gemeinden["mittelbereich_name"].to_numpy() == names).all()
    flensburg = gemeinden.set_index("ags").loc["01001000"]
    assert (flensburg["mittelbereich_key"], flensburg["gp_per_10k_mittelbereich"]) == (
        "010503", float(inkar.loc["010503", "gp_per_10k"]))
    assert gemeinden["gp_per_10k_mittelbereich"].min() > 3.0 and gemeinden["gp_per_10k_mittelbereich"].max() < 20


# -- boundaries and neighbours ------------------------------------------------------------------

DATA = ROOT / "data"


def _features():
    import json

    out = {}
    for path in sorted((DATA / "gemeinden").glob("*.geojson")):
        out[path.stem] = json.loads(path.read_text(encoding="utf-8"))["features"]
    return out


def test_every_gemeinde_of_2019_has_one_boundary_in_its_lands_file(gemeinden):
    from shapely.geometry import shape

    files = _features()
    assert sorted(files) == [f"{land:02d}" for land in range(1, 17)]
    names = gemeinden.set_index("ags")["name"]
    seen = []
    for land, features in files.items():
        for f in features:
            assert set(f["properties"]) == {"ags", "name"}
            assert f["properties"]["ags"][:2] == land
            assert f["properties"]["name"] == names[f["properties"]["ags"]]
            seen.append(f["properties"]["ags"])
    assert len(seen) == len(set(seen)) == 10_799 and set(seen) == set(gemeinden["ags"])   # docs/data.md
    # simplified, valid, and small: a few MB for all Länder together
    total = sum(p.stat().st_size for p in (DATA / "gemeinden").glob("*.geojson"))
    assert total < 5_000_000
    berlin = shape(files["11"][0]["geometry"])
    assert berlin.is_valid and berlin.contains(berlin.representative_point())
    # a Gemeinde merged in 2019 covers its predecessors: Am Ettersberg (Thüringen) about its GV area
    feats = {f["properties"]["ags"]: f for f in files["16"]}
    area = gemeinden.set_index("ags").loc["16071102", "area_km2"]
    geom = shape(feats["16071102"]["geometry"])
    km2 = geom.area * 111.32 ** 2 * math.cos(math.radians(geom.centroid.y))
    assert abs(km2 / area - 1) < 0.1


def test_the_neighbour_graph_of_the_gemeinden(gemeinden):
    nb = pd.read_csv(DATA / "gemeinden_neighbours.csv", dtype=str)
    assert list(nb.columns) == ["ags_a", "ags_b"]
    assert len(nb) == 31_315 and not nb.duplicated().any() and (nb["ags_a"] < nb["ags_b"]).all()
    assert set(nb["ags_a"]) | set(nb["ags_b"]) <= set(gemeinden["ags"])
    pairs = set(zip(nb["ags_a"], nb["ags_b"]))
    assert ("01060063", "02000000") in pairs        # Norderstedt – Hamburg, across a Land border
    assert ("03159016", "03159029") in pairs        # Göttingen – Rosdorf (new numbers of 2016)
    assert ("16054000", "16070029") in pairs        # Suhl – Ilmenau: Gehlberg joined Suhl in 2019
    isolated = set(gemeinden["ags"]) - set(nb["ags_a"]) - set(nb["ags_b"])
    assert len(isolated) == 22                      # islands and an exclave (docs/data.md)
    assert {"01056025", "08335015", "03455021"} <= isolated   # Helgoland, Büsingen, Wangerooge


# -- the loaders of boundaries, neighbours and successors (workbook.data) ----------------------------

def test_every_lands_boundary_file_loads_with_one_feature_per_gemeinde_of_the_land(gemeinden):
    per_land = gemeinden.groupby(gemeinden["ags"].str[:2])["ags"].apply(set)
    total = 0
    for land in [f"{n:02d}" for n in range(1, 17)]:
        doc = datasets.load_gemeinde_boundaries(land)
        assert doc["type"] == "FeatureCollection"
        keys = [f["properties"]["ags"] for f in doc["features"]]
        assert len(keys) == len(set(keys)) == len(per_land[land]) and set(keys) == per_land[land], land
        total += len(keys)
    assert total == 10_799                                   # docs/data.md: all 10,799 have a boundary
    assert "all 10,799 inhabited Gemeinden of 2019 have a boundary" in (ROOT / "docs" / "data.md").read_text()
    # the leading zero comes back, as everywhere a key is read; each call is a fresh copy
    first = datasets.load_gemeinde_boundaries(5)
    first["features"].clear()
    assert len(datasets.load_gemeinde_boundaries("5")["features"]) == len(per_land["05"])


@pytest.mark.parametrize("land, message", [("17", "unbekannter Länderschlüssel '17'"),
                                           ("00", "unbekannter Länderschlüssel '00'"),
                                           ("05315", "'05315' ist kein Länderschlüssel"),
                                           ("NRW", "'NRW' ist kein Länderschlüssel"),
                                           ("\u0660\u0665", "ist kein Länderschlüssel"), (None, "'None' ist kein")])
def test_a_bad_land_key_is_refused_naming_it(land, message):
    from workbook.errors import SelectionError

    with pytest.raises(SelectionError) as err:
        datasets.load_gemeinde_boundaries(land)
    assert message in str(err.value) and err.value.key == str(land)


def test_the_gemeinde_neighbours_are_unique_pairs_of_known_gemeinden(gemeinden):
    nb = datasets.load_gemeinde_neighbours()
    assert list(nb.columns) == ["ags_a", "ags_b"] and len(nb) == 31_315
    assert nb["ags_a"].str.fullmatch(r"\d{8}").all() and nb["ags_b"].str.fullmatch(r"\d{8}").all()
    assert (nb["ags_a"] < nb["ags_b"]).all()                 # no self-pair, one order
    both = set(zip(nb["ags_a"], nb["ags_b"])) | set(zip(nb["ags_b"], nb["ags_a"]))
    assert len(both) == 2 * len(nb)                          # symmetric closure: no pair twice in any order
    assert set(nb["ags_a"]) | set(nb["ags_b"]) <= set(gemeinden["ags"])
    nb.loc[0, "ags_a"] = "x"                                 # a fresh copy each call
    assert datasets.load_gemeinde_neighbours().loc[0, "ags_a"] != "x"


def _with_data_file(tmp_path, monkeypatch, name: str, text: str):
    """A copy of data/ in tmp_path with ``name`` replaced by ``text`` (its sha256 registered)."""
    import hashlib
    import shutil

    import yaml

    from workbook import paths

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("raw", "local"))
    (copy / name).write_text(text, encoding="utf-8")
    sources = yaml.safe_load((copy / "sources.yml").read_text(encoding="utf-8"))
    sources["files"][name]["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (copy / "sources.yml").write_text(yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(paths, "DATA_DIR", copy)
    datasets.clear_cache()


@pytest.mark.parametrize("rows, row, message", [
    ("01001000,01001000\n", 2, "ihr eigener Nachbar"),
    ("01001000,01059001\n01059001,01001000\n", 3, "Schlüssel doppelt"),
    ("01001000,01059001\n01001000,01059001\n", 3, "Schlüssel doppelt"),
    ("01059001,01001000\n", 2, "ags_a < ags_b"),
    ("01001000,01009999\n", 2, "kein Gemeindeschlüssel von data/gemeinden.csv"),
])
def test_a_bad_neighbour_file_is_refused_naming_its_row(tmp_path, monkeypatch, rows, row, message):
    _with_data_file(tmp_path, monkeypatch, "gemeinden_neighbours.csv", "ags_a,ags_b\n" + rows)
    try:
        with pytest.raises(DataError) as err:
            datasets.load_gemeinde_neighbours()
        assert message in str(err.value) and err.value.row == row
    finally:
        datasets.clear_cache()


def test_merged_away_keys_name_their_successor(gemeinden):
    succ = datasets.load_gemeinde_successors()
    assert list(succ.columns) == ["old_ags", "old_name", "successor_ags", "successor_name", "basis"]
    assert len(succ) == 376 and succ["old_ags"].is_unique
    assert succ["old_ags"].str.fullmatch(r"\d{8}").all() and succ["successor_ags"].str.fullmatch(r"\d{8}").all()
    keys = set(gemeinden["ags"])
    assert not succ["old_ags"].isin(keys).any() and succ["successor_ags"].isin(keys).all()
    assert succ["basis"].value_counts().to_dict() == {"dissolution": 291, "broadband_from_ags": 38,
                                                      "bbsr_from_ags": 35, "centre_point": 12}
    s = succ.set_index("old_ags")
    assert s.loc["06437002", ["successor_ags", "successor_name", "basis"]].tolist() == [
        "06437016", "Oberzent, Stadt", "bbsr_from_ags"]                 # Beerfelden -> Oberzent (2018)
    assert s.loc["03152012", ["successor_ags", "basis"]].tolist() == ["03159016", "broadband_from_ags"]
    assert s.loc["03156016", ["old_name", "successor_ags"]].tolist() == ["Zorge", "03159036"]   # Walkenried
    # every bbsr_from_ags / broadband_from_ags of gemeinden.csv is an old key with that Gemeinde as successor
    for column in ("bbsr_from_ags", "broadband_from_ags"):
        named = gemeinden[gemeinden[column] != ""]
        assert (s.loc[named[column], "successor_ags"].to_numpy() == named["ags"].to_numpy()).all()
    # the old keys are those of the BBSR reference 2017 that GV 2019 does not have, but for BBSR's 42
    # pseudo-keys of Bavaria's unincorporated areas and one unincorporated area of 2016 (Harz, Osterode)
    bbsr = pd.read_csv(RAW / "bbsr_gemeinden_2017.csv", dtype=str, keep_default_na=False)
    gv = set(pd.read_csv(RAW / "gv2019_gemeinden.csv", dtype=str)["ags"])
    gone = bbsr[~bbsr["ags"].isin(gv)]
    pseudo = gone[gone["name"].str.startswith("Gdefr. Geb.")]
    assert len(pseudo) == 42 and pseudo["ags"].str.endswith("444").all()
    assert set(gone["ags"]) - set(pseudo["ags"]) <= set(succ["old_ags"])


def test_a_successor_file_naming_a_2019_key_as_old_is_refused(tmp_path, monkeypatch):
    _with_data_file(tmp_path, monkeypatch, "gemeinden_successors.csv",
                    "old_ags,old_name,successor_ags,successor_name,basis\n"
                    "06437002,Beerfelden,06437016,\"Oberzent, Stadt\",bbsr_from_ags\n"
                    "05315000,Köln,06437016,\"Oberzent, Stadt\",dissolution\n")
    try:
        with pytest.raises(DataError) as err:
            datasets.load_gemeinde_successors()
        assert "besteht am 31.12.2019 noch" in str(err.value) and (err.value.row, err.value.key) == (3, "05315000")
    finally:
        datasets.clear_cache()
