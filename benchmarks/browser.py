"""Slider-to-idle latency in a real headless Chromium, and the server's memory.

    python -m benchmarks.browser [--write] [--moves 10] [--pages shapes ...]
    python -m benchmarks.browser --before REV [--pages vanishing]   # A/B against REV

Starts ``streamlit run`` on a free loopback port (``tests/harness.py``), opens
each page, then moves the page's first sidebar slider one step right and one
step left, alternately, ``--moves`` times; then opens each of the page's
other sections with its switch and does the same (``--section-moves`` times).
Each move is timed from the key press reaching the page (a ``keydown``
listener) to the app's ``data-test-script-state`` returning to ``notRunning``
(a MutationObserver in the page records the moment; see ``AppPage.rerun``).
The clock starts at the key press, not before the driver focuses the slider and
sends the key: that is ~15 ms of Playwright round trips that no learner waits for.
Each move is also timed to the last change inside any chart
(*charts drawn*; ``AppPage.rerun_drawn``): Vega draws a chart from promises
that can settle after the run has ended, most of all when a chart is built
again rather than updated, so the app can be idle before its charts are.
The first move of a page computes a new setting (cold for that setting); the later ones return to
settings already cached, which is what a learner scrubbing back and forth gets.

With ``--before REV`` the same moves run on two servers side by side, one serving
the app as it was at git revision ``REV`` (a temporary ``git worktree``) and one
the working tree, taking turns move by move. A busy spell on the shared machine
then falls on both alike, which two separate runs cannot promise (their
medians differ by ~±10%).

With ``--floor`` every page's default section is measured against Streamlit's
own floor: a second server runs a one-slider app (one sidebar slider and one
line of text that shows its value; the app's ``.streamlit/config.toml``, served
by the same ``streamlit run``), and the two take turns move by move as with
``--before``. The table gives each page's warm median and the ratio to the
floor's warm median over the same turns (issue 29's goal: at most 2x).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from harness import AppPage, StreamlitServer, chromium  # noqa: E402

from benchmarks.common import table, write_section  # noqa: E402
from ui.frame import SECTION_KEY, available_pages  # noqa: E402


def measure(app: AppPage, moves: int, first: int = 0) -> list[tuple[float, float]]:
    """``(idle, drawn)`` seconds per move of the first sidebar slider (see
    ``AppPage.rerun_drawn``): move `first` goes right, then they alternate (so
    every move from the third on returns to a computed setting)."""
    thumb = app.page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]')
    thumb = thumb.first

    def move(key: str) -> None:
        thumb.focus()
        app.page.keyboard.press(key)

    return [app.rerun_drawn(lambda i=i: move("ArrowRight" if i % 2 == 0 else "ArrowLeft"))
            for i in range(first, first + moves)]


def _view(app: AppPage) -> str:
    """The open section's code, from the address bar ("" before any switch)."""
    return parse_qs(urlsplit(app.page.url).query).get(SECTION_KEY, [""])[0]


def _warm(times: list[float]) -> tuple[float, float]:
    """Median and p95 of the warm moves (the third onwards)."""
    warm = sorted(times[2:]) or sorted(times)
    return statistics.median(warm), warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))]


def _row(name: str, moves: list[tuple[float, float]]) -> list[str]:
    idle, drawn = ([m[k] for m in moves] for k in (0, 1))
    (median, p95), (d_median, d_p95) = _warm(idle), _warm(drawn)
    return [name, f"{idle[0]:.2f} s", f"{median:.3f} s", f"{p95:.3f} s",
            f"{d_median:.3f} s / {d_p95:.3f} s"]


@contextlib.contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """The app as it was at git revision `rev`, in a temporary git worktree."""
    path = Path(tempfile.mkdtemp(prefix="activation-lab-"))
    subprocess.run(["git", "worktree", "add", "--detach", str(path), rev], cwd=ROOT,
                   check=True, capture_output=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT,
                       check=False, capture_output=True)


