"""Piecewise ReLU: a ReLU network is a continuous piecewise-linear function.

Pieces are counted exactly from the weights (``core.pieces``); the target formula
typed by the user is parsed by ``core.formula`` (a whitelist, never ``eval``).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core.datasets import DATASETS
from core.formula import FormulaError, parse
from core.grid import plane_grid
from core.mlp import MLP
from core.pieces import (
    LEAK,
    activation_patterns,
    affine_pieces,
    breakpoints,
    count_pieces,
    hinge_terms,
    least_squares_hinges,
    random_params,
    random_piece_counts,
    step_ramp_errors,
    tent_params,
    yarotsky,
    yarotsky_error,
    zero_contour,
)
from ui.cache import page_cache
from ui.charts import ACTIVATION_COLOURS, CLASS_COLOURS, compiled, finite_positive
from ui.export import Weights, show_chart
from ui.frame import frame
from ui.guard import budget_epochs, note_budget
from ui.progress import progress_bar, progress_callback
from ui.upload import UPLOAD, load_data, uploader, user_data

LO, HI = -2.0, 2.0
TARGETS: dict[str, str] = {
    "sine": "sin(2*x)",
    "abs": "abs(x)",
    "square": "x**2",
    "step": "step(x)",
    "sawtooth": "x - floor(x)",
    "bump": "exp(-x**2/0.32)",
    "formula": "",
}
DEFAULT_FORMULA = "sin(3*x) + 0.3*x**2"
MAX_TARGET = 100.0  # largest |f(x)| on [LO, HI] a typed target may reach
ACTS = ("relu", "leaky_relu", "sigmoid", "tanh")
INIT = {"relu": "he_normal", "leaky_relu": "he_normal", "sigmoid": "glorot_uniform",
        "tanh": "glorot_uniform"}
LRS = [0.001, 0.003, 0.01, 0.03, 0.1]
N_SNAP = 20  # snapshots per training run (every 5 %)
K_MAX = 12
M_MAX = 10
RANDOM_SEEDS = 8
WIDE = 16  # width of the random deep nets that do not collapse (Hanin & Rolnick)
WIDE_SEEDS = 16
# scikit-learn's 2-D sets; TensorFlow Playground's (some of them regression) are the playground's.
DATA_2D = [name for name, info in DATASETS.items() if info.two_d and info.standardised] + [UPLOAD]
N_2D, NOISE_2D, EPOCHS_2D, LR_2D = 300, 0.2, 300, 0.01
DRAW_RES, COUNT_RES = 56, 120
STEP_WIDTHS = (1, 2, 4, 8, 16, 32)
STEP_AWAY = 0.25
REGION_PALETTE = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948",
                  "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC", "#86BCB6", "#F1CE63",
                  "#D37295", "#A0CBE8", "#FFBE7D", "#8CD17D")
_LAST_FORMULA = "_piecewise_last_formula"


# ----------------------------------------------------------------- cached maths
def _snap_epochs(epochs: int) -> list[int]:
    return sorted({round(i * epochs / N_SNAP) for i in range(N_SNAP + 1)})


def _curve_of(weights, biases, act: str) -> dict:
    """Exact pieces for ReLU-family nets, a dense sample for smooth ones."""
    if act in LEAK:
        p = affine_pieces(weights, biases, LO, HI, LEAK[act])
        kinks = breakpoints(weights, biases, LO, HI, LEAK[act])
        xs = p.knots
        ys = p(xs)[:, 0]
        return {"x": xs, "y": ys, "kinks": kinks, "kink_y": p(kinks)[:, 0]}
    model = MLP([1, *[w.shape[1] for w in weights[:-1]], 1], activation=act, output="identity")
    model.set_params(weights, biases)
    xs = np.linspace(LO, HI, 401)
    with np.errstate(all="ignore"):
        ys = model.forward(xs[:, None])[:, 0]
    return {"x": xs, "y": ys, "kinks": None, "kink_y": None}


def _data(formula: str, noise: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(LO, HI, n))
    y = parse(formula)(x) + noise * rng.standard_normal(n)
    return x, y


@page_cache(24)
def fit_curve(formula: str, noise: float, n: int, width: int, depth: int, act: str,
              epochs: int, lr: float, seed: int, _text: str = "") -> dict:
    """Train the 1-D fit; every snapshot with its exact pieces."""
    x, y = _data(formula, noise, n, seed)
    grid = np.linspace(LO, HI, 401)
    model = MLP([1, *[width] * depth, 1], activation=act, output="identity",
                init=INIT[act], seed=seed)
    with progress_bar(_text) as bar:
        hist = model.fit(x[:, None], y, epochs=epochs, lr=lr, optimizer="adam",
                         snapshot_epochs=_snap_epochs(epochs),
                         callback=progress_callback(bar, _text))
    snaps = {}
    for e, (w, b, *_) in sorted(hist.snapshots.items()):
        if all(np.isfinite(a).all() for a in (*w, *b)):
            snaps[e] = _curve_of(w, b, act)
    return {"x": x, "y": y, "grid": grid, "target": parse(formula)(grid), "loss": hist.loss,
            "diverged_at": hist.diverged_at, "snaps": snaps, "params": model.get_params()}


@page_cache(24)
def fit_hinges(formula: str, noise: float, n: int, units: int, epochs: int, lr: float,
               seed: int, _text: str = "") -> dict:
    """A one-hidden-layer ReLU net on the same data, split into its units."""
    x, y = _data(formula, noise, n, seed)
    model = MLP([1, units, 1], activation="relu", output="identity", init="he_normal",
                seed=seed)
    with progress_bar(_text) as bar:
        model.fit(x[:, None], y, epochs=epochs, lr=lr, optimizer="adam",
                  callback=progress_callback(bar, _text))
    w, b, *_ = model.get_params()
    kinks = breakpoints(w, b, LO, HI)
    grid = np.union1d(np.linspace(LO, HI, 161), kinks)
    terms = hinge_terms(w, b, grid)
    net = model.forward(grid[:, None])[:, 0]
    total = terms.sum(axis=1) + b[-1][0]
    return {"grid": grid, "terms": terms, "net": net, "total": total, "kinks": kinks,
            "max_diff": float(np.max(np.abs(total - net))), "bias": float(b[-1][0]),
            "pieces": len(kinks) + 1, "x": x, "y": y, "params": (w, b)}


@page_cache(4)
def depth_table(seed: int) -> pd.DataFrame:
    """Pieces on [0, 1] against k for the hand-built, one-layer and random networks."""
    ks = list(range(1, K_MAX + 1))
    seeds = [seed * 1000 + s for s in range(RANDOM_SEEDS)]
    narrow = random_piece_counts(2, ks, seeds)
    wide = random_piece_counts(WIDE, ks, [seed * 1000 + s for s in range(WIDE_SEEDS)])
    rows = []
    for i, k in enumerate(ks):
        t_w, t_b = tent_params(k)
        one_w, one_b = _one_layer_fit(k)
        shallow = [count_pieces(*random_params([1, 2 * k, 1], s), 0.0, 1.0) for s in seeds]
        rows.append({"k": k, "units": 2 * k, "tent": count_pieces(t_w, t_b, 0.0, 1.0),
                     "one": count_pieces(one_w, one_b, 0.0, 1.0), "bound": 2 * k + 1,
                     "random_deep": float(np.mean(narrow[i])),
                     "random_one": float(np.mean(shallow)),
                     "flat": int(np.sum(narrow[i] == 1)),
                     "wide_units": WIDE * k,
                     "random_wide": float(np.mean(wide[i])),
                     "per_neuron": float(np.mean(wide[i]) / (WIDE * k))})
    return pd.DataFrame(rows)


def _tent_values(k: int, x: np.ndarray) -> np.ndarray:
    return affine_pieces(*tent_params(k), 0.0, 1.0)(x)[:, 0]


def _one_layer_fit(k: int) -> tuple[list, list]:
    """One hidden layer with the tent's 2k units: the least-squares fit of the
    k-fold tent with kinks spread evenly over [0, 1] (fixed kinks avoid the
    aliasing of interpolating at equally spaced points, where the tent can be 0)."""
    knots = (np.arange(2 * k) + 0.5) / (2 * k)
    xs = np.linspace(0.0, 1.0, 4097)
    return least_squares_hinges(xs, _tent_values(k, xs), knots)


@page_cache(16)
def tent_curves(k: int) -> dict:
    """The k-fold tent (exact polyline) and the one-layer interpolant with 2k units."""
    p = affine_pieces(*tent_params(k), 0.0, 1.0)
    one = affine_pieces(*_one_layer_fit(k), 0.0, 1.0)
    dense = np.union1d(np.union1d(p.knots, one.knots), np.linspace(0, 1, 2001))
    err = float(np.max(np.abs(p(dense)[:, 0] - one(dense)[:, 0])))
    return {"x": p.knots, "y": p(p.knots)[:, 0], "one_x": one.knots,
            "one_y": one(one.knots)[:, 0], "one_err": err}


@page_cache(2)
def yarotsky_table() -> pd.DataFrame:
    ms = np.arange(1, M_MAX + 1)
    return pd.DataFrame({"m": ms, "measured": [yarotsky_error(int(m)) for m in ms],
                         "bound": 2.0 ** (-2 * ms - 2)})


@page_cache(12)
def yarotsky_curve(m: int) -> dict:
    x = np.linspace(0.0, 1.0, 2 ** (m + 1) + 1) if m >= 6 else np.linspace(0.0, 1.0, 257)
    return {"x": x, "f": yarotsky(m, x), "sq": x**2}


def _class_boundaries(logits: np.ndarray, axes: np.ndarray) -> np.ndarray:
    """Where the predicted class changes: the zero line of the logit (one output) or,
    for a softmax, of each class's margin over the best other class."""
    if logits.shape[1] == 1:
        return zero_contour(logits[:, 0], axes)
    segs = []
    for k in range(logits.shape[1]):
        others = np.delete(logits, k, axis=1).max(axis=1)
        segs.append(zero_contour(logits[:, k] - others, axes))
    return np.concatenate(segs) if segs else np.zeros((0, 4))


