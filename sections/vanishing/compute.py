"""The vanishing page's measurements and trainings, cached on its settings records.

Every function takes the data through a :class:`DataSpec` (a data set's name, or
``upload-<digest>`` whose arrays then come as the unhashed ``_X``, ``_y``: the
cache never reads the session).
"""

from __future__ import annotations

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
from core.mlp import MLP
from sections.vanishing.readings import chance_loss
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
                 _y: np.ndarray | None = None) -> dict:
    """Per-layer statistics of `N_INITS` fresh networks of one series, on the first
    ``spec.n_stat`` training points.

    ``signal_*``: ‖∂L/∂h_l‖ of the hidden layers (geometric mean, min, max over the
    initialisations); ``grad_*``: ‖∂L/∂W_l‖ of every weight layer; ``level``: the mean
    activation of each hidden layer; ``spread_*``: how much each hidden layer still
    depends on the input (mean over units of each unit's standard deviation across the
    points); ``saturated``: the share of (point, unit) pairs on a flat part of f;
    ``slope_sq``: each hidden layer's mean squared slope E[f′(ẑ)²].
    """
    X, y, (Xtr, _, ytr, _) = split(spec.data, _X=_X, _y=_y)
    sizes, output = network_shape(dataset_info(spec.data.key, X, y), spec.depth, spec.width)
    seeds = range(spec.data.seed, spec.data.seed + N_INITS)
    s = init_statistics(sizes, act, init, Xtr[:spec.n_stat], ytr[:spec.n_stat], seeds=seeds,
                        output=output, init_std=spec.std)
    out = {"grad_raw": s.grad_w, "signal_raw": s.grad_h,
           "level": _finite_mean(s.act_mean), "level_std": _finite_mean(s.act_std),
           "saturated": _finite_mean(s.saturated), "slope_sq": _finite_mean(s.slope_sq)}
    for name, values in (("grad", s.grad_w), ("signal", s.grad_h), ("spread", s.spread)):
        out[f"{name}_mid"], out[f"{name}_lo"], out[f"{name}_hi"] = geometric_band(values)
    return out


@page_cache(32)
def train_run(spec: RunSpec, act: str, init: str, _text: str = "", _X: np.ndarray | None = None,
              _y: np.ndarray | None = None) -> dict:
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
    # The last saved state: the trained network (or, if it diverged, its last state).
    last = h.snapshots[max(h.snapshots)]
    run = {
        "loss": h.loss, "train_acc": h.train_acc, "test_acc": h.test_acc,
        "grad": h.grad_norms, "signal": h.grad_h, "diverged_at": h.diverged_at,
        "boundaries": {}, "params": last, "chance": chance_loss(info.n_classes),
        "classes": max(int(info.n_classes), 2),
    }
    if maps:
        points, _, step = plane_grid(X, resolution=spec.res)
        run["step"] = step
        with np.errstate(all="ignore"), single_threaded_blas():
            for e, params in sorted(h.snapshots.items()):
                model.set_params(params)
                run["boundaries"][e] = model.predict_proba(points).astype(np.float32)
    return run


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
