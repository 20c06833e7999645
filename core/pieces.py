"""Linear pieces of ReLU networks: exact breakpoints, tent maps, Yarotsky's x², regions.

A network with ReLU-family hidden units (``relu``, ``leaky_relu``) and an identity
output computes a continuous piecewise-linear function. For a 1-D input it is
found *exactly* from the weights, layer by layer: on each piece of the current
partition of ``[lo, hi]`` every hidden layer's input is affine in ``x``, so each
unit's pre-activation ``z_j(x) = a_j x + c_j`` changes sign at most once, at
``x = −c_j / a_j``. Adding those zero crossings refines the partition; after the
last layer the output is affine on every piece. Adjacent pieces whose slopes are
equal are one linear piece, so the *breakpoints* are the knots where the slope
actually changes.

Telgarsky's tent map ``Δ(x) = 2 relu(x) − 4 relu(x − ½)`` is the tent on [0, 1];
composed ``k`` times it is a width-2, depth-``k`` ReLU network with ``2^k`` linear
pieces (:func:`tent_params`). Yarotsky's ``f_m(x) = x − Σ_{s=1..m} g_s(x) / 4^s``,
with ``g_s`` the ``s``-fold tent, interpolates ``x²`` at ``2^m + 1`` equally spaced
knots of [0, 1] with maximum error ``2^(−2m−2)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from core.mlp import MLP

__all__ = [
    "Pieces",
    "RampErrors",
    "activation_patterns",
    "affine_pieces",
    "breakpoints",
    "count_pieces",
    "hinge_terms",
    "interpolant_params",
    "random_params",
    "random_piece_counts",
    "sampled_breakpoints",
    "step_ramp_errors",
    "tent_mlp",
    "tent_params",
    "yarotsky",
    "yarotsky_error",
    "zero_contour",
]

FloatArray = npt.NDArray[np.float64]
Params = tuple[list[FloatArray], list[FloatArray]]

#: Slope of the negative side for each piecewise-linear hidden activation.
LEAK = {"relu": 0.0, "leaky_relu": 0.01, "identity": 1.0}


@dataclass(frozen=True)
class Pieces:
    """A continuous piecewise-affine function of one variable.

    Attributes
    ----------
    knots : ndarray of shape (P + 1,)
        ``lo = knots[0] < … < knots[P] = hi``.
    slopes, intercepts : ndarray of shape (P, n_out)
        On ``[knots[p], knots[p+1]]`` the function is ``slopes[p] x + intercepts[p]``.
    """

    knots: FloatArray
    slopes: FloatArray
    intercepts: FloatArray

    def __call__(self, x: npt.ArrayLike) -> FloatArray:
        """Evaluate at ``x`` of shape (n,); returns shape (n, n_out)."""
        x = np.asarray(x, dtype=np.float64)
        p = np.clip(np.searchsorted(self.knots, x, side="right") - 1, 0, len(self.slopes) - 1)
        return self.slopes[p] * x[:, None] + self.intercepts[p]


def affine_pieces(
    weights: Sequence[npt.ArrayLike],
    biases: Sequence[npt.ArrayLike],
    lo: float,
    hi: float,
    leak: float = 0.0,
) -> Pieces:
    """The network ``x ↦ W_L(…φ(W_1 x + b_1)…) + b_L`` as affine pieces on ``[lo, hi]``.

    Parameters
    ----------
    weights, biases : sequences of arrays
        ``weights[l]`` of shape (n_l, n_{l+1}) with ``n_0 = 1``; ``biases[l]`` of
        shape (n_{l+1},) (the layout of :class:`core.mlp.MLP`). Hidden layers use
        ``φ(z) = max(z, leak·z)``; the last layer is affine.
    lo, hi : float
        The interval, ``lo < hi``.
    leak : float
        Negative-side slope of the hidden activation (0 for ReLU).

    Returns
    -------
    Pieces
        The partition found by the layer-by-layer refinement. It may contain knots
        where the slope does not change; :func:`breakpoints` removes those.
    """
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite lo < hi, got {lo}, {hi}")
    ws = [np.asarray(w, dtype=np.float64) for w in weights]
    bs = [np.asarray(b, dtype=np.float64) for b in biases]
    if ws[0].shape[0] != 1:
        raise ValueError("affine_pieces needs a network with one input")
    tol = 1e-12 * (hi - lo)
    knots = np.array([lo, hi], dtype=np.float64)
    slope = np.ones((1, 1))  # h(x) = slope x + icpt on each piece
    icpt = np.zeros((1, 1))
    last = len(ws) - 1
    for i, (W, b) in enumerate(zip(ws, bs, strict=True)):
        zs = slope @ W  # (P, n): z(x) = zs x + zc
        zc = icpt @ W + b
        if i == last:
            return Pieces(knots, zs, zc)
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = -zc / zs
        left, right = knots[:-1, None], knots[1:, None]
        inside = (zs != 0) & (cross > left + tol) & (cross < right - tol)
        new = np.union1d(knots, cross[inside])
        if len(new) > len(knots):
            # Drop crossings closer than tol to a knot already there (round-off twins).
            keep = np.concatenate([[True], np.diff(new) > tol])
            keep[-1] = True
            new = new[keep]
            new[-1] = hi
        mid = 0.5 * (new[:-1] + new[1:])
        owner = np.clip(np.searchsorted(knots, mid, side="right") - 1, 0, len(knots) - 2)
        zs, zc = zs[owner], zc[owner]
        active = zs * mid[:, None] + zc > 0
        gain = np.where(active, 1.0, leak)
        slope, icpt, knots = zs * gain, zc * gain, new
    raise AssertionError("unreachable")  # pragma: no cover


def breakpoints(
    weights: Sequence[npt.ArrayLike],
    biases: Sequence[npt.ArrayLike],
    lo: float,
    hi: float,
    leak: float = 0.0,
    rtol: float = 1e-9,
) -> FloatArray:
    """Interior points of ``(lo, hi)`` where the network's slope changes.

    Slopes of neighbouring pieces count as equal when they differ by at most
    ``rtol · max(1, |slope|)`` (round-off); for a single output only.

    Returns
    -------
    ndarray of shape (B,)
        Sorted breakpoints; the network has ``B + 1`` linear pieces on ``[lo, hi]``.
    """
    p = affine_pieces(weights, biases, lo, hi, leak)
    s = p.slopes[:, 0]
    scale = rtol * np.maximum(1.0, np.maximum(np.abs(s[:-1]), np.abs(s[1:])))
    change = np.abs(np.diff(s)) > scale
    return p.knots[1:-1][change]


def count_pieces(
    weights: Sequence[npt.ArrayLike],
    biases: Sequence[npt.ArrayLike],
    lo: float,
    hi: float,
    leak: float = 0.0,
) -> int:
    """Number of linear pieces on ``[lo, hi]``: breakpoints + 1."""
    return len(breakpoints(weights, biases, lo, hi, leak)) + 1


def sampled_breakpoints(f_values: FloatArray, x: FloatArray, rtol: float = 1e-6) -> int:
    """Estimate the number of breakpoints from dense samples (for testing the exact count).

    Counts grid cells where the finite-difference slope changes between the two
    neighbouring cells; two breakpoints closer than one cell count once.
    """
    slopes = np.diff(f_values) / np.diff(x)
    change = np.abs(np.diff(slopes)) > rtol * np.maximum(1.0, np.abs(slopes[1:]))
    # a kink inside a cell changes the slope of that cell: neighbours both flag it
    runs = np.diff(np.concatenate([[0], change.astype(int), [0]]))
    return int(np.sum(runs == 1))


def tent_params(k: int) -> Params:
    """Weights of the ``k``-fold tent map as a ReLU MLP ``[1, 2, …, 2, 1]``.

    Layer 1 computes ``(relu(x), relu(x − ½))``; each next layer computes
    ``(relu(y), relu(y − ½))`` of ``y = 2 h₁ − 4 h₂`` (the previous tent), and the
    output is ``2 h₁ − 4 h₂``. On [0, 1] this is ``Δ∘…∘Δ`` (k times): ``2^k`` pieces.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    half = np.array([0.0, -0.5])
    back = np.array([[2.0], [-4.0]])
    weights = [np.array([[1.0, 1.0]])] + [back @ np.array([[1.0, 1.0]])] * (k - 1) + [back]
    biases = [half] * k + [np.zeros(1)]
    return [w.copy() for w in weights], [b.copy() for b in biases]


