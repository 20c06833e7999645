"""Tests for core.mlp: gradients, a network worked by hand, training, dead units."""

from __future__ import annotations

import itertools
import math
import pickle
import warnings

import numpy as np
import pytest
from test_mlp_options import central_difference, kink_free_net, rel_err

from core import datasets
from core.activations import ACTIVATIONS
from core.gradients import layer_statistics
from core.mlp import MLP, OUTPUTS, History, Params, dead_units


def _random_net(activation: str, output: str) -> tuple[MLP, np.ndarray, np.ndarray]:
    """A plain [3, 5, 4, n_out] net kept off the kinks (see ``kink_free_net``)."""
    return kink_free_net(activation, output, sizes=(3, 5, 4))


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradients_match_central_differences(activation: str, output: str) -> None:
    model, X, y = _random_net(activation, output)
    loss, grads_w, grads_b = model.loss_and_grads(X, y)
    assert loss == pytest.approx(model.loss(X, y), rel=1e-15)
    for params, grads in ((model.weights, grads_w), (model.biases, grads_b)):
        for p, g in zip(params, grads, strict=True):
            assert g.shape == p.shape
            assert rel_err(g, central_difference(lambda: model.loss(X, y), p)) < 1e-6

    # The signal back-propagated to the input, dL/dX, is checked the same way.
    trace = model.backward_trace(X, y)
    X = X.copy()
    assert rel_err(trace.dh[0], central_difference(lambda: model.loss(X, y), X)) < 1e-6


def test_tiny_network_by_hand() -> None:
    # 2-2-1 ReLU net, sigmoid output, one sample x = [1, 2] with label y = 1.
    model = MLP([2, 2, 1], "relu", "sigmoid")
    W1 = np.array([[1.0, -1.0], [0.5, 1.0]])
    b1 = np.array([0.0, -2.0])
    W2 = np.array([[0.5], [3.0]])
    b2 = np.array([-1.0])
    model.set_params([W1, W2], [b1, b2])
    X, y = np.array([[1.0, 2.0]]), np.array([1])

    trace = model.backward_trace(X, y)
    # z1 = x W1 + b1 = [1·1 + 2·0.5 + 0, 1·(−1) + 2·1 − 2] = [2, −1]
    np.testing.assert_array_equal(trace.zs[0], [[2.0, -1.0]])
    # h1 = relu(z1) = [2, 0]
    np.testing.assert_array_equal(trace.hs[1], [[2.0, 0.0]])
    # z2 = h1 W2 + b2 = 2·0.5 + 0·3 − 1 = 0, so a = σ(0) = 0.5
    np.testing.assert_array_equal(trace.zs[1], [[0.0]])
    np.testing.assert_array_equal(model.forward(X), [[0.5]])
    # BCE with y = 1: L = −log a = −log 0.5 = log 2
    assert trace.loss == pytest.approx(math.log(2.0), rel=1e-15)
    # Output delta δ2 = (a − y)/n = (0.5 − 1)/1 = −0.5
    np.testing.assert_allclose(trace.deltas[1], [[-0.5]])
    # dL/dW2 = h1ᵀ δ2 = [2·(−0.5), 0·(−0.5)] = [−1, 0];  dL/db2 = −0.5
    np.testing.assert_allclose(trace.grads_w[1], [[-1.0], [0.0]])
    np.testing.assert_allclose(trace.grads_b[1], [-0.5])
    # dL/dh1 = δ2 W2ᵀ = −0.5·[0.5, 3] = [−0.25, −1.5]
    np.testing.assert_allclose(trace.dh[1], [[-0.25, -1.5]])
    # δ1 = dL/dh1 ⊙ relu'(z1) = [−0.25·1, −1.5·0] = [−0.25, 0]  (unit 2 is off)
    np.testing.assert_allclose(trace.deltas[0], [[-0.25, 0.0]])
    # dL/dW1 = xᵀ δ1 = [[1·(−0.25), 0], [2·(−0.25), 0]];  dL/db1 = [−0.25, 0]
    np.testing.assert_allclose(trace.grads_w[0], [[-0.25, 0.0], [-0.5, 0.0]])
    np.testing.assert_allclose(trace.grads_b[0], [-0.25, 0.0])
    # dL/dx = δ1 W1ᵀ = [−0.25·1 + 0·(−1), −0.25·0.5 + 0·1] = [−0.25, −0.125]
    np.testing.assert_allclose(trace.dh[0], [[-0.25, -0.125]])

    # Predictions: a = 0.5 is not > 0.5, so class 0.
    assert model.predict_proba(X).shape == (1,)
    np.testing.assert_array_equal(model.predict(X), [0])


