"""The teacher's printable Markdown: the worksheet (questions, choices, a link to each
step, room for answers) and the answer key (each step's answer as measured by a run at
the lesson's settings, with the run's numbers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from sections.lesson.settings import NAME, STEP_KEY
from sections.lesson.steps import STEPS, Step
from sections.lesson.view import choice_text, measured_text, names, run, shown_answer, text
from ui.i18n import Translator

RULE = "_" * 40
#: A host name or address with an optional port, as a browser writes it.
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def lesson_url() -> str:
    """The lesson's address on the server the visitor reached (``/lesson`` when unknown).

    Only the scheme and the host are taken from the browser's address, and only when
    they look like one: the path is the lesson's own, so nothing else a visitor typed
    reaches the worksheet.
    """
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:
        return f"/{NAME}"
    if parts.scheme in ("http", "https") and _HOST.fullmatch(parts.netloc or ""):
        return f"{parts.scheme}://{parts.netloc}/{NAME}"
    return f"/{NAME}"


def _head(t: Translator, n: int, step: Step) -> str:
    return t(f"{NAME}.step_head", n=n, total=len(STEPS), title=t(f"{NAME}.step.{step.code}.title"))


def _settings(t: Translator, step: Step, values: Mapping[str, Any]) -> str:
    """``activation: sigmoid (also: tanh, ReLU); hidden layers: 10 (also: 5, 20)``."""
    parts = []
    for c in step.controls:
        labels = c.labels(t)
        others = [labels[o] for o in c.options if o != values[c.name]]
        parts.append(t(f"{NAME}.sheet.setting", name=t(f"{NAME}.control.{c.name}"),
                       value=labels[values[c.name]], others=", ".join(others)))
    return "; ".join(parts)


def worksheet(t: Translator, base: str) -> str:
    """The worksheet in Markdown: every step's question at the lesson's settings, its
    choices as boxes to tick, its link, and lines for the prediction, the measurement and
    the reason."""
    out = [f"# {t(f'{NAME}.sheet.title')}", "", t(f"{NAME}.sheet.name_line"), "",
           t(f"{NAME}.sheet.how"), ""]
    for n, step in enumerate(STEPS, start=1):
        v = step.defaults()
        p = f"{NAME}.step.{step.code}"
        out += [f"## {_head(t, n, step)}", "", f"{t(f'{NAME}.sheet.link')} <{base}?{STEP_KEY}={n}>", "",
                t(f"{p}.question", **names(t, step, v)), ""]
        if step.controls:
            out += [f"*{t(f'{NAME}.sheet.settings')}* {_settings(t, step, v)}", ""]
        if step.typed is None:
            out += [f"- [ ] {choice_text(t, step, c)}" for c in step.choices] + [""]
        else:
            out += [f"{t(f'{p}.typed')}: {RULE}", ""]
        out += [f"**{t(f'{NAME}.sheet.prediction')}** {RULE}", "",
                f"**{t(f'{NAME}.sheet.measured')}** {RULE}", "",
                f"**{t(f'{NAME}.sheet.why')}** {RULE}", "", RULE + RULE, ""]
    out += [f"## {t(f'{NAME}.finale.title')}", "", t(f"{NAME}.sheet.finale"), ""]
    return "\n".join(out)


def exact(x: Any) -> str:
    """A measured number with every digit the run produced (``float.__repr__``)."""
    if x is None:
        return "—"
    return float.__repr__(float(x)) if isinstance(x, float) else str(x)


def answer_key(t: Translator, base: str) -> str:
    """The answer key in Markdown: each step run at the lesson's settings, its answer as
    that run gives it, the verdict's sentence, the explanation and every number measured."""
    out = [f"# {t(f'{NAME}.sheet.key_title')}", "", t(f"{NAME}.sheet.key_how"), ""]
    for n, step in enumerate(STEPS, start=1):
        v = step.defaults()
        measured, answer = run(step, v, t)
        shown = names(t, step, v)
        said = measured_text(t, step, measured, answer, v)
        out += [f"## {_head(t, n, step)}", "", f"{t(f'{NAME}.sheet.link')} <{base}?{STEP_KEY}={n}>", "",
                t(f"{NAME}.step.{step.code}.question", **shown), ""]
        if step.controls:
            out += [f"*{t(f'{NAME}.sheet.settings')}* {_settings(t, step, v)}", ""]
        out += [f"**{t(f'{NAME}.sheet.answer')}** {shown_answer(t, step, answer)}", "",
                said, "", text(t, step, "explain", answer, **{**shown, **measured.numbers}), "",
                f"*{t(f'{NAME}.sheet.numbers')}*", ""]
        out += [f"- `{k}` = {format(x, '') if x is not None else '—'} ({exact(x)})"
                for k, x in measured.numbers.items()] + [""]
    return "\n".join(out)