def tent_mlp(k: int) -> MLP:
    """The ``k``-fold tent map as a :class:`core.mlp.MLP` (identity output)."""
    model = MLP([1, *[2] * k, 1], activation="relu", output="identity")
    model.set_params(*tent_params(k))
    return model


def yarotsky(m: int, x: npt.ArrayLike) -> FloatArray:
    """Yarotsky's approximation ``f_m(x) = x − Σ_{s=1..m} g_s(x)/4^s`` of ``x²`` on [0, 1].

    The sawtooth ``g_s`` is the output of the hand-built ``s``-fold tent network
    (:func:`tent_mlp`).
    """
    x = np.asarray(x, dtype=np.float64)
    out = x.copy()
    for s in range(1, m + 1):
        out -= tent_mlp(s).forward(x[:, None])[:, 0] / 4.0**s
    return out


def yarotsky_error(m: int, n_dense: int = 4001) -> float:
    """Measured ``max_{x∈[0,1]} |f_m(x) − x²|`` on a grid holding every knot midpoint.

    ``x² − f_m`` is a parabola on each of the ``2^m`` segments, largest at the
    segment midpoints, so the grid ``j / 2^(m+1)`` (plus ``n_dense`` even points)
    finds the true maximum.
    """
    x = np.union1d(np.linspace(0.0, 1.0, 2 ** (m + 1) + 1), np.linspace(0.0, 1.0, n_dense))
    return float(np.max(np.abs(yarotsky(m, x) - x**2)))


