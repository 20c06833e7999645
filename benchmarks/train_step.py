"""One full-batch training step: core.mlp.MLP against scikit-learn's MLPClassifier.

    python -m benchmarks.train_step            # print the table
    python -m benchmarks.train_step --write    # ... and put it into BENCHMARKS.md
    python -m benchmarks.train_step --before 5cfa1a3   # add core as of a git revision
    python -m benchmarks.train_step --options   # what residual and norm cost per step

A *step* is forward, backward and an SGD update on the whole batch. Both
networks have the same architecture ``[2, width × depth, 1]`` (ReLU hidden units,
one sigmoid output with binary cross-entropy), the same data (two moons,
standardised) and the same batch (all samples). scikit-learn is called the way
it does one step of plain SGD: ``partial_fit`` with ``solver="sgd"``,
``batch_size=n``, ``momentum=0``, ``alpha=0`` (no L2 term, like core),
``shuffle=False`` (shuffling a full batch is wasted work), no early stopping, and
warmed up by one call before timing. Core takes the step with
:meth:`core.mlp.MLP.step` on data already in the network's dtype.

Both run in one process, interleaved round by round, under the same BLAS thread
limit (one thread by default, as ``MLP.fit`` and the pages use); the table reports
median process CPU times (robust to other processes on a shared machine) and the
ratio ``sklearn time / core time`` (above 1: core is faster).
``core f32`` is core's ``dtype=np.float32`` path, compared with scikit-learn in
float64.
"""

from __future__ import annotations

import argparse
import itertools
import warnings

import numpy as np
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from benchmarks.common import fmt_time, interleaved, load_core_at, table, write_section
from core.mlp import MLP

LR = 1e-3  # small enough that no row diverges (NaN and subnormals change the speed)
DEPTHS = (2, 8, 32)
WIDTHS = (32, 128)
SAMPLES = (1_000, 10_000)
# What the pages step on: (what it is, depth, width, rows in one step). Home and the
# vanishing page train in batches of 32 by default (home always); the dead-ReLU page
# takes full-batch steps on its 225 training points; the vanishing page can also be
# set to full batches (its 300 default points keep 225 for training), up to depth
# 50 × width 128 on 750 training points.
PAGE_SHAPES = (
    ("home and vanishing defaults (batch of 32)", 10, 32, 32),
    ("home's largest network (batch of 32)", 20, 64, 32),
    ("dead ReLU default (full batch)", 4, 8, 225),
    ("dead ReLU deepest (full batch)", 50, 32, 225),
    ("vanishing set to full batch, 20 × 64 (225 training points)", 20, 64, 225),
    ("vanishing's largest network, full batch", 50, 128, 750),
)


