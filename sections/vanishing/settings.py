"""The vanishing page's controls, read once into :class:`VanishingSettings`, and the
setup every section shares (:func:`setup`): the data, the series, the compute guard.

A *series* is one (activation, initialisation) pair; with a second
initialisation (`init2`) each activation is trained with both, so the He et al.
(2015) comparison is across initialisations rather than activations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from core.activations import ACTIVATIONS
from core.datasets import DATASETS, DatasetInfo
from core.init import INITIALISERS
from core.mlp import OPTIMIZERS
from ui.controls import Control, ControlTable
from ui.frame import Frame
from ui.guard import BUDGET, forward_cost
from ui.i18n import Translator, shown_name
from ui.upload import UPLOAD, uploader

NAME = "vanishing"
N_INITS = 5  # random initialisations averaged at initialisation
N_SNAPSHOTS = 20  # epochs kept for the decision-boundary scrubber (plus epoch 0)
GRID = 40  # decision-boundary grid points per axis
MIN_GRID = 12  # coarsest grid the compute guard may fall back to
# Compute guard (ui.guard): training gets the whole per-request budget; the statistics
# at initialisation and the boundary maps, which are not training but cost the same
# kind of matrix products, get a quarter each. The depth sweep runs only when switched
# on and gets half a budget of its own (many short trainings, where fit's per-epoch
# evaluation costs as much again), so even a cold link with the sweep on stays under
# about twice what one request may spend.
INIT_BUDGET = BUDGET / 4
BOUNDARY_BUDGET = BUDGET / 4
SWEEP_BUDGET = BUDGET  # the sweep is a request of its own (a section)
# Whole numbers as ints: the URL then reads `lr=10`, the way people type it.
LRS = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]
STDS = [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10]
BATCHES = [8, 16, 32, 64, 128, 256, 1024]
NO_INIT2 = "none"
# scikit-learn's standardised sets; TensorFlow Playground's (some of them regression) are the playground's.
DATA = (*(k for k, v in DATASETS.items() if v.standardised), UPLOAD)

_INITS = tuple(INITIALISERS)
#: Every sidebar control of the page, in sidebar order (``act``: the activations
#: compared, ``VanishingSettings.acts``; ``std`` is drawn only for a normal initialiser).
CONTROLS = ControlTable(NAME, (
    Control("data", "moons", "choice", options=DATA, labels="data"),
    Control("n", 300, "int", lo=50, hi=1000, step=50, help=f"{NAME}.controls.n_help"),
    Control("noise", 0.2, "float", lo=0.0, hi=1.0, step=0.05),
    Control("depth", 10, "int", lo=1, hi=50),
    Control("width", 32, "int", lo=2, hi=128),
    Control("act", ["sigmoid", "tanh", "relu"], "list", options=tuple(ACTIVATIONS), labels="act"),
    Control("init", "he_normal", "choice", options=_INITS, labels="init",
            help=f"{NAME}.controls.init_help"),
    Control("init2", NO_INIT2, "choice", options=(NO_INIT2, *_INITS), labels="init",
            help=f"{NAME}.controls.init2_help"),
    Control("std", 0.01, "float", options=tuple(STDS)),
    Control("opt", "sgd", "choice", options=tuple(OPTIMIZERS), labels="opt", widget="radio"),
    Control("lr", 0.1, "float", options=tuple(LRS)),
    Control("epochs", 60, "int", lo=1, hi=300),
    Control("batch", 32, "int", options=tuple(BATCHES), help=f"{NAME}.controls.batch_help"),
    Control("seed", 0, "int", lo=0, hi=9999, widget="number", help="common.seed_help"),
    Control("sweep", False, "bool", help=f"{NAME}.controls.sweep_help"),
))
#: What the presets start from: every control but the sweep's switch, which opens a
#: section of its own and is left as the visitor set it.
DEFAULTS: dict[str, object] = {k: v for k, v in CONTROLS.defaults.items() if k != "sweep"}
#: The sidebar's headings, above the control they open.
HEADINGS = {"data": "data_title", "depth": "net_title", "opt": "train_title",
            "sweep": "sweep_title"}


@dataclass(frozen=True)
class VanishingSettings:
    """Every sidebar control of the page, validated."""

    data: str
    n: int
    noise: float
    depth: int
    width: int
    acts: tuple[str, ...]
    init: str
    init2: str
    std: float
    opt: str
    lr: float
    epochs: int
    batch: int
    seed: int
    sweep: bool


def read_settings(fr: Frame) -> VanishingSettings:
    """Draw the sidebar controls; return their values (the presets row is drawn before them,
    by :func:`sections.vanishing.read_settings`)."""
    t, c = fr.t, fr.controls
    c.declare(CONTROLS)
    v: dict[str, object] = {}
    for row in CONTROLS:
        if row.key in HEADINGS:
            c.container.subheader(t(f"{NAME}.controls.{HEADINGS[row.key]}"))
        if row.key == "std" and "normal" not in (v["init"], v["init2"]):
            v["std"] = float(row.default)  # no normal initialiser: the spread does not apply
            continue
        v[row.key] = c.draw(row)
    uploader(t)
    v["acts"] = tuple(v.pop("act"))
    return VanishingSettings(**v)


@dataclass(frozen=True)
class DataSpec:
    """Which data: a data set's name, or ``upload-<digest>`` for this session's file
    (whose arrays then come unhashed: the digest is their key)."""

    key: str
    n: int
    noise: float
    seed: int


@dataclass(frozen=True)
class InitSpec:
    """What the statistics at initialisation depend on (besides the series)."""

    data: DataSpec
    depth: int
    width: int
    std: float
    n_stat: int


@dataclass(frozen=True)
class RunSpec:
    """What a training of one series depends on: the key of every cached run."""

    data: DataSpec
    depth: int
    width: int
    std: float
    opt: str
    lr: float
    epochs: int
    batch: int
    n_fit: int
    n_snap: int
    res: int


@dataclass(frozen=True)
class Setup:
    """What every section of one run shares, derived once from the settings."""

    settings: VanishingSettings
    data: DataSpec
    info: DatasetInfo
    #: The data set's name as the page says it (``your uploaded file`` for an upload).
    shown: str
    #: (activation, initialisation) pairs, in order.
    series: tuple[tuple[str, str], ...]
    two: bool
    init2: str
    n_train: int
    n_test: int
    run: RunSpec
    sizes: tuple[int, ...]
    output: str
    #: The unhashed arrays of an upload (``{"_X": ..., "_y": ...}``), else empty.
    arrays: dict
    #: The page's language, for the names readings give the activations and initialisations.
    t: Translator = field(compare=False, repr=False, default_factory=lambda: Translator("en"))

    @property
    def n_in(self) -> int:
        return int(self.info.n_features)

    def label(self, act: str, init: str) -> str:
        """How a series is named: the activation, and the initialisation when two are
        compared, by their shown names (``ReLU · He (normal)``; the runs keep the codes)."""
        name = shown_name(self.t, "act", act)
        return f"{name} · {shown_name(self.t, 'init', init)}" if self.two else name

    def init_labels(self) -> dict[str, str]:
        """Every initialisation of the series -> its shown name (for chart legends)."""
        return {i: shown_name(self.t, "init", i) for _, i in self.series}


def dataset_info(key: str, X: np.ndarray, y: np.ndarray) -> DatasetInfo:
    """The registry entry of a data set; for an upload, one made from its columns and labels
    (every feature column: this page is not only about the plane)."""
    if key in DATASETS:
        return DATASETS[key]
    return DatasetInfo(UPLOAD, int(X.shape[1]), int(y.max()) + 1, generated=False,
                       two_d=X.shape[1] == 2, uses_noise=False, uses_n_samples=False,
                       n_rows=len(y))


def network_shape(info: DatasetInfo, depth: int, width: int) -> tuple[tuple[int, ...], str]:
    """Layer sizes and output: one sigmoid unit for two classes, softmax for more."""
    n_out = 1 if info.n_classes == 2 else info.n_classes
    sizes = (int(info.n_features), *[width] * depth, n_out)
    return sizes, ("sigmoid" if n_out == 1 else "softmax")


def boundary_plan(depth: int, width: int, runs: int, n_in: int) -> tuple[int, int]:
    """Saved states (``n_snap`` + 1) and grid resolution of the boundary maps of `runs`
    networks, so that their forward passes stay within `BOUNDARY_BUDGET`.

    States are thinned first (never below epoch 0 and the last); then the grid is coarsened.
    """
    per_state = forward_cost(depth, width, GRID * GRID, runs, n_in)
    states = int(BOUNDARY_BUDGET // per_state)
    if states >= 2:
        return min(N_SNAPSHOTS, states - 1), GRID
    res = int(GRID * math.sqrt(BOUNDARY_BUDGET / (2 * per_state)))
    return 1, max(MIN_GRID, res)
