"""How the cost of a training step grows with depth, width and samples.

    python -m benchmarks.scaling            # print the tables
    python -m benchmarks.scaling --write    # ... and put them into BENCHMARKS.md

One full-batch step (:meth:`core.mlp.MLP.step`, float64, ReLU, one BLAS
thread) on two-moons data. Each sweep doubles one size and keeps the others
fixed; the points of a sweep are timed interleaved (process CPU time, medians).
The work is ``O(depth · n · width²)``, so a doubling should cost 2x in depth and
samples and up to 4x in width, once the matrices are big enough for the
matrix multiplies to dominate the fixed per-call and per-layer costs. The
*slope* is the least-squares exponent ``p`` in ``t ∝ x^p`` over the sweep's upper
half.
"""

from __future__ import annotations

import argparse

import numpy as np
from threadpoolctl import threadpool_limits

from benchmarks.common import fmt_time, interleaved, table, write_section
from benchmarks.train_step import core_stepper, moons

BASE = {"depth": 4, "width": 64, "n": 1000}
SWEEPS = {
    "depth": (1, 2, 4, 8, 16, 32, 64),
    "width": (8, 16, 32, 64, 128, 256, 512),
    "n": (250, 500, 1000, 2000, 4000, 8000, 16000),
}


def sweep(name: str, values, rounds: int) -> tuple[str, float]:
    """Time one sweep; return its markdown table and the fitted exponent."""
    fns = {}
    for v in values:
        shape = {**BASE, name: v}
        X, y = moons(shape["n"])
        fns[v] = core_stepper(shape["depth"], shape["width"], X, y, np.float64)
    t = interleaved(fns, rounds=rounds)
    xs = np.array(values, float)
    ts = np.array([t[v] for v in values])
    upper = slice(len(values) // 2, None)
    slope = np.polyfit(np.log(xs[upper]), np.log(ts[upper]), 1)[0]
    rows = []
    for i, v in enumerate(values):
        growth = f"{ts[i] / ts[i - 1]:.2f}x" if i else ""
        rows.append([f"{v:,}", fmt_time(ts[i]), growth])
    fixed = ", ".join(f"{k} {BASE[k]:,}" for k in BASE if k != name)
    md = (f"**{name}** ({fixed}); slope over the upper half: **{slope:.2f}**\n\n"
          + table([name, "step time", "vs previous (x2)"], rows))
    return md, slope


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="write the tables into BENCHMARKS.md")
    p.add_argument("--rounds", type=int, default=11)
    args = p.parse_args(argv)
    parts = []
    with threadpool_limits(limits=1, user_api="blas"), \
            np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        for name, values in SWEEPS.items():
            md, _ = sweep(name, values, args.rounds)
            print(md + "\n", flush=True)
            parts.append(md)
    md = ("Full-batch `MLP.step`, float64, ReLU, 1 BLAS thread, process CPU time, "
          f"{args.rounds} interleaved rounds, medians.\n\n" + "\n\n".join(parts))
    if args.write:
        write_section("scaling", md)


if __name__ == "__main__":
    main()
