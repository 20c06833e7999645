"""What playing the Playground costs the server, measured without browsers.

    python -m benchmarks.play_capacity [--write] [--before REV] [--seconds 20] [--moves 7]
                                       [--parts ABCD] [--browser-seconds 20]

Every number comes from the functions a component request runs on the server
(``sections.playground.run.command``, which trains a chunk and makes its frames, then
the JSON of the frames it sends), called in-process by a *simulated browser*: it shows
one frame every 1/30 s and asks for more (``{"action": "more"}``) when a chunk or less
is left and 250 ms have passed since it last asked, as ``ui/components/playground.js``
does. So 10 sessions are 10 threads of one process, as Streamlit serves them, and not 10
Chromiums on two cores. What Streamlit adds to each request (the fragment rerun, the
protobuf, the websocket) is left out of A and B; C includes a whole page rerun.

A. **First frame after Play**: CPU seconds of the Play request (its first chunk and the
   frames' JSON) for each network of :data:`NETWORKS`: the page's opening network, TF
   Playground's default, the worst URL (8 layers of 16 ReLU units, every
   feature, batch 1, 90% training data) and the worst
   URL on a 5,000-row upload.
B. **CPU per playing session**: a session plays for ``--seconds`` of simulated time, or
   until its press of Play ends (1,000 epochs); the clock advances by each request's own
   CPU time, as on a free core. Its CPU time per second of play, and the epochs per
   second the counter moved.
C. **A slider move on another session while 10 sessions play**: 10 threads play in real
   time while an ``AppTest`` session moves the Playground's learning-rate slider
   (a whole rerun: a new network at epoch 0, the page drawn), ``--moves`` times; the
   median wall time of a move, with nobody else playing and with 10 players.

D. **Capacity**: the server's CPU per playing session per second of play, for
   :data:`CAPACITY`: the page's *opening network* (the page with no query string, as a
   class opens a teacher's link: the app's own defaults, read from the measured tree's
   control table), TensorFlow Playground's default (circle, x1 x2, tanh 4,2, batch 10,
   opened with its explicit query, :func:`query`) and Playground's largest (7 features,
   tanh 6 × 8), two ways:
   *in-process* (B's simulated browser: training, maps, encoding, the frames' JSON) and
   with *one real browser* (headless Chromium playing the page of ``streamlit run``, the
   CPU time of the server process over ``--browser-seconds`` of play, its idle CPU
   subtracted; so it counts everything: the fragment rerun, the component's data
   serialised and hashed, the websocket). The difference per request is Streamlit's
   share. Sessions per core is ``1 / (browser cores per session)`` at the updates per
   second the browser showed (the page's ``data-updates`` counter). Beside it, the
   play budget of ``sections/playground/run.py``: the guard's model of a frame update
   (what a chunk is charged) against the measured cost, and what ``PLAY_RATE`` allows.

E. **Where a chunk's time goes**: CPU milliseconds (median of 15) of the stages of one
   chunk, as the page plays it, of the networks of :data:`STAGES` (the opening network
   and TF Playground's default): training, the snapshots' views, the test losses (where
   they are separate), encoding the frames, their JSON.

``--before REV`` runs the same measurements on ``git archive REV`` (a copy of the app as
it was) in a subprocess (D's browser part serves that copy), for the before/after table.
Nothing is asserted; ``--write`` puts the tables into BENCHMARKS.md, in the section
``--section`` names (``<!-- bench:play_capacity -->`` by default; the *Capacity* section
has part D in ``capacity`` and part E in ``capacity_stages``)::

    python -m benchmarks.play_capacity --before cafba03 --parts D --section capacity --write \\
        --seconds 20 --browser-seconds 30
    python -m benchmarks.play_capacity --before cafba03 --parts E --section capacity_stages --write
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
ALL = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")


class Net(NamedTuple):
    """A network the benchmark plays: its data, and what the page trains on it."""

    data: str
    rows: int | None  # rows of an upload (None: a built-in data set)
    train: int  # training %
    shape: tuple[int, ...]
    acts: tuple[str, ...]  # one activation per hidden layer
    features: tuple[str, ...]
    batch: int
    noise: float = 0.0


#: The page with no query string: the Playground as a class opens it from a teacher's link.
OPENING = "opening network"
#: TensorFlow Playground's own default (circle, x1 x2, tanh 4,2, batch 10), which the
#: page opens on only with its query (:data:`CAPACITY`).
TF_DEFAULT = "TF Playground's default"
LARGEST = "Playground's largest"
#: name -> the network (None: the opening network, read from the measured tree's control
#: table, ``sections.playground.settings.DEFAULTS``, by :func:`network`).
NETWORKS: dict[str, Net | None] = {
    OPENING: None,
    TF_DEFAULT: Net("circle", None, 50, (4, 2), ("tanh",) * 2, ("x1", "x2"), 10),
    "worst URL": Net("plane", None, 90, (16,) * 8, ("relu",) * 8, ALL, 1),
    "worst URL, 5,000-row upload": Net("upload", 5000, 90, (16,) * 8, ("relu",) * 8, ALL, 1),
    LARGEST: Net("circle", None, 50, (8,) * 6, ("tanh",) * 6, ALL, 10),
}
#: The networks of part D (the page's query for each: :func:`query`).
CAPACITY = (OPENING, TF_DEFAULT, LARGEST)
#: The networks of part E.
STAGES = (OPENING, TF_DEFAULT)
FPS, GAP = 30, 0.25


def _modules():
    """The app's modules, from whichever tree is first on ``sys.path``."""
    from sections.playground import play as P
    from sections.playground import run as R
    from sections.playground import settings as S
    from sections.playground.data import PlaneData, builtin
    from ui.i18n import Translator

    return SimpleNamespace(R=R, P=P, S=S, PlaneData=PlaneData, builtin=builtin,
                           Translator=Translator)


