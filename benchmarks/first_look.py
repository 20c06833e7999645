"""How long a page's first visitor waits for its first chart, as a ratio to home's.

    python -m benchmarks.first_look [--write] [--rounds 3] [--targets home cures ...]

Every target is opened by the first visitor of a fresh ``streamlit run`` (every cache
cold, the process just started), in headless Chromium at 1400×900. Two times are taken
from the navigation's start:

* **first chart**: the first chart of the page is drawn (a Vega-Lite chart with its
  canvas or SVG, or the Playground's diagram canvas): the moment the page has something
  to look at and learn from;
* **full page**: the first run has ended and the app is idle (every section trained).

Rounds interleave the targets (home in every round), and each ratio is the median over
rounds of the target's time over home's in the same round, so a burst of load on the
shared machine falls on both. The goal: no page's first chart over 2× home's.
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

from harness import IDLE, StreamlitServer, chromium  # noqa: E402

from benchmarks.common import table, write_section  # noqa: E402
from ui.frame import available_pages  # noqa: E402

#: Every page's default link, and the Cures section's shared link.
TARGETS: dict[str, str] = {
    **{info.name: info.url_path for info in available_pages()},
    "cures": "vanishing?view=cures",
}
#: True once a chart has drawn: a Vega-Lite canvas/SVG, or the diagram canvas inside the
#: Playground component's shadow root.
CHART_DRAWN = """() => {
  if (document.querySelector('[data-testid="stVegaLiteChart"] canvas, '
                             + '[data-testid="stVegaLiteChart"] svg')) return true;
  for (const host of document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')) {
    const c = host.shadowRoot && host.shadowRoot.querySelector('canvas');
    if (c && c.width > 0) return true;
  }
  return false;
}"""
NAV = '[data-testid="stSidebar"] [data-testid="stPageLink"]'


def first_visit(browser, link: str, timeout: float = 300.0) -> tuple[float, float]:
    """``(first chart, full page)`` seconds for the first visitor of a fresh server."""
    with StreamlitServer() as server:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        try:
            t0 = time.perf_counter()
            page.goto(f"{server.url}/{link}", wait_until="commit")
            page.wait_for_function(CHART_DRAWN, timeout=timeout * 1000, polling=50)
            chart = time.perf_counter() - t0
            page.wait_for_selector(NAV, timeout=timeout * 1000)
            page.wait_for_selector(IDLE, timeout=timeout * 1000)
            full = time.perf_counter() - t0
            if page.locator('[data-testid="stException"]').count():
                raise RuntimeError(f"{link}: the page shows an exception")
            return chart, full
        finally:
            context.close()


def run(rounds: int, targets: list[str]) -> dict[str, dict[str, float]]:
    """Per target: median seconds to first chart and full page, and medians of the
    per-round ratios to home's."""
    names = ["home", *[t for t in targets if t != "home"]]
    times: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    with chromium() as browser:
        for r in range(rounds):
            order = names[r % len(names):] + names[:r % len(names)]  # rotate who goes first
            for name in order:
                times[name].append(first_visit(browser, TARGETS[name]))
                print(f"round {r + 1} {name}: first chart {times[name][-1][0]:.2f} s, "
                      f"full page {times[name][-1][1]:.2f} s", flush=True)
    home = times["home"]
    return {n: {"chart": statistics.median(c for c, _ in ts),
                "full": statistics.median(f for _, f in ts),
                "chart_ratio": statistics.median(c / h[0] for (c, _), h in zip(ts, home, strict=True)),
                "full_ratio": statistics.median(f / h[1] for (_, f), h in zip(ts, home, strict=True))}
            for n, ts in times.items()}


def report(result: dict[str, dict[str, float]], rounds: int) -> str:
    rows = [[name, f"/{TARGETS[name]}", f"{r['chart']:.2f} s", f"{r['chart_ratio']:.2f}×",
             f"{r['full']:.2f} s", f"{r['full_ratio']:.2f}×"] for name, r in result.items()]
    return (table(["target", "link", "first chart (median)", "÷ home's", "full page (median)",
                   "÷ home's"], rows)
            + f"\n\n{rounds} rounds; each a fresh server per target; ratios are medians of "
              "per-round ratios. Goal: every first chart at most 2× home's.\n")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--targets", nargs="*", default=list(TARGETS), choices=list(TARGETS))
    a = p.parse_args(argv)
    text = report(run(a.rounds, a.targets), a.rounds)
    print(text)
    if a.write:
        write_section("first_look", text)


if __name__ == "__main__":
    main()
