"""Exports: every chart's data as CSV, a trained network's weights as ``.npz``.

PNG comes from the chart's own toolbar (Streamlit shows *Download as PNG* when
the pointer is over a chart); SVG is rendered on the server with vl-convert
(bundled, offline) only when its button is clicked.

Each chart gets one small *Download* menu under it (a popover holding the CSV,
SVG and, for a trained network, ``.npz`` buttons) rather than a row of
buttons: the browser draws a closed popover's contents only when it is opened,
and every element drawn on a rerun costs the browser about a millisecond or
two (``BENCHMARKS.md``).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from ui.charts import inline_spec, vega_spec
from ui.i18n import Translator


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-") or "chart"


def _download(
    box: Any, label: str, data: Callable[[], bytes], slug: str, ext: str, mime: str, icon: str
) -> None:
    """A small deferred download button: `data` runs only when it is clicked.

    The widget key ``_<ext>_<slug>`` is what tests look buttons up by.
    """
    box.download_button(
        label, data=data, file_name=f"{slug}.{ext}", mime=mime, key=f"_{ext}_{slug}",
        on_click="ignore", type="tertiary", icon=icon,
    )


class Weights(NamedTuple):
    """A trained network offered as ``.npz`` beside the chart that shows it.

    `params` is what :meth:`core.mlp.MLP.get_params` returns (weights, biases
    and, for a normalised network, γ, β and running statistics); `settings`
    comes from :func:`run_settings`.
    """

    params: Any
    settings: dict[str, Any]
    name: str


#: Keys every exported network's settings have, on every page (see :func:`run_settings`).
RUN_KEYS: tuple[str, ...] = (
    "page", "data", "n_samples", "noise", "seed", "n_train", "sizes", "activation", "output",
    "init", "optimizer", "lr", "batch_size", "epochs",
)


def run_settings(
    page: str,
    *,
    data: str,
    n_samples: int,
    noise: float | None,
    seed: int,
    n_train: int,
    sizes: Sequence[int],
    activation: str | Sequence[str],
    output: str,
    init: str,
    optimizer: str,
    lr: float,
    batch_size: int | None,
    epochs: int,
    **extra: Any,
) -> dict[str, Any]:
    """The settings that produced one trained network, in the one format every page writes.

    Stored as JSON inside its ``.npz`` (:func:`weights_npz`), so a learner can
    train the same network again: the training/test split is
    ``core.datasets.train_test_split`` with the same seed. ``batch_size`` is
    None for full-batch training; ``noise`` is None for data without a noise
    parameter. `extra` holds what only some pages have (``bias_init``,
    ``shift``, ``init_std``, ``upload_digest``, ...).
    """
    return {
        "page": page, "data": data, "n_samples": int(n_samples), "noise": noise,
        "seed": int(seed), "n_train": int(n_train), "sizes": [int(v) for v in sizes],
        "activation": activation if isinstance(activation, str) else list(activation),
        "output": output, "init": init, "optimizer": optimizer, "lr": float(lr),
        "batch_size": None if batch_size is None else int(batch_size), "epochs": int(epochs),
        **extra,
    }


def chart_block(
    chart: alt.TopLevelMixin | dict[str, Any],
    data: pd.DataFrame,
    name: str,
    t: Translator,
    *,
    title: str | None = None,
    caption: str | None = None,
    weights: Weights | None = None,
) -> None:
    """A chart as every page shows one: bold title, the chart full width, a small
    *Download* menu under it, and a caption that says how to read it.

    Parameters
    ----------
    chart : Altair chart or Vega-Lite spec
        A spec from :func:`ui.charts.compiled` (cached across reruns), or a
        chart, converted here on every run.
    data : DataFrame
        The tidy data the chart draws (what a learner would want to re-plot): the
        menu's CSV.
    name : str
        A short file name stem, unique on the page (also the buttons' keys).
    title, caption : str, optional
        Text above and under the chart.
    weights : Weights, optional
        The network the chart shows: its ``.npz`` joins the menu.
    """
    if title:
        st.markdown(f"**{title}**")
    spec = chart if isinstance(chart, dict) else vega_spec(chart)
    st.vega_lite_chart(spec=spec, width="stretch")
    slug = _slug(name)
    with st.popover(t("common.export.menu"), icon=":material/download:", type="tertiary"):
        _download(st, t("common.export.csv"), lambda: data.to_csv(index=False).encode("utf-8"),
                  slug, "csv", "text/csv", ":material/table:")
        _download(st, t("common.export.svg"), lambda: chart_svg(spec), slug, "svg",
                  "image/svg+xml", ":material/image:")
        if weights is not None:
            weights_button(weights, t)
    if caption:
        st.caption(caption)


class Block(NamedTuple):
    """One chart of a row (:func:`chart_row`): what :func:`chart_block` draws."""

    chart: Any
    data: pd.DataFrame
    name: str
    title: str | None = None
    caption: str | None = None
    weights: Weights | None = None


def chart_row(t: Translator, *blocks: Block | None) -> None:
    """Charts side by side, one column each; None leaves its column empty."""
    for column, block in zip(st.columns(len(blocks)), blocks, strict=True):
        if block is not None:
            with column:
                chart_block(block.chart, block.data, block.name, t, title=block.title,
                            caption=block.caption, weights=block.weights)


def chart_svg(chart: alt.TopLevelMixin | dict[str, Any]) -> bytes:
    """The chart (or its :func:`ui.charts.vega_spec`) as a standalone SVG file,
    rendered by vl-convert, offline."""
    import vl_convert as vlc  # imported on first use: it takes a moment to load

    spec = inline_spec(chart) if isinstance(chart, dict) else chart.to_dict()
    # A file keeps the ARIA descriptions the on-screen canvas leaves out (vega_spec).
    config = {k: v for k, v in spec.get("config", {}).items() if k != "aria"}
    spec = {**spec, "config": config}
    return vlc.vegalite_to_svg(json.dumps(spec)).encode("utf-8")


#: Arrays a normalised network adds to its weights and biases, one per hidden layer.
_NORM_FIELDS: tuple[str, ...] = ("gammas", "betas", "running_mean", "running_var")
_NORM_NAMES = {"gammas": "gamma", "betas": "beta", "running_mean": "running_mean",
               "running_var": "running_var"}


def weights_npz(params: Any, settings: dict[str, Any]) -> bytes:
    """A network's parameters and the settings that produced them, as ``.npz`` bytes.

    The archive holds ``W0, b0, W1, b1, ...`` (``W_l`` of shape
    (fan_in, fan_out)); for a normalised network also ``gamma0, beta0, ...``
    (and ``running_mean0``, ``running_var0``, ... for batch norm), one per
    hidden layer; and ``settings``, a JSON string (load it with
    ``json.loads(str(np.load(f)["settings"]))``).

    Parameters
    ----------
    params : Params or (weights, biases)
        From :meth:`core.mlp.MLP.get_params`: ``.weights`` and ``.biases``, and
        optionally the normalisation arrays; or a plain ``(weights, biases)`` pair.
    settings : dict
        From :func:`run_settings`.
    """
    arrays: dict[str, np.ndarray] = {}
    weights, biases = (params.weights, params.biases) if hasattr(params, "weights") else params
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        arrays[f"W{i}"] = np.asarray(w)
        arrays[f"b{i}"] = np.asarray(b)
    for field in _NORM_FIELDS:
        for i, value in enumerate(getattr(params, field, None) or ()):
            arrays[f"{_NORM_NAMES[field]}{i}"] = np.asarray(value)
    arrays["settings"] = np.array(json.dumps(settings, sort_keys=True, default=str))
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def weights_button(weights: Weights, t: Translator) -> None:
    """A *Download weights (.npz)* button for one trained network."""
    _download(st, t("common.export.npz"), lambda: weights_npz(weights.params, weights.settings),
              _slug(weights.name), "npz", "application/octet-stream", ":material/download:")