def test_output_deltas() -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 3))
    y = rng.integers(0, 2, 8)
    bce = MLP([3, 4, 1], "tanh", "sigmoid", seed=1)
    mse = MLP([3, 4, 1], "tanh", "sigmoid_mse", seed=1)
    t_bce, t_mse = bce.backward_trace(X, y), mse.backward_trace(X, y)
    a, z = t_bce.hs[-1], t_bce.zs[-1]
    # Sigmoid + BCE: exactly (a − y)/n.  Sigmoid + MSE: 2 (a − y) σ'(z)/n.
    np.testing.assert_allclose(t_bce.deltas[-1], (a - y[:, None]) / 8, rtol=1e-15)
    sig_prime = ACTIVATIONS["sigmoid"].df(z)
    np.testing.assert_allclose(t_mse.deltas[-1], 2 * t_bce.deltas[-1] * sig_prime, rtol=1e-14)

    soft = MLP([3, 4, 3], "tanh", "softmax", seed=1)
    labels = rng.integers(0, 3, 8)
    t = soft.backward_trace(X, labels)
    np.testing.assert_allclose(t.deltas[-1], (t.hs[-1] - np.eye(3)[labels]) / 8, rtol=1e-14)
    np.testing.assert_allclose(t.hs[-1].sum(axis=1), 1.0)
    assert t.loss == pytest.approx(-np.mean(np.log(t.hs[-1][np.arange(8), labels])))


def test_losses_are_stable_for_huge_logits() -> None:
    model = MLP([1, 1], "relu", "sigmoid")
    model.set_params([np.array([[1.0]])], [np.array([0.0])])
    X = np.array([[800.0], [-800.0]])
    with np.errstate(all="raise"):
        # Wrong with huge confidence: L = mean(800, 800) = 800, not inf.
        assert model.loss(X, [0, 1]) == pytest.approx(800.0)
        assert model.loss(X, [1, 0]) == pytest.approx(0.0, abs=1e-300)
    soft = MLP([1, 2], "relu", "softmax")
    soft.set_params([np.array([[1.0, -1.0]])], [np.zeros(2)])
    with np.errstate(all="raise"):
        assert soft.loss(np.array([[500.0]]), [1]) == pytest.approx(1000.0)


def test_loss_is_a_mean_over_samples() -> None:
    model, X, y = _random_net("tanh", "softmax")
    loss, gw, gb = model.loss_and_grads(X, y)
    loss2, gw2, gb2 = model.loss_and_grads(np.vstack([X, X]), np.concatenate([y, y]))
    assert loss2 == pytest.approx(loss, rel=1e-14)
    for a, b in zip([*gw, *gb], [*gw2, *gb2], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("seed", "batch_size"), [(0, None), (1, None), (2, 32)])
def test_relu_learns_moons(seed: int, batch_size: int | None) -> None:
    X, y = datasets.load("moons", n_samples=200, noise=0.2, seed=seed)
    model = MLP([2, 32, 32, 1], "relu", "sigmoid", init="he", seed=seed)
    hist = model.fit(X, y, epochs=300, lr=0.01, optimizer="adam", batch_size=batch_size)
    assert hist.diverged_at is None
    assert hist.train_acc[-1] >= 0.95
    assert model.accuracy(X, y) == hist.train_acc[-1]
    assert hist.loss[-1] < 0.5 * hist.loss[0]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
