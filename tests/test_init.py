"""Tests for core.init: variances, limits, determinism, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.init import ALIASES, INITIALISERS, init_weights, resolve, weight_variance

EXPECTED = {
    "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
    "standard", "normal",
}


def test_registry_keys_and_names() -> None:
    assert set(INITIALISERS) == EXPECTED
    for name, init in INITIALISERS.items():
        assert init.name == name
        assert init.distribution in {"normal", "uniform"}
        assert init.formula.startswith("Var W") or "Var W" in init.formula
    for alias, target in ALIASES.items():
        assert resolve(alias) is INITIALISERS[target]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("glorot_uniform", 2 / (200 + 100)),
        ("glorot_normal", 2 / (200 + 100)),
        ("he_normal", 2 / 200),
        ("he_uniform", 2 / 200),
        ("lecun_normal", 1 / 200),
        ("standard", 1 / (3 * 200)),
        ("normal", 0.05**2),
    ],
)
def test_weight_variance_formulas(name: str, expected: float) -> None:
    assert weight_variance(name, 200, 100, std=0.05) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_empirical_variance_matches_theory(name: str) -> None:
    rng = np.random.default_rng(0)
    w = init_weights(name, 400, 300, rng, std=0.05)  # 120 000 draws
    assert w.shape == (400, 300) and w.dtype == np.float64
    var = weight_variance(name, 400, 300, std=0.05)
    assert w.var() == pytest.approx(var, rel=0.02)
    assert abs(w.mean()) < 4 * math.sqrt(var / w.size)


@pytest.mark.parametrize("name", ["glorot_uniform", "he_uniform", "standard"])
def test_uniform_limits(name: str) -> None:
    fan_in, fan_out = 50, 30
    w = init_weights(name, fan_in, fan_out, np.random.default_rng(1))
    limit = {
        "glorot_uniform": math.sqrt(6 / (fan_in + fan_out)),
        "he_uniform": math.sqrt(6 / fan_in),
        "standard": 1 / math.sqrt(fan_in),
    }[name]
    assert np.all(np.abs(w) <= limit)
    assert np.abs(w).max() > 0.95 * limit  # the whole interval is used


def test_standard_init_shrinks_by_three() -> None:
    # n · Var W = 1/3 for Glorot & Bengio's "standard" init (docs/science.md).
    n = 256
    assert n * weight_variance("standard", n, n) == pytest.approx(1 / 3)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_determinism_and_dtype(name: str) -> None:
    a = init_weights(name, 7, 5, np.random.default_rng(3))
    b = init_weights(name, 7, 5, np.random.default_rng(3))
    c = init_weights(name, 7, 5, np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    f32 = init_weights(name, 7, 5, np.random.default_rng(3), dtype=np.float32)
    assert f32.dtype == np.float32
    np.testing.assert_array_equal(f32, a.astype(np.float32))


def test_errors() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(KeyError, match="he_normal"):
        init_weights("kaiming_magic", 3, 3, rng)
    with pytest.raises(ValueError):
        init_weights("he", 0, 3, rng)
    with pytest.raises(ValueError):
        init_weights("he", 3, 2.5, rng)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        weight_variance("normal", 3, 3, std=-1.0)
