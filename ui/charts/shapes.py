"""Charts of the Function shapes page: the curves with their marks, the chain of
slopes, and the C1 boundary with the collapsed map's straight line."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.images import boundary_chart
from ui.charts.lines import label_expression, line_chart
from ui.charts.palette import (
    ACTIVATION_COLOURS,
    INK,
    INK_SOFT,
    SAMPLE,
    activation_colour,
    activation_scale,
)
from ui.i18n import Translator, act_labels

P = "shapes"
DRAW_EVERY = 2  # draw every 2nd point of the 401-point curves


def shapes_chart(data: dict[str, dict], show_deriv: bool, t: Translator,
                 long: pd.DataFrame) -> alt.LayerChart:
    """f and f' of every activation, a hover rule with all values, and the marks.

    `data` maps each activation to its :func:`sections.shapes.compute.shape_data`;
    `long` holds the curves in long form (columns x, y, act, kind).
    """
    f_label, df_label = t(f"{P}.curves.f"), t(f"{P}.curves.df")
    names = list(data)
    # The browser redraws every mark of a chart on every rerun, so draw every
    # 2nd curve point and put a hover rule at every 4th; x = 0 stays on both
    # (the grid is odd and symmetric), so kinks are still drawn exactly.
    x_all = next(iter(data.values()))["x"]
    long = long[long["x"].isin(x_all[::DRAW_EVERY])]
    # Stroke symbols at full opacity: the faint flat-tail bands share this legend.
    colour = alt.Color("act:N", scale=activation_scale(names), title=t("common.axis.activation"),
                       legend=alt.Legend(symbolType="stroke", symbolOpacity=1,
                                         symbolStrokeWidth=3,
                                         labelExpr=label_expression(act_labels(t))))
    nearest = alt.selection_point(nearest=True, on="pointerover", fields=["x"], empty=False)
    lines = alt.Chart(long).mark_line(strokeWidth=2.2).encode(
        x=alt.X("x:Q", title=t(f"{P}.curves.x")), y=alt.Y("y:Q", title=t(f"{P}.curves.y")),
        color=colour,
        strokeDash=alt.StrokeDash("kind:N", title=t(f"{P}.curves.kind"),
                                  scale=alt.Scale(domain=[f_label, df_label],
                                                  range=[[1, 0], [6, 3]]),
                                  legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2)),
    )
    # The hover dots are a separate chart without strokeDash, so the legend keeps dashes.
    # Filtered to the hovered x: a handful of marks to redraw, not one per curve point.
    dots = alt.Chart(long).mark_point(filled=True, size=45, opacity=1).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), color=colour,
    ).transform_filter(alt.ParameterPredicate(param=nearest.name, empty=False))
    layers: list = [_flat_bands(data, colour, t), lines, dots,
                    _hover_rule(data, show_deriv, nearest, t)]
    layers += _marks(data, show_deriv, t)
    return alt.layer(*layers).properties(height=420)


def _hover_rule(data: dict[str, dict], show_deriv: bool, nearest, t: Translator) -> alt.Chart:
    """A grey rule at the hovered x whose tooltip lists every curve's value there."""
    f_label, df_label = t(f"{P}.curves.f"), t(f"{P}.curves.df")
    wide = pd.DataFrame({"x": next(iter(data.values()))["x"]})
    tips = [alt.Tooltip("x:Q", title="x", format=".2f")]
    shown = act_labels(t)
    for name, d in data.items():
        wide[f"{name}_f"] = d["f"]
        label = shown.get(name, name)
        tips.append(alt.Tooltip(f"{name}_f:Q", title=f"{label}: {f_label}", format=".4f"))
        if show_deriv:
            wide[f"{name}_df"] = d["df"]
            tips.append(alt.Tooltip(f"{name}_df:Q", title=f"{label}: {df_label}", format=".4f"))
    return alt.Chart(wide.iloc[::2 * DRAW_EVERY]).mark_rule(color=INK_SOFT).encode(
        x=alt.X("x:Q"), tooltip=tips,
        # What alt.when(nearest).then(0.5).otherwise(0) builds, without its slow
        # schema look-up (~40 ms a call).
        opacity=alt.OpacityValue(0, condition=[{"param": nearest.name, "value": 0.5,
                                                "empty": False}]),
    ).add_params(nearest)


