"""Crisis resilience: lockdown and cyber stress tests, hand-computed and as properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.errors import WorkbookError
from workbook.models import divide
from workbook.models import resilience as res
from workbook.models.base import ModelContext
from workbook.params import load_parameters, parse_parameter_file
from workbook.paths import PARAMETERS_DIR

DEFAULTS = load_parameters().defaults()
KREISE = pd.DataFrame({"ags": ["01001", "03001"], "population_2019": [52_000.0, 104_000.0],
                       "share_65plus": [0.2, 0.3]})


def make_ctx(kreise=KREISE, years=range(2021, 2031), n: int = 1, **overrides) -> ModelContext:
    values = dict(DEFAULTS)
    values.update(overrides)
    p = {k: np.broadcast_to(np.asarray(v, dtype=float).reshape(-1, 1, 1), (n, 1, 1)).copy()
         for k, v in values.items()}
    return ModelContext(kreise.reset_index(drop=True), np.array(list(years)), p)


def test_parameter_file_loads_with_the_strict_loader():
    keys = {r.key for r in parse_parameter_file(PARAMETERS_DIR / "resilience.yml")}
    assert {"resilience.cyber.outage_days", "resilience.remote_productivity"} <= keys


def test_lockdown_hand_computed():
    # o = 0.5 online services, u = 0.8 citizens online: f = 0.4 + 0.6 * 0.4 = 0.64
    # w = 0.6 remote staff at pi 0.9: b = 0.54 + 0.4 * 0.5 = 0.74; C = min = 0.64
    assert res.lockdown(0.5, 0.8, 0.6, 0.4, 0.5, 0.9) == pytest.approx(0.64)
    # back office binding: w = 0.1 -> b = 0.09 + 0.45 = 0.54
    assert res.lockdown(0.5, 0.8, 0.1, 0.4, 0.5, 0.9) == pytest.approx(0.54)


def test_cyber_hand_computed():
    # o = 0.5, paper 0.4, bcm 0.2: phi = 0.4 * (0.5 + 0.1) = 0.24
    # lost = (14 + 90 / 2) * 0.76 = 44.84 days; continuity = 1 - 44.84 / 104
    lost, cont = res.cyber(0.5, 0.4, 0.2, 14.0, 90.0)
    assert lost == pytest.approx(44.84)
    assert cont == pytest.approx(1 - 44.84 / 104)


def test_run_uses_engine_outputs_when_present():
    ctx = make_ctx()
    shape = (1, 2, 10)
    ctx.outputs.update({"ddi.verw": np.full(shape, 0.5), "ddi.arbeit": np.full(shape, 0.6),
                        "divide.online_share": np.full(shape, 0.8)})
    out = res.run(ctx)
    np.testing.assert_allclose(out["resilience.lockdown_continuity"], 0.64)
    # 2 cases per inhabitant: 52,000 inhabitants -> 104,000 cases a year, 2,000 a week
    np.testing.assert_allclose(out["resilience.lockdown_backlog_weekly"][0, 0], 104_000 / 52 * 0.36)
    np.testing.assert_allclose(out["resilience.cyber_service_days_lost"], 44.84)
    np.testing.assert_allclose(out["resilience.cyber_cases_lost"][0, 1], 208_000 / 365 * 44.84)


def test_standalone_fallback_follows_ddi_logistic():
    ctx = make_ctx()
    verw = res.ddi_fallback(ctx, "verw")[0, 0]
    x0, r, k = DEFAULTS["ddi.verw.start"], DEFAULTS["ddi.verw.rate"], DEFAULTS["ddi.verw.ceiling"]
    assert verw[0] == pytest.approx(x0)
    assert verw[3] == pytest.approx(k / (1 + (k - x0) / x0 * np.exp(-r * 3)))
    out = res.run(ctx)                      # no outputs: divide runs inside, no error
    assert set(out) == set(res.INDICATORS)
    for name, arr in out.items():
        assert arr.shape == (1, 2, 10) and np.all(np.isfinite(arr)), name


def test_properties_shares_in_unit_interval_and_more_digital_is_more_exposed():
    n = 40
    rng = np.random.default_rng(7)
    ctx = make_ctx(n=n, **{"resilience.remote_productivity": rng.uniform(0.7, 1.0, n),
                           "resilience.fallback_in_person": rng.uniform(0.2, 0.6, n),
                           "resilience.cyber.outage_days": rng.uniform(7, 60, n)})
    out = res.run(ctx)
    for name in ("resilience.lockdown_continuity", "resilience.cyber_continuity"):
        assert np.all((out[name] >= 0) & (out[name] <= 1)), name
    # ddi.verw grows over time: lockdown continuity rises, cyber service-days lost rise (bcm < 1)
    assert np.all(np.diff(out["resilience.lockdown_continuity"], axis=2) >= -1e-12)
    assert np.all(np.diff(out["resilience.cyber_service_days_lost"], axis=2) >= -1e-12)
    # with every digital service backed by a tested emergency procedure, digitalisation costs nothing
    full = res.run(make_ctx(**{"resilience.cyber.bcm_share": 1.0}))
    np.testing.assert_allclose(np.diff(full["resilience.cyber_service_days_lost"], axis=2), 0, atol=1e-9)


def test_missing_ddi_parameter_named_in_standalone_mode():
    ctx = make_ctx()
    del ctx.p["ddi.arbeit.start"]
    with pytest.raises(WorkbookError) as err:
        res.run(ctx)
    assert "ddi.arbeit.start" in str(err.value)


def test_all_four_topic_models_at_the_corners_of_every_range():
    """Every topic parameter at its minimum, then at its maximum, then random in range:
    all outputs finite, shares within [0, 1], counts and costs >= 0 (except savings)."""
    from workbook.models import cooperation as coop
    from workbook.models import telemedicine as tele

    params = load_parameters()
    mine = [r for r in params.values() if r.topic in ("divide", "tele", "resilience", "coop", "ddi")]
    rng = np.random.default_rng(5)
    n = 3
    values = {k: np.full(n, v) for k, v in DEFAULTS.items()}
    for r in mine:
        values[r.key] = np.array([r.min, r.max, rng.uniform(r.min, r.max)])
    kreise = KREISE.assign(gp_per_10k=[5.0, 7.0], settlement_type=["duenn_besiedelt", "kreisfreie_grossstadt"],
                           land_ags=["01", "01"], offline_share=[0.15, 0.10])
    p = {k: np.asarray(v, dtype=float).reshape(n, 1, 1) for k, v in values.items()}
    ctx = ModelContext(kreise, np.arange(2021, 2031), p)
    plan = coop.prepare(kreise, pd.DataFrame({"ags_a": ["01001"], "ags_b": ["03001"]}), DEFAULTS)
    ctx.extra["cooperation"] = plan
    for module in (divide, tele, res, coop):
        ctx.outputs.update(module.run(ctx))
    for name, arr in ctx.outputs.items():
        assert arr.shape == (n, 2, 10), name
        assert np.all(np.isfinite(arr)), name
        if name.endswith(("share", "share_65plus", "continuity", "share_effective")) and name != "coop.saving_share":
            assert np.all((arr >= 0) & (arr <= 1)), name
        elif not name.startswith("coop.saving"):
            assert np.all(arr >= 0), name