def test_sgd_and_momentum_reduce_the_loss(optimizer: str) -> None:
    X, y = datasets.load("moons", n_samples=200, noise=0.2, seed=0)
    model = MLP([2, 16, 1], "tanh", "sigmoid", init="glorot_uniform", seed=0)
    hist = model.fit(X, y, epochs=100, lr=0.1, optimizer=optimizer, batch_size=50)
    assert hist.loss[-1] < 0.6 * hist.loss[0]
    assert hist.train_acc[-1] > 0.8


def _assert_histories_equal(a: History, b: History) -> None:
    for field in ("epochs", "loss", "train_acc", "test_acc", "grad_norms", "grad_h",
                  "dead_fraction", "dead_total"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.diverged_at == b.diverged_at


def test_determinism() -> None:
    X, y = datasets.load("moons", n_samples=120, noise=0.2, seed=0)

    def run(model_seed: int, fit_seed: int | None = None) -> tuple[MLP, History]:
        model = MLP([2, 8, 8, 1], "relu", seed=model_seed)
        hist = model.fit(X, y, epochs=15, lr=0.05, optimizer="momentum", batch_size=16,
                         seed=fit_seed)
        return model, hist

    m1, h1 = run(0)
    m2, h2 = run(0)
    _assert_histories_equal(h1, h2)
    for a, b in zip([*m1.weights, *m1.biases], [*m2.weights, *m2.biases], strict=True):
        np.testing.assert_array_equal(a, b)

    _, h3 = run(1)
    assert not np.array_equal(h1.loss, h3.loss)
    _, h4 = run(0, fit_seed=7)  # same init, different shuffling
    assert h4.loss[0] == h1.loss[0] and not np.array_equal(h1.loss, h4.loss)


def test_divergence_is_reported_not_printed() -> None:
    X, y = datasets.load("moons", n_samples=100, noise=0.2, seed=0)
    calls: list[tuple[int, int]] = []
    model = MLP([2, 8, 1], "relu", "identity", seed=0)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        hist = model.fit(X, y, epochs=200, lr=1e3, callback=lambda e, t: calls.append((e, t)))
    assert hist.diverged_at is not None and 0 < hist.diverged_at < 200
    assert len(hist.loss) == hist.diverged_at + 1
    assert not np.isfinite(hist.loss[-1]) or not all(
        np.isfinite(p).all() for p in (*model.weights, *model.biases)
    )
    assert np.all(np.isfinite(hist.loss[:-1]))
    assert calls == [(e, 200) for e in range(1, hist.diverged_at + 1)]
    assert np.all(np.isnan(hist.train_acc))  # regression output has no accuracy


def test_history_shapes_and_metrics() -> None:
    X, y = datasets.load("moons", n_samples=100, noise=0.2, seed=0)
    Xtr, Xte, ytr, yte = datasets.train_test_split(X, y, seed=0)
    calls: list[tuple[int, int]] = []
    model = MLP([2, 8, 6, 1], "relu", seed=3)
    hist = model.fit(Xtr, ytr, epochs=7, lr=0.1, X_test=Xte, y_test=yte,
                     snapshot_epochs=[2], callback=lambda e, t: calls.append((e, t)))
    np.testing.assert_array_equal(hist.epochs, np.arange(8))
    assert hist.loss.shape == hist.train_acc.shape == hist.test_acc.shape == (8,)
    assert hist.grad_norms.shape == (8, 3) and hist.grad_h.shape == (8, 2)
    assert hist.dead_fraction.shape == (8, 2) and hist.dead_total.shape == (8,)
    assert np.all(np.isfinite(hist.test_acc)) and hist.diverged_at is None
    assert calls == [(e, 7) for e in range(1, 8)]

    # Every recorded metric is the full-training-set value at that state.
    for epoch in (0, 2, 7):
        model.set_params(*hist.snapshots[epoch])
        loss, grads_w, _ = model.loss_and_grads(Xtr, ytr)
        assert hist.loss[epoch] == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(hist.grad_norms[epoch], [np.linalg.norm(g) for g in grads_w],
                                   rtol=1e-12)
        np.testing.assert_allclose(hist.grad_h[epoch], layer_statistics(model, Xtr, ytr).grad_h,
                                   rtol=1e-12)
        assert hist.train_acc[epoch] == model.accuracy(Xtr, ytr)
        assert hist.test_acc[epoch] == model.accuracy(Xte, yte)
        dead = dead_units(model, Xtr)
        np.testing.assert_allclose(hist.dead_fraction[epoch], [d.mean() for d in dead])
        assert hist.dead_total[epoch] == pytest.approx(sum(d.sum() for d in dead) / 14)

    no_test = MLP([2, 4, 1], seed=0).fit(Xtr, ytr, epochs=3)
    assert np.all(np.isnan(no_test.test_acc)) and no_test.snapshots == {}


def test_snapshots_restore_the_state() -> None:
    X, y = datasets.load("circles", n_samples=100, noise=0.1, seed=0)
    model = MLP([2, 8, 1], "tanh", seed=0)
    init_w = model.get_params().weights
    hist = model.fit(X, y, epochs=10, lr=0.5, snapshot_epochs=[-4, 3, 50])
    assert set(hist.snapshots) == {0, 3, 10}
    for a, b in zip(hist.snapshots[0][0], init_w, strict=True):
        np.testing.assert_array_equal(a, b)
    final_loss = model.loss(X, y)
    restored = model.copy()
    restored.set_params(*hist.snapshots[3])
    assert restored.loss(X, y) == pytest.approx(hist.loss[3], rel=1e-12)
    assert model.loss(X, y) == final_loss  # the copy is independent
    restored.weights[0][0, 0] += 1.0
    assert hist.snapshots[3][0][0][0, 0] != restored.weights[0][0, 0]


def test_float32_path() -> None:
    X, y = datasets.load("moons", n_samples=200, noise=0.1, seed=0)
    model = MLP([2, 16, 16, 1], "relu", seed=0, dtype=np.float32)
    assert all(p.dtype == np.float32 for p in (*model.weights, *model.biases))
    hist = model.fit(X, y, epochs=150, lr=0.01, optimizer="adam", batch_size=64)
    assert all(p.dtype == np.float32 for p in (*model.weights, *model.biases))
    assert model.forward(X).dtype == np.float32
    _, gw, gb = model.loss_and_grads(X, y)
    assert all(g.dtype == np.float32 for g in (*gw, *gb))
    assert hist.diverged_at is None and hist.train_acc[-1] >= 0.9
    # Same seed, same initial weights up to rounding.
    f64 = MLP([2, 16, 16, 1], "relu", seed=0)
    f32 = MLP([2, 16, 16, 1], "relu", seed=0, dtype=np.float32)
    np.testing.assert_array_equal(f32.weights[1], f64.weights[1].astype(np.float32))


def test_dead_units_on_hand_built_net() -> None:
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [-2.0, 1.0], [0.0, -3.0]])
    model = MLP([2, 3, 1], "relu")
    W1 = np.array([
        [0.0, 1.0, 1.0],  # unit 0: z = −1 always; unit 1: z = x0 > 0 only for sample 0
        [0.0, 0.0, 0.0],  # unit 2: z = x0 − 3, ≤ 0 on every sample (max −2)
    ])
    b1 = np.array([-1.0, 0.0, -3.0])
    model.set_params([W1, np.ones((3, 1))], [b1, np.zeros(1)])
    (dead,) = dead_units(model, X)
    np.testing.assert_array_equal(dead, [True, False, True])
    np.testing.assert_array_equal(model.dead_units(X)[0], dead)
    # Exactly zero counts as dead (z <= 0): make unit 1 see z = 0 at its best sample.
    b1_edge = np.array([-1.0, -1.0, -3.0])
    model.set_params([W1, np.ones((3, 1))], [b1_edge, np.zeros(1)])
    np.testing.assert_array_equal(dead_units(model, X)[0], [True, True, True])


