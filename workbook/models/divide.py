"""Digital divide: offliners by age group, cohort ageing, own uptake and training.

Formulas and their justification: docs/models.md, section "Digitale Spaltung".
In short, per run n and year t (state in 2020 = D21-Digital-Index 2020/21):

* national offline share by age group o[a] moves with the people (a tenth of
  a 10-year group, a fifth of a 5-year group moves up each year; the open 80+
  group is renewed at ``divide.turnover_80plus``), then each group's own
  uptake h[a] (under 60 / 60+, times the scenario factor
  ``ddi.teilhabe.rate_factor``; in 2021 an extra Corona boost calibrated to
  D21 2021/22) takes a share of its offliners online;
* per Kreis: offline share = c[k] * sum_a w[k, a] o[a], with w the Kreis' age
  structure (workbook.models.demography) and c[k] the ratio of the Kreis'
  ``offline_share`` (data or the user's own figure) to the share its age
  structure implies at national rates;
* a training programme for people 65+ reaches min(participants, motivated
  pool) each year, the pool being the motivated share of today's 65+
  offliners minus those already trained without success; a reached person
  stays online with e * (1 - no_device * (1 - lending)) * access, where
  access = broadband + (1 - broadband) * mobile substitution;
* the additional onliners of the programme decay as they would otherwise have
  gone online by themselves (h 60+) or died.

Because the age dynamics are linear and Kreis-independent, the age groups are
computed once per run (N x T x A) and reach the Kreise by one matrix product;
only the training programme runs per (run, Kreis), one vector step per year.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

import numpy as np

from ..errors import DataError
from ..texts import topics as texts
from . import demography as demo
from .base import Indicator, ModelContext, topic_indicator
from .placewise import dot_by_place

if TYPE_CHECKING:
    import pandas as pd

TOPIC = "divide"
#: The D21-Digital-Index 2020/21 describes the state of the model's base year.
BASE_YEAR = 2020

#: Parameter keys of the initial offline shares, one per group 14-19 .. 80+.
OFFLINE_KEYS = (
    "divide.offline_2020.age_14_19", "divide.offline_2020.age_20_29", "divide.offline_2020.age_30_39",
    "divide.offline_2020.age_40_49", "divide.offline_2020.age_50_59", "divide.offline_2020.age_60_69",
    "divide.offline_2020.age_60_69", "divide.offline_2020.age_70_79", "divide.offline_2020.age_80plus",
)


_ind = partial(topic_indicator, TOPIC, texts.LABELS)


INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    _ind("online_share", "1", True),
    _ind("online_share_65plus", "1", True),
    _ind("offliners", "Personen", False),
    _ind("offliners_65plus", "Personen", False),
    _ind("new_onliners_training", "Personen", True),
    _ind("training_cost_eur", "EUR/Jahr", False),
    _ind("cost_per_new_onliner_eur", "EUR/Person", False),
    _ind("pupil_devices_needed", "Geräte", False),
    _ind("pupil_devices_cost_eur", "EUR", False),
)}


# ---------------------------------------------------------------------------
# Building blocks (public: tests and notebooks use them directly)
# ---------------------------------------------------------------------------

def initial_offline(ctx: ModelContext) -> np.ndarray:
    """Offline shares of the groups 14-19 .. 80+ in the base year, shape (N, 9)."""
    cols = [ctx.param(key).reshape(-1) for key in OFFLINE_KEYS]
    n = max(c.shape[0] for c in cols)
    return np.stack([np.broadcast_to(c, (n,)) for c in cols], axis=1)


def age_step(o: np.ndarray, entry: np.ndarray, turnover_80: np.ndarray) -> np.ndarray:
    """One year of ageing of offline shares o (N, 9): a 1/width share of each group is replaced
    by people from the group below (the youngest by new 14-year-olds with share ``entry``;
    the open 80+ group at the rate ``turnover_80``)."""
    widths = demo.WIDTHS[demo.FIRST_14PLUS:]
    g = np.empty_like(o)
    g[:, :-1] = 1.0 / widths[:-1]
    g[:, -1] = turnover_80.reshape(-1)
    below = np.empty_like(o)
    below[:, 0] = entry.reshape(-1)
    below[:, 1:] = o[:, :-1]
    return (1.0 - g) * o + g * below


def national_path(ctx: ModelContext, years: np.ndarray | None = None) -> np.ndarray:
    """Offline shares by age group (14-19 .. 80+) without a programme, shape (N, T, 9)."""
    years = np.asarray(ctx.years if years is None else years, dtype=int)
    if years.size == 0 or years.min() <= BASE_YEAR:
        raise DataError(f"expected projection years after the base year {BASE_YEAR}, "
                        f"found {years.tolist()}", key="years")
    o = initial_offline(ctx)
    n = o.shape[0]
    entry = np.broadcast_to(ctx.param("divide.offline_entry").reshape(-1), (n,))
    turnover = np.broadcast_to(ctx.param("divide.turnover_80plus").reshape(-1), (n,))
    h_young = ctx.param("divide.uptake_under60").reshape(-1, 1)
    h_old = ctx.param("divide.uptake_60plus").reshape(-1, 1)
    boost = ctx.param("divide.uptake_boost_2021").reshape(-1, 1)
    if "ddi.teilhabe.rate_factor" in ctx.p:
        # scenario factor on the pace of online participation (S3: x1.3) speeds up own uptake
        factor = ctx.param("ddi.teilhabe.rate_factor").reshape(-1, 1)
        h_young, h_old = np.minimum(h_young * factor, 1.0), np.minimum(h_old * factor, 1.0)
    old = (demo.MIDPOINTS[demo.FIRST_14PLUS:] >= 60)[None, :]
    h = np.where(old, h_old, h_young)
    h = np.broadcast_to(h, o.shape)
    out = np.empty((n, len(years), o.shape[1]))
    year = BASE_YEAR
    for index, target in enumerate(years):
        while year < target:
            year += 1
            o = age_step(o, entry, turnover)
            keep = 1.0 - h
            if year == BASE_YEAR + 1:
                keep = keep * (1.0 - boost)
            o = o * keep
        out[:, index, :] = o
    return out


def _population(ctx: ModelContext) -> np.ndarray:
    for column in ("population_2019", "population_2018"):
        pop = ctx.column(column)
        if pop is not None:
            bad = ~np.isfinite(pop) | (pop <= 0)
            if bad.any():
                row = int(np.flatnonzero(bad.reshape(-1))[0])
                raise DataError(f"expected a positive population for Kreis "
                                f"{ctx.kreise.iloc[row].get('ags', row)}", row=row, column=column)
            return pop.reshape(-1)
    raise DataError("the Kreis table has no population column; expected 'population_2019'",
                    column="population_2019")


def age_table(ctx: ModelContext):
    """The real age groups per Kreis: ``ctx.extra['kreise_age']`` or the data layer's file, or None."""
    table = ctx.extra.get("kreise_age")
    if table is not None or not ctx.from_data_layer:
        return table
    from .base import data_layer_file
    return data_layer_file("load_kreise_age", "AGE_FILE")


