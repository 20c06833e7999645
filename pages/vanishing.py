"""Gradient vanishing with depth: per-layer gradients at initialisation and during
training, across depth, activation and initialisation (SCIENCE.md C4–C7).

Every network on the page has the same shape and data; a *series* is one
(activation, initialisation) pair. With a second initialisation (`init2`) each
activation is trained with both, so the He et al. (2015) comparison is across
initialisations rather than activations.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core.activations import ACTIVATIONS
from core.datasets import DATASETS, DatasetInfo, load, train_test_split
from core.gradients import (
    SATURATION,
    TINY,
    depth_grid,
    describe_health,
    first_last_ratio,
    geometric_band,
    init_statistics,
    single_threaded_blas,
    slope_bound,
)
from core.grid import plane_grid
from core.init import INITIALISERS, weight_variance
from core.mlp import MLP, OPTIMIZERS
from ui.cache import page_cache, view_memo
from ui.charts import (
    activation_colour,
    boundary_chart,
    compiled,
    downsample,
    finite_positive,
    image_heatmap,
    line_chart,
)
from ui.export import Weights, show_chart, weights_button
from ui.frame import frame
from ui.guard import BUDGET, budget_epochs, note_budget, training_cost
from ui.i18n import percent
from ui.progress import progress_bar, progress_callback
from ui.upload import UPLOAD, load_data, uploader, user_data

PAGE = "vanishing"
N_INITS = 5  # random initialisations averaged in section 1
N_SNAPSHOTS = 20  # epochs kept for the decision-boundary scrubber (plus epoch 0)
GRID = 40  # decision-boundary grid points per axis
MIN_GRID = 12  # coarsest grid the compute guard may fall back to
# Compute guard (ui.guard): training gets the whole per-request budget; the statistics
# at initialisation and the boundary maps, which are not training but cost the same
# kind of matrix products, get a quarter each. The depth sweep runs only when switched
# on and gets half a budget of its own (many short trainings, where fit's per-epoch
# evaluation costs as much again), so even a cold link with the sweep on stays under
# about twice what one request may spend.
INIT_BUDGET = BUDGET / 4
BOUNDARY_BUDGET = BUDGET / 4
SWEEP_BUDGET = BUDGET / 2
LEARNED = 0.7  # "trained" = final training loss below 70% of the initial loss
# Whole numbers as ints: the URL then reads `lr=10`, the way people type it.
LRS = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]
STDS = [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10]
BATCHES = [8, 16, 32, 64, 128, 256, 1024]
NO_INIT2 = "none"
SERIES_COLUMNS = ["series", "act", "init"]  # leading columns of every CSV with one row per series

DEFAULTS: dict[str, object] = {
    "data": "moons", "n": 300, "noise": 0.2, "depth": 10, "width": 32,
    "act": ["sigmoid", "tanh", "relu"], "init": "he_normal", "init2": NO_INIT2, "std": 0.01,
    "opt": "sgd", "lr": 0.1, "epochs": 60, "batch": 32, "seed": 0,
}

#: The classic experiments; each sets every control at once.
PRESETS: dict[str, dict[str, object]] = {
    "blog": {**DEFAULTS, "act": ["sigmoid", "relu"], "epochs": 100},
    "glorot": {**DEFAULTS, "depth": 5, "width": 64, "act": ["sigmoid", "tanh"],
               "init": "standard", "init2": "glorot_uniform", "epochs": 100},
    "he": {**DEFAULTS, "depth": 30, "act": ["relu"], "init": "glorot_uniform",
           "init2": "he_normal", "opt": "momentum", "lr": 0.01, "epochs": 60},
}


# ----------------------------------------------------------------- computations
# Every cached function takes `data`, a small hashed key: a data set's name, or
# "upload-<digest>" for this session's upload, whose arrays then come as the
# unhashed `_X`, `_y` (the cache never reads the session).
@page_cache(16)
def _split(data: str, n: int, noise: float, seed: int, _X: np.ndarray | None = None,
           _y: np.ndarray | None = None) -> tuple:
    X, y = (_X, _y) if _X is not None else load(data, n_samples=n, noise=noise, seed=seed)
    return X, y, train_test_split(X, y, seed=seed)


def _info(data: str, y: np.ndarray) -> DatasetInfo:
    """The registry entry of a data set; for an upload, one made from its labels."""
    if data in DATASETS:
        return DATASETS[data]
    return DatasetInfo(UPLOAD, 2, int(y.max()) + 1, generated=False, two_d=True,
                       uses_noise=False, uses_n_samples=False, n_rows=len(y))


def _sizes(info: DatasetInfo, depth: int, width: int) -> tuple[list[int], str]:
    n_out = 1 if info.n_classes == 2 else info.n_classes
    return [int(info.n_features), *[width] * depth, n_out], ("sigmoid" if n_out == 1 else "softmax")


@page_cache(64)
def init_profile(data: str, n: int, noise: float, depth: int, width: int, act: str,
                 init: str, std: float, seed: int, n_stat: int, _X: np.ndarray | None = None,
                 _y: np.ndarray | None = None) -> dict:
    """Section 1: per-layer statistics of `N_INITS` fresh networks of one series,
    measured on the first `n_stat` training points."""
    _, y, (Xtr, _, ytr, _) = _split(data, n, noise, seed, _X=_X, _y=_y)
    sizes, output = _sizes(_info(data, y), depth, width)
    s = init_statistics(sizes, act, init, Xtr[:n_stat], ytr[:n_stat], seeds=range(seed, seed + N_INITS),
                        output=output, init_std=std)
    mid, lo, hi = geometric_band(s["grad_w"])
    return {
        "grad_raw": s["grad_w"], "grad_mid": mid, "grad_lo": lo, "grad_hi": hi,
        "mean": _finite_mean(s["act_mean"]), "std": _finite_mean(s["act_std"]),
        "saturated": _finite_mean(s["saturated"]),
    }


def _finite_mean(values: np.ndarray) -> np.ndarray:
    """Column means over the finite entries; NaN where there are none."""
    ok = np.isfinite(values)
    total = np.where(ok, values, 0.0).sum(axis=0)
    count = ok.sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


@page_cache(32)
def train_run(data: str, n: int, noise: float, depth: int, width: int, act: str, init: str,
              std: float, opt: str, lr: float, epochs: int, batch: int, seed: int, n_fit: int,
              n_snap: int = N_SNAPSHOTS, res: int = GRID, _text: str = "",
              _X: np.ndarray | None = None, _y: np.ndarray | None = None) -> dict:
    """Section 2–3: train one series on the first `n_fit` training points; keep its
    history, final parameters and `n_snap` + 1 boundary maps on a `res` × `res` grid."""
    X, y, (Xtr, Xte, ytr, yte) = _split(data, n, noise, seed, _X=_X, _y=_y)
    Xtr, ytr = Xtr[:n_fit], ytr[:n_fit]
    info = _info(data, y)
    maps = info.two_d and info.n_classes == 2
    sizes, output = _sizes(info, depth, width)
    model = MLP(sizes, activation=act, output=output, init=init, seed=seed, init_std=std)
    # Without maps only the final state is kept (fit always adds epoch 0 and the last).
    wanted = sorted({round(e) for e in np.linspace(0, epochs, n_snap + 1)}) if maps else []
    with progress_bar(_text) as bar:
        h = model.fit(Xtr, ytr, epochs=epochs, lr=lr, optimizer=opt,
                      batch_size=None if batch >= len(Xtr) else batch,
                      X_test=Xte, y_test=yte, snapshot_epochs=wanted,
                      callback=progress_callback(bar, _text))
    # The last saved state: the trained network (or, if it diverged, its last state).
    weights, biases, *_ = h.snapshots[max(h.snapshots)]
    run = {
        "loss": h.loss, "train_acc": h.train_acc, "test_acc": h.test_acc,
        "grad": h.grad_norms, "diverged_at": h.diverged_at, "boundaries": {},
        "weights": (list(weights), list(biases)),
    }
    if maps:
        points, _, step = plane_grid(X, resolution=res)
        run["step"] = step
        with np.errstate(all="ignore"), single_threaded_blas():
            for e, (w, b, *_) in sorted(h.snapshots.items()):
                model.set_params(w, b)
                run["boundaries"][e] = model.predict_proba(points).astype(np.float32)
    return run


@page_cache(16)
def depth_sweep(data: str, n: int, noise: float, max_depth: int, width: int,
                series: tuple[tuple[str, str], ...], std: float, opt: str, lr: float,
                epochs: int, batch: int, seed: int, n_fit: int, _text: str = "",
                _X: np.ndarray | None = None, _y: np.ndarray | None = None) -> pd.DataFrame:
    """Section 4: for each depth of `depth_grid`, train every series once (on the
    first `n_fit` training points)."""
    _, y, (Xtr, Xte, ytr, yte) = _split(data, n, noise, seed, _X=_X, _y=_y)
    Xtr, ytr = Xtr[:n_fit], ytr[:n_fit]
    info = _info(data, y)
    depths = depth_grid(max_depth)
    jobs = [(d, a, i) for d in depths for a, i in series]
    weights = np.array([d + 1 for d, _, _ in jobs], dtype=float)  # cost ~ layers
    starts = np.concatenate([[0.0], np.cumsum(weights)[:-1]]) / weights.sum()
    rows = []
    with progress_bar(_text) as bar:
        for (d, act, init), start, span in zip(jobs, starts, weights / weights.sum(), strict=True):
            sizes, output = _sizes(info, d, width)
            model = MLP(sizes, activation=act, output=output, init=init, seed=seed, init_std=std)
            h = model.fit(Xtr, ytr, epochs=epochs, lr=lr, optimizer=opt,
                          batch_size=None if batch >= len(Xtr) else batch,
                          X_test=Xte, y_test=yte,
                          callback=progress_callback(bar, _text, start=start, span=span))
            rows.append({"depth": d, "act": act, "init": init,
                         "test_acc": float(h.test_acc[-1]),
                         "ratio": first_last_ratio(h.grad_norms[0]),
                         "diverged": h.diverged_at is not None})
    return pd.DataFrame(rows)


def _boundary_plan(depth: int, width: int, runs: int, n_in: int) -> tuple[int, int]:
    """Saved states (``n_snap`` + 1) and grid resolution of the boundary maps of `runs`
    networks, so that their forward passes stay within `BOUNDARY_BUDGET`.

    States are thinned first (never below epoch 0 and the last); then the grid is coarsened.
    """
    per_state = training_cost(depth, width, GRID * GRID, 1, runs, n_in) / 3  # forward only
    states = int(BOUNDARY_BUDGET // per_state)
    if states >= 2:
        return min(N_SNAPSHOTS, states - 1), GRID
    res = int(GRID * math.sqrt(BOUNDARY_BUDGET / (2 * per_state)))
    return 1, max(MIN_GRID, res)


# ------------------------------------------------------------------ presets
def _apply_preset(name: str) -> None:
    """Write every control's value before the widgets exist (button callback)."""
    for key, value in PRESETS[name].items():
        st.session_state[key] = list(value) if isinstance(value, list) else value


