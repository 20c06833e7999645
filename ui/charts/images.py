"""Charts drawn as one image: probability maps over the input plane, layer x epoch heatmaps.

Vega re-encodes every mark of every chart on every rerun, so a map of
thousands of rectangles cost the browser most of a slider move; one image is
drawn in a moment whatever its size. The axes and legends are ordinary Vega
marks on scales that span their data (no domain in the spec), so new values
leave the spec unchanged and the browser updates the chart in place.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
from PIL import Image

from ui.charts.palette import GRADIENT_RAMP, INK, SIGN_RAMP, class_scale, probability_scale

#: Opacity of the probability map, so the data and grid lines read on top of it.
MAP_OPACITY = 0.6


def probability_png(grid: pd.DataFrame) -> str:
    """A probability map on a regular grid as a PNG ``data:`` URL.

    One pixel per grid point, coloured with :data:`~ui.charts.palette.SIGN_RAMP`
    over ``[0, 1]`` (class 0 orange, class 1 blue)
    at :data:`MAP_OPACITY` (NaN is drawn as 0.5). The browser stretches the
    image over the plotting area; a single image is drawn and re-drawn far
    faster than thousands of Vega rectangles (the map is redrawn on every
    rerun).

    Parameters
    ----------
    grid : DataFrame with columns ``x1, x2, p``
        Every combination of a set of x1 and a set of x2 values once.
    """
    xs, col = np.unique(grid["x1"].to_numpy(), return_inverse=True)
    ys, row = np.unique(grid["x2"].to_numpy(), return_inverse=True)
    p = np.full((len(ys), len(xs)), 0.5)
    p[len(ys) - 1 - row, col] = np.nan_to_num(grid["p"].to_numpy(dtype=float), nan=0.5)
    return _png_url(_ramp(p, SIGN_RAMP, MAP_OPACITY))


def _ramp(unit: np.ndarray, stops: Sequence[str], opacity: float = 1.0) -> np.ndarray:
    """Colour an array of values in [0, 1] along `stops` (hex colours, evenly spaced,
    interpolated linearly in RGB): an (…, 4) uint8 RGBA array; NaN is transparent."""
    rgb_stops = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in stops], float)
    missing = ~np.isfinite(unit)
    pos = np.clip(np.where(missing, 0.0, unit), 0.0, 1.0) * (len(stops) - 1)
    lo = np.minimum(pos.astype(int), len(stops) - 2)
    frac = (pos - lo)[..., None]
    rgb = rgb_stops[lo] * (1 - frac) + rgb_stops[lo + 1] * frac
    alpha = np.where(missing, 0.0, 255 * opacity)[..., None]
    return np.concatenate([rgb, alpha], axis=-1).round().astype(np.uint8)


def _png_url(rgba: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(rgba)).decode("ascii")


def png_bytes(rgba: np.ndarray) -> bytes:
    """Encode an (h, w, 4) uint8 RGBA array as a PNG file (Pillow, which Streamlit ships)."""
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgba, dtype=np.uint8), "RGBA").save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def boundary_chart(
    grid: pd.DataFrame,
    points: pd.DataFrame,
    *,
    prob_title: str,
    class_title: str,
    height: int = 300,
    step: float | None = None,
) -> alt.LayerChart:
    """A classifier's probability map with the data on top.

    Parameters
    ----------
    grid : DataFrame with columns ``x1, x2, p``
        A regular grid over the input plane and P(class 1) at each point; drawn
        as one image (:func:`probability_png`) whose pixels are centred on the
        grid points, with a colour legend for P.
    points : DataFrame with columns ``x1, x2, label``
        The data, coloured by class.
    step : float, optional
        Cell size used only along an axis where the grid has a single value;
        otherwise the spacing of the grid's own values.
    """
    xs, ys = np.unique(grid["x1"].to_numpy()), np.unique(grid["x2"].to_numpy())
    dx = (xs[-1] - xs[0]) / (len(xs) - 1) if len(xs) > 1 else (step or 0.1)
    dy = (ys[-1] - ys[0]) / (len(ys) - 1) if len(ys) > 1 else (step or 0.1)
    domain = [float(xs[0] - dx / 2), float(xs[-1] + dx / 2)]
    domain2 = [float(ys[0] - dy / 2), float(ys[-1] + dy / 2)]
    # The axes span the data (the picture's corners), not a domain written into the
    # spec, so a new data set leaves the spec unchanged (module docstring).
    x_scale = alt.Scale(nice=False, zero=False)
    y_scale = alt.Scale(nice=False, zero=False)
    picture = pd.DataFrame({"x1a": [domain[0]], "x1b": [domain[1]], "x2a": [domain2[0]],
                            "x2b": [domain2[1]], "url": [probability_png(grid)]})
    heat = alt.Chart(picture).mark_image(aspect=False).encode(
        x=alt.X("x1a:Q", title="x₁", scale=x_scale), x2=alt.X2("x1b:Q"),
        y=alt.Y("x2a:Q", title="x₂", scale=y_scale), y2=alt.Y2("x2b:Q"),
        url=alt.Url("url:N"),
    )
    # The colour legend of P: an invisible two-point layer on the same scale.
    legend = alt.Chart(pd.DataFrame({"p": [0.0, 1.0], "x1": domain[:1] * 2,
                                     "x2": domain2[:1] * 2})).mark_point(opacity=0).encode(
        x=alt.X("x1:Q"), y=alt.Y("x2:Q"),
        color=alt.Color("p:Q", title=prob_title,
                        scale=probability_scale()),
    )
    # Labels as strings: a Vega domain of "0", "1" does not match integer 0, 1.
    points = points.assign(label=points["label"].astype(str))
    labels = sorted(points["label"].unique().tolist())
    dots = (
        alt.Chart(points)
        .mark_point(size=28, filled=True, stroke=INK, strokeWidth=0.6, opacity=1)
        .encode(
            x=alt.X("x1:Q"),
            y=alt.Y("x2:Q"),
            shape=alt.Shape("label:N", title=class_title, scale=alt.Scale(domain=labels), legend=None),
            color=alt.Color(
                "label:N",
                title=class_title,
                scale=class_scale(labels),
                legend=alt.Legend(orient="bottom"),
            ),
        )
    )
    return (alt.layer(heat, legend, dots).resolve_scale(color="independent")
            .properties(height=height))


def image_heatmap(
    values: np.ndarray,
    *,
    x_title: str,
    y_title: str,
    value_title: str,
    domain: tuple[float, float],
    stops: Sequence[str] = GRADIENT_RAMP,
    log: bool = False,
    legend_format: str | None = None,
    height: int = 240,
) -> alt.LayerChart:
    """A layer × epoch grid of values drawn as one image, with axes and a legend.

    Vega re-encodes every mark of every chart on every rerun, so a heatmap of
    rectangles (one per cell) cost the browser most of a slider move; one
    image is drawn in a moment whatever its size. Cells have no tooltips
    (the chart's CSV has the numbers).

    Parameters
    ----------
    values : ndarray of shape (n_epochs, n_layers)
        Row ``e`` is epoch ``e`` (drawn as the column at x = e), column ``l``
        is layer ``l + 1`` (drawn as the row at y = l + 1, layer 1 at the
        bottom). NaN cells are left blank.
    domain : (float, float)
        The values at the two ends of the colour scale (clipped beyond).
    stops : sequence of str
        Hex colours from :mod:`ui.charts.palette`, evenly spaced from the low to the
        high end; by default the gradient-size ramp (pale = small, dark = large).
    log : bool
        Colour by ``log10`` of the value (values must be positive; others are blank).
    """
    values = np.asarray(values, dtype=float)
    n_x, n_y = values.shape
    lo, hi = (float(v) for v in domain)
    with np.errstate(divide="ignore", invalid="ignore"):
        if log:
            scaled = np.where(values > 0, np.log10(np.where(values > 0, values, 1.0)), np.nan)
            lo, hi = np.log10(lo), np.log10(hi)
        else:
            scaled = values
        unit = (scaled - lo) / (hi - lo) if hi > lo else np.where(np.isfinite(scaled), 0.5, np.nan)
    picture = pd.DataFrame({"xa": [-0.5], "xb": [n_x - 0.5], "ya": [0.5], "yb": [n_y + 0.5],
                            "url": [_png_url(_ramp(unit.T[::-1], stops))]})
    # No domain in the spec: each scale spans its data (the picture's corners, the
    # legend's two ends), so new values leave the spec unchanged (module docstring).
    x_scale = alt.Scale(nice=False, zero=False)
    y_scale = alt.Scale(nice=False, zero=False)
    image = alt.Chart(picture).mark_image(aspect=False, smooth=False).encode(
        x=alt.X("xa:Q", title=x_title, scale=x_scale, axis=alt.Axis(tickMinStep=1, format="d")),
        x2=alt.X2("xb:Q"),
        y=alt.Y("ya:Q", title=y_title, scale=y_scale,
                axis=alt.Axis(tickMinStep=1, format="d", labelOverlap="greedy")),
        y2=alt.Y2("yb:Q"),
        url=alt.Url("url:N"),
    )
    # The colour legend: an invisible two-point layer on the same colour scale.
    ends = [float(domain[0]), float(domain[1])]
    # Interpolated in RGB, as the picture's pixels are (see :func:`_ramp`).
    scale = alt.Scale(type="log", range=list(stops), nice=False, interpolate="rgb") if log else \
        alt.Scale(range=list(stops), nice=False, zero=False, interpolate="rgb")
    legend = alt.Chart(pd.DataFrame({"v": ends, "x": [0.0, 0.0], "y": [1.0, 1.0]})).mark_point(
        opacity=0).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"),
        color=alt.Color("v:Q", title=value_title, scale=scale,
                        legend=alt.Legend(format=legend_format or alt.Undefined, gradientLength=90)),
    )
    return alt.layer(image, legend).properties(height=height)


