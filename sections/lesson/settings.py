"""The lesson's controls: which step is open, classroom mode, and the record each step
declares its own controls with.

The open step is in the URL as ``step`` (counted from 1, so a teacher's link reads
``/lesson?step=4``); ``hide=answers`` is classroom mode (:attr:`LessonSettings.hide_answers`).
A step's controls are URL-bound too, each under ``<step code>_<name>`` (``signal_depth=5``):
two steps may both have a depth, with different choices, and a link to one step must
not change another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from ui.frame import STEP_KEY, Frame
from ui.i18n import Translator, option_labels

NAME = "lesson"
#: ``hide=answers``: verdicts stay hidden until revealed (classroom mode).
ANSWERS = "answers"
#: Every step's runs use this seed: the data, the split and the initial weights.
SEED = 0


@dataclass(frozen=True)
class Control:
    """One control of a step, declared once.

    Attributes
    ----------
    name : str
        The value's name in the step's templates and experiment (``depth``); the URL
        key is :meth:`key`.
    options : tuple
        The choices, as codes (``"sigmoid"``) or numbers (``10``).
    default : object
        One of `options`: the lesson's setting, which the answer key is measured at.
    names : str
        How an option is shown: ``"act"`` or ``"init"`` take the app's names for
        activations and initialisations (``common.option.<names>``); empty shows the
        number itself.
    """

    name: str
    options: tuple
    default: Any
    names: str = ""

    def key(self, step: str) -> str:
        """The URL key of this control in step `step`."""
        return f"{step}_{self.name}"

    def labels(self, t: Translator) -> dict:
        """Option -> the text the control shows for it."""
        if self.names:
            return option_labels(t, self.names, self.options)
        return {o: f"{o:g}" if isinstance(o, float) else str(o) for o in self.options}


@dataclass(frozen=True)
class LessonSettings:
    """The open step (1 .. ``total``; the last is the closing "your turn") and classroom mode."""

    step: int
    total: int
    hide_answers: bool


def read_settings(fr: Frame, titles: Sequence[str]) -> LessonSettings:
    """The step picker (in the page, above the step) and classroom mode.

    `titles` are the steps' shown titles in order. A URL ``step`` that is not a whole
    number from 1 to ``len(titles)`` falls back to step 1 with the page's note;
    ``hide=step`` pins the step (no picker).
    """
    t, c = fr.t, fr.controls
    total = len(titles)
    box = st.container()

    def check(raw: list[str]) -> tuple[str | None, Any]:
        if len(raw) != 1:
            return t("common.url.reason.repeated"), 1
        text = raw[0].strip()
        if not (text.isascii() and text.isdigit()):
            return t("common.url.reason.not_number"), 1
        if not 1 <= int(text) <= total:
            return t("common.url.reason.range", lo=1, hi=total), 1
        return None, int(text)

    def draw(state: str) -> int:
        return box.selectbox(
            t(f"{NAME}.picker"), list(range(1, total + 1)), key=state,
            format_func=lambda n: t(f"{NAME}.step_option", n=n, total=total, title=titles[n - 1]),
        )

    step = c.by_hand(STEP_KEY, 1, check, draw)
    return LessonSettings(int(step), total, ANSWERS in (c.hidden or ()))


def go_to(step: int) -> Callable[[], None]:
    """A button callback that opens step `step` (the picker reads it on the next run)."""

    def go() -> None:
        st.session_state[STEP_KEY] = step

    return go
