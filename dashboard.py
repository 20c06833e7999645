"""Activation Lab — the entry script and home page: the question, and one experiment
that answers it (see sections/home)."""

from sections.home import NAME, REFERENCES, SECTIONS, read_settings
from ui.frame import frame

fr = frame(NAME)
fr.heading()
fr.run(SECTIONS, read_settings, REFERENCES)
