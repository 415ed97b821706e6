"""Diffusion curves: logistic (with a rate that may vary in time) and Bass.

All functions are vectorised: arguments broadcast against each other, the last
axis of a time-varying argument is time.

Logistic (MODELS.md A)::

    x(t) = K / (1 + ((K - x0) / x0) * exp(-R(t))),   R(t) = integral of r from t0 to t

With a constant rate R(t) = r (t - t0), the textbook formula. A time-varying
rate enters through its integral, which keeps the solution exact for any
rate path that is piecewise linear between the yearly grid points.

Bass (share of the ceiling, y = x / K)::

    dy/dt = (p + q y)(1 - y)
    y(t) = (1 - A E) / (1 + B E),  E = exp(-(p + q) tau),
    A = p (1 - y0) / (p + q y0),  B = q (1 - y0) / (p + q y0)
    (computed through w = q / (p + q), which stays finite for tiny p or q)

For y0 = 0 this is the standard F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t});
for p = 0 it is the logistic curve with rate q. ``tau`` is intrinsic time:
when p and q are both scaled by the same time-varying factor g(t), tau is the
integral of g.
"""

from __future__ import annotations

import numpy as np

_EPS = 1e-9


def _arr(x) -> np.ndarray:
    """``x`` as a floating array, keeping float32 inputs float32 (the engine's fast path)."""
    a = np.asarray(x)
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float64)


def integrate_rate(rate, years) -> np.ndarray:
    """Cumulative integral of ``rate`` over ``years`` (trapezoid), zero at the first year.

    ``rate`` broadcasts against (..., T); a constant rate (..., 1) gives r * (t - t0).
    """
    years = np.asarray(years, dtype=float)
    rate = _arr(rate)
    if rate.shape[-1:] == (1,) or rate.ndim == 0:
        return rate * (years - years[0]).astype(rate.dtype)
    dt = np.diff(years).astype(rate.dtype)
    steps = (rate[..., 1:] + rate[..., :-1]) * (0.5 * dt)
    out = np.empty(np.broadcast_shapes(rate.shape, years.shape), dtype=rate.dtype)
    out[..., 0] = 0.0
    # a loop over the few years beats cumsum along a short last axis by ~5x
    for i in range(steps.shape[-1]):
        np.add(out[..., i], steps[..., i], out=out[..., i + 1])
    return out


def logistic_from_growth(x0, ceiling, growth) -> np.ndarray:
    """Logistic curve given the cumulative growth ``R(t)`` (see module docstring).

    ``x0`` is clipped to at least 1e-9 (a zero start never grows); a start above the
    ceiling decays towards it, callers that want 'never below the start' pass
    ``max(ceiling, x0)``. Computed in place on one buffer (the engine's hot path).
    """
    x0 = np.maximum(_arr(x0), _EPS)
    ceiling = _arr(ceiling)
    growth = _arr(growth)
    shape = np.broadcast_shapes(x0.shape, ceiling.shape, growth.shape)
    dtype = np.result_type(x0, ceiling, growth)
    out = np.empty(shape, dtype=dtype)
    np.negative(growth, out=out)
    np.exp(out, out=out)
    out *= (ceiling - x0) / x0
    out += 1.0
    np.divide(ceiling, out, out=out)
    return out


def logistic(x0, ceiling, rate, years, t0: float | None = None) -> np.ndarray:
    """Logistic curve on ``years``; ``rate`` constant (..., 1) or per year (..., T).

    ``t0`` is the year of ``x0`` (default: the first year); with a constant rate
    any t0 works, with a time-varying rate t0 must be the first year.
    """
    years = np.asarray(years, dtype=float)
    rate = np.asarray(rate, dtype=float)
    if t0 is not None and (rate.ndim == 0 or rate.shape[-1] == 1):
        growth = rate * (years - float(t0))
    else:
        if t0 is not None and float(t0) != years[0]:
            raise ValueError("a time-varying rate needs t0 equal to the first year")
        growth = integrate_rate(rate, years)
    return logistic_from_growth(x0, ceiling, growth)


