"""The lesson's steps, declared in one table (:data:`STEPS`), in the order of the argument.

Each :class:`Step` names its controls, its choices (or a typed number and its tolerance),
the experiment that measures the answer, the rule that turns the measurement into the
right choice, the page and section that go deeper (with the same settings in the link)
and the papers it rests on. Its texts are ``lesson.step.<code>.*`` in the catalogs:
``title``, ``question``, ``choice.<choice>``, ``measured`` (the verdict's sentence),
``explain`` (or ``explain.<answer>`` when the reason differs with the outcome),
``deeper`` (the link's text) and ``takeaway`` (the summary's line, true at every setting).
Adding a step is one row here and its texts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sections.lesson import experiments as ex
from sections.lesson import rules
from sections.lesson.experiments import Measured
from sections.lesson.numbers import Num, Pct
from sections.lesson.settings import Control
from sections.shapes.compute import DEEP_EPOCHS, DEEP_SIZES
from sections.shapes.settings import N_SAMPLES as SHAPES_SAMPLES

#: Where a deeper link goes: the page's script and the query that reproduces the step.
Link = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Typed:
    """A prediction typed as a number: what the box accepts, and how close counts as right
    (``tolerance`` relative to the measured answer; 0 asks for the exact number)."""

    lo: float
    hi: float
    step: float
    fmt: str
    tolerance: float


@dataclass(frozen=True)
class Step:
    """One predict-run-explain step (see the module docstring for its texts)."""

    code: str
    controls: tuple[Control, ...]
    experiment: Callable[[Mapping[str, Any], str], Measured]
    rule: Callable[[Measured], Any]
    link: Callable[[Mapping[str, Any]], Link]
    cites: tuple[str, ...]
    choices: tuple[str, ...] = ()
    typed: Typed | None = None
    #: The step's fixed settings its texts quote (``{layers}``), from the constants of
    #: the computations it calls, so the text cannot drift from the run.
    fixed: tuple[tuple[str, Any], ...] = ()

    def defaults(self) -> dict[str, Any]:
        """The lesson's settings of this step (what the answer key is measured at)."""
        return {c.name: c.default for c in self.controls}

    def is_right(self, prediction: Any, answer: Any) -> bool:
        """Whether `prediction` matches the measured `answer`."""
        if self.typed is None:
            return prediction == answer
        return abs(float(prediction) - float(answer)) <= self.typed.tolerance * abs(float(answer)) + 1e-9


ACT2 = ("sigmoid", "relu")
LEARNED = ("learned", Pct(rules.LEARNED))
WIDTH = ("width", ex.WIDTH)
ACT3 = ("sigmoid", "tanh", "relu")

