"""The compute guard's cost model (ui/guard.py): what it counts, how it grows, and that a
request it lets through stays within the budget as modelled.

Only the model's arithmetic is tested: its rates are fitted by ``benchmarks/guard.py`` and
its accuracy is recorded in BENCHMARKS.md, never asserted against a clock here.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui import guard
from ui.guard import (
    ACT_WEIGHTS,
    BUDGET,
    Work,
    budget_epochs,
    fit_work,
    forward_cost,
    frame_work,
    training_cost,
)


def test_fit_work_counts_the_passes_and_rows_fit_makes() -> None:
    sizes = (2, 4, 2, 1)
    # Mini-batches: ceil(250 / 10) = 25 steps and one metrics pass per epoch, one before.
    w = fit_work(sizes, 250, 25, batch=10, acts="tanh")
    assert w.passes == 25 * (25 + 1) + 1
    assert w.layer_passes == 3 * w.passes
    assert w.param_passes == (2 * 4 + 4 + 4 * 2 + 2 + 2 * 1 + 1) * w.passes
    assert w.epochs == 25
    # Rows: the batches cover every sample once an epoch, the metrics pass once more.
    macs_per_sample = 2 * 2 * 4 + 3 * 4 * 2 + 3 * 2 * 1
    assert w.macs == (2 * 25 + 1) * 250 * macs_per_sample
    units = 4 * ACT_WEIGHTS["tanh"] + 2 * ACT_WEIGHTS["tanh"] + 1 * ACT_WEIGHTS["sigmoid"]
    assert w.units == pytest.approx((2 * 25 + 1) * 250 * units)
    # A last, smaller batch is a step too.
    assert fit_work(sizes, 251, 1, batch=10).passes == 1 * (26 + 1) + 1
    # Full batch: the metrics pass is the gradient, one pass per epoch.
    full = fit_work(sizes, 250, 25)
    assert full.passes == 26 and full.macs == 26 * 250 * macs_per_sample
    assert fit_work(sizes, 250, 25, batch=250) == full == fit_work(sizes, 250, 25, batch=10_000)


@pytest.mark.parametrize("record", ["all", "loss", "ends"])
@pytest.mark.parametrize(("n", "batch", "epochs"), [(250, 10, 3), (251, 64, 1), (100, 32, 0)])
def test_fit_work_counts_what_each_record_mode_does(monkeypatch, record, n, batch, epochs) -> None:
    # Count MLP.fit's real passes: full (forward + backward) and forward-only, with rows.
    import numpy as np

    from core.mlp import MLP

    counts = {"full": [0, 0], "forward": [0, 0]}
    real_pass, real_forward = MLP._pass, MLP._forward_pass
    inside = []

    def counted_pass(self, X, *a, **k):
        counts["full"][0] += 1
        counts["full"][1] += len(X)
        inside.append(True)
        try:
            return real_pass(self, X, *a, **k)
        finally:
            inside.pop()

    def counted_forward(self, X, *a, **k):
        if not inside:
            counts["forward"][0] += 1
            counts["forward"][1] += len(X)
        return real_forward(self, X, *a, **k)

    real_step = MLP._sgd_step

    def counted_step(self, X, *a, **k):  # plain SGD's lean step: one full pass too
        counts["full"][0] += 1
        counts["full"][1] += len(X)
        inside.append(True)
        try:
            return real_step(self, X, *a, **k)
        finally:
            inside.pop()

    monkeypatch.setattr(MLP, "_pass", counted_pass)
    monkeypatch.setattr(MLP, "_sgd_step", counted_step)
    monkeypatch.setattr(MLP, "_forward_pass", counted_forward)
    sizes = (2, 4, 3, 1)
    X = np.random.default_rng(0).normal(size=(n, 2))
    MLP(sizes, activation="tanh", seed=0).fit(X, (X[:, 0] > 0).astype(int), epochs=epochs,
                                              batch_size=batch, record=record)
    full, forward = counts["full"], counts["forward"]
    w = fit_work(sizes, n, epochs, batch=batch, acts="tanh", record=record)
    # A forward-only pass is priced as half a pass (guard.forward_work).
    assert w.passes == full[0] + forward[0] / 2
    macs_full = 2 * 2 * 4 + 3 * 4 * 3 + 3 * 3 * 1
    macs_forward = 2 * 4 + 4 * 3 + 3 * 1
    assert w.macs == full[1] * macs_full + forward[1] * macs_forward
    assert (w == fit_work(sizes, n, epochs, batch=batch, acts="tanh")) == (record == "all" or epochs <= 1)


def test_budget_counts_each_runs_record_mode() -> None:
    one = budget_epochs(20, 16, 300, 50, runs=2, batch=32, acts="relu", record=["loss", "ends"],
                        budget=1e9)
    assert one.cost == pytest.approx(training_cost(20, 16, 300, 50, 1, 2, 32, "relu", "loss")
                                     + training_cost(20, 16, 300, 50, 1, 2, 32, "relu", "ends"))
    assert training_cost(20, 16, 300, 50, 1, 2, 32, "relu", "ends") \
        < training_cost(20, 16, 300, 50, 1, 2, 32, "relu", "loss") \
        < training_cost(20, 16, 300, 50, 1, 2, 32, "relu")
    # A cut request in mixed modes: within budget, and one more epoch would not be.
    cut = budget_epochs(20, 16, 300, 500, runs=2, batch=32, acts="relu", record=["loss", "ends"],
                        budget=1.0)
    assert cut.capped and cut.n_samples == 300

    def cost(e: int) -> float:
        return sum(training_cost(20, 16, 300, e, 1, 2, 32, "relu", r) for r in ("loss", "ends"))

    assert cost(cut.epochs) <= 1.0 < cost(cut.epochs + 1)
    with pytest.raises(ValueError, match="record"):
        budget_epochs(20, 16, 300, 50, runs=2, record=["loss"])
    with pytest.raises(ValueError, match="record"):
        fit_work((2, 3, 1), 10, 1, batch=2, record="some")


def test_work_adds_and_scales() -> None:
    a, b = Work(passes=1, macs=2), Work(passes=3, units=4)
    assert a + b == Work(passes=4, macs=2, units=4)
    assert 2 * a == a * 2 == Work(passes=2, macs=4)
    assert (a + b).seconds() == pytest.approx(a.seconds() + b.seconds())


def test_cost_grows_with_steps_when_the_batch_shrinks() -> None:
    costs = [training_cost(8, 16, 1000, 10, n_in=7, batch=b, acts="relu")
             for b in (1, 10, 32, None)]
    assert costs == sorted(costs, reverse=True) and costs[0] > 10 * costs[-1]
    # At batch 1 the per-step overhead dominates: doubling the width barely matters,
    # while doubling the steps (samples) doubles the cost.
    one = training_cost(8, 16, 1000, 10, n_in=7, batch=1, acts="relu")
    assert training_cost(8, 32, 1000, 10, n_in=7, batch=1, acts="relu") < 1.5 * one
    assert training_cost(8, 16, 2000, 10, n_in=7, batch=1, acts="relu") == pytest.approx(2 * one, rel=0.01)


def test_cost_grows_with_every_size() -> None:
    base = dict(depth=4, width=32, n_samples=300, epochs=50, runs=1, n_in=2, batch=32, acts="tanh")
    c0 = training_cost(**base)
    for key, bigger in (("depth", 8), ("width", 64), ("n_samples", 600), ("epochs", 100),
                        ("runs", 2), ("n_in", 30)):
        assert training_cost(**{**base, key: bigger}) > c0, key
    assert training_cost(**{**base, "runs": 3}) == pytest.approx(3 * c0)
    # Affine in the epochs: what an epoch adds is the same for every epoch.
    c1, c2 = (training_cost(**{**base, "epochs": e}) for e in (1, 2))
    assert training_cost(**base) == pytest.approx(c1 + 49 * (c2 - c1))


def test_activations_are_priced_by_their_elementwise_cost() -> None:
    wide = dict(depth=4, width=64, n_samples=2000, epochs=10)
    relu, gelu = training_cost(**wide, acts="relu"), training_cost(**wide, acts="gelu")
    assert relu < gelu
    # Unknown activations count as the dearest, so the guard errs on the safe side.
    assert training_cost(**wide) == pytest.approx(max(training_cost(**wide, acts=a) for a in ACT_WEIGHTS))
    assert training_cost(**wide, acts="no_such") == training_cost(**wide)


def test_forward_and_frame_costs() -> None:
    assert 0 < forward_cost(10, 32, 1600) < training_cost(10, 32, 1600, 0)
    assert forward_cost(10, 32, 1600, runs=3) == pytest.approx(3 * forward_cost(10, 32, 1600))
    small = frame_work((2, 4, 2, 1), 250, 250, 16, 48).seconds()
    big = frame_work((7, *[16] * 8, 1), 4500, 500, 10, 48).seconds()
    assert 0 < small < big


def test_budget_leaves_small_requests_alone() -> None:
    b = budget_epochs(depth=10, width=32, n_samples=300, epochs=150, runs=2, batch=32,
                      acts=("sigmoid", "relu"))
    assert not b.capped and b.epochs == 150 and b.n_samples == 300
    assert b.cost == pytest.approx(training_cost(10, 32, 300, 150, 1, 2, 32, "sigmoid")
                                   + training_cost(10, 32, 300, 150, 1, 2, 32, "relu"))
    assert b.cost <= BUDGET


def test_budget_caps_epochs_first_then_samples() -> None:
    b = budget_epochs(depth=20, width=128, n_samples=2000, epochs=1000, runs=3)
    assert b.capped and 1 <= b.epochs < 1000 and b.n_samples == 2000
    assert training_cost(20, 128, 2000, b.epochs, 3) <= BUDGET
    assert training_cost(20, 128, 2000, b.epochs + 1, 3) > BUDGET
    b = budget_epochs(depth=50, width=128, n_samples=50_000, epochs=100, runs=3)
    assert b.capped and b.epochs == 1 and 10 <= b.n_samples < 50_000
    assert training_cost(50, 128, b.n_samples, 1, 3) <= BUDGET
    assert training_cost(50, 128, b.n_samples + 1, 1, 3) > BUDGET
    # Smaller batches cost more steps, so fewer epochs fit.
    full = budget_epochs(8, 64, 1000, 1000, batch=None)
    tiny = budget_epochs(8, 64, 1000, 1000, batch=1)
    assert tiny.epochs < full.epochs


def test_the_budget_is_read_when_called(monkeypatch) -> None:
    # A page may pass its own share, or rely on guard.BUDGET as it is at call time.
    assert not budget_epochs(4, 16, 300, 200).capped
    monkeypatch.setattr(guard, "BUDGET", 1e-3)
    assert budget_epochs(4, 16, 300, 200).capped
    with pytest.raises(ValueError, match="one activation per run"):
        budget_epochs(4, 16, 300, 200, runs=2, acts=["relu"])


@pytest.mark.slow  # fuzz: random requests through the cost model
@settings(max_examples=300, deadline=None)
@given(depth=st.integers(1, 100), width=st.integers(1, 256), n=st.integers(10, 50_000),
       epochs=st.integers(1, 3000), runs=st.integers(1, 20), n_in=st.integers(1, 30),
       batch=st.one_of(st.none(), st.integers(1, 1024)),
       act=st.one_of(st.none(), st.sampled_from(sorted(ACT_WEIGHTS))),
       budget=st.floats(1e-3, 20.0))
def test_a_request_the_guard_lets_through_stays_within_the_budget(
        depth, width, n, epochs, runs, n_in, batch, act, budget) -> None:
    b = budget_epochs(depth, width, n, epochs, runs, n_in, budget=budget, batch=batch, acts=act)
    assert 1 <= b.epochs <= epochs and 10 <= b.n_samples <= n
    assert b.cost == pytest.approx(training_cost(depth, width, n, epochs, runs, n_in, batch, act))
    cost = training_cost(depth, width, b.n_samples, b.epochs, runs, n_in, batch, act)
    if b.n_samples > 10:  # ten samples is the floor, trained even when over budget
        assert cost <= budget * (1 + 1e-9)
    if b.capped and b.n_samples == n:  # cut in epochs only: one more would be over
        assert training_cost(depth, width, n, b.epochs + 1, runs, n_in, batch, act) > budget * (1 - 1e-9)
    if b.n_samples < n:  # cut in samples: only one epoch, and one more sample would be over
        assert b.epochs == 1
        assert b.n_samples == 10 or training_cost(depth, width, b.n_samples + 1, 1, runs, n_in,
                                                  batch, act) > budget * (1 - 1e-9)


def test_every_default_request_of_the_app_fits() -> None:
    # The largest default request is the vanishing page's depth sweep (15 networks).
    from core.gradients import depth_grid
    from sections.vanishing.settings import SWEEP_BUDGET

    depths = depth_grid(10)
    mean_depth = math.ceil(1 + sum(d - 1 for d in depths) / len(depths))
    acts = [a for _ in depths for a in ("sigmoid", "tanh", "relu")]
    sweep = budget_epochs(mean_depth, 32, 225, 60, runs=15, batch=32, acts=acts, budget=SWEEP_BUDGET)
    assert not sweep.capped
    # The cures' five 50-layer networks (the normalised ones counted twice), each shown and
    # trained again on its perturbed copies; depth 100 is cut.
    from sections.vanishing.cures import request_budget
    from sections.vanishing.cures_compute import VARIANTS

    norms = [norm for _, norm in VARIANTS.values()]
    for act in ("sigmoid", "tanh", "relu"):
        assert not request_budget(50, 32, 225, 2, act, norms).capped
    assert request_budget(100, 32, 225, 2, "sigmoid", norms).capped
    assert not request_budget(50, 32, 225, 2, "relu", [None, None]).capped  # exploding gradients
