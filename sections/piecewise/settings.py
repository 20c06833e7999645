"""The Piecewise ReLU page's controls, read once into :class:`PiecewiseSettings`.

The sidebar drives the curve fit (section "fit") and the one-layer hinges
(section "hinge"); :meth:`PiecewiseSettings.fit_spec` and
:meth:`PiecewiseSettings.hinge_spec` derive the records their cached trainings
are keyed on, after the compute guard.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import streamlit as st

from core.activations import ACTIVATIONS
from core.formula import FormulaError, parse
from ui.controls import NUMBER, Control, Controls, ControlTable
from ui.frame import Frame
from ui.guard import Budget, budget_epochs
from ui.i18n import Translator
from ui.literal import literal
from ui.upload import uploader

NAME = "piecewise"
LO, HI = -2.0, 2.0
#: Target code -> formula (``formula``: the one typed in the sidebar).
TARGETS: dict[str, str] = {
    "sine": "sin(2*x)",
    "abs": "abs(x)",
    "square": "x**2",
    "step": "step(x)",
    "sawtooth": "x - floor(x)",
    "bump": "exp(-x**2/0.32)",
    "formula": "",
}
DEFAULT_FORMULA = "sin(3*x) + 0.3*x**2"
MAX_TARGET = 100.0  # largest |f(x)| on [LO, HI] a typed target may reach
ACTS = ("relu", "leaky_relu", "sigmoid", "tanh")
#: The initialisation commonly paired with each (:attr:`core.activations.Activation.paired_init`).
INIT = {act: ACTIVATIONS[act].paired_init for act in ACTS}
LRS = (0.001, 0.003, 0.01, 0.03, 0.1)
_LAST_FORMULA = "_piecewise_last_formula"


@dataclass(frozen=True)
class FitSpec:
    """Everything one 1-D training depends on: the samples, the network, the training."""

    formula: str
    noise: float
    n: int
    width: int
    depth: int
    act: str
    epochs: int
    lr: float
    seed: int


@dataclass(frozen=True)
class PiecewiseSettings:
    """Every sidebar control of the page, validated."""

    target: str
    #: The curve fit as asked for; the compute guard may cut its samples and epochs
    #: (:meth:`fit_spec`). Its formula is the target's, or the last typed one that parsed.
    asked: FitSpec

    @property
    def seed(self) -> int:
        return self.asked.seed

    def budget(self) -> Budget:
        """The compute guard's verdict for the fit (plain arithmetic, no data needed)."""
        a = self.asked
        return budget_epochs(a.depth, a.width, a.n, a.epochs, runs=1, n_in=1, acts=a.act)

    def fit_spec(self) -> FitSpec:
        """The curve fit's record: the sidebar's network, with the guard's epochs and samples."""
        b = self.budget()
        return replace(self.asked, n=b.n_samples, epochs=b.epochs)

    def hinge_spec(self, units: int) -> FitSpec:
        """One hidden layer of `units` ReLU units on the fit's samples, for the epochs asked for.

        One small layer is never over budget (3·48·400·3000 ≈ 2e8).
        """
        return replace(self.asked, n=self.budget().n_samples, width=units, depth=1, act="relu")


#: Every sidebar control of the page, in sidebar order (``f``: the typed formula).
CONTROLS = ControlTable(NAME, (
    Control("target", "sine", "choice", options=tuple(TARGETS), help=f"{NAME}.controls.target_help",
            labels=lambda t: {code: t(f"{NAME}.target.{code}") for code in TARGETS}),
    Control("f", DEFAULT_FORMULA, "text", label=f"{NAME}.controls.formula",
            help=f"{NAME}.controls.formula_help"),
    Control("noise", 0.05, "float", lo=0.0, hi=0.5, step=0.05),
    Control("n", 120, "int", lo=20, hi=400, step=10),
    Control("width", 16, "int", lo=1, hi=64),
    Control("depth", 2, "int", lo=1, hi=6),
    Control("act", "relu", "choice", options=ACTS, labels="act", help=f"{NAME}.controls.act_help"),
    Control("epochs", 400, "int", lo=50, hi=3000, step=50),
    Control("lr", 0.01, "float", options=LRS),
    Control("seed", 0, "int", lo=0, hi=9999, widget="number", help="common.seed_help"),
))
DEFAULTS = CONTROLS.defaults


def read_settings(fr: Frame) -> PiecewiseSettings:
    """Draw the sidebar controls and return their values."""
    t, c = fr.t, fr.controls
    c.declare(CONTROLS)
    c.container.subheader(t(f"{NAME}.controls.title"))
    target, formula = _target_formula(c, t)
    v = {row.key: c.draw(row) for row in CONTROLS if row.key not in ("target", "f")}
    uploader(t)
    return PiecewiseSettings(target, FitSpec(formula, **v))


def _target_formula(c: Controls, t: Translator) -> tuple[str, str]:
    """The chosen target's formula, after checking a typed one; returns (code, formula)."""
    target = c.draw(CONTROLS["target"])
    if target != "formula":  # the formula box only beside "your formula"
        return target, TARGETS[target]
    typed = c.draw(CONTROLS["f"])
    if not isinstance(typed, str):
        # ui.controls resets an over-long URL value to None rather than the default
        typed = DEFAULT_FORMULA
    last = st.session_state.get(_LAST_FORMULA, DEFAULT_FORMULA)
    try:
        values = parse(typed)(np.linspace(LO, HI, 2001))
        if np.max(np.abs(values)) > MAX_TARGET:
            raise FormulaError("target_large", f"{MAX_TARGET:g}")
    except FormulaError as err:
        # A detail is a limit (a number) or a piece of the typed text: shown literally.
        detail = err.detail if NUMBER.fullmatch(str(err.detail)) else literal(err.detail, 20)
        reason = t(f"{NAME}.formula.err.{err.code}", detail=detail)
        st.warning(t(f"{NAME}.formula.rejected", text=literal(typed, 60), reason=reason,
                     used=literal(last, 60)), icon="⚠️")
        return target, last
    st.session_state[_LAST_FORMULA] = typed.strip()
    return target, typed.strip()


def opening(fr: Frame, section: str) -> tuple[Any, Any]:
    """A section's header and intro, then its two columns: the chart and its controls."""
    st.header(fr.t(f"{NAME}.{section}.title"))
    st.markdown(fr.t(f"{NAME}.{section}.intro"))
    return tuple(st.columns([3, 1]))
