"""The Piecewise ReLU page's trainings and exact piece counts, cached.

Pieces are counted exactly from the weights (``core.pieces``); the 1-D trainings
are keyed on :class:`FitSpec`, the 2-D one on :class:`RegionSpec` (with the data as
unhashed ``_X``, ``_y``, named by the spec's ``data_key``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.formula import parse
from core.grid import plane_grid
from core.mlp import MLP, Params
from core.pieces import (
    LEAK,
    activation_patterns,
    affine_pieces,
    breakpoints,
    count_pieces,
    hinge_terms,
    least_squares_hinges,
    random_params,
    random_piece_counts,
    step_ramp_errors,
    tent_params,
    yarotsky,
    yarotsky_error,
    zero_contour,
)
from sections.piecewise.settings import HI, INIT, LO, FitSpec
from ui.cache import page_cache
from ui.progress import progress_bar, progress_callback

N_SNAP = 20  # snapshots per training run (every 5 %)
K_MAX = 12
M_MAX = 10
RANDOM_SEEDS = 8
WIDE = 16  # width of the random deep nets that do not collapse (Hanin & Rolnick)
WIDE_SEEDS = 16
#: Section "depth", trained nets: the k × 2 tent network's shape trained on the tent itself.
TRAIN_K_MAX, TRAIN_SEEDS, TRAIN_EPOCHS, TRAIN_LR = 8, 4, 300, 0.01
#: A small positive initial bias, so that a unit starts active on part of [0, 1]:
#: with zero biases every unit of a first layer would bend only at x = 0.
TRAIN_BIAS = 0.1
N_2D, NOISE_2D, EPOCHS_2D, LR_2D = 300, 0.2, 300, 0.01
DRAW_RES, COUNT_RES = 56, 120
STEP_WIDTHS = (1, 2, 4, 8, 16, 32)
STEP_AWAY = 0.25
STEP_EPOCHS = 300


@dataclass(frozen=True)
class NetCurve:
    """A 1-D network's curve on [LO, HI] at one point of training.

    ``x``, ``y`` of shape ``(n,)``: for a ReLU-family network the exact polyline's knots
    (both ends and every kink), for a smooth one a 401-point even grid. ``kinks`` and
    ``kink_y`` of shape ``(k,)``: where the curve bends, counted exactly from the
    weights; None for a smooth network (it has no kinks to count).
    """

    x: np.ndarray
    y: np.ndarray
    kinks: np.ndarray | None
    kink_y: np.ndarray | None


@dataclass(frozen=True)
class CurveFit:
    """The 1-D fit: the ``n`` noisy samples ``x``, ``y`` (sorted by x), the target on a
    401-point ``grid`` (``target``), the loss per epoch (``E + 1`` entries), the epoch it
    diverged at (None if it did not), the network's curve at each snapshot epoch whose
    weights are all finite (``snaps``, by epoch) and the trained parameters."""

    x: np.ndarray
    y: np.ndarray
    grid: np.ndarray
    target: np.ndarray
    loss: np.ndarray
    diverged_at: int | None
    snaps: dict[int, NetCurve]
    params: Params


@dataclass(frozen=True)
class Hinges:
    """A trained one-hidden-layer ReLU network of ``m`` units, split into its units.

    On ``grid`` (``(g,)``: an even grid of [LO, HI] with every kink added): ``terms``
    ``(g, m)``, each unit's hinge v_i·relu(w_i x + b_i); ``total`` ``(g,)``, their sum
    plus the output ``bias``; ``net`` ``(g,)``, the network's own output, and
    ``max_diff``, the largest |total − net|. ``kinks`` ``(k,)`` and ``pieces`` = k + 1 on
    [LO, HI]. The samples it was trained on, ``x``, ``y``; its parameters.
    """

    grid: np.ndarray
    terms: np.ndarray
    net: np.ndarray
    total: np.ndarray
    kinks: np.ndarray
    max_diff: float
    bias: float
    pieces: int
    x: np.ndarray
    y: np.ndarray
    params: Params


@dataclass(frozen=True)
class TentCurves:
    """The k-fold tent on [0, 1] as its exact polyline (``x``, ``y``: both ends and every
    kink) and the one-hidden-layer least-squares fit with 2k units (``one_x``, ``one_y``,
    likewise), with the largest gap between the two (``one_err``)."""

    x: np.ndarray
    y: np.ndarray
    one_x: np.ndarray
    one_y: np.ndarray
    one_err: float


@dataclass(frozen=True)
class TrainedTent:
    """One k × 2 ReLU network trained on the tent: its pieces on [0, 1] (exact), its
    final loss, the seed it started from and its trained parameters."""

    pieces: int
    loss: float
    seed: int
    params: Params


@dataclass(frozen=True)
class TrainedTents:
    """The tent trainings of one k: how many samples each trained on (``n``) and the
    runs, one per random start (:data:`TRAIN_SEEDS` of them)."""

    n: int
    runs: list[TrainedTent]


@dataclass(frozen=True)
class YarotskyCurve:
    """Yarotsky's m-th approximation ``f`` and the square ``sq`` = x² on the grid ``x``
    of [0, 1], all of shape ``(n,)``."""

    x: np.ndarray
    f: np.ndarray
    sq: np.ndarray


@dataclass(frozen=True)
class RegionSnap:
    """The 2-D classifier at one snapshot epoch: ``labels`` ``(DRAW_RES²,)``, the linear
    region of each drawn grid point (numbered in order of first appearance);
    ``segments`` ``(S, 4)``, the decision boundary's pieces as rows (x1a, x2a, x1b,
    x2b); ``regions``, the regions counted on the finer :data:`COUNT_RES` grid;
    ``acc``, the training accuracy."""

    labels: np.ndarray
    segments: np.ndarray
    regions: int
    acc: float


@dataclass(frozen=True)
class Regions:
    """The 2-D classifier's training: the data ``X`` ``(n, 2)`` and ``y`` ``(n,)``, the
    drawn grid (``points`` ``(DRAW_RES², 2)``, its cell ``step``), each snapshot by
    epoch (``snaps``), the epoch it diverged at (None if it did not), the number of
    ``classes``, the ``output`` (``sigmoid`` or ``softmax``), the layer ``sizes`` and the
    trained parameters."""

    X: np.ndarray
    y: np.ndarray
    points: np.ndarray
    step: float
    snaps: dict[int, RegionSnap]
    diverged_at: int | None
    classes: int
    output: str
    sizes: list[int]
    params: Params


@dataclass(frozen=True)
class StepStudy:
    """The step function approached two ways.

    ``ramp``: analytic two-unit ramps, one row per width, columns ``slope`` (1 / width)
    and ``core.pieces.RampErrors``' ``away``, ``jump`` (split at |x| = :data:`STEP_AWAY`
    / 2), ``bad``, ``rms``. ``trained``: one-layer networks trained on the step, one row
    per width in :data:`STEP_WIDTHS`, columns ``units``, ``away`` (largest error at
    |x| ≥ :data:`STEP_AWAY`), ``jump`` (largest error nearer the jump) and ``rms``.
    """

    ramp: pd.DataFrame
    trained: pd.DataFrame


def samples(spec: FitSpec) -> tuple[np.ndarray, np.ndarray]:
    """``spec.n`` noisy samples of the target on [LO, HI], sorted by x."""
    rng = np.random.default_rng(spec.seed)
    x = np.sort(rng.uniform(LO, HI, spec.n))
    y = parse(spec.formula)(x) + spec.noise * rng.standard_normal(spec.n)
    return x, y


def _snap_epochs(epochs: int) -> list[int]:
    return sorted({round(i * epochs / N_SNAP) for i in range(N_SNAP + 1)})


def _curve_of(weights, biases, act: str) -> NetCurve:
    """Exact pieces for ReLU-family nets, a dense sample for smooth ones."""
    if act in LEAK:
        p = affine_pieces(weights, biases, LO, HI, LEAK[act])
        kinks = breakpoints(weights, biases, LO, HI, LEAK[act])
        xs = p.knots
        return NetCurve(xs, p(xs)[:, 0], kinks, p(kinks)[:, 0])
    model = MLP([1, *[w.shape[1] for w in weights[:-1]], 1], activation=act, output="identity")
    model.set_params(weights, biases)
    xs = np.linspace(LO, HI, 401)
    with np.errstate(all="ignore"):
        ys = model.forward(xs[:, None])[:, 0]
    return NetCurve(xs, ys, None, None)


def _net(spec: FitSpec) -> MLP:
    return MLP([1, *[spec.width] * spec.depth, 1], activation=spec.act, output="identity",
               init=INIT[spec.act], seed=spec.seed)


@page_cache(24)
def fit_curve(spec: FitSpec, _text: str = "") -> CurveFit:
    """Train the 1-D fit; every snapshot with its exact pieces."""
    x, y = samples(spec)
    grid = np.linspace(LO, HI, 401)
    model = _net(spec)
    with progress_bar(_text) as bar:
        hist = model.fit(x[:, None], y, epochs=spec.epochs, lr=spec.lr, optimizer="adam",
                         snapshot_epochs=_snap_epochs(spec.epochs),
                         callback=progress_callback(bar, _text))
    snaps = {}
    for e, (w, b, *_) in sorted(hist.snapshots.items()):
        if all(np.isfinite(a).all() for a in (*w, *b)):
            snaps[e] = _curve_of(w, b, spec.act)
    return CurveFit(x, y, grid, parse(spec.formula)(grid), hist.loss, hist.diverged_at, snaps,
                    model.get_params())


@page_cache(24)
def fit_hinges(spec: FitSpec, _text: str = "") -> Hinges:
    """A one-hidden-layer ReLU net on the fit's data, split into its units."""
    x, y = samples(spec)
    model = _net(spec)
    with progress_bar(_text) as bar:
        model.fit(x[:, None], y, epochs=spec.epochs, lr=spec.lr, optimizer="adam",
                  callback=progress_callback(bar, _text))
    params = model.get_params()
    w, b = params.weights, params.biases
    kinks = breakpoints(w, b, LO, HI)
    grid = np.union1d(np.linspace(LO, HI, 161), kinks)
    terms = hinge_terms(w, b, grid)
    net = model.forward(grid[:, None])[:, 0]
    total = terms.sum(axis=1) + b[-1][0]
    return Hinges(grid=grid, terms=terms, net=net, total=total, kinks=kinks,
                  max_diff=float(np.max(np.abs(total - net))), bias=float(b[-1][0]),
                  pieces=len(kinks) + 1, x=x, y=y, params=params)


