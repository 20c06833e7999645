"""Gradient vanishing with depth (see sections/vanishing)."""

from sections.vanishing import NAME, REFERENCES, SECTIONS, read_settings
from ui.frame import frame

fr = frame(NAME)
fr.heading()
fr.run(SECTIONS, read_settings, REFERENCES)
