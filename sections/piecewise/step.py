"""Section "The step function": a continuous network cannot jump; it can only climb on a
shorter interval, so near the jump the error stays about ½ (claim C9 of docs/science.md)."""

from __future__ import annotations

import streamlit as st

from sections.piecewise.compute import STEP_AWAY, STEP_EPOCHS, step_study
from sections.piecewise.settings import NAME as P
from sections.piecewise.settings import PiecewiseSettings
from ui.charts import compiled, finite_positive
from ui.charts.piecewise import series_chart
from ui.export import Block, chart_row
from ui.frame import Frame


def draw(s: PiecewiseSettings, fr: Frame) -> None:
    t = fr.t
    st.header(t(f"{P}.step.title"))
    st.markdown(t(f"{P}.step.intro"))
    study = step_study(s.seed, STEP_EPOCHS, _text=t(f"{P}.step.training"))
    ramp, trained = study.ramp, study.trained
    ramp_names = {"away": t(f"{P}.step.away", eta=STEP_AWAY / 2),
                  "jump": t(f"{P}.step.jump", eta=STEP_AWAY / 2), "bad": t(f"{P}.step.bad")}
    ramps = ramp.melt(id_vars=["slope"], value_vars=list(ramp_names), var_name="s", value_name="v")
    ramps["s"] = ramps["s"].map(ramp_names)
    ramps["v"] = finite_positive(ramps["v"].to_numpy(), floor=1e-4)
    fit_names = {"away": t(f"{P}.step.away", eta=STEP_AWAY),
                 "jump": t(f"{P}.step.jump", eta=STEP_AWAY), "rms": t(f"{P}.step.rms")}
    fits = trained.melt(id_vars=["units"], value_vars=list(fit_names), var_name="s", value_name="v")
    fits["s"] = fits["s"].map(fit_names)
    chart_row(t,
              Block(compiled(series_chart, ramps.dropna(), "slope", "v", "s",
                             x_title=t(f"{P}.axis.slope"), y_title=t(f"{P}.axis.error"),
                             log_x=True, log_y=True),
                    ramp, "step-ramps", caption=t(f"{P}.step.ramp_caption")),
              Block(compiled(series_chart, fits, "units", "v", "s", x_title=t(f"{P}.axis.units"),
                             y_title=t(f"{P}.axis.error"), log_x=True),
                    trained, "step-trained",
                    caption=t(f"{P}.step.trained_caption", epochs=STEP_EPOCHS)))
    st.info(t(f"{P}.step.reading", jump_min=f"{ramp['jump'].min():.2f}",
              bad_last=f"{ramp['bad'].iloc[-1]:.4f}", slope_last=f"{ramp['slope'].iloc[-1]:g}",
              trained_jump=f"{trained['jump'].min():.2f}",
              trained_away=f"{trained['away'].iloc[-1]:.2f}",
              units=int(trained["units"].iloc[-1])))
    st.markdown(t(f"{P}.step.honest"))
