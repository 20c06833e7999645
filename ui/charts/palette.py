"""Every colour the app draws, with one meaning each.

Nothing outside this module (and ``.streamlit/config.toml``'s theme, which a
test checks against it) writes a colour: charts import these names, and the
playground component receives them in its payload (:func:`component_colours`)
and as CSS custom properties (:func:`component_css`). A test fails when a hex
code appears anywhere else.

The colour language
-------------------
Class and sign (every page and the playground component, as in TensorFlow
Playground, so a pasted Playground link looks the same here):
    **blue** (:data:`POSITIVE`) is class 1, a positive value and a high
    P(class 1); **orange** (:data:`NEGATIVE`) is class 0, a negative value and a
    low P(class 1); the pale grey-white :data:`NEUTRAL` is 0 and P = ½. A map
    runs through :data:`SIGN_RAMP`, orange to white to blue.
Magnitude of a signed number (a weight):
    the line's width and opacity; its hue is still its sign.
Size of a gradient (never signed, read on a log scale):
    :data:`GRADIENT_RAMP`, pale green (tiny) to dark green (large), a hue no
    class or sign uses (so in the Playground's gradient view the units' maps
    keep their blue and orange). Its legend is a colour bar with ticks at
    powers of ten. :data:`NO_GRADIENT` (grey) is exactly no gradient at all.
Activations:
    one Okabe-Ito colour each (:data:`ACTIVATION_COLOURS`, colour-blind-safe),
    identical in registry order to the theme's ``chartCategoricalColors``; used
    for curves, never for a class or a sign.
Other meanings:
    dead units red, :data:`DEAD` (and the share of them, :data:`DEAD_RAMP`, white
    to dark red), live units :data:`ALIVE`; losses :data:`LOSS_COLOURS` (training
    grey, test black); reference lines and marks in the greys of :data:`INK`,
    :data:`INK_SOFT`, :data:`REFERENCE` and :data:`SAMPLE`; other continuous
    values :data:`VIRIDIS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt

# ---------------------------------------------------------------- Okabe-Ito
# Okabe & Ito's colour-blind-safe set (its yellow darkened to OLIVE, which reads
# on white) and a mid grey. Charts that need a few series name them here.
GREY = "#7F7F7F"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
OLIVE = "#B59B00"
BLACK = "#000000"
#: The theme's accent (buttons, links, the slider), ``theme.primaryColor``.
PRIMARY = BLUE

# ---------------------------------------------------------------- class and sign
#: Class 0, a negative value, a low P(class 1): TensorFlow Playground's orange.
NEGATIVE = "#F59322"
#: Class 1, a positive value, a high P(class 1): TensorFlow Playground's blue.
POSITIVE = "#0877BD"
#: Zero, P = ½: the middle of every map.
NEUTRAL = "#E8EAEB"
#: A signed value in [−1, 1], or P(class 1) in [0, 1]: orange, white, blue,
#: interpolated linearly in RGB (the component mixes the same three).
SIGN_RAMP: tuple[str, str, str] = (NEGATIVE, NEUTRAL, POSITIVE)
#: Classes of a data set: class 0 orange and class 1 blue, then three more for
#: data sets with more classes (up to ``core.userdata.MAX_CLASSES``).
CLASS_COLOURS: tuple[str, ...] = (NEGATIVE, POSITIVE, PURPLE, GREY, BLACK)

# ---------------------------------------------------------------- gradient sizes
#: The size of a gradient on a log scale, pale (tiny) to dark (large): Vega's
#: "greens" from its third stop on, so that the smallest size still shows on white.
GRADIENT_RAMP: tuple[str, ...] = (
    "#C7E9C0", "#A1D99B", "#74C476", "#41AB5D", "#238B45", "#006D2C", "#00441B",
)
#: Exactly no gradient (a dead unit's edges, a gradient of 0).
NO_GRADIENT = "#8C8C8C"
#: Decades of gradient size one gradient view spans, below its largest value.
GRADIENT_DECADES = 6

# ---------------------------------------------------------------- activations
#: Activation name -> colour. Registry order; identical to the theme's palette.
ACTIVATION_COLOURS: dict[str, str] = {
    "identity": GREY,
    "sigmoid": ORANGE,
    "tanh": SKY,
    "relu": GREEN,
    "leaky_relu": BLUE,
    "elu": VERMILLION,
    "gelu": PURPLE,
    "silu": OLIVE,
    "softplus": BLACK,
}
#: A name no palette knows.
OTHER_COLOUR = "#444444"
#: Series that are neither activations nor classes (widths, variants), in turn.
SERIES: tuple[str, ...] = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, OLIVE, GREY)

# ---------------------------------------------------------------- other meanings
#: A unit that is dead (outputs one value, receives no gradient): red on every
#: page, the Playground's crossed-out units included.
DEAD = "#C62828"
#: A unit that fires on some sample.
ALIVE = GREEN
#: The share of a layer's units that are dead, 0 (white) to 1 (dark red).
DEAD_RAMP: tuple[str, str] = ("#FFFFFF", "#A50F15")
#: The Playground's frame for a unit below zero on every point that still learns.
BELOW_MARK = "#546E7A"
#: Loss curves: training grey, test black (as in TensorFlow Playground's chart).
LOSS_COLOURS: dict[str, str] = {"train": "#8A8A8A", "test": "#111111"}
#: Text and strong marks on a chart (targets, kinks' outline, labels).
INK = "#222222"
#: Softer text and rules (the pointer's rule, notes on a chart).
INK_SOFT = "#555555"
#: Reference curves (a bound, a best case) and the outline of data points.
REFERENCE = "#444444"
#: Noisy samples and halos behind a line.
SAMPLE = "#999999"
#: The page's background, under a downloaded picture and around points.
PAPER = "#FFFFFF"
#: Linear regions of a ReLU network's input plane (one colour per region, in turn).
REGION_COLOURS: tuple[str, ...] = (
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7",
    "#9C755F", "#BAB0AC", "#86BCB6", "#F1CE63", "#D37295", "#A0CBE8", "#FFBE7D", "#8CD17D",
)
#: The "viridis" colour scheme at eleven evenly spaced stops (the values
#: matplotlib and Vega share): continuous values that are neither a sign nor a
#: gradient size (a regression target in the upload preview).
VIRIDIS: tuple[str, ...] = (
    "#440154", "#482475", "#414487", "#355F8D", "#2A788E", "#21918C",
    "#22A884", "#44BF70", "#7AD151", "#BDDF26", "#FDE725",
)
#: The playground component's own surfaces, used where the Streamlit theme's
#: CSS variables are missing: text, button border, button surface, warning text,
#: the tooltip's background.
COMPONENT_SURFACES: dict[str, str] = {
    "text": "#262730", "border": "#D0D0D0", "surface": "#F0F2F6", "warn": "#B00020",
    "tip": "#1E1E1E",
}


def component_colours() -> dict[str, object]:
    """The colours the playground component draws its canvases with (sent in its payload).

    Keys: ``negative``, ``neutral``, ``positive`` (the sign and class colours),
    ``gradient`` (the ramp's stops, small to large), ``no_gradient``,
    ``gradient_decades``, ``dead``, ``below``, ``ink``, ``paper``, ``ring``
    (the outline of a test point) and ``loss_train``, ``loss_test``.
    """
    return {
        "negative": NEGATIVE, "neutral": NEUTRAL, "positive": POSITIVE,
        "gradient": list(GRADIENT_RAMP), "no_gradient": NO_GRADIENT,
        "gradient_decades": GRADIENT_DECADES,
        "dead": DEAD, "below": BELOW_MARK, "ink": INK, "paper": PAPER, "ring": BLACK,
        "loss_train": LOSS_COLOURS["train"], "loss_test": LOSS_COLOURS["test"],
    }


def component_css() -> str:
    """CSS custom properties for the playground component's stylesheet (``--pg-*``)."""
    props = {**COMPONENT_SURFACES, "primary": PRIMARY, "on-primary": PAPER}
    return ".pg {" + " ".join(f"--pg-{k}: {v};" for k, v in props.items()) + "}\n"


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


def class_scale(labels: Sequence[str]) -> alt.Scale:
    """Class labels (in order, class 0 first) -> their class colours."""
    labels = list(labels)
    return alt.Scale(domain=labels, range=list(CLASS_COLOURS[: len(labels)]))


def probability_scale() -> alt.Scale:
    """P(class 1) over [0, 1] on :data:`SIGN_RAMP`: orange (class 0) to blue (class 1).

    Interpolated in RGB, as the maps' pixels are (Vega's default, HCL, would pass
    through green between orange and white).
    """
    return alt.Scale(domain=[0, 1], range=list(SIGN_RAMP), interpolate="rgb")
