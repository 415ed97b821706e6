"""Hardening (issue 8): values that reach formulas are checked in Python.

NaN, infinities, text, huge and out-of-range numbers in parameter overrides, in
the Kreis table handed to the engine, in the topic models' helper functions and
in notebook parameters are refused with a WorkbookError naming the key, or
replaced by a documented fallback; the result table never holds a silent NaN.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook import data as datasets
from workbook import engine, nbparams, params
from workbook.errors import DataError, ParameterError, SelectionError, WorkbookError
from workbook.models import cooperation, demography, telemedicine

RATE = "ddi.verw.rate"          # [0.15, 0.6] 1/Jahr


@pytest.fixture(scope="module")
def P():
    return params.load_parameters()


# ---------------------------------------------------------------------------
# Parameter overrides: ParameterSet.resolve and engine.project
# ---------------------------------------------------------------------------

HOSTILE_OVERRIDES = [
    (float("nan"), "expected a finite number in [0.15, 0.6] 1/Jahr, found nan"),
    (float("inf"), "expected a finite number in [0.15, 0.6] 1/Jahr, found inf"),
    (-float("inf"), "expected a finite number in [0.15, 0.6] 1/Jahr, found -inf"),
    (np.float32("nan"), "expected a finite number"),
    ("nan", "expected a finite number"),
    ("abc", "expected a number in [0.15, 0.6] 1/Jahr, found 'abc'"),
    ("0,3", "expected a number in [0.15, 0.6] 1/Jahr, found '0,3'"),
    (1e308, "value 1e+308 is outside the range [0.15, 0.6] 1/Jahr"),
    (-1e308, "value -1e+308 is outside the range"),
    (10**300, "is outside the range"),
    (None, "expected a number in [0.15, 0.6] 1/Jahr, found None"),
    ([0.3], "found [0.3]"),
    ({"a": 1}, "found {'a': 1}"),
    (complex(0.3, 0), "found (0.3+0j)"),
    (b"0.3", "found b'0.3'"),
    (True, "found True"),
    (np.bool_(True), "expected a number"),
]


@pytest.mark.parametrize("value, message", HOSTILE_OVERRIDES, ids=[repr(v)[:20] for v, _ in HOSTILE_OVERRIDES])
def test_resolve_refuses_hostile_override_naming_the_key(P, value, message):
    with pytest.raises(ParameterError) as err:
        P.resolve(None, {RATE: value})
    assert err.value.key == RATE and message in str(err.value)
    assert P.resolve() == P.defaults()                       # nothing remembered from the refused call


@settings(max_examples=200, deadline=None, derandomize=True)
@given(value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**300, 10**300)))
def test_resolve_accepts_exactly_the_range_and_never_clamps(value):
    P = params.load_parameters()
    rec = P[RATE]
    if (isinstance(value, float) and not math.isfinite(value)) or not rec.min <= value <= rec.max:
        with pytest.raises(ParameterError, match=RATE):
            P.resolve(None, {RATE: value})
    else:
        assert P.resolve(None, {RATE: value})[RATE] == float(value)


@pytest.mark.parametrize("value, message", [
    (float("nan"), "finite"), (float("inf"), "finite"), (-float("inf"), "finite"), ("schnell", "expected a number"),
    (1e308, "outside the range"), (None, "expected a number"),
])
def test_project_refuses_hostile_overrides(value, message):
    with pytest.raises(ParameterError, match=f"{RATE}.*{message}"):
        engine.project(ags="05315", scenarios="S0", draws=0, overrides={RATE: value})


def test_a_refused_projection_leaves_no_trace():
    first = engine.project(ags="05315", scenarios="S0,S4", draws=5)
    for bad in ({RATE: float("nan")}, {"coop.max_cluster_size": -1}, {"ddi.verw.rtae": 0.3}):
        with pytest.raises(ParameterError):
            engine.project(ags="05315", scenarios="S0,S4", draws=5, overrides=bad)
    again = engine.project(ags="05315", scenarios="S0,S4", draws=5)
    pd.testing.assert_frame_equal(first, again)
    assert first.attrs == again.attrs


def test_project_refuses_unknown_and_non_text_override_keys():
    for key in ("ddi.verw.rtae", 1, None, "../x"):
        with pytest.raises(ParameterError, match="override of an unknown parameter"):
            engine.project(ags="05315", scenarios="S0", draws=0, overrides={key: 0.3})


def test_resolve_refuses_an_integer_beyond_the_float_range(P):
    with pytest.raises(ParameterError, match=RATE):
        P.resolve(None, {RATE: 10**400})


def test_project_refuses_overrides_that_are_not_a_mapping():
    with pytest.raises(ParameterError, match="overrides"):
        engine.project(ags="05315", scenarios="S0", draws=0, overrides="abc")


# ---------------------------------------------------------------------------
# The Kreis table reaching the models: NaN, infinities, negative values
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kreise():
    return datasets.load_kreise(local=False)


NUMERIC = ["area_km2", "population_2018", "population_male_2018", "population_female_2018", "population_2019",
           "density_per_km2", "lon", "lat", "share_65plus", "offline_share", "gigabit_share", "gp_per_10k"]
@pytest.mark.parametrize("column", NUMERIC)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -1.0], ids=["nan", "inf", "negative"])
def test_bad_kreis_values_are_refused_before_any_formula(kreise, column, bad):
    """The engine checks a caller's Kreis table against the schema (D11, fixed): every NaN, infinite or
    out-of-range value is refused naming row, column and AGS, so none reaches a result."""
    df = kreise.copy()
    df[column] = df[column].astype(float)
    df.loc[df["ags"] == "05315", column] = bad
    with pytest.raises(WorkbookError) as err:
        engine.project(ags="05315", scenarios="S0", draws=0, kreise=df)
    assert err.value.column == column and err.value.key == "05315" and err.value.row is not None


@pytest.mark.parametrize("column, bad", [("share_65plus", np.nan), ("offline_share", 2.0), ("gp_per_10k", -1.0),
                                         ("population_2019", 0.0)])
def test_models_refuse_bad_kreis_values_themselves(kreise, column, bad):
    """Defence in depth: the topic models check the columns they read, also when called without the engine."""
    from workbook.models import divide, telemedicine
    from workbook.models.base import ModelContext

    df = kreise.loc[kreise["ags"].isin(["05315", "05314"])].reset_index(drop=True)
    df[column] = df[column].astype(float)
    df.loc[0, column] = bad
    P = params.load_parameters()
    p = {k: np.full((1, 1, 1), v) for k, v in P.defaults().items()}
    ctx = ModelContext(df, np.arange(2021, 2031), p, {}, {})
    with pytest.raises(WorkbookError) as err:
        outputs = divide.run(ctx)
        telemedicine.run(ModelContext(df, np.arange(2021, 2031), p, dict(outputs), {}))
    assert err.value.column == column


def test_out_of_range_kreis_value_is_refused_not_silently_used(kreise):
    df = kreise.copy()
    df.loc[df["ags"] == "05315", "gigabit_share"] = -1.0
    with pytest.raises(WorkbookError, match="gigabit_share"):
        engine.project(ags="05315", scenarios="S0", draws=0, kreise=df)


def test_overlay_with_nan_or_infinite_values_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_LOCAL_DIR", str(tmp_path))
    try:
        for text in ("nan", "NaN", "inf", "-inf", "1e400"):
            (tmp_path / "overlay.csv").write_text("ags,column,value,source_file,source_column,imported_at\n"
                                                  f"05315,share_65plus,{text},x.csv,x,2021\n", encoding="utf-8")
            datasets.clear_cache()
            with pytest.raises(DataError) as err:
                datasets.load_kreise()
            assert "expected a finite number" in str(err.value) and err.value.row == 2
            assert err.value.column == "share_65plus"
    finally:
        datasets.clear_cache()


# ---------------------------------------------------------------------------
# Topic model helpers called by the apps with user values
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("key", list(cooperation.COST_KEYS))
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "viel"], ids=["nan", "inf", "text"])
def test_cooperation_helpers_refuse_non_finite_cost_values(P, key, bad):
    values = {**P.defaults(), key: bad}
    for call in (lambda: cooperation.cost_curve(100_000.0, values),
                 lambda: cooperation.fair_split(["05315", "05316"], values=values),
                 lambda: cooperation.suggest_partners("05315", values=values)):
        with pytest.raises(ParameterError) as err:
            call()
        assert err.value.key == key


@pytest.mark.parametrize("kwargs, key", [
    ({"population": float("nan")}, "population"), ({"population": -5.0}, "population"),
    ({"population": "viele"}, "population"), ({"population": True}, "population"),
    ({"max_members": float("nan")}, "max_members"), ({"max_members": 0}, "max_members"),
    ({"max_members": 10**9}, "max_members"),          # would allocate gigabytes: refused instead
    ({"max_members": 2.5}, "max_members"),
])
def test_cost_curve_refuses_hostile_arguments(P, kwargs, key):
    args = {"population": 100_000.0, "max_members": 24, **kwargs}
    with pytest.raises(SelectionError) as err:
        cooperation.cost_curve(args["population"], P.defaults(), max_members=args["max_members"])
    assert err.value.key == key


def test_cost_curve_accepts_the_app_range(P):
    curve = cooperation.cost_curve(100_000.0, P.defaults(), max_members=cooperation.MAX_CURVE_MEMBERS)
    assert len(curve) == 401 and np.isfinite(curve.select_dtypes("number").to_numpy()).all()


@pytest.mark.parametrize("saving", [float("nan"), float("inf"), "1000", None])
def test_service_table_refuses_non_finite_saving(P, saving):
    with pytest.raises(SelectionError, match="cluster_saving_eur"):
        cooperation.service_table(saving, P.defaults())
    table = cooperation.service_table(1000.0, P.defaults())
    assert np.isfinite(table["expected_saving_eur"]).all()


def test_telemedicine_building_blocks_refuse_nan():
    years = np.arange(2021, 2031)
    with pytest.raises(DataError, match=re.escape("tele.video_share_2021")):
        telemedicine.video_share_path(float("nan"), 0.1, 0.3, years)
    with pytest.raises(DataError, match=re.escape("tele.distance_km")):
        telemedicine.travel_effects(100.0, 0.1, float("nan"), 1.2, 0.7, 0.2, 50.0, 20.0)
    with pytest.raises(DataError, match=re.escape("tele.speed_kmh")):
        telemedicine.travel_effects(100.0, 0.1, 10.0, 1.2, 0.7, 0.2, float("nan"), 20.0)
    path = telemedicine.video_share_path(0.02, 0.1, 0.3, years)
    assert np.isfinite(path).all() and path[0] == pytest.approx(0.02) and path[-1] == pytest.approx(0.1)


def test_demography_refuses_nan_share():
    with pytest.raises(DataError) as err:
        demography.kreis_weights(np.array([0.2, float("nan")]))
    assert err.value.row == 1 and err.value.column == "share_65plus"


# ---------------------------------------------------------------------------
# Notebook parameters (Papermill injects anything; Voila passes ?ags=)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, key", [
    ({"ags": "../../etc"}, "ags"), ({"ags": "05315\x00"}, "ags"), ({"ags": None}, "ags"), ({"ags": "x" * 10_000}, "ags"),
    ({"draws": float("nan")}, "draws"), ({"draws": 12.5}, "draws"), ({"draws": 10**12}, "draws"), ({"draws": True}, "draws"),
    ({"seed": -1}, "seed"), ({"seed": float("inf")}, "seed"),
    ({"scenario": "../../x.yml"}, "scenario"), ({"scenario": "=cmd"}, "scenario"), ({"interactive": "yes"}, "interactive"),
])
def test_notebook_parameters_refuse_hostile_values(kwargs, key):
    with pytest.raises(WorkbookError) as err:
        nbparams.validate_parameters(**kwargs, use_query=False)
    assert err.value.key == key
    assert "\x00" not in str(err.value)


@pytest.mark.parametrize("kwargs", [{"ags": 5315}, {"ags": 5315.0}, {"scenarios": 3}, {"topics": 5}],
                         ids=["ags-int", "ags-float", "scenarios-int", "topics-int"])
def test_project_selections_of_the_wrong_type_are_selection_errors(kwargs):
    args = {"ags": "05315", "scenarios": "S0", "draws": 0, "topics": "divide", **kwargs}
    # a single number is not a selection (text or a list of keys is): refused, naming the key
    with pytest.raises(SelectionError, match="expected text \\(comma-separated\\) or a list") as info:
        engine.project(**args)
    assert info.value.key == next(iter(kwargs))
    if kwargs == {"ags": 5315}:               # in a list, the number is the Kreis 05315
        assert set(engine.project(**{**args, "ags": [5315]})["ags"].astype(str)) == {"05315"}


@settings(max_examples=150, deadline=None, derandomize=True)
@given(ags=st.one_of(st.text(max_size=20), st.lists(st.text(max_size=8), max_size=3),
                     st.sampled_from(["all", "05315", "5315", "05315,05315", " ", ",", "05315;05314"])),
       scenarios=st.one_of(st.text(max_size=12), st.sampled_from(["all", "S0", "S0,,S1", "s1", "all,S0", "x.yml"])),
       topics=st.one_of(st.text(max_size=12), st.sampled_from(["all", "ddi", "divide,coop", "divide,,tele"])),
       seed=st.one_of(st.integers(-2**70, 2**70), st.floats(), st.text(max_size=4), st.none()),
       draws=st.one_of(st.integers(-5, 3), st.floats(), st.text(max_size=3), st.none()))
def test_project_selection_text_only_raises_workbook_errors(ags, scenarios, topics, seed, draws):
    """Whatever text a notebook or the CLI passes: a WorkbookError naming the key, or a valid plan."""
    try:
        plan = engine.prepare(ags, scenarios, draws, seed, topics, None)
    except WorkbookError as exc:
        assert exc.key or exc.file, str(exc)
        return
    assert len(plan.kreise) >= 1 and plan.draws in (0, 1, 2, 3)


@pytest.mark.parametrize("members, message", [
    (None, "expected a list of member AGS, found 'None'"), (5, "expected a list of member AGS"),
    ({"05315": 1}, "expected a list of member AGS"), (["05315"] * 100_000, "AGS 05315 named twice"),
    (["05315", "../x"], "unknown AGS ../x"), ([], "expected at least one member AGS"),
])
def test_fair_split_refuses_hostile_member_lists(members, message):
    with pytest.raises(SelectionError, match=re.escape(message)):
        cooperation.fair_split(members)


def test_fair_split_accepts_a_comma_separated_text():
    table = cooperation.fair_split("05315,05314")
    assert len(table) == 2 and np.isfinite(table.select_dtypes("number").to_numpy()).all()


def test_tornado_refuses_a_missing_indicator():
    with pytest.raises(SelectionError, match="indicator"):
        engine.tornado("05315", indicator=None)


@pytest.mark.parametrize("kwargs, message", [
    ({"year": float("nan")}, "key 'year'"), ({"keys": ["../x"]}, "unknown parameter"),
    ({"ags": ["05315", "05314"]}, "exactly one Kreis"), ({"scenario": "=cmd"}, "unknown scenario '=cmd'"),
])
def test_tornado_refuses_hostile_arguments(kwargs, message):
    args = {"ags": "05315", **kwargs}
    with pytest.raises(WorkbookError, match=re.escape(message)):
        engine.tornado(args.pop("ags"), **args)