@page_cache(4)
def depth_table(seed: int) -> pd.DataFrame:
    """Pieces on [0, 1] against k for the hand-built, one-layer and random networks."""
    ks = list(range(1, K_MAX + 1))
    seeds = [seed * 1000 + s for s in range(RANDOM_SEEDS)]
    narrow = random_piece_counts(2, ks, seeds)
    wide = random_piece_counts(WIDE, ks, [seed * 1000 + s for s in range(WIDE_SEEDS)])
    rows = []
    for i, k in enumerate(ks):
        t_w, t_b = tent_params(k)
        one_w, one_b = _one_layer_fit(k)
        shallow = [count_pieces(*random_params([1, 2 * k, 1], s), 0.0, 1.0) for s in seeds]
        rows.append({"k": k, "units": 2 * k, "tent": count_pieces(t_w, t_b, 0.0, 1.0),
                     "one": count_pieces(one_w, one_b, 0.0, 1.0), "bound": 2 * k + 1,
                     "random_deep": float(np.mean(narrow[i])),
                     "random_one": float(np.mean(shallow)),
                     "flat": int(np.sum(narrow[i] == 1)),
                     "wide_units": WIDE * k,
                     "random_wide": float(np.mean(wide[i])),
                     "per_neuron": float(np.mean(wide[i]) / (WIDE * k))})
    return pd.DataFrame(rows)


