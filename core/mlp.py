"""A small fully connected network in NumPy, with a backward pass that reads like the math.

Notation (weight layer ``l = 0 .. L-1``, ``L = len(sizes) - 1``; hidden layer ``l``
is weight layer ``l < L-1``)::

    h_0 = X                                   (n, sizes[0])
    z_l = h_l W_l + b_l                       (n, sizes[l+1])
    ẑ_l = N_l(z_l)                            normalisation (``norm``), else ẑ_l = z_l
    h_{l+1} = f_l(ẑ_l)                        hidden layers, f_l the layer's activation
    h_{l+1} = h_l + f_l(ẑ_l)                  ... with a skip connection (``residual``)
    a = g(z_{L-1})                            the output activation g (sigmoid / softmax /
                                              identity); the output is never normalised

Back-propagation walks the same lists backwards::

    δ_{L-1} = dL/dz_{L-1}                      (see "Losses" below)
    dL/dW_l = h_lᵀ δ_l,   dL/db_l = Σ_samples δ_l
    dL/dh_l = δ_l W_lᵀ  (+ dL/dh_{l+1} when hidden layer l has a skip)
    dL/dẑ_{l-1} = dL/dh_l ⊙ f'_{l-1}(ẑ_{l-1})
    δ_{l-1} = N'_{l-1}ᵀ dL/dẑ_{l-1}             (the identity without normalisation)

so without skips the signal reaching layer ``l`` contains the product of
``f'(ẑ_k) W_kᵀ`` over the layers above it — the source of vanishing (``σ' <= 1/4``)
and exploding gradients — while a skip adds a path that multiplies by nothing.
The forward pass and this backward pass are written once (:meth:`MLP._pass`): the
training loop runs them on preallocated buffers, and the traces, predictions and
``loss_and_grads`` on fresh arrays they hand back.

Normalisation
-------------
``norm="layer"`` or ``"batch"`` turns every hidden pre-activation into
``ẑ = γ ⊙ (z − μ) / sqrt(σ² + ε) + β`` with ``ε = 1e−5`` and biased σ², as PyTorch's
``LayerNorm`` and ``BatchNorm1d`` do; γ starts at 1 and β at 0, both trained.

``"layer"``
    μ and σ² over the layer's units, for each sample.
``"batch"``
    μ and σ² over the batch, for each unit (*batch statistics*). Every pass that
    computes a loss or gradient (``loss``, ``loss_and_grads``, ``backward_trace``,
    training, and the per-epoch metrics of :meth:`MLP.fit`) uses them. Every training
    step also updates ``running_mean ← 0.9 running_mean + 0.1 μ`` and
    ``running_var ← 0.9 running_var + 0.1 σ²·n/(n−1)`` (unbiased), starting from 0
    and 1; prediction (``forward``, ``forward_trace``, ``predict*``, ``accuracy``,
    dead units) normalises with these running averages, as PyTorch's ``eval()``
    mode does. A batch of one sample is normalised to ``ẑ = β`` exactly (no NaN),
    passes no gradient to the layers below and leaves the running averages alone,
    since its unbiased variance is undefined; :meth:`MLP.fit` folds a trailing
    one-sample mini-batch into the batch before it, so only ``batch_size=1`` (or a
    training set of one sample) meets that case.

Penalties
---------
``l1`` and ``l2`` add ``l1 · Σ|W| + l2 · ½ ΣW²`` over the weight matrices (not the
biases, not γ/β) to the mean loss; the L1 subgradient at ``W = 0`` is taken as 0.

Losses (all means over the ``n`` samples)
-----------------------------------------
``output="sigmoid"``
    One output unit, binary cross-entropy from the logit ``z``:
    ``L = mean(softplus(z) − y z)``, equal to ``−mean(y log a + (1−y) log(1−a))``
    with ``a = σ(z)`` but finite for any ``z``. ``y`` in {0, 1}, shape (n,) or (n, 1).
``output="softmax"``
    ``n_out >= 2`` units, cross-entropy with integer labels ``y`` of shape (n,):
    ``L = mean(logsumexp(z) − z_y)``.
``output="identity"``
    Mean squared error over **all** output elements, without a ½ factor:
    ``L = mean((a − y)²)``, so ``dL/dz = 2 (a − y) / (n · n_out)``. ``y`` has shape
    (n,) (when ``n_out = 1``) or (n, n_out).
``output="sigmoid_mse"``
    A sigmoid output trained with the squared error ``L = mean((σ(z) − y)²)``. Its
    output delta ``2 (a − y) σ'(z) / n`` carries the extra factor ``σ'(z) <= 1/4``,
    which vanishes when the output saturates on the wrong side; the page on
    "why BCE" shows this against the plain ``(a − y)/n`` of sigmoid + BCE.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from core import activations as _act
from core.activations import Activation
from core.dead import count_firing, dead_units, no_gradient
from core.init import init_weights, resolve

#: The sigmoid's own formula, without its wrapper (for passes whose warnings are silenced).
_SIGMOID = _act.sigmoid.__wrapped__

try:  # threadpoolctl ships with scikit-learn
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover - keep core usable without it
    ThreadpoolController = None

__all__ = [
    "MLP",
    "NORMS",
    "NORM_EPS",
    "NORM_MOMENTUM",
    "OPTIMIZERS",
    "OUTPUTS",
    "BackwardTrace",
    "History",
    "LossAndGrads",
    "Params",
    "dead_units",
    "single_threaded_blas",
]

Array = npt.NDArray[np.floating]

OUTPUTS: tuple[str, ...] = ("sigmoid", "softmax", "identity", "sigmoid_mse")
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "adam")
NORMS: tuple[str | None, ...] = (None, "layer", "batch")
#: What :meth:`MLP.fit` records per epoch (``record=``): everything, the loss, or the ends only.
RECORDS: tuple[str, ...] = ("all", "loss", "ends")
#: ε under the square root of the normalisation (PyTorch's default for both norms).
NORM_EPS = 1e-5
#: Weight of the newest batch in batch norm's running averages (PyTorch's default).
NORM_MOMENTUM = 0.1


class Params(NamedTuple):
    """Every piece of state that defines a network's function: a deep-copied snapshot.

    ``weights`` and ``biases`` always hold one array per weight layer. The
    normalisation state is empty for a network without normalisation: ``gammas``
    and ``betas`` hold one (width,) array per hidden layer when ``norm`` is set,
    ``running_mean`` and ``running_var`` only for batch norm. Built from a
    ``(weights, biases)`` pair, ``Params(weights, biases)`` is a plain network's state.

    Attributes
    ----------
    weights : list of ndarray
        ``weights[l]`` of shape (sizes[l], sizes[l+1]).
    biases : list of ndarray
        ``biases[l]`` of shape (sizes[l+1],).
    gammas, betas : sequence of ndarray
        Scale γ_l and shift β_l of each hidden layer's normalisation, shape (sizes[l+1],).
    running_mean, running_var : sequence of ndarray
        Batch norm's running averages of the per-unit batch mean and (unbiased)
        variance, shape (sizes[l+1],), used when predicting.
    """

    weights: list[Array]
    biases: list[Array]
    # Immutable defaults: a list default would be one object shared by every Params.
    gammas: Sequence[Array] = ()
    betas: Sequence[Array] = ()
    running_mean: Sequence[Array] = ()
    running_var: Sequence[Array] = ()


class LossAndGrads(tuple):
    """What :meth:`MLP.loss_and_grads` returns: unpacks as ``(loss, grads_w, grads_b)``.

    Attributes
    ----------
    loss : float
        Mean loss plus the penalty.
    grads_w, grads_b : list of ndarray
        ``dL/dW_l`` and ``dL/db_l``, shaped like ``weights`` and ``biases``.
    grads_gamma, grads_beta : list of ndarray
        ``dL/dγ_l`` and ``dL/dβ_l`` per hidden layer; empty without normalisation.
    penalty : float
        The part of ``loss`` that is the weight penalty (0 without one).
    """

    grads_gamma: list[Array]
    grads_beta: list[Array]
    penalty: float

    def __new__(cls, loss: float, grads_w: list[Array], grads_b: list[Array],
                grads_gamma: Sequence[Array] = (), grads_beta: Sequence[Array] = (),
                penalty: float = 0.0) -> LossAndGrads:
        self = super().__new__(cls, (loss, grads_w, grads_b))
        self.grads_gamma, self.grads_beta = list(grads_gamma), list(grads_beta)
        self.penalty = penalty
        return self

    def __getnewargs__(self) -> tuple:  # so that pickling keeps every field
        return (*self, self.grads_gamma, self.grads_beta, self.penalty)

    @property
    def loss(self) -> float:
        return self[0]

    @property
    def grads_w(self) -> list[Array]:
        return self[1]

    @property
    def grads_b(self) -> list[Array]:
        return self[2]


@dataclass
class BackwardTrace:
    """Everything one forward + backward pass computes.

    Attributes
    ----------
    loss : float
        Mean loss over the batch, plus the penalty when one was asked for.
    grads_w : list of ndarray
        ``grads_w[l] = dL/dW_l``, shape (sizes[l], sizes[l+1]).
    grads_b : list of ndarray
        ``grads_b[l] = dL/db_l``, shape (sizes[l+1],).
    deltas : list of ndarray
        ``deltas[l] = dL/dz_l``, shape (n, sizes[l+1]); one per layer, the last is the
        output delta.
    dh : list of ndarray
        ``dh[l] = dL/dh_l``, shape (n, sizes[l]), for ``l = 0 .. L-1``: ``dh[0]`` is the
        gradient with respect to the input ``X``, ``dh[l]`` (l >= 1) with respect to
        hidden layer ``l``'s output, through every path (skips included). This is the
        back-propagated signal whose norm the gradient-vanishing page plots per layer.
    zs : list of ndarray
        Pre-activations ``z_l = h_l W_l + b_l``, shape (n, sizes[l+1]), before any
        normalisation; the last are the output logits.
    hs : list of ndarray
        ``hs[0] = X``, ``hs[l+1] = h_{l+1}`` for hidden layers (after the skip, if
        any), ``hs[-1]`` the output after the output activation.
    grads_gamma, grads_beta : list of ndarray
        ``dL/dγ_l`` and ``dL/dβ_l``, shape (sizes[l+1],) per hidden layer; empty
        without normalisation.
    zhats : list of ndarray
        The activations' inputs ``ẑ_l`` per hidden layer, shape (n, sizes[l+1]): the
        same arrays as ``zs[:-1]`` without normalisation.
    norm_mean, norm_var : list of ndarray
        Per hidden layer, the μ and biased σ² the normalisation used: shape
        (1, sizes[l+1]) for batch norm, (n, 1) for layer norm; empty without.
    penalty : float
        The weight penalty included in ``loss`` and in ``grads_w``.

    The training passes of :meth:`MLP.fit` and :meth:`MLP.step` leave ``deltas`` and
    ``dh`` empty and write everything else into buffers that the next pass reuses.
    """

    loss: float
    grads_w: list[Array]
    grads_b: list[Array]
    deltas: list[Array]
    dh: list[Array]
    zs: list[Array]
    hs: list[Array]
    grads_gamma: list[Array] = field(default_factory=list)
    grads_beta: list[Array] = field(default_factory=list)
    zhats: list[Array] = field(default_factory=list)
    norm_mean: list[Array] = field(default_factory=list)
    norm_var: list[Array] = field(default_factory=list)
    penalty: float = 0.0

    @property
    def grads(self) -> list[Array]:
        """Every parameter's gradient, in the order of :meth:`MLP.trainable`."""
        return [*self.grads_w, *self.grads_b, *self.grads_gamma, *self.grads_beta]


