"""The lesson's experiments: each a function of one step's settings that returns what the
run measured.

Nothing here computes anew: every number comes from the pages' own cached computations
(``sections/*/compute.py``, ``sections/vanishing/cures_compute.py``), called with the
records those pages key them on, so a step and the page its deeper link opens share one
cached run. Each function takes the step's settings (``{name: value}``) and the text of
its progress bar, and returns a :class:`Measured`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from core.activations import ACTIVATIONS
from core.datasets import load, train_test_split
from core.linear import affine_fit
from core.mlp import MLP
from sections.lesson.numbers import Num, Pct, Sci
from sections.lesson.settings import SEED
from ui import guard
from ui.cache import memo_run, view_memo
from ui.guard import budget_epochs

if TYPE_CHECKING:  # the pages' modules are imported when a step first runs
    from sections.vanishing.compute import InitProfile

#: The vanishing page's data at its defaults: moons, 300 points, noise 0.2.
MOONS = {"key": "moons", "n": 300, "noise": 0.2}
#: The initialisation each activation is commonly paired with (:attr:`Activation.paired_init`).
PAIRED = {act: ACTIVATIONS[act].paired_init for act in ("sigmoid", "relu", "tanh")}
WIDTH = 32
#: Home's head-to-head at its default length.
DUEL_EPOCHS = 150
#: He et al.'s experiment as the vanishing page's preset runs it (learning rate 0.003: at
#: 0.01 the 30-layer He network sits at the edge of stability, docs/science.md §2.4).
INIT_EPOCHS, INIT_LR, INIT_BATCH = 60, 0.003, 32
#: The Dead ReLU page's network and training at its defaults.
DEAD_DEPTH, DEAD_WIDTH, DEAD_EPOCHS = 4, 8, 80
#: The Function shapes page's curve range and family parameters at its defaults.
CURVE_RANGE = (-6.0, 6.0)
SLOPE, ALPHA, SPREAD = 0.01, 1.0, 1.0


@dataclass(frozen=True)
class Measured:
    """What one run measured.

    Attributes
    ----------
    numbers : dict
        The measurement by name, as :mod:`sections.lesson.numbers` floats (they know how
        to be written): what the rule reads, the texts quote and the answer key prints.
    frame : DataFrame or None
        What the step's chart draws (and its CSV).
    extra : dict
        Anything else the chart needs (a boundary segment, a grid step).
    """

    numbers: dict[str, Any]
    frame: pd.DataFrame | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _last(values: Any) -> float:
    """A run's final value, whether a page keeps the curve or only its end."""
    arr = np.ravel(np.asarray(values, dtype=float))
    return float(arr[-1]) if arr.size else float("nan")


# ------------------------------------------------------------------ C1: linear
def linear(v: Mapping[str, Any], text: str) -> Measured:
    """A 4-layer network with the chosen hidden units on the moons (the Function shapes
    page's C1 pair): how far its output is from the best single affine map."""
    from sections.shapes.compute import C1_NETS, DEEP_EPOCHS, DEEP_SIZES, linear_vs_relu
    from sections.shapes.settings import N_SAMPLES, NOISE, RunSpec

    act = v["act"]
    X, y = load("moons", n_samples=N_SAMPLES, noise=NOISE, seed=SEED)
    n_train = len(train_test_split(X, y, seed=SEED)[2])
    layers = len(DEEP_SIZES) - 2
    budget = budget_epochs(layers, DEEP_SIZES[1], n_train, DEEP_EPOCHS, runs=2, n_in=2,
                           budget=guard.BUDGET / 2, acts=[a for a, _ in C1_NETS])
    spec = RunSpec("moons", SEED, budget.epochs, budget.n_samples)
    res = memo_run(linear_vs_relu, spec, _X=X, _y=y, _text=text)

    def measure() -> Measured:
        run = res.runs[act]
        model = MLP(list(DEEP_SIZES), activation=act, init=dict(C1_NETS)[act])
        model.set_params(run.params)
        with np.errstate(all="ignore"):
            logits = model.forward_trace(res.points)[0][-1]
        residual = affine_fit(res.points, logits)[2]
        grid = pd.DataFrame(res.points, columns=["x1", "x2"]).assign(
            p=np.nan_to_num(run.grid_p, nan=0.5))
        dots = pd.DataFrame({"x1": res.X[:, 0], "x2": res.X[:, 1], "label": res.y})
        return Measured({"residual": Sci(residual), "acc": Pct(run.test_acc), "layers": layers,
                         "epochs": spec.epochs},
                        grid, {"dots": dots, "step": res.step,
                               "segment": res.collapsed.segment if act == "identity" else None})

    return view_memo(("lesson.linear", spec, act), measure)