def _flat_bands(data: dict[str, dict], colour: alt.Color, t: Translator) -> alt.Chart:
    """The saturated tails of each activation, faint, in its colour."""
    flats = [{"a": a, "b": b, "act": name} for name, d in data.items() for a, b in d["flat"]]
    # Every layer is there even when it has nothing to mark (an empty data set):
    # a chart whose layers come and go is rebuilt from scratch in the browser,
    # one whose data alone changes is updated in place (ui.charts).
    band = pd.DataFrame(flats, columns=["a", "b", "act"]).astype({"a": float, "b": float})
    return alt.Chart(band).mark_rect(opacity=0.10).transform_calculate(
        _act_name=label_expression(act_labels(t), 'datum["act"]')).encode(
        x=alt.X("a:Q"), x2=alt.X2("b:Q"), color=colour,
        tooltip=[alt.Tooltip("_act_name:N", title=t("common.axis.activation")),
                 alt.Tooltip("a:Q", title=t(f"{P}.curves.flat_from"), format=".2f"),
                 alt.Tooltip("b:Q", title=t(f"{P}.curves.flat_to"), format=".2f")],
    )


def _marks(data: dict[str, dict], show_deriv: bool, t: Translator) -> list[alt.Chart]:
    """Diamonds and labels: the steepest points, the kinks, the zero-slope side, the flat tails."""
    peaks, kinks, dead = [], [], []
    for d in data.values():
        lo, hi = float(d["x"][0]), float(d["x"][-1])
        if show_deriv and d["saturates"] == "both" and d["peak"] is not None:
            px, py = d["peak"]
            peaks.append({"x": px, "y": py,
                          "label": t(f"{P}.curves.mark_peak", slope=f"{py:.3g}", x=f"{px:.3g}")})
        if not d["smooth"] and lo < 0 < hi:
            kinks.append({"x": 0.0, "y": d["f0"], "label": t(f"{P}.curves.mark_kink")})
        if show_deriv and d["dead_zone"] and lo < 0:
            dead.append({"x": lo + 0.04 * (min(hi, 0.0) - lo), "y": 0.0,
                         "label": t(f"{P}.curves.mark_dead")})
    first_flat = next((d["flat"][0] for d in data.values() if d["flat"]), None)
    if first_flat is not None:
        top = max(float(np.max(d["f"])) for d in data.values())
        flat_label = [{"x": first_flat[0], "y": top, "label": t(f"{P}.curves.mark_flat")}]
    else:
        flat_label = []
    layers = []
    # Peaks are labelled to the left, kinks below right, so labels at x = 0 do not collide.
    for rows, align, dx, dy, point in ((peaks, "right", -9, -9, True),
                                       (kinks, "left", 9, 12, True),
                                       (dead, "left", 4, -12, True),
                                       (flat_label, "left", 4, 0, False)):
        m = pd.DataFrame(rows, columns=["x", "y", "label"]).astype({"x": float, "y": float})
        base = alt.Chart(m.drop_duplicates()).encode(x=alt.X("x:Q"), y=alt.Y("y:Q"))
        if point:
            layers.append(base.mark_point(size=90, shape="diamond", filled=True, color=INK))
        layers.append(base.mark_text(align=align, dx=dx, dy=dy, fontSize=12,
                                     color=INK if point else INK_SOFT)
                      .encode(text=alt.Text("label:N")))
    return layers


