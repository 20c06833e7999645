"""core.linear: a stack of affine layers is one affine map."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.linear import affine_fit, affine_logits, boundary_segment, collapse_linear
from core.mlp import MLP


@settings(max_examples=25, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 12), min_size=0, max_size=6),
    n_out=st.integers(1, 3),
    seed=st.integers(0, 10_000),
)
def test_collapsed_map_equals_deep_linear_network(hidden, n_out, seed) -> None:
    sizes = [3, *hidden, n_out]
    model = MLP(sizes, activation="identity", output="identity", init="glorot_uniform",
                seed=seed, bias_init=0.3)
    rng = np.random.default_rng(seed)
    # Non-zero biases everywhere, so the folding of the biases is really tested.
    model.set_params(model.weights, [rng.normal(size=b.shape) for b in model.biases])
    X = rng.normal(size=(50, 3))
    W, b = collapse_linear(model.weights, model.biases)
    assert W.shape == (3, n_out) and b.shape == (n_out,)
    deep = model.forward_trace(X)[0][-1]
    np.testing.assert_allclose(affine_logits(X, W, b), deep, rtol=1e-10, atol=1e-10)


def test_collapse_of_trained_sigmoid_output_network_matches_logits() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] > 0).astype(int)
    model = MLP([2, 8, 8, 8, 1], activation="identity", init="glorot_uniform", seed=2)
    model.fit(X, y, epochs=20, lr=0.05, optimizer="adam")
    W, b = collapse_linear(model.weights, model.biases)
    deep = model.forward_trace(X)[0][-1]
    assert np.max(np.abs(X @ W + b - deep)) < 1e-12


def test_relu_network_does_not_collapse() -> None:
    # The collapse is exact only without a non-linearity: the same weights with
    # ReLU hidden units give a different function.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    model = MLP([2, 16, 16, 1], activation="relu", output="identity", seed=0)
    W, b = collapse_linear(model.weights, model.biases)
    assert np.max(np.abs(X @ W + b - model.forward(X))) > 1e-2


def test_single_layer_is_returned_unchanged() -> None:
    W0, b0 = np.arange(6.0).reshape(2, 3), np.array([1.0, -2.0, 0.5])
    W, b = collapse_linear([W0], [b0])
    np.testing.assert_array_equal(W, W0)
    np.testing.assert_array_equal(b, b0)
    W[0, 0] = 99  # a copy, not a view of the input
    assert W0[0, 0] == 0


def test_hand_worked_two_layers() -> None:
    # z = ((x W0 + b0) W1 + b1) with scalars: ((2x + 1)·3 + 4) = 6x + 7.
    W, b = collapse_linear([[[2.0]], [[3.0]]], [[1.0], [4.0]])
    assert W[0, 0] == 6.0 and b[0] == 7.0


@pytest.mark.parametrize(
    ("weights", "biases"),
    [
        ([], []),
        ([np.ones((2, 3))], []),
        ([np.ones((2, 3)), np.ones((4, 1))], [np.ones(3), np.ones(1)]),
        ([np.ones((2, 3))], [np.ones(2)]),
    ],
)
def test_bad_shapes_raise(weights, biases) -> None:
    with pytest.raises(ValueError):
        collapse_linear(weights, biases)


@settings(max_examples=50, deadline=None)
@given(
    w=st.tuples(st.floats(-5, 5), st.floats(-5, 5)).filter(lambda v: abs(v[0]) + abs(v[1]) > 1e-3),
    b=st.floats(-3, 3),
)
def test_boundary_segment_lies_on_the_line_and_in_the_box(w, b) -> None:
    lo, hi = np.array([-2.0, -1.5]), np.array([2.5, 1.0])
    seg = boundary_segment(np.array(w), b, lo, hi)
    if seg is None:
        # The line misses the box: every corner is on the same side.
        corners = np.array([[lo[0], lo[1]], [lo[0], hi[1]], [hi[0], lo[1]], [hi[0], hi[1]]])
        side = corners @ np.array(w) + b
        assert np.all(side >= -1e-9) or np.all(side <= 1e-9)
        return
    for p in seg:
        assert abs(np.dot(w, p) + b) < 1e-9 * max(1.0, np.abs(w).max())
        assert np.all(np.array(p) >= lo - 1e-9) and np.all(np.array(p) <= hi + 1e-9)


def test_boundary_segment_axis_parallel_and_degenerate() -> None:
    lo, hi = np.array([-1.0, -1.0]), np.array([1.0, 1.0])
    (p, q) = boundary_segment(np.array([1.0, 0.0]), -0.5, lo, hi)  # x1 = 0.5
    assert p[0] == q[0] == 0.5 and {p[1], q[1]} == {-1.0, 1.0}
    assert boundary_segment(np.array([0.0, 0.0]), 1.0, lo, hi) is None
    assert boundary_segment(np.array([1.0, 0.0]), -5.0, lo, hi) is None


def test_affine_fit_recovers_an_affine_map_exactly() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2))
    W0, b0 = np.array([[1.5], [-0.5]]), np.array([0.25])
    W, b, r = affine_fit(X, X @ W0 + b0)
    np.testing.assert_allclose(W, W0, atol=1e-12)
    np.testing.assert_allclose(b, b0, atol=1e-12)
    assert r < 1e-12


def test_affine_fit_of_a_deep_linear_network_is_exact_and_of_a_relu_network_is_not() -> None:
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 2))
    lin = MLP([2, 16, 16, 16, 1], activation="identity", output="identity", seed=1)
    relu = MLP([2, 16, 16, 16, 1], activation="relu", output="identity", seed=1)
    assert affine_fit(X, lin.forward(X))[2] < 1e-10
    assert affine_fit(X, relu.forward(X))[2] > 0.05


def test_affine_fit_of_a_bend_is_order_one_and_of_a_constant_is_zero() -> None:
    x = np.linspace(-1.0, 1.0, 101)[:, None]
    # |x| is as far from a line as it gets: the best line is flat, residual ‖|x| − mean‖.
    assert affine_fit(x, np.abs(x[:, 0]))[2] == pytest.approx(1.0, abs=1e-12)
    assert affine_fit(x, np.full(101, 3.0))[2] == 0.0
    with pytest.raises(ValueError):
        affine_fit(x[:1], np.zeros(1))
