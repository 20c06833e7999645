"""Colours of the lesson's own series (its other charts are the pages' builders).

Every colour comes from the palette: a series that stands for an activation's usual
partner takes that activation's colour (He initialisation and the residual network
with ReLU's green), the rest the neutral grey and the class colours.
"""

from __future__ import annotations

from ui.charts.palette import ACTIVATION_COLOURS, CLASS_COLOURS

#: Series code -> colour, for the lesson's charts whose series are not activations.
SERIES_COLOURS: dict[str, str] = {
    "level": CLASS_COLOURS[0],
    "spread": CLASS_COLOURS[1],
    "glorot_uniform": ACTIVATION_COLOURS["identity"],
    "he_normal": ACTIVATION_COLOURS["relu"],
    "plain": ACTIVATION_COLOURS["identity"],
    "residual": ACTIVATION_COLOURS["leaky_relu"],
    "residual_layer": ACTIVATION_COLOURS["relu"],
}
