"""Stacks of affine layers collapse to one affine map (why depth needs a non-linearity).

A network whose hidden units are the identity computes::

    z = (((X W_0 + b_0) W_1 + b_1) ⋯ ) W_{L-1} + b_{L-1}

Expanding the brackets gives ``z = X W + b`` with

    W = W_0 W_1 ⋯ W_{L-1}
    b = (((b_0 W_1 + b_1) W_2 + b_2) ⋯ ) W_{L-1} + b_{L-1}

so however many layers it has, it can only draw a straight decision boundary
``X W + b = 0`` (``docs/science.md``, claim C1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["affine_fit", "affine_logits", "boundary_segment", "collapse_linear"]

Array = npt.NDArray[np.floating]


def collapse_linear(
    weights: Sequence[npt.ArrayLike], biases: Sequence[npt.ArrayLike]
) -> tuple[Array, Array]:
    """Multiply a stack of affine layers into one matrix and one bias.

    Parameters
    ----------
    weights : sequence of array_like
        ``weights[l]`` of shape (n_l, n_{l+1}), as in :class:`core.mlp.MLP`.
    biases : sequence of array_like
        ``biases[l]`` of shape (n_{l+1},).

    Returns
    -------
    W : ndarray of shape (n_0, n_L)
        ``W_0 W_1 ⋯ W_{L-1}``.
    b : ndarray of shape (n_L,)
        The bias folded through the later layers (see the module docstring).

    Raises
    ------
    ValueError
        If the lists are empty, of different lengths, or the shapes do not chain.
    """
    weights = [np.asarray(w, dtype=np.float64) for w in weights]
    biases = [np.asarray(b, dtype=np.float64) for b in biases]
    if not weights or len(weights) != len(biases):
        raise ValueError("need one bias per weight matrix, and at least one layer")
    W = weights[0].copy()
    b = biases[0].copy()
    for i, (Wi, bi) in enumerate(zip(weights, biases, strict=True)):
        if Wi.ndim != 2 or bi.shape != (Wi.shape[1],):
            raise ValueError(f"layer {i}: W {Wi.shape} and b {bi.shape} do not match")
        if i == 0:
            continue
        if Wi.shape[0] != W.shape[1]:
            raise ValueError(f"layer {i}: W has {Wi.shape[0]} rows, previous layer gives {W.shape[1]}")
        W = W @ Wi
        b = b @ Wi + bi
    return W, b


def affine_logits(X: npt.ArrayLike, W: npt.ArrayLike, b: npt.ArrayLike) -> Array:
    """The single affine map ``X W + b``, shape (n, n_L)."""
    return np.asarray(X, dtype=np.float64) @ np.asarray(W, dtype=np.float64) + np.asarray(b)


def boundary_segment(
    w: npt.ArrayLike, b: float, lo: npt.ArrayLike, hi: npt.ArrayLike
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the line ``w₁ x₁ + w₂ x₂ + b = 0`` inside a box.

    Parameters
    ----------
    w : array_like of shape (2,)
        Normal vector of the line (the collapsed weights of a 2-D linear classifier).
    b : float
        Offset.
    lo, hi : array_like of shape (2,)
        Lower-left and upper-right corners of the box.

    Returns
    -------
    ((x₁, x₂), (x₁, x₂)) or None
        The two ends of the visible segment, or None when the line misses the box
        (or ``w = 0``, when there is no line).
    """
    w = np.asarray(w, dtype=np.float64)
    lo, hi = np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)
    if w.shape != (2,) or not np.all(np.isfinite(w)) or not np.isfinite(b) or not w.any():
        return None
    ends: list[tuple[float, float]] = []
    # Intersect with the four edges; an edge parallel to the line is skipped.
    for axis in (0, 1):
        other = 1 - axis
        # A (nearly) parallel edge is skipped: the other two edges bound the segment.
        if abs(w[other]) <= 1e-12 * np.abs(w).max():
            continue
        for v in (lo[axis], hi[axis]):
            u = -(b + w[axis] * v) / w[other]
            if np.isfinite(u) and lo[other] - 1e-12 <= u <= hi[other] + 1e-12:
                p = [0.0, 0.0]
                p[axis], p[other] = float(v), float(u)
                if not any(abs(p[0] - q[0]) < 1e-12 and abs(p[1] - q[1]) < 1e-12 for q in ends):
                    ends.append((p[0], p[1]))
    if len(ends) < 2:
        return None
    return ends[0], ends[1]


def affine_fit(X: npt.ArrayLike, z: npt.ArrayLike) -> tuple[Array, Array, float]:
    """The best single affine map ``z ≈ X W + b`` (least squares) and how far ``z`` is from it.

    A network whose output ``z`` is an affine function of its input draws a straight
    decision boundary; one that bends it is not affine. The relative residual

        r = ‖z − (X W + b)‖ / ‖z − z̄‖

    (Frobenius norms; ``z̄`` the column means of ``z``) is 0 up to rounding for an
    affine ``z`` and of order 1 for a function that bends across the data.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The inputs, ``n >= d + 1``.
    z : array_like of shape (n,) or (n, k)
        The outputs at those inputs (a network's logits, say).

    Returns
    -------
    W : ndarray of shape (d, k)
    b : ndarray of shape (k,)
    r : float
        The relative residual; 0 when ``z`` is constant (a constant is affine).
    """
    X = np.asarray(X, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    z2 = z[:, None] if z.ndim == 1 else z
    if X.ndim != 2 or z2.ndim != 2 or len(X) != len(z2) or len(X) < X.shape[1] + 1:
        raise ValueError(f"need X of shape (n, d) with n > d and z with n rows, got {X.shape}, {z.shape}")
    A = np.hstack([X, np.ones((len(X), 1))])
    coef, *_ = np.linalg.lstsq(A, z2, rcond=None)
    spread = float(np.linalg.norm(z2 - z2.mean(axis=0)))
    residual = float(np.linalg.norm(z2 - A @ coef))
    r = 0.0 if spread == 0.0 else residual / spread
    return coef[:-1], coef[-1], r
