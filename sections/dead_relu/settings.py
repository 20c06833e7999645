"""The Dead ReLU page's controls, read once into :class:`DeadReluSettings`.

Sections that train networks also need the data and the compute guard's
verdict: :func:`task` loads them and derives :class:`RunSpec`, the one record
every cached training of the page is keyed on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.activations import ACTIVATIONS
from core.datasets import train_test_split
from ui.controls import Control, ControlTable
from ui.export import run_settings
from ui.frame import Frame
from ui.guard import budget_epochs, note_budget
from ui.i18n import Translator, option_labels
from ui.upload import UPLOAD, load_data, uploader, user_data

NAME = "dead_relu"
#: The activations the page compares: the rectifiers (ReLU and its variants, from the
#: facts in core.activations), in registry order. Of these only the ones that can die
#: (``can_die``) have dead units; the others have units below zero that still learn.
ACTS = tuple(name for name, act in ACTIVATIONS.items() if act.rectifier)
DATA = ("moons", "circles", "blobs", "gaussian_quantiles", "classification",
        "iris", "wine", "breast_cancer", UPLOAD)
INITS = ("glorot_uniform", "he_normal", "lecun_normal", "standard")
OPTIMIZERS = ("sgd", "momentum", "adam")
# Whole rates are ints so that the URL reads `lr=10` (Streamlit writes a float 10.0 as
# "10.0" and refuses a hand-typed "10").
LRS = (0.01, 0.03, 0.1, 0.3, 1, 3, 10)
#: The default rate: at 3, full-batch SGD on moons with 4 x 8 ReLU layers leaves
#: 25-70% of the units dead after 80 epochs (seeds 0-3); at 1 only 3-9% die.
DEFAULT_LR = 3
WIDTHS = (2, 3, 4, 5, 8, 10, 16, 32)
N_SAMPLES = 300
NOISE = 0.2
#: Trainings one request may run besides the compared activations: ReLU and
#: Leaky ReLU after the big step (section "step"); see :func:`task`.
STEP_RUNS = 2
#: The remedy "small positive initial bias": every hidden bias starts here.
REMEDY_BIAS = 0.1
#: Section "remedies": (key, activation, initialisation or None for the page's,
#: learning-rate divisor, initial bias or None for the page's). The first row is
#: the page's own setting, which every other row is compared with.
REMEDIES = (
    ("relu_base", "relu", None, 1, None),
    ("relu_low_lr", "relu", None, 10, None),
    ("relu_he", "relu", "he_normal", 1, None),
    ("relu_bias", "relu", None, 1, REMEDY_BIAS),
    *[(a, a, None, 1, None) for a in ("leaky_relu", "elu", "gelu", "silu")],
)


@dataclass(frozen=True)
class Network:
    """The network and its training, as the sidebar sets them (shared by the records below)."""

    depth: int
    width: int
    lr: float
    bias: float
    shift: float
    init: str
    opt: str


@dataclass(frozen=True)
class DeadReluSettings(Network):
    """Every sidebar control of the page, validated."""

    data: str = "moons"
    #: The activations compared, in registry order; ReLU when none was chosen.
    acts: tuple[str, ...] = ("relu",)
    #: False when the visitor cleared the choice (the page says ReLU is shown).
    chose_acts: bool = True
    epochs: int = 80
    seed: int = 0

    @property
    def network(self) -> Network:
        return Network(*(getattr(self, f.name) for f in dataclasses.fields(Network)))


def read_settings(fr: Frame) -> DeadReluSettings:
    """Draw the sidebar controls and return their values."""
    t, c = fr.t, fr.controls
    c.declare(CONTROLS)
    c.container.subheader(t(f"{NAME}.controls.title"))
    values = {row.key: c.draw(row) for row in CONTROLS}
    uploader(t)
    chosen = values.pop("act")
    acts = tuple(a for a in ACTS if a in chosen) or ("relu",)
    return DeadReluSettings(**values, acts=acts, chose_acts=bool(chosen))


def act_labels(t: Translator, acts: tuple[str, ...] = ACTS) -> dict[str, str]:
    """The page's names of its activations (Leaky ReLU with its slope), by code; an
    activation the page has no name for is called what every page calls it."""
    common = option_labels(t, "act", acts)
    return {a: t(key) if t.has(key := f"{NAME}.act.{a}") else common[a] for a in acts}


#: Every sidebar control of the page, in sidebar order (``act``: the activations
#: compared, read into ``DeadReluSettings.acts``).
CONTROLS = ControlTable(NAME, (
    Control("data", "moons", "choice", options=DATA, labels="data"),
    Control("depth", 4, "int", lo=1, hi=50),
    Control("width", 8, "int", options=WIDTHS),
    Control("lr", DEFAULT_LR, "float", options=LRS, help=f"{NAME}.controls.lr_help"),
    Control("bias", 0.0, "float", lo=-10.0, hi=2.0, step=0.5, help=f"{NAME}.controls.bias_help"),
    Control("shift", 0.0, "float", lo=-5.0, hi=5.0, step=0.5, help=f"{NAME}.controls.shift_help"),
    Control("init", "glorot_uniform", "choice", options=INITS, labels="init"),
    Control("act", ["relu", "leaky_relu"], "list", options=ACTS, labels=act_labels),
    Control("opt", "sgd", "choice", options=OPTIMIZERS, labels="opt"),
    Control("epochs", 80, "int", lo=10, hi=300, step=10),
    Control("seed", 0, "int", lo=0, hi=9999, widget="number", help="common.seed_help"),
))
DEFAULTS = CONTROLS.defaults


@dataclass(frozen=True)
class RunSpec(Network):
    """What a training of this page depends on: the cache and memo key of every run.

    The data arrays are not in it: `data_key` names them (a data set, whose rows
    the seed fixes, or ``upload:<digest>`` for this session's file).
    """

    data_key: str = ""
    epochs: int = 0
    seed: int = 0
    n_train: int = 0


@dataclass(frozen=True)
class Task:
    """The data a training section uses and the guarded size of its runs."""

    spec: RunSpec
    X: np.ndarray
    y: np.ndarray
    #: The data set actually used (``moons`` when ``upload`` was chosen without a file).
    used: str
    upload_digest: str | None

    def settings(self, **network: object) -> dict:
        """What produced one network, stored beside its weights in the .npz.

        `network` holds what differs between the page's networks (the
        activation, and for some the initialisation or learning rate).
        """
        s = self.spec
        n_classes = int(self.y.max()) + 1
        n_out = 1 if n_classes == 2 else n_classes
        base: dict = {
            "data": self.used, "n_samples": len(self.y), "noise": NOISE, "seed": s.seed,
            "n_train": s.n_train, "sizes": [self.X.shape[1], *[s.width] * s.depth, n_out],
            "output": "sigmoid" if n_out == 1 else "softmax", "init": s.init,
            "optimizer": s.opt, "lr": s.lr, "epochs": s.epochs, "batch_size": None,
            "bias_init": s.bias, "shift": s.shift,
        }
        if self.upload_digest:
            base["upload_digest"] = self.upload_digest
        return run_settings(NAME, **{**base, **network})


def init_label(t: Translator, init: str) -> str:
    """What the page calls an initialisation (``he_normal`` -> "He (normal)")."""
    return option_labels(t, "init", [init])[init]


def task(fr: Frame, s: DeadReluSettings) -> Task:
    """Load the data and apply the compute guard, for a section that trains networks.

    Draws what the reader must know about them: the upload notes, a cut budget and
    the setup line.
    """
    t = fr.t
    # Nothing on this page is drawn in the plane: an upload trains on every feature column.
    X, y, used = load_data(s.data, N_SAMPLES, NOISE, s.seed, t, two_d=False)
    mine = user_data(two_d=False) if used == UPLOAD else None
    data_key = f"{UPLOAD}:{mine[2]}" if mine is not None else used
    n_train = len(train_test_split(X, y, seed=s.seed)[2])
    # One budget for every training of the page: one network per activation, ReLU and
    # Leaky ReLU after the big step and each remedy. A request trains only the open
    # section's networks, but the shared budget keeps epochs and rows the same in
    # every section.
    budget = budget_epochs(s.depth, s.width, n_train, s.epochs,
                           runs=len(s.acts) + STEP_RUNS + len(REMEDIES), n_in=X.shape[1],
                           acts=[*s.acts, "relu", "leaky_relu", *(r[1] for r in REMEDIES)])
    note_budget(budget, t)
    spec = RunSpec(**dataclasses.asdict(s.network), data_key=data_key, epochs=budget.epochs,
                   seed=s.seed, n_train=budget.n_samples)
    st.markdown(t(f"{NAME}.setup", data=option_labels(t, "data", [used])[used],
                  n=max(N_SAMPLES, len(y)), depth=s.depth, width=s.width, lr=f"{s.lr:g}",
                  opt=option_labels(t, "opt", [s.opt])[s.opt], epochs=spec.epochs,
                  init=init_label(t, s.init), bias=s.bias, shift=s.shift))
    return Task(spec, X, y, used, mine[2] if mine is not None else None)
