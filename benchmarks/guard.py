"""Fit the compute guard's cost model (``ui/guard.py``) to timed training, and check it.

    python -m benchmarks.guard [--write] [--quick]

1. **Training.** Times :meth:`core.mlp.MLP.fit` (process CPU time, one BLAS thread as
   ``fit`` sets it, the median of three after a warm-up) over a grid of shapes,
   batch sizes, sample counts and input widths, counts what each fit does with
   :func:`ui.guard.fit_work`, and fits the rates of :class:`ui.guard.Work` by least
   squares on *relative* errors (rows weighted by 1 / time, since the times span three
   orders of magnitude). The two-constant model (a fixed cost per step plus one per
   multiply-add) is fitted on the same rows for comparison.
2. **Frames.** Times the Playground's per-frame work (``snapshot_views`` for a chunk's
   snapshots, the test loss, the encoding: what ``sections.playground.run.train_chunk``
   does after training) for networks from Playground's default to the page's largest,
   and fits the two frame rates to what the training rates do not explain.
3. **Out of sample.** Whole requests as the pages make them (the home page's pair, the
   vanishing page's default series, Playground chunks, the worst URL) against
   the fitted model's prediction.

Nothing is asserted. It prints the fitted :data:`ui.guard.RATES` line; ``--write`` puts
the tables into BENCHMARKS.md (``<!-- bench:guard -->``). The rates in ``ui/guard.py``
are copied from a run of this script by hand (with its date).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import statistics
import time
from collections.abc import Callable
from dataclasses import fields, replace

import numpy as np

from benchmarks.common import machine, table, write_section
from core.mlp import MLP
from sections.playground import run as R
from sections.playground.data import PlaneData, builtin
from sections.playground.settings import training_values
from ui import guard
from ui.guard import Work, fit_work, frame_work

ALL = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
TRAIN_FIELDS = ("passes", "layer_passes", "param_passes", "macs", "units", "epochs")
FRAME_FIELDS = ("frames", "nodes")


def cpu(fn: Callable[[], object], repeats: int = 3) -> float:
    """Median process CPU seconds of `repeats` calls, after one warm-up call."""
    fn()
    out = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        out.append(time.process_time() - t0)
    return statistics.median(out)


# ------------------------------------------------------------------ 1. training


def grid(quick: bool) -> list[dict]:
    """A deterministic third of depth × width × batch × samples × inputs."""
    depths, widths = (1, 2, 4, 8), (2, 4, 8, 16, 64, 256)
    batches, ns, n_ins = (1, 10, 32, None), (200, 1000), (2, 7)
    out = []
    for i, (d, w, b, n, k) in enumerate(itertools.product(depths, widths, batches, ns, n_ins)):
        if i % (9 if quick else 3) == 0:
            out.append({"depth": d, "width": w, "batch": b, "n": n, "n_in": k})
    return out


def _sizes(c: dict) -> tuple[int, ...]:
    return guard.sizes_of(c["depth"], c["width"], c["n_in"])


def _data(n: int, n_in: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, n_in))
    return X, (X[:, 0] + 0.3 * rng.normal(size=n) > 0).astype(np.int64)


def time_fit(c: dict, target: float) -> tuple[int, float]:
    """Epochs chosen so a fit takes about `target` s (by the old rates), and its CPU time."""
    sizes = _sizes(c)
    one = fit_work(sizes, c["n"], 1, c["batch"], "tanh").seconds()
    epochs = int(np.clip(target / one, 1, 300))
    X, y = _data(c["n"], c["n_in"])

    def fit() -> None:
        MLP(list(sizes), activation="tanh", output="sigmoid", seed=0).fit(
            X, y, epochs=epochs, lr=0.01, batch_size=c["batch"], seed=1)

    return epochs, cpu(fit)


def lstsq(works: list[Work], seconds: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
    """Rates of `names` minimising the relative squared error (rows weighted by 1/t)."""
    A = np.array([[getattr(w, f) for f in names] for w in works], dtype=np.float64)
    wts = 1 / seconds
    coef, *_ = np.linalg.lstsq(A * wts[:, None], seconds * wts, rcond=None)
    return dict(zip(names, (float(c) for c in coef), strict=True))


def rates_of(values: dict[str, float], base: Work | None = None) -> Work:
    return replace(base or Work(), **values)


def errors(pred: np.ndarray, seconds: np.ndarray) -> dict[str, float]:
    rel = pred / seconds - 1
    return {"rms": float(np.sqrt(np.mean(rel**2))), "under": float(rel.min()),
            "over": float(rel.max()), "median_abs": float(np.median(np.abs(rel)))}


#: Shapes whose time is mostly elementwise (many rows through narrow-to-middling layers).
ACT_SHAPES = ({"depth": 4, "width": 16, "n": 4000, "batch": None},
              {"depth": 4, "width": 64, "n": 2000, "batch": None},
              {"depth": 3, "width": 32, "n": 2000, "batch": 100})
ACT_EPOCHS = 10


def act_weights(rates: Work) -> dict[str, tuple[float, float]]:
    """Each activation's elementwise cost relative to tanh: what the rates without the
    elementwise term leave of the measured time, over the tanh-weighted unit count
    (median over :data:`ACT_SHAPES`); with the share of the time that term was."""
    from core.activations import ACTIVATIONS

    out = {}
    for act in ACTIVATIONS:
        ratios, shares = [], []
        for c in ACT_SHAPES:
            sizes = guard.sizes_of(c["depth"], c["width"], 2)
            X, y = _data(c["n"], 2)
            def fit(act=act, sizes=sizes, X=X, y=y, c=c) -> None:
                MLP(list(sizes), activation=act, output="sigmoid", seed=0).fit(
                    X, y, epochs=ACT_EPOCHS, lr=0.001, batch_size=c["batch"], seed=1)

            t = cpu(fit)
            work = fit_work(sizes, c["n"], ACT_EPOCHS, c["batch"], "tanh")
            rest = replace(work, units=0.0).seconds(rates)
            ratios.append((t - rest) / (work.units * rates.units))
            shares.append(1 - rest / t)
        out[act] = (statistics.median(ratios), statistics.median(shares))
    # Relative to tanh's, the grid's activation (whose rate `units` is).
    ref = out["tanh"][0]
    return {a: (w / ref, share) for a, (w, share) in out.items()}


# ------------------------------------------------------------------ 2. frames


def _plane(name: str, train: int = 50, n_rows: int | None = None) -> PlaneData:
    if n_rows is None:
        Xtr, ytr, Xte, yte = builtin(name, 0.0, 0, train)
        return PlaneData(name, name, "classification", Xtr, ytr, Xte, yte)
    # An upload of n_rows rows (two classes), split as the page splits one.
    rng = np.random.default_rng(0)
    X = rng.uniform(-6, 6, size=(n_rows, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    k = round(n_rows * train / 100)
    return PlaneData(f"upload{n_rows}", "upload", "classification", X[:k], y[:k], X[k:], y[k:])


#: Playground networks: name -> (data, rows of an upload or None, train %, shape, act, features, batch).
NETWORKS: dict[str, tuple] = {
    "default": ("circle", None, 50, (4, 2), "tanh", ("x1", "x2"), 10),
    "spiral 6,6,4": ("spiral", None, 50, (6, 6, 4), "sigmoid", ("x1", "x2", "sinx1", "sinx2"), 10),
    "Playground's largest": ("spiral", None, 50, (8,) * 6, "relu", ALL, 10),
    "page's largest": ("spiral", None, 50, (16,) * 8, "tanh", ALL, 10),
    "worst URL": ("plane", None, 90, (16,) * 8, "relu", ALL, 1),
    "worst, 5,000-row upload": ("upload", 5000, 90, (16,) * 8, "relu", ALL, 1),
}


def network(name: str, chunk: int = R.CHUNK) -> tuple[R.RunSpec, PlaneData]:
    data, rows, train, shape, act, feats, batch = FRAME_NETWORKS[name]
    plane = _plane(data, train, rows)
    spec = R.RunSpec(**training_values(features=feats, shape=shape, acts=(act,) * len(shape),
                                       batch=batch),
                     data_key=plane.key, problem=plane.problem, chunk=chunk)
    return spec, plane


#: More networks for the frame fit: other sizes of training sets.
FRAME_NETWORKS = {
    **NETWORKS,
    "plane, 90 % training, 4,2": ("plane", None, 90, (4, 2), "tanh", ("x1", "x2"), 10),
    "2,000-row upload, 4,2": ("upload", 2000, 90, (4, 2), "tanh", ("x1", "x2"), 10),
    "5,000-row upload, 4,2": ("upload", 5000, 90, (4, 2), "tanh", ("x1", "x2"), 10),
    "5,000-row upload, 50 %, ReLU 8 × 8": ("upload", 5000, 50, (8,) * 8, "relu", ALL, 10),
    "3,000-row upload, sigmoid 4 × 16": ("upload", 3000, 90, (16,) * 4, "sigmoid", ALL, 10),
}


def frame_rows(k: int) -> list[tuple[str, Work, float]]:
    """Per network: one frame's counted work and its measured CPU seconds (k snapshots)."""
    out = []
    for name in FRAME_NETWORKS:
        spec, plane = network(name)
        net = R.build(spec)
        X_train, _ = R._inputs(spec, plane)
        h = net.fit(X_train, plane.y_train, epochs=k, lr=spec.lr, batch_size=None,
                    snapshot_epochs=range(1, k + 1))
        snaps = {e: p for e, p in h.snapshots.items() if e > 0}

        def frames(spec=spec, net=net, plane=plane, snaps=snaps) -> None:
            for view in R._views(spec, net, plane, snaps):  # with the test loss
                R.encode(view, view["epoch"], view.get("test_loss"), {}, spec.marked_layers,
                         spec.dead_layers)

        seconds = cpu(frames) / len(snaps)
        work = frame_work(spec.sizes, len(plane.y_train), len(plane.y_test),
                          R.node_resolution(spec.sizes), R.OUTPUT_RESOLUTION, spec.acts)
        out.append((name, work, seconds))
    return out


