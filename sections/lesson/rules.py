"""The rules that turn a measurement into the right answer, so every verdict is derived
from the run on screen (never written down in advance).

Each rule reads :attr:`sections.lesson.experiments.Measured.numbers` and returns the code
of the right choice (or, for a typed answer, the number to match).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from sections.lesson.experiments import Measured

#: A network "learned" the moons when its test accuracy is at least this: halfway
#: between a constant answer (about 50%) and every point right. The lesson's runs end
#: far from it (49-51% or 77-99%), so the verdict does not hang on a rounding.
LEARNED = 0.75
#: A layer's level or spread "shrank" when the last hidden layer's is below this share
#: of the first's (the lesson's runs give above 0.3 or below 0.05).
SHRUNK = 0.1
#: Below this relative residual a network's output is one affine map up to rounding
#: (a deep linear network gives about 1e-15; a trained ReLU network about 0.1-1).
AFFINE = 1e-6
#: Dead-unit shares: none at all, a few (below this), or many.
FEW = 0.2


def nearest_log(value: float, targets: Mapping[str, float]) -> str:
    """The code of the target nearest to `value` on a log scale (`value` > 0)."""
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"need a positive finite value, got {value!r}")
    return min(targets, key=lambda code: abs(math.log10(value) - math.log10(targets[code])))


def learned(acc: float, diverged_at: int | None = None) -> bool:
    """Whether a run learned: it did not diverge and its test accuracy reached `LEARNED`."""
    return diverged_at is None and math.isfinite(acc) and acc >= LEARNED


def pair(first: bool, second: bool, names: tuple[str, str]) -> str:
    """``both``, ``neither``, or the name of the one that holds."""
    if first and second:
        return "both"
    if first or second:
        return names[0] if first else names[1]
    return "neither"


def straight(m: Measured) -> str:
    return "line" if m.numbers["residual"] < AFFINE else "curve"


def what_shrinks(m: Measured) -> str:
    n = m.numbers
    return pair(n["level_ratio"] < SHRUNK, n["spread_ratio"] < SHRUNK, ("level", "spread"))


def dead_share(m: Measured) -> str:
    share = m.numbers["dead"]
    return "none" if share == 0 else "few" if share < FEW else "many"
