"""S4 'Die Kooperation von Regionen nimmt zu': cooperation gets easier, and the DDI feels the real clusters."""

from __future__ import annotations

import numpy as np
import pytest

from workbook import engine
from workbook.params import load_parameters, load_scenarios

datasets = pytest.importorskip("workbook.data")


@pytest.fixture(scope="module")
def kreise():
    return datasets.load_kreise()


def test_s4_makes_cooperation_easier_within_the_ranges():
    params = load_parameters()
    scenarios = load_scenarios(parameters=params)
    s0, s4 = params.resolve(scenarios["S0"]), params.resolve(scenarios["S4"])
    assert s4["coop.max_cluster_size"] > s0["coop.max_cluster_size"]
    assert s4["coop.coordination_eur"] < s0["coop.coordination_eur"]
    for key in ("coop.max_cluster_size", "coop.coordination_eur"):
        assert params[key].min <= s4[key] <= params[key].max
    # only S4 changes cooperation values
    for sid, sc in scenarios.items():
        if sid != "S4":
            assert not any(k.startswith("coop.") for k in sc.changes), sid


def test_s4_plan_has_larger_clusters_and_changes_costs(kreise):
    plan = engine.prepare("all", ["S0", "S4"], 0, topics="cooperation", kreise=kreise)
    s0 = plan.extra["S0"]["cooperation"].table.set_index("ags")["cluster_size"]
    s4 = plan.extra["S4"]["cooperation"].table.set_index("ags")["cluster_size"]
    assert s4.max() == 8 and s0.max() == 4
    assert s4.mean() > s0.mean() + 1.0
    table = engine.project("all", ["S0", "S4"], 0, topics="cooperation", kreise=kreise)
    saving = table[(table["indicator"] == "coop.saving_eur") & (table["year"] == 2030)]
    total = saving.groupby("scenario", observed=True)["value"].sum()
    assert total["S4"] > total["S0"] > 0


def test_ddi_uses_the_plan_cluster_size_whether_or_not_the_cooperation_topic_runs(kreise):
    ags = "16069"     # Hildburghausen: a rural Kreis in a cluster
    plan = engine.prepare([ags], ["S4"], 0, topics="digitalisation", kreise=kreise)
    sizes = plan.extra["S4"]["cooperation"].table.set_index("ags")["cluster_size"]
    n = float(sizes[ags])
    assert n > 1
    only = engine.project([ags], ["S4"], 30, topics="digitalisation", kreise=kreise)
    both = engine.project([ags], ["S4"], 30, topics="digitalisation,cooperation", kreise=kreise)
    pick = lambda t: t[t["indicator"] == "ddi.verw"]["value"].to_numpy()      # noqa: E731
    assert np.array_equal(pick(only), pick(both))
    # against the stand-in size ddi.verw.coop_size (3): the real cluster (8 here) is faster
    standin = engine.project([ags], ["S4"], 0, topics="digitalisation", kreise=kreise[["ags", "settlement_type",
                             "gigabit_share", "offline_share"]])
    real = only[(only["indicator"] == "ddi.verw") & (only["quantile"] == "default")]["value"].to_numpy()
    stand = standin[standin["indicator"] == "ddi.verw"]["value"].to_numpy()
    assert n > 3 and real[-1] > stand[-1]


def test_scenarios_without_kappa_need_no_plan_for_the_ddi(kreise):
    plan = engine.prepare(["05315"], ["S0", "S1"], 0, topics="digitalisation", kreise=kreise)
    assert all("cooperation" not in plan.extra[sid] for sid in ("S0", "S1"))