def interpolant_params(knots: FloatArray, values: FloatArray) -> Params:
    """One hidden layer ``f(x) = Σ_i a_i relu(x − t_i)`` through given points.

    The result is 0 up to ``knots[0]`` and then linear between consecutive
    ``(knots[i], values[i])``, with ``values[0]`` taken as 0; it uses
    ``len(knots) − 1`` hidden units (kinks at ``knots[:-1]``).

    Returns
    -------
    weights, biases
        For ``MLP([1, m, 1], output="identity")``, ``m = len(knots) − 1``.
    """
    t = np.asarray(knots, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64).copy()
    v[0] = 0.0
    slopes = np.diff(v) / np.diff(t)
    a = np.diff(np.concatenate([[0.0], slopes]))
    m = len(t) - 1
    return [np.ones((1, m)), a[:, None]], [-t[:-1], np.zeros(1)]


def least_squares_hinges(x: FloatArray, y: FloatArray, knots: FloatArray) -> Params:
    """The least-squares fit ``f(x) = c + Σ_i a_i relu(x − t_i)`` with fixed kinks.

    Parameters
    ----------
    x, y : ndarray of shape (n,)
        Samples of the function to fit.
    knots : ndarray of shape (m,)
        The kink positions ``t_i`` (one hidden unit each).

    Returns
    -------
    weights, biases
        For ``MLP([1, m, 1], output="identity")``: ``W_0 = 1``, ``b_0 = −t``,
        ``W_1 = a``, ``b_1 = c`` with ``(c, a)`` minimising ``Σ (f(x_j) − y_j)²``.
        With ``m`` distinct kinks inside an interval, ``f`` has at most ``m + 1``
        pieces there, and exactly that many when no ``a_i`` is zero.
    """
    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(knots, dtype=np.float64)
    basis = np.column_stack([np.ones_like(x), np.maximum(x[:, None] - t[None, :], 0.0)])
    coef, *_ = np.linalg.lstsq(basis, np.asarray(y, dtype=np.float64), rcond=None)
    return [np.ones((1, len(t))), coef[1:, None]], [-t, coef[:1].copy()]


