"""Section "One big step": a healthy network, one very large update, then normal training."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from sections.dead_relu.compute import HEALTHY_INIT, NORMAL_LR, STEP_ACTS, StepRun, one_step
from sections.dead_relu.settings import NAME as P
from sections.dead_relu.settings import DeadReluSettings, Task, init_label, task
from ui.cache import memo_run
from ui.charts import activation_legend, compiled, line_chart
from ui.export import Weights, chart_block, weights_button
from ui.frame import Frame
from ui.i18n import Translator

BIG_LRS = (1, 3, 10, 30, 100)


def draw(s: DeadReluSettings, fr: Frame) -> None:
    t, c = fr.t, fr.controls
    st.header(t(f"{P}.s3.title"))
    tk = task(fr, s)
    st.markdown(t(f"{P}.s3.intro", init=init_label(t, HEALTHY_INIT), normal_lr=NORMAL_LR))
    with c.placed(st.columns(3)[0]):
        big = c.select_slider("big", t(f"{P}.s3.big"), BIG_LRS, 10)
    res = memo_run(one_step, tk.spec, float(big), _X=tk.X, _y=tk.y, _text=t(f"{P}.s3.progress"))
    total = s.depth * s.width
    for col, act in zip(st.columns(2), STEP_ACTS, strict=True):
        with col:
            _side(t, tk, act, res[act], total, big)
    frame = pd.concat([pd.DataFrame({"epoch": np.arange(len(res[a].dead_count)),
                                     "dead": res[a].dead_count, "act": a}) for a in STEP_ACTS],
                      ignore_index=True).dropna()
    chart_block(
        compiled(line_chart, frame, "epoch", "dead", "act", x_title=t(f"{P}.s3.epoch_axis"),
                 y_title=t(f"{P}.s3.dead_axis"), **activation_legend(t),
                 height=220),
        frame, "big-step-dead", t, caption=t(f"{P}.s3.caption", normal_lr=NORMAL_LR))
    relu = res["relu"]
    reading = t(f"{P}.s3.reading", big=big, died=relu.died, first=relu.died_first_layer,
                relu_end=_count(relu.dead_count[-1]),
                relu_first_end=_count(relu.first_layer_dead[-1]), epochs=tk.spec.epochs)
    st.info("\n\n".join([reading, *_leaky(t, res["leaky_relu"], tk.spec.epochs)]))


def _leaky(t: Translator, r: StepRun, epochs: int) -> list[str]:
    """Whether Leaky ReLU's units below zero after the step came back in this run ([] if it diverged)."""
    after, end = r.after, r.dead_count[-1]
    if not np.isfinite(end):
        return []
    key = "fewer" if end < after else "not_fewer"
    return [t(f"{P}.s3.leaky_trend.{key}", leaky_died=r.died, leaky_after=after,
              leaky_end=_count(end), epochs=epochs)]


def _side(t: Translator, tk: Task, act: str, r: StepRun, total: int, big: float) -> None:
    """One activation's counts before and after the step, and its weights."""
    st.subheader(t(f"{P}.act.{act}"))
    row = st.container(horizontal=True)
    row.metric(t(f"{P}.s3.{act}.before"), f"{r.before} / {total}")
    row.metric(t(f"{P}.s3.{act}.died"), str(r.died))
    row.metric(t(f"{P}.s3.{act}.end"), f"{_count(r.dead_count[-1])} / {total}"
               if np.isfinite(r.dead_count[-1]) else "—")
    if not np.isfinite(r.loss_after):
        st.error(t(f"{P}.s3.step_diverged"))
    if r.diverged_at is not None:
        st.error(t("common.diverged", epoch=r.diverged_at))
    weights_button(Weights(r.params, tk.settings(
        activation=act, init=HEALTHY_INIT, bias_init=0.0, shift=0.0, big_step_lr=big,
        optimizer="sgd", lr=NORMAL_LR), f"weights-big-step-{act}"), t)


def _count(v: float) -> str:
    return "—" if not np.isfinite(v) else str(int(v))