def _tent_values(k: int, x: np.ndarray) -> np.ndarray:
    return affine_pieces(*tent_params(k), 0.0, 1.0)(x)[:, 0]


def _one_layer_fit(k: int) -> tuple[list, list]:
    """One hidden layer with the tent's 2k units: the least-squares fit of the
    k-fold tent with kinks spread evenly over [0, 1] (fixed kinks avoid the
    aliasing of interpolating at equally spaced points, where the tent can be 0)."""
    knots = (np.arange(2 * k) + 0.5) / (2 * k)
    xs = np.linspace(0.0, 1.0, 4097)
    return least_squares_hinges(xs, _tent_values(k, xs), knots)


@page_cache(16)
def tent_curves(k: int) -> TentCurves:
    """The k-fold tent (exact polyline) and the one-layer interpolant with 2k units."""
    p = affine_pieces(*tent_params(k), 0.0, 1.0)
    one = affine_pieces(*_one_layer_fit(k), 0.0, 1.0)
    dense = np.union1d(np.union1d(p.knots, one.knots), np.linspace(0, 1, 2001))
    err = float(np.max(np.abs(p(dense)[:, 0] - one(dense)[:, 0])))
    return TentCurves(p.knots, p(p.knots)[:, 0], one.knots, one(one.knots)[:, 0], err)


