"""The Dead ReLU page's trainings and measurements, cached on :class:`RunSpec`.

Every function takes the data as unhashed ``_X``, ``_y``: the spec's
``data_key`` names them (a data set whose rows the seed fixes, or the digest of
an upload), so the cache key sees everything the result depends on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.datasets import train_test_split
from core.dead import (
    PreactivationSummary,
    big_step,
    born_dead_first_layer,
    box_grid,
    constant_counts,
    preactivation_summary,
)
from core.mlp import MLP, Params
from sections.dead_relu.settings import RunSpec
from ui.cache import page_cache
from ui.progress import progress_bar, progress_callback

N_SNAPSHOTS = 11
#: The one-big-step demo: the healthy network, and the "normal" rate it trains on with.
HEALTHY_INIT = "he_normal"
NORMAL_LR = 0.1
STEP_ACTS = ("relu", "leaky_relu")
#: Born dead: widths compared, deepest network, grid of the input box.
BORN_WIDTHS = (2, 3, 4, 5, 8, 10)
BORN_DEPTH = 50
GRID_PER_AXIS = 16


@dataclass(frozen=True)
class ActivationRun:
    """One activation's network trained (:func:`train_runs`).

    ``E`` is the last epoch recorded (``spec.epochs``, or the epoch it diverged at);
    ``depth`` hidden layers. Shares are of hidden units (``core.mlp.History``).

    Attributes
    ----------
    dead_fraction : ndarray of shape (E + 1, depth)
        Per epoch and hidden layer, the share of units with z <= 0 on every training
        point: dead for ReLU, merely below zero for an activation that cannot die.
    dead_total : ndarray of shape (E + 1,)
        The same over all hidden units.
    no_grad_fraction : ndarray of shape (E + 1, depth)
        The share of units whose weights get exactly zero gradient: the units that
        stopped learning, for every activation.
    no_grad_total : ndarray of shape (E + 1,)
        The same over all hidden units.
    train_acc, test_acc : ndarray of shape (E + 1,)
        Accuracies per epoch, epoch 0 (at initialisation) first.
    diverged_at : int or None
        The epoch the loss or the weights stopped being finite.
    views : dict of int to list of PreactivationSummary
        Epoch (:func:`snapshot_epochs`) -> per hidden layer, each unit's pre-activations
        over the training set.
    params : Params
        The trained network.
    """

    dead_fraction: np.ndarray
    dead_total: np.ndarray
    no_grad_fraction: np.ndarray
    no_grad_total: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    diverged_at: int | None
    views: dict[int, list[PreactivationSummary]]
    params: Params


@dataclass(frozen=True)
class ActivationRuns:
    """The compared activations trained on one task (:func:`train_runs`): ``runs`` by
    activation, in the order asked for, and ``n_train``, the training points used."""

    runs: dict[str, ActivationRun]
    n_train: int


@dataclass(frozen=True)
class StepRun:
    """One activation's healthy network (He initialisation, zero biases, no shift) after one
    big step, then trained normally (:func:`one_step`).

    Counts are of hidden units; ``depth · width`` in all. ``E`` is the last epoch
    recorded after the step.

    Attributes
    ----------
    before, died, after : int
        Dead units before the step, units the step killed, dead units after it.
    died_first_layer : int
        Units of the first hidden layer the step killed.
    loss_before, loss_after : float
        The training loss before and after the step.
    dead_count : ndarray of shape (E + 1,)
        Dead units after the big step (index 0) and after each later epoch.
    first_layer_dead : ndarray of shape (E + 1,)
        The same in the first hidden layer.
    diverged_at : int or None
        The epoch of the normal training at which the loss or the weights stopped being
        finite.
    train_acc : ndarray of shape (E + 1,)
        Training accuracy per epoch of the normal training.
    params : Params
        The trained network.
    """

    before: int
    died: int
    after: int
    died_first_layer: int
    loss_before: float
    loss_after: float
    dead_count: np.ndarray
    first_layer_dead: np.ndarray
    diverged_at: int | None
    train_acc: np.ndarray
    params: Params


@dataclass(frozen=True)
class BornDead:
    """How often random deep, narrow ReLU networks are constant on the input box before any
    training (:func:`born_dead`).

    ``depths`` is ``1 .. BORN_DEPTH``, shape ``(BORN_DEPTH,)``; ``counts[w]``, for each width
    ``w`` of :data:`BORN_WIDTHS`, is how many of the networks drawn are constant on the
    grid by each depth, shape ``(BORN_DEPTH,)``; ``n_points`` is the grid's number of points.
    """

    depths: np.ndarray
    counts: dict[int, np.ndarray]
    n_points: int


@dataclass(frozen=True)
class RemedyRun:
    """The task trained under one remedy (:func:`compare`): the variant ``key`` with its
    activation, initialisation, learning rate ``lr`` and initial bias, and its final
    numbers. ``dead`` is the final share of hidden units with z <= 0 on every training
    point, ``dead_birth`` the same at initialisation, ``no_grad`` the final share that
    gets no gradient (the units that stopped learning, for every activation)."""

    key: str
    act: str
    init: str
    lr: float
    bias: float
    train_acc: float
    test_acc: float
    dead: float
    dead_birth: float
    no_grad: float
    diverged_at: int | None
    params: Params


def split(spec: RunSpec, X: np.ndarray, y: np.ndarray, shift: float | None = None) -> tuple:
    """Split, keep at most ``spec.n_train`` training rows (the compute guard), shift the inputs."""
    Xtr, Xte, ytr, yte = train_test_split(X, y, seed=spec.seed)
    if spec.n_train < len(ytr):
        keep = np.sort(np.random.default_rng(spec.seed).choice(len(ytr), spec.n_train,
                                                              replace=False))
        Xtr, ytr = Xtr[keep], ytr[keep]
    # The input shift moves the standardised data, so for shift < 0 most inputs are negative.
    d = spec.shift if shift is None else shift
    return Xtr + d, Xte + d, ytr, yte


def model(spec: RunSpec, y: np.ndarray, n_in: int, act: str, init: str | None = None,
          bias: float | None = None) -> MLP:
    """The page's network for one activation: sigmoid output for two classes, softmax for more."""
    n_classes = int(y.max()) + 1
    out, n_out = ("sigmoid", 1) if n_classes == 2 else ("softmax", n_classes)
    return MLP([n_in, *[spec.width] * spec.depth, n_out], activation=act, output=out,
               init=init or spec.init, seed=spec.seed,
               bias_init=spec.bias if bias is None else bias)