def bass(p, q, t) -> np.ndarray:
    """Standard Bass adoption share F(t) from zero at t = 0 (MODELS.md A)."""
    p = _arr(p)
    q = _arr(q)
    t = np.asarray(t, dtype=float)
    e = np.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + (q / p) * e)


def bass_from(x0, ceiling, p, q, tau) -> np.ndarray:
    """Bass curve with ceiling ``ceiling`` starting at ``x0`` (tau = 0), in absolute units.

    ``p`` innovation and ``q`` imitation coefficients (1/year), ``tau`` intrinsic time.
    """
    ceiling = _arr(ceiling)
    p = _arr(p)
    q = _arr(q)
    y0 = np.clip(_arr(x0) / np.maximum(ceiling, _EPS), _EPS, 1.0)
    # With w = q / (p + q): A = (1-w)(1-y0) / ((1-w) + w y0), B = w (1-y0) / ((1-w) + w y0).
    # This form has no overflow or underflow for tiny p or q; for p + q = 0 the curve
    # stays at y0 whatever w is (E = 1), so w = 1 there.
    total = p + q
    w = np.where(total > 0, q / np.where(total > 0, total, 1.0), 1.0)
    den = (1.0 - w) + w * y0
    a = (1.0 - w) * (1.0 - y0) / den
    b = w * (1.0 - y0) / den
    tau = _arr(tau)
    shape = np.broadcast_shapes(y0.shape, p.shape, q.shape, tau.shape)
    out = np.empty(shape, dtype=np.result_type(y0, p, q, tau, ceiling))
    np.multiply(-(p + q), tau, out=out)
    np.exp(out, out=out)                        # E
    numerator = 1.0 - a * out
    out *= b
    out += 1.0
    np.divide(numerator, out, out=out)
    out *= ceiling
    return out


# ---------------------------------------------------------------------------
# Fitting a logistic curve to an observed series (Breitbandatlas 2018-2021)
# ---------------------------------------------------------------------------

#: Shares outside (LOGIT_EDGE, 1 - LOGIT_EDGE) of the ceiling carry no information on the rate
#: (0 % before the first cable upgrade, 100 % in a saturated city) and are left out of a fit.
LOGIT_EDGE = 0.005
#: A Kreis' own fit needs at least this many usable points spanning at least MIN_SPAN years.
MIN_POINTS = 3
MIN_SPAN = 1.5


def period_to_year(period) -> np.ndarray:
    """'2018-12' -> 2019.0 (the end of that month as a decimal year); numbers pass through."""
    import pandas as pd
    s = pd.Series(period)
    if pd.api.types.is_numeric_dtype(s):
        return s.to_numpy(dtype=float)
    parts = s.astype(str).str.extract(r"^\s*(\d{4})(?:-(\d{1,2}))?\s*$")
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce").fillna(12)
    return (year + month / 12.0).to_numpy(dtype=float)


