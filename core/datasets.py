"""Data sets: 2-D toy sets generated on demand, small bundled ones, and TensorFlow Playground's.

Every scikit-learn loader returns ``X`` as float64 of shape (n, d), standardised per
feature (zero mean, unit standard deviation; a constant feature is left at 0), and ``y``
as int64 labels ``0 .. n_classes-1`` of shape (n,). TensorFlow Playground's sets (last
section) keep Playground's coordinates instead, and two of them are regression sets with
float64 targets; :attr:`DatasetInfo.task` tells the two kinds apart.

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

TensorFlow Playground's sets (2-D; ``n_samples`` rows exactly; not standardised)
    The same generators as TensorFlow Playground's ``src/dataset.ts`` (facts carried
    over, code written here): points in Playground's own coordinates, inside its plane
    ``[−6, 6]²`` (:data:`PLAYGROUND_EXTENT`). They are deliberately **not**
    standardised: the Playground input features (``core.features``: ``sin x₁``,
    ``x₁²``, ``x₁x₂``) only mean what they mean in Playground on these coordinates. On
    standardised data (about ``[−2.5, 2.5]``) ``sin x₁`` would be nearly monotonic and
    add nothing, while on ``[−6, 6]`` it spans about two periods. ``noise`` is
    Playground's noise level as a fraction: its slider's 0..50 % is ``noise = 0..0.5``.
    Classification labels are int64, 1 for Playground's positive class and 0 for its
    negative one; regression targets are float64. The rows are shuffled (as Playground
    shuffles before splitting). Noise ``U(a, b)`` below means a uniform draw.

    ``circle``      (classification; a new set, not ``circles``) positives at radius
                    ``U(0, 2.5)``, negatives at radius ``U(3.5, 5)``, uniform angle. The
                    label is the side of the radius-2.5 circle the point lands on after a
                    shift by ``U(−5, 5)·noise`` per axis, while the point itself is kept
                    where it was: noise flips labels near the boundary. ``circles`` is
                    scikit-learn's pair of thin rings, standardised: a different picture.
    ``xor``         (classification) ``x₁, x₂ ~ U(−5, 5)``, each pushed 0.3 away from its
                    axis; label 1 when ``(x₁ + e₁)(x₂ + e₂) >= 0`` with
                    ``e ~ U(−5, 5)·noise`` (label noise, positions kept).
    ``gauss``       (classification; a new set, not ``blobs``) two Gaussians centred at
                    (2, 2) (label 1) and (−2, −2) (label 0), variance ``0.5 + 7·noise``
                    per axis (Playground's 0.5 at no noise to 4 at 50 %). Unlike
                    ``blobs`` this is noise on the positions, in Playground's units.
    ``spiral``      (classification) two arms of 1.75 turns each, radius growing linearly
                    from 0 to 5; point ``i`` of ``m`` in an arm has radius ``5i/m`` and
                    angle ``3.5π·i/m`` (+π for the second arm, label 0), each coordinate
                    then shifted by ``U(−1, 1)·noise``.
    ``plane``       (regression) ``x₁, x₂ ~ U(−6, 6)``; target
                    ``((x₁ + e₁) + (x₂ + e₂)) / 10`` with ``e ~ U(−6, 6)·noise``, so in
                    ``[−1.2, 1.2]`` without noise.
    ``multigauss``  (regression) ``x₁, x₂ ~ U(−6, 6)``; six bumps at ``(−4|0|4, ±2.5)``
                    with alternating signs ``s_k``; the target is the
                    ``s_k·clip(1 − d_k/2, 0, 1)`` of largest magnitude, ``d_k`` the
                    distance of ``(x₁ + e₁, x₂ + e₂)`` to bump ``k`` and
                    ``e ~ U(−6, 6)·noise``; in ``[−1, 1]``.

    When ``n_samples`` is odd, the positive class (or arm) has the extra row.
    Playground itself draws 500 rows for classification and 1200 for regression
    (:data:`PLAYGROUND_SAMPLES`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn import datasets as _skd

__all__ = [
    "DATASETS",
    "PLAYGROUND_EXTENT",
    "PLAYGROUND_SAMPLES",
    "DatasetInfo",
    "load",
    "standardise",
    "train_test_split",
]

#: Half-width of TensorFlow Playground's input plane: its sets live in ``[−6, 6]²``.
PLAYGROUND_EXTENT = 6.0
#: How many rows TensorFlow Playground itself draws, per task.
PLAYGROUND_SAMPLES: dict[str, int] = {"classification": 500, "regression": 1200}


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
    task : {"classification", "regression"}
        What ``y`` holds: int64 class labels, or float64 targets (then ``n_classes``
        is 0).
    extent : float or None
        For a set in fixed coordinates (TensorFlow Playground's), the half-width ``e``
        of the square ``[−e, e]²`` its plane spans, which grids and drawn points use;
        None for a standardised set, whose plane is wherever its data are.
    standardised : bool
        ``X`` is standardised per column (every scikit-learn set) or kept in its own
        coordinates (Playground's).
    """

    name: str
    n_features: int | None
    n_classes: int
    generated: bool
    two_d: bool
    uses_noise: bool
    uses_n_samples: bool
    n_rows: int | None = None
    task: str = "classification"
    extent: float | None = None
    standardised: bool = True


