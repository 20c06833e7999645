"""core.dead: exact dead-unit counting, the one-big-step experiment, born-dead Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.activations import ACTIVATIONS
from core.datasets import load
from core.dead import (
    big_step,
    born_dead_first_layer,
    box_grid,
    constant_counts,
    fire_counts,
    no_gradient,
    no_gradient_units,
    preactivation_summary,
    wilson_interval,
)
from core.mlp import MLP, dead_units

# Four samples with positive features.
X = np.array([[1.0, 2.0], [2.0, 1.0], [0.5, 0.5], [3.0, 0.1]])
Y = np.array([0, 1, 0, 1])


def _hand_net() -> MLP:
    """2 -> 3 -> 1 with hand-set hidden units.

    unit 0: z = -x1 - x2 - 0.5 < 0 on all (positive) samples -> dead.
    unit 1: z = x1 - 2.5 > 0 only on the last sample (x1 = 3) -> alive, fires once.
    unit 2: z = x1 + x2 > 0 on every sample.
    """
    m = MLP([2, 3, 1], activation="relu", seed=0)
    W0 = np.array([[-1.0, 1.0, 1.0], [-1.0, 0.0, 1.0]])
    b0 = np.array([-0.5, -2.5, 0.0])
    m.set_params([W0, np.array([[0.3], [-0.4], [0.5]])], [b0, np.array([0.1])])
    return m


def test_hand_built_units_are_counted_exactly() -> None:
    m = _hand_net()
    assert fire_counts(m, X)[0].tolist() == [0, 1, 4]
    assert dead_units(m, X)[0].tolist() == [True, False, False]
    # Exact over the whole set: on all samples but the last, unit 1 never fires.
    assert dead_units(m, X[:-1])[0].tolist() == [True, True, False]
    s = preactivation_summary(m.forward_trace(X)[0][0])
    assert s.dead.tolist() == [True, False, False]
    assert s.fires.tolist() == [0, 1, 4]
    assert s.max[0] < 0 < s.max[1]


def test_zero_preactivation_counts_as_dead() -> None:
    m = MLP([1, 1, 1], seed=0)
    m.set_params([np.array([[0.0]]), np.array([[1.0]])], [np.array([0.0]), np.array([0.0])])
    assert dead_units(m, np.array([[1.0], [-2.0]]))[0].tolist() == [True]


def test_dead_unit_gets_exactly_zero_gradient_and_alive_one_does_not() -> None:
    m = _hand_net()
    _, gw, gb = m.loss_and_grads(X, Y)
    assert np.all(gw[0][:, 0] == 0) and gb[0][0] == 0
    assert np.any(gw[0][:, 1] != 0) and gb[0][1] != 0  # fires on one sample: still learns


def test_all_dead_first_layer_blocks_all_gradient_below() -> None:
    rng = np.random.default_rng(1)
    m = MLP([2, 4, 4, 1], activation="relu", seed=3)
    W0 = -np.abs(rng.normal(size=(2, 4)))
    m.set_params([W0, *m.weights[1:]], [np.full(4, -0.1), *m.biases[1:]])
    assert dead_units(m, X)[0].all()
    _, gw, gb = m.loss_and_grads(X, np.array([0, 1, 1, 1]))
    # The first hidden layer's own parameters, and the next layer's weights (its input
    # h_1 = 0), get exactly zero gradient; only biases above can still learn.
    assert np.all(gw[0] == 0) and np.all(gb[0] == 0)
    assert np.all(gw[1] == 0)
    assert gb[-1][0] != 0


def test_all_dead_deeper_layer_blocks_every_layer_below() -> None:
    m = MLP([2, 3, 3, 1], activation="relu", seed=5)
    m.biases[1][:] = -1e6  # the second hidden layer never fires
    assert dead_units(m, X)[1].all() and not dead_units(m, X)[0].all()
    _, gw, gb = m.loss_and_grads(X, Y)
    for layer in (0, 1):
        assert np.all(gw[layer] == 0) and np.all(gb[layer] == 0)


def test_big_step_is_one_sgd_step_and_counts_deaths() -> None:
    m = MLP([2, 8, 8, 1], activation="relu", init="he_normal", seed=0)
    before = m.copy()
    _, gw, gb = before.loss_and_grads(X, Y)
    step = big_step(m, X, Y, lr=30.0)
    for p, p0, g in zip((*m.weights, *m.biases), (*before.weights, *before.biases),
                        (*gw, *gb), strict=True):
        np.testing.assert_allclose(p, p0 - 30.0 * g)
    expect_before = dead_units(before, X)
    expect_after = dead_units(m, X)
    for d, b, a, e_b, e_a in zip(step.died, step.dead_before, step.dead_after,
                                 expect_before, expect_after, strict=True):
        assert np.array_equal(b, e_b) and np.array_equal(a, e_a)
        assert np.array_equal(d, e_a & ~e_b)
    assert step.n_dead_after == step.n_dead_before + step.n_died - sum(
        int(r.sum()) for r in step.revived)


def test_big_step_kills_a_unit_by_hand() -> None:
    """One unit, bias gradient pushes it below zero on every sample."""
    m = MLP([1, 1, 1], activation="relu", output="identity", seed=0)
    m.set_params([np.array([[1.0]]), np.array([[1.0]])], [np.array([0.0]), np.array([0.0])])
    Xs, ys = np.array([[1.0], [2.0]]), np.array([-5.0, -5.0])
    # h = x, a = x; dL/db0 = mean 2(a-y) = 2*6.5 = 13 -> b0 = -13 lr; dL/dw0 = mean 2(a-y)x.
    step = big_step(m, Xs, ys, lr=1.0)
    assert step.n_dead_before == 0 and step.n_died == 1
    with pytest.raises(ValueError):
        big_step(m, Xs, ys, lr=math.inf)


@pytest.mark.parametrize("n_units", [1, 3, 5])
@pytest.mark.parametrize("init", ["he_normal", "glorot_uniform"])
def test_one_layer_all_inactive_with_probability_two_to_minus_n(n_units: int, init: str) -> None:
    # Zero biases, a fixed non-zero input: each z_j = x·w_j is symmetric, independent.
    n = 4000
    first = born_dead_first_layer([[0.7, -1.3]], n_units, 1, n, init=init, seed=11)
    k = int(constant_counts(first, [1])[0])
    lo, hi = wilson_interval(k, n)
    assert lo <= 2.0 ** -n_units <= hi


def test_random_bias_single_unit_is_a_coin_flip() -> None:
    n = 4000
    first = born_dead_first_layer([[0.3, 0.9]], 1, 1, n, random_bias=True, seed=2)
    lo, hi = wilson_interval(int((first == 1).sum()), n)
    assert lo <= 0.5 <= hi


def test_born_dead_rises_with_depth_and_falls_with_width() -> None:
    pts = box_grid(2, 8)
    narrow = constant_counts(born_dead_first_layer(pts, 2, 50, 300, seed=0), [1, 5, 50])
    wide = constant_counts(born_dead_first_layer(pts, 10, 50, 300, seed=0), [1, 5, 50])
    # Layer 1 sees the whole box (both signs around 0): it is never entirely silent.
    assert narrow[0] == 0 and wide[0] == 0
    assert narrow[1] <= narrow[2] and narrow[2] >= 270  # width 2, depth 50: nearly always
    assert wide[2] < narrow[2]


def test_born_dead_is_deterministic_and_reports_progress() -> None:
    calls = []
    a = born_dead_first_layer(box_grid(2, 4), 3, 10, 50, seed=4, chunk=16,
                              callback=lambda d, t: calls.append((d, t)))
    b = born_dead_first_layer(box_grid(2, 4), 3, 10, 50, seed=4, chunk=16)
    assert np.array_equal(a, b)
    assert calls[-1] == (50, 50) and len(calls) == 4
    assert a.min() >= 1 and a.max() <= 11


def test_born_dead_matches_a_direct_forward_pass() -> None:
    """Each network's first dead layer, recomputed network by network."""
    pts = box_grid(2, 5)
    rng = np.random.default_rng(0)
    width, depth, n = 3, 6, 40
    first = born_dead_first_layer(pts, width, depth, n, init="he_normal", seed=0, chunk=n)
    # Re-draw in the same order as the batched code (layer by layer, all networks at once).
    Ws = []
    fan_in = 2
    alive = np.arange(n)
    H = np.broadcast_to(pts, (n, *pts.shape))
    expect = np.full(n, depth + 1)
    for layer in range(1, depth + 1):
        W = rng.normal(0, math.sqrt(2 / fan_in), size=(alive.size, fan_in, width))
        Ws.append(W)
        Z = np.stack([H[i] @ W[i] for i in range(alive.size)])
        dead = ~(Z > 0).any(axis=(1, 2))
        expect[alive[dead]] = layer
        alive, H = alive[~dead], np.maximum(Z[~dead], 0)
        fan_in = width
        if alive.size == 0:
            break
    assert np.array_equal(first, expect)


