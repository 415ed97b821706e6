"""Digital divide model: calibration to D21, hand-computed steps, clamps and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.errors import DataError, WorkbookError
from workbook.models import demography as demo
from workbook.models import divide
from workbook.models.base import ModelContext
from workbook.params import load_parameters, parse_parameter_file
from workbook.paths import PARAMETERS_DIR

DEFAULTS = load_parameters().defaults()
NATIONAL_POP = 83_166_711.0


def make_ctx(kreise: pd.DataFrame, years=range(2021, 2031), n: int = 1, **overrides) -> ModelContext:
    values = dict(DEFAULTS)
    values.update({k.replace("__", "."): v for k, v in overrides.items()})
    p = {k: np.broadcast_to(np.asarray(v, dtype=float).reshape(-1, 1, 1), (n, 1, 1)).copy()
         for k, v in values.items()}
    return ModelContext(kreise.reset_index(drop=True), np.array(list(years)), p)


def national(**overrides) -> ModelContext:
    """Germany as one 'Kreis' with the national age structure and no Kreis adjustment."""
    return make_ctx(pd.DataFrame({"ags": ["00000"], "population_2019": [NATIONAL_POP]}), **overrides)


def test_parameter_file_loads_with_the_strict_loader():
    records = parse_parameter_file(PARAMETERS_DIR / "divide.yml")
    keys = {r.key for r in records}
    assert set(divide.OFFLINE_KEYS) <= keys
    assert all(r.key.startswith("divide.") for r in records)
    assert all(r.unit and r.reference.title for r in records)


def test_calibration_d21_2020_21_base_year():
    """Base year 2020 = D21 2020/21: 88 % online (14+), 70+ 52 %, within 2 points."""
    ctx = national()
    o0 = divide.initial_offline(ctx)[0]                     # groups 14-19 .. 80+
    s = demo.national_shares()[demo.FIRST_14PLUS:]
    online_14 = 1 - (s * o0).sum() / s.sum()
    online_70 = 1 - (s[-2:] * o0[-2:]).sum() / s[-2:].sum()
    assert online_14 == pytest.approx(0.88, abs=0.02)
    assert online_70 == pytest.approx(0.52, abs=0.02)


def test_calibration_d21_2021_22_first_model_year():
    """One step later = D21 2021/22: 91 % online, 70+ 64 %, within 2 points (no programme)."""
    ctx = national(**{"divide.training.participants": 0.0})
    out = divide.run(ctx)
    assert out["divide.online_share"][0, 0, 0] == pytest.approx(0.91, abs=0.02)
    path = divide.national_path(ctx)[0, 0]
    s = demo.national_shares()[demo.FIRST_14PLUS:]
    online_70 = 1 - (s[-2:] * path[-2:]).sum() / s[-2:].sum()
    assert online_70 == pytest.approx(0.64, abs=0.02)
    # 9 % offline in 2021/22 are about 6.3 million people (D21); the model is within 10 %
    assert out["divide.offliners"][0, 0, 0] == pytest.approx(6.3e6, rel=0.10)


def test_age_step_hand_computed():
    # groups 14-19 (width 6), 20-29, 30-39, 40-49, 50-59 (10), 60-64, 65-69 (5), 70-79 (10), 80+
    o = np.array([[0.0, 0.1, 0.0, 0.0, 0.0, 0.0, 0.5, 0.0, 1.0]])
    out = divide.age_step(o, entry=np.array([0.06]), turnover_80=np.array([0.25]))[0]
    expected = [
        (1 - 1 / 6) * 0.0 + 1 / 6 * 0.06,     # 14-19 gets new 14-year-olds
        0.9 * 0.1 + 0.1 * 0.0,                 # 20-29
        0.9 * 0.0 + 0.1 * 0.1,                 # 30-39
        0.0, 0.0, 0.0,
        0.8 * 0.5 + 0.2 * 0.0,                 # 65-69 (5-year group)
        0.9 * 0.0 + 0.1 * 0.5,                 # 70-79
        0.75 * 1.0 + 0.25 * 0.0,               # 80+ renewed at 25 %
    ]
    np.testing.assert_allclose(out, expected)


def test_training_first_year_hand_computed():
    """2021: participants = 20 per 10,000 aged 65+, far below the motivated pool."""
    ctx = national()
    out = divide.run(ctx)
    share65 = demo.national_share_65plus()
    rw = 0.5                                     # no settlement type: middle rural weight
    broadband = 0.96 * (1 - rw) + 0.66 * rw
    access = broadband + (1 - broadband) * 0.7
    e_eff = 0.5 * (1 - 0.3 * (1 - 0.5)) * access
    participants = 20 * share65 * NATIONAL_POP / 10_000
    assert out["divide.new_onliners_training"][0, 0, 0] == pytest.approx(participants * e_eff, rel=1e-9)
    unit_cost = 40 + 0.5 * 0.3 * 400 / 4
    assert out["divide.training_cost_eur"][0, 0, 0] == pytest.approx(participants * unit_cost, rel=1e-9)
    assert out["divide.cost_per_new_onliner_eur"][0, 0, 0] == pytest.approx(unit_cost / e_eff, rel=1e-9)


def test_training_more_than_motivated_offliners_is_clamped():
    small = national(**{"divide.training.participants": 2000.0})
    huge = national(**{"divide.training.participants": 100000.0})
    a, b = divide.run(small), divide.run(huge)
    # both far above the pool: the same people are reached, never more than the motivated 23 %
    np.testing.assert_allclose(a["divide.new_onliners_training"], b["divide.new_onliners_training"])
    cf = divide.run(national(**{"divide.training.participants": 0.0}))
    first_year_pool = 0.23 * cf["divide.offliners_65plus"][0, 0, 0]
    assert b["divide.new_onliners_training"][0, 0, 0] <= first_year_pool + 1e-6
    assert np.all(b["divide.offliners_65plus"] >= 0)
    assert np.all(np.isfinite(b["divide.cost_per_new_onliner_eur"]))


def test_no_programme_costs_nothing_and_gives_no_nan():
    out = divide.run(national(**{"divide.training.participants": 0.0}))
    assert np.all(out["divide.training_cost_eur"] == 0)
    assert np.all(out["divide.new_onliners_training"] == 0)
    # cost per new onliner falls back to the marginal cost of one participant / conversion
    assert np.all(np.isfinite(out["divide.cost_per_new_onliner_eur"]))


def test_pupil_devices_hand_computed():
    out = divide.run(national())
    assert out["divide.pupil_devices_needed"][0, 0, 0] == pytest.approx(NATIONAL_POP * 0.10 * (0.03 + 0.16))
    assert out["divide.pupil_devices_cost_eur"][0, 0, 5] == pytest.approx(NATIONAL_POP * 0.10 * 0.19 * 400)


KREISE = pd.DataFrame({
    "ags": ["01001", "02000", "03001"],
    "population_2019": [90_000.0, 1_800_000.0, 60_000.0],
    "share_65plus": [0.15, 0.20, 0.30],
    "settlement_type": ["kreisfreie_grossstadt", "staedtischer_kreis", "duenn_besiedelt"],
})


def test_older_kreis_has_lower_online_share_and_shares_stay_in_unit_interval():
    out = divide.run(make_ctx(KREISE, n=3, **{"divide.uptake_60plus": [0.02, 0.05, 0.12]}))
    online = out["divide.online_share"]
    assert online.shape == (3, 3, 10)
    assert np.all(online[:, 0] > online[:, 2])
    for name in ("divide.online_share", "divide.online_share_65plus"):
        assert np.all((out[name] >= 0) & (out[name] <= 1))
    # more own uptake of the old never lowers the online share
    assert np.all(np.diff(online, axis=0) >= -1e-12)
    # offliners fall year by year
    assert np.all(np.diff(out["divide.offliners"], axis=2) <= 1e-6)


def test_kreis_offline_share_from_data_shifts_the_start():
    base = KREISE.assign(share_65plus=0.2175)
    w = demo.kreis_weights(base["share_65plus"].to_numpy())
    ctx = make_ctx(base)
    implied = (divide.initial_offline(ctx) @ w[:, 1:].T) / w[:, 1:].sum(axis=1)
    none = {"divide.training.participants": 0.0}
    a = divide.run(make_ctx(base, **none))
    b = divide.run(make_ctx(base.assign(offline_share=1.4 * implied[0]), **none))
    c = divide.run(make_ctx(base.assign(offline_share=3.0 * implied[0]), **none))
    offline_a = 1 - a["divide.online_share"][0, :, 0]
    # factor 1.4 on every age group (below the clamp 1 / max share = 1 / 0.66)
    np.testing.assert_allclose(1 - b["divide.online_share"][0, :, 0], 1.4 * offline_a, rtol=1e-9)
    # factor 3 would put the 80+ above 100 % offline: clamped to 1 / 0.66
    np.testing.assert_allclose(1 - c["divide.online_share"][0, :, 0], offline_a / 0.66, rtol=1e-9)


def test_bad_offline_share_is_refused_with_column():
    with pytest.raises(DataError) as err:
        divide.run(make_ctx(KREISE.assign(offline_share=[0.1, 1.5, 0.1])))
    assert "offline_share" in str(err.value) and "row 1" in str(err.value)


def test_bad_share_65plus_is_refused_with_column():
    with pytest.raises(DataError) as err:
        divide.run(make_ctx(KREISE.assign(share_65plus=[0.2, 0.2, 1.2])))
    assert "share_65plus" in str(err.value) and "between 0 and 1" in str(err.value)


def test_missing_population_is_refused():
    with pytest.raises(WorkbookError) as err:
        divide.run(make_ctx(KREISE.drop(columns="population_2019")))
    assert "population_2019" in str(err.value)


def test_missing_parameter_is_named():
    ctx = national()
    del ctx.p["divide.training.conversion"]
    with pytest.raises(WorkbookError) as err:
        divide.run(ctx)
    assert "divide.training.conversion" in str(err.value)


def test_indicators_declared_and_returned():
    out = divide.run(national())
    assert set(out) == set(divide.INDICATORS)
    for name, ind in divide.INDICATORS.items():
        assert ind.name == name and ind.topic == "divide" and ind.label_de and ind.unit
        assert out[name].shape == (1, 1, 10)
        assert np.all(np.isfinite(out[name]))


def test_scenario_factor_on_participation_speeds_up_own_uptake():
    """S3 sets ddi.teilhabe.rate_factor = 1.3: own uptake x 1.3, so more people online."""
    none = {"divide.training.participants": 0.0}
    trend = divide.run(national(**none, **{"ddi.teilhabe.rate_factor": 1.0}))
    s3 = divide.run(national(**none, **{"ddi.teilhabe.rate_factor": 1.3}))
    assert np.all(s3["divide.online_share"] > trend["divide.online_share"])
    by_hand = national(**none, **{"ddi.teilhabe.rate_factor": 1.0, "divide.uptake_under60": 0.13,
                                  "divide.uptake_60plus": 0.065})
    np.testing.assert_allclose(s3["divide.online_share"], divide.run(by_hand)["divide.online_share"])


# --- real age groups (issue 13) ----------------------------------------------------------

def test_age_table_is_shared_out_to_the_model_groups_by_overlap():
    table = pd.DataFrame({"ags": ["X"] * 4, "age_from": [0, 10, 60, 75], "age_to": [10, 60, 75, None],
                          "population_2019": [100.0, 500.0, 150.0, 250.0]})
    w = demo.weights_from_age_table(table, ["X", "Y"])
    assert np.isnan(w[1]).all()
    counts = w[0] * 1000.0
    # 0-13: 100 + 4/50 * 500 = 140; 14-19: 6/50 * 500 = 60; 50-59: 100; 60-64: 5/15 * 150 = 50;
    # 65-69: 50; 70-79: 50 + 5/25 * 250 = 100; 80+: 20/25 * 250 = 200 (open group spread to 100)
    assert counts == pytest.approx([140, 60, 100, 100, 100, 100, 50, 50, 100, 200])


def test_real_age_groups_replace_the_rescaled_national_structure():
    young = pd.DataFrame({"ags": ["A"] * 3, "age_from": [0, 40, 70], "age_to": [40, 70, None],
                          "population_2019": [500.0, 400.0, 100.0]})
    old = young.assign(ags="B", population_2019=[300.0, 400.0, 300.0])
    frame = pd.DataFrame({"ags": ["A", "B"], "population_2019": [1000.0, 1000.0],
                          "share_65plus": [0.2, 0.2], "settlement_type": ["staedtischer_kreis"] * 2})
    ctx = make_ctx(frame)
    ctx.extra["kreise_age"] = pd.concat([young, old])
    out = divide.run(ctx)
    # same share_65plus, but B has three times as many people 70+: lower online share
    assert out["divide.online_share"][0, 0, 0] > out["divide.online_share"][0, 1, 0] + 0.05
    w = divide._weights(ctx)
    assert w[1, demo.GROUPS.index("80+")] == pytest.approx(0.3 * 20 / 30)


def test_training_success_uses_the_kreis_observed_100_mbit_share():
    frame = pd.DataFrame({"ags": ["A", "B"], "population_2019": [1e5, 1e5], "share_65plus": [0.25, 0.25],
                          "settlement_type": ["duenn_besiedelt"] * 2})
    history = pd.DataFrame({"ags": ["A", "A", "B"], "period": ["2019-12", "2020-12", "2020-12"],
                            "threshold_mbit": [100, 100, 1000], "share": [0.5, 0.9, 0.4]})
    ctx = make_ctx(frame, **{"divide.access.mobile_substitution": 0.7})
    ctx.extra["broadband_history"] = history
    a = divide.access_factor(ctx)
    # A: observed 90 % at the end of 2020 -> 0.9 + 0.1 * 0.7; B has no 100-Mbit row: rural default
    rural = DEFAULTS["divide.access.broadband_rural"]
    assert a[0] == pytest.approx([0.97, rural + (1 - rural) * 0.7])
