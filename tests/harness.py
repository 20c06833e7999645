"""Browser harness: a real `streamlit run` server driven by Debian's Chromium.

Used by every browser test (``pytest -m browser``):

* :class:`StreamlitServer` starts ``streamlit run dashboard.py`` headless on a
  free loopback port and waits for ``/_stcore/health``;
* :func:`chromium_path` finds the browser (``CHROMIUM_PATH`` or
  ``/usr/bin/chromium``); tests skip with a clear reason when there is none,
  unless ``REQUIRE_BROWSER=1``, in which case they fail;
* :class:`AppPage` waits for the app's ``data-test-script-state="notRunning"``,
  checks charts and exceptions and saves full-page screenshots under
  ``artifacts/screenshots/``.

Playwright drives the browser through ``executable_path``; no browser is ever
downloaded.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
#: The app is idle: a script run has finished.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
#: Page script: start timing a rerun (returns ``performance.now()``); the moment
#: the app is idle again after a run lands in ``window.__done``
#: (see `RERUN_DONE`). Safe to call before every move: one observer per page.
#: The moment the learner's input reaches the page (the first key press or
#: pointer press after this call) lands in ``window.__input``: a move is timed
#: from there, not from before the driver's own round trips (focusing the
#: slider, sending the key: ~15 ms that no learner waits for).
#: A cached rerun can be so quick that Streamlit never shows the "running"
#: state in the DOM (start and finish land in one render), so the page's last
#: DOM change is tracked as well (see `RERUN_DONE`). So is the last change
#: inside a chart, or drawing call on a chart's canvas (``window.__lastChart``):
#: Vega draws charts from promises that can end after the run is over (see
#: `CHARTS_DRAWN`).
WATCH_RERUN = """() => {
  const el = document.querySelector('[data-testid="stApp"]');
  window.__sawRun = el.getAttribute('data-test-script-state') === 'running';
  window.__done = null;
  window.__t0 = performance.now();
  window.__lastMut = null;
  window.__lastChart = null;
  window.__input = null;
  if (window.__watching) return window.__t0;
  window.__watching = true;
  const input = () => { if (window.__input === null) window.__input = performance.now(); };
  document.addEventListener('keydown', input, true);
  document.addEventListener('pointerdown', input, true);
  new MutationObserver((records) => {
    // A fast run can start and finish before this callback: its record's old
    // value still says it was running.
    if (records.some(r => r.oldValue === 'running')) window.__sawRun = true;
    const s = el.getAttribute('data-test-script-state');
    if (s === 'running') window.__sawRun = true;
    if (window.__sawRun && s === 'notRunning' && window.__done === null) window.__done = performance.now();
  }).observe(el, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
  new MutationObserver((records) => {
    window.__lastMut = performance.now();
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (node && node.closest('[data-testid="stVegaLiteChart"]')) {
        window.__lastChart = window.__lastMut;
        break;
      }
    }
  }).observe(el, {subtree: true, childList: true, characterData: true, attributes: true});
  // A chart drawn on a canvas changes no DOM node when it redraws: note its drawing calls.
  const inChart = new WeakMap();
  const C = CanvasRenderingContext2D.prototype;
  for (const name of ['clearRect', 'fillRect', 'fill', 'stroke', 'drawImage', 'fillText']) {
    const draw = C[name];
    C[name] = function (...args) {
      // Only a yes is kept: a canvas can be drawn on before it is in the page.
      if (!inChart.get(this.canvas) && this.canvas.closest?.('[data-testid="stVegaLiteChart"]')) {
        inChart.set(this.canvas, true);
      }
      if (inChart.get(this.canvas)) window.__lastChart = performance.now();
      return draw.apply(this, args);
    };
  }
  return window.__t0;
}"""
#: Page function of the `WATCH_RERUN` result: the seconds from the input
#: reaching the page (or from `WATCH_RERUN` itself, if the action made no key
#: or pointer press) to the end of the run (`RERUN_DONE` must have passed).
ELAPSED = "(t0) => (window.__done - (window.__input ?? t0)) / 1000"
#: Page predicate, after `RERUN_DONE`: no chart has changed for 0.3 s (the
#: charts have finished drawing what the run sent them).
CHARTS_QUIET = """() => performance.now() - Math.max(window.__lastChart ?? 0, window.__done) > 300"""
#: Page function of the `WATCH_RERUN` result, after `CHARTS_QUIET`: the seconds
#: from the input to the later of the run's end and the last change in a chart.
CHARTS_DRAWN = """(t0) => (Math.max(window.__lastChart ?? 0, window.__done)
  - (window.__input ?? t0)) / 1000"""
#: Page predicate: the run started by the last move has finished. Either the
#: "running" state was seen and has ended, or (a run too quick to show that
#: state) the app is idle and its DOM has been quiet for 0.5 s after changing;
#: then ``window.__done`` is the time of the last change.
RERUN_DONE = """() => {
  if (window.__done !== null) return true;
  const el = document.querySelector('[data-testid="stApp"]');
  const now = performance.now();
  if (el.getAttribute('data-test-script-state') === 'notRunning' && window.__lastMut !== null
      && now - window.__lastMut > 500 && now - window.__t0 > 1000) {
    window.__done = window.__lastMut;
    return true;
  }
  return false;
}"""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """The Chromium to drive: ``$CHROMIUM_PATH``, else a Debian install, else None."""
    env = os.environ.get("CHROMIUM_PATH")
    if env:
        return env if Path(env).exists() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return None


def require_chromium() -> str:
    """Return Chromium's path, or skip (fail when ``REQUIRE_BROWSER=1``)."""
    path = chromium_path()
    if path is None:
        reason = (
            "no Chromium found (set CHROMIUM_PATH or install Debian's `chromium`); "
            "browser tests never download a browser"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - requirements-dev.txt installs it
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but the `playwright` package is missing")
        pytest.skip("the `playwright` package is not installed")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """``streamlit run dashboard.py`` on 127.0.0.1, started fresh and stopped after."""

    def __init__(self, startup_timeout: float = 60.0, root: Path = ROOT,
                 options: dict[str, str] | None = None) -> None:
        self.root = root  # the app's directory (another checkout, for A/B benchmarks)
        #: Extra ``--section.option value`` pairs for ``streamlit run``.
        self.options = dict(options or {})
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        self.log_path = ROOT / "artifacts" / "logs" / f"streamlit-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> StreamlitServer:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "dashboard.py",
                "--server.port", str(self.port),
                "--server.address", "127.0.0.1",
                "--server.headless", "true",
                "--browser.gatherUsageStats", "false",
                "--server.fileWatcherType", "none",
                *[part for key, value in self.options.items() for part in (f"--{key}", value)],
            ],
            cwd=self.root, stdout=log, stderr=subprocess.STDOUT, env=env,
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log_path}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise TimeoutError(f"streamlit did not become healthy; see {self.log_path}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (Playwright ``Browser``) from the system install."""
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class AppPage:
    """One browser tab on the app, with the checks every page test needs."""

    def __init__(self, page: object, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def goto(self, path: str = "", query: str = "") -> AppPage:
        return self.open_url(f"{self.base_url}/{path}" + (f"?{query}" if query else ""))

    def open_url(self, url: str) -> AppPage:
        """Load a full URL of the app (a share link, say) and wait for its first run."""
        self.page.goto(url, wait_until="domcontentloaded")
        # Before the websocket is up the app also reads "notRunning": wait for the
        # frame's nav, which every page draws first, then for the run to end.
        self.page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink"]',
                                    timeout=90_000)
        return self.wait_idle()

    def wait_idle(self, timeout: float = 90.0) -> AppPage:
        """Wait until a script run has finished and the app is idle."""
        self.page.wait_for_selector(IDLE, timeout=timeout * 1000)
        # Reruns queued by the first run (e.g. a URL fix) start right away; settle.
        self.page.wait_for_timeout(300)
        self.page.wait_for_selector(IDLE, timeout=timeout * 1000)
        return self

    def wait_charts(self, least: int = 0, timeout: float = 30.0) -> int:
        """Wait until at least `least` Vega-Lite charts are on the page and every one
        has drawn; return how many there are.

        On a busy machine a run that a first run queues (a URL fix, say) can start
        after :meth:`wait_idle` has settled, so the page can be idle for a moment
        before its charts come: `least` waits for them, then for the app to be idle.
        """
        charts = self.page.locator('[data-testid="stVegaLiteChart"]')
        if least:
            self.page.wait_for_function(
                "n => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length >= n",
                arg=least, timeout=timeout * 1000)
            self.wait_idle()
        n = charts.count()
        for i in range(n):
            charts.nth(i).locator("canvas, svg").first.wait_for(
                state="attached", timeout=timeout * 1000
            )
        return n

    def rerun(self, action: object, timeout: float = 180.0) -> float:
        """Do `action()` (a click, a key press) and wait for the rerun it starts.

        Returns the seconds from the input reaching the page (the key or
        pointer press; the call's start if the action made neither) to the app
        being idle again.
        """
        t0 = self._run(action, timeout)
        return self.page.evaluate(ELAPSED, t0)

    def _run(self, action: object, timeout: float) -> float:
        """Start the clock, do `action()`, wait for the run's end; the clock's start."""
        t0 = self.page.evaluate(WATCH_RERUN)
        action()
        self.page.wait_for_function(RERUN_DONE, timeout=timeout * 1000)
        return t0

    def rerun_drawn(self, action: object, timeout: float = 180.0) -> tuple[float, float]:
        """Like :meth:`rerun`, and also wait for the charts to finish drawing.

        Returns ``(idle, drawn)``: the seconds from the input to the app being
        idle (what :meth:`rerun` returns) and to the later of that and the last
        change inside a chart.
        """
        t0 = self._run(action, timeout)
        self.page.wait_for_function(CHARTS_QUIET, timeout=timeout * 1000)
        return self.page.evaluate(ELAPSED, t0), self.page.evaluate(CHARTS_DRAWN, t0)

    def open_section(self, page: str, index: int) -> AppPage:
        """Click the `index`-th button of the page's section switch and wait."""
        button = self.page.locator(f".st-key-_section_{page} button").nth(index)
        self.rerun(button.click)
        return self.wait_idle()

    def section_count(self, page: str) -> int:
        """How many sections the page's switch offers (0: no switch)."""
        return self.page.locator(f".st-key-_section_{page} button").count()

    def exceptions(self) -> int:
        return self.page.locator('[data-testid="stException"]').count()

    def text(self) -> str:
        return self.page.locator('[data-testid="stApp"]').inner_text()

    def screenshot(self, name: str) -> Path:
        """Save the whole page (Streamlit scrolls inside its own container, so
        the viewport is stretched to the content's height first)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        size = self.page.viewport_size or {"width": 1400, "height": 1000}
        height = self.page.evaluate(
            """() => Math.max(...[...document.querySelectorAll(
                '[data-testid="stMain"], [data-testid="stAppViewContainer"], section.main')]
                .map(e => e.scrollHeight), document.body.scrollHeight)"""
        )
        self.page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12000)})
        self.page.wait_for_timeout(500)
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size(size)
        return path