def compare(rev: str, pages: list[str] | None, moves: int, section_moves: int) -> str:
    """Every section as of `rev` and as now: two servers, the moves interleaved.

    The two apps take turns move by move (who goes first alternates), so a
    busy spell on the shared machine falls on both alike; the table gives the
    warm median and p95 of each and the ratio of the medians.
    """
    rows = []
    with checkout(rev) as old_root, StreamlitServer(root=old_root) as old, \
            StreamlitServer() as new, chromium() as browser:
        for info in available_pages():
            if pages and info.name not in pages:
                continue
            contexts = [browser.new_context(viewport={"width": 1400, "height": 1000})
                        for _ in range(2)]
            apps = [AppPage(c.new_page(), s.url).goto(info.url_path)
                    for c, s in zip(contexts, (old, new), strict=True)]
            count = min(app.section_count(info.name) for app in apps) if section_moves else 0
            for i in range(max(1, count)):
                for app in apps if i else ():
                    app.open_section(info.name, i)
                code = _view(apps[1])
                times: tuple[list, list] = ([], [])
                for r in range(moves if i == 0 else section_moves):
                    for j in ((0, 1) if r % 2 == 0 else (1, 0)):
                        times[j].extend(measure(apps[j], 1, first=r))
                row = [f"{info.name} · {code}" if code else info.name]
                for k in (0, 1):  # idle, then charts drawn
                    (m0, p0), (m1, p1) = (_warm([m[k] for m in t]) for t in times)
                    row += [f"{m0:.3f} s / {p0:.3f} s", f"{m1:.3f} s / {p1:.3f} s",
                            f"{m1 / m0:.2f}"]
                rows.append(row)
                print(rows[-1], flush=True)
            for c in contexts:
                c.close()
    return table(["page · section", f"idle at {rev} (median / p95)", "idle now", "now / before",
                  f"drawn at {rev}", "drawn now", "now / before"], rows)


#: The floor: a one-slider Streamlit app, the least a slider move can cost.
#: ``?n=N`` adds N lines of markdown that change with the slider, to price an element
#: in the same run (``--lines``).
FLOOR_APP = """import streamlit as st

value = st.sidebar.slider("x", 0, 100, 50)
st.write(f"x = {value}")
for i in range(int(st.query_params.get("n", "0"))):
    st.markdown(f"Line {i}: x = {value}")
"""


@contextlib.contextmanager
def floor_server() -> Iterator[StreamlitServer]:
    """``streamlit run`` on :data:`FLOOR_APP`, with the app's own config."""
    path = Path(tempfile.mkdtemp(prefix="activation-lab-floor-"))
    (path / ".streamlit").mkdir()
    (path / ".streamlit" / "config.toml").write_text(
        (ROOT / ".streamlit" / "config.toml").read_text())
    (path / "dashboard.py").write_text(FLOOR_APP)
    try:
        with StreamlitServer(root=path) as server:
            yield server
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _count_messages(app: AppPage) -> list[int]:
    """A list that grows by one per WebSocket message the tab receives."""
    seen: list[int] = []
    app.page.on("websocket", lambda ws: ws.on("framereceived", lambda _: seen.append(1)))
    return seen


