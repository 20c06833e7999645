"""The home page's controls, read once into :class:`HomeSettings`, and the guarded
:class:`RunSpec` its cached training is keyed on."""

from __future__ import annotations

from dataclasses import dataclass

from core.activations import ACTIVATIONS
from ui.controls import Control, ControlTable
from ui.frame import Frame
from ui.guard import budget_epochs, note_budget

NAME = "home"
PAIR = ("sigmoid", "relu")
#: The initialisation commonly paired with each activation (Glorot & Bengio 2010 derive
#: theirs for a tanh-like unit; He et al. 2015 theirs for ReLU): good practice for each,
#: not a handicap for one (:attr:`core.activations.Activation.paired_init`).
INIT = {act: ACTIVATIONS[act].paired_init for act in PAIR}
DATA = "moons"
N_SAMPLES = 400
NOISE = 0.2
#: Rows the networks train on (75% of the points; ``core.datasets.train_test_split``).
N_TRAIN = N_SAMPLES * 3 // 4
LEARNING_RATE = 0.1
BATCH = 32
GRID = 50
WIDTHS = (8, 16, 32, 64)
#: The training loss whose first epoch each side reports. No straight boundary gets this
#: low on these data (logistic regression stays near 0.3; tests/test_app_home.py checks
#: it), so reaching it means a network has bent its boundary.
TARGET_LOSS = 0.2


#: Every sidebar control of the page, in sidebar order.
CONTROLS = ControlTable(NAME, (
    Control("depth", 10, "int", lo=2, hi=20, help=f"{NAME}.controls.depth_help"),
    Control("width", 32, "int", options=WIDTHS),
    Control("epochs", 150, "int", lo=20, hi=300, step=10),
    Control("seed", 0, "int", lo=0, hi=9999, widget="number", help="common.seed_help"),
))
DEFAULTS = CONTROLS.defaults


@dataclass(frozen=True)
class HomeSettings:
    """Every sidebar control of the page, validated (one field per row of :data:`CONTROLS`)."""

    depth: int
    width: int
    epochs: int
    seed: int


def read_settings(fr: Frame) -> HomeSettings:
    """Draw the sidebar controls and return their values."""
    c = fr.controls
    c.declare(CONTROLS)
    c.container.subheader(fr.t(f"{NAME}.controls.title"))
    return HomeSettings(**{row.key: c.draw(row) for row in CONTROLS})


@dataclass(frozen=True)
class RunSpec:
    """What the pair of trainings depends on: the cache and memo key of the run."""

    depth: int
    width: int
    #: Epochs after the compute guard.
    epochs: int
    seed: int

    @property
    def sizes(self) -> list[int]:
        return [2, *[self.width] * self.depth, 1]


def run_spec(fr: Frame, s: HomeSettings) -> RunSpec:
    """Apply the compute guard (and say so when it cuts the epochs)."""
    budget = budget_epochs(s.depth, s.width, N_TRAIN, s.epochs, runs=len(PAIR), batch=BATCH,
                           acts=PAIR)
    note_budget(budget, fr.t)
    return RunSpec(s.depth, s.width, budget.epochs, s.seed)
