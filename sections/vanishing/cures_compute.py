"""The trainings of the section "Cures", cached on :class:`CureSpec`.

How deep networks train today (docs/science.md, "Questions learners ask next"):
residual connections ``h_l = h_{l−1} + f(ẑ_l)`` (He et al., 2016), layer and
batch normalisation of each pre-activation (Ba et al., 2016; Ioffe & Szegedy,
2015), gradient clipping against exploding gradients (Pascanu et al., 2013),
and per-layer activations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.activations import ACTIVATIONS
from core.gradients import layer_statistics
from core.mlp import MLP
from sections.vanishing.compute import split
from sections.vanishing.readings import chance_loss
from sections.vanishing.settings import DataSpec, dataset_info, network_shape
from ui.cache import page_cache
from ui.progress import progress_bar, progress_callback

#: The five networks compared: code -> (residual, norm).
VARIANTS: dict[str, tuple[bool, str | None]] = {
    "plain": (False, None),
    "residual": (True, None),
    "layer": (False, "layer"),
    "batch": (False, "batch"),
    "residual_layer": (True, "layer"),
}
#: Too-large initialisations of the exploding-gradient experiment: code -> factor on He.
SCALES = {"he": 1.0, "he2": 2.0, "he4": 4.0}


def paired_init(act: str) -> str:
    """The initialisation commonly paired with `act` (:attr:`Activation.paired_init`)."""
    return ACTIVATIONS[act].paired_init


@dataclass(frozen=True)
class CureSpec:
    """What every training of the section depends on besides its variant."""

    data: DataSpec
    depth: int
    width: int
    act: str
    lr: float
    batch: int
    epochs: int
    n_fit: int


def _data(spec: CureSpec, _X: np.ndarray | None, _y: np.ndarray | None) -> tuple:
    X, y, (Xtr, Xte, ytr, yte) = split(spec.data, _X=_X, _y=_y)
    return dataset_info(spec.data.key, X, y), Xtr[:spec.n_fit], Xte, ytr[:spec.n_fit], yte


def _model(spec: CureSpec, info, act: str | list[str], init: str, **options) -> MLP:
    sizes, output = network_shape(info, spec.depth, spec.width)
    return MLP(sizes, activation=act, output=output, init=init, seed=spec.data.seed, **options)


def _fit(model: MLP, spec: CureSpec, data: tuple, callback, clip_norm: float | None = None) -> dict:
    """Train `model`; what the section shows of the run, the state at birth included."""
    _, Xtr, Xte, ytr, yte = data
    birth = layer_statistics(model, Xtr, ytr)
    h = model.fit(Xtr, ytr, epochs=spec.epochs, lr=spec.lr, optimizer="sgd",
                  batch_size=None if spec.batch >= len(Xtr) else spec.batch, X_test=Xte,
                  y_test=yte, clip_norm=clip_norm, callback=callback)
    weights_finite = all(np.isfinite(w).all() for w in model.weights)
    return {"loss": h.loss, "train_acc": h.train_acc, "test_acc": h.test_acc,
            "chance": chance_loss(data[0].n_classes),
            "majority": float(np.bincount(ytr).max() / len(ytr)),
            "diverged_at": h.diverged_at, "clipped": h.clipped, "signal": birth.grad_h,
            "spread": birth.spread, "level": birth.act_mean, "finite": weights_finite,
            "params": model.get_params()}


def _train_variants(spec: CureSpec, codes: tuple[str, ...], text: str, X: np.ndarray | None,
                    y: np.ndarray | None) -> dict:
    """The variants `codes` of :data:`VARIANTS`, trained one after the other on one bar."""
    data = _data(spec, X, y)
    out = {}
    with progress_bar(text) as bar:
        for k, code in enumerate(codes):
            residual, norm = VARIANTS[code]
            model = _model(spec, data[0], spec.act, paired_init(spec.act), residual=residual,
                           norm=norm)
            out[code] = _fit(model, spec, data,
                             progress_callback(bar, text, k / len(codes), 1 / len(codes)))
    return out


@page_cache(16)
def variants(spec: CureSpec, _text: str = "", _X: np.ndarray | None = None,
             _y: np.ndarray | None = None) -> dict:
    """Every variant of :data:`VARIANTS` trained the same way."""
    return _train_variants(spec, tuple(VARIANTS), _text, _X, _y)


@page_cache(16)
def some_variants(spec: CureSpec, codes: tuple[str, ...], _text: str = "",
                  _X: np.ndarray | None = None, _y: np.ndarray | None = None) -> dict:
    """Only the variants `codes`, each trained as :func:`variants` trains it (the lesson
    compares two without paying for five)."""
    return _train_variants(spec, codes, _text, _X, _y)


@page_cache(16)
def explode(spec: CureSpec, scale: str, clip_norm: float | None, _text: str = "",
            _X: np.ndarray | None = None, _y: np.ndarray | None = None) -> dict:
    """He initialisation multiplied by ``SCALES[scale]``, trained without and (when
    `clip_norm` is given) with global gradient clipping."""
    data = _data(spec, _X, _y)
    runs = {}
    clips = [None] if clip_norm is None else [None, clip_norm]
    with progress_bar(_text) as bar:
        for k, clip in enumerate(clips):
            model = _model(spec, data[0], spec.act, "he_normal")
            params = model.get_params()
            model.set_params(params._replace(weights=[w * SCALES[scale] for w in params.weights]))
            runs["clipped" if clip else "plain"] = _fit(
                model, spec, data, progress_callback(bar, _text, k / len(clips), 1 / len(clips)),
                clip_norm=clip)
    return runs


@page_cache(32)
def mixed(spec: CureSpec, low: str, high: str, layers_low: int, init: str,
          _X: np.ndarray | None = None, _y: np.ndarray | None = None) -> dict:
    """Per-layer statistics at initialisation of three networks: every hidden layer
    `low`, every one `high`, and the first `layers_low` `low` with `high` above."""
    info, Xtr, _, ytr, _ = _data(spec, _X, _y)
    acts = {"low": [low] * spec.depth, "high": [high] * spec.depth,
            "mixed": [low] * layers_low + [high] * (spec.depth - layers_low)}
    out = {}
    for code, per_layer in acts.items():
        s = layer_statistics(_model(spec, info, per_layer, init), Xtr, ytr)
        out[code] = {"signal": s.grad_h, "spread": s.spread}
    return out
