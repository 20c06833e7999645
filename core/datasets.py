"""Classification data sets: 2-D toy sets generated on demand, and small bundled ones.

Every loader returns ``X`` as float64 of shape (n, d), standardised per feature (zero
mean, unit standard deviation; a constant feature is left at 0), and ``y`` as int64
labels ``0 .. n_classes-1`` of shape (n,).

Generated sets (2-D, binary; ``n_samples`` rows exactly)
    ``moons``               two interleaved half circles; ``noise`` = sd of the Gaussian
                            noise added to each point.
    ``circles``             two concentric circles (inner radius factor 0.5); ``noise``
                            as for moons.
    ``blobs``               two Gaussian clusters centred at (−2, −2) and (2, 2) with
                            ``cluster_std = 1 + 4·noise`` (fixed centres, so ``noise`` alone
                            sets the overlap).
    ``gaussian_quantiles``  one 2-D Gaussian split into two classes by a radius
                            (inner vs. outer half); ``noise`` is **ignored**.
    ``classification``      scikit-learn's ``make_classification`` with 2 informative
                            features, one cluster per class and a fraction
                            ``flip_y = min(noise, 0.5)`` of labels flipped at random.

Bundled sets (files shipped inside scikit-learn, read with ``load_*``: no network)
    ``iris`` (150 × 4, 3 classes), ``wine`` (178 × 13, 3), ``breast_cancer``
    (569 × 30, 2), ``digits`` (1797 × 64, 10). ``noise`` is ignored. All rows are
    used, unless ``n_samples`` is smaller than the set: then a seeded, stratified
    subsample of exactly ``n_samples`` rows is taken (every class keeps at least one
    row when ``n_samples >= n_classes``), in the file's order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn import datasets as _skd

__all__ = ["DATASETS", "DatasetInfo", "load", "standardise", "train_test_split"]


@dataclass(frozen=True)
class DatasetInfo:
    """What a page needs to know about a data set before loading it.

    Attributes
    ----------
    name : str
        Registry key.
    n_features : int or None
        Number of input features (None if it depended on the arguments; all
        current sets have a fixed number).
    n_classes : int
    generated : bool
        Drawn at random from ``seed`` (True) or read from a file bundled with
        scikit-learn (False).
    two_d : bool
        Two input features, so decision boundaries can be drawn in the plane.
    uses_noise : bool
        Whether ``noise`` changes the data.
    uses_n_samples : bool
        True when ``n_samples`` is the exact number of rows (generated sets). For
        bundled sets it is False: they use all ``n_rows`` rows and ``n_samples``
        only matters if smaller, when a stratified subsample is drawn.
    n_rows : int or None
        Rows in a bundled set; None for generated ones.
    """

    name: str
    n_features: int | None
    n_classes: int
    generated: bool
    two_d: bool
    uses_noise: bool
    uses_n_samples: bool
    n_rows: int | None = None


def _generated(name: str, uses_noise: bool = True) -> DatasetInfo:
    return DatasetInfo(name, 2, 2, generated=True, two_d=True, uses_noise=uses_noise,
                       uses_n_samples=True)


def _bundled(name: str, n_features: int, n_classes: int, n_rows: int) -> DatasetInfo:
    return DatasetInfo(name, n_features, n_classes, generated=False, two_d=False,
                       uses_noise=False, uses_n_samples=False, n_rows=n_rows)


DATASETS: dict[str, DatasetInfo] = {
    "moons": _generated("moons"),
    "circles": _generated("circles"),
    "blobs": _generated("blobs"),
    "gaussian_quantiles": _generated("gaussian_quantiles", uses_noise=False),
    "classification": _generated("classification"),
    "iris": _bundled("iris", 4, 3, 150),
    "wine": _bundled("wine", 13, 3, 178),
    "breast_cancer": _bundled("breast_cancer", 30, 2, 569),
    "digits": _bundled("digits", 64, 10, 1797),
}

_BLOB_CENTRES = np.array([[-2.0, -2.0], [2.0, 2.0]])

_GENERATORS: dict[str, Callable[[int, float, int], tuple[np.ndarray, np.ndarray]]] = {
    "moons": lambda n, noise, seed: _skd.make_moons(n, noise=noise, random_state=seed),
    "circles": lambda n, noise, seed: _skd.make_circles(
        n, noise=noise, factor=0.5, random_state=seed
    ),
    "blobs": lambda n, noise, seed: _skd.make_blobs(
        n, n_features=2, centers=_BLOB_CENTRES, cluster_std=1.0 + 4.0 * noise,
        random_state=seed,
    ),
    "gaussian_quantiles": lambda n, noise, seed: _skd.make_gaussian_quantiles(
        n_samples=n, n_features=2, n_classes=2, random_state=seed
    ),
    "classification": lambda n, noise, seed: _skd.make_classification(
        n, n_features=2, n_informative=2, n_redundant=0, n_repeated=0, n_classes=2,
        n_clusters_per_class=1, flip_y=min(noise, 0.5), random_state=seed,
    ),
}

# Only load_* functions: they read CSV files inside the scikit-learn package.
# The fetch_* functions download and must never be used here.
_LOADERS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "iris": _skd.load_iris,
    "wine": _skd.load_wine,
    "breast_cancer": _skd.load_breast_cancer,
    "digits": _skd.load_digits,
}


def standardise(X: npt.ArrayLike) -> np.ndarray:
    """Zero mean and unit standard deviation per column; constant columns become 0.

    Parameters
    ----------
    X : array_like of shape (n, d)

    Returns
    -------
    ndarray of shape (n, d), float64
        ``(X − mean) / std`` with ``std`` replaced by 1 where it is 0.
    """
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    # A constant column (e.g. a blank pixel in digits) would divide 0 by 0.
    std[std == 0] = 1.0
    return (X - mean) / std


def _allocate(counts: np.ndarray, k: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Split ``k`` items over classes in proportion to ``counts`` (largest remainder).

    Each class gets between ``lo`` and ``hi`` items; if the bounds make ``k``
    unreachable the total is as close as they allow.
    """
    quota = counts * (k / counts.sum())
    alloc = np.clip(np.floor(quota).astype(np.int64), lo, hi)
    while alloc.sum() < k:
        room = alloc < hi
        if not room.any():
            break
        alloc[np.flatnonzero(room)[np.argmax((quota - alloc)[room])]] += 1
    while alloc.sum() > k:
        spare = alloc > lo
        if not spare.any():
            break
        alloc[np.flatnonzero(spare)[np.argmin((quota - alloc)[spare])]] -= 1
    return alloc


