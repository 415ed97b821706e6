"""Telemedicine model: the MODELS.md sanity example, logistic path, caps and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.errors import DataError, WorkbookError
from workbook.models import demography as demo
from workbook.models import divide
from workbook.models import telemedicine as tele
from workbook.models.base import ModelContext
from workbook.params import load_parameters, parse_parameter_file
from workbook.paths import PARAMETERS_DIR

DEFAULTS = load_parameters().defaults()


def make_ctx(kreise: pd.DataFrame, years=range(2021, 2031), n: int = 1, **overrides) -> ModelContext:
    values = dict(DEFAULTS)
    values.update(overrides)
    p = {k: np.broadcast_to(np.asarray(v, dtype=float).reshape(-1, 1, 1), (n, 1, 1)).copy()
         for k, v in values.items()}
    return ModelContext(kreise.reset_index(drop=True), np.array(list(years)), p)


RURAL_15K = pd.DataFrame({"ags": ["09999"], "population_2019": [15_000.0],
                          "gp_per_10k": [6.3], "settlement_type": ["duenn_besiedelt"]})


def test_parameter_file_loads_with_the_strict_loader():
    records = parse_parameter_file(PARAMETERS_DIR / "tele.yml")
    assert {r.key for r in records} >= {"tele.video_cap", "tele.video_share_2030", "tele.distance_km_rural"}


def test_sanity_example_by_hand():
    """MODELS.md: 15,000 rural inhabitants at s = 10 % avoid about 7,200 visits, 73,000 car-km,
    15 t CO2 and 5,500 patient hours a year."""
    demand = 15_000 * 6                         # 90,000 contacts
    video = demand * 0.10                       # 9,000
    out = tele.travel_effects(video, followup=0.2, distance_km=4.0, detour=1.5, car_share=0.85,
                              co2_kg_per_km=0.20, speed_kmh=45.0, waiting_min=30.0)
    assert out["trips_avoided"] == pytest.approx(7_200)                    # 9,000 * 0.8
    assert out["car_km_avoided"] == pytest.approx(73_440)                  # 7,200 * 2 * 4 * 1.5 * 0.85
    assert out["co2_avoided_t"] == pytest.approx(14.688)                   # * 0.2 kg / 1000
    assert out["patient_hours_saved"] == pytest.approx(5_520)              # 7,200 * (12/45 + 0.5)


def test_sanity_example_through_run():
    """The same Kreis through run(): everybody online, flat contact profile, 2030 share 10 %."""
    zero = {key: 0.0 for key in divide.OFFLINE_KEYS}
    ctx = make_ctx(RURAL_15K, **zero, **{"divide.offline_entry": 0.0, "tele.contacts_age_gradient": 0.0,
                                         "divide.training.participants": 0.0})
    out = tele.run(ctx)
    last = {k: v[0, 0, -1] for k, v in out.items()}                       # 2030
    assert last["tele.gp_demand_contacts"] == pytest.approx(90_000)
    assert last["tele.video_share_effective"] == pytest.approx(0.10)
    assert last["tele.trips_avoided"] == pytest.approx(7_200)
    assert last["tele.car_km_avoided"] == pytest.approx(73_440)
    assert last["tele.co2_avoided_t"] == pytest.approx(14.688)
    assert last["tele.patient_hours_saved"] == pytest.approx(5_520)
    # GP capacity: 6.3 GPs per 10,000 = 9.45 GPs, 9,500 contacts each, minus 9.5 % * 9/14 by 2030;
    # video saves 20 % of 9,000 consultations
    gps = 9.45 * (1 - 0.095 * 9 / 14)
    gap = 1 - gps * 9_500 / (90_000 - 0.2 * 9_000)
    assert last["tele.gp_capacity_gap_share"] == pytest.approx(max(gap, 0.0))
    assert last["tele.gp_hours_freed"] == pytest.approx(9_000 * 0.2 * 7.6 / 60)


def test_video_share_path_is_logistic_through_both_anchors_and_capped():
    years = np.arange(2021, 2031)
    s = tele.video_share_path(0.006, 0.10, 0.30, years)
    assert s[0] == pytest.approx(0.006) and s[-1] == pytest.approx(0.10)
    assert np.all(np.diff(s) > 0)
    capped = tele.video_share_path(0.006, 0.50, 0.30, np.arange(2021, 2060))
    assert np.all(capped <= 0.30) and capped[2030 - 2021] == pytest.approx(0.2997)


def test_effective_share_limited_by_online_patients_and_cap():
    kreise = pd.DataFrame({"ags": ["1", "2"], "population_2019": [50_000.0, 50_000.0],
                           "share_65plus": [0.15, 0.35], "gp_per_10k": [6.0, 6.0],
                           "settlement_type": ["staedtischer_kreis", "duenn_besiedelt"]})
    out = tele.run(make_ctx(kreise, n=2, **{"tele.video_share_2030": [0.10, 0.20]}))
    s = out["tele.video_share_effective"]
    assert np.all(s <= 0.30)
    # the older Kreis has fewer online patients, so a lower effective share
    assert np.all(s[:, 1, :] < s[:, 0, :])
    # below the nominal s(t): the oldest patients are least online
    nominal = tele.video_share_path(0.006, np.array([[0.10], [0.20]]), 0.30, np.arange(2021, 2031))
    assert np.all(s[:, 0, :] < nominal)


def test_trips_avoided_never_exceed_trips_and_all_finite():
    kreise = pd.DataFrame({"ags": list("abc"), "population_2019": [1e4, 2e5, 3e6],
                           "share_65plus": [0.3, 0.2, 0.18], "gp_per_10k": [4.0, 6.3, 8.0],
                           "settlement_type": ["duenn_besiedelt", "laendlich_verdichtet", "kreisfreie_grossstadt"]})
    rng = np.random.default_rng(1)
    n = 50
    ctx = make_ctx(kreise, n=n, **{"tele.video_share_2030": rng.uniform(0.02, 0.2, n),
                                   "tele.followup_share": rng.uniform(0.1, 0.4, n),
                                   "tele.contacts_age_gradient": rng.uniform(0.1, 0.5, n)})
    out = tele.run(ctx)
    assert np.all(out["tele.trips_avoided"] <= out["tele.gp_demand_contacts"])
    assert np.all(out["tele.trips_avoided"] <= out["tele.video_consults"])
    gap = out["tele.gp_capacity_gap_share"]
    assert np.all((gap >= 0) & (gap <= 1))
    for name, arr in out.items():
        assert arr.shape == (n, 3, 10) and np.all(np.isfinite(arr)), name


def test_contact_profile_national_mean_equals_parameter():
    ctx = make_ctx(RURAL_15K, n=2, **{"tele.contacts_age_gradient": [0.1, 0.5]})
    k = tele.contact_profile(ctx)
    np.testing.assert_allclose(k @ demo.national_shares(), [6.0, 6.0])
    assert np.all(np.diff(k, axis=1) >= 0)       # rising with age


def test_uses_divide_outputs_when_present():
    kreise = RURAL_15K.assign(share_65plus=0.25)
    ctx = make_ctx(kreise, **{"divide.training.participants": 400.0})
    ctx.outputs.update(divide.run(ctx))
    with_training = tele.run(ctx)["tele.video_share_effective"]
    ctx0 = make_ctx(kreise, **{"divide.training.participants": 0.0})
    ctx0.outputs.update(divide.run(ctx0))
    without = tele.run(ctx0)["tele.video_share_effective"]
    assert np.all(with_training[..., 1:] > without[..., 1:])


def test_negative_distance_is_refused():
    with pytest.raises(DataError) as err:
        tele.travel_effects(100.0, 0.2, -1.0, 1.5, 0.85, 0.2, 45.0, 30.0)
    assert "distance" in str(err.value)


def test_missing_gp_density_is_refused_with_column():
    with pytest.raises(WorkbookError) as err:
        tele.run(make_ctx(RURAL_15K.drop(columns="gp_per_10k")))
    assert "gp_per_10k" in str(err.value)


def test_scenario_factor_on_telehealth_steepens_the_curve_below_the_cap():
    years = np.arange(2021, 2031)
    trend = tele.video_share_path(0.006, 0.10, 0.30, years)
    s4 = tele.video_share_path(0.006, 0.10, 0.30, years, rate_factor=1.3)
    assert s4[0] == pytest.approx(0.006) and np.all(s4[1:] > trend[1:]) and np.all(s4 < 0.30)
    # hand-computed: rate = ln((0.3/0.006 - 1) / (0.3/0.1 - 1)) / 9 = ln(24.5) / 9
    rate = np.log(24.5) / 9 * 1.3
    assert s4[-1] == pytest.approx(0.30 / (1 + 49 * np.exp(-rate * 9)))
    ctx = make_ctx(RURAL_15K, n=2, **{"ddi.gesund.rate_factor": [1.0, 1.3]})
    out = tele.run(ctx)["tele.video_share_effective"]
    assert np.all(out[1, :, 1:] > out[0, :, 1:])


# --- distance to the GP from the real GP density (issue 13) ------------------------------

def test_distance_to_the_gp_follows_gp_density_and_area():
    # 15,000 people, 6.3 GPs per 10,000 -> 9.45 GPs on 150 km2: lam = 0.063 per km2,
    # mean nearest distance 1 / (2 sqrt(0.063)) = 1.992 km, times the scale
    frame = RURAL_15K.assign(area_km2=[150.0])
    ctx = make_ctx(frame, **{"tele.distance_scale": 2.0})
    d, ok = tele.gp_distance_km(ctx, ctx.column("gp_per_10k"), ctx.column("population_2019"))
    assert bool(ok.all())
    assert float(d.reshape(-1)[0]) == pytest.approx(2.0 * 0.5 / np.sqrt(9.45 / 150.0), rel=1e-5)
    # the same Kreis on four times the area: twice the distance, twice the km and CO2 per trip
    near = tele.run(ctx)
    far = tele.run(make_ctx(RURAL_15K.assign(area_km2=[600.0]), **{"tele.distance_scale": 2.0}))
    assert far["tele.trips_avoided"] == pytest.approx(near["tele.trips_avoided"])
    assert far["tele.car_km_avoided"] == pytest.approx(2 * near["tele.car_km_avoided"], rel=1e-5)
    # without area_km2 the urban/rural blend holds (the sanity example, 4 km rural)
    assert tele.gp_distance_km(make_ctx(RURAL_15K), None, None) is None


def test_distance_scale_reproduces_the_mean_of_the_published_distances():
    """tele.distance_scale keeps the population-weighted mean distance of the urban 1.5 km / rural 4 km
    defaults over the 401 Kreise (docs/models.md, re-check when the data change)."""
    from workbook.data import load_kreise, rural_weight
    k = load_kreise(local=False)
    pop = k["population_2019"].to_numpy(float)
    rw = rural_weight(k)
    blend = DEFAULTS["tele.distance_km_urban"] * (1 - rw) + DEFAULTS["tele.distance_km_rural"] * rw
    ctx = make_ctx(k)
    d, ok = tele.gp_distance_km(ctx, ctx.column("gp_per_10k"), ctx.column("population_2019"))
    assert bool(ok.all())
    mean = np.average(d.reshape(-1), weights=pop)
    assert mean == pytest.approx(np.average(blend, weights=pop), rel=0.03)
