"""Server memory under uploads: the largest training, uploaded, on a real `streamlit run` server.

    python -m benchmarks.upload_memory                       # print the table
    python -m benchmarks.upload_memory --before 8b3cac3      # ... and the app at a git revision
    python -m benchmarks.upload_memory --write               # ... into BENCHMARKS.md

Rounds of visitors (headless Chromium, one browser context each) open
``/vanishing?view=train&data=upload&depth=50&width=128&epochs=300``, upload a 5,000 × 30
file (29 features and a class label: the upload limits) and wait for the training to
end; then they leave. After each round the server is *settled*: Streamlit drops a
disconnected session `SESSION_TTL` seconds after it left (120 s by default; 1 s here so
that minutes show what a class does over hours) when another session disconnects, so
two short visits follow, and then the server's resident memory is read. A thread samples
it every 0.1 s for the peak. ``--before REV`` runs the same against the app as it was at
git revision REV (a copy made with ``git archive``).

``tests/test_load.py::test_upload_soak_memory_plateaus`` runs a shorter version (two
visitors a round, one activation: the guard then trains it on all 3,750 rows) and asserts its bounds.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from harness import AppPage, StreamlitServer, chromium  # noqa: E402

from benchmarks.common import table, write_section  # noqa: E402

#: The heaviest request: the largest network the vanishing page trains, on an upload.
UPLOAD_VIEW = "view=train&data=upload&depth=50&width=128&epochs=300"
#: Seconds a disconnected session is kept by the measured server (Streamlit: 120).
SESSION_TTL = 1


def rss_mb(pid: int) -> float:
    """Resident memory of process `pid` and its children, MiB."""
    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


def upload_file(folder: Path) -> Path:
    """5,000 rows × 30 columns (29 features and a class label), just under 1 MB."""
    rng = np.random.default_rng(25)
    X = rng.standard_normal((5000, 29))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    path = folder / "upload-5000x30.csv"
    lines = [",".join([*(f"x{j}" for j in range(29)), "label"])]
    lines += [",".join([*(f"{v:.3f}" for v in row), str(label)]) for row, label in zip(X, y, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


class PeakRss:
    """The largest resident memory of a process (and its children), sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(0.1)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def upload_session(browser, base: str, path: Path, view: str = UPLOAD_VIEW):
    """A new visitor opens `view`, uploads the file and waits for the training to end.

    Returns the visitor's browser context (still open) and the page's text.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    app = AppPage(context.new_page(), base).goto("vanishing", view)
    sidebar = app.page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Your own data").click()
    app.rerun(lambda: sidebar.locator('input[type="file"]').set_input_files(str(path)), timeout=600)
    app.wait_idle(600)
    return context, app.text(), app.exceptions()


def settled_rss(browser, base: str, pid: int) -> float:
    """Resident memory once the visitors that just left are gone: two short visits (the
    first one's disconnect makes Streamlit drop sessions past their TTL; the second one's
    run lets the app hand what they held back to the system)."""
    for _ in range(2):
        time.sleep(SESSION_TTL + 0.5)
        context = browser.new_context()
        AppPage(context.new_page(), base).goto("shapes", "view=facts")
        context.close()
    time.sleep(1)
    return rss_mb(pid)


def soak(rounds: int, sessions: int, root: Path = ROOT, view: str = UPLOAD_VIEW) -> dict:
    """Run the scenario against the app in `root` (visitors open `view` of the vanishing
    page); its memory figures (MiB)."""
    options = {"server.disconnectedSessionTTL": str(SESSION_TTL)}
    with tempfile.TemporaryDirectory() as tmp, StreamlitServer(root=root, options=options) as server, \
            chromium() as browser:
        assert server.proc is not None
        pid, path = server.proc.pid, upload_file(Path(tmp))
        idle = settled_rss(browser, server.url, pid)
        after, problems = [], []
        with PeakRss(pid) as peak:
            for _ in range(rounds):
                visits = [upload_session(browser, server.url, path, view) for _ in range(sessions)]
                for context, text, exceptions in visits:
                    if exceptions or "points of your uploaded file" not in text:
                        problems.append(text[-1500:])
                    context.close()
                after.append(settled_rss(browser, server.url, pid))
    return {"idle": idle, "after": after, "peak": peak.peak, "problems": problems}


def _row(name: str, r: dict) -> list[str]:
    after = r["after"]
    return [name, f"{r['idle']:.0f}", " → ".join(f"{a:.0f}" for a in after),
            f"**{max(after[1:], default=after[0]) - after[0]:+.0f}**", f"{after[-1] - r['idle']:+.0f}",
            f"{r['peak']:.0f}", f"**{r['peak'] - r['idle']:.0f}**"]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    p.add_argument("--before", metavar="REV", help="also measure the app at git revision REV")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--sessions", type=int, default=4)
    args = p.parse_args(argv)
    rows = []
    if args.before:
        with tempfile.TemporaryDirectory() as old:
            archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, capture_output=True,
                                     check=True).stdout
            subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
            rows.append(_row(f"at {args.before}", soak(args.rounds, args.sessions, Path(old))))
    now = soak(args.rounds, args.sessions)
    if now["problems"]:
        raise SystemExit("a visit did not train on the upload:\n" + "\n---\n".join(now["problems"]))
    rows.append(_row("now", now))
    body = (f"{args.sessions} visitors a round, {args.rounds} rounds, each uploading 5,000 × 30 and "
            f"training `/vanishing?{UPLOAD_VIEW}`; server RSS in MiB, settled after each round "
            f"(disconnected sessions kept {SESSION_TTL} s instead of 120 s).\n\n"
            + table(["app", "idle", "after each round", "most above the first round",
                     "left after the last round", "peak", "peak above idle"], rows))
    print(body)
    if args.write:
        write_section("upload_memory", body)


if __name__ == "__main__":
    main()