def floor(pages: list[str] | None, moves: int, lines: list[int]) -> str:
    """Each page's default section against the one-slider app, moves interleaved.

    Also counts the WebSocket messages a move brings (one per element or block
    sent, plus a few for the run's start and end), and with `lines` measures the
    one-slider app with that many more lines of text against the plain one: what
    elements alone cost, in the same run.
    """
    rows = []
    load = []
    targets = [(info.name, info.url_path) for info in available_pages()
               if not pages or info.name in pages]
    targets += [(f"one slider + {n} lines of text", n) for n in lines]
    with floor_server() as base, StreamlitServer() as server, chromium() as browser:
        for name, where in targets:
            contexts = [browser.new_context(viewport={"width": 1400, "height": 1000})
                        for _ in range(2)]
            seen = [[], []]
            tabs = [AppPage(c.new_page(), "") for c in contexts]
            for tab, box in zip(tabs, seen, strict=True):
                box.append(_count_messages(tab))
            apps = [_open_floor_tab(tabs[0], base, 0)]
            if isinstance(where, int):
                apps.append(_open_floor_tab(tabs[1], base, where))
            else:
                tabs[1].base_url = server.url
                apps.append(tabs[1].goto(where))
            slider = '[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]'
            if not apps[1].page.locator(slider).count():
                rows.append([name, "no sidebar slider", *[""] * 8])
                print(rows[-1], flush=True)
                for c in contexts:
                    c.close()
                continue
            times: tuple[list, list] = ([], [])
            counts: tuple[list, list] = ([], [])
            for r in range(moves):
                for j in ((0, 1) if r % 2 == 0 else (1, 0)):
                    before = len(seen[j][0])
                    times[j].extend(measure(apps[j], 1, first=r))
                    counts[j].append(len(seen[j][0]) - before)
            load.append(os.getloadavg()[0])
            row = [name, f"{statistics.median(counts[1][2:]):.0f} / {statistics.median(counts[0][2:]):.0f}"]
            for k in (0, 1):  # idle, then charts drawn
                (m0, _), (m1, p1) = (_warm([m[k] for m in t]) for t in times)
                # Each turn's page move over the floor move beside it: a busy spell
                # that falls on one turn moves one ratio, not the medians of both.
                paired = statistics.median(p[k] / f[k] for f, p in zip(times[0][2:], times[1][2:],
                                                                        strict=True))
                row += [f"{m0:.3f} s", f"{m1:.3f} s / {p1:.3f} s", f"{m1 / m0:.2f}",
                        f"**{paired:.2f}**"]
            rows.append(row)
            print(rows[-1], flush=True)
            for c in contexts:
                c.close()
    body = table(["page (default section)", "messages per move (page / floor)",
                  "floor, idle (median)", "page, idle (median / p95)", "ratio of medians",
                  "median of paired ratios", "floor, drawn", "page, drawn", "ratio of medians",
                  "median of paired ratios"], rows)
    body += (f"\n\nWarm medians of {moves} moves per page (moves 3 onwards), the page and "
             "the one-slider app taking turns move by move; "
             "*median of paired ratios*: each page move over the floor move of the same turn. "
             "1-minute load average during the run "
             f"{min(load, default=0):.1f}-{max(load, default=0):.1f} on {os.cpu_count()} cores. "
             "*Messages per move*: WebSocket messages the tab receives from the key press to "
             "the end of the run, about one per element or block the run sends. The last "
             "rows put the one-slider app with that many more lines of markdown (changing "
             "with the slider) against the plain one: what elements alone cost.")
    return body


def _open_floor_tab(app: AppPage, server: StreamlitServer, lines: int) -> AppPage:
    app.base_url = server.url
    app.page.goto(server.url + (f"/?n={lines}" if lines else ""), wait_until="domcontentloaded")
    app.page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stSlider"]',
                               timeout=90_000)
    return app.wait_idle()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true")
    p.add_argument("--moves", type=int, default=10)
    p.add_argument("--section-moves", type=int, default=8,
                   help="moves in each further section of a page (0: default sections only)")
    p.add_argument("--pages", nargs="*", default=None,
                   help="page names to visit (default: every page; --write needs every page)")
    p.add_argument("--before", metavar="REV",
                   help="compare with the app at git revision REV (two servers, moves "
                        "interleaved); prints a table, never writes")
    p.add_argument("--floor", action="store_true",
                   help="each page's default section against a one-slider app (two servers, "
                        "moves interleaved); prints a table, never writes")
    p.add_argument("--lines", type=int, nargs="*", default=[50, 100],
                   help="with --floor: also the one-slider app with this many lines of text")
    args = p.parse_args(argv)
    if args.write and (args.pages or args.before):
        p.error("--write records every page as it is now: leave out --pages and --before")
    if args.floor:
        print(floor(args.pages, args.moves, args.lines))
        return
    if args.before:
        print(compare(args.before, args.pages, args.moves, args.section_moves))
        return
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
                section_rows.append(_row(f"{info.name} · {_view(app)}",
                                         measure(app, args.section_moves)))
                print(section_rows[-1], flush=True)
            context.close()
            if section_rows:
                rss.append((f"after {info.name}'s other sections", server_proc.memory_info().rss))
        with open(f"/proc/{server.proc.pid}/status") as fh:
            peak = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM"))
    head = ["page", "first move (new setting)", "warm median", "warm p95",
            "charts drawn: warm median / p95"]
    body = table(head, rows)
    body += (f"\n\nHeadless Chromium, {args.moves} moves per page of the first sidebar slider, "
             "in the section a page opens with; warm = moves back to settings already computed "
             "(moves 3 onwards). *Warm median / p95*: key press to the app's script state "
             "returning to not running (the page is usable again). *Charts drawn*: key press to the "
             "later of that and the last change inside a chart (Vega can finish drawing after "
             "the run has ended).")
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
