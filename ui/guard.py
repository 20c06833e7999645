"""A compute budget per request, so one visitor cannot hold a shared server.

The cost model
--------------
Costs are **seconds of one core**, predicted from what :meth:`core.mlp.MLP.fit` does
(counted by :func:`fit_work`) times the rates in :data:`RATES`, which
``benchmarks/guard.py`` fits by least squares to timed fits. One *pass* is a forward and
a backward pass over some rows; a fit of ``E`` epochs over ``n`` samples with batches
of ``b`` makes

* ``E · (⌈n / b⌉ + 1) + 1`` passes: every epoch's mini-batches, plus the pass over
  the whole training set that records the epoch's loss (and the one before training);
  full-batch training makes ``E + 1``, because that pass is also the gradient;
* ``2E + 1`` (full batch: ``E + 1``) passes' worth of sample rows.

That is ``MLP.fit(record="all")``. A fit that records less (``record="loss"``: a forward
pass over the training set after every epoch; ``"ends"``: the full pass before training
and after the last epoch only) makes the same training steps and fewer recording passes
(:func:`fit_work`'s ``record``).

and it costs

    passes · (pass + layer · L + param · P) + rows · (mac · M + unit · U) + epoch · E

with ``L`` layers, ``P`` parameters (each step's update, and the vector–matrix
products of batches of one, touch every weight), ``M`` multiply-adds per sample of a
forward + backward pass (``2 · n_in · w₁`` for the first layer, which needs no input
gradient, ``3 · a · b`` for every other ``a → b`` layer) and ``U`` units (activations
and their derivatives, elementwise), each weighted by what its activation costs
(:data:`ACT_WEIGHTS`: GELU's is ten times ReLU's). The first two terms are the *fixed overhead per
step* (Python and NumPy calls, and the update), the next two the work per sample; the
last is the metrics each epoch records. A multiply-add count alone misses the overhead
that a batch of one multiplies (a step of Playground's largest network costs ~0.2 ms
whatever its batch); ``BENCHMARKS.md`` (section "The compute guard's cost model")
shows how far each model is off.

A request asking for more than :data:`BUDGET` seconds gets its epochs cut down to fit,
then its samples, and the page says so (:func:`note_budget`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

import streamlit as st

from ui.i18n import Translator


@dataclass(frozen=True)
class Work:
    """What some training (or drawing) does, counted the way :data:`RATES` prices it."""

    #: Forward + backward passes (steps), each with a fixed overhead.
    passes: float = 0.0
    #: Σ over passes of the network's layers (per-layer calls of every pass).
    layer_passes: float = 0.0
    #: Σ over passes of the network's parameters (the update; weights read per step).
    param_passes: float = 0.0
    #: Multiply-adds.
    macs: float = 0.0
    #: Unit-samples (activation values and derivatives, elementwise), each weighted by its
    #: activation's cost relative to tanh (:data:`ACT_WEIGHTS`).
    units: float = 0.0
    #: Epochs (each records its metrics).
    epochs: float = 0.0
    #: Frames of the Playground's diagram (:func:`frame_work`): a fixed cost each...
    frames: float = 0.0
    #: ...and one per node of each (its map's range, its dead-unit check, its encoding).
    nodes: float = 0.0

    def __add__(self, other: Work) -> Work:
        return Work(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Work)))

    def __mul__(self, k: float) -> Work:
        return Work(*(getattr(self, f.name) * k for f in fields(Work)))

    __rmul__ = __mul__

    def seconds(self, rates: Work | None = None) -> float:
        """Predicted seconds of one core: Σ count × rate."""
        r = RATES if rates is None else rates
        return sum(getattr(self, f.name) * getattr(r, f.name) for f in fields(Work))


#: Seconds of one core per unit of each count of :class:`Work`, fitted by
#: ``python -m benchmarks.guard`` on 2026-12-05 (AMD EPYC, 2 shared cores, NumPy 2.4 with
#: OpenBLAS 0.3, one BLAS thread), after the lean SGD step and the batched diagram maps:
#: 12 % rms error over 128 timed fits, −33 % .. +26 % at worst (BENCHMARKS.md, "The
#: compute guard's cost model"). The rates before those changes over-priced plain SGD
#: and the diagram's frames by up to 2.8×.
RATES = Work(passes=6.41e-06, layer_passes=1.42e-05, param_passes=2.35e-09, macs=4.76e-11,
             units=2.36e-08, epochs=2.28e-04, frames=1.6e-04, nodes=8.69e-06)
#: Each activation's elementwise cost (forward and derivative, per unit-sample) relative
#: to tanh's, measured by the same benchmark. The output unit counts as a sigmoid.
ACT_WEIGHTS: dict[str, float] = {
    "identity": 0.38, "sigmoid": 0.97, "tanh": 1.0, "relu": 0.32, "leaky_relu": 0.6, "elu": 1.5,
    "gelu": 1.9, "silu": 1.9, "softplus": 1.6,
}
#: The weight of a network whose activations are not given: the dearest, so that the
#: guard errs on the safe side.
UNKNOWN_ACT = max(ACT_WEIGHTS.values())

#: Seconds of one core one request may spend on training, all networks together: the
#: dearest default request (the vanishing page's depth sweep, ~3.3 s) fits.
BUDGET = 4.0

Acts = str | Sequence[str] | None


def sizes_of(depth: int, width: int, n_in: int = 2, n_out: int = 1) -> tuple[int, ...]:
    """Layer sizes of `depth` hidden layers of `width` units: ``(n_in, width, …, n_out)``."""
    return (n_in, *[width] * depth, n_out)


def _weights(sizes: Sequence[int], acts: Acts) -> list[float]:
    """Each non-input layer's activation weight (:data:`ACT_WEIGHTS`); the output's a sigmoid's."""
    hidden = len(sizes) - 2
    if acts is None:
        names: list[str | None] = [None] * hidden
    elif isinstance(acts, str):
        names = [acts] * hidden
    else:
        names = [*acts, *[None] * hidden][:hidden]
    w = [ACT_WEIGHTS.get(a, UNKNOWN_ACT) if a is not None else UNKNOWN_ACT for a in names]
    return [*w, ACT_WEIGHTS["sigmoid"]]


