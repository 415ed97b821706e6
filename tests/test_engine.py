"""project(): the long result table, quantiles, reproducibility, selections, exports, tornado, CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from workbook import engine, results
from workbook.errors import ParameterError, SelectionError
from workbook.params import load_parameters, load_scenario

KREISE = pd.DataFrame({
    "ags": ["05315", "16077", "09162"],
    "settlement_type": ["kreisfreie_grossstadt", "duenn_besiedelt", "kreisfreie_grossstadt"],
    "gigabit_share": [0.80, 0.20, 0.90],
    "offline_share": [0.08, 0.14, 0.07],
})
DDI = "digitalisation"


def run(**kw):
    kw.setdefault("kreise", KREISE)
    kw.setdefault("topics", DDI)
    return engine.project(**kw)


@pytest.fixture(scope="module")
def table():
    return run(ags="all", scenarios="all", draws=200, seed=5)


def test_long_table_has_the_contract_columns_and_attrs(table):
    assert list(table.columns) == list(results.COLUMNS)
    assert set(table["scenario"]) == {"S0", "S1", "S2", "S3", "S4", "S5"}
    assert set(table["quantile"]) == {"default", "p5", "p25", "p50", "p75", "p95"}
    assert sorted(set(table["year"])) == list(range(2021, 2031))
    assert set(table["ags"]) == {"05315", "16077", "09162"}
    assert {"ddi.index", "ddi.index_geo", "ddi.verw"} <= set(table["indicator"])
    assert len(table) == 6 * 3 * 9 * 10 * 6
    assert table.attrs["seed"] == 5 and table.attrs["draws"] == 200
    assert len(table.attrs["param_hash"]) == 64 and len(table.attrs["data_hash"]) == 64
    assert table.attrs["workbook_version"]
    assert set(table.loc[table["indicator"] == "ddi.index", "unit"]) == {"1"}


def test_quantiles_are_ordered_and_shares_in_unit_interval(table):
    w = results.wide(table)
    assert np.all(w["p5"] <= w["p25"] + 1e-9) and np.all(w["p25"] <= w["p50"] + 1e-9)
    assert np.all(w["p50"] <= w["p75"] + 1e-9) and np.all(w["p75"] <= w["p95"] + 1e-9)
    assert table["value"].between(0, 1).all()
    # a band, not a line, in 2030
    i30 = w[(w.indicator == "ddi.index") & (w.year == 2030)]
    assert (i30["p95"] - i30["p5"]).min() > 0.02


def test_default_run_of_s0_reproduces_the_model_at_default_values(table):
    from workbook.models import digitalisation
    from workbook.models.base import ModelContext

    params = load_parameters()
    p = {k: np.array([[[v]]]) for k, v in params.defaults().items()}
    kreise = KREISE.sort_values("ags").reset_index(drop=True)
    direct = digitalisation.run(ModelContext(kreise, engine.YEARS, p, {}, {}))["ddi.index"][0]
    got = results.filter(table, scenario="S0", indicator="ddi.index", quantile="default")
    got = got.sort_values(["ags", "year"])["value"].to_numpy().reshape(3, 10)
    assert got == pytest.approx(direct, abs=1e-5)   # float32 on the engine path


def test_same_seed_identical_other_seed_differs_chunking_irrelevant(table):
    again = run(ags="all", scenarios="all", draws=200, seed=5, chunk=1)
    pd.testing.assert_frame_equal(table.reset_index(drop=True), again.reset_index(drop=True))
    other = run(ags="all", scenarios="all", draws=200, seed=6)
    assert not np.allclose(other["value"], table["value"])


def test_draws_zero_gives_only_the_default_run():
    t = run(ags=["5315"], scenarios="S0", draws=0)
    assert set(t["quantile"]) == {"default"} and set(t["ags"]) == {"05315"}


def test_overrides_apply_to_every_scenario_and_are_validated():
    base = run(ags="05315", scenarios="S0,S1", draws=0)
    fast = run(ags="05315", scenarios="S0,S1", draws=0, overrides={"ddi.verw.rate": 0.6})
    sel = dict(indicator="ddi.verw", year=2030)
    assert (results.filter(fast, **sel)["value"].to_numpy() > results.filter(base, **sel)["value"].to_numpy()).all()
    with pytest.raises(ParameterError, match=r"ddi\.verw\.rate.*outside the range"):
        run(ags="05315", draws=0, overrides={"ddi.verw.rate": 0.9})
    with pytest.raises(ParameterError, match="finite"):
        run(ags="05315", draws=0, overrides={"ddi.alpha": float("nan")})


@pytest.mark.parametrize("kwargs,message", [
    ({"ags": "99999"}, "unknown AGS '99999'"),
    ({"ags": ""}, "no AGS given"),
    ({"scenarios": "S7"}, "unknown scenario 'S7'"),
    ({"scenarios": "S1,S1"}, "selected twice"),
    ({"topics": "digitalisierung"}, "unknown topic 'digitalisierung'"),
    ({"draws": -1}, "key 'draws'"),
    ({"draws": 2.5}, "key 'draws'"),
    ({"seed": "abc"}, "key 'seed'"),
])
def test_bad_selections_are_refused(kwargs, message):
    kwargs.setdefault("draws", 0)
    with pytest.raises(SelectionError, match=message):
        run(**kwargs)


def test_user_scenario_file_runs_under_its_own_id(tmp_path):
    from workbook.params import save_scenario

    path = tmp_path / "unser_weg.yml"
    save_scenario(path, {"ddi.alpha": 0.9}, "Unser Weg", id="Unser_Weg")
    t = run(ags="05315", scenarios=[str(path), "S0"], draws=0)
    assert list(t["scenario"].cat.categories) == ["Unser_Weg", "S0"]
    assert load_scenario(path).changes == {"ddi.alpha": 0.9}


def test_csv_export_has_sidecar_neutralises_formulas_and_is_atomic(tmp_path):
    t = run(ags="05315", scenarios="S0", draws=10)
    evil = t.copy()
    evil["scenario"] = evil["scenario"].astype(str).replace({"S0": "=HYPERLINK(1)"})
    evil.attrs = dict(t.attrs)
    out = tmp_path / "r.csv"
    results.to_csv(evil, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.csv.meta.json"]
    back = results.read_csv(out)
    assert set(back["scenario"]) == {"'=HYPERLINK(1)"}
    assert back.attrs["seed"] == t.attrs["seed"] and back.attrs["param_hash"] == t.attrs["param_hash"]
    meta = json.loads((tmp_path / "r.csv.meta.json").read_text())
    assert meta["draws"] == 10 and meta["data_hash"] == t.attrs["data_hash"]
    assert back["ags"].iloc[0] == "05315"      # leading zero kept
    with pytest.raises(SelectionError, match=r"expected \.csv, \.xlsx or \.parquet"):
        results.write(t, tmp_path / "r.txt")


def test_xlsx_export_has_a_metadata_sheet(tmp_path):
    t = run(ags="05315", scenarios="S0", draws=0)
    out = results.write(t, tmp_path / "r.xlsx")
    sheets = pd.read_excel(out, sheet_name=None)
    assert set(sheets) == {"Ergebnisse", "Metadaten"}
    assert len(sheets["Ergebnisse"]) == len(t)


def test_tornado_ranks_parameters_and_splits_the_swing_by_lever():
    tor = engine.tornado("05315", indicator="ddi.index", year=2030, scenario="S0", kreise=KREISE,
                         topics=DDI)
    assert tor["swing"].is_monotonic_decreasing
    assert {"key", "label_de", "lever", "outcome_low", "outcome_high", "base", "swing"} <= set(tor.columns)
    shares = tor.attrs["lever_shares"]
    assert sum(shares.values()) == pytest.approx(1.0)
    # a higher rate never lowers the index
    rates = tor[tor["key"].str.endswith(".rate")]
    assert (rates["outcome_high"] >= rates["outcome_low"]).all()
    # the base equals the default run of the projection
    proj = run(ags="05315", scenarios="S0", draws=0)
    base = results.filter(proj, indicator="ddi.index", year=2030)["value"].iloc[0]
    assert tor["base"].iloc[0] == pytest.approx(base, abs=1e-5)
    with pytest.raises(SelectionError, match="unknown indicator"):
        engine.tornado("05315", indicator="ddi.indx", kreise=KREISE, topics=DDI)


def test_cli_project_writes_the_table(tmp_path, monkeypatch, capsys):
    from workbook.cli import main

    monkeypatch.setattr(engine.selection, "load_kreise_table", lambda: KREISE.copy())
    out = tmp_path / "p.csv"
    code = main(["project", "--ags", "05315", "--scenario", "all", "--draws", "50", "--topics", DDI,
                 "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    back = results.read_csv(out)
    assert len(back) == 6 * 9 * 10 * 6 and back.attrs["draws"] == 50
    assert main(["project", "--ags", "1234567", "--draws", "0", "--topics", DDI]) == 2
    err = capsys.readouterr().err
    assert "unknown Gemeinde key" in err and "01234567" in err and "Traceback" not in err
    assert main(["project", "--ags", "05315", "--draws", "0", "--topics", DDI, "--out", str(tmp_path / "x.pdf")]) == 2


def test_real_data_all_topics_for_one_kreis():
    from workbook import data as datasets  # part of the package: never a skip

    kreise = datasets.load_kreise()
    t = engine.project(ags=["05315"], scenarios="all", draws=20, topics="all", kreise=kreise)
    assert "ddi.index" in set(t["indicator"])
    assert t["value"].notna().all()


def test_reduce_draws_matches_numpy_quantiles():
    rng = np.random.default_rng(3)
    arr = rng.random((101, 4, 10)).astype(np.float32)
    red = engine.reduce_draws(arr)
    assert red[0] == pytest.approx(arr[0])
    expected = np.quantile(arr[1:].astype(np.float64), [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    assert red[1:] == pytest.approx(expected, abs=1e-6)
    const = np.broadcast_to(np.full((1, 4, 10), 0.3, dtype=np.float32), (101, 4, 10))
    assert engine.reduce_draws(const)[1:] == pytest.approx(np.full((5, 4, 10), 0.3))
    per_year_constant = np.broadcast_to(arr[:, :, :1], arr.shape)        # stride 0 over years
    red = engine.reduce_draws(per_year_constant)
    expected = np.quantile(arr[1:, :, :1].astype(np.float64), [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    assert red[1:] == pytest.approx(np.broadcast_to(expected, (5, 4, 10)), abs=1e-6)


def test_neutralise_fixes_categorical_and_text_columns():
    t = pd.DataFrame({"scenario": pd.Categorical(["@SUM(A1)", "S0"]), "ags": ["-1", "05315"],
                      "indicator": ["x", "y"], "unit": ["1", "1"], "year": [2021, 2021],
                      "value": [1.0, 2.0], "quantile": ["p5", "+p"]})
    safe = results.neutralise(t)
    assert list(safe["scenario"].astype(str)) == ["'@SUM(A1)", "S0"]
    assert list(safe["ags"]) == ["'-1", "05315"] and list(safe["quantile"]) == ["p5", "'+p"]
    assert list(t["ags"]) == ["-1", "05315"]   # the input stays unchanged


def test_a_gemeinde_key_runs_on_its_kreis_row_with_its_own_figures():
    table = engine.project(["05315000"], "S0", 0, topics=DDI, kreise=KREISE)
    assert set(table["ags"]) == {"05315000"}
    with pytest.raises(SelectionError, match="Gemeindeschlüssel '05315999' gibt es nicht"):
        engine.project(["05315999"], "S0", 0, topics=DDI, kreise=KREISE)
    with pytest.raises(SelectionError, match="unknown AGS '０５３１５'"):
        engine.project("０５３１５", "S0", 0, topics=DDI, kreise=KREISE)
    assert engine.normalise_ags(5315) == "05315" and engine.normalise_ags(" x ") == "x"


def _pandas_data_hash(frame: pd.DataFrame) -> str:
    """The data hash as pandas' row hash defines it (what ``data_hash`` computes by dtype block)."""
    import hashlib

    values = pd.util.hash_pandas_object(frame.reset_index(drop=True), index=False).to_numpy()
    h = hashlib.sha256(values.tobytes())
    h.update(",".join(map(str, frame.columns)).encode())
    return h.hexdigest()


