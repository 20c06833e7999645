"""The records of :mod:`core.mlp`: what a network's state, a pass and a fit hand back.

Shapes use the notation of :mod:`core.mlp` (``sizes = [n_in, *hidden, n_out]``,
``L = len(sizes) − 1`` weight layers, ``n`` samples). Also the names of the choices a
network and a fit accept, and the checks of their numeric arguments.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

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
        """Mean loss plus the penalty."""
        return self[0]

    @property
    def grads_w(self) -> list[Array]:
        """``dL/dW_l``, shape (sizes[l], sizes[l+1]) per layer."""
        return self[1]

    @property
    def grads_b(self) -> list[Array]:
        """``dL/db_l``, shape (sizes[l+1],) per layer."""
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


def check_positive_int(name: str, value: object, minimum: int = 1) -> int:
    """``value`` as an int, or ValueError naming ``name`` unless it is an integer ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_penalty(l1: float, l2: float) -> None:
    """ValueError unless both penalty weights are finite real numbers ``>= 0``."""
    for name, v in (("l1", l1), ("l2", l2)):
        if not (isinstance(v, int | float | np.floating) and math.isfinite(v) and v >= 0):
            raise ValueError(f"{name} must be finite and >= 0, got {v!r}")
