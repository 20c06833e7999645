"""The lesson: the question answered step by step. At each step the learner predicts,
presses Run, and the run on screen gives the verdict (predict-observe-explain, White &
Gunstone 1992), from why depth needs a non-linearity (C1) to how 50-layer networks
train today; then their own turn on the Playground, and a summary.

* ``settings.py`` — the step picker (``step`` in the URL), classroom mode
  (``hide=answers``), and :class:`~sections.lesson.settings.Control`, how a step declares
  a control;
* ``steps.py`` — :data:`~sections.lesson.steps.STEPS`, the one table of the steps;
* ``experiments.py`` — each step's measurement, from the pages' cached computations;
* ``rules.py`` — the rules that turn a measurement into the right answer;
* ``view.py``, ``charts.py``, ``finale.py``, ``page.py`` — what is drawn;
* ``state.py`` — the session's predictions and verdicts; ``sheets.py`` — the teacher's
  worksheet and answer key.
"""

from sections.lesson.page import draw, titles
from sections.lesson.settings import NAME, LessonSettings
from sections.lesson.settings import read_settings as _read
from ui.frame import Frame


def read_settings(fr: Frame) -> LessonSettings:
    """The step picker and classroom mode (see :func:`sections.lesson.settings.read_settings`)."""
    return _read(fr, titles(fr.t))


#: The page is one section: the open step (its own picker chooses it, ``step`` in the URL).
SECTIONS = {"steps": draw}
#: Every paper a step cites, in the order of the steps, for the page's References expander.
REFERENCES = ("glorot2010", "nair2010", "glorot2011", "nielsen2015", "he2015", "poole2016",
              "schoenholz2017", "lu2020", "maas2013", "telgarsky2016", "hanin2019", "he2016",
              "ba2016", "ioffe2015")

__all__ = ["NAME", "REFERENCES", "SECTIONS", "read_settings"]
