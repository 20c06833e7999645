"""Piecewise ReLU: a ReLU network is a continuous piecewise-linear function (see sections/piecewise)."""

from sections.piecewise import NAME, REFERENCES, SECTIONS, read_settings
from ui.frame import frame

fr = frame(NAME)
fr.heading()
fr.run(SECTIONS, read_settings, REFERENCES)
