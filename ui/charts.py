"""Altair chart builders shared by the pages.

One colour per activation everywhere in the app (Okabe-Ito, colour-blind-safe),
in the same order as ``theme.chartCategoricalColors`` in ``.streamlit/config.toml``.
Builders take tidy ``pandas`` frames and return Altair charts; they do no maths.

Pages draw through :func:`ui.export.show_chart`, preferably with a spec from
:func:`compiled`: building an Altair chart and converting it to Vega-Lite is
pure-Python work (tens of milliseconds for a layered chart), so a chart whose
inputs have not changed since an earlier rerun is not rebuilt.

Keep numbers computed from the data out of a spec (scale domains above all):
the browser updates a chart in place when only its datasets change, but a
spec whose text changed is built again from scratch (Vega-Lite compile, Vega
parse, first render: ~15-30 ms a chart on a 2-core machine). A scale that
should end exactly at the data's edges gets ``nice=False, zero=False`` and
no ``domain``; an invisible layer can carry extra end points (the colour
legends of the image charts do this). ``tests/test_chart_specs.py`` checks
that these builders' specs stay the same when only the data changes.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from ui.i18n import Translator

#: Activation name -> colour. Registry order; identical to the theme's palette.
ACTIVATION_COLOURS: dict[str, str] = {
    "identity": "#7F7F7F",
    "sigmoid": "#E69F00",
    "tanh": "#56B4E9",
    "relu": "#009E73",
    "leaky_relu": "#0072B2",
    "elu": "#D55E00",
    "gelu": "#CC79A7",
    "silu": "#B59B00",
    "softplus": "#000000",
}
#: Two classes of a binary data set (blue / vermillion, distinguishable for all).
CLASS_COLOURS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")

#: Most points a line chart sends to the browser per series.
MAX_POINTS = 400
#: Most hover points a line chart draws per series (see :func:`line_chart`):
#: every epoch of a short run, every other one of the default 60 epochs.
POINT_MARKS = 30


def activation_scale(names: Sequence[str]) -> alt.Scale:
    """A colour scale that gives each activation its app-wide colour."""
    names = list(dict.fromkeys(names))
    return alt.Scale(domain=names, range=[ACTIVATION_COLOURS.get(n, "#444444") for n in names])


def activation_colour(field: str, names: Sequence[str], title: str) -> alt.Color:
    """The `color` encoding for a column holding activation names."""
    return alt.Color(f"{field}:N", scale=activation_scale(names), title=title)


def downsample(
    frame: pd.DataFrame, by: str | list[str] | None, limit: int = MAX_POINTS
) -> pd.DataFrame:
    """Keep at most `limit` evenly spaced rows per group (`by`: a column, a
    list of columns or None), always the last one.

    Long training curves are thinned before they are sent to the browser, so a
    chart's payload stays small whatever the number of epochs.
    """
    if by is None:
        groups = [frame]
    else:
        groups = [g for _, g in frame.groupby(by, sort=False)]
    kept = []
    for g in groups:
        if len(g) > limit:
            idx = np.unique(np.linspace(0, len(g) - 1, limit).round().astype(int))
            g = g.iloc[idx]
        kept.append(g)
    return pd.concat(kept, ignore_index=True) if kept else frame


def only(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """`frame` with just `columns` (in that order, once each): what a chart draws.

    A chart's data are sent to the browser as Arrow, turned back into one
    JavaScript object per row there and copied into Vega on every update, so
    every column a chart does not draw costs time on every slider move (the
    training curves carried seven columns and drew three). The full table
    still goes into the chart's CSV download.
    """
    return frame[list(dict.fromkeys(columns))]


def finite_positive(values: np.ndarray, floor: float = 1e-300) -> np.ndarray:
    """Clip values for a log axis: non-finite -> NaN (not drawn), tiny -> `floor`."""
    out = np.asarray(values, dtype=float).copy()
    out[~np.isfinite(out)] = np.nan
    return np.where(out > 0, np.maximum(out, floor), np.nan)


def line_chart(
    frame: pd.DataFrame,
    x: str,
    y: str,
    colour: str,
    *,
    x_title: str,
    y_title: str,
    colour_title: str,
    log_y: bool = False,
    height: int = 260,
    dash: str | None = None,
    dash_title: str | None = None,
) -> alt.Chart | alt.LayerChart:
    """Lines coloured by activation, with hover points that show the values.

    A series of up to :data:`POINT_MARKS` points gets a point (and tooltip) at
    each of them. Longer ones (training curves) get points at
    :data:`POINT_MARKS` evenly spaced rows only: the browser redraws every mark
    on every rerun, and hundreds of hover dots per curve made a slider move
    visibly slower without adding anything a learner can point at.
    """
    names = frame[colour].astype(str).unique().tolist()
    y_scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    enc: dict = {
        "x": alt.X(f"{x}:Q", title=x_title),
        "y": alt.Y(f"{y}:Q", title=y_title, scale=y_scale),
        "color": activation_colour(colour, names, colour_title),
        "tooltip": [
            alt.Tooltip(f"{colour}:N", title=colour_title),
            alt.Tooltip(f"{x}:Q", title=x_title),
            alt.Tooltip(f"{y}:Q", title=y_title, format=".3~g"),
        ],
    }
    groups = [colour] if dash is None else [colour, dash]
    frame = only(frame, x, y, *groups)
    if dash is not None:
        enc["strokeDash"] = alt.StrokeDash(f"{dash}:N", title=dash_title or dash)
        enc["tooltip"].append(alt.Tooltip(f"{dash}:N", title=dash_title or dash))
    longest = int(frame.groupby(groups, sort=False).size().max()) if len(frame) else 0
    if longest <= POINT_MARKS:
        return (
            alt.Chart(frame)
            .mark_line(point=alt.OverlayMarkDef(size=18, filled=True), strokeWidth=2)
            .encode(**enc)
            .properties(height=height)
        )
    lines = alt.Chart(frame).mark_line(strokeWidth=2).encode(
        **{k: v for k, v in enc.items() if k != "tooltip"})
    dots = alt.Chart(downsample(frame, groups, POINT_MARKS)).mark_point(size=18, filled=True).encode(
        **{k: v for k, v in enc.items() if k != "strokeDash"})
    return alt.layer(lines, dots).properties(height=height)


#: Vega's "blueorange" scheme (the probability colours), as Vega defines it:
#: eleven stops, interpolated linearly in RGB.
BLUE_ORANGE: tuple[str, ...] = (
    "#134b85", "#2f78b3", "#5da2cb", "#9dcae1", "#d2e5ef", "#f2f0eb",
    "#fce0ba", "#fbbf74", "#e8932f", "#c5690d", "#994a07",
)
#: Opacity of the probability map, so the data and grid lines read on top of it.
MAP_OPACITY = 0.6


def probability_png(grid: pd.DataFrame) -> str:
    """A probability map on a regular grid as a PNG ``data:`` URL.

    One pixel per grid point, coloured with :data:`BLUE_ORANGE` over ``[0, 1]``
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
    return _png_url(_ramp(p, BLUE_ORANGE, MAP_OPACITY))


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
    return "data:image/png;base64," + base64.b64encode(_png(rgba)).decode("ascii")


