"""Shapes and slopes of activations: curves, facts, cost, and chains of slopes.

Back-propagation through ``L`` layers multiplies ``L`` derivatives ``f'(z_k)`` (times
the weights, which this module leaves out). Two cases bound what that product does:

best case
    every unit sits at its steepest point: ``(max |f'|)^L``; for the sigmoid this is
    ``(1/4)^L = 4^{-L}``.
typical case
    the pre-activations are random, ``z_k ~ N(0, s²)`` independently per layer. The
    size of the product is measured by its root mean square over random chains,
    ``sqrt(E[Π_k f'(z_k)²]) = (E[f'(z)²])^{L/2}`` (independence turns the mean of the
    product into a product of means). ``E[f'(z)²]`` is estimated by Monte Carlo with a
    seeded generator. The root mean square is what sets the size of a back-propagated
    gradient summed over many units; it stays positive for ReLU, whose single chains
    are 0 half of the time at every layer.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time

import numpy as np
import numpy.typing as npt

from core.activations import Activation

__all__ = [
    "ActivationCurve",
    "Facts",
    "activation_curve",
    "chain_of_slopes",
    "curves",
    "eval_cost",
    "facts",
    "flat_intervals",
    "mean_square_slope",
]

Array = npt.NDArray[np.float64]


def curves(act: Activation, lo: float, hi: float, n: int = 401) -> tuple[Array, Array, Array]:
    """``f`` and ``f'`` on an even grid.

    Parameters
    ----------
    act : Activation
    lo, hi : float
        Ends of the grid, ``lo < hi``, both finite.
    n : int, default 401
        Number of points. With an odd ``n`` and a symmetric range, ``x = 0`` is on
        the grid, so kinks and the sigmoid's peak are drawn exactly.

    Returns
    -------
    x, f, df : ndarray of shape (n,)
    """
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite lo < hi, got {lo!r}, {hi!r}")
    if n < 2:
        raise ValueError("n must be at least 2")
    x = np.linspace(lo, hi, n)
    return x, np.asarray(act.f(x), dtype=np.float64), np.asarray(act.df(x), dtype=np.float64)


def flat_intervals(
    x: npt.ArrayLike, df: npt.ArrayLike, max_slope: float, tol: float = 0.05
) -> list[tuple[float, float]]:
    """Runs of the grid where the slope is below ``tol · max_slope``.

    Parameters
    ----------
    x : array_like of shape (n,)
        Increasing grid.
    df : array_like of shape (n,)
        ``f'`` on the grid.
    max_slope : float
        ``sup |f'|`` of the activation (from its record).
    tol : float, default 0.05
        Fraction of the largest slope below which the curve counts as flat.

    Returns
    -------
    list of (start, end)
        Grid values where each flat run begins and ends (inclusive), left to right.
    """
    x = np.asarray(x, dtype=np.float64)
    flat = np.abs(np.asarray(df, dtype=np.float64)) < tol * max_slope
    out: list[tuple[float, float]] = []
    start = None
    for i, is_flat in enumerate(flat):
        if is_flat and start is None:
            start = i
        if start is not None and (not is_flat or i == len(flat) - 1):
            end = i if is_flat else i - 1
            out.append((float(x[start]), float(x[end])))
            start = None
    return out


@dataclasses.dataclass(frozen=True)
class ActivationCurve:
    """One activation drawn on a grid, with what a chart marks on it.

    Attributes
    ----------
    x, f, df : ndarray of shape (n,)
        The grid and ``f``, ``f'`` on it (:func:`curves`).
    peak : (float, float) or None
        ``(x, f'(x))`` at the grid's steepest point, when that is the steepest point of
        the whole function (``|f'| = max_slope``); None when it lies outside the grid.
    flat : list of (start, end)
        The flat runs of the grid (:func:`flat_intervals`), for an activation that
        saturates on both sides; empty otherwise.
    f0 : float
        ``f(0)``, where a kink of a non-smooth activation sits.
    smooth, dead_zone : bool
        Copied from the activation's record: ``f`` is C¹; ``f' = 0`` on ``z <= 0``.
    saturates : {"both", "negative", "none"}
        Copied from the activation's record: on which side ``f' -> 0``.
    bounded : bool
        Both ends of the output range finite (sigmoid, tanh).
    """

    x: Array
    f: Array
    df: Array
    peak: tuple[float, float] | None
    flat: list[tuple[float, float]]
    f0: float
    smooth: bool
    dead_zone: bool
    saturates: str
    bounded: bool


def activation_curve(act: Activation, lo: float, hi: float, tol: float = 0.05) -> ActivationCurve:
    """``act`` on an even 401-point grid of ``[lo, hi]`` with its steepest point and flat runs.

    Parameters
    ----------
    act : Activation
    lo, hi : float
        Ends of the grid (:func:`curves`).
    tol : float, default 0.05
        A run counts as flat where ``|f'| < tol · max_slope`` (:func:`flat_intervals`).

    Returns
    -------
    ActivationCurve
    """
    x, f, df = curves(act, lo, hi)
    steepest = int(np.argmax(np.abs(df)))
    return ActivationCurve(
        x=x, f=f, df=df,
        peak=(float(x[steepest]), float(df[steepest]))
        if abs(df[steepest]) >= act.max_slope * (1 - 1e-9) else None,
        flat=flat_intervals(x, df, act.max_slope, tol) if act.saturates == "both" else [],
        f0=float(act.f(0.0)),
        smooth=act.smooth, dead_zone=act.dead_zone, saturates=act.saturates,
        bounded=bool(np.all(np.isfinite(act.output_range))),
    )


#: What :func:`facts` returns: the activation's own record (no second list of fields).
Facts = Activation


def facts(act: Activation) -> Activation:
    """The record of ``act`` with ``f0`` and ``df0`` evaluated from ``f`` and ``df``.

    The facts table reads ``output_range``, ``f0``, ``df0``, ``max_slope``,
    ``zero_centred``, ``saturates``, ``smooth`` and ``dead_zone`` from it;
    evaluating ``f(0)`` and ``f'(0)`` rather than copying them means a wrong record
    would show in the table.
    """
    return dataclasses.replace(act, f0=float(act.f(0.0)), df0=float(act.df(0.0)))


def eval_cost(act: Activation, n: int = 1_000_000, repeats: int = 3, seed: int = 0) -> float:
    """Wall-clock seconds to evaluate ``f`` and ``f'`` on ``n`` numbers.

    Parameters
    ----------
    act : Activation
    n : int, default 1_000_000
        How many inputs, drawn from ``N(0, 3²)`` so both sides of every kink occur.
    repeats : int, default 3
        Timed repetitions; the fastest is returned (the least disturbed by other
        work on the machine).
    seed : int, default 0

    Returns
    -------
    float
        Best time in seconds of ``f(z)`` followed by ``f'(z)``, measured with
        :func:`time.perf_counter`. Depends on the machine and its load.
    """
    if n < 1 or repeats < 1:
        raise ValueError("n and repeats must be at least 1")
    z = _timing_inputs(int(n), int(seed))
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        act.f(z)
        act.df(z)
        best = min(best, time.perf_counter() - start)
    return best


@functools.lru_cache(maxsize=2)
def _timing_inputs(n: int, seed: int) -> Array:
    """The inputs every activation is timed on; drawn once, read-only."""
    z = np.random.default_rng(seed).normal(0.0, 3.0, n)
    z.flags.writeable = False
    return z


def mean_square_slope(act: Activation, spread: float, n: int = 200_000, seed: int = 0) -> float:
    """Monte Carlo estimate of ``E[f'(z)²]`` for ``z ~ N(0, spread²)``.

    Parameters
    ----------
    act : Activation
    spread : float
        Standard deviation ``s > 0`` of the pre-activations.
    n : int, default 200_000
        Number of samples.
    seed : int, default 0
        Seed of ``np.random.default_rng``.
    """
    if not (math.isfinite(spread) and spread > 0):
        raise ValueError(f"spread must be finite and > 0, got {spread!r}")
    z = np.random.default_rng(seed).normal(0.0, spread, n)
    d = np.asarray(act.df(z), dtype=np.float64)
    return float(np.mean(d * d))


def chain_of_slopes(
    act: Activation, depth: int = 30, spread: float = 1.0, n: int = 200_000, seed: int = 0
) -> tuple[np.ndarray, Array, Array]:
    """Size of a product of ``L`` slopes, ``L = 1 .. depth`` (see the module docstring).

    Parameters
    ----------
    act : Activation
    depth : int, default 30
        Largest ``L``.
    spread : float, default 1.0
        Standard deviation of the random pre-activations in the typical case.
    n, seed : int
        Monte Carlo sample size and seed for ``E[f'(z)²]``.

    Returns
    -------
    L : ndarray of shape (depth,)
        ``1 .. depth``.
    best : ndarray of shape (depth,)
        ``max_slope ** L``.
    typical : ndarray of shape (depth,)
        ``E[f'(z)²] ** (L / 2)``, the root mean square of ``Π f'(z_k)``.
    """
    if isinstance(depth, bool) or int(depth) != depth or depth < 1:
        raise ValueError(f"depth must be a positive integer, got {depth!r}")
    L = np.arange(1, int(depth) + 1)
    # Powers of numbers in (0, 1] underflow harmlessly to 0 for long chains.
    with np.errstate(under="ignore"):
        best = float(act.max_slope) ** L.astype(np.float64)
        typical = math.sqrt(mean_square_slope(act, spread, n, seed)) ** L.astype(np.float64)
    return L, best, typical
