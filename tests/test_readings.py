"""The vanishing page's words from numbers: verbs, verdicts over copies, the mixed network's
parts, the rounding floor of a spread, and the cheap trainings the copies use."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.datasets import load, train_test_split
from core.gradients import ROUNDING, below_rounding, first_last_ratio, layer_statistics, rounding_floor
from core.mlp import MLP
from sections.vanishing.cures import Verdict, mix_parts, verdict
from sections.vanishing.cures_compute import CureRun
from sections.vanishing.readings import CHANGED, change, mean_slope_sq


def _data():
    X, y = load("moons", n_samples=300, noise=0.2, seed=0)
    return train_test_split(X, y, seed=0)


@pytest.mark.parametrize(("ratio", "word"), [
    (1.6, "grows"), (CHANGED, "grows"), (6.2e28, "grows"), (0.62, "shrinks"), (1e-30, "shrinks"),
    (1 / CHANGED, "shrinks"), (1.0, "same"), (0.97, "same"), (1.2, "same"),
    (math.nan, "nan"), (math.inf, "nan"), (0.0, "nan"), (-2.0, "nan"),
])
def test_the_verb_follows_the_ratio(ratio: float, word: str) -> None:
    assert change(ratio) == word


def _run(train: float, diverged: int | None = None) -> CureRun:
    return CureRun(loss=np.array([0.7, 0.6]), test_acc=train, train_acc=train,
                   batch_train_acc=train, chance=math.log(2), classes=2, majority=0.5,
                   diverged_at=diverged, clipped=np.zeros(2, dtype=bool), finite=diverged is None)


@pytest.mark.parametrize(("trains", "kind", "learned"), [
    ([0.85, 0.84, 0.86], "all", 3),
    ([0.50, 0.50, 0.50], "none", 0),
    ([0.85, 0.50, 0.50], "some", 1),
    ([0.64, 0.66, 0.70], "some", 2),  # 0.64 is not clearly above the 50% a constant answer gets
])
def test_a_verdict_counts_the_runs_that_learned(trains, kind, learned) -> None:
    v = verdict([_run(a) for a in trains])
    assert (v.kind, v.learned, v.runs) == (kind, learned, 3)


def test_a_verdict_of_runs_that_all_overflowed_says_diverged() -> None:
    assert verdict([_run(math.nan, 1)] * 3).kind == "diverged"
    mixed = verdict([_run(math.nan, 1), _run(0.5), _run(0.5)])
    assert (mixed.kind, mixed.diverged) == ("none", 1)
    assert Verdict(2, 1, 3).kind == "some"


@pytest.mark.parametrize(("below", "depth"), [(10, 20), (25, 50), (0, 12), (1, 8), (8, 8), (2, 2), (3, 40)])
def test_the_mixed_networks_parts_cover_every_step_once(below: int, depth: int) -> None:
    # Any positive signal: the parts' ratios multiply to the whole network's, so the
    # boundary step between the two activations is counted in exactly one part.
    rng = np.random.default_rng(below + depth)
    signal = np.exp(rng.normal(size=depth))
    parts = mix_parts(signal, below, depth)
    assert sum(n for _, n, _, _, _ in parts) == depth - 1
    whole = signal[0] / signal[-1]
    assert math.prod(r for *_, r in parts) == pytest.approx(whole, rel=1e-12)
    # Every part goes down from its start to its end; the upper one starts at the top.
    for part, n, start, end, _ in parts:
        assert start - end == n and (part != "high" or start == depth)


def test_spread_of_a_deep_plain_sigmoid_net_is_rounding_noise() -> None:
    # The linearised propagation gives ~1e-33 at layer 50; float64 computes ~1e-15.
    Xtr, _, ytr, _ = _data()
    s = layer_statistics(MLP([2, *[32] * 50, 1], activation="sigmoid", init="glorot_uniform", seed=0),
                         Xtr, ytr)
    floors = rounding_floor(s.act_mean, s.act_std)
    assert floors[-1] == pytest.approx(ROUNDING * math.hypot(s.act_mean[-1], s.act_std[-1]))
    assert below_rounding(float(s.spread[-1]), float(floors[-1]))
    assert not below_rounding(float(s.spread[0]), float(floors[0]))
    relu = layer_statistics(MLP([2, *[32] * 50, 1], activation="relu", init="he_normal", seed=0),
                            Xtr, ytr)
    assert not any(below_rounding(float(v), float(f))
                   for v, f in zip(relu.spread, rounding_floor(relu.act_mean, relu.act_std), strict=True))
    assert not below_rounding(math.nan, 1e-14) and not below_rounding(1e-20, math.nan)


@pytest.mark.parametrize(("act", "init", "expected"), [
    ("relu", "he_normal", 0.5),  # half the units active: E[ReLU′²] = ½
    ("tanh", "he_normal", 0.55),  # E[tanh′(z)²] at He init, as measured
    ("sigmoid", "glorot_uniform", 0.0625),  # σ′(0)² = 1/16 near z = 0
])
def test_the_measured_mean_squared_slope(act: str, init: str, expected: float) -> None:
    Xtr, _, ytr, _ = _data()
    s = layer_statistics(MLP([2, *[32] * 10, 1], activation=act, init=init, seed=0), Xtr, ytr)
    assert mean_slope_sq(s.slope_sq) == pytest.approx(expected, rel=0.2)
    # The mean-field prediction (width · Var W · E[f′²])^((L−1)/2) is within a factor
    # of 3 of the measured ratio at these settings.
    gain = {"he_normal": 2.0, "glorot_uniform": 1.0}[init]
    predicted = math.sqrt(gain * mean_slope_sq(s.slope_sq)) ** 9
    assert 1 / 3 < predicted / first_last_ratio(s.grad_h) < 3


@pytest.mark.parametrize("norm", [None, "layer", "batch"])
def test_fit_records_less_but_trains_the_same(norm) -> None:
    Xtr, Xte, ytr, yte = _data()
    runs = {}
    for record in ("all", "loss", "ends"):
        model = MLP([2, *[16] * 6, 1], activation="sigmoid", seed=0, norm=norm)
        h = model.fit(Xtr, ytr, epochs=8, lr=0.2, batch_size=64, X_test=Xte, y_test=yte, record=record)
        runs[record] = (model, h)
    (full, hf) = runs["all"]
    for record, (model, h) in runs.items():
        for a, b in zip(model.get_params(), full.get_params(), strict=True):
            for x, z in zip(a, b, strict=True):
                np.testing.assert_array_equal(x, z)
        for field in ("loss", "train_acc", "test_acc"):
            ends = getattr(h, field)[[0, -1]]
            np.testing.assert_array_equal(ends, getattr(hf, field)[[0, -1]], err_msg=(record, field))
        np.testing.assert_array_equal(h.grad_h[[0, -1]], hf.grad_h[[0, -1]])
    np.testing.assert_allclose(runs["loss"][1].loss, hf.loss, rtol=1e-12)
    np.testing.assert_allclose(runs["loss"][1].test_acc, hf.test_acc)
    assert np.isnan(runs["ends"][1].loss[1:-1]).all() and np.isnan(runs["loss"][1].grad_h[1:-1]).all()


def test_fit_in_ends_mode_still_stops_a_run_that_overflows() -> None:
    Xtr, _, ytr, _ = _data()
    stops = []
    for record in ("all", "ends"):
        model = MLP([2, *[16] * 10, 1], activation="relu", init="he_normal", seed=0)
        params = model.get_params()
        model.set_params(params._replace(weights=[w * 6 for w in params.weights]))
        h = model.fit(Xtr, ytr, epochs=20, lr=1.0, batch_size=64, record=record)
        stops.append(h.diverged_at)
    assert stops[0] is not None and stops[1] is not None
    assert stops[0] <= stops[1] <= stops[0] + 1
    with pytest.raises(ValueError, match="record"):
        MLP([2, 4, 1]).fit(Xtr, ytr, epochs=1, record="some")