# ------------------------------------------------------------------ formatting
def _sci(x: float) -> str:
    return "—" if not (isinstance(x, float | int) and math.isfinite(x)) else f"{x:.2g}"


def _label(act: str, init: str, two: bool) -> str:
    return f"{act} · {init}" if two else act


# ------------------------------------------------------------------ charts
def _dashed_band(frame: pd.DataFrame, x: str, mid: str, lo: str, hi: str, names: list[str],
                 *, x_title: str, y_title: str, colour_title: str, dash_title: str,
                 log_y: bool) -> alt.LayerChart:
    """A band chart whose lines are coloured by activation and dashed by initialisation."""
    y_scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:Q", title=x_title),
        color=activation_colour("act", names, colour_title),
        detail=alt.Detail("series:N"),
    )
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y(f"{lo}:Q", title=y_title, scale=y_scale), y2=alt.Y2(f"{hi}:Q")
    )
    line = base.mark_line(point=alt.OverlayMarkDef(size=18, filled=True)).encode(
        y=alt.Y(f"{mid}:Q", title=y_title, scale=y_scale),
        strokeDash=alt.StrokeDash("init:N", title=dash_title),
        shape=alt.Shape("init:N", title=dash_title),
        tooltip=[alt.Tooltip("series:N", title=colour_title), alt.Tooltip(f"{x}:Q", title=x_title),
                 alt.Tooltip(f"{mid}:Q", title=y_title, format=".3~g")],
    )
    return alt.layer(band, line).properties(height=280)


