"""Tests for core.features: the registry, expand's columns and its refusals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core.features import DEFAULT_FEATURES, FEATURES, canonical, expand

CODES = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]


def test_registry_codes_order_and_playground_names() -> None:
    assert list(FEATURES) == CODES  # Playground's order of input nodes
    assert [f.playground for f in FEATURES.values()] == [
        "x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY",
    ]
    for code, feat in FEATURES.items():
        assert feat.code == code
        assert feat.label_key == f"playground.feature.{code}"
    assert DEFAULT_FEATURES == ("x1", "x2")


def test_expand_values_worked_by_hand() -> None:
    X2 = np.array([[2.0, -3.0], [0.5, np.pi / 2]])
    out = expand(X2, CODES)
    expected = np.array([
        [2.0, -3.0, 4.0, 9.0, -6.0, np.sin(2.0), np.sin(-3.0)],
        [0.5, np.pi / 2, 0.25, np.pi**2 / 4, np.pi / 4, np.sin(0.5), 1.0],
    ])
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)
    assert out.dtype == np.float64 and out.shape == (2, 7)


@pytest.mark.parametrize("code", CODES)
def test_each_column_follows_the_order_given(code: str) -> None:
    X2 = np.random.default_rng(0).uniform(-6, 6, (50, 2))
    full = expand(X2, CODES)
    j = CODES.index(code)
    np.testing.assert_array_equal(expand(X2, [code])[:, 0], full[:, j])
    swapped = expand(X2, [code, "x1"] if code != "x1" else ["x1", "x2"])
    np.testing.assert_array_equal(swapped[:, 0], full[:, j])


def test_expand_does_not_alias_its_input() -> None:
    X2 = np.zeros((3, 2))
    out = expand(X2, ["x1", "x2"])
    out[:] = 1.0
    assert np.all(X2 == 0)


def test_canonical_order() -> None:
    assert canonical(["sinx2", "x1", "x1sq"]) == ("x1", "x1sq", "sinx2")
    assert canonical(CODES[::-1]) == tuple(CODES)


@pytest.mark.parametrize(
    "codes",
    [[], ["x3"], ["x1", "x1"], "x1", ["X1"], ["x1", "sinx"]],
)
def test_bad_codes_are_refused(codes: object) -> None:
    X2 = np.zeros((4, 2))
    with pytest.raises(ValueError):
        expand(X2, codes)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        canonical(codes)  # type: ignore[arg-type]


def test_unknown_code_message_lists_valid_codes() -> None:
    with pytest.raises(ValueError, match="sinx1"):
        expand(np.zeros((1, 2)), ["cosx1"])


@pytest.mark.parametrize("X2", [np.zeros((4, 3)), np.zeros(4), np.array([[np.nan, 0.0]])])
def test_bad_points_are_refused(X2: np.ndarray) -> None:
    with pytest.raises(ValueError):
        expand(X2, ["x1"])


@settings(max_examples=60, deadline=None)
@given(
    X2=hnp.arrays(np.float64, st.tuples(st.integers(0, 30), st.just(2)),
                  elements=st.floats(-1e6, 1e6)),
    codes=st.lists(st.sampled_from(CODES), min_size=1, max_size=7, unique=True),
)
def test_expand_shape_and_finiteness(X2: np.ndarray, codes: list[str]) -> None:
    out = expand(X2, codes)
    assert out.shape == (X2.shape[0], len(codes))
    assert np.all(np.isfinite(out))  # |x| <= 1e6, so squares and products stay finite
