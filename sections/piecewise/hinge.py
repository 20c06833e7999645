"""Section "Hinges in one layer": a one-hidden-layer ReLU network is the sum of its
units' hinges plus the output bias, so m units give at most m + 1 pieces."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sections.piecewise.compute import fit_hinges
from sections.piecewise.fit import curve_settings
from sections.piecewise.settings import NAME as P
from sections.piecewise.settings import PiecewiseSettings, opening
from ui.cache import memo_run
from ui.charts import compiled
from ui.charts.piecewise import hinge_chart
from ui.export import Weights, chart_block
from ui.frame import Frame


def draw(s: PiecewiseSettings, fr: Frame) -> None:
    t, c = fr.t, fr.controls
    left, right = opening(fr, "hinge")
    with c.placed(right):
        units = c.slider("units", t(f"{P}.controls.units"), 1, 24, 6)
    spec = s.hinge_spec(units)
    hin = memo_run(fit_hinges, spec, _text=t(f"{P}.hinge.training"))
    right.metric(t(f"{P}.fit.pieces"), hin.pieces, help=t(f"{P}.hinge.bound_help"))
    right.metric(t(f"{P}.hinge.max_diff"), f"{hin.max_diff:.1e}")
    unit_label = t(f"{P}.hinge.unit")
    terms = pd.concat([pd.DataFrame({"x": hin.grid, "y": hin.terms[:, i],
                                     "s": f"{unit_label} {i + 1}"}) for i in range(units)],
                      ignore_index=True)
    total = pd.DataFrame({"x": hin.grid, "y": hin.total, "s": t(f"{P}.hinge.sum")})
    with left:
        data = pd.concat([terms, total, pd.DataFrame({
            "x": hin.x, "y": hin.y, "s": t(f"{P}.export.sample")})], ignore_index=True)
        chart_block(compiled(hinge_chart, terms, total, hin.x, hin.y, unit_label, t), data,
                    f"hinges-{units}-units", t,
                    caption=t(f"{P}.hinge.caption", bias=f"{hin.bias:.3g}"),
                    weights=Weights(hin.params, curve_settings(spec, s.target), "hinges-weights"))
    st.info(t(f"{P}.hinge.reading", units=units, pieces=hin.pieces, bound=units + 1,
              diff=f"{hin.max_diff:.1e}"))
