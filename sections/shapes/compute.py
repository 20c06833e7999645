"""The Function shapes page's measurements and trainings, cached.

The curve functions take an activation's name and the two family parameters
(small hashables); the trainings take a :class:`RunSpec` and the data as unhashed
``_X``, ``_y`` (the spec's ``data_key`` names them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.activations import ACTIVATIONS
from core.datasets import train_test_split
from core.grid import plane_grid
from core.linear import affine_logits, boundary_segment, collapse_linear
from core.mlp import MLP, Params
from core.outputs import confidently_wrong, output_deltas
from core.slopes import ActivationCurve, activation_curve, chain_of_slopes, eval_cost
from sections.shapes.settings import RunSpec, activation
from ui.cache import page_cache
from ui.progress import progress_bar, progress_callback

CHAIN_DEPTH = 30
#: Random single chains of ReLU slopes drawn for the chain section's count of zeros.
SINGLE_CHAINS = 100_000
#: P(ReLU′(z) = 1) = P(z > 0) for z ~ N(0, s²): one half, whatever the spread s.
P_ACTIVE = 0.5
FLAT_TOL = 0.05  # a tail counts as flat where |f'| < 5% of the largest slope
GRID = 50
# C1: deep enough that "depth" is not the excuse; trained with Adam so that the
# identity network gets every chance to bend (it cannot).
DEEP_SIZES = (2, 16, 16, 16, 16, 1)
DEEP_EPOCHS, DEEP_LR = 200, 0.01
C1_NETS = (("identity", "glorot_uniform"), ("relu", "he_normal"))
# C2: one small ReLU classifier, plain full-batch gradient descent.
SMALL_SIZES = (2, 16, 1)
SMALL_EPOCHS, SMALL_LR = 200, 0.2
C2_OUTPUTS = ("sigmoid", "sigmoid_mse")


@dataclass(frozen=True)
class SlopeChain:
    """A chain of L slopes f′(z_1) ⋯ f′(z_L), L = 1 .. CHAIN_DEPTH (each array of shape
    ``(CHAIN_DEPTH,)``): ``L`` itself, ``best`` = (max |f′|)^L with every unit at its
    steepest point, and ``rms``, the root mean square over random z_k ~ N(0, spread²)
    (``core.slopes.chain_of_slopes``)."""

    L: np.ndarray
    best: np.ndarray
    rms: np.ndarray


@dataclass(frozen=True)
class DeepRun:
    """One network of C1, trained: its final test accuracy, P(class 1) on the plane's
    grid (shape ``(GRID², )``), the epoch it diverged at (None if it did not) and its
    trained parameters."""

    test_acc: float
    grid_p: np.ndarray
    diverged_at: int | None
    params: Params


@dataclass(frozen=True)
class Collapsed:
    """The deep identity network as one affine map, logit = x · W + b: ``W`` of shape
    ``(2,)``, ``b``; ``segment``, its zero line's two ends inside the drawn plane
    (``((x₁, x₂), (x₁, x₂))``, None when the line misses it); ``gap``, the largest
    difference between the map's logit and the network's on the data; ``logit_scale``,
    the largest |logit| of the network there (what the gap is small against)."""

    W: np.ndarray
    b: float
    segment: tuple | None
    gap: float
    logit_scale: float


@dataclass(frozen=True)
class LinearVsRelu:
    """C1's pair: the data ``X`` ``(n, 2)`` and ``y`` ``(n,)``, the plane's grid
    (``points`` of shape ``(GRID², 2)``, its cell ``step``), each network by hidden
    activation (``runs``, in :data:`C1_NETS`' order) and the identity network collapsed."""

    X: np.ndarray
    y: np.ndarray
    points: np.ndarray
    step: float
    runs: dict[str, DeepRun]
    collapsed: Collapsed


@dataclass(frozen=True)
class LossRun:
    """One training of C2 from the confidently wrong start: per epoch (``E + 1`` entries,
    epoch 0 first) its own loss and its training accuracy; the epoch it diverged at (None
    if it did not); its trained parameters."""

    loss: np.ndarray
    acc: np.ndarray
    diverged_at: int | None
    params: Params


@dataclass(frozen=True)
class BceVsMse:
    """C2: the mean |∂L/∂z| at the output over the training points at the start, with
    cross-entropy (``delta_bce``) and with the squared error (``delta_mse``); the start's
    training accuracy; each training by output (``runs``: ``sigmoid`` is cross-entropy,
    ``sigmoid_mse`` the squared error, :data:`C2_OUTPUTS`)."""

    delta_bce: float
    delta_mse: float
    start_acc: float
    runs: dict[str, LossRun]


@page_cache(64)
def shape_data(name: str, lo: float, hi: float, slope: float, alpha: float) -> ActivationCurve:
    """Curves of one activation on [lo, hi] and what the chart marks on them."""
    return activation_curve(activation(name, slope, alpha), lo, hi, FLAT_TOL)


@page_cache(64)
def cost(name: str, slope: float, alpha: float) -> float:
    """Seconds for f and f' on a million numbers (measured once per process and setting)."""
    return eval_cost(activation(name, slope, alpha))


@page_cache(128)
def chain(name: str, slope: float, alpha: float, spread: float, seed: int) -> SlopeChain:
    """Best case and root mean square of a chain of 1 .. CHAIN_DEPTH slopes."""
    return SlopeChain(*chain_of_slopes(activation(name, slope, alpha), CHAIN_DEPTH, spread,
                                       seed=seed))


@page_cache(32)
def relu_single_chains(spread: float, seed: int) -> np.ndarray:
    """How many of :data:`SINGLE_CHAINS` random chains of L ReLU slopes are non-zero, L = 1 .. 30.

    Each chain draws its own z_1 .. z_30 ~ N(0, spread²); ReLU′(z) is 0 or 1, so a
    chain of L slopes is 1 when z_1 .. z_L are all positive and 0 otherwise.
    Returns an int array of shape (CHAIN_DEPTH,).
    """
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, spread, (SINGLE_CHAINS, CHAIN_DEPTH))
    slopes = ACTIVATIONS["relu"].df(z)
    return np.count_nonzero(np.cumprod(slopes, axis=1), axis=0)


