"""A small fully connected network in NumPy, with a backward pass that reads like the math.

Notation (one layer ``l = 0 .. L-1``, ``L = len(sizes) - 1``)::

    h_0 = X                                   (n, sizes[0])
    z_l = h_l W_l + b_l                       (n, sizes[l+1])
    h_{l+1} = f(z_l)        for hidden layers, f the hidden activation
    a = g(z_{L-1})          the output activation g (sigmoid / softmax / identity)

Back-propagation walks the same lists backwards::

    δ_{L-1} = dL/dz_{L-1}                      (see "Losses" below)
    dL/dW_l = h_lᵀ δ_l,   dL/db_l = Σ_samples δ_l
    dL/dh_l = δ_l W_lᵀ
    δ_{l-1} = dL/dh_l ⊙ f'(z_{l-1})

so the signal reaching layer ``l`` contains the product of ``f'(z_k) W_kᵀ`` over the
layers above it — the source of vanishing (``σ' <= 1/4``) and exploding gradients.

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
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from core import activations as _act
from core.activations import Activation
from core.init import init_weights, resolve

try:  # threadpoolctl ships with scikit-learn
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover - keep core usable without it
    threadpool_limits = None

__all__ = ["MLP", "OPTIMIZERS", "OUTPUTS", "BackwardTrace", "History", "Params", "dead_units"]

Array = npt.NDArray[np.floating]

OUTPUTS: tuple[str, ...] = ("sigmoid", "softmax", "identity", "sigmoid_mse")
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "adam")


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


@dataclass
class BackwardTrace:
    """Everything one forward + backward pass computes.

    Attributes
    ----------
    loss : float
        Mean loss over the batch.
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
        hidden layer ``l``'s activation. This is the back-propagated signal whose norm
        the gradient-vanishing page plots per layer.
    zs : list of ndarray
        Pre-activations ``z_l``, shape (n, sizes[l+1]); the last are the output logits.
    hs : list of ndarray
        ``hs[0] = X``, ``hs[l+1] = f(z_l)`` for hidden layers, ``hs[-1]`` the output
        after the output activation.
    """

    loss: float
    grads_w: list[Array]
    grads_b: list[Array]
    deltas: list[Array]
    dh: list[Array]
    zs: list[Array]
    hs: list[Array]


@dataclass
class History:
    """What :meth:`MLP.fit` records, one row per state.

    Index ``e`` is the state after ``e`` epochs (``e = 0``: at initialisation); every
    metric is computed on the full training set. ``E_done`` is the last recorded
    epoch (``epochs``, or ``diverged_at`` if training stopped early).

    Attributes
    ----------
    epochs : ndarray of shape (E_done + 1,)
        ``0 .. E_done``.
    loss : ndarray of shape (E_done + 1,)
        Training loss.
    train_acc, test_acc : ndarray of shape (E_done + 1,)
        Accuracies; NaN for regression (identity output) and ``test_acc`` is NaN when
        no test set was given.
    grad_norms : ndarray of shape (E_done + 1, n_layers)
        Frobenius norm of ``dL/dW_l`` for each layer.
    grad_h : ndarray of shape (E_done + 1, n_hidden_layers)
        Frobenius norm (over samples and units) of the back-propagated signal
        ``dL/dh_l`` at each hidden layer ``l = 1 .. L−1``, for the mean loss on the
        training set: ``core.gradients.layer_statistics(...).grad_h`` at each state.
    dead_fraction : ndarray of shape (E_done + 1, n_hidden_layers)
        Fraction of each hidden layer's units that are dead on the training set
        (see :func:`dead_units`).
    dead_total : ndarray of shape (E_done + 1,)
        Fraction of all hidden units that are dead (0 if there are none).
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


class _Workspace:
    """Buffers reused by the training passes, so a step allocates (almost) nothing.

    Fresh multi-megabyte arrays are expensive here: NumPy asks the kernel for
    zeroed (huge) pages on every large allocation, and on a busy machine a
    full-batch pass spent more time in page faults than in its matrix
    multiplies. Buffers are sized for ``n_max`` samples; a batch of ``n <= n_max``
    uses the leading rows (a contiguous view).
    """

    def __init__(self, sizes: Sequence[int], n_max: int, dtype: np.dtype) -> None:
        widest = max(sizes[1:])
        self.n_max = n_max
        self.zs = [np.empty((n_max, s), dtype) for s in sizes[1:]]
        self.hs = [np.empty((n_max, s), dtype) for s in sizes[1:-1]]
        # Two back-propagated signals alternate: δ_i is read while δ_{i-1} is written.
        self.delta = (np.empty(n_max * widest, dtype), np.empty(n_max * widest, dtype))
        self.scratch = np.empty(n_max * widest, dtype)
        self.mask = np.empty(n_max * widest, bool)
        self.ones = np.ones(n_max, dtype)
        self.grads_w = [np.empty((a, b), dtype) for a, b in itertools.pairwise(sizes)]
        self.grads_b = [np.empty(b, dtype) for b in sizes[1:]]

    @staticmethod
    def view(flat: np.ndarray, n: int, width: int) -> np.ndarray:
        """The first ``n * width`` elements of a flat buffer as an (n, width) array."""
        return flat[: n * width].reshape(n, width)