_AGE_CACHE: dict[tuple, np.ndarray] = {}


def _weights(ctx: ModelContext) -> np.ndarray:
    """Age-group shares (K, 10): the Kreis' real age groups where the age table has it, else
    the national structure rescaled to its ``share_65plus``."""
    share = ctx.column("share_65plus")
    if share is not None:
        # refused like before (NaN or outside (0, 1)) even where the real age groups take its place:
        # a broken column means a broken table
        demo.kreis_weights(share.reshape(-1))
    table = age_table(ctx) if "ags" in ctx.kreise.columns else None
    real = None
    if table is not None:
        ags = tuple(ctx.kreis_keys())          # age groups are published per Kreis
        from .digitalisation import _fingerprint
        key = (_fingerprint(table), ags)
        real = _AGE_CACHE.get(key)
        if real is None:
            real = demo.weights_from_age_table(table, list(ags))
            if len(_AGE_CACHE) >= 64:
                _AGE_CACHE.clear()
            _AGE_CACHE[key] = real
        ctx.extra["divide.real_age_rows"] = np.isfinite(real).all(axis=1)
        if np.all(np.isfinite(real)):
            return real
    if share is None and real is None:
        w = demo.kreis_weights(None)
        return np.broadcast_to(w, (ctx.n_kreise, w.shape[1]))
    missing = np.ones(ctx.n_kreise, dtype=bool) if real is None else ~np.isfinite(real).all(axis=1)
    if share is None:
        assert real is not None  # both None returned above
        fallback = np.broadcast_to(demo.kreis_weights(None), (ctx.n_kreise, real.shape[1]))
    else:
        s = share.reshape(-1).copy()
        s[~missing] = 0.5                         # not used: those rows come from the age table
        fallback = demo.kreis_weights(s)
    if real is None:
        return fallback
    return np.where(missing[:, None], fallback, real)