def _png(rgba: np.ndarray) -> bytes:
    """Encode an (h, w, 4) uint8 array as a PNG file (no filter, zlib)."""
    h, w, _ = rgba.shape
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rgba.reshape(h, w * 4)], axis=1)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)) + chunk(b"IEND", b""))


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
                        scale=alt.Scale(scheme="blueorange", domain=[0, 1])),
    )
    # Labels as strings: a Vega domain of "0", "1" does not match integer 0, 1.
    points = points.assign(label=points["label"].astype(str))
    labels = sorted(points["label"].unique().tolist())
    dots = (
        alt.Chart(points)
        .mark_point(size=28, filled=True, stroke="#1a1a1a", strokeWidth=0.6, opacity=1)
        .encode(
            x=alt.X("x1:Q"),
            y=alt.Y("x2:Q"),
            shape=alt.Shape("label:N", title=class_title, scale=alt.Scale(domain=labels), legend=None),
            color=alt.Color(
                "label:N",
                title=class_title,
                scale=alt.Scale(domain=labels, range=list(CLASS_COLOURS[: len(labels)])),
                legend=alt.Legend(orient="bottom"),
            ),
        )
    )
    return (alt.layer(heat, legend, dots).resolve_scale(color="independent")
            .properties(height=height))


#: The "viridis" colour scheme at eleven evenly spaced stops (the values
#: matplotlib and Vega share), for heatmaps drawn as images.
VIRIDIS: tuple[str, ...] = (
    "#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
    "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725",
)


