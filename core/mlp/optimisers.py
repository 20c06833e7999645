"""The optimisers of :meth:`core.mlp.MLP.fit`, gradient clipping, and plain SGD's flat update.

With ``g`` a parameter's gradient, ``η`` the learning rate and ``t`` counting steps:

``"sgd"``
    ``θ ← θ − η g``.
``"momentum"`` (classical)
    ``v ← μ v − η g``, ``θ ← θ + v``, with ``v`` starting at 0.
``"adam"``
    ``m ← β₁ m + (1−β₁) g``, ``v ← β₂ v + (1−β₂) g²``,
    ``θ ← θ − η m̂ / (sqrt(v̂) + ε)`` with the bias corrections ``m̂ = m/(1−β₁ᵗ)``,
    ``v̂ = v/(1−β₂ᵗ)``.

Every optimiser updates weights, biases, γ and β alike, in place.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from core.mlp.records import Array

if TYPE_CHECKING:
    from core.mlp.buffers import Workspace
    from core.mlp.network import MLP

#: ``step(grads)``: update the parameters in place from gradients in the same order.
Step = Callable[[list[Array]], None]


def make_step(params: Sequence[Array], optimizer: str, lr: float, momentum: float,
              betas: tuple[float, float], eps: float) -> Step:
    """Return ``step(grads)`` updating ``params`` in place (module docstring).

    Parameters
    ----------
    params : sequence of ndarray
        The arrays to train (:meth:`core.mlp.MLP.trainable`); ``grads`` come in the
        same order and shapes.
    optimizer : {"sgd", "momentum", "adam"}
    lr : float
        Learning rate ``η``.
    momentum : float
        ``μ`` for ``"momentum"``.
    betas : (float, float)
        ``(β₁, β₂)`` for ``"adam"``.
    eps : float
        ``ε`` for ``"adam"``.

    Returns
    -------
    callable
        The step; the optimiser's state (``v``, or ``m``, ``v`` and ``t``) lives in it.
    """
    if optimizer == "sgd":

        def step(grads: list[Array]) -> None:
            for p, g in zip(params, grads, strict=True):
                p -= lr * g

    elif optimizer == "momentum":
        velocity = [np.zeros_like(p) for p in params]

        def step(grads: list[Array]) -> None:
            for p, v, g in zip(params, velocity, grads, strict=True):
                v *= momentum
                v -= lr * g  # v ← μ v − η g
                p += v

    else:
        beta1, beta2 = betas
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        t = 0

        def step(grads: list[Array]) -> None:
            nonlocal t
            t += 1
            for p, m_i, v_i, g in zip(params, m, v, grads, strict=True):
                m_i *= beta1
                m_i += (1 - beta1) * g  # m ← β₁ m + (1−β₁) g
                v_i *= beta2
                v_i += (1 - beta2) * (g * g)  # v ← β₂ v + (1−β₂) g²
                m_hat = m_i / (1 - beta1**t)
                v_hat = v_i / (1 - beta2**t)
                p -= lr * m_hat / (np.sqrt(v_hat) + eps)

    return step


def clip_global_norm(grads: list[Array], max_norm: float) -> bool:
    """Rescale ``grads`` in place to a global L2 norm of at most ``max_norm``; True if it did.

    ``g ← g · min(1, max_norm / ‖g‖)`` with ``‖g‖² = Σ_arrays Σ g²``. A non-finite
    norm is left as it is (there is no direction to keep); squares that overflow are
    measured again in units of the largest entry.
    """
    total = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    if math.isinf(total):  # squares overflowed: measure again in units of the largest entry
        scale = max(float(np.abs(g).max(initial=0.0)) for g in grads)
        if math.isfinite(scale) and scale > 0:
            total = scale * math.sqrt(sum(float(np.vdot(g / scale, g / scale)) for g in grads))
    if not math.isfinite(total) or total <= max_norm:
        return False
    factor = max_norm / total
    for g in grads:
        g *= factor
    return True


def flat_sgd(model: MLP, ws: Workspace) -> tuple[Array, Array]:
    """Hold `model`'s weights and biases in one array, and `ws`'s gradients in another.

    The arrays become views of ``params`` (their values copied unchanged), and the
    workspace's ``gw``/``gb`` buffers views of ``grads`` laid out alike, so one SGD
    update is ``params -= lr * grads``: two NumPy calls instead of two per array,
    with the same numbers (elementwise). Call before any pass uses `ws`.

    Returns
    -------
    params, grads : ndarray of shape (P,)
        ``P`` the number of weights and biases, weights first, layer by layer.
    """
    arrays = [*model.weights, *model.biases]
    params = np.concatenate([a.ravel() for a in arrays])
    grads = np.empty_like(params)
    views_p, views_g, start = [], [], 0
    for a in arrays:
        views_p.append(params[start:start + a.size].reshape(a.shape))
        views_g.append(grads[start:start + a.size].reshape(a.shape))
        start += a.size
    L = model.n_layers
    model.weights[:], model.biases[:] = views_p[:L], views_p[L:]
    ws.gw[:], ws.gb[:] = views_g[:L], views_g[L:]
    return params, grads
