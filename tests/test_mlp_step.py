"""MLP.step and the buffered training pass behind it and behind fit.

The same pass runs on fresh arrays for loss_and_grads and backward_trace, so these
tests compare the buffered runs against those."""

import pickle

import numpy as np
import pytest

from core.activations import ACTIVATIONS
from core.mlp import MLP

ACTS = list(ACTIVATIONS)  # relu and tanh take their in-place fast paths, the rest the generic one
OPTIONS = [{}, {"residual": True}, {"norm": "layer"}, {"norm": "batch", "residual": True}]


def _data(n: int = 40, n_in: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, n_in))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_step_equals_manual_update(act: str, dtype: type, options: dict) -> None:
    X, y = _data()
    model = MLP([3, 8, 8, 1], activation=act, seed=1, dtype=dtype, **options)
    ref = model.copy()
    res = ref.loss_and_grads(X, y)
    grads = (*res.grads_w, *res.grads_b, *res.grads_gamma, *res.grads_beta)
    for p, g in zip(ref.trainable(), grads, strict=True):
        p -= 0.05 * g
    assert model.step(X, y, lr=0.05) == pytest.approx(res.loss, rel=1e-12)
    tol = 1e-12 if dtype is np.float64 else 1e-5
    for a, b in zip(model.trainable(), ref.trainable(), strict=True):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity", "sigmoid_mse"])
def test_buffered_pass_matches_traced_backward(act: str, output: str, options: dict) -> None:
    X, y = _data(n=30)
    n_out = 3 if output == "softmax" else 1
    if output == "softmax":
        y = np.arange(30) % 3
    model = MLP([3, 6, 6, 5, n_out], activation=act, output=output, seed=2, **options)
    trace = model.backward_trace(X, y)
    hist = model.copy().fit(X, y, epochs=0)  # one buffered pass over the whole set
    assert hist.loss[0] == trace.loss  # the forward pass is the same operations in the same order
    np.testing.assert_allclose(hist.grad_norms[0], [np.linalg.norm(g) for g in trace.grads_w],
                               rtol=1e-12)
    np.testing.assert_allclose(hist.grad_h[0], [np.linalg.norm(d) for d in trace.dh[1:]],
                               rtol=1e-12)


def test_repeated_steps_reuse_buffers_and_match_fit() -> None:
    X, y = _data(n=50)
    a = MLP([3, 16, 16, 1], seed=3)
    b = a.copy()
    losses = [a.step(X, y, lr=0.1) for _ in range(5)]
    hist = b.fit(X, y, epochs=5, lr=0.1)
    np.testing.assert_allclose(losses, hist.loss[:5], rtol=1e-12)
    for p, q in zip(a.weights, b.weights, strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)
    # A smaller batch after a larger one reuses the buffers' leading rows.
    small = a.copy()
    a.step(X[:20], y[:20], lr=0.1)
    small.step(X[:20], y[:20], lr=0.1)
    for p, q in zip(a.weights, small.weights, strict=True):
        np.testing.assert_array_equal(p, q)


def test_loss_and_grads_returns_independent_arrays() -> None:
    X, y = _data()
    model = MLP([3, 4, 1], seed=0)
    _, gw1, _ = model.loss_and_grads(X, y)
    first = gw1[0].copy()
    model.loss_and_grads(2 * X, y)
    np.testing.assert_array_equal(gw1[0], first)


def test_copy_and_pickle_leave_buffers_out() -> None:
    X, y = _data()
    model = MLP([3, 4, 1], seed=0)
    model.step(X, y)
    assert "_step_ws" not in model.copy().__dict__
    clone = pickle.loads(pickle.dumps(model))
    assert "_step_ws" not in clone.__dict__
    np.testing.assert_array_equal(clone.weights[0], model.weights[0])
    clone.step(X, y)  # still works without buffers


def test_step_rejects_bad_lr() -> None:
    X, y = _data()
    with pytest.raises(ValueError, match="lr"):
        MLP([3, 4, 1]).step(X, y, lr=0.0)
