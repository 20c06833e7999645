"""What playing the Playground costs the server, measured without browsers.

    python -m benchmarks.play_capacity [--write] [--before REV] [--seconds 20] [--moves 7]

Every number comes from the functions a component request runs on the server
(``sections.playground.run.command``, which trains a chunk and makes its frames, then
the JSON of the frames it sends), called in-process by a *simulated browser*: it shows
one frame every 1/30 s and asks for more (``{"action": "more"}``) when a chunk or less
is left and 250 ms have passed since it last asked, as ``ui/components/playground.js``
does. So 10 sessions are 10 threads of one process, as Streamlit serves them, and not 10
Chromiums on two cores. What Streamlit adds to each request (the fragment rerun, the
protobuf, the websocket) is left out of A and B; C includes a whole page rerun.

A. **First frame after Play**: CPU seconds of the Play request (its first chunk and the
   frames' JSON) for Playground's default network, the worst URL (8 layers of 16 ReLU units, every
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

``--before REV`` runs the same measurements on ``git archive REV`` (a copy of the app as
it was) in a subprocess, for the before/after table. Nothing is asserted; ``--write``
puts the tables into BENCHMARKS.md (``<!-- bench:play_capacity -->``).
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

ROOT = Path(__file__).resolve().parent.parent
ALL = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
#: name -> (data, rows of an upload or None, train %, shape, act, features, batch).
NETWORKS = {
    "default": ("circle", None, 50, (4, 2), "tanh", ("x1", "x2"), 10),
    "worst URL": ("plane", None, 90, (16,) * 8, "relu", ALL, 1),
    "worst URL, 5,000-row upload": ("upload", 5000, 90, (16,) * 8, "relu", ALL, 1),
}
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


def plane_of(m, name: str):
    import numpy as np

    data, rows, train, *_ = NETWORKS[name]
    if rows is None:
        Xtr, ytr, Xte, yte = m.builtin(data, 0.0, 0, train)
        task = "regression" if data == "plane" else "classification"
        return m.PlaneData(data, data, task, Xtr, ytr, Xte, yte)
    rng = np.random.default_rng(0)
    X = rng.uniform(-6, 6, size=(rows, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    k = round(rows * train / 100)
    return m.PlaneData(f"upload{rows}", "upload", "classification", X[:k], y[:k], X[k:], y[k:])


def spec_of(m, name: str, plane):
    """The run the page would make: its chunk as the tree's own page code chooses it."""
    _, _, _, shape, act, feats, batch = NETWORKS[name]
    chosen = dict(features=feats, shape=shape, acts=(act,) * len(shape), batch=batch)
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


def first_frame(m, name: str, repeats: int) -> float:
    """CPU seconds of the Play request of a fresh run (median of `repeats`)."""
    out = []
    for _ in range(repeats):
        b = Browser(m, name)
        out.append(b.play(1000.0))
    return statistics.median(out)


def session_cpu(m, name: str, seconds: float) -> dict:
    """One session playing for `seconds` of simulated time (the clock moves by each
    request's CPU time, as on a free core, and by 1/60 s between ticks)."""
    b = Browser(m, name)
    start = now = 1000.0
    now += b.play(now)  # the Play request itself is part of the play
    while now - start < seconds and not (b.run.stop and b.pos == len(b.frames) - 1):
        now += b.tick(now) + 1 / 60
    played = now - start  # less than `seconds` when the play ended (1,000 epochs)
    return {"cpu_per_s": b.cpu / played, "epochs_per_s": b.epoch / played, "asks": b.asks,
            "chunk": b.run.chunk, "played": played}


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


def measure(root: Path, seconds: float, moves: int) -> dict:
    sys.path.insert(0, str(root))
    os.chdir(root)
    m = _modules()
    out: dict = {"first": {}, "session": {}, "slider": {}}
    for name in NETWORKS:
        out["first"][name] = first_frame(m, name, 3 if name == "default" else 1)
        print("first frame", name, out["first"][name], flush=True)
    for name in NETWORKS:
        out["session"][name] = session_cpu(m, name, seconds)
        print("session", name, out["session"][name], flush=True)
    for players in (None, "default", "worst URL"):
        out["slider"][players or "nobody"] = slider_moves(m, root, players, 10, moves)
        print("slider", players, out["slider"][players or "nobody"], flush=True)
    out["load"] = os.getloadavg()
    return out


def report(before: dict | None, after: dict, args: argparse.Namespace) -> str:
    from benchmarks.common import table

    cols = ["before", "after"] if before else ["after"]
    runs = [before, after] if before else [after]

    def f(x: float, unit: str = "s") -> str:
        return f"{x:.3g} {unit}"

    rows = []
    for name in NETWORKS:
        row = [name]
        for r in runs:
            t = r["first"][name]
            row += [f(t), f"{t / r['first']['default']:.1f}×"]
        rows.append(row)
    a = table(["network", *[f"{c}: CPU of the Play request" if i % 2 == 0 else f"{c}: × default"
                            for c in cols for i in range(2)]], rows)
    rows = []
    for name in NETWORKS:
        row = [name]
        for r in runs:
            s = r["session"][name]
            row += [str(s["chunk"]), f"{s['cpu_per_s']:.3f}", f"{s['epochs_per_s']:.1f}"]
        rows.append(row)
    b = table(["network", *[f"{c}: {h}" for c in cols
                            for h in ("epochs a chunk", "cores per session", "epochs / s")]], rows)
    rows = []
    for who in ("nobody", "default", "worst URL"):
        row = [who if who == "nobody" else f"10 × {who}"]
        for r in runs:
            s = r["slider"][who]
            row += [f(s["median"]), f(s["max"]), f"{s['players_cpu']:.2f}",
                    f"{s['players_epochs_per_s']:.1f}"]
        rows.append(row)
    c = table(["who else plays", *[f"{c}: {h}" for c in cols
                                   for h in ("move, median", "move, worst", "players' cores",
                                             "players' epochs / s")]], rows)
    load = ", ".join(f"{x:.1f}" for x in after["load"])
    rev = f" --before {args.before}" if args.before else ""
    return "\n\n".join([
        f"`python -m benchmarks.play_capacity{rev} --seconds {args.seconds:g} --moves {args.moves}`, "
        f"{time.strftime('%Y-%m-%d')}; load average at the end {load} (2 shared cores).",
        "**A. First frame after Play** (CPU seconds of the request):", a,
        f"**B. One playing session** ({args.seconds:g} s of simulated play; cores = CPU seconds "
        "per second of play):", b,
        "**C. A learning-rate move on another session** (wall time of the whole rerun, median "
        f"and worst of {args.moves}) while 10 sessions play in threads of the same process:", c,
    ])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="write the tables into BENCHMARKS.md")
    p.add_argument("--before", metavar="REV", help="also measure the app at git revision REV")
    p.add_argument("--seconds", type=float, default=20.0, help="simulated seconds of play (B)")
    p.add_argument("--moves", type=int, default=7, help="slider moves per condition (C)")
    p.add_argument("--tree", help=argparse.SUPPRESS)
    p.add_argument("--json", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.tree:  # the subprocess measuring another tree
        result = measure(Path(args.tree), args.seconds, args.moves)
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
                            "--moves", str(args.moves)], cwd=ROOT, check=True)
            before = json.loads(out.read_text())
    after = measure(ROOT, args.seconds, args.moves)
    body = report(before, after, args)
    print(body)
    if args.write:
        from benchmarks.common import write_section

        write_section("play_capacity", body)


if __name__ == "__main__":
    main()
