"""Exact piece counting, tent maps, Yarotsky's x², regions (core/pieces.py)."""

from __future__ import annotations

import numpy as np
import pytest

from core.mlp import MLP
from core.pieces import (
    activation_patterns,
    affine_pieces,
    breakpoints,
    count_pieces,
    hinge_terms,
    interpolant_params,
    random_params,
    random_piece_counts,
    sampled_breakpoints,
    step_ramp_errors,
    tent_mlp,
    tent_params,
    yarotsky,
    yarotsky_error,
    zero_contour,
)


def _mlp(weights, biases, act="relu") -> MLP:
    sizes = [1, *[w.shape[1] for w in weights]]
    model = MLP(sizes, activation=act, output="identity")
    model.set_params(weights, biases)
    return model


@pytest.mark.parametrize("k", range(1, 13))
def test_tent_composition_has_two_to_the_k_pieces(k: int) -> None:
    w, b = tent_params(k)
    assert count_pieces(w, b, 0.0, 1.0) == 2**k
    # the kinks are the dyadic points j / 2^k, exactly
    np.testing.assert_array_equal(breakpoints(w, b, 0.0, 1.0), np.arange(1, 2**k) / 2**k)


@pytest.mark.parametrize("k", [1, 3, 6])
def test_tent_mlp_is_the_composed_tent(k: int) -> None:
    x = np.linspace(0.0, 1.0, 1001)
    expected = x.copy()
    for _ in range(k):
        expected = np.where(expected <= 0.5, 2 * expected, 2 - 2 * expected)
    np.testing.assert_allclose(tent_mlp(k).forward(x[:, None])[:, 0], expected, atol=1e-12)
    assert tent_mlp(k).sizes == (1, *[2] * k, 1)


@pytest.mark.parametrize("units", [1, 2, 5, 16, 40])
@pytest.mark.parametrize("seed", range(6))
def test_one_hidden_layer_never_exceeds_units_plus_one(units: int, seed: int) -> None:
    w, b = random_params([1, units, 1], seed, bias_std=2.0)
    assert count_pieces(w, b, -3.0, 3.0) <= units + 1


def test_one_hidden_layer_reaches_units_plus_one() -> None:
    knots = np.linspace(0.1, 0.9, 8)
    values = np.array([0, 1, -1, 2, 0, 1, -2, 0.5])
    w, b = interpolant_params(knots, values)
    assert w[0].shape == (1, 7)
    assert count_pieces(w, b, 0.0, 1.0) == 8  # 7 units, 7 interior kinks
    p = affine_pieces(w, b, 0.0, 1.0)
    np.testing.assert_allclose(p(knots[1:])[:, 0], values[1:], atol=1e-12)


@pytest.mark.parametrize("base", [0, 7])
def test_random_wide_nets_grow_about_linearly_in_neurons(base: int) -> None:
    """Hanin & Rolnick: random-init pieces grow with depth, ~ linearly in neurons, ≪ 2^k."""
    ks = list(range(1, 13))
    counts = random_piece_counts(8, ks, range(base * 1000, base * 1000 + 16))
    assert counts.shape == (12, 16) and counts.dtype.kind == "i"
    mean = counts.mean(axis=1)
    neurons = 8 * np.array(ks)
    assert mean[-1] > mean[5] > mean[1] > mean[0]  # grows with depth
    assert np.all(mean <= 1.0 * neurons)  # a linear bound in the number of neurons
    per_neuron = mean / neurons
    assert per_neuron.min() > 0.1  # and not much below it: roughly linear
    big = np.array(ks) >= 8
    assert np.all(mean[big] < 2.0 ** np.array(ks)[big] / 8)  # far below 2^k
    # the same nets as count_pieces on random_params
    w, b = random_params([1, 8, 8, 8, 1], base * 1000 + 3)
    assert counts[2, 3] == count_pieces(w, b, 0.0, 1.0)


def test_random_narrow_nets_collapse() -> None:
    counts = random_piece_counts(2, [10], range(32))
    assert np.mean(counts == 1) > 0.5  # most width-2, depth-10 nets are constant on [0, 1]
    with pytest.raises(ValueError):
        random_piece_counts(0, [1], [0])


@pytest.mark.parametrize("seed", range(12))
def test_exact_count_matches_dense_sampling(seed: int) -> None:
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, 4))
    width = int(rng.integers(2, 9))
    w, b = random_params([1, *[width] * depth, 1], seed, bias_std=1.0)
    x = np.linspace(-2.0, 2.0, 400_001)
    kinks = breakpoints(w, b, -2.0, 2.0)
    y = _mlp(w, b).forward(x[:, None])[:, 0]
    estimate = sampled_breakpoints(y, x)
    dx = x[1] - x[0]
    if len(kinks) > 1 and np.min(np.diff(kinks)) < 4 * dx:
        assert estimate <= len(kinks)  # two kinks within a few cells merge when sampled
    else:
        assert estimate == len(kinks)


