"""The trainings of the section "Cures", cached on :class:`CureSpec`.

How deep networks train today (docs/science.md, "Questions learners ask next"):
residual connections ``h_l = h_{l−1} + f(ẑ_l)`` (He et al., 2016), layer and
batch normalisation of each pre-activation (Ba et al., 2016; Ioffe & Szegedy,
2015), gradient clipping against exploding gradients (Pascanu et al., 2013),
and per-layer activations.

A 50-layer training is chaotic in its rounding: two runs whose initial weights differ in
the 12th significant digit — as much as float rounding differs between processors — can
end one learned and one not. So every training the section judges is also repeated on
:data:`COPIES` such perturbed copies (:func:`variant_copies`, :func:`explode_copies`), and
the page reports how many of the runs learned, not one run's verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.activations import ACTIVATIONS
from core.gradients import LayerStats, layer_statistics
from core.mlp import MLP, Params
from sections.vanishing.compute import chance_loss, split
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
#: Perturbed copies trained beside every judged run, and how far their initial weights
#: are moved: each weight is multiplied by (1 + PERTURBATION · N(0, 1)).
COPIES = 2
PERTURBATION = 1e-12


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


@dataclass(frozen=True)
class Birth:
    """A network of the section at initialisation, before any step: each array has one
    entry per hidden layer (``depth``), counted from the input."""

    signal: np.ndarray  # ‖∂L/∂h_l‖, the back-propagated signal
    spread: np.ndarray  # how much h_l still depends on the input (core.gradients.LayerStats)
    level: np.ndarray  # mean of h_l
    level_std: np.ndarray  # standard deviation of h_l


@dataclass(frozen=True)
class CureRun:
    """One training of the section, judged as the network predicts.

    ``train_acc`` and ``test_acc`` are the trained network's accuracies as it predicts
    (batch norm with its running averages; NaN when the run diverged);
    ``batch_train_acc`` is the training accuracy with the whole training set's own batch
    statistics (what ``History.train_acc`` measures). ``loss`` is per epoch for a run
    shown, its first and last value for a copy; ``clipped[e]`` says whether clipping
    rescaled a step of epoch ``e``. A run shown also carries its network at birth and
    its trained parameters (for the export); a copy neither.
    """

    loss: np.ndarray
    test_acc: float
    train_acc: float
    batch_train_acc: float
    chance: float  # the loss of a constant answer, ln k
    classes: int  # k, at least 2
    majority: float  # share of the most common training class
    diverged_at: int | None
    clipped: np.ndarray
    finite: bool  # every trained weight finite
    birth: Birth | None = None
    params: Params | None = None


def _data(spec: CureSpec, _X: np.ndarray | None, _y: np.ndarray | None) -> tuple:
    X, y, (Xtr, Xte, ytr, yte) = split(spec.data, _X=_X, _y=_y)
    return dataset_info(spec.data.key, X, y), Xtr[:spec.n_fit], Xte, ytr[:spec.n_fit], yte


def _model(spec: CureSpec, info, act: str | list[str], init: str, scale: float = 1.0,
           copy: int = 0, **options) -> MLP:
    """A network of the section; `scale` multiplies its initial weights, and copy ``k > 0``
    is the same network with every initial weight moved by a relative ``PERTURBATION``
    (a fixed random direction per copy)."""
    sizes, output = network_shape(info, spec.depth, spec.width)
    model = MLP(sizes, activation=act, output=output, init=init, seed=spec.data.seed, **options)
    if scale != 1.0 or copy:
        params = model.get_params()
        rng = np.random.default_rng([spec.data.seed, copy])
        weights = [w * scale for w in params.weights]
        if copy:
            weights = [w * (1 + PERTURBATION * rng.standard_normal(w.shape)) for w in weights]
        model.set_params(params._replace(weights=weights))
    return model


def _fit(model: MLP, spec: CureSpec, data: tuple, callback, clip_norm: float | None = None,
         birth: bool = True) -> CureRun:
    """Train `model`; what the section shows of the run (with `birth`, its state at
    initialisation and its trained parameters too). A run shown records its loss every
    epoch (for the chart); a copy only its ends (``MLP.fit(record=)``), which about
    halves its cost."""
    _, Xtr, Xte, ytr, yte = data
    stats = layer_statistics(model, Xtr, ytr) if birth else None
    h = model.fit(Xtr, ytr, epochs=spec.epochs, lr=spec.lr, optimizer="sgd",
                  batch_size=None if spec.batch >= len(Xtr) else spec.batch,
                  clip_norm=clip_norm, callback=callback, record="loss" if birth else "ends")
    with np.errstate(all="ignore"):
        predict_acc, test_acc = ((model.accuracy(Xtr, ytr), model.accuracy(Xte, yte))
                                 if h.diverged_at is None else (math.nan, math.nan))
    return CureRun(
        loss=h.loss, test_acc=test_acc, train_acc=predict_acc,
        batch_train_acc=float(h.train_acc[-1]), chance=chance_loss(data[0].n_classes),
        classes=max(int(data[0].n_classes), 2), majority=float(np.bincount(ytr).max() / len(ytr)),
        diverged_at=h.diverged_at, clipped=h.clipped,
        finite=all(np.isfinite(w).all() for w in model.weights),
        birth=None if stats is None else _birth(stats),
        params=None if stats is None else model.get_params())


@page_cache(16)
def variants_at_birth(spec: CureSpec, _X: np.ndarray | None = None,
                      _y: np.ndarray | None = None) -> dict[str, Birth]:
    """Every variant of :data:`VARIANTS` at initialisation, before any training (what
    :func:`variants` records of each run at birth: the same networks). A few passes, so
    the page draws these charts before the variants train."""
    info, Xtr, _, ytr, _ = _data(spec, _X, _y)
    out = {}
    for code, (residual, norm) in VARIANTS.items():
        model = _model(spec, info, spec.act, paired_init(spec.act), residual=residual, norm=norm)
        out[code] = _birth(layer_statistics(model, Xtr, ytr))
    return out


def _birth(stats: LayerStats) -> Birth:
    """What the section shows of a network at birth."""
    return Birth(signal=stats.grad_h, spread=stats.spread, level=stats.act_mean,
                 level_std=stats.act_std)


def _train_variants(spec: CureSpec, codes: tuple[str, ...], text: str, X: np.ndarray | None,
                    y: np.ndarray | None) -> dict[str, CureRun]:
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
             _y: np.ndarray | None = None) -> dict[str, CureRun]:
    """Every variant of :data:`VARIANTS` trained the same way."""
    return _train_variants(spec, tuple(VARIANTS), _text, _X, _y)


@page_cache(16)
def some_variants(spec: CureSpec, codes: tuple[str, ...], _text: str = "",
                  _X: np.ndarray | None = None, _y: np.ndarray | None = None) -> dict[str, CureRun]:
    """Only the variants `codes`, each trained as :func:`variants` trains it (the lesson
    compares two without paying for five)."""
    return _train_variants(spec, codes, _text, _X, _y)


@page_cache(16)
def variant_copies(spec: CureSpec, _text: str = "", _X: np.ndarray | None = None,
                   _y: np.ndarray | None = None) -> dict[str, list[CureRun]]:
    """Every variant of :data:`VARIANTS` trained again from :data:`COPIES` perturbed copies
    of its initial weights: ``{code: [run, ...]}`` (accuracies and divergence only)."""
    data = _data(spec, _X, _y)
    jobs = [(code, k) for code in VARIANTS for k in range(1, COPIES + 1)]
    out: dict = {code: [] for code in VARIANTS}
    with progress_bar(_text) as bar:
        for j, (code, k) in enumerate(jobs):
            residual, norm = VARIANTS[code]
            model = _model(spec, data[0], spec.act, paired_init(spec.act), copy=k,
                           residual=residual, norm=norm)
            out[code].append(_fit(model, spec, data, progress_callback(
                bar, _text, j / len(jobs), 1 / len(jobs)), birth=False))
    return out


@page_cache(16)
def explode(spec: CureSpec, scale: str, clip_norm: float | None, _text: str = "",
            _X: np.ndarray | None = None, _y: np.ndarray | None = None) -> dict[str, CureRun]:
    """He initialisation multiplied by ``SCALES[scale]``, trained without and (when
    `clip_norm` is given) with global gradient clipping."""
    data = _data(spec, _X, _y)
    runs = {}
    clips = [None] if clip_norm is None else [None, clip_norm]
    with progress_bar(_text) as bar:
        for k, clip in enumerate(clips):
            model = _model(spec, data[0], spec.act, "he_normal", scale=SCALES[scale])
            runs["clipped" if clip else "plain"] = _fit(
                model, spec, data, progress_callback(bar, _text, k / len(clips), 1 / len(clips)),
                clip_norm=clip)
    return runs


@page_cache(16)
def explode_copies(spec: CureSpec, scale: str, clip_norm: float | None, _text: str = "",
                   _X: np.ndarray | None = None, _y: np.ndarray | None = None) -> dict[str, list[CureRun]]:
    """:func:`explode`'s trainings again from :data:`COPIES` perturbed copies of the
    initial weights: ``{"plain": [run, ...], "clipped": [...]}``."""
    data = _data(spec, _X, _y)
    jobs = [(clip, k) for clip in ([None] if clip_norm is None else [None, clip_norm])
            for k in range(1, COPIES + 1)]
    out: dict = {}
    with progress_bar(_text) as bar:
        for j, (clip, k) in enumerate(jobs):
            model = _model(spec, data[0], spec.act, "he_normal", scale=SCALES[scale], copy=k)
            out.setdefault("clipped" if clip else "plain", []).append(_fit(
                model, spec, data, progress_callback(bar, _text, j / len(jobs), 1 / len(jobs)),
                clip_norm=clip, birth=False))
    return out


@page_cache(32)
def mixed(spec: CureSpec, low: str, high: str, layers_low: int, init: str,
          _X: np.ndarray | None = None, _y: np.ndarray | None = None) -> dict[str, Birth]:
    """Three networks at initialisation: every hidden layer `low`, every one `high`, and
    the first `layers_low` `low` with `high` above."""
    info, Xtr, _, ytr, _ = _data(spec, _X, _y)
    acts = {"low": [low] * spec.depth, "high": [high] * spec.depth,
            "mixed": [low] * layers_low + [high] * (spec.depth - layers_low)}
    out = {}
    for code, per_layer in acts.items():
        out[code] = _birth(layer_statistics(_model(spec, info, per_layer, init), Xtr, ytr))
    return out
