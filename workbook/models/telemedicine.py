"""Telemedicine: video consultations at the GP, trips, car-km, CO2 and time avoided, GP capacity.

Formulas and their justification: docs/models.md, section "Telemedizin".

* GP demand Dem = pop * sum_a w[a] k[a]; k[a] = contacts per person of age
  group a: k ∝ 1 + gradient * max(0, (mid_a - 40) / 10), scaled so that the
  national mean is ``tele.contacts_per_person``.
* Video share among online patients s(t): logistic from the 2021 level to the
  2030 parameter (the trend), its rate multiplied by the scenario factor
  ``ddi.gesund.rate_factor``; never above the billing cap (30 %).
* Effective share s_eff = s(t) * U, U = sum_a w k on_a / sum_a w k: the
  contact-weighted online share of the patients, on_a from the divide model
  (children count with their parents' group 30-39).
* Trips avoided = video consultations * (1 - follow-up share) <= trips;
  car-km = trips avoided * 2 * distance * detour * car share; CO2 = car-km *
  emission factor; patient time = trips avoided * (2 * distance * detour /
  speed + waiting time). Distance: the mean distance to the nearest GP from the
  Kreis' real GP density and area (``gp_distance_km``); without ``area_km2`` the
  urban/rural blend. Car share and speed blend the urban and rural defaults by
  the Kreis' rural weight.
* GP capacity = GPs(t) * contacts per GP, GPs falling linearly to the 2035
  decline; video saves a share of the consultation time, so the gap is
  max(0, 1 - capacity / (Dem - video * time saved share)).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ..errors import DataError
from ..texts import topics as texts
from . import demography as demo
from . import divide
from .base import Indicator, ModelContext, topic_indicator
from .placewise import dot_by_place

TOPIC = "tele"
#: Year of the published video share (0.6 % of cases in 2021); start of the logistic curve.
VIDEO_BASE_YEAR = 2021


_ind = partial(topic_indicator, TOPIC, texts.LABELS)


INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    _ind("gp_demand_contacts", "Kontakte/Jahr", False),
    _ind("video_share_effective", "1", True),
    _ind("video_consults", "Kontakte/Jahr", True),
    _ind("trips_avoided", "Wege/Jahr", True),
    _ind("car_km_avoided", "km/Jahr", True),
    _ind("co2_avoided_t", "t/Jahr", True),
    _ind("patient_hours_saved", "h/Jahr", True),
    _ind("gp_capacity_gap_share", "1", False),
    _ind("gp_hours_freed", "h/Jahr", True),
)}


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------

def video_share_path(s2021, s2030, cap, years, rate_factor=1.0) -> np.ndarray:
    """Logistic video share through s(2021) = s2021 and s(2030) = s2030 with ceiling ``cap``.

    Shapes broadcast; s2030 at or above the cap is clamped just below it (the cap is a legal
    limit, the curve approaches it), s2021 must be positive. ``rate_factor`` (a scenario's
    factor on the telehealth rate) multiplies the growth rate of the trend curve, so the
    curve no longer ends at s2030 but stays below the cap.
    """
    s0 = np.asarray(s2021, dtype=float)
    if not np.all(s0 > 0):                                # also refuses NaN
        raise DataError("expected a positive video share in 2021", key="tele.video_share_2021")
    cap = np.asarray(cap, dtype=float)
    s0 = np.minimum(s0, 0.999 * cap)
    s30 = np.clip(np.asarray(s2030, dtype=float), 1e-9, 0.999 * cap)
    rate = np.log((cap / s0 - 1.0) / (cap / s30 - 1.0)) / (2030 - VIDEO_BASE_YEAR)
    rate = rate * np.maximum(np.asarray(rate_factor, dtype=float), 0.0)
    t = np.asarray(years, dtype=float) - VIDEO_BASE_YEAR
    return cap / (1.0 + (cap / s0 - 1.0) * np.exp(-rate * t))


def travel_effects(video_consults, followup, distance_km, detour, car_share, co2_kg_per_km,
                   speed_kmh, waiting_min) -> dict[str, np.ndarray]:
    """Trips, car-km, CO2 (t) and patient hours avoided by ``video_consults`` (all broadcast)."""
    if not np.all(np.asarray(distance_km) >= 0):          # also refuses NaN
        raise DataError("expected a distance >= 0 km", key="tele.distance_km")
    if not np.all(np.asarray(speed_kmh) > 0):
        raise DataError("expected a travel speed > 0 km/h", key="tele.speed_kmh")
    trips = np.asarray(video_consults, dtype=float) * (1.0 - np.clip(followup, 0.0, 1.0))
    road_km = 2.0 * np.asarray(distance_km) * detour          # there and back
    car_km = trips * road_km * car_share
    return {
        "trips_avoided": trips,
        "car_km_avoided": car_km,
        "co2_avoided_t": car_km * co2_kg_per_km / 1000.0,
        "patient_hours_saved": trips * (road_km / speed_kmh + np.asarray(waiting_min) / 60.0),
    }


def contact_profile(ctx: ModelContext) -> np.ndarray:
    """GP contacts per person and year by age group, shape (N, 10), national mean = parameter."""
    gradient = ctx.param("tele.contacts_age_gradient").reshape(-1, 1)
    mean = ctx.param("tele.contacts_per_person").reshape(-1, 1)
    relative = 1.0 + gradient * np.maximum(0.0, (demo.MIDPOINTS[None, :] - 40.0) / 10.0)
    national = relative @ demo.national_shares()
    return relative * (mean / national[:, None])


def _blend(ctx: ModelContext, key: str, rw: np.ndarray) -> np.ndarray:
    urban = ctx.param(f"{key}_urban").reshape(-1, 1, 1)
    rural = ctx.param(f"{key}_rural").reshape(-1, 1, 1)
    return urban * (1.0 - rw) + rural * rw


#: Bounds of the one-way distance from the GP density (km, straight line): a Kreis never gets a
#: shorter or longer mean trip than these, whatever its data.
DISTANCE_BOUNDS_KM = (0.3, 15.0)


def gp_distance_km(ctx: ModelContext, gp10k: np.ndarray, pop: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Mean one-way straight-line distance to the nearest GP from the Kreis' real GP density, or None.

    With GPs spread like points of a Poisson process of density lam (GPs per km2), the mean
    distance to the nearest one is 1 / (2 sqrt(lam)). Practices cluster in towns and
    patients do not live evenly spread, so the level is scaled by ``tele.distance_scale``
    (calibrated so that the population-weighted mean over the 401 Kreise equals the mean
    of the urban/rural defaults, docs/models.md); the variation between Kreise is the data's.
    Needs ``area_km2``; None without it (the urban/rural blend is used).
    """
    area = ctx.column("area_km2")
    if area is None:
        return None
    area = area.reshape(1, -1, 1)
    gps = gp10k.reshape(1, -1, 1) * pop.reshape(1, -1, 1) / 10_000.0
    ok = np.isfinite(area) & (area > 0) & (gps > 0)
    lam = np.where(ok, gps / np.where(ok, area, 1.0), np.nan)
    raw = 0.5 / np.sqrt(lam)
    d = ctx.param("tele.distance_scale") * raw
    d = np.clip(d, *DISTANCE_BOUNDS_KM)
    return d, ok


