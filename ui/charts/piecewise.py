"""Charts of the Piecewise ReLU page: the fit with its kinks, one layer's hinges, and
the linear regions of a 2-D classifier."""

from __future__ import annotations

from typing import Protocol

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.lines import line_chart
from ui.charts.palette import (
    ACTIVATION_COLOURS,
    INK,
    OTHER_COLOUR,
    PAPER,
    REGION_COLOURS,
    SAMPLE,
    VERMILLION,
    class_scale,
)
from ui.i18n import Translator

P = "piecewise"
#: The kinks of a network's curve.
KINK_COLOUR = VERMILLION
#: Pixels one legend entry takes below a chart (see :func:`series_chart`).
LEGEND_ROW = 22


# What the charts read of the page's results (``sections.piecewise.compute``'s records
# have these fields; ui sits below sections, so it names the fields, not the classes).
class FitData(Protocol):
    """A 1-D fit's samples ``x``, ``y`` ``(n,)`` and its ``target`` on ``grid`` ``(g,)``."""

    x: np.ndarray
    y: np.ndarray
    grid: np.ndarray
    target: np.ndarray


class Curve(Protocol):
    """A network's curve ``x``, ``y`` ``(m,)`` and its kinks ``kinks``, ``kink_y`` ``(k,)``
    (None for a smooth network)."""

    x: np.ndarray
    y: np.ndarray
    kinks: np.ndarray | None
    kink_y: np.ndarray | None


class Plane(Protocol):
    """A 2-D classifier's data ``X`` ``(n, 2)``, ``y`` ``(n,)`` and its drawn grid
    ``points`` ``(G, 2)`` with cell ``step``."""

    X: np.ndarray
    y: np.ndarray
    points: np.ndarray
    step: float


class Cells(Protocol):
    """One snapshot of the plane: the region of each grid point (``labels`` ``(G,)``)
    and the boundary's pieces (``segments`` ``(S, 4)``: a1, a2, b1, b2)."""

    labels: np.ndarray
    segments: np.ndarray


def fit_chart(res: FitData, snap: Curve, t: Translator, act: str) -> alt.LayerChart:
    """Samples (grey), target (dashed), the network at one snapshot and its kinks (diamonds).

    `res` is what the fit's training returns, `snap` one snapshot's curve
    (``sections.piecewise.compute.CurveFit`` and ``NetCurve``).
    """
    x_t, y_t = t(f"{P}.axis.x"), t(f"{P}.axis.y")
    samples = pd.DataFrame({"x": res.x, "y": res.y})
    target = pd.DataFrame({"x": res.grid, "y": res.target})
    net = pd.DataFrame({"x": snap.x, "y": snap.y})
    ys = np.concatenate([res.y, res.target])
    span = float(ys.max() - ys.min()) or 1.0
    dom = [float(ys.min() - 0.25 * span), float(ys.max() + 0.25 * span)]
    net = net.assign(y=np.clip(net["y"], dom[0], dom[1]))
    # The y axis spans the data, which reaches `dom` through an invisible pair of
    # points: the spec then stays the same when only the data change (ui.charts).
    scale = alt.Scale(nice=False, zero=False, clamp=True)
    bounds = pd.DataFrame({"x": [float(res.grid[0])] * 2, "y": dom})
    has_kinks = snap.kinks is not None and len(snap.kinks) > 0
    kinks = pd.DataFrame({"x": np.asarray(snap.kinks if has_kinks else [], float),
                          "y": np.clip(np.asarray(snap.kink_y if has_kinks else [], float),
                                       dom[0], dom[1])})
    layers = [
        alt.Chart(bounds).mark_point(opacity=0).encode(
            x=alt.X("x:Q", title=x_t), y=alt.Y("y:Q", title=y_t, scale=scale)),
        alt.Chart(samples).mark_circle(size=16, color=SAMPLE, opacity=0.7)
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q")),
        alt.Chart(target).mark_line(color=INK, strokeDash=[5, 4], strokeWidth=1.5)
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q")),
        alt.Chart(net).mark_line(color=ACTIVATION_COLOURS.get(act, OTHER_COLOUR), strokeWidth=2.5)
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q")),
        # Always a layer (empty without kinks), so the spec keeps its shape.
        alt.Chart(kinks).mark_point(shape="diamond", size=130, filled=True,
                                    color=KINK_COLOUR, stroke=PAPER, strokeWidth=1)
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"),
                tooltip=[alt.Tooltip("x:Q", title=t(f"{P}.fit.kink"), format=".3f")]),
    ]
    return alt.layer(*layers).properties(height=340)


