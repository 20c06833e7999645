"""A compute budget per request, so one visitor cannot hold a shared server.

The cost of training is about ``depth × width² × samples × epochs`` multiply-adds
(per network). A request asking for more than `BUDGET` gets its epochs cut down
to fit, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.i18n import Translator

#: Multiply-adds one request may spend on training, all networks together.
#: About 3 s of NumPy on one core of the 2-core machine this app is tested on.
BUDGET = 1.2e10


@dataclass(frozen=True)
class Budget:
    """The epochs (and samples) a request may use and whether it was cut down."""

    epochs: int
    requested: int
    cost: float
    n_samples: int
    requested_samples: int

    @property
    def capped(self) -> bool:
        return self.epochs < self.requested or self.n_samples < self.requested_samples


def training_cost(depth: int, width: int, n_samples: int, epochs: int, runs: int = 1,
                  n_in: int = 2) -> float:
    """Multiply-adds of `runs` trainings (forward + backward ≈ 3 matmuls per layer)."""
    per_sample = n_in * width + max(depth - 1, 0) * width * width + width
    return 3.0 * per_sample * n_samples * epochs * runs


def budget_epochs(depth: int, width: int, n_samples: int, epochs: int, runs: int = 1,
                  n_in: int = 2, budget: float = BUDGET) -> Budget:
    """Cap `epochs` so the whole request stays within `budget`.

    Epochs are cut first; if even one epoch is over budget, the number of
    samples is cut too (never below 10), so a request is always bounded.
    """
    cost = training_cost(depth, width, n_samples, epochs, runs, n_in)
    if cost <= budget:
        return Budget(epochs, epochs, cost, n_samples, n_samples)
    per_epoch = cost / epochs
    allowed = int(budget // per_epoch)
    if allowed >= 1:
        return Budget(allowed, epochs, cost, n_samples, n_samples)
    per_sample = training_cost(depth, width, 1, 1, runs, n_in)
    samples = max(10, min(n_samples, int(budget // per_sample)))
    return Budget(1, epochs, cost, samples, n_samples)


def note_budget(budget: Budget, t: Translator) -> None:
    """Tell the user, in words, when their request was cut down."""
    if budget.epochs < budget.requested:
        st.warning(t("common.guard.capped", allowed=budget.epochs, requested=budget.requested),
                   icon=":material/speed:")
    if budget.n_samples < budget.requested_samples:
        st.warning(t("common.guard.samples", allowed=budget.n_samples,
                     requested=budget.requested_samples), icon=":material/speed:")