def kreis_factor(ctx: ModelContext, w: np.ndarray, o0: np.ndarray) -> np.ndarray:
    """c[n, k]: Kreis offline share (data) / share implied by its age structure at national rates.

    Clamped to [0.25, 1 / max o0] so that no age group starts above 100 % offline; without an
    ``offline_share`` column the factor is 1."""
    w14 = w[:, demo.FIRST_14PLUS:]
    implied = dot_by_place(o0, w14) / w14.sum(axis=1)[None, :]     # (N, K)
    data = ctx.column("offline_share")
    if data is None:
        return np.ones_like(implied)
    data = data.reshape(1, -1)
    bad = ~np.isfinite(data) | (data < 0) | (data > 1)
    if bad.any():
        row = int(np.flatnonzero(bad.reshape(-1))[0])
        raise DataError(f"expected a share between 0 and 1, found {data.reshape(-1)[row]!r}",
                        row=row, column="offline_share")
    upper = 1.0 / np.maximum(o0.max(axis=1, keepdims=True), 1e-9)
    c = np.clip(data / np.maximum(implied, 1e-9), 0.25, upper)
    # The data layer's offline_share is itself an estimate from age structure x D21 rates by age.
    # Where the Kreis' real age groups are known, that estimate adds nothing and would undo the
    # real age structure: those Kreise keep the national rates by age (c = 1), unless the
    # municipality imported its own figure (a "local" value).
    estimated = estimated_rows(ctx, "offline_share")
    real = ctx.extra.get("divide.real_age_rows")
    if estimated is not None and real is not None:
        c = np.where((estimated & real)[None, :], 1.0, c)
    return c


def estimated_rows(ctx: ModelContext, column: str) -> np.ndarray | None:
    """(K,) True where ``column`` of this table is the data layer's estimate (not a local import);
    None for tables that do not come from the data layer (inline frames)."""
    local = ctx.kreise.attrs.get("local")
    if local is None or "ags" not in ctx.kreise.columns:
        return None
    try:
        from ..data.schema import COLUMNS
    except ImportError:
        return None
    col = COLUMNS.get(column)
    if col is None or getattr(col, "status", None) != "estimate":
        return None
    imported = set(local.get(column, ()))
    return ~np.isin(ctx.kreis_keys().astype(str), sorted(imported))


#: Breitbandatlas threshold of the home connection that keeps a trained person online.
ACCESS_MBIT = 100


def access_factor(ctx: ModelContext) -> np.ndarray:
    """Share of a trained person's usefulness that a home connection allows, (N, K):
    broadband (urban/rural blend by rural_weight) plus mobile substitution for the rest."""
    rw = rural_weight(ctx).reshape(1, -1)
    urban = ctx.param("divide.access.broadband_urban").reshape(-1, 1)
    rural = ctx.param("divide.access.broadband_rural").reshape(-1, 1)
    mobile = ctx.param("divide.access.mobile_substitution").reshape(-1, 1)
    broadband = urban * (1.0 - rw) + rural * rw
    # the Kreis' observed share of households with >= 100 Mbit/s at the end of 2020 (Breitbandatlas)
    from .digitalisation import broadband_share
    observed = broadband_share(ctx, ACCESS_MBIT)
    if observed is not None:
        observed = observed.reshape(1, -1)
        local = np.clip(np.nan_to_num(observed), 0.0, 1.0).astype(broadband.dtype)
        broadband = np.where(np.isfinite(observed), local, broadband)
    return broadband + (1.0 - broadband) * mobile


