"""Colours shared by every chart: one per activation, one per class, two ramps.

The activation colours are Okabe-Ito (colour-blind-safe) and identical, in
registry order, to ``theme.chartCategoricalColors`` in ``.streamlit/config.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt

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
#: Classes of a data set (blue / vermillion first, distinguishable for all).
CLASS_COLOURS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
#: A name no palette knows.
OTHER_COLOUR = "#444444"

#: Vega's "blueorange" scheme (the probability colours), as Vega defines it:
#: eleven stops, interpolated linearly in RGB.
BLUE_ORANGE: tuple[str, ...] = (
    "#134b85", "#2f78b3", "#5da2cb", "#9dcae1", "#d2e5ef", "#f2f0eb",
    "#fce0ba", "#fbbf74", "#e8932f", "#c5690d", "#994a07",
)
#: The "viridis" colour scheme at eleven evenly spaced stops (the values
#: matplotlib and Vega share), for heatmaps drawn as images.
VIRIDIS: tuple[str, ...] = (
    "#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
    "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725",
)


def colour_scale(names: Sequence[str], colours: Mapping[str, str] | None = None) -> alt.Scale:
    """A categorical scale giving each name its colour.

    Parameters
    ----------
    names : sequence of str
        The values of the colour field, in legend order (repeats are dropped).
    colours : mapping, optional
        Name -> colour. Without it, activations get their app-wide colour; with
        it, names it does not list take the class colours in turn.
    """
    names = list(dict.fromkeys(names))
    if colours is None:
        return alt.Scale(domain=names, range=[ACTIVATION_COLOURS.get(n, OTHER_COLOUR) for n in names])
    cycle = CLASS_COLOURS * (1 + len(names) // len(CLASS_COLOURS))
    return alt.Scale(domain=names, range=[colours.get(n, c) for n, c in zip(names, cycle, strict=False)])


def activation_scale(names: Sequence[str]) -> alt.Scale:
    """A colour scale that gives each activation its app-wide colour."""
    return colour_scale(names)


def activation_colour(field: str, names: Sequence[str], title: str) -> alt.Color:
    """The `color` encoding for a column holding activation names."""
    return alt.Color(f"{field}:N", scale=activation_scale(names), title=title)