def image_heatmap(
    values: np.ndarray,
    *,
    x_title: str,
    y_title: str,
    value_title: str,
    domain: tuple[float, float],
    stops: Sequence[str] = VIRIDIS,
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
        Hex colours, evenly spaced from the low to the high end.
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
    scale = alt.Scale(type="log", range=list(stops), nice=False) if log else alt.Scale(
        range=list(stops), nice=False, zero=False)
    legend = alt.Chart(pd.DataFrame({"v": ends, "x": [0.0, 0.0], "y": [1.0, 1.0]})).mark_point(
        opacity=0).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"),
        color=alt.Color("v:Q", title=value_title, scale=scale,
                        legend=alt.Legend(format=legend_format or alt.Undefined, gradientLength=90)),
    )
    return alt.layer(image, legend).properties(height=height)


def band_chart(
    frame: pd.DataFrame,
    x: str,
    mid: str,
    lo: str,
    hi: str,
    colour: str,
    *,
    x_title: str,
    y_title: str,
    colour_title: str,
    log_y: bool = False,
    height: int = 260,
) -> alt.LayerChart:
    """Lines (`mid`) with a shaded band (`lo`..`hi`) per activation."""
    names = frame[colour].astype(str).unique().tolist()
    y_scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    base = alt.Chart(only(frame, x, mid, lo, hi, colour)).encode(
        x=alt.X(f"{x}:Q", title=x_title),
        color=activation_colour(colour, names, colour_title),
    )
    band = base.mark_area(opacity=0.18).encode(
        y=alt.Y(f"{lo}:Q", title=y_title, scale=y_scale), y2=alt.Y2(f"{hi}:Q")
    )
    line = base.mark_line(point=alt.OverlayMarkDef(size=18, filled=True)).encode(
        y=alt.Y(f"{mid}:Q", title=y_title, scale=y_scale),
        tooltip=[
            alt.Tooltip(f"{colour}:N", title=colour_title),
            alt.Tooltip(f"{x}:Q", title=x_title),
            alt.Tooltip(f"{mid}:Q", title=y_title, format=".3~g"),
        ],
    )
    return alt.layer(band, line).properties(height=height)


def _charts_in(chart: Any) -> list[Any]:
    """`chart` and every chart nested in it (layers, concatenations, facets)."""
    found = [chart]
    for attr in ("layer", "hconcat", "vconcat", "concat"):
        parts = getattr(chart, attr, alt.Undefined)
        if parts is not alt.Undefined:
            for part in parts:
                found.extend(_charts_in(part))
    spec = getattr(chart, "spec", alt.Undefined)  # facet / repeat
    if spec is not alt.Undefined and isinstance(spec, alt.TopLevelMixin | alt.SchemaBase):
        found.extend(_charts_in(spec))
    return found