def snapshot_epochs(epochs: int) -> list[int]:
    return sorted({int(e) for e in np.linspace(0, epochs, N_SNAPSHOTS).round()})


def _layer_summaries(net: MLP, params: object, X: np.ndarray) -> list[PreactivationSummary]:
    """Per hidden layer, the per-unit pre-activation summary on the training set."""
    probe = net.copy()
    probe.set_params(params)  # a snapshot: the Params record get_params returns
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        zs, _ = probe.forward_trace(X)
        return [preactivation_summary(z) for z in zs[:-1]]


@page_cache(24)
def train_runs(spec: RunSpec, acts: tuple[str, ...], _X: np.ndarray, _y: np.ndarray,
               _text: str = "") -> ActivationRuns:
    """Train one network per activation; keep dead fractions, per-layer views, weights."""
    Xtr, Xte, ytr, yte = split(spec, _X, _y)
    snaps = snapshot_epochs(spec.epochs)
    runs = {}
    with progress_bar(_text) as bar:
        for i, act in enumerate(acts):
            net = model(spec, _y, Xtr.shape[1], act)
            h = net.fit(Xtr, ytr, epochs=spec.epochs, lr=spec.lr, optimizer=spec.opt, X_test=Xte,
                        y_test=yte, snapshot_epochs=snaps,
                        callback=progress_callback(bar, _text, i / len(acts), 1 / len(acts)))
            views = {e: _layer_summaries(net, h.snapshots[e], Xtr) for e in sorted(h.snapshots)}
            runs[act] = ActivationRun(
                dead_fraction=h.dead_fraction, dead_total=h.dead_total,
                no_grad_fraction=h.no_grad_fraction, no_grad_total=h.no_grad_total,
                train_acc=h.train_acc, test_acc=h.test_acc, diverged_at=h.diverged_at,
                views=views, params=net.get_params())
    return ActivationRuns(runs=runs, n_train=len(ytr))


