"""Activation functions, each stored beside its derivative and its facts.

Every activation is one immutable :class:`Activation` record holding ``f``, its
derivative ``df`` (evaluated at the *input* ``z``, because GELU and SiLU cannot be
written from their output) and the facts a page states about it: output range,
``f(0)``, ``f'(0)``, the largest slope, whether it is zero-centred, on which side it
saturates, whether it is smooth and whether it has a dead zone; and two facts
about its use: the initialisation commonly paired with it and the paper behind it.
Two facts the pages state about *units* follow from the first ones: whether a
unit can die (:attr:`Activation.can_die`) and whether the activation is a
rectifier, ReLU or one of its variants (:attr:`Activation.rectifier`). The records
live in one registry, :data:`ACTIVATIONS`, keyed by the name users see and URLs carry.

Conventions
-----------
Kinks
    Where a function has a kink (ReLU and Leaky ReLU at 0, ELU with ``alpha != 1``
    at 0) ``df`` returns the **left** derivative. So ``relu'(0) = 0``,
    ``leaky_relu'(0) = slope`` and ``elu'(0) = alpha``. This matches the dead-unit
    definition used throughout the project: a unit with ``z <= 0`` passes no
    gradient.
Inputs and outputs
    ``f`` and ``df`` accept Python floats or arrays of any shape. Floating inputs
    keep their dtype (so a float32 network stays float32); other inputs are cast to
    float64. The result has the same shape (a 0-d array for a scalar input).
Numerical stability
    For every finite input in ``[-1e4, 1e4]`` both ``f`` and ``df`` are finite and
    raise no overflow, invalid or divide-by-zero floating-point errors. Exponentials
    are only ever taken of non-positive numbers; an exponential that underflows to 0
    is the correct answer, so underflow is silenced locally.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import expit as _expit
from scipy.special import ndtr

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "FloatArray",
    "elu",
    "gelu",
    "get",
    "leaky_relu",
    "relu",
    "sigmoid",
    "silu",
    "softplus",
    "tanh",
]

FloatArray = npt.NDArray[np.floating]
ArrayLike = npt.ArrayLike

_SQRT_2PI = math.sqrt(2.0 * math.pi)
# Beyond |z| = 40 the normal density is below 1e-347, i.e. exactly 0 in float64;
# clipping first keeps z**2 from overflowing for huge float32 inputs.
_PDF_CLIP = 40.0


@dataclass(frozen=True)
class Activation:
    """One activation function with its derivative and its facts.

    Parameters
    ----------
    name : str
        Registry key, e.g. ``"relu"``; also what URLs carry.
    f : callable
        ``f(z)`` for ``z`` of any shape; returns a float array of the same shape.
    df : callable
        ``f'(z)``, the derivative evaluated at the *input* ``z`` (left derivative
        at a kink).
    output_range : tuple of float
        ``(inf f, sup f)`` over the reals; may contain ``-inf`` / ``inf``. The
        bounds themselves are usually not attained (e.g. sigmoid ``(0, 1)``).
    f0 : float
        ``f(0)``.
    df0 : float
        ``f'(0)`` under the left-derivative convention.
    max_slope : float
        ``sup |f'(z)|`` over the reals, e.g. 1/4 for the sigmoid.
    zero_centred : bool
        Rule used here: ``f(0) = 0`` **and** ``f`` takes both signs. By this rule
        tanh, identity, Leaky ReLU, ELU, GELU and SiLU are zero-centred; sigmoid,
        ReLU and softplus are not. GELU and SiLU pass the rule although their
        negative lobe is small, so their outputs still have a positive mean on
        typical inputs.
    saturates : {"both", "negative", "none"}
        On which side ``f'(z) -> 0`` as ``|z| -> inf``.
    smooth : bool
        ``f`` is continuously differentiable (C^1) everywhere.
    dead_zone : bool
        ``f'`` is exactly 0 on the whole half-line ``z <= 0`` (ReLU), so ``f`` is the
        constant ``f(0)`` there and a unit stuck there never receives gradient.
    paired_init : str
        The initialisation commonly paired with it (a name from
        :data:`core.init.INITIALISERS`): ``"glorot_uniform"`` for the identity,
        sigmoid and tanh, the units Glorot & Bengio (2010) derived it for;
        ``"he_normal"`` for ReLU and the units shaped like it (He et al., 2015).
    source : str or None
        Key of the paper that introduced or named it (``locales/*/refs.toml``,
        ``ui/references.py``), or None for the classical functions no one paper owns.
    params : tuple of (str, float)
        Parameters of a parameterised family, e.g. ``(("slope", 0.01),)``.
    formula : str
        LaTeX for ``f``.
    dformula : str
        LaTeX for ``f'``.
    f_into : callable, optional
        ``f_into(z, out)``: ``f(z)`` written into ``out`` (a new array when ``out``
        is None). Only a speed-up for the training buffers; see :meth:`forward`.
    backprop_into : callable, optional
        ``backprop_into(g, z, a, out)``: ``g ⊙ f'(z)`` given ``a = f(z)``, written
        into ``out`` (which may be ``g`` itself); see :meth:`backward`.
    """

    name: str
    f: Callable[[FloatArray], FloatArray]
    df: Callable[[FloatArray], FloatArray]
    output_range: tuple[float, float]
    f0: float
    df0: float
    max_slope: float
    zero_centred: bool
    saturates: str
    smooth: bool
    dead_zone: bool
    paired_init: str
    source: str | None
    params: tuple[tuple[str, float], ...] = ()
    formula: str = ""
    dformula: str = ""
    f_into: Callable[[FloatArray, FloatArray | None], FloatArray] | None = None
    backprop_into: Callable[
        [FloatArray, FloatArray, FloatArray, FloatArray | None], FloatArray
    ] | None = None

    def __call__(self, z: ArrayLike) -> FloatArray:
        """Shorthand for ``self.f(z)``."""
        return self.f(z)

    @property
    def can_die(self) -> bool:
        """Whether a unit with ``z <= 0`` on every point of a data set is *dead* on it.

        True exactly when ``f'(z) = 0`` and ``f(z) = f(0)`` for every ``z <= 0``
        (:attr:`dead_zone`): such a unit outputs the same value for every point, and
        no gradient reaches its incoming weights and bias. ReLU (and Leaky ReLU with
        slope 0); not Leaky ReLU, ELU, GELU or SiLU, whose slope below zero is not 0.
        """
        return self.dead_zone

    @property
    def rectifier(self) -> bool:
        """ReLU or one of its variants: ``f(0) = 0``, unbounded above, and weaker below 0.

        "Weaker below 0" is read from the facts: the slope vanishes as ``z -> -inf``
        (``saturates == "negative"``: ReLU, ELU, GELU, SiLU) or is smaller at and
        below the kink than the steepest slope (``df0 < max_slope``: Leaky ReLU with a
        slope below 1). For these ``z <= 0`` on every point has a meaning: the unit is
        dead (:attr:`can_die`) or works on its weak side only, where ``f(z) <= 0``.
        The identity, sigmoid, tanh and softplus (``f(0) = ln 2``) are not rectifiers.
        """
        weaker_below = self.saturates == "negative" or self.df0 < self.max_slope
        return self.f0 == 0.0 and self.output_range[1] == _INF and weaker_below

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """``f(z)`` for a floating array ``z``, in ``out`` when the record can write there.

        Records without an in-place form return a new array and leave ``out``
        untouched, so a caller must use the returned array.
        """
        return self.f(z) if self.f_into is None else self.f_into(z, out)

    def backward(
        self, g: FloatArray, z: FloatArray, a: FloatArray, out: FloatArray | None = None
    ) -> FloatArray:
        """The back-propagation product ``g ⊙ f'(z)``, where ``a = f(z)``.

        Written into ``out``: a new array when it is None, and ``out`` may be ``g``
        itself (in place). ReLU multiplies by the mask ``z > 0`` and tanh by
        ``1 − a²``, the same numbers as ``df(z)`` for less work; the others multiply
        by ``df(z)``.
        """
        if self.backprop_into is not None:
            return self.backprop_into(g, z, a, out)
        return np.multiply(g, self.df(z), out=out)


def _as_float(z: ArrayLike) -> FloatArray:
    """Return ``z`` as a floating array, keeping float32/float64 as they are."""
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    return z


def _quiet_underflow(fn: Callable[..., FloatArray]) -> Callable[..., FloatArray]:
    """Cast the input to float and silence underflow, which only ever yields a correct 0."""

    @functools.wraps(fn)
    def wrapper(z: ArrayLike, *args: float, **kwargs: float) -> FloatArray:
        with np.errstate(under="ignore"):
            out = fn(_as_float(z), *args, **kwargs)
        # ufuncs turn 0-d arrays into NumPy scalars; hand back a 0-d array instead.
        return out if isinstance(out, np.ndarray) else np.asarray(out)

    return wrapper


# --- identity -----------------------------------------------------------------


@_quiet_underflow
def identity(z: FloatArray) -> FloatArray:
    """Identity, ``f(z) = z`` (returns a copy)."""
    return z.copy()


@_quiet_underflow
def d_identity(z: FloatArray) -> FloatArray:
    """``f'(z) = 1``."""
    return np.ones_like(z)


# --- sigmoid ------------------------------------------------------------------


@_quiet_underflow
def sigmoid(z: FloatArray) -> FloatArray:
    """Logistic sigmoid, ``σ(z) = 1 / (1 + e^{-z})``, in (0, 1).

    Computed from ``e = exp(-|z|) <= 1`` so nothing overflows:
    ``σ(z) = 1/(1+e)`` for ``z >= 0`` and ``e/(1+e)`` for ``z < 0``.
    """
    e = np.exp(-np.abs(z))
    r = 1 / (1 + e)
    return np.where(z >= 0, r, e * r)


@_quiet_underflow
def d_sigmoid(z: FloatArray) -> FloatArray:
    """``σ'(z) = σ(z)(1 − σ(z)) <= 1/4``, with equality only at ``z = 0``."""
    # e/(1+e)^2 with e = exp(-|z|) is the same number for both signs of z and
    # avoids the cancellation in 1 - σ(z) for large z.
    e = np.exp(-np.abs(z))
    return e / (1 + e) ** 2


def _sigmoid_into(z: FloatArray, out: FloatArray | None) -> FloatArray:
    # SciPy's logistic ufunc: one call, stable for any z (no overflow, no warning).
    return _expit(z, out=out)


def _sigmoid_backprop(g: FloatArray, z: FloatArray, a: FloatArray,
                      out: FloatArray | None) -> FloatArray:
    # σ'(z) = σ(z) σ(−z): the second factor is 1 − a computed without cancellation, so
    # the slope of a saturated unit (z ≫ 0) stays a tiny positive number, as d_sigmoid.
    slope = _expit(np.negative(z))
    slope *= a
    return np.multiply(g, slope, out=out)


# --- tanh ---------------------------------------------------------------------


@_quiet_underflow
def tanh(z: FloatArray) -> FloatArray:
    """Hyperbolic tangent, in (-1, 1)."""
    return np.tanh(z)


@_quiet_underflow
def d_tanh(z: FloatArray) -> FloatArray:
    """``tanh'(z) = 1 − tanh(z)^2``."""
    t = np.tanh(z)
    return 1 - t * t


def _tanh_into(z: FloatArray, out: FloatArray | None) -> FloatArray:
    with np.errstate(under="ignore"):
        return np.tanh(z, out=out)


def _tanh_backprop(g: FloatArray, z: FloatArray, a: FloatArray, out: FloatArray | None) -> FloatArray:
    # tanh' = 1 − a², the same numbers as d_tanh(z) without evaluating tanh again.
    slope = np.multiply(a, a)
    np.subtract(1, slope, out=slope)
    return np.multiply(g, slope, out=out)


# --- ReLU and Leaky ReLU ------------------------------------------------------


@_quiet_underflow
def relu(z: FloatArray) -> FloatArray:
    """Rectified linear unit, ``max(z, 0)``."""
    return np.maximum(z, 0)


@_quiet_underflow
def d_relu(z: FloatArray) -> FloatArray:
    """``relu'(z) = 1 if z > 0 else 0`` (left derivative 0 at the kink)."""
    return (z > 0).astype(z.dtype)


def _relu_into(z: FloatArray, out: FloatArray | None) -> FloatArray:
    return np.maximum(z, 0, out=out)


def _relu_backprop(g: FloatArray, z: FloatArray, a: FloatArray, out: FloatArray | None) -> FloatArray:
    return np.multiply(g, z > 0, out=out)  # relu'(z) as a mask, no float array of slopes


@_quiet_underflow
def _leaky_f(z: FloatArray, slope: float) -> FloatArray:
    return np.where(z > 0, z, slope * z)


@_quiet_underflow
def _leaky_df(z: FloatArray, slope: float) -> FloatArray:
    one, s = z.dtype.type(1), z.dtype.type(slope)
    return np.where(z > 0, one, s)


# --- ELU ----------------------------------------------------------------------


@_quiet_underflow
def _elu_f(z: FloatArray, alpha: float) -> FloatArray:
    # expm1 of min(z, 0): accurate near 0 and never overflows for large z.
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))


@_quiet_underflow
def _elu_df(z: FloatArray, alpha: float) -> FloatArray:
    one = z.dtype.type(1)
    return np.where(z > 0, one, alpha * np.exp(np.minimum(z, 0)))


# --- GELU ---------------------------------------------------------------------


def _normal_pdf(z: FloatArray) -> FloatArray:
    """Standard normal density φ(z); caller silences underflow."""
    zc = np.minimum(np.abs(z), _PDF_CLIP)
    return np.exp(-0.5 * zc * zc) / _SQRT_2PI


@_quiet_underflow
def gelu(z: FloatArray) -> FloatArray:
    """Gaussian error linear unit, exact form ``z Φ(z) = ½ z (1 + erf(z/√2))``."""
    return z * ndtr(z)


@_quiet_underflow
def d_gelu(z: FloatArray) -> FloatArray:
    """``gelu'(z) = Φ(z) + z φ(z)``, with φ the standard normal density."""
    return ndtr(z) + z * _normal_pdf(z)


# --- SiLU ---------------------------------------------------------------------


@_quiet_underflow
def silu(z: FloatArray) -> FloatArray:
    """Sigmoid linear unit (swish), ``z σ(z)``."""
    return z * sigmoid(z)


@_quiet_underflow
def d_silu(z: FloatArray) -> FloatArray:
    """``silu'(z) = σ(z) (1 + z (1 − σ(z)))``."""
    s = sigmoid(z)
    # 1 - σ(z) = σ(-z), computed directly to avoid cancellation for large z.
    return s * (1 + z * sigmoid(-z))


# --- softplus -----------------------------------------------------------------


@_quiet_underflow
def softplus(z: FloatArray) -> FloatArray:
    """Softplus, ``log(1 + e^z) = max(z, 0) + log1p(e^{-|z|})``, in (0, inf)."""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


@_quiet_underflow
def d_softplus(z: FloatArray) -> FloatArray:
    """``softplus'(z) = σ(z)``."""
    return sigmoid(z)


# --- facts of GELU and SiLU that have no closed form ---------------------------


def _bisect(g: Callable[[float], float], lo: float, hi: float) -> float:
    """Root of ``g`` in ``[lo, hi]`` (sign change assumed), to float precision."""
    glo = g(lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        gm = g(mid)
        if (gm > 0) == (glo > 0):
            lo, glo = mid, gm
        else:
            hi = mid
        if hi - lo <= 1e-15 * max(1.0, abs(lo)):
            break
    return 0.5 * (lo + hi)


def _phi(x: float) -> float:
    return math.exp(-0.5 * x * x) / _SQRT_2PI


def _Phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


# GELU: gelu''(z) = φ(z)(2 − z²) vanishes at ±√2, so the slope peaks there;
# the minimum of gelu is where gelu'(z) = Φ(z) + zφ(z) = 0 (z ≈ −0.7518).
_GELU_MAX_SLOPE = _Phi(math.sqrt(2.0)) + math.sqrt(2.0) * _phi(math.sqrt(2.0))
_z = _bisect(lambda x: _Phi(x) + x * _phi(x), -2.0, 0.0)
_GELU_MIN = _z * _Phi(_z)

# SiLU: silu''(z) = σ'(z)(2 + z(1 − 2σ(z))) vanishes at z ≈ ±2.3994; the minimum of
# silu is where silu'(z) = σ(z)(1 + z(1 − σ(z))) = 0 (z ≈ −1.2785).
_z = _bisect(lambda x: 2.0 + x * (1.0 - 2.0 * _sig(x)), 1.0, 4.0)
_SILU_MAX_SLOPE = _sig(_z) * (1.0 + _z * (1.0 - _sig(_z)))
_z = _bisect(lambda x: 1.0 + x * (1.0 - _sig(x)), -3.0, 0.0)
_SILU_MIN = _z * _sig(_z)
del _z

_INF = math.inf


# --- parameterised families ---------------------------------------------------


def _check_param(name: str, value: float, *, positive: bool) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        need = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must be finite and {need}, got {value!r}")
    return value


@dataclass(frozen=True)
class _Family:
    """A one-parameter family of activations: ``f(z, value)``, ``df(z, value)`` and
    ``facts(value)``, the record's fact fields for that parameter value."""

    param: str
    positive: bool  # the parameter must be > 0 (else >= 0)
    f: Callable[..., FloatArray]
    df: Callable[..., FloatArray]
    facts: Callable[[float], dict]


def _leaky_facts(slope: float) -> dict:
    return dict(
        output_range=(-_INF if slope > 0 else 0.0, _INF), f0=0.0,
        df0=slope,  # left derivative at the kink
        max_slope=max(1.0, slope), zero_centred=slope > 0,
        saturates="none" if slope > 0 else "negative", smooth=slope == 1.0,
        dead_zone=slope == 0.0, paired_init="he_normal", source="maas2013",
        formula=rf"\max(z, 0) + {slope:g}\,\min(z, 0)",
        dformula=rf"\begin{{cases}}1 & z > 0\\ {slope:g} & z \le 0\end{{cases}}",
    )


def _elu_facts(alpha: float) -> dict:
    return dict(
        output_range=(-alpha, _INF), f0=0.0,
        df0=alpha,  # left derivative: alpha·e^0; equals 1 only for alpha = 1
        max_slope=max(1.0, alpha), zero_centred=True, saturates="negative",
        smooth=alpha == 1.0, dead_zone=False, paired_init="he_normal", source="clevert2016",
        formula=rf"\begin{{cases}}z & z > 0\\ {alpha:g}\,(e^z - 1) & z \le 0\end{{cases}}",
        dformula=rf"\begin{{cases}}1 & z > 0\\ {alpha:g}\,e^z & z \le 0\end{{cases}}",
    )


_FAMILIES: dict[str, _Family] = {
    "leaky_relu": _Family("slope", False, _leaky_f, _leaky_df, _leaky_facts),
    "elu": _Family("alpha", True, _elu_f, _elu_df, _elu_facts),
}


def _member(name: str, value: float) -> Activation:
    family = _FAMILIES[name]
    return _member_cached(name, _check_param(family.param, value, positive=family.positive))


@functools.lru_cache(maxsize=128)
def _member_cached(name: str, value: float) -> Activation:
    family = _FAMILIES[name]
    # functools.partial of module-level functions keeps the record picklable.
    return Activation(
        name=name,
        f=functools.partial(family.f, **{family.param: value}),
        df=functools.partial(family.df, **{family.param: value}),
        params=((family.param, value),),
        **family.facts(value),
    )


def leaky_relu(slope: float = 0.01) -> Activation:
    """Leaky ReLU, ``f(z) = z`` for ``z > 0`` and ``slope·z`` otherwise.

    Parameters
    ----------
    slope : float, default 0.01
        Slope on the negative side, finite and ``>= 0``. ``slope = 0`` is ReLU
        (with its dead zone), ``slope = 1`` the identity.

    Returns
    -------
    Activation
        Facts computed from ``slope``: range ``(-inf, inf)`` (``(0, inf)`` if
        ``slope = 0``), ``f'(0) = slope`` (left derivative),
        ``max_slope = max(1, slope)``.

    Raises
    ------
    ValueError
        If ``slope`` is negative or not finite.
    """
    return _member("leaky_relu", slope)


def elu(alpha: float = 1.0) -> Activation:
    """Exponential linear unit, ``f(z) = z`` for ``z > 0`` and ``alpha (e^z − 1)`` otherwise.

    Parameters
    ----------
    alpha : float, default 1.0
        Negative saturation level, finite and ``> 0``.

    Returns
    -------
    Activation
        Facts computed from ``alpha``: range ``(-alpha, inf)``,
        ``f'(0) = alpha`` (left derivative ``alpha·e^0``), ``max_slope =
        max(1, alpha)``, smooth (C^1) only for ``alpha = 1``.

    Raises
    ------
    ValueError
        If ``alpha`` is not finite and positive.
    """
    return _member("elu", alpha)


# --- registry -----------------------------------------------------------------

_SMOOTH_STEP_TIMES_Z = dict(f0=0.0, df0=0.5, zero_centred=True, saturates="negative",
                            smooth=True, dead_zone=False, paired_init="he_normal")

ACTIVATIONS: dict[str, Activation] = {
    "identity": Activation(
        name="identity", f=identity, df=d_identity,
        output_range=(-_INF, _INF), f0=0.0, df0=1.0, max_slope=1.0,
        zero_centred=True, saturates="none", smooth=True, dead_zone=False,
        paired_init="glorot_uniform", source=None,
        formula="z", dformula="1",
    ),
    "sigmoid": Activation(
        name="sigmoid", f=sigmoid, df=d_sigmoid,
        output_range=(0.0, 1.0), f0=0.5, df0=0.25, max_slope=0.25,
        zero_centred=False, saturates="both", smooth=True, dead_zone=False,
        paired_init="glorot_uniform", source=None,
        formula=r"\sigma(z) = \frac{1}{1 + e^{-z}}",
        dformula=r"\sigma(z)\,(1 - \sigma(z))",
        f_into=_sigmoid_into, backprop_into=_sigmoid_backprop,
    ),
    "tanh": Activation(
        name="tanh", f=tanh, df=d_tanh,
        output_range=(-1.0, 1.0), f0=0.0, df0=1.0, max_slope=1.0,
        zero_centred=True, saturates="both", smooth=True, dead_zone=False,
        paired_init="glorot_uniform", source=None,
        formula=r"\tanh z", dformula=r"1 - \tanh^2 z",
        f_into=_tanh_into, backprop_into=_tanh_backprop,
    ),
    "relu": Activation(
        name="relu", f=relu, df=d_relu,
        output_range=(0.0, _INF), f0=0.0, df0=0.0, max_slope=1.0,
        zero_centred=False, saturates="negative", smooth=False, dead_zone=True,
        paired_init="he_normal", source="nair2010",
        formula=r"\max(z, 0)",
        dformula=r"\begin{cases}1 & z > 0\\ 0 & z \le 0\end{cases}",
        f_into=_relu_into, backprop_into=_relu_backprop,
    ),
    "leaky_relu": leaky_relu(0.01),
    "elu": elu(1.0),
    # GELU and SiLU share every fact but their minimum and steepest slope: both are
    # z times a smooth step, f(0) = 0, f'(0) = ½, a small negative lobe, no dead zone.
    "gelu": Activation(
        name="gelu", f=gelu, df=d_gelu, output_range=(_GELU_MIN, _INF),
        max_slope=_GELU_MAX_SLOPE, source="hendrycks2016", **_SMOOTH_STEP_TIMES_Z,
        formula=r"z\,\Phi(z) = \tfrac12 z\,(1 + \operatorname{erf}(z/\sqrt2))",
        dformula=r"\Phi(z) + z\,\varphi(z)",
    ),
    "silu": Activation(
        name="silu", f=silu, df=d_silu, output_range=(_SILU_MIN, _INF),
        max_slope=_SILU_MAX_SLOPE, source="elfwing2018", **_SMOOTH_STEP_TIMES_Z,
        formula=r"z\,\sigma(z)", dformula=r"\sigma(z)\,(1 + z\,(1 - \sigma(z)))",
    ),
    "softplus": Activation(
        name="softplus", f=softplus, df=d_softplus,
        output_range=(0.0, _INF), f0=math.log(2.0), df0=0.5, max_slope=1.0,
        zero_centred=False, saturates="negative", smooth=True, dead_zone=False,
        paired_init="he_normal", source=None,
        formula=r"\log(1 + e^z)", dformula=r"\sigma(z)",
    ),
}


def get(name: str, **params: float) -> Activation:
    """Look an activation up by name, optionally with its parameters.

    Parameters
    ----------
    name : str
        A key of :data:`ACTIVATIONS`.
    **params : float
        Parameters of a parameterised family: ``slope`` for ``"leaky_relu"``,
        ``alpha`` for ``"elu"``. Without parameters the registry entry is returned.

    Returns
    -------
    Activation

    Raises
    ------
    KeyError
        If ``name`` is unknown; the message lists the valid names.
    ValueError
        If a parameter is unknown for that activation or has a bad value.

    Examples
    --------
    >>> get("leaky_relu", slope=0.2).df0
    0.2
    """
    if name not in ACTIVATIONS:
        raise KeyError(
            f"unknown activation {name!r}; valid names: {', '.join(sorted(ACTIVATIONS))}"
        )
    if not params:
        return ACTIVATIONS[name]
    family = _FAMILIES.get(name)
    if family is None:
        raise ValueError(f"activation {name!r} takes no parameters, got {sorted(params)}")
    unknown = set(params) - {family.param}
    if unknown:
        raise ValueError(
            f"activation {name!r} accepts {[family.param]}, got unknown {sorted(unknown)}"
        )
    return _member(name, params[family.param])
