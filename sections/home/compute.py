"""The home page's training, cached on :class:`~sections.home.settings.RunSpec`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.datasets import load, train_test_split
from core.gradients import layer_statistics
from core.grid import plane_grid
from core.mlp import MLP, Params
from sections.home.settings import BATCH, DATA, GRID, INIT, LEARNING_RATE, N_SAMPLES, NOISE, PAIR, RunSpec
from ui.cache import page_cache
from ui.progress import progress_bar, progress_callback


@dataclass(frozen=True)
class Contender:
    """One network of the pair, trained.

    Per epoch (``E + 1`` entries, epoch 0 first): ``loss``, ``train_acc``, ``test_acc``.
    Per hidden layer at initialisation (``depth`` entries, from the input): ``grad_h``,
    the back-propagated signal ‖∂L/∂h_l‖ (``History.grad_h[0]``); ``level`` and
    ``level_std``, the layer's mean activation and its standard deviation over points
    and units; ``spread``, the mean over units of the standard deviation across the
    training points (``core.gradients.layer_statistics``). ``dead_at_birth`` counts the
    hidden units off for every training point before training; ``majority`` is what a
    constant answer gets right on the training points; ``grid_p`` is P(class 1) on the
    plane's grid after training, shape ``(GRID², )``.
    """

    loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    grad_h: np.ndarray
    level: np.ndarray
    level_std: np.ndarray
    spread: np.ndarray
    dead_at_birth: int
    majority: float
    diverged_at: int | None
    grid_p: np.ndarray
    params: Params


@dataclass(frozen=True)
class HeadToHead:
    """The trained pair (``runs``, by activation in ``PAIR``'s order), the plane's grid
    (``points`` of shape ``(GRID², 2)``, its cell ``step``), the data ``X`` ``(n, 2)`` and
    ``y`` ``(n,)``, and how many of the points were trained on."""

    runs: dict[str, Contender]
    points: np.ndarray
    step: float
    X: np.ndarray
    y: np.ndarray
    n_train: int


@page_cache(16)
def head_to_head(spec: RunSpec, _text: str = "") -> HeadToHead:
    """Train the sigmoid and the ReLU network."""
    X, y = load(DATA, n_samples=N_SAMPLES, noise=NOISE, seed=spec.seed)
    data = train_test_split(X, y, seed=spec.seed)
    points, _, step = plane_grid(X, resolution=GRID)
    runs = {}
    with progress_bar(_text) as bar:
        for i, act in enumerate(PAIR):
            runs[act] = _train(spec, act, data, points,
                               progress_callback(bar, _text, start=i / 2, span=1 / 2))
    return HeadToHead(runs=runs, points=points, step=step, X=X, y=y, n_train=len(data[2]))


def _train(spec: RunSpec, act: str, data: tuple, points: np.ndarray,
           callback: Callable) -> Contender:
    """One network of the pair: its history, its per-layer view at birth, its probability map."""
    Xtr, Xte, ytr, yte = data
    model = MLP(spec.sizes, activation=act, output="sigmoid", init=INIT[act], seed=spec.seed)
    birth = layer_statistics(model, Xtr, ytr)
    history = model.fit(Xtr, ytr, epochs=spec.epochs, lr=LEARNING_RATE, optimizer="sgd",
                        batch_size=BATCH, X_test=Xte, y_test=yte, callback=callback)
    return Contender(
        loss=history.loss, train_acc=history.train_acc, test_acc=history.test_acc,
        grad_h=history.grad_h[0], level=birth.act_mean, level_std=birth.act_std,
        spread=birth.spread,
        dead_at_birth=round(float(np.sum(history.dead_fraction[0] * spec.width))),
        majority=float(np.bincount(ytr).max() / len(ytr)), diverged_at=history.diverged_at,
        grid_p=model.predict_proba(points), params=model.get_params())
