"""The lesson page around its steps: the open step, the progress line, the way to the
next one and the teacher's tools (the frame adds the sources)."""

from __future__ import annotations

import streamlit as st

from sections.lesson import sheets
from sections.lesson.finale import draw_finale
from sections.lesson.settings import ANSWERS, NAME, STEP_KEY, LessonSettings, go_to
from sections.lesson.state import progress
from sections.lesson.steps import CODES, STEPS
from sections.lesson.view import draw_step
from ui.frame import Frame
from ui.i18n import Translator

_KEY_STATE = "_lesson_answer_key"


def titles(t: Translator) -> list[str]:
    """Every step's shown title, the closing page's last."""
    return [t(f"{NAME}.step.{c}.title") for c in CODES] + [t(f"{NAME}.finale.title")]


def draw(s: LessonSettings, fr: Frame) -> None:
    """The open step (or the closing page), then the progress line and the step buttons.

    The step's question, its controls, the prediction and Run come straight under the
    step picker: they are the lesson's first screen (issue 30 §3). The progress line
    follows the step, where the learner goes on to the next one.
    """
    t = fr.t
    if s.hide_answers:
        st.caption(t(f"{NAME}.classroom"))
    if s.step <= len(STEPS):
        draw_step(fr, s, STEPS[s.step - 1])
    else:
        draw_finale(fr, s)
    p = progress(list(CODES), s.hide_answers)
    st.markdown(t(f"{NAME}.progress", predicted=p.predicted, ran=p.ran, right=p.right,
                  total=p.total))
    _step_buttons(fr, s)
    _teacher(fr, s)


def _step_buttons(fr: Frame, s: LessonSettings) -> None:
    """Back and next, unless the link pins the step (``hide=step``)."""
    if fr.controls.is_hidden(STEP_KEY):
        return
    t = fr.t
    names = titles(t)
    row = st.container(horizontal=True, gap="small")
    if s.step > 1:
        row.button(t(f"{NAME}.back", n=s.step - 1), key="_lesson_back", on_click=go_to(s.step - 1),
                   icon=":material/arrow_back:", type="tertiary")
    if s.step < s.total:
        row.button(t(f"{NAME}.next", title=names[s.step]), key="_lesson_next",
                   on_click=go_to(s.step + 1), icon=":material/arrow_forward:", type="secondary")


def _teacher(fr: Frame, s: LessonSettings) -> None:
    """The sidebar's teacher tools: the worksheet, the answer key (not in any classroom
    mode: a link with ``hide`` goes to a class) and the classroom link of the open step."""
    t = fr.t
    base = sheets.lesson_url()
    with st.sidebar:
        st.subheader(t(f"{NAME}.teacher.title"))
        st.download_button(t(f"{NAME}.teacher.worksheet"), data=lambda: sheets.worksheet(t, base),
                           file_name=f"activation-lab-worksheet-{t.lang}.md", mime="text/markdown",
                           key="_lesson_worksheet", icon=":material/description:",
                           on_click="ignore", width="stretch")
        if fr.controls.hidden:
            st.caption(t(f"{NAME}.teacher.no_key"))
        else:
            _answer_key(t, base)
        st.caption(t(f"{NAME}.teacher.classroom"))
        # Plain text, never markdown: the address comes from the visitor's browser.
        st.text(f"{base}?{STEP_KEY}={s.step}&hide={ANSWERS}")


def _answer_key(t: Translator, base: str) -> None:
    """A button that runs every step at the lesson's settings (cached runs, with their
    progress bars), then the key's download."""
    kept = st.session_state.get(_KEY_STATE)
    if kept is None or kept[0] != t.lang:
        if st.button(t(f"{NAME}.teacher.prepare"), key="_lesson_prepare", icon=":material/key:",
                     help=t(f"{NAME}.teacher.prepare_help"), width="stretch"):
            kept = st.session_state[_KEY_STATE] = (t.lang, sheets.answer_key(t, base))
    if kept is not None and kept[0] == t.lang:
        st.download_button(t(f"{NAME}.teacher.key"), data=kept[1].encode("utf-8"),
                           file_name=f"activation-lab-answer-key-{t.lang}.md",
                           mime="text/markdown", key="_lesson_key", icon=":material/key:",
                           on_click="ignore", width="stretch")