@dataclass
class History:
    """What :meth:`MLP.fit` records, one row per state.

    Index ``e`` is the state after ``e`` epochs (``e = 0``: at initialisation); every
    metric is computed on the full training set. ``E_done`` is the last recorded
    epoch (``epochs``, or ``diverged_at`` if training stopped early). With batch
    norm, the training-set rows come from one pass over the whole training set with
    its batch statistics (the pass that is also the full-batch gradient), and
    ``test_acc`` from prediction with the running averages.

    Attributes
    ----------
    epochs : ndarray of shape (E_done + 1,)
        ``0 .. E_done``.
    loss : ndarray of shape (E_done + 1,)
        Training loss, the data term only (the penalty is in ``penalty``).
    penalty : ndarray of shape (E_done + 1,)
        ``l1 · Σ|W| + l2 · ½ ΣW²`` at each state; 0 without a penalty. The objective
        that training descends is ``loss + penalty``.
    train_acc, test_acc : ndarray of shape (E_done + 1,)
        Accuracies; NaN for regression (identity output) and ``test_acc`` is NaN when
        no test set was given.
    grad_norms : ndarray of shape (E_done + 1, n_layers)
        Frobenius norm of ``dL/dW_l`` for each layer, for the data loss.
    grad_h : ndarray of shape (E_done + 1, n_hidden_layers)
        Frobenius norm (over samples and units) of the back-propagated signal
        ``dL/dh_l`` at each hidden layer ``l = 1 .. L−1``, for the mean loss on the
        training set: ``core.gradients.layer_statistics(...).grad_h`` at each state.
    dead_fraction : ndarray of shape (E_done + 1, n_hidden_layers)
        Fraction of each hidden layer's units with ``ẑ <= 0`` on every training
        sample (see :func:`core.dead.dead_units`; with normalisation, on ``ẑ``):
        dead for ReLU, merely below zero for activations that cannot die.
    dead_total : ndarray of shape (E_done + 1,)
        The same over all hidden units (0 if there are none).
    no_grad_fraction : ndarray of shape (E_done + 1, n_hidden_layers)
        Fraction of each hidden layer's units whose incoming weights and bias get
        exactly zero gradient from the data loss on the training set
        (:func:`core.dead.no_gradient`): the units that have stopped learning, for
        every activation.
    no_grad_total : ndarray of shape (E_done + 1,)
        The same over all hidden units (0 if there are none).
    clipped : ndarray of bool of shape (E_done + 1,)
        ``clipped[e]``: gradient clipping rescaled at least one step of epoch ``e``
        (``clipped[0]`` is False: no step leads to the initial state).
    diverged_at : int or None
        First epoch whose loss or parameters are non-finite; training stopped there.
    snapshots : dict of int to Params
        ``epoch ->`` :class:`Params` copies for the requested epochs.
    """

    epochs: np.ndarray
    loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    grad_norms: np.ndarray
    grad_h: np.ndarray
    dead_fraction: np.ndarray
    dead_total: np.ndarray
    no_grad_fraction: np.ndarray
    no_grad_total: np.ndarray
    penalty: np.ndarray
    clipped: np.ndarray
    diverged_at: int | None = None
    snapshots: dict[int, Params] = field(default_factory=dict)


def _softmax(z: Array) -> Array:
    """Row-wise softmax, shifted by the row maximum so ``exp`` never overflows."""
    with np.errstate(under="ignore"):
        e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _logsumexp(z: Array) -> Array:
    """Row-wise ``log Σ exp z``, shape (n,)."""
    m = z.max(axis=1, keepdims=True)
    with np.errstate(under="ignore"):
        s = np.exp(z - m).sum(axis=1)
    return m[:, 0] + np.log(s)


