"""Dead ReLU: when ReLU units stop learning, how to see it, and what fixes it
(claim C8 of docs/science.md).

A unit is dead on the training set when its pre-activation is <= 0 for every
sample; for ReLU its incoming weights then get exactly zero gradient. The page
shows dead units appearing during training, inside one layer, after one big
step, at birth (Monte Carlo over initialisations) and under the usual remedies.
"""

from sections.dead_relu import born, layer, meaning, remedies, step, training
from sections.dead_relu.settings import NAME, read_settings

#: The page's sections in reading order (URL ``view``; the first is the default).
SECTIONS = {
    "training": training.draw,
    "layer": layer.draw,
    "step": step.draw,
    "born": born.draw,
    "remedies": remedies.draw,
    "meaning": meaning.draw,
}

#: The page's sources, listed in its References expander (keys of ui.references.PAPERS).
REFERENCES = ("nair2010", "glorot2011", "maas2013", "he2015", "clevert2016", "hendrycks2016",
              "elfwing2018", "lu2020")

__all__ = ["NAME", "REFERENCES", "SECTIONS", "read_settings"]
