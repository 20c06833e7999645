"""How the lesson writes a measured number: each kind of number is a ``float`` that knows
its own text, so a catalog template writes ``{ratio}`` and the answer key and the tests
read the same value as a number.

``Sci(4.7e5)`` is written ``4.7 × 10⁵``, ``Pct(0.973)`` ``97%`` (one decimal below 1% and
above 99%, so neither reads as 0% or 100%), ``Num(0.25)`` ``0.25`` (three significant
digits); a value that is not a finite number is written ``—``.
"""

from __future__ import annotations

import math

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class Num(float):
    """Three significant digits, a typographic minus."""

    def __format__(self, spec: str) -> str:
        if spec:
            return float.__format__(self, spec)
        if not math.isfinite(self):
            return "—"
        return f"{float(self):.3g}".replace("-", "−")

    __str__ = __repr__ = lambda self: format(self, "")


class Sci(Num):
    """``m × 10ⁿ`` with one decimal of ``m``; plain digits between 0.01 and 10,000."""

    def __format__(self, spec: str) -> str:
        if spec:
            return float.__format__(self, spec)
        v = float(self)
        if not math.isfinite(v):
            return "—"
        if v == 0 or 1e-2 <= abs(v) < 1e4:
            return f"{v:.3g}".replace("-", "−")
        exp = math.floor(math.log10(abs(v)))
        mant = v / 10.0 ** exp
        if round(abs(mant), 1) >= 10:
            mant, exp = mant / 10, exp + 1
        return f"{mant:.1f} × 10{str(exp).translate(_SUPERSCRIPT)}".replace("-", "−", 1)


class Pct(Num):
    """A share written as a percentage."""

    def __format__(self, spec: str) -> str:
        if spec:
            return float.__format__(self, spec)
        v = float(self)
        if not math.isfinite(v):
            return "—"
        digits = 1 if 0 < v < 0.01 or 0.99 < v < 1 else 0
        return f"{100 * v:.{digits}f}%"


def exponent(v: float) -> str:
    """``10⁶`` for 1e6: the power of ten nearest to `v` (> 0), written with a superscript."""
    return "10" + str(round(math.log10(v))).translate(_SUPERSCRIPT)
