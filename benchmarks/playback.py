"""The playground's live playback in real headless Chromium: how fast the epoch counter moves.

    python -m benchmarks.playback [--write] [--seconds 10] [--configs default spiral ...]

For each network (:data:`CONFIGS`, Playground-sized first) it starts one
``streamlit run`` server (``tests/harness.py``), opens ``/playground`` with the
network's link, presses the component's Play button and, after a warm-up of two
seconds, counts for ``--seconds`` how often the counter "Epoch N" changed (the
component counts its own updates in ``data-updates``) and how far N went. A
``requestAnimationFrame`` sampler in the page records when each update landed, so
the longest wait between two updates (a stall while the next chunk is on its way)
is reported too. Then Pause is pressed and timed from the click to the app being
idle again (``AppPage.rerun``): the normal rerun a learner waits for.

In the same process, without a browser, it also times the server's side of one
chunk (``sections.playground.run.train_chunk``: training plus every frame's
numbers) and measures the JSON the browser gets for that chunk.

Nothing here is asserted; ``--write`` puts the table into BENCHMARKS.md
(``<!-- bench:playback -->``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from harness import AppPage, StreamlitServer, chromium  # noqa: E402

from benchmarks.common import table, write_section  # noqa: E402

ALL = "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2"
#: name -> (what it is, the page's query).
CONFIGS: dict[str, tuple[str, str]] = {
    "default": ("Playground's default: circle, tanh, 4,2, features x₁ x₂", ""),
    "spiral": ("sigmoid spiral: 6,6,4, four features", "data=spiral&act=sigmoid&shape=6,6,4"
               "&features=x1,x2,sinx1,sinx2"),
    "playground_max": ("Playground's largest: 6 × 8 ReLU, all seven features",
                       f"data=spiral&act=relu&shape=8,8,8,8,8,8&features={ALL}"),
    "regression": ("regression: multigauss (600 training points), 8,8 ReLU",
                   "data=multigauss&act=relu&shape=8,8"),
    "page_max": ("the page's largest: 8 × 16 tanh, all seven features",
                 f"data=spiral&shape={','.join(['16'] * 8)}&features={ALL}"),
}
SAMPLER = """() => {
  const host = document.querySelector('[data-testid="stBidiComponentIsolated"]');
  const root = host.shadowRoot.querySelector('[data-role="root"]');
  window.__pg = {root, times: [], last: root.dataset.updates};
  const tick = (t) => {
    const now = root.dataset.updates;
    if (now !== window.__pg.last) { window.__pg.times.push(t); window.__pg.last = now; }
    window.__pg.raf = requestAnimationFrame(tick);
  };
  window.__pg.raf = requestAnimationFrame(tick);
}"""
READ = """() => { const r = window.__pg.root;
  return {updates: Number(r.dataset.updates || 0), epoch: Number(r.dataset.epoch || 0),
          times: window.__pg.times, now: performance.now()}; }"""


def browser_numbers(app: AppPage, seconds: float) -> dict:
    """Press Play, warm up, count counter updates for `seconds`, then time Pause."""
    page = app.page
    page.locator('[data-role="epoch"]').wait_for(timeout=60_000)
    page.locator('[data-cmd="play"]').click()
    page.wait_for_timeout(2000)
    page.evaluate(SAMPLER)
    start = page.evaluate(READ)
    page.wait_for_timeout(seconds * 1000)
    end = page.evaluate(READ)
    times = [t for t in end["times"] if t >= start["now"]]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    elapsed = (end["now"] - start["now"]) / 1000
    # Pause: from the click to an idle app that has stayed idle (the pause's own
    # rerun done). Timed by the driver's clock: while playing, fragment reruns for
    # the next chunk are under way, so the page's own "run finished" mark can
    # belong to one of them and land before the click (it gave negative times).
    t0 = time.perf_counter()
    page.locator('[data-cmd="play"]').click()
    page.wait_for_timeout(100)
    app.wait_idle()  # idle, then idle again after 0.3 s
    pause = time.perf_counter() - t0 - 0.3
    return {
        "updates_per_s": (end["updates"] - start["updates"]) / elapsed,
        "epochs_per_s": (end["epoch"] - start["epoch"]) / elapsed,
        "longest_gap_s": max(gaps) / 1000 if gaps else float("nan"),
        "median_gap_s": statistics.median(gaps) / 1000 if gaps else float("nan"),
        "pause_s": pause,
    }


def server_numbers(query: str, repeats: int = 3) -> dict:
    """One chunk on the server (training + frames), and the JSON it sends, without a browser."""
    from urllib.parse import parse_qs

    from core.activations import ACTIVATIONS
    from core.datasets import DATASETS
    from sections.playground.data import PlaneData, builtin
    from sections.playground.frames import frame_stride
    from sections.playground.run import CHUNK, TIMELINES, RunSpec, new_run, train_chunk
    from sections.playground.settings import training_values

    q = {k: v[0] for k, v in parse_qs(query).items()}
    data = q.get("data", "circle")
    shape = tuple(int(w) for w in q.get("shape", "4,2").split(","))
    act = q.get("act", "tanh")
    assert act in ACTIVATIONS
    features = tuple(q.get("features", "x1,x2").split(","))
    Xtr, ytr, Xte, yte = builtin(data, 0.0, 0, 50)
    plane = PlaneData(data, data, DATASETS[data].task, Xtr, ytr, Xte, yte)
    spec = RunSpec(**training_values(features=features, shape=shape, acts=(act,) * len(shape)),
                   data_key=data, problem=plane.problem, chunk=CHUNK)
    times = []
    size = 0
    for _ in range(repeats):
        TIMELINES.clear()  # each repeat trains its chunk, as the first session of a link does
        run = new_run(spec, plane)
        t0 = time.perf_counter()
        train_chunk(run, plane, now=0.0)
        times.append(time.perf_counter() - t0)
        size = len(json.dumps([run.frames[e] for e in sorted(run.frames) if e > 0]))
    return {"chunk_s": statistics.median(times), "chunk_bytes": size,
            "stride": frame_stride(spec.sizes, CHUNK), "frames": CHUNK // frame_stride(spec.sizes, CHUNK)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--configs", nargs="*", default=list(CONFIGS))
    args = parser.parse_args()
    rows = []
    for name in args.configs:
        label, query = CONFIGS[name]
        srv = server_numbers(query)
        with StreamlitServer() as server, chromium() as browser:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            app = AppPage(context.new_page(), server.url).goto("playground", query)
            web = browser_numbers(app, args.seconds)
            context.close()
        print(name, srv, web, flush=True)
        rows.append([label, f"{web['updates_per_s']:.1f}", f"{web['epochs_per_s']:.1f}",
                     f"{web['median_gap_s'] * 1000:.0f} ms", f"{web['longest_gap_s']:.2f} s",
                     f"{web['pause_s']:.2f} s", f"{srv['chunk_s'] * 1000:.0f} ms",
                     f"{srv['frames']} × every {srv['stride']}",
                     f"{srv['chunk_bytes'] / 1000:.0f} kB"])
    body = table(["network", "counter updates / s", "epochs / s", "median gap", "longest gap",
                  "Pause → idle", "one chunk on the server", "frames per chunk", "chunk JSON"], rows)
    print(body)
    if args.write:
        write_section("playback", body)


if __name__ == "__main__":
    main()
