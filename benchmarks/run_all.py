"""Run every benchmark and (with ``--write``) refresh BENCHMARKS.md.

    python -m benchmarks.run_all --write                   # all four, tables into BENCHMARKS.md
    python -m benchmarks.run_all --write --before 5cfa1a3  # with core as of a git revision

One command per benchmark, each printing a markdown table:

    python -m benchmarks.train_step [--write] [--before REV]   # one step vs scikit-learn
    python -m benchmarks.hardware   [--write] [--before REV]   # FLOP rate vs bare matmul
    python -m benchmarks.scaling    [--write]                  # growth in depth/width/samples
    python -m benchmarks.memory     [--write] [--before REV]   # peak RSS of training

``--write`` also refreshes the machine section. Expect several minutes on two
busy cores; the scikit-learn rows with 10,000 samples dominate.
"""

from __future__ import annotations

import argparse

from benchmarks import hardware, memory, scaling, train_step
from benchmarks.common import machine, write_section


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="write the tables into BENCHMARKS.md")
    p.add_argument("--before", metavar="REV", help="compare with core.mlp at git revision REV")
    args = p.parse_args(argv)
    common = ["--write"] if args.write else []
    old = ["--before", args.before] if args.before else []
    print(machine())
    if args.write:
        write_section("machine", machine())
    train_step.main(common + old)
    hardware.main(common + old)
    scaling.main(common)
    memory.main(common + old)


if __name__ == "__main__":
    main()