def moons_dots() -> pd.DataFrame:
    """Step 1's data before anything is trained (the Function shapes page's moons)."""
    from sections.shapes.settings import N_SAMPLES, NOISE

    X, y = load("moons", n_samples=N_SAMPLES, noise=NOISE, seed=SEED)
    return pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "label": y})


# ------------------------------------------------------------ C2/C3: the slope
def slope(v: Mapping[str, Any], text: str) -> Measured:
    """The largest slope |f′| of the activation on the Function shapes page's grid."""
    from sections.shapes.compute import shape_data

    d = shape_data(v["act"], *CURVE_RANGE, SLOPE, ALPHA)
    i = int(np.argmax(np.abs(d.df)))
    return Measured({"slope": Num(abs(d.df[i])), "at": Num(d.x[i])}, extra={"data": d})


# ------------------------------------------------------------ C4: the chain
def chain(v: Mapping[str, Any], text: str) -> Measured:
    """The best case of a chain of `depth` slopes: every unit at its steepest point."""
    from sections.shapes.compute import chain as chain_of_slopes

    ch = chain_of_slopes(v["act"], SLOPE, ALPHA, SPREAD, SEED)
    best = float(ch.best[v["depth"] - 1])
    rows = pd.DataFrame({"L": ch.L, "best": ch.best, "rms": ch.rms})
    return Measured({"product": Sci(best), "slope": Num(ACTIVATIONS[v["act"]].max_slope)}, rows)


# ----------------------------------------------------- C4/C5: at initialisation
def _profile(act: str, init: str, depth: int) -> InitProfile:
    """The vanishing page's statistics at initialisation (its InitSpec, its guard)."""
    from sections.vanishing.compute import init_profile, split
    from sections.vanishing.settings import INIT_BUDGET, N_INITS, DataSpec, InitSpec

    data = DataSpec(MOONS["key"], MOONS["n"], MOONS["noise"], SEED)
    n_train = len(split(data)[2][2])
    n_stat = budget_epochs(depth, WIDTH, n_train, 1, runs=N_INITS, n_in=2,
                           budget=INIT_BUDGET).n_samples
    return memo_run(init_profile, InitSpec(data, depth, WIDTH, 0.01, n_stat), act, init)


def signal(v: Mapping[str, Any], text: str) -> Measured:
    """How many times smaller ‖∂L/∂h‖ is at the first hidden layer than at the last."""
    act, depth = v["act"], v["depth"]
    p = _profile(act, PAIRED[act], depth)
    sig, lo, hi = p.signal.mid, p.signal.lo, p.signal.hi
    frame = pd.DataFrame({"layer": np.arange(1, depth + 1), "signal": sig, "lo": lo, "hi": hi,
                          "act": act})
    return Measured({"ratio": Sci(sig[-1] / sig[0]), "first": Sci(sig[0]), "last": Sci(sig[-1])},
                    frame)


SPREAD_DEPTH = 10


def spread(v: Mapping[str, Any], text: str) -> Measured:
    """The level (mean) and the spread across samples of the first and last hidden layer."""
    p = _profile(v["act"], v["init"], SPREAD_DEPTH)
    level, spread_ = p.level, p.spread.mid
    layers = np.arange(1, SPREAD_DEPTH + 1)
    frame = pd.concat([pd.DataFrame({"layer": layers, "value": level, "quantity": "level"}),
                       pd.DataFrame({"layer": layers, "value": spread_, "quantity": "spread"})],
                      ignore_index=True)
    return Measured({"level_first": Num(level[0]), "level_last": Num(level[-1]),
                     "level_ratio": Sci(level[-1] / level[0]),
                     "spread_first": Sci(spread_[0]), "spread_last": Sci(spread_[-1]),
                     "spread_ratio": Sci(spread_[-1] / spread_[0]), "depth": SPREAD_DEPTH}, frame)