@page_cache(16)
def regions_2d(key: str, width: int, depth: int, seed: int, epochs: int, _X: np.ndarray,
               _y: np.ndarray, _text: str = "") -> dict:
    """Train a ReLU classifier on 2-D data; regions and boundary at each snapshot.

    `key` names the data (a data-set name for built-in sets, the upload's digest
    otherwise); `_X`, `_y` are not hashed. More than two classes: a softmax output.
    """
    X, y = _X, _y
    n_classes = int(y.max()) + 1
    n_out, output = (1, "sigmoid") if n_classes <= 2 else (n_classes, "softmax")
    model = MLP([2, *[width] * depth, n_out], activation="relu", output=output,
                init="he_normal", seed=seed)
    snap_at = sorted({round(i * epochs / 10) for i in range(11)})
    with progress_bar(_text) as bar:
        hist = model.fit(X, y, epochs=epochs, lr=LR_2D, optimizer="adam",
                         snapshot_epochs=snap_at, callback=progress_callback(bar, _text))
    draw, axes, step = plane_grid(X, resolution=DRAW_RES)
    count_pts, _, _ = plane_grid(X, resolution=COUNT_RES)
    probe = MLP([2, *[width] * depth, n_out], activation="relu", output=output)
    snaps = {}
    for e, (w, b, *_) in sorted(hist.snapshots.items()):
        labels, logits = activation_patterns(w, b, draw)
        if n_out > 1:
            probe.set_params(w, b)
            logits = probe.forward_trace(draw)[0][-1]
        else:
            logits = logits[:, None]
        count_labels, _ = activation_patterns(w, b, count_pts)
        snaps[e] = {"labels": labels, "segments": _class_boundaries(logits, axes),
                    "regions": int(count_labels.max()) + 1, "acc": float(hist.train_acc[e])}
    return {"X": X, "y": y, "points": draw, "step": step, "snaps": snaps,
            "diverged_at": hist.diverged_at, "classes": n_classes, "output": output,
            "params": model.get_params()}


