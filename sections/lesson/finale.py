"""The closing page: your turn on the Playground, and a summary of the whole argument that
makes sense to someone who missed half of it (each step's takeaway is true at every
setting; the learner's own run, where there is one, is quoted beside it)."""

from __future__ import annotations

import streamlit as st

from core.activations import ACTIVATIONS
from sections.lesson.settings import NAME, LessonSettings
from sections.lesson.state import record
from sections.lesson.steps import STEPS
from sections.lesson.view import run, verdict
from ui.frame import Frame
from ui.i18n import DEFAULT_LANGUAGE, Translator

#: The Playground networks of "your turn": six hidden layers of eight units on the moons,
#: with the gradient view on; only the activation (and its usual initialisation) differs.
PLAYGROUND = {"data": "moons", "shape": "8,8,8,8,8,8", "grad": "true"}
PLAY_ACTS = {act: ACTIVATIONS[act].paired_init for act in ("sigmoid", "relu")}


def draw_finale(fr: Frame, s: LessonSettings) -> None:
    t = fr.t
    st.header(t(f"{NAME}.finale.title"))
    st.markdown(t(f"{NAME}.finale.intro"))
    for col, (act, init) in zip(st.columns(len(PLAY_ACTS)), PLAY_ACTS.items(), strict=True):
        query = {**PLAYGROUND, "act": act, "init": init}
        if fr.lang != DEFAULT_LANGUAGE:
            query["lang"] = fr.lang
        with col:
            st.page_link("pages/playground.py", label=t(f"{NAME}.finale.play.{act}"),
                         icon=":material/play_circle:", query_params=query)
    st.markdown(t(f"{NAME}.finale.look"))
    st.subheader(t(f"{NAME}.finale.summary_title"))
    st.markdown(summary(t, s.hide_answers))


def summary(t: Translator, hide_answers: bool) -> str:
    """One line per step: its takeaway, and what the learner's own run said (if any)."""
    lines = []
    for n, step in enumerate(STEPS, start=1):
        rec = record(step.code)
        head = f"**{n} · {t(f'{NAME}.step.{step.code}.title')}** — {t(f'{NAME}.step.{step.code}.takeaway')}"
        if rec.ran is None:
            mine = t(f"{NAME}.summary.not_run")
        elif hide_answers and not rec.revealed:
            mine = t(f"{NAME}.summary.hidden")
        else:
            values, prediction = dict(rec.ran[0]), rec.ran[1]
            measured, answer = run(step, values, t)
            mine = verdict(t, step, prediction, measured, answer, values)[1]
            # The settings the learner chose (the step's controls, not its fixed settings).
            chosen = ", ".join(f"{t(f'{NAME}.control.{c.name}')}: {c.labels(t)[values[c.name]]}"
                               for c in step.controls)
            mine = t(f"{NAME}.summary.yours", settings=chosen, verdict=mine) if chosen else mine
        lines.append(f"- {head}  \n  {mine}")
    return "\n".join(lines)