# ------------------------------------------------------------------- training
def _loss_frame(losses: Mapping[str, np.ndarray], group: str) -> pd.DataFrame:
    """Each run's training loss per epoch (`losses`: by run), long form (epoch, loss, `group`)."""
    return pd.concat([pd.DataFrame({"epoch": np.arange(len(np.ravel(loss))),
                                    "loss": np.ravel(loss), group: name})
                      for name, loss in losses.items()], ignore_index=True)


def duel(v: Mapping[str, Any], text: str) -> Measured:
    """Home's head-to-head: the same network with sigmoid and with ReLU hidden units."""
    from sections.home.compute import head_to_head
    from sections.home.settings import BATCH, N_TRAIN, PAIR, RunSpec

    budget = budget_epochs(v["depth"], WIDTH, N_TRAIN, DUEL_EPOCHS, runs=len(PAIR), batch=BATCH,
                           acts=PAIR)
    spec = RunSpec(v["depth"], WIDTH, budget.epochs, SEED)
    runs = memo_run(head_to_head, spec, _text=text).runs
    return view_memo(("lesson.duel", spec), lambda: Measured(
        {"sigmoid": Pct(_last(runs["sigmoid"].test_acc)),
         "relu": Pct(_last(runs["relu"].test_acc)), "epochs": spec.epochs},
        _loss_frame({a: r.loss for a, r in runs.items()}, "act")))


def init(v: Mapping[str, Any], text: str) -> Measured:
    """He et al.'s experiment on the vanishing page: ReLU networks with Glorot and with He
    initialisation, SGD with momentum (its "He et al. 2015" preset)."""
    from sections.vanishing.compute import split, train_run
    from sections.vanishing.settings import DataSpec, RunSpec, boundary_plan

    depth, inits = v["depth"], ("glorot_uniform", "he_normal")
    data = DataSpec(MOONS["key"], MOONS["n"], MOONS["noise"], SEED)
    n_train = len(split(data)[2][2])
    budget = budget_epochs(depth, WIDTH, n_train, INIT_EPOCHS, runs=len(inits), n_in=2,
                           batch=INIT_BATCH, acts="relu")
    n_snap, res = boundary_plan(depth, WIDTH, len(inits), 2)
    spec = RunSpec(data, depth, WIDTH, 0.01, "momentum", INIT_LR, budget.epochs, INIT_BATCH,
                   budget.n_samples, n_snap, res)
    runs = {i: memo_run(train_run, spec, "relu", i, _text=text) for i in inits}
    return view_memo(("lesson.init", spec), lambda: Measured(
        {"glorot": Pct(_last(runs["glorot_uniform"].test_acc)),
         "he": Pct(_last(runs["he_normal"].test_acc)), "epochs": spec.epochs,
         "glorot_diverged": runs["glorot_uniform"].diverged_at,
         "he_diverged": runs["he_normal"].diverged_at},
        _loss_frame({i: r.loss for i, r in runs.items()}, "init")))


def dead(v: Mapping[str, Any], text: str) -> Measured:
    """The Dead ReLU page's training at its defaults (4 × 8 ReLU units, full-batch
    gradient descent, 80 epochs) at the chosen learning rate."""
    from sections.dead_relu.compute import train_runs
    from sections.dead_relu.settings import N_SAMPLES, NOISE, RunSpec

    X, y = load("moons", n_samples=N_SAMPLES, noise=NOISE, seed=SEED)
    n_train = len(train_test_split(X, y, seed=SEED)[2])
    depth, width, acts = DEAD_DEPTH, DEAD_WIDTH, ("relu", "leaky_relu")
    budget = budget_epochs(depth, width, n_train, DEAD_EPOCHS, runs=len(acts), n_in=2, acts=acts)
    epochs = budget.epochs
    spec = RunSpec(depth=depth, width=width, lr=float(v["lr"]), bias=0.0, shift=0.0,
                   init="glorot_uniform", opt="sgd", data_key="moons", epochs=epochs, seed=SEED,
                   n_train=budget.n_samples)
    run = memo_run(train_runs, spec, acts, _X=X, _y=y, _text=text).runs["relu"]
    share = np.asarray(run.dead_total, dtype=float)
    units = depth * width
    return Measured({"dead": Pct(share[-1]), "born": Pct(share[0]),
                     "dead_units": int(np.rint(share[-1] * units)), "units": units,
                     "acc": Pct(_last(run.test_acc)), "epochs": epochs},
                    pd.DataFrame({"epoch": np.arange(len(share)), "dead": share, "act": "relu"}))


