"""Tests for core.gradients: per-layer statistics, bands, ratios, bounds, health."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_mlp_options import central_difference

from core.activations import ACTIVATIONS
from core.datasets import load
from core.gradients import (
    SATURATION,
    TINY,
    depth_grid,
    describe_health,
    first_last_ratio,
    geometric_band,
    init_statistics,
    layer_statistics,
    slope_bound,
)
from core.mlp import MLP


def _orthogonal(d: int, rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def _orthogonal_identity_net(d: int, layers: int, seed: int) -> MLP:
    """Identity activations, zero biases, square orthogonal weights."""
    rng = np.random.default_rng(seed)
    model = MLP([d] * (layers + 1), activation="identity", output="identity", seed=seed)
    model.set_params([_orthogonal(d, rng) for _ in range(layers)],
                     [np.zeros(d) for _ in range(layers)])
    return model


@settings(max_examples=25, deadline=None)
@given(d=st.integers(1, 8), layers=st.integers(2, 12), n=st.integers(1, 20),
       seed=st.integers(0, 10_000))
def test_orthogonal_linear_net_keeps_the_backward_signal_norm(d, layers, n, seed) -> None:
    # dL/dh_l = δ_l W_lᵀ and δ_{l-1} = dL/dh_l (f' = 1): orthogonal W keeps the norm.
    model = _orthogonal_identity_net(d, layers, seed)
    rng = np.random.default_rng(seed + 1)
    X, Y = rng.standard_normal((n, d)), rng.standard_normal((n, d))
    stats = layer_statistics(model, X, Y)
    assert stats.grad_h.shape == (layers - 1,)
    trace = model.backward_trace(X, Y)
    output_delta = np.linalg.norm(trace.deltas[-1])
    np.testing.assert_allclose(stats.grad_h, output_delta, rtol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(trace.dh[0]), output_delta, rtol=1e-9)


def test_a_non_orthogonal_linear_net_does_change_the_norm() -> None:
    # The check above could not pass by accident: scaled weights scale the signal.
    model = _orthogonal_identity_net(4, 6, 0)
    model.set_params([0.5 * w for w in model.weights], model.biases)
    rng = np.random.default_rng(1)
    stats = layer_statistics(model, rng.standard_normal((10, 4)), rng.standard_normal((10, 4)))
    np.testing.assert_allclose(stats.grad_h[:-1] / stats.grad_h[1:], 0.5, rtol=1e-9)


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "elu", "gelu"])
def test_weight_gradient_norms_match_finite_differences(act: str) -> None:
    X, y = load("moons", n_samples=20, noise=0.2, seed=0)
    model = MLP([2, 5, 4, 1], activation=act, init="glorot_normal", seed=3)
    model.biases = [b + 0.1 for b in model.biases]
    stats = layer_statistics(model, X, y)
    for layer, W in enumerate(model.weights):
        numeric = central_difference(lambda: model.loss(X, y), W)
        assert stats.grad_w[layer] == pytest.approx(np.linalg.norm(numeric), rel=1e-6)
    assert stats.loss == pytest.approx(model.loss(X, y))


def test_forward_statistics_and_saturation_by_hand() -> None:
    X, y = load("moons", n_samples=50, noise=0.2, seed=1)
    model = MLP([2, 6, 6, 1], activation="relu", init="he_normal", seed=2)
    stats = layer_statistics(model, X, y)
    zs, hs = model.forward_trace(X)
    for k in range(2):
        assert stats.act_mean[k] == pytest.approx(hs[k + 1].mean())
        assert stats.act_std[k] == pytest.approx(hs[k + 1].std())
        # ReLU: saturated means inactive, z <= 0 (relu'(0) = 0 by convention).
        assert stats.saturated[k] == pytest.approx(np.mean(zs[k] <= 0))


def test_spread_by_hand() -> None:
    # 1-2-1 ReLU net with h1 = relu(x W1 + b1) written out for three samples.
    model = MLP([1, 2, 1], activation="relu", output="identity")
    model.set_params([np.array([[1.0, -2.0]]), np.array([[1.0], [1.0]])],
                     [np.array([0.0, 1.0]), np.array([0.0])])
    X, y = np.array([[0.0], [1.0], [2.0]]), np.zeros(3)
    # Unit 0: h = x = 0, 1, 2, mean 1, std sqrt((1 + 0 + 1)/3) = sqrt(2/3).
    # Unit 1: h = relu(1 − 2x) = 1, 0, 0, mean 1/3, std sqrt((4/9 + 1/9 + 1/9)/3) = sqrt(2)/3.
    stats = layer_statistics(model, X, y)
    assert stats.spread.shape == (1,)
    assert stats.spread[0] == pytest.approx((math.sqrt(2 / 3) + math.sqrt(2) / 3) / 2, rel=1e-14)
    # act_std pools samples and units: values 0, 1, 2, 1, 0, 0 (mean 2/3).
    assert stats.act_std[0] == pytest.approx(math.sqrt(np.mean((np.array([0, 1, 2, 1, 0, 0]) - 2 / 3) ** 2)))
    # A layer that computes the same vector for every input has no spread at all.
    model.set_params([np.zeros((1, 2)), np.ones((2, 1))], [np.array([0.5, 2.0]), np.zeros(1)])
    assert layer_statistics(model, X, y).spread[0] == 0.0


def test_huge_sigmoid_weights_saturate() -> None:
    X, y = load("moons", n_samples=50, noise=0.2, seed=1)
    model = MLP([2, 16, 16, 1], activation="sigmoid", init="normal", init_std=50.0, seed=0)
    stats = layer_statistics(model, X, y)
    assert np.all(stats.saturated > 0.8)
    small = layer_statistics(MLP([2, 16, 16, 1], activation="sigmoid", init="normal",
                                 init_std=0.01, seed=0), X, y)
    assert np.all(small.saturated == 0)


def test_deep_sigmoid_gradient_vanishes_but_its_values_do_not() -> None:
    """docs/science.md C4/C5: the gradient shrinks layer by layer; the outputs stay near ½."""
    X, y = load("moons", n_samples=200, noise=0.2, seed=0)
    sizes = [2, *[32] * 10, 1]
    sig = init_statistics(sizes, "sigmoid", "he_normal", X, y, seeds=range(5))
    relu = init_statistics(sizes, "relu", "he_normal", X, y, seeds=range(5))
    sig_ratio = first_last_ratio(geometric_band(sig.grad_w)[0])
    relu_ratio = first_last_ratio(geometric_band(relu.grad_w)[0])
    assert sig_ratio < 1e-3
    assert 0.05 < relu_ratio < 20
    assert np.all((sig.act_mean > 0.3) & (sig.act_mean < 0.7))
    # The ¼ bound on the slopes: each sigmoid layer multiplies δ by σ'(z) <= ¼
    # and by the weights; with He weights the ratio stays well inside 4^-depth · 100.
    assert sig_ratio < 100 * slope_bound(ACTIVATIONS["sigmoid"], 10) * 32


def test_init_statistics_shapes_and_determinism() -> None:
    X, y = load("iris", n_samples=150, seed=0)
    sizes = [4, 8, 8, 8, 3]
    a = init_statistics(sizes, "tanh", "glorot_uniform", X, y, seeds=[0, 1, 2], output="softmax")
    b = init_statistics(sizes, "tanh", "glorot_uniform", X, y, seeds=[0, 1, 2], output="softmax")
    assert a.grad_w.shape == (3, 4)
    assert a.grad_h.shape == a.act_mean.shape == a.saturated.shape == (3, 3)
    assert a.spread.shape == (3, 3)
    for row, s in enumerate([0, 1, 2]):
        one = layer_statistics(MLP(sizes, "tanh", "softmax", init="glorot_uniform", seed=s), X, y)
        np.testing.assert_array_equal(a.grad_h[row], one.grad_h)
        np.testing.assert_array_equal(a.spread[row], one.spread)
    assert a.loss.shape == (3,)
    for f in dataclasses.fields(a):
        np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name))
    assert not np.array_equal(a.grad_w[0], a.grad_w[1])


def test_overflowing_network_gives_non_finite_values_without_warnings() -> None:
    # pytest turns RuntimeWarning into errors, so this also checks the silencing.
    X, y = load("moons", n_samples=40, noise=0.2, seed=0)
    model = MLP([2, *[64] * 40, 1], activation="relu", init="normal", init_std=1e6, seed=0)
    stats = layer_statistics(model, X, y)
    assert not np.all(np.isfinite(stats.grad_w))
    assert describe_health(stats.grad_w).overflow


def test_geometric_band() -> None:
    v = np.array([[1.0, 10.0, np.nan, 0.0], [100.0, 1000.0, np.inf, -1.0]])
    mid, lo, hi = geometric_band(v)
    np.testing.assert_allclose(mid[:2], [10.0, 100.0])
    np.testing.assert_allclose(lo[:2], [1.0, 10.0])
    np.testing.assert_allclose(hi[:2], [100.0, 1000.0])
    assert np.isnan(mid[2:]).all() and np.isnan(lo[2:]).all() and np.isnan(hi[2:]).all()
    mid, lo, hi = geometric_band(np.array([[1e-300, 1e300]]), axis=1)
    assert mid[0] == pytest.approx(1.0)


def test_first_last_ratio() -> None:
    assert first_last_ratio([1e-6, 0.5, 2.0]) == pytest.approx(5e-7)
    for bad in ([1.0, 0.0], [np.nan, 1.0], [1.0, np.inf], []):
        assert math.isnan(first_last_ratio(bad))


def test_slope_bound() -> None:
    assert slope_bound(ACTIVATIONS["sigmoid"], 10) == pytest.approx(9.5367e-7, rel=1e-4)
    assert slope_bound(ACTIVATIONS["relu"], 50) == 1.0
    assert slope_bound(ACTIVATIONS["sigmoid"], 0) == 1.0
    with pytest.raises(ValueError):
        slope_bound(ACTIVATIONS["sigmoid"], -1)


def test_depth_grid() -> None:
    assert depth_grid(1) == [1]
    assert depth_grid(10) == [1, 2, 4, 8, 10]
    assert depth_grid(16) == [1, 2, 4, 8, 16]
    assert depth_grid(50) == [1, 2, 4, 8, 16, 32, 50]
    assert depth_grid(50, limit=4) == [1, 2, 4, 50]
    with pytest.raises(ValueError):
        depth_grid(0)


def test_describe_health() -> None:
    ok = describe_health([0.1, 1.0])
    assert ok.ok and not ok.overflow
    h = describe_health([[0.0, 1e-40, 1.0], [1.0, 1.0, np.nan]])
    assert h.overflow and h.zero_layers == [1] and h.underflow_layers == [2] and not h.ok
    assert describe_health([TINY * 2]).ok
    assert 0 < SATURATION < 1