def patient_online_share(ctx: ModelContext, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Contact-weighted online share U of the patients (N, K, T) and GP contacts per inhabitant
    (N, K, 1), from the divide model's state of this chunk (computed if it has not run)."""
    st = divide.state(ctx)
    dtype = divide.work_dtype(ctx)
    path, c, w, gained = st["path"], st["c"], st["w"], st["gained_pc"]
    n, t_len, _ = path.shape
    k_len = w.shape[0]
    full = np.concatenate([path[:, :, 2:3], path], axis=2)        # children: like 30-39
    nk = max(n, k.shape[0])
    k = np.broadcast_to(k, (nk, k.shape[1]))
    weighted = np.broadcast_to(full, (nk, t_len, full.shape[2])) * k[:, None, :]   # (N, T, 10)
    # offline contacts per inhabitant: sum_a w[k, a] k[a] o[a](t), one matrix product
    offline = dot_by_place(weighted.reshape(nk * t_len, -1), w).reshape(nk, t_len, k_len).transpose(0, 2, 1)
    offline = (offline * c[:, :, None]).astype(dtype)
    demand_pc = dot_by_place(k, w)[:, :, None]                      # (N, K, 1)
    # people 65+ brought online by the training programme count with the mean contacts of 65+
    w65 = w[:, demo.FIRST_65PLUS:]
    k65 = dot_by_place(k[:, demo.FIRST_65PLUS:], w65) / w65.sum(axis=1)[None, :]
    offline -= gained * k65[:, :, None].astype(dtype)
    offline *= (-1.0 / demand_pc).astype(dtype)
    offline += 1.0
    np.clip(offline, 0.0, 1.0, out=offline)
    return offline, demand_pc


# ---------------------------------------------------------------------------
# Engine entry point
# ---------------------------------------------------------------------------

def run(ctx: ModelContext) -> dict[str, np.ndarray]:
    dtype = divide.work_dtype(ctx)
    years = np.asarray(ctx.years, dtype=int)
    pop = divide._population(ctx).reshape(1, -1, 1)
    rw = divide.rural_weight(ctx).reshape(1, -1, 1)
    k = contact_profile(ctx)
    online, demand_pc = patient_online_share(ctx, k)
    demand = demand_pc * pop                                         # (N, K, 1)

    cap = ctx.param("tele.video_cap")
    # a scenario's factor on the telehealth sub-index (S1 x1.2, S3 x1.2, S4 x1.3) steepens the curve
    factor = ctx.param("ddi.gesund.rate_factor") if "ddi.gesund.rate_factor" in ctx.p else 1.0
    s = video_share_path(ctx.param("tele.video_share_2021"), ctx.param("tele.video_share_2030"),
                         cap, years.reshape(1, 1, -1), factor)       # (N, 1, T)
    s_eff = online                                                   # reuse the buffer
    s_eff *= s.astype(dtype)
    np.minimum(s_eff, cap.astype(dtype), out=s_eff)
    video = s_eff * demand.astype(dtype)
    gp10k = ctx.column("gp_per_10k")
    if gp10k is None:
        raise DataError("the Kreis table has no GP density; expected column 'gp_per_10k'",
                        column="gp_per_10k")
    if np.any(~np.isfinite(gp10k) | (gp10k < 0)):
        row = int(np.flatnonzero(~np.isfinite(gp10k.reshape(-1)) | (gp10k.reshape(-1) < 0))[0])
        raise DataError("expected a GP density >= 0 per 10,000 inhabitants", row=row, column="gp_per_10k")
    distance = _blend(ctx, "tele.distance_km", rw)
    local = gp_distance_km(ctx, gp10k, pop)
    if local is not None:
        d_local, ok = local
        distance = np.where(ok, np.where(ok, d_local, 0.0), distance)
    # effects of one avoided trip (N, K, 1), then one pass each over (N, K, T)
    per_trip = travel_effects(1.0, 0.0, distance, ctx.param("tele.detour_factor"),
                              _blend(ctx, "tele.car_share", rw), ctx.param("tele.co2_kg_per_km"),
                              _blend(ctx, "tele.speed_kmh", rw), ctx.param("tele.waiting_min"))
    per_trip = {name: np.asarray(v).astype(dtype) for name, v in per_trip.items()}
    trips = video * (1.0 - np.clip(ctx.param("tele.followup_share"), 0.0, 1.0)).astype(dtype)
    horizon = ctx.param("tele.gp_decline_year")
    progress = np.clip((years.reshape(1, 1, -1) - VIDEO_BASE_YEAR) / np.maximum(horizon - VIDEO_BASE_YEAR, 1.0),
                       0.0, 1.0)                                     # (N, 1, T)
    supply = 1.0 - ctx.param("tele.gp_decline_2035") * progress     # (N, 1, T)
    saved = ctx.param("tele.video_time_saved_share")
    # gap = 1 - capacity / (demand - video * saved); capacity = GPs(2021) * contacts per GP * supply(t)
    workload = video * (-saved).astype(dtype)
    workload += demand.astype(dtype)
    np.maximum(workload, 1e-9, out=workload)
    gap = (gp10k * pop / 10_000.0 * ctx.param("tele.contacts_per_gp")).astype(dtype) * supply.astype(dtype)
    gap = np.broadcast_to(gap, workload.shape) / workload
    np.subtract(1.0, gap, out=gap)
    np.clip(gap, 0.0, 1.0, out=gap)
    hours = video * (saved * ctx.param("tele.consult_minutes") / 60.0).astype(dtype)

    out = {
        "tele.gp_demand_contacts": demand.astype(dtype),
        "tele.video_share_effective": s_eff,
        "tele.video_consults": video,
        "tele.trips_avoided": trips,
        "tele.car_km_avoided": trips * per_trip["car_km_avoided"],
        "tele.co2_avoided_t": trips * per_trip["co2_avoided_t"],
        "tele.patient_hours_saved": trips * per_trip["patient_hours_saved"],
        "tele.gp_capacity_gap_share": gap,
        "tele.gp_hours_freed": hours,
    }
    n = max(v.shape[0] for v in out.values())
    return {name: np.broadcast_to(v, (n, ctx.n_kreise, len(years))) for name, v in out.items()}