def test_dead_layer_blocks_all_gradient_below() -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 2))
    y = (X[:, 0] > 0.5).astype(np.int64)  # unbalanced, so mean(y) != 1/2

    # First hidden layer dead: z1 = x W1 − 100 < 0 on every sample.
    model = MLP([2, 4, 4, 1], "relu", seed=0)
    model.biases[0][:] = -100.0
    assert dead_units(model, X)[0].all()
    _, gw, gb = model.loss_and_grads(X, y)
    assert np.all(gw[0] == 0) and np.all(gb[0] == 0)
    assert np.all(gw[1] == 0)  # its input h1 is all zeros, too
    # The net outputs the constant σ(b_out) = σ(0) = 1/2; only the output bias still
    # learns, with dL/db_out = mean(a − y) = 1/2 − mean(y).
    assert gb[-1][0] == pytest.approx(0.5 - y.mean(), rel=1e-12) and gb[-1][0] != 0

    # Second hidden layer dead: everything below it gets exactly zero gradient.
    deep = MLP([2, 4, 4, 4, 1], "relu", seed=0)
    deep.biases[1][:] = -100.0
    _, gw, gb = deep.loss_and_grads(X, y)
    for i in (0, 1):
        assert np.all(gw[i] == 0) and np.all(gb[i] == 0)
    assert np.all(gw[2] == 0)

    # ... so training never revives it.
    before = model.get_params()
    hist = model.fit(X, y, epochs=20, lr=0.1, optimizer="adam")
    np.testing.assert_array_equal(model.weights[0], before[0][0])
    np.testing.assert_array_equal(model.biases[0], before[1][0])
    np.testing.assert_array_equal(hist.dead_fraction[:, 0], 1.0)