def test_pieces_evaluate_to_the_network_for_leaky_relu() -> None:
    w, b = random_params([1, 6, 6, 1], 3, bias_std=1.0)
    x = np.linspace(-2, 2, 2001)
    p = affine_pieces(w, b, -2.0, 2.0, leak=0.01)
    np.testing.assert_allclose(p(x)[:, 0], _mlp(w, b, "leaky_relu").forward(x[:, None])[:, 0],
                               atol=1e-10)


def test_affine_output_has_a_single_piece() -> None:
    w, b = [np.array([[2.0]])], [np.array([1.0])]
    assert count_pieces(w, b, -1.0, 1.0) == 1
    with pytest.raises(ValueError):
        affine_pieces(w, b, 1.0, 1.0)


@pytest.mark.parametrize("m", range(1, 11))
def test_yarotsky_error_is_exactly_the_bound(m: int) -> None:
    assert yarotsky_error(m) == pytest.approx(2.0 ** (-2 * m - 2), rel=1e-9)
    knots = np.linspace(0, 1, 2**m + 1)
    np.testing.assert_allclose(yarotsky(m, knots), knots**2, atol=1e-12)


def test_hinges_sum_to_the_network() -> None:
    w, b = random_params([1, 7, 1], 2)
    x = np.linspace(-2, 2, 301)
    terms = hinge_terms(w, b, x)
    assert terms.shape == (301, 7)
    np.testing.assert_allclose(terms.sum(1) + b[-1][0], _mlp(w, b).forward(x[:, None])[:, 0],
                               atol=1e-12)


def test_step_ramps_fail_only_near_the_jump() -> None:
    widths = 2.0 ** -np.arange(0, 9)
    out = step_ramp_errors(widths, away=0.1)
    assert np.all(out.jump >= 0.5 - 1e-12)  # a continuous function cannot jump
    assert out.away[-1] == 0.0 and out.away[0] > 0.3
    assert np.all(np.diff(out.bad) < 0)  # the bad interval keeps shrinking


def test_activation_patterns_count_regions_of_one_unit() -> None:
    # one unit on the line x1 = 0 splits the plane into two regions
    w = [np.array([[1.0], [0.0]]), np.array([[1.0]])]
    b = [np.zeros(1), np.array([-0.5])]
    g = np.stack(np.meshgrid(np.linspace(-1, 1, 11), np.linspace(-1, 1, 11)), -1).reshape(-1, 2)
    labels, logits = activation_patterns(w, b, g)
    assert set(labels) == {0, 1}
    np.testing.assert_allclose(logits, np.maximum(g[:, 0], 0) - 0.5)


def test_zero_contour_of_a_line() -> None:
    axes = np.stack([np.linspace(-1, 1, 21)] * 2)
    g1, g2 = np.meshgrid(axes[0], axes[1])
    values = (g1 + g2 - 0.3).ravel()  # the line x1 + x2 = 0.3
    seg = zero_contour(values, axes)
    assert len(seg) > 10
    np.testing.assert_allclose(seg[:, 0] + seg[:, 1], 0.3, atol=1e-12)
    np.testing.assert_allclose(seg[:, 2] + seg[:, 3], 0.3, atol=1e-12)


@pytest.mark.parametrize("k", range(1, 13))
def test_least_squares_one_layer_fit_of_the_tent_has_at_most_2k_plus_1_pieces(k: int) -> None:
    from core.pieces import least_squares_hinges

    m = 2 * k
    knots = (np.arange(m) + 0.5) / m
    xs = np.linspace(0.0, 1.0, 4097)
    ys = affine_pieces(*tent_params(k), 0.0, 1.0)(xs)[:, 0]
    w, b = least_squares_hinges(xs, ys, knots)
    assert count_pieces(w, b, 0.0, 1.0) == m + 1  # the most m units can give, far below 2^k
    # It really is the least-squares solution: the residual is orthogonal to every basis column.
    f = affine_pieces(w, b, 0.0, 1.0)(xs)[:, 0]
    basis = np.column_stack([np.ones_like(xs), np.maximum(xs[:, None] - knots[None, :], 0.0)])
    np.testing.assert_allclose(basis.T @ (f - ys), 0.0, atol=1e-8)
