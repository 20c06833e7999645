"""The Function shapes page's controls, read once into :class:`ShapesSettings`.

The two training sections also need data and the compute guard's verdict:
:func:`experiment` loads them and derives :class:`RunSpec`, the record their
cached trainings are keyed on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import streamlit as st

from core import activations as acts
from core.activations import ACTIVATIONS, Activation
from core.datasets import DATASETS, load, train_test_split
from ui import guard
from ui.controls import Control, ControlTable
from ui.export import run_settings
from ui.frame import Frame
from ui.guard import budget_epochs, note_budget
from ui.upload import UPLOAD, load_data, uploader, user_data

NAME = "shapes"
DEFAULT_ACTS = ("sigmoid", "tanh", "relu")
#: The 2-D binary sets the experiments offer (listed, so that a data set added to
#: core.datasets later does not change this page's choices or links).
DATA = ("moons", "circles", "blobs", "gaussian_quantiles", "classification", UPLOAD)
DEFAULT_DATA = "circles"
N_SAMPLES = 300
NOISE = 0.15


@dataclass(frozen=True)
class ShapesSettings:
    """Every sidebar control of the page, validated."""

    #: The activations compared, in the order chosen (may be empty).
    acts: tuple[str, ...]
    lo: float
    hi: float
    #: Leaky ReLU's negative-side slope and ELU's alpha.
    slope: float
    alpha: float
    deriv: bool
    #: Standard deviation s of the pre-activations in the chain of slopes.
    spread: float
    data: str
    #: How wrong the start of section "c2" is: the size of the typical output logit.
    logit: float
    seed: int

    def act(self, name: str) -> Activation:
        """The registry record of `name`, with the sidebar's parameter for the two families."""
        return activation(name, self.slope, self.alpha)


def activation(name: str, slope: float, alpha: float) -> Activation:
    """The registry record, with Leaky ReLU's slope and ELU's alpha set."""
    if name == "leaky_relu":
        return acts.get(name, slope=slope)
    if name == "elu":
        return acts.get(name, alpha=alpha)
    return acts.get(name)


#: Every sidebar control of the page, in sidebar order: the curves, the chain of
#: slopes (``s``, the pre-activations' spread) and the training experiments (``sat``,
#: the size of the start's output logit).
CONTROLS = ControlTable(NAME, (
    Control("act", list(DEFAULT_ACTS), "list", options=tuple(ACTIVATIONS), labels="act",
            help=f"{NAME}.controls.act_help"),
    Control("x", (-6.0, 6.0), "float", lo=-10.0, hi=10.0, step=0.5, widget="range"),
    Control("slope", 0.01, "float", lo=0.0, hi=0.5, step=0.01, help=f"{NAME}.controls.slope_help"),
    Control("alpha", 1.0, "float", lo=0.1, hi=3.0, step=0.1, help=f"{NAME}.controls.alpha_help"),
    Control("deriv", True, "bool"),
    Control("s", 1.0, "float", lo=0.1, hi=5.0, step=0.1, help=f"{NAME}.controls.s_help"),
    Control("data", DEFAULT_DATA, "choice", options=DATA, labels="data"),
    Control("sat", 6.0, "float", lo=2.0, hi=10.0, step=0.5, help=f"{NAME}.controls.sat_help"),
    Control("seed", 0, "int", lo=0, hi=9999, widget="number", help="common.seed_help"),
))
DEFAULTS = CONTROLS.defaults
#: The sidebar's headings, above the control they open.
HEADINGS = {"act": "curves", "s": "chain", "data": "train"}


def read_settings(fr: Frame) -> ShapesSettings:
    """Draw the sidebar controls and return their values."""
    t, c = fr.t, fr.controls
    c.declare(CONTROLS)
    v = {}
    for row in CONTROLS:
        if row.key in HEADINGS:
            c.container.subheader(t(f"{NAME}.controls.{HEADINGS[row.key]}"))
        v[row.key] = c.draw(row)
    uploader(t)
    (lo, hi) = v["x"]
    return ShapesSettings(tuple(v["act"]), lo, hi, v["slope"], v["alpha"], v["deriv"], v["s"],
                          v["data"], v["sat"], v["seed"])


@dataclass(frozen=True)
class RunSpec:
    """What one training experiment's cached run depends on, besides its own constants.

    ``data_key`` names the data (a built-in set's name, or ``upload:<digest>``);
    ``epochs`` and ``n_train`` are the compute guard's verdict for that experiment.
    """

    data_key: str
    seed: int
    epochs: int
    n_train: int


@dataclass(frozen=True)
class Experiment:
    """The data both training sections use, and how to write one network's settings."""

    X: np.ndarray
    y: np.ndarray
    #: The data set actually used (the default when an upload is unusable or missing).
    used: str
    data_key: str
    seed: int
    #: Rows of the training part of the split, before the guard.
    n_train: int

    def spec(self, fr: Frame, depth: int, width: int, epochs: int,
             activations: Sequence[str] | None = None) -> RunSpec:
        """Apply the compute guard for one experiment of two networks (saying so if it cuts).

        Only an upload (up to core.userdata.MAX_ROWS rows) makes these fixed networks
        bigger; each experiment may use half of a request's budget. ``activations``: the
        two networks' (None: priced as the dearest).
        """
        budget = budget_epochs(depth, width, self.n_train, epochs, runs=2, n_in=2,
                               budget=guard.BUDGET / 2, acts=activations)
        note_budget(budget, fr.t)
        return RunSpec(self.data_key, self.seed, budget.epochs, budget.n_samples)

    def settings(self, spec: RunSpec, **network: object) -> dict:
        """What produced one network, stored beside its weights in the .npz."""
        extra = {"upload_digest": self.data_key.removeprefix(f"{UPLOAD}:")} \
            if self.used == UPLOAD else {}
        noise = NOISE if self.used != UPLOAD and DATASETS[self.used].uses_noise else None
        return run_settings(NAME, data=self.used, n_samples=len(self.y), noise=noise,
                            seed=spec.seed, n_train=spec.n_train, batch_size=None,
                            epochs=spec.epochs, **{**extra, **network})


def experiment(fr: Frame, s: ShapesSettings) -> Experiment:
    """Both training sections' data: the chosen set, or a usable upload.

    Both experiments are binary (a straight z = 0 line, a single sigmoid output), so an
    upload with more than two classes is not used: the page says so and trains on
    the default set instead.
    """
    t = fr.t
    mine = user_data() if s.data == UPLOAD else None
    if mine is not None and int(mine[1].max()) + 1 > 2:
        st.warning(t(f"{NAME}.upload.binary", k=int(mine[1].max()) + 1, data=DEFAULT_DATA),
                   icon=":material/upload_file:")
        X, y = load(DEFAULT_DATA, n_samples=N_SAMPLES, noise=NOISE, seed=s.seed)
        used, key = DEFAULT_DATA, DEFAULT_DATA
    else:
        X, y, used = load_data(s.data, N_SAMPLES, NOISE, s.seed, t)
        key = f"{UPLOAD}:{mine[2]}" if used == UPLOAD and mine is not None else used
    n_train = len(train_test_split(X, y, seed=s.seed)[2])
    return Experiment(X, y, used, key, s.seed, n_train)
