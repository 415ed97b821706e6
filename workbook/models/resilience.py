"""Crisis resilience: a lockdown stress test and a cyber-attack stress test per Kreis and year.

Formulas and their justification: docs/models.md, section "Krisenfestigkeit".

Lockdown (one aggregate administrative service, weights v_k = 1):
    f = o * u + (1 - o * u) * rho          citizens' side: online services o reach online citizens u,
                                           the rest goes on in person at the fallback rate rho
    b = w * pi + (1 - w) * rho_staff       back office: remote staff w at productivity pi
    C = min(f, b)                          continuity; weekly backlog = cases / 52 * (1 - C)

Cyber attack (IT down for D days, then linear recovery over R days):
    phi = paper * ((1 - o) + o * bcm)      services with a paper fallback go on at ``paper``;
                                           digital ones only where an emergency procedure exists
    lost = D * (1 - phi) + R * (1 - phi) / 2   service-days lost (full-load equivalents)
    continuity = 1 - lost / (D + R)

o = ``ddi.verw``, w = ``ddi.arbeit``, u = ``divide.online_share`` (or ``ddi.teilhabe``) from
the models run before; without them (a stand-alone call) o and w follow the plain logistic
of their ``ddi.*`` parameters and u comes from the divide model.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ..texts import topics as texts
from . import divide
from .base import Indicator, ModelContext, topic_indicator

TOPIC = "resilience"
#: First year of the DDI curves (their start values describe 2021).
DDI_BASE_YEAR = 2021


_ind = partial(topic_indicator, TOPIC, texts.LABELS)


INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    _ind("lockdown_continuity", "1", True),
    _ind("lockdown_backlog_weekly", "Vorgänge/Woche", False),
    _ind("cyber_continuity", "1", True),
    _ind("cyber_service_days_lost", "Tage", False),
    _ind("cyber_cases_lost", "Vorgänge", False),
)}


def ddi_fallback(ctx: ModelContext, sub: str) -> np.ndarray:
    """Plain logistic of the DDI sub-index ``sub`` from its parameters, (N, 1, T).

    Used only when the digitalisation model has not run; it leaves out the strategy
    acceleration, the rural start gap and crisis shocks of the full model."""
    x0 = np.clip(ctx.param(f"ddi.{sub}.start"), 1e-6, None)
    ceiling = ctx.param(f"ddi.{sub}.ceiling")
    if f"ddi.{sub}.ceiling_shift" in ctx.p:
        ceiling = ceiling + ctx.param(f"ddi.{sub}.ceiling_shift")
    ceiling = np.clip(ceiling, 1e-6, 1.0)
    x0 = np.minimum(x0, ceiling * 0.999)
    rate = ctx.param(f"ddi.{sub}.rate")
    if f"ddi.{sub}.rate_factor" in ctx.p:
        rate = rate * ctx.param(f"ddi.{sub}.rate_factor")
    t = ctx.year_axis() - DDI_BASE_YEAR
    return ceiling / (1.0 + (ceiling - x0) / x0 * np.exp(-rate * t))


def _share(ctx: ModelContext, names: tuple[str, ...], fallback) -> np.ndarray:
    for name in names:
        if name in ctx.outputs:
            arr = np.asarray(ctx.outputs[name])
            if not np.issubdtype(arr.dtype, np.floating):
                arr = arr.astype(float)
            return np.clip(arr, 0.0, 1.0)           # in the model's own dtype: no float64 round trip
    return np.clip(fallback(), 0.0, 1.0)


def lockdown(o, u, w, rho, rho_staff, productivity) -> np.ndarray:
    """Continuity C = min(f, b) of the lockdown stress test (all arguments broadcast)."""
    reach = o * u
    citizens = reach + (1.0 - reach) * rho
    back_office = w * productivity + (1.0 - w) * rho_staff
    return np.minimum(citizens, back_office)


def cyber_loss_until(day, outage_days, recovery_days):
    """Service-days lost per unit of shortfall (1 - phi) from the attack (day 0) to ``day``.

    The shortfall is full during the outage and falls linearly to zero over the recovery, so
    this is the integral of that profile: min(day, D) + r - r^2 / (2 R), r = clip(day - D, 0, R).
    At day D + R it is D + R / 2, the aggregate of :func:`cyber` and ``run``."""
    day = np.asarray(day, dtype=float) if not isinstance(day, np.ndarray) else day
    down = np.minimum(day, outage_days)
    ramp = np.clip(day - outage_days, 0.0, recovery_days)
    return down + ramp - ramp * ramp / (2.0 * np.maximum(recovery_days, 1e-12))


def cyber_span(outage_days, recovery_days):
    """Service-days lost per unit of shortfall over the whole attack window: D + R / 2."""
    return cyber_loss_until(outage_days + recovery_days, outage_days, recovery_days)


def cyber_phi(o, paper, bcm):
    """Capacity during the outage: paper services at ``paper``, digital ones only with a BCM procedure."""
    return paper * ((1.0 - o) + o * bcm)


def cyber(o, paper, bcm, outage_days, recovery_days) -> tuple[np.ndarray, np.ndarray]:
    """(service-days lost, continuity over the attack window) of the cyber stress test."""
    phi = cyber_phi(o, paper, bcm)
    lost = cyber_span(outage_days, recovery_days) * (1.0 - phi)
    window = np.maximum(outage_days + recovery_days, 1e-9)
    return lost, 1.0 - lost / window


def run(ctx: ModelContext) -> dict[str, np.ndarray]:
    dtype = divide.work_dtype(ctx)
    o = _share(ctx, ("ddi.verw",), lambda: ddi_fallback(ctx, "verw")).astype(dtype, copy=False)
    w = _share(ctx, ("ddi.arbeit",), lambda: ddi_fallback(ctx, "arbeit")).astype(dtype, copy=False)
    u = _share(ctx, ("divide.online_share", "ddi.teilhabe"),
               lambda: divide.compute(ctx)["divide.online_share"]).astype(dtype, copy=False)
    rho = ctx.param("resilience.fallback_in_person").astype(dtype)
    # citizens' side f = rho + o u (1 - rho); back office b = rho_staff + w (pi - rho_staff)
    continuity = o * u
    continuity *= (1.0 - rho)
    continuity += rho
    staff = ctx.param("resilience.fallback_staff")
    back = w * (ctx.param("resilience.remote_productivity") - staff).astype(dtype)
    back += staff.astype(dtype)
    np.minimum(continuity, back, out=continuity)
    cases = ctx.param("resilience.cases_per_inhabitant") * divide._population(ctx).reshape(1, -1, 1)
    backlog = continuity * (-cases / 52.0).astype(dtype)
    backlog += (cases / 52.0).astype(dtype)
    # cyber: 1 - phi = 1 - paper + paper (1 - bcm) o; lost = (D + R / 2) (1 - phi)
    paper = ctx.param("resilience.cyber.paper_fallback")
    bcm = ctx.param("resilience.cyber.bcm_share")
    outage = ctx.param("resilience.cyber.outage_days")
    recovery = ctx.param("resilience.cyber.recovery_days")
    span = cyber_span(outage, recovery)
    lost = o * (span * paper * (1.0 - bcm)).astype(dtype)
    lost += (span * (1.0 - paper)).astype(dtype)
    window = np.maximum(outage + recovery, 1e-9)
    cyber_cont = lost * (-1.0 / window).astype(dtype)
    cyber_cont += 1.0
    out = {
        "resilience.lockdown_continuity": continuity,
        "resilience.lockdown_backlog_weekly": backlog,
        "resilience.cyber_continuity": cyber_cont,
        "resilience.cyber_service_days_lost": lost,
        "resilience.cyber_cases_lost": lost * (cases / 365.0).astype(dtype),
    }
    n = max(v.shape[0] for v in out.values())
    shape = (n, ctx.n_kreise, len(ctx.years))
    return {name: np.broadcast_to(v, shape) for name, v in out.items()}


#: Phases of the day-by-day curve (column ``phase`` of :func:`cyber_curve`).
PHASES = ("outage", "recovery", "normal")
CYBER_KEYS = ("resilience.cyber.paper_fallback", "resilience.cyber.bcm_share",
              "resilience.cyber.outage_days", "resilience.cyber.recovery_days",
              "resilience.cases_per_inhabitant")


def cyber_curve(values, verw_share: float, population: float, days: int | None = None):
    """Day-by-day capacity and backlog after a cyber attack, for one Kreis, scenario and year.

    ``values``: the scenario's resolved parameters (the same keys the aggregate stress test
    reads); ``verw_share``: the share of services fully online (``ddi.verw``) of that Kreis,
    scenario and year; ``population``: the Kreis' inhabitants. ``days``: length of the curve
    (default: the attack window D + R, rounded up, plus 14 days of normal operation).

    Day d covers the time from d - 1 to d after the attack. ``capacity_share`` is the average
    share of normal output on that day, 1 - (1 - phi) * (L(d) - L(d - 1)) with
    L = :func:`cyber_loss_until`, so the days' losses add up exactly to the aggregate
    ``resilience.cyber_service_days_lost`` (D + R / 2) (1 - phi). ``backlog_cases`` counts the
    cases left undone up to the end of day d (cases per inhabitant and year / 365 per day); the
    model has no catch-up, so it ends at ``resilience.cyber_cases_lost``. ``phase``: outage,
    recovery or normal (by the end of the day).
    """
    import pandas as pd

    from ..errors import ParameterError

    got = {}
    for key in CYBER_KEYS:
        try:
            got[key] = float(values[key])
        except KeyError:
            raise ParameterError("parameter missing; expected the scenario's resolved values", key=key) from None
        except (TypeError, ValueError):
            raise ParameterError(f"expected a number, found {values[key]!r}", key=key) from None
        if not np.isfinite(got[key]) or got[key] < 0:
            raise ParameterError(f"expected a number >= 0, found {values[key]!r}", key=key)
    o = float(verw_share)
    if not 0.0 <= o <= 1.0:
        raise ParameterError(f"expected a share between 0 and 1, found {verw_share!r}", key="ddi.verw")
    population = float(population)
    if not population > 0 or not np.isfinite(population):
        raise ParameterError(f"expected a positive population, found {population!r}", key="population")
    outage = got["resilience.cyber.outage_days"]
    recovery = got["resilience.cyber.recovery_days"]
    if days is None:
        days = int(np.ceil(outage + recovery)) + 14
    if isinstance(days, bool) or int(days) != days or not 1 <= int(days) <= 5000:
        raise ParameterError(f"expected a whole number of days between 1 and 5000, found {days!r}", key="days")
    day = np.arange(1, int(days) + 1, dtype=float)
    phi = float(cyber_phi(o, got["resilience.cyber.paper_fallback"], got["resilience.cyber.bcm_share"]))
    cumulative = cyber_loss_until(day, outage, recovery) * (1.0 - phi)       # service-days lost by day d
    lost = np.diff(cumulative, prepend=0.0)
    per_day = got["resilience.cases_per_inhabitant"] * population / 365.0
    phase = np.where(day <= outage, PHASES[0], np.where(day < outage + recovery, PHASES[1], PHASES[2]))
    out = pd.DataFrame({"day": day.astype(int), "capacity_share": 1.0 - lost,
                        "backlog_cases": cumulative * per_day, "phase": phase})
    out.attrs.update({"outage_days": outage, "recovery_days": recovery, "phi": phi,
                      "service_days_lost": float(cyber_span(outage, recovery) * (1.0 - phi)),
                      "cases_per_day": per_day})
    return out
