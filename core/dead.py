"""Dead ReLU units: exact counting, the one-big-step experiment, and "born dead" networks.

Definitions (``docs/science.md``, claim C8)
-------------------------------------------
A hidden unit is **dead on a data set** ``X`` when its pre-activation satisfies
``z <= 0`` for *every* sample of ``X``. For ReLU (``relu'(0) = 0`` by the left
derivative) such a unit outputs 0 on all of ``X`` and its incoming weights and bias
receive exactly zero gradient from ``X``; under plain gradient descent the unit can
only come back if the layers *below* it change its inputs. A first-layer unit sees
the fixed data, so for it death is permanent. The same test is computed for every
activation, but only for ReLU does "z <= 0 everywhere" mean "no gradient": Leaky
ReLU, ELU, GELU and SiLU have a non-zero slope for ``z < 0``, so such a unit is only
*below zero on every sample* and still learns (:attr:`core.activations.Activation.can_die`).

What is true for every activation is measured directly: a unit **gets no gradient** on
``X`` when the gradient of the loss with respect to its incoming weights and bias is
exactly zero (:func:`no_gradient_units`). For ReLU every dead unit gets no gradient (and
so does every unit below a layer that is entirely dead); for Leaky ReLU, ELU, GELU and
SiLU a unit below zero on every sample still gets one.

A network is **born dead** (Lu et al. 2019) when at initialisation it computes a
constant function on the input domain. This module checks the sufficient condition
"some hidden layer has no unit that fires anywhere on a point set": after such a
layer every activation is 0, so every later layer, and the output, is constant.
On a continuous domain the check is made on a finite sample (a grid of the box),
so it can miss a unit that fires only between the sample points.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from core.init import draw, resolve, weight_variance

if TYPE_CHECKING:  # core.mlp imports this module for dead_units
    from core.mlp import MLP

__all__ = [
    "BigStep",
    "PreactivationSummary",
    "big_step",
    "born_dead_first_layer",
    "box_grid",
    "constant_counts",
    "count_firing",
    "dead_units",
    "fire_counts",
    "no_gradient",
    "no_gradient_units",
    "preactivation_summary",
    "wilson_interval",
]

Array = npt.NDArray[np.floating]


def count_firing(zs: Sequence[npt.ArrayLike]) -> list[np.ndarray]:
    """For each (n, units) array of activation inputs, on how many rows each unit is > 0.

    Returns
    -------
    list of ndarray of int
        ``#{i : z[i, j] > 0}`` per array, shape (units,).
    """
    with np.errstate(invalid="ignore"):
        return [np.count_nonzero(np.asarray(z) > 0, axis=0) for z in zs]


def fire_counts(model: MLP, X: npt.ArrayLike) -> list[np.ndarray]:
    """How many samples each hidden unit fires on.

    Parameters
    ----------
    model : MLP
    X : array_like of shape (n, n_in)

    Returns
    -------
    list of ndarray of int
        One array of shape (sizes[l+1],) per hidden layer: ``#{i : ẑ_l[i, j] > 0}``,
        with ``ẑ_l`` the activation's input (:meth:`MLP.activation_inputs`: ``z_l``
        itself without normalisation). A unit is dead on ``X`` exactly when its
        count is 0 (:func:`dead_units`).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return count_firing(model.activation_inputs(X))


def dead_units(model: MLP, X: npt.ArrayLike) -> list[np.ndarray]:
    """Which hidden units are below zero on every sample of a data set (dead, for ReLU).

    A unit is *dead on X* when the input of its activation satisfies ``ẑ <= 0`` for
    **every** sample in ``X`` (``docs/science.md``; the usual operational
    definition), i.e. its :func:`fire_counts` entry is 0. For ReLU such a unit
    outputs 0 and, by the left-derivative convention ``relu'(0) = 0``, passes no
    gradient on this data. The test is exact over the whole set and computed the same
    way for every activation, but it means "dead" only where
    :attr:`~core.activations.Activation.can_die` holds; for the others such a unit is
    merely below zero and still learns (:func:`no_gradient_units` measures that).
    Takes what :func:`fire_counts` takes and returns, per hidden layer, a bool array
    of shape (sizes[l+1],), True where the unit is dead.
    """
    return [c == 0 for c in fire_counts(model, X)]