@page_cache(4)
def step_study(seed: int, epochs: int, _text: str = "") -> dict:
    """Analytic ramps of shrinking width, and trained one-layer nets of growing width."""
    widths = 2.0 ** -np.arange(0, 11)
    ramps = step_ramp_errors(widths, away=STEP_AWAY / 2)
    x = np.linspace(-1.0, 1.0, 201)
    y = (x >= 0).astype(float)
    dense = np.union1d(np.linspace(-1.0, 1.0, 4001), [0.0])
    target = (dense >= 0).astype(float)
    far = np.abs(dense) >= STEP_AWAY
    rows = []
    with progress_bar(_text) as bar:
        for i, m in enumerate(STEP_WIDTHS):
            model = MLP([1, m, 1], activation="relu", output="identity", init="he_normal",
                        seed=seed)
            model.fit(x[:, None], y, epochs=epochs, lr=0.01, optimizer="adam",
                      callback=progress_callback(bar, _text, start=i / len(STEP_WIDTHS),
                                                 span=1 / len(STEP_WIDTHS)))
            err = np.abs(model.forward(dense[:, None])[:, 0] - target)
            rows.append({"units": m, "away": float(err[far].max()),
                         "jump": float(err[~far].max()),
                         "rms": float(np.sqrt(np.mean(err**2)))})
    return {"ramp": pd.DataFrame({"slope": 1 / widths, **ramps}), "trained": pd.DataFrame(rows)}


# ----------------------------------------------------------------------- charts
def _fit_chart(res: dict, snap: dict, t, act: str) -> alt.LayerChart:
    x_t, y_t = t("piecewise.axis.x"), t("piecewise.axis.y")
    samples = pd.DataFrame({"x": res["x"], "y": res["y"]})
    target = pd.DataFrame({"x": res["grid"], "y": res["target"]})
    net = pd.DataFrame({"x": snap["x"], "y": snap["y"]})
    ys = np.concatenate([res["y"], res["target"]])
    span = float(ys.max() - ys.min()) or 1.0
    dom = [float(ys.min() - 0.25 * span), float(ys.max() + 0.25 * span)]
    net = net.assign(y=np.clip(net["y"], dom[0], dom[1]))
    # The y axis spans the data, which reaches `dom` through an invisible pair of
    # points: the spec then stays the same when only the data change (ui.charts).
    scale = alt.Scale(nice=False, zero=False, clamp=True)
    bounds = pd.DataFrame({"x": [float(res["grid"][0])] * 2, "y": dom})
    has_kinks = snap["kinks"] is not None and len(snap["kinks"]) > 0
    kinks = pd.DataFrame({"x": np.asarray(snap["kinks"] if has_kinks else [], float),
                          "y": np.clip(np.asarray(snap["kink_y"] if has_kinks else [], float),
                                       dom[0], dom[1])})
    layers = [
        alt.Chart(bounds).mark_point(opacity=0).encode(
            x=alt.X("x:Q", title=x_t), y=alt.Y("y:Q", title=y_t, scale=scale)),
        alt.Chart(samples).mark_circle(size=16, color="#999999", opacity=0.7)
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q")),
        alt.Chart(target).mark_line(color="#333333", strokeDash=[5, 4], strokeWidth=1.5)
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q")),
        alt.Chart(net).mark_line(color=ACTIVATION_COLOURS.get(act, "#009E73"), strokeWidth=2.5)
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q")),
        # Always a layer (empty without kinks), so the spec keeps its shape.
        alt.Chart(kinks).mark_point(shape="diamond", size=45, filled=True, color="#D55E00")
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"),
                tooltip=[alt.Tooltip("x:Q", title=t("piecewise.fit.kink"), format=".3f")]),
    ]
    return alt.layer(*layers).properties(height=340)