def _band(frame: pd.DataFrame, two: bool, mid: str, lo: str, hi: str, names: list[str], t,
          x_title: str, y_title: str, log_y: bool) -> alt.LayerChart:
    if two:
        return _compact(_dashed_band(frame, "layer", mid, lo, hi, names, x_title=x_title,
                                     y_title=y_title, colour_title=t("common.axis.activation"),
                                     dash_title=t("vanishing.axis.init"), log_y=log_y))
    return _compact(line_chart(frame, "layer", mid, "act", band=(lo, hi), x_title=x_title,
                               y_title=y_title, colour_title=t("common.axis.activation"),
                               log_y=log_y, height=280))


def _lines(frame: pd.DataFrame, x: str, y: str, two: bool, t, x_title: str, y_title: str,
           log_y: bool = False, dash: str | None = None, dash_title: str | None = None):
    if two and dash is None:
        dash, dash_title = "init", t("vanishing.axis.init")
    chart = line_chart(frame, x, y, "act", x_title=x_title, y_title=y_title,
                       colour_title=t("common.axis.activation"), log_y=log_y, dash=dash,
                       dash_title=dash_title)
    if dash is not None:
        # Point shapes too, so the legend tells the line styles apart.
        marks = chart.layer if isinstance(chart, alt.LayerChart) else [chart]
        marks[-1].encoding.shape = alt.Shape(f"{dash}:N", title=dash_title)
    return _compact(chart)


def _init_gradient_chart(frame: pd.DataFrame, ref: pd.DataFrame | None, two: bool,
                         names: list[str], t) -> alt.LayerChart:
    """Gradient norm per layer at initialisation, with the ¼-per-layer reference dotted."""
    chart = _band(frame, two, "mid", "lo", "hi", names, t, t("common.axis.layer"),
                  t("common.axis.grad_norm"), log_y=True)
    if ref is None:
        return chart
    return alt.layer(chart, alt.Chart(ref).mark_line(
        color="#444444", strokeDash=[2, 3], strokeWidth=1.5).encode(
        x=alt.X("layer:Q"), y=alt.Y("ref:Q", scale=alt.Scale(type="log"), axis=alt.Axis(format="~g")),
        tooltip=[alt.Tooltip("ref:Q", title=t("vanishing.init.ref_label"), format=".2~g")]))


def _gradient_heatmap(norms: np.ndarray, domain: tuple[float, float], depth: int,
                      t) -> alt.LayerChart:
    """Epoch x layer gradient norms (one image) on one log colour scale shared by the runs."""
    return image_heatmap(norms, x_title=t("common.axis.epoch"),
                         y_title=t("vanishing.axis.layer_short"),
                         value_title=t("vanishing.axis.norm_short"), domain=domain, log=True,
                         legend_format=".0e", height=max(160, min(12 * (depth + 1), 420)))


