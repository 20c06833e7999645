"""Tests for core.datasets: shapes, standardisation, rules, split, errors, no network."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.datasets import DATASETS, load, standardise, train_test_split

GENERATED = sorted(k for k, v in DATASETS.items() if v.generated)
BUNDLED = sorted(k for k, v in DATASETS.items() if not v.generated)


def test_registry() -> None:
    assert set(GENERATED) == {"moons", "circles", "blobs", "gaussian_quantiles", "classification"}
    assert set(BUNDLED) == {"iris", "wine", "breast_cancer", "digits"}
    for name, info in DATASETS.items():
        assert info.name == name
        assert info.two_d == (info.n_features == 2)
        assert info.uses_n_samples == info.generated
        assert (info.n_rows is None) == info.generated
    assert not DATASETS["gaussian_quantiles"].uses_noise
    assert all(DATASETS[k].uses_noise for k in ("moons", "circles", "blobs", "classification"))


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_shapes_dtypes_labels_and_standardisation(name: str) -> None:
    info = DATASETS[name]
    X, y = load(name, n_samples=5000 if not info.generated else 150, noise=0.2, seed=1)
    n = 150 if info.generated else info.n_rows
    assert X.shape == (n, info.n_features)
    assert y.shape == (n,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(np.unique(y), np.arange(info.n_classes))
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    std = X.std(axis=0)
    # Unit std, except constant columns (blank pixels in digits), which stay at 0.
    assert np.all((np.abs(std - 1) < 1e-12) | (std == 0))
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_determinism(name: str) -> None:
    X1, y1 = load(name, n_samples=100, seed=3)
    X2, y2 = load(name, n_samples=100, seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = load(name, n_samples=100, seed=4)
    assert not np.array_equal(X1, X3)  # generated, or a different subsample


@pytest.mark.parametrize("name", GENERATED)
def test_generated_sets_honour_n_samples_and_noise(name: str) -> None:
    for n in (10, 57, 300):
        X, y = load(name, n_samples=n)
        assert len(X) == len(y) == n
    quiet, _ = load(name, noise=0.0)
    noisy, _ = load(name, noise=0.3)
    if DATASETS[name].uses_noise:
        assert not np.array_equal(quiet, noisy)
    else:
        np.testing.assert_array_equal(quiet, noisy)


def test_moons_and_circles_noise_is_the_gaussian_sd() -> None:
    # Without noise every circles point lies on one of two radii (ratio 0.5).
    X, y = load("circles", n_samples=200, noise=0.0)
    # Standardisation scales both axes by the same factor here (symmetric data).
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.ptp(r[y == 0]) < 1e-9 and np.ptp(r[y == 1]) < 1e-9
    assert r[y == 1].mean() / r[y == 0].mean() == pytest.approx(0.5)


def test_classification_label_noise_is_clipped() -> None:
    X, y = load("classification", n_samples=100, noise=3.0)
    X_half, y_half = load("classification", n_samples=100, noise=0.5)  # flip_y = 0.5 both
    np.testing.assert_array_equal(X, X_half)
    np.testing.assert_array_equal(y, y_half)


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_sets_ignore_noise_and_use_all_rows(name: str) -> None:
    info = DATASETS[name]
    X1, y1 = load(name, n_samples=10_000, noise=0.0, seed=0)
    X2, y2 = load(name, n_samples=10_000, noise=0.9, seed=5)
    assert len(y1) == info.n_rows
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_subsample_is_stratified(name: str) -> None:
    info = DATASETS[name]
    _, y_full = load(name, n_samples=10_000)
    full_share = np.bincount(y_full) / len(y_full)
    for n in (10, 60):
        X, y = load(name, n_samples=n, seed=2)
        assert X.shape == (n, info.n_features)
        counts = np.bincount(y, minlength=info.n_classes)
        assert np.all(counts >= 1)  # n >= n_classes for every bundled set
        assert np.all(np.abs(counts - full_share * n) < 1 + 1e-9)


def test_standardise_guards_constant_columns() -> None:
    X = np.array([[1.0, 5.0], [3.0, 5.0]])
    np.testing.assert_array_equal(standardise(X), [[-1.0, 0.0], [1.0, 0.0]])


def test_split_is_stratified_disjoint_and_deterministic() -> None:
    _, y = load("wine", n_samples=10_000)
    idx = np.arange(len(y))[:, None]
    Xtr, Xte, ytr, yte = train_test_split(idx, y, test_fraction=0.25, seed=0)
    assert len(yte) == round(0.25 * len(y)) and len(ytr) + len(yte) == len(y)
    rows_tr, rows_te = Xtr[:, 0], Xte[:, 0]
    assert set(rows_tr).isdisjoint(rows_te)
    np.testing.assert_array_equal(np.sort(np.concatenate([rows_tr, rows_te])), idx[:, 0])
    np.testing.assert_array_equal(y[rows_te], yte)
    assert np.all(np.diff(rows_tr) > 0) and np.all(np.diff(rows_te) > 0)  # original order
    expected = np.bincount(y) * 0.25
    assert np.all(np.abs(np.bincount(yte) - expected) < 1 + 1e-9)

    again = train_test_split(idx, y, test_fraction=0.25, seed=0)
    np.testing.assert_array_equal(again[1], Xte)
    other = train_test_split(idx, y, test_fraction=0.25, seed=1)
    assert not np.array_equal(other[1], Xte)


def test_split_keeps_every_class_in_both_parts_when_possible() -> None:
    y = np.array([0] * 30 + [1] * 2 + [2])  # class 2 has a single row
    X = np.arange(len(y))[:, None].astype(float)
    _, _, ytr, yte = train_test_split(X, y, test_fraction=0.1, seed=0)
    assert set(ytr) == {0, 1, 2}
    assert set(yte) == {0, 1}
    _, _, ytr, yte = train_test_split(X, y, test_fraction=0.9, seed=0)
    assert set(ytr) == {0, 1, 2} and set(yte) == {0, 1}


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(st.integers(0, 4), min_size=2, max_size=80),
    fraction=st.floats(0.05, 0.95),
    seed=st.integers(0, 2**16),
)
def test_split_invariants(labels: list[int], fraction: float, seed: int) -> None:
    y = np.array(labels)
    X = np.arange(len(y))[:, None]
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_fraction=fraction, seed=seed)
    # A partition of the rows, labels carried along.
    np.testing.assert_array_equal(np.sort(np.concatenate([Xtr[:, 0], Xte[:, 0]])), X[:, 0])
    np.testing.assert_array_equal(y[Xtr[:, 0]], ytr)
    np.testing.assert_array_equal(y[Xte[:, 0]], yte)
    assert len(ytr) >= 1 and len(yte) >= 1
    for c, m in zip(*np.unique(y, return_counts=True), strict=True):
        in_test = int(np.sum(yte == c))
        if m >= 2:  # every class with two rows or more is in both parts
            assert 1 <= in_test <= m - 1


def test_errors() -> None:
    with pytest.raises(KeyError, match="moons"):
        load("mnist")
    with pytest.raises(ValueError):
        load("moons", n_samples=9)
    with pytest.raises(ValueError):
        load("moons", n_samples=20.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        load("moons", noise=-0.1)
    with pytest.raises(ValueError):
        load("moons", noise=float("nan"))
    X, y = load("moons", n_samples=20)
    for bad in (0.0, 1.0, -0.5):
        with pytest.raises(ValueError):
            train_test_split(X, y, test_fraction=bad)
    with pytest.raises(ValueError):
        train_test_split(X, y[:-1])


def test_bundled_sets_need_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("core.datasets tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for name in BUNDLED:
        X, _ = load(name, n_samples=10_000)
        assert len(X) == DATASETS[name].n_rows