def _stratified_pick(
    y: np.ndarray, per_class: np.ndarray, classes: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Sorted indices with ``per_class[i]`` random rows of class ``classes[i]``."""
    picked = [
        rng.permutation(np.flatnonzero(y == c))[:m] for c, m in zip(classes, per_class, strict=True)
    ]
    return np.sort(np.concatenate(picked))


def load(
    name: str, n_samples: int = 200, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Load a data set by name (see the module docstring for each set's rules).

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.
    n_samples : int, default 200
        Rows of a generated set; an upper bound for a bundled set (a seeded
        stratified subsample is drawn when it is smaller than the set). At least 10.
    noise : float, default 0.2
        Noise level of a generated set (meaning per set in the module docstring);
        ignored by ``gaussian_quantiles`` and bundled sets. Must be ``>= 0``.
    seed : int, default 0
        Seed for generation / subsampling; the same arguments give the same data.

    Returns
    -------
    X : ndarray of shape (n, n_features), float64
        Standardised features.
    y : ndarray of shape (n,), int64
        Labels ``0 .. n_classes-1``.

    Raises
    ------
    KeyError
        Unknown ``name``; the message lists the valid names.
    ValueError
        ``n_samples < 10`` or not an integer, or ``noise`` negative or not finite.
    """
    if name not in DATASETS:
        raise KeyError(f"unknown data set {name!r}; valid names: {', '.join(DATASETS)}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise ValueError(f"n_samples must be an integer, got {n_samples!r}")
    if n_samples < 10:
        raise ValueError(f"n_samples must be at least 10, got {n_samples}")
    noise = float(noise)
    if not (math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be finite and >= 0, got {noise!r}")
    n_samples, seed = int(n_samples), int(seed)

    if name in _GENERATORS:
        X, y = _GENERATORS[name](n_samples, noise, seed)
    else:
        X, y = _LOADERS[name](return_X_y=True)
        if n_samples < len(y):
            classes, counts = np.unique(y, return_counts=True)
            lo = np.minimum(counts, 1) if n_samples >= len(classes) else np.zeros_like(counts)
            per_class = _allocate(counts, n_samples, lo, counts)
            keep = _stratified_pick(y, per_class, classes, np.random.default_rng(seed))
            X, y = X[keep], y[keep]
    return standardise(X), np.asarray(y, dtype=np.int64)


def train_test_split(
    X: npt.ArrayLike, y: npt.ArrayLike, test_fraction: float = 0.25, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Deterministic stratified split.

    About ``round(n · test_fraction)`` rows go to the test part, shared among classes in
    proportion to their size; every class with at least two rows appears in both parts
    (a class with a single row stays in the training part). Rows keep their original
    order within each part.

    Parameters
    ----------
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
        Class labels.
    test_fraction : float, default 0.25
        Strictly between 0 and 1.
    seed : int, default 0
        Seed for choosing the test rows.

    Returns
    -------
    X_train, X_test : ndarray
    y_train, y_test : ndarray
    """
    X, y = np.asarray(X), np.asarray(y)
    n = y.shape[0]
    if y.ndim != 1 or X.shape[0] != n:
        raise ValueError(f"X and y must have the same number of rows; got {X.shape}, {y.shape}")
    if n < 2:
        raise ValueError("need at least two rows to split")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")

    classes, counts = np.unique(y, return_counts=True)
    n_test = min(max(round(n * test_fraction), 1), n - 1)
    two_plus = counts >= 2
    lo = np.where(two_plus, 1, 0)
    hi = np.where(two_plus, counts - 1, 0)
    if hi.sum() == 0:  # only singleton classes: nothing can be in both parts
        hi = counts
    per_class = _allocate(counts, n_test, lo, hi)
    test = _stratified_pick(y, per_class, classes, np.random.default_rng(seed))
    is_test = np.zeros(n, dtype=bool)
    is_test[test] = True
    return X[~is_test], X[is_test], y[~is_test], y[is_test]