# ------------------------------------------------------------------ 3. whole requests


def page_requests() -> list[tuple[str, Work, Callable[[], object]]]:
    """Requests as the pages make them: (what, counted work, the call)."""
    out = []
    # Home: the sigmoid/ReLU pair, depth 10 × 32, 300 rows, batch 32, 150 epochs, test set.
    X, y = _data(400, 2)
    sizes = guard.sizes_of(10, 32, 2)

    def home() -> None:
        for act in ("sigmoid", "relu"):
            MLP(list(sizes), activation=act, seed=0).fit(
                X[:300], y[:300], epochs=150, lr=0.1, batch_size=32, X_test=X[300:], y_test=y[300:])

    out.append(("home: two 10 × 32 networks, 300 rows, batch 32, 150 epochs",
                fit_work(sizes, 300, 150, 32, "sigmoid") + fit_work(sizes, 300, 150, 32, "relu"),
                home))
    # Vanishing: three series, 10 × 32, 225 rows, batch 32, 60 epochs.
    Xv, yv = X[:225], y[:225]

    def vanishing() -> None:
        for act in ("sigmoid", "tanh", "relu"):
            MLP(list(sizes), activation=act, init="he_normal", seed=0).fit(
                Xv, yv, epochs=60, lr=0.1, batch_size=32)

    out.append(("vanishing: three 10 × 32 networks, 225 rows, batch 32, 60 epochs",
                sum((fit_work(sizes, 225, 60, 32, a) for a in ("tanh", "relu")),
                    fit_work(sizes, 225, 60, 32, "sigmoid")), vanishing))
    # Dead ReLU style: a wide full-batch fit.
    Xd, yd = _data(300, 2)
    dsz = guard.sizes_of(4, 128, 2)
    out.append(("full batch: ReLU 4 × 128, 300 rows, 300 epochs", fit_work(dsz, 300, 300, None, "relu"),
                lambda: MLP(list(dsz), activation="relu", seed=0).fit(Xd, yd, epochs=300, lr=0.1)))
    # Playground chunks, training and frames (train_chunk as the page calls it).
    for name in NETWORKS:
        spec, plane = network(name)
        chunk = R.chunk_epochs_for(spec, plane)
        spec = replace(spec, chunk=chunk)

        def play(spec=spec, plane=plane) -> None:
            R.TIMELINES.clear()  # trained, not taken from the store of shared chunks
            R.train_chunk(R.new_run(spec, plane), plane, now=0.0)

        out.append((f"Playground chunk, {name}: {chunk} epochs + frames",
                    R.chunk_work(spec, plane), play))
    return out


# ------------------------------------------------------------------ report


def fit_frames(rates: Work, frows: list) -> Work:
    """`rates` with the frame rates fitted: what the training rates leave unexplained of
    each frame row, fitted to frames and pixels (weighted least squares, relative errors)."""
    fmeasured = np.array([s for _, _, s in frows])
    fbase = np.array([w.seconds(rates) for _, w, _ in frows])
    A = np.array([[getattr(w, f) for f in FRAME_FIELDS] for _, w, _ in frows])
    wts = 1 / fmeasured
    coef, *_ = np.linalg.lstsq(A * wts[:, None], (fmeasured - fbase) * wts, rcond=None)
    return replace(rates, **dict(zip(FRAME_FIELDS, (float(c) for c in coef), strict=True)))


def out_of_sample(rates: Work, two_rates: Work) -> list[list[str]]:
    """Whole page requests measured, against the rates just fitted and the two-constant model."""
    checks = []
    for what, work, call in page_requests():
        measured = cpu(call, repeats=3)
        checks.append([what, f"{measured:.3f} s", f"{work.seconds(rates):.3f} s",
                       f"{work.seconds(rates) / measured - 1:+.0%}",
                       f"{work.seconds(two_rates) / measured - 1:+.0%}"])
        print(checks[-1], flush=True)
    return checks