def fit_logistic_rates(series, groups=None, ceiling: float = 1.0):
    """Logistic growth rate per unit fitted to an observed share series.

    ``series``: DataFrame with ``ags``, ``t`` (decimal years) and ``share`` (0..1).
    ``groups``: Series mapping ``ags`` to a pooling group (the BBSR Kreistyp); a unit whose
    own series is too short (fewer than MIN_POINTS usable points or a span under MIN_SPAN
    years) or whose own slope is not positive takes the pooled slope of its group.

    With the ceiling fixed, the logistic curve is a straight line in logit space:
    z(t) = ln(x / (K - x)) = z0 + r t. The own fit is the least-squares line through a unit's
    points; the pooled fit is the within-group slope (every unit keeps its own intercept:
    sum over units of centred t times centred z over sum of centred t squared).

    Returns a DataFrame indexed by ``ags`` with ``rate`` (1/year), ``intercept`` (z at t = 0),
    ``method`` ('own', 'pooled' or 'none': no usable point at all), ``points`` (usable points)
    and ``pooled_rate`` (the group's pooled slope, for partial pooling: ``shrunk_rate``).
    """
    import pandas as pd
    df = series[["ags", "t", "share"]].copy()
    df["ags"] = df["ags"].astype(str)
    df = df[np.isfinite(df["t"]) & np.isfinite(df["share"])]
    usable = df[(df["share"] > LOGIT_EDGE * ceiling) & (df["share"] < (1 - LOGIT_EDGE) * ceiling)].copy()
    usable["z"] = np.log(usable["share"] / (ceiling - usable["share"]))
    g = usable.groupby("ags")
    stats = pd.DataFrame({
        "points": g.size(), "t_mean": g["t"].mean(), "z_mean": g["z"].mean(),
        "span": g["t"].max() - g["t"].min(),
    })
    usable = usable.join(stats[["t_mean", "z_mean"]], on="ags")
    usable["dt"] = usable["t"] - usable["t_mean"]
    usable["dz"] = usable["z"] - usable["z_mean"]
    usable["tt"] = usable["dt"] ** 2
    usable["tz"] = usable["dt"] * usable["dz"]
    sums = usable.groupby("ags")[["tt", "tz"]].sum()
    stats = stats.join(sums)
    own = np.where(stats["tt"] > 0, stats["tz"] / stats["tt"].where(stats["tt"] > 0, 1.0), np.nan)
    stats["rate"] = own
    ok = (stats["points"] >= MIN_POINTS) & (stats["span"] >= MIN_SPAN) & (stats["rate"] > 0)
    stats["method"] = np.where(ok, "own", "pooled")
    all_ags = pd.Index(sorted(set(df["ags"])), name="ags")
    stats = stats.reindex(all_ags)
    stats["points"] = stats["points"].fillna(0).astype(int)
    group_of = (pd.Series(groups).rename(index=str).reindex(all_ags) if groups is not None
                else pd.Series("all", index=all_ags))
    group_of = group_of.fillna("unknown")
    stats["group"] = group_of.to_numpy()
    pooled_by_group = stats.groupby("group")[["tt", "tz"]].sum(min_count=1)
    pooled = pooled_by_group["tz"] / pooled_by_group["tt"]
    overall = stats["tz"].sum() / stats["tt"].sum() if stats["tt"].sum() > 0 else np.nan
    pooled = pooled.where(pooled > 0, overall)
    need = (stats["method"] != "own").to_numpy()
    pooled_rate = stats["group"].map(pooled).fillna(overall).to_numpy(dtype=float)
    stats["pooled_rate"] = pooled_rate
    stats["rate"] = np.where(need, pooled_rate, stats["rate"].to_numpy(dtype=float))
    points = stats["points"].to_numpy()
    stats["method"] = np.where(~need, "own", np.where(points > 0, "pooled", "none"))
    # the intercept keeps the line through the unit's own mean point
    stats["intercept"] = stats["z_mean"] - stats["rate"] * stats["t_mean"]
    return stats[["rate", "intercept", "method", "points", "pooled_rate"]]


def logistic_at(rate, intercept, t, ceiling: float = 1.0) -> np.ndarray:
    """Value of the fitted curve z = intercept + rate t at time(s) ``t`` (back from logit)."""
    z = np.asarray(intercept, dtype=float) + np.asarray(rate, dtype=float) * np.asarray(t, dtype=float)
    return ceiling / (1.0 + np.exp(-z))


def shrunk_rate(fit, prior_points):
    """Partial pooling of a fit's rates: (n r_own + n0 r_pooled) / (n + n0) for units with their own
    fit (n usable points), the pooled rate for the others. ``prior_points`` n0 broadcasts (a
    parameter array (N, 1, 1) against units on the second axis when ``fit`` columns are (1, K, 1))."""
    rate = np.asarray(fit["rate"], dtype=float)
    pooled = np.asarray(fit["pooled_rate"], dtype=float)
    n = np.asarray(fit["points"], dtype=float)
    own = np.asarray(fit["method"]) == "own"
    n0 = np.maximum(np.asarray(prior_points, dtype=float), 0.0)
    mixed = (n * rate + n0 * pooled) / np.maximum(n + n0, 1e-9)
    return np.where(own, mixed, pooled)
