"""The numerically careful pieces of a pass: the output activations and normalisation.

Each works on one layer's (n, width) arrays; see :mod:`core.mlp` for the notation and
"Normalisation" for the formulas.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core import activations as _act
from core.mlp.records import NORM_EPS, Array

#: The sigmoid's own formula, without its wrapper (for passes whose warnings are silenced).
SIGMOID = _act.sigmoid.__wrapped__


def softmax(z: Array) -> Array:
    """Row-wise softmax, shifted by the row maximum so ``exp`` never overflows."""
    with np.errstate(under="ignore"):
        e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def logsumexp(z: Array) -> Array:
    """Row-wise ``log Σ exp z``, shape (n,)."""
    m = z.max(axis=1, keepdims=True)
    with np.errstate(under="ignore"):
        s = np.exp(z - m).sum(axis=1)
    return m[:, 0] + np.log(s)


# --- normalisation ----------------------------------------------------------------


class Norm(NamedTuple):
    """What one hidden layer's normalisation keeps for the backward pass."""

    u: Array  # (z − μ) / sqrt(σ² + ε)
    inv_std: Array  # 1 / sqrt(σ² + ε), broadcastable against z
    mean: Array
    var: Array


#: ``einsum`` subscripts that sum ``a ⊙ b`` along axis 0 (over the samples: batch
#: norm) or axis 1 (over the units: layer norm), keeping the other axis.
_SUM_ALONG = ("ij,ij->j", "ij,ij->i")


def _mean_of_product(a: Array, b: Array, axis: int) -> Array:
    """``mean(a ⊙ b)`` along `axis`, kept as a row (axis 0) or a column (axis 1).

    One ``einsum`` call instead of a product and a reduction: on the (batch, width)
    arrays here a NumPy reduction costs several times a 32 × 32 matrix product,
    and normalisation needs four of them per layer and pass.
    """
    s = np.einsum(_SUM_ALONG[axis], a, b)
    s *= 1 / a.shape[axis]
    return s[None, :] if axis == 0 else s[:, None]


def _mean(a: Array, axis: int) -> Array:
    """``mean(a)`` along `axis`, kept as a row (axis 0) or a column (axis 1).

    The ufunc reduction itself, without ``ndarray.mean``'s Python wrapper: the same
    numbers (sum, then divide by the count), a few microseconds sooner per call.
    """
    s = np.add.reduce(a, axis=axis, keepdims=True)
    s /= a.shape[axis]
    return s


def normalise(z: Array, axis: int, gamma: Array, beta: Array, u_out: Array | None,
               zhat_out: Array | None, stats: tuple[Array, Array] | None) -> tuple[Array, Norm]:
    """``ẑ = γ ⊙ (z − μ)/sqrt(σ² + ε) + β``; μ, σ² from ``z`` along ``axis`` or from ``stats``."""
    if stats is None:
        mean = _mean(z, axis)
        u = np.subtract(z, mean, out=u_out)
        var = _mean_of_product(u, u, axis)  # biased: what PyTorch normalises by
    else:
        mean, var = stats
        u = np.subtract(z, mean, out=u_out)
    inv_std = var + NORM_EPS
    np.sqrt(inv_std, out=inv_std)
    np.divide(1, inv_std, out=inv_std)
    u *= inv_std
    zhat = np.multiply(u, gamma, out=zhat_out)
    zhat += beta
    return zhat, Norm(u, inv_std, mean, var)


def normalise_backward(d: Array, norm: Norm, axis: int, gamma: Array, ones: Array,
                        g_gamma: Array | None, g_beta: Array | None) -> tuple[Array, Array, Array]:
    """From ``d = dL/dẑ`` (overwritten in place), return ``(dL/dz, dL/dγ, dL/dβ)``.

    With ``g = dL/du = d ⊙ γ`` and means ``⟨·⟩`` along the normalised axis,
    ``dL/dz = (g − ⟨g⟩ − u ⟨g ⊙ u⟩) / sqrt(σ² + ε)``. For a batch of one sample
    (batch norm) ``u = 0`` and the result is exactly 0.
    """
    u = norm.u
    g_beta = np.matmul(ones, d, out=g_beta)  # Σ_samples dL/dẑ
    g_gamma = np.einsum("ij,ij->j", d, u, out=g_gamma)  # Σ_samples dL/dẑ ⊙ u
    d *= gamma
    mean_gu = _mean_of_product(d, u, axis)
    d -= _mean(d, axis)
    d -= u * mean_gu
    d *= norm.inv_std
    return d, g_gamma, g_beta