def hinge_chart(terms: pd.DataFrame, total: pd.DataFrame, x: np.ndarray, y: np.ndarray,
                unit_label: str, t: Translator) -> alt.LayerChart:
    """Each unit's hinge (thin), their sum (thick) and the samples it fits (grey).

    `terms` and `total` have columns x, y and s (the unit's or the sum's name).
    """
    x_t, y_t = t(f"{P}.axis.x"), t(f"{P}.axis.y")
    base = alt.Chart(terms).mark_line(strokeWidth=1.3, opacity=0.8).encode(
        x=alt.X("x:Q", title=x_t), y=alt.Y("y:Q", title=y_t),
        color=alt.Color("s:N", title=unit_label, legend=None, scale=alt.Scale(range=list(REGION_COLOURS))),
        tooltip=[alt.Tooltip("s:N", title=unit_label)])
    top = alt.Chart(total).mark_line(strokeWidth=3, color=ACTIVATION_COLOURS["relu"]).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), tooltip=[alt.Tooltip("s:N", title=" ")])
    dots = alt.Chart(pd.DataFrame({"x": x, "y": y})).mark_circle(
        size=12, color=SAMPLE, opacity=0.6).encode(x=alt.X("x:Q"), y=alt.Y("y:Q"))
    return alt.layer(dots, base, top).properties(height=300)


def region_chart(res: Plane, snap: Cells, t: Translator) -> alt.LayerChart:
    """Linear regions as coloured cells, the decision boundary in black, the data as dots.

    `res` is what the 2-D training returns, `snap` one snapshot
    (``sections.piecewise.compute.Regions`` and ``RegionSnap``).
    """
    pts, half = res.points, 0.51 * res.step
    colours = np.array(REGION_COLOURS)[(snap.labels * 7) % len(REGION_COLOURS)]
    grid = pd.DataFrame({"x1a": pts[:, 0] - half, "x1b": pts[:, 0] + half,
                         "x2a": pts[:, 1] - half, "x2b": pts[:, 1] + half,
                         "c": colours, "r": snap.labels})
    # The axes span the cells (no domain in the spec) and the boundary layer is there
    # even when empty, so new data leave the spec as it was (ui.charts).
    heat = alt.Chart(grid).mark_rect(opacity=0.55).encode(
        x=alt.X("x1a:Q", title="x₁", scale=alt.Scale(nice=False, zero=False)),
        x2=alt.X2("x1b:Q"),
        y=alt.Y("x2a:Q", title="x₂", scale=alt.Scale(nice=False, zero=False)),
        y2=alt.Y2("x2b:Q"),
        color=alt.Color("c:N", scale=None),
        tooltip=[alt.Tooltip("r:Q", title=t(f"{P}.regions.region"))])
    lines = alt.Chart(pd.DataFrame(snap.segments, columns=["a1", "a2", "b1", "b2"])).mark_rule(
        color=INK, strokeWidth=2.5).encode(
            x=alt.X("a1:Q"), y=alt.Y("a2:Q"), x2=alt.X2("b1:Q"), y2=alt.Y2("b2:Q"))
    labels = [str(v) for v in sorted(np.unique(res.y))]
    data = pd.DataFrame({"x1": res.X[:, 0], "x2": res.X[:, 1], "label": res.y.astype(str)})
    dots = alt.Chart(data).mark_point(size=22, filled=True, stroke=INK, strokeWidth=0.6,
                                      opacity=1).encode(
        x=alt.X("x1:Q"), y=alt.Y("x2:Q"),
        color=alt.Color("label:N", title=t(f"{P}.regions.class"),
                        scale=class_scale(labels),
                        legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("label:N", scale=alt.Scale(domain=labels), legend=None))
    return alt.layer(heat, dots, lines).resolve_scale(color="independent").properties(height=420)


def series_chart(frame: pd.DataFrame, x: str, y: str, series: str, *, x_title: str, y_title: str,
                 colours: dict[str, str] | None = None, height: int = 260,
                 **options) -> alt.LayerChart:
    """:func:`ui.charts.line_chart` of named series (not activations), legend below with
    one entry a row: the page's series names are long and would be cut off side by side.

    The drawn chart's height holds its legend, so `height` (the plot's share) grows by
    :data:`LEGEND_ROW` pixels per series. Series without a colour in `colours` take the
    class colours in turn; `options` go to ``line_chart`` (``log_x``, ``log_y``).
    """
    rows = frame[series].nunique()
    return line_chart(frame, x, y, series, x_title=x_title, y_title=y_title, colour_title=" ",
                      colours=colours or {}, legend="bottom", legend_columns=1,
                      height=height + LEGEND_ROW * rows, **options)