def _per_sample(sizes: Sequence[int], acts: Acts) -> tuple[int, float, int]:
    """Multiply-adds of one sample's forward + backward pass, weighted units, parameters."""
    pairs = list(itertools.pairwise(sizes))
    macs = sum(a * b * (2 if i == 0 else 3) for i, (a, b) in enumerate(pairs))
    units = sum(b * w for (_, b), w in zip(pairs, _weights(sizes, acts), strict=True))
    return macs, units, sum(a * b + b for a, b in pairs)


def pass_work(sizes: Sequence[int], rows: float, passes: float = 1.0, acts: Acts = None) -> Work:
    """`passes` forward + backward passes whose rows add up to `rows` samples."""
    macs, units, params = _per_sample(sizes, acts)
    layers = len(sizes) - 1
    return Work(passes=passes, layer_passes=passes * layers, param_passes=passes * params,
                macs=rows * macs, units=rows * units)


#: What :meth:`core.mlp.MLP.fit` may record (its ``record=``), as :func:`fit_work` prices it.
RECORDS = ("all", "loss", "ends")


def fit_work(sizes: Sequence[int], n_samples: int, epochs: int, batch: int | None = None,
             acts: Acts = None, record: str = "all") -> Work:
    """What :meth:`core.mlp.MLP.fit` does for `epochs` over `n_samples` (module docstring).

    ``batch`` None (or ``>= n_samples``) is full-batch training; ``acts`` the hidden
    layers' activations (one name for all; None: the dearest, :data:`UNKNOWN_ACT`).
    ``record`` is the fit's ``record=``: ``"all"`` makes a full pass over the training
    set before training and after every epoch; ``"loss"`` makes the first and last of
    those and a forward pass after every other epoch; ``"ends"`` the first and last only.
    A full-batch fit records everything whatever ``record`` says (its training pass is
    the recording pass).
    """
    if record not in RECORDS:
        raise ValueError(f"record must be one of {RECORDS}, got {record!r}")
    n = max(int(n_samples), 0)
    if batch is None or batch >= n:
        return pass_work(sizes, n * (epochs + 1), epochs + 1, acts) + Work(epochs=epochs)
    steps = epochs * math.ceil(n / max(int(batch), 1))
    train = pass_work(sizes, n * epochs, steps, acts) + Work(epochs=epochs)
    if record == "all" or epochs == 0:
        return train + pass_work(sizes, n * (epochs + 1), epochs + 1, acts)
    ends = pass_work(sizes, 2 * n, 2, acts)
    if record == "loss":
        return train + ends + forward_work(sizes, n * (epochs - 1), epochs - 1, acts)
    return train + ends


def forward_work(sizes: Sequence[int], rows: float, passes: float = 1.0, acts: Acts = None) -> Work:
    """`passes` forward passes only (a prediction over `rows` points in all): a third of a
    training pass's multiply-adds, half of its elementwise work, calls and overhead."""
    w = pass_work(sizes, rows, passes, acts)
    forward = sum(a * b for a, b in itertools.pairwise(sizes))
    return Work(passes=w.passes / 2, layer_passes=w.layer_passes / 2, macs=rows * forward,
                units=w.units / 2)