def _simple_lines(frame: pd.DataFrame, x: str, y: str, series: str, *, x_title: str,
                  y_title: str, series_title: str, log_y: bool = False, log_x: bool = False,
                  colours: dict[str, str] | None = None, height: int = 260,
                  points: bool = True) -> alt.Chart:
    names = list(dict.fromkeys(frame[series].tolist()))
    scale = alt.Scale(domain=names, range=[(colours or {}).get(n, c) for n, c in
                                           zip(names, CLASS_COLOURS * 4, strict=False)])
    mark = alt.OverlayMarkDef(size=22, filled=True) if points else False
    return (
        alt.Chart(frame).mark_line(point=mark, strokeWidth=2)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(type="log" if log_x else "linear")),
            y=alt.Y(f"{y}:Q", title=y_title,
                    scale=alt.Scale(type="log") if log_y else alt.Scale(zero=False)),
            color=alt.Color(f"{series}:N", title=series_title, scale=scale,
                            legend=alt.Legend(orient="bottom", columns=1, labelLimit=400)),
            tooltip=[alt.Tooltip(f"{series}:N", title=series_title),
                     alt.Tooltip(f"{x}:Q", title=x_title, format=".4~g"),
                     alt.Tooltip(f"{y}:Q", title=y_title, format=".4~g")],
        )
        .properties(height=height)
    )


def _hinge_chart(terms: pd.DataFrame, total: pd.DataFrame, x: np.ndarray, y: np.ndarray,
                 unit_label: str, t) -> alt.LayerChart:
    """Each unit's hinge (thin), their sum (thick) and the samples it fits (grey)."""
    x_t, y_t = t("piecewise.axis.x"), t("piecewise.axis.y")
    base = alt.Chart(terms).mark_line(strokeWidth=1.3, opacity=0.8).encode(
        x=alt.X("x:Q", title=x_t), y=alt.Y("y:Q", title=y_t),
        color=alt.Color("s:N", title=unit_label, legend=None, scale=alt.Scale(scheme="tableau20")),
        tooltip=[alt.Tooltip("s:N", title=unit_label)])
    top = alt.Chart(total).mark_line(strokeWidth=3, color="#009E73").encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), tooltip=[alt.Tooltip("s:N", title=" ")])
    samples = alt.Chart(pd.DataFrame({"x": x, "y": y})).mark_circle(
        size=12, color="#999999", opacity=0.6).encode(x=alt.X("x:Q"), y=alt.Y("y:Q"))
    return alt.layer(samples, base, top).properties(height=300)