def moons(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Standardised two-moons data, float64 ``X`` (n, 2) and int labels (n,)."""
    X, y = make_moons(n_samples=n, noise=0.2, random_state=seed)
    return (X - X.mean(0)) / X.std(0), y


def core_stepper(depth: int, width: int, X: np.ndarray, y: np.ndarray, dtype) -> callable:
    """A zero-argument function taking one core training step."""
    model = MLP([X.shape[1], *[width] * depth, 1], activation="relu", output="sigmoid",
                init="he", seed=0, dtype=dtype)
    Xd, yd = X.astype(dtype), y.astype(dtype)
    return lambda: model.step(Xd, yd, lr=LR)


def old_stepper(mod, depth: int, width: int, X: np.ndarray, y: np.ndarray) -> callable:
    """One float64 step of an old core: its ``MLP.step`` where it has one (the same
    call as today's), else ``loss_and_grads`` and an in-place SGD update."""
    model = mod.MLP([X.shape[1], *[width] * depth, 1], activation="relu", output="sigmoid",
                    init="he", seed=0)
    yd = y.astype(np.float64)
    if hasattr(model, "step"):
        return lambda: model.step(X, yd, lr=LR)

    def step() -> None:
        _, gw, gb = model.loss_and_grads(X, yd)
        for p, g in zip((*model.weights, *model.biases), (*gw, *gb), strict=True):
            p -= LR * g

    return step


#: (what it is, depth, width, rows) for the options table, and the options compared.
OPTION_SHAPES = (("home and vanishing defaults (batch of 32)", 10, 32, 32),
                 ("vanishing set to full batch, 20 × 64", 20, 64, 225))
OPTIONS = {"plain": {}, "residual": {"residual": True}, "layer norm": {"norm": "layer"},
           "batch norm": {"norm": "batch"}, "residual + batch norm": {"residual": True,
                                                                      "norm": "batch"}}


def options_table(rounds: int) -> str:
    """One float64 ReLU step with each option of :data:`OPTIONS`, against the plain net."""
    rows = []
    for label, depth, width, n in OPTION_SHAPES:
        X, y = moons(n)
        yd = y.astype(np.float64)
        fns = {}
        for name, opts in OPTIONS.items():
            model = MLP([2, *[width] * depth, 1], activation="relu", seed=0, **opts)
            fns[name] = lambda model=model, X=X, yd=yd: model.step(X, yd, lr=LR)
        t = interleaved(fns, rounds=rounds)
        rows.append([label, *(f"{fmt_time(t[k])} ({t[k] / t['plain']:.2f}x)" for k in OPTIONS)])
        print(f"  {label}: " + ", ".join(f"{k} {fmt_time(v)}" for k, v in t.items()), flush=True)
    return table(["page setting", *OPTIONS], rows)


def floor_stepper(depth: int, width: int, n: int, dtype=np.float64) -> callable:
    """The matrix products of one step and nothing else: the BLAS floor.

    Per layer ``i`` the three products every implementation of a dense layer's
    forward and backward pass makes (``h W``, ``hᵀ δ`` and, below the top,
    ``δ Wᵀ``), on buffers of the step's shapes, with no bias, activation or
    update. No network library calling the same BLAS can take a step faster,
    so ``sklearn time / floor time`` is the largest speed-up over scikit-learn
    that is possible at that shape.
    """
    rng = np.random.default_rng(0)
    sizes = [2, *[width] * depth, 1]
    Ws = [rng.standard_normal((a, b)).astype(dtype) for a, b in itertools.pairwise(sizes)]
    hs = [rng.standard_normal((n, a)).astype(dtype) for a in sizes[:-1]]
    zs = [np.empty((n, b), dtype) for b in sizes[1:]]
    ds = [rng.standard_normal((n, b)).astype(dtype) for b in sizes[1:]]
    dh = [np.empty((n, a), dtype) for a in sizes[:-1]]
    gw = [np.empty_like(W) for W in Ws]

    def step() -> None:
        for W, h, z in zip(Ws, hs, zs, strict=True):
            np.matmul(h, W, out=z)
        for i in reversed(range(len(Ws))):
            np.matmul(hs[i].T, ds[i], out=gw[i])
            if i:
                np.matmul(ds[i], Ws[i].T, out=dh[i])

    return step


def sklearn_stepper(depth: int, width: int, X: np.ndarray, y: np.ndarray) -> callable:
    """A zero-argument function taking one scikit-learn ``partial_fit`` step (warm)."""
    clf = MLPClassifier(
        hidden_layer_sizes=(width,) * depth, activation="relu", solver="sgd",
        learning_rate_init=LR, batch_size=X.shape[0], momentum=0.0,
        nesterovs_momentum=False, alpha=0.0, shuffle=False, early_stopping=False,
        random_state=0,
    )
    classes = np.array([0, 1])
    clf.partial_fit(X, y, classes=classes)  # allocates the coefficients: not timed
    return lambda: clf.partial_fit(X, y)


def run(depths=DEPTHS, widths=WIDTHS, samples=SAMPLES, rounds: int = 15,
        before: str | None = None, shapes=None) -> tuple[str, list[dict]]:
    """Time every shape; return the markdown table and the raw rows.

    `shapes` are ``(label, depth, width, rows)`` tuples (default: the grid of
    `depths` × `widths` × `samples`, unlabelled); a label becomes the first column.
    With ``before`` (a git revision) core's float64 step as of that revision is
    timed too, in the same rounds, and its time over today's is reported.
    """
    old = load_core_at(before) if before else None
    rows, raw = [], []
    if shapes is None:
        shapes = [(None, d, w, n) for n, w, d in itertools.product(samples, widths, depths)]
    labelled = any(label for label, *_ in shapes)
    for label, depth, width, n in shapes:
        X, y = moons(n)
        fns = {
            "sk": sklearn_stepper(depth, width, X, y),
            "c64": core_stepper(depth, width, X, y, np.float64),
            "c32": core_stepper(depth, width, X, y, np.float32),
            "floor": floor_stepper(depth, width, n),
        }
        if old is not None:
            fns["old"] = old_stepper(old, depth, width, X, y)
        t = interleaved(fns, rounds=rounds)
        r64, r32 = t["sk"] / t["c64"], t["sk"] / t["c32"]
        raw.append({"depth": depth, "width": width, "n": n, **t})
        rows.append([depth, width, f"{n:,}", fmt_time(t["sk"]), fmt_time(t["c64"]),
                     fmt_time(t["c32"]), f"**{r64:.2f}x**", f"**{r32:.2f}x**",
                     fmt_time(t["floor"]), f"{t['sk'] / t['floor']:.2f}x",
                     f"{t['floor'] / t['c64']:.0%}"])
        if old is not None:
            rows[-1] += [fmt_time(t["old"]), f"{t['old'] / t['c64']:.2f}x"]
        if labelled:
            rows[-1].insert(0, label)
        print(f"  depth {depth:>2} width {width:>3} n {n:>6}: sklearn {fmt_time(t['sk'])}, "
              f"core f64 {fmt_time(t['c64'])} ({r64:.2f}x), core f32 {fmt_time(t['c32'])} "
              f"({r32:.2f}x)", flush=True)
    header = ["depth", "width", "samples", "sklearn f64", "core f64", "core f32",
              "sklearn/core f64", "sklearn/core f32", "BLAS floor f64", "sklearn/floor",
              "floor/core f64"]
    if old is not None:
        header += [f"core f64 at {before}", f"{before}/now"]
    if labelled:
        header.insert(0, "page setting")
    return table(header, rows), raw


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    p.add_argument("--threads", type=int, default=1, help="BLAS threads for both (default 1)")
    p.add_argument("--rounds", type=int, default=15, help="interleaved rounds per shape")
    p.add_argument("--quick", action="store_true", help="only 1,000 samples")
    p.add_argument("--before", metavar="REV", help="also time core.mlp at git revision REV")
    p.add_argument("--options", action="store_true",
                   help="only the table of residual / norm step costs against the plain net")
    p.add_argument("--pages-only", action="store_true", help="only the shapes the pages train")
    args = p.parse_args(argv)
    if args.pages_only and args.write:
        p.error("--write replaces the whole table: run it without --pages-only")
    warnings.simplefilter("ignore", ConvergenceWarning)
    with threadpool_limits(limits=args.threads, user_api="blas"), \
            np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        if args.options:
            md = ("Process CPU time per float64 step, median of interleaved rounds; in "
                  f"brackets the time over the plain network's.\n\n{options_table(args.rounds)}")
            print(md)
            if args.write:
                write_section("train_step_options", md)
            return
        md = "" if args.pages_only else run(samples=(1_000,) if args.quick else SAMPLES,
                                            rounds=args.rounds, before=args.before)[0]
        print("Shapes the pages train:", flush=True)
        pages_md, _ = run(shapes=PAGE_SHAPES, rounds=args.rounds, before=args.before)
    md = (f"BLAS threads: {args.threads}; process CPU time, {args.rounds} interleaved rounds, "
          "median per step; "
          "ratio = sklearn time / core time (above 1: core faster). *BLAS floor*: the step's "
          "matrix products alone (`floor_stepper`); *sklearn/floor* is the largest speed-up "
          "over scikit-learn any implementation on this BLAS could reach, *floor/core* the "
          "share of core's step spent in those products.\n\n"
          f"{md}\n\n"
          "Shapes the pages train (*samples* is the rows of one step: the batch):"
          f"\n\n{pages_md}")
    print(md)
    if args.write:
        write_section("train_step", md)


if __name__ == "__main__":
    main()
