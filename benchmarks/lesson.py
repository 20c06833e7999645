"""The lesson's steps: what a step's first Run costs, against home's first visit.

    python -m benchmarks.lesson [--write] [--rounds 3]

For every step at the lesson's settings, with every cache cleared first
(``st.cache_data.clear()``, ``ui.cache.clear_view_memo()``): the step's experiment
(``Step.experiment``, the pages' cached computations it calls) in **CPU time** and wall
time, and the same as a **ratio to home's first training** (``head_to_head`` at home's
defaults, measured in the same rounds): the reference a first visitor of the app already
waits for. Then the first **Run** of the three training steps through AppTest (the click's
whole rerun: the experiment, its progress bar, its chart and texts; wall time), the
**warm** rerun of a step already run (a learner coming back to it), and the answer key
(every step at the lesson's settings, cold).

Rounds are interleaved (reference, then each step, then again), and the median is taken:
a burst of load from another process hits all of them alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import logging  # noqa: E402

import streamlit as st  # noqa: E402

from benchmarks.common import table, write_section  # noqa: E402
from ui.cache import clear_view_memo  # noqa: E402

#: Steps whose Run trains networks for more than a moment (timed through AppTest too).
TRAINING = ("duel", "init", "cures", "today")


def _cold(fn: Callable[[], object]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of `fn()` with every cache empty."""
    st.cache_data.clear()
    clear_view_memo()
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - c0, time.perf_counter() - w0


def _home() -> object:
    from sections.home.compute import head_to_head
    from sections.home.settings import RunSpec

    return head_to_head(RunSpec(10, 32, 150, 0))


def experiments(rounds: int) -> list[list[str]]:
    """One row per step: cold CPU and wall seconds, and the CPU ratio to home's."""
    from sections.lesson.steps import STEPS

    fns = {"home": _home, **{s.code: (lambda s=s: s.experiment(s.defaults(), "")) for s in STEPS}}
    cpu: dict[str, list[float]] = {k: [] for k in fns}
    wall: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            c, w = _cold(fn)
            cpu[name].append(c)
            wall[name].append(w)
    home = statistics.median(cpu["home"])
    rows = [["home's first training (reference)", f"{home:.2f} s",
             f"{statistics.median(wall['home']):.2f} s", "1"]]
    for n, step in enumerate(STEPS, start=1):
        c = statistics.median(cpu[step.code])
        rows.append([f"{n} · `{step.code}`", f"{c:.2f} s", f"{statistics.median(wall[step.code]):.2f} s",
                     f"{c / home:.2f}"])
    return rows


def _apptest_run(code: str, rounds: int) -> tuple[float, float]:
    """Median wall seconds of the first Run of step `code` (caches cleared) and of a warm
    rerun after it, through AppTest."""
    from apptest_utils import open_page

    from sections.lesson.steps import STEPS
    from ui.frame import PAGES

    info = next(p for p in PAGES if p.name == "lesson")
    n, step = next((i, s) for i, s in enumerate(STEPS, start=1) if s.code == code)
    first, warm = [], []
    for _ in range(rounds):
        at = open_page(info, {"step": str(n)})
        at.radio(key=f"_predict_{code}").set_value(step.choices[0]).run()
        st.cache_data.clear()
        clear_view_memo()
        t0 = time.perf_counter()
        at.button(key=f"_run_{code}").click().run()
        first.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t0)
    return statistics.median(first), statistics.median(warm)


def answer_key() -> tuple[float, float]:
    from sections.lesson.sheets import answer_key as key
    from ui.i18n import Translator

    return _cold(lambda: key(Translator("en"), "/lesson"))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true")
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    rows = experiments(args.rounds)
    body = "Each step's experiment, cold, at the lesson's settings (median of " \
           f"{args.rounds} interleaved rounds):\n\n"
    body += table(["step", "CPU", "wall", "CPU ÷ home's"], rows)
    runs = [[f"`{code}`", *(f"{x:.2f} s" for x in _apptest_run(code, args.rounds))]
            for code in TRAINING]
    body += "\n\nThe first Run of a training step through AppTest (the whole rerun, caches " \
            "cleared; wall time) and a warm rerun of the step afterwards:\n\n"
    body += table(["step", "first Run", "warm rerun"], runs)
    cpu, wall = answer_key()
    body += f"\n\nThe answer key, every step cold: {cpu:.1f} s CPU, {wall:.1f} s wall."
    print(body)
    if args.write:
        write_section("lesson", body)


if __name__ == "__main__":
    main()
