"""Logistic and Bass curves: hand-computed values and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook.models.diffusion import bass, bass_from, integrate_rate, logistic, logistic_from_growth

YEARS = np.arange(2021, 2031)


def test_logistic_hand_computed():
    # x0 = 0.05, K = 0.95, r = 0.35 (VERW defaults), one year later:
    # 0.95 / (1 + 18 * e^-0.35) = 0.95 / (1 + 18 * 0.7046881) = 0.95 / 13.684386 = 0.0694224
    x = logistic(0.05, 0.95, np.array([0.35]), YEARS)
    assert x[0] == pytest.approx(0.05)
    assert x[1] == pytest.approx(0.0694224, abs=1e-6)
    # ten years: 0.95 / (1 + 18 * e^-3.15) = 0.95 / (1 + 18 * 0.0428521) = 0.95 / 1.7713383 = 0.5363177
    assert logistic(0.05, 0.95, 0.35, [2030], t0=2021)[0] == pytest.approx(0.5363177, abs=1e-6)


def test_logistic_with_time_varying_rate_uses_its_integral():
    # rate 0.2, 0.2, 0.4 on 2021..2023 (trapezoid): R = 0, 0.2, 0.2 + (0.2 + 0.4) / 2 = 0.5
    rate = np.array([0.2, 0.2, 0.4])
    growth = integrate_rate(rate, [2021, 2022, 2023])
    assert growth.tolist() == pytest.approx([0.0, 0.2, 0.5])
    x = logistic(0.1, 1.0, rate, [2021, 2022, 2023])
    assert x[2] == pytest.approx(1.0 / (1.0 + 9.0 * math.exp(-0.5)))
    # a constant rate given per year equals the closed form
    const = logistic(0.1, 1.0, np.full(10, 0.3), YEARS)
    assert const == pytest.approx(logistic(0.1, 1.0, np.array([0.3]), YEARS))


def test_bass_hand_computed():
    # p = 0.01, q = 0.5, t = 1: (1 - e^-0.51) / (1 + 50 e^-0.51) = 0.3995037 / 31.0248162 = 0.0128769
    assert bass(0.01, 0.5, 1.0) == pytest.approx(0.0128769, abs=1e-6)
    assert bass(0.01, 0.5, 0.0) == 0.0
    assert bass(0.01, 0.5, 60.0) == pytest.approx(1.0)


def test_bass_from_zero_is_standard_bass_and_p0_is_logistic():
    t = np.linspace(0, 9, 10)
    assert bass_from(0.0, 1.0, 0.01, 0.5, t) == pytest.approx(bass(0.01, 0.5, t), abs=1e-7)
    assert bass_from(0.1, 0.6, 0.0, 0.2, t) == pytest.approx(logistic_from_growth(0.1, 0.6, 0.2 * t))
    # starts where it is told, moves towards the ceiling
    y = bass_from(0.12, 0.6, 0.02, 0.3, t)
    assert y[0] == pytest.approx(0.12) and np.all(np.diff(y) > 0) and y[-1] < 0.6
    # no innovation and no imitation: stays put
    assert bass_from(0.2, 0.6, 0.0, 0.0, t) == pytest.approx(np.full(10, 0.2))


def test_float32_inputs_stay_float32():
    x = logistic_from_growth(np.float32(0.1), np.float32(0.9), np.linspace(0, 3, 4, dtype=np.float32))
    assert x.dtype == np.float32


shares = st.floats(0.01, 0.99)
rates = st.floats(0.0, 1.0)


@settings(max_examples=150, deadline=None)
@given(x0=shares, k=shares, r1=rates, r2=rates)
def test_logistic_stays_in_unit_interval_and_higher_rate_never_lowers(x0, k, r1, r2):
    k = max(k, x0)
    lo, hi = sorted((r1, r2))
    a = logistic(x0, k, np.array([lo]), YEARS)
    b = logistic(x0, k, np.array([hi]), YEARS)
    assert np.all((a >= 0) & (a <= 1)) and np.all((b >= 0) & (b <= 1))
    assert np.all(b >= a - 1e-12)
    assert np.all(np.diff(a) >= -1e-12)


@settings(max_examples=150, deadline=None)
@given(x0=shares, k=shares, p=st.floats(0, 0.1), q1=rates, q2=rates)
def test_bass_stays_below_ceiling_and_more_imitation_never_lowers(x0, k, p, q1, q2):
    k = max(k, x0)
    lo, hi = sorted((q1, q2))
    t = np.arange(10.0)
    a = bass_from(x0, k, p, lo, t)
    b = bass_from(x0, k, p, hi, t)
    assert np.all(a >= x0 - 1e-9) and np.all(a <= k + 1e-9)
    assert np.all(b >= a - 1e-9)


def test_bass_with_tiny_imitation_stays_near_the_start():
    # found by hypothesis: q = 5e-324 underflowed to a jump to the ceiling
    t = np.arange(10.0)
    y = bass_from(0.5, 0.75, 0.0, 5e-324, t)
    assert y == pytest.approx(np.full(10, 0.5))
    # pure innovation (q = 0): y = 1 - (1 - y0) e^{-p t}
    y = bass_from(0.3, 1.0, 0.2, 0.0, t)
    assert y == pytest.approx(1 - 0.7 * np.exp(-0.2 * t))


# --- fitting the logistic curve to an observed series (issue 13) -------------------------

from workbook.models.diffusion import fit_logistic_rates, logistic_at, period_to_year  # noqa: E402


def test_period_to_year_reads_year_month():
    assert list(period_to_year(["2018-12", "2020-06", "2021"])) == [2019.0, 2020.5, 2022.0]


def _logistic_series(ags, x0, r, times):
    import pandas as pd
    z0 = np.log(x0 / (1 - x0))
    return pd.DataFrame({"ags": ags, "t": times,
                         "share": 1 / (1 + np.exp(-(z0 + r * (np.asarray(times) - times[0]))))})


def test_own_fit_recovers_rate_and_values_of_an_exact_logistic_series():
    import pandas as pd
    times = [2019.0, 2019.5, 2020.0, 2020.5, 2021.0, 2021.5]
    series = pd.concat([_logistic_series("A", 0.20, 0.6, times), _logistic_series("B", 0.05, 0.9, times)])
    fit = fit_logistic_rates(series)
    assert fit.loc["A", "rate"] == pytest.approx(0.6)
    assert fit.loc["B", "rate"] == pytest.approx(0.9)
    assert list(fit["method"]) == ["own", "own"]
    back = logistic_at(fit.loc["A", "rate"], fit.loc["A", "intercept"], np.array(times))
    assert back == pytest.approx(series[series["ags"] == "A"]["share"].to_numpy())


def test_short_series_takes_the_pooled_slope_of_its_kreistyp():
    import pandas as pd
    times = [2019.0, 2020.0, 2021.0]
    # two long series of type x: rates 0.4 and 0.8 with the same time points -> pooled slope 0.6
    series = pd.concat([_logistic_series("A", 0.3, 0.4, times), _logistic_series("B", 0.3, 0.8, times),
                        _logistic_series("C", 0.1, 2.0, [2020.0, 2021.0]),          # only 2 points
                        pd.DataFrame({"ags": ["D"] * 3, "t": times, "share": [0.0, 0.0, 0.0]}),  # no signal
                        _logistic_series("E", 0.5, 0.3, times)])
    groups = pd.Series({"A": "x", "B": "x", "C": "x", "D": "x", "E": "y"})
    fit = fit_logistic_rates(series, groups)
    assert fit.loc["C", "method"] == "pooled"
    # pooled within type x: A and B (C's two points also count in the pool)
    dt = np.array([-1.0, 0.0, 1.0])
    tt = 2 * (dt ** 2).sum() + 0.5
    tz = (dt ** 2).sum() * (0.4 + 0.8) + 0.5 * 2.0
    assert fit.loc["C", "rate"] == pytest.approx(tz / tt)
    assert fit.loc["D", "method"] == "none" and fit.loc["D", "rate"] == pytest.approx(tz / tt)
    assert fit.loc["E", "method"] == "own" and fit.loc["E", "rate"] == pytest.approx(0.3)
    # C's pooled line still passes through C's own mean point
    c = series[series["ags"] == "C"]
    z = np.log(c["share"] / (1 - c["share"]))
    assert fit.loc["C", "intercept"] + fit.loc["C", "rate"] * c["t"].mean() == pytest.approx(z.mean())


def test_partial_pooling_mixes_own_and_kreistyp_rate_by_points():
    from workbook.models.diffusion import shrunk_rate
    fit = {"rate": np.array([1.2, 0.5]), "pooled_rate": np.array([0.6, 0.5]),
           "points": np.array([6, 1]), "method": np.array(["own", "pooled"])}
    # own: (6 * 1.2 + 3 * 0.6) / 9 = 1.0; pooled units keep the pooled rate
    assert shrunk_rate(fit, 3.0) == pytest.approx([1.0, 0.5])
    assert shrunk_rate(fit, 0.0) == pytest.approx([1.2, 0.5])
    # a parameter array (N, 1, 1) against units (1, K, 1)
    cols = {k: v.reshape(1, -1, 1) for k, v in fit.items()}
    out = shrunk_rate(cols, np.array([0.0, 3.0]).reshape(-1, 1, 1))
    assert out.shape == (2, 2, 1) and out[1, 0, 0] == pytest.approx(1.0)


def test_gigabit_fit_reproduces_the_breitbandatlas_series_within_the_stated_tolerance():
    """docs/models.md: over the half-year points the fit uses (share between 0.5 % and 99.5 %), the
    per-Kreis logistic fit is within 0.025 (2.5 percentage points) of the observed gigabit share at
    the median and within 0.15 for 90 % of the points; the tails are Kreise whose share jumped in
    one half-year (cable upgrade), which no logistic curve with one rate follows."""
    import pandas as pd

    from workbook.data import load_broadband_history, load_kreise
    from workbook.models import digitalisation as D
    from workbook.models.diffusion import LOGIT_EDGE

    history, k = load_broadband_history(), load_kreise()
    fit = D.infra_fit(history, pd.Series(k["settlement_type"].astype(str).to_numpy(), index=k["ags"]))
    assert set(k["ags"]) <= set(fit.index)
    assert (fit["method"] == "own").sum() >= 350          # most Kreise have their own series
    g = history[history["threshold_mbit"] == 1000].join(fit, on="ags")
    g = g[(g["share"] > LOGIT_EDGE) & (g["share"] < 1 - LOGIT_EDGE) & (g["method"] == "own")]
    t = period_to_year(g["period"].to_numpy())
    error = np.abs(logistic_at(g["rate"], g["intercept"], t) - g["share"].to_numpy())
    assert np.median(error) <= 0.025
    assert np.quantile(error, 0.9) <= 0.15
    assert (fit["rate"] > 0).all()
