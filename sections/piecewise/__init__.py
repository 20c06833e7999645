"""Piecewise ReLU: a ReLU network computes a continuous piecewise-linear function
(claim C9 of docs/science.md).

Pieces are counted exactly from the weights (``core.pieces``); a typed target
formula is parsed by ``core.formula`` (a whitelist, never ``eval``). The sections:
a trained curve fit, one layer's hinges, depth (Telgarsky's tents against one
layer, random and trained networks), Yarotsky's x², linear regions in the plane,
and the step function honestly.
"""

from sections.piecewise import depth, fit, hinge, regions, step, yarotsky
from sections.piecewise.settings import NAME, read_settings

#: The page's sections in reading order (URL ``view``; the first is the default).
SECTIONS = {
    "fit": fit.draw,
    "hinge": hinge.draw,
    "depth": depth.draw,
    "yarotsky": yarotsky.draw,
    "regions": regions.draw,
    "step": step.draw,
}
#: Every paper a section of the page cites, for the page's References expander.
REFERENCES = ("telgarsky2016", "yarotsky2017", "hanin2019")

__all__ = ["NAME", "REFERENCES", "SECTIONS", "read_settings"]
