"""MLP options of deeper networks: skips, normalisation, per-layer activations, penalties, clipping.

Every analytic gradient is checked against central differences in float64, γ and β
included. ``central_difference`` is shared with the other core test files.
"""

from __future__ import annotations

import itertools
import math
import pickle
from collections.abc import Callable

import numpy as np
import pytest

from core import datasets
from core.activations import ACTIVATIONS
from core.gradients import init_statistics, layer_statistics
from core.mlp import MLP, NORM_EPS, NORM_MOMENTUM, OUTPUTS, LossAndGrads, Params

N_OUT = {"sigmoid": 1, "sigmoid_mse": 1, "softmax": 3, "identity": 2}
NORMS = (None, "layer", "batch")
PENALTIES = ((0.0, 0.0), (0.03, 0.05))
# Mixes of per-layer activations (three hidden layers), with smooth and kinked units.
MIXES = (("relu", "relu", "sigmoid"), ("sigmoid", "tanh", "relu"), ("gelu", "leaky_relu", "elu"))


def central_difference(f: Callable[[], float], p: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """``∂f/∂p`` by central differences, changing ``p`` in place one entry at a time."""
    numeric = np.empty_like(p)
    for idx in np.ndindex(p.shape):
        old = p[idx]
        p[idx] = old + h
        up = f()
        p[idx] = old - h
        down = f()
        p[idx] = old
        numeric[idx] = (up - down) / (2 * h)
    return numeric


def rel_err(a: np.ndarray, b: np.ndarray) -> float:
    """Relative difference; gradients that are 0 in exact arithmetic (a bias feeding a
    batch norm) count as equal when both sides are below the differences' rounding."""
    diff = float(np.linalg.norm(a - b))
    return 0.0 if diff < 1e-8 else diff / float(np.linalg.norm(a) + np.linalg.norm(b))


def targets(output: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if output == "softmax":
        return rng.integers(0, N_OUT[output], size=n)
    if output == "identity":
        return rng.standard_normal((n, N_OUT[output]))
    return rng.integers(0, 2, size=n)


def kink_free_net(activation, output: str, residual: bool = False, norm: str | None = None,
                  sizes: tuple[int, ...] = (3, 4, 4, 4)) -> tuple[MLP, np.ndarray, np.ndarray]:
    """A small net with random biases, γ and β whose activation inputs keep |ẑ| > 1e-3.

    Keeping away from 0 keeps every central difference off the kinks of ReLU,
    Leaky ReLU and ELU (and |W| > 0 off the kink of the L1 penalty).
    """
    for seed in range(200):
        rng = np.random.default_rng(seed)
        model = MLP([*sizes, N_OUT[output]], activation, output, init="glorot_normal",
                    seed=seed, residual=residual, norm=norm)
        p = model.get_params()
        model.set_params(p.weights, [0.3 * rng.standard_normal(b.shape) for b in p.biases],
                         gammas=[1 + 0.3 * rng.standard_normal(g.shape) for g in p.gammas],
                         betas=[0.3 * rng.standard_normal(b.shape) for b in p.betas])
        X = rng.standard_normal((6, sizes[0]))
        if min(np.abs(z).min() for z in model.backward_trace(X, targets(output, 6, rng)).zhats) > 1e-3:
            return model, X, targets(output, 6, np.random.default_rng(seed + 1000))
    raise AssertionError("no kink-free configuration found")


def check_gradients(model: MLP, X: np.ndarray, y: np.ndarray, l1: float = 0.0,
                    l2: float = 0.0) -> None:
    """Every parameter's gradient and dL/dX against central differences of ``model.loss``."""
    result = model.loss_and_grads(X, y, l1=l1, l2=l2)
    loss, grads_w, grads_b = result
    assert loss == pytest.approx(model.loss(X, y, l1=l1, l2=l2), rel=1e-14)
    analytic = [*grads_w, *grads_b, *result.grads_gamma, *result.grads_beta]
    assert len(analytic) == len(model.trainable())
    for p, g in zip(model.trainable(), analytic, strict=True):
        assert g.shape == p.shape
        numeric = central_difference(lambda: model.loss(X, y, l1=l1, l2=l2), p)
        assert rel_err(g, numeric) < 1e-6
    trace = model.backward_trace(X, y, l1=l1, l2=l2)
    X = X.copy()
    assert rel_err(trace.dh[0], central_difference(lambda: model.loss(X, y), X)) < 1e-6


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("residual", [False, True])
def test_every_option_matches_central_differences(residual, norm, activation, output) -> None:
    model, X, y = kink_free_net(activation, output, residual, norm)
    assert model.skips == [False, residual, residual]
    for l1, l2 in PENALTIES:
        check_gradients(model, X, y, l1, l2)


@pytest.mark.parametrize("mix", MIXES)
@pytest.mark.parametrize(("norm", "residual"), list(itertools.product(NORMS, [False, True])))
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_per_layer_activations_match_central_differences(mix, norm, residual, output) -> None:
    model, X, y = kink_free_net(list(mix), output, residual, norm)
    assert [a.name for a in model.activations] == list(mix)
    assert model.activation is model.activations[0]
    check_gradients(model, X, y, *PENALTIES[1])


def test_width_changing_layers_have_no_skip() -> None:
    model = MLP([2, 3, 3, 4, 4, 1], residual=True)
    assert model.skips == [False, True, False, True]
    assert MLP([2, 3, 3, 1]).skips == [False, False]
    model, X, y = kink_free_net("tanh", "identity", residual=True, norm="layer",
                                sizes=(2, 3, 3, 4, 4))
    check_gradients(model, X, y, 0.01, 0.02)


def test_tiny_residual_network_by_hand() -> None:
    # 2-2-2-1 ReLU net, sigmoid output; hidden layer 2 adds its input: h2 = h1 + relu(z1).
    model = MLP([2, 2, 2, 1], "relu", "sigmoid", residual=True)
    assert model.skips == [False, True]
    W0, b0 = np.eye(2), np.zeros(2)
    W1, b1 = np.array([[1.0, 0.0], [0.0, -1.0]]), np.zeros(2)
    W2, b2 = np.array([[0.5], [-0.5]]), np.zeros(1)
    model.set_params([W0, W1, W2], [b0, b1, b2])
    X, y = np.array([[1.0, 2.0]]), np.array([1])
    t = model.backward_trace(X, y)
    # z0 = x = [1, 2], h1 = relu(z0) = [1, 2] (no skip into the first hidden layer)
    np.testing.assert_array_equal(t.hs[1], [[1.0, 2.0]])
    # z1 = h1 W1 = [1, −2], relu(z1) = [1, 0], h2 = h1 + relu(z1) = [2, 2]
    np.testing.assert_array_equal(t.zs[1], [[1.0, -2.0]])
    np.testing.assert_array_equal(t.hs[2], [[2.0, 2.0]])
    # z2 = h2 W2 = 2·0.5 − 2·0.5 = 0, a = σ(0) = ½, L = −log ½ = log 2, δ2 = a − y = −½
    np.testing.assert_array_equal(t.zs[2], [[0.0]])
    assert t.loss == pytest.approx(math.log(2.0), rel=1e-15)
    np.testing.assert_allclose(t.deltas[2], [[-0.5]])
    # dL/dW2 = h2ᵀ δ2 = [−1, −1];  dL/dh2 = δ2 W2ᵀ = [−0.25, 0.25]
    np.testing.assert_allclose(t.grads_w[2], [[-1.0], [-1.0]])
    np.testing.assert_allclose(t.dh[2], [[-0.25, 0.25]])
    # δ1 = dL/dh2 ⊙ relu'(z1) = [−0.25, 0];  dL/dW1 = h1ᵀ δ1 = [[−0.25, 0], [−0.5, 0]]
    np.testing.assert_allclose(t.deltas[1], [[-0.25, 0.0]])
    np.testing.assert_allclose(t.grads_w[1], [[-0.25, 0.0], [-0.5, 0.0]])
    # dL/dh1 = δ1 W1ᵀ + dL/dh2 (the skip) = [−0.25, 0] + [−0.25, 0.25] = [−0.5, 0.25]
    np.testing.assert_allclose(t.dh[1], [[-0.5, 0.25]])
    # δ0 = dL/dh1 ⊙ relu'(z0) = [−0.5, 0.25]; dL/dW0 = xᵀ δ0; dL/dx = δ0 W0ᵀ = δ0
    np.testing.assert_allclose(t.deltas[0], [[-0.5, 0.25]])
    np.testing.assert_allclose(t.grads_w[0], [[-0.5, 0.25], [-1.0, 0.5]])
    np.testing.assert_allclose(t.dh[0], [[-0.5, 0.25]])

    # Without the skip the same weights give h2 = relu(z1) = [1, 0] and z2 = 0.5.
    plain = MLP([2, 2, 2, 1], "relu", "sigmoid")
    plain.set_params(model.get_params())
    np.testing.assert_array_equal(plain.backward_trace(X, y).hs[2], [[1.0, 0.0]])


def test_normalisation_by_hand() -> None:
    X = np.array([[1.0, 0.0], [3.0, 2.0], [5.0, 1.0]])
    for norm in ("layer", "batch"):
        model = MLP([2, 2, 1], "identity", "identity", norm=norm)
        model.set_params([np.eye(2), np.ones((2, 1))], [np.zeros(2), np.zeros(1)],
                         gammas=[np.array([2.0, 1.0])], betas=[np.array([0.5, -1.0])])
        zhat = model.backward_trace(X, np.zeros(3)).zhats[0]
        axis = 1 if norm == "layer" else 0
        mu, var = X.mean(axis=axis, keepdims=True), X.var(axis=axis, keepdims=True)  # biased
        np.testing.assert_allclose(zhat, [2.0, 1.0] * (X - mu) / np.sqrt(var + NORM_EPS)
                                   + [0.5, -1.0], rtol=1e-14)
        if norm == "layer":
            # Sample [1, 0]: μ = ½, σ² = ¼, x̂ = ±½ / sqrt(¼ + ε), ẑ = [2 x̂₀ + ½, x̂₁ − 1].
            x = 0.5 / math.sqrt(0.25 + NORM_EPS)
            np.testing.assert_allclose(zhat[0], [2 * x + 0.5, -x - 1.0], rtol=1e-14)


def test_batch_norm_running_averages_and_prediction() -> None:
    X, y = datasets.load("moons", n_samples=40, noise=0.2, seed=0)
    model = MLP([2, 5, 5, 1], "tanh", norm="batch", seed=3)
    np.testing.assert_array_equal(model.running_mean[0], 0.0)
    np.testing.assert_array_equal(model.running_var[1], 1.0)
    ref = model.copy()
    # One step: the averages move once, from the batch statistics before the step.
    t = ref.backward_trace(X, y)
    model.step(X, y, lr=0.1)
    for k in range(2):
        z = t.zs[k]
        np.testing.assert_allclose(model.running_mean[k], NORM_MOMENTUM * z.mean(axis=0),
                                   rtol=1e-13)
        np.testing.assert_allclose(model.running_var[k],
                                   (1 - NORM_MOMENTUM) + NORM_MOMENTUM * z.var(axis=0, ddof=1),
                                   rtol=1e-13)
    # Losses, gradients and traces do not move them.
    before = model.get_params()
    model.loss_and_grads(X, y)
    model.backward_trace(X, y)
    model.predict(X)
    for a, b in zip(model.running_var, before.running_var, strict=True):
        np.testing.assert_array_equal(a, b)

    # Prediction normalises with the running averages: the forward pass written out.
    h = X
    for k in range(2):
        z = h @ model.weights[k] + model.biases[k]
        zhat = model.gammas[k] * (z - model.running_mean[k]) / np.sqrt(
            model.running_var[k] + NORM_EPS) + model.betas[k]
        h = np.tanh(zhat)
    logit = h @ model.weights[2] + model.biases[2]
    np.testing.assert_allclose(model.forward(X), 1 / (1 + np.exp(-logit)), rtol=1e-13)
    np.testing.assert_allclose(model.activation_inputs(X)[1], zhat, rtol=1e-13)
    # ... while the loss uses the batch's own statistics, so the two differ.
    assert model.loss(X, y) != pytest.approx(
        float(np.mean(np.logaddexp(0, logit[:, 0]) - y * logit[:, 0])), rel=1e-6)


@pytest.mark.parametrize("batch_size", [None, 8])
def test_fit_updates_running_averages_once_per_step(batch_size) -> None:
    X, y = datasets.load("moons", n_samples=36, noise=0.2, seed=1)
    model = MLP([2, 6, 6, 1], "relu", norm="batch", seed=0)
    replay = model.copy()
    model.fit(X, y, epochs=4, lr=0.05, batch_size=batch_size, seed=5)
    # Replaying the same SGD steps with step(): same parameters, same running averages.
    rng = np.random.default_rng(5)
    for _ in range(4):
        if batch_size is None:
            replay.step(X, y, lr=0.05)
            continue
        perm = rng.permutation(len(X))
        # 36 = 8 + 8 + 8 + 8 + 4: no batch of one to fold.
        for start in range(0, len(X), batch_size):
            rows = perm[start:start + batch_size]
            replay.step(X[rows], y[rows], lr=0.05)
    for a, b in zip(model.get_params(), replay.get_params(), strict=True):
        for p, q in zip(a, b, strict=True):
            np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)


def test_batch_norm_with_one_sample_is_finite() -> None:
    X, y = datasets.load("moons", n_samples=10, noise=0.2, seed=0)
    X, y = X[:9], y[:9]
    model = MLP([2, 4, 4, 1], "relu", norm="batch", seed=0)
    model.betas[1][:] = 0.5  # so the units after the last norm are on: relu(β) > 0
    res = model.loss_and_grads(X[:1], y[:1])
    assert all(np.isfinite(g).all() for g in (*res[1], *res[2], *res.grads_gamma, *res.grads_beta))
    # One sample normalises to ẑ = β exactly, so nothing below the last norm learns from it.
    assert all(np.all(g == 0) for g in res[1][:-1])
    np.testing.assert_array_equal(model.backward_trace(X[:1], y[:1]).zhats[1], model.betas[1][None])
    assert np.any(res.grads_beta[1] != 0)
    before = model.get_params()
    model.step(X[:1], y[:1], lr=0.1)  # no unbiased variance of one sample: averages kept
    np.testing.assert_array_equal(model.running_var[0], before.running_var[0])
    # 9 rows in batches of 4 would leave a batch of one; it joins the batch before it.
    folded = MLP([2, 4, 4, 1], "relu", norm="batch", seed=0)
    replay = folded.copy()
    hist = folded.fit(X, y, epochs=1, lr=0.1, batch_size=4, seed=2)
    perm = np.random.default_rng(2).permutation(9)
    for rows in (perm[:4], perm[4:]):
        replay.step(X[rows], y[rows], lr=0.1)
    np.testing.assert_allclose(folded.running_mean[1], replay.running_mean[1], rtol=1e-12)
    assert hist.diverged_at is None
    ones = MLP([2, 4, 4, 1], "relu", norm="batch", seed=0).fit(X, y, epochs=2, batch_size=1)
    assert ones.diverged_at is None and np.all(np.isfinite(ones.loss))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("norm", ["layer", "batch"])
def test_every_optimiser_trains_gamma_and_beta(optimizer, norm) -> None:
    X, y = datasets.load("moons", n_samples=60, noise=0.2, seed=0)
    model = MLP([2, 8, 8, 1], "relu", norm=norm, seed=0)
    start = model.get_params()
    hist = model.fit(X, y, epochs=30, lr=0.05, optimizer=optimizer, batch_size=20)
    assert hist.diverged_at is None and hist.loss[-1] < hist.loss[0]
    for now, then in ((model.gammas, start.gammas), (model.betas, start.betas)):
        assert all(not np.array_equal(a, b) for a, b in zip(now, then, strict=True))
    # One full-batch SGD epoch is exactly θ ← θ − η g for every trained array.
    one = MLP([2, 8, 8, 1], "relu", norm=norm, seed=0)
    res = one.loss_and_grads(X, y)
    expected = [p - 0.05 * g for p, g in zip(
        one.trainable(), (*res[1], *res[2], *res.grads_gamma, *res.grads_beta), strict=True)]
    one.fit(X, y, epochs=1, lr=0.05)
    for p, q in zip(one.trainable(), expected, strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("norm", NORMS)
def test_state_in_snapshots_copies_and_pickles(norm) -> None:
    X, y = datasets.load("circles", n_samples=60, noise=0.1, seed=0)
    model = MLP([2, 6, 6, 1], ["relu", "tanh"], norm=norm, residual=True, seed=0)
    hist = model.fit(X, y, epochs=6, lr=0.2, batch_size=16, snapshot_epochs=[3])
    snap = hist.snapshots[3]
    assert isinstance(snap, Params)
    assert len(snap.gammas) == (2 if norm else 0)
    assert len(snap.running_var) == (2 if norm == "batch" else 0)
    restored = model.copy()
    restored.set_params(snap)
    assert restored.loss(X, y) == pytest.approx(hist.loss[3], rel=1e-12)
    for clone in (model.copy(), pickle.loads(pickle.dumps(model))):
        np.testing.assert_array_equal(clone.forward(X), model.forward(X))
        assert clone.activations == model.activations and clone.skips == model.skips
    if norm:
        copy = model.copy()
        for state in (copy.gammas, copy.betas, copy.running_var):
            for a in state:
                a += 1.0
        assert not np.array_equal(copy.gammas[0], model.gammas[0])
        assert not np.array_equal(copy.forward(X), model.forward(X))
        assert model.n_params == sum(p.size for p in model.trainable()) > sum(
            w.size + b.size for w, b in zip(model.weights, model.biases, strict=True))


def test_loss_and_grads_result_unpacks_and_pickles() -> None:
    model, X, y = kink_free_net("tanh", "sigmoid", norm="layer")
    res = model.loss_and_grads(X, y, l2=0.1)
    loss, gw, gb = res
    assert isinstance(res, LossAndGrads) and isinstance(res, tuple) and len(res) == 3
    assert res.loss == loss and res.grads_w is gw and res.grads_b is gb
    assert res.penalty == pytest.approx(0.05 * sum(float(np.sum(W * W)) for W in model.weights))
    back = pickle.loads(pickle.dumps(res))
    assert back.penalty == res.penalty and len(back.grads_gamma) == 3
    np.testing.assert_array_equal(back.grads_beta[2], res.grads_beta[2])


def test_penalty_keeps_out_of_history_loss_and_l1_subgradient_is_zero_at_zero() -> None:
    X, y = datasets.load("moons", n_samples=50, noise=0.2, seed=0)
    model = MLP([2, 6, 1], "tanh", seed=0)
    model.weights[0][0, 0] = 0.0
    data = model.loss_and_grads(X, y)
    pen = model.loss_and_grads(X, y, l1=0.5)
    assert pen[1][0][0, 0] == data[1][0][0, 0]  # sign(0) = 0
    np.testing.assert_allclose(pen[1][0][1], data[1][0][1] + 0.5 * np.sign(model.weights[0][1]))
    np.testing.assert_array_equal(pen[2][0], data[2][0])  # biases are not penalised
    hist = model.copy().fit(X, y, epochs=3, lr=0.1, l1=0.01, l2=0.1)
    assert hist.loss[0] == pytest.approx(model.loss(X, y), rel=1e-12)
    assert hist.penalty[0] == pytest.approx(model.penalty(0.01, 0.1), rel=1e-12)
    assert hist.penalty[3] < hist.penalty[0]
    with pytest.raises(ValueError, match="l2"):
        model.fit(X, y, epochs=1, l2=-1.0)


def test_clipping_acts_and_keeps_weights_finite() -> None:
    X, y = datasets.load("moons", n_samples=60, noise=0.2, seed=0)
    sizes = [2, *[16] * 8, 1]
    wild = MLP(sizes, "relu", output="identity", init="normal", init_std=2.0, seed=0)
    free = wild.copy().fit(X, y, epochs=20, lr=0.1)
    assert free.diverged_at is not None  # the signal grows ~8x per layer until it overflows
    tamed = wild.copy()
    hist = tamed.fit(X, y, epochs=20, lr=0.1, clip_norm=1.0)
    assert hist.diverged_at is None and hist.clipped[1] and not hist.clipped[0]
    assert all(np.isfinite(p).all() for p in tamed.trainable())
    assert hist.clipped.shape == hist.loss.shape == (21,)

    # The rescaled step is exactly g · clip / ‖g‖ over all parameters, penalty included.
    model = MLP([2, 5, 5, 1], "tanh", norm="layer", seed=1)
    res = model.loss_and_grads(X, y, l2=0.5)
    grads = [*res[1], *res[2], *res.grads_gamma, *res.grads_beta]
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    clip = total / 3
    expected = [p - 0.1 * g * (clip / total) for p, g in zip(model.trainable(), grads, strict=True)]
    hist = model.fit(X, y, epochs=1, lr=0.1, l2=0.5, clip_norm=clip)
    assert hist.clipped.tolist() == [False, True]
    for p, q in zip(model.trainable(), expected, strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)
    loose = MLP([2, 5, 5, 1], "tanh", seed=1).fit(X, y, epochs=2, clip_norm=1e6)
    assert not loose.clipped.any()
    with pytest.raises(ValueError, match="clip_norm"):
        model.fit(X, y, clip_norm=0.0)


@pytest.mark.parametrize(("residual", "norm"), list(itertools.product([False, True], NORMS)))
def test_layer_statistics_and_history_on_these_networks(residual, norm) -> None:
    X, y = datasets.load("moons", n_samples=40, noise=0.2, seed=0)
    sizes = [2, 6, 6, 6, 1]
    model = MLP(sizes, ["relu", "sigmoid", "tanh"], residual=residual, norm=norm, seed=2)
    stats = layer_statistics(model, X, y)
    trace = model.backward_trace(X, y)
    np.testing.assert_allclose(stats.grad_h, [np.linalg.norm(d) for d in trace.dh[1:]])
    np.testing.assert_allclose(stats.spread, [h.std(axis=0).mean() for h in trace.hs[1:-1]])
    # Saturation is judged per layer, with that layer's activation, on ẑ.
    relu_off = np.mean(trace.zhats[0] <= 0)
    assert stats.saturated[0] == pytest.approx(relu_off)
    hist = model.copy().fit(X, y, epochs=2, lr=0.1, batch_size=10)
    np.testing.assert_allclose(hist.grad_h[0], stats.grad_h, rtol=1e-12)
    rows = init_statistics(sizes, ["relu", "sigmoid", "tanh"], "he", X, y, seeds=[2],
                           residual=residual, norm=norm)
    np.testing.assert_array_equal(rows.spread[0], stats.spread)

    # dL/dh_l at every hidden layer: with no normalisation, the tail of the network
    # from layer l on, fed h_l through an identity layer, has h_l as its input.
    if norm is None:
        for layer in (1, 2, 3):
            tail = MLP([sizes[layer], *sizes[layer:]],
                       ["identity", *[a.name for a in model.activations[layer:]]],
                       residual=residual)
            tail.set_params([np.eye(sizes[layer]), *model.weights[layer:]],
                            [np.zeros(sizes[layer]), *model.biases[layer:]])
            h = trace.hs[layer].copy()
            numeric = central_difference(lambda tail=tail, h=h: tail.loss(h, y), h)
            assert rel_err(trace.dh[layer], numeric) < 1e-6


def test_constructor_checks_the_new_options() -> None:
    with pytest.raises(ValueError, match="norm"):
        MLP([2, 3, 1], norm="group")
    with pytest.raises(ValueError, match="one activation per hidden layer"):
        MLP([2, 3, 3, 1], activation=["relu"])
    with pytest.raises(KeyError):
        MLP([2, 3, 1], activation=["relu6"])
    assert MLP([2, 1], activation="tanh").activation is ACTIVATIONS["tanh"]
    assert "norm='batch'" in repr(MLP([2, 3, 1], norm="batch", residual=True))
    with pytest.raises(ValueError, match="gammas"):
        MLP([2, 3, 1]).set_params([np.zeros((2, 3)), np.zeros((3, 1))], [np.zeros(3), np.zeros(1)],
                                  gammas=[np.ones(3)])


def test_float32_normalised_residual_network() -> None:
    X, y = datasets.load("moons", n_samples=80, noise=0.1, seed=0)
    model = MLP([2, 16, 16, 1], "relu", dtype=np.float32, residual=True, norm="batch", seed=0)
    hist = model.fit(X, y, epochs=60, lr=0.01, optimizer="adam", batch_size=16)
    assert all(p.dtype == np.float32 for p in (*model.trainable(), *model.running_var))
    assert model.forward(X).dtype == np.float32
    assert hist.diverged_at is None and hist.train_acc[-1] >= 0.9


def test_networks_pickled_before_the_options_still_load() -> None:
    model = MLP([2, 4, 4, 1], "tanh", seed=0)
    state = model.__getstate__()
    for key in ("activations", "residual", "skips", "norm", "gammas", "betas",
                "running_mean", "running_var"):
        del state[key]
    old = MLP.__new__(MLP)
    old.__setstate__(state)
    X = np.random.default_rng(0).standard_normal((5, 2))
    np.testing.assert_array_equal(old.forward(X), model.forward(X))
    assert old.activations == [ACTIVATIONS["tanh"]] * 2 and old.get_params().gammas == []