def vega_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec of an Altair chart, ready for ``st.vega_lite_chart``.

    What ``st.altair_chart`` does, at a fraction of the cost: every DataFrame
    is sent as Arrow bytes under a content-hash name (``spec["datasets"]``,
    which Streamlit passes through unchanged), and the spec is *not*
    re-validated against the Vega-Lite JSON schema. Validation is what made
    a rerun slow (a layered chart took ~60 ms to convert, most of it in
    ``jsonschema``), and the builders in this module produce the same
    structure every time, which the tests validate once (``validate=True``).
    Altair's default theme (a 300 x 300 view) is left out, as Streamlit does,
    and the chart is drawn on a canvas (``usermeta.embedOptions.renderer``).
    No global Altair state (themes, data transformers) is touched, so
    concurrent sessions are safe. `chart` is left as it was.
    """
    datasets: dict[str, bytes] = {}
    names: dict[int, str] = {}  # id(frame) -> its data set's name
    swapped: list[tuple[Any, pd.DataFrame]] = []
    try:
        for part in _charts_in(chart):
            data = getattr(part, "data", alt.Undefined)
            if isinstance(data, pd.DataFrame):
                if id(data) not in names:
                    payload = dataframe_util.convert_anything_to_arrow_bytes(data)
                    name = "d" + hashlib.md5(payload, usedforsecurity=False).hexdigest()[:20]
                    # Equal frames of different layers (two empty ones, say) keep
                    # their own data sets: how many a chart has must not depend on
                    # the values, or new values would change the spec's shape.
                    if name in datasets:
                        name += f"_{len(datasets)}"
                    datasets[name] = payload
                    names[id(data)] = name
                swapped.append((part, data))
                part.data = alt.NamedData(name=names[id(data)])
        spec = chart.to_dict(validate=False)
    finally:
        for part, data in swapped:
            part.data = data
    config = spec.setdefault("config", {})
    view = config.get("view", {})
    for key in ("continuousWidth", "continuousHeight"):
        view.pop(key, None)
    if not view:
        config.pop("view", None)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    # Drawn on a canvas, not as SVG (Streamlit's default): a chart updated in place
    # then repaints its pixels instead of rewriting hundreds of SVG nodes, which the
    # browser must restyle and lay out again; on chart-heavy sections the charts
    # are drawn ~18% sooner after a slider move (BENCHMARKS.md, session 5).
    spec["usermeta"] = {**spec.get("usermeta", {}), "embedOptions": {"renderer": "canvas"}}
    # No ARIA descriptions: Vega-Lite would give every mark item a text
    # description ("epoch: 3; loss: 0.41; ...", three number formats each), built
    # on every update, which only the SVG renderer writes out; a canvas never shows
    # them, and they were ~5% of a move on the training curves. Exported SVG files
    # keep them (ui.export.chart_svg).
    config["aria"] = False
    return spec


#: Compiled specs kept across reruns and sessions (a spec is mostly its Arrow
#: data: a few kB for a curve, ~100 kB for a 50 x 50 probability map).
SPEC_CACHE_ENTRIES = 256


@st.cache_data(max_entries=SPEC_CACHE_ENTRIES, show_spinner=False)
def _compiled(
    key: str, _builder: Callable[..., alt.TopLevelMixin], _args: tuple, _kwargs: dict
) -> dict[str, Any]:
    return vega_spec(_builder(*_args, **_kwargs))


def _fingerprint(value: Any, h: Any) -> None:
    """Feed `value` into the hash `h`: DataFrames and arrays by their bytes.

    Far cheaper than ``st.cache_data``'s own argument hashing of DataFrames
    (~25 ms for a 2,500-row grid, against ~0.1 ms here).
    """
    if isinstance(value, pd.DataFrame):
        h.update(b"F" + repr(list(value.columns)).encode())
        for name in value.columns:
            _fingerprint(value[name].to_numpy(), h)
    elif isinstance(value, pd.Series):
        _fingerprint(value.to_numpy(), h)
    elif isinstance(value, np.ndarray):
        h.update(f"A{value.dtype.str}{value.shape}".encode())
        if value.dtype.kind in "biufcmM":
            h.update(np.ascontiguousarray(value).tobytes())
        else:
            h.update("\x1f".join(map(str, value.ravel().tolist())).encode())
    elif isinstance(value, list | tuple):
        h.update(f"L{len(value)}".encode())
        for item in value:
            _fingerprint(item, h)
    elif isinstance(value, dict):
        h.update(f"D{len(value)}".encode())
        for k in sorted(value, key=repr):
            _fingerprint(k, h)
            _fingerprint(value[k], h)
    elif isinstance(value, Translator):
        h.update(f"T:{value.lang}".encode())  # catalogs are fixed while the app runs
    elif value is None or isinstance(value, bool | int | float | str | np.generic):
        h.update(f"{type(value).__name__}:{value!r}".encode())
    else:
        raise TypeError(f"compiled() cannot key a chart on a {type(value).__name__}")


def compiled(builder: Callable[..., alt.TopLevelMixin], /, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """``vega_spec(builder(*args, **kwargs))``, cached on the arguments.

    `builder` must be a module-level function whose chart depends only on its
    arguments: DataFrames, arrays, numbers, strings, ``None`` and lists, tuples
    and dicts of those (anything else raises ``TypeError``, so a chart is never
    keyed on something the key does not see). It is identified by file and
    name. A rerun that passes equal arguments gets the spec back without
    touching Altair.
    """
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{builder.__code__.co_filename}:{builder.__qualname__}".encode())
    _fingerprint(args, h)
    _fingerprint(kwargs, h)
    return _compiled(h.hexdigest(), builder, args, kwargs)


def inline_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of a :func:`vega_spec` spec with its Arrow datasets as JSON rows
    (what standalone Vega-Lite tools such as vl-convert read)."""
    import pyarrow as pa

    out = dict(spec)
    out["datasets"] = {
        name: pa.ipc.open_stream(data).read_all().to_pylist() if isinstance(data, bytes) else data
        for name, data in spec.get("datasets", {}).items()
    }
    return out
