"""A class on one link: what thirty students playing the same Playground cost the server.

    python -m benchmarks.class_capacity [--write] [--students 30] [--spread 60] [--alone 3]
                                        [--browsers 1] [--browser-timeout 120]

A teacher shares one link; the students open it and press Play within the same minute.
Each plays one press of Play (1,000 epochs) of the page's *opening network* at 30
updates a second. The measure is the server's CPU per frame update, for the class as a
whole, two ways that must agree:

* **in-process**: ``--students`` simulated browsers (``benchmarks.play_capacity.Browser``:
  one frame every 1/30 s, asking for more as ``ui/components/playground.js`` does),
  starting at even intervals over ``--spread`` seconds, all in one process as Streamlit
  serves them, each request's CPU time counted (the command, its chunk's training or
  its share of the store, the frames' JSON). Once with the store of shared chunks
  (``sections/playground/timeline.py``) and once with it off (every student trains
  every chunk: what the server did before; fewer students suffice, a student then costs
  the same whoever else plays);
* **real browsers**: two headless Chromium pages on one ``streamlit run`` open the link
  and play one whole press each, one after the other: the *leader* trains every chunk,
  the *follower* takes every chunk from the store, as every student after the first
  does. The server process's CPU (its idle rate subtracted) per update each page showed
  counts everything, Streamlit's fragment reruns and websocket included. The same two
  presses in-process give the part that is ours; the difference per request is
  Streamlit's share, which the simulated class then adds. A class of ``N`` costs about
  ``(leader + (N - 1) · follower) / N`` per student.

Nothing is asserted; ``--write`` puts the table into BENCHMARKS.md
(``<!-- bench:class_capacity -->``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from benchmarks.play_capacity import (
    _ROOT_JS,
    FPS,
    LARGEST,
    OPENING,
    ROOT,
    TF_DEFAULT,
    Browser,
    _modules,
    describe,
    forget_shared,
    network,
    query,
)


def simulated_class(m, students: int, spread: float, shared: bool, clear: bool = True,
                    name: str = OPENING) -> dict:
    """`students` simulated browsers playing one press each, starting `spread` seconds
    apart in all; CPU seconds per update of the whole class, and the requests. `clear`:
    start with an empty store (else with what earlier plays left in it)."""
    if clear:
        forget_shared(m)
    store = m.R.TIMELINES
    keep, trained_before = store.max_bytes, store.trained
    store.max_bytes = keep if shared else 0  # off: nothing is kept, every student trains
    try:
        starts = [spread * i / max(students - 1, 1) for i in range(students)]
        browsers = [Browser(m, name) for _ in range(students)]
        started = [False] * students
        cpu, now, dt = 0.0, 0.0, 1 / 60
        while True:
            live = False
            for i, b in enumerate(browsers):
                if now < starts[i]:
                    live = True
                    continue
                if not started[i]:
                    cpu += b.play(now)
                    started[i] = True
                if b.run.stop and b.pos == len(b.frames) - 1:
                    continue
                live = True
                cpu += b.tick(now)
            if not live:
                break
            now += dt
        trained = store.trained - trained_before
    finally:
        store.max_bytes = keep
    updates = sum(b.pos for b in browsers)
    asks = sum(b.asks for b in browsers)
    return {"students": students, "cpu": cpu, "updates": updates, "asks": asks,
            "per_update": cpu / updates, "asks_per_update": asks / updates,
            "wall": now, "chunks_trained": trained if shared else None,
            "chunks_a_press": m.R.MAX_PLAY // browsers[0].run.chunk}


def browser_class(root: Path, timeout: float, link: str = "") -> dict:
    """Two headless Chromium pages on one server, one after the other, each playing one
    whole press of Play: the *leader* trains every chunk, the *follower* takes them all
    from the store, as every student after the first does. Per page: the server process's
    CPU (its idle rate subtracted) per update the page showed, and its updates a second."""
    import psutil

    sys.path.insert(0, str(ROOT / "tests"))
    from harness import AppPage, StreamlitServer, chromium

    def cpu(p: psutil.Process) -> float:
        t = p.cpu_times()
        return t.user + t.system + t.children_user + t.children_system

    out = {}
    with StreamlitServer(root=root) as server, chromium() as browser:
        proc = psutil.Process(server.proc.pid)
        for who in ("leader", "follower"):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            AppPage(page, server.url).goto("playground", link)
            page.wait_for_function(
                "() => document.querySelector('[data-testid=\"stBidiComponentIsolated\"]')", timeout=90_000)
            time.sleep(2.0)
            c0, t0 = cpu(proc), time.monotonic()
            time.sleep(3.0)
            idle = (cpu(proc) - c0) / (time.monotonic() - t0)
            (_, u0), c0, t0 = page.evaluate(_ROOT_JS), cpu(proc), time.monotonic()
            page.locator('[data-cmd="play"]').click()
            end = t0 + timeout
            while time.monotonic() < end and page.evaluate(_ROOT_JS)[0] < 1000:
                time.sleep(0.5)
            (e1, u1), c1, t1 = page.evaluate(_ROOT_JS), cpu(proc), time.monotonic()
            context.close()
            wall = t1 - t0
            spent = c1 - c0 - idle * wall
            out[who] = {"cpu": spent, "updates": u1 - u0, "epochs": e1, "wall": wall,
                        "per_update": spent / max(u1 - u0, 1), "updates_per_s": (u1 - u0) / wall}
            print(who, out[who], flush=True)
    return out


def leader_and_follower(m, name: str = OPENING) -> dict:
    """The same two presses in-process: the first trains, the second takes every chunk."""
    forget_shared(m)
    out = {}
    for who in ("leader", "follower"):
        r = simulated_class(m, 1, 0.0, shared=True, clear=False, name=name)
        out[who] = r
    return out


def measure(args: argparse.Namespace) -> dict:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    m = _modules()
    name = args.network
    out = {"net": describe(network(m, name)), "name": name}
    out["alone"] = simulated_class(m, args.alone, args.spread, shared=False, name=name)
    print("alone", out["alone"], flush=True)
    out["class"] = simulated_class(m, args.students, args.spread, shared=True, name=name)
    print("class", out["class"], flush=True)
    if args.browsers:
        out["pair"] = leader_and_follower(m, name)
        print("pair", out["pair"], flush=True)
        out["browsers"] = browser_class(ROOT, args.browser_timeout, query(m, name))
    out["load"] = os.getloadavg()
    return out


def _per_core(per_update: float) -> str:
    return f"{1 / (FPS * per_update):.0f}"


def report(r: dict, args: argparse.Namespace) -> str:
    from benchmarks.common import table

    load = ", ".join(f"{x:.1f}" for x in r["load"])
    n = args.students
    net = "" if args.network == OPENING else f" --network '{args.network}'"
    out = [f"`python -m benchmarks.class_capacity{net} --students {n} --spread {args.spread:g} "
           f"--alone {args.alone}{'' if args.browsers else ' --browsers 0'}`, {time.strftime('%Y-%m-%d')}; "
           f"load average at the end {load} (2 shared cores). The network: {r['name']} "
           f"({r['net']}), one press of Play (1,000 epochs) each, at 30 updates a second."]
    share = 0.0
    if "browsers" in r:
        rows = []
        for who in ("leader", "follower"):
            b, s = r["browsers"][who], r["pair"][who]
            rows.append([who, f"{1000 * b['per_update']:.2f} ms", f"{b['updates_per_s']:.1f}",
                         f"{1000 * s['per_update']:.2f} ms", f"{s['asks_per_update']:.3f}",
                         f"{1000 * (b['per_update'] - s['per_update']) / s['asks_per_update']:.1f} ms"])
        b, s = r["browsers"]["follower"], r["pair"]["follower"]
        share = max(b["per_update"] - s["per_update"], 0.0) / s["asks_per_update"]
        out += ["**Two real browsers, one after the other** (the leader trains every chunk; the "
                "follower finds them all in the store, as every student after the first does):",
                table(["page", "browser: server CPU per update", "browser: updates / s",
                       "in-process: CPU per update", "requests per update",
                       "Streamlit's share per request"], rows)]
        lead, follow = r["browsers"]["leader"]["per_update"], b["per_update"]
        whole = (lead + (n - 1) * follow) / n
        out.append(f"From the browsers alone, a class of {n} on one link costs (leader + {n - 1} "
                   f"followers) / {n} = {1000 * whole:.2f} ms per update each: "
                   f"**{FPS * whole:.3f} of a core per student at 30 updates a second, "
                   f"{_per_core(whole)} students per core**.")
    rows = []
    for key, what in (("alone", "without the store: every student trains every chunk (before)"),
                      ("class", "with the store of shared chunks (after)")):
        c = r[key]
        whole = c["per_update"] + share * c["asks_per_update"]
        rows.append([f"{c['students']} students pressing Play over {args.spread:g} s, {what}",
                     f"{1000 * c['per_update']:.2f} ms", f"{1000 * whole:.2f} ms", f"{FPS * whole:.3f}",
                     f"**{_per_core(whole)}**",
                     "" if c["chunks_trained"] is None else str(c["chunks_trained"])])
    out += [f"**The class, simulated in-process** (Streamlit's share per request from the follower "
            f"above: {1000 * share:.1f} ms):",
            table(["who plays", "in-process CPU per update", "+ Streamlit's share",
                   "cores per student at 30 / s", "students per core at 30 / s", "chunks trained"], rows)]
    return "\n\n".join(out)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    p.add_argument("--students", type=int, default=30, help="simulated students sharing the store")
    p.add_argument("--alone", type=int, default=3, help="simulated students without the store")
    p.add_argument("--spread", type=float, default=60.0, help="seconds over which they press Play")
    p.add_argument("--network", default=OPENING, choices=[OPENING, TF_DEFAULT, LARGEST],
                   help="what the class plays")
    p.add_argument("--browsers", type=int, default=1, help="1: measure the leader and follower "
                   "in real Chromium; 0: in-process only")
    p.add_argument("--browser-timeout", type=float, default=120.0,
                   help="longest a browser's press of Play is measured (seconds)")
    p.add_argument("--section", default="class_capacity", help="BENCHMARKS.md section for --write")
    args = p.parse_args(argv)
    r = measure(args)
    body = report(r, args)
    print(body)
    if args.write:
        from benchmarks.common import write_section

        write_section(args.section, body)


if __name__ == "__main__":
    main()
