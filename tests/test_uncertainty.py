"""Latin hypercube, distributions, tornado and lever shares."""

from __future__ import annotations

import numpy as np
import pytest

from workbook.models.uncertainty import latin_hypercube, lever_shares, ppf, sample, tornado
from workbook.params import Parameter, Reference, load_parameters

REF = Reference("Test", "Test", 2021)


def rec(key, default, lo, hi, dist="triangular", lever="kommune"):
    return Parameter(key=key, label_de=key, unit="1", status="assumption", reference=REF, default=default,
                     min=lo, max=hi, lever=lever, distribution=dist)


def test_latin_hypercube_puts_one_point_in_every_stratum():
    u = latin_hypercube(100, 3, seed=7)
    assert u.shape == (100, 3)
    for col in u.T:
        assert sorted(np.floor(col * 100).astype(int)) == list(range(100))


def test_same_seed_same_draws_other_seed_other_draws():
    assert np.array_equal(latin_hypercube(50, 4, 20211), latin_hypercube(50, 4, 20211))
    assert not np.array_equal(latin_hypercube(50, 4, 20211), latin_hypercube(50, 4, 20212))


@pytest.mark.parametrize("dist", ["uniform", "triangular", "pert"])
def test_distributions_stay_in_range_and_centre_on_the_mode(dist):
    u = (np.arange(20000) + 0.5) / 20000
    x = ppf(u, dist, 0.1, 0.2, 0.6)
    assert x.min() >= 0.1 and x.max() <= 0.6
    expected_mean = {"uniform": 0.35, "triangular": (0.1 + 0.2 + 0.6) / 3, "pert": (0.1 + 4 * 0.2 + 0.6) / 6}[dist]
    assert x.mean() == pytest.approx(expected_mean, abs=2e-3)


def test_triangular_inverse_cdf_hand_computed():
    # a = 0, c = 0.5, b = 1: F(c) = 0.5; u = 0.125 -> sqrt(0.125 * 1 * 0.5) = 0.25
    assert ppf(np.array([0.125, 0.5, 0.875]), "triangular", 0.0, 0.5, 1.0) == pytest.approx([0.25, 0.5, 0.75])


def test_sample_uses_the_resolved_value_as_mode_and_ignores_unsampled():
    params = {"a.x": rec("a.x", 0.3, 0.0, 1.0), "a.y": rec("a.y", 5.0, 0.0, 10.0, dist=None)}
    low = sample(params, {"a.x": 0.1, "a.y": 5.0}, 4000, seed=1)
    high = sample(params, {"a.x": 0.9, "a.y": 5.0}, 4000, seed=1)
    assert set(low) == {"a.x"}
    assert low["a.x"].mean() == pytest.approx((0 + 0.1 + 1) / 3, abs=5e-3)
    assert high["a.x"].mean() == pytest.approx((0 + 0.9 + 1) / 3, abs=5e-3)


def test_tornado_swings_and_lever_shares_hand_computed():
    params = {"a.x": rec("a.x", 0.5, 0.0, 1.0, lever="kommune"),
              "a.y": rec("a.y", 0.5, 0.0, 1.0, lever="markt"),
              "a.z": rec("a.z", 0.5, 0.0, 1.0, lever="bund_land")}

    def evaluate(batch):          # outcome = 3x - y (z has no effect)
        return 3 * batch["a.x"] - batch["a.y"]

    table = tornado(evaluate, params, {"a.x": 0.5, "a.y": 0.5, "a.z": 0.5})
    assert table["key"].tolist() == ["a.x", "a.y", "a.z"]
    assert table["swing"].tolist() == pytest.approx([3.0, 1.0, 0.0])
    row = table.iloc[1]
    assert (row.outcome_low, row.outcome_high, row.base) == pytest.approx((1.5, 0.5, 1.0))
    assert lever_shares(table) == pytest.approx({"kommune": 0.75, "bund_land": 0.0, "markt": 0.25})


def test_shipped_sampled_parameters_sample_within_their_records():
    params = load_parameters()
    values = params.defaults()
    draws = sample(params, values, 500, seed=20211)
    assert draws, "no sampled parameter"
    for key, x in draws.items():
        assert x.min() >= params[key].min and x.max() <= params[key].max, key
        assert len(np.unique(x)) == 500, key
