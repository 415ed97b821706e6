"""Regional cooperation: hand-computed costs and splits, partner plan on the real graph."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.errors import DataError, SelectionError
from workbook.models import cooperation as coop
from workbook.models.base import ModelContext
from workbook.params import load_parameters, parse_parameter_file
from workbook.paths import PARAMETERS_DIR

DEFAULTS = load_parameters().defaults()
COSTS = coop.Costs.from_values(DEFAULTS)


def test_parameter_file_loads_with_the_strict_loader():
    keys = {r.key for r in parse_parameter_file(PARAMETERS_DIR / "coop.yml")}
    assert set(coop.COST_KEYS) <= keys
    assert {f"coop.shareable.{s}" for s in coop.SERVICES} <= keys


def test_costs_two_equal_members_hand_computed():
    # alone: 200,000 + 5 * 100,000 = 700,000 each
    assert COSTS.alone(100_000) == pytest.approx(700_000)
    # shared: 200,000 * 1.3 + 1.05 * 5 * 200,000 + 2,000 * 1 + 30,000 * 2 / 5 = 1,324,000
    assert COSTS.shared(2, 200_000) == pytest.approx(1_324_000)
    res = coop.split(COSTS, np.array([100_000.0, 100_000.0]))
    # fixed part 1,324,000 - 1,050,000 = 274,000 -> 137,000 each + 525,000
    np.testing.assert_allclose(res["simple"], [662_000, 662_000])
    np.testing.assert_allclose(res["adjusted"], [662_000, 662_000])
    assert bool(res["feasible"])


def test_large_member_capped_at_stand_alone_cost():
    pops = np.array([100_000.0, 100_000.0, 100_000.0, 600_000.0])
    res = coop.split(COSTS, pops)
    # shared: 260,000 + 1.05 * 5 * 900,000 + 2,000 * 6 + 30,000 * 4 / 5 = 5,021,000
    assert res["shared"] == pytest.approx(5_021_000)
    # simple: 296,000 / 4 = 74,000 fixed each; the big member pays 74,000 + 3,150,000 > 3,200,000 alone
    np.testing.assert_allclose(res["simple"], [599_000, 599_000, 599_000, 3_224_000])
    # adjusted: big member pays its stand-alone cost, the 24,000 excess goes to the others by slack
    np.testing.assert_allclose(res["adjusted"], [607_000, 607_000, 607_000, 3_200_000])
    assert res["adjusted"].sum() == pytest.approx(res["shared"])


def test_infeasible_cluster_is_reported():
    res = coop.split(COSTS, np.array([20_000.0, 2_000_000.0]))
    assert not bool(res["feasible"])
    assert res["shared"] > res["alone"].sum()


def test_property_no_member_worse_off_when_the_cluster_saves():
    rng = np.random.default_rng(3)
    for _ in range(300):
        size = int(rng.integers(2, 9))
        pops = rng.lognormal(11.5, 0.8, size)
        values = dict(DEFAULTS)
        values.update({"coop.fixed_cost_eur": rng.uniform(5e4, 3e5),
                       "coop.efficiency_penalty": rng.uniform(0, 0.1),
                       "coop.cost_per_inhabitant_eur": rng.uniform(0.5, 5)})
        res = coop.split(coop.Costs.from_values(values), pops)
        if res["alone"].sum() >= res["shared"]:
            assert bool(res["feasible"])
            assert np.all(res["adjusted"] <= res["alone"] + 1e-6)
            assert res["adjusted"].sum() == pytest.approx(res["shared"], rel=1e-9)


def test_optimal_size_hand_computed():
    # sqrt(2 * 200,000 * 1.3 / 2,000) = sqrt(260) = 16.12
    assert float(COSTS.optimal_size()) == pytest.approx(260 ** 0.5)
    curve = coop.cost_curve(50_000, DEFAULTS, max_members=30)
    per_member = curve["cost_per_member_eur"].to_numpy()
    assert int(curve.loc[np.argmin(per_member), "members"]) == 16
    assert curve.attrs["optimal_size"] == pytest.approx(16.1245, rel=1e-4)


SMALL = pd.DataFrame({
    "ags": ["01001", "01002", "01003", "01004", "01005", "02001"],
    "name": ["A", "B", "C", "D", "E", "F"],
    "land_ags": ["01", "01", "01", "01", "01", "02"],
    "land_name": ["Land 1"] * 5 + ["Land 2"],
    "population_2019": [100_000.0, 120_000.0, 90_000.0, 110_000.0, 3_000_000.0, 100_000.0],
})
# chain A-B-C-D, E next to D; F (other Land) next to A
EDGES = pd.DataFrame({"ags_a": ["01001", "01002", "01003", "01004", "01001"],
                      "ags_b": ["01002", "01003", "01004", "01005", "02001"]})


def test_plan_small_graph_contiguous_within_land_and_capped():
    plan = coop.plan_clusters(SMALL, EDGES, DEFAULTS, max_size=3)
    cluster = dict(zip(plan["ags"], plan["cluster"]))
    assert cluster["02001"] == "02001"               # never across Länder
    assert cluster["01005"] == "01005"               # the big city gains nothing from sharing
    assert plan["cluster_size"].max() <= 3
    # greedy by saving: a pair saves 2F - 1.3F - tau - 2M/L - 0.25 (n_x + n_y) = 126,000 - 0.25 sum n,
    # so the smallest pair C-D (200,000 inhabitants) merges first, then B joins; A stays alone
    sizes = plan.groupby("cluster").size()
    assert sorted(sizes.tolist()) == [1, 1, 1, 3]
    assert plan.loc[plan["cluster_size"] == 3, "ags"].tolist() == ["01002", "01003", "01004"]


def test_max_size_one_means_no_cooperation():
    plan = coop.plan_clusters(SMALL, EDGES, DEFAULTS, max_size=1)
    assert (plan["cluster_size"] == 1).all()


def test_fair_split_refuses_cluster_across_laender():
    with pytest.raises(SelectionError) as err:
        coop.fair_split(["01001", "02001"], SMALL, DEFAULTS)
    assert "within one Land" in str(err.value) and "01 (1)" in str(err.value)


def test_fair_split_refuses_unknown_and_duplicate_ags():
    with pytest.raises(SelectionError) as err:
        coop.fair_split(["01001", "09999"], SMALL, DEFAULTS)
    assert "09999" in str(err.value)
    with pytest.raises(SelectionError) as err:
        coop.fair_split(["01001", "01001"], SMALL, DEFAULTS)
    assert "twice" in str(err.value)


def test_fair_split_table_reports_who_would_pay_more():
    kreise = SMALL.assign(population_2019=[100_000.0, 100_000.0, 100_000.0, 600_000.0, 1.0, 1.0])
    table = coop.fair_split(["01001", "01002", "01003", "01004"], kreise, DEFAULTS)
    assert table["pays_more"].tolist() == [False, False, False, True]
    np.testing.assert_allclose(table["pay_fair_eur"], [607_000, 607_000, 607_000, 3_200_000])
    assert table.attrs["feasible"] and table.attrs["saving_eur"] == pytest.approx(5_300_000 - 5_021_000)
    assert (table["saving_eur"] >= 0).all()


def test_service_table_weights_by_shareability():
    table = coop.service_table(100_000.0, DEFAULTS)
    assert table["service"].tolist() == ["Standesamt", "IT", "Beschaffung", "Personal", "Finanzen"]
    np.testing.assert_allclose(table["expected_saving_eur"], [67_000, 46_000, 45_000, 42_000, 36_000])


def test_run_prices_the_plan_for_every_draw():
    plan = coop.prepare(SMALL, EDGES, {**DEFAULTS, "coop.max_cluster_size": 3})
    n = 4
    values = dict(DEFAULTS)
    p = {k: np.full((n, 1, 1), float(v)) for k, v in values.items()}
    p["coop.fixed_cost_eur"] = np.array([50_000.0, 100_000.0, 200_000.0, 300_000.0]).reshape(-1, 1, 1)
    members = plan.table.loc[plan.table["cluster_size"] == 3, "ags"].tolist()
    chunk = SMALL.set_index("ags").loc[[members[0], "01005", "02001"]].reset_index()
    ctx = ModelContext(chunk, np.arange(2021, 2031), p, extra={"cooperation": plan})
    out = coop.run(ctx)
    assert set(out) == set(coop.INDICATORS)
    assert out["coop.cluster_size"].shape == (n, 3, 10)
    np.testing.assert_allclose(out["coop.cluster_size"][0, :, 0], [3, 1, 1])
    # singletons: no saving, cost shared = cost alone
    np.testing.assert_allclose(out["coop.saving_eur"][:, 1:], 0.0)
    # the member's saving matches the fair split table at default values (draw 2: F = 200,000)
    table = coop.fair_split(members, SMALL, DEFAULTS).set_index("ags")
    assert out["coop.saving_eur"][2, 0, 0] == pytest.approx(table.loc[members[0], "saving_eur"])
    # higher fixed cost -> larger saving for the member
    assert np.all(np.diff(out["coop.saving_eur"][:, 0, 0]) > 0)
    assert np.all(np.isfinite(out["coop.saving_share"]))


def test_run_without_plan_is_refused():
    p = {k: np.full((1, 1, 1), float(v)) for k, v in DEFAULTS.items()}
    ctx = ModelContext(SMALL, np.arange(2021, 2031), p)
    with pytest.raises(DataError) as err:
        coop.run(ctx)
    assert "cooperation.prepare()" in str(err.value)


def test_plan_on_the_real_neighbour_graph():
    datasets = pytest.importorskip("workbook.data")
    kreise, neighbours = datasets.load_kreise(), datasets.load_neighbours()
    plan = coop.plan_clusters(kreise, neighbours, DEFAULTS)
    assert len(plan) == len(kreise) == 401
    land = dict(zip(kreise["ags"], kreise["land_ags"]))
    edges = set(zip(neighbours["ags_a"], neighbours["ags_b"]))
    for cid, group in plan.groupby("cluster"):
        members = group["ags"].tolist()
        assert len(members) <= 4
        assert len({land[m] for m in members}) == 1, cid
        # contiguous: breadth-first search over shared borders reaches every member
        seen, todo = {members[0]}, [members[0]]
        while todo:
            a = todo.pop()
            for b in members:
                if b not in seen and ((a, b) in edges or (b, a) in edges):
                    seen.add(b)
                    todo.append(b)
        assert seen == set(members), cid
        if len(members) > 1:
            assert coop.fair_split(members, kreise, DEFAULTS).attrs["saving_eur"] > 0
    table = coop.suggest_partners("03159", kreise, neighbours, DEFAULTS)   # Göttingen
    assert "03159" in table["ags"].tolist()
    assert (table["pay_fair_eur"] <= table["cost_alone_eur"] + 1e-6).all()


def test_engine_path_matches_the_split_rule():
    """run() uses a shortcut of split(); both give the same payment for every member and draw."""
    rng = np.random.default_rng(11)
    pops = np.zeros((6, 4))
    mask = np.zeros((6, 4), dtype=bool)
    for i, size in enumerate([1, 2, 3, 4, 4, 2]):
        pops[i, :size] = rng.lognormal(11.5, 1.0, size)
        mask[i, :size] = True
    pos = np.array([0, 1, 2, 3, 0, 0])
    n = 20
    values = {k: np.full((n, 1, 1), float(DEFAULTS[k])) for k in coop.COST_KEYS}
    values["coop.efficiency_penalty"] = rng.uniform(0, 0.1, (n, 1, 1))
    values["coop.fixed_cost_eur"] = rng.uniform(5e4, 3e5, (n, 1, 1))
    costs = coop.Costs.from_values(values)
    alone, paid = coop.own_share(costs, pops, mask, pos)
    full = coop.split(costs, pops[None], mask[None])
    index = np.broadcast_to(pos[None, :, None], (n, 6, 1))
    np.testing.assert_allclose(paid, np.take_along_axis(full["adjusted"], index, axis=-1), rtol=1e-9)
    np.testing.assert_allclose(alone, np.take_along_axis(full["alone"], index, axis=-1), rtol=1e-9)
