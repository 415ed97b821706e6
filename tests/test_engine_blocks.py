"""A place's numbers do not depend on which other places share its engine run.

The batch computes a chunk of Gemeinden in one engine run (``engine.project_each``,
``apps.runs``), a Land's peer group and the national map run many places at once, and a
dashboard runs one place alone: every one of them must show the same figures, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook import engine
from workbook.apps import runs
from workbook.data import load_gemeinden
from workbook.models.placewise import dot_by_place

DRAWS = 300


@pytest.fixture(scope="module")
def gemeinden():
    return load_gemeinden()


def _members(gemeinden, kreis: str) -> list[str]:
    return sorted(gemeinden.loc[gemeinden["kreis_ags"] == kreis, "ags"].astype(str))


def test_dot_by_place_is_the_matrix_product_and_the_same_for_any_set_of_places():
    rng = np.random.default_rng(7)
    a = rng.random((6006, 9), dtype=np.float32)
    w = rng.random((5, 9)).astype(np.float32)
    out = dot_by_place(a, w)
    assert out.shape == (6006, 5) and out.dtype == np.float32 and out.flags.c_contiguous
    np.testing.assert_allclose(out, a @ w.T, rtol=1e-5)
    for k in range(5):
        assert np.array_equal(dot_by_place(a, w[k:k + 1])[:, 0], out[:, k])
    assert np.array_equal(dot_by_place(a, w[[3, 1]]), out[:, [3, 1]])


@pytest.mark.parametrize("kreis", ["07235", "09184"])   # Trier-Saarburg: 104 Gemeinden, 3 Mittelbereiche
def test_a_gemeinde_run_with_its_kreis_neighbours_equals_its_run_alone(gemeinden, kreis):
    members = _members(gemeinden, kreis)[:24]
    each = engine.project_each(members, draws=DRAWS)
    assert list(each) == members
    for ags in members[::6] + [members[-1]]:
        alone = engine.project(ags=[ags], draws=DRAWS)
        pd.testing.assert_frame_equal(each[ags], alone, check_exact=True)
        assert each[ags].attrs == alone.attrs        # the data hash is the place's own


def test_kreise_in_one_run_and_mixed_keys_equal_their_runs_alone(gemeinden):
    kreise = ["03241", "05315", "08416", "16069"]
    tuebingen = _members(gemeinden, "08416")[:3]
    each = engine.project_each(kreise + tuebingen, draws=DRAWS)
    assert set(each) == set(kreise + tuebingen)
    for ags in ["05315", "16069", tuebingen[1]]:
        alone = engine.project(ags=[ags], draws=DRAWS)
        pd.testing.assert_frame_equal(each[ags], alone, check_exact=True)
        assert each[ags].attrs == alone.attrs
    # the national run (all 401 Kreise) gives a Kreis the values of its own run
    national = engine.project(ags="all", draws=50, topics="divide,telemedicine")
    alone = engine.project(ags=["16069"], draws=50, topics="divide,telemedicine")
    mine = national[national["ags"] == "16069"]
    assert np.array_equal(mine["value"].to_numpy(), alone["value"].to_numpy(), equal_nan=True)


def test_expected_places_run_once_and_give_each_place_its_own_table(gemeinden, monkeypatch):
    members = _members(gemeinden, "09184")[:5]
    calls = []
    real = engine.project_each

    def counting(places, **kw):
        calls.append(list(places))
        return real(places, **kw)

    monkeypatch.setattr(engine, "project_each", counting)
    monkeypatch.setattr(runs, "_BLOCK", {})
    args = (["S0", "S3"], "all", {}, DRAWS, 20211)
    try:
        runs.expect_places(members)
        first = runs.expected_results(members[0], *args)
        runs.expect_places(members[2:])
        third = runs.expected_results(members[2], *args)
        assert calls == [members]                       # one engine run for the whole block
        alone = engine.project(ags=[members[2]], scenarios=["S0", "S3"], draws=DRAWS)
        pd.testing.assert_frame_equal(third, alone, check_exact=True)
        assert set(first["ags"]) == {members[0]}
        # another draw count is another run; a place not expected gets none (runs alone)
        assert runs.expected_results(members[3], ["S0", "S3"], "all", {}, 20, 20211) is not None
        assert len(calls) == 2 and calls[1] == members[2:]
        assert runs.expected_results(_members(gemeinden, "08416")[0], *args) is None
        runs.expect_places(members[:1])                 # one place: nothing to share
        assert runs.expected_results(members[0], *args) is None
    finally:
        runs.expect_places([])


def test_gemeinde_rows_kept_in_one_go_equal_the_rows_built_one_by_one(gemeinden, monkeypatch):
    from workbook.apps import common

    members = _members(gemeinden, "07235")[:6]
    monkeypatch.setattr(common, "_PLACE_ROWS", {})
    common.keep_gemeinde_rows(members)
    together = {m: common.place_row(m) for m in members}
    assert len(common._PLACE_ROWS) == len(members)
    for m in members[::2]:
        common._PLACE_ROWS.clear()
        alone = common.place_row(m)
        pd.testing.assert_series_equal(together[m], alone, check_exact=True)
        assert together[m].attrs == alone.attrs
