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
from ui.frame import Frame
from ui.guard import BUDGET, forward_cost
from ui.i18n import Translator, option_labels, shown_name
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

DEFAULTS: dict[str, object] = {
    "data": "moons", "n": 300, "noise": 0.2, "depth": 10, "width": 32,
    "act": ["sigmoid", "tanh", "relu"], "init": "he_normal", "init2": NO_INIT2, "std": 0.01,
    "opt": "sgd", "lr": 0.1, "epochs": 60, "batch": 32, "seed": 0,
}


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
    sb, d = c.container, DEFAULTS
    sb.subheader(t(f"{NAME}.controls.data_title"))
    data = c.select("data", t(f"{NAME}.controls.data"), DATA, d["data"],
                    labels=option_labels(t, "data", DATA))
    n = c.slider("n", t(f"{NAME}.controls.n"), 50, 1000, d["n"], step=50,
                 help=t(f"{NAME}.controls.n_help"))
    noise = c.slider("noise", t(f"{NAME}.controls.noise"), 0.0, 1.0, d["noise"], step=0.05)
    sb.subheader(t(f"{NAME}.controls.net_title"))
    depth = c.slider("depth", t(f"{NAME}.controls.depth"), 1, 50, d["depth"])
    width = c.slider("width", t(f"{NAME}.controls.width"), 2, 128, d["width"])
    acts = c.multiselect("act", t(f"{NAME}.controls.act"), list(ACTIVATIONS), d["act"],
                         labels=option_labels(t, "act", ACTIVATIONS))
    inits = list(INITIALISERS)
    init = c.select("init", t(f"{NAME}.controls.init"), inits, d["init"],
                    help=t(f"{NAME}.controls.init_help"), labels=option_labels(t, "init", inits))
    init2 = c.select("init2", t(f"{NAME}.controls.init2"), [NO_INIT2, *inits], NO_INIT2,
                     help=t(f"{NAME}.controls.init2_help"),
                     labels=option_labels(t, "init", [NO_INIT2, *inits]))
    std = d["std"]
    if "normal" in (init, init2):
        std = c.select_slider("std", t(f"{NAME}.controls.std"), STDS, d["std"])
    sb.subheader(t(f"{NAME}.controls.train_title"))
    opt = c.select("opt", t(f"{NAME}.controls.opt"), list(OPTIMIZERS), d["opt"], radio=True,
                   horizontal=True, labels=option_labels(t, "opt", OPTIMIZERS))
    lr = c.select_slider("lr", t(f"{NAME}.controls.lr"), LRS, d["lr"])
    epochs = c.slider("epochs", t(f"{NAME}.controls.epochs"), 1, 300, d["epochs"])
    batch = int(c.select_slider("batch", t(f"{NAME}.controls.batch"), BATCHES, d["batch"],
                                help=t(f"{NAME}.controls.batch_help")))
    seed = c.number("seed", t(f"{NAME}.controls.seed"), 0, 9999, d["seed"],
                    help=t("common.seed_help"))
    sb.subheader(t(f"{NAME}.controls.sweep_title"))
    sweep = c.checkbox("sweep", t(f"{NAME}.controls.sweep"), False,
                       help=t(f"{NAME}.controls.sweep_help"))
    uploader(t)
    return VanishingSettings(data, n, noise, depth, width, tuple(acts), init, init2, float(std),
                             opt, float(lr), epochs, batch, seed, sweep)


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