@st.fragment
def _boundary_maps(X: np.ndarray, y: np.ndarray, runs: dict, epochs: int, two: bool,
                   n_snap: int, res: int, t) -> None:
    """The decision boundaries at a chosen epoch, with the epoch scrubber.

    A fragment: moving the scrubber reruns this section only, not the page
    (the maps come from snapshots saved during training)."""
    # Every saved epoch of any run; a run that stopped early shows its last state.
    snaps = sorted(set().union(*(set(r["boundaries"]) for r in runs.values())))
    chosen = snaps[-1]
    if len(snaps) > 1:
        chosen = st.select_slider(t("vanishing.boundary.epoch"), snaps, value=snaps[-1],
                                  key=f"_at_{epochs}_{len(snaps)}",
                                  help=t("vanishing.boundary.epoch_help"))
    if (n_snap, res) != (N_SNAPSHOTS, GRID):
        st.caption(t("vanishing.guard.boundary", states=n_snap + 1, res=res,
                     full_states=N_SNAPSHOTS + 1, full_res=GRID))
    points, _, step = plane_grid(X, resolution=res)
    grid = pd.DataFrame(points, columns=["x1", "x2"])
    dots = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "label": y})
    bcols = st.columns(min(len(runs), 3))
    for k, ((a, i), r) in enumerate(runs.items()):
        with bcols[k % len(bcols)]:
            st.markdown(f"**{_label(a, i, two)}**")
            at = max(e for e in r["boundaries"] if e <= chosen)
            if at != chosen:
                st.caption(t("vanishing.boundary.stopped", epoch=at))
            m1, m2 = st.columns(2)
            m1.metric(t("vanishing.boundary.train_acc"), percent(float(r["train_acc"][at]), digits=0))
            m2.metric(t("vanishing.boundary.test_acc"), percent(float(r["test_acc"][at]), digits=0))
            p = np.nan_to_num(r["boundaries"][at].astype(float), nan=0.5)
            cells = grid.assign(p=p)
            show_chart(compiled(boundary_chart, cells, dots, prob_title=t("vanishing.boundary.prob"),
                                class_title=t("vanishing.boundary.class"),
                                step=step, height=280),
                       cells.assign(epoch=at, act=a, init=i), f"boundary-{a}-{i}", t)
    st.caption(t("vanishing.boundary.caption"))


def _compact(chart):
    """Short y-axis labels (1e+10, 0.001, 0.5) whatever the range of the values, and
    whole-number ticks on x (every x on this page is a layer, an epoch or a depth)."""
    parts = chart.layer if isinstance(chart, alt.LayerChart) else [chart]
    for part in parts:
        if isinstance(part, alt.LayerChart):
            _compact(part)
            continue
        if part.encoding.y is not alt.Undefined:
            part.encoding.y.axis = alt.Axis(format="~g")
        if part.encoding.x is not alt.Undefined and not isinstance(part.encoding.x, str):
            part.encoding.x.axis = alt.Axis(format="d", tickMinStep=1)
    return chart


def _train_views(runs: dict, two: bool, depth: int, t) -> dict:
    """The training section's charts from its runs: ``(spec, csv frame)`` each.

    ``loss`` and ``acc`` are the curves; ``heat`` maps each series to its
    gradient heatmap, or None when no gradient of any series is finite.
    """
    curves = pd.concat([
        pd.DataFrame({"epoch": np.arange(len(r["loss"])), "loss": finite_positive(r["loss"]),
                      "train": r["train_acc"], "test": r["test_acc"], "act": a, "init": i,
                      "series": _label(a, i, two)})
        for (a, i), r in runs.items()], ignore_index=True)
    loss = (compiled(_lines, downsample(curves, "series"), "epoch", "loss", two, t,
                     t("common.axis.epoch"), t("common.axis.loss"), log_y=True),
            curves[[*SERIES_COLUMNS, "epoch", "loss"]])
    acc = curves.melt(id_vars=["epoch", "act", "init", "series"], value_vars=["train", "test"],
                      var_name="split", value_name="acc")
    acc_csv = acc.copy()  # split codes, true activation column: what a re-plot needs
    acc["split"] = acc["split"].map({"train": t("vanishing.train.split_train"),
                                     "test": t("vanishing.train.split_test")})
    acc["act"] = acc["series"]  # colour by series when two inits share an activation
    if two:
        acc = acc[acc["split"] == t("vanishing.train.split_test")]
        acc["act"] = acc["series"].str.split(" · ").str[0]
    acc_spec = compiled(_lines, downsample(acc.assign(_g=acc["series"] + acc["split"]), "_g"),
                        "epoch", "acc", two, t, t("common.axis.epoch"), t("common.axis.accuracy"),
                        dash=None if two else "split",
                        dash_title=None if two else t("vanishing.train.split"))

    all_norms = np.concatenate([finite_positive(r["grad"]).ravel() for r in runs.values()])
    finite = all_norms[np.isfinite(all_norms)]
    domain = (float(finite.min()), float(finite.max())) if finite.size else None
    if domain is not None and domain[0] == domain[1]:
        domain = (domain[0] / 10, domain[1] * 10)
    heat: dict = {}
    for (a, i), r in runs.items():
        if domain is None:
            heat[(a, i)] = None
            continue
        norms = finite_positive(np.asarray(r["grad"], dtype=float))  # (epochs, layers)
        n_epochs, n_layers = norms.shape
        cells = pd.DataFrame({"epoch": np.repeat(np.arange(n_epochs), n_layers),
                              "layer": np.tile(np.arange(1, n_layers + 1), n_epochs),
                              "norm": norms.ravel(), "act": a, "init": i})
        heat[(a, i)] = (compiled(_gradient_heatmap, norms, domain, depth, t), cells)
    return {"loss": loss, "acc": (acc_spec, acc_csv), "heat": heat}


