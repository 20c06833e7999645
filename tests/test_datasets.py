"""Tests for core.datasets: shapes, standardisation, rules, split, errors, no network."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.datasets import DATASETS, PLAYGROUND_EXTENT, load, standardise, train_test_split

GENERATED = sorted(k for k, v in DATASETS.items() if v.generated)
BUNDLED = sorted(k for k, v in DATASETS.items() if not v.generated)
STANDARDISED = sorted(k for k, v in DATASETS.items() if v.standardised)
PLAYGROUND = sorted(k for k, v in DATASETS.items() if not v.standardised)
PLAYGROUND_CLASSES = sorted(k for k in PLAYGROUND if DATASETS[k].task == "classification")
REGRESSION = sorted(k for k, v in DATASETS.items() if v.task == "regression")


def test_registry() -> None:
    assert set(GENERATED) == {
        "moons", "circles", "blobs", "gaussian_quantiles", "classification",
        "circle", "xor", "gauss", "spiral", "plane", "multigauss",
    }
    assert set(BUNDLED) == {"iris", "wine", "breast_cancer", "digits"}
    assert set(PLAYGROUND) == {"circle", "xor", "gauss", "spiral", "plane", "multigauss"}
    assert set(REGRESSION) == {"plane", "multigauss"}
    for name, info in DATASETS.items():
        assert info.name == name
        assert info.two_d == (info.n_features == 2)
        assert info.uses_n_samples == info.generated
        assert (info.n_rows is None) == info.generated
        assert info.task in ("classification", "regression")
        assert (info.n_classes == 0) == (info.task == "regression")
        assert (info.extent is None) == info.standardised
    assert not DATASETS["gaussian_quantiles"].uses_noise
    assert all(DATASETS[k].uses_noise for k in ("moons", "circles", "blobs", "classification"))
    for name in PLAYGROUND:
        info = DATASETS[name]
        assert info.two_d and info.generated and info.uses_noise
        assert info.extent == PLAYGROUND_EXTENT == 6.0


@pytest.mark.parametrize("name", STANDARDISED)
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
    quiet, y_quiet = load(name, noise=0.0)
    noisy, y_noisy = load(name, noise=0.3)
    if DATASETS[name].uses_noise and DATASETS[name].standardised:
        assert not np.array_equal(quiet, noisy)
    elif DATASETS[name].uses_noise:
        # Playground's label-noise sets keep the positions and move the labels.
        assert not (np.array_equal(quiet, noisy) and np.array_equal(y_quiet, y_noisy))
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


# --- TensorFlow Playground's sets ---------------------------------------------------


@pytest.mark.parametrize("name", PLAYGROUND)
@pytest.mark.parametrize("n", [10, 11, 500])
def test_playground_shapes_dtypes_and_coordinates(name: str, n: int) -> None:
    X, y = load(name, n_samples=n, noise=0.0, seed=2)
    assert X.shape == (n, 2) and X.dtype == np.float64 and y.shape == (n,)
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))
    if DATASETS[name].task == "classification":
        assert y.dtype == np.int64
        assert set(np.unique(y)) <= {0, 1}
    else:
        assert y.dtype == np.float64
        assert np.any(y != np.round(y))  # continuous targets, not labels in disguise
    # Kept in Playground's coordinates: not standardised, inside its plane without noise
    # (the Gaussians' tails may leave it, as in Playground).
    if name != "gauss":
        assert np.all(np.abs(X) <= PLAYGROUND_EXTENT)
    assert np.abs(X.mean(axis=0)).max() > 1e-9 or np.abs(X.std(axis=0) - 1).max() > 1e-3


@pytest.mark.parametrize("name", ["gauss", "spiral"])
def test_two_class_sets_put_the_odd_row_in_class_one(name: str) -> None:
    for n in (10, 11, 501):
        _, y = load(name, n_samples=n)
        assert int(y.sum()) == n - n // 2


def _polar_r_angle(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Playground's convention x = r sin θ, y = r cos θ.
    return np.hypot(X[:, 0], X[:, 1]), np.arctan2(X[:, 0], X[:, 1])


def test_circle_facts() -> None:
    X, y = load("circle", n_samples=400, noise=0.0, seed=0)
    r, _ = _polar_r_angle(X)
    assert np.all(r[y == 1] < 2.5) and np.all((r[y == 0] >= 3.5) & (r[y == 0] <= 5.0))
    assert int(y.sum()) == 200
    # Noise moves where the label is read, not the points: the positions are the same.
    Xn, yn = load("circle", n_samples=400, noise=0.5, seed=0)
    np.testing.assert_array_equal(X, Xn)
    assert 0 < np.mean(yn != y) < 0.5


def test_xor_facts_and_label_noise_grows_with_noise() -> None:
    X, y = load("xor", n_samples=1000, noise=0.0, seed=0)
    assert np.all(np.abs(X) >= 0.3) and np.all(np.abs(X) <= 5.3)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(np.int64))
    wrong = []
    for noise in (0.1, 0.3, 0.5):
        Xn, yn = load("xor", n_samples=1000, noise=noise, seed=0)
        np.testing.assert_array_equal(X, Xn)
        wrong.append(np.mean(yn != y))
    assert 0 < wrong[0] < wrong[1] < wrong[2] < 0.5


def test_gauss_variance_follows_playgrounds_scale() -> None:
    # Same seed: the same standard normals scaled by sqrt(0.5 + 7 noise).
    X0, y0 = load("gauss", n_samples=300, noise=0.0, seed=4)
    X5, y5 = load("gauss", n_samples=300, noise=0.5, seed=4)
    np.testing.assert_array_equal(y0, y5)
    centre = np.where(y0[:, None] == 1, 2.0, -2.0)
    np.testing.assert_allclose((X5 - centre) / np.sqrt(4.0), (X0 - centre) / np.sqrt(0.5))
    # The sample variance is near 0.5 at no noise.
    assert np.var(X0 - centre) == pytest.approx(0.5, rel=0.15)


def test_spiral_lies_on_its_arms_and_noise_is_bounded() -> None:
    X, y = load("spiral", n_samples=400, noise=0.0, seed=0)
    r, angle = _polar_r_angle(X)
    assert r.max() < 5.0
    # θ = 1.75 turns · r/5 (+π on the second arm), modulo a whole turn.
    expected = 3.5 * np.pi * r / 5.0 + np.where(y == 1, 0.0, np.pi)
    gap = np.angle(np.exp(1j * (angle - expected)))
    centre = r < 1e-12  # each arm starts at the origin, where the angle is undefined
    assert centre.sum() == 2
    np.testing.assert_allclose(gap[~centre], 0.0, atol=1e-9)
    Xn, yn = load("spiral", n_samples=400, noise=0.4, seed=0)
    np.testing.assert_array_equal(y, yn)
    shift = Xn - X
    assert np.abs(shift).max() <= 0.4 and np.abs(shift).max() > 0.3


def test_plane_target_formula_and_noise() -> None:
    X, y = load("plane", n_samples=300, noise=0.0, seed=1)
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 10.0)
    Xn, yn = load("plane", n_samples=300, noise=0.2, seed=1)
    np.testing.assert_array_equal(X, Xn)
    # Each coordinate's shift is U(−6, 6)·noise, so the target moves by at most 2·6·0.2/10.
    err = np.abs(yn - y)
    assert err.max() <= 2 * 6 * 0.2 / 10 + 1e-12 and err.mean() > 0.02


def _multigauss_reference(x: float, y: float) -> float:
    # Written out like Playground: the largest-magnitude signed bump, first one on ties.
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    label = 0.0
    for cx, cy, sign in bumps:
        value = sign * min(max(1 - float(np.hypot(x - cx, y - cy)) / 2, 0.0), 1.0)
        if abs(value) > abs(label):
            label = value
    return label


def test_multigauss_target_formula() -> None:
    X, y = load("multigauss", n_samples=200, noise=0.0, seed=3)
    np.testing.assert_allclose(y, [_multigauss_reference(a, b) for a, b in X])
    assert -1 <= y.min() < -0.5 and 0.5 < y.max() <= 1
    _, yn = load("multigauss", n_samples=200, noise=0.3, seed=3)
    assert not np.array_equal(y, yn)


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(PLAYGROUND),
    n=st.integers(10, 400),
    noise=st.floats(0.0, 2.0),
    seed=st.integers(0, 2**31 - 1),
)
def test_playground_sets_any_arguments(name: str, n: int, noise: float, seed: int) -> None:
    X, y = load(name, n_samples=n, noise=noise, seed=seed)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))
    X2, y2 = load(name, n_samples=n, noise=noise, seed=seed)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


def test_playground_classes_split_like_the_other_sets() -> None:
    for name in PLAYGROUND_CLASSES:
        X, y = load(name, n_samples=100, noise=0.1)
        _, _, ytr, yte = train_test_split(X, y, test_fraction=0.5, seed=0)
        assert set(ytr) == set(yte) == {0, 1}
