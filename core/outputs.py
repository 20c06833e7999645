"""Why a sigmoid output pairs with cross-entropy (``docs/science.md``, claim C2).

For one sample with logit ``z``, output ``a = σ(z)`` and label ``y ∈ {0, 1}``:

binary cross-entropy ``ℓ = −y log a − (1−y) log(1−a)``
    ``dℓ/dz = a − y``: the sigmoid's slope cancels against the loss.
squared error ``ℓ = (a − y)²`` (no ½, as in :mod:`core.mlp`)
    ``dℓ/dz = 2 (a − y) σ'(z)``: the factor ``σ'(z) = a(1−a) <= 1/4`` stays, and it is
    close to 0 exactly when the output is saturated, even when it is saturated on the
    *wrong* side. A confidently wrong network trained with squared error therefore
    barely moves.

:func:`confidently_wrong` builds such a start: it rescales the last layer of a network
so that most training outputs are saturated on the wrong side.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from core.activations import d_sigmoid, sigmoid, softplus
from core.mlp import MLP

__all__ = ["bce_from_logits", "confidently_wrong", "output_deltas"]

Array = npt.NDArray[np.float64]


def output_deltas(z: npt.ArrayLike, y: npt.ArrayLike) -> tuple[Array, Array]:
    """Per-sample ``dℓ/dz`` at a sigmoid output for cross-entropy and squared error.

    Parameters
    ----------
    z : array_like of shape (n,)
        Output logits.
    y : array_like of shape (n,)
        Labels in {0, 1}.

    Returns
    -------
    bce : ndarray of shape (n,)
        ``a − y`` with ``a = σ(z)``.
    mse : ndarray of shape (n,)
        ``2 (a − y) σ'(z)`` = ``2 · bce · σ'(z)``.
    """
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if z.shape != y.shape:
        raise ValueError(f"z and y need the same length, got {z.shape} and {y.shape}")
    bce = sigmoid(z) - y
    return bce, 2.0 * bce * d_sigmoid(z)


def bce_from_logits(z: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Mean binary cross-entropy from logits, ``mean(softplus(z) − y z)``, finite for any z."""
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    return float(np.mean(softplus(z) - y * z))


def confidently_wrong(model: MLP, X: npt.ArrayLike, y: npt.ArrayLike, logit: float = 6.0) -> None:
    """Set the last layer so that the network is confidently wrong on ``(X, y)``.

    The last hidden layer's features ``h`` (shape (n, m)) are kept. A least-squares
    read-out ``[h, 1] [w; c] ≈ 2y − 1`` points the logit the *right* way; its negative,
    scaled so that the median ``|z|`` equals ``logit``, is written into the last
    layer. Most samples then get ``σ(z)`` close to the wrong label, with
    ``σ'(z) ≈ e^{−logit}``.

    Parameters
    ----------
    model : MLP
        A network with one sigmoid output unit (``output`` "sigmoid" or
        "sigmoid_mse"); changed in place.
    X : array_like of shape (n, n_in)
    y : array_like of shape (n,)
        Labels in {0, 1}.
    logit : float, default 6.0
        Target median ``|z|``, > 0.
    """
    if model.output not in ("sigmoid", "sigmoid_mse"):
        raise ValueError("confidently_wrong needs a single sigmoid output")
    if not (math.isfinite(logit) and logit > 0):
        raise ValueError(f"logit must be finite and > 0, got {logit!r}")
    _, hs = model.forward_trace(X)
    h = np.asarray(hs[-2], dtype=np.float64)
    sign = 2.0 * np.asarray(y, dtype=np.float64).reshape(-1) - 1.0
    design = np.column_stack([h, np.ones(len(h))])
    coef, *_ = np.linalg.lstsq(design, sign, rcond=None)
    z = design @ coef
    scale = np.median(np.abs(z))
    if not np.isfinite(scale) or scale == 0:
        raise ValueError("the last hidden layer carries no information about y")
    coef = -coef * (logit / scale)
    weights, biases, *_ = model.get_params()
    weights[-1] = coef[:-1, None]
    biases[-1] = np.array([coef[-1]])
    model.set_params(weights, biases)