def network(m, name: str) -> Net:
    """The network `name`; the opening network from the measured tree's ``DEFAULTS``."""
    net = NETWORKS[name]
    if net is not None:
        return net
    d = m.S.DEFAULTS
    shape = tuple(int(w) for w in str(d["shape"]).split(",") if w.strip())
    acts = tuple(a.strip() for a in str(d.get("acts") or "").split(",") if a.strip()) \
        or (str(d["act"]),) * len(shape)
    return Net(str(d["data"]), None, int(d["train"]), shape, acts, tuple(d["features"]),
               int(d["batch"]), float(d["noise"]))


def describe(net: Net) -> str:
    """``circle, x1 x2, sigmoid 6,6,6,6,6,6, batch 10``."""
    acts = net.acts[0] if len(set(net.acts)) == 1 else ",".join(net.acts)
    data = f"{net.rows:,}-row upload" if net.rows else net.data
    feats = "all 7 features" if net.features == ALL else " ".join(net.features)
    return f"{data}, {feats}, {acts} {','.join(map(str, net.shape))}, batch {net.batch}"


def query(m, name: str) -> str:
    """The Playground's query that opens `name`: none for the opening network, else every
    setting the benchmark names (the gradient view off, as a pasted Playground link opens)."""
    if NETWORKS[name] is None:
        return ""
    net = network(m, name)
    return (f"data={net.data}&train={net.train}&noise={net.noise:g}&batch={net.batch}"
            f"&features={','.join(net.features)}&shape={','.join(map(str, net.shape))}"
            f"&act={net.acts[0]}" + ("" if len(set(net.acts)) == 1 else f"&acts={','.join(net.acts)}")
            + "&grad=false")


