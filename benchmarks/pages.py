"""Every page's cold run and warm rerun, through Streamlit's AppTest.

    python -m benchmarks.pages [--write] [--runs 5]

* **cold**: a fresh AppTest run of the page with its caches cleared
  (``st.cache_data.clear()`` and ``ui.cache.clear_view_memo()``), i.e. the first visitor after a server start;
* **warm**: after that run, one control is changed (the first bound slider
  moved one step, or the first toggle flipped) and changed back, and the
  rerun back to the cached state is timed — a learner returning to a setting.

Wall time (``time.perf_counter``), median and maximum over ``--runs`` runs.
Targets (on a 2-core machine): warm median < 0.3 s and p95 < 0.8 s,
cold < 3 s with progress shown for anything longer. AppTest runs the script in
this process, so these numbers leave out the browser and the network.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from apptest_utils import bound_widgets, open_page  # noqa: E402

from benchmarks.common import table, write_section  # noqa: E402
from ui.cache import clear_view_memo  # noqa: E402
from ui.frame import available_pages  # noqa: E402


def _nudge(at) -> tuple[str, object, object] | None:
    """A control to change and its two values (changed, original)."""
    for key, widget in bound_widgets(at).items():
        kind = type(widget).__name__
        if key == "lang":
            continue
        if kind == "Slider" and isinstance(widget.value, int):
            lo, hi = widget.min, widget.max
            new = widget.value + 1 if widget.value < hi else widget.value - 1
            if lo <= new <= hi:
                return key, new, widget.value
        if kind in ("Toggle", "Checkbox"):
            return key, not widget.value, widget.value
    return None


def measure(info, runs: int) -> dict[str, float | str]:
    cold, warm = [], []
    nudged = ""
    for _ in range(runs):
        st.cache_data.clear()
        clear_view_memo()  # views and runs kept outside the data cache
        t0 = time.perf_counter()
        at = open_page(info)
        cold.append(time.perf_counter() - t0)
        step = _nudge(at)
        if step is None:
            continue
        key, new, old = step
        nudged = key
        bound_widgets(at)[key].set_value(new)
        at.run()
        bound_widgets(at)[key].set_value(old)
        t0 = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t0)
    return {
        "page": info.name, "control": nudged,
        "cold_median": statistics.median(cold), "cold_max": max(cold),
        "warm_median": statistics.median(warm) if warm else float("nan"),
        "warm_max": max(warm) if warm else float("nan"),
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true")
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args(argv)
    rows = []
    for info in available_pages():
        r = measure(info, args.runs)
        rows.append([r["page"], f"`{r['control']}`", f"{r['cold_median']:.2f} s",
                     f"{r['cold_max']:.2f} s", f"{r['warm_median']:.3f} s", f"{r['warm_max']:.3f} s"])
        print(rows[-1], flush=True)
    body = table(["page", "control changed", "cold median", "cold max", "warm median", "warm max"],
                 rows)
    body += f"\n\nAppTest, {args.runs} runs per page, wall time on this machine (see *Machine*)."
    print(body)
    if args.write:
        write_section("pages", body)


if __name__ == "__main__":
    main()
