"""Section "Inside one layer": each unit's pre-activations over the training set, at a chosen epoch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.activations import ACTIVATIONS
from sections.dead_relu.settings import NAME as P
from sections.dead_relu.settings import DeadReluSettings, act_labels, task
from sections.dead_relu.training import trained
from ui.charts import compiled
from ui.charts.dead_relu import fires_chart, unit_chart
from ui.export import chart_block
from ui.frame import Frame


def draw(s: DeadReluSettings, fr: Frame) -> None:
    t, c = fr.t, fr.controls
    st.header(t(f"{P}.s2.title"))
    if not s.chose_acts:
        st.warning(t(f"{P}.no_act"))
    result = trained(fr, s, task(fr, s))  # the training section's runs, from the cache
    st.markdown(t(f"{P}.s2.intro"))
    cols = st.columns(3)
    with c.placed(cols[0]):
        act = (c.select("insp", t(f"{P}.s2.act"), s.acts, s.acts[0], labels=act_labels(t, s.acts))
               if len(s.acts) > 1 else s.acts[0])
    run = result.runs[act]
    epochs_avail = sorted(run.views)
    with c.placed(cols[1]):
        if s.depth > 1:
            layer = c.slider("layer", t(f"{P}.s2.layer"), 1, s.depth, 1)
        else:
            layer = 1
            cols[1].caption(t(f"{P}.s2.one_layer"))
    with c.placed(cols[2]):
        epoch = epochs_avail[0]
        if len(epochs_avail) > 1:
            epoch = c.select_slider("snap", t(f"{P}.s2.epoch"), epochs_avail, epochs_avail[-1])
    epoch = int(epoch)
    summary = run.views[epoch][layer - 1]
    finite = np.isfinite(summary.min) & np.isfinite(summary.max)
    if not finite.all():
        st.warning(t(f"{P}.s2.non_finite"))
    units = np.arange(1, len(summary.fires) + 1)
    dies = ACTIVATIONS[act].can_die  # below zero everywhere is dead only where the slope is 0
    state = np.where(summary.dead, t(f"{P}.s2.dead" if dies else f"{P}.s2.below"),
                     t(f"{P}.s2.alive"))
    view = pd.DataFrame({"unit": units, "state": state, "fires": summary.fires,
                         **{k: getattr(summary, k) for k in ("min", "q25", "median", "q75", "max")}})[finite]
    stem = f"{act}-layer{layer}-epoch{epoch}"
    left, right = st.columns([3, 2])
    with left:
        if len(view):
            chart_block(compiled(unit_chart, t, view, dies), view, f"preactivation-{stem}", t)
        st.caption(t(f"{P}.s2.z_caption"))
    with right:
        fires = pd.DataFrame({"unit": units, "fires": summary.fires, "state": state})
        chart_block(compiled(fires_chart, fires, int(result.n_train), t, dies), fires, f"fires-{stem}",
                    t, caption=t(f"{P}.s2.fires_caption", n=result.n_train))
    st.info(t(f"{P}.s2.reading" if dies else f"{P}.s2.reading_below", act=t(f"{P}.act.{act}"),
              layer=layer, epoch=epoch, dead=int(summary.dead.sum()), units=len(summary.dead),
              n=result.n_train))