# ------------------------------------------------------------------ page
#: The page's sections, in reading order (URL ``view``; the first is the default).
SECTIONS = ("init", "train", "boundary", "sweep", "explain")


def main() -> None:
    fr = frame(PAGE)
    t, c = fr.t, fr.controls
    fr.heading()

    st.markdown(f"**{t('vanishing.preset.title')}**")
    row = st.container(horizontal=True, gap="small")  # one element, where columns were four
    for name in PRESETS:
        row.button(t(f"vanishing.preset.{name}"), key=f"_preset_{name}", on_click=_apply_preset,
                   args=(name,), width="stretch", help=t(f"vanishing.preset.{name}_help"))

    sb = c.container
    sb.subheader(t("vanishing.controls.data_title"))
    data = c.select("data", t("vanishing.controls.data"), [*DATASETS, UPLOAD], DEFAULTS["data"])
    n = c.slider("n", t("vanishing.controls.n"), 50, 1000, DEFAULTS["n"], step=50,
                 help=t("vanishing.controls.n_help"))
    noise = c.slider("noise", t("vanishing.controls.noise"), 0.0, 1.0, DEFAULTS["noise"], step=0.05)
    sb.subheader(t("vanishing.controls.net_title"))
    depth = c.slider("depth", t("vanishing.controls.depth"), 1, 50, DEFAULTS["depth"])
    width = c.slider("width", t("vanishing.controls.width"), 2, 128, DEFAULTS["width"])
    acts = c.multiselect("act", t("vanishing.controls.act"), list(ACTIVATIONS), DEFAULTS["act"])
    inits = list(INITIALISERS)
    init = c.select("init", t("vanishing.controls.init"), inits, DEFAULTS["init"],
                    help=t("vanishing.controls.init_help"))
    init2 = c.select("init2", t("vanishing.controls.init2"), [NO_INIT2, *inits], NO_INIT2,
                     help=t("vanishing.controls.init2_help"))
    std = DEFAULTS["std"]
    if "normal" in (init, init2):
        std = c.select_slider("std", t("vanishing.controls.std"), STDS, DEFAULTS["std"])
    sb.subheader(t("vanishing.controls.train_title"))
    opt = c.select("opt", t("vanishing.controls.opt"), list(OPTIMIZERS), DEFAULTS["opt"],
                   radio=True, horizontal=True)
    lr = c.select_slider("lr", t("vanishing.controls.lr"), LRS, DEFAULTS["lr"])
    epochs = c.slider("epochs", t("vanishing.controls.epochs"), 1, 300, DEFAULTS["epochs"])
    batch = int(c.select_slider("batch", t("vanishing.controls.batch"), BATCHES, DEFAULTS["batch"],
                                help=t("vanishing.controls.batch_help")))
    seed = c.number("seed", t("vanishing.controls.seed"), 0, 9999, DEFAULTS["seed"],
                    help=t("common.seed_help"))
    sb.subheader(t("vanishing.controls.sweep_title"))
    sweep_on = c.checkbox("sweep", t("vanishing.controls.sweep"), False,
                          help=t("vanishing.controls.sweep_help"))
    uploader(t)
    # Only the open section is computed and drawn (see Frame.sections).
    view = fr.sections(SECTIONS)

    # The data: a built-in set by name, or this session's upload (said on the page).
    up: dict[str, np.ndarray] = {}
    shown = data
    if data == UPLOAD:
        X_up, y_up, used = load_data(UPLOAD, n, noise, seed, t)
        if used == UPLOAD:
            # Arrays unhashed, the file's digest as the key; n and noise do not apply.
            up = {"_X": X_up, "_y": y_up}
            data, n, noise = f"{UPLOAD}-{user_data()[2]}", len(y_up), 0.0
            shown = t("vanishing.upload_name")
        else:
            data = shown = used  # nothing uploaded: load_data said which set is used instead
    _, y_all, (Xtr, Xte, _, _) = _split(data, n, noise, seed, **up)
    info = _info(data, y_all)

    # Cross-control consistency: said on the page, never silently.
    if init2 == init:
        st.info(t("vanishing.note.same_init", init=init))
        init2 = NO_INIT2
    if not acts:
        st.warning(t("vanishing.note.no_act"))
        return
    two = init2 != NO_INIT2
    series = [(a, i) for a in acts for i in ([init, init2] if two else [init])]
    names = list(acts)
    n_train, n_test = len(Xtr), len(Xte)
    if up:
        st.caption(t("vanishing.note.upload", rows=n_train + n_test, classes=info.n_classes))
    elif not info.generated:
        st.caption(t("vanishing.note.bundled", data=data, rows=n_train + n_test,
                     features=info.n_features,
                     classes=info.n_classes))
    elif not info.uses_noise:
        st.caption(t("vanishing.note.no_noise", data=data))

    # Compute guard: the user sets depth, width, points, epochs and how many series.
    n_in = int(info.n_features)
    wanted_epochs = epochs
    budget = budget_epochs(depth, width, n_train, epochs, runs=len(series), n_in=n_in)
    note_budget(budget, t)
    epochs, n_fit = budget.epochs, budget.n_samples
    full_batch = batch >= n_fit
    maps = info.two_d and info.n_classes == 2
    n_snap, res = _boundary_plan(depth, width, len(series), n_in) if maps else (N_SNAPSHOTS, GRID)

    sizes, output = _sizes(info, depth, width)
    st.markdown(t("vanishing.setup", depth=depth, width=width, layers=depth + 1,
                  output=t(f"vanishing.output.{output}"), n_train=n_fit, n_test=n_test,
                  data=shown, opt=opt, lr=lr, epochs=epochs,
                  batch=t("vanishing.full_batch") if full_batch else batch,
                  inits=", ".join(dict.fromkeys(i for _, i in series))))

    def profiled() -> dict:
        """Section 1's statistics at initialisation, per series (cached), with the
        compute guard's note when they use fewer points than asked for."""
        n_stat = budget_epochs(depth, width, n_train, 1, runs=N_INITS * len(series), n_in=n_in,
                               budget=INIT_BUDGET).n_samples
        if n_stat < n_train:
            st.warning(t("vanishing.guard.init", allowed=n_stat, requested=n_train),
                       icon=":material/speed:")
        return {s: init_profile(data, n, noise, depth, width, s[0], s[1], float(std), seed,
                                n_stat, **up)
                for s in series}

    # Everything the trained runs depend on (the upload's digest is in `data`).
    run_key = (data, n, noise, depth, width, tuple(series), float(std), opt, float(lr), epochs,
               batch, seed, n_fit, n_snap, res)

    def trained() -> dict:
        """Section 2's trained networks, per series. Cached, so the sections that show
        them share one training; the first to open trains (with a progress bar).
        Kept by ``view_memo`` too (read-only): a warm rerun then skips unpickling
        ``st.cache_data``'s copy of every run, boundary maps included."""
        return view_memo(("vanishing.runs", *run_key), lambda: {
            (a, i): train_run(data, n, noise, depth, width, a, i, float(std), opt, float(lr),
                              epochs, batch, seed, n_fit, n_snap, res,
                              _text=t("vanishing.train.progress", series=_label(a, i, two)), **up)
            for a, i in series})

    # ---------------------------------------------------------------- 1. at init
    if view == "init":
        st.header(t("vanishing.init.title"))
        profiles = profiled()
        layers = np.arange(1, depth + 2)
        hidden = np.arange(1, depth + 1)
        grad_frame = pd.concat([
            pd.DataFrame({"layer": layers, "mid": finite_positive(p["grad_mid"]),
                          "lo": finite_positive(p["grad_lo"]), "hi": finite_positive(p["grad_hi"]),
                          "act": a, "init": i, "series": _label(a, i, two)})
            for (a, i), p in profiles.items()], ignore_index=True)
        fwd_frame = pd.concat([
            pd.DataFrame({"layer": hidden, "mean": _finite(p["mean"]),
                          "spread_lo": _finite(p["mean"] - p["std"]),
                          "spread_hi": _finite(p["mean"] + p["std"]),
                          "saturated": _finite(p["saturated"]),
                          "act": a, "init": i, "series": _label(a, i, two)})
            for (a, i), p in profiles.items()], ignore_index=True)

        left, right = st.columns(2)
        with left:
            st.markdown(f"**{t('vanishing.init.grad_title', n_inits=N_INITS)}**")
            sig_series = [s for s in series if s[0] == "sigmoid"]
            ref = None
            if sig_series:
                last = float(profiles[sig_series[0]]["grad_mid"][-1])
                ref = pd.DataFrame({"layer": layers, "ref": finite_positive(
                    [last * slope_bound(ACTIVATIONS["sigmoid"], depth + 1 - int(k)) for k in layers])})
            if grad_frame["mid"].notna().any():
                grad_csv = grad_frame.merge(ref, on="layer", how="left") if ref is not None else grad_frame
                show_chart(compiled(_init_gradient_chart, grad_frame, ref, two, names, t), grad_csv,
                           "init-gradient", t)
            else:
                st.warning(t("vanishing.init.nothing_to_plot"))
            st.caption(t("vanishing.init.grad_caption", n_inits=N_INITS)
                       + (" " + t("vanishing.init.ref_caption") if sig_series else ""))
        with right:
            st.markdown(f"**{t('vanishing.init.fwd_title')}**")
            if fwd_frame["mean"].notna().any():
                show_chart(compiled(_band, fwd_frame, two, "mean", "spread_lo", "spread_hi", names, t,
                                    t("vanishing.axis.hidden_layer"), t("vanishing.axis.act_value"),
                                    log_y=False),
                           fwd_frame[[*SERIES_COLUMNS, "layer", "mean", "spread_lo", "spread_hi"]],
                           "init-activations", t)
            st.caption(t("vanishing.init.fwd_caption"))
        sat_col, read_col = st.columns(2)
        with sat_col:
            st.markdown(f"**{t('vanishing.init.sat_title')}**")
            show_chart(compiled(_lines, fwd_frame, "layer", "saturated", two, t,
                                t("vanishing.axis.hidden_layer"), t("vanishing.axis.saturated")),
                       fwd_frame[[*SERIES_COLUMNS, "layer", "saturated"]], "init-saturation", t)
            st.caption(t("vanishing.init.sat_caption", pct=f"{100 * SATURATION:.0f}"))
        with read_col:
            st.markdown(f"**{t('vanishing.init.reading_title')}**")
            for (a, i), p in profiles.items():
                ratio = first_last_ratio(p["grad_mid"])
                st.markdown(t("vanishing.init.reading", series=_label(a, i, two), ratio=_sci(ratio),
                              mean_first=_sci(float(p["mean"][0])), mean_last=_sci(float(p["mean"][-1])),
                              sat=percent(float(np.nanmax(np.append(p["saturated"], 0.0))), digits=0)))
                health = describe_health(p["grad_raw"])
                if health.overflow:
                    st.warning(t("vanishing.health.overflow", series=_label(a, i, two)))
                if health.zero_layers:
                    st.warning(t("vanishing.health.zero", series=_label(a, i, two),
                                 layers=_layer_list(health.zero_layers)))
                if health.underflow_layers:
                    st.warning(t("vanishing.health.underflow", series=_label(a, i, two),
                                 layers=_layer_list(health.underflow_layers), tiny=f"{TINY:.0e}"))

    # ---------------------------------------------------------------- 2. training
    elif view == "train":
        st.header(t("vanishing.train.title"))
        runs = trained()

        def settings(a: str, i: str) -> dict:
            """What produced the network of series (a, i), stored beside its weights."""
            return _settings(data=data, n=n, noise=noise, sizes=sizes,
                             activation=a, output=output, init=i, init_std=float(std), optimizer=opt,
                             lr=float(lr), batch=batch, epochs=epochs, seed=seed, n_train=n_fit,
                             diverged_at=runs[(a, i)]["diverged_at"])

        for (a, i), r in runs.items():
            if r["diverged_at"] is not None:
                st.error(f"**{_label(a, i, two)}** — " + t("common.diverged", epoch=r["diverged_at"]))
        # Tables and chart specs from the runs: built once per setting (ui.cache.view_memo).
        views = view_memo(("vanishing.train", *run_key, t.lang),
                          lambda: _train_views(runs, two, depth, t))
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{t('vanishing.train.loss_title')}**")
            show_chart(*views["loss"], "train-loss", t)
            st.caption(t("vanishing.train.loss_caption"))
        with right:
            st.markdown(f"**{t('vanishing.train.acc_title')}**")
            show_chart(*views["acc"], "train-accuracy", t)
            st.caption(t("vanishing.train.acc_caption_two" if two else "vanishing.train.acc_caption"))

        st.markdown(f"**{t('vanishing.train.heat_title')}**")
        heat_cols = st.columns(min(len(runs), 2))
        for k, ((a, i), r) in enumerate(runs.items()):
            with heat_cols[k % len(heat_cols)]:
                st.markdown(_label(a, i, two))
                heat = views["heat"][(a, i)]
                weights = Weights(r["weights"], settings(a, i), f"weights-{a}-{i}")
                if heat is None:
                    st.warning(t("vanishing.train.nothing_to_plot"))
                    weights_button(weights, t)
                else:
                    show_chart(*heat, f"gradients-{a}-{i}", t, weights)
        st.caption(t("vanishing.train.heat_caption"))

    # ---------------------------------------------------------------- 3. boundary
    elif view == "boundary":
        st.header(t("vanishing.boundary.title"))
        if not info.two_d:
            st.info(t("vanishing.boundary.not_2d", data=data, features=info.n_features))
        elif info.n_classes > 2:
            # Only uploads get here: the map shows P(class 1), a two-class picture.
            st.info(t("vanishing.boundary.multi", classes=info.n_classes))
        else:
            # The training section's runs (cached; trained here if that section was not opened).
            runs = trained()
            X, y, _ = _split(data, n, noise, seed, **up)
            _boundary_maps(X, y, runs, epochs, two, n_snap, res, t)

    # ---------------------------------------------------------------- 4. sweep
    elif view == "sweep":
        st.header(t("vanishing.sweep.title"))
        depths = depth_grid(depth)
        # Its own budget: switching the sweep on must not change the training section's runs.
        # Cost grows linearly with depth, so the mean depth stands for all of them.
        mean_depth = math.ceil(1 + sum(d - 1 for d in depths) / len(depths))
        sweep_budget = budget_epochs(mean_depth, width, n_train, wanted_epochs,
                                     runs=len(depths) * len(series), n_in=n_in,
                                     budget=SWEEP_BUDGET)
        st.markdown(t("vanishing.sweep.lead", depths=", ".join(map(str, depths)),
                      count=len(depths) * len(series), epochs=sweep_budget.epochs))
        if not sweep_on:
            st.info(t("vanishing.sweep.off"))
        else:
            note_budget(sweep_budget, t)
            table = depth_sweep(data, n, noise, depth, width, tuple(series), float(std), opt, float(lr),
                                sweep_budget.epochs, batch, seed, sweep_budget.n_samples,
                                _text=t("vanishing.sweep.progress"), **up)
            table = table.assign(series=[_label(a, i, two) for a, i in zip(table.act, table.init,
                                                                             strict=True)],
                                 ratio=finite_positive(table["ratio"].to_numpy()))
            s1, s2 = st.columns(2)
            with s1:
                st.markdown(f"**{t('vanishing.sweep.acc_title')}**")
                show_chart(compiled(_lines, table, "depth", "test_acc", two, t, t("vanishing.axis.depth"),
                                    t("vanishing.axis.test_acc")), table, "sweep-accuracy", t)
            with s2:
                st.markdown(f"**{t('vanishing.sweep.ratio_title')}**")
                if table["ratio"].notna().any():
                    show_chart(compiled(_lines, table, "depth", "ratio", two, t, t("vanishing.axis.depth"),
                                        t("vanishing.axis.ratio"), log_y=True), table, "sweep-ratio", t)
            st.caption(t("vanishing.sweep.caption"))
            if table["diverged"].any():
                bad = table[table["diverged"]]
                st.warning(t("vanishing.sweep.diverged",
                             items=", ".join(f"{s} ({d})" for s, d in zip(bad.series, bad.depth,
                                                                          strict=True))))

    # ---------------------------------------------------------------- 5. explanation
    elif view == "explain":
        st.header(t("vanishing.explain.title"))
        # The numbers of sections 1 and 2 (cached; computed here if they were not opened).
        profiles, runs = profiled(), trained()
        sig = ACTIVATIONS["sigmoid"]
        st.markdown(t("vanishing.explain.chain", slope=_sci(sig.max_slope), depth=depth,
                      bound=f"{slope_bound(sig, depth):.2g}"))
        for a, i in series:
            p, r = profiles[(a, i)], runs[(a, i)]
            st.markdown(t("vanishing.explain.measured", series=_label(a, i, two),
                          ratio=_sci(first_last_ratio(p["grad_mid"])),
                          first=_sci(float(p["grad_mid"][0])), last=_sci(float(p["grad_mid"][-1])),
                          acc=percent(float(r["test_acc"][-1]), digits=0),
                          verdict=_verdict_text(t, r)))
        if "sigmoid" in acts:
            p = profiles[next(s for s in series if s[0] == "sigmoid")]
            st.markdown(t("vanishing.explain.forward", first=_sci(float(p["mean"][0])),
                          last=_sci(float(p["mean"][-1]))))
        if depth >= 2:
            for name in dict.fromkeys(i for _, i in series):
                var = weight_variance(name, width, width, float(std))
                gain = width * var
                st.markdown(t("vanishing.explain.init", init=name, width=width, gain=_sci(gain),
                              relu_gain=_sci(gain / 2), layers=depth - 1,
                              total_lin=_sci(math.sqrt(gain) ** (depth - 1)),
                              total=_sci(math.sqrt(gain / 2) ** (depth - 1))))
        st.markdown(t("vanishing.explain.relu"))
        if two:
            _init_verdicts(t, acts, init, init2, runs)
    fr.next_section()


