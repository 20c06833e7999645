"""The classic experiments, and the questions learners ask next: each sets every control at once."""

from __future__ import annotations

import streamlit as st

from sections.vanishing.settings import DEFAULTS, NAME
from ui.i18n import Translator

#: The classic experiments (buttons at the top of the sidebar).
PRESETS: dict[str, dict[str, object]] = {
    "blog": {**DEFAULTS, "act": ["sigmoid", "relu"], "epochs": 100},
    "glorot": {**DEFAULTS, "depth": 5, "width": 64, "act": ["sigmoid", "tanh"],
               "init": "standard", "init2": "glorot_uniform", "epochs": 100},
    # Learning rate 0.003, not 0.01: at 0.01 the He network sits at the edge of stability
    # and a last-bit difference (another processor's BLAS kernel) decides whether it trains,
    # stalls or overflows; at 0.003 it trains past 0.9 on every variant tried
    # (docs/science.md §2.4), so the preset shows He et al.'s result on any machine.
    "he": {**DEFAULTS, "depth": 30, "act": ["relu"], "init": "glorot_uniform",
           "init2": "he_normal", "opt": "momentum", "lr": 0.003, "epochs": 60},
}
#: One experiment per question of the section "Why it happens" (docs/science.md,
#: "Questions learners ask next").
QUESTIONS: dict[str, dict[str, object]] = {
    # tanh: zero-centred, slope 1 at 0; it trains at moderate depth, and its chain still
    # shrinks once units saturate, which a deeper net shows.
    "tanh": {**DEFAULTS, "depth": 10, "act": ["sigmoid", "tanh", "relu"],
             "init": "glorot_uniform", "epochs": 100},
    # Adam rescales each weight's step by its own gradient history: tiny gradients still
    # move weights, but the signal at initialisation is the same product as before.
    "adam": {**DEFAULTS, "depth": 10, "act": ["sigmoid"], "init": "glorot_uniform",
             "opt": "adam", "lr": 0.001, "epochs": 100},
}


def apply(values: dict[str, object]) -> None:
    """Button callback: write every control's value before the widgets exist."""
    for key, value in values.items():
        st.session_state[key] = list(value) if isinstance(value, list) else value


def preset_row(t: Translator) -> None:
    """The classic experiments, at the top of the sidebar's controls.

    Not in the page: there they stood between the lead and the key chart, and pushed the
    chart off a laptop's first screen and far below a phone's (issue 30 §3). In the
    sidebar they are beside the controls they set, in every section. Their buttons act
    through a callback (:func:`apply`), which Streamlit runs before the script, so where
    they are drawn does not matter to what they write.
    """
    box = st.sidebar
    box.subheader(t(f"{NAME}.preset.title"))
    box.caption(t(f"{NAME}.preset.caption"))
    for name, values in PRESETS.items():
        box.button(t(f"{NAME}.preset.{name}"), key=f"_preset_{name}", on_click=apply,
                   args=(values,), width="stretch", help=t(f"{NAME}.preset.{name}_help"))


def question_button(t: Translator, name: str) -> None:
    """The one-click experiment that answers a question."""
    st.button(t(f"{NAME}.questions.{name}.button"), key=f"_question_{name}", on_click=apply,
              args=(QUESTIONS[name],), icon=":material/science:")