def _check_positive_int(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_penalty(l1: float, l2: float) -> None:
    for name, v in (("l1", l1), ("l2", l2)):
        if not (isinstance(v, int | float | np.floating) and math.isfinite(v) and v >= 0):
            raise ValueError(f"{name} must be finite and >= 0, got {v!r}")


# --- normalisation ----------------------------------------------------------------


class _Norm(NamedTuple):
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


def _normalise(z: Array, axis: int, gamma: Array, beta: Array, u_out: Array | None,
               zhat_out: Array | None, stats: tuple[Array, Array] | None) -> tuple[Array, _Norm]:
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
    return zhat, _Norm(u, inv_std, mean, var)


def _normalise_backward(d: Array, norm: _Norm, axis: int, gamma: Array, ones: Array,
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


# --- buffers ----------------------------------------------------------------------


class _Fresh:
    """Stands in for a list of buffers when a pass should allocate: every item is None."""

    def __getitem__(self, i: int) -> None:
        return None


_NONE = _Fresh()


@dataclass
class _Buffers:
    """Where one pass writes its arrays, by layer; ``None`` means "a new array".

    ``z, a, h`` hold ``z_l``, ``f_l(ẑ_l)`` and (skip layers only) ``h_{l+1}``;
    ``u, zhat`` the normalisation's ``(z − μ)/σ`` and ``ẑ``; ``delta, dh`` the
    backward signals; ``gw .. gbeta`` the gradients; ``ones`` a row of ones for
    sums over the samples.
    """

    z: Sequence[Array | None] = _NONE
    u: Sequence[Array | None] = _NONE
    zhat: Sequence[Array | None] = _NONE
    a: Sequence[Array | None] = _NONE
    h: Sequence[Array | None] = _NONE
    delta: Sequence[Array | None] = _NONE
    dh: Sequence[Array | None] = _NONE
    gw: Sequence[Array | None] = _NONE
    gb: Sequence[Array | None] = _NONE
    ggamma: Sequence[Array | None] = _NONE
    gbeta: Sequence[Array | None] = _NONE
    ones: Array | None = None


#: A pass that allocates every array, so the caller owns what it returns.
_FRESH = _Buffers()


class _Workspace:
    """Buffers reused by the training passes, so a step allocates (almost) nothing.

    Fresh multi-megabyte arrays are expensive here: NumPy asks the kernel for
    zeroed (huge) pages on every large allocation, and on a busy machine a
    full-batch pass spent more time in page faults than in its matrix
    multiplies. Buffers hold ``n_max`` samples; a batch of ``n <= n_max`` uses
    their leading rows (contiguous views, made once per ``n``). The backward
    signals take turns in two buffers: dL/dh_{l+1} is read while dL/dh_l is
    written. Below a layer without a skip, dL/dẑ overwrites the dL/dh it is made
    from (nothing reads that again, and the multiply in place is up to ~25%
    faster on large batches than writing elsewhere); a skip layer's dL/dh is
    still needed, so its dL/dẑ goes to a buffer of its own.
    """

    def __init__(self, model: MLP, n_max: int) -> None:
        dtype, sizes, hidden = model.dtype, model.sizes, model.sizes[1:-1]
        self.model_sizes = sizes
        self.n_max = n_max
        self._views: dict[int, _Buffers] = {}

        def flat(width: int) -> np.ndarray:
            return np.empty(n_max * width, dtype)

        normed = model.norm is not None
        self._z = [flat(w) for w in sizes[1:]]
        self._a = [flat(w) for w in hidden]
        self._h = [flat(w) if skip else None for w, skip in zip(hidden, model.skips, strict=True)]
        self._u = [flat(w) for w in hidden] if normed else []
        self._zhat = [flat(w) for w in hidden] if normed else []
        widest = max(sizes)
        self._dh = (flat(widest), flat(widest))
        self._delta = [flat(w) if skip else None for w, skip in zip(hidden, model.skips, strict=True)]
        self.gw = [np.empty((a, b), dtype) for a, b in itertools.pairwise(sizes)]
        self.gb = [np.empty(b, dtype) for b in sizes[1:]]
        self.ggamma = [np.empty(w, dtype) for w in hidden] if normed else []
        self.gbeta = [np.empty(w, dtype) for w in hidden] if normed else []
        self._ones = np.ones(n_max, dtype)

    def rows(self, n: int) -> _Buffers:
        """The buffers for a batch of ``n <= n_max`` samples."""
        b = self._views.get(n)
        if b is None:
            sizes = self.model_sizes
            hidden = sizes[1:-1]

            def views(flats: Sequence[np.ndarray | None], widths: Sequence[int]) -> list:
                return [None if f is None else f[: n * w].reshape(n, w)
                        for f, w in zip(flats, widths, strict=True)]

            dh = views([self._dh[i % 2] for i in range(len(sizes) - 1)], sizes[:-1])
            # The very view object of dL/dh_{k+1} where δ_k overwrites it: NumPy then
            # sees an in-place ufunc and skips its memory-overlap analysis.
            delta = [d if d is not None else dh[k + 1]
                     for k, d in enumerate(views(self._delta, hidden))]
            b = self._views[n] = _Buffers(
                z=views(self._z, sizes[1:]),
                u=views(self._u, hidden[: len(self._u)]),
                zhat=views(self._zhat, hidden[: len(self._zhat)]),
                a=views(self._a, hidden),
                h=views(self._h, hidden),
                delta=delta,
                dh=dh,
                gw=self.gw, gb=self.gb, ggamma=self.ggamma, gbeta=self.gbeta,
                ones=self._ones[:n],
            )
        return b


class _Forward(NamedTuple):
    zs: list[Array]
    zhats: list[Array]
    acts: list[Array]  # f_l(ẑ_l), the same arrays as hs[l+1] where there is no skip
    hs: list[Array]
    norms: list[_Norm]


class MLP:
    """Fully connected network ``sizes = [n_in, *hidden, n_out]``.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, at least ``[n_in, n_out]``.
    activation : str, Activation, or a sequence of them, default "relu"
        Hidden activation: a name from :data:`core.activations.ACTIVATIONS` or a record
        such as ``activations.get("leaky_relu", slope=0.2)``; or one such entry per
        hidden layer (``len == n_hidden``), first layer first.
    output : {"sigmoid", "softmax", "identity", "sigmoid_mse"}, default "sigmoid"
        Output activation and its loss (see the module docstring). ``"sigmoid"`` and
        ``"sigmoid_mse"`` need ``n_out = 1``, ``"softmax"`` needs ``n_out >= 2``.
    init : str, default "he"
        Weight initialiser (:data:`core.init.INITIALISERS` key or alias such as ``"he"``).
    seed : int, default 0
        Seeds ``np.random.default_rng`` for the weights (and, by default, for
        mini-batch shuffling in :meth:`fit`).
    init_std : float, default 0.01
        Standard deviation for ``init="normal"``.
    bias_init : float, default 0.0
        Initial value of every **hidden** bias; the output bias starts at 0. A negative
        value makes ReLU units start inactive (the dead-ReLU page uses this).
    dtype : dtype, default float64
        Dtype of parameters and all computations; data are cast to it once.
    residual : bool, default False
        Skip connections: every hidden layer after the first whose input and output
        widths are equal computes ``h_{l+1} = h_l + f_l(ẑ_l)`` (see :attr:`skips`).
    norm : {None, "layer", "batch"}, default None
        Normalise every hidden pre-activation (module docstring, "Normalisation").

    Attributes
    ----------
    weights, biases, gammas, betas, running_mean, running_var : list of ndarray
        The network's state, shaped as in :class:`Params` (``get_params`` copies
        it): γ starts at 1 and β at 0, the running averages at 0 and 1, and the
        lists of state a network does not have are empty.
    activations : list of Activation
        One record per hidden layer.
    activation : Activation
        The first hidden layer's record (the only one when all layers share it).
    skips : list of bool
        Per hidden layer, whether it adds its input to its output.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Activation | Sequence[str | Activation] = "relu",
        output: str = "sigmoid",
        init: str = "he",
        seed: int = 0,
        init_std: float = 0.01,
        bias_init: float = 0.0,
        dtype: npt.DTypeLike = np.float64,
        residual: bool = False,
        norm: str | None = None,
    ) -> None:
        sizes = tuple(_check_positive_int("every layer size", s) for s in sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least [n_in, n_out], got {list(sizes)}")
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}, got {output!r}")
        if output in ("sigmoid", "sigmoid_mse") and sizes[-1] != 1:
            raise ValueError(
                f"output={output!r} needs exactly one output unit, got {sizes[-1]}; "
                "use output='softmax' for several classes"
            )
        if output == "softmax" and sizes[-1] < 2:
            raise ValueError("output='softmax' needs at least two output units")
        if norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
        self.dtype = np.dtype(dtype)
        if not np.issubdtype(self.dtype, np.floating):
            raise ValueError(f"dtype must be a floating dtype, got {self.dtype}")
        if not math.isfinite(bias_init):
            raise ValueError(f"bias_init must be finite, got {bias_init!r}")
        resolve(init)  # fail early with the list of valid names

        self.sizes = sizes
        self.activations = _resolve_activations(activation, len(sizes) - 2)
        self.activation = self.activations[0] if self.activations else _act.get(
            activation if isinstance(activation, str | Activation) else "relu")
        self.output = output
        self.init = init
        self.seed = seed
        self.init_std = init_std
        self.bias_init = bias_init
        self.residual = bool(residual)
        self.norm = norm
        self.skips = [self.residual and k >= 1 and sizes[k] == sizes[k + 1]
                      for k in range(self.n_hidden)]

        rng = np.random.default_rng(seed)
        self.weights: list[Array] = [
            init_weights(init, fan_in, fan_out, rng, std=init_std, dtype=self.dtype)
            for fan_in, fan_out in itertools.pairwise(sizes)
        ]
        self.biases: list[Array] = [
            np.full(fan_out, bias_init if i < self.n_layers - 1 else 0.0, dtype=self.dtype)
            for i, fan_out in enumerate(sizes[1:])
        ]
        hidden = sizes[1:-1] if norm is not None else ()
        self.gammas: list[Array] = [np.ones(w, self.dtype) for w in hidden]
        self.betas: list[Array] = [np.zeros(w, self.dtype) for w in hidden]
        batch = hidden if norm == "batch" else ()
        self.running_mean: list[Array] = [np.zeros(w, self.dtype) for w in batch]
        self.running_var: list[Array] = [np.ones(w, self.dtype) for w in batch]

    # --- shape helpers ---------------------------------------------------------

    @property
    def n_layers(self) -> int:
        """Number of weight layers, ``len(sizes) - 1``."""
        return len(self.sizes) - 1

    @property
    def n_hidden(self) -> int:
        """Number of hidden layers, ``len(sizes) - 2``."""
        return len(self.sizes) - 2

    @property
    def n_params(self) -> int:
        """Total number of trained parameters: weights, biases, γ and β."""
        return sum(p.size for p in self.trainable())

    def trainable(self) -> list[Array]:
        """The trained arrays themselves (not copies): ``[*weights, *biases, *gammas, *betas]``."""
        return [*self.weights, *self.biases, *self.gammas, *self.betas]

    def __repr__(self) -> str:
        names = [a.name for a in self.activations]
        act = names[0] if len(set(names)) <= 1 and names else names
        extra = (", residual=True" if self.residual else "") + (
            f", norm={self.norm!r}" if self.norm else "")
        return (
            f"MLP(sizes={list(self.sizes)}, activation={act!r}, "
            f"output={self.output!r}, init={self.init!r}, seed={self.seed}, "
            f"dtype={self.dtype.name}{extra})"
        )

    def _input(self, X: npt.ArrayLike) -> Array:
        """Cast ``X`` to the network dtype (no copy if it already is); check its shape.

        A 1-D ``X`` is accepted only when ``n_in = 1`` and means ``n`` samples.
        """
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 1 and self.sizes[0] == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != self.sizes[0] or X.shape[0] == 0:
            raise ValueError(
                f"X must have shape (n >= 1, {self.sizes[0]}), got {np.shape(X)}"
            )
        return X

    def _targets(self, y: npt.ArrayLike, n: int) -> np.ndarray:
        """Targets in the form the loss uses.

        sigmoid / sigmoid_mse: float (n, 1); softmax: int labels (n,);
        identity: float (n, n_out).
        """
        y = np.asarray(y)
        n_out = self.sizes[-1]
        if y.ndim not in (1, 2):
            raise ValueError(f"targets must be 1-D or 2-D, got shape {y.shape}")
        if self.output == "softmax":
            if y.ndim == 2 and y.shape[1] == 1:
                y = y[:, 0]
            if y.shape != (n,):
                raise ValueError(f"softmax targets must be integer labels of shape ({n},)")
            labels = y.astype(np.intp)
            if not np.array_equal(labels, y) or labels.min() < 0 or labels.max() >= n_out:
                raise ValueError(f"softmax labels must be integers in [0, {n_out - 1}]")
            return labels
        if y.size != n * n_out or (y.ndim == 1 and n_out != 1) or y.shape[0] != n:
            want = f"({n},) or ({n}, 1)" if n_out == 1 else f"({n}, {n_out})"
            raise ValueError(f"targets must have shape {want}, got {y.shape}")
        return y.reshape(n, n_out).astype(self.dtype, copy=False)

    # --- forward ---------------------------------------------------------------

    def _output_activation(self, z: Array, quiet: bool = False) -> Array:
        if self.output == "softmax":
            return _softmax(z)
        if self.output == "identity":
            return z
        # Inside fit every floating-point warning is already silenced: the same
        # formula without the wrapper's own errstate and dtype check (~10 µs a step).
        return _SIGMOID(z) if quiet else _act.sigmoid(z)

    def _forward_pass(self, X: Array, buf: _Buffers, batch_stats: bool, keep: bool = True,
                      quiet: bool = False) -> _Forward:
        """``z_l``, ``ẑ_l``, ``f_l(ẑ_l)`` and ``h_l`` of every layer (module docstring).

        ``batch_stats`` picks batch norm's statistics: the batch's own (training,
        losses, gradients) or the running averages (prediction). ``keep=False``
        keeps only the output: ``zs`` is ``[logits]``, ``hs`` is ``[output]`` and
        the other lists are empty. Each layer's arrays are then freed as soon as
        the next layer has been computed, so a prediction on ``n`` samples needs a
        few ``n × width`` arrays instead of ``2 · depth`` of them (the numbers are
        the same: the same operations run in the same order). ``quiet``: the
        caller has silenced floating-point warnings (:meth:`fit`).
        """
        L = self.n_layers
        zs, zhats, acts, norms = [], [], [], []
        hs = [X]
        h = X
        for i, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = np.matmul(h, W, out=buf.z[i])  # z_i = h_i W_i + b_i
            z += b
            if i == L - 1:
                break
            if keep:
                zs.append(z)
            zhat = z
            if self.norm is not None:  # ẑ_i = γ ⊙ (z_i − μ)/sqrt(σ² + ε) + β
                running = None if batch_stats or self.norm == "layer" else (
                    self.running_mean[i], self.running_var[i])
                zhat, nrm = _normalise(z, self._norm_axis, self.gammas[i], self.betas[i],
                                       buf.u[i], buf.zhat[i], running)
                if keep:
                    norms.append(nrm)
            a = self.activations[i].forward(zhat, buf.a[i])  # f_i(ẑ_i)
            h = np.add(h, a, out=buf.h[i]) if self.skips[i] else a  # h_{i+1} (= h_i + f_i(ẑ_i))
            if keep:
                zhats.append(zhat)
                acts.append(a)
                hs.append(h)
        zs.append(z)
        out = self._output_activation(z, quiet)
        if not keep:
            return _Forward(zs, [], [], [out], [])
        hs.append(out)
        return _Forward(zs, zhats, acts, hs, norms)

    @property
    def _norm_axis(self) -> int:
        # Batch norm averages over the samples (axis 0), layer norm over the units.
        return 0 if self.norm == "batch" else 1

    def _predict_pass(self, X: npt.ArrayLike) -> _Forward:
        return self._forward_pass(self._input(X), _FRESH, batch_stats=False)

    def forward_trace(self, X: npt.ArrayLike) -> tuple[list[Array], list[Array]]:
        """Forward pass keeping every layer (prediction mode).

        Parameters
        ----------
        X : array_like of shape (n, n_in)

        Returns
        -------
        zs : list of ndarray
            ``zs[l]`` of shape (n, sizes[l+1]): pre-activations ``h_l W_l + b_l``
            (before any normalisation), the last being the output logits.
        hs : list of ndarray
            ``hs[0] = X``, ``hs[l+1] = h_{l+1}`` for hidden layers and the output
            activation of the logits last; ``len(hs) = n_layers + 1``.
        """
        fw = self._predict_pass(X)
        return fw.zs, fw.hs

    def activation_inputs(self, X: npt.ArrayLike) -> list[Array]:
        """``ẑ_l``, the input of each hidden layer's activation (prediction mode).

        The pre-activations ``z_l`` themselves without normalisation; shape
        (n, sizes[l+1]) per hidden layer. Dead units are judged on these.
        """
        return self._predict_pass(X).zhats

    def forward(self, X: npt.ArrayLike) -> Array:
        """Network output after the output activation, shape (n, n_out) (prediction mode)."""
        return self._forward_pass(self._input(X), _FRESH, batch_stats=False, keep=False).hs[-1]

    # --- loss and backward -----------------------------------------------------

    def _loss(self, z: Array, a: Array, Y: np.ndarray) -> float:
        if self.output == "sigmoid":
            # −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y z, finite for any z.
            return float(np.mean(_act.softplus(z) - Y * z))
        if self.output == "softmax":
            n = z.shape[0]
            return float(np.mean(_logsumexp(z) - z[np.arange(n), Y]))
        return float(np.mean((a - Y) ** 2))  # identity and sigmoid_mse: no ½ factor

    def _output_delta(self, z: Array, a: Array, Y: np.ndarray) -> Array:
        """``dL/dz`` at the output logits, shape (n, n_out)."""
        n = z.shape[0]
        if self.output == "sigmoid":
            # Sigmoid + BCE: σ'(z) cancels against the loss, leaving exactly (a − y)/n.
            return (a - Y) / n
        if self.output == "softmax":
            # Softmax + cross-entropy: likewise exactly (a − onehot(y))/n.
            delta = a.copy()
            delta[np.arange(n), Y] -= 1
            return delta / n
        if self.output == "identity":
            return 2 * (a - Y) / a.size  # the MSE averages over all n · n_out elements
        # sigmoid_mse: nothing cancels, so the delta keeps the factor σ'(z) <= 1/4.
        return 2 * (a - Y) / n * _act.ACTIVATIONS["sigmoid"].df(z)

    def _pass(self, X: Array, Y: np.ndarray, buf: _Buffers, *, input_grad: bool = False,
              grad_h: np.ndarray | None = None, loss: bool = True,
              quiet: bool = False) -> BackwardTrace:
        """One forward and backward pass with batch statistics (module docstring).

        With ``buf = _FRESH`` every array is new and kept in the trace; with a
        workspace's buffers (training) the arrays are views the next pass
        overwrites, and ``deltas`` / ``dh`` are left empty. ``grad_h``, if given,
        receives ``‖dL/dh_l‖`` for the hidden layers ``l = 1 .. L−1``. Without
        ``loss`` the trace's loss is NaN: a mini-batch step of :meth:`fit` only needs
        the gradients (its losses are those of the per-epoch pass over the whole set).
        ``quiet``: floating-point warnings are silenced by the caller.
        """
        fw = self._forward_pass(X, buf, batch_stats=True, quiet=quiet)
        zs, zhats, acts, hs = fw.zs, fw.zhats, fw.acts, fw.hs
        L = self.n_layers
        loss_value = self._loss(zs[-1], hs[-1], Y) if loss else math.nan
        keep = buf is _FRESH
        ones = np.ones(X.shape[0], self.dtype) if buf.ones is None else buf.ones
        grads_w, grads_b = [None] * L, [None] * L
        grads_gamma, grads_beta = [None] * len(self.gammas), [None] * len(self.betas)
        deltas, dh = ([None] * L, [None] * L) if keep else ([], [])

        delta = self._output_delta(zs[-1], hs[-1], Y)  # δ_{L-1}, (n, n_out): small
        dh_above = None
        for i in reversed(range(L)):
            if keep:
                deltas[i] = delta
            grads_w[i] = np.matmul(hs[i].T, delta, out=buf.gw[i])  # dL/dW_i = h_iᵀ δ_i
            # dL/db_i = Σ_samples δ_i, as 1ᵀ δ_i: a BLAS call instead of a strided
            # reduction, ~15x faster for (1000, 32) (rounding differs in the last bits)
            grads_b[i] = np.matmul(ones, delta, out=buf.gb[i])
            if i == 0 and not input_grad:
                break  # training never needs dL/dX
            g = np.matmul(delta, self.weights[i].T, out=buf.dh[i])  # dL/dh_i = δ_i W_iᵀ
            if i < L - 1 and self.skips[i]:
                g += dh_above  # h_{i+1} = h_i + f_i(ẑ_i): the skip passes dL/dh_{i+1} on
            if keep:
                dh[i] = g
            if i == 0:
                break
            if grad_h is not None:
                grad_h[i - 1] = math.sqrt(np.vdot(g, g))
            k = i - 1  # hidden layer k made h_i
            d = self.activations[k].backward(g, zhats[k], acts[k], buf.delta[k])  # dL/dẑ_k
            if self.norm is not None:
                d, grads_gamma[k], grads_beta[k] = _normalise_backward(
                    d, fw.norms[k], self._norm_axis, self.gammas[k], ones,
                    buf.ggamma[k], buf.gbeta[k])
            delta, dh_above = d, g  # δ_k = dL/dz_k
        return BackwardTrace(
            loss_value, grads_w, grads_b, deltas, dh, zs, hs, grads_gamma, grads_beta, zhats,
            [nrm.mean for nrm in fw.norms], [nrm.var for nrm in fw.norms],
        )

    def _flat_sgd(self, ws: _Workspace) -> tuple[Array, Array]:
        """Hold the weights and biases in one array, and `ws`'s gradients in another.

        The arrays become views of ``params`` (their values copied unchanged), and the
        workspace's ``gw``/``gb`` buffers views of ``grads`` laid out alike, so one SGD
        update is ``params -= lr * grads``: two NumPy calls instead of two per array,
        with the same numbers (elementwise). Call before any pass uses `ws`.
        """
        arrays = [*self.weights, *self.biases]
        params = np.concatenate([a.ravel() for a in arrays])
        grads = np.empty_like(params)
        views_p, views_g, start = [], [], 0
        for a in arrays:
            views_p.append(params[start:start + a.size].reshape(a.shape))
            views_g.append(grads[start:start + a.size].reshape(a.shape))
            start += a.size
        L = self.n_layers
        self.weights[:], self.biases[:] = views_p[:L], views_p[L:]
        ws.gw[:], ws.gb[:] = views_g[:L], views_g[L:]
        return params, grads

    def _sgd_step(self, X: Array, Y: np.ndarray, buf: _Buffers, lr: float,
                  flat: tuple[Array, Array] | None = None) -> None:
        """One plain SGD step on a mini-batch, in place: :meth:`_pass` then ``θ ← θ − η g``.

        The same operations, on the same buffers and in the same order, as
        ``_pass(X, Y, buf, loss=False, quiet=True)`` followed by :meth:`fit`'s SGD
        update, so the numbers are the same to the last bit; what it leaves out is the
        bookkeeping (the trace record, the lists, the per-parameter update loop), which
        is most of a small network's step. Only for a network without normalisation
        and a step without penalty or clipping (:meth:`fit` checks). Each layer's
        parameters are updated as soon as the signal passed below them has been
        computed with their old values, or, with ``flat`` (:meth:`_flat_sgd`), all at
        once at the end.
        """
        L = self.n_layers
        W, B, acts_f, skips = self.weights, self.biases, self.activations, self.skips
        hs, acts, zs = [X], [], []
        h = X
        for i in range(L):
            z = np.matmul(h, W[i], out=buf.z[i])  # z_i = h_i W_i + b_i
            z += B[i]
            if i == L - 1:
                break
            zs.append(z)
            a = acts_f[i].forward(z, buf.a[i])
            h = np.add(h, a, out=buf.h[i]) if skips[i] else a
            acts.append(a)
            hs.append(h)
        out = self._output_activation(z, True)
        delta = self._output_delta(z, out, Y)
        ones = buf.ones
        dh_above = None
        for i in reversed(range(L)):
            gw = np.matmul(hs[i].T, delta, out=buf.gw[i])
            gb = np.matmul(ones, delta, out=buf.gb[i])
            g = None
            if i > 0:
                g = np.matmul(delta, W[i].T, out=buf.dh[i])  # with W_i before its update
                if i < L - 1 and skips[i]:
                    g += dh_above
            if flat is None:
                W[i] -= lr * gw
                B[i] -= lr * gb
            if i == 0:
                break
            k = i - 1
            delta = acts_f[k].backward(g, zs[k], acts[k], buf.delta[k])  # δ_k = dL/dz_k
            dh_above = g
        if flat is not None:
            params, grads = flat
            params -= lr * grads

    # --- penalties, clipping, running averages --------------------------------------

    def penalty(self, l1: float = 0.0, l2: float = 0.0) -> float:
        """``l1 · Σ|W| + l2 · ½ ΣW²`` over the weight matrices (not biases, not γ/β)."""
        total = 0.0
        if l1:
            total += l1 * sum(float(np.abs(W).sum()) for W in self.weights)
        if l2:
            total += 0.5 * l2 * sum(float(np.vdot(W, W)) for W in self.weights)
        return total

    def _add_penalty(self, t: BackwardTrace, l1: float, l2: float) -> BackwardTrace:
        """Add the penalty to ``t.loss`` and its gradient to ``t.grads_w`` (in place)."""
        if l1 or l2:
            for W, g in zip(self.weights, t.grads_w, strict=True):
                if l1:
                    g += l1 * np.sign(W)  # sign(0) = 0: the subgradient taken at 0
                if l2:
                    g += l2 * W
            t.penalty = self.penalty(l1, l2)
            t.loss += t.penalty
        return t

    def _update_running(self, t: BackwardTrace) -> None:
        """Batch norm: move the running averages towards the statistics of pass ``t``."""
        n = t.zs[0].shape[0]
        if self.norm != "batch" or n < 2:
            return  # one sample has no unbiased variance: leave the averages alone
        m = NORM_MOMENTUM
        for rm, rv, mean, var in zip(self.running_mean, self.running_var, t.norm_mean,
                                     t.norm_var, strict=True):
            rm *= 1 - m
            rm += m * mean[0]
            rv *= 1 - m
            rv += (m * n / (n - 1)) * var[0]

    # --- the public passes -------------------------------------------------------

    def step(self, X: npt.ArrayLike, y: npt.ArrayLike, *, lr: float = 0.1) -> float:
        """Take one plain gradient-descent step on ``(X, y)``, in place.

        ``θ ← θ − η ∇L(θ)`` for every weight, bias, γ and β, with the gradient of the
        mean loss over all of ``X`` (one full-batch step, as one epoch of
        :meth:`fit` with ``optimizer="sgd"``, ``batch_size=None``, but without
        the per-epoch metrics); batch norm's running averages move once. The model
        keeps buffers for the largest batch it has stepped on, so repeated steps
        allocate almost nothing; :meth:`copy` and pickling leave them out. BLAS
        threads are left as they are (wrap a loop of steps in
        :func:`single_threaded_blas` as :meth:`fit` does for small matrices).

        Parameters
        ----------
        X : array_like of shape (n, n_in)
            Cast to the network dtype (no copy if it already is).
        y : array_like
            Targets, as for :meth:`loss`.
        lr : float, default 0.1
            Learning rate ``η > 0``.

        Returns
        -------
        float
            The loss *before* the step (the state the gradient was taken at).
        """
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be finite and > 0, got {lr!r}")
        X = self._input(X)
        Y = self._targets(y, X.shape[0])
        ws = self._step_ws = self._workspace(self.__dict__.get("_step_ws"), X.shape[0])
        t = self._pass(X, Y, ws.rows(X.shape[0]))
        for p, g in zip(self.trainable(), t.grads, strict=True):
            g *= lr  # the gradient buffers are ours to overwrite
            p -= g
        self._update_running(t)
        return t.loss

    def _workspace(self, ws: _Workspace | None, n: int) -> _Workspace:
        """``ws`` if it holds ``n`` samples, else a new workspace for ``n``."""
        if ws is None or ws.n_max < n:
            ws = _Workspace(self, n)
        return ws

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_step_ws", None)  # scratch buffers: never worth pickling
        return state

    def __setstate__(self, state: dict) -> None:
        # Networks pickled before per-layer activations, skips and normalisation.
        n_hidden = len(state["sizes"]) - 2
        state.setdefault("activations", [state["activation"]] * n_hidden)
        state.setdefault("residual", False)
        state.setdefault("skips", [False] * n_hidden)
        state.setdefault("norm", None)
        for name in ("gammas", "betas", "running_mean", "running_var"):
            state.setdefault(name, [])
        self.__dict__.update(state)

    def _fresh_pass(self, X: npt.ArrayLike, y: npt.ArrayLike, l1: float, l2: float,
                    input_grad: bool = False) -> BackwardTrace:
        _check_penalty(l1, l2)
        X = self._input(X)
        with np.errstate(under="ignore"):
            t = self._pass(X, self._targets(y, X.shape[0]), _FRESH, input_grad=input_grad)
        return self._add_penalty(t, l1, l2)

    def loss(self, X: npt.ArrayLike, y: npt.ArrayLike, l1: float = 0.0, l2: float = 0.0) -> float:
        """Mean loss of the network on ``(X, y)`` plus the weight penalty.

        Batch norm uses the batch statistics of ``X`` (module docstring).
        """
        _check_penalty(l1, l2)
        X = self._input(X)
        with np.errstate(under="ignore"):
            fw = self._forward_pass(X, _FRESH, batch_stats=True, keep=False)
        return self._loss(fw.zs[-1], fw.hs[-1], self._targets(y, X.shape[0])) + self.penalty(l1, l2)

    def loss_and_grads(self, X: npt.ArrayLike, y: npt.ArrayLike, l1: float = 0.0,
                       l2: float = 0.0) -> LossAndGrads:
        """Loss (mean loss plus penalty) and its gradients, in new arrays.

        Returns
        -------
        LossAndGrads
            Unpacks as ``(loss, grads_w, grads_b)``; ``.grads_gamma``,
            ``.grads_beta`` and ``.penalty`` hold the rest.
        """
        t = self._fresh_pass(X, y, l1, l2)
        return LossAndGrads(t.loss, t.grads_w, t.grads_b, t.grads_gamma, t.grads_beta, t.penalty)

    def backward_trace(self, X: npt.ArrayLike, y: npt.ArrayLike, l1: float = 0.0,
                       l2: float = 0.0) -> BackwardTrace:
        """Forward and backward pass keeping every per-layer signal (see :class:`BackwardTrace`)."""
        return self._fresh_pass(X, y, l1, l2, input_grad=True)

    # --- prediction ------------------------------------------------------------

    def predict_proba(self, X: npt.ArrayLike) -> Array:
        """Class probabilities.

        Returns
        -------
        ndarray
            Shape (n,) with ``P(class 1)`` for a sigmoid output; shape (n, n_classes)
            for softmax.

        Raises
        ------
        ValueError
            For ``output="identity"`` (regression has no probabilities).
        """
        if self.output == "identity":
            raise ValueError("an identity (regression) output has no class probabilities")
        a = self.forward(X)
        return a if self.output == "softmax" else a[:, 0]

    def _labels_from_output(self, a: Array) -> np.ndarray:
        if self.output == "softmax":
            return a.argmax(axis=1)
        return (a[:, 0] > 0.5).astype(np.int64)

    def predict(self, X: npt.ArrayLike) -> np.ndarray:
        """Class labels (int64): ``P > 0.5`` for sigmoid, ``argmax`` for softmax.

        For ``output="identity"`` the regression output: shape (n,) if ``n_out = 1``,
        else (n, n_out).
        """
        a = self.forward(X)
        if self.output == "identity":
            return a[:, 0] if self.sizes[-1] == 1 else a
        return self._labels_from_output(a)

    def accuracy(self, X: npt.ArrayLike, y: npt.ArrayLike) -> float:
        """Fraction of correctly classified samples; NaN for an identity output."""
        if self.output == "identity":
            return math.nan
        return float(np.mean(self.predict(X) == np.asarray(y).reshape(-1)))

    # --- parameters ------------------------------------------------------------

    def get_params(self) -> Params:
        """Deep copies of every parameter and of the normalisation state."""
        def copies(arrays: Sequence[Array]) -> list[Array]:
            return [a.copy() for a in arrays]

        return Params(copies(self.weights), copies(self.biases), copies(self.gammas),
                      copies(self.betas), copies(self.running_mean), copies(self.running_var))

    def set_params(
        self,
        weights: Params | Sequence[npt.ArrayLike],
        biases: Sequence[npt.ArrayLike] | None = None,
        gammas: Sequence[npt.ArrayLike] | None = None,
        betas: Sequence[npt.ArrayLike] | None = None,
        running_mean: Sequence[npt.ArrayLike] | None = None,
        running_var: Sequence[npt.ArrayLike] | None = None,
    ) -> None:
        """Replace parameters by copies (cast to ``dtype``), checking every shape.

        Call it with a :class:`Params` (``set_params(p)`` or ``set_params(*p)``) or
        with the older ``(weights, biases)`` pair. Normalisation state that is not
        given (``None``) is kept as it is; an empty sequence counts as not given,
        so the pair of a plain network's :class:`Params` leaves γ/β alone.
        """
        if isinstance(weights, Params):
            if biases is not None:
                raise ValueError("give a Params alone, or weights and biases")
            weights, biases, gammas, betas, running_mean, running_var = weights
        if biases is None:
            raise ValueError("set_params needs biases with the weights (or a Params)")
        sizes = self.sizes
        new_w = self._checked("weights", weights,
                              [(a, b) for a, b in itertools.pairwise(sizes)])
        new_b = self._checked("biases", biases, [(b,) for b in sizes[1:]])
        hidden = [(w,) for w in sizes[1:-1]]
        state = {}
        for name, given, have in (("gammas", gammas, self.gammas), ("betas", betas, self.betas),
                                  ("running_mean", running_mean, self.running_mean),
                                  ("running_var", running_var, self.running_var)):
            if given is None or len(given) == 0:
                continue
            if not have:
                raise ValueError(f"this network has no {name} (its norm is {self.norm!r})")
            state[name] = self._checked(name, given, hidden)
        self.weights, self.biases = new_w, new_b
        self.__dict__.update(state)

    def _checked(self, name: str, arrays: Sequence[npt.ArrayLike],
                 shapes: list[tuple[int, ...]]) -> list[Array]:
        """Copies of ``arrays`` in the network dtype, one per expected shape."""
        out = [np.array(a, dtype=self.dtype) for a in arrays]
        if len(out) != len(shapes):
            raise ValueError(f"expected {len(shapes)} arrays of {name}, got {len(out)}")
        for i, (a, shape) in enumerate(zip(out, shapes, strict=True)):
            if a.shape != shape:
                raise ValueError(f"{name}[{i}]: expected shape {shape}, got {a.shape}")
        return out

    def copy(self) -> MLP:
        """An independent copy (parameters and normalisation state copied, settings shared)."""
        new = MLP.__new__(MLP)
        new.__dict__.update(self.__dict__)
        new.__dict__.pop("_step_ws", None)  # scratch buffers are per model
        new.__dict__.update(self.get_params()._asdict())
        return new

    def dead_units(self, X: npt.ArrayLike) -> list[np.ndarray]:
        """See :func:`core.dead.dead_units`."""
        return dead_units(self, X)

    # --- training --------------------------------------------------------------

    def fit(
        self,
        X: npt.ArrayLike,
        y: npt.ArrayLike,
        *,
        epochs: int = 100,
        lr: float = 0.1,
        optimizer: str = "sgd",
        batch_size: int | None = None,
        momentum: float = 0.9,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        l1: float = 0.0,
        l2: float = 0.0,
        clip_norm: float | None = None,
        X_test: npt.ArrayLike | None = None,
        y_test: npt.ArrayLike | None = None,
        snapshot_epochs: Iterable[int] | None = None,
        callback: Callable[[int, int], None] | None = None,
        seed: int | None = None,
        record: str = "all",
    ) -> History:
        """Train in place with mini-batch gradient descent.

        Parameters
        ----------
        X : array_like of shape (n, n_in)
        y : array_like
            Targets, as for :meth:`loss`.
        epochs : int, default 100
            Passes over the training set.
        lr : float, default 0.1
            Learning rate ``η``.
        optimizer : {"sgd", "momentum", "adam"}, default "sgd"
            ``sgd``: ``θ ← θ − η g``. ``momentum`` (classical): ``v ← μ v − η g``,
            ``θ ← θ + v``. ``adam``: ``m ← β₁ m + (1−β₁) g``,
            ``v ← β₂ v + (1−β₂) g²``, ``θ ← θ − η m̂ / (sqrt(v̂) + ε)`` with bias
            corrections ``m̂ = m/(1−β₁ᵗ)``, ``v̂ = v/(1−β₂ᵗ)``, ``t`` counting steps.
            Every optimiser updates weights, biases, γ and β alike.
        batch_size : int or None, default None
            ``None`` (or ``>= n``) is full-batch gradient descent; otherwise the data
            are reshuffled every epoch and the last batch may be smaller. With batch
            norm a last batch of one sample joins the batch before it.
        momentum : float, default 0.9
            ``μ`` for ``optimizer="momentum"``.
        betas : (float, float), default (0.9, 0.999)
            ``(β₁, β₂)`` for Adam.
        eps : float, default 1e-8
            ``ε`` for Adam.
        l1, l2 : float, default 0.0
            Weight penalty ``l1 · Σ|W| + l2 · ½ ΣW²`` added to the loss each step
            descends (module docstring). ``History.loss`` stays the data loss and
            ``History.penalty`` records the penalty.
        clip_norm : float or None, default None
            Before each step, rescale the whole gradient (every parameter together,
            penalty included) so that its global L2 norm is at most ``clip_norm``:
            ``g ← g · min(1, clip_norm / ‖g‖)``. A non-finite norm is left as it is
            (there is no direction to keep). ``History.clipped`` says in which
            epochs it acted.
        X_test, y_test : array_like, optional
            Held-out set for ``History.test_acc``.
        snapshot_epochs : iterable of int, optional
            Epochs whose parameters to keep in ``History.snapshots``. Values are
            clipped to ``[0, epochs]``; epoch 0 and the last completed epoch are
            always included when this is given.
        callback : callable, optional
            ``callback(epoch_done, epochs)`` after every epoch (e.g. a progress bar).
        seed : int, optional
            Seed for the shuffling; defaults to the model's ``seed``.
        record : {"all", "loss", "ends"}, default "all"
            What each epoch records. ``"all"``: every field of :class:`History`, from a
            forward and backward pass over the whole training set after every epoch
            (on a deep, narrow network this costs about as much as the training
            steps of a mini-batch epoch). ``"loss"``: every epoch's loss, penalty and
            accuracies from forward passes alone; the per-layer rows are NaN between
            the first and the last state. ``"ends"``: only the first and the last
            state; in between, divergence is judged from the parameters (a
            non-finite loss with finite parameters is found at the last state). The steps, and so
            the trained network, are the same in every mode. A full-batch fit
            records everything whatever ``record`` says: its training pass is the
            metrics pass.

        Returns
        -------
        History
            Metrics of every state on the full training set. A non-finite loss or
            parameter stops training and sets ``diverged_at``; floating-point warnings
            are silenced throughout, so divergence is only reported there.
        """
        epochs = _check_positive_int("epochs", epochs, minimum=0)
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be finite and > 0, got {lr!r}")
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
        if (X_test is None) != (y_test is None):
            raise ValueError("give both X_test and y_test, or neither")
        _check_penalty(l1, l2)
        if clip_norm is not None and not (math.isfinite(clip_norm) and clip_norm > 0):
            raise ValueError(f"clip_norm must be None or finite and > 0, got {clip_norm!r}")
        if record not in RECORDS:
            raise ValueError(f"record must be one of {RECORDS}, got {record!r}")

        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"), \
                single_threaded_blas():
            X = self._input(X)
            n = X.shape[0]
            Y = self._targets(y, n)
            if batch_size is not None:
                batch_size = _check_positive_int("batch_size", batch_size)
            full_batch = batch_size is None or batch_size >= n
            batches = [] if full_batch else _batches(n, batch_size, self.norm == "batch")
            classify = self.output != "identity"
            labels = self._labels_for_accuracy(Y) if classify else None
            if X_test is not None:
                Xt = self._input(X_test)
                yt = np.asarray(y_test).reshape(-1)
                if yt.shape[0] != Xt.shape[0]:
                    raise ValueError("X_test and y_test have different numbers of samples")
            wanted: set[int] = set()
            if snapshot_epochs is not None:
                wanted = {min(max(int(e), 0), epochs) for e in snapshot_epochs} | {0}

            L, n_hidden = self.n_layers, self.n_hidden
            rows = epochs + 1
            loss_h, penalty_h = np.full(rows, np.nan), np.full(rows, np.nan)
            train_acc, test_acc = np.full(rows, np.nan), np.full(rows, np.nan)
            grad_norms = np.full((rows, L), np.nan)
            grad_h = np.full((rows, n_hidden), np.nan)
            dead_fraction = np.full((rows, n_hidden), np.nan)
            dead_total = np.full(rows, np.nan)
            no_grad_fraction = np.full((rows, n_hidden), np.nan)
            no_grad_total = np.full(rows, np.nan)
            clipped = np.zeros(rows, bool)
            snapshots: dict[int, Params] = {}
            hidden_total = sum(self.sizes[1:-1])

            # One set of buffers for the whole fit; every pass overwrites the last,
            # whose metrics have been recorded and gradients applied by then.
            ws = self._workspace(None, n)  # mini-batches use its leading rows

            def metrics_pass(e: int) -> BackwardTrace:
                """The full-training-set pass of state ``e``; its ‖dL/dh_l‖ go to row ``e``."""
                return self._pass(X, Y, ws.rows(n), grad_h=grad_h[e], quiet=True)

            def record_state(e: int, t: BackwardTrace) -> bool:
                """Store the metrics of state ``e``; return False if it is non-finite."""
                loss_h[e] = t.loss
                penalty_h[e] = self.penalty(l1, l2)
                grad_norms[e] = [np.linalg.norm(g) for g in t.grads_w]
                dead = [c == 0 for c in count_firing(t.zhats)]
                dead_fraction[e] = [d.mean() for d in dead]
                dead_total[e] = sum(int(d.sum()) for d in dead) / hidden_total if n_hidden else 0.0
                frozen = no_gradient(t.grads_w, t.grads_b)  # before the penalty is added
                no_grad_fraction[e] = [d.mean() for d in frozen]
                no_grad_total[e] = (sum(int(d.sum()) for d in frozen) / hidden_total
                                    if n_hidden else 0.0)
                if classify:
                    train_acc[e] = np.mean(self._labels_from_output(t.hs[-1]) == labels)
                    if X_test is not None:
                        out = self._forward_pass(Xt, _FRESH, batch_stats=False, keep=False).hs[-1]
                        test_acc[e] = np.mean(self._labels_from_output(out) == yt)
                if e in wanted:
                    snapshots[e] = self.get_params()
                return math.isfinite(t.loss) and math.isfinite(penalty_h[e]) and finite_state()

            def finite_state() -> bool:
                state = (*self.trainable(), *self.running_mean, *self.running_var)
                return all(np.isfinite(p).all() for p in state)

            def record_loss(e: int) -> bool:
                """``record="loss"``: state ``e``'s loss and accuracies, from forward passes."""
                fw = self._forward_pass(X, ws.rows(n), batch_stats=True)
                loss_h[e] = self._loss(fw.zs[-1], fw.hs[-1], Y)
                penalty_h[e] = self.penalty(l1, l2)
                if classify:
                    train_acc[e] = np.mean(self._labels_from_output(fw.hs[-1]) == labels)
                    if X_test is not None:
                        out = self._forward_pass(Xt, _FRESH, batch_stats=False).hs[-1]
                        test_acc[e] = np.mean(self._labels_from_output(out) == yt)
                if e in wanted:
                    snapshots[e] = self.get_params()
                return math.isfinite(loss_h[e]) and math.isfinite(penalty_h[e]) and finite_state()

            # Plain SGD on a plain network: each mini-batch step in one lean pass
            # (_sgd_step: the same numbers as _pass + train_step, less bookkeeping), and
            # one update of all the parameters, held in one array (_flat_sgd).
            lean = optimizer == "sgd" and self.norm is None and not (l1 or l2) and clip_norm is None
            flat = self._flat_sgd(ws) if lean else None
            update = self._make_step(optimizer, lr, momentum, betas, eps)

            def train_step(t: BackwardTrace) -> bool:
                """Penalise, clip and apply the gradients of pass ``t``; True if clipped."""
                self._add_penalty(t, l1, l2)
                grads = t.grads
                acted = clip_norm is not None and _clip(grads, clip_norm)
                update(grads)
                self._update_running(t)
                return acted

            rng = np.random.default_rng(self.seed if seed is None else seed)
            trace = metrics_pass(0)
            done = 0
            diverged_at = None if record_state(0, trace) else 0
            while diverged_at is None and done < epochs:
                done += 1
                if full_batch:
                    # The metrics pass of the previous state already holds the
                    # full-batch gradient, so each epoch costs one pass, not two.
                    clipped[done] = train_step(trace)
                else:
                    perm = rng.permutation(n)
                    Xp, Yp = X[perm], Y[perm]
                    for batch in batches:
                        rows_b = ws.rows(batch.stop - batch.start)
                        if lean:
                            self._sgd_step(Xp[batch], Yp[batch], rows_b, lr, flat)
                            continue
                        t = self._pass(Xp[batch], Yp[batch], rows_b, loss=False, quiet=True)
                        clipped[done] |= train_step(t)
                if full_batch or record == "all" or done == epochs:
                    trace = metrics_pass(done)
                    ok = record_state(done, trace)
                elif record == "loss":
                    ok = record_loss(done)
                else:  # "ends": the parameters say it (the steps compute no loss)
                    ok = finite_state()
                    if not ok:
                        record_state(done, metrics_pass(done))  # the state it stopped in
                if not ok:
                    diverged_at = done
                if callback is not None:
                    callback(done, epochs)

            if snapshot_epochs is not None and done not in snapshots:
                snapshots[done] = self.get_params()
            k = done + 1
            return History(
                epochs=np.arange(k),
                loss=loss_h[:k],
                train_acc=train_acc[:k],
                test_acc=test_acc[:k],
                grad_norms=grad_norms[:k],
                grad_h=grad_h[:k],
                dead_fraction=dead_fraction[:k],
                dead_total=dead_total[:k],
                no_grad_fraction=no_grad_fraction[:k],
                no_grad_total=no_grad_total[:k],
                penalty=penalty_h[:k],
                clipped=clipped[:k],
                diverged_at=diverged_at,
                snapshots=snapshots,
            )

    def _labels_for_accuracy(self, Y: np.ndarray) -> np.ndarray:
        """Integer class labels from the loss targets (sigmoid targets are thresholded)."""
        if self.output == "softmax":
            return Y
        return (Y[:, 0] > 0.5).astype(np.int64)

    def _make_step(
        self,
        optimizer: str,
        lr: float,
        momentum: float,
        betas: tuple[float, float],
        eps: float,
    ) -> Callable[[list[Array]], None]:
        """Return ``step(grads)`` updating :meth:`trainable` in place (grads in that order)."""
        params = self.trainable()

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


def _resolve_activations(
    activation: str | Activation | Sequence[str | Activation], n_hidden: int
) -> list[Activation]:
    """One :class:`Activation` record per hidden layer."""
    def one(a: str | Activation) -> Activation:
        return a if isinstance(a, Activation) else _act.get(a)

    if isinstance(activation, str | Activation):
        return [one(activation)] * n_hidden
    acts = [one(a) for a in activation]
    if len(acts) != n_hidden:
        raise ValueError(f"give one activation per hidden layer: {n_hidden} needed, got {len(acts)}")
    return acts


def _batches(n: int, size: int, fold_single: bool) -> list[slice]:
    """Consecutive slices of ``size`` rows covering ``0 .. n``; the last may be shorter.

    ``fold_single``: a last batch of one row joins the one before it (batch norm
    cannot normalise a single sample by its own batch statistics).
    """
    starts = list(range(0, n, size))
    if fold_single and len(starts) > 1 and n - starts[-1] == 1:
        starts.pop()
    return [slice(a, b) for a, b in itertools.pairwise([*starts, n])]


def _clip(grads: list[Array], max_norm: float) -> bool:
    """Rescale ``grads`` in place to a global L2 norm of at most ``max_norm``; True if it did."""
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


def single_threaded_blas() -> contextlib.AbstractContextManager[object]:
    """Limit BLAS to one thread while training.

    The matrices here are small (hundreds of rows, tens of columns), where a
    multi-threaded BLAS only adds synchronisation; on a busy machine (a shared
    Streamlit host, tests in parallel) measured full-batch passes ran up to ~80x
    slower with two OpenBLAS threads than with one.
    """
    if ThreadpoolController is None:  # pragma: no cover
        return contextlib.nullcontext()
    return _blas_controller().limit(limits=1, user_api="blas")


@functools.cache
def _blas_controller() -> ThreadpoolController:
    """The process's BLAS libraries, found once.

    ``threadpoolctl.threadpool_limits`` looks for them on every call, reading the
    list of loaded libraries (~3 ms: as much as a Playground chunk's frames); a
    controller made once sets the limit in ~20 µs. Made on first use, after NumPy
    and SciPy (``core.activations``) have loaded theirs.
    """
    return ThreadpoolController()