def test_data_hash_is_pandas_row_hash_for_every_kind_of_table():
    from workbook import data as datasets
    from workbook.data.places import gemeinde_inputs

    kreise = datasets.load_kreise()
    odd = pd.DataFrame({
        "f": [0.0, -0.0, np.nan, -np.nan, np.inf, 1.5], "i": np.arange(6) - 3,
        "s": pd.array(["a", None, "Bärenstein €", "", "a", np.nan], dtype="str"),
        "o": ["x", 1, None, 2.5, "x", 7], "b": [True, False] * 3, "c": pd.Categorical(list("abcabc")),
        "f32": np.float32([1, 2, -0.0, np.nan, 0, 3]), "n": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
        "p": pd.array(["a", None, "b", "c", "d", "e"], dtype=pd.StringDtype("python")),
    }, index=[5, 3, 1, 0, 2, 4])
    frames = [kreise, kreise.iloc[:0], kreise.iloc[[7]], gemeinde_inputs(["07132001", "01059188", "11000000"]),
              engine.prepare(["07132001"], "S0", 0).kreise, odd, odd.iloc[:, [0, 2, 2, 0]],
              pd.DataFrame(index=range(3)), pd.DataFrame({"s": pd.array([None, None], dtype="str")})]
    for frame in frames:
        assert engine.data_hash(frame) == _pandas_data_hash(frame)
    assert engine.data_hash(kreise) != engine.data_hash(kreise.assign(lat=kreise["lat"] + 1e-9))
