"""Colours of the lesson's own series (its other charts are the pages' builders).

Every colour comes from the palette: a series that stands for an activation's usual
partner takes that activation's colour (He initialisation and the residual network
with ReLU's green), the rest the neutral grey and series colours (never the class
colours, which mean class 0 and class 1 on every page).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from ui.charts.lines import line_chart
from ui.charts.palette import ACTIVATION_COLOURS, BLUE, VERMILLION

#: Series code -> colour, for the lesson's charts whose series are not activations.
SERIES_COLOURS: dict[str, str] = {
    "level": BLUE,
    "spread": VERMILLION,
    "glorot_uniform": ACTIVATION_COLOURS["identity"],
    "he_normal": ACTIVATION_COLOURS["relu"],
    "plain": ACTIVATION_COLOURS["identity"],
    "residual": ACTIVATION_COLOURS["leaky_relu"],
    "residual_layer": ACTIVATION_COLOURS["relu"],
}


def per_layer_chart(frame: pd.DataFrame, x: str, y: str, colour: str, **kw: Any) -> alt.LayerChart:
    """:func:`ui.charts.line_chart` on a log y axis whose labels are all powers of ten
    written alike (``1e-8``, ``1e-6``, …, ``1e-2``), for quantities per layer that span
    many decades (the builder's compact ``~g`` mixes ``0.000001`` with ``1e-8``)."""
    chart = line_chart(frame, x, y, colour, log_y=True, **kw)
    for layer in chart.layer:
        if layer.encoding.y is not alt.Undefined:
            layer.encoding.y.axis = alt.Axis(format="~e")
    return chart