STEPS: tuple[Step, ...] = (
    Step("linear",
         (Control("act", ("identity", "relu"), "identity", "act"),),
         ex.linear, rules.straight,
         lambda v: ("pages/shapes.py", {"view": "c1", "data": "moons"}),
         ("glorot2010",), choices=("line", "curve"),
         fixed=(("layers", len(DEEP_SIZES) - 2), ("width", DEEP_SIZES[1]), ("epochs", DEEP_EPOCHS),
                ("n", SHAPES_SAMPLES))),
    Step("slope",
         (Control("act", ACT3, "sigmoid", "act"),),
         ex.slope, lambda m: m.numbers["slope"],
         lambda v: ("pages/shapes.py", {"act": v["act"]}),
         ("nair2010", "glorot2011"), typed=Typed(0.0, 10.0, 0.01, "%.2f", 0.1),
         fixed=(("lo", Num(ex.CURVE_RANGE[0])), ("hi", Num(ex.CURVE_RANGE[1])))),
    Step("chain",
         (Control("act", ACT3, "sigmoid", "act"), Control("depth", (5, 10, 20), 10)),
         ex.chain,
         lambda m: rules.nearest_log(max(m.numbers["product"], 1e-300),
                                     {"one": 1.0, "milli": 1e-3, "micro": 1e-6, "pico": 1e-12}),
         lambda v: ("pages/shapes.py", {"view": "chain", "act": v["act"]}),
         ("glorot2010", "nielsen2015"), choices=("one", "milli", "micro", "pico")),
    Step("signal",
         (Control("act", ACT2, "sigmoid", "act"), Control("depth", (5, 10), 10)),
         ex.signal,
         lambda m: rules.nearest_log(m.numbers["ratio"], {"same": 1.0, "hundred": 1e2,
                                                          "million": 1e6}),
         lambda v: ("pages/vanishing.py", {"view": "init", "depth": v["depth"], "act": v["act"],
                                           "init": ex.PAIRED[v["act"]]}),
         ("glorot2010", "he2015"), choices=("same", "hundred", "million"), fixed=(WIDTH,)),
    Step("spread",
         (Control("act", ACT2, "sigmoid", "act"),
          Control("init", ("glorot_uniform", "he_normal"), "glorot_uniform", "init")),
         ex.spread, rules.what_shrinks,
         lambda v: ("pages/vanishing.py", {"view": "init", "act": v["act"], "init": v["init"]}),
         ("poole2016", "schoenholz2017"), choices=("level", "spread", "both", "neither"),
         fixed=(("depth", ex.SPREAD_DEPTH), ("factor", round(1 / rules.SHRUNK)), WIDTH)),
    Step("duel",
         (Control("depth", (2, 10), 10),),
         ex.duel,
         lambda m: rules.pair(rules.learned(m.numbers["sigmoid"]), rules.learned(m.numbers["relu"]),
                              ("sigmoid", "relu")),
         lambda v: ("dashboard.py", {"depth": v["depth"]}),
         ("glorot2011", "nielsen2015"), choices=("relu", "sigmoid", "both", "neither"),
         fixed=(WIDTH, ("epochs", ex.DUEL_EPOCHS), LEARNED)),
    Step("init",
         (Control("depth", (10, 30), 30),),
         ex.init,
         lambda m: rules.pair(rules.learned(m.numbers["glorot"], m.numbers["glorot_diverged"]),
                              rules.learned(m.numbers["he"], m.numbers["he_diverged"]),
                              ("glorot", "he")),
         lambda v: ("pages/vanishing.py", {"view": "train", "depth": v["depth"], "act": "relu",
                                           "init": "glorot_uniform", "init2": "he_normal",
                                           "opt": "momentum", "lr": ex.INIT_LR}),
         ("he2015", "glorot2010"), choices=("he", "glorot", "both", "neither"),
         fixed=(WIDTH, ("epochs", ex.INIT_EPOCHS), LEARNED)),
    Step("dead",
         (Control("lr", (0.3, 1, 3), 3),),
         ex.dead, rules.dead_share,
         lambda v: ("pages/dead_relu.py", {"lr": v["lr"]}),
         ("lu2020", "maas2013"), choices=("none", "few", "many"),
         fixed=(("layers", ex.DEAD_DEPTH), ("width", ex.DEAD_WIDTH),
                ("units", ex.DEAD_DEPTH * ex.DEAD_WIDTH), ("epochs", ex.DEAD_EPOCHS),
                ("few", Pct(rules.FEW)))),
    Step("pieces",
         (Control("k", tuple(range(1, 9)), 3),),
         ex.pieces, lambda m: m.numbers["pieces"],
         lambda v: ("pages/piecewise.py", {"view": "depth", "k": v["k"]}),
         ("telgarsky2016", "hanin2019"), typed=Typed(1, 10_000, 1, "%d", 0.0)),
    Step("cures",
         (Control("act", ACT2, "sigmoid", "act"),),
         ex.cures,
         lambda m: rules.pair(rules.learned(m.numbers["plain"], m.numbers["plain_diverged"]),
                              rules.learned(m.numbers["residual"], m.numbers["residual_diverged"]),
                              ("plain", "residual")),
         lambda v: ("pages/vanishing.py", {"view": "cures", "cdepth": ex.CURE_DEPTH,
                                           "cact": v["act"]}),
         ("he2016", "ba2016", "ioffe2015"), choices=("residual", "plain", "both", "neither"),
         fixed=(("depth", ex.CURE_DEPTH), ("epochs", ex.CURE_EPOCHS), WIDTH, LEARNED)),
    Step("today",
         (Control("depth", ex.TODAY_DEPTHS, ex.TODAY_DEPTHS[-1]),),
         ex.today,
         lambda m: rules.pair(rules.learned(m.numbers["plain"], m.numbers["plain_diverged"]),
                              rules.learned(m.numbers["residual_layer"],
                                            m.numbers["residual_layer_diverged"]),
                              ("plain", "residual_layer")),
         lambda v: ("pages/vanishing.py", {"view": "cures", "cdepth": v["depth"], "cact": "relu"}),
         ("he2016", "ba2016", "he2015"), choices=("residual_layer", "plain", "both", "neither"),
         fixed=(("epochs", ex.CURE_EPOCHS), WIDTH, LEARNED)),
)
#: The closing page after the steps: your turn on the Playground, and the summary.
FINALE = "finale"
CODES: tuple[str, ...] = tuple(s.code for s in STEPS)
