"""The sentences pages show at their defaults, as JSON: what ``test_readings_stable`` compares.

    python tests/readings_probe.py [--perturb REL] [--only page/section,...]

Opens every section of every page at its defaults through AppTest (the *Cures* section
only when asked for with ``--only``, and its experiments in :data:`EXTRA`) and prints
``{"page/section": [text, ...]}``: every markdown, info, success, warning, error and caption text and every
metric (``label: value``), in page order. Charts are not read.

``--perturb REL`` multiplies every initial weight of every network the pages build by
``1 + REL · ε`` (ε standard normal, drawn from a fixed seed per network): a last-bit
difference of the size another processor's BLAS kernel or SIMD path makes, applied
before the first step, so every later rounding step can amplify it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

#: Sections read only when asked for by name (``--only``): the *Cures* section, whose
#: trainings are chaotic in their rounding, so that only its words are compared
#: (``test_readings_stable.test_the_cures_verdicts_hold_on_another_processor``).
SKIPPED = {"vanishing/cures"}
#: More readings asked for by name: ``name -> (page, section, query)``, the Cures
#: section's other experiments at their defaults.
EXTRA = {"vanishing/cures/explode": ("vanishing", "cures", {"cure": "explode"}),
         "vanishing/cures/mix": ("vanishing", "cures", {"cure": "mix"})}
#: Seconds an AppTest run may take (the Cures section trains 15 deep networks at its defaults).
TIMEOUT = 900
KINDS = ("markdown", "info", "success", "warning", "error", "caption")


def other_blas_env() -> dict[str, str]:
    """Environment variables that make a new process multiply matrices with another OpenBLAS
    kernel than this process uses: ``OPENBLAS_CORETYPE``, on x86-64 with OpenBLAS only
    (``{}`` elsewhere, where the perturbed weights alone stand for another machine).

    Sandybridge's kernel (AVX) differs from Haswell's, SkylakeX's and Zen's, which
    processors of the last decade pick; on a machine that picks it, Nehalem's is used.
    """
    import platform

    from threadpoolctl import threadpool_info

    if platform.machine().lower() not in ("x86_64", "amd64"):
        return {}
    blas = [i for i in threadpool_info() if i.get("internal_api") == "openblas"]
    if not blas:
        return {}
    here = str(blas[0].get("architecture", "")).lower()
    return {"OPENBLAS_CORETYPE": "Nehalem" if here == "sandybridge" else "Sandybridge"}


def perturb_initial_weights(rel: float) -> None:
    """Multiply every network's initial weights by ``1 + rel · ε`` from now on."""
    import numpy as np

    from core.mlp import MLP

    made = MLP.__init__

    def init(self, *args, **kwargs) -> None:
        made(self, *args, **kwargs)
        rng = np.random.default_rng(20_241_205)
        for W in self.weights:
            W *= 1 + rel * rng.standard_normal(W.shape)

    MLP.__init__ = init


def readings(only: set[str] | None = None) -> dict[str, list[str]]:
    """``{"page/section": texts}`` of every page section at its defaults."""
    from apptest_utils import open_with, sections_of

    from ui.frame import PAGES

    opened = [(f"{info.name}/{code or ''}".rstrip("/"), info, code, {})
              for info in PAGES for code in sections_of(info)]
    opened += [(name, next(i for i in PAGES if i.name == page), code, query)
               for name, (page, code, query) in EXTRA.items()]
    out: dict[str, list[str]] = {}
    for name, info, code, query in opened:
        asked = only is not None and name in only
        if not asked and (only is not None or name in SKIPPED or name in EXTRA):
            continue
        at = open_with(info, code, query, timeout=TIMEOUT)
        texts = [f"exception: {e.value}" for e in at.exception]
        for element in at.main:
            texts.extend(_texts(element))
        out[name] = texts
    return out


def _texts(node) -> list[str]:
    """The texts of `node` and its children, in page order."""
    kind = getattr(node, "type", "")
    if kind in KINDS:
        return [str(node.value)]
    if kind == "metric":
        return [f"{node.label}: {node.value}"]
    found = []
    for child in getattr(node, "children", {}).values():
        found.extend(_texts(child))
    return found


def run_probe(collect, description: str) -> None:
    """A probe's command line: ``--perturb`` moves every initial weight first, ``--only``
    picks what `collect(only)` gathers; its result is printed as JSON for the test."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--perturb", type=float, default=0.0)
    p.add_argument("--only", default="")
    args = p.parse_args()
    if args.perturb:
        perturb_initial_weights(args.perturb)
    only = set(args.only.split(",")) if args.only else None
    print(json.dumps(collect(only), ensure_ascii=False))


def main() -> None:
    run_probe(readings, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
