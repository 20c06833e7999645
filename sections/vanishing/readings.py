"""Numbers the vanishing page puts into words, and the tests that decide which words.

Every verdict here is computed from the measurements on screen, with its
threshold written once, so a caption can never claim what the run did not show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.gradients import below_rounding, first_last_ratio, rounding_floor
from sections.vanishing.compute import InitProfile, SeriesRun

__all__ = ["below_rounding", "rounding_floor"]  # re-exported: the readings use them by this module

#: ‖∂L/∂W‖ "looks level" between the first and the output layer within this factor.
LEVEL_WEIGHTS = 10.0
#: The signal "has vanished" when layer 1 gets less than this share of the last hidden layer's.
VANISHED = 1e-2
#: A layer "has lost its inputs" when its spread is below this share of layer 1's.
COLLAPSED = 1e-3
LEARNED = 0.7  # "learned" = final training loss below 70% of the initial loss ...
#: ... and below this share of a constant answer's loss (see verdict).
BEATS_CHANCE = 0.85


@dataclass(frozen=True)
class Measures:
    """One series' per-layer numbers at initialisation, summarised (NaN when not finite)."""

    signal_ratio: float  # ‖∂L/∂h_1‖ / ‖∂L/∂h_L‖ (L: the last hidden layer)
    per_layer: float  # geometric mean factor per hidden layer, signal_ratio^(1/(L−1))
    weight_ratio: float  # ‖∂L/∂W_1‖ / ‖∂L/∂W_out‖
    spread_first: float
    spread_last: float
    level_first: float
    level_last: float
    saturated: float  # largest saturated share of any hidden layer
    floor_first: float  # the rounding floor of the spread (below_rounding) in layer 1 ...
    floor_last: float  # ... and in the last hidden layer


def _at(values: np.ndarray, i: int) -> float:
    v = float(np.asarray(values, dtype=float)[i])
    return v if math.isfinite(v) else math.nan


def measures(p: InitProfile) -> Measures:
    """Summarise a profile of :func:`sections.vanishing.compute.init_profile`."""
    signal = np.asarray(p.signal.mid, dtype=float)
    ratio = first_last_ratio(signal)
    steps = len(signal) - 1
    per_layer = ratio ** (1 / steps) if steps and math.isfinite(ratio) and ratio > 0 else math.nan
    sat = np.asarray(p.saturated, dtype=float)
    floors = rounding_floor(p.level, p.level_std)
    return Measures(ratio, per_layer, first_last_ratio(p.grad.mid), _at(p.spread.mid, 0),
                    _at(p.spread.mid, -1), _at(p.level, 0), _at(p.level, -1),
                    float(np.nanmax(np.append(sat[np.isfinite(sat)], 0.0))), _at(floors, 0),
                    _at(floors, -1))


def mean_slope_sq(slope_sq: np.ndarray) -> float:
    """E[f′(ẑ)²] of the hidden layers the signal crosses on its way from the last hidden
    layer to the first (layers 2 .. L: layer 1's slopes act below h_1), as their geometric
    mean, so that ``mean ** (L − 1)`` is their product (NaN when one is not positive).
    `slope_sq` has one entry per hidden layer (``InitProfile.slope_sq``)."""
    values = np.asarray(slope_sq, dtype=float)[1:]
    if not values.size or not (np.isfinite(values).all() and (values > 0).all()):
        return math.nan
    return float(np.exp(np.mean(np.log(values))))


def resolved(values: np.ndarray, floors: np.ndarray) -> np.ndarray:
    """`values` where they are above their rounding floor, NaN where they are not (for charts)."""
    v = np.asarray(values, dtype=float)
    return np.where(v > np.asarray(floors, dtype=float), v, np.nan)





def masked(m: Measures) -> bool:
    """‖∂L/∂W‖ looks level while the signal has vanished: the product hides the failure."""
    return (math.isfinite(m.weight_ratio) and 1 / LEVEL_WEIGHTS <= m.weight_ratio <= LEVEL_WEIGHTS
            and math.isfinite(m.signal_ratio) and m.signal_ratio < VANISHED)


def collapsed(m: Measures) -> bool:
    """The last hidden layer barely depends on the input: the net is nearly constant at birth."""
    return (math.isfinite(m.spread_first) and math.isfinite(m.spread_last) and m.spread_first > 0
            and m.spread_last < COLLAPSED * m.spread_first)


def verdict(run: SeriesRun) -> str:
    """Did training learn? ``diverged``, ``learned`` or ``stuck``.

    ``learned``: the final training loss is below ``LEARNED`` × its starting value
    *and* below ``BEATS_CHANCE`` × ``run.chance``, the loss of a constant answer
    (ln k for k balanced classes). The second condition matters when a network starts
    far worse than chance: falling to the loss of a constant guess is no learning.
    """
    if run.diverged_at is not None:
        return "diverged"
    last = float(run.loss[-1])
    learned = (math.isfinite(last) and last < LEARNED * float(run.loss[0])
               and last < BEATS_CHANCE * float(run.chance))
    return "learned" if learned else "stuck"


#: A network "learned" a classification when its training accuracy is at least this
#: much above the share of the most common class (what a constant answer scores).
ABOVE_MAJORITY = 0.15


def accuracy_verdict(diverged_at: int | None, train_acc: float | np.ndarray,
                     majority: float) -> str:
    """Did a classifier learn, judged by accuracy: ``diverged``, ``learned`` or ``stuck``.

    ``learned``: final training accuracy at least ``ABOVE_MAJORITY`` above `majority`, the
    share of the most common training class. `train_acc` is the accuracy of the network
    as it predicts (batch norm with its running averages, not the training set's own
    statistics), a number or the per-epoch series. Used where the loss is a poor judge:
    a deep net that starts saturated can end with most points right and a few so
    confidently wrong that its mean loss stays above ln 2.
    """
    if diverged_at is not None:
        return "diverged"
    acc = float(np.asarray(train_acc, dtype=float).reshape(-1)[-1])
    return "learned" if math.isfinite(acc) and acc >= majority + ABOVE_MAJORITY else "stuck"


def spread_text(t, value: float, floor: float) -> str:
    """A spread in two significant digits, or "below rounding error" when it is noise."""
    if below_rounding(value, floor):
        return t("common.below_rounding", floor=sci(floor))
    return sci(value)


#: A ratio "grows" above this, "shrinks" below its inverse, and "stays about the same" between.
CHANGED = 1.25


def change(ratio: float) -> str:
    """``grows``, ``shrinks`` or ``same``: the verb a ratio of two sizes calls for (``nan``
    when it is not a positive finite number)."""
    if not (math.isfinite(ratio) and ratio > 0):
        return "nan"
    return "grows" if ratio >= CHANGED else "shrinks" if ratio <= 1 / CHANGED else "same"


def sci(x: float) -> str:
    """A number in two significant digits; "—" when it is not finite."""
    return "—" if not (isinstance(x, float | int) and math.isfinite(x)) else f"{x:.2g}"