def _settings(**values: object) -> dict:
    """The settings saved in a weights file: enough to train the same network again.

    The training/test split is `core.datasets.train_test_split` with the same seed.
    """
    return {"page": PAGE, **values}


def _finite(values: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=float).copy()
    out[~np.isfinite(out)] = np.nan
    return out


def _layer_list(layers: list[int]) -> str:
    return ", ".join(map(str, layers[:8])) + ("…" if len(layers) > 8 else "")


def _verdict(run: dict) -> str:
    """Did training learn? ``diverged``, ``learned`` (loss fell below LEARNED × start) or ``stuck``."""
    if run["diverged_at"] is not None:
        return "diverged"
    loss = run["loss"]
    return "learned" if math.isfinite(loss[-1]) and loss[-1] < LEARNED * loss[0] else "stuck"


def _verdict_text(t, run: dict) -> str:
    return t(f"vanishing.verdict.{_verdict(run)}", pct=f"{100 * LEARNED:.0f}")


def _init_verdicts(t, acts: list[str], init: str, init2: str, runs: dict) -> None:
    """Compare the two initialisations per activation; check He et al.'s finding honestly."""
    for a in acts:
        v1, v2 = _verdict(runs[(a, init)]), _verdict(runs[(a, init2)])
        st.markdown(t("vanishing.explain.compare", act=a, init=init, init2=init2,
                      acc1=percent(float(runs[(a, init)]["test_acc"][-1]), digits=0),
                      acc2=percent(float(runs[(a, init2)]["test_acc"][-1]), digits=0),
                      v1=_verdict_text(t, runs[(a, init)]),
                      v2=_verdict_text(t, runs[(a, init2)])))
        he_setup = a == "relu" and init.startswith("glorot") and init2.startswith("he")
        if he_setup:
            if v1 != "learned" and v2 == "learned":
                st.success(t("vanishing.explain.he_holds"))
            else:
                st.warning(t("vanishing.explain.he_not_here"))


main()
