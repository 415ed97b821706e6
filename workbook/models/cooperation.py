"""Regional cooperation: one shared (IT) service, cluster costs, partner suggestion, fair split.

Formulas and their justification: docs/models.md, section "Regionale Kooperation".

    alone:   C_i = F + v n_i
    shared:  C_S = F (1 + lambda) + (1 + eta) v sum n_i + tau N (N - 1) / 2 + M N / L
    simple split:   p_i = (C_S - (1 + eta) v sum n) / N + (1 + eta) v n_i
                    (the non-population part equally, the rest by population)
    adjusted split: members with p_i > C_i pay C_i; the excess goes to the others in
                    proportion to their slack C_j - p_j, which is possible exactly when
                    the cluster saves money as a whole (sum C_i >= C_S)
    N* = sqrt(2 F (1 + lambda) / tau)   the size that minimises the cost per similar member

Partner suggestion (``prepare``/``plan_clusters``): start with every Kreis alone; merge
greedily the pair of neighbouring clusters (shared border, same Land) with the largest
saving, up to ``coop.max_cluster_size`` members, while the saving is positive. Clusters
stay contiguous because only neighbours merge. The plan is made once at the scenario's
resolved values; ``run`` then prices it for every Monte Carlo draw.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from ..errors import DataError, ParameterError, SelectionError
from ..texts import topics as texts
from .base import Indicator, ModelContext, topic_indicator

TOPIC = "coop"
MAX_CURVE_MEMBERS = 401          # a cost curve never needs more members than there are Kreise
SERVICES = ("registry_office", "it", "procurement", "hr", "finance")
#: The Kreis columns ``prepare`` reads: the engine caches plans by a hash of these (and the
#: ``coop.*`` values), so an edit of any other column does not recompute the plan.
PLAN_COLUMNS = ("ags", "land_ags", "population_2019", "population_2018")
#: the Gemeinde columns the Gemeinde plan reads (``gemeinde_plan_table``)
GEMEINDE_PLAN_COLUMNS = ("ags", "kreis_ags", "mittelbereich_key", "population_2019")
COST_KEYS = ("coop.fixed_cost_eur", "coop.cost_per_inhabitant_eur", "coop.shared_premium",
             "coop.coordination_eur", "coop.efficiency_penalty", "coop.migration_eur",
             "coop.migration_years")


_ind = partial(topic_indicator, TOPIC, texts.LABELS)


INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    _ind("cluster_size", "Mitglieder", True),
    _ind("cost_alone_eur", "EUR/Jahr", False),
    _ind("cost_shared_eur", "EUR/Jahr", False),
    _ind("saving_eur", "EUR/Jahr", True),
    _ind("saving_share", "1", True),
)}


# ---------------------------------------------------------------------------
# Cost formulas (numpy, broadcast over any shapes)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Costs:
    """The cost parameters of one run (floats) or of many runs (arrays that broadcast)."""

    F: float | np.ndarray
    v: float | np.ndarray
    lam: float | np.ndarray
    tau: float | np.ndarray
    eta: float | np.ndarray
    M: float | np.ndarray
    L: float | np.ndarray

    @classmethod
    def from_values(cls, values: Mapping[str, object]) -> Costs:
        missing = [k for k in COST_KEYS if k not in values]
        if missing:
            raise ParameterError("parameter missing; expected a record in scenarios/parameters/coop.yml",
                                 key=missing[0])
        get = {k: np.asarray(values[k], dtype=float) for k in COST_KEYS}
        if np.any(get["coop.migration_years"] <= 0):
            raise ParameterError("expected at least one year to spread the migration cost over",
                                 key="coop.migration_years")
        for key in COST_KEYS:
            if not np.all(np.isfinite(get[key])):
                raise ParameterError("expected a finite number, found NaN or infinity", key=key)
            if np.any(get[key] < 0):
                raise ParameterError("expected a value >= 0", key=key)
        return cls(get["coop.fixed_cost_eur"], get["coop.cost_per_inhabitant_eur"], get["coop.shared_premium"],
                   get["coop.coordination_eur"], get["coop.efficiency_penalty"], get["coop.migration_eur"],
                   get["coop.migration_years"])

    def alone(self, n):
        return self.F + self.v * np.asarray(n, dtype=float)

    def shared(self, members, population):
        """Cost of a cluster of ``members`` with total ``population``; a single member pays alone."""
        members = np.asarray(members, dtype=float)
        cluster = (self.F * (1.0 + self.lam) + (1.0 + self.eta) * self.v * population
                   + self.tau * members * (members - 1.0) / 2.0 + self.M * members / self.L)
        return np.where(members > 1, cluster, self.alone(population))

    def optimal_size(self):
        """N* = sqrt(2 F (1 + lambda) / tau): the size minimising the cost per similar member."""
        tau = np.maximum(self.tau, 1e-9)
        return np.sqrt(2.0 * self.F * (1.0 + self.lam) / tau)


def split(costs: Costs, pops: np.ndarray, mask: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Simple and adjusted split of a cluster's cost over its members (last axis = members).

    ``pops`` (..., S) member populations, ``mask`` (..., S) True for real members (padding
    False). Returns alone, simple, adjusted payments (..., S) and ``feasible`` (...,): whether
    no member needs to pay more than alone (the cluster saves as a whole)."""
    pops = np.asarray(pops, dtype=float)
    mask = np.ones(pops.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    pops = np.where(mask, pops, 0.0)
    size = mask.sum(axis=-1, keepdims=True).astype(float)
    total = pops.sum(axis=-1, keepdims=True)
    var_rate = (1.0 + costs.eta) * costs.v
    shared = costs.shared(size, total)                               # (..., 1)
    fixed = shared - np.where(size > 1, var_rate * total, costs.v * total)
    per_head = np.where(size > 1, var_rate, costs.v)
    simple = np.where(mask, fixed / np.maximum(size, 1.0) + per_head * pops, 0.0)
    alone = np.where(mask, costs.alone(pops), 0.0)
    excess = np.maximum(simple - alone, 0.0)
    slack = np.maximum(alone - simple, 0.0)
    excess_sum = excess.sum(axis=-1, keepdims=True)
    slack_sum = slack.sum(axis=-1, keepdims=True)
    feasible = excess_sum <= slack_sum * (1.0 + 1e-12) + 1e-9
    share = np.divide(slack, slack_sum, out=np.zeros(np.broadcast_shapes(slack.shape, slack_sum.shape)),
                      where=slack_sum > 0)
    adjusted = np.where(feasible, np.minimum(simple, alone) + excess_sum * share, simple)
    adjusted = np.where(mask, adjusted, 0.0)
    return {"alone": alone, "simple": simple, "adjusted": adjusted, "feasible": feasible[..., 0],
            "shared": shared[..., 0]}


# ---------------------------------------------------------------------------
# Partner suggestion on the neighbour graph
# ---------------------------------------------------------------------------

def _population(kreise: pd.DataFrame) -> pd.Series:
    for column in ("population_2019", "population_2018"):
        if column in kreise.columns:
            pop = pd.to_numeric(kreise[column], errors="coerce")
            bad = ~np.isfinite(pop.to_numpy(dtype=float)) | (pop.to_numpy(dtype=float) <= 0)
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise DataError("expected a positive population", row=row, column=column,
                                key=str(kreise["ags"].iloc[row]))
            return pd.Series(pop.to_numpy(dtype=float), index=kreise["ags"].astype(str))
    raise DataError("the Kreis table has no population column; expected 'population_2019'",
                    column="population_2019")


def _max_size(values: Mapping[str, float]) -> int:
    if "coop.max_cluster_size" not in values:
        raise ParameterError("parameter missing; expected a record in scenarios/parameters/coop.yml",
                             key="coop.max_cluster_size")
    size = int(round(float(np.asarray(values["coop.max_cluster_size"]).reshape(-1)[0])))
    if size < 1:
        raise ParameterError(f"expected a maximum cluster size >= 1, found {size}", key="coop.max_cluster_size")
    return size


def _scalar_values(values: Mapping[str, object]) -> dict[str, float]:
    out = {}
    for key, value in values.items():
        try:
            arr = np.asarray(value, dtype=float).reshape(-1)
        except (TypeError, ValueError, OverflowError):
            raise ParameterError(f"expected a number, found {str(value)[:40]!r}", key=str(key)) from None
        if arr.size == 0 or not np.isfinite(arr[0]):
            raise ParameterError(f"expected a finite number, found {str(value)[:40]!r}", key=str(key))
        out[key] = float(arr[0])
    return out


def plan_clusters(kreise: pd.DataFrame, neighbours: pd.DataFrame, values: Mapping[str, float],
                  max_size: int | None = None) -> pd.DataFrame:
    """Greedy contiguous clusters within each Land: DataFrame[ags, cluster, cluster_size, population].

    ``cluster`` is the smallest AGS of the cluster (stable across runs)."""
    values = _scalar_values(values)
    costs = Costs.from_values(values)
    limit = _max_size(values) if max_size is None else int(max_size)
    if limit < 1:
        raise ParameterError(f"expected a maximum cluster size >= 1, found {limit}", key="max_size")
    if "ags" not in kreise.columns or "land_ags" not in kreise.columns:
        raise DataError("the Kreis table needs the columns 'ags' and 'land_ags'", column="land_ags")
    ags = kreise["ags"].astype(str).tolist()
    pop = _population(kreise)
    land = dict(zip(ags, kreise["land_ags"].astype(str)))
    members: dict[str, tuple[str, ...]] = {a: (a,) for a in ags}
    total = {a: float(pop[a]) for a in ags}
    adjacent: dict[str, set[str]] = {a: set() for a in ags}
    for col in ("ags_a", "ags_b"):
        if col not in neighbours.columns:
            raise DataError("the neighbour table needs the columns 'ags_a' and 'ags_b'", column=col)
    for a, b in zip(neighbours["ags_a"].astype(str), neighbours["ags_b"].astype(str)):
        if a in land and b in land and a != b and land[a] == land[b]:
            adjacent[a].add(b)
            adjacent[b].add(a)

    def cost(cid: str) -> float:
        return float(costs.shared(len(members[cid]), total[cid]))

    def gain(x: str, y: str) -> float:
        merged = float(costs.shared(len(members[x]) + len(members[y]), total[x] + total[y]))
        return cost(x) + cost(y) - merged

    heap: list[tuple[float, str, str, int, int]] = []
    version = {a: 0 for a in ags}

    def push(x: str, y: str) -> None:
        if len(members[x]) + len(members[y]) > limit:
            return
        g = gain(x, y)
        if g > 0:
            lo, hi = sorted((x, y))
            heapq.heappush(heap, (-g, lo, hi, version[lo], version[hi]))

    for a in ags:
        for b in adjacent[a]:
            if a < b:
                push(a, b)
    while heap:
        _, x, y, vx, vy = heapq.heappop(heap)
        if x not in members or y not in members or version[x] != vx or version[y] != vy:
            continue
        keep, gone = sorted((x, y))
        members[keep] = tuple(sorted(members[keep] + members[gone]))
        total[keep] += total.pop(gone)
        del members[gone]
        adjacent[keep] = (adjacent[keep] | adjacent.pop(gone)) - {keep, gone}
        del version[gone]
        for other in adjacent[keep]:
            adjacent[other].discard(gone)
            adjacent[other].add(keep)
        version[keep] += 1
        for other in adjacent[keep]:
            version.setdefault(other, 0)
            push(keep, other)
    rows = []
    for cid, group in members.items():
        for member in group:
            rows.append((member, cid, len(group), float(pop[member])))
    out = pd.DataFrame(rows, columns=["ags", "cluster", "cluster_size", "population"])
    return out.sort_values("ags").reset_index(drop=True)


@dataclass(frozen=True)
class CoopPlan:
    """The cluster plan of one scenario: which Kreis shares with whom (made at resolved values)."""

    table: pd.DataFrame          # ags, cluster, cluster_size, population
    max_size: int
    # built by __post_init__: row of each AGS, and the padded (pops, mask, pos) arrays
    _row: dict[str, int] = field(init=False, repr=False, compare=False)
    _arrays: tuple[np.ndarray, np.ndarray, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # member populations of every Kreis' cluster, padded: built once, looked up per chunk
        ags = self.table["ags"].astype(str).tolist()
        width = max(1, int(self.table["cluster_size"].max())) if len(ags) else 1
        pops = np.zeros((len(ags), width))
        mask = np.zeros((len(ags), width), dtype=bool)
        pos = np.zeros(len(ags), dtype=int)
        for _, group in self.table.groupby("cluster", sort=False):
            rows = group.index.to_numpy()
            values = group["population"].to_numpy(dtype=float)
            for j, row in enumerate(rows):
                pops[row, : len(values)] = values
                mask[row, : len(values)] = True
                pos[row] = j
        object.__setattr__(self, "_row", {a: i for i, a in enumerate(ags)})
        object.__setattr__(self, "_arrays", (pops, mask, pos))

    def member_arrays(self, ags: Iterable[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each Kreis in ``ags``: its cluster's member populations (K, S) padded with 0,
        the mask of real members, and the Kreis' own position in its row."""
        rows = []
        for a in ags:
            row = self._row.get(str(a))
            if row is None:
                raise SelectionError("Kreis not in the cooperation plan; expected a Kreis of the base data",
                                     key=str(a))
            rows.append(row)
        pops, mask, pos = self._arrays
        return pops[rows], mask[rows], pos[rows]


def prepare(kreise_all: pd.DataFrame, neighbours: pd.DataFrame, values: Mapping[str, float]) -> CoopPlan:
    """Engine hook: the cluster plan for all Kreise at the scenario's resolved values."""
    table = plan_clusters(kreise_all, neighbours, values)
    return CoopPlan(table=table, max_size=_max_size(_scalar_values(values)))


def gemeinde_plan_table(gemeinden: pd.DataFrame, neighbours: pd.DataFrame, values: Mapping[str, float],
                        mittelbereiche: Iterable[str] | None = None) -> pd.DataFrame:
    """Clusters of Gemeinden: greedy contiguous clusters of neighbouring Gemeinden within one
    Mittelbereich (BBSR), by the same rule and cap as the Kreise's (``plan_clusters``).

    Why the Mittelbereich: it is the area a Mittelzentrum supplies with services of elevated
    need (Landesplanung, BBSR); its Gemeinden already share schools, clinics and offices, and it
    lies within one Land and one planning region, so a joint IT service or Bürgerbüro does not
    cross a boundary that Kommunalrecht makes hard (the four Mittelbereiche that reach across a
    Land border are split at it). A Gemeindeverband (Amt, Verbandsgemeinde)
    often shares its administration already; the Mittelbereich holds the Verbände around one
    centre. ``mittelbereiche`` limits the plan to those areas (clusters never cross them).
    Columns: ags, cluster, cluster_size, population, as ``plan_clusters``."""
    for col in GEMEINDE_PLAN_COLUMNS:
        if col not in gemeinden.columns:
            raise DataError(f"the Gemeinde table needs the column {col!r}", column=col)
    area = gemeinden["mittelbereich_key"].astype("string").fillna(gemeinden["kreis_ags"].astype("string"))
    chosen = gemeinden if mittelbereiche is None else gemeinden[area.isin(set(mittelbereiche)).to_numpy()]
    area = area.loc[chosen.index]
    # four Mittelbereiche reach across a Land border: a cluster stays within the Mittelbereich and the Land
    within = area.astype(str) + "/" + chosen["ags"].astype(str).str[:2]
    frame = pd.DataFrame({"ags": chosen["ags"].astype(str).to_numpy(), "land_ags": within.to_numpy(),
                          "population_2019": chosen["population_2019"].to_numpy(dtype=float)})
    members = set(frame["ags"])
    pairs = neighbours[neighbours["ags_a"].astype(str).isin(members) & neighbours["ags_b"].astype(str).isin(members)]
    return plan_clusters(frame, pairs, values)


def with_gemeinden(plan: CoopPlan, gemeinde_table: pd.DataFrame) -> CoopPlan:
    """The Kreise's plan with Gemeinde clusters added (their keys and cluster ids have 8 digits).

    The same plan as ``CoopPlan(table=<both tables>)``, but the Kreise's padded arrays are taken
    from ``plan`` instead of being grouped again for every Gemeinde report (no cluster spans both
    tables: a Kreis cluster id has 5 digits, a Gemeinde one 8)."""
    table = pd.concat([plan.table, gemeinde_table], ignore_index=True)
    extra = CoopPlan(table=gemeinde_table.reset_index(drop=True), max_size=plan.max_size)
    (p1, m1, o1), (p2, m2, o2) = plan._arrays, extra._arrays
    width = max(p1.shape[1], p2.shape[1])
    n1 = len(p1)
    pops = np.zeros((n1 + len(p2), width))
    mask = np.zeros((n1 + len(p2), width), dtype=bool)
    pops[:n1, :p1.shape[1]], pops[n1:, :p2.shape[1]] = p1, p2
    mask[:n1, :m1.shape[1]], mask[n1:, :m2.shape[1]] = m1, m2
    joined = object.__new__(CoopPlan)
    object.__setattr__(joined, "table", table)
    object.__setattr__(joined, "max_size", plan.max_size)
    object.__setattr__(joined, "_row", {**plan._row, **{a: n1 + i for a, i in extra._row.items()}})
    object.__setattr__(joined, "_arrays", (pops, mask, np.concatenate([o1, o2])))
    return joined


def own_share(costs: Costs, pops: np.ndarray, mask: np.ndarray, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stand-alone cost and adjusted-split payment of each Kreis in its cluster, (N, K, 1) each.

    The same rule as ``split`` with fewer passes: the payment difference simple - alone of a
    member is a + b * n with a = fixed / S - F and b = eta * v (S > 1)."""
    pops = np.where(mask, pops, 0.0)                                  # (K, S)
    size = mask.sum(axis=1).astype(float)[None, :, None]              # (1, K, 1)
    total = pops.sum(axis=1)[None, :, None]
    own = np.take_along_axis(pops, pos[:, None], axis=1)[None, :, :]  # (1, K, 1)
    var_rate = (1.0 + costs.eta) * costs.v
    shared = costs.shared(size, total)                                # (N, K, 1)
    fixed = shared - var_rate * total
    a = fixed / size - costs.F                                        # (N, K, 1)
    b = costs.eta * costs.v                                           # (N, 1, 1)
    diff = a + b * pops[None, :, :]                                   # (N, K, S)
    excess = np.where(mask[None], np.maximum(diff, 0.0), 0.0).sum(axis=2, keepdims=True)
    slack = np.where(mask[None], np.maximum(-diff, 0.0), 0.0).sum(axis=2, keepdims=True)
    own_diff = a + b * own
    alone = costs.alone(own)
    simple = alone + own_diff
    feasible = excess <= slack * (1.0 + 1e-12) + 1e-9
    share = np.divide(np.maximum(-own_diff, 0.0), slack, out=np.zeros(np.broadcast_shapes(own_diff.shape, slack.shape)),
                      where=slack > 0)
    adjusted = np.where(feasible, np.minimum(simple, alone) + excess * share, simple)
    single = size == 1
    return np.broadcast_to(alone, adjusted.shape), np.where(single, alone, adjusted)


def run(ctx: ModelContext) -> dict[str, np.ndarray]:
    plan = ctx.extra.get("cooperation")
    if not isinstance(plan, CoopPlan):
        raise DataError("no cooperation plan in the model context; expected cooperation.prepare() "
                        "to run on all Kreise before the chunks", key="cooperation")
    pops, mask, pos = plan.member_arrays(ctx.kreise["ags"].astype(str))
    costs = Costs.from_values({k: ctx.param(k) for k in COST_KEYS})   # (N, 1, 1) each
    alone, paid = own_share(costs, pops, mask, pos)                   # (N, K, 1)
    saving = alone - paid
    size = mask.sum(axis=1).astype(float).reshape(1, -1, 1)
    shape = (alone.shape[0], ctx.n_kreise, len(ctx.years))
    out = {
        "coop.cluster_size": size,
        "coop.cost_alone_eur": alone,
        "coop.cost_shared_eur": paid,
        "coop.saving_eur": saving,
        "coop.saving_share": saving / np.maximum(alone, 1e-9),
    }
    return {name: np.broadcast_to(v, shape) for name, v in out.items()}


# ---------------------------------------------------------------------------
# Notebook helpers: DataFrames in German-labelled, documented columns
# ---------------------------------------------------------------------------

def _defaults(values: Mapping[str, float] | None) -> dict[str, float]:
    if values is not None:
        return _scalar_values(values)
    from ..params import load_parameters
    return load_parameters().defaults()


def _kreise(kreise: pd.DataFrame | None) -> pd.DataFrame:
    if kreise is not None:
        return kreise.assign(ags=kreise["ags"].astype(str))
    from ..data import load_kreise
    return load_kreise()


def _neighbours(neighbours: pd.DataFrame | None) -> pd.DataFrame:
    if neighbours is not None:
        return neighbours
    from ..data import load_neighbours
    return load_neighbours()


def fair_split(members: Iterable[str], kreise: pd.DataFrame | None = None,
               values: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Cost split of a chosen cluster: one row per member (columns: ``texts.COOP_COLUMNS``).

    Refuses unknown AGS, duplicates and clusters across Länder (``SelectionError``).
    ``attrs``: ``feasible`` (an adjusted split with no member above its stand-alone cost
    exists), ``cost_shared_eur`` (the cluster), ``saving_eur`` (the cluster)."""
    kreise = _kreise(kreise)
    values = _defaults(values)
    if isinstance(members, str):
        members = members.split(",")                    # "05315,05314" as typed in a notebook
    if members is None or isinstance(members, Mapping) or not isinstance(members, Iterable):
        raise SelectionError(f"expected a list of member AGS, found {str(members)[:40]!r}", key="members")
    members = [str(m).strip() for m in members]
    if not members:
        raise SelectionError("expected at least one member AGS", key="members")
    seen: set[str] = set()
    for m in members:
        if m in seen:
            raise SelectionError(f"AGS {m} named twice; expected each member once", key=m)
        seen.add(m)
    table = kreise.set_index("ags")
    unknown = [m for m in members if m not in table.index]
    if unknown:
        raise SelectionError(f"unknown AGS {unknown[0]}; expected 5-digit Kreis keys of the base data",
                             key=unknown[0])
    lands = table.loc[members, "land_ags"].astype(str)
    if lands.nunique() > 1:
        names = table.loc[members].groupby(lands.to_numpy())["ags" if "ags" in table.columns else "land_ags"].size()
        found = ", ".join(f"{land} ({count})" for land, count in names.items())
        raise SelectionError("a cooperation cluster must lie within one Land (Kommunalrecht, "
                             f"Zweckverband); the members belong to the Länder {found}", key="members")
    pops = _population(kreise.loc[kreise["ags"].isin(members)]).reindex(members).to_numpy()
    costs = Costs.from_values(values)
    res = split(costs, pops)
    frame = pd.DataFrame({
        "ags": members,
        "name": table.loc[members, "name"].to_numpy() if "name" in table.columns else members,
        "land_name": (table.loc[members, "land_name"].to_numpy() if "land_name" in table.columns
                      else lands.to_numpy()),
        "population": pops,
        "cost_alone_eur": res["alone"],
        "pay_simple_eur": res["simple"],
        "pays_more": res["simple"] > res["alone"] + 1e-6,
        "pay_fair_eur": res["adjusted"],
    })
    frame["saving_eur"] = frame["cost_alone_eur"] - frame["pay_fair_eur"]
    frame["saving_share"] = frame["saving_eur"] / frame["cost_alone_eur"]
    frame.attrs.update(feasible=bool(res["feasible"]), cost_shared_eur=float(res["shared"]),
                       saving_eur=float(frame["saving_eur"].sum()),
                       note_de=None if bool(res["feasible"]) else texts.NO_FAIR_SPLIT)
    return frame


def suggest_partners(ags: str, kreise: pd.DataFrame | None = None, neighbours: pd.DataFrame | None = None,
                     values: Mapping[str, float] | None = None, max_size: int | None = None) -> pd.DataFrame:
    """The suggested cluster of ``ags`` (greedy plan on the neighbour graph) with each member's
    stand-alone cost, share and saving (see ``fair_split``)."""
    kreise = _kreise(kreise)
    values = _defaults(values)
    ags = str(ags).strip()
    if ags not in set(kreise["ags"]):
        raise SelectionError(f"unknown AGS {ags}; expected a 5-digit Kreis key of the base data", key=ags)
    plan = plan_clusters(kreise, _neighbours(neighbours), values, max_size)
    cluster = plan.loc[plan["ags"] == ags, "cluster"].iloc[0]
    members = plan.loc[plan["cluster"] == cluster, "ags"].tolist()
    out = fair_split(members, kreise, values)
    out.attrs["chosen"] = ags
    return out


def cost_curve(population: float, values: Mapping[str, float] | None = None,
               max_members: int = 30) -> pd.DataFrame:
    """Cluster cost against the number of similar members of ``population`` inhabitants each.

    Columns: ``texts.COOP_CURVE_COLUMNS``; ``attrs['optimal_size']`` = N*."""
    values = _defaults(values)
    if (isinstance(population, (bool, np.bool_)) or not isinstance(population, (int, float, np.number))
            or not np.isfinite(population) or population <= 0):
        raise SelectionError(f"expected a positive population, found {str(population)[:40]!r}", key="population")
    if (isinstance(max_members, (bool, np.bool_)) or not isinstance(max_members, (int, np.integer))
            or not 1 <= max_members <= MAX_CURVE_MEMBERS):
        raise SelectionError(f"expected a whole number of members in [1, {MAX_CURVE_MEMBERS}], "
                             f"found {str(max_members)[:40]!r}", key="max_members")
    costs = Costs.from_values(values)
    n = np.arange(1, int(max_members) + 1, dtype=float)
    alone = n * costs.alone(population)
    shared = costs.shared(n, n * population)
    frame = pd.DataFrame({"members": n.astype(int), "cost_alone_eur": alone, "cost_shared_eur": shared,
                          "saving_eur": alone - shared, "cost_per_member_eur": shared / n})
    frame.attrs["optimal_size"] = float(costs.optimal_size())
    return frame


def service_table(cluster_saving_eur: float, values: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Expected saving per service: the cluster saving of one service weighted by the published
    share of municipalities that consider the service shareable (an estimate)."""
    values = _defaults(values)
    if (isinstance(cluster_saving_eur, (bool, np.bool_))
            or not isinstance(cluster_saving_eur, (int, float, np.number)) or not np.isfinite(cluster_saving_eur)):
        raise SelectionError(f"expected a finite saving in EUR, found {str(cluster_saving_eur)[:40]!r}",
                             key="cluster_saving_eur")
    rows = []
    for service in SERVICES:
        key = f"coop.shareable.{service}"
        if key not in values:
            raise ParameterError("parameter missing; expected a record in scenarios/parameters/coop.yml", key=key)
        rows.append((texts.SERVICES[service], values[key], values[key] * float(cluster_saving_eur)))
    return pd.DataFrame(rows, columns=["service", "shareability", "expected_saving_eur"])
