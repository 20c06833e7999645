"""How the Function shapes page writes numbers: typographic minus, ∞, short scientific."""

from __future__ import annotations

import math


def num(v: float) -> str:
    """Three significant digits, ``∞``/``−∞`` for infinities."""
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    return f"{v:.3g}".replace("-", "−")


def sci(v: float) -> str:
    """Scientific with one decimal (``3.1e−05``); ``—`` for NaN or infinity."""
    if not math.isfinite(v):
        return "—"
    return f"{v:.1e}".replace("-", "−")
