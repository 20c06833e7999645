"""Every chart the app draws is built here; pages say *what* to draw, never *how*.

* :mod:`ui.charts.palette` — every colour the app draws and the one colour
  language (class and sign, gradient sizes, activations) its docstring states.
* :mod:`ui.charts.lines` — :func:`line_chart`, the one builder for curves
  (dashes, log axes, bands, reference lines), and helpers to thin and clean
  curve data.
* :mod:`ui.charts.images` — probability maps and layer x epoch heatmaps drawn
  as one image each.
* :mod:`ui.charts.spec` — :func:`vega_spec` (Altair chart -> Vega-Lite spec
  with Arrow data) and :func:`compiled` (that, cached on the builder's code
  and arguments).
* One module per page for the charts only that page draws
  (``ui/charts/<page>.py``).

Draw a chart with :func:`ui.export.chart_block` (title, chart, caption and
its *Download* menu), or several side by side with :func:`ui.export.chart_row`.
"""

from ui.charts.images import MAP_OPACITY, boundary_chart, image_heatmap, png_bytes, probability_png
from ui.charts.lines import (
    MAX_POINTS,
    POINT_MARKS,
    activation_legend,
    downsample,
    finite_positive,
    line_chart,
    only,
)
from ui.charts.palette import (
    ACTIVATION_COLOURS,
    CLASS_COLOURS,
    GRADIENT_RAMP,
    SIGN_RAMP,
    VIRIDIS,
    activation_colour,
    activation_scale,
    class_scale,
    colour_scale,
    probability_scale,
)
from ui.charts.spec import SPEC_CACHE_ENTRIES, compiled, inline_spec, vega_spec

__all__ = [
    "ACTIVATION_COLOURS",
    "CLASS_COLOURS",
    "GRADIENT_RAMP",
    "MAP_OPACITY",
    "MAX_POINTS",
    "POINT_MARKS",
    "SIGN_RAMP",
    "SPEC_CACHE_ENTRIES",
    "VIRIDIS",
    "activation_colour",
    "activation_legend",
    "activation_scale",
    "boundary_chart",
    "class_scale",
    "colour_scale",
    "compiled",
    "downsample",
    "finite_positive",
    "image_heatmap",
    "inline_spec",
    "line_chart",
    "only",
    "png_bytes",
    "probability_png",
    "probability_scale",
    "vega_spec",
]