def chain_chart(rows: pd.DataFrame, t: Translator) -> alt.LayerChart:
    """Best case (solid) and root mean square (dashed) of each chain on a log axis,
    over a wide grey 4^-L line labelled at L = 12.

    `rows` has columns L, value, act and case (the best-case or RMS label).
    """
    names = rows["act"].unique().tolist()
    L = np.arange(1, int(rows["L"].max()) + 1)  # the reference spans the chains
    ref = pd.DataFrame({"L": L, "value": 0.25 ** L.astype(float)})
    x_enc = alt.X("L:Q", title=t(f"{P}.chain.x"))
    y_enc = alt.Y("value:Q", title=t(f"{P}.chain.y"), scale=alt.Scale(type="log"),
                  axis=alt.Axis(format=".0e"))
    halo = alt.Chart(ref).mark_line(color=SAMPLE, strokeWidth=8, opacity=0.35).encode(
        x=x_enc, y=y_enc,
        tooltip=[alt.Tooltip("L:Q", title="L"),
                 alt.Tooltip("value:Q", title=t(f"{P}.chain.ref"), format=".3~g")],
    )
    label = alt.Chart(ref[ref.L == 12]).mark_text(
        align="left", dx=8, dy=-12, color=INK_SOFT, fontSize=13, fontWeight="bold"
    ).encode(x=alt.X("L:Q"), y=alt.Y("value:Q"), text=alt.TextValue(t(f"{P}.chain.ref")))
    best, rms = t(f"{P}.chain.best"), t(f"{P}.chain.rms")
    # Its own dash scale (not line_chart's): the best case must be the solid line in
    # every language, whatever order the two labels sort in.
    # The legend and the tooltip show the activations' names; the data keep the codes.
    colour = activation_colour("act", names, t("common.axis.activation"))
    colour.legend = alt.Legend(labelExpr=label_expression(act_labels(t)))
    lines = alt.Chart(rows).mark_line(strokeWidth=2.2).transform_calculate(
        _act_name=label_expression(act_labels(t), 'datum["act"]')).encode(
        x=x_enc, y=y_enc,
        color=colour,
        strokeDash=alt.StrokeDash("case:N", title=t(f"{P}.chain.case"),
                                  scale=alt.Scale(domain=[best, rms], range=[[1, 0], [6, 3]]),
                                  legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2)),
        tooltip=[alt.Tooltip("_act_name:N", title=t("common.axis.activation")),
                 alt.Tooltip("case:N", title=t(f"{P}.chain.case")),
                 alt.Tooltip("L:Q", title="L"),
                 alt.Tooltip("value:Q", title=t(f"{P}.chain.y"), format=".3~g")],
    )
    return alt.layer(halo, lines, label).properties(height=380)


def run_chart(frame: pd.DataFrame, y_title: str, t: Translator, log_y: bool) -> alt.LayerChart:
    """C2: one curve per loss used for training (BCE in ReLU green, MSE in sigmoid orange)."""
    bce, mse = t(f"{P}.c2.bce"), t(f"{P}.c2.mse")
    return line_chart(frame, "epoch", "value", "run", x_title=t("common.axis.epoch"),
                      y_title=y_title, colour_title=t(f"{P}.c2.run"), log_y=log_y,
                      y_range=None if log_y else (0.0, 1.0), legend="bottom", height=280,
                      colours={bce: ACTIVATION_COLOURS["relu"], mse: ACTIVATION_COLOURS["sigmoid"]})


def c1_chart(grid: pd.DataFrame, dots: pd.DataFrame, segment: np.ndarray | None, step: float,
             t: Translator) -> alt.LayerChart:
    """The C1 probability map, with the identity net's single straight boundary dashed."""
    chart = boundary_chart(grid, dots, prob_title=t(f"{P}.c1.prob"),
                           class_title=t(f"{P}.c1.class"), step=step, height=320)
    if segment is not None:
        chart = chart + alt.Chart(pd.DataFrame(segment, columns=["x1", "x2"])).mark_line(
            color=INK, strokeWidth=2.5, strokeDash=[7, 4]
        ).encode(x=alt.X("x1:Q"), y=alt.Y("x2:Q"))
    return chart
