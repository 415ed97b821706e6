"""Telemedicine: video consultations at the GP, trips, car-km, CO2 and time avoided, GP capacity.

Formulas and their justification: docs/models.md, section "Telemedizin".

* GP demand Dem = pop * sum_a w[a] k[a]; k[a] = contacts per person of age
  group a: k ∝ 1 + gradient * max(0, (mid_a - 40) / 10), scaled so that the
  national mean is ``tele.contacts_per_person``.
* Video share among online patients s(t): logistic from the 2021 level to the
  2030 parameter, never above the billing cap (30 %).
* Effective share s_eff = s(t) * U, U = sum_a w k on_a / sum_a w k: the
  contact-weighted online share of the patients, on_a from the divide model
  (children count with their parents' group 30-39).
* Trips avoided = video consultations * (1 - follow-up share) <= trips;
  car-km = trips avoided * 2 * distance * detour * car share; CO2 = car-km *
  emission factor; patient time = trips avoided * (2 * distance * detour /
  speed + waiting time). Distance, car share and speed blend the urban and
  rural defaults by the Kreis' rural weight.
* GP capacity = GPs(t) * contacts per GP, GPs falling linearly to the 2035
  decline; video saves a share of the consultation time, so the gap is
  max(0, 1 - capacity / (Dem - video * time saved share)).
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError
from ..texts import topics as texts
from . import demography as demo
from . import divide
from .base import Indicator, ModelContext

TOPIC = "tele"
#: Year of the published video share (0.6 % of cases in 2021); start of the logistic curve.
VIDEO_BASE_YEAR = 2021


def _ind(name: str, unit: str, higher_is_better: bool) -> Indicator:
    return Indicator(f"{TOPIC}.{name}", unit, texts.LABELS[f"{TOPIC}.{name}"], TOPIC, higher_is_better)


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

def video_share_path(s2021, s2030, cap, years) -> np.ndarray:
    """Logistic video share through s(2021) = s2021 and s(2030) = s2030 with ceiling ``cap``.

    Shapes broadcast; s2030 at or above the cap is clamped just below it (the cap is a legal
    limit, the curve approaches it), s2021 must be positive.
    """
    s0 = np.asarray(s2021, dtype=float)
    if np.any(s0 <= 0):
        raise DataError("expected a positive video share in 2021", key="tele.video_share_2021")
    cap = np.asarray(cap, dtype=float)
    s0 = np.minimum(s0, 0.999 * cap)
    s30 = np.clip(np.asarray(s2030, dtype=float), 1e-9, 0.999 * cap)
    rate = np.log((cap / s0 - 1.0) / (cap / s30 - 1.0)) / (2030 - VIDEO_BASE_YEAR)
    t = np.asarray(years, dtype=float) - VIDEO_BASE_YEAR
    return cap / (1.0 + (cap / s0 - 1.0) * np.exp(-rate * t))


def travel_effects(video_consults, followup, distance_km, detour, car_share, co2_kg_per_km,
                   speed_kmh, waiting_min) -> dict[str, np.ndarray]:
    """Trips, car-km, CO2 (t) and patient hours avoided by ``video_consults`` (all broadcast)."""
    if np.any(np.asarray(distance_km) < 0):
        raise DataError("expected a distance >= 0 km", key="tele.distance_km")
    if np.any(np.asarray(speed_kmh) <= 0):
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


def patient_online_share(ctx: ModelContext, k: np.ndarray) -> np.ndarray:
    """Contact-weighted online share U of the patients, (N, K, T), and the demand per capita."""
    years = np.asarray(ctx.years, dtype=int)
    share = ctx.column("share_65plus")
    w = np.broadcast_to(demo.kreis_weights(None if share is None else share.reshape(-1)),
                        (ctx.n_kreise, len(demo.GROUPS)))
    path = divide.national_path(ctx, years)                        # (N, T, 9)
    n, t_len, _ = path.shape
    full = np.concatenate([path[:, :, 2:3], path], axis=2)        # children: like 30-39
    c = divide.kreis_factor(ctx, w, divide.initial_offline(ctx))   # (N, K)
    nk = max(n, k.shape[0])
    k = np.broadcast_to(k, (nk, k.shape[1]))
    full = np.broadcast_to(full, (nk, t_len, full.shape[2]))
    weighted = (full * k[:, None, :])                               # (N, T, 10)
    offline_contacts = np.einsum("nta,ka->nkt", weighted, w) * c[:, :, None]
    demand_pc = (k @ w.T)[:, :, None]                               # (N, K, 1)
    # people 65+ brought online by the training programme (from the divide outputs)
    w65 = w[:, demo.FIRST_65PLUS:]
    online65 = ctx.outputs.get("divide.online_share_65plus")
    if online65 is None:
        online65 = divide.compute(ctx)["divide.online_share_65plus"]
    off65_cf = np.einsum("nta,ka->nkt", path[:, :, demo.FIRST_65PLUS - 1:], w65) * c[:, :, None]
    gained = np.maximum(np.asarray(online65) * w65.sum(axis=1)[None, :, None]
                        - (w65.sum(axis=1)[None, :, None] - off65_cf), 0.0)
    k65 = (k[:, demo.FIRST_65PLUS:] @ w65.T) / w65.sum(axis=1)[None, :]   # mean contacts 65+
    online_contacts = demand_pc - offline_contacts + gained * k65[:, :, None]
    return np.clip(online_contacts / demand_pc, 0.0, 1.0), demand_pc


# ---------------------------------------------------------------------------
# Engine entry point
# ---------------------------------------------------------------------------

def run(ctx: ModelContext) -> dict[str, np.ndarray]:
    years = np.asarray(ctx.years, dtype=int)
    pop = divide._population(ctx).reshape(1, -1, 1)
    rw = divide.rural_weight(ctx).reshape(1, -1, 1)
    k = contact_profile(ctx)
    online, demand_pc = patient_online_share(ctx, k)
    demand = demand_pc * pop                                         # (N, K, 1)

    cap = ctx.param("tele.video_cap")
    s = video_share_path(ctx.param("tele.video_share_2021"), ctx.param("tele.video_share_2030"),
                         cap, years.reshape(1, 1, -1))
    s_eff = np.minimum(s * online, cap)
    video = demand * s_eff
    effects = travel_effects(
        video, ctx.param("tele.followup_share"), _blend(ctx, "tele.distance_km", rw),
        ctx.param("tele.detour_factor"), _blend(ctx, "tele.car_share", rw),
        ctx.param("tele.co2_kg_per_km"), _blend(ctx, "tele.speed_kmh", rw),
        ctx.param("tele.waiting_min"))

    gp10k = ctx.column("gp_per_10k")
    if gp10k is None:
        raise DataError("the Kreis table has no GP density; expected column 'gp_per_10k'",
                        column="gp_per_10k")
    if np.any(~np.isfinite(gp10k) | (gp10k < 0)):
        row = int(np.flatnonzero(~np.isfinite(gp10k.reshape(-1)) | (gp10k.reshape(-1) < 0))[0])
        raise DataError("expected a GP density >= 0 per 10,000 inhabitants", row=row, column="gp_per_10k")
    horizon = ctx.param("tele.gp_decline_year")
    progress = np.clip((years.reshape(1, 1, -1) - VIDEO_BASE_YEAR) / np.maximum(horizon - VIDEO_BASE_YEAR, 1.0),
                       0.0, 1.0)
    gps = gp10k * pop / 10_000.0 * (1.0 - ctx.param("tele.gp_decline_2035") * progress)
    capacity = gps * ctx.param("tele.contacts_per_gp")
    saved = ctx.param("tele.video_time_saved_share")
    workload = demand - video * saved
    gap = np.clip(1.0 - capacity / np.maximum(workload, 1e-9), 0.0, 1.0)
    hours = video * saved * ctx.param("tele.consult_minutes") / 60.0

    shape = np.broadcast_shapes(video.shape, effects["trips_avoided"].shape)
    out = {
        "tele.gp_demand_contacts": demand,
        "tele.video_share_effective": s_eff,
        "tele.video_consults": video,
        "tele.trips_avoided": effects["trips_avoided"],
        "tele.car_km_avoided": effects["car_km_avoided"],
        "tele.co2_avoided_t": effects["co2_avoided_t"],
        "tele.patient_hours_saved": effects["patient_hours_saved"],
        "tele.gp_capacity_gap_share": gap,
        "tele.gp_hours_freed": hours,
    }
    n = max(shape[0], gap.shape[0])
    return {name: np.broadcast_to(v, (n, ctx.n_kreise, len(years))) for name, v in out.items()}
