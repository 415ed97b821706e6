"""The digitalisation-degree index on small inline frames with hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbook.models import digitalisation as D
from workbook.models.base import ModelContext
from workbook.params import load_parameters, load_scenarios

YEARS = np.arange(2021, 2031)


@pytest.fixture(scope="module")
def params():
    return load_parameters()


def kreise():
    return pd.DataFrame({
        "ags": ["05315", "16077"],
        "settlement_type": ["kreisfreie_grossstadt", "duenn_besiedelt"],   # rural weight 0 and 1
        "gigabit_share": [0.80, 0.20],
        "offline_share": [0.08, 0.14],
    })


def ctx_for(params, values=None, overrides=None, frame=None, outputs=None, extra=None):
    values = dict(values or params.defaults())
    values.update(overrides or {})
    p = {k: np.array([[[v]]]) for k, v in values.items()}
    return ModelContext(kreise=frame if frame is not None else kreise(), years=YEARS, p=p,
                        outputs=outputs or {}, extra=extra or {})


def test_start_values_come_from_data_and_parameters(params):
    out = D.run(ctx_for(params))
    assert out["ddi.infra"][0, :, 0] == pytest.approx([0.80, 0.20])
    assert out["ddi.teilhabe"][0, :, 0] == pytest.approx([0.92, 0.86])
    # 0.30 * (1 + 0.2 * (0.5 - w)): city 0.33, dünn besiedelt 0.27
    assert out["ddi.strat"][0, :, 0] == pytest.approx([0.33, 0.27])
    assert out["ddi.verw"][0, :, 0] == pytest.approx([0.055, 0.045])
    assert out["ddi.gesund"][0, :, 0] == pytest.approx([0.12, 0.12])
    idx = np.mean([out[f"ddi.{j}"][0, :, 0] for j in D.SUBINDICES], axis=0)
    assert out["ddi.index"][0, :, 0] == pytest.approx(idx)


def test_strategy_follows_its_own_logistic_curve(params):
    out = D.run(ctx_for(params))
    # K = 0.9, r = 0.15, x0 = 0.33: x(2030) = 0.9 / (1 + (0.57 / 0.33) e^-1.35)
    expected = 0.9 / (1 + (0.57 / 0.33) * math.exp(-1.35))
    assert out["ddi.strat"][0, 0, -1] == pytest.approx(expected)


def test_without_acceleration_gigabit_is_the_plain_logistic(params):
    out = D.run(ctx_for(params, overrides={"ddi.alpha": 0.0}))
    # INFRA: x0 = 0.2, K = 1, r = 0.25, t = 9
    assert out["ddi.infra"][0, 1, -1] == pytest.approx(1 / (1 + 4 * math.exp(-2.25)))


def test_acceleration_raises_every_other_subindex(params):
    slow = D.run(ctx_for(params, overrides={"ddi.alpha": 0.0}))
    fast = D.run(ctx_for(params, overrides={"ddi.alpha": 1.0}))
    for j in ("verw", "arbeit", "infra", "lokal", "gesund", "teilhabe"):
        assert np.all(fast[f"ddi.{j}"][..., 1:] > slow[f"ddi.{j}"][..., 1:]), j
    assert fast["ddi.strat"] == pytest.approx(slow["ddi.strat"])


def test_all_shares_stay_in_unit_interval_and_geometric_below_arithmetic(params):
    rng = np.random.default_rng(1)
    recs = [params[k] for k in params]
    n = 200
    p = {r.key: rng.uniform(r.min, r.max, n).reshape(-1, 1, 1) for r in recs}
    ctx = ModelContext(kreise(), YEARS, p, {}, {})
    out = D.run(ctx)
    for name in D.INDICATORS:
        assert out[name].shape == (n, 2, 10)
        assert np.all((out[name] >= 0) & (out[name] <= 1)), name
    assert np.all(out["ddi.index_geo"] <= out["ddi.index"] + 1e-12)


def test_divide_output_replaces_teilhabe(params):
    online = np.linspace(0.9, 0.95, 10).reshape(1, 1, 10) * np.ones((1, 2, 1))
    out = D.run(ctx_for(params, outputs={"divide.online_share": online}))
    assert out["ddi.teilhabe"] == pytest.approx(online)


def test_cooperation_cluster_size_speeds_up_online_services(params):
    plan = pd.DataFrame({"ags": ["05315", "16077"], "cluster_size": [1, 8]})
    base = D.run(ctx_for(params, overrides={"ddi.verw.coop_kappa": 0.2}))
    coop = D.run(ctx_for(params, overrides={"ddi.verw.coop_kappa": 0.2}, extra={"cooperation": plan}))
    # Kreis alone (N = 1): ln 1 = 0, slower than the fallback N = 3; N = 8 faster than N = 3
    assert coop["ddi.verw"][0, 0, -1] < base["ddi.verw"][0, 0, -1]
    assert coop["ddi.verw"][0, 1, -1] > base["ddi.verw"][0, 1, -1]
    alone = D.run(ctx_for(params))
    assert coop["ddi.verw"][0, 0] == pytest.approx(alone["ddi.verw"][0, 0])


def test_federal_delay_slows_online_services_until_the_solution_arrives(params):
    base = D.run(ctx_for(params))["ddi.verw"][0, 0]
    late = D.run(ctx_for(params, overrides={"ddi.verw.delay_factor": 0.4, "ddi.verw.federal_year": 2026}))["ddi.verw"][0, 0]
    assert np.all(late[1:] < base[1:])
    growth_late = np.diff(late)
    assert growth_late[5:].mean() > growth_late[:4].mean()   # faster after 2026


def test_crisis_shock_jumps_and_a_share_stays(params):
    base = D.run(ctx_for(params))["ddi.arbeit"][0, 0]
    shocked = D.run(ctx_for(params, overrides={"ddi.shock.jump_arbeit": 0.2, "ddi.shock.year": 2024,
                                                "ddi.shock.persist_arbeit": 0.46}))["ddi.arbeit"][0, 0]
    diff = shocked - base
    assert diff[:3] == pytest.approx([0, 0, 0])
    assert diff[3] == pytest.approx(min(0.2, 1 - base[3]))
    assert diff[4:] == pytest.approx(np.minimum(0.092, 1 - base[4:]))


def test_network_effect_lifts_local_platforms(params):
    base = D.run(ctx_for(params))["ddi.lokal"][0, 0]
    net = D.run(ctx_for(params, overrides={"ddi.lokal.network_q": 0.2}))["ddi.lokal"][0, 0]
    assert net[0] == pytest.approx(base[0]) and np.all(net[1:] > base[1:])


def test_missing_data_columns_fall_back_to_the_national_parameters(params):
    frame = pd.DataFrame({"ags": ["01001"]})
    out = D.run(ctx_for(params, frame=frame))
    assert out["ddi.infra"][0, 0, 0] == pytest.approx(params["ddi.infra.start"].default)
    assert out["ddi.teilhabe"][0, 0, 0] == pytest.approx(params["ddi.teilhabe.start"].default)
    assert out["ddi.strat"][0, 0, 0] == pytest.approx(0.30)   # rural weight 0.5 when unknown


def test_scenarios_order_the_2030_index_as_their_narratives_say(params):
    scen = load_scenarios(parameters=params)
    idx = {sid: D.run(ctx_for(params, values=params.resolve(sc)))["ddi.index"][0, :, -1].mean()
           for sid, sc in scen.items()}
    assert idx["S5"] < idx["S0"]
    for sid in ("S1", "S2", "S3", "S4"):
        assert idx[sid] > idx["S0"], sid


# --- real local inputs (issue 13) --------------------------------------------------------

def test_gigabit_grows_at_the_rate_fitted_to_the_kreis_series_times_the_pace(params):
    # observed gigabit shares of Kreis 05315 along a logistic curve with r = 0.5 (end 2018..mid 2021)
    times = ["2018-12", "2019-06", "2019-12", "2020-06", "2020-12", "2021-06"]
    t = np.array([2019.0, 2019.5, 2020.0, 2020.5, 2021.0, 2021.5])
    z = np.log(0.4 / 0.6) + 0.5 * (t - 2019.0)
    history = pd.DataFrame({"ags": "05315", "period": times, "threshold_mbit": 1000,
                            "share": 1 / (1 + np.exp(-z))})
    history = pd.concat([history, history.assign(threshold_mbit=100, share=0.99)])
    out = D.run(ctx_for(params, overrides={"ddi.alpha": 0.0, "ddi.infra.pace_factor": 0.6},
                        extra={"broadband_history": history}))
    # 05315: x0 = 0.80 (end 2020), r = 0.5 * 0.6 = 0.3; 16077 has no series: the parameter rate 0.25
    assert out["ddi.infra"][0, 0, -1] == pytest.approx(1 / (1 + 0.25 * math.exp(-0.3 * 9)), rel=1e-5)
    assert out["ddi.infra"][0, 1, -1] == pytest.approx(1 / (1 + 4 * math.exp(-2.25)), rel=1e-5)


def test_digital_work_follows_the_local_labour_market(params):
    frame = kreise().assign(wfh_precovid=[0.30, 0.15], wfh_feas=[0.64, 0.48],
                            commuters_50km_share=[0.10, 0.30], academic_share=[0.30, 0.10])
    values = dict(params.defaults())
    values.update({"ddi.alpha": 0.0, "ddi.arbeit.wfh_precovid_national": 0.20,
                   "ddi.arbeit.wfh_feas_national": 0.56, "ddi.arbeit.commuters_national": 0.20,
                   "ddi.arbeit.academic_national": 0.20, "ddi.arbeit.commute_effect": 0.3,
                   "ddi.arbeit.academic_effect": 0.3, "ddi.arbeit.start": 0.5,
                   "ddi.arbeit.ceiling": 0.75, "ddi.arbeit.rate": 0.3})
    out = D.run(ctx_for(params, values=values, frame=frame))
    # start 0.5 * 0.30/0.20 = 0.75 and 0.5 * 0.15/0.20 = 0.375 (no rural gap any more)
    assert out["ddi.arbeit"][0, :, 0] == pytest.approx([0.75, 0.375])
    # city: K = 0.75 * 0.64/0.56 = 0.857; r = 0.3 * (1 + 0.3 (0.5 - 1)) * (1 + 0.3 (1.5 - 1)) = 0.29325
    k0, r0 = 0.75 * 0.64 / 0.56, 0.3 * 0.85 * 1.15
    assert out["ddi.arbeit"][0, 0, -1] == pytest.approx(k0 / (1 + (k0 - 0.75) / 0.75 * math.exp(-r0 * 9)), rel=1e-5)
    # rural: K = 0.75 * 0.48/0.56 = 0.643; r = 0.3 * (1 + 0.3 * 0.5) * (1 + 0.3 * (0.5 - 1)) = 0.29325
    k1, r1 = 0.75 * 0.48 / 0.56, 0.3 * 1.15 * 0.85
    assert out["ddi.arbeit"][0, 1, -1] == pytest.approx(k1 / (1 + (k1 - 0.375) / 0.375 * math.exp(-r1 * 9)), rel=1e-5)


def test_national_references_of_digital_work_are_the_population_weighted_data_means(params):
    """The ddi.arbeit.*_national records (status derived) restate the data: re-derive them when
    the Kreis table changes."""
    from workbook.data import load_kreise
    k = load_kreise(local=False)
    pytest.importorskip("numpy")
    pairs = {"wfh_precovid": "ddi.arbeit.wfh_precovid_national", "wfh_feas": "ddi.arbeit.wfh_feas_national",
             "commuters_50km_share": "ddi.arbeit.commuters_national",
             "academic_share": "ddi.arbeit.academic_national"}
    missing = [c for c in pairs if c not in k.columns]
    assert not missing, f"Kreis table lacks {missing}"
    for column, key in pairs.items():
        mean = np.average(k[column].astype(float), weights=k["population_2019"].astype(float))
        assert params[key].default == pytest.approx(mean, abs=0.001), key
