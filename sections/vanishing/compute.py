"""The vanishing page's measurements and trainings, cached on its settings records.

Every function takes the data through a :class:`DataSpec` (a data set's name, or
``upload-<digest>`` whose arrays then come as the unhashed ``_X``, ``_y``: the
cache never reads the session).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.datasets import load, train_test_split
from core.gradients import (
    depth_grid,
    first_last_ratio,
    geometric_band,
    init_statistics,
    single_threaded_blas,
)
from core.grid import plane_grid
from core.mlp import MLP, Params
from sections.vanishing.settings import (
    N_INITS,
    DataSpec,
    InitSpec,
    RunSpec,
    dataset_info,
    network_shape,
)
from ui.cache import page_cache
from ui.progress import progress_bar, progress_callback


def chance_loss(n_classes: int) -> float:
    """Cross-entropy of a constant answer on balanced classes: ``ln k``."""
    return math.log(max(n_classes, 2))


@dataclass(frozen=True)
class Band:
    """A per-layer quantity over the :data:`N_INITS` initialisations of one series
    (:func:`core.gradients.geometric_band`): ``mid`` its geometric mean, ``lo`` and ``hi``
    its least and largest value, each of shape ``(layers,)``; NaN at a layer where no
    initialisation gave a finite positive value."""

    mid: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


@dataclass(frozen=True)
class InitProfile:
    """One series' statistics at initialisation (:func:`init_profile`), per layer.

    ``depth`` hidden layers, ``depth + 1`` weight layers, counted from the input.

    Attributes
    ----------
    signal : Band of shape (depth,)
        ‖∂L/∂h_l‖, the back-propagated signal at each hidden layer.
    grad : Band of shape (depth + 1,)
        ‖∂L/∂W_l‖ of every weight layer.
    spread : Band of shape (depth,)
        How much each hidden layer still depends on the input: the mean over its units
        of each unit's standard deviation across the points.
    grad_raw : ndarray of shape (N_INITS, depth + 1)
        ‖∂L/∂W_l‖ of each initialisation (what :func:`core.gradients.describe_health` reads).
    level, level_std : ndarray of shape (depth,)
        Mean and standard deviation of each hidden layer's activations.
    saturated : ndarray of shape (depth,)
        Share of (point, unit) pairs on a flat part of f.
    slope_sq : ndarray of shape (depth,)
        Mean squared slope E[f′(ẑ)²] of each hidden layer.

    The last four are means over the initialisations whose value is finite (NaN where
    none is).
    """

    signal: Band
    grad: Band
    spread: Band
    grad_raw: np.ndarray
    level: np.ndarray
    level_std: np.ndarray
    saturated: np.ndarray
    slope_sq: np.ndarray


@dataclass(frozen=True)
class SeriesRun:
    """One series trained (:func:`train_run`).

    ``E`` is the last epoch recorded (``epochs``, or the epoch it diverged at); ``depth``
    hidden layers.

    Attributes
    ----------
    loss, train_acc, test_acc : ndarray of shape (E + 1,)
        Per epoch, epoch 0 (at initialisation) first.
    grad : ndarray of shape (E + 1, depth + 1)
        ‖∂L/∂W_l‖ of every weight layer, per epoch (``History.grad_norms``).
    signal : ndarray of shape (E + 1, depth)
        ‖∂L/∂h_l‖ of every hidden layer, per epoch (``History.grad_h``).
    diverged_at : int or None
        The epoch the loss or the weights stopped being finite.
    boundaries : dict of int to ndarray of float32 of shape (res²,)
        Epoch -> P(class 1) on the plane's grid (``core.grid.plane_grid``); empty unless
        the data has two features and two classes.
    params : Params
        The last saved state: the trained network (or, if it diverged, its last state).
    chance : float
        The loss of a constant answer, ln k (:func:`chance_loss`).
    classes : int
        k, at least 2.
    """

    loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    grad: np.ndarray
    signal: np.ndarray
    diverged_at: int | None
    boundaries: dict[int, np.ndarray]
    params: Params
    chance: float
    classes: int


@page_cache(16)
def split(data: DataSpec, _X: np.ndarray | None = None, _y: np.ndarray | None = None) -> tuple:
    """``(X, y, (X_train, X_test, y_train, y_test))`` of the data set."""
    X, y = (_X, _y) if _X is not None else load(data.key, n_samples=data.n, noise=data.noise,
                                                  seed=data.seed)
    return X, y, train_test_split(X, y, seed=data.seed)


def _finite_mean(values: np.ndarray) -> np.ndarray:
    """Column means over the finite entries; NaN where there are none."""
    ok = np.isfinite(values)
    total = np.where(ok, values, 0.0).sum(axis=0)
    count = ok.sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


@page_cache(64)
def init_profile(spec: InitSpec, act: str, init: str, _X: np.ndarray | None = None,
                 _y: np.ndarray | None = None) -> InitProfile:
    """Per-layer statistics of `N_INITS` fresh networks of one series, on the first
    ``spec.n_stat`` training points."""
    X, y, (Xtr, _, ytr, _) = split(spec.data, _X=_X, _y=_y)
    sizes, output = network_shape(dataset_info(spec.data.key, X, y), spec.depth, spec.width)
    seeds = range(spec.data.seed, spec.data.seed + N_INITS)
    s = init_statistics(sizes, act, init, Xtr[:spec.n_stat], ytr[:spec.n_stat], seeds=seeds,
                        output=output, init_std=spec.std)
    return InitProfile(signal=Band(*geometric_band(s.grad_h)), grad=Band(*geometric_band(s.grad_w)),
                       spread=Band(*geometric_band(s.spread)), grad_raw=s.grad_w,
                       level=_finite_mean(s.act_mean), level_std=_finite_mean(s.act_std),
                       saturated=_finite_mean(s.saturated), slope_sq=_finite_mean(s.slope_sq))


@page_cache(32)
def train_run(spec: RunSpec, act: str, init: str, _text: str = "", _X: np.ndarray | None = None,
              _y: np.ndarray | None = None) -> SeriesRun:
    """Train one series on the first ``spec.n_fit`` training points; keep its history,
    final parameters and ``spec.n_snap`` + 1 boundary maps on a ``spec.res`` square grid."""
    X, y, (Xtr, Xte, ytr, yte) = split(spec.data, _X=_X, _y=_y)
    Xtr, ytr = Xtr[:spec.n_fit], ytr[:spec.n_fit]
    info = dataset_info(spec.data.key, X, y)
    maps = info.two_d and info.n_classes == 2
    sizes, output = network_shape(info, spec.depth, spec.width)
    model = MLP(sizes, activation=act, output=output, init=init, seed=spec.data.seed,
                init_std=spec.std)
    # Without maps only the final state is kept (fit always adds epoch 0 and the last).
    wanted = sorted({round(e) for e in np.linspace(0, spec.epochs, spec.n_snap + 1)}) if maps else []
    with progress_bar(_text) as bar:
        h = model.fit(Xtr, ytr, epochs=spec.epochs, lr=spec.lr, optimizer=spec.opt,
                      batch_size=None if spec.batch >= len(Xtr) else spec.batch,
                      X_test=Xte, y_test=yte, snapshot_epochs=wanted,
                      callback=progress_callback(bar, _text))
    boundaries = {}
    if maps:
        points, _, _ = plane_grid(X, resolution=spec.res)
        with np.errstate(all="ignore"), single_threaded_blas():
            for e, params in sorted(h.snapshots.items()):
                model.set_params(params)
                boundaries[e] = model.predict_proba(points).astype(np.float32)
    return SeriesRun(loss=h.loss, train_acc=h.train_acc, test_acc=h.test_acc, grad=h.grad_norms,
                     signal=h.grad_h, diverged_at=h.diverged_at, boundaries=boundaries,
                     params=h.snapshots[max(h.snapshots)], chance=chance_loss(info.n_classes),
                     classes=max(int(info.n_classes), 2))


@page_cache(16)
def depth_sweep(spec: RunSpec, series: tuple[tuple[str, str], ...], _text: str = "",
                _X: np.ndarray | None = None, _y: np.ndarray | None = None) -> pd.DataFrame:
    """For each depth of ``depth_grid(spec.depth)``, train every series once (on the
    first ``spec.n_fit`` training points): final test accuracy, and the first ÷ last
    ratio at initialisation of the signal ‖∂L/∂h‖ and of ‖∂L/∂W‖."""
    X, y, (Xtr, Xte, ytr, yte) = split(spec.data, _X=_X, _y=_y)
    Xtr, ytr = Xtr[:spec.n_fit], ytr[:spec.n_fit]
    info = dataset_info(spec.data.key, X, y)
    jobs = [(d, a, i) for d in depth_grid(spec.depth) for a, i in series]
    weights = np.array([d + 1 for d, _, _ in jobs], dtype=float)  # cost ~ layers
    starts = np.concatenate([[0.0], np.cumsum(weights)[:-1]]) / weights.sum()
    rows = []
    with progress_bar(_text) as bar:
        for (d, act, init), start, span in zip(jobs, starts, weights / weights.sum(), strict=True):
            sizes, output = network_shape(info, d, spec.width)
            model = MLP(sizes, activation=act, output=output, init=init, seed=spec.data.seed,
                        init_std=spec.std)
            h = model.fit(Xtr, ytr, epochs=spec.epochs, lr=spec.lr, optimizer=spec.opt,
                          batch_size=None if spec.batch >= len(Xtr) else spec.batch,
                          X_test=Xte, y_test=yte,
                          callback=progress_callback(bar, _text, start=start, span=span))
            rows.append({"depth": d, "act": act, "init": init,
                         "test_acc": float(h.test_acc[-1]),
                         "signal_ratio": first_last_ratio(h.grad_h[0]) if d > 1 else 1.0,
                         "ratio": first_last_ratio(h.grad_norms[0]),
                         "diverged": h.diverged_at is not None})
    return pd.DataFrame(rows)
