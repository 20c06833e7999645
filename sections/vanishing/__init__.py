"""Gradient vanishing with depth: per layer, the back-propagated signal, how much each layer
still depends on the input, and the weight gradient — at initialisation and during
training, across depth, activation and initialisation (claims C4–C7 of docs/science.md)."""

from sections.vanishing import at_init, boundary, cures, explain, settings, sweep, training
from sections.vanishing.presets import preset_row
from sections.vanishing.settings import NAME, VanishingSettings
from ui.frame import Frame

#: The page's sections in reading order (URL ``view``; the first is the default).
SECTIONS = {
    "init": at_init.draw,
    "train": training.draw,
    "boundary": boundary.draw,
    "sweep": sweep.draw,
    "explain": explain.draw,
    "cures": cures.draw,
}
#: The page's sources, listed in its References expander (ui.references keys).
REFERENCES = ("glorot2010", "he2015", "nielsen2015", "kingma2015", "pascanu2013", "he2016",
              "ioffe2015", "ba2016", "poole2016", "schoenholz2017")



def read_settings(fr: Frame) -> VanishingSettings:
    """The classic experiments (top of the sidebar), then the sidebar controls and their values.

    The presets' buttons write the controls' values in a callback, before the widgets
    exist (:func:`sections.vanishing.presets.apply`).
    """
    preset_row(fr.t)
    return settings.read_settings(fr)


__all__ = ["NAME", "REFERENCES", "SECTIONS", "read_settings"]