@page_cache(16)
def trained_tents(k: int, seed: int, _text: str = "") -> TrainedTents:
    """The tent network's shape, k layers × 2 ReLU units, trained on the k-fold tent.

    :data:`TRAIN_SEEDS` random starts (He-normal weights, biases :data:`TRAIN_BIAS`),
    Adam on 4 samples per tooth (at least 256) at the midpoints of an even grid
    of [0, 1]; the pieces of each trained network are counted exactly on [0, 1].
    """
    n = max(256, 4 * 2 ** k)
    x = (np.arange(n) + 0.5) / n
    y = _tent_values(k, x)
    runs = []
    with progress_bar(_text) as bar:
        for i in range(TRAIN_SEEDS):
            model = MLP([1, *[2] * k, 1], activation="relu", output="identity", init="he_normal",
                        seed=seed * 1000 + i, bias_init=TRAIN_BIAS)
            hist = model.fit(x[:, None], y, epochs=TRAIN_EPOCHS, lr=TRAIN_LR, optimizer="adam",
                             callback=progress_callback(bar, _text, i / TRAIN_SEEDS,
                                                        1 / TRAIN_SEEDS))
            params = model.get_params()
            runs.append(TrainedTent(count_pieces(params.weights, params.biases, 0.0, 1.0),
                                    float(hist.loss[-1]), seed * 1000 + i, params))
    return TrainedTents(n, runs)


@page_cache(2)
def yarotsky_table() -> pd.DataFrame:
    ms = np.arange(1, M_MAX + 1)
    return pd.DataFrame({"m": ms, "measured": [yarotsky_error(int(m)) for m in ms],
                         "bound": 2.0 ** (-2 * ms - 2)})


@page_cache(12)
def yarotsky_curve(m: int) -> YarotskyCurve:
    x = np.linspace(0.0, 1.0, 2 ** (m + 1) + 1) if m >= 6 else np.linspace(0.0, 1.0, 257)
    return YarotskyCurve(x, yarotsky(m, x), x**2)


@dataclass(frozen=True)
class RegionSpec:
    """What the 2-D classifier depends on: the data (named), its size and the network."""

    data_key: str
    n: int
    width: int
    depth: int
    epochs: int
    seed: int


