"""Digitalisation-degree index (DDI): seven sub-indices per Kreis, 2021-2030.

MODELS.md section A, with these documented choices (docs/scenarios.md):

- Every sub-index x_j is a logistic curve x_j(t) = K_j / (1 + ((K_j - x_j0)/x_j0) e^{-R_j(t)})
  with R_j(t) = r_j f_j * tau(t): r_j the (sampled) base rate, f_j the scenario's rate
  factor, tau(t) = integral of (1 + alpha * x_STRAT(t)) dt ("strategy accelerates
  everything"). STRAT itself grows with its own rate (no self-acceleration).
- Ceilings K_j = ceiling + scenario shift, limited to [0.01, 1]; a Kreis already above
  its ceiling keeps its start value (the curve never falls below the start).
- Start values: INFRA = the Kreis's ``gigabit_share``; TEILHABE = 1 - ``offline_share``
  (or the whole path of ``divide.online_share`` when the divide model ran); STRAT, VERW,
  ARBEIT and LOKAL the national start times (1 + gap * (0.5 - rural weight)), an
  assumption that rural Kreise start lower; GESUND the national start.
- LOKAL follows a Bass curve (innovation p = ``ddi.lokal.innovation``, imitation
  q = r_LOKAL f_LOKAL + ``ddi.lokal.network_q``): the S3 network effect is the extra
  imitation term; with p = 0 and no network term it is the logistic curve.
- VERW: rate times (1 + kappa ln N) with N the cooperation cluster size (S4; kappa = 0
  elsewhere), and times ``delay_factor`` until the federal/Land solutions arrive in
  ``federal_year`` (S5; factor 1 elsewhere).
- Crisis shock: in year ``shock.year`` ARBEIT, GESUND and VERW jump by J_j; afterwards
  a share rho_j of the jump stays (added on top of the curve, limited to 1).
- ``ddi.index`` is the arithmetic mean of the seven, ``ddi.index_geo`` the geometric
  mean (each sub-index floored at 0.001), which penalises imbalance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd

from ..errors import DataError
from .base import Indicator, ModelContext, content_key, data_layer_file
from .diffusion import bass_from, fit_logistic_rates, integrate_rate, logistic_from_growth, period_to_year, shrunk_rate

SUBINDICES = ("strat", "verw", "arbeit", "infra", "teilhabe", "lokal", "gesund")

_LABELS = {
    "strat": "Digitalstrategie (Checkliste)",
    "verw": "Online-Verwaltung (Anteil Leistungen Ende-zu-Ende digital)",
    "arbeit": "Digitale Arbeit (Anteil Beschäftigte mobil arbeitsfähig)",
    "infra": "Gigabit-Versorgung (Anteil Haushalte)",
    "teilhabe": "Online-Bevölkerung (Anteil ab 14 Jahren)",
    "lokal": "Lokale Plattformen (Anteil Handel und Kultur)",
    "gesund": "Videosprechstunde (Anteil Hausarztpraxen)",
}

INDICATORS: dict[str, Indicator] = {
    f"ddi.{j}": Indicator(f"ddi.{j}", "1", _LABELS[j], "digitalisation", True) for j in SUBINDICES
}
INDICATORS["ddi.index"] = Indicator("ddi.index", "1", "Digitalisierungsgrad-Index (arithmetisches Mittel)",
                                    "digitalisation", True)
INDICATORS["ddi.index_geo"] = Indicator("ddi.index_geo", "1", "Digitalisierungsgrad-Index (geometrisches Mittel)",
                                        "digitalisation", True)

# BBBR settlement types (Kreistypen 1..4) mapped onto a rural weight 0..1; used when
# workbook.datasets.rural_weight is not available (inline frames in tests).
_RURAL_BY_TYPE = {
    "kreisfreie_grossstadt": 0.0,
    "staedtischer_kreis": 1.0 / 3.0,
    "laendlich_verdichtet": 2.0 / 3.0,
    "duenn_besiedelt": 1.0,
}

_FLOOR = 1e-3


def rural_weight(kreise: pd.DataFrame) -> np.ndarray:
    """0 (kreisfreie Großstadt) .. 1 (dünn besiedelt) per Kreis; 0.5 where unknown."""
    data_rural_weight: Callable[[pd.DataFrame], np.ndarray] | None
    try:
        from ..data import rural_weight as _data_rural_weight
        data_rural_weight = _data_rural_weight
    except ImportError:
        data_rural_weight = None
    if data_rural_weight is not None and "settlement_type" in kreise.columns:
        try:
            return np.asarray(data_rural_weight(kreise), dtype=float)
        except DataError:  # missing or unknown settlement type: fall back to the documented mapping below
            pass
    if "settlement_type" not in kreise.columns:
        return np.full(len(kreise), 0.5)
    return kreise["settlement_type"].map(_RURAL_BY_TYPE).fillna(0.5).to_numpy(dtype=float)


def cluster_size(ctx: ModelContext) -> np.ndarray | None:
    """Cooperation cluster size per Kreis of this chunk as (1, K, 1), or None without a plan.

    Reads ``ctx.extra["cooperation"]``: a DataFrame with ``ags`` and ``cluster_size``, a
    Series indexed by AGS, a dict ``{ags: size}``, or a dict/object holding one of these
    under ``cluster_size`` / ``clusters`` / ``table`` (cooperation's ``CoopPlan``).
    """
    plan = ctx.extra.get("cooperation")
    if plan is None or "ags" not in ctx.kreise.columns:
        return None
    if not isinstance(plan, (pd.DataFrame, pd.Series)):
        for attr in ("cluster_size", "clusters", "table"):
            inner = plan.get(attr) if isinstance(plan, dict) else getattr(plan, attr, None)
            if inner is not None and not callable(inner):
                plan = inner
                break
    if isinstance(plan, pd.DataFrame):
        if "ags" not in plan.columns or "cluster_size" not in plan.columns:
            return None
        mapping = pd.Series(plan["cluster_size"].to_numpy(), index=plan["ags"].astype(str))
    elif isinstance(plan, pd.Series):
        mapping = plan
    elif isinstance(plan, dict):
        mapping = pd.Series(plan)
    else:
        return None
    sizes = pd.to_numeric(ctx.kreise["ags"].astype(str).map(mapping), errors="coerce").to_numpy(dtype=float)
    sizes = np.where(np.isfinite(sizes) & (sizes >= 1), sizes, 1.0)
    return sizes.reshape(1, -1, 1)


#: Breitbandatlas threshold of the INFRA sub-index (gigabit, >= 1000 Mbit/s).
GIGABIT_MBIT = 1000
#: a row's own share at the end of 2020 by threshold (Gemeinde rows carry it; a Kreis's is in the series)
_OWN_BROADBAND = {100: "share_100mbit"}
_FIT_CACHE: dict[tuple, pd.DataFrame] = {}


def _broadband_history(ctx: ModelContext):
    """The observed broadband series: ``ctx.extra['broadband_history']`` or the data layer's file."""
    hist = ctx.extra.get("broadband_history")
    if hist is not None or not ctx.from_data_layer:
        return hist
    return data_layer_file("load_broadband_history", "BROADBAND_FILE")


def _pooling_groups(ctx: ModelContext) -> pd.Series | None:
    """Kreistyp of every Kreis (not only this chunk's), so a pooled rate does not depend on chunking.
    For the data layer's table the Series (and its content key) is kept while that table is the
    same object (``data.kreise.kept_for_shared``: dropped when a file or the overlay changes)."""
    table = ctx.extra.get("kreise_all")
    if table is None and ctx.from_data_layer:
        try:
            from ..data.kreise import kept_for_shared, shared_kreise
            shared = shared_kreise()
        except (DataError, OSError):  # data layer unreadable: pool by this table's types
            shared = None
        if shared is not None:
            groups = kept_for_shared(_POOLING, shared, None, lambda: _with_key(_groups_of(shared)))
            return None if groups is None else groups[0]
    return _groups_of(ctx.kreise if table is None else table)


def _groups_of(table: pd.DataFrame) -> pd.Series | None:
    if "settlement_type" not in table.columns or "ags" not in table.columns:
        return None
    return pd.Series(table["settlement_type"].astype(str).to_numpy(), index=table["ags"].astype(str))


def _with_key(groups: pd.Series | None) -> tuple[pd.Series, tuple] | None:
    return None if groups is None else (groups, content_key(groups))


#: the name under which the shared table's pooling groups and their content key are kept
_POOLING = "digitalisation.pooling_groups"


def _fingerprint(obj) -> tuple:
    """Content key of a table or Series (the data layer's loaders hand out a fresh copy per call;
    the kept pooling groups carry theirs)."""
    try:
        from ..data.kreise import kept_value
        kept = kept_value(_POOLING)
    except ImportError:
        kept = None
    if kept is not None and obj is kept[0]:
        return kept[1]
    return content_key(obj)


def infra_fit(history: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """Logistic rates of the gigabit share per Kreis fitted to the observed series (cached).

    ``history``: long table ``ags, period, threshold_mbit, share`` (Breitbandatlas); only the
    gigabit rows count. See ``diffusion.fit_logistic_rates`` for the own/pooled rule.
    """
    key = ("fit", _fingerprint(history), _fingerprint(groups))
    hit = _FIT_CACHE.get(key)
    if hit is not None:
        return hit
    rows = history
    if "threshold_mbit" in rows.columns:
        rows = rows[pd.to_numeric(rows["threshold_mbit"], errors="coerce") == GIGABIT_MBIT]
    series = pd.DataFrame({"ags": rows["ags"].astype(str).to_numpy(),
                           "t": period_to_year(rows["period"].to_numpy()),
                           "share": pd.to_numeric(rows["share"], errors="coerce").to_numpy()})
    fit = fit_logistic_rates(series, groups)
    if len(_FIT_CACHE) >= 8:
        _FIT_CACHE.clear()
    _FIT_CACHE[key] = fit
    return fit


def broadband_share(ctx: ModelContext, threshold_mbit: int, until: float = 2021.0) -> np.ndarray | None:
    """(K,) the Kreis' observed share of households with ``threshold_mbit`` available at the last
    period up to ``until`` (decimal year; 2021.0 = end of 2020); NaN where the Kreis has no such
    row, None without a series."""
    hist = _broadband_history(ctx)
    if hist is None or "ags" not in ctx.kreise.columns or len(hist) == 0:
        return None
    key = ("share", _fingerprint(hist), int(threshold_mbit), float(until))
    latest = _FIT_CACHE.get(key)
    if latest is None:
        rows = hist[pd.to_numeric(hist["threshold_mbit"], errors="coerce") == threshold_mbit]
        rows = pd.DataFrame({"ags": rows["ags"].astype(str).to_numpy(),
                             "t": period_to_year(rows["period"].to_numpy()),
                             "share": pd.to_numeric(rows["share"], errors="coerce").to_numpy()})
        rows = rows[(rows["t"] <= until + 1e-9) & np.isfinite(rows["share"])].sort_values("t")
        latest = rows.groupby("ags")["share"].last()
        if len(_FIT_CACHE) >= 8:
            _FIT_CACHE.clear()
        _FIT_CACHE[key] = latest
    shares = pd.Series(ctx.kreis_keys()).map(cast(pd.Series, latest)).to_numpy(dtype=float)
    own = _OWN_BROADBAND.get(int(threshold_mbit))
    if own is not None and own in ctx.kreise.columns and until >= 2021.0 - 1e-9:
        # a Gemeinde's own share (its 2019 figure moved to the end of 2020: ``data.places``)
        mine = pd.to_numeric(ctx.kreise[own], errors="coerce").to_numpy(dtype=float)
        shares = np.where(np.isfinite(mine), mine, shares)
    return shares


def infra_rate(ctx: ModelContext) -> np.ndarray:
    """Base rate of the INFRA sub-index: (N, K, 1) or (N, 1, 1).

    Kreise with an observed gigabit series grow at their fitted 2018-2021 rate, partially pooled
    towards their Kreistyp's rate (``ddi.infra.fit_prior_points``), times
    ``ddi.infra.pace_factor`` (the share of that pace that continues); the others, and every
    Kreis when no series is available, at the sampled ``ddi.infra.rate``.
    """
    fallback = ctx.param("ddi.infra.rate")
    hist = _broadband_history(ctx)
    if hist is None or "ags" not in ctx.kreise.columns or len(hist) == 0:
        return fallback
    fit = infra_fit(hist, _pooling_groups(ctx))
    mine = fit.reindex(pd.Index(ctx.kreis_keys()))   # a Gemeinde grows at its Kreis's pace
    cols = {c: mine[c].to_numpy().reshape(1, -1, 1) for c in ("rate", "pooled_rate", "points", "method")}
    fitted = shrunk_rate(cols, ctx.param("ddi.infra.fit_prior_points"))
    pace = ctx.param("ddi.infra.pace_factor")
    has = np.isfinite(fitted) & (fitted > 0)
    return np.where(has, np.where(has, fitted, 0.0).astype(ctx.dtype) * pace, fallback)


def _relative(ctx: ModelContext, column: str, reference_key: str) -> np.ndarray | None:
    """Kreis column / national reference parameter as (N, K, 1), 1 where the value is missing;
    None without the column."""
    col = ctx.column(column)
    if col is None:
        return None
    ref = ctx.param(reference_key)
    return np.where(np.isfinite(col) & (col > 0), col, ref) / ref


def arbeit_inputs(ctx: ModelContext):
    """Start, ceiling and rate multipliers of ARBEIT from the local labour market, or None.

    start x (wfh_precovid / national), ceiling x (wfh_feas / national), rate x (1 + commute
    effect (commuters_50km_share / national - 1)) x (1 + academic effect (academic_share /
    national - 1)); each factor is 1 where its column is missing.
    """
    pre = _relative(ctx, "wfh_precovid", "ddi.arbeit.wfh_precovid_national")
    feas = _relative(ctx, "wfh_feas", "ddi.arbeit.wfh_feas_national")
    commute = _relative(ctx, "commuters_50km_share", "ddi.arbeit.commuters_national")
    academic = _relative(ctx, "academic_share", "ddi.arbeit.academic_national")
    if pre is None and feas is None and commute is None and academic is None:
        return None
    one = np.ones((1, 1, 1), dtype=ctx.dtype)
    rate = one
    if commute is not None:
        rate = rate * np.maximum(1.0 + ctx.param("ddi.arbeit.commute_effect") * (commute - 1.0), 0.1)
    if academic is not None:
        rate = rate * np.maximum(1.0 + ctx.param("ddi.arbeit.academic_effect") * (academic - 1.0), 0.1)
    return (one if pre is None else pre), (one if feas is None else feas), rate


def _start(ctx: ModelContext, j: str, rural: np.ndarray) -> np.ndarray:
    if j == "infra":
        col = ctx.column("gigabit_share", default=None)
        if col is not None and np.all(np.isfinite(col)):
            return np.broadcast_to(col, (1, ctx.n_kreise, 1))
        fallback = ctx.param("ddi.infra.start")
        return np.where(np.isfinite(col), col, fallback) if col is not None else fallback
    if j == "teilhabe":
        col = ctx.column("offline_share", default=None)
        fallback = ctx.param("ddi.teilhabe.start")
        if col is None:
            return fallback
        return np.where(np.isfinite(col), 1.0 - col, fallback)
    base = ctx.param(f"ddi.{j}.start")
    if j == "gesund":
        return base
    if j == "arbeit":
        local = arbeit_inputs(ctx)
        if local is not None:
            # the local labour market replaces the assumed urban-rural gap
            return base * local[0]
    gap = ctx.param("ddi.start.rural_gap")
    return base * (1.0 + gap * (0.5 - rural))


def _ceiling(ctx: ModelContext, j: str, x0: np.ndarray) -> np.ndarray:
    k = np.clip(ctx.param(f"ddi.{j}.ceiling") + ctx.param(f"ddi.{j}.ceiling_shift"), 0.01, 1.0)
    return np.maximum(k, x0)


def _logit(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 1e-6, 1.0 - 1e-6)
    return np.log(x / (1.0 - x))


def gemeinde_catch_up(ctx: ModelContext, own: np.ndarray, start: np.ndarray, growth: np.ndarray,
                      t_axis: np.ndarray) -> np.ndarray:
    """INFRA of Gemeinde rows: a Gemeinde behind its Kreis closes its log-odds gap to the Kreis's
    curve with half-life ``ddi.infra.gemeinde_gap_halflife``; never below its own logistic curve
    (a Gemeinde ahead of its Kreis keeps its own). Rows without ``kreis_gigabit_share`` (Kreise)
    keep ``own``: a near-zero start (a village without cable in 2019) would otherwise never grow."""
    kreis = ctx.column("kreis_gigabit_share")
    if kreis is None or not np.isfinite(kreis).any():
        return own
    rows = np.isfinite(kreis)
    k0 = np.clip(np.where(rows, kreis, 0.5), _FLOOR, 1.0).astype(own.dtype)
    k_curve = logistic_from_growth(k0, _ceiling(ctx, "infra", k0), growth)
    halflife = np.maximum(ctx.param("ddi.infra.gemeinde_gap_halflife"), 0.1)
    gap = (_logit(start) - _logit(k0)) * np.power(0.5, t_axis / halflife)
    caught = 1.0 / (1.0 + np.exp(-(_logit(k_curve) + gap)))
    caught = np.minimum(caught, _ceiling(ctx, "infra", start))
    return np.where(rows, np.maximum(own, caught), own).astype(own.dtype, copy=False)


def run(ctx: ModelContext) -> dict[str, np.ndarray]:
    """The seven sub-indices and both aggregates as (N, K, T) arrays."""
    dtype = ctx.dtype
    years = np.asarray(ctx.years, dtype=dtype)
    t = years - years[0]
    t_axis = t.reshape(1, 1, -1)
    rural = rural_weight(ctx.kreise).reshape(1, -1, 1).astype(dtype)
    starts = {j: np.clip(_start(ctx, j, rural), _FLOOR, 1.0) for j in SUBINDICES}
    out: dict[str, np.ndarray] = {}

    def rate(j):
        return ctx.param(f"ddi.{j}.rate") * ctx.param(f"ddi.{j}.rate_factor")

    # Strategy: own logistic curve, no self-acceleration.
    k_s = _ceiling(ctx, "strat", starts["strat"])
    strat = logistic_from_growth(starts["strat"], k_s, rate("strat") * t_axis)
    out["ddi.strat"] = strat

    # Intrinsic time: strategy accelerates every other sub-index.
    accel = 1.0 + ctx.param("ddi.alpha") * strat
    tau = integrate_rate(accel, years)

    # Online administration: cooperation effect (S4) and federal delay (S5).
    n_coop = cluster_size(ctx)
    if n_coop is None:
        n_coop = ctx.param("ddi.verw.coop_size")
    n_coop = n_coop.astype(dtype, copy=False)
    coop = 1.0 + ctx.param("ddi.verw.coop_kappa") * np.log(np.maximum(n_coop, 1.0))
    delay_factor = ctx.param("ddi.verw.delay_factor")
    ramp = np.clip(years.reshape(1, 1, -1) - ctx.param("ddi.verw.federal_year") + 1.0, 0.0, 1.0)
    verw_mult = accel * (delay_factor + (1.0 - delay_factor) * ramp)
    growth_verw = rate("verw") * coop * integrate_rate(verw_mult, years)
    out["ddi.verw"] = logistic_from_growth(starts["verw"], _ceiling(ctx, "verw", starts["verw"]), growth_verw)

    local = arbeit_inputs(ctx)
    if local is None:
        out["ddi.arbeit"] = logistic_from_growth(starts["arbeit"], _ceiling(ctx, "arbeit", starts["arbeit"]),
                                                 rate("arbeit") * tau)
    else:
        _, feas, mult = local
        k_arbeit = np.clip((ctx.param("ddi.arbeit.ceiling") * feas + ctx.param("ddi.arbeit.ceiling_shift")),
                           0.01, 1.0)
        k_arbeit = np.maximum(k_arbeit, starts["arbeit"])
        out["ddi.arbeit"] = logistic_from_growth(starts["arbeit"], k_arbeit, rate("arbeit") * mult * tau)
    r_infra = infra_rate(ctx) * ctx.param("ddi.infra.rate_factor")
    out["ddi.infra"] = gemeinde_catch_up(
        ctx, logistic_from_growth(starts["infra"], _ceiling(ctx, "infra", starts["infra"]), r_infra * tau),
        starts["infra"], r_infra * tau, t_axis)
    out["ddi.gesund"] = logistic_from_growth(starts["gesund"], _ceiling(ctx, "gesund", starts["gesund"]),
                                             rate("gesund") * tau)

    if "divide.online_share" in ctx.outputs:
        out["ddi.teilhabe"] = np.clip(np.asarray(ctx.outputs["divide.online_share"]).astype(dtype, copy=False), 0.0, 1.0)
    else:
        out["ddi.teilhabe"] = logistic_from_growth(
            starts["teilhabe"], _ceiling(ctx, "teilhabe", starts["teilhabe"]), rate("teilhabe") * tau)

    q = rate("lokal") + ctx.param("ddi.lokal.network_q")
    out["ddi.lokal"] = bass_from(starts["lokal"], _ceiling(ctx, "lokal", starts["lokal"]),
                                 ctx.param("ddi.lokal.innovation"), q, tau)

    # Crisis shock: jump in the shock year, a share rho stays afterwards.
    shock_year = np.round(ctx.param("ddi.shock.year"))
    year_axis = years.reshape(1, 1, -1)
    in_year = (year_axis == shock_year).astype(float)
    after = (year_axis > shock_year).astype(float)
    for j in ("arbeit", "gesund", "verw"):
        jump = ctx.param(f"ddi.shock.jump_{j}")
        if np.any(jump > 0):
            bump = jump * (in_year + ctx.param(f"ddi.shock.persist_{j}") * after)
            out[f"ddi.{j}"] = np.minimum(out[f"ddi.{j}"] + bump, 1.0)

    shape = np.broadcast_shapes(*(np.shape(out[f"ddi.{j}"]) for j in SUBINDICES),
                                (ctx.n_runs, ctx.n_kreise, len(years)))
    stack = [np.broadcast_to(out[f"ddi.{j}"], shape) for j in SUBINDICES]
    total = stack[0].astype(dtype, copy=True)
    product = np.maximum(stack[0], _FLOOR).astype(dtype, copy=True)
    for arr in stack[1:]:
        total += arr
        product *= np.maximum(arr, _FLOOR)
    total /= len(SUBINDICES)
    out["ddi.index"] = total
    # geometric mean = (product)^(1/7); the product of seven shares >= 0.001 stays >= 1e-21
    out["ddi.index_geo"] = np.power(product, 1.0 / len(SUBINDICES), dtype=dtype)
    return out
