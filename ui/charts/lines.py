"""One line-chart builder for every curve the app draws.

Curves per layer, per epoch or per depth; coloured by activation (the app-wide
colours) or by any named series; optionally dashed by a second field, with a
shaded band, on log axes, with a dotted reference line. Builders take tidy
``pandas`` frames and return Altair charts; they do no maths.

Every variant has the same layers whatever the data (band and reference only
when asked for, which the caller decides from settings, never from values), so
new data leave the spec as it was and the browser updates the chart in place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.palette import REFERENCE, colour_scale
from ui.i18n import Translator, act_labels

#: Most points a curve sends to the browser per series (see :func:`downsample`).
MAX_POINTS = 400
#: Most hover points a line chart draws per series: every epoch of a short run,
#: every other one of the default 60 epochs.
POINT_MARKS = 30
#: Colour of a reference curve (a bound, a theory line).
REFERENCE_COLOUR = REFERENCE  # a reference curve (a bound, a best case)


def downsample(frame: pd.DataFrame, by: str | list[str] | None, limit: int = MAX_POINTS) -> pd.DataFrame:
    """Keep at most `limit` evenly spaced rows per group (`by`: a column, a
    list of columns or None), always the last one.

    Long training curves are thinned before they are sent to the browser, so a
    chart's payload stays small whatever the number of epochs.
    """
    groups = [frame] if by is None else [g for _, g in frame.groupby(by, sort=False)]
    kept = []
    for g in groups:
        if len(g) > limit:
            idx = np.unique(np.linspace(0, len(g) - 1, limit).round().astype(int))
            g = g.iloc[idx]
        kept.append(g)
    return pd.concat(kept, ignore_index=True) if kept else frame


def only(frame: pd.DataFrame, *columns: str | None) -> pd.DataFrame:
    """`frame` with just `columns` (in that order, once each, None skipped): what a chart draws.

    A chart's data are sent to the browser as Arrow, turned back into one
    JavaScript object per row there and copied into Vega on every update, so
    every column a chart does not draw costs time on every slider move. The
    full table still goes into the chart's CSV download.
    """
    return frame[list(dict.fromkeys(c for c in columns if c is not None))]


def finite_positive(values: np.ndarray, floor: float = 1e-300) -> np.ndarray:
    """Clip values for a log axis: non-finite -> NaN (not drawn), tiny -> `floor`."""
    out = np.asarray(values, dtype=float).copy()
    out[~np.isfinite(out)] = np.nan
    return np.where(out > 0, np.maximum(out, floor), np.nan)


def _scale(log: bool, fixed: tuple[float, float] | None = None) -> alt.Scale:
    if log:
        return alt.Scale(type="log")
    if fixed is not None:
        return alt.Scale(domain=list(fixed))
    return alt.Scale(zero=False)


def activation_legend(t: Translator) -> dict[str, object]:
    """:func:`line_chart`'s legend options for curves coloured by activation code: the
    legend's title and every activation's translated name (``**activation_legend(t)``)."""
    return {"colour_title": t("common.axis.activation"), "labels": act_labels(t)}


def line_chart(
    frame: pd.DataFrame,
    x: str,
    y: str,
    colour: str,
    *,
    x_title: str,
    y_title: str,
    colour_title: str,
    log_x: bool = False,
    log_y: bool = False,
    height: int = 260,
    dash: str | None = None,
    dash_title: str | None = None,
    shapes: bool = False,
    band: tuple[str, str] | None = None,
    series: str | None = None,
    colours: Mapping[str, str] | None = None,
    legend: str | None = None,
    legend_columns: int = 3,
    compact: bool = False,
    y_range: tuple[float, float] | None = None,
    reference: pd.DataFrame | None = None,
    reference_title: str | None = None,
    labels: Mapping[str, str] | None = None,
    dash_labels: Mapping[str, str] | None = None,
) -> alt.LayerChart:
    """Lines, one per series, with hover points that show the values.

    `frame` has one row per (series, x); `x`, `y` and `colour` name its columns.
    `dash` names a column whose values get different line styles (and, with
    `shapes`, point shapes, so the legend reads in black and white); `band` the
    lower and upper edge of a shaded band; `series` a column that tells lines
    apart when colour and dash do not. `colours` maps colour values to colours
    (default: the activation colours); `legend="bottom"` moves the legend,
    in at most `legend_columns` columns (one long row would be cut off);
    `compact` gives short y labels (``1e+10``) and whole-number x ticks;
    `y_range` is a fixed y domain (a constant of the page, never a number taken
    from the data); `reference` (columns `x` and ``ref``) is a dotted grey
    curve such as a bound. `labels` maps values of the colour column to the text
    the legend shows (translated activation names, say); the data keep the codes.
    `dash_labels` does the same for the `dash` column's legend.

    A series of up to :data:`POINT_MARKS` rows gets a hover point at each row;
    longer ones (training curves) at :data:`POINT_MARKS` evenly spaced rows
    only: the browser redraws every mark on every rerun.
    """
    lo, hi = band if band is not None else (None, None)
    frame = only(frame, x, y, lo, hi, colour, dash, series)
    y_axis = alt.Axis(format="~g") if compact else alt.Undefined
    y_scale = _scale(log_y, y_range)
    enc = _shared_encoding(frame, x, colour, x_title, colour_title, log_x, compact, series,
                           colours, legend, legend_columns, labels)
    layers: list = []
    if band is not None:
        layers.append(alt.Chart(frame).mark_area(opacity=0.16).encode(
            **enc, y=alt.Y(f"{lo}:Q", title=y_title, scale=y_scale, axis=y_axis),
            y2=alt.Y2(f"{hi}:Q")))
    line_enc = dict(enc, y=alt.Y(f"{y}:Q", title=y_title, scale=y_scale, axis=y_axis))
    if dash is not None:
        # Vega-Lite's own dash sequence (solid first): no domain taken from the data.
        dash_legend: dict = {"symbolType": "stroke", "symbolStrokeWidth": 2}
        if dash_labels:
            dash_legend["labelExpr"] = label_expression(dash_labels)
        line_enc["strokeDash"] = alt.StrokeDash(f"{dash}:N", title=dash_title or dash,
                                                legend=alt.Legend(**dash_legend))
    layers.append(alt.Chart(frame).mark_line(strokeWidth=2).encode(**line_enc))
    layers.append(_hover_points(frame, enc, x, y, colour, dash, series, x_title, y_title,
                                colour_title, dash_title, shapes, dash_labels, labels))
    if reference is not None:
        layers.append(_reference(reference, x, x_title, reference_title))
    return alt.layer(*layers).properties(height=height)


def _shared_encoding(frame: pd.DataFrame, x: str, colour: str, x_title: str, colour_title: str,
                     log_x: bool, compact: bool, series: str | None,
                     colours: Mapping[str, str] | None, legend: str | None,
                     legend_columns: int, labels: Mapping[str, str] | None) -> dict:
    """The x and colour (and detail) channels every layer of a line chart shares."""
    names = frame[colour].astype(str).unique().tolist()
    x_axis = alt.Axis(format="d", tickMinStep=1) if compact else alt.Undefined
    # Solid symbols even where a faint band is the first layer drawn in that colour.
    legend_kw: dict = {"symbolOpacity": 1}
    if legend:
        legend_kw.update(orient=legend, labelLimit=400, columns=min(len(names), legend_columns))
    if labels:
        legend_kw["labelExpr"] = label_expression(labels)
    legend_def = alt.Legend(**legend_kw)
    enc: dict = {
        "x": alt.X(f"{x}:Q", title=x_title, scale=_scale(log_x), axis=x_axis),
        "color": alt.Color(f"{colour}:N", title=colour_title, scale=colour_scale(names, colours),
                           legend=legend_def),
    }
    if series is not None:
        enc["detail"] = alt.Detail(f"{series}:N")
    return enc


def label_expression(labels: Mapping[str, str], value: str = "datum.label") -> str:
    """A Vega expression showing ``labels[value]`` for a legend value (the value itself
    when it is not listed); `value` is the expression read (a legend's ``datum.label``,
    or ``datum["act"]`` for a field in a calculate transform). Every string is
    JSON-quoted, so no text can break out."""
    expr = value
    for code, text in reversed(list(labels.items())):
        expr = (f"{value} === {json.dumps(str(code), ensure_ascii=False)} ? "
                f"{json.dumps(str(text), ensure_ascii=False)} : ({expr})")
    return expr


def _hover_points(frame: pd.DataFrame, enc: dict, x: str, y: str, colour: str, dash: str | None,
                  series: str | None, x_title: str, y_title: str, colour_title: str,
                  dash_title: str | None, shapes: bool,
                  dash_labels: Mapping[str, str] | None = None,
                  labels: Mapping[str, str] | None = None) -> alt.Chart:
    """Points with tooltips: every row of a short series, :data:`POINT_MARKS` of a long one.

    Where the legend shows names for codes (`labels`, `dash_labels`), the tooltip shows
    the same names, through a calculated field; the data keep the codes."""
    groups = [g for g in (colour, dash, series) if g is not None]
    names: dict[str, str] = {}
    if labels:
        names["_colour_name"] = label_expression(labels, f"datum[{json.dumps(colour)}]")
    if dash is not None and dash_labels:
        names["_dash_name"] = label_expression(dash_labels, f"datum[{json.dumps(dash)}]")
    tips = [alt.Tooltip("_colour_name:N" if labels else f"{colour}:N", title=colour_title),
            alt.Tooltip(f"{x}:Q", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=".3~g")]
    if dash is not None:
        tips.append(alt.Tooltip("_dash_name:N" if "_dash_name" in names else f"{dash}:N",
                                title=dash_title or dash))
    if series is not None:
        tips.insert(0, alt.Tooltip(f"{series}:N", title=colour_title))
    longest = int(frame.groupby(groups, sort=False).size().max()) if len(frame) else 0
    # A short series' points use the lines' own frame: one data set, not two.
    data = frame if longest <= POINT_MARKS else downsample(frame, groups, POINT_MARKS)
    dot_enc = dict(enc, y=alt.Y(f"{y}:Q"), tooltip=tips)
    if dash is not None and shapes:
        dot_enc["shape"] = alt.Shape(f"{dash}:N", title=dash_title or dash, legend=alt.Legend(
            labelExpr=label_expression(dash_labels)) if dash_labels else alt.Undefined)
    chart = alt.Chart(data).mark_point(size=18, filled=True, opacity=1)
    if names:
        chart = chart.transform_calculate(**names)
    return chart.encode(**dot_enc)


def _reference(reference: pd.DataFrame, x: str, x_title: str, title: str | None) -> alt.Chart:
    """A dotted grey curve (a bound, a theory line) on the chart's scales."""
    return alt.Chart(only(reference, x, "ref")).mark_line(
        color=REFERENCE_COLOUR, strokeDash=[2, 3], strokeWidth=1.5).encode(
        x=alt.X(f"{x}:Q"), y=alt.Y("ref:Q"),
        tooltip=[alt.Tooltip(f"{x}:Q", title=x_title),
                 alt.Tooltip("ref:Q", title=title or "reference", format=".2~g")])
