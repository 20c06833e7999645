"""Charts of the Dead ReLU page: dead shares by layer and epoch, one layer's units, born-dead odds."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.images import image_heatmap
from ui.charts.palette import ALIVE, DEAD, DEAD_RAMP, INK, SERIES
from ui.i18n import Translator

P = "dead_relu"


def heatmap_height(n_layers: int) -> int:
    """Pixels for a heatmap of `n_layers` rows: taller for deeper networks, in
    steps of eight layers (240, 330 and 420 px up to 24 layers, 520 px beyond).

    The height is part of the chart's spec, and a new spec makes the browser
    build the chart again instead of updating it (~40 ms a chart); in steps,
    most moves of the depth slider keep the height, and the page below the
    heatmaps does not jump on every move.
    """
    return (240, 330, 420, 520)[min((n_layers - 1) // 8, 3)]


def dead_heatmap(t: Translator, frac: np.ndarray) -> alt.LayerChart:
    """Epoch x layer share of dead units (one image; layer 1 at the bottom)."""
    return image_heatmap(frac, x_title=t("common.axis.epoch"), y_title=t(f"{P}.s1.layer_axis"),
                         value_title=t(f"{P}.s1.dead_axis"), domain=(0.0, 1.0),
                         stops=DEAD_RAMP, legend_format=".0%",
                         height=heatmap_height(frac.shape[1]))


def _state_colour(t: Translator, legend: bool) -> alt.Color:
    return alt.Color("state:N", title=t(f"{P}.s2.state"),
                     legend=alt.Undefined if legend else None,
                     scale=alt.Scale(domain=[t(f"{P}.s2.alive"), t(f"{P}.s2.dead")],
                                     range=[ALIVE, DEAD]))


def unit_chart(t: Translator, frame: pd.DataFrame) -> alt.LayerChart:
    """Per-unit pre-activation range (min–max rule, quartile bar, median tick), zero line."""
    x = alt.X("unit:O", title=t(f"{P}.s2.unit_axis"))
    y_title = t(f"{P}.s2.z_axis")
    tips = [alt.Tooltip("unit:O", title=t(f"{P}.s2.unit_axis")),
            alt.Tooltip("min:Q", format=".3~g"), alt.Tooltip("median:Q", format=".3~g"),
            alt.Tooltip("max:Q", format=".3~g"),
            alt.Tooltip("fires:Q", title=t(f"{P}.s2.fires_axis"))]
    base = alt.Chart(frame).encode(x=x, color=_state_colour(t, legend=True), tooltip=tips)
    rule = base.mark_rule(strokeWidth=2).encode(y=alt.Y("min:Q", title=y_title), y2=alt.Y2("max:Q"))
    box = base.mark_bar(size=14, opacity=0.8).encode(y=alt.Y("q25:Q"), y2=alt.Y2("q75:Q"))
    mid = base.mark_tick(color=INK, size=16, thickness=2).encode(y=alt.Y("median:Q"))
    zero = alt.Chart(pd.DataFrame({"z": [0.0]})).mark_rule(
        color=INK, strokeDash=[4, 3]).encode(y=alt.Y("z:Q"))
    return alt.layer(rule, box, mid, zero).properties(height=260)


def fires_chart(fires: pd.DataFrame, n_train: int, t: Translator) -> alt.Chart:
    """How many training samples each unit of the layer fires on, dead units marked."""
    return alt.Chart(fires).mark_bar().encode(
        x=alt.X("unit:O", title=t(f"{P}.s2.unit_axis")),
        y=alt.Y("fires:Q", title=t(f"{P}.s2.fires_axis"), scale=alt.Scale(domain=[0, n_train])),
        color=_state_colour(t, legend=False),
        tooltip=[alt.Tooltip("unit:O"), alt.Tooltip("fires:Q")],
    ).properties(height=260)


def born_chart(t: Translator, frame: pd.DataFrame) -> alt.LayerChart:
    """P(born dead) against depth, one line per width, with its 95% interval shaded."""
    colour = alt.Color("width:O", title=t(f"{P}.s4.width_legend"),
                       scale=alt.Scale(range=list(SERIES)))
    base = alt.Chart(frame).encode(x=alt.X("depth:Q", title=t(f"{P}.s4.depth_axis")),
                                   color=colour)
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("lo:Q", title=t(f"{P}.s4.p_axis"), scale=alt.Scale(domain=[0, 1])), y2=alt.Y2("hi:Q"))
    line = base.mark_line(strokeWidth=2).encode(
        y=alt.Y("p:Q"),
        tooltip=[alt.Tooltip("width:O", title=t(f"{P}.s4.width_legend")),
                 alt.Tooltip("depth:Q", title=t(f"{P}.s4.depth_axis")),
                 alt.Tooltip("p:Q", format=".3f"), alt.Tooltip("lo:Q", format=".3f"),
                 alt.Tooltip("hi:Q", format=".3f")])
    return alt.layer(band, line).properties(height=320)
