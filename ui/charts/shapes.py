"""Charts of the Function shapes page: the curves with their marks, the chain of
slopes, and the C1 boundary with the collapsed map's straight line."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from core.slopes import ActivationCurve
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


#: Chart heights (px) of the functions (legend on top) and of their slopes (no legend),
#: and the least height of their plot areas once the legend and the x axis are drawn
#: (labels are placed for these: a taller plot only moves a label towards its anchor).
F_HEIGHT, DF_HEIGHT = 340, 270
F_PLOT, DF_PLOT = F_HEIGHT - 130, DF_HEIGHT - 85
#: The narrowest plot area (px) labels are placed for: a wider chart only moves a label's
#: box away from the curves (its left edge is fixed in data units, its width in pixels).
MIN_PLOT_WIDTH = 300
#: The functions' panel is cut this far beyond the bounded curves (sigmoid, tanh, ...)
#: when an unbounded one (ReLU, ...) would squeeze them; a note under the chart says so.
CLIP_MARGIN = 1.0


@dataclass(frozen=True)
class Panel:
    """One panel's data range, the curves drawn in it, and its marks with their labels placed."""

    x_domain: tuple[float, float]
    y_domain: tuple[float, float]
    height: int
    curves: list[tuple[np.ndarray, np.ndarray]]
    marks: list[dict]


def shape_panels(data: dict[str, ActivationCurve], show_deriv: bool, t: Translator,
                 only: str | None = None) -> dict[str, Panel]:
    """The functions' panel (``f``) and, with the derivative, the slopes' panel (``df``).

    Each panel's y range fits its own curves: the slopes are not squeezed by ReLU's
    values, and the functions' panel is cut at ``CLIP_MARGIN`` beyond the bounded
    functions when an unbounded one would leave that band (:func:`clip_range`). Every
    mark's label is placed where it overlaps no curve, no other label and no mark
    (:func:`place_labels`). `only` names the one panel wanted (``f`` or ``df``).
    """
    x = next(iter(data.values())).x
    xd = (float(x[0]), float(x[-1]))
    lo, hi = clip_range(data)
    f_curves = [(d.x, np.where((d.f >= lo) & (d.f <= hi), d.f, np.nan))
                for d in data.values()]
    f_all = np.concatenate([np.clip(d.f, lo, hi) for d in data.values()])
    f_dom = _padded(float(f_all.min()), float(f_all.max()), 0.06, 0.12)
    kinks = [{"x": 0.0, "y": d.f0, "label": t(f"{P}.curves.mark_kink")}
             for d in data.values() if not d.smooth and xd[0] < 0 < xd[1]]
    panels = {}
    if only in (None, "f"):
        panels["f"] = Panel(xd, f_dom, F_HEIGHT, f_curves,
                            place_labels(_unique(kinks), f_curves, xd, f_dom, F_PLOT))
    if show_deriv and only in (None, "df"):
        df_curves = [(d.x, d.df) for d in data.values()]
        df_all = np.concatenate([c[1] for c in df_curves])
        df_dom = _padded(float(df_all.min()), float(df_all.max()), 0.08, 0.45)
        marks = []
        for d in data.values():
            if d.saturates == "both" and d.peak is not None:
                px, py = d.peak
                marks.append({"x": px, "y": py,
                              "label": t(f"{P}.curves.mark_peak", slope=f"{py:.3g}", x=f"{px:.3g}")})
            if d.dead_zone and xd[0] < 0:
                marks.append({"x": xd[0] + 0.5 * (min(xd[1], 0.0) - xd[0]), "y": 0.0,
                              "label": t(f"{P}.curves.mark_dead")})
        panels["df"] = Panel(xd, df_dom, DF_HEIGHT, df_curves,
                             place_labels(_unique(marks), df_curves, xd, df_dom, DF_PLOT))
    return panels


def clip_range(data: dict[str, ActivationCurve]) -> tuple[float, float]:
    """The functions' panel's y range: the bounded functions' range widened by
    ``CLIP_MARGIN``, when some function is bounded; the whole range otherwise."""
    bounded = [d.f for d in data.values() if d.bounded]
    every = np.concatenate([d.f for d in data.values()])
    if not bounded:
        return float(every.min()), float(every.max())
    b = np.concatenate(bounded)
    return float(b.min()) - CLIP_MARGIN, float(b.max()) + CLIP_MARGIN


def clipped(data: dict[str, ActivationCurve]) -> dict[str, tuple[float, float]]:
    """The functions cut off by the panel: name -> their smallest and largest value in view."""
    lo, hi = clip_range(data)
    return {name: (float(d.f.min()), float(d.f.max())) for name, d in data.items()
            if d.f.min() < lo - 1e-9 or d.f.max() > hi + 1e-9}


def _padded(lo: float, hi: float, below: float, above: float) -> tuple[float, float]:
    span = max(hi - lo, 1e-6)
    return lo - below * span, hi + above * span


def _unique(marks: list[dict]) -> list[dict]:
    seen, out = set(), []
    for m in marks:
        key = (round(m["x"], 9), round(m["y"], 9), m["label"])
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def text_width(label: str, font_size: float = 12.0) -> float:
    """A generous estimate of a label's width in pixels (wide glyphs for Hangul and CJK)."""
    return sum(font_size * (1.05 if ord(c) >= 0x1100 else 0.6) for c in label) + 4


def _to_px(x, y, xd: tuple, yd: tuple, width: float, height: float) -> tuple:
    return ((np.asarray(x, dtype=float) - xd[0]) / (xd[1] - xd[0]) * width,
            (yd[1] - np.asarray(y, dtype=float)) / (yd[1] - yd[0]) * height)


def curve_points(curves: list[tuple[np.ndarray, np.ndarray]], xd: tuple, yd: tuple,
                 width: float, height: float, step: float = 1.5) -> np.ndarray:
    """Every curve as pixel points at most `step` px apart (a vertical jump filled in), (m, 2).

    A gap in a curve (NaN, where the panel cuts it) stays a gap.
    """
    pts = []
    for x, y in curves:
        px, py = _to_px(x, y, xd, yd, width, height)
        ok = np.isfinite(py[:-1]) & np.isfinite(py[1:])
        x0, y0, x1, y1 = px[:-1][ok], py[:-1][ok], px[1:][ok], py[1:][ok]
        n = (np.maximum(np.abs(x1 - x0), np.abs(y1 - y0)) // step).astype(int) + 1
        seg = np.repeat(np.arange(len(n)), n + 1)
        frac = np.concatenate([np.linspace(0.0, 1.0, k + 1) for k in n]) if len(n) else np.zeros(0)
        pts.append(np.column_stack([x0[seg] + frac * (x1 - x0)[seg], y0[seg] + frac * (y1 - y0)[seg]]))
    return np.concatenate(pts) if pts else np.zeros((0, 2))


def place_labels(marks: list[dict], curves: list[tuple[np.ndarray, np.ndarray]], xd: tuple,
                 yd: tuple, height: float, width: float = MIN_PLOT_WIDTH) -> list[dict]:
    """Put each mark's label where its box meets no curve, no other label and no mark.

    Boxes are tried around the mark, nearest first (above, below, left, right, farther
    and farther), then anywhere in the panel. The text is anchored by its left edge in
    data units, so in a chart wider than `width` the box only shrinks towards it.

    Returns the marks with ``tx, ty`` (the label's left edge and middle, in data units),
    ``box`` (its pixel box at `width`: left, top, right, bottom) and ``leader`` (True when
    the label sits away from its mark: a thin line joins them).
    """
    pts = curve_points(curves, xd, yd, width, height)
    taken: list[tuple[float, float, float, float]] = []
    for m in marks:  # every mark's diamond is an obstacle for every label
        mx, my = (float(v) for v in _to_px(m["x"], m["y"], xd, yd, width, height))
        taken.append((mx - 7, my - 7, mx + 7, my + 7))
    pad = 3.0
    out = []
    for m in marks:
        w, h = text_width(m["label"]), 15.0
        mx, my = (float(v) for v in _to_px(m["x"], m["y"], xd, yd, width, height))

        def free(left: float, top: float, w: float = w, h: float = h) -> bool:
            if left < 0 or top < 0 or left + w > width or top + h > height:
                return False
            box = (left - pad, top - pad, left + w + pad, top + h + pad)
            if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                   for b in taken):
                return False
            inside = ((pts[:, 0] >= box[0]) & (pts[:, 0] <= box[2]) & (pts[:, 1] >= box[1])
                      & (pts[:, 1] <= box[3]))
            return not inside.any()

        spot = None
        for r in (8, 16, 28, 44, 64, 90, 120):
            for left, top in ((mx + r, my - r - h), (mx - r - w, my - r - h), (mx + r, my + r),
                              (mx - r - w, my + r), (mx - w / 2, my - r - h), (mx - w / 2, my + r),
                              (mx + r, my - h / 2), (mx - r - w, my - h / 2)):
                if free(left, top):
                    spot = (left, top)
                    break
            if spot:
                break
        if spot is None:  # anywhere in the panel, nearest the mark first
            grid = [(float(left), float(top)) for left in np.arange(0, width - w, 6.0)
                    for top in np.arange(0, height - h, 5.0)]
            grid.sort(key=lambda p: (p[0] + w / 2 - mx) ** 2 + (p[1] + h / 2 - my) ** 2)
            spot = next((p for p in grid if free(*p)), None)
        if spot is None:  # nowhere free (a very crowded panel): by the mark, said in "crowded"
            spot = (min(max(mx + 8, 0.0), max(width - w, 0.0)), max(my - 8 - h, 0.0))
        left, top = spot
        crowded = not free(left, top)
        taken.append((left, top, left + w, top + h))
        tx = xd[0] + left / width * (xd[1] - xd[0])
        ty = yd[1] - (top + h / 2) / height * (yd[1] - yd[0])
        near = max(0.0, left - mx, mx - (left + w)) + max(0.0, top - my, my - (top + h))
        out.append({**m, "tx": float(tx), "ty": float(ty), "box": (left, top, left + w, top + h),
                    "leader": bool(near > 30), "crowded": crowded})
    return out


def shapes_chart(data: dict[str, ActivationCurve], show_deriv: bool, t: Translator,
                 long: pd.DataFrame, panel: str = "f") -> alt.LayerChart:
    """One panel: the functions (``f``) or their slopes (``df``), on an axis that fits
    it, with a hover rule, the flat tails shaded and the marks labelled.

    `data` maps each activation to its curve (:class:`core.slopes.ActivationCurve`);
    `long` holds the curves in long form (columns x, y, act, kind). The two panels are
    two charts, so each stretches to the page's width (a concatenated chart does not).
    """
    f_label, df_label = t(f"{P}.curves.f"), t(f"{P}.curves.df")
    names = list(data)
    panels = shape_panels(data, show_deriv, t, only=panel)
    # The browser redraws every mark of a chart on every rerun, so draw every
    # 2nd curve point; x = 0 stays (the grid is odd and symmetric), so kinks are exact.
    x_all = next(iter(data.values())).x
    long = long[long["x"].isin(x_all[::DRAW_EVERY])]
    lo, hi = clip_range(data)
    # Cut where the panel is cut: a gap (no point) instead of a line along the edge.
    long = long.assign(y=long["y"].where((long["kind"] != f_label)
                                         | long["y"].between(lo - 1e-9, hi + 1e-9)))
    # The legend sits above the functions (the page's width stays for the curves); the
    # slopes below use the same colours.
    colour = alt.Color("act:N", scale=activation_scale(names), title=t("common.axis.activation"),
                       legend=alt.Legend(orient="top", symbolType="stroke", symbolOpacity=1,
                                         symbolStrokeWidth=3,
                                         labelExpr=label_expression(act_labels(t)))
                       if panel == "f" else None)
    nearest = alt.selection_point(nearest=True, on="pointerover", fields=["x"], empty=False)
    kind, title = ((f_label, t(f"{P}.curves.y_f")) if panel == "f"
                   else (df_label, t(f"{P}.curves.y_df")))
    p = panels[panel]
    # The axes' ranges travel as data (two invisible corner points), not in the spec:
    # moving the range of x changes the chart's data only, so the browser updates it
    # in place instead of building it again.
    x_enc = alt.X("x:Q", title=t(f"{P}.curves.x"), scale=alt.Scale(nice=False, zero=False))
    y_scale = alt.Scale(nice=False, zero=False)
    corners = alt.Chart(pd.DataFrame({"x": list(p.x_domain), "y": list(p.y_domain)})).mark_point(
        opacity=0).encode(x=x_enc, y=alt.Y("y:Q", title=title, scale=y_scale))
    rows = long[long["kind"] == kind]
    lines = alt.Chart(rows).mark_line(strokeWidth=2.2, clip=True).encode(
        x=x_enc, y=alt.Y("y:Q", title=title, scale=y_scale), color=colour)
    dots = alt.Chart(rows).mark_point(filled=True, size=45, opacity=1, clip=True).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), color=colour,
    ).transform_filter(alt.ParameterPredicate(param=nearest.name, empty=False))
    layers = [corners, _flat_bands(data, colour, t), lines, dots,
              _hover_rule(data, show_deriv, nearest, t), *_marks(p)]
    return alt.layer(*layers).properties(height=p.height)


def _hover_rule(data: dict[str, ActivationCurve], show_deriv: bool, nearest, t: Translator) -> alt.Chart:
    """A grey rule at the hovered x whose tooltip lists every curve's value there."""
    f_label, df_label = t(f"{P}.curves.f"), t(f"{P}.curves.df")
    wide = pd.DataFrame({"x": next(iter(data.values())).x})
    tips = [alt.Tooltip("x:Q", title="x", format=".2f")]
    shown = act_labels(t)
    for name, d in data.items():
        wide[f"{name}_f"] = d.f
        label = shown.get(name, name)
        tips.append(alt.Tooltip(f"{name}_f:Q", title=f"{label}: {f_label}", format=".4f"))
        if show_deriv:
            wide[f"{name}_df"] = d.df
            tips.append(alt.Tooltip(f"{name}_df:Q", title=f"{label}: {df_label}", format=".4f"))
    rule = alt.Chart(wide.iloc[::2 * DRAW_EVERY]).mark_rule(color=INK_SOFT).encode(
        x=alt.X("x:Q"), tooltip=tips,
        # What alt.when(nearest).then(0.5).otherwise(0) builds, without its slow
        # schema look-up (~40 ms a call).
        opacity=alt.OpacityValue(0, condition=[{"param": nearest.name, "value": 0.5,
                                                "empty": False}]),
    )
    return rule.add_params(nearest)


def _flat_bands(data: dict[str, ActivationCurve], colour: alt.Color, t: Translator) -> alt.Chart:
    """The saturated tails of each activation, faint, in its colour."""
    flats = [{"a": a, "b": b, "act": name} for name, d in data.items() for a, b in d.flat]
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


def _marks(p: Panel) -> list[alt.Chart]:
    """The panel's diamonds, their labels where :func:`place_labels` put them, and a thin
    line from a label to its diamond when the label had to move away."""
    m = pd.DataFrame([{k: r[k] for k in ("x", "y", "label", "tx", "ty", "leader")} for r in p.marks],
                     columns=["x", "y", "label", "tx", "ty", "leader"]).astype(
        {"x": float, "y": float, "tx": float, "ty": float, "leader": bool})
    # Every layer is there even when it has nothing to mark (an empty data set).
    leader = alt.Chart(m[m["leader"]]).mark_rule(color=INK_SOFT, strokeWidth=1,
                                                 strokeDash=[2, 2]).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), x2=alt.X2("tx:Q"), y2=alt.Y2("ty:Q"))
    point = alt.Chart(m).mark_point(size=160, shape="diamond", filled=True, color=INK,
                                    opacity=1).encode(x=alt.X("x:Q"), y=alt.Y("y:Q"))
    text = alt.Chart(m).mark_text(align="left", baseline="middle", fontSize=12,
                                  color=INK).encode(
        x=alt.X("tx:Q"), y=alt.Y("ty:Q"), text=alt.Text("label:N"))
    return [leader, point, text]


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