def no_gradient(grads_w: Sequence[np.ndarray], grads_b: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Per hidden layer, the units whose incoming weights and bias got exactly zero gradient.

    Parameters
    ----------
    grads_w, grads_b : sequences of ndarray
        ``dL/dW_l`` of shape (sizes[l], sizes[l+1]) and ``dL/db_l`` of shape
        (sizes[l+1],) for every layer; the last (output) layer is ignored.

    Returns
    -------
    list of ndarray of bool
        One array of shape (sizes[l+1],) per hidden layer: True where
        ``dL/dW_l[:, j] = 0`` and ``dL/db_l[j] = 0`` exactly. A NaN gradient is not
        zero (a diverged network is not said to have stopped learning).
    """
    return [~np.any(gw != 0, axis=0) & (gb == 0)
            for gw, gb in zip(grads_w[:-1], grads_b[:-1], strict=True)]


def no_gradient_units(model: MLP, X: npt.ArrayLike, y: npt.ArrayLike) -> list[np.ndarray]:
    """Which hidden units get no gradient from the data loss on ``(X, y)``.

    The test that holds for every activation: a ReLU unit dead on ``X``
    (:func:`dead_units`) gets none, and neither does a unit of any activation whose
    output reaches the loss only through a layer that is entirely dead. A Leaky ReLU,
    ELU, GELU or SiLU unit below zero on every sample still gets one.

    Parameters
    ----------
    model : MLP
    X : array_like of shape (n, n_in)
    y : array_like
        Targets as for :meth:`MLP.loss`.

    Returns
    -------
    list of ndarray of bool
        Per hidden layer, shape (sizes[l+1],); see :func:`no_gradient`.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        _, gw, gb = model.loss_and_grads(X, y)
    return no_gradient(gw, gb)


@dataclass(frozen=True)
class PreactivationSummary:
    """How one layer's pre-activations are spread over a data set, unit by unit.

    Every attribute is an ndarray of shape (units,).

    Attributes
    ----------
    min, q25, median, q75, max : ndarray of float
        Quantiles 0, ¼, ½, ¾ and 1 of ``z[:, j]`` over the samples.
    fires : ndarray of int
        Number of samples with ``z > 0``.
    dead : ndarray of bool
        ``fires == 0``: ``z <= 0`` on every sample.
    """

    min: np.ndarray
    q25: np.ndarray
    median: np.ndarray
    q75: np.ndarray
    max: np.ndarray
    fires: np.ndarray
    dead: np.ndarray


def preactivation_summary(z: npt.ArrayLike) -> PreactivationSummary:
    """Per-unit distribution of pre-activations over a data set.

    Parameters
    ----------
    z : array_like of shape (n, units)
        Pre-activations of one layer, one row per sample.

    Returns
    -------
    PreactivationSummary
        Quantiles, firing counts and dead units, each of shape (units,). Non-finite
        inputs give non-finite statistics (the caller hides them).
    """
    z = np.asarray(z, dtype=float)
    if z.ndim != 2 or z.shape[0] == 0:
        raise ValueError(f"z must have shape (n >= 1, units), got {z.shape}")
    with np.errstate(invalid="ignore"):
        q = np.quantile(z, [0.0, 0.25, 0.5, 0.75, 1.0], axis=0)
    (fires,) = count_firing([z])
    return PreactivationSummary(min=q[0], q25=q[1], median=q[2], q75=q[3], max=q[4],
                                fires=fires, dead=fires == 0)


@dataclass(frozen=True)
class BigStep:
    """What one full-batch gradient step did to the units of a network.

    Attributes
    ----------
    dead_before, dead_after : list of ndarray of bool
        Per hidden layer, units dead on ``X`` before and after the step.
    died : list of ndarray of bool
        Alive before and dead after.
    revived : list of ndarray of bool
        Dead before and alive after.
    loss_before, loss_after : float
        Training loss (``loss_after`` may be inf or NaN for a huge step).
    """

    dead_before: list[np.ndarray]
    dead_after: list[np.ndarray]
    died: list[np.ndarray]
    revived: list[np.ndarray]
    loss_before: float
    loss_after: float

    @property
    def n_died(self) -> int:
        """Number of units killed by the step."""
        return int(sum(d.sum() for d in self.died))

    @property
    def n_dead_before(self) -> int:
        return int(sum(d.sum() for d in self.dead_before))

    @property
    def n_dead_after(self) -> int:
        return int(sum(d.sum() for d in self.dead_after))


def big_step(model: MLP, X: npt.ArrayLike, y: npt.ArrayLike, lr: float) -> BigStep:
    """Take ONE full-batch SGD step ``θ ← θ − lr · ∇L(θ)`` in place and count deaths.

    Parameters
    ----------
    model : MLP
        Updated in place (pass ``model.copy()`` to keep the original).
    X : array_like of shape (n, n_in)
    y : array_like
        Targets as for :meth:`MLP.loss`.
    lr : float
        Learning rate, finite and > 0.

    Returns
    -------
    BigStep
        Dead units (``z <= 0`` on all of ``X``) before and after, and which died.
    """
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be finite and > 0, got {lr!r}")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        before = [c == 0 for c in fire_counts(model, X)]
        loss_before, gw, gb = model.loss_and_grads(X, y)
        for p, g in zip((*model.weights, *model.biases), (*gw, *gb), strict=True):
            p -= lr * g
        after = [c == 0 for c in fire_counts(model, X)]
        loss_after = model.loss(X, y)
    return BigStep(
        dead_before=before,
        dead_after=after,
        died=[a & ~b for a, b in zip(after, before, strict=True)],
        revived=[b & ~a for a, b in zip(after, before, strict=True)],
        loss_before=float(loss_before),
        loss_after=float(loss_after),
    )


# --- born dead ------------------------------------------------------------------

def box_grid(dim: int, per_axis: int) -> np.ndarray:
    """A regular grid of the box ``[-√3, √3]^dim`` (the box of a unit-variance uniform).

    Parameters
    ----------
    dim : int
        Input dimension, >= 1.
    per_axis : int
        Points per axis, >= 2 (the corners are always included).

    Returns
    -------
    ndarray of shape (per_axis**dim, dim)
    """
    if dim < 1 or per_axis < 2:
        raise ValueError("need dim >= 1 and per_axis >= 2")
    axis = np.linspace(-math.sqrt(3.0), math.sqrt(3.0), per_axis)
    mesh = np.meshgrid(*([axis] * dim), indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def born_dead_first_layer(
    points: npt.ArrayLike,
    width: int,
    depth: int,
    n_inits: int,
    *,
    init: str = "he_normal",
    random_bias: bool = False,
    seed: int = 0,
    chunk: int = 256,
    callback: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """For many random ReLU networks, the first hidden layer that is dead on ``points``.

    ``n_inits`` networks with ``depth`` hidden layers of ``width`` ReLU units are drawn
    independently and run together as one batch (``einsum`` over the network axis)::

        H_0 = points                                  (m, p, d) for m networks
        Z_l = H_l W_l + b_l,  W_l (m, fan_in, width), b_l (m, 1, width)
        H_{l+1} = max(Z_l, 0)

    A network whose layer ``l`` has ``Z_l <= 0`` on every point is constant on the
    point set from layer ``l`` on. Because the first ``D`` layers of a depth-``depth``
    network are distributed exactly like a depth-``D`` network, one pass answers every
    depth ``D <= depth`` (see :func:`constant_counts`). Networks already dead are
    dropped from the batch, so narrow nets run fast.

    Parameters
    ----------
    points : array_like of shape (p, d)
        Where the network is evaluated (e.g. :func:`box_grid`, or a data set).
    width, depth : int
        Units per hidden layer and number of hidden layers, both >= 1.
    n_inits : int
        Number of random networks (Monte-Carlo size), >= 1.
    init : str, default "he_normal"
        Weight initialiser (name in :data:`core.init.INITIALISERS`): its variance rule
        and its distribution (normal or uniform).
    random_bias : bool, default False
        False: all biases 0. True: biases drawn like the layer's weights (same
        distribution and variance).
    seed : int, default 0
    chunk : int, default 256
        Networks per batch (bounds memory at ``chunk · p · width`` floats).
    callback : callable, optional
        ``callback(done, n_inits)`` after each chunk.

    Returns
    -------
    ndarray of int of shape (n_inits,)
        ``k`` in ``1 .. depth`` when hidden layer ``k`` (1-based) is the first one
        with no unit firing on any point; ``depth + 1`` when no layer is dead.
    """
    P = np.asarray(points, dtype=float)
    if P.ndim != 2 or P.shape[0] == 0:
        raise ValueError(f"points must have shape (p >= 1, d), got {P.shape}")
    for name, v in (("width", width), ("depth", depth), ("n_inits", n_inits), ("chunk", chunk)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    resolve(init)
    rng = np.random.default_rng(seed)
    first = np.full(n_inits, depth + 1, dtype=np.int64)
    done = 0
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        while done < n_inits:
            m = min(chunk, n_inits - done)
            first[done:done + m] = _first_dead_of_chunk(P, m, width, depth, init, random_bias, rng)
            done += m
            if callback is not None:
                callback(done, n_inits)
    return first


def _first_dead_of_chunk(P: np.ndarray, m: int, width: int, depth: int, init: str,
                         random_bias: bool, rng: np.random.Generator) -> np.ndarray:
    """:func:`born_dead_first_layer` for ``m`` networks run as one batch.

    The weights are drawn layer by layer, only for the networks still alive, so the
    random stream (and the result for a seed) does not depend on anything else.

    Returns
    -------
    ndarray of int of shape (m,)
        The first dead hidden layer of each network, ``depth + 1`` when none is.
    """
    first = np.full(m, depth + 1, dtype=np.int64)
    idx = np.arange(m)  # networks of this chunk still alive
    H = np.broadcast_to(P, (m, *P.shape))
    for layer in range(1, depth + 1):
        fan_in = H.shape[2]
        var = weight_variance(init, fan_in, width)
        W = draw(init, (idx.size, fan_in, width), rng, var)
        Z = np.matmul(H, W)  # batched over networks: (m,p,i) @ (m,i,j)
        if random_bias:
            Z += draw(init, (idx.size, 1, width), rng, var)
        dead = ~np.any(Z > 0, axis=(1, 2))
        if dead.any():
            first[idx[dead]] = layer
            idx, Z = idx[~dead], Z[~dead]
            if idx.size == 0:
                break
        H = np.maximum(Z, 0.0)
    return first


def constant_counts(first_dead: npt.ArrayLike, depths: Sequence[int]) -> np.ndarray:
    """How many networks are constant at each depth.

    Parameters
    ----------
    first_dead : array_like of int of shape (n,)
        From :func:`born_dead_first_layer`.
    depths : sequence of int
        Depths ``D`` to report.

    Returns
    -------
    ndarray of int of shape (len(depths),)
        ``#{networks whose first dead layer <= D}``.
    """
    f = np.asarray(first_dead)
    return np.array([int(np.count_nonzero(f <= d)) for d in depths], dtype=np.int64)


def wilson_interval(k: int | np.ndarray, n: int, z: float = 1.959963984540054) -> tuple:
    """Wilson score interval for a binomial proportion ``k / n``.

    ``centre = (p̂ + z²/2n) / (1 + z²/n)``,
    ``half = z / (1 + z²/n) · sqrt(p̂(1 − p̂)/n + z²/4n²)``; default ``z`` gives 95 %.
    Unlike the normal ("Wald") interval it stays inside [0, 1] and is not empty at
    ``k = 0`` or ``k = n``.

    Returns
    -------
    (lo, hi) : floats or ndarrays like ``k``
    """
    if n < 1:
        raise ValueError("n must be >= 1")
    k = np.asarray(k, dtype=float)
    if np.any((k < 0) | (k > n)):
        raise ValueError("k must lie in [0, n]")
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lo, hi = np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi
