"""The lesson: predict, run, and let the run say who was right, step by step from
"why not sigmoid?" to how deep networks train today (see sections/lesson)."""

from sections.lesson import NAME, REFERENCES, SECTIONS, read_settings
from ui.frame import frame

fr = frame(NAME)
fr.heading()
fr.run(SECTIONS, read_settings, REFERENCES)