def _class_boundaries(logits: np.ndarray, axes: np.ndarray) -> np.ndarray:
    """Where the predicted class changes: the zero line of the logit (one output) or,
    for a softmax, of each class's margin over the best other class."""
    if logits.shape[1] == 1:
        return zero_contour(logits[:, 0], axes)
    segs = []
    for k in range(logits.shape[1]):
        others = np.delete(logits, k, axis=1).max(axis=1)
        segs.append(zero_contour(logits[:, k] - others, axes))
    return np.concatenate(segs) if segs else np.zeros((0, 4))


@page_cache(16)
def regions_2d(spec: RegionSpec, _X: np.ndarray, _y: np.ndarray,
               _text: str = "") -> Regions:
    """Train a ReLU classifier on 2-D data; regions and boundary at each snapshot.

    More than two classes: a softmax output.
    """
    X, y = _X, _y
    n_classes = int(y.max()) + 1
    n_out, output = (1, "sigmoid") if n_classes <= 2 else (n_classes, "softmax")
    sizes = [2, *[spec.width] * spec.depth, n_out]
    model = MLP(sizes, activation="relu", output=output, init="he_normal", seed=spec.seed)
    snap_at = sorted({round(i * spec.epochs / 10) for i in range(11)})
    with progress_bar(_text) as bar:
        hist = model.fit(X, y, epochs=spec.epochs, lr=LR_2D, optimizer="adam",
                         snapshot_epochs=snap_at, callback=progress_callback(bar, _text))
    draw, axes, step = plane_grid(X, resolution=DRAW_RES)
    count_pts, _, _ = plane_grid(X, resolution=COUNT_RES)
    probe = MLP(sizes, activation="relu", output=output)
    snaps = {}
    for e, (w, b, *_) in sorted(hist.snapshots.items()):
        labels, logits = activation_patterns(w, b, draw)
        if n_out > 1:
            probe.set_params(w, b)
            logits = probe.forward_trace(draw)[0][-1]
        else:
            logits = logits[:, None]
        count_labels, _ = activation_patterns(w, b, count_pts)
        snaps[e] = RegionSnap(labels, _class_boundaries(logits, axes),
                              int(count_labels.max()) + 1, float(hist.train_acc[e]))
    return Regions(X=X, y=y, points=draw, step=step, snaps=snaps, diverged_at=hist.diverged_at,
                   classes=n_classes, output=output, sizes=sizes, params=model.get_params())


@page_cache(4)
def step_study(seed: int, epochs: int, _text: str = "") -> StepStudy:
    """Analytic ramps of shrinking width, and trained one-layer nets of growing width."""
    widths = 2.0 ** -np.arange(0, 11)
    ramps = step_ramp_errors(widths, away=STEP_AWAY / 2)
    x = np.linspace(-1.0, 1.0, 201)
    y = (x >= 0).astype(float)
    dense = np.union1d(np.linspace(-1.0, 1.0, 4001), [0.0])
    target = (dense >= 0).astype(float)
    far = np.abs(dense) >= STEP_AWAY
    rows = []
    with progress_bar(_text) as bar:
        for i, m in enumerate(STEP_WIDTHS):
            model = MLP([1, m, 1], activation="relu", output="identity", init="he_normal",
                        seed=seed)
            model.fit(x[:, None], y, epochs=epochs, lr=0.01, optimizer="adam",
                      callback=progress_callback(bar, _text, start=i / len(STEP_WIDTHS),
                                                 span=1 / len(STEP_WIDTHS)))
            err = np.abs(model.forward(dense[:, None])[:, 0] - target)
            rows.append({"units": m, "away": float(err[far].max()),
                         "jump": float(err[~far].max()),
                         "rms": float(np.sqrt(np.mean(err**2)))})
    return StepStudy(pd.DataFrame({"slope": 1 / widths, **ramps._asdict()}), pd.DataFrame(rows))