def test_orthogonal_linear_net_preserves_backward_norm() -> None:
    rng = np.random.default_rng(0)
    width, depth = 6, 5
    weights = [np.linalg.qr(rng.standard_normal((width, width)))[0] for _ in range(depth)]
    X = rng.standard_normal((10, width))
    y = rng.standard_normal((10, width))

    linear = MLP([width] * (depth + 1), "identity", "identity")
    linear.set_params(weights, [np.zeros(width)] * depth)
    trace = linear.backward_trace(X, y)
    norms = [np.linalg.norm(d) for d in trace.dh]
    assert len(norms) == depth
    np.testing.assert_allclose(norms, norms[-1], rtol=1e-10)
    np.testing.assert_allclose([np.linalg.norm(d) for d in trace.deltas], norms[-1], rtol=1e-10)

    # With sigmoid units the same weights shrink the signal by >= 4x per layer (σ' <= 1/4),
    # while the forward activations stay near 0.5 rather than collapsing.
    sig = MLP([width] * (depth + 1), "sigmoid", "identity")
    sig.set_params(weights, [np.zeros(width)] * depth)
    trace = sig.backward_trace(X, y)
    norms = [np.linalg.norm(d) for d in trace.dh]
    for lower, upper in itertools.pairwise(norms):
        assert lower <= upper / 4 * (1 + 1e-12)
    assert all(0.2 < h.mean() < 0.8 for h in trace.hs[1:-1])


