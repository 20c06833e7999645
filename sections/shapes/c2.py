"""Section "Sigmoid output, which loss?": from a confidently wrong start, cross-entropy
keeps the output's error signal and the squared error loses it (claim C2 of docs/science.md)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from sections.shapes.compute import SMALL_EPOCHS, SMALL_LR, SMALL_SIZES, BceVsMse, bce_vs_mse
from sections.shapes.numbers import sci
from sections.shapes.settings import NAME as P
from sections.shapes.settings import Experiment, RunSpec, ShapesSettings, experiment
from ui.cache import memo_run
from ui.charts import compiled, finite_positive
from ui.charts.shapes import run_chart
from ui.export import Block, Weights, chart_row, weights_button
from ui.frame import Frame
from ui.i18n import Translator

#: Output -> (its name in the catalog, its name in download files).
RUNS = {"sigmoid": "bce", "sigmoid_mse": "mse"}


def draw(s: ShapesSettings, fr: Frame) -> None:
    t = fr.t
    ex = experiment(fr, s)
    st.header(t(f"{P}.c2.title"))
    spec = ex.spec(fr, len(SMALL_SIZES) - 2, SMALL_SIZES[1], SMALL_EPOCHS, activations=["relu"] * 2)
    res = memo_run(bce_vs_mse, spec, s.logit, _X=ex.X, _y=ex.y, _text=t(f"{P}.c2.training"))
    st.markdown(t(f"{P}.c2.setup", width=SMALL_SIZES[1], logit=f"{s.logit:g}",
                  start_acc=f"{100 * res.start_acc:.0f}", epochs=spec.epochs, lr=SMALL_LR))
    st.markdown(t(f"{P}.c2.math"))
    _metrics(t, ex, spec, s.logit, res)
    names = {o: t(f"{P}.c2.{short}") for o, short in RUNS.items()}
    for o in RUNS:
        if res.runs[o].diverged_at is not None:
            st.error(f"{names[o]}: {t('common.diverged', epoch=res.runs[o].diverged_at)}")
    acc = _curves({o: res.runs[o].acc for o in RUNS}, names)
    loss = _curves({o: res.runs[o].loss for o in RUNS}, names)
    loss["value"] = finite_positive(loss["value"].to_numpy())
    chart_row(t, Block(compiled(run_chart, acc, t("common.axis.accuracy"), t, log_y=False), acc,
                       "c2-accuracy", t(f"{P}.c2.acc_title"), t(f"{P}.c2.acc_caption")),
              Block(compiled(run_chart, loss, t(f"{P}.c2.own_loss"), t, log_y=True), loss,
                    "c2-loss", t(f"{P}.c2.loss_title"), t(f"{P}.c2.loss_caption")))
    ratio = res.delta_bce / res.delta_mse if res.delta_mse > 0 else math.inf
    st.info(t(f"{P}.c2.reading", ratio=f"{ratio:.3g}",
              acc_bce=f"{100 * res.runs['sigmoid'].acc[-1]:.0f}",
              acc_mse=f"{100 * res.runs['sigmoid_mse'].acc[-1]:.0f}"))


def _metrics(t: Translator, ex: Experiment, spec: RunSpec, logit: float, res: BceVsMse) -> None:
    """The error signal at the start and the final accuracy for each loss, with the weights."""
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t(f"{P}.c2.delta_bce"), sci(res.delta_bce))
    m2.metric(t(f"{P}.c2.delta_mse"), sci(res.delta_mse))
    for col, (o, short) in zip((m3, m4), RUNS.items(), strict=True):
        col.metric(t(f"{P}.c2.acc_{short}"), f"{100 * res.runs[o].acc[-1]:.1f}%")
        settings = ex.settings(spec, sizes=SMALL_SIZES, activation="relu", output=o,
                               init="he_normal", optimizer="sgd", lr=SMALL_LR,
                               start="confidently_wrong", start_logit=logit)
        with col:
            weights_button(Weights(res.runs[o].params, settings, f"c2-weights-{short}"), t)


def _curves(curves: dict[str, np.ndarray], names: dict[str, str]) -> pd.DataFrame:
    """One training curve per loss (by output, in :data:`RUNS`' order), long form: epoch,
    value, run."""
    return pd.concat(
        [pd.DataFrame({"epoch": np.arange(len(curves[o])), "value": curves[o], "run": names[o]})
         for o in RUNS],
        ignore_index=True,
    )
