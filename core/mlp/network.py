"""The network: its state, its one forward and backward pass, prediction and parameters.

:class:`MLP` holds the weights and normalisation state and runs the passes of
:mod:`core.mlp` (see there for the formulas). Training lives in
:mod:`core.mlp.training` (:meth:`MLP.fit`), the optimisers in :mod:`core.mlp.optimisers`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from core import activations as _act
from core.activations import Activation
from core.dead import dead_units
from core.init import init_weights, resolve
from core.mlp import training as _training
from core.mlp.buffers import FRESH, Buffers, Workspace
from core.mlp.numerics import SIGMOID, Norm, logsumexp, normalise, normalise_backward, softmax
from core.mlp.records import (
    NORM_MOMENTUM,
    NORMS,
    OUTPUTS,
    Array,
    BackwardTrace,
    LossAndGrads,
    Params,
    check_penalty,
    check_positive_int,
)


class _Forward(NamedTuple):
    """Every layer's arrays from one forward pass (:meth:`MLP._forward_pass`)."""

    zs: list[Array]
    zhats: list[Array]
    acts: list[Array]  # f_l(ẑ_l), the same arrays as hs[l+1] where there is no skip
    hs: list[Array]
    norms: list[Norm]


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
        sizes = tuple(check_positive_int("every layer size", s) for s in sizes)
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
        """``a = g(z)`` from the logits ``z`` of shape (n, n_out): softmax, identity or σ."""
        if self.output == "softmax":
            return softmax(z)
        if self.output == "identity":
            return z
        # Inside fit every floating-point warning is already silenced: the same
        # formula without the wrapper's own errstate and dtype check (~10 µs a step).
        return SIGMOID(z) if quiet else _act.sigmoid(z)

    def _forward_pass(self, X: Array, buf: Buffers, batch_stats: bool, keep: bool = True,
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
                zhat, nrm = normalise(z, self._norm_axis, self.gammas[i], self.betas[i],
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
        """Every layer's arrays for ``X`` of shape (n, n_in), in prediction mode, in new arrays."""
        return self._forward_pass(self._input(X), FRESH, batch_stats=False)

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
        return self._forward_pass(self._input(X), FRESH, batch_stats=False, keep=False).hs[-1]

    # --- loss and backward -----------------------------------------------------

    def _loss(self, z: Array, a: Array, Y: np.ndarray) -> float:
        """The mean data loss from logits ``z`` and outputs ``a`` (n, n_out) (module docstring)."""
        if self.output == "sigmoid":
            # −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y z, finite for any z.
            return float(np.mean(_act.softplus(z) - Y * z))
        if self.output == "softmax":
            n = z.shape[0]
            return float(np.mean(logsumexp(z) - z[np.arange(n), Y]))
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

    def _pass(self, X: Array, Y: np.ndarray, buf: Buffers, *, input_grad: bool = False,
              grad_h: np.ndarray | None = None, loss: bool = True,
              quiet: bool = False) -> BackwardTrace:
        """One forward and backward pass with batch statistics (module docstring).

        With ``buf = FRESH`` every array is new and kept in the trace; with a
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
        keep = buf is FRESH
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
                d, grads_gamma[k], grads_beta[k] = normalise_backward(
                    d, fw.norms[k], self._norm_axis, self.gammas[k], ones,
                    buf.ggamma[k], buf.gbeta[k])
            delta, dh_above = d, g  # δ_k = dL/dz_k
        return BackwardTrace(
            loss_value, grads_w, grads_b, deltas, dh, zs, hs, grads_gamma, grads_beta, zhats,
            [nrm.mean for nrm in fw.norms], [nrm.var for nrm in fw.norms],
        )

    def _sgd_step(self, X: Array, Y: np.ndarray, buf: Buffers, lr: float,
                  flat: tuple[Array, Array] | None = None) -> None:
        """One plain SGD step on a mini-batch, in place: :meth:`_pass` then ``θ ← θ − η g``.

        The same operations, on the same buffers and in the same order, as
        ``_pass(X, Y, buf, loss=False, quiet=True)`` followed by :meth:`fit`'s SGD
        update, so the numbers are the same to the last bit; what it leaves out is the
        bookkeeping (the trace record, the lists, the per-parameter update loop), which
        is most of a small network's step. Only for a network without normalisation
        and a step without penalty or clipping (:meth:`fit` checks). Each layer's
        parameters are updated as soon as the signal passed below them has been
        computed with their old values, or, with ``flat`` (:func:`core.mlp.optimisers.flat_sgd`), all at
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
        :func:`core.mlp.single_threaded_blas` as :meth:`fit` does for small matrices).

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

    def _workspace(self, ws: Workspace | None, n: int) -> Workspace:
        """``ws`` if it holds ``n`` samples, else a new workspace for ``n``."""
        if ws is None or ws.n_max < n:
            ws = Workspace(self, n)
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
        """One pass on ``(X, y)`` in new arrays, with the penalty added (``loss_and_grads``)."""
        check_penalty(l1, l2)
        X = self._input(X)
        with np.errstate(under="ignore"):
            t = self._pass(X, self._targets(y, X.shape[0]), FRESH, input_grad=input_grad)
        return self._add_penalty(t, l1, l2)

    def loss(self, X: npt.ArrayLike, y: npt.ArrayLike, l1: float = 0.0, l2: float = 0.0) -> float:
        """Mean loss of the network on ``(X, y)`` plus the weight penalty.

        Batch norm uses the batch statistics of ``X`` (module docstring).
        """
        check_penalty(l1, l2)
        X = self._input(X)
        with np.errstate(under="ignore"):
            fw = self._forward_pass(X, FRESH, batch_stats=True, keep=False)
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
        """Class labels (n,) from outputs ``a`` (n, n_out): ``a > ½`` or ``argmax``."""
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

    #: ``model.fit(X, y, ...)`` trains in place and returns a :class:`History`; the
    #: loop and its documentation are :func:`core.mlp.training.fit`.
    fit = _training.fit

    def _labels_for_accuracy(self, Y: np.ndarray) -> np.ndarray:
        """Integer class labels from the loss targets (sigmoid targets are thresholded)."""
        if self.output == "softmax":
            return Y
        return (Y[:, 0] > 0.5).astype(np.int64)


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

