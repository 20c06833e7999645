"""Function shapes: every activation and its slope, the chain of slopes, depth without a
non-linearity, and the loss for a sigmoid output (see sections/shapes)."""

from sections.shapes import NAME, REFERENCES, SECTIONS, read_settings
from ui.frame import frame

fr = frame(NAME)
fr.heading()
fr.run(SECTIONS, read_settings, REFERENCES)
