"""The engine's quantile reduction: exact numpy quantiles (linear), whatever path it takes."""

from __future__ import annotations

import numpy as np
import pytest

from workbook import engine

PROBS = [0.05, 0.25, 0.5, 0.75, 0.95]


@pytest.mark.parametrize("draws", [1, 2, 3, 20, 101, 512, 513, 514, 999, 1000, 1001, 1024, 1025, 2000])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_order_quantiles_equal_numpy_linear(draws, dtype):
    rng = np.random.default_rng(draws)
    x = rng.normal(size=(draws, 53)).astype(dtype)
    x[:, 0] = 0.25                                   # one value throughout
    x[:, 1] = np.round(x[:, 1])                      # many ties
    x[:, 2] = np.sort(x[:, 2])                       # sorted already
    x[:, 3] = np.sort(x[:, 3])[::-1]                 # sorted backwards
    x[: draws // 2, 4] = 1e6                         # first half above the second half
    expected = np.quantile(x.astype(np.float64), PROBS, axis=0, method="linear")
    got = engine.order_quantiles(x.copy())
    assert got.shape == (5, 53) and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_two_halves_pick_the_same_order_statistics_as_a_full_sort():
    rng = np.random.default_rng(11)
    x = rng.random((1000, 300)).astype(np.float32)
    full = np.sort(x, axis=0)
    lo = np.floor(np.array(PROBS) * 999).astype(int)
    low, nxt = engine._select_two(np.sort(x[:500], axis=0), np.sort(x[500:], axis=0), lo)
    assert np.array_equal(low, full[lo]) and np.array_equal(nxt, full[lo + 1])
    # unequal halves (513 draws: 256 + 257)
    y = rng.random((513, 40))
    low, nxt = engine._select_two(np.sort(y[:256], axis=0), np.sort(y[256:], axis=0), np.array([0, 100, 511]))
    full = np.sort(y, axis=0)
    assert np.array_equal(low, full[[0, 100, 511]]) and np.array_equal(nxt, full[[1, 101, 512]])


def test_reduce_runs_per_group_equals_one_group_at_a_time_and_keeps_broadcast_axes():
    rng = np.random.default_rng(5)
    n = 1001
    full = rng.random((3 * n, 4, 10)).astype(np.float32)
    per_year_constant = np.broadcast_to(rng.random((3 * n, 4, 1)).astype(np.float32), (3 * n, 4, 10))
    per_run_constant = np.broadcast_to(np.arange(40, dtype=np.float64).reshape(1, 4, 10), (3 * n, 4, 10))
    reduced = engine.reduce_runs({"a": full, "b": per_year_constant, "c": per_run_constant}, groups=3)
    assert len(reduced) == 3
    for g in range(3):
        part = slice(g * n, (g + 1) * n)
        for name, arr in (("a", full), ("b", per_year_constant)):
            res = reduced[g][name]
            assert res.shape == (6, 4, 10)
            assert np.array_equal(res[0], arr[g * n])
            expected = np.quantile(arr[part][1:].astype(np.float64), PROBS, axis=0)
            np.testing.assert_allclose(res[1:], expected, rtol=1e-12, atol=1e-12)
            assert np.array_equal(res, engine.reduce_draws(arr[part]))
        assert np.array_equal(reduced[g]["c"], np.broadcast_to(per_run_constant[0], (6, 4, 10)))


def test_reduce_runs_batches_larger_than_the_scratch_block(monkeypatch):
    monkeypatch.setattr(engine.quantiles, "_BATCH_BYTES", 1000 * 4 * 7)      # 7 columns per batch
    rng = np.random.default_rng(2)
    arrays = {f"x{i}": rng.random((1001, 3, 4)).astype(np.float32) for i in range(5)}
    reduced = engine.reduce_runs(arrays)[0]
    for name, arr in arrays.items():
        expected = np.quantile(arr[1:].astype(np.float64), PROBS, axis=0)
        np.testing.assert_allclose(reduced[name][1:], expected, rtol=1e-12, atol=1e-12)


def test_no_draws_gives_nan_quantiles_and_the_default_run():
    arr = np.arange(12, dtype=np.float32).reshape(1, 3, 4)
    res = engine.reduce_draws(arr)
    assert np.array_equal(res[0], arr[0]) and np.isnan(res[1:]).all()


def test_projection_is_identical_with_and_without_worker_threads_and_chunks():
    kreise = __import__("pandas").DataFrame({
        "ags": ["05315", "16077", "09162", "01001"],
        "settlement_type": ["kreisfreie_grossstadt", "duenn_besiedelt", "kreisfreie_grossstadt",
                            "staedtischer_kreis"],
        "gigabit_share": [0.80, 0.20, 0.90, 0.6],
        "offline_share": [0.08, 0.14, 0.07, 0.1],
    })
    plan = engine.prepare("all", ["S0", "S4"], 600, seed=9, topics="digitalisation", kreise=kreise)
    one = engine.simulate(plan, chunk=4, workers=1)
    two = engine.simulate(plan, chunk=1, workers=2)
    for sid in one:
        for name in one[sid]:
            assert np.array_equal(one[sid][name], two[sid][name]), (sid, name)
