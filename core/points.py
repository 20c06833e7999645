"""Points a visitor draws on the playground's plane, and their compact URL form.

A visitor clicks the plane ``[−6, 6]²`` (TensorFlow Playground's, see
:data:`core.datasets.PLAYGROUND_EXTENT`) to add a point of the chosen class, or of a
chosen value for regression, and clicks it again to remove it (:func:`toggle_point`).
Up to :data:`MAX_POINTS` points travel in the share link as one short URL-safe string.

The text form
-------------
Coordinates are kept to the nearest 1/100 (so ``x`` becomes ``q = round(100 (x + 6))``
in ``0 .. 1200``, 11 bits) and regression values in ``[−1, 1]`` to the nearest 1/100
(``t = round(100 (v + 1))`` in ``0 .. 200``, 8 bits). The bytes are::

    header   1 byte    0x10 | kind          (version 1; kind 0 = classes, 1 = values)
    classes  3 bytes   q₁ << 13 | q₂ << 2 | class << 1          per point, big-endian
    values   4 bytes   q₁ << 21 | q₂ << 10 | t << 2              per point, big-endian

and the text is their unpadded base64url (``A–Z a–z 0–9 - _``), e.g. 402 characters
for 100 classified points. :func:`decode_points` checks everything: the alphabet and
canonical base64, the header, the length, every field's range, the unused bits, the
count, and that no two points share a position; anything else raises
:class:`PointsError`, a ``ValueError``.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from core.datasets import PLAYGROUND_EXTENT

__all__ = [
    "MAX_POINTS",
    "PROBLEMS",
    "STEP",
    "VALUE_RANGE",
    "DrawnPoints",
    "Point",
    "PointsError",
    "decode_points",
    "encode_points",
    "quantise",
    "toggle_point",
]

MAX_POINTS = 100
STEP = 0.01  # resolution of coordinates and values
VALUE_RANGE = (-1.0, 1.0)  # a drawn regression target, the range Playground colours
PROBLEMS = ("classification", "regression")

_Q_MAX = round(2 * PLAYGROUND_EXTENT / STEP)  # 1200
_T_MAX = round((VALUE_RANGE[1] - VALUE_RANGE[0]) / STEP)  # 200
_VERSION = 0x10
_WIDTH = {"classification": 3, "regression": 4}  # bytes per point
_MAX_TEXT = math.ceil((1 + MAX_POINTS * max(_WIDTH.values())) * 4 / 3)
_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


class PointsError(ValueError):
    """Drawn points, or their text form, that cannot be used; the message says why."""


class Point(NamedTuple):
    """One drawn point: its position and its class (0 or 1) or regression value."""

    x1: float
    x2: float
    value: float


@dataclass(frozen=True)
class DrawnPoints:
    """Decoded points and what they are for.

    Attributes
    ----------
    problem : {"classification", "regression"}
    points : tuple of Point
        On the 1/100 grid; ``value`` is an int 0/1 for classification.
    """

    problem: str
    points: tuple[Point, ...]

    @property
    def X(self) -> np.ndarray:
        """Positions, float64 of shape (n, 2)."""
        return np.array([p[:2] for p in self.points], dtype=np.float64).reshape(-1, 2)

    @property
    def y(self) -> np.ndarray:
        """Labels (int64) or targets (float64), shape (n,)."""
        dtype = np.int64 if self.problem == "classification" else np.float64
        return np.array([p.value for p in self.points], dtype=dtype)


def _real(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise PointsError(f"{what} must be a number, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise PointsError(f"{what} must be finite, got {value!r}")
    return out


def _grid(q: int) -> float:
    return (q - _Q_MAX // 2) / 100  # exact decimal: (612 − 600) / 100 = 0.12


def _checked_problem(problem: str) -> str:
    if problem not in PROBLEMS:
        raise PointsError(f"problem must be one of {PROBLEMS}, got {problem!r}")
    return problem


def _quantised(point: object, problem: str) -> tuple[int, int, int]:
    """``(q₁, q₂, c or t)`` of one point, after every check."""
    if not isinstance(point, Sequence) or isinstance(point, str) or len(point) != 3:
        raise PointsError(f"a point is (x1, x2, value), got {point!r}")
    qs = []
    for name, raw in zip(("x1", "x2"), point[:2], strict=True):
        x = _real(raw, name)
        if not -PLAYGROUND_EXTENT <= x <= PLAYGROUND_EXTENT:
            raise PointsError(f"{name} = {x} is outside the plane [−6, 6]")
        qs.append(round((x + PLAYGROUND_EXTENT) / STEP))
    v = _real(point[2], "value")
    if problem == "classification":
        if v not in (0.0, 1.0):
            raise PointsError(f"a class is 0 or 1, got {point[2]!r}")
        return qs[0], qs[1], int(v)
    lo, hi = VALUE_RANGE
    if not lo <= v <= hi:
        raise PointsError(f"a value must be in [{lo:g}, {hi:g}], got {v}")
    return qs[0], qs[1], round((v - lo) / STEP)


def _point(q1: int, q2: int, c: int, problem: str) -> Point:
    value: float = c if problem == "classification" else (c - _T_MAX // 2) / 100
    return Point(_grid(q1), _grid(q2), value)


def _all_quantised(points: Iterable[object], problem: str) -> list[tuple[int, int, int]]:
    problem = _checked_problem(problem)
    if isinstance(points, str | bytes):
        raise PointsError("points must be a sequence of (x1, x2, value)")
    try:
        items = list(points)
    except TypeError as exc:
        raise PointsError("points must be a sequence of (x1, x2, value)") from exc
    if len(items) > MAX_POINTS:
        raise PointsError(f"at most {MAX_POINTS} points, got {len(items)}")
    out = [_quantised(p, problem) for p in items]
    _check_unique(out)
    return out


def _check_unique(qs: list[tuple[int, int, int]]) -> None:
    seen = set()
    for q1, q2, _ in qs:
        if (q1, q2) in seen:
            raise PointsError(f"two points at ({_grid(q1)}, {_grid(q2)})")
        seen.add((q1, q2))


def quantise(points: Iterable[Sequence[float]], problem: str = "classification") -> tuple[Point, ...]:
    """The points as they will come back from the URL: snapped to the 1/100 grid.

    Parameters
    ----------
    points : iterable of (x1, x2, value)
        ``x1, x2`` in ``[−6, 6]``; ``value`` 0 or 1 (classification) or in ``[−1, 1]``.
    problem : {"classification", "regression"}

    Returns
    -------
    tuple of Point

    Raises
    ------
    PointsError
        More than 100 points, a coordinate or value out of range or not finite, a class
        other than 0/1, or two points on the same grid position.
    """
    return tuple(_point(*q, problem) for q in _all_quantised(points, problem))


def encode_points(points: Iterable[Sequence[float]], problem: str = "classification") -> str:
    """The URL-safe text of up to 100 points (format in the module docstring).

    Parameters
    ----------
    points : iterable of (x1, x2, value)
        As for :func:`quantise`.
    problem : {"classification", "regression"}

    Returns
    -------
    str
        Unpadded base64url; at most 402 characters for classes, 535 for values.

    Raises
    ------
    PointsError
        As :func:`quantise`.
    """
    qs = _all_quantised(points, problem)
    kind = PROBLEMS.index(problem)
    width = _WIDTH[problem]
    data = bytearray([_VERSION | kind])
    for q1, q2, c in qs:
        if problem == "classification":
            word = q1 << 13 | q2 << 2 | c << 1
        else:
            word = q1 << 21 | q2 << 10 | c << 2
        data += word.to_bytes(width, "big")
    return base64.urlsafe_b64encode(bytes(data)).decode("ascii").rstrip("=")


def decode_points(text: str) -> DrawnPoints:
    """Points from the text :func:`encode_points` wrote, checking everything.

    Parameters
    ----------
    text : str

    Returns
    -------
    DrawnPoints
        ``decode_points(encode_points(p, problem)).points == quantise(p, problem)``.

    Raises
    ------
    PointsError
        Anything but a text :func:`encode_points` could have written.
    """
    if not isinstance(text, str):
        raise PointsError("the points must be text")
    if len(text) > _MAX_TEXT:
        raise PointsError(f"the points text is too long ({len(text)} characters)")
    if not text or not _ALPHABET.fullmatch(text):
        raise PointsError("the points text is empty or has characters outside base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise PointsError("the points text is not valid base64url") from exc
    if base64.urlsafe_b64encode(data).decode("ascii").rstrip("=") != text:
        raise PointsError("the points text is not in its canonical form")
    header = data[0]
    if header & 0xF0 != _VERSION or header & 0x0F >= len(PROBLEMS):
        raise PointsError(f"unknown points format 0x{header:02x}")
    problem = PROBLEMS[header & 0x0F]
    width = _WIDTH[problem]
    body = data[1:]
    if len(body) % width:
        raise PointsError(f"{len(body)} bytes of points are not a whole number of {width}-byte points")
    if len(body) // width > MAX_POINTS:
        raise PointsError(f"at most {MAX_POINTS} points")
    qs = []
    for i in range(0, len(body), width):
        word = int.from_bytes(body[i:i + width], "big")
        if problem == "classification":
            q1, q2, c, spare = word >> 13, word >> 2 & 0x7FF, word >> 1 & 1, word & 1
            c_max = 1
        else:
            q1, q2, c, spare = word >> 21, word >> 10 & 0x7FF, word >> 2 & 0xFF, word & 3
            c_max = _T_MAX
        if spare or q1 > _Q_MAX or q2 > _Q_MAX or c > c_max:
            raise PointsError(f"point {i // width + 1} is out of range")
        qs.append((q1, q2, c))
    _check_unique(qs)
    return DrawnPoints(problem, tuple(_point(*q, problem) for q in qs))


def toggle_point(
    points: Sequence[Sequence[float]],
    x1: float,
    x2: float,
    value: float,
    problem: str = "classification",
    radius: float = 0.3,
) -> tuple[Point, ...]:
    """What a click at ``(x1, x2)`` does: remove the nearest point within ``radius``, else add one.

    Parameters
    ----------
    points : sequence of (x1, x2, value)
        The current points (valid as for :func:`quantise`).
    x1, x2 : float
        Where the click landed, in ``[−6, 6]``.
    value : float
        Class (0/1) or value of a new point.
    problem : {"classification", "regression"}
    radius : float, default 0.3
        How close (Euclidean, in plane units) a click must be to a point to remove it.

    Returns
    -------
    tuple of Point
        The points after the click, quantised, in their order (a new point last).

    Raises
    ------
    PointsError
        Invalid points or click, or a point to add when there are already 100.
    """
    current = list(quantise(points, problem))
    a, b = _real(x1, "x1"), _real(x2, "x2")
    if current:
        d = np.hypot([p.x1 - a for p in current], [p.x2 - b for p in current])
        nearest = int(np.argmin(d))
        if d[nearest] <= radius:
            del current[nearest]
            return tuple(current)
    if len(current) >= MAX_POINTS:
        raise PointsError(f"at most {MAX_POINTS} points")
    new = quantise([(a, b, value)], problem)[0]
    if any((p.x1, p.x2) == (new.x1, new.x2) for p in current):
        return tuple(current)  # only reachable with radius < 0.005: the point is there already
    return (*current, new)
