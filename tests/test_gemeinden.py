"""data/gemeinden.csv (issue 14): the Gemeinden of 31.12.2019 with BBSR types, against the data/raw extracts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbook import data as datasets
from workbook.errors import DataError
from workbook.data.schema import GEMEINDE_COLUMNS, validate_frame

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


def test_registry_covers_the_file_and_a_bad_value_is_named(gemeinden):
    assert list(gemeinden.columns) == list(GEMEINDE_COLUMNS)
    for col in GEMEINDE_COLUMNS.values():
        assert col.status == "fact" and col.year in (2017, 2019) and col.source_key in ("destatis_gv", "bbsr_gemeinden")
    bad = gemeinden.head(3).copy()
    bad.loc[1, "ags"] = "0100100"
    with pytest.raises(DataError) as err:
        validate_frame(bad, file="gemeinden.csv", columns=GEMEINDE_COLUMNS, key="ags")
    assert (err.value.row, err.value.column) == (3, "ags") and "nicht die erwartete Form" in str(err.value)