def frame_work(sizes: Sequence[int], n_train: int, n_test: int, resolution: int,
               output_resolution: int, acts: Acts = None) -> Work:
    """One frame of the Playground's diagram (``core.network_view.snapshot_views`` and the
    test loss): every node's map over a ``resolution²`` grid and the output's over
    ``output_resolution²`` (forward passes), the gradients on the training set (a
    forward + backward pass), the test loss (a forward pass), then each node's range,
    dead-unit check and encoding."""
    return (forward_work(sizes, resolution**2, acts=acts)
            + forward_work(sizes, output_resolution**2, acts=acts)
            + pass_work(sizes, n_train, acts=acts) + forward_work(sizes, n_test, acts=acts)
            + Work(frames=1, nodes=sum(sizes)))


def training_cost(depth: int, width: int, n_samples: int, epochs: int, runs: int = 1,
                  n_in: int = 2, batch: int | None = None, acts: Acts = None,
                  record: str = "all") -> float:
    """Seconds of one core for `runs` fits of `depth` × `width` networks (module docstring)."""
    return runs * fit_work(sizes_of(depth, width, n_in), n_samples, epochs, batch, acts,
                           record).seconds()


def forward_cost(depth: int, width: int, n_points: int, runs: int = 1, n_in: int = 2,
                 acts: Acts = None) -> float:
    """Seconds of one core for one forward pass of `runs` networks over `n_points` points."""
    return runs * forward_work(sizes_of(depth, width, n_in), n_points, acts=acts).seconds()


@dataclass(frozen=True)
class Budget:
    """The epochs (and samples) a request may use and whether it was cut down.

    ``cost`` is what the request as asked would cost, in seconds of one core.
    """

    epochs: int
    requested: int
    cost: float
    n_samples: int
    requested_samples: int

    @property
    def capped(self) -> bool:
        return self.epochs < self.requested or self.n_samples < self.requested_samples


def budget_epochs(depth: int, width: int, n_samples: int, epochs: int, runs: int = 1,
                  n_in: int = 2, budget: float | None = None, batch: int | None = None,
                  acts: str | Sequence[str] | None = None,
                  record: str | Sequence[str] = "all") -> Budget:
    """Cap `epochs` so the whole request stays within `budget` seconds (:data:`BUDGET`).

    Epochs are cut first; if even one epoch is over budget, the number of
    samples is cut too (never below 10), so a request is always bounded.
    ``batch`` is the mini-batch size the request trains with (None: full batch);
    smaller batches cost more steps, so fewer epochs fit. ``acts`` is the activation of
    every run (one name), or of each run (``runs`` names, in any order); None counts
    the dearest (:data:`UNKNOWN_ACT`). ``record`` is what each fit records
    (:func:`fit_work`): one mode for every run, or one per run, in the order of ``acts``.
    """
    budget = BUDGET if budget is None else budget

    per_run = [acts] * runs if acts is None or isinstance(acts, str) else list(acts)
    if len(per_run) != runs:
        raise ValueError(f"give one activation per run ({runs}), got {len(per_run)}")
    records = [record] * runs if isinstance(record, str) else list(record)
    if len(records) != runs:
        raise ValueError(f"give one record mode per run ({runs}), got {len(records)}")

    def cost(e: int, n: int = n_samples) -> float:
        return sum(training_cost(depth, width, n, e, 1, n_in, batch, a, r)
                   for a, r in zip(per_run, records, strict=True))

    asked = cost(epochs)
    if asked <= budget:
        return Budget(epochs, epochs, asked, n_samples, n_samples)
    # cost is affine in the epochs from one epoch on: cost(e) = start + e · per_epoch
    # (a fit that records less than "all" makes two recording passes once it trains)
    per_epoch = cost(2) - cost(1)
    start = cost(1) - per_epoch
    allowed = min(int((budget - start) // per_epoch), epochs - 1) if per_epoch > 0 else epochs
    while allowed >= 1 and cost(allowed) > budget:  # rounding at the boundary
        allowed -= 1
    if allowed >= 1:
        return Budget(allowed, epochs, asked, n_samples, n_samples)
    # Not even one epoch: the largest sample count (at least 10) whose epoch fits.
    lo, hi = 10, n_samples
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if cost(1, mid) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return Budget(1, epochs, asked, min(lo, n_samples), n_samples)


def note_budget(budget: Budget, t: Translator) -> None:
    """Tell the user, in words, when their request was cut down."""
    if budget.epochs < budget.requested:
        st.warning(t("common.guard.capped", allowed=budget.epochs, requested=budget.requested),
                   icon=":material/speed:")
    if budget.n_samples < budget.requested_samples:
        st.warning(t("common.guard.samples", allowed=budget.n_samples,
                     requested=budget.requested_samples), icon=":material/speed:")