class MLP:
    """Fully connected network ``sizes = [n_in, *hidden, n_out]``.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, at least ``[n_in, n_out]``.
    activation : str or Activation, default "relu"
        Hidden activation: a name from :data:`core.activations.ACTIVATIONS` or a record
        such as ``activations.get("leaky_relu", slope=0.2)``.
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

    Attributes
    ----------
    weights : list of ndarray
        ``weights[l]`` of shape (sizes[l], sizes[l+1]).
    biases : list of ndarray
        ``biases[l]`` of shape (sizes[l+1],).
    activation : Activation
        The hidden activation record.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Activation = "relu",
        output: str = "sigmoid",
        init: str = "he",
        seed: int = 0,
        init_std: float = 0.01,
        bias_init: float = 0.0,
        dtype: npt.DTypeLike = np.float64,
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
        self.dtype = np.dtype(dtype)
        if not np.issubdtype(self.dtype, np.floating):
            raise ValueError(f"dtype must be a floating dtype, got {self.dtype}")
        if not math.isfinite(bias_init):
            raise ValueError(f"bias_init must be finite, got {bias_init!r}")
        resolve(init)  # fail early with the list of valid names

        self.sizes = sizes
        self.activation = activation if isinstance(activation, Activation) else _act.get(activation)
        self.output = output
        self.init = init
        self.seed = seed
        self.init_std = init_std
        self.bias_init = bias_init

        rng = np.random.default_rng(seed)
        self.weights: list[Array] = [
            init_weights(init, fan_in, fan_out, rng, std=init_std, dtype=self.dtype)
            for fan_in, fan_out in itertools.pairwise(sizes)
        ]
        self.biases: list[Array] = [
            np.full(fan_out, bias_init if i < self.n_layers - 1 else 0.0, dtype=self.dtype)
            for i, fan_out in enumerate(sizes[1:])
        ]
        self.norm: str | None = None
        self.gammas: list[Array] = []
        self.betas: list[Array] = []
        self.running_mean: list[Array] = []
        self.running_var: list[Array] = []

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
        """Total number of weights and biases."""
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True))

    def __repr__(self) -> str:
        return (
            f"MLP(sizes={list(self.sizes)}, activation={self.activation.name!r}, "
            f"output={self.output!r}, init={self.init!r}, seed={self.seed}, "
            f"dtype={self.dtype.name})"
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

    def _output_activation(self, z: Array) -> Array:
        if self.output == "softmax":
            return _softmax(z)
        if self.output == "identity":
            return z
        return _act.sigmoid(z)

    def _forward(self, X: Array) -> tuple[list[Array], list[Array]]:
        f = self.activation.f
        zs: list[Array] = []
        hs: list[Array] = [X]
        h = X
        last = self.n_layers - 1
        for i, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = h @ W + b
            h = f(z) if i < last else self._output_activation(z)
            zs.append(z)
            hs.append(h)
        return zs, hs

    def forward_trace(self, X: npt.ArrayLike) -> tuple[list[Array], list[Array]]:
        """Forward pass keeping every layer.

        Parameters
        ----------
        X : array_like of shape (n, n_in)

        Returns
        -------
        zs : list of ndarray
            ``zs[l]`` of shape (n, sizes[l+1]): pre-activations, the last being the
            output logits.
        hs : list of ndarray
            ``hs[0] = X``, ``hs[l+1] = f(zs[l])`` for hidden layers and the output
            activation of the logits last; ``len(hs) = n_layers + 1``.
        """
        return self._forward(self._input(X))

    def forward(self, X: npt.ArrayLike) -> Array:
        """Network output after the output activation, shape (n, n_out)."""
        return self._forward(self._input(X))[1][-1]

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

    def _backward(self, X: Array, Y: np.ndarray, *, input_grad: bool) -> BackwardTrace:
        zs, hs = self._forward(X)
        L = self.n_layers
        loss = self._loss(zs[-1], hs[-1], Y)
        df = self.activation.df
        grads_w: list[Array] = [None] * L  # type: ignore[list-item]
        grads_b: list[Array] = [None] * L  # type: ignore[list-item]
        deltas: list[Array] = [None] * L  # type: ignore[list-item]
        dh: list[Array] = [None] * L  # type: ignore[list-item]

        dZ = self._output_delta(zs[-1], hs[-1], Y)  # δ_{L-1}
        for i in reversed(range(L)):
            deltas[i] = dZ
            grads_w[i] = hs[i].T @ dZ  # dL/dW_i = h_iᵀ δ_i
            grads_b[i] = dZ.sum(axis=0)  # dL/db_i = Σ_samples δ_i
            if i == 0 and not input_grad:
                break  # training never needs dL/dX
            dH = dZ @ self.weights[i].T  # dL/dh_i = δ_i W_iᵀ
            dh[i] = dH
            if i > 0:
                dZ = dH * df(zs[i - 1])  # δ_{i-1} = dL/dh_i ⊙ f'(z_{i-1})
        return BackwardTrace(loss, grads_w, grads_b, deltas, dh, zs, hs)

    def _workspace(self, ws: _Workspace | None, n: int) -> _Workspace:
        """``ws`` if it holds ``n`` samples, else a new workspace for ``n``."""
        if ws is None or ws.n_max < n:
            ws = _Workspace(self.sizes, n, self.dtype)
        return ws

    def _train_pass(self, X: Array, Y: np.ndarray, ws: _Workspace,
                    grad_h: np.ndarray | None = None) -> BackwardTrace:
        """Forward + backward for training, computed in the buffers of ``ws``.

        The same numbers as ``_backward(X, Y, input_grad=False)`` up to rounding
        (the bias gradient is summed by BLAS), but every large array is a view into ``ws``
        and is overwritten by the next pass; ``deltas`` and ``dh`` are not kept
        (empty lists). The ReLU and tanh derivatives are taken from cached
        values (``z > 0`` and ``1 − h²``), which is exactly what ``df(z)``
        computes, without the temporaries.
        """
        n = X.shape[0]
        act = self.activation
        relu, tanh = _act.ACTIVATIONS["relu"], _act.ACTIVATIONS["tanh"]
        is_relu = act.f is relu.f and act.df is relu.df
        is_tanh = act.f is tanh.f and act.df is tanh.df
        L = self.n_layers
        zs: list[Array] = []
        hs: list[Array] = [X]
        h = X
        for i, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = ws.zs[i][:n]
            np.matmul(h, W, out=z)
            z += b
            if i == L - 1:
                h = self._output_activation(z)  # (n, n_out): small
            elif is_relu:
                h = np.maximum(z, 0, out=ws.hs[i][:n])
            elif is_tanh:
                with np.errstate(under="ignore"):
                    h = np.tanh(z, out=ws.hs[i][:n])
            else:
                h = act.f(z)
            zs.append(z)
            hs.append(h)
        loss = self._loss(zs[-1], hs[-1], Y)

        dZ = self._output_delta(zs[-1], hs[-1], Y)  # δ_{L-1}, (n, n_out): small
        for i in reversed(range(L)):
            np.matmul(hs[i].T, dZ, out=ws.grads_w[i])  # dL/dW_i = h_iᵀ δ_i
            # dL/db_i = Σ_samples δ_i, as 1ᵀ δ_i: a BLAS call instead of a strided
            # reduction, ~15x faster for (1000, 32) (rounding differs in the last bits)
            np.matmul(ws.ones[:n], dZ, out=ws.grads_b[i])
            if i == 0:
                break  # training never needs dL/dX
            width = self.sizes[i]
            dH = ws.view(ws.delta[i % 2], n, width)
            np.matmul(dZ, self.weights[i].T, out=dH)  # dL/dh_i = δ_i W_iᵀ
            if grad_h is not None:
                grad_h[i - 1] = math.sqrt(np.vdot(dH, dH))
            # δ_{i-1} = dL/dh_i ⊙ f'(z_{i-1}), in place
            if is_relu:
                mask = ws.view(ws.mask, n, width)
                np.greater(zs[i - 1], 0, out=mask)
                np.multiply(dH, mask, out=dH)
            elif is_tanh:
                d = ws.view(ws.scratch, n, width)
                np.multiply(hs[i], hs[i], out=d)
                np.subtract(1, d, out=d)
                np.multiply(dH, d, out=dH)
            else:
                dH *= act.df(zs[i - 1])
            dZ = dH
        return BackwardTrace(loss, ws.grads_w, ws.grads_b, [], [], zs, hs)

    def step(self, X: npt.ArrayLike, y: npt.ArrayLike, *, lr: float = 0.1) -> float:
        """Take one plain gradient-descent step on ``(X, y)``, in place.

        ``θ ← θ − η ∇L(θ)`` for every weight and bias, with the gradient of the
        mean loss over all of ``X`` (one full-batch step, as one epoch of
        :meth:`fit` with ``optimizer="sgd"``, ``batch_size=None``, but without
        the per-epoch metrics). The model keeps buffers for the largest batch it
        has stepped on, so repeated steps allocate almost nothing; :meth:`copy`
        and pickling leave them out. BLAS threads are left as they are (wrap a
        loop of steps in ``threadpoolctl.threadpool_limits(1)`` as :meth:`fit`
        does for small matrices).

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
        t = self._train_pass(X, Y, ws)
        for p, g in zip((*self.weights, *self.biases), (*t.grads_w, *t.grads_b), strict=True):
            g *= lr  # the gradient buffers are ours to overwrite
            p -= g
        return t.loss

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_step_ws", None)  # scratch buffers: never worth pickling
        return state

    def loss(self, X: npt.ArrayLike, y: npt.ArrayLike) -> float:
        """Mean loss of the network on ``(X, y)`` (see the module docstring)."""
        X = self._input(X)
        zs, hs = self._forward(X)
        return self._loss(zs[-1], hs[-1], self._targets(y, X.shape[0]))

    def loss_and_grads(
        self, X: npt.ArrayLike, y: npt.ArrayLike
    ) -> tuple[float, list[Array], list[Array]]:
        """Loss and its gradients.

        Returns
        -------
        loss : float
        grads_w : list of ndarray
            ``dL/dW_l``, shaped like ``weights``.
        grads_b : list of ndarray
            ``dL/db_l``, shaped like ``biases``.
        """
        X = self._input(X)
        t = self._train_pass(X, self._targets(y, X.shape[0]), self._workspace(None, X.shape[0]))
        return t.loss, [g.copy() for g in t.grads_w], [g.copy() for g in t.grads_b]

    def backward_trace(self, X: npt.ArrayLike, y: npt.ArrayLike) -> BackwardTrace:
        """Forward and backward pass keeping every per-layer signal (see :class:`BackwardTrace`)."""
        X = self._input(X)
        return self._backward(X, self._targets(y, X.shape[0]), input_grad=True)

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
        """See :func:`dead_units`."""
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
        X_test: npt.ArrayLike | None = None,
        y_test: npt.ArrayLike | None = None,
        snapshot_epochs: Iterable[int] | None = None,
        callback: Callable[[int, int], None] | None = None,
        seed: int | None = None,
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
        batch_size : int or None, default None
            ``None`` (or ``>= n``) is full-batch gradient descent; otherwise the data
            are reshuffled every epoch and the last batch may be smaller.
        momentum : float, default 0.9
            ``μ`` for ``optimizer="momentum"``.
        betas : (float, float), default (0.9, 0.999)
            ``(β₁, β₂)`` for Adam.
        eps : float, default 1e-8
            ``ε`` for Adam.
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

        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"), \
                _single_threaded_blas():
            X = self._input(X)
            n = X.shape[0]
            Y = self._targets(y, n)
            if batch_size is not None:
                batch_size = _check_positive_int("batch_size", batch_size)
            full_batch = batch_size is None or batch_size >= n
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
            loss_h = np.full(epochs + 1, np.nan)
            train_acc = np.full(epochs + 1, np.nan)
            test_acc = np.full(epochs + 1, np.nan)
            grad_norms = np.full((epochs + 1, L), np.nan)
            grad_h = np.full((epochs + 1, n_hidden), np.nan)
            dead_fraction = np.full((epochs + 1, n_hidden), np.nan)
            dead_total = np.full(epochs + 1, np.nan)
            snapshots: dict[int, Params] = {}
            hidden_total = sum(self.sizes[1:-1])

            def metrics_pass(e: int) -> BackwardTrace:
                """The full-training-set pass of state ``e``; its ‖dL/dh_l‖ go to row ``e``."""
                return self._train_pass(X, Y, ws, grad_h=grad_h[e])

            def record(e: int, t: BackwardTrace) -> bool:
                """Store the metrics of state ``e``; return False if it is non-finite."""
                loss_h[e] = t.loss
                grad_norms[e] = [np.linalg.norm(g) for g in t.grads_w]
                dead = [np.all(z <= 0, axis=0) for z in t.zs[:-1]]
                dead_fraction[e] = [d.mean() for d in dead]
                dead_total[e] = sum(int(d.sum()) for d in dead) / hidden_total if n_hidden else 0.0
                if classify:
                    train_acc[e] = np.mean(self._labels_from_output(t.hs[-1]) == labels)
                    if X_test is not None:
                        out = self._forward(Xt)[1][-1]
                        test_acc[e] = np.mean(self._labels_from_output(out) == yt)
                if e in wanted:
                    snapshots[e] = self.get_params()
                return math.isfinite(t.loss) and all(
                    np.isfinite(p).all() for p in (*self.weights, *self.biases)
                )

            step = self._make_step(optimizer, lr, momentum, betas, eps)
            rng = np.random.default_rng(self.seed if seed is None else seed)

            # One set of buffers for the whole fit; every pass overwrites the last,
            # whose metrics have been recorded and gradients applied by then.
            ws = self._workspace(None, n)  # mini-batches use its leading rows
            trace = metrics_pass(0)
            done = 0
            diverged_at = None if record(0, trace) else 0
            while diverged_at is None and done < epochs:
                if full_batch:
                    # The metrics pass of the previous state already holds the
                    # full-batch gradient, so each epoch costs one pass, not two.
                    step(trace.grads_w, trace.grads_b)
                else:
                    perm = rng.permutation(n)
                    Xp, Yp = X[perm], Y[perm]
                    for start in range(0, n, batch_size):
                        batch = slice(start, start + batch_size)
                        t = self._train_pass(Xp[batch], Yp[batch], ws)
                        step(t.grads_w, t.grads_b)
                done += 1
                trace = metrics_pass(done)
                if not record(done, trace):
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
    ) -> Callable[[list[Array], list[Array]], None]:
        """Return ``step(grads_w, grads_b)`` updating the parameters in place."""
        params = [*self.weights, *self.biases]

        if optimizer == "sgd":

            def step(gw: list[Array], gb: list[Array]) -> None:
                for p, g in zip(params, (*gw, *gb), strict=True):
                    p -= lr * g

        elif optimizer == "momentum":
            velocity = [np.zeros_like(p) for p in params]

            def step(gw: list[Array], gb: list[Array]) -> None:
                for p, v, g in zip(params, velocity, (*gw, *gb), strict=True):
                    v *= momentum
                    v -= lr * g  # v ← μ v − η g
                    p += v

        else:
            beta1, beta2 = betas
            m = [np.zeros_like(p) for p in params]
            v = [np.zeros_like(p) for p in params]
            t = 0

            def step(gw: list[Array], gb: list[Array]) -> None:
                nonlocal t
                t += 1
                for p, m_i, v_i, g in zip(params, m, v, (*gw, *gb), strict=True):
                    m_i *= beta1
                    m_i += (1 - beta1) * g  # m ← β₁ m + (1−β₁) g
                    v_i *= beta2
                    v_i += (1 - beta2) * (g * g)  # v ← β₂ v + (1−β₂) g²
                    m_hat = m_i / (1 - beta1**t)
                    v_hat = v_i / (1 - beta2**t)
                    p -= lr * m_hat / (np.sqrt(v_hat) + eps)

        return step