def random_params(sizes: Sequence[int], seed: int, bias_std: float = 0.5) -> Params:
    """He-normal weights and ``N(0, bias_std²)`` biases (random biases spread the kinks)."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for fan_in, fan_out in itertools.pairwise(sizes):
        weights.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out)))
        biases.append(rng.normal(0.0, bias_std, fan_out))
    return weights, biases


def random_piece_counts(
    width: int,
    ks: Sequence[int],
    seeds: Sequence[int],
    lo: float = 0.0,
    hi: float = 1.0,
    bias_std: float = 0.5,
) -> np.ndarray:
    """Exact piece counts of randomly initialised deep ReLU nets ``[1, width × k, 1]``.

    For every depth ``k`` in ``ks`` and every seed ``s`` in ``seeds`` the network
    has ``k`` hidden layers of ``width`` units with :func:`random_params` weights
    (He-normal, ``N(0, bias_std²)`` biases, seed ``s``), and its linear pieces on
    ``[lo, hi]`` are counted exactly with :func:`count_pieces`. Hanin & Rolnick
    (2019): at such an initialisation the expected count along a line grows about
    linearly in the number of neurons ``width · k``, far below the ``2^k``-type
    counts hand-built weights reach.

    Parameters
    ----------
    width : int
        Units per hidden layer, ``≥ 1``.
    ks : sequence of int
        Depths (numbers of hidden layers), each ``≥ 1``.
    seeds : sequence of int
        One network per seed and depth.
    lo, hi : float
        The interval, ``lo < hi``.
    bias_std : float
        Standard deviation of the biases.

    Returns
    -------
    ndarray of int of shape (len(ks), len(seeds))
        ``counts[i, j]`` pieces of the depth-``ks[i]`` network with seed ``seeds[j]``.
    """
    if width < 1 or any(k < 1 for k in ks):
        raise ValueError("width and every k must be at least 1")
    counts = np.empty((len(ks), len(seeds)), dtype=np.int64)
    for i, k in enumerate(ks):
        for j, s in enumerate(seeds):
            w, b = random_params([1, *[width] * k, 1], int(s), bias_std)
            counts[i, j] = count_pieces(w, b, lo, hi)
    return counts


def hinge_terms(weights: Sequence[FloatArray], biases: Sequence[FloatArray],
                x: FloatArray) -> FloatArray:
    """Each hidden unit's contribution ``v_i relu(w_i x + b_i)`` of a ``[1, m, 1]`` net.

    Returns
    -------
    ndarray of shape (n, m)
        Their row sums plus the output bias give the network's output.
    """
    (W1, W2), (b1, _) = weights, biases
    return np.maximum(np.asarray(x)[:, None] * W1[0] + b1, 0.0) * W2[:, 0]


class RampErrors(NamedTuple):
    """How far ramps of several widths are from the unit step, one entry per width.

    Attributes
    ----------
    away : ndarray of shape (W,)
        Max error on ``|x| ≥ away``.
    jump : ndarray of shape (W,)
        Max error on ``|x| < away`` (≥ ½ for every continuous function).
    bad : ndarray of shape (W,)
        Length of the set where the error exceeds 0.1.
    rms : ndarray of shape (W,)
        Root-mean-square error on ``[lo, hi]``.
    """

    away: FloatArray
    jump: FloatArray
    bad: FloatArray
    rms: FloatArray


def step_ramp_errors(
    widths: Sequence[float], away: float, lo: float = -1.0, hi: float = 1.0, n: int = 20001
) -> RampErrors:
    """How well a two-unit ReLU ramp approximates the unit step ``H(x) = [x ≥ 0]``.

    The ramp ``r_δ(x) = relu(x/δ + ½) − relu(x/δ − ½)`` rises from 0 to 1 on
    ``[−δ/2, δ/2]`` (two hidden units; weight size ``1/δ``).

    Returns
    -------
    RampErrors
        Four error measures, each of shape (len(widths),).
    """
    x = np.linspace(lo, hi, n)
    x = np.union1d(x, [0.0])
    target = (x >= 0).astype(np.float64)
    out = RampErrors(*(np.empty(len(widths)) for _ in RampErrors._fields))
    dx = (hi - lo) / (len(x) - 1)
    for i, d in enumerate(widths):
        r = np.maximum(x / d + 0.5, 0.0) - np.maximum(x / d - 0.5, 0.0)
        err = np.abs(r - target)
        far = np.abs(x) >= away
        out.away[i] = err[far].max()
        out.jump[i] = err[~far].max()
        out.bad[i] = np.sum(err > 0.1) * dx
        out.rms[i] = np.sqrt(np.mean(err**2))
    return out


def activation_patterns(
    weights: Sequence[FloatArray], biases: Sequence[FloatArray], points: FloatArray
) -> tuple[np.ndarray, FloatArray]:
    """Linear-region label of each point: its on/off pattern over all hidden units.

    Points with the same pattern lie in the same linear region (for a fixed
    pattern every pre-activation is affine in the input, so the set is a convex
    polytope on which the network is affine).

    Parameters
    ----------
    points : ndarray of shape (n, d)

    Returns
    -------
    labels : ndarray of int of shape (n,)
        ``0 .. R−1``, one per distinct pattern (``R`` regions hit by the points),
        numbered in order of first appearance.
    logits : ndarray of shape (n,)
        The network's output logit at each point (first output).
    """
    h = np.asarray(points, dtype=np.float64)
    bits = []
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        z = h @ W + b
        bits.append(z > 0)
        h = np.maximum(z, 0.0)
    logits = (h @ weights[-1] + biases[-1])[:, 0]
    if not bits:
        return np.zeros(len(h), dtype=np.int64), logits
    packed = np.packbits(np.concatenate(bits, axis=1), axis=1)
    _, first, inverse = np.unique(packed, axis=0, return_index=True, return_inverse=True)
    # renumber by first appearance so labels are stable across nearby snapshots
    order = np.argsort(np.argsort(first))
    return order[inverse.reshape(-1)], logits


def zero_contour(values: FloatArray, axes: FloatArray) -> FloatArray:
    """Segments of the curve ``values = 0`` on a grid (marching squares, linear).

    Parameters
    ----------
    values : ndarray of shape (r * r,)
        Values on the grid of :func:`core.grid.plane_grid` (x₁ varying fastest).
    axes : ndarray of shape (2, r)

    Returns
    -------
    ndarray of shape (S, 4)
        ``(x1a, x2a, x1b, x2b)`` per segment.
    """
    r = axes.shape[1]
    v = np.asarray(values, dtype=np.float64).reshape(r, r)  # v[j, i] at (axes0[i], axes1[j])
    xs, ys = axes[0], axes[1]
    segs = []
    pos = v > 0
    for j in range(r - 1):
        for i in np.nonzero(
            (pos[j, :-1] != pos[j, 1:]) | (pos[j + 1, :-1] != pos[j + 1, 1:])
            | (pos[j, :-1] != pos[j + 1, :-1])
        )[0]:
            corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
            pts = []
            for (i1, j1), (i2, j2) in zip(corners, corners[1:] + corners[:1], strict=True):
                a, b = v[j1, i1], v[j2, i2]
                if (a > 0) != (b > 0):
                    s = a / (a - b)
                    pts.append((xs[i1] + s * (xs[i2] - xs[i1]), ys[j1] + s * (ys[j2] - ys[j1])))
            for p in range(0, len(pts) - 1, 2):
                segs.append((*pts[p], *pts[p + 1]))
    return np.array(segs, dtype=np.float64).reshape(-1, 4)
