"""Numbers the vanishing page puts into words, and the tests that decide which words.

Every verdict here is computed from the measurements on screen, with its
threshold written once, so a caption can never claim what the run did not show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.gradients import first_last_ratio

#: ‖∂L/∂W‖ "looks level" between the first and the output layer within this factor.
LEVEL_WEIGHTS = 10.0
#: The signal "has vanished" when layer 1 gets less than this share of the last hidden layer's.
VANISHED = 1e-2
#: A layer "has lost its inputs" when its spread is below this share of layer 1's.
COLLAPSED = 1e-3
LEARNED = 0.7  # "learned" = final training loss below 70% of the initial loss


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


def _at(values: np.ndarray, i: int) -> float:
    v = float(np.asarray(values, dtype=float)[i])
    return v if math.isfinite(v) else math.nan


def measures(p: dict) -> Measures:
    """Summarise a profile of :func:`sections.vanishing.compute.init_profile`."""
    signal = np.asarray(p["signal_mid"], dtype=float)
    ratio = first_last_ratio(signal)
    steps = len(signal) - 1
    per_layer = ratio ** (1 / steps) if steps and math.isfinite(ratio) and ratio > 0 else math.nan
    sat = np.asarray(p["saturated"], dtype=float)
    return Measures(ratio, per_layer, first_last_ratio(p["grad_mid"]), _at(p["spread_mid"], 0),
                    _at(p["spread_mid"], -1), _at(p["level"], 0), _at(p["level"], -1),
                    float(np.nanmax(np.append(sat[np.isfinite(sat)], 0.0))))


def masked(m: Measures) -> bool:
    """‖∂L/∂W‖ looks level while the signal has vanished: the product hides the failure."""
    return (math.isfinite(m.weight_ratio) and 1 / LEVEL_WEIGHTS <= m.weight_ratio <= LEVEL_WEIGHTS
            and math.isfinite(m.signal_ratio) and m.signal_ratio < VANISHED)


def collapsed(m: Measures) -> bool:
    """The last hidden layer barely depends on the input: the net is nearly constant at birth."""
    return (math.isfinite(m.spread_first) and math.isfinite(m.spread_last) and m.spread_first > 0
            and m.spread_last < COLLAPSED * m.spread_first)


def verdict(run: dict) -> str:
    """Did training learn? ``diverged``, ``learned`` (loss fell below LEARNED × start) or ``stuck``."""
    if run["diverged_at"] is not None:
        return "diverged"
    loss = run["loss"]
    return "learned" if math.isfinite(loss[-1]) and loss[-1] < LEARNED * loss[0] else "stuck"


def sci(x: float) -> str:
    """A number in two significant digits; "—" when it is not finite."""
    return "—" if not (isinstance(x, float | int) and math.isfinite(x)) else f"{x:.2g}"