def _pct(x: float) -> str:
    return f"{x:+.0%}"


def outlier_table(labels: list[dict], t: np.ndarray, pred: np.ndarray, pred2: np.ndarray) -> str:
    """The grid's rows the six-rate model misses most: three under, three over."""
    worst = np.argsort(pred / t - 1)
    return table(["depth × width", "batch", "samples", "inputs", "epochs", "measured",
                  "six rates", "two constants"],
                 [[f"{labels[i]['depth']} × {labels[i]['width']}", labels[i]["batch"] or "full",
                   labels[i]["n"], labels[i]["n_in"], labels[i]["epochs"],
                   f"{t[i] * 1e3:.1f} ms", _pct(pred[i] / t[i] - 1), _pct(pred2[i] / t[i] - 1)]
                  for i in [*worst[:3], *worst[-3:]]])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="write the tables into BENCHMARKS.md")
    p.add_argument("--quick", action="store_true", help="a ninth of the grid, for a try")
    p.add_argument("--target", type=float, default=0.06, help="seconds per timed fit")
    args = p.parse_args(argv)

    configs = grid(args.quick)
    works, seconds, labels = [], [], []
    for c in configs:
        epochs, t = time_fit(c, args.target)
        works.append(fit_work(_sizes(c), c["n"], epochs, c["batch"], "tanh"))
        seconds.append(t)
        labels.append({**c, "epochs": epochs})
        print(f"{c} epochs {epochs}: {t * 1e3:.1f} ms", flush=True)
    t = np.array(seconds)
    fitted = lstsq(works, t, TRAIN_FIELDS)
    two = lstsq(works, t, ("passes", "macs"))
    rates = rates_of(fitted)
    two_rates = rates_of(two)
    weights = act_weights(rates)
    pred = np.array([w.seconds(rates) for w in works])
    pred2 = np.array([w.seconds(two_rates) for w in works])
    old = np.array([w.seconds(guard.RATES) for w in works])
    err, err2, err_old = errors(pred, t), errors(pred2, t), errors(old, t)

    frows = frame_rows(k=8 if args.quick else 16)
    rates = fit_frames(rates, frows)
    fpred = np.array([w.seconds(rates) for _, w, _ in frows])

    line = ", ".join(f"{f.name}={getattr(rates, f.name):.3g}" for f in fields(Work))
    print(f"\nRATES = Work({line})")
    print("ACT_WEIGHTS = {" + ", ".join(f'"{a}": {w:.2g}' for a, (w, _) in weights.items()) + "}")
    print("fit:", err, "\ntwo constants:", err2, "\nrates in ui/guard.py now:", err_old)

    checks = out_of_sample(rates, two_rates)
    fit_table = table(
        ["model", "rows", "rms error", "median abs. error", "worst under", "worst over"],
        [["six rates (ui/guard.py)", len(t), f"{err['rms']:.1%}", f"{err['median_abs']:.1%}",
          _pct(err["under"]), _pct(err["over"])],
         ["two constants: per step + per multiply-add", len(t), f"{err2['rms']:.1%}",
          f"{err2['median_abs']:.1%}", _pct(err2["under"]), _pct(err2["over"])]])
    rate_table = table(["count", "rate (s of one core)"],
                       [[f.name, f"{getattr(rates, f.name):.3g}"] for f in fields(Work)]
                       + [["two constants: passes", f"{two['passes']:.3g}"],
                          ["two constants: macs", f"{two['macs']:.3g}"]])
    outliers = outlier_table(labels, t, pred, pred2)
    act_table = table(["activation", "elementwise cost / tanh's", "share of the time"],
                      [[a, f"{w:.2f}", f"{sh:.0%}"] for a, (w, sh) in weights.items()])
    frame_table = table(["network", "one frame, measured", "model", "error"],
                        [[n, f"{s * 1e3:.2f} ms", f"{q * 1e3:.2f} ms", _pct(q / s - 1)]
                         for (n, _, s), q in zip(frows, fpred, strict=True)])
    check_table = table(["request", "measured", "model", "error", "two-constant model"], checks)
    body = "\n\n".join([
        f"Run {datetime.date.today().isoformat()}, `python -m benchmarks.guard`"
        f"{' --quick' if args.quick else ''}; process CPU time, medians of 3.",
        machine(),
        "**Fit** (training grid: depth 1-8, width 2-256, batch 1 / 10 / 32 / full, "
        "200 or 1,000 samples, 2 or 7 inputs; errors are model / measured − 1):",
        fit_table,
        "**Rates** (`ui.guard.RATES`; `frames`, `nodes` fitted on the frame rows below):",
        rate_table,
        "**The grid's rows the six-rate model misses most** (three under, three over):",
        outliers,
        "**Activations** (`ui.guard.ACT_WEIGHTS`; fits of 4 × 16 and 4 × 64 full batch, 3 × 32 "
        "with batches of 100; the share is that of the elementwise term in the measured time):",
        act_table,
        "**One frame of the Playground's diagram** (maps, gradients, test loss, encoding):",
        frame_table,
        "**Out of sample: whole requests as the pages make them:**",
        check_table,
    ])
    print(body)
    if args.write:
        write_section("guard", body)


if __name__ == "__main__":
    main()
