"""Function shapes: every activation and its slope, the chain of slopes, why depth
needs a non-linearity (claim C1 of docs/science.md) and why a sigmoid output pairs
with cross-entropy (C2)."""

from sections.shapes import c1, c2, chain, curves, facts
from sections.shapes.settings import NAME, read_settings

#: The page's sections in reading order (URL ``view``; the first is the default).
SECTIONS = {
    "curves": curves.draw,
    "facts": facts.draw,
    "chain": chain.draw,
    "c1": c1.draw,
    "c2": c2.draw,
}
#: Every paper a section of the page cites, for the page's References expander.
REFERENCES = ("nair2010", "maas2013", "clevert2016", "hendrycks2016", "elfwing2018",
              "glorot2010", "he2015")

__all__ = ["NAME", "REFERENCES", "SECTIONS", "read_settings"]
