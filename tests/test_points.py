"""Tests for core.points: the text form round trip, its size, every refusal, fuzzing."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.points import (
    MAX_POINTS,
    DrawnPoints,
    Point,
    PointsError,
    decode_points,
    encode_points,
    quantise,
    toggle_point,
)

coord = st.floats(-6, 6)
class_points = st.lists(st.tuples(coord, coord, st.sampled_from([0, 1])), max_size=MAX_POINTS,
                        unique_by=lambda p: (round((p[0] + 6) * 100), round((p[1] + 6) * 100)))
value_points = st.lists(st.tuples(coord, coord, st.floats(-1, 1)), max_size=MAX_POINTS,
                        unique_by=lambda p: (round((p[0] + 6) * 100), round((p[1] + 6) * 100)))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_worked_example() -> None:
    pts = [(0.12, -6.0, 1), (6.0, 0.0, 0)]
    text = encode_points(pts)
    # q = 100 (x + 6): (612, 0, 1) and (1200, 600, 0), packed as q1<<13 | q2<<2 | c<<1.
    words = [612 << 13 | 0 << 2 | 1 << 1, 1200 << 13 | 600 << 2]
    assert text == b64(bytes([0x10]) + b"".join(w.to_bytes(3, "big") for w in words))
    got = decode_points(text)
    assert got == DrawnPoints("classification", (Point(0.12, -6.0, 1), Point(6.0, 0.0, 0)))
    np.testing.assert_array_equal(got.X, [[0.12, -6.0], [6.0, 0.0]])
    assert got.y.dtype == np.int64 and list(got.y) == [1, 0]


def test_regression_worked_example() -> None:
    text = encode_points([(-1.234, 2.0, -0.5)], "regression")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    assert data == bytes([0x11]) + (477 << 21 | 800 << 10 | 50 << 2).to_bytes(4, "big")
    got = decode_points(text)
    assert got.problem == "regression" and got.points == (Point(-1.23, 2.0, -0.5),)
    assert got.y.dtype == np.float64


def test_empty_and_sizes() -> None:
    assert decode_points(encode_points([])) == DrawnPoints("classification", ())
    assert decode_points(encode_points([], "regression")) == DrawnPoints("regression", ())
    rng = np.random.default_rng(0)
    grid = rng.choice(1201 * 1201, size=MAX_POINTS, replace=False)
    full = [((g % 1201) / 100 - 6, (g // 1201) / 100 - 6, int(g % 2)) for g in grid]
    assert len(encode_points(full)) == 402
    values = [(a, b, rng.uniform(-1, 1)) for a, b, _ in full]
    assert len(encode_points(values, "regression")) == 535
    for text in (encode_points(full), encode_points(values, "regression")):
        assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@settings(max_examples=80, deadline=None)
@given(pts=class_points)
def test_round_trip_classes(pts: list[tuple[float, float, int]]) -> None:
    text = encode_points(pts)
    got = decode_points(text)
    assert got.points == quantise(pts)
    assert len(got.points) == len(pts)
    for (a, b, c), p in zip(pts, got.points, strict=True):
        assert abs(p.x1 - a) <= 0.005 + 1e-12 and abs(p.x2 - b) <= 0.005 + 1e-12 and p.value == c
    assert encode_points(got.points) == text  # decoding and encoding again is the identity


@settings(max_examples=80, deadline=None)
@given(pts=value_points)
def test_round_trip_values(pts: list[tuple[float, float, float]]) -> None:
    text = encode_points(pts, "regression")
    got = decode_points(text)
    assert got.problem == "regression" and got.points == quantise(pts, "regression")
    for (_, _, v), p in zip(pts, got.points, strict=True):
        assert abs(p.value - v) <= 0.005 + 1e-12
    assert encode_points(got.points, "regression") == text


@pytest.mark.parametrize(("pts", "problem"), [
    ([(6.01, 0, 1)], "classification"),
    ([(0, -7, 1)], "classification"),
    ([(float("nan"), 0, 1)], "classification"),
    ([(0, float("inf"), 0)], "classification"),
    ([(0, 0, 2)], "classification"),
    ([(0, 0, 0.5)], "classification"),
    ([(0, 0, True)], "classification"),
    ([("0", 0, 1)], "classification"),
    ([(0, 0)], "classification"),
    ([(0, 0, 1, 1)], "classification"),
    ([(0, 0, 1.5)], "regression"),
    ([(0, 0, float("nan"))], "regression"),
    ([(0, 0, 1), (0.001, 0.002, 0)], "classification"),  # the same grid position
    ([(0, 0, 1)], "ranking"),
    ("abc", "classification"),
    (5, "classification"),
])
def test_bad_points_are_refused(pts: object, problem: str) -> None:
    with pytest.raises(PointsError):
        encode_points(pts, problem)  # type: ignore[arg-type]


def test_too_many_points() -> None:
    pts = [(i / 100, 0.0, 0) for i in range(MAX_POINTS + 1)]
    with pytest.raises(PointsError, match="100"):
        encode_points(pts)


def _body(words: list[int], width: int, header: int = 0x10) -> str:
    return b64(bytes([header]) + b"".join(w.to_bytes(width, "big") for w in words))


@pytest.mark.parametrize("text", [
    "", "!", "EA==", "E A", "EAAA", "EB",  # padding, space, a partial point, a non-canonical tail
    _body([], 3, header=0x20),  # unknown version
    _body([], 3, header=0x12),  # unknown kind
    _body([1201 << 13], 3),  # x1 past 6
    _body([1201 << 2], 3),  # x2 past 6
    _body([1], 3),  # the spare bit set
    _body([201 << 2], 4, header=0x11),  # a value past 1
    _body([3], 4, header=0x11),  # spare bits set
    _body([5 << 13, 5 << 13 | 1 << 1], 3),  # two points at one position
    _body([i << 13 for i in range(MAX_POINTS + 1)], 3),  # 101 points
    "A" * 10_000,
])
def test_bad_text_is_refused(text: str) -> None:
    with pytest.raises(PointsError):
        decode_points(text)


def test_non_text_is_refused() -> None:
    with pytest.raises(PointsError):
        decode_points(b"EA")  # type: ignore[arg-type]


def test_points_error_is_a_value_error() -> None:
    assert issubclass(PointsError, ValueError)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(max_size=600),
                      st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                              max_size=600),
                      st.binary(max_size=420).map(b64)))
def test_garbage_raises_only_points_error(text: str) -> None:
    try:
        got = decode_points(text)
    except PointsError:
        return
    # Whatever decodes is valid and encodes back to the same text.
    assert encode_points(got.points, got.problem) == text
    assert len(got.points) <= MAX_POINTS


@settings(max_examples=200, deadline=None)
@given(pts=class_points.filter(bool), at=st.integers(0, 10**6), char=st.sampled_from("AQgw_-9z"))
def test_mutated_valid_text(pts: list[tuple[float, float, int]], at: int, char: str) -> None:
    text = encode_points(pts)
    i = at % len(text)
    mutated = text[:i] + char + text[i + 1:]
    try:
        got = decode_points(mutated)
    except PointsError:
        return
    assert encode_points(got.points, got.problem) == mutated


def test_toggle_adds_and_removes() -> None:
    pts = toggle_point((), 1.004, 2.0, 1)
    assert pts == (Point(1.0, 2.0, 1),)
    pts = toggle_point(pts, -3.0, 4.0, 0)
    assert pts == (Point(1.0, 2.0, 1), Point(-3.0, 4.0, 0))
    # A click near a point removes it (the nearest one), whatever class is chosen.
    assert toggle_point(pts, 1.2, 2.1, 0) == (Point(-3.0, 4.0, 0),)
    assert toggle_point(pts, 1.5, 2.0, 0, radius=0.3) == (*pts, Point(1.5, 2.0, 0))
    assert toggle_point((), 0.5, 0.5, 0.25, "regression") == (Point(0.5, 0.5, 0.25),)


def test_toggle_refuses_a_101st_point_and_bad_clicks() -> None:
    full = tuple(Point(i / 10 - 5, 0.0, 0) for i in range(MAX_POINTS))
    with pytest.raises(PointsError):
        toggle_point(full, 0.0, 3.0, 1)
    assert len(toggle_point(full, -5.0, 0.0, 1)) == MAX_POINTS - 1  # removing still works
    for x1, x2 in ((7.0, 0.0), (float("nan"), 0.0)):
        with pytest.raises(PointsError):
            toggle_point((), x1, x2, 1)
