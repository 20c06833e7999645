"""TensorFlow Playground's input features of the plane: x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂.

A network on the playground sees not the point ``(x₁, x₂)`` itself but any subset of
these seven functions of it, one input unit each. With ``x₁²`` and ``x₂²`` a single
linear unit can already draw a circle; with ``sin x₁`` the spiral becomes far easier.
They are computed on the plane's own coordinates, which for TensorFlow Playground's
data sets are Playground's ``[−6, 6]²`` (see :mod:`core.datasets`), so ``sin x₁`` spans
about two periods there, as in Playground.

Each feature has a short code, which the URL carries (``features=x1,x2,sinx1``), the
name of the same flag in a Playground link, and the catalog key of its label::

    code    Playground   f(x₁, x₂)
    x1      x            x₁
    x2      y            x₂
    x1sq    xSquared     x₁²
    x2sq    ySquared     x₂²
    x1x2    xTimesY      x₁ · x₂
    sinx1   sinX         sin x₁
    sinx2   sinY         sin x₂

The registry's order is Playground's order of input nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["DEFAULT_FEATURES", "FEATURES", "Feature", "canonical", "expand"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Feature:
    """One input feature of the plane.

    Attributes
    ----------
    code : str
        Registry key and URL code, e.g. ``"x1sq"``.
    playground : str
        The flag's name in a TensorFlow Playground link, e.g. ``"xSquared"``.
    label_key : str
        Catalog key of the feature's label (``playground.feature.<code>``).
    f : callable
        ``f(x1, x2)`` for arrays ``x1, x2`` of shape (n,); returns shape (n,).
    """

    code: str
    playground: str
    label_key: str
    f: Callable[[FloatArray, FloatArray], FloatArray]


def _feature(code: str, playground: str, f: Callable[[FloatArray, FloatArray], FloatArray]) -> Feature:
    return Feature(code, playground, f"playground.feature.{code}", f)


FEATURES: dict[str, Feature] = {
    feat.code: feat
    for feat in (
        _feature("x1", "x", lambda x1, x2: x1.copy()),
        _feature("x2", "y", lambda x1, x2: x2.copy()),
        _feature("x1sq", "xSquared", lambda x1, x2: x1 * x1),
        _feature("x2sq", "ySquared", lambda x1, x2: x2 * x2),
        _feature("x1x2", "xTimesY", lambda x1, x2: x1 * x2),
        _feature("sinx1", "sinX", lambda x1, x2: np.sin(x1)),
        _feature("sinx2", "sinY", lambda x1, x2: np.sin(x2)),
    )
}

#: Playground's default inputs: the two coordinates.
DEFAULT_FEATURES: tuple[str, ...] = ("x1", "x2")


def _checked_codes(codes: Sequence[str]) -> list[str]:
    if isinstance(codes, str):
        # A bare string would be read character by character ("x1" -> "x", "1").
        raise ValueError(f"codes must be a sequence of feature codes, not the string {codes!r}")
    codes = list(codes)
    if not codes:
        raise ValueError("choose at least one input feature")
    unknown = [c for c in codes if c not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature codes {unknown!r}; valid codes: {', '.join(FEATURES)}")
    if len(set(codes)) != len(codes):
        raise ValueError(f"repeated feature codes in {codes!r}")
    return codes


def canonical(codes: Sequence[str]) -> tuple[str, ...]:
    """The codes in the registry's (Playground's) order, after the checks of :func:`expand`.

    Parameters
    ----------
    codes : sequence of str

    Returns
    -------
    tuple of str
        E.g. ``("sinx1", "x1")`` becomes ``("x1", "sinx1")``.
    """
    chosen = set(_checked_codes(codes))
    return tuple(c for c in FEATURES if c in chosen)


def expand(X2: npt.ArrayLike, codes: Sequence[str]) -> FloatArray:
    """The chosen features of every point, one column per code, in the order given.

    Parameters
    ----------
    X2 : array_like of shape (n, 2)
        Points ``(x₁, x₂)`` of the plane.
    codes : sequence of str
        Keys of :data:`FEATURES`, at least one, none repeated.

    Returns
    -------
    ndarray of shape (n, len(codes)), float64
        Column ``j`` is ``FEATURES[codes[j]].f(x₁, x₂)``.

    Raises
    ------
    ValueError
        ``X2`` not of shape (n, 2) or not finite; ``codes`` empty, a bare string,
        repeated, or holding an unknown code (the message lists the valid ones).
    """
    codes = _checked_codes(codes)
    X2 = np.asarray(X2, dtype=np.float64)
    if X2.ndim != 2 or X2.shape[1] != 2:
        raise ValueError(f"X2 must have shape (n, 2), got {X2.shape}")
    if not np.all(np.isfinite(X2)):
        raise ValueError("X2 must be finite")
    x1, x2 = X2[:, 0], X2[:, 1]
    out = np.empty((X2.shape[0], len(codes)), dtype=np.float64)
    for j, code in enumerate(codes):
        out[:, j] = FEATURES[code].f(x1, x2)
    return out
