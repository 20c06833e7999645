"""One step on screen: question, controls, prediction, Run, then the chart, the verdict
from the run, the explanation with the run's numbers, a deeper link and the source.

The verdict is worked out on every rerun from the cached run at the step's current
settings (:attr:`Step.rule`), so it always says what the run on screen measured. It is
shown only for the settings and the prediction the learner pressed Run with: change
either and the step asks for a new Run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from sections.lesson import charts
from sections.lesson.experiments import Measured, moons_dots
from sections.lesson.numbers import Num
from sections.lesson.settings import NAME, LessonSettings
from sections.lesson.state import Record, frozen, record
from sections.lesson.steps import Step
from ui.frame import Frame
from ui.i18n import DEFAULT_LANGUAGE, Translator
from ui.literal import literal
from ui.references import cite


def names(t: Translator, step: Step, values: Mapping[str, Any]) -> dict[str, Any]:
    """The step's settings as its texts write them (``act`` -> "sigmoid", ``depth`` -> "10"),
    with its fixed settings."""
    return {**dict(step.fixed), **{c.name: c.labels(t)[values[c.name]] for c in step.controls}}


def text(t: Translator, step: Step, part: str, answer: Any, **values: Any) -> str:
    """``lesson.step.<code>.<part>.<answer>`` when the catalog words it per outcome, else
    ``lesson.step.<code>.<part>``."""
    base = f"{NAME}.step.{step.code}.{part}"
    key = f"{base}.{answer}" if t.has(f"{base}.{answer}") else base
    return t(key, **values)


def shown_prediction(t: Translator, step: Step, prediction: Any) -> str:
    """A prediction as the learner chose it, for a sentence: the choice's text in quotes, or
    the number typed, which is the visitor's own and goes through :func:`ui.literal.literal`."""
    if step.typed is None:
        return f"“{choice_text(t, step, prediction)}”"
    return literal(f"{float(prediction):g}")


def shown_answer(t: Translator, step: Step, answer: Any) -> str:
    """The measured answer for a sentence: the choice's text in quotes, or the number."""
    if step.typed is None:
        return f"“{choice_text(t, step, answer)}”"
    return f"{Num(answer)}"


def choice_text(t: Translator, step: Step, choice: str) -> str:
    """A choice as the learner reads it (it may quote the step's fixed settings)."""
    return t(f"{NAME}.step.{step.code}.choice.{choice}", **dict(step.fixed))


def run(step: Step, values: Mapping[str, Any], t: Translator) -> tuple[Measured, Any]:
    """The step's experiment at `values` (cached) and the answer its rule derives."""
    measured = step.experiment(values, t(f"{NAME}.running"))
    return measured, step.rule(measured)


def measured_text(t: Translator, step: Step, measured: Measured, answer: Any,
                  values: Mapping[str, Any]) -> str:
    """What the run measured, in one or two sentences (with a note for a run that overflowed)."""
    said = text(t, step, "measured", answer, **{**names(t, step, values), **measured.numbers})
    for run_name, epoch in measured.extra.get("overflowed", {}).items():
        said += " " + t(f"{NAME}.overflow", run=t(f"{NAME}.run_name.{run_name}"), epoch=epoch)
    return said


def verdict(t: Translator, step: Step, prediction: Any, measured: Measured, answer: Any,
            values: Mapping[str, Any]) -> tuple[bool, str]:
    """Whether `prediction` is right, and the verdict line (✓ or ✗, then what the run measured)."""
    right = step.is_right(prediction, answer)
    said = measured_text(t, step, measured, answer, values)
    mine = shown_prediction(t, step, prediction)
    if right:
        return True, t(f"{NAME}.right", measured=said, prediction=mine)
    return False, t(f"{NAME}.wrong", measured=said, prediction=mine,
                    answer=shown_answer(t, step, answer))


