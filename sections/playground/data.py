"""The playground's data: points of TensorFlow Playground's plane, split as Playground splits them.

Every data set lives in Playground's plane ``[−6, 6]²`` (:data:`PLANE_EXTENT`), so the
input features (``sin x₁``, ``x₁²``, …) mean the same on every set and a click on the
plane lands where the data are:

* Playground's sets (``circle``, ``xor``, ``gauss``, ``spiral``, ``plane``,
  ``multigauss``) are already there (:mod:`core.datasets`). Playground draws 500 points
  for classification and 1200 for regression, shuffled, and trains on the first
  ``train`` % of them; so does this page.
* Our scikit-learn sets and an upload are standardised; they are scaled by one factor
  so that their largest coordinate is ±5 (:data:`SCALED_TO`), inside the plane, and
  split with :func:`core.datasets.train_test_split` (stratified, seeded); an uploaded
  regression target is split by a seeded permutation.
* Drawn points (:mod:`core.points`) all train; there is no test set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.datasets import DATASETS, PLAYGROUND_EXTENT, PLAYGROUND_SAMPLES, load, train_test_split
from core.points import decode_points
from sections.playground.settings import DRAW, NAME, PlaygroundSettings
from ui.cache import page_cache
from ui.i18n import Translator
from ui.upload import UPLOAD, user_data, user_regression

PLANE_EXTENT = PLAYGROUND_EXTENT
#: Where the largest coordinate of a standardised set lands in the plane.
SCALED_TO = 5.0
#: Rows of our own (scikit-learn) sets: Playground's count for classification.
OWN_SAMPLES = PLAYGROUND_SAMPLES["classification"]
#: The data set used when an upload was chosen but none fits.
FALLBACK = "circle"


@dataclass(frozen=True)
class PlaneData:
    """The points one run trains and tests on, in the plane's coordinates.

    ``key`` names the arrays for every cache (a data set with its noise, seed and
    split, the digest of an upload, or the drawn points' text).
    """

    key: str
    used: str
    problem: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    @property
    def n_samples(self) -> int:
        return len(self.y_train) + len(self.y_test)


def scaled(X: np.ndarray) -> np.ndarray:
    """A standardised set scaled into the plane: largest ``|coordinate|`` = :data:`SCALED_TO`."""
    top = float(np.max(np.abs(X))) if X.size else 0.0
    return X * (SCALED_TO / top) if top > 0 else X.copy()


def _first_share(X: np.ndarray, y: np.ndarray, train: int) -> tuple[np.ndarray, ...]:
    """Playground's split of shuffled rows: the first ``train`` % train, the rest test."""
    n_train = min(max(round(len(y) * train / 100), 1), len(y) - 1)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@page_cache(32)
def builtin(name: str, noise: float, seed: int, train: int) -> tuple[np.ndarray, ...]:
    """``(X_train, y_train, X_test, y_test)`` of one of the page's data sets, in the plane."""
    info = DATASETS[name]
    if info.extent is not None:  # Playground's own: its coordinates, shuffled rows
        X, y = load(name, n_samples=PLAYGROUND_SAMPLES[info.task], noise=noise, seed=seed)
        return _first_share(X, y, train)
    X, y = load(name, n_samples=OWN_SAMPLES, noise=noise, seed=seed)
    Xtr, Xte, ytr, yte = train_test_split(scaled(X), y, test_fraction=1 - train / 100, seed=seed)
    return Xtr, ytr, Xte, yte


def _uploaded(s: PlaygroundSettings, t: Translator) -> PlaneData | None:
    """This session's upload: two classes, or a regression target; None (with a note) if neither."""
    mine = user_data(two_d=True)
    if mine is not None:
        X, y, digest = mine
        if int(np.max(y)) + 1 > 2:
            st.info(t(f"{NAME}.data.classes"), icon=":material/upload_file:")
            return None
        Xtr, Xte, ytr, yte = train_test_split(scaled(X), y, test_fraction=1 - s.train / 100,
                                              seed=s.seed)
        return PlaneData(f"{UPLOAD}:{digest}:{s.train}:{s.seed}", UPLOAD, "classification",
                         Xtr, ytr, Xte, yte)
    target = user_regression(two_d=True)
    if target is None:
        st.info(t("common.upload.missing"), icon=":material/upload_file:")
        return None
    X, y, digest = target
    order = np.random.default_rng(s.seed).permutation(len(y))
    Xtr, ytr, Xte, yte = _first_share(scaled(X)[order], np.asarray(y, dtype=np.float64)[order],
                                      s.train)
    return PlaneData(f"{UPLOAD}:{digest}:{s.train}:{s.seed}", UPLOAD, "regression",
                     Xtr, ytr, Xte, yte)


def plane_data(s: PlaygroundSettings, t: Translator) -> PlaneData:
    """The run's points; an upload that does not fit falls back to ``circle`` (with a note)."""
    if s.data == DRAW:
        drawn = decode_points(s.points) if s.points else None
        X = drawn.X if drawn is not None else np.zeros((0, 2))
        y = drawn.y if drawn is not None else np.zeros(0)
        empty = np.zeros((0, 2))
        return PlaneData(f"{DRAW}:{s.problem}:{s.points}", DRAW, s.problem, X, y, empty,
                         np.zeros(0, dtype=y.dtype))
    if s.data == UPLOAD:
        mine = _uploaded(s, t)
        if mine is not None:
            return mine
    name = FALLBACK if s.data == UPLOAD else s.data
    Xtr, ytr, Xte, yte = builtin(name, s.noise, s.seed, s.train)
    return PlaneData(f"{name}:{s.noise}:{s.seed}:{s.train}", name, DATASETS[name].task,
                     Xtr, ytr, Xte, yte)