def _generated(name: str, uses_noise: bool = True) -> DatasetInfo:
    return DatasetInfo(name, 2, 2, generated=True, two_d=True, uses_noise=uses_noise,
                       uses_n_samples=True)


def _playground(name: str, task: str) -> DatasetInfo:
    return DatasetInfo(name, 2, 2 if task == "classification" else 0, generated=True, two_d=True,
                       uses_noise=True, uses_n_samples=True, task=task,
                       extent=PLAYGROUND_EXTENT, standardised=False)


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
    "circle": _playground("circle", "classification"),
    "xor": _playground("xor", "classification"),
    "gauss": _playground("gauss", "classification"),
    "spiral": _playground("spiral", "classification"),
    "plane": _playground("plane", "regression"),
    "multigauss": _playground("multigauss", "regression"),
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


# --- TensorFlow Playground's generators (facts from its src/dataset.ts) -------------
# Each takes (n, noise, rng) and returns X of shape (n, 2) in Playground's coordinates
# and y: int64 labels (1 = Playground's positive class) or float64 targets.

Generated = tuple[np.ndarray, np.ndarray]


def _halves(n: int) -> tuple[int, int]:
    """Rows of the positive and the negative class; the positive one takes an odd row."""
    return n - n // 2, n // 2


def _polar(r: np.ndarray, angle: np.ndarray) -> np.ndarray:
    # Playground's convention: x = r sin θ, y = r cos θ (θ measured from the x₂ axis).
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


def _pg_circle(n: int, noise: float, rng: np.random.Generator) -> Generated:
    n_pos, n_neg = _halves(n)
    radius = 5.0
    r = np.concatenate([rng.uniform(0, 0.5 * radius, n_pos), rng.uniform(0.7 * radius, radius, n_neg)])
    X = _polar(r, rng.uniform(0, 2 * np.pi, n))
    # The label is read at a shifted copy of the point: noise flips labels, not positions.
    shifted = X + rng.uniform(-radius, radius, (n, 2)) * noise
    y = np.hypot(shifted[:, 0], shifted[:, 1]) < 0.5 * radius
    return X, y.astype(np.int64)


def _pg_xor(n: int, noise: float, rng: np.random.Generator) -> Generated:
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)  # a gap along both axes keeps the quadrants apart
    shifted = X + rng.uniform(-5, 5, (n, 2)) * noise
    return X, (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int64)


def _pg_gauss(n: int, noise: float, rng: np.random.Generator) -> Generated:
    n_pos, n_neg = _halves(n)
    sd = math.sqrt(0.5 + 7.0 * noise)  # Playground maps noise 0..0.5 to variance 0.5..4
    centres = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [n_pos, n_neg], axis=0)
    X = centres + sd * rng.standard_normal((n, 2))
    return X, np.repeat(np.array([1, 0], dtype=np.int64), [n_pos, n_neg])


def _pg_spiral(n: int, noise: float, rng: np.random.Generator) -> Generated:
    parts = []
    for m, phase in zip(_halves(n), (0.0, np.pi), strict=True):
        s = np.arange(m) / m  # 0 .. 1 along the arm
        parts.append(_polar(5.0 * s, 1.75 * 2 * np.pi * s + phase))
    X = np.concatenate(parts) + rng.uniform(-1, 1, (n, 2)) * noise
    n_pos, n_neg = _halves(n)
    return X, np.repeat(np.array([1, 0], dtype=np.int64), [n_pos, n_neg])


def _pg_plane(n: int, noise: float, rng: np.random.Generator) -> Generated:
    e = PLAYGROUND_EXTENT
    X = rng.uniform(-e, e, (n, 2))
    shifted = X + rng.uniform(-e, e, (n, 2)) * noise
    # Playground scales x₁ + x₂ from [−10, 10] to [−1, 1].
    return X, shifted.sum(axis=1) / 10.0


_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                   [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=np.float64)


def _pg_multigauss(n: int, noise: float, rng: np.random.Generator) -> Generated:
    e = PLAYGROUND_EXTENT
    X = rng.uniform(-e, e, (n, 2))
    shifted = X + rng.uniform(-e, e, (n, 2)) * noise
    d = np.hypot(shifted[:, None, 0] - _BUMPS[:, 0], shifted[:, None, 1] - _BUMPS[:, 1])
    signed = _BUMPS[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)  # (n, 6)
    # The bump of largest magnitude wins; argmax keeps the first of equals, as Playground does.
    pick = np.argmax(np.abs(signed), axis=1)
    return X, signed[np.arange(n), pick]


_PLAYGROUND: dict[str, Callable[[int, float, np.random.Generator], Generated]] = {
    "circle": _pg_circle,
    "xor": _pg_xor,
    "gauss": _pg_gauss,
    "spiral": _pg_spiral,
    "plane": _pg_plane,
    "multigauss": _pg_multigauss,
}


def _playground_set(name: str, n: int, noise: float, seed: int) -> Generated:
    rng = np.random.default_rng(seed)
    X, y = _PLAYGROUND[name](n, noise, rng)
    order = rng.permutation(n)
    return X[order], y[order]


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
        Standardised features; for TensorFlow Playground's sets, Playground's
        coordinates (not standardised).
    y : ndarray of shape (n,)
        int64 labels ``0 .. n_classes-1``; float64 targets for a regression set
        (``DATASETS[name].task == "regression"``).

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

    if name in _PLAYGROUND:
        return _playground_set(name, n_samples, noise, seed)
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
