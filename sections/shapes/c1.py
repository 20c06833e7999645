"""Section "Depth without a non-linearity": a deep linear network collapses to one affine
map (claim C1 of docs/science.md); the same network with ReLU units bends its boundary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from sections.shapes.compute import (
    C1_NETS,
    DEEP_EPOCHS,
    DEEP_LR,
    DEEP_SIZES,
    LinearVsRelu,
    linear_vs_relu,
)
from sections.shapes.numbers import sci
from sections.shapes.settings import NAME as P
from sections.shapes.settings import UPLOAD, Experiment, RunSpec, ShapesSettings, experiment
from ui.cache import memo_run
from ui.charts import compiled
from ui.charts.shapes import c1_chart
from ui.export import Weights, chart_block
from ui.frame import Frame
from ui.i18n import Translator

LAYERS = len(DEEP_SIZES) - 2


def draw(s: ShapesSettings, fr: Frame) -> None:
    t = fr.t
    ex = experiment(fr, s)
    st.header(t(f"{P}.c1.title"))
    spec = ex.spec(fr, LAYERS, DEEP_SIZES[1], DEEP_EPOCHS, activations=[a for a, _ in C1_NETS])
    res = memo_run(linear_vs_relu, spec, _X=ex.X, _y=ex.y, _text=t(f"{P}.c1.training"))
    data_name = t(f"{P}.upload.name") if ex.used == UPLOAD else ex.used
    st.markdown(t(f"{P}.c1.setup", layers=LAYERS, width=DEEP_SIZES[1], epochs=spec.epochs,
                  data=data_name, n=len(ex.y)))
    points = pd.DataFrame(res.points, columns=["x1", "x2"])
    dots = pd.DataFrame({"x1": res.X[:, 0], "x2": res.X[:, 1], "label": res.y})
    for col, (act, init) in zip(st.columns(2), C1_NETS, strict=True):
        with col:
            _side(t, ex, spec, res, act, init, points, dots)
    line = res.collapsed
    w1, w2 = (float(v) for v in line.W)
    st.latex(t(f"{P}.c1.map", w1=f"{w1:.3f}", w2=f"{w2:+.3f}", b=f"{line.b:+.3f}"))
    m1, m2 = st.columns(2)
    m1.metric(t(f"{P}.c1.gap"), sci(line.gap), help=t(f"{P}.c1.gap_help"))
    m2.metric(t(f"{P}.c1.scale"), f"{line.logit_scale:.3g}")
    st.info(t(f"{P}.c1.reading", gap=sci(line.gap), layers=len(DEEP_SIZES) - 1))


def _side(t: Translator, ex: Experiment, spec: RunSpec, res: LinearVsRelu, act: str, init: str,
          points: pd.DataFrame, dots: pd.DataFrame) -> None:
    """One network: its test accuracy and its probability map (with the straight line if linear)."""
    run = res.runs[act]
    st.subheader(t(f"{P}.c1.side_{act}"))
    st.metric(t(f"{P}.c1.test_acc"), f"{100 * run.test_acc:.1f}%")
    if run.diverged_at is not None:
        st.error(t("common.diverged", epoch=run.diverged_at))
    grid = points.assign(p=np.nan_to_num(run.grid_p, nan=0.5))
    segment = res.collapsed.segment if act == "identity" else None
    settings = ex.settings(spec, sizes=DEEP_SIZES, activation=act, output="sigmoid", init=init,
                           optimizer="adam", lr=DEEP_LR)
    chart_block(compiled(c1_chart, grid, dots, segment, res.step, t), grid,
                f"c1-boundary-{act}", t, caption=t(f"{P}.c1.caption_{act}"),
                weights=Weights(run.params, settings, f"c1-weights-{act}"))
