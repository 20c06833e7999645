"""Weight initialisers, each a record with its variance formula.

A layer's weights have shape ``(fan_in, fan_out)``. Each initialiser fixes the
variance of a weight as a function of the fan-in/fan-out and draws either from a
zero-mean normal with that variance or from the symmetric uniform
``U[-a, a]`` with ``a = sqrt(3 Var W)`` (a uniform on ``[-a, a]`` has variance a²/3).

Why the variance matters (``docs/science.md``): back-propagating through one layer multiplies
the gradient's squared norm by about ``fan_out · Var W · E[f'(z)²]`` (forward:
``fan_in · Var W · ...``). He init (``Var W = 2/fan_in``) keeps this factor at 1 for
ReLU, whose ``f'`` is 1 on half of the inputs; Glorot/Xavier compromises between
forward and backward for tanh-like units; Glorot & Bengio's "standard"
``U[-1/sqrt(n), 1/sqrt(n)]`` gives ``n Var W = 1/3`` and so shrinks signals about 3×
per layer in the linear regime.

The normal initialisers use a plain (untruncated) normal, so the variance is
exactly the one stated; Keras' defaults truncate at two standard deviations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "ALIASES", "INITIALISERS", "Initialiser", "draw", "init_weights", "resolve", "unit_spread",
    "weight_variance",
]


@dataclass(frozen=True)
class Initialiser:
    """One weight-initialisation scheme.

    Parameters
    ----------
    name : str
        Registry key, e.g. ``"he_normal"``.
    distribution : {"normal", "uniform"}
        Zero-mean normal, or symmetric uniform ``U[-a, a]`` with ``a = sqrt(3 Var W)``.
    formula : str
        The variance rule in plain text, e.g. ``"Var W = 2/fan_in"``.
    variance : callable
        ``variance(fan_in, fan_out, std) -> Var W``; ``std`` is only used by ``"normal"``.
    reference : str
        Where the rule comes from.
    """

    name: str
    distribution: str
    formula: str
    variance: Callable[[int, int, float], float]
    reference: str = ""


def _glorot(fan_in: int, fan_out: int, std: float) -> float:
    return 2.0 / (fan_in + fan_out)


def _he(fan_in: int, fan_out: int, std: float) -> float:
    return 2.0 / fan_in


def _lecun(fan_in: int, fan_out: int, std: float) -> float:
    return 1.0 / fan_in


def _standard(fan_in: int, fan_out: int, std: float) -> float:
    # U[-1/sqrt(n), 1/sqrt(n)] has variance (1/sqrt(n))^2 / 3 = 1/(3n).
    return 1.0 / (3.0 * fan_in)


def _fixed(fan_in: int, fan_out: int, std: float) -> float:
    return std * std


INITIALISERS: dict[str, Initialiser] = {
    "glorot_uniform": Initialiser(
        "glorot_uniform", "uniform",
        "Var W = 2/(fan_in + fan_out); W ~ U[-a, a], a = sqrt(6/(fan_in + fan_out))",
        _glorot, "Glorot & Bengio 2010",
    ),
    "glorot_normal": Initialiser(
        "glorot_normal", "normal", "Var W = 2/(fan_in + fan_out); W ~ N(0, Var W)",
        _glorot, "Glorot & Bengio 2010",
    ),
    "he_normal": Initialiser(
        "he_normal", "normal", "Var W = 2/fan_in; W ~ N(0, Var W)",
        _he, "He et al. 2015",
    ),
    "he_uniform": Initialiser(
        "he_uniform", "uniform", "Var W = 2/fan_in; W ~ U[-a, a], a = sqrt(6/fan_in)",
        _he, "He et al. 2015",
    ),
    "lecun_normal": Initialiser(
        "lecun_normal", "normal", "Var W = 1/fan_in; W ~ N(0, Var W)",
        _lecun, "LeCun et al. 1998",
    ),
    "standard": Initialiser(
        "standard", "uniform",
        "W ~ U[-1/sqrt(fan_in), 1/sqrt(fan_in)]; Var W = 1/(3 fan_in)",
        _standard, "Glorot & Bengio 2010, eq. 1",
    ),
    "normal": Initialiser(
        "normal", "normal", "Var W = std^2; W ~ N(0, std^2)",
        _fixed, "",
    ),
}

#: Short names accepted wherever an initialiser name is (e.g. ``MLP(init="he")``).
ALIASES: dict[str, str] = {
    "he": "he_normal",
    "kaiming": "he_normal",
    "glorot": "glorot_uniform",
    "xavier": "glorot_uniform",
    "xavier_uniform": "glorot_uniform",
    "xavier_normal": "glorot_normal",
    "lecun": "lecun_normal",
}


def resolve(name: str) -> Initialiser:
    """Return the initialiser for ``name`` (a key of ``INITIALISERS`` or ``ALIASES``).

    Raises
    ------
    KeyError
        If the name is unknown; the message lists the valid names.
    """
    key = ALIASES.get(name, name)
    try:
        return INITIALISERS[key]
    except (KeyError, TypeError):
        valid = ", ".join([*INITIALISERS, *ALIASES])
        raise KeyError(f"unknown initialiser {name!r}; valid names: {valid}") from None


def _check(fan_in: int, fan_out: int, std: float) -> None:
    for label, fan in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(fan, bool) or not isinstance(fan, int | np.integer) or fan < 1:
            raise ValueError(f"{label} must be a positive integer, got {fan!r}")
    if not (math.isfinite(std) and std >= 0):
        raise ValueError(f"std must be finite and >= 0, got {std!r}")


def weight_variance(name: str, fan_in: int, fan_out: int, std: float = 0.01) -> float:
    """Theoretical variance of one weight under initialiser ``name``.

    Parameters
    ----------
    name : str
        Initialiser name or alias.
    fan_in, fan_out : int
        Layer input and output widths.
    std : float, default 0.01
        Standard deviation for ``"normal"``; ignored by the others.

    Returns
    -------
    float
        ``Var W``, e.g. ``2/fan_in`` for He.
    """
    init = resolve(name)
    _check(fan_in, fan_out, std)
    return float(init.variance(int(fan_in), int(fan_out), float(std)))


def draw(name: str, shape: tuple[int, ...], rng: np.random.Generator, var: float) -> np.ndarray:
    """Zero-mean float64 draws of variance ``var`` with initialiser ``name``'s distribution.

    A normal ``N(0, var)``, or for a uniform initialiser ``U[-a, a]`` with
    ``a = sqrt(3 var)``. Shared by :func:`init_weights` and the batched random
    networks of :func:`core.dead.born_dead_first_layer`.
    """
    if resolve(name).distribution == "uniform":
        limit = math.sqrt(3.0 * var)
        return rng.uniform(-limit, limit, size=shape)
    return rng.standard_normal(shape) * math.sqrt(var)


def init_weights(
    name: str,
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator,
    std: float = 0.01,
    dtype: npt.DTypeLike = np.float64,
) -> npt.NDArray[np.floating]:
    """Draw a weight matrix.

    Parameters
    ----------
    name, fan_in, fan_out, std
        As for :func:`weight_variance`.
    rng : numpy.random.Generator
        Source of randomness (``np.random.default_rng(seed)``); no global state.
    dtype : dtype, default float64
        Dtype of the result. Values are drawn in float64 and then cast, so a
        float32 network gets the rounded float64 weights of the same seed.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        Zero-mean weights with variance :func:`weight_variance`.
    """
    var = weight_variance(name, fan_in, fan_out, std)
    return draw(name, (int(fan_in), int(fan_out)), rng, var).astype(dtype, copy=False)


def unit_spread(
    weights: Sequence[npt.ArrayLike], biases: Sequence[npt.ArrayLike]
) -> list[float]:
    """How far apart the units of each hidden layer are: 0 when they are all the same.

    Unit ``j`` of layer ``l`` is its incoming weights ``W_l[:, j]`` and its bias
    ``b_l[j]``. Started from all-zero weights, every unit of a layer computes the
    same value and gets the same gradient, so in exact arithmetic the units of a
    layer stay identical for ever (the *symmetry* a random start breaks).

    Parameters
    ----------
    weights, biases : sequence of array_like
        ``W_l`` of shape (fan_in, fan_out) and ``b_l`` of shape (fan_out,), first
        layer first, as :meth:`core.mlp.MLP.get_params` returns them; the last pair
        (the output layer) is not a hidden layer and is left out.

    Returns
    -------
    list of float
        Per hidden layer, ``max_j max |u_j - u_0| / max(max |u|, 1e-300)`` over the
        units ``u_j = (W_l[:, j], b_l[j])``: 0 for identical units, about 1 for
        unrelated ones. A layer of one unit gives 0.
    """
    out = []
    for w, b in list(zip(weights, biases, strict=True))[:-1]:
        units = np.vstack([np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)])
        scale = max(float(np.max(np.abs(units))), 1e-300)
        out.append(float(np.max(np.abs(units - units[:, :1]))) / scale)
    return out