def draw_step(fr: Frame, s: LessonSettings, step: Step) -> None:
    """Step number ``s.step``: everything from its question to its source."""
    t = fr.t
    p = f"{NAME}.step.{step.code}"
    st.header(t(f"{NAME}.step_head", n=s.step, total=s.total - 1, title=t(f"{p}.title")))
    # Keyed: the first-screen test finds the question (and Run, by its key) on the page.
    question = st.container(key="lesson_question")
    values = _controls(fr, step)
    shown = names(t, step, values)
    question.markdown(t(f"{p}.question", **shown))
    rec = record(step.code)
    prediction = _predict(t, step, rec)
    rec.prediction = prediction
    now = (frozen(values), prediction)
    if st.button(t(f"{NAME}.run"), key=f"_run_{step.code}", type="primary",
                 icon=":material/play_arrow:", disabled=prediction is None,
                 help=t(f"{NAME}.predict_first") if prediction is None else None):
        rec.ran, rec.revealed = now, False
    if rec.ran is None:
        _before(step, values, t, shown)
        return
    if rec.ran != now:
        st.info(t(f"{NAME}.stale"), icon=":material/refresh:")
        return
    measured, answer = run(step, values, t)
    rec.right, line = verdict(t, step, prediction, measured, answer, values)
    if s.hide_answers and not rec.revealed:
        _hidden(t, step, rec, prediction)
        return
    # The verdict first, right under Run (the learner's question was "was I right?"),
    # then the run that says so, and why.
    (st.success if rec.right else st.error)(line)
    charts.draw(step.code, measured, values, t, {**shown, **measured.numbers})
    st.markdown(text(t, step, "explain", answer, **{**shown, **measured.numbers}))
    script, query = step.link(values)
    # What the page adds in a sentence, then a short link (a link's label stays on one
    # line and is cut on a phone).
    st.markdown(t(f"{NAME}.deeper", what=t(f"{p}.deeper")))
    st.page_link(script, label=t(f"{p}.where"), icon=":material/arrow_outward:",
                 query_params=_query(query, fr.lang))
    st.caption(cite(t, *step.cites))


def _controls(fr: Frame, step: Step) -> dict[str, Any]:
    """The step's controls, side by side in the page: a row of options each, so the learner
    sees every choice a setting offers (URL-bound as ``<code>_<name>``; a number's option is
    written as in the URL, ``lr=0.3``)."""
    t, c = fr.t, fr.controls
    values: dict[str, Any] = {}
    if not step.controls:
        return values
    for col, ctl in zip(st.columns(len(step.controls)), step.controls, strict=True):
        codes = {_code(o): o for o in ctl.options}
        shown = ctl.labels(t)
        with c.placed(col):
            code = c.select(ctl.key(step.code), t(f"{NAME}.control.{ctl.name}"), list(codes),
                            _code(ctl.default), radio=True, horizontal=True,
                            labels={k: shown[o] for k, o in codes.items()})
        values[ctl.name] = codes[code]
    return values


def _code(option: Any) -> str:
    """An option as the URL writes it (``0.3``, ``10``, ``sigmoid``)."""
    return f"{option:g}" if isinstance(option, float) else str(option)


def _predict(t: Translator, step: Step, rec: Record) -> Any:
    """The prediction widget, filled with the session's prediction when the step reopens."""
    key = f"_predict_{step.code}"
    if key not in st.session_state and rec.prediction is not None:
        st.session_state[key] = rec.prediction
    p = f"{NAME}.step.{step.code}"
    if step.typed is None:
        labels = {c: choice_text(t, step, c) for c in step.choices}
        return st.radio(t(f"{NAME}.predict"), step.choices, index=None, key=key,
                        format_func=labels.__getitem__)
    ty = step.typed
    return st.number_input(t(f"{p}.typed"), min_value=ty.lo, max_value=ty.hi, value=None,
                           step=ty.step, format=ty.fmt, key=key,
                           placeholder=t(f"{NAME}.typed_placeholder"))


def _before(step: Step, values: Mapping[str, Any], t: Translator, shown: Mapping[str, Any]) -> None:
    """What a step shows before its run: the setting the question is about, where a chart
    can show it without giving the answer away."""
    if step.code == "linear":
        charts.draw_before(step.code, charts.before_linear(moons_dots(), t), t, shown)
    elif step.code == "slope":
        charts.draw_before(step.code, charts.before_slope(step.experiment(values, ""), values, t),
                           t, shown)


def _hidden(t: Translator, step: Step, rec: Record, prediction: Any) -> None:
    """Classroom mode: the prediction is recorded, the answer waits for the teacher."""
    st.info(t(f"{NAME}.hidden", prediction=shown_prediction(t, step, prediction)),
            icon=":material/lock:")

    def reveal() -> None:
        rec.revealed = True

    st.button(t(f"{NAME}.reveal"), key=f"_reveal_{step.code}", on_click=reveal,
              icon=":material/visibility:", help=t(f"{NAME}.reveal_help"))


def _query(query: Mapping[str, Any], lang: str) -> dict[str, str]:
    """A deeper link's query as URL text, with the language carried along."""
    out = {k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in query.items()}
    if lang != DEFAULT_LANGUAGE:
        out["lang"] = lang
    return out