def test_prediction_shapes_and_rules() -> None:
    X = np.random.default_rng(0).standard_normal((5, 2))
    binary = MLP([2, 3, 1])
    p = binary.predict_proba(X)
    assert p.shape == (5,)
    np.testing.assert_array_equal(binary.predict(X), (p > 0.5).astype(int))
    assert binary.predict(X).dtype == np.int64

    multi = MLP([2, 3, 4], output="softmax")
    assert multi.predict_proba(X).shape == (5, 4)
    np.testing.assert_array_equal(multi.predict(X), multi.predict_proba(X).argmax(axis=1))

    reg = MLP([2, 3, 1], output="identity")
    np.testing.assert_array_equal(reg.predict(X), reg.forward(X)[:, 0])
    assert math.isnan(reg.accuracy(X, np.zeros(5)))
    with pytest.raises(ValueError):
        reg.predict_proba(X)

    one_d = MLP([1, 4, 1], output="identity")
    assert one_d.forward(np.linspace(0, 1, 7)).shape == (7, 1)


def test_construction_and_parameters() -> None:
    model = MLP([3, 5, 2], "tanh", "softmax", bias_init=-0.5, seed=4)
    assert [w.shape for w in model.weights] == [(3, 5), (5, 2)]
    assert [b.shape for b in model.biases] == [(5,), (2,)]
    assert model.weights[0].dtype == np.float64
    np.testing.assert_array_equal(model.biases[0], -0.5)  # hidden biases shifted
    np.testing.assert_array_equal(model.biases[1], 0.0)  # output bias not
    assert model.activation is ACTIVATIONS["tanh"]
    assert model.n_layers == 2 and model.n_hidden == 1 and model.n_params == 15 + 5 + 10 + 2

    w = model.get_params().weights
    w[0][0, 0] = 99.0
    assert model.weights[0][0, 0] != 99.0

    back = pickle.loads(pickle.dumps(MLP([2, 3, 1], ACTIVATIONS["leaky_relu"])))
    assert back.activation.params == (("slope", 0.01),)

    with pytest.raises(ValueError):
        MLP([3])
    with pytest.raises(ValueError):
        MLP([3, 0, 1])
    with pytest.raises(ValueError):
        MLP([3, 2], output="sigmoid")
    with pytest.raises(ValueError):
        MLP([3, 1], output="softmax")
    with pytest.raises(ValueError):
        MLP([3, 1], output="tanh")
    with pytest.raises(KeyError):
        MLP([3, 1], activation="relu6")
    with pytest.raises(KeyError):
        MLP([3, 1], init="orthogonal")
    with pytest.raises(ValueError):
        model.set_params([np.zeros((3, 5))], [np.zeros(5)])
    with pytest.raises(ValueError):
        model.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError):
        model.loss(np.zeros((4, 3)), [0, 1, 2, 1])  # label 2 out of range
    with pytest.raises(ValueError):
        model.fit(np.zeros((4, 3)), [0, 1, 1, 0], optimizer="rmsprop")


def test_params_record_round_trips() -> None:
    model = MLP([3, 4, 2], "tanh", "softmax", seed=1)
    p = model.get_params()
    assert isinstance(p, Params) and p.gammas == [] and p.running_var == []
    assert Params([], []).gammas == () and Params([], []).gammas is Params([], []).betas
    other = MLP([3, 4, 2], "tanh", "softmax", seed=2)
    other.set_params(p)
    np.testing.assert_array_equal(other.weights[0], model.weights[0])
    other.weights[0][0, 0] += 1.0
    assert p.weights[0][0, 0] == model.weights[0][0, 0]  # set_params copies
    other.set_params(*p)  # the unpacked record, as set_params(weights, biases, ...)
    np.testing.assert_array_equal(other.weights[0], model.weights[0])
    other.set_params(p.weights, p.biases)  # the older pair
    back = pickle.loads(pickle.dumps(p))
    assert isinstance(back, Params)
    np.testing.assert_array_equal(back.biases[1], p.biases[1])
    with pytest.raises(ValueError, match="gammas"):
        other.set_params(p.weights, p.biases, gammas=[np.ones(4)])
    with pytest.raises(ValueError):
        other.set_params(p.weights)
