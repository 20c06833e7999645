"""Peak resident memory of core training on the largest shapes the pages allow.

    python -m benchmarks.memory            # print the table
    python -m benchmarks.memory --write    # ... and put it into BENCHMARKS.md

Each measurement runs in a fresh subprocess: it imports NumPy and core, makes
the data and the model, reads its peak resident set size so far
(``VmHWM`` from ``/proc/self/status``; ``ru_maxrss`` where that is missing,
though on Linux it inherits the peak of the process that forked the child), trains with ``MLP.fit``
(full batch, float64, ReLU, a few epochs, BLAS limited to one thread as ``fit``
does) and reads the peak again. The table shows both peaks and the growth, which
is what training itself costs. For scale, the activations a backward pass must
keep, ``zs`` and ``hs`` (``2 · depth · n · width`` floats), are shown too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from benchmarks.common import ROOT, table, write_section

# (depth, width, samples): the vanishing page's largest network on its largest
# training set (750 of n = 1,000), dead-ReLU's deepest, and a few thousand samples.
SHAPES = ((50, 128, 750), (50, 32, 225), (50, 128, 3000), (50, 128, 5000))

CHILD = r"""
import json, re, resource, sys

def peak_kib():
    # VmHWM belongs to this process's address space, which exec made new; ru_maxrss
    # would carry over the peak of the parent that forked us.
    try:
        with open("/proc/self/status") as f:
            return int(re.search(r"^VmHWM:\s*(\d+) kB", f.read(), re.M).group(1))
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

depth, width, n, epochs = map(int, sys.argv[1:5])
rev = sys.argv[5]
if rev == "-":
    from core.mlp import MLP
else:
    from benchmarks.common import load_core_at
    MLP = load_core_at(rev).MLP
from benchmarks.train_step import moons
X, y = moons(n)
model = MLP([2, *[width] * depth, 1], activation="relu", seed=0)
before = peak_kib()
model.fit(X, y, epochs=epochs, lr=1e-3)
after = peak_kib()
print(json.dumps({"before_kib": before, "after_kib": after}))
"""


def measure(depth: int, width: int, n: int, epochs: int, rev: str | None = None) -> dict:
    """Peak RSS (KiB, Linux ``ru_maxrss``) before and after training, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(depth), str(width), str(n), str(epochs), rev or "-"],
        capture_output=True, text=True, check=True, cwd=ROOT, env=env,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--before", metavar="REV", help="also measure core.mlp at git revision REV")
    args = p.parse_args(argv)
    rows = []
    for depth, width, n in SHAPES:
        r = measure(depth, width, n, args.epochs)
        acts = 2 * depth * n * width * 8 / 2**20
        row = [depth, width, f"{n:,}", f"{r['before_kib'] / 1024:.0f} MiB",
               f"{r['after_kib'] / 1024:.0f} MiB",
               f"**{(r['after_kib'] - r['before_kib']) / 1024:.0f} MiB**", f"{acts:.0f} MiB"]
        if args.before:
            o = measure(depth, width, n, args.epochs, args.before)
            row += [f"{o['after_kib'] / 1024:.0f} MiB",
                    f"{(o['after_kib'] - o['before_kib']) / 1024:.0f} MiB"]
        rows.append(row)
        print("  " + " | ".join(map(str, row)), flush=True)
    header = ["depth", "width", "samples", "peak before fit", "peak after fit",
              "growth in fit", "zs + hs"]
    if args.before:
        header += [f"peak at {args.before}", f"growth at {args.before}"]
    md = (f"`MLP.fit`, full batch, float64, ReLU, {args.epochs} epochs, fresh process per row; "
          "peak RSS = `VmHWM` of the child process.\n\n" + table(header, rows))
    print(md)
    if args.write:
        write_section("memory", md)


if __name__ == "__main__":
    main()
