"""The lesson's answers at every setting it offers, as JSON: what ``test_readings_stable``
compares across processors for the lesson.

    python tests/lesson_probe.py [--perturb REL] [--only code,...]

Runs every step's experiment (the pages' cached computations, called as the lesson calls
them) at every combination of its settings and prints ``{"code": {"settings": [answer,
{number: value}]}}``. ``--perturb REL`` changes every initial weight by one part in
``1/REL`` first (see ``readings_probe.perturb_initial_weights``).
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


def settings_of(step) -> list[dict]:
    """Every combination of the step's options."""
    return [dict(zip([c.name for c in step.controls], combo, strict=True))
            for combo in itertools.product(*(c.options for c in step.controls))]


def _plain(x):
    """A measured number as JSON: floats as floats (not finite: None), the rest as is."""
    if isinstance(x, float):
        return float(x) if math.isfinite(x) else None
    return x


def answers(only: set[str] | None = None) -> dict[str, dict[str, list]]:
    """``{code: {settings: [answer, numbers]}}`` for every step (or those in `only`)."""
    from sections.lesson.steps import STEPS

    out: dict[str, dict[str, list]] = {}
    for step in STEPS:
        if only is not None and step.code not in only:
            continue
        out[step.code] = {}
        for v in settings_of(step):
            m = step.experiment(v, "")
            out[step.code][json.dumps(v, sort_keys=True)] = [
                _plain(step.rule(m)), {k: _plain(x) for k, x in m.numbers.items()}]
    return out


def main() -> None:
    from readings_probe import run_probe

    run_probe(answers, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
