"""Slider-to-idle latency in a real headless Chromium, and the server's memory.

    python -m benchmarks.browser [--write] [--moves 10] [--pages shapes ...]

Starts ``streamlit run`` on a free loopback port (``tests/harness.py``), opens
each page, then moves the page's first sidebar slider one step right and one
step left, alternately, ``--moves`` times; then opens each of the page's
other sections with its switch and does the same (``--section-moves`` times).
Each move is timed from the key press reaching the page (a ``keydown``
listener) to the app's ``data-test-script-state`` returning to ``notRunning``
(a MutationObserver in the page records the moment; see ``AppPage.rerun``).
Until session 4 the clock started before the driver focused the slider and
sent the key, ~15 ms of Playwright round trips that no learner waits for.
The first move of a page computes a new setting (cold for that setting); the later ones return to
settings already cached, which is what a learner scrubbing back and forth gets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from harness import AppPage, StreamlitServer, chromium  # noqa: E402

from benchmarks.common import table, write_section  # noqa: E402
from ui.frame import available_pages  # noqa: E402


def measure(app: AppPage, moves: int) -> list[float]:
    thumb = app.page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]')
    thumb = thumb.first

    def move(key: str) -> None:
        thumb.focus()
        app.page.keyboard.press(key)

    return [app.rerun(lambda i=i: move("ArrowRight" if i % 2 == 0 else "ArrowLeft"))
            for i in range(moves)]


def _row(name: str, times: list[float]) -> list[str]:
    warm = sorted(times[2:]) or sorted(times)
    p95 = warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))]
    return [name, f"{times[0]:.2f} s", f"{statistics.median(warm):.3f} s", f"{p95:.3f} s"]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true")
    p.add_argument("--moves", type=int, default=10)
    p.add_argument("--section-moves", type=int, default=8,
                   help="moves in each further section of a page (0: default sections only)")
    p.add_argument("--pages", nargs="*", default=None,
                   help="page names to visit (default: every page; --write needs every page)")
    args = p.parse_args(argv)
    if args.write and args.pages:
        p.error("--write records every page: leave out --pages")
    rows, section_rows = [], []
    rss = []
    with StreamlitServer() as server, chromium() as browser:
        server_proc = psutil.Process(server.proc.pid)
        rss.append(("after start", server_proc.memory_info().rss))
        for info in available_pages():
            if args.pages and info.name not in args.pages:
                continue
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            app = AppPage(context.new_page(), server.url).goto(info.url_path)
            rows.append(_row(info.name, measure(app, args.moves)))
            print(rows[-1], flush=True)
            rss.append((f"after {info.name}", server_proc.memory_info().rss))
            # The page's other sections: opened by the switch, then the same moves.
            for i in range(1, app.section_count(info.name) if args.section_moves else 0):
                app.open_section(info.name, i)
                code = parse_qs(urlsplit(app.page.url).query)["view"][0]
                section_rows.append(_row(f"{info.name} · {code}",
                                         measure(app, args.section_moves)))
                print(section_rows[-1], flush=True)
            context.close()
            if section_rows:
                rss.append((f"after {info.name}'s other sections", server_proc.memory_info().rss))
        with open(f"/proc/{server.proc.pid}/status") as fh:
            peak = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM"))
    head = ["page", "first move (new setting)", "warm median", "warm p95"]
    body = table(head, rows)
    body += (f"\n\nHeadless Chromium, {args.moves} moves per page of the first sidebar slider, "
             "in the section a page opens with; warm = moves back to settings already computed "
             "(moves 3 onwards).")
    if section_rows:
        body += ("\n\nEvery other section of each page, opened by its switch, "
                 f"{args.section_moves} moves of the same slider:\n\n")
        body += table(["page · section", *head[1:]], section_rows)
    body += ("\n\nServer resident memory during the visit "
             "(every page and section with its defaults, then the moves):\n\n")
    body += table(["moment", "RSS"], [[m, f"{b / 2**20:.0f} MiB"] for m, b in rss])
    body += f"\n\nPeak resident memory of the server over the whole visit: **{peak / 2**20:.0f} MiB**."
    print(body)
    if args.write:
        write_section("browser", body)


if __name__ == "__main__":
    main()