def plane_of(m, name: str):
    import numpy as np

    net = network(m, name)
    data, rows, train = net.data, net.rows, net.train
    if rows is None:
        Xtr, ytr, Xte, yte = m.builtin(data, net.noise, 0, train)
        task = "regression" if data == "plane" else "classification"
        return m.PlaneData(data, data, task, Xtr, ytr, Xte, yte)
    rng = np.random.default_rng(0)
    X = rng.uniform(-6, 6, size=(rows, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    k = round(rows * train / 100)
    return m.PlaneData(f"upload{rows}", "upload", "classification", X[:k], y[:k], X[k:], y[k:])


def spec_of(m, name: str, plane):
    """The run the page would make: its chunk as the tree's own page code chooses it."""
    net = network(m, name)
    shape, feats = net.shape, net.features
    chosen = dict(features=feats, shape=shape, acts=net.acts, batch=net.batch)
    if hasattr(m.S, "training_values"):  # the page's defaults, from its control table
        training = m.S.training_values(**chosen)
    else:  # a tree from before the control table: its fields written out
        training = dict(residual=False, init="glorot_uniform", lr=0.03, reg="none", reg_rate=0.0,
                        seed=0, **chosen)
    spec = m.R.RunSpec(**training, data_key=plane.key, problem=plane.problem, chunk=m.R.CHUNK)
    if hasattr(m.R, "chunk_epochs_for"):
        chunk = m.R.chunk_epochs_for(spec, plane)
    else:  # before: the page asked the old guard (play.chunk_epochs reads shape and features)
        chunk = m.P.chunk_epochs(SimpleNamespace(shape=shape, features=feats), plane,
                                 m.Translator("en"))
    return dataclasses.replace(spec, chunk=chunk)


def budget(m, name: str) -> dict:
    """What the tree's play budget says of `name` (empty for a tree without one): the
    guard's model of a chunk (``run.chunk_work``), per frame update, and ``PLAY_RATE``."""
    R = m.R
    if not hasattr(R, "PLAY_RATE"):
        return {}
    plane = plane_of(m, name)
    spec = spec_of(m, name, plane)
    stride = R.frame_stride(spec.sizes, spec.chunk)
    updates = len({e for e in range(1, spec.chunk + 1) if e % stride == 0} | {spec.chunk})
    cost = R.chunk_work(spec, plane).seconds()
    return {"model_per_update": cost / updates, "play_rate": R.PLAY_RATE,
            "allowed_updates_per_s": min(FPS, R.PLAY_RATE * updates / cost)}


class Browser:
    """What ui/components/playground.js does while playing, driven by a clock `now`."""

    def __init__(self, m, name: str) -> None:
        self.m, self.plane = m, plane_of(m, name)
        self.run = m.R.new_run(spec_of(m, name, self.plane), self.plane)
        self.frames, self.pos, self.last_adv, self.next_ask = [0], 0, 0.0, 0.0
        self.cpu, self.asks = 0.0, 0

    def ask(self, cmd: dict, now: float) -> float:
        """One request: the command, then the JSON of the frames it sends; its CPU seconds."""
        t0 = time.thread_time()
        self.m.R.command(self.run, self.plane, cmd, now=now)
        sent = [self.run.frames[e] for e in self.run.sent]
        json.dumps(sent)
        spent = time.thread_time() - t0
        hint = getattr(self.m.R, "wait_hint", None)  # the page's wait hint, where it has one
        if hint is not None:
            self.next_ask = max(self.next_ask, now + hint(self.run, now))
        self.cpu += spent
        self.asks += 1
        self.frames += [f["e"] for f in sent if f["e"] > self.frames[-1]]
        return spent

    def play(self, now: float) -> float:
        self.last_adv = now
        return self.ask({"action": "play", "at": 0, "have": 0}, now)

    def tick(self, now: float) -> float:
        """Advance the animation to `now`; ask for more if due. CPU seconds spent asking."""
        while self.pos < len(self.frames) - 1 and now - self.last_adv >= 1 / FPS:
            self.pos += 1
            self.last_adv += 1 / FPS
        if self.pos == len(self.frames) - 1:
            self.last_adv = max(self.last_adv, now - 1 / FPS)  # waiting: no catching up later
        ahead = (len(self.frames) - 1 - self.pos) * self.run.stride
        if ahead <= self.run.chunk and now >= self.next_ask and self.run.stop is None:
            self.next_ask = now + GAP
            return self.ask({"action": "more", "have": self.frames[-1]}, now)
        return 0.0

    @property
    def epoch(self) -> int:
        return self.frames[self.pos]


def forget_shared(m) -> None:
    """Empty the tree's store of shared chunks (where it has one), so that a session
    measured alone trains every chunk itself, as the first session of a link does."""
    store = getattr(m.R, "TIMELINES", None)
    if store is not None:
        store.clear()


def first_frame(m, name: str, repeats: int) -> float:
    """CPU seconds of the Play request of a fresh run (median of `repeats`)."""
    out = []
    for _ in range(repeats):
        forget_shared(m)
        b = Browser(m, name)
        out.append(b.play(1000.0))
    return statistics.median(out)


def session_cpu(m, name: str, seconds: float) -> dict:
    """One session playing for `seconds` of simulated time (the clock moves by each
    request's CPU time, as on a free core, and by 1/60 s between ticks)."""
    forget_shared(m)
    b = Browser(m, name)
    start = now = 1000.0
    now += b.play(now)  # the Play request itself is part of the play
    while now - start < seconds and not (b.run.stop and b.pos == len(b.frames) - 1):
        now += b.tick(now) + 1 / 60
    played = now - start  # less than `seconds` when the play ended (1,000 epochs)
    return {"cpu_per_s": b.cpu / played, "epochs_per_s": b.epoch / played, "asks": b.asks,
            "asks_per_s": b.asks / played, "updates_per_s": b.pos / played, "chunk": b.run.chunk,
            "played": played}


def slider_moves(m, root: Path, players: str | None, n_players: int, moves: int) -> dict:
    """Median wall seconds of a learning-rate move on the Playground while players play."""
    from streamlit.testing.v1 import AppTest

    from ui.frame import PAGES

    page = next(p for p in PAGES if p.name == "playground")
    at = AppTest.from_file(str(root / "dashboard.py"), default_timeout=300)
    at.switch_page(page.script)
    at.run()
    rates = [0.1, 0.03]
    at.select_slider(key="lr").set_value(rates[0]).run()  # warm
    stop = threading.Event()
    served = []

    forget_shared(m)

    def player() -> None:
        b = Browser(m, players)
        b.play(time.monotonic())
        while not stop.is_set():
            b.tick(time.monotonic())
            time.sleep(1 / 60)
        served.append((b.cpu, b.epoch))

    threads = [threading.Thread(target=player, daemon=True) for _ in range(n_players if players else 0)]
    t_start = time.monotonic()
    for th in threads:
        th.start()
    time.sleep(2.0 if threads else 0.0)  # the players are under way
    walls = []
    for i in range(moves):
        t0 = time.perf_counter()
        at.select_slider(key="lr").set_value(rates[(i + 1) % 2]).run()
        walls.append(time.perf_counter() - t0)
        assert not at.exception, [e.value for e in at.exception]
    stop.set()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - t_start
    return {"median": statistics.median(walls), "max": max(walls),
            "players_cpu": sum(c for c, _ in served) / elapsed if served else 0.0,
            "players_epochs_per_s": statistics.mean(e for _, e in served) / elapsed if served else 0.0}


_ROOT_JS = """() => { const h = document.querySelector('[data-testid="stBidiComponentIsolated"]');
  const r = h && h.shadowRoot.querySelector('[data-role="root"]');
  return r ? [Number(r.dataset.epoch || 0), Number(r.dataset.updates || 0)] : [0, 0]; }"""


def browser_session(root: Path, query: str, seconds: float, warm: float = 3.0) -> dict:
    """One headless Chromium playing the Playground of ``streamlit run`` on `root`: the
    server process's CPU seconds per second of play (its idle rate subtracted), and the
    epochs and frame updates per second the page showed."""
    import psutil

    sys.path.insert(0, str(ROOT / "tests"))
    from harness import AppPage, StreamlitServer, chromium

    def cpu(p: psutil.Process) -> float:
        t = p.cpu_times()
        return t.user + t.system + t.children_user + t.children_system

    with StreamlitServer(root=root) as server, chromium() as browser:
        proc = psutil.Process(server.proc.pid)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        AppPage(page, server.url).goto("playground", query)
        page.wait_for_function("() => document.querySelector('[data-testid=\"stBidiComponentIsolated\"]')",
                               timeout=60_000)
        time.sleep(2.0)
        c0, t0 = cpu(proc), time.monotonic()
        time.sleep(3.0)
        idle = (cpu(proc) - c0) / (time.monotonic() - t0)
        page.locator('[data-cmd="play"]').click()
        time.sleep(warm)  # the first chunks, and the loop at its pace
        (e0, u0), c0, t0 = page.evaluate(_ROOT_JS), cpu(proc), time.monotonic()
        time.sleep(seconds)
        (e1, u1), c1, t1 = page.evaluate(_ROOT_JS), cpu(proc), time.monotonic()
    wall = t1 - t0
    return {"cpu_per_s": (c1 - c0) / wall - idle, "idle": idle, "epochs_per_s": (e1 - e0) / wall,
            "updates_per_s": (u1 - u0) / wall, "epoch_end": e1}


def _bare_steps(net, X, y, act: str = "tanh", epochs: int = 25, batch: int = 10,
                lr: float = 0.03) -> None:
    """The floor of a chunk's training: exactly the NumPy calls of its SGD steps (forward,
    backward, update; tanh or sigmoid hidden layers, sigmoid output) in a bare loop,
    without the metrics passes or any bookkeeping. A reference, not the app's code."""
    import numpy as np

    W = [w.copy() for w in net.weights]
    B = [b.copy() for b in net.biases]
    Y = np.asarray(y, dtype=np.float64)[:, None]
    L, n = len(W), batch
    ones = np.ones(n)
    z = [np.empty((n, w.shape[1])) for w in W]
    gw, gb = [np.empty_like(w) for w in W], [np.empty_like(b) for b in B]
    dh = [np.empty((n, w.shape[0])) for w in W]
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        perm = rng.permutation(len(X))
        Xp, Yp = X[perm], Y[perm]
        for k in range(0, len(X) - n + 1, n):
            h, hs = Xp[k:k + n], [Xp[k:k + n]]
            for i in range(L):
                np.matmul(h, W[i], out=z[i])
                z[i] += B[i]
                if i < L - 1:
                    if act == "tanh":
                        h = np.tanh(z[i])
                    else:  # sigmoid, 1 / (1 + e^-z)
                        h = np.exp(np.negative(z[i]))
                        h += 1
                        np.reciprocal(h, out=h)
                    hs.append(h)
            e = np.exp(-np.abs(z[-1]))
            r = 1 / (1 + e)
            delta = (np.where(z[-1] >= 0, r, e * r) - Yp[k:k + n]) / n
            for i in reversed(range(L)):
                np.matmul(hs[i].T, delta, out=gw[i])
                np.matmul(ones, delta, out=gb[i])
                if i == 0:
                    break
                g = np.matmul(delta, W[i].T, out=dh[i])
                if act == "tanh":  # 1 - h²
                    slope = np.multiply(hs[i], hs[i])
                    np.subtract(1, slope, out=slope)
                else:  # h (1 - h)
                    slope = np.subtract(1, hs[i])
                    slope *= hs[i]
                delta = np.multiply(g, slope, out=g)
            for p, g in zip(W + B, gw + gb, strict=True):
                p -= lr * g


FLOOR = "floor: the SGD steps' NumPy calls alone"


def stages(m, name: str, repeats: int = 15) -> dict:
    """Part E: median CPU milliseconds of each stage of one chunk of `name` (its own
    chunk size, stride and training settings, as the page plays it)."""
    b = Browser(m, name)
    run, plane, R = b.run, b.plane, m.R
    spec = run.spec
    X, Xt = R._inputs(spec, plane)
    net = run.net.copy()
    wanted = [e for e in range(1, spec.chunk + 1) if e % run.stride == 0] + [spec.chunk]

    def fit():
        return net.fit(X, plane.y_train, epochs=spec.chunk, lr=spec.lr, optimizer="sgd",
                       batch_size=spec.batch, snapshot_epochs=wanted, seed=1)

    snaps = {k: p for k, p in fit().snapshots.items() if k > 0}
    views = R._views(spec, net, plane, snaps)
    frames = [R.encode(v, v["epoch"], v.get("test_loss", 0.5), {}, (), ()) for v in views]
    steps = {
        "training": fit,
        "views": lambda: R._views(spec, net, plane, snaps),
        "test losses": (lambda: [R._test_loss(net, snaps[k], plane, Xt) for k in snaps])
        if hasattr(R, "_test_loss") else None,  # before: a model copy and a pass per frame
        "encoding": lambda: [R.encode(v, v["epoch"], v.get("test_loss", 0.5), {}, (), ())
                             for v in views],
        "JSON": lambda: json.dumps(frames),
    }
    out = {}
    hidden = set(spec.acts)
    if hidden <= {"tanh"} or hidden <= {"sigmoid"}:
        steps[FLOOR] = lambda: _bare_steps(net, X, plane.y_train, spec.acts[0] if spec.acts else "tanh",
                                           spec.chunk, spec.batch, spec.lr)
    for step, f in steps.items():
        if f is None:
            continue
        for _ in range(2):
            f()
        times = []
        for _ in range(repeats):
            t0 = time.process_time()
            f()
            times.append(time.process_time() - t0)
        out[step] = 1000 * statistics.median(times)
    out["bytes"] = len(json.dumps(frames))
    out["epochs"], out["frames"] = spec.chunk, len(frames)
    return out


def measure(root: Path, seconds: float, moves: int, parts: str = "ABCD") -> dict:
    sys.path.insert(0, str(root))
    os.chdir(root)
    m = _modules()
    out: dict = {"first": {}, "session": {}, "slider": {}, "budget": {}, "stages": {},
                 "nets": {name: describe(network(m, name)) for name in NETWORKS},
                 "queries": {name: query(m, name) for name in CAPACITY}}
    if "A" in parts:
        for name in NETWORKS:
            out["first"][name] = first_frame(m, name, 3 if name == TF_DEFAULT else 1)
            print("first frame", name, out["first"][name], flush=True)
    if "B" in parts or "D" in parts:
        for name in NETWORKS if "B" in parts else CAPACITY:
            out["session"][name] = session_cpu(m, name, seconds)
            print("session", name, out["session"][name], flush=True)
    if "D" in parts:
        out["budget"] = {name: budget(m, name) for name in CAPACITY}
        print("budget", out["budget"], flush=True)
    if "E" in parts:
        for name in STAGES:
            out["stages"][name] = stages(m, name)
            print("stages", name, out["stages"][name], flush=True)
    if "C" in parts:
        for players in (None, TF_DEFAULT, "worst URL"):
            out["slider"][players or "nobody"] = slider_moves(m, root, players, 10, moves)
            print("slider", players, out["slider"][players or "nobody"], flush=True)
    out["load"] = os.getloadavg()
    return out


def capacity(root: Path, seconds: float, queries: dict[str, str]) -> dict:
    """Part D's browser half: one real Chromium per network, against a server on `root`
    (`queries`: the page's query for each network, :func:`query`)."""
    out = {}
    for name in CAPACITY:
        out[name] = browser_session(root, queries[name], seconds)
        print("browser", name, out[name], flush=True)
    return out


def per_update(r: dict) -> float:
    """CPU seconds of the server per frame update (per epoch at stride 1)."""
    return r["cpu_per_s"] / r.get("updates_per_s", r["epochs_per_s"])


def _capacity_table(runs: list[dict], cols: list[str]) -> str:
    from benchmarks.common import table

    rows = []
    for name in CAPACITY:
        for col, r in zip(cols, runs, strict=True):
            s, b = r["session"][name], r["browser"][name]
            inside, whole = per_update(s), per_update(b)
            per_ask = s.get("updates_per_s", s["epochs_per_s"]) / s["asks_per_s"]  # updates a request
            rows.append([label(runs, name), col, f"{s['asks_per_s']:.2f}", f"{1000 * inside:.2f} ms",
                         f"{1000 * whole:.2f} ms", f"{b['updates_per_s']:.1f}",
                         f"{1000 * (whole - inside) * per_ask:+.0f} ms", f"{30 * whole:.3f}",
                         f"**{1 / (30 * whole):.1f}**", f"{1 / (20 * whole):.1f}"])
    heads = ("requests / s", "in-process: CPU per update", "one browser: CPU per update",
             "browser's updates / s", "Streamlit's share per request", "cores per session at 30 / s",
             "sessions per core at 30 / s", "at 20 / s")
    return table(["network", "", *heads], rows)


def label(runs: list[dict], name: str) -> str:
    """`name` and what it is (the latest run's network; the earlier one's too if it differs)."""
    seen = list(dict.fromkeys(r["nets"][name] for r in runs if name in r.get("nets", {})))
    return f"{name} ({'; before: '.join(reversed(seen))})" if seen else name


def _budget_table(runs: list[dict], cols: list[str]) -> str:
    """The play budget against the measured cost: the guard's model of a frame update
    (what a chunk is charged), the browser's measured cost, and what ``PLAY_RATE`` allows."""
    from benchmarks.common import table

    rows = []
    for name in CAPACITY:
        for col, r in zip(cols, runs, strict=True):
            g = r["budget"].get(name)
            if not g:
                continue
            whole = per_update(r["browser"][name])
            rows.append([name, col, f"{1000 * g['model_per_update']:.2f} ms", f"{1000 * whole:.2f} ms",
                         f"{100 * (g['model_per_update'] / whole - 1):+.0f} %",
                         f"{g['allowed_updates_per_s']:.0f}", f"{g['play_rate']:.3f}",
                         f"{g['play_rate'] / (FPS * whole):.2f}×"])
    return table(["network", "", "the guard's model: CPU per update", "one browser: CPU per update",
                  "model − measured", "updates / s the budget allows", "PLAY_RATE (cores)",
                  "PLAY_RATE ÷ measured cost at 30 / s"], rows)


def _stages_part(runs: list[dict], cols: list[str]) -> list[str]:
    """Part E's heading and table: each stage's milliseconds, per network and run."""
    from benchmarks.common import table

    nets = [n for n in STAGES if all(n in r["stages"] for r in runs)]
    heads = [f"{n}: {c}" if len(cols) > 1 else n for n in nets for c in cols]
    cells = [(n, r["stages"][n]) for n in nets for r in runs]
    names = [k for k in ("training", "views", "test losses", "encoding", "JSON")
             if any(k in st for _, st in cells)]
    rows = [[k, *[f"{st[k]:.1f} ms" if k in st else "(in views)" for _, st in cells]]
            for k in names]
    rows.append(["**a chunk**", *[f"**{sum(st[k] for k in names if k in st):.0f} ms**"
                                  for _, st in cells]])
    rows.append(["epochs and frames a chunk", *[f"{st['epochs']}, {st['frames']}"
                                               for _, st in cells]])
    rows.append([FLOOR + " (a reference, not the app)",
                 *[f"{st[FLOOR]:.1f} ms" if FLOOR in st else "—" for _, st in cells]])
    rows.append(["frames' JSON size", *[f"{st['bytes'] / 1000:.0f} kB" for _, st in cells]])
    return ["**E. Where a chunk's time goes** (one chunk as the page plays it, CPU, median of 15; "
            + "; ".join(label(runs, n) for n in nets) + "):", table(["stage", *heads], rows)]


def report(before: dict | None, after: dict, args: argparse.Namespace) -> str:
    from benchmarks.common import table

    cols = ["before", "after"] if before else ["after"]
    runs = [before, after] if before else [after]
    parts = args.parts

    def f(x: float, unit: str = "s") -> str:
        return f"{x:.3g} {unit}"

    load = ", ".join(f"{x:.1f}" for x in after["load"])
    rev = f" --before {args.before}" if args.before else ""
    out = [f"`python -m benchmarks.play_capacity{rev} --parts {parts} --seconds {args.seconds:g} "
           f"--moves {args.moves} --browser-seconds {args.browser_seconds:g}`, "
           f"{time.strftime('%Y-%m-%d')}; load average at the end {load} (2 shared cores)."]
    if "A" in parts:
        rows = []
        for name in NETWORKS:
            row = [label(runs, name)]
            for r in runs:
                t = r["first"][name]
                row += [f(t), f"{t / r['first'][TF_DEFAULT]:.1f}×"]
            rows.append(row)
        out += ["**A. First frame after Play** (CPU seconds of the request):", table(
            ["network", *[f"{c}: CPU of the Play request" if i % 2 == 0 else f"{c}: × {TF_DEFAULT}"
                          for c in cols for i in range(2)]], rows)]
    if "B" in parts:
        rows = []
        for name in NETWORKS:
            row = [label(runs, name)]
            for r in runs:
                s = r["session"][name]
                row += [str(s["chunk"]), f"{s['cpu_per_s']:.3f}", f"{s['epochs_per_s']:.1f}"]
            rows.append(row)
        out += [f"**B. One playing session** ({args.seconds:g} s of simulated play; cores = CPU "
                "seconds per second of play):", table(
                    ["network", *[f"{c}: {h}" for c in cols
                                  for h in ("epochs a chunk", "cores per session", "epochs / s")]], rows)]
    if "C" in parts:
        rows = []
        for who in ("nobody", TF_DEFAULT, "worst URL"):
            row = [who if who == "nobody" else f"10 × {who}"]
            for r in runs:
                s = r["slider"][who]
                row += [f(s["median"]), f(s["max"]), f"{s['players_cpu']:.2f}",
                        f"{s['players_epochs_per_s']:.1f}"]
            rows.append(row)
        out += ["**C. A learning-rate move on another session** (wall time of the whole rerun, "
                f"median and worst of {args.moves}) while 10 sessions play in threads of the same "
                "process:", table(["who else plays", *[
                    f"{c}: {h}" for c in cols for h in ("move, median", "move, worst", "players' cores",
                                                        "players' epochs / s")]], rows)]
    if "D" in parts:
        out += [f"**D. Capacity**: CPU seconds of the server per frame update (one epoch at "
                f"stride 1), in-process over {args.seconds:g} s of simulated play and with one "
                f"browser over {args.browser_seconds:g} s of real play; Streamlit's share = the "
                "difference, times the updates one request brings; cores per session and sessions "
                "per core from the browser's figure:", _capacity_table(runs, cols)]
        if any(r["budget"] for r in runs):
            out += ["**The play budget** (`sections/playground/run.py`): the model's cost of a "
                    "frame update is what a chunk is charged (`chunk_work`), `PLAY_RATE` what a "
                    "session may spend per second; the guard's model is 12 % rms off (`ui/guard.py`):",
                    _budget_table(runs, cols)]
    if "E" in parts:
        out += _stages_part(runs, cols)
    return "\n\n".join(out)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="write the tables into BENCHMARKS.md")
    p.add_argument("--before", metavar="REV", help="also measure the app at git revision REV")
    p.add_argument("--seconds", type=float, default=20.0, help="simulated seconds of play (B, D)")
    p.add_argument("--moves", type=int, default=7, help="slider moves per condition (C)")
    p.add_argument("--parts", default="ABCD", help="which parts to run (letters of A-E)")
    p.add_argument("--browser-seconds", type=float, default=20.0,
                   help="seconds of real play per network (D)")
    p.add_argument("--section", default="play_capacity", help="BENCHMARKS.md section for --write")
    p.add_argument("--tree", help=argparse.SUPPRESS)
    p.add_argument("--json", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.tree:  # the subprocess measuring another tree
        result = measure(Path(args.tree), args.seconds, args.moves, args.parts)
        Path(args.json).write_text(json.dumps(result))
        return
    before = None
    if args.before:
        with tempfile.TemporaryDirectory() as tmp:
            archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            out = Path(tmp) / "before.json"
            subprocess.run([sys.executable, "-m", "benchmarks.play_capacity", "--tree", tmp,
                            "--json", str(out), "--seconds", str(args.seconds),
                            "--moves", str(args.moves), "--parts", args.parts], cwd=ROOT, check=True)
            before = json.loads(out.read_text())
            if "D" in args.parts:
                before["browser"] = capacity(Path(tmp), args.browser_seconds, before["queries"])
    after = measure(ROOT, args.seconds, args.moves, args.parts)
    if "D" in args.parts:
        after["browser"] = capacity(ROOT, args.browser_seconds, after["queries"])
    body = report(before, after, args)
    print(body)
    if args.write:
        from benchmarks.common import write_section

        write_section(args.section, body)


if __name__ == "__main__":
    main()