def _train_part(spec: RunSpec, X: np.ndarray, y: np.ndarray) -> tuple:
    """The page's split of (X, y); the training part cut to ``spec.n_train`` random rows if asked."""
    Xtr, Xte, ytr, yte = train_test_split(X, y, seed=spec.seed)
    if spec.n_train < len(ytr):
        keep = np.sort(np.random.default_rng(spec.seed).permutation(len(ytr))[:spec.n_train])
        Xtr, ytr = Xtr[keep], ytr[keep]
    return Xtr, Xte, ytr, yte


@page_cache(16)
def linear_vs_relu(spec: RunSpec, _X: np.ndarray, _y: np.ndarray,
                   _text: str = "") -> LinearVsRelu:
    """C1: a deep identity network and the same ReLU network on one 2-D data set."""
    Xtr, Xte, ytr, yte = _train_part(spec, _X, _y)
    points, _, step = plane_grid(_X, resolution=GRID)
    runs: dict[str, DeepRun] = {}
    with progress_bar(_text) as bar:
        for i, (act, init) in enumerate(C1_NETS):
            model = MLP(DEEP_SIZES, activation=act, init=init, seed=spec.seed)
            hist = model.fit(Xtr, ytr, epochs=spec.epochs, lr=DEEP_LR, optimizer="adam",
                             X_test=Xte, y_test=yte,
                             callback=progress_callback(bar, _text, start=i / 2, span=1 / 2))
            runs[act] = DeepRun(float(hist.test_acc[-1]), model.predict_proba(points),
                                hist.diverged_at, model.get_params())
            if act == "identity":
                collapsed = _collapsed(model, _X, points, step)
    return LinearVsRelu(_X, _y, points, step, runs, collapsed)


def _collapsed(model: MLP, X: np.ndarray, points: np.ndarray, step: float) -> Collapsed:
    """The deep linear network as one affine map: its weights, boundary and gap to the network."""
    W, b = collapse_linear(model.weights, model.biases)
    deep = model.forward_trace(X)[0][-1]
    half = 0.5 * step
    return Collapsed(W=W[:, 0], b=float(b[0]),
                     segment=boundary_segment(W[:, 0], float(b[0]), points.min(axis=0) - half,
                                              points.max(axis=0) + half),
                     gap=float(np.max(np.abs(affine_logits(X, W, b) - deep))),
                     logit_scale=float(np.max(np.abs(deep))))


@page_cache(16)
def bce_vs_mse(spec: RunSpec, logit: float, _X: np.ndarray, _y: np.ndarray,
               _text: str = "") -> BceVsMse:
    """C2: one classifier from a confidently wrong start, trained with BCE and with MSE."""
    Xtr, _, ytr, _ = _train_part(spec, _X, _y)
    start = MLP(SMALL_SIZES, activation="relu", output="sigmoid", init="he_normal", seed=spec.seed)
    confidently_wrong(start, Xtr, ytr, logit)
    z0 = start.forward_trace(Xtr)[0][-1][:, 0]
    d_bce, d_mse = output_deltas(z0, ytr)
    runs: dict[str, LossRun] = {}
    with progress_bar(_text) as bar:
        for i, output in enumerate(C2_OUTPUTS):
            model = MLP(SMALL_SIZES, activation="relu", output=output, init="he_normal",
                        seed=spec.seed)
            model.set_params(start.get_params())
            hist = model.fit(Xtr, ytr, epochs=spec.epochs, lr=SMALL_LR, optimizer="sgd",
                             callback=progress_callback(bar, _text, start=i / 2, span=1 / 2))
            runs[output] = LossRun(hist.loss, hist.train_acc, hist.diverged_at, model.get_params())
    return BceVsMse(float(np.mean(np.abs(d_bce))), float(np.mean(np.abs(d_mse))),
                    start.accuracy(Xtr, ytr), runs)
