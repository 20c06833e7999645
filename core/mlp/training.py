"""The training loop: :meth:`core.mlp.MLP.fit`.

A fit checks its arguments, records state 0, then repeats for every epoch:

1. **the steps** (:class:`_Steps`): one per mini-batch, in a new random order each
   epoch (or one full-batch step): the gradient of the mini-batch's mean loss, plus
   the penalty's, clipped, applied by the optimiser (:mod:`core.mlp.optimisers`);
2. **the record** of the new state (:class:`_Recorder`), on the whole training set;
3. **the divergence check**: a non-finite loss, penalty or parameter stops training;
4. **the callback**, ``callback(epoch_done, epochs)``.

Recording (``record=``)
-----------------------
``"all"``
    Every field of :class:`~core.mlp.History`, from a forward and backward pass over
    the whole training set after every epoch (on a deep, narrow network this costs
    about as much as the training steps of a mini-batch epoch).
``"loss"``
    Every epoch's loss, penalty and accuracies from forward passes alone; the
    per-layer rows are NaN between the first and the last state.
``"ends"``
    Only the first and the last state; in between, divergence is judged from the
    parameters (a non-finite loss with finite parameters is found at the last state).

The steps, and so the trained network, are the same in every mode. A full-batch fit
records everything whatever ``record`` says: the pass that records state ``e`` is also
the gradient of the step from it, so each epoch costs one pass, not two.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from core.dead import count_firing, no_gradient
from core.mlp.buffers import FRESH, Workspace
from core.mlp.optimisers import clip_global_norm, flat_sgd, make_step
from core.mlp.records import (
    OPTIMIZERS,
    RECORDS,
    Array,
    BackwardTrace,
    History,
    Params,
    check_penalty,
    check_positive_int,
)

try:  # threadpoolctl ships with scikit-learn
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover - keep core usable without it
    ThreadpoolController = None

if TYPE_CHECKING:
    from core.mlp.network import MLP


def fit(model: MLP, X: npt.ArrayLike, y: npt.ArrayLike, *, epochs: int = 100, lr: float = 0.1,
        optimizer: str = "sgd", batch_size: int | None = None, momentum: float = 0.9,
        betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, l1: float = 0.0,
        l2: float = 0.0, clip_norm: float | None = None, X_test: npt.ArrayLike | None = None,
        y_test: npt.ArrayLike | None = None, snapshot_epochs: Iterable[int] | None = None,
        callback: Callable[[int, int], None] | None = None, seed: int | None = None,
        record: str = "all") -> History:
    """Train `model` in place with mini-batch gradient descent (``model.fit(X, y, ...)``).

    Parameters
    ----------
    X : array_like of shape (n, n_in)
    y : array_like
        Targets, as for :meth:`~core.mlp.MLP.loss`.
    epochs : int, default 100
        Passes over the training set.
    lr, optimizer, momentum, betas, eps
        Learning rate ``η``; ``"sgd"``, ``"momentum"`` or ``"adam"`` with its ``μ``,
        ``(β₁, β₂)`` and ``ε`` (formulas in :mod:`core.mlp.optimisers`).
    batch_size : int or None, default None
        ``None`` (or ``>= n``): full-batch gradient descent; otherwise the data are
        reshuffled every epoch and the last batch may be smaller (with batch norm, a
        last batch of one sample joins the one before it).
    l1, l2 : float, default 0.0
        Penalty ``l1 · Σ|W| + l2 · ½ ΣW²`` added to the loss each step descends;
        ``History.loss`` stays the data loss and ``History.penalty`` records it.
    clip_norm : float or None, default None
        Rescale each step's whole gradient (penalty included) to a global L2 norm of
        at most ``clip_norm`` (:func:`~core.mlp.optimisers.clip_global_norm`);
        ``History.clipped`` says in which epochs it acted.
    X_test, y_test : array_like, optional
        Held-out set for ``History.test_acc``.
    snapshot_epochs : iterable of int, optional
        Epochs (clipped to ``[0, epochs]``) whose :class:`~core.mlp.Params` to keep in
        ``History.snapshots``, with epoch 0 and the last completed epoch.
    callback : callable, optional
        ``callback(epoch_done, epochs)`` after every epoch (e.g. a progress bar).
    seed : int, optional
        Seed for the shuffling; defaults to the model's ``seed``.
    record : {"all", "loss", "ends"}, default "all"
        What each epoch records (module docstring).

    Returns
    -------
    History
        Metrics of every state on the full training set. A non-finite loss or
        parameter stops training and sets ``diverged_at``; floating-point warnings
        are silenced throughout, so divergence is only reported there.
    """
    epochs = _check(epochs, lr, optimizer, X_test, y_test, l1, l2, clip_norm, record)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"), \
            single_threaded_blas():
        data = _data(model, X, y, X_test, y_test, batch_size)
        log = _Recorder(model, data, epochs, l1, l2, snapshot_epochs)
        steps = _Steps(model, log.ws, optimizer, lr, momentum, betas, eps, l1, l2, clip_norm)
        rng = np.random.default_rng(model.seed if seed is None else seed)
        trace = log.full_pass(0)
        done = 0
        diverged_at = None if log.record_state(0, trace) else 0
        while diverged_at is None and done < epochs:
            done += 1
            if data.full_batch:  # the record of the last state holds this step's gradient
                log.clipped[done] = steps.apply(trace)
            else:
                log.clipped[done] = steps.epoch(data, rng.permutation(data.n))
            ok, trace = log.record_epoch(done, trace, record, data.full_batch or done == epochs)
            if not ok:
                diverged_at = done
            if callback is not None:
                callback(done, epochs)
        return log.history(done, diverged_at)


def _check(epochs: int, lr: float, optimizer: str, X_test: object, y_test: object, l1: float,
           l2: float, clip_norm: float | None, record: str) -> int:
    """Raise ValueError for an argument :func:`fit` cannot use; return ``epochs`` as an int."""
    epochs = check_positive_int("epochs", epochs, minimum=0)
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be finite and > 0, got {lr!r}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if (X_test is None) != (y_test is None):
        raise ValueError("give both X_test and y_test, or neither")
    check_penalty(l1, l2)
    if clip_norm is not None and not (math.isfinite(clip_norm) and clip_norm > 0):
        raise ValueError(f"clip_norm must be None or finite and > 0, got {clip_norm!r}")
    if record not in RECORDS:
        raise ValueError(f"record must be one of {RECORDS}, got {record!r}")
    return epochs


class _Data(NamedTuple):
    """A fit's data in the network's dtype and the form its loss uses."""

    X: Array  # (n, n_in)
    Y: np.ndarray  # targets as MLP._targets makes them
    n: int
    full_batch: bool
    batches: list[slice]  # empty for full-batch training
    labels: np.ndarray | None  # (n,) integer classes; None for regression
    X_test: Array | None  # (n_test, n_in)
    y_test: np.ndarray | None  # (n_test,)


def _data(model: MLP, X: npt.ArrayLike, y: npt.ArrayLike, X_test: npt.ArrayLike | None,
          y_test: npt.ArrayLike | None, batch_size: int | None) -> _Data:
    """Check and convert the training (and test) data; split ``0 .. n`` into batches."""
    X = model._input(X)
    n = X.shape[0]
    Y = model._targets(y, n)
    if batch_size is not None:
        batch_size = check_positive_int("batch_size", batch_size)
    full_batch = batch_size is None or batch_size >= n
    batches = [] if full_batch else _batches(n, batch_size, model.norm == "batch")
    labels = model._labels_for_accuracy(Y) if model.output != "identity" else None
    Xt = yt = None
    if X_test is not None:
        Xt = model._input(X_test)
        yt = np.asarray(y_test).reshape(-1)
        if yt.shape[0] != Xt.shape[0]:
            raise ValueError("X_test and y_test have different numbers of samples")
    return _Data(X, Y, n, full_batch, batches, labels, Xt, yt)


class _Steps:
    """The training steps of one fit: penalty, clipping and the optimiser's update.

    Plain SGD on a plain network takes each mini-batch step in one lean pass
    (:meth:`MLP._sgd_step`: the same numbers as :meth:`MLP._pass` and :meth:`apply`,
    less bookkeeping) and one update of all the parameters, held in one array
    (:func:`~core.mlp.optimisers.flat_sgd`).
    """

    def __init__(self, model: MLP, ws: Workspace, optimizer: str, lr: float, momentum: float,
                 betas: tuple[float, float], eps: float, l1: float, l2: float,
                 clip_norm: float | None) -> None:
        self.model, self.ws, self.lr = model, ws, lr
        self.l1, self.l2, self.clip_norm = l1, l2, clip_norm
        self.lean = optimizer == "sgd" and model.norm is None and not (l1 or l2) and clip_norm is None
        # Before any pass uses `ws`, and before the optimiser holds the parameters.
        self.flat = flat_sgd(model, ws) if self.lean else None
        self.update = make_step(model.trainable(), optimizer, lr, momentum, betas, eps)

    def apply(self, t: BackwardTrace) -> bool:
        """Penalise, clip and apply the gradients of pass ``t``; True if clipped."""
        model = self.model
        model._add_penalty(t, self.l1, self.l2)
        grads = t.grads
        acted = self.clip_norm is not None and clip_global_norm(grads, self.clip_norm)
        self.update(grads)
        model._update_running(t)
        return acted

    def epoch(self, data: _Data, perm: np.ndarray) -> bool:
        """One step per mini-batch of the rows in order ``perm``; True if any was clipped."""
        model, ws, lr, flat, lean = self.model, self.ws, self.lr, self.flat, self.lean
        Xp, Yp = data.X[perm], data.Y[perm]
        clipped = False
        for batch in data.batches:
            rows = ws.rows(batch.stop - batch.start)
            if lean:
                model._sgd_step(Xp[batch], Yp[batch], rows, lr, flat)
                continue
            t = model._pass(Xp[batch], Yp[batch], rows, loss=False, quiet=True)
            clipped |= self.apply(t)
        return clipped


class _Recorder:
    """The rows of a fit's :class:`~core.mlp.History`, filled state by state.

    Every row is NaN until recorded. ``ws`` is the one set of buffers of the whole
    fit: every pass overwrites the last, whose metrics have been recorded and
    gradients applied by then (mini-batches use its leading rows).
    """

    def __init__(self, model: MLP, data: _Data, epochs: int, l1: float, l2: float,
                 snapshot_epochs: Iterable[int] | None) -> None:
        self.model, self.data, self.l1, self.l2 = model, data, l1, l2
        self.snapshots: dict[int, Params] | None = None if snapshot_epochs is None else {}
        self.wanted = set() if snapshot_epochs is None else (
            {min(max(int(e), 0), epochs) for e in snapshot_epochs} | {0})
        rows, L, n_hidden = epochs + 1, model.n_layers, model.n_hidden
        self.loss, self.penalty = np.full(rows, np.nan), np.full(rows, np.nan)
        self.train_acc, self.test_acc = np.full(rows, np.nan), np.full(rows, np.nan)
        self.grad_norms = np.full((rows, L), np.nan)
        self.grad_h = np.full((rows, n_hidden), np.nan)
        self.dead_fraction = np.full((rows, n_hidden), np.nan)
        self.dead_total = np.full(rows, np.nan)
        self.no_grad_fraction = np.full((rows, n_hidden), np.nan)
        self.no_grad_total = np.full(rows, np.nan)
        self.clipped = np.zeros(rows, bool)
        self.hidden_total = sum(model.sizes[1:-1])
        self.ws = model._workspace(None, data.n)

    def full_pass(self, e: int) -> BackwardTrace:
        """The forward and backward pass of state ``e`` on the whole training set.

        Its ‖dL/dh_l‖ go to row ``e`` of ``grad_h``; with full-batch training its
        gradients are also those of the next step.
        """
        data = self.data
        return self.model._pass(data.X, data.Y, self.ws.rows(data.n), grad_h=self.grad_h[e],
                                quiet=True)

    def record_epoch(self, e: int, trace: BackwardTrace, record: str,
                     full: bool) -> tuple[bool, BackwardTrace]:
        """Record state ``e`` as ``record`` asks (everything when ``full``).

        Returns whether the state is finite, and the newest full pass.
        """
        if full or record == "all":
            trace = self.full_pass(e)
            return self.record_state(e, trace), trace
        if record == "loss":
            return self.record_loss(e), trace
        ok = self.finite_parameters()  # "ends": the parameters say it (the steps compute no loss)
        if not ok:
            self.record_state(e, self.full_pass(e))  # the state it stopped in
        return ok, trace

    def record_state(self, e: int, t: BackwardTrace) -> bool:
        """Store every metric of state ``e`` from its full pass ``t``; False if non-finite."""
        self.loss[e] = t.loss
        self.penalty[e] = self.model.penalty(self.l1, self.l2)
        self.grad_norms[e] = [np.linalg.norm(g) for g in t.grads_w]
        dead = [c == 0 for c in count_firing(t.zhats)]
        self.dead_fraction[e] = [d.mean() for d in dead]
        self.dead_total[e] = self._share(dead)
        frozen = no_gradient(t.grads_w, t.grads_b)  # before the penalty is added
        self.no_grad_fraction[e] = [d.mean() for d in frozen]
        self.no_grad_total[e] = self._share(frozen)
        self._accuracies(e, t.hs[-1])
        return self._finish(e)

    def record_loss(self, e: int) -> bool:
        """``record="loss"``: state ``e``'s loss and accuracies, from forward passes."""
        data, model = self.data, self.model
        fw = model._forward_pass(data.X, self.ws.rows(data.n), batch_stats=True)
        self.loss[e] = model._loss(fw.zs[-1], fw.hs[-1], data.Y)
        self.penalty[e] = model.penalty(self.l1, self.l2)
        self._accuracies(e, fw.hs[-1])
        return self._finish(e)

    def _share(self, masks: list[np.ndarray]) -> float:
        """The fraction of all hidden units that ``masks`` (one per layer) mark; 0 without any."""
        if not self.model.n_hidden:
            return 0.0
        return sum(int(m.sum()) for m in masks) / self.hidden_total

    def _accuracies(self, e: int, out: Array) -> None:
        """Training accuracy from the output ``out``; test accuracy by prediction."""
        data, model = self.data, self.model
        if data.labels is None:
            return
        self.train_acc[e] = np.mean(model._labels_from_output(out) == data.labels)
        if data.X_test is not None:
            test_out = model._forward_pass(data.X_test, FRESH, batch_stats=False, keep=False).hs[-1]
            self.test_acc[e] = np.mean(model._labels_from_output(test_out) == data.y_test)

    def _finish(self, e: int) -> bool:
        """Keep state ``e``'s snapshot if wanted; whether its loss, penalty and parameters are finite."""
        if e in self.wanted:
            self.snapshots[e] = self.model.get_params()
        return (math.isfinite(self.loss[e]) and math.isfinite(self.penalty[e])
                and self.finite_parameters())

    def finite_parameters(self) -> bool:
        """Whether every trained array and running average is finite."""
        model = self.model
        state = (*model.trainable(), *model.running_mean, *model.running_var)
        return all(np.isfinite(p).all() for p in state)

    def history(self, done: int, diverged_at: int | None) -> History:
        """The rows of states ``0 .. done``; the last state's snapshot when any were asked for."""
        snapshots = self.snapshots
        if snapshots is not None and done not in snapshots:
            snapshots[done] = self.model.get_params()
        k = done + 1
        return History(
            epochs=np.arange(k), loss=self.loss[:k], train_acc=self.train_acc[:k],
            test_acc=self.test_acc[:k], grad_norms=self.grad_norms[:k], grad_h=self.grad_h[:k],
            dead_fraction=self.dead_fraction[:k], dead_total=self.dead_total[:k],
            no_grad_fraction=self.no_grad_fraction[:k], no_grad_total=self.no_grad_total[:k],
            penalty=self.penalty[:k], clipped=self.clipped[:k], diverged_at=diverged_at,
            snapshots={} if snapshots is None else snapshots,
        )


def _batches(n: int, size: int, fold_single: bool) -> list[slice]:
    """Consecutive slices of ``size`` rows covering ``0 .. n``; the last may be shorter.

    ``fold_single``: a last batch of one row joins the one before it (batch norm
    cannot normalise a single sample by its own batch statistics).
    """
    starts = list(range(0, n, size))
    if fold_single and len(starts) > 1 and n - starts[-1] == 1:
        starts.pop()
    return [slice(a, b) for a, b in itertools.pairwise([*starts, n])]


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