def _region_chart(res: dict, snap: dict, t) -> alt.LayerChart:
    pts, half = res["points"], 0.51 * res["step"]
    colours = np.array(REGION_PALETTE)[(snap["labels"] * 7) % len(REGION_PALETTE)]
    grid = pd.DataFrame({"x1a": pts[:, 0] - half, "x1b": pts[:, 0] + half,
                         "x2a": pts[:, 1] - half, "x2b": pts[:, 1] + half,
                         "c": colours, "r": snap["labels"]})
    # The axes span the cells (no domain in the spec) and the boundary layer is there
    # even when empty, so new data leave the spec as it was (ui.charts).
    heat = alt.Chart(grid).mark_rect(opacity=0.55).encode(
        x=alt.X("x1a:Q", title="x₁", scale=alt.Scale(nice=False, zero=False)),
        x2=alt.X2("x1b:Q"),
        y=alt.Y("x2a:Q", title="x₂", scale=alt.Scale(nice=False, zero=False)),
        y2=alt.Y2("x2b:Q"),
        color=alt.Color("c:N", scale=None),
        tooltip=[alt.Tooltip("r:Q", title=t("piecewise.regions.region"))])
    seg = snap["segments"]
    lines = alt.Chart(pd.DataFrame(seg, columns=["a1", "a2", "b1", "b2"])).mark_rule(
        color="#111111", strokeWidth=2.5).encode(
            x=alt.X("a1:Q"), y=alt.Y("a2:Q"), x2=alt.X2("b1:Q"), y2=alt.Y2("b2:Q"))
    labels = [str(v) for v in sorted(np.unique(res["y"]))]
    data = pd.DataFrame({"x1": res["X"][:, 0], "x2": res["X"][:, 1],
                         "label": res["y"].astype(str)})
    dots = alt.Chart(data).mark_point(size=22, filled=True, stroke="#222222", strokeWidth=0.6,
                                      opacity=1).encode(
        x=alt.X("x1:Q"), y=alt.Y("x2:Q"),
        color=alt.Color("label:N", title=t("piecewise.regions.class"),
                        scale=alt.Scale(domain=labels, range=list(CLASS_COLOURS[:len(labels)])),
                        legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("label:N", scale=alt.Scale(domain=labels), legend=None))
    return alt.layer(heat, dots, lines).resolve_scale(color="independent").properties(height=420)


def _fit_data(res: dict, snap: dict) -> pd.DataFrame:
    """The fit chart's data, tidy: samples, target and the network at the shown epoch."""
    parts = [pd.DataFrame({"series": "sample", "x": res["x"], "y": res["y"]}),
             pd.DataFrame({"series": "target", "x": res["grid"], "y": res["target"]}),
             pd.DataFrame({"series": "network", "x": snap["x"], "y": snap["y"]})]
    if snap["kinks"] is not None:
        parts.append(pd.DataFrame({"series": "kink", "x": snap["kinks"], "y": snap["kink_y"]}))
    return pd.concat(parts, ignore_index=True)


def _region_data(res: dict, snap: dict) -> pd.DataFrame:
    """The region chart's data: grid points with their region, then the training points."""
    grid = pd.DataFrame({"kind": "grid", "x1": res["points"][:, 0], "x2": res["points"][:, 1],
                         "region": snap["labels"]})
    data = pd.DataFrame({"kind": "data", "x1": res["X"][:, 0], "x2": res["X"][:, 1],
                         "label": res["y"]})
    return pd.concat([grid, data], ignore_index=True)


# ------------------------------------------------------------------------- page
def _target_formula(c, t) -> tuple[str, str]:
    """The chosen target's formula, after checking a typed one; returns (name, formula)."""
    target = c.select("target", t("piecewise.controls.target"), list(TARGETS), "sine",
                      help=t("piecewise.controls.target_help"))
    typed = c.text("f", t("piecewise.controls.formula"), DEFAULT_FORMULA, max_chars=120,
                   help=t("piecewise.controls.formula_help"))
    if not isinstance(typed, str):
        # ui.controls resets an over-long URL value to None rather than the default
        typed = DEFAULT_FORMULA
    if target != "formula":
        return target, TARGETS[target]
    last = st.session_state.get(_LAST_FORMULA, DEFAULT_FORMULA)
    try:
        values = parse(typed)(np.linspace(LO, HI, 2001))
        if np.max(np.abs(values)) > MAX_TARGET:
            raise FormulaError("target_large", f"{MAX_TARGET:g}")
    except FormulaError as err:
        reason = t(f"piecewise.formula.err.{err.code}", detail=err.detail)
        st.warning(t("piecewise.formula.rejected", text=typed[:60], reason=reason,
                     used=last), icon="⚠️")
        return target, last
    st.session_state[_LAST_FORMULA] = typed.strip()
    return target, typed.strip()


#: The page's sections, in reading order (URL ``view``; the first is the default).
SECTIONS = ("fit", "hinge", "depth", "yarotsky", "regions", "step")


def main() -> None:
    fr = frame("piecewise")
    t, c = fr.t, fr.controls
    fr.heading()

    sidebar = c.container
    sidebar.subheader(t("piecewise.controls.title"))
    target, formula = _target_formula(c, t)
    noise = c.slider("noise", t("piecewise.controls.noise"), 0.0, 0.5, 0.05, step=0.05)
    n = c.slider("n", t("piecewise.controls.n"), 20, 400, 120, step=10)
    width = c.slider("width", t("piecewise.controls.width"), 1, 64, 16)
    depth = c.slider("depth", t("piecewise.controls.depth"), 1, 6, 2)
    act = c.select("act", t("piecewise.controls.act"), ACTS, "relu",
                   help=t("piecewise.controls.act_help"))
    epochs = c.slider("epochs", t("piecewise.controls.epochs"), 50, 3000, 400, step=50)
    lr = c.select_slider("lr", t("piecewise.controls.lr"), LRS, 0.01)
    seed = c.number("seed", t("piecewise.controls.seed"), 0, 9999, 0, help=t("common.seed_help"))
    uploader(t)
    # The fit's budget is plain arithmetic; the hinge section trains on the same samples.
    budget = budget_epochs(depth, width, n, epochs, runs=1, n_in=1)
    n = budget.n_samples

    # Only the open section is computed and drawn (see Frame.sections).
    view = fr.sections(SECTIONS)
    # 1 ---------------------------------------------------------------- the fit
    if view == "fit":
        st.header(t("piecewise.fit.title"))
        st.markdown(t("piecewise.fit.intro"))
        note_budget(budget, t)
        epochs = budget.epochs
        res = fit_curve(formula, float(noise), n, width, depth, act, epochs, float(lr), seed,
                        _text=t("piecewise.fit.training"))
        if res["diverged_at"] is not None:
            st.error(t("common.diverged", epoch=res["diverged_at"]))
        epochs_done = sorted(res["snaps"])
        left, right = st.columns([3, 1])
        c.container = right
        at = c.slider("at", t("piecewise.controls.at"), 0, 100, 100, step=5,
                      help=t("piecewise.controls.at_help"))
        c.container = sidebar
        wanted = round(at * epochs / 100)
        shown = min(epochs_done, key=lambda e: abs(e - wanted)) if epochs_done else None
        if shown is None:
            left.error(t("piecewise.fit.nothing"))
        else:
            snap = res["snaps"][shown]
            right.metric(t("piecewise.fit.epoch"), f"{shown} / {len(res['loss']) - 1}")
            right.metric(t("piecewise.fit.loss"), f"{res['loss'][shown]:.3g}")
            if snap["kinks"] is not None:
                right.metric(t("piecewise.fit.pieces"), len(snap["kinks"]) + 1,
                             help=t("piecewise.fit.pieces_help"))
            with left:
                st.caption(t("piecewise.fit.target_is", name=t(f"piecewise.target.{target}"),
                             formula=formula))
                show_chart(compiled(_fit_chart, res, snap, t, act), _fit_data(res, snap), f"fit-{act}", t,
                           Weights(res["params"], {
                               "sizes": [1, *[width] * depth, 1], "activation": act,
                               "output": "identity", "init": INIT[act], "optimizer": "adam",
                               "lr": float(lr), "batch": None, "epochs": epochs, "seed": seed,
                               "target": target, "formula": formula, "noise": float(noise), "n": n,
                               "interval": [LO, HI]}, f"fit-{act}-weights"))
                st.caption(t("piecewise.fit.caption"))
            if snap["kinks"] is not None:
                st.info(t("piecewise.fit.reading", pieces=len(snap["kinks"]) + 1,
                          kinks=len(snap["kinks"]), units=width * depth, epoch=shown))
                counts = pd.DataFrame({
                    "epoch": epochs_done,
                    "pieces": [len(res["snaps"][e]["kinks"]) + 1 for e in epochs_done],
                    "s": t("piecewise.fit.pieces")})
                st.markdown(f"**{t('piecewise.fit.over_training')}**")
                show_chart(compiled(_simple_lines, counts, "epoch", "pieces", "s",
                                    x_title=t("common.axis.epoch"),
                                    y_title=t("piecewise.axis.pieces"),
                                    series_title=" ", height=200),
                           counts[["epoch", "pieces"]], f"fit-{act}-pieces", t)
                st.caption(t("piecewise.fit.over_caption"))
            else:
                st.info(t("piecewise.fit.smooth", act=act))
    # 2 -------------------------------------------------------------- the hinges
    elif view == "hinge":
        st.header(t("piecewise.hinge.title"))
        st.markdown(t("piecewise.hinge.intro"))
        left, right = st.columns([3, 1])
        c.container = right
        units = c.slider("units", t("piecewise.controls.units"), 1, 24, 6)
        c.container = sidebar
        hin_epochs = budget.requested  # one small layer: never over budget (3·48·400·3000 ≈ 2e8)
        hin = fit_hinges(formula, float(noise), n, units, hin_epochs, float(lr), seed,
                         _text=t("piecewise.hinge.training"))
        right.metric(t("piecewise.fit.pieces"), hin["pieces"], help=t("piecewise.hinge.bound_help"))
        right.metric(t("piecewise.hinge.max_diff"), f"{hin['max_diff']:.1e}")
        unit_label = t("piecewise.hinge.unit")
        rows = [pd.DataFrame({"x": hin["grid"], "y": hin["terms"][:, i],
                              "s": f"{unit_label} {i + 1}"}) for i in range(units)]
        terms = pd.concat(rows, ignore_index=True)
        sum_name = t("piecewise.hinge.sum")
        total = pd.DataFrame({"x": hin["grid"], "y": hin["total"], "s": sum_name})
        with left:
            hinge_data = pd.concat([terms, total, pd.DataFrame({
                "x": hin["x"], "y": hin["y"], "s": t("piecewise.export.sample")})], ignore_index=True)
            show_chart(compiled(_hinge_chart, terms, total, hin["x"], hin["y"], unit_label, t),
                       hinge_data, f"hinges-{units}-units", t,
                       Weights(hin["params"], {
                           "sizes": [1, units, 1], "activation": "relu", "output": "identity",
                           "init": "he_normal", "optimizer": "adam", "lr": float(lr), "batch": None,
                           "epochs": hin_epochs, "seed": seed, "target": target, "formula": formula,
                           "noise": float(noise), "n": n, "interval": [LO, HI]}, "hinges-weights"))
            st.caption(t("piecewise.hinge.caption", bias=f"{hin['bias']:.3g}"))
        st.info(t("piecewise.hinge.reading", units=units, pieces=hin["pieces"], bound=units + 1,
                  diff=f"{hin['max_diff']:.1e}"))
    # 3 ---------------------------------------------------------------- depth
    elif view == "depth":
        st.header(t("piecewise.depth.title"))
        st.markdown(t("piecewise.depth.intro"))
        left, right = st.columns([3, 1])
        c.container = right
        k = c.slider("k", t("piecewise.controls.k"), 1, K_MAX, 4)
        c.container = sidebar
        table = depth_table(seed)
        row = table[table.k == k].iloc[0]
        tent = tent_curves(k)
        right.metric(t("piecewise.depth.tent_pieces"), int(row.tent))
        right.metric(t("piecewise.depth.one_pieces"), int(row.one))
        right.metric(t("piecewise.depth.random_pieces"), f"{row.random_deep:.1f}")
        right.metric(t("piecewise.depth.wide_pieces", width=WIDE), f"{row.random_wide:.1f}")
        with left:
            deep_name = t("piecewise.depth.series.tent", k=k, units=2 * k)
            one_name = t("piecewise.depth.series.one", units=2 * k)
            curves = pd.concat([
                pd.DataFrame({"x": tent["x"], "y": tent["y"], "s": deep_name}),
                pd.DataFrame({"x": tent["one_x"], "y": tent["one_y"], "s": one_name}),
            ], ignore_index=True)
            show_chart(compiled(_simple_lines, curves, "x", "y", "s", x_title=t("piecewise.axis.x"),
                                y_title=t("piecewise.axis.y"), series_title=" ",
                                colours={deep_name: "#009E73", one_name: "#E69F00"},
                                points=False, height=280), curves, f"tent-k{k}", t)
            st.caption(t("piecewise.depth.caption", k=k, err=f"{tent['one_err']:.2f}"))
        st.info(t("piecewise.depth.reading", k=k, units=2 * k, tent=int(row.tent),
                  one=int(row.one), bound=int(row.bound), random=f"{row.random_deep:.1f}",
                  seeds=RANDOM_SEEDS))
        st.info(t("piecewise.depth.wide_reading", k=k, width=WIDE, neurons=int(row.wide_units),
                  wide=f"{row.random_wide:.1f}", per=f"{row.per_neuron:.2f}",
                  lo=f"{table.per_neuron.min():.2f}", hi=f"{table.per_neuron.max():.2f}",
                  k_max=K_MAX, top=f"{table.random_wide.iloc[-1]:.0f}",
                  top_neurons=int(table.wide_units.iloc[-1]), two_k=2**K_MAX,
                  flat=int(row.flat), seeds=RANDOM_SEEDS, wide_seeds=WIDE_SEEDS))
        names = {"tent": t("piecewise.depth.col.tent"), "one": t("piecewise.depth.col.one"),
                 "random_deep": t("piecewise.depth.col.random_deep"),
                 "random_one": t("piecewise.depth.col.random_one"),
                 "random_wide": t("piecewise.depth.col.random_wide", width=WIDE)}
        long = table.melt(id_vars=["k"], value_vars=list(names), var_name="s", value_name="pieces")
        long["s"] = long["s"].map(names)
        cl, cr = st.columns([1, 1])
        with cl:
            show_chart(compiled(_simple_lines, long, "k", "pieces", "s", x_title=t("piecewise.axis.k"),
                                y_title=t("piecewise.axis.pieces"), series_title=" ",
                                log_y=True, colours={names["tent"]: "#009E73",
                                                     names["one"]: "#E69F00",
                                                     names["random_deep"]: "#0072B2",
                                                     names["random_one"]: "#CC79A7",
                                                     names["random_wide"]: "#D55E00"},
                                height=420),
                       long, "pieces-vs-k", t)
            st.caption(t("piecewise.depth.chart_caption", seeds=RANDOM_SEEDS))
            st.caption(t("piecewise.depth.wide_caption", width=WIDE, wide_seeds=WIDE_SEEDS))
        with cr:
            shown_table = table[["k", "units", "tent", "one", "bound", "random_deep",
                                 "random_one", "wide_units", "random_wide", "per_neuron"]].rename(
                columns={"k": "k", "units": t("piecewise.depth.col.units"),
                         "bound": t("piecewise.depth.col.bound"),
                         "wide_units": t("piecewise.depth.col.wide_units", width=WIDE),
                         "per_neuron": t("piecewise.depth.col.per_neuron", width=WIDE), **names})
            one_decimal = st.column_config.NumberColumn(format="%.1f")
            st.dataframe(shown_table, hide_index=True, height=460,
                         column_config={names["random_deep"]: one_decimal,
                                        names["random_one"]: one_decimal,
                                        names["random_wide"]: one_decimal,
                                        t("piecewise.depth.col.per_neuron", width=WIDE):
                                            st.column_config.NumberColumn(format="%.2f")})
    # 4 ------------------------------------------------------------- Yarotsky
    elif view == "yarotsky":
        st.header(t("piecewise.yarotsky.title"))
        st.markdown(t("piecewise.yarotsky.intro"))
        left, mid, right = st.columns([2, 2, 1])
        c.container = right
        m = c.slider("m", t("piecewise.controls.m"), 1, M_MAX, 2)
        c.container = sidebar
        yc = yarotsky_curve(m)
        yt = yarotsky_table()
        measured = float(yt[yt.m == m].measured.iloc[0])
        right.metric(t("piecewise.yarotsky.measured"), f"{measured:.3g}")
        right.metric(t("piecewise.yarotsky.bound"), f"{2.0 ** (-2 * m - 2):.3g}")
        with left:
            fm_name, sq_name = t("piecewise.yarotsky.fm", m=m), "x²"
            frame_y = pd.concat([pd.DataFrame({"x": yc["x"], "y": yc["sq"], "s": sq_name}),
                                 pd.DataFrame({"x": yc["x"], "y": yc["f"], "s": fm_name})],
                                ignore_index=True)
            show_chart(compiled(_simple_lines, frame_y, "x", "y", "s", x_title=t("piecewise.axis.x"),
                                y_title=t("piecewise.axis.y"), series_title=" ",
                                colours={sq_name: "#333333", fm_name: "#009E73"},
                                points=False), frame_y, f"yarotsky-m{m}", t)
            st.caption(t("piecewise.yarotsky.curve_caption", m=m, knots=2**m + 1))
        with mid:
            meas, bnd = t("piecewise.yarotsky.measured"), t("piecewise.yarotsky.bound")
            errs = pd.concat([pd.DataFrame({"m": yt.m, "e": finite_positive(yt.measured), "s": meas}),
                              pd.DataFrame({"m": yt.m, "e": yt.bound, "s": bnd})], ignore_index=True)
            show_chart(compiled(_simple_lines, errs, "m", "e", "s", x_title="m",
                                y_title=t("piecewise.axis.max_error"), series_title=" ",
                                log_y=True, colours={meas: "#009E73", bnd: "#333333"}),
                       errs, "yarotsky-error", t)
            st.caption(t("piecewise.yarotsky.error_caption"))
        worst = float(np.max(np.abs(yt.measured / yt.bound - 1)))
        st.info(t("piecewise.yarotsky.reading", m=m, measured=f"{measured:.3g}",
                  layers=m, worst=f"{worst:.1e}", m_max=M_MAX))
    # 5 ------------------------------------------------------------------ 2-D
    elif view == "regions":
        st.header(t("piecewise.regions.title"))
        st.markdown(t("piecewise.regions.intro"))
        left, right = st.columns([3, 1])
        c.container = right
        data = c.select("data", t("piecewise.controls.data"), DATA_2D, "moons")
        w2 = c.slider("w2", t("piecewise.controls.w2"), 2, 32, 8)
        d2 = c.slider("d2", t("piecewise.controls.d2"), 1, 4, 2)
        at2 = c.slider("at2", t("piecewise.controls.at2"), 0, 100, 100, step=10)
        c.container = sidebar
        with left:
            X2, y2, used = load_data(data, N_2D, NOISE_2D, seed, t)
        mine = user_data() if used == UPLOAD else None
        budget2 = budget_epochs(d2, w2, len(X2), EPOCHS_2D, runs=1, n_in=2)
        epochs2 = budget2.epochs
        if budget2.n_samples < len(X2):
            X2, y2 = X2[:budget2.n_samples], y2[:budget2.n_samples]
        with left:
            note_budget(budget2, t)
        reg = regions_2d(mine[2] if mine else used, w2, d2, seed, epochs2, X2, y2,
                         _text=t("piecewise.regions.training"))
        if reg["diverged_at"] is not None:
            st.error(t("common.diverged", epoch=reg["diverged_at"]))
        reg_epochs = sorted(reg["snaps"])
        e2 = min(reg_epochs, key=lambda e: abs(e - at2 * epochs2 / 100))
        snap2 = reg["snaps"][e2]
        right.metric(t("piecewise.regions.count"), snap2["regions"],
                     help=t("piecewise.regions.count_help", res=COUNT_RES))
        right.metric(t("piecewise.fit.epoch"), f"{e2} / {epochs2}")
        right.metric(t("piecewise.regions.acc"), f"{100 * snap2['acc']:.0f}%")
        with left:
            show_chart(compiled(_region_chart, reg, snap2, t), _region_data(reg, snap2),
                       f"regions-{used}-e{e2}", t,
                       Weights(reg["params"], {
                           "sizes": [2, *[w2] * d2, reg["params"][0][-1].shape[1]],
                           "activation": "relu", "output": reg["output"], "init": "he_normal",
                           "optimizer": "adam", "lr": LR_2D, "batch": None, "epochs": epochs2,
                           "seed": seed, "data": used, "n": len(X2),
                           "noise": NOISE_2D if used != UPLOAD else None},
                           f"regions-{used}-weights"))
            if reg["classes"] > 2:
                st.caption(t("piecewise.regions.caption_multi", k=reg["classes"]))
            else:
                st.caption(t("piecewise.regions.caption"))
        counts2 = pd.DataFrame({"epoch": reg_epochs,
                                "r": [reg["snaps"][e]["regions"] for e in reg_epochs],
                                "s": t("piecewise.regions.count")})
        show_chart(compiled(_simple_lines, counts2, "epoch", "r", "s", x_title=t("common.axis.epoch"),
                            y_title=t("piecewise.regions.count"), series_title=" ",
                            height=200),
                   counts2[["epoch", "r"]].rename(columns={"r": "regions"}),
                   f"regions-{used}-over-training", t)
        first, last = reg["snaps"][reg_epochs[0]]["regions"], reg["snaps"][reg_epochs[-1]]["regions"]
        st.info(t("piecewise.regions.reading", first=first, last=last, units=w2 * d2,
                  epochs=epochs2, res=COUNT_RES))
    # 6 ------------------------------------------------------------------ step
    elif view == "step":
        st.header(t("piecewise.step.title"))
        st.markdown(t("piecewise.step.intro"))
        study = step_study(seed, 300, _text=t("piecewise.step.training"))
        ramp, trained = study["ramp"], study["trained"]
        left, right = st.columns(2)
        with left:
            names_r = {"away": t("piecewise.step.away", eta=STEP_AWAY / 2),
                       "jump": t("piecewise.step.jump", eta=STEP_AWAY / 2),
                       "bad": t("piecewise.step.bad")}
            long_r = ramp.melt(id_vars=["slope"], value_vars=list(names_r), var_name="s",
                               value_name="v")
            long_r["s"] = long_r["s"].map(names_r)
            long_r["v"] = finite_positive(long_r["v"].to_numpy(), floor=1e-4)
            show_chart(compiled(_simple_lines, long_r.dropna(), "slope", "v", "s",
                                x_title=t("piecewise.axis.slope"),
                                y_title=t("piecewise.axis.error"), series_title=" ",
                                log_x=True, log_y=True), ramp, "step-ramps", t)
            st.caption(t("piecewise.step.ramp_caption"))
        with right:
            names_t = {"away": t("piecewise.step.away", eta=STEP_AWAY),
                       "jump": t("piecewise.step.jump", eta=STEP_AWAY), "rms": t("piecewise.step.rms")}
            long_t = trained.melt(id_vars=["units"], value_vars=list(names_t), var_name="s",
                                  value_name="v")
            long_t["s"] = long_t["s"].map(names_t)
            show_chart(compiled(_simple_lines, long_t, "units", "v", "s",
                                x_title=t("piecewise.axis.units"),
                                y_title=t("piecewise.axis.error"), series_title=" ",
                                log_x=True), trained, "step-trained", t)
            st.caption(t("piecewise.step.trained_caption", epochs=300))
        st.info(t("piecewise.step.reading",
                  jump_min=f"{ramp['jump'].min():.2f}",
                  bad_last=f"{ramp['bad'].iloc[-1]:.4f}", slope_last=f"{ramp['slope'].iloc[-1]:g}",
                  trained_jump=f"{trained['jump'].min():.2f}",
                  trained_away=f"{trained['away'].iloc[-1]:.2f}", units=int(trained['units'].iloc[-1])))
        st.markdown(t("piecewise.step.honest"))
    fr.next_section()

main()