@page_cache(16)
def one_step(spec: RunSpec, big: float, _X: np.ndarray, _y: np.ndarray,
             _text: str = "") -> dict[str, StepRun]:
    """A healthy network (He init, zero biases, no shift), one big step, then normal
    training: one per activation of :data:`STEP_ACTS`."""
    Xtr, _, ytr, _ = split(spec, _X, _y, shift=0.0)
    out = {}
    total = spec.depth * spec.width
    with progress_bar(_text) as bar:
        for i, act in enumerate(STEP_ACTS):
            net = model(spec, _y, Xtr.shape[1], act, init=HEALTHY_INIT, bias=0.0)
            step = big_step(net, Xtr, ytr, big)
            h = net.fit(Xtr, ytr, epochs=spec.epochs, lr=NORMAL_LR, optimizer="sgd",
                        callback=progress_callback(bar, _text, i / 2, 1 / 2))
            out[act] = StepRun(
                before=step.n_dead_before, died=step.n_died, after=step.n_dead_after,
                died_first_layer=int(step.died[0].sum()), loss_before=step.loss_before,
                loss_after=step.loss_after, dead_count=np.rint(h.dead_total * total),
                first_layer_dead=np.rint(h.dead_fraction[:, 0] * spec.width),
                diverged_at=h.diverged_at, train_acc=h.train_acc, params=net.get_params())
    return out


@page_cache(16)
def born_dead(init: str, random_bias: bool, n_inits: int, seed: int, _text: str = "") -> BornDead:
    """Monte Carlo: P(network constant on the box grid) per width and depth."""
    points = box_grid(2, GRID_PER_AXIS)
    depths = np.arange(1, BORN_DEPTH + 1)
    counts = {}
    with progress_bar(_text) as bar:
        for i, w in enumerate(BORN_WIDTHS):
            first = born_dead_first_layer(
                points, w, BORN_DEPTH, n_inits, init=init, random_bias=random_bias,
                seed=seed * 1000 + w,
                callback=progress_callback(bar, _text, i / len(BORN_WIDTHS), 1 / len(BORN_WIDTHS)),
            )
            counts[w] = constant_counts(first, depths)
    return BornDead(depths=depths, counts=counts, n_points=len(points))


@page_cache(16)
def compare(spec: RunSpec, variants: tuple[tuple[str, str, str, float, float], ...],
            _X: np.ndarray, _y: np.ndarray, _text: str = "") -> list[RemedyRun]:
    """The same task under each variant ``(key, activation, init, lr, bias)``: final
    numbers, in the order of `variants`."""
    Xtr, Xte, ytr, yte = split(spec, _X, _y)
    rows = []
    with progress_bar(_text) as bar:
        for i, (key, act, init, rate, bias) in enumerate(variants):
            net = model(spec, _y, Xtr.shape[1], act, init=init, bias=bias)
            h = net.fit(Xtr, ytr, epochs=spec.epochs, lr=rate, optimizer=spec.opt, X_test=Xte,
                        y_test=yte,
                        callback=progress_callback(bar, _text, i / len(variants), 1 / len(variants)))
            rows.append(RemedyRun(
                key=key, act=act, init=init, lr=rate, bias=bias,
                train_acc=float(h.train_acc[-1]), test_acc=float(h.test_acc[-1]),
                dead=float(h.dead_total[-1]), dead_birth=float(h.dead_total[0]),
                no_grad=float(h.no_grad_total[-1]), diverged_at=h.diverged_at,
                params=net.get_params()))
    return rows
