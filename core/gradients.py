"""Per-layer statistics of a network: how big the gradient is at every layer, and
what the forward pass looks like at the same time.

Notation as in :mod:`core.mlp` (``L`` weight layers, ``L − 1`` hidden layers), for a
plain network (no normalisation, no skips)::

    z_l = h_l W_l + b_l,   h_{l+1} = f(z_l)
    dL/dW_l = h_lᵀ δ_l,    dL/dh_l = δ_l W_lᵀ,    δ_{l−1} = dL/dh_l ⊙ f'(z_{l−1})

so the signal reaching layer ``l`` has been multiplied by ``f'(z_k) W_kᵀ`` for every
layer ``k`` above it; a skip connection adds a path around that product, and
normalisation rescales ``z`` before ``f``. Everything here works on those networks
too, with each layer's own activation and its input ``ẑ``. With the sigmoid,
``f' <= 1/4``: a chain of ``k`` sigmoid derivatives is at most ``4^−k``
(``docs/science.md``, C4, C5).

The weight gradient ``‖dL/dW_l‖ = ‖h_lᵀ δ_l‖`` is a forward size times a backward
size, so it can stay level while both move in opposite directions; the
back-propagated signal ``‖dL/dh_l‖`` (``grad_h``) shows the backward part alone.
The forward pass has two sizes as well. Its *level* (``act_mean``) need not
shrink: sigmoid outputs stay in (0, 1), near ½. Its *spread* across the inputs
(``spread``: per unit, the standard deviation over the samples) can shrink by the
same factors as the gradient, and then the layers near the output see nearly the
same vector for every input and cannot learn either. :func:`layer_statistics`
reports all of them.

Everything here is pure NumPy and silences floating-point warnings: a
diverging or underflowing network yields ``inf``/``nan``/``0`` values, which
:func:`describe_health` turns into a verdict a page can put into words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from core.activations import Activation
from core.mlp import MLP, single_threaded_blas

__all__ = [
    "SATURATION",
    "Health",
    "LayerStats",
    "SeedStats",
    "depth_grid",
    "describe_health",
    "first_last_ratio",
    "geometric_band",
    "init_statistics",
    "layer_statistics",
    "single_threaded_blas",
    "slope_bound",
]

#: A unit counts as saturated on a sample when ``|f'(z)|`` is below this fraction
#: of the activation's largest slope (for ReLU: inactive, ``f'(z) = 0``).
SATURATION = 0.05

#: float64 keeps about 16 significant digits, and a deep forward pass rounds at every
#: layer. A spread across inputs below this share of the layer's typical size (the root
#: mean square of its activations) is rounding noise, not a measurement: plain sigmoid at
#: depth 50 computes a spread of about 4e-15 of its level where the linearised
#: propagation gives 1e-33.
ROUNDING = 100 * float(np.finfo(float).eps)  # ≈ 2.2e-14

#: Gradient norms below this are reported as "underflow": at this size an update
#: ``η · g`` cannot change any weight of order 1 in float64 (``1e-300 ≪ 2^−52``).
TINY = 1e-30


@dataclass(frozen=True)
class LayerStats:
    """One network's per-layer statistics on one batch.

    Attributes
    ----------
    loss : float
        Mean loss on the batch.
    grad_w : ndarray of shape (L,)
        Frobenius norm ``‖dL/dW_l‖`` of every weight layer, ``l = 0`` next to the input.
    grad_h : ndarray of shape (L − 1,)
        ``‖dL/dh_l‖`` for the hidden activations ``h_1 .. h_{L−1}`` (Frobenius norm
        over samples and units): the back-propagated signal itself.
    act_mean, act_std : ndarray of shape (L − 1,)
        Mean and standard deviation of each hidden layer's activations ``h_l`` over
        all samples and units.
    spread : ndarray of shape (L − 1,)
        How much each hidden layer still depends on the input: the mean over its
        units ``j`` of ``std_i h_l[i, j]``, the standard deviation across the samples
        ``i`` (ddof 0). Zero when the layer computes the same vector for every input.
    saturated : ndarray of shape (L − 1,)
        Fraction of (sample, unit) pairs of each hidden layer with
        ``|f'(ẑ)| < SATURATION · max|f'|``, for that layer's activation ``f`` and its
        input ``ẑ`` (the pre-activation ``z`` itself without normalisation).
    slope_sq : ndarray of shape (L − 1,)
        ``E[f'(ẑ)²]``, the mean over (sample, unit) pairs of the squared slope of each
        hidden layer. Back-propagation through hidden layer ``l`` multiplies the
        squared size of the signal by about ``fan_out · Var W · E[f'(ẑ_l)²]`` when
        weights and slopes are independent (the mean-field estimate).
    """

    loss: float
    grad_w: np.ndarray
    grad_h: np.ndarray
    act_mean: np.ndarray
    act_std: np.ndarray
    saturated: np.ndarray
    spread: np.ndarray
    slope_sq: np.ndarray


@dataclass(frozen=True)
class SeedStats:
    """:class:`LayerStats` of ``S`` networks stacked, one row per seed (:func:`init_statistics`).

    Attributes
    ----------
    loss : ndarray of shape (S,)
    grad_w : ndarray of shape (S, L)
    grad_h, act_mean, act_std, saturated, spread, slope_sq : ndarray of shape (S, L − 1)
        Row ``s`` is the :class:`LayerStats` field of the network drawn with ``seeds[s]``.
    """

    loss: np.ndarray
    grad_w: np.ndarray
    grad_h: np.ndarray
    act_mean: np.ndarray
    act_std: np.ndarray
    saturated: np.ndarray
    spread: np.ndarray
    slope_sq: np.ndarray


def layer_statistics(
    model: MLP, X: npt.ArrayLike, y: npt.ArrayLike, saturation: float = SATURATION
) -> LayerStats:
    """Forward and backward statistics of every layer of ``model`` on ``(X, y)``.

    Parameters
    ----------
    model : MLP
    X : array_like of shape (n, n_in)
    y : array_like
        Targets in the form ``model`` trains on.
    saturation : float, default SATURATION
        A unit is saturated on a sample when ``|f'(z)| < saturation · max|f'|``.

    Returns
    -------
    LayerStats
        Non-finite values (an overflowing forward pass) are kept as ``inf``/``nan``;
        no floating-point warning is raised. Batch norm uses the batch statistics of
        ``X``, as the gradient does.
    """
    with np.errstate(all="ignore"), single_threaded_blas():
        trace = model.backward_trace(X, y)
        hidden_h = trace.hs[1:-1]
        grad_w = np.array([np.linalg.norm(g) for g in trace.grads_w], dtype=float)
        grad_h = np.array([np.linalg.norm(d) for d in trace.dh[1:]], dtype=float)
        act_mean = np.array([float(np.mean(h)) for h in hidden_h], dtype=float)
        act_std = np.array([float(np.std(h)) for h in hidden_h], dtype=float)
        slopes = [f.df(z) for f, z in zip(model.activations, trace.zhats, strict=True)]
        saturated = np.array([
            float(np.mean(np.abs(d) < saturation * f.max_slope))
            for f, d in zip(model.activations, slopes, strict=True)
        ], dtype=float)
        spread = np.array([float(np.mean(np.std(h, axis=0))) for h in hidden_h], dtype=float)
        slope_sq = np.array([float(np.mean(np.square(d))) for d in slopes], dtype=float)
    return LayerStats(float(trace.loss), grad_w, grad_h, act_mean, act_std, saturated, spread,
                      slope_sq)


def init_statistics(
    sizes: Sequence[int],
    activation: str | Activation,
    init: str,
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    seeds: Sequence[int],
    output: str = "sigmoid",
    init_std: float = 0.01,
    **options: object,
) -> SeedStats:
    """:func:`layer_statistics` of freshly initialised networks, one per seed.

    Parameters
    ----------
    sizes : sequence of int
        ``[n_in, *hidden, n_out]`` as for :class:`~core.mlp.MLP`.
    activation, init, output, init_std
        As for :class:`~core.mlp.MLP` (``activation`` may be one per hidden layer).
    X, y : array_like
        The batch the gradients are computed on.
    seeds : sequence of int
        One network is drawn per seed.
    **options
        Further :class:`~core.mlp.MLP` arguments, e.g. ``bias_init``, ``residual``,
        ``norm``.

    Returns
    -------
    SeedStats
        The fields of :class:`LayerStats` as float arrays with one row per seed:
        ``loss`` of shape (S,), ``grad_w`` (S, L), the others (S, L − 1).
    """
    rows = [
        layer_statistics(
            MLP(sizes, activation=activation, output=output, init=init, seed=int(s),
                init_std=init_std, **options),
            X, y,
        )
        for s in seeds
    ]
    return SeedStats(**{f.name: np.array([getattr(r, f.name) for r in rows], dtype=float)
                        for f in fields(LayerStats)})


def geometric_band(values: npt.ArrayLike, axis: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Geometric mean, minimum and maximum of positive values along ``axis``.

    Norms spread over orders of magnitude, so their typical value is the mean of
    their logarithms. Entries that are not finite and positive are ignored; a
    position with none left gives NaN in all three outputs.

    Parameters
    ----------
    values : array_like, e.g. of shape (S, L)
    axis : int, default 0

    Returns
    -------
    mid, lo, hi : ndarray
        ``exp(mean(log v))``, ``min v``, ``max v`` over the usable entries.
    """
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v) & (v > 0)
    count = ok.sum(axis=axis)
    with np.errstate(all="ignore"):
        logs = np.where(ok, np.log(np.where(ok, v, 1.0)), 0.0)
        mid = np.exp(logs.sum(axis=axis) / np.maximum(count, 1))
        lo = np.where(ok, v, np.inf).min(axis=axis)
        hi = np.where(ok, v, -np.inf).max(axis=axis)
    none = count == 0
    return (np.where(none, np.nan, mid), np.where(none, np.nan, lo), np.where(none, np.nan, hi))


def rounding_floor(level: npt.ArrayLike, level_std: npt.ArrayLike) -> np.ndarray:
    """Per layer, the spread below which a measurement is rounding noise.

    ``ROUNDING · √(mean² + std²)``: the root mean square of the layer's activations
    (``LayerStats.act_mean``, ``act_std``) times :data:`ROUNDING`; NaN where not finite.
    """
    with np.errstate(all="ignore"):
        return ROUNDING * np.hypot(np.asarray(level, dtype=float), np.asarray(level_std, dtype=float))


def below_rounding(value: float, floor: float) -> bool:
    """Is a measured spread rounding noise? (False when either number is not finite.)"""
    return math.isfinite(value) and math.isfinite(floor) and value <= floor


def first_last_ratio(grad_w: npt.ArrayLike) -> float:
    """``‖dL/dW_first‖ / ‖dL/dW_last‖``, or NaN when it is not a finite number.

    Near 1: every layer learns at a similar pace. Far below 1: the layers near the
    input hardly move (vanishing); far above 1: exploding.
    """
    g = np.asarray(grad_w, dtype=float)
    if g.size == 0:
        return math.nan
    first, last = float(g[0]), float(g[-1])
    if not (math.isfinite(first) and math.isfinite(last)) or last <= 0:
        return math.nan
    return first / last


def slope_bound(activation: Activation, k: int) -> float:
    """Largest factor ``k`` chained derivatives can contribute: ``(max|f'|)^k``.

    For the sigmoid ``(1/4)^k`` (``k = 10`` → 9.5e−7); 1 for ReLU and tanh, whose
    slope reaches 1. The weights multiply the signal too, so this bounds the
    derivative part of the product only.
    """
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    with np.errstate(under="ignore"):
        return float(np.float64(activation.max_slope) ** k)


def depth_grid(max_depth: int, limit: int = 7) -> list[int]:
    """Depths for a sweep: powers of two up to ``max_depth``, and ``max_depth`` itself.

    At most ``limit`` depths (the largest powers are dropped first, ``max_depth``
    always stays), sorted and distinct; ``depth_grid(10) == [1, 2, 4, 8, 10]``.
    """
    if max_depth < 1:
        raise ValueError(f"max_depth must be >= 1, got {max_depth}")
    powers = [2**k for k in range(int(math.log2(max_depth)) + 1) if 2**k < max_depth]
    return sorted({*powers[: max(limit - 1, 0)], int(max_depth)})


@dataclass(frozen=True)
class Health:
    """What went numerically wrong in a set of per-layer gradient norms.

    Attributes
    ----------
    overflow : bool
        Some norm is ``inf`` or NaN (the forward or backward pass overflowed).
    zero_layers : list of int
        1-based layer numbers whose norm is exactly 0 in some row: no gradient
        reaches them at all (e.g. every ReLU unit of a layer above is off).
    underflow_layers : list of int
        1-based layer numbers whose norm is positive but below ``TINY`` in some row:
        an update there is numerically nothing.
    """

    overflow: bool
    zero_layers: list[int]
    underflow_layers: list[int]

    @property
    def ok(self) -> bool:
        return not (self.overflow or self.zero_layers or self.underflow_layers)


def describe_health(grad_w: npt.ArrayLike, tiny: float = TINY) -> Health:
    """Classify per-layer norms as overflow, exactly zero or underflow.

    Parameters
    ----------
    grad_w : array_like of shape (L,) or (S, L)
        Norms, the last axis running over the layers.
    tiny : float, default TINY
        Positive finite norms below this count as underflow.
    """
    g = np.atleast_2d(np.asarray(grad_w, dtype=float))
    g = g.reshape(-1, g.shape[-1])
    finite = np.isfinite(g)
    zero = finite & (g == 0)
    small = finite & (g > 0) & (g < tiny)
    return Health(
        overflow=bool((~finite).any()),
        zero_layers=[int(i) + 1 for i in np.flatnonzero(zero.any(axis=0))],
        underflow_layers=[int(i) + 1 for i in np.flatnonzero(small.any(axis=0))],
    )