def _single_threaded_blas() -> contextlib.AbstractContextManager[object]:
    """Limit BLAS to one thread while training.

    The matrices here are small (hundreds of rows, tens of columns), where a
    multi-threaded BLAS only adds synchronisation; on a busy machine (a shared
    Streamlit host, tests in parallel) measured full-batch passes ran up to ~80x
    slower with two OpenBLAS threads than with one.
    """
    if threadpool_limits is None:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def dead_units(model: MLP, X: npt.ArrayLike) -> list[np.ndarray]:
    """Which hidden units are dead on a data set.

    A unit is *dead on X* when its pre-activation satisfies ``z <= 0`` for **every**
    sample in ``X`` (``docs/science.md``; the usual operational definition). For ReLU such a
    unit outputs 0 and, by the left-derivative convention ``relu'(0) = 0``, passes no
    gradient on this data. The test is exact over the whole set and computed the same
    way for every activation, though it only means "cannot learn" for ReLU-like ones.

    Parameters
    ----------
    model : MLP
    X : array_like of shape (n, n_in)

    Returns
    -------
    list of ndarray of bool
        One array of shape (sizes[l+1],) per hidden layer, True where the unit is dead.
    """
    zs, _ = model.forward_trace(X)
    return [np.all(z <= 0, axis=0) for z in zs[:-1]]
