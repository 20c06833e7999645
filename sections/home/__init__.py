"""Home: the question, and one experiment that answers it.

The same deep network is trained twice on the same data, once with sigmoid
hidden units and once with ReLU; only the hidden activation (and the
initialisation commonly paired with it) differs. The page has one section, so
:meth:`ui.frame.Frame.show` draws no section switch.
"""

from sections.home import duel
from sections.home.settings import NAME, read_settings

#: The page's one section (URL ``view`` is not used on a page of one section).
SECTIONS = {"duel": duel.draw}

#: The page's sources, listed in its References expander (keys of ui.references.PAPERS).
REFERENCES = duel.SOURCES

__all__ = ["NAME", "REFERENCES", "SECTIONS", "read_settings"]