def rural_weight(ctx: ModelContext) -> np.ndarray:
    """0 (kreisfreie Großstadt) .. 1 (dünn besiedelt), shape (K,); from the data layer when it
    provides ``rural_weight``, else from the settlement type, else 0.5 (documented fallback)."""
    _rw: Callable[[pd.DataFrame], np.ndarray] | None
    try:
        from ..data import rural_weight as _data_rw
        _rw = _data_rw
    except ImportError:
        _rw = None
    if _rw is not None and "settlement_type" in ctx.kreise.columns:
        # the data layer's rule: a row's own ``rural_weight`` (a Gemeinde's), else its settlement type
        rw = np.asarray(_rw(ctx.kreise), dtype=float).reshape(-1)
    elif "rural_weight" in ctx.kreise.columns:
        rw = cast(np.ndarray, ctx.column("rural_weight")).reshape(-1)  # the column exists: never None
    elif "settlement_type" in ctx.kreise.columns:
        mapping = {"kreisfreie_grossstadt": 0.0, "staedtischer_kreis": 1 / 3,
                   "laendlich_verdichtet": 2 / 3, "duenn_besiedelt": 1.0}
        rw = ctx.kreise["settlement_type"].map(mapping).to_numpy(dtype=float)
    else:
        rw = np.full(ctx.n_kreise, 0.5)
    bad = ~np.isfinite(rw) | (rw < 0) | (rw > 1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError("expected a rural weight between 0 and 1 (or a known settlement_type)",
                        row=row, column="rural_weight")
    return rw


# ---------------------------------------------------------------------------
# Engine entry point
# ---------------------------------------------------------------------------

def work_dtype(ctx: ModelContext):
    """float32 when the engine hands over float32 runs (its default), else float64."""
    kinds = {np.asarray(v).dtype for v in ctx.p.values()}
    return np.float32 if kinds and kinds <= {np.dtype(np.float32)} else np.float64


STATE_KEY = "divide.state"


def compute(ctx: ModelContext) -> dict[str, np.ndarray]:
    """All divide outputs, (N, K, T); the per-capita state is kept in ``ctx.extra`` for the
    telemedicine model of the same chunk (key ``divide.state``)."""
    dtype = work_dtype(ctx)
    years = np.asarray(ctx.years, dtype=int)
    pop = _population(ctx)                                         # (K,)
    w = _weights(ctx)                                              # (K, 10)
    w14 = w[:, demo.FIRST_14PLUS:]                                 # (K, 9)
    w65 = w14.copy()
    w65[:, : demo.FIRST_65PLUS - demo.FIRST_14PLUS] = 0.0
    share14 = w14.sum(axis=1)                                      # (K,)
    share65 = w65.sum(axis=1)

    path = national_path(ctx, years)                               # (N, T, 9)
    n, t_len, a_len = path.shape
    k_len = len(pop)
    o0 = initial_offline(ctx)
    c = kreis_factor(ctx, w, o0)                                   # (N, K)
    flat = path.reshape(n * t_len, a_len)
    # offline per inhabitant without a programme, by matrix products over the age groups; the
    # working layout is (N, T, K) (contiguous per year), outputs are (N, K, T) views of it
    flat = flat.astype(dtype)
    off14 = dot_by_place(flat, w14.astype(dtype)).reshape(n, t_len, k_len)
    off14 *= c.astype(dtype)[:, None, :]
    off65 = dot_by_place(flat, w65.astype(dtype)).reshape(n, t_len, k_len)
    off65 *= c.astype(dtype)[:, None, :]

    # training programme (people 65+), one vector step per year on (N, K)
    participants = ctx.param("divide.training.participants").reshape(-1, 1)   # per 10,000 aged 65+
    if (participants < 0).any():
        raise DataError("expected participants >= 0", key="divide.training.participants")
    e = ctx.param("divide.training.conversion").reshape(-1, 1)
    motivated = ctx.param("divide.training.motivated_share").reshape(-1, 1)
    no_device = ctx.param("divide.training.no_device_share").reshape(-1, 1)
    lending = ctx.param("divide.lending.coverage").reshape(-1, 1)
    e_eff = np.clip(e * (1.0 - no_device * (1.0 - lending)) * access_factor(ctx), 0.0, 1.0)   # (N, K)
    unit_cost = (ctx.param("divide.training.cost_per_participant").reshape(-1, 1)
                 + lending * no_device * ctx.param("divide.lending.device_cost_eur").reshape(-1, 1)
                 / ctx.param("divide.lending.loans_per_device").reshape(-1, 1))       # EUR per participant
    decay = ((1.0 - ctx.param("divide.uptake_60plus")) * (1.0 - ctx.param("divide.mortality_65plus"))).reshape(-1, 1)
    reach_pc = participants * share65[None, :] / 10_000.0                             # per inhabitant

    n = max(n, participants.shape[0])
    shape = (n, k_len)
    marginal = (unit_cost / np.maximum(e_eff, 1e-9)).astype(dtype)                  # (N, K)
    if np.any(participants > 0):
        gained_t = np.empty((n, t_len, k_len), dtype=dtype)   # additional onliners per inhabitant
        spent_t = np.empty((n, t_len, k_len), dtype=dtype)    # programme cost per inhabitant
        cpn_t = np.empty((n, t_len, k_len), dtype=dtype)      # cumulative cost / cumulative converts
        gained = np.zeros(shape)
        failed = np.zeros(shape)              # trained, still offline, per inhabitant
        cum_cost = np.zeros(shape)
        cum_conv = np.zeros(shape)
        for i in range(t_len):
            if i > 0:
                factor = decay ** (years[i] - years[i - 1])
                gained *= factor
                failed *= factor
            pool = off65[:, i, :] - gained
            pool *= motivated
            pool -= failed
            np.maximum(pool, 0.0, out=pool)
            reached = np.minimum(reach_pc, pool)      # never more than the motivated offliners
            converted = e_eff * reached
            gained += converted
            failed += reached
            failed -= converted
            gained_t[:, i, :] = gained
            spent = np.multiply(reached, unit_cost, out=reached)
            spent_t[:, i, :] = spent
            cum_cost += spent
            cum_conv += converted
            cpn_t[:, i, :] = np.where(cum_conv > 1e-15, cum_cost / np.maximum(cum_conv, 1e-15), marginal)
        off14 -= gained_t
        off65 -= gained_t
    else:
        gained_t = spent_t = np.broadcast_to(np.zeros((1, 1, 1), dtype=dtype), (n, t_len, k_len))
        cpn_t = np.broadcast_to(marginal[:, None, :], (n, t_len, k_len))
    popk = pop.astype(dtype)[None, None, :]

    offline14 = np.maximum(off14, 0.0, out=off14)
    offline65 = np.maximum(off65, 0.0, out=off65)
    online14 = offline14 * (-1.0 / share14).astype(dtype)[None, None, :]
    online14 += 1.0
    online65 = offline65 * (-1.0 / share65).astype(dtype)[None, None, :]
    online65 += 1.0

    def nkt(x):
        return x.astype(dtype, copy=False).transpose(0, 2, 1)

    # pupils without an own device (scaled by the Kreis' share of young people)
    young = w[:, 0] + w[:, 1]
    young_nat = demo.national_shares()[:2].sum()
    pupils = ctx.param("divide.pupils.per_inhabitant") * (pop * young / young_nat)[None, :, None]
    need = ctx.param("divide.pupils.no_device_share") + ctx.param("divide.pupils.sharing_share")
    devices = (pupils * need).astype(dtype)
    full = (n, k_len, t_len)
    gained_out = nkt(gained_t)
    ctx.extra[STATE_KEY] = {"kreise": ctx.kreise, "gained_pc": gained_out, "c": c, "path": path, "w": w}
    return {
        "divide.online_share": nkt(online14),
        "divide.online_share_65plus": nkt(online65),
        "divide.offliners": nkt(offline14 * popk),
        "divide.offliners_65plus": nkt(offline65 * popk),
        "divide.new_onliners_training": nkt(gained_t * popk),
        "divide.training_cost_eur": nkt(spent_t * popk),
        "divide.cost_per_new_onliner_eur": nkt(cpn_t),
        "divide.pupil_devices_needed": np.broadcast_to(devices, full),
        "divide.pupil_devices_cost_eur": np.broadcast_to(
            devices * ctx.param("divide.lending.device_cost_eur").astype(dtype), full),
    }


def state(ctx: ModelContext) -> dict:
    """The per-capita state of the divide model for this chunk (computed if not cached)."""
    cached = ctx.extra.get(STATE_KEY)
    if cached is None or cached.get("kreise") is not ctx.kreise:
        compute(ctx)
        cached = ctx.extra[STATE_KEY]
    return cached


def run(ctx: ModelContext) -> dict[str, np.ndarray]:
    """Model contract: (N, K, T) arrays for every indicator in INDICATORS."""
    out = compute(ctx)
    return {name: out[name] for name in INDICATORS}


# ---------------------------------------------------------------------------
# Offliners by age group for one Kreis (notebook 02, report)
# ---------------------------------------------------------------------------

#: Projection years of the age profile when none are given (the engine's 2021..2030).
PROFILE_YEARS = np.arange(2021, 2031)


def _one_kreis(kreis) -> pd.DataFrame:
    """A one-row Kreis table from an AGS, a Series (one row of ``load_kreise()``) or a one-row frame."""
    import pandas as pd

    from ..ags import kreis_key
    from ..errors import SelectionError

    if isinstance(kreis, pd.DataFrame):
        table = kreis
    elif isinstance(kreis, pd.Series):
        table = kreis.to_frame().T
    elif isinstance(kreis, str):
        from ..data import load_kreise

        code = kreis_key(kreis)     # the one AGS rule: a Gemeinde, Land or non-key is refused naming why
        known = load_kreise()
        table = known.loc[known["ags"].astype(str) == code]
        if table.empty:
            raise SelectionError(f"unknown AGS {kreis!r}; expected the 5-digit key of one of the Kreise",
                                 key="ags")
    else:
        raise SelectionError(f"expected an AGS or one row of the Kreis table, found {type(kreis).__name__}",
                             key="ags")
    if len(table) != 1:
        raise SelectionError(f"expected exactly one Kreis, found {len(table)} rows", key="ags")
    return table.reset_index(drop=True)


def offliners_by_age(kreis, values, years=None) -> pd.DataFrame:
    """Offliners by age group and year for one Kreis at one resolved parameter set.

    ``kreis``: an AGS or one row of the Kreis table; ``values``: the resolved values of a
    scenario (``ParameterSet.resolve(scenario, overrides)``); ``years``: projection years
    (default 2021..2030). Deterministic: the engine's ``default`` run, not a median.

    The numbers come from :func:`compute` itself (the same cohort ageing, uptake, Kreis factor
    and training programme; its per-capita state holds the national path by age group, the
    Kreis factor and the programme's onliners), split by age group before the sum over the
    groups that ``compute`` forms with a matrix product: offline per inhabitant in group a =
    c[k] * o[t, a] * w[k, a]. The programme's additional onliners (people 65+) are taken from
    the groups 65-69, 70-79 and 80+ in proportion to their offliners (the programme reaches the
    motivated share of every 65+ group alike). So the groups add up to ``divide.offliners``.

    Returns a long frame: ``ags``, ``age_group`` (``demography.GROUPS`` from 14-19),
    ``year``, ``offliners`` (persons), ``offline_share`` (of the people in the group).
    """
    import pandas as pd

    from ..errors import ParameterError

    table = _one_kreis(kreis)
    years = np.asarray(PROFILE_YEARS if years is None else years, dtype=int).reshape(-1)
    if years.size == 0 or np.any(np.diff(years) <= 0):
        raise DataError(f"expected increasing projection years, found {years.tolist()}", key="years")
    p = {}
    for key, value in dict(values).items():
        try:
            p[key] = np.full((1, 1, 1), float(value))
        except (TypeError, ValueError):
            raise ParameterError(f"expected a number, found {value!r}", key=str(key)) from None
    ctx = ModelContext(kreise=table, years=years, p=p)
    st = state(ctx)
    pop = float(_population(ctx)[0])
    path = np.asarray(st["path"], dtype=float)[0]                  # (T, 9) national offline shares
    c = float(np.asarray(st["c"], dtype=float)[0, 0])             # Kreis factor
    w14 = np.asarray(st["w"], dtype=float)[0, demo.FIRST_14PLUS:]  # (9,) age shares of the Kreis
    gained = np.asarray(st["gained_pc"], dtype=float)[0, 0, :]     # (T,) programme onliners per inhabitant
    per_capita = c * path * w14[None, :]                           # offline per inhabitant, by group
    old = slice(demo.FIRST_65PLUS - demo.FIRST_14PLUS, None)
    before = per_capita[:, old].sum(axis=1)
    keep = np.clip(1.0 - gained / np.maximum(before, 1e-15), 0.0, 1.0)
    per_capita[:, old] *= keep[:, None]
    groups = demo.GROUPS[demo.FIRST_14PLUS:]
    t_len, a_len = per_capita.shape
    offliners = per_capita * pop
    return pd.DataFrame({
        "ags": str(table["ags"].iloc[0]) if "ags" in table.columns else "",
        "age_group": np.tile(np.array(groups, dtype=object), t_len),
        "year": np.repeat(years, a_len),
        "offliners": offliners.reshape(-1),
        "offline_share": (per_capita / np.maximum(w14[None, :], 1e-15)).reshape(-1),
    })
