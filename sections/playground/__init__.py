"""Playground: watch a network learn, as in TensorFlow Playground, with the gradients it hides.

The same data sets, input features, controls and classroom links as TensorFlow
Playground (a pasted Playground link sets every control); a network diagram
whose every node shows its output over the plane, edges drawn by weight; live
playback trained chunk by chunk on the server (``run.py``) and animated in the
browser (``ui/components/playground.js``); and what Playground lacks: a gradient
view (|∂L/∂w| and ‖∂L/∂h‖ on a log scale), dead units marked with the reason, and
points you draw yourself. Claims C5 and C8 of docs/science.md are what the
gradient view and the dead marks show.
"""

from sections.playground import play
from sections.playground.settings import NAME, read_settings

#: One section: the playground itself (no switch is drawn for a page of one).
SECTIONS = {"play": play.draw}

#: The page's sources: the initialisations it offers (Glorot, He), ReLU's dead units,
#: and residual connections.
REFERENCES = ("glorot2010", "he2015", "nair2010", "he2016")

__all__ = ["NAME", "REFERENCES", "SECTIONS", "read_settings"]