def pieces(v: Mapping[str, Any], text: str) -> Measured:
    """The linear pieces on [0, 1] of Telgarsky's tent map composed k times, counted
    exactly from the network's weights (the Piecewise ReLU page's depth section)."""
    from sections.piecewise.compute import tent_curves

    k = v["k"]
    tc = tent_curves(k)
    n = len(tc.x) - 1  # the exact polyline's knots: both ends and every kink
    return Measured({"pieces": n, "units": 2 * k, "one_layer": 2 * k + 1, "layers": k},
                    pd.DataFrame({"x": tc.x, "y": tc.y, "act": "relu"}))


CURE_DEPTH = 20
CURE_VARIANTS = ("plain", "residual")
#: The step's own recipe (plain SGD): the Cures section's first one. Its outcomes hold at
#: seeds 0-1 and on perturbed copies of the initial weights (the plain sigmoid network
#: 49-51%, the residual one 83-85%; ReLU: plain 88-89%, residual overflows at epoch 1);
#: at learning rate 0.2 with batches of 128 the plain ReLU network ends between 57% and
#: 68% at seed 0, too near the rule's 75% to rest a verdict on.
CURE_LR, CURE_BATCH, CURE_EPOCHS = 0.1, 64, 60


def cures(v: Mapping[str, Any], text: str) -> Measured:
    """Two of the Cures section's networks at depth 20, the plain one and the one with
    residual connections, trained the same way (``cures_compute.some_variants``)."""
    return _variants(CURE_DEPTH, v["act"], CURE_VARIANTS, text)


#: Step 11's networks: plain, and what deep networks use today, residual connections with
#: layer normalisation (the Cures section's last variant), with ReLU and He initialisation.
TODAY_VARIANTS = ("plain", "residual_layer")
#: Its depths: at 20 both learn; at 50 only the one with residual connections and layer
#: normalisation does (over seeds' perturbed copies and BLAS kernels, docs/science.md §2.11).
TODAY_DEPTHS = (20, 50)


def today(v: Mapping[str, Any], text: str) -> Measured:
    """The plain ReLU network against the one with residual connections and layer
    normalisation, at the chosen depth (the Cures section's recipe)."""
    return _variants(v["depth"], "relu", TODAY_VARIANTS, text)


def _variants(depth: int, act: str, codes: tuple[str, ...], text: str) -> Measured:
    """Variants `codes` of the Cures section at `depth`, trained with the lesson's recipe
    (``cures_compute.some_variants``, within the section's budget); each one's final test
    accuracy (— when it overflowed), the epoch it overflowed at, and at birth the spread of
    its last hidden layer as a share of its first's."""
    from sections.vanishing.compute import split
    from sections.vanishing.cures import CURES_BUDGET
    from sections.vanishing.cures_compute import CureSpec, some_variants
    from sections.vanishing.settings import DataSpec

    data = DataSpec(MOONS["key"], MOONS["n"], MOONS["noise"], SEED)
    n_train = len(split(data)[2][2])
    budget = budget_epochs(depth, WIDTH, n_train, CURE_EPOCHS, runs=2 * len(codes),
                           n_in=2, budget=CURES_BUDGET, batch=CURE_BATCH, acts=act)
    spec = CureSpec(data, depth, WIDTH, act, CURE_LR, CURE_BATCH, budget.epochs,
                    budget.n_samples)
    runs = memo_run(some_variants, spec, codes, _text=text)

    def measure() -> Measured:
        numbers: dict[str, Any] = {"depth": depth, "epochs": spec.epochs}
        for code, r in runs.items():
            bad = r.diverged_at is not None
            numbers[code] = Pct(float("nan") if bad else _last(r.test_acc))
            numbers[f"{code}_diverged"] = r.diverged_at
            spread_ = np.asarray(r.birth.spread, dtype=float)  # at birth, per hidden layer
            numbers[f"{code}_spread"] = Sci(spread_[-1] / spread_[0])
        overflowed = {c: r.diverged_at for c, r in runs.items() if r.diverged_at is not None}
        losses = {c: r.loss for c, r in runs.items()}
        return Measured(numbers, _loss_frame(losses, "variant"), {"overflowed": overflowed})

    return view_memo(("lesson.variants", spec, codes), measure)
