"""Dead ReLU: when ReLU units stop learning, and what fixes it (see sections/dead_relu)."""

from sections.dead_relu import NAME, REFERENCES, SECTIONS, read_settings
from ui.frame import frame

fr = frame(NAME)
fr.heading()
fr.run(SECTIONS, read_settings, REFERENCES)
