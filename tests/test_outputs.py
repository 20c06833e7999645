"""core.outputs: the BCE and MSE output deltas, and the confidently wrong start."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.activations import d_sigmoid, sigmoid, softplus
from core.datasets import load
from core.mlp import MLP
from core.outputs import bce_from_logits, confidently_wrong, output_deltas


@settings(max_examples=60, deadline=None)
@given(z=st.floats(-50, 50), y=st.sampled_from([0.0, 1.0]))
def test_mse_delta_is_bce_delta_times_twice_sigma_prime(z, y) -> None:
    bce, mse = output_deltas([z], [y])
    assert bce[0] == pytest.approx(float(sigmoid(z)) - y, abs=1e-15)
    assert mse[0] == pytest.approx(2 * bce[0] * float(d_sigmoid(z)), rel=1e-12, abs=1e-300)
    # σ' <= 1/4, so the MSE signal is never more than half the BCE signal.
    assert abs(mse[0]) <= 0.5 * abs(bce[0]) * (1 + 1e-12) + 1e-300


@pytest.mark.parametrize("y", [0.0, 1.0])
@pytest.mark.parametrize("z", [-4.0, -1.3, 0.2, 2.7])
def test_deltas_are_the_derivatives_of_the_losses(z, y) -> None:
    def bce(v: float) -> float:
        return float(softplus(v) - y * v)

    def mse(v: float) -> float:
        return float((sigmoid(v) - y) ** 2)

    h = 1e-6
    d_bce, d_mse = output_deltas([z], [y])
    assert d_bce[0] == pytest.approx((bce(z + h) - bce(z - h)) / (2 * h), rel=1e-6, abs=1e-9)
    assert d_mse[0] == pytest.approx((mse(z + h) - mse(z - h)) / (2 * h), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("output", ["sigmoid", "sigmoid_mse"])
def test_deltas_match_the_network_backward_pass(output) -> None:
    X, y = load("moons", n_samples=60, seed=1)
    model = MLP([2, 5, 1], activation="tanh", output=output, seed=3)
    trace = model.backward_trace(X, y)
    d_bce, d_mse = output_deltas(trace.zs[-1][:, 0], y)
    expected = d_bce if output == "sigmoid" else d_mse
    # The network averages over the n samples.
    np.testing.assert_allclose(trace.deltas[-1][:, 0] * len(y), expected, rtol=1e-12, atol=1e-15)


def test_bce_from_logits_matches_the_network_loss() -> None:
    X, y = load("circles", n_samples=50, seed=0)
    model = MLP([2, 4, 1], output="sigmoid", seed=1)
    z = model.forward_trace(X)[0][-1]
    assert bce_from_logits(z, y) == pytest.approx(model.loss(X, y), rel=1e-12)
    assert math.isfinite(bce_from_logits([1e4, -1e4], [0, 1]))


def test_output_deltas_shape_mismatch_raises() -> None:
    with pytest.raises(ValueError):
        output_deltas([0.0, 1.0], [1.0])


@pytest.mark.parametrize("logit", [3.0, 6.0, 9.0])
@pytest.mark.parametrize("data", ["moons", "circles", "blobs"])
def test_confidently_wrong_start(data, logit) -> None:
    X, y = load(data, n_samples=200, seed=0)
    model = MLP([2, 16, 1], activation="relu", output="sigmoid", seed=0)
    hidden_before = [w.copy() for w in model.weights[:-1]]
    confidently_wrong(model, X, y, logit)
    z = model.forward_trace(X)[0][-1][:, 0]
    assert np.median(np.abs(z)) == pytest.approx(logit, rel=1e-9)
    assert model.accuracy(X, y) < 0.3  # most points are on the wrong side
    for before, after in zip(hidden_before, model.weights[:-1], strict=True):
        np.testing.assert_array_equal(before, after)  # only the last layer changed
    # Saturated on the wrong side: BCE keeps a large signal, MSE almost none.
    d_bce, d_mse = output_deltas(z, y)
    assert np.mean(np.abs(d_mse)) < 0.25 * np.mean(np.abs(d_bce))


def test_confidently_wrong_rejects_bad_input() -> None:
    X, y = load("moons", n_samples=40, seed=0)
    with pytest.raises(ValueError):
        confidently_wrong(MLP([2, 3, 2], output="softmax"), X, y)
    with pytest.raises(ValueError):
        confidently_wrong(MLP([2, 3, 1]), X, y, logit=-1.0)
