"""Slider-to-idle latency in a real headless Chromium, and the server's memory.

    python -m benchmarks.browser [--write] [--moves 10] [--pages shapes ...]

Starts ``streamlit run`` on a free loopback port (``tests/harness.py``), opens
each page, then moves the page's first sidebar slider one step right and one
step left, alternately, ``--moves`` times. Each move is timed from the key
press to the app's ``data-test-script-state`` returning to ``notRunning``
(a MutationObserver in the page records the moment). The first move of a page
computes a new setting (cold for that setting); the later ones return to
settings already cached, which is what a learner scrubbing back and forth gets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from harness import RERUN_DONE, WATCH_RERUN, AppPage, StreamlitServer, chromium  # noqa: E402

from benchmarks.common import table, write_section  # noqa: E402
from ui.frame import available_pages  # noqa: E402


def measure(app: AppPage, moves: int) -> list[float]:
    thumb = app.page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]')
    thumb = thumb.first
    times = []
    for i in range(moves):
        t0 = app.page.evaluate(WATCH_RERUN)
        thumb.focus()
        app.page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        app.page.wait_for_function(RERUN_DONE, timeout=180_000)
        times.append((app.page.evaluate("() => window.__done") - t0) / 1000)
    return times


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true")
    p.add_argument("--moves", type=int, default=10)
    p.add_argument("--pages", nargs="*", default=None,
                   help="page names to visit (default: every page)")
    args = p.parse_args(argv)
    rows = []
    rss = []
    with StreamlitServer() as server, chromium() as browser:
        server_proc = psutil.Process(server.proc.pid)
        rss.append(("after start", server_proc.memory_info().rss))
        for info in available_pages():
            if args.pages and info.name not in args.pages:
                continue
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            app = AppPage(context.new_page(), server.url).goto(info.url_path)
            times = measure(app, args.moves)
            warm = sorted(times[2:]) or sorted(times)
            p95 = warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))]
            rows.append([info.name, f"{times[0]:.2f} s", f"{statistics.median(warm):.3f} s",
                         f"{p95:.3f} s"])
            print(rows[-1], flush=True)
            context.close()
            rss.append((f"after {info.name}", server_proc.memory_info().rss))
        with open(f"/proc/{server.proc.pid}/status") as fh:
            peak = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM"))
    body = table(["page", "first move (new setting)", "warm median", "warm p95"], rows)
    body += (f"\n\nHeadless Chromium, {args.moves} moves per page of the first sidebar slider; "
             "warm = moves back to settings already computed (moves 3 onwards).")
    body += ("\n\nServer resident memory during the visit "
             "(every page with its defaults, then the moves):\n\n")
    body += table(["moment", "RSS"], [[m, f"{b / 2**20:.0f} MiB"] for m, b in rss])
    body += f"\n\nPeak resident memory of the server over the whole visit: **{peak / 2**20:.0f} MiB**."
    print(body)
    if args.write:
        write_section("browser", body)


if __name__ == "__main__":
    main()
