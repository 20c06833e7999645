"""Training step against the hardware: achieved FLOP rate vs a bare NumPy matmul.

    python -m benchmarks.hardware            # print the table
    python -m benchmarks.hardware --write    # ... and put it into BENCHMARKS.md
    python -m benchmarks.hardware --before 5cfa1a3   # add core as of a git revision

For large shapes (width 512, batch 8,192, a few hidden layers) the three matrix
multiplies per layer (forward ``h W``, weight gradient ``hᵀ δ``, back-propagated
signal ``δ Wᵀ``) should be nearly all the work. The training step's FLOP count is

    F = Σ_l 2 n a_l b_l · (3, or 2 for the first layer, which needs no ``dL/dX``)

for layer shapes ``(a_l, b_l)``; bias adds, activations and the update are
O(n b_l) and not counted. The reference is a bare ``np.matmul`` of an
``(n, 512) × (512, 512)`` product into a preallocated output, repeated so that its
total FLOPs equal ``F``. Both are timed interleaved in one process under the same
BLAS thread limit, and the table reports ``(F / t_step) / (F / t_matmul)``, i.e.
``t_matmul / t_step``: the fraction of the machine's achievable matmul rate that a
training step reaches.
"""

from __future__ import annotations

import argparse
import itertools
import os
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from benchmarks.common import fmt_time, interleaved, load_core_at, table, write_section
from core.mlp import MLP

WIDTH, BATCH = 512, 8192


def step_flops(sizes: tuple[int, ...], n: int) -> float:
    """FLOPs of the matrix multiplies of one training step (see the module docstring)."""
    return sum(2.0 * n * a * b * (2 if i == 0 else 3)
               for i, (a, b) in enumerate(itertools.pairwise(sizes)))


def measure(depth: int, dtype, rounds: int, n_threads: int, old=None) -> dict:
    """Time one training step and the equal-FLOP bare matmul for ``depth`` hidden layers."""
    rng = np.random.default_rng(0)
    sizes = (WIDTH, *[WIDTH] * depth, 1)
    X = rng.standard_normal((BATCH, WIDTH)).astype(dtype)
    y = (X[:, 0] > 0).astype(dtype)
    model = MLP(sizes, activation="relu", output="sigmoid", seed=0, dtype=dtype)
    F = step_flops(sizes, BATCH)
    A = rng.standard_normal((BATCH, WIDTH)).astype(dtype)
    B = (rng.standard_normal((WIDTH, WIDTH)) / np.sqrt(WIDTH)).astype(dtype)
    out = np.empty((BATCH, WIDTH), dtype)
    mm_flops = 2.0 * BATCH * WIDTH * WIDTH
    k = F / mm_flops  # matmuls of the same total FLOPs (not always an integer)
    whole = int(k)

    def matmuls() -> None:
        for _ in range(whole):
            np.matmul(A, B, out=out)

    fns = {"step": lambda: model.step(X, y, lr=1e-4), "matmuls": matmuls,
           "mm": lambda: np.matmul(A, B, out=out)}
    if old is not None:  # core at an older revision: loss_and_grads + SGD update
        old_model = old.MLP(sizes, activation="relu", output="sigmoid", seed=0, dtype=dtype)

        def old_step() -> None:
            _, gw, gb = old_model.loss_and_grads(X, y)
            for p, g in zip((*old_model.weights, *old_model.biases), (*gw, *gb), strict=True):
                p -= 1e-4 * g

        fns["old"] = old_step
    t = interleaved(fns,
                    rounds=rounds, target=0.05,
                    # CPU time with one thread; wall time when several threads share the work
                    clock=time.process_time if n_threads == 1 else time.perf_counter)
    t_ref = t["matmuls"] + (k - whole) * t["mm"]  # time of exactly F FLOPs of matmul
    return {"depth": depth, "dtype": np.dtype(dtype).name, "F": F, "step": t["step"],
            "ref": t_ref, "fraction": t_ref / t["step"], "gflops_step": F / t["step"] / 1e9,
            "gflops_ref": F / t_ref / 1e9, "old_fraction": t_ref / t["old"] if old else None}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--threads", type=int, nargs="+", default=None,
                   help="BLAS thread counts to try (default: 1 and the library default)")
    p.add_argument("--depths", type=int, nargs="+", default=[2, 4])
    p.add_argument("--before", metavar="REV", help="also time core.mlp at git revision REV")
    args = p.parse_args(argv)
    default = max(lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas")
    threads = args.threads or sorted({1, default})
    old = load_core_at(args.before) if args.before else None
    rows = []
    for n_threads in threads:
        with threadpool_limits(limits=n_threads, user_api="blas"):
            for dtype in (np.float64, np.float32):
                for depth in args.depths:
                    r = measure(depth, dtype, args.rounds, n_threads, old)
                    rows.append([n_threads, r["dtype"], depth, f"{r['F'] / 1e9:.1f}",
                                 fmt_time(r["step"]), f"{r['gflops_step']:.1f}",
                                 f"{r['gflops_ref']:.1f}", f"**{r['fraction']:.0%}**"])
                    if old is not None:
                        rows[-1].append(f"{r['old_fraction']:.0%}")
                    print("  " + " | ".join(map(str, rows[-1])), flush=True)
    md = (f"Batch {BATCH:,}, width {WIDTH}, input {WIDTH} features, ReLU hidden layers, one "
          f"sigmoid output; `OPENBLAS_CORETYPE` = "
          f"{os.environ.get('OPENBLAS_CORETYPE', '(unset)')}; {args.rounds} interleaved rounds, "
          "medians of process CPU time with 1 thread, of wall time with more. "
          "*fraction* = achieved GFLOP/s of the step / GFLOP/s of a bare `np.matmul` "
          "of the same total FLOPs, same threads and dtype.\n\n" + table(
              ["BLAS threads", "dtype", "hidden layers", "GFLOP / step", "step time",
               "step GFLOP/s", "matmul GFLOP/s", "fraction",
               *([f"fraction at {args.before}"] if old else [])], rows))
    print(md)
    if args.write:
        write_section("hardware", md)


if __name__ == "__main__":
    main()
