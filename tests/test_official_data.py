"""The official figures of issue 13: data/raw/ extracts, their provenance, and kreise.csv against them.

The comparisons read the extracts directly (plain CSV) and recompute each column the simple way, so a
mistake in scripts/build_data.py or in the loaders shows up here.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from script_loader import load_script

from workbook import data as datasets

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SCRIPT = ROOT / "scripts" / "extract_sources.py"
SOURCES = Path(os.environ.get("WORKBOOK_SOURCES") or ROOT.parent / "shared" / "sources")
GOETTINGEN = "03159"


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(RAW / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def kreise() -> pd.DataFrame:
    return datasets.load_kreise(local=False).set_index("ags")


@pytest.fixture(scope="module")
def extract_module():
    return load_script("extract_sources")


def test_age_shares_equal_the_regionalstatistik_extract(kreise):
    raw = _raw("regionalstatistik_12411_2019.csv")
    raw["n"] = raw["population_2019"].astype(int)
    raw["lo"] = raw["age_from"].astype(int)
    groups = raw[raw["age_group"] != "Insgesamt"]
    total = raw[raw["age_group"] == "Insgesamt"].set_index("ags")["n"]
    assert len(total) == 401 and total.sum() == 83_166_711
    assert (total.reindex(kreise.index) == kreise["population_2019"]).all()

    def share(lo, hi=None):
        mask = (groups["lo"] >= lo) & ((groups["lo"] < hi) if hi else True)
        return (groups[mask].groupby("ags")["n"].sum() / total).reindex(kreise.index)

    for column, expected in (("share_65plus", share(65)), ("share_50_64", share(50, 65)),
                             ("share_65_74", share(65, 75)), ("share_75plus", share(75))):
        assert np.abs(kreise[column] - expected).max() <= 5e-5 + 1e-12, column
    assert kreise.loc["09162", "share_65plus"] == pytest.approx(259_085 / 1_484_226, abs=5e-5)    # München


def test_kreise_age_is_the_extract_and_sums_to_the_population(kreise):
    age = datasets.load_kreise_age()
    raw = _raw("regionalstatistik_12411_2019.csv")
    raw = raw[raw["age_group"] != "Insgesamt"].reset_index(drop=True)
    assert len(age) == 401 * 21 == len(raw)
    assert age["ags"].tolist() == raw["ags"].tolist()
    assert age["population_2019"].tolist() == raw["population_2019"].astype(int).tolist()
    assert age["age_from"].tolist() == raw["age_from"].astype(int).tolist()
    assert age["age_to"].isna().sum() == 401 and age.loc[age["age_to"].isna(), "age_from"].eq(90).all()
    sums = age.groupby("ags")["population_2019"].sum()
    assert (sums.reindex(kreise.index) == kreise["population_2019"]).all()


def test_settlement_type_is_the_bbsr_kreistyp(kreise):
    raw = _raw("bbsr_kreistypen_2017.csv").set_index("ags")
    codes = {"1": "kreisfreie_grossstadt", "2": "staedtischer_kreis", "3": "laendlich_verdichtet",
             "4": "duenn_besiedelt"}
    assert (kreise["settlement_type"] == raw["ktyp4"].map(codes).reindex(kreise.index)).all()
    assert kreise["settlement_type"].value_counts().to_dict() == {
        "staedtischer_kreis": 131, "duenn_besiedelt": 102, "laendlich_verdichtet": 101, "kreisfreie_grossstadt": 67}
    # BBSR's rule: a small kreisfreie Stadt takes the type of its Kreisregion
    assert kreise.loc["01001", "settlement_type"] == "duenn_besiedelt"
    assert raw.loc["01001", "kreg17"] == "01059" and raw.loc["01001", "st_kreg"] == "1"


@pytest.mark.parametrize("indicator, column, divisor", [
    (256, "gp_per_10k", 1), (354, "commuters_50km_share", 100), (337, "time_to_oberzentrum_min", 1),
    (229, "household_income_eur_month", 1),
])
def test_inkar_columns_equal_the_extract(kreise, indicator, column, divisor):
    raw = _raw("inkar_2021_kreise.csv")
    part = raw[raw["indicator_id"] == str(indicator)].set_index("ags")["value"].astype(float) / divisor
    assert len(part) == 401
    assert np.abs(kreise[column] - part.reindex(kreise.index)).max() <= 1e-9, column


def test_inkar_definitions_are_kept_with_the_figures():
    defs = _raw("inkar_2021_indikatoren.csv").set_index("indicator_id")
    assert defs.loc["256", "name"] == "Hausärzte je 10.000 Einwohner"
    assert "geschätzte Werte" in defs.loc["256", "anmerkungen"]
    assert defs.loc["256", "statistische_grundlagen"] == "Kassenärztliche Bundesvereinigung"
    assert "50 km und mehr am Wohnort" in defs.loc["354", "name"]
    assert "Oberzentrum in Minuten" in defs.loc["337", "name"]
    assert "je Einwohner" in defs.loc["229", "name"]


def test_academic_share_and_wfh_equal_their_extracts(kreise):
    edu = _raw("inkar_2017_bildung.csv").set_index("ags")
    assert np.abs(kreise["academic_share"] - edu["academic_share_residence_pct"].astype(float)
                  .reindex(kreise.index) / 100).max() <= 1e-9
    ifo = _raw("ifo_wfh_nuts3.csv")
    ifo.index = ifo["nuts3"].str.zfill(5)
    for column, source in (("wfh_feas", "wfh_feas_res"), ("wfh_precovid", "wfh_tot_res")):
        expected = ifo[source].astype(float).reindex(kreise.index) / 100
        assert np.abs(kreise[column] - expected).max() <= 5e-5 + 1e-12, column


def test_gigabit_and_the_history_equal_the_breitbandatlas(kreise):
    raw = _raw("breitbandatlas_landkreise.csv")
    raw["share"] = raw["share_pct"].astype(float) / 100
    hist = datasets.load_broadband_history()
    assert len(hist) == 401 * (1 + 6 * 3)
    end2020 = raw[(raw["period"] == "2020-12") & (raw["threshold_mbit"] == "1000")].set_index("ags_source")["share"]
    others = kreise.index.drop(GOETTINGEN)
    assert np.abs(kreise.loc[others, "gigabit_share"] - end2020.reindex(others)).max() <= 5e-5 + 1e-12
    merged = hist.merge(raw.rename(columns={"ags_source": "ags"}).assign(
        threshold_mbit=lambda d: d["threshold_mbit"].astype(int)), on=["ags", "period", "threshold_mbit"],
        suffixes=("", "_raw"))
    assert len(merged) == len(hist) - 19                       # every row but Göttingen's 19
    assert np.abs(merged["share"] - merged["share_raw"]).max() <= 5e-5 + 1e-12
    # 03159 lies between its two parts, closer to the larger 03152 (weights 0.78 / 0.22)
    a, b = end2020["03152"], end2020["03156"]
    assert kreise.loc[GOETTINGEN, "gigabit_share"] == pytest.approx((254_268 * a + 71_773 * b) / 326_041, abs=5e-5)
    national = np.average(kreise["gigabit_share"], weights=kreise["population_2019"])
    assert national == pytest.approx(0.58, abs=5e-3)         # SOURCES.md: about 58 %


def test_the_goettingen_weights_cover_its_population():
    gv = _raw("gv2019_gemeinden.csv")
    gv = gv[gv["ags"].str.startswith(GOETTINGEN)]
    assert gv["population_2019"].astype(int).sum() == 326_041 == \
        datasets.load_kreise(local=False).set_index("ags").loc[GOETTINGEN, "population_2019"]


def test_sources_yml_records_every_raw_extract_with_provenance(extract_module):
    doc = yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))
    recorded = {}
    for key, src in doc["sources"].items():
        spec = extract_module.SOURCES[key]
        assert src["publisher"] == spec["publisher"] and src["title"] and src["license"] and src["credit"]
        assert src["obtained_from"] == {"repository": spec["repository"], "commit": spec["commit"],
                                        "paths": spec["paths"]}
        assert len(src["obtained_from"]["commit"]) == 40
        assert src["originals_sha256"] == spec["files"]
        recorded.update(src["extracts"])
    on_disk = {f"raw/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(RAW.glob("*.csv"))}
    assert recorded == on_disk
    for name in ("kreise.csv", "kreise_age.csv", "broadband_history.csv"):
        for key in doc["files"][name]["raw_sources"]:
            assert key in doc["sources"]
            assert doc["sources"][key]["credit"] in doc["files"][name]["credit"]


def test_recorded_originals_match_the_shared_checksums(extract_module):
    if not (SOURCES / "SHA256SUMS").exists():
        pytest.skip(f"originals not present at {SOURCES} (set WORKBOOK_SOURCES)")
    sums = extract_module.read_sums(SOURCES)
    for spec in extract_module.SOURCES.values():
        for rel, digest in spec["files"].items():
            assert sums[rel] == digest, rel


def test_a_tampered_original_is_refused(extract_module, tmp_path):
    folder = tmp_path / "sources"
    (folder / "ifo_wfh").mkdir(parents=True)
    (folder / "ifo_wfh" / "wfh_nuts3.csv").write_text("nuts3\n1001\n", encoding="utf-8")
    digest = hashlib.sha256(b"nuts3\n1001\n").hexdigest()
    (folder / "SHA256SUMS").write_text(f"{digest}  ./ifo_wfh/wfh_nuts3.csv\n", encoding="utf-8")
    with pytest.raises(extract_module.ExtractError, match="missing"):
        extract_module.check_originals(folder)          # the other originals are not there
    sources = {"ifo_wfh": extract_module.SOURCES["ifo_wfh"]}
    original = extract_module.SOURCES
    try:
        extract_module.SOURCES = sources
        with pytest.raises(extract_module.ExtractError, match="does not match the recorded"):
            extract_module.check_originals(folder)
    finally:
        extract_module.SOURCES = original


@pytest.mark.parametrize("label, bounds", [
    ("unter 3 Jahre", (0, 3)), ("3 bis unter 6 Jahre", (3, 6)), ("90 Jahre und mehr", (90, None)),
])
def test_age_labels_of_12411(extract_module, label, bounds):
    assert extract_module.age_bounds(label) == bounds


def test_an_unknown_age_label_is_refused(extract_module):
    with pytest.raises(extract_module.ExtractError, match="unknown age group"):
        extract_module.age_bounds("ab 100")


@pytest.mark.slow
def test_extracts_regenerate_byte_identical_from_the_originals(tmp_path):
    """Runs scripts/extract_sources.py on ../shared/sources (as in CI) when the originals are there."""
    if not (SOURCES / "SHA256SUMS").exists():
        pytest.skip(f"originals not present at {SOURCES} (set WORKBOOK_SOURCES)")
    out = tmp_path / "raw"
    result = subprocess.run([sys.executable, str(SCRIPT), "--sources", str(SOURCES), "--out", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    built = sorted(p.name for p in out.iterdir())
    assert built == sorted(p.name for p in RAW.glob("*.csv"))
    for name in built:
        assert (out / name).read_bytes() == (RAW / name).read_bytes(), f"data/raw/{name} differs"
