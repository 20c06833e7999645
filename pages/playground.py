"""Playground: watch a network learn, with its gradients and dead units (see sections/playground)."""

from sections.playground import NAME, REFERENCES, SECTIONS, read_settings
from ui.frame import frame

fr = frame(NAME)
fr.heading()
fr.run(SECTIONS, read_settings, REFERENCES)
