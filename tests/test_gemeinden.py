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