def test_box_grid() -> None:
    g = box_grid(2, 3)
    assert g.shape == (9, 2)
    r = math.sqrt(3)
    assert {tuple(p) for p in g[[0, 2, 6, 8]]} == {(-r, -r), (-r, r), (r, -r), (r, r)}
    with pytest.raises(ValueError):
        box_grid(2, 1)


def test_wilson_interval_known_values() -> None:
    lo, hi = wilson_interval(5, 10)
    assert lo == pytest.approx(0.2366, abs=1e-4) and hi == pytest.approx(0.7634, abs=1e-4)
    lo, hi = wilson_interval(0, 10)
    assert lo == 0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson_interval(np.array([0, 10]), 10)
    assert hi[0] > 0 and lo[1] < 1
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


def test_born_dead_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        born_dead_first_layer(np.zeros((0, 2)), 2, 2, 10)
    with pytest.raises(ValueError):
        born_dead_first_layer(box_grid(2, 2), 0, 2, 10)
    with pytest.raises(KeyError):
        born_dead_first_layer(box_grid(2, 2), 2, 2, 10, init="nope")


def test_no_gradient_units_match_dead_relu_units_and_leaky_units_still_learn() -> None:
    """Dead (z <= 0 everywhere) means no gradient for ReLU only; Leaky ReLU keeps learning."""
    m = _hand_net()
    np.testing.assert_array_equal(no_gradient_units(m, X, Y)[0], dead_units(m, X)[0])
    leaky = MLP([2, 3, 1], activation="leaky_relu", seed=0)
    leaky.set_params(m.weights, m.biases)
    assert dead_units(leaky, X)[0].tolist() == [True, False, False]  # below zero everywhere
    assert not no_gradient_units(leaky, X, Y)[0].any()  # and still gets a gradient
    assert not ACTIVATIONS["leaky_relu"].can_die and ACTIVATIONS["relu"].can_die


