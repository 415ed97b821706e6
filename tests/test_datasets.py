"""Loading the shipped base data: the data contract of docs/architecture.md."""

from __future__ import annotations

import hashlib
import shutil

import numpy as np
import pandas as pd
import pytest

from workbook import data as datasets
from workbook import paths
from workbook.data.schema import COLUMNS, ESTIMATED
from workbook.errors import DataError, SelectionError


@pytest.fixture(autouse=True)
def _no_overlay(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_LOCAL_DIR", str(tmp_path / "local"))
    datasets.clear_cache()
    yield
    datasets.clear_cache()


def test_401_kreise_sorted_with_the_registered_columns():
    df = datasets.load_kreise()
    assert len(df) == 401
    assert list(df.columns) == list(COLUMNS)
    assert df["ags"].is_monotonic_increasing and df["ags"].is_unique
    assert df["ags"].str.fullmatch(r"\d{5}").all()
    assert df["land_ags"].nunique() == 16


def test_population_sums_match_the_sources():
    df = datasets.load_kreise()
    assert df["population_2018"].sum() == 83_019_213
    assert df["population_2019"].sum() == 83_166_711
    assert (df["population_male_2018"] + df["population_female_2018"] == df["population_2018"]).all()


def test_dtypes_and_leading_zeros():
    df = datasets.load_kreise()
    for name in ("population_2018", "population_2019"):
        assert df[name].dtype == np.int64
    for name in ("area_km2", "share_65plus", "gp_per_10k", "lon", "lat"):
        assert df[name].dtype == np.float64
    flensburg = df[df["ags"] == "01001"].iloc[0]
    assert flensburg["name"] == "Flensburg, Stadt"
    assert flensburg["land_ags"] == "01" and flensburg["land_name"] == "Schleswig-Holstein"
    assert flensburg["population_2018"] == 89504 and flensburg["population_2019"] == 90164


def test_known_rows():
    df = datasets.load_kreise().set_index("ags")
    assert df.loc["03159", "name"].startswith("Göttingen")
    assert df.loc["11000", "population_2019"] == 3_669_491  # Berlin's 12 districts summed (RKI)
    assert df.loc["11000", "settlement_type"] == "kreisfreie_grossstadt"
    assert df.loc["05315", "kreis_type"] == "Kreisfreie Stadt"
    # Köln's representative point lies in Köln
    assert 6.7 < df.loc["05315", "lon"] < 7.2 and 50.8 < df.loc["05315", "lat"] < 51.1


def test_official_figures_and_the_estimate_keep_the_national_figures():
    df = datasets.load_kreise()
    w = df["population_2019"].to_numpy(float)
    # Destatis 31.12.2019: 18,09 Mio. of 83,17 Mio. aged 65+ (21,8 %); Breitbandatlas end 2020: ~58 %
    assert np.average(df["share_65plus"], weights=w) == pytest.approx(0.2175, abs=5e-4)
    assert np.average(df["gigabit_share"], weights=w) == pytest.approx(0.58, abs=5e-3)
    assert df["gp_per_10k"].median() == pytest.approx(6.28)
    assert (df["gp_per_10k"].min(), df["gp_per_10k"].max()) == (4.56, 8.88)
    # offline_share is calibrated on the residents aged 14+ (15+ plus a fifth of 10-14), D21: 12 %
    age = datasets.load_kreise_age()
    p14 = (age.loc[age["age_from"] >= 15].groupby("ags")["population_2019"].sum()
           + 0.2 * age.loc[age["age_from"] == 10].groupby("ags")["population_2019"].sum()).reindex(df["ags"])
    assert np.average(df["offline_share"], weights=p14) == pytest.approx(0.12, abs=5e-5)
    # older Kreise have more offliners (the method follows the real 60-69 / 70+ groups, not 65+ alone)
    assert np.corrcoef(df["share_65plus"], df["offline_share"])[0, 1] > 0.95


def test_a_fresh_copy_each_call():
    a = datasets.load_kreise()
    a.loc[0, "population_2018"] = -5
    b = datasets.load_kreise()
    assert b.loc[0, "population_2018"] == 89504


def test_rural_weight():
    df = pd.DataFrame({"settlement_type": ["kreisfreie_grossstadt", "staedtischer_kreis",
                                           "laendlich_verdichtet", "duenn_besiedelt"]})
    assert datasets.rural_weight(df).tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    with pytest.raises(DataError, match="settlement_type"):
        datasets.rural_weight(pd.DataFrame({"ags": ["01001"], "settlement_type": ["city"]}))


def test_value_and_column_status_without_overlay():
    status = datasets.value_status("5315")
    assert status["population_2018"] == "fact"
    assert {c for c, s in status.items() if s == "estimate"} == set(ESTIMATED)
    df = datasets.load_kreise()
    assert datasets.column_status(df)["gigabit_share"] == "fact"
    assert datasets.column_status(df)["offline_share"] == "estimate"


@pytest.mark.parametrize("query, ags", [
    ("05315", "05315"), ("5315", "05315"), (1001, "01001"), ("Göttingen", "03159"),
    ("Landkreis München", "09184"), ("Stadt München", "09162"), ("köln", "05315"),
    ("Berlin", "11000"), ("Koln", "05315"), ("Dusseldorf", "05111"),
    ("übe", "01003"), ("ube", "08128"),   # both match either name once normalised: the spelling decides
])
def test_find_kreis(query, ags):
    assert datasets.find_kreis(query) == ags


@pytest.mark.parametrize("query, message", [
    ("München", "mehrdeutig.*09162.*09184"),
    ("Kasel", "kein Kreis.*Kassel"),
    ("03159012", "Gemeindeschlüssel.*03159"),
    ("99999", "unbekannter Kreisschlüssel"),
    ("", "Kreisschlüssel \\(AGS\\) oder Kreisnamen"),
])
def test_find_kreis_errors(query, message):
    with pytest.raises(SelectionError, match=message):
        datasets.find_kreis(query)


def test_find_kreis_exact_refuses_fragments():
    assert datasets.find_kreis("Städteregion", exact=False) == "05334"
    with pytest.raises(SelectionError, match="kein Kreis"):
        datasets.find_kreis("Städteregion", exact=True)
    assert datasets.find_kreis("Köln", exact=True) == "05315"


def test_boundaries_laender_and_neighbours():
    geo = datasets.load_boundaries()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 401
    assert {f["properties"]["ags"] for f in geo["features"]} == set(datasets.load_kreise()["ags"])
    assert len(datasets.load_laender()["features"]) == 16
    nb = datasets.load_neighbours()
    assert list(nb.columns) == ["ags_a", "ags_b"] and (nb["ags_a"] < nb["ags_b"]).all()
    pairs = set(zip(nb["ags_a"], nb["ags_b"]))
    assert ("05314", "05382") in pairs          # Bonn – Rhein-Sieg-Kreis
    assert ("01051", "01054") in pairs          # Dithmarschen – Nordfriesland across the Eider
    assert ("04012", "03352") in pairs or ("03352", "04012") in pairs  # Bremerhaven – Cuxhaven
    assert ("09162", "09184") in pairs          # München Stadt – Landkreis
    everyone = set(nb["ags_a"]) | set(nb["ags_b"])
    assert len(everyone) == 401                  # no Kreis without neighbours


def test_data_size_budget():
    assert (paths.DATA_DIR / "kreise.geojson").stat().st_size < 1_000_000


def test_hashes_match_sources_yml():
    sources = datasets.load_sources()
    hashes = datasets.verify_hashes()
    assert set(hashes) == {"kreise.csv", "kreise.geojson", "laender.geojson", "neighbours.csv", "estimation.yml",
                           "national_age_structure.csv", "kreise_age.csv", "broadband_history.csv", "gemeinden.csv",
                           "gemeinden_neighbours.csv", "gemeinden_successors.csv",
                           *(f"gemeinden/{land:02d}.geojson" for land in range(1, 17))}
    for name, digest in hashes.items():
        assert hashlib.sha256((paths.DATA_DIR / name).read_bytes()).hexdigest() == digest
        assert sources["files"][name]["sha256"] == digest
    for name in ("kreise.csv", "kreise.geojson", "laender.geojson", "neighbours.csv"):
        entry = sources["files"][name]
        assert entry["license"] and entry["credit"] and entry["build_date"]
        for pkg in entry["packages"]:
            assert sources["packages"][pkg["name"]]["sha256"] == pkg["tarball_sha256"]
            assert sources["packages"][pkg["name"]]["version"] == pkg["version"]
    for pkg in sources["packages"].values():
        assert len(pkg["sha256"]) == 64 and pkg["version"] and pkg["license"]


@pytest.fixture()
def data_copy(tmp_path, monkeypatch):
    """A writable copy of data/ that the loader reads instead."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target, ignore=shutil.ignore_patterns("local"))
    monkeypatch.setattr(paths, "DATA_DIR", target)
    datasets.clear_cache()
    return target


def test_a_changed_file_is_refused(data_copy):
    path = data_copy / "kreise.csv"
    path.write_bytes(path.read_bytes().replace(b"89504", b"89505", 1))
    with pytest.raises(DataError, match="sha256 mismatch") as err:
        datasets.load_kreise()
    assert "kreise.csv" in err.value.file


def test_a_missing_file_is_refused(data_copy):
    (data_copy / "neighbours.csv").unlink()
    with pytest.raises(DataError, match="file missing"):
        datasets.load_neighbours()


def test_data_check_cli(capsys):
    from workbook.cli import main

    assert main(["data", "check"]) == 0
    out = capsys.readouterr().out
    assert "83.019.213" in out and "83.166.711" in out
    assert "Kreise ohne Nachbarn: 0" in out
    for name in ESTIMATED:
        assert f"- {name}:" in out
    assert "Eigene Daten / local overlay: keine" in out


def test_data_check_cli_fails_on_a_changed_file(data_copy, capsys):
    from workbook.cli import main

    path = data_copy / "laender.geojson"
    path.write_bytes(path.read_bytes() + b" ")
    assert main(["data", "check"]) == 2
    assert "laender.geojson" in capsys.readouterr().err
