"""core.slopes: curves, flat tails, facts, cost and the chain of slopes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.activations import ACTIVATIONS, elu, get, leaky_relu
from core.slopes import (
    activation_curve,
    chain_of_slopes,
    curves,
    eval_cost,
    facts,
    flat_intervals,
    mean_square_slope,
)

NAMES = list(ACTIVATIONS)
RECORDS = [*ACTIVATIONS.values(), leaky_relu(0.2), leaky_relu(0.0), elu(2.5), elu(0.3)]
IDS = [f"{a.name}{dict(a.params) or ''}" for a in RECORDS]


@pytest.mark.parametrize("act", RECORDS, ids=IDS)
def test_chain_best_case_is_max_slope_to_the_power_L(act) -> None:
    L, best, typical = chain_of_slopes(act, depth=30, spread=1.0, n=20_000, seed=0)
    np.testing.assert_array_equal(L, np.arange(1, 31))
    np.testing.assert_allclose(best, act.max_slope ** L.astype(float), rtol=1e-12)
    # No random chain can beat the best case: its root mean square cannot either.
    assert np.all(typical <= best * (1 + 1e-12))
    assert np.all(typical > 0)


def test_sigmoid_best_case_is_four_to_the_minus_L() -> None:
    L, best, _ = chain_of_slopes(ACTIVATIONS["sigmoid"], depth=10, n=1000)
    np.testing.assert_allclose(best, 4.0 ** -L.astype(float), rtol=1e-12)
    assert math.isclose(best[-1], 9.5367431640625e-07)


@pytest.mark.parametrize("name", NAMES)
def test_typical_case_is_root_mean_square_slope_to_the_power_L(name) -> None:
    act = ACTIVATIONS[name]
    L, _, typical = chain_of_slopes(act, depth=12, spread=1.5, n=50_000, seed=3)
    m2 = mean_square_slope(act, 1.5, n=50_000, seed=3)
    np.testing.assert_allclose(typical, m2 ** (L / 2), rtol=1e-12)


def test_typical_case_matches_simulated_chains() -> None:
    # sqrt(E[Π f'(z_k)²]) over independent chains equals (E f'²)^{L/2}: check by
    # simulating chains of length 3 directly (short, so the estimate is stable).
    act = ACTIVATIONS["tanh"]
    rng = np.random.default_rng(5)
    z = rng.normal(0.0, 1.0, (400_000, 3))
    simulated = math.sqrt(np.mean(np.prod(act.df(z) ** 2, axis=1)))
    _, _, typical = chain_of_slopes(act, depth=3, spread=1.0, n=400_000, seed=6)
    assert math.isclose(typical[-1], simulated, rel_tol=0.02)


def test_mean_square_slope_known_values() -> None:
    # ReLU: f'(z)² = 1 exactly when z > 0, probability 1/2 for a symmetric z.
    m = mean_square_slope(ACTIVATIONS["relu"], 2.0, n=200_000, seed=1)
    assert abs(m - 0.5) < 4 * math.sqrt(0.25 / 200_000)
    assert mean_square_slope(ACTIVATIONS["identity"], 3.0, n=100) == 1.0
    # Leaky ReLU with slope a: (1 + a²)/2.
    m = mean_square_slope(get("leaky_relu", slope=0.3), 1.0, n=200_000, seed=2)
    assert abs(m - (1 + 0.09) / 2) < 0.01
    # Wider pre-activations push the sigmoid into its tails: smaller slopes.
    sig = ACTIVATIONS["sigmoid"]
    assert mean_square_slope(sig, 4.0) < mean_square_slope(sig, 1.0) < 0.25**2


def test_monte_carlo_is_seeded() -> None:
    act = ACTIVATIONS["gelu"]
    assert mean_square_slope(act, 1.0, seed=4) == mean_square_slope(act, 1.0, seed=4)
    assert mean_square_slope(act, 1.0, seed=4) != mean_square_slope(act, 1.0, seed=5)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_bad_spread_raises(bad) -> None:
    with pytest.raises(ValueError):
        mean_square_slope(ACTIVATIONS["relu"], bad)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_bad_depth_raises(bad) -> None:
    with pytest.raises(ValueError):
        chain_of_slopes(ACTIVATIONS["relu"], depth=bad)


@pytest.mark.parametrize("name", NAMES)
def test_curves_are_the_registry_functions(name) -> None:
    act = ACTIVATIONS[name]
    x, f, df = curves(act, -6.0, 6.0, 401)
    assert x.shape == f.shape == df.shape == (401,)
    assert 0.0 in x  # a symmetric range with an odd count hits the kink exactly
    np.testing.assert_array_equal(f, act.f(x))
    np.testing.assert_array_equal(df, act.df(x))


@pytest.mark.parametrize(("lo", "hi"), [(1.0, 1.0), (2.0, -2.0), (math.nan, 1.0), (0.0, math.inf)])
def test_curves_bad_range_raises(lo, hi) -> None:
    with pytest.raises(ValueError):
        curves(ACTIVATIONS["relu"], lo, hi)


def test_sigmoid_slope_peaks_at_a_quarter_at_zero() -> None:
    x, _, df = curves(ACTIVATIONS["sigmoid"], -6.0, 6.0, 401)
    assert x[np.argmax(df)] == 0.0 and df.max() == 0.25


def test_flat_intervals_of_sigmoid_are_the_symmetric_tails() -> None:
    act = ACTIVATIONS["sigmoid"]
    x, _, df = curves(act, -8.0, 8.0, 801)
    runs = flat_intervals(x, df, act.max_slope, tol=0.05)
    assert len(runs) == 2
    (a1, b1), (a2, b2) = runs
    assert a1 == -8.0 and b2 == 8.0 and math.isclose(b1, -a2)
    # The boundary is where σ' = 0.05 · 0.25: σ'(b1) < 0.0125 <= σ'(next point).
    i = int(np.flatnonzero(x == b1)[0])
    assert df[i] < 0.0125 <= df[i + 1]


def test_flat_intervals_relu_and_identity() -> None:
    x, _, df = curves(ACTIVATIONS["relu"], -3.0, 3.0, 61)
    assert flat_intervals(x, df, 1.0) == [(-3.0, 0.0)]  # relu'(0) = 0 (left derivative)
    x, _, df = curves(ACTIVATIONS["identity"], -3.0, 3.0, 61)
    assert flat_intervals(x, df, 1.0) == []


def test_activation_curve_marks_the_peak_only_when_it_is_in_view() -> None:
    sig = ACTIVATIONS["sigmoid"]
    c = activation_curve(sig, -6.0, 6.0)
    assert c.peak == (0.0, 0.25) and c.bounded and not c.dead_zone and c.smooth
    assert c.flat == flat_intervals(c.x, c.df, sig.max_slope, 0.05) and len(c.flat) == 2
    far = activation_curve(sig, -6.0, -1.0)  # the steepest point, x = 0, is off the grid
    assert far.peak is None and far.x[-1] == -1.0
    relu = activation_curve(ACTIVATIONS["relu"], -6.0, 6.0)
    assert relu.flat == [] and relu.dead_zone and not relu.smooth and not relu.bounded
    assert relu.f0 == 0.0 and relu.saturates == "negative"


@pytest.mark.parametrize("act", RECORDS, ids=IDS)
def test_facts_agree_with_the_record_and_the_functions(act) -> None:
    fa = facts(act)
    assert fa.name == act.name and fa.output_range == act.output_range
    assert math.isclose(fa.f0, act.f0, abs_tol=1e-15)
    assert math.isclose(fa.df0, act.df0, abs_tol=1e-15)
    assert (fa.max_slope, fa.zero_centred, fa.saturates, fa.smooth, fa.dead_zone) == (
        act.max_slope, act.zero_centred, act.saturates, act.smooth, act.dead_zone)


def test_eval_cost_is_a_positive_time() -> None:
    seconds = eval_cost(ACTIVATIONS["relu"], n=10_000, repeats=2)
    assert 0 < seconds < 5
    with pytest.raises(ValueError):
        eval_cost(ACTIVATIONS["relu"], n=0)