def test_units_below_an_all_dead_layer_get_no_gradient() -> None:
    m = MLP([2, 3, 3, 1], activation="relu", seed=5)
    m.biases[1][:] = -1e6  # the second hidden layer never fires
    frozen = no_gradient_units(m, X, Y)
    assert frozen[1].all() and frozen[0].all()  # layer 1 fires but nothing reaches it
    assert not dead_units(m, X)[0].all()


def test_no_gradient_counts_nan_as_learning() -> None:
    gw = [np.array([[0.0, np.nan], [0.0, 0.0]]), np.zeros((2, 1))]
    gb = [np.array([0.0, 0.0]), np.zeros(1)]
    assert no_gradient(gw, gb)[0].tolist() == [True, False]


@pytest.mark.parametrize("act", ["relu", "leaky_relu", "elu"])
def test_history_records_the_no_gradient_share(act: str) -> None:
    Xm, ym = load("moons", n_samples=80, noise=0.2, seed=0)
    net = MLP([2, 6, 6, 1], activation=act, seed=1, bias_init=-0.5)
    h = net.fit(Xm, ym, epochs=4, lr=1.0, snapshot_epochs=[0, 4])
    for e in (0, 4):
        net.set_params(*h.snapshots[e])
        frozen = no_gradient_units(net, Xm, ym)
        np.testing.assert_allclose(h.no_grad_fraction[e], [f.mean() for f in frozen])
        assert h.no_grad_total[e] == pytest.approx(sum(f.sum() for f in frozen) / 12)
        if act == "relu":  # every dead ReLU unit gets no gradient
            dead = dead_units(net, Xm)
            assert all(np.all(f[d]) for f, d in zip(frozen, dead, strict=True))
        else:
            assert h.no_grad_total[e] == 0
