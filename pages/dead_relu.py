"""Dead ReLU: when ReLU units stop learning, how to see it, and what fixes it (claim C8).

A unit is dead on the training set when its pre-activation is <= 0 for every sample;
for ReLU its incoming weights then get exactly zero gradient. The page shows dead
units appearing during training, inside one layer, after one big step, at birth
(Monte Carlo over initialisations) and under the usual remedies.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core.datasets import train_test_split
from core.dead import (
    big_step,
    born_dead_first_layer,
    box_grid,
    constant_counts,
    preactivation_summary,
    wilson_interval,
)
from core.mlp import MLP
from ui.cache import page_cache, view_memo
from ui.charts import compiled, image_heatmap, line_chart
from ui.export import Weights, show_chart, weights_button
from ui.frame import frame
from ui.guard import budget_epochs, note_budget
from ui.i18n import percent
from ui.progress import progress_bar, progress_callback
from ui.upload import UPLOAD, load_data, uploader, user_data

P = "dead_relu"
ACTS = ("relu", "leaky_relu", "elu", "gelu", "silu")
DATA = ("moons", "circles", "blobs", "gaussian_quantiles", "classification",
        "iris", "wine", "breast_cancer", UPLOAD)
INITS = ("glorot_uniform", "he_normal", "lecun_normal", "standard")
# Whole rates are ints so that the URL reads `lr=10` (Streamlit writes a float 10.0 as
# "10.0" and refuses a hand-typed "10").
LRS = (0.01, 0.03, 0.1, 0.3, 1, 3, 10)
BIG_LRS = (1, 3, 10, 30, 100)
N_SAMPLES = 300
NOISE = 0.2
N_SNAPSHOTS = 11
# The one-big-step demo: the healthy network, and the "normal" rate it trains on with.
HEALTHY_INIT = "he_normal"
NORMAL_LR = 0.1
# Born dead: widths compared, deepest network, grid of the input box.
BORN_WIDTHS = (2, 3, 4, 5, 8, 10)
BORN_DEPTH = 50
BORN_TABLE_DEPTHS = (1, 2, 5, 10, 20, 30, 50)
GRID_PER_AXIS = 16
DEAD_COLOUR, ALIVE_COLOUR = "#D55E00", "#009E73"
# Section 5: (key, activation, initialisation or None for the page's, learning-rate divisor).
REMEDIES = (
    ("relu_base", "relu", None, 1),
    ("relu_low_lr", "relu", None, 10),
    ("relu_he", "relu", "he_normal", 1),
    *[(a, a, None, 1) for a in ("leaky_relu", "elu", "gelu", "silu")],
)
# Trainings of the page, which share one compute budget (see _task): one per compared
# activation (section 1), ReLU and Leaky ReLU after the big step (section 3) and every
# remedy (section 5).
STEP_RUNS = 2


# --------------------------------------------------------------------- compute

def _data(X: np.ndarray, y: np.ndarray, shift: float, seed: int, n_train: int) -> tuple:
    """Split, keep at most `n_train` training rows (the compute guard), shift the inputs."""
    Xtr, Xte, ytr, yte = train_test_split(X, y, seed=seed)
    if n_train < len(ytr):
        keep = np.sort(np.random.default_rng(seed).choice(len(ytr), n_train, replace=False))
        Xtr, ytr = Xtr[keep], ytr[keep]
    # The input shift moves the standardised data, so for shift < 0 most inputs are negative.
    return Xtr + shift, Xte + shift, ytr, yte


def _output(n_classes: int) -> tuple[str, int]:
    """Sigmoid for two classes, softmax for more (bundled or uploaded sets)."""
    return ("sigmoid", 1) if n_classes == 2 else ("softmax", n_classes)


def _model(n_classes: int, depth: int, width: int, act: str, init: str, bias: float,
           seed: int, n_in: int) -> MLP:
    out, n_out = _output(n_classes)
    return MLP([n_in, *[width] * depth, n_out], activation=act, output=out, init=init,
               seed=seed, bias_init=bias)


def _n_classes(y: np.ndarray) -> int:
    return int(y.max()) + 1


def _snapshot_epochs(epochs: int) -> list[int]:
    return sorted({int(e) for e in np.linspace(0, epochs, N_SNAPSHOTS).round()})


def _layer_summaries(model: MLP, weights: list, biases: list, X: np.ndarray) -> list[dict]:
    """Per hidden layer, the per-unit pre-activation summary on the training set."""
    probe = model.copy()
    probe.set_params(weights, biases)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        zs, _ = probe.forward_trace(X)
        return [preactivation_summary(z) for z in zs[:-1]]


# The cached functions take the data as unhashed `_X`, `_y` with a small hashed `data_key`
# (the data-set name, whose rows the seed fixes, or the digest of an uploaded file).

@page_cache(24)
def train_runs(data_key: str, depth: int, width: int, lr: float, bias: float, shift: float,
               init: str, acts: tuple[str, ...], opt: str, epochs: int, seed: int,
               n_train: int, _X: np.ndarray, _y: np.ndarray, _text: str = "") -> dict:
    """Train one network per activation; keep dead fractions, per-layer views, weights."""
    Xtr, Xte, ytr, yte = _data(_X, _y, shift, seed, n_train)
    snaps = _snapshot_epochs(epochs)
    runs = {}
    with progress_bar(_text) as bar:
        for i, act in enumerate(acts):
            model = _model(_n_classes(_y), depth, width, act, init, bias, seed, Xtr.shape[1])
            h = model.fit(Xtr, ytr, epochs=epochs, lr=lr, optimizer=opt, X_test=Xte,
                          y_test=yte, snapshot_epochs=snaps,
                          callback=progress_callback(bar, _text, i / len(acts), 1 / len(acts)))
            views = {e: _layer_summaries(model, *h.snapshots[e], Xtr) for e in sorted(h.snapshots)}
            runs[act] = {
                "dead_fraction": h.dead_fraction, "dead_total": h.dead_total,
                "train_acc": h.train_acc, "test_acc": h.test_acc,
                "diverged_at": h.diverged_at, "views": views,
                "params": model.get_params(),
            }
    return {"runs": runs, "n_train": len(ytr)}


@page_cache(16)
def one_step(data_key: str, depth: int, width: int, big: float, epochs: int, seed: int,
             n_train: int, _X: np.ndarray, _y: np.ndarray, _text: str = "") -> dict:
    """A healthy network, one big step, then training on at a normal rate."""
    Xtr, _, ytr, _ = _data(_X, _y, 0.0, seed, n_train)
    out = {}
    with progress_bar(_text) as bar:
        for i, act in enumerate(("relu", "leaky_relu")):
            model = _model(_n_classes(_y), depth, width, act, HEALTHY_INIT, 0.0, seed,
                           Xtr.shape[1])
            step = big_step(model, Xtr, ytr, big)
            h = model.fit(Xtr, ytr, epochs=epochs, lr=NORMAL_LR, optimizer="sgd",
                          callback=progress_callback(bar, _text, i / 2, 1 / 2))
            total = depth * width
            out[act] = {
                "before": step.n_dead_before, "died": step.n_died,
                "after": step.n_dead_after,
                "died_first_layer": int(step.died[0].sum()),
                "loss_before": step.loss_before, "loss_after": step.loss_after,
                # dead counts after the big step (index 0) and each later epoch
                "dead_count": np.rint(h.dead_total * total),
                "first_layer_dead": np.rint(h.dead_fraction[:, 0] * width),
                "diverged_at": h.diverged_at,
                "train_acc": h.train_acc,
                "params": model.get_params(),
            }
    return out


@page_cache(16)
def born_dead(init: str, random_bias: bool, n_inits: int, seed: int, _text: str = "") -> dict:
    """Monte Carlo: P(network constant on the box grid) per width and depth."""
    points = box_grid(2, GRID_PER_AXIS)
    depths = np.arange(1, BORN_DEPTH + 1)
    counts = {}
    with progress_bar(_text) as bar:
        for i, w in enumerate(BORN_WIDTHS):
            first = born_dead_first_layer(
                points, w, BORN_DEPTH, n_inits, init=init, random_bias=random_bias,
                seed=seed * 1000 + w,
                callback=progress_callback(bar, _text, i / len(BORN_WIDTHS), 1 / len(BORN_WIDTHS)),
            )
            counts[w] = constant_counts(first, depths)
    return {"depths": depths, "counts": counts, "n_points": len(points)}


@page_cache(16)
def remedies(data_key: str, depth: int, width: int, lr: float, bias: float, shift: float,
             init: str, opt: str, epochs: int, seed: int, n_train: int, _X: np.ndarray,
             _y: np.ndarray, _text: str = "") -> list[dict]:
    """The same task under ReLU and each remedy."""
    Xtr, Xte, ytr, yte = _data(_X, _y, shift, seed, n_train)
    variants = [(key, act, ini or init, lr / div) for key, act, ini, div in REMEDIES]
    rows = []
    with progress_bar(_text) as bar:
        for i, (key, act, ini, rate) in enumerate(variants):
            model = _model(_n_classes(_y), depth, width, act, ini, bias, seed, Xtr.shape[1])
            h = model.fit(Xtr, ytr, epochs=epochs, lr=rate, optimizer=opt, X_test=Xte,
                          y_test=yte,
                          callback=progress_callback(bar, _text, i / len(variants),
                                                     1 / len(variants)))
            rows.append({"key": key, "act": act, "init": ini, "lr": rate,
                         "train_acc": float(h.train_acc[-1]), "test_acc": float(h.test_acc[-1]),
                         "dead": float(h.dead_total[-1]), "diverged_at": h.diverged_at,
                         "params": model.get_params()})
    return rows


# ------------------------------------------------------------------------ draw

def _status(t, run: dict, act: str) -> None:
    """Say divergence, total death and whole dead layers in words."""
    if run["diverged_at"] is not None:
        st.error(t("common.diverged", epoch=run["diverged_at"]))
    frac, total = run["dead_fraction"], run["dead_total"]
    if act != "relu":
        if np.isfinite(total[-1]) and total[-1] == 1:
            st.info(t(f"{P}.s1.all_negative_other"))
        return
    for when, row in (("birth", 0), ("end", len(total) - 1)):
        if not np.isfinite(total[row]):
            continue
        if total[row] == 1:
            st.warning(t(f"{P}.s1.all_dead_{when}"))
            return
        whole = np.flatnonzero(frac[row] == 1)
        if whole.size:
            st.warning(t(f"{P}.s1.layer_dead_{when}", layer=int(whole[-1]) + 1))
            return


def _heatmap_height(n_layers: int) -> int:
    """Pixels for a heatmap of `n_layers` rows: taller for deeper networks, in
    steps of eight layers (240, 330 and 420 px up to 24 layers, 520 px beyond).

    The height is part of the chart's spec, and a new spec makes the browser
    build the chart again instead of updating it (~40 ms a chart); in steps,
    most moves of the depth slider keep the height, and the page below the
    heatmaps does not jump on every move.
    """
    return (240, 330, 420, 520)[min((n_layers - 1) // 8, 3)]


def _dead_heatmap(t, frac: np.ndarray) -> alt.LayerChart:
    """Epoch x layer share of dead units (one image; layer 1 at the bottom)."""
    return image_heatmap(frac, x_title=t("common.axis.epoch"), y_title=t(f"{P}.s1.layer_axis"),
                         value_title=t(f"{P}.s1.dead_axis"), domain=(0.0, 1.0),
                         stops=("#ffffff", "#a50f15"), legend_format=".0%",
                         height=_heatmap_height(frac.shape[1]))


def _settings(base: dict, **network) -> dict:
    """What produced one network, stored beside its weights in the .npz."""
    return {**base, **network}


def _training_views(t, result: dict, acts: list[str]) -> dict:
    """Section 1's charts from its runs: ``(spec, csv frame)`` per activation and ``total``."""
    views = {}
    for act in acts:
        frac = np.asarray(result["runs"][act]["dead_fraction"], dtype=float)
        n_epochs, n_layers = frac.shape
        cells = pd.DataFrame({  # one row per (epoch, layer), epochs outer
            "epoch": np.repeat(np.arange(n_epochs), n_layers),
            "layer": np.tile(np.arange(1, n_layers + 1), n_epochs),
            "dead": frac.ravel(),
        })
        views[act] = (compiled(_dead_heatmap, t, frac), cells)
    lines = pd.concat(
        [pd.DataFrame({"epoch": np.arange(len(r["dead_total"])), "dead": r["dead_total"],
                       "act": a}) for a, r in result["runs"].items() if a in acts],
        ignore_index=True,
    ).dropna()
    views["total"] = (
        compiled(line_chart, lines, "epoch", "dead", "act", x_title=t("common.axis.epoch"),
                 y_title=t(f"{P}.s1.total_axis"), colour_title=t("common.axis.activation"),
                 height=220),
        lines)
    return views


def section_training(t, result: dict, acts: list[str], base: dict, opt: str, lr: float,
                     init: str, epochs: int, key: tuple) -> None:
    st.markdown(t(f"{P}.s1.intro"))
    # Tables and chart specs from the cached runs: built once per setting.
    views = view_memo((f"{P}.training", *key, t.lang), lambda: _training_views(t, result, acts))
    for act in acts:
        run = result["runs"][act]
        st.subheader(t(f"{P}.act.{act}"))
        row = st.container(horizontal=True)  # one element, where columns were four
        row.metric(t(f"{P}.metric.train_acc"), percent(run["train_acc"][-1]))
        row.metric(t(f"{P}.metric.test_acc"), percent(run["test_acc"][-1]))
        row.metric(t(f"{P}.metric.dead_end"), percent(run["dead_total"][-1]),
                   help=t(f"{P}.metric.dead_help"))
        show_chart(*views[act], f"dead-by-layer-{act}", t,
                   Weights(run["params"],
                           _settings(base, activation=act, init=init, optimizer=opt, lr=lr,
                                     epochs=epochs),
                           f"weights-{act}"))
        _status(t, run, act)
    st.caption(t(f"{P}.s1.heat_caption"))

    st.markdown(f"**{t(f'{P}.s1.total_title')}**")
    show_chart(*views["total"], "dead-total", t)
    st.caption(t(f"{P}.s1.total_caption"))
    jumps = []
    for act in acts:
        d = result["runs"][act]["dead_total"]
        diffs = np.diff(d[np.isfinite(d)])
        if diffs.size and diffs.max() > 0:
            e = int(np.argmax(diffs)) + 1
            jumps.append(t(f"{P}.s1.jump", act=t(f"{P}.act.{act}"), epoch=e,
                           before=percent(d[e - 1]), after=percent(d[e])))
    if jumps:
        st.info("\n\n".join(jumps))


def _unit_chart(t, frame_: pd.DataFrame) -> alt.LayerChart:
    """Per-unit pre-activation range (min–max rule, quartile bar, median tick), zero line."""
    colour = alt.Color("state:N", title=t(f"{P}.s2.state"),
                       scale=alt.Scale(domain=[t(f"{P}.s2.alive"), t(f"{P}.s2.dead")],
                                       range=[ALIVE_COLOUR, DEAD_COLOUR]))
    x = alt.X("unit:O", title=t(f"{P}.s2.unit_axis"))
    y_title = t(f"{P}.s2.z_axis")
    tips = [alt.Tooltip("unit:O", title=t(f"{P}.s2.unit_axis")),
            alt.Tooltip("min:Q", format=".3~g"), alt.Tooltip("median:Q", format=".3~g"),
            alt.Tooltip("max:Q", format=".3~g"),
            alt.Tooltip("fires:Q", title=t(f"{P}.s2.fires_axis"))]
    base = alt.Chart(frame_).encode(x=x, color=colour, tooltip=tips)
    rule = base.mark_rule(strokeWidth=2).encode(y=alt.Y("min:Q", title=y_title), y2=alt.Y2("max:Q"))
    box = base.mark_bar(size=14, opacity=0.8).encode(y=alt.Y("q25:Q"), y2=alt.Y2("q75:Q"))
    mid = base.mark_tick(color="black", size=16, thickness=2).encode(y=alt.Y("median:Q"))
    zero = alt.Chart(pd.DataFrame({"z": [0.0]})).mark_rule(
        color="black", strokeDash=[4, 3]).encode(y=alt.Y("z:Q"))
    return alt.layer(rule, box, mid, zero).properties(height=260)


def section_layer(t, c, result: dict, acts: list[str], depth: int) -> None:
    st.markdown(t(f"{P}.s2.intro"))
    cols = st.columns(3)
    saved = c.container
    c.container = cols[0]
    act = c.select("insp", t(f"{P}.s2.act"), acts, acts[0]) if len(acts) > 1 else acts[0]
    run = result["runs"][act]
    epochs_avail = sorted(run["views"])
    c.container = cols[1]
    if depth > 1:
        layer = c.slider("layer", t(f"{P}.s2.layer"), 1, depth, 1)
    else:
        layer = 1
        cols[1].caption(t(f"{P}.s2.one_layer"))
    c.container = cols[2]
    if len(epochs_avail) > 1:
        epoch = c.select_slider("snap", t(f"{P}.s2.epoch"), epochs_avail, epochs_avail[-1])
    else:
        epoch = epochs_avail[0]
    c.container = saved
    epoch = int(epoch)
    s = run["views"][epoch][layer - 1]
    finite = np.isfinite(s["min"]) & np.isfinite(s["max"])
    if not finite.all():
        st.warning(t(f"{P}.s2.non_finite"))
    units = np.arange(1, len(s["fires"]) + 1)
    state = np.where(s["dead"], t(f"{P}.s2.dead"), t(f"{P}.s2.alive"))
    view = pd.DataFrame({"unit": units, "state": state, "fires": s["fires"],
                         **{k: s[k] for k in ("min", "q25", "median", "q75", "max")}})[finite]
    stem = f"{act}-layer{layer}-epoch{epoch}"
    left, right = st.columns([3, 2])
    with left:
        if len(view):
            show_chart(compiled(_unit_chart, t, view), view, f"preactivation-{stem}", t)
        st.caption(t(f"{P}.s2.z_caption"))
    with right:
        fires = pd.DataFrame({"unit": units, "fires": s["fires"], "state": state})
        show_chart(compiled(_fires_chart, fires, int(result["n_train"]), t), fires,
                   f"fires-{stem}", t)
        st.caption(t(f"{P}.s2.fires_caption", n=result["n_train"]))
    st.info(t(f"{P}.s2.reading", act=t(f"{P}.act.{act}"), layer=layer, epoch=epoch,
              dead=int(s["dead"].sum()), units=len(s["dead"]), n=result["n_train"]))


def section_step(t, c, data_key: str, depth: int, width: int, epochs: int, seed: int,
                 n_train: int, X: np.ndarray, y: np.ndarray, base: dict) -> None:
    st.markdown(t(f"{P}.s3.intro", init=HEALTHY_INIT, normal_lr=NORMAL_LR))
    saved = c.container
    c.container = st.columns(3)[0]
    big = c.select_slider("big", t(f"{P}.s3.big"), BIG_LRS, 10)
    c.container = saved
    res = one_step(data_key, depth, width, float(big), epochs, seed, n_train, X, y,
                   _text=t(f"{P}.s3.progress"))
    total = depth * width
    cols = st.columns(2)
    for col, act in zip(cols, ("relu", "leaky_relu"), strict=True):
        r = res[act]
        with col:
            st.subheader(t(f"{P}.act.{act}"))
            row = st.container(horizontal=True)
            row.metric(t(f"{P}.s3.{act}.before"), f"{r['before']} / {total}")
            row.metric(t(f"{P}.s3.{act}.died"), str(r["died"]))
            row.metric(t(f"{P}.s3.{act}.end"), f"{int(r['dead_count'][-1])} / {total}"
                       if np.isfinite(r["dead_count"][-1]) else "—")
            if not np.isfinite(r["loss_after"]):
                st.error(t(f"{P}.s3.step_diverged"))
            if r["diverged_at"] is not None:
                st.error(t("common.diverged", epoch=r["diverged_at"]))
            weights_button(Weights(r["params"],
                           _settings(base, activation=act, init=HEALTHY_INIT, bias_init=0.0,
                                     shift=0.0, big_step_lr=big, optimizer="sgd",
                                     lr=NORMAL_LR, epochs=epochs),
                           f"weights-big-step-{act}"), t)
    rows = []
    for act in ("relu", "leaky_relu"):
        d = res[act]["dead_count"]
        rows.append(pd.DataFrame({"epoch": np.arange(len(d)), "dead": d, "act": act}))
    frame_ = pd.concat(rows, ignore_index=True).dropna()
    show_chart(
        compiled(line_chart, frame_, "epoch", "dead", "act", x_title=t(f"{P}.s3.epoch_axis"),
                 y_title=t(f"{P}.s3.dead_axis"), colour_title=t("common.axis.activation"),
                 height=220),
        frame_, "big-step-dead", t,
    )
    st.caption(t(f"{P}.s3.caption", normal_lr=NORMAL_LR))
    relu, leaky = res["relu"], res["leaky_relu"]
    st.info(t(f"{P}.s3.reading", big=big, died=relu["died"], first=relu["died_first_layer"],
              relu_end=_count(relu["dead_count"][-1]),
              relu_first_end=_count(relu["first_layer_dead"][-1]),
              leaky_died=leaky["died"], leaky_end=_count(leaky["dead_count"][-1]),
              epochs=epochs))


def _count(v: float) -> str:
    return "—" if not np.isfinite(v) else str(int(v))


def _fires_chart(fires: pd.DataFrame, n_train: int, t) -> alt.Chart:
    """How many training samples each unit of the layer fires on, dead units marked."""
    return alt.Chart(fires).mark_bar().encode(
        x=alt.X("unit:O", title=t(f"{P}.s2.unit_axis")),
        y=alt.Y("fires:Q", title=t(f"{P}.s2.fires_axis"), scale=alt.Scale(domain=[0, n_train])),
        color=alt.Color("state:N", legend=None,
                        scale=alt.Scale(domain=[t(f"{P}.s2.alive"), t(f"{P}.s2.dead")],
                                        range=[ALIVE_COLOUR, DEAD_COLOUR])),
        tooltip=[alt.Tooltip("unit:O"), alt.Tooltip("fires:Q")],
    ).properties(height=260)


def _born_chart(t, frame_: pd.DataFrame) -> alt.LayerChart:
    colour = alt.Color("width:O", title=t(f"{P}.s4.width_legend"),
                       scale=alt.Scale(scheme="dark2"))
    base = alt.Chart(frame_).encode(x=alt.X("depth:Q", title=t(f"{P}.s4.depth_axis")),
                                    color=colour)
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("lo:Q", title=t(f"{P}.s4.p_axis"), scale=alt.Scale(domain=[0, 1])), y2=alt.Y2("hi:Q"))
    line = base.mark_line(strokeWidth=2).encode(
        y=alt.Y("p:Q"),
        tooltip=[alt.Tooltip("width:O", title=t(f"{P}.s4.width_legend")),
                 alt.Tooltip("depth:Q", title=t(f"{P}.s4.depth_axis")),
                 alt.Tooltip("p:Q", format=".3f"), alt.Tooltip("lo:Q", format=".3f"),
                 alt.Tooltip("hi:Q", format=".3f")])
    return alt.layer(band, line).properties(height=320)


def section_born(t, c, seed: int) -> None:
    st.markdown(t(f"{P}.s4.intro", grid=GRID_PER_AXIS, n_points=GRID_PER_AXIS ** 2))
    cols = st.columns(3)
    saved = c.container
    c.container = cols[0]
    init = c.select("binit", t(f"{P}.s4.init"), INITS, "he_normal")
    c.container = cols[1]
    random_bias = c.checkbox("bbias", t(f"{P}.s4.bias"), False, help=t(f"{P}.s4.bias_help"))
    c.container = cols[2]
    n_inits = int(c.select_slider("mc", t(f"{P}.s4.mc"), [100, 200, 400, 1000, 2000, 5000], 400))
    c.container = saved
    res = born_dead(init, random_bias, n_inits, seed, _text=t(f"{P}.s4.progress"))
    depths = res["depths"]
    rows = []
    for w, k in res["counts"].items():
        lo, hi = wilson_interval(k, n_inits)
        rows.append(pd.DataFrame({"width": w, "depth": depths, "p": k / n_inits,
                                  "lo": lo, "hi": hi}))
    frame_ = pd.concat(rows, ignore_index=True)
    show_chart(compiled(_born_chart, t, frame_), frame_, "born-dead", t)
    st.caption(t(f"{P}.s4.caption", n=n_inits))
    table = frame_[frame_.depth.isin(BORN_TABLE_DEPTHS)]
    show = table.assign(cell=[f"{p:.2f} [{lo:.2f}, {hi:.2f}]"
                              for p, lo, hi in zip(table.p, table.lo, table.hi, strict=True)])
    pivot = show.pivot(index="width", columns="depth", values="cell")
    pivot.index = [t(f"{P}.s4.width_row", w=w) for w in pivot.index]
    pivot.columns = [t(f"{P}.s4.depth_col", d=d) for d in pivot.columns]
    st.dataframe(pivot, width="stretch")
    st.caption(t(f"{P}.s4.table_caption", n=n_inits))
    narrow = res["counts"][BORN_WIDTHS[0]]
    wide = res["counts"][BORN_WIDTHS[-1]]
    st.info(t(f"{P}.s4.reading", w_narrow=BORN_WIDTHS[0], w_wide=BORN_WIDTHS[-1],
              d10=percent(narrow[9] / n_inits), d50=percent(narrow[-1] / n_inits),
              wide50=percent(wide[-1] / n_inits), n=n_inits))
    if not random_bias:
        st.caption(t(f"{P}.s4.zero_bias_note"))


def section_remedies(t, rows: list[dict], base: dict, opt: str, epochs: int) -> None:
    st.markdown(t(f"{P}.s5.intro"))
    table = pd.DataFrame({
        t(f"{P}.s5.col.setting"): [t(f"{P}.s5.row.{r['key']}", lr=f"{r['lr']:g}",
                                     init=r["init"]) for r in rows],
        t(f"{P}.s5.col.train"): [percent(r["train_acc"]) for r in rows],
        t(f"{P}.s5.col.test"): [percent(r["test_acc"]) for r in rows],
        t(f"{P}.s5.col.dead"): [percent(r["dead"]) for r in rows],
        t(f"{P}.s5.col.neg_slope"): [
            t(f"{P}.s5.slope.{'zero' if r['act'] == 'relu' else 'nonzero'}") for r in rows],
        t(f"{P}.s5.col.note"): [
            t(f"{P}.s5.diverged", epoch=r["diverged_at"]) if r["diverged_at"] is not None
            else "" for r in rows],
    })
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(t(f"{P}.s5.caption"))
    with st.expander(t(f"{P}.s5.weights"), icon=":material/download:"):
        for r in rows:
            name, button = st.columns([3, 2], vertical_alignment="center")
            name.markdown(t(f"{P}.s5.row.{r['key']}", lr=f"{r['lr']:g}", init=r["init"]))
            with button:
                weights_button(Weights(r["params"],
                               _settings(base, activation=r["act"], init=r["init"],
                                         optimizer=opt, lr=r["lr"], epochs=epochs),
                               f"weights-remedy-{r['key']}"), t)


@dataclass(frozen=True)
class Task:
    """The page's task as the sidebar sets it: the data, the guarded size, the settings."""

    X: np.ndarray
    y: np.ndarray
    data_key: str
    epochs: int
    n_train: int
    base: dict


def _task(t, data: str, depth: int, width: int, lr: float, bias: float, shift: float, init: str,
          acts: list[str], opt: str, epochs: int, seed: int) -> Task:
    """Load the data and apply the compute guard, for a section that trains networks.

    Draws what the reader must know about them: the upload notes, a cut budget and
    the setup line.
    """
    X, y, used = load_data(data, N_SAMPLES, NOISE, seed, t)
    mine = user_data() if used == UPLOAD else None
    data_key = f"{UPLOAD}:{mine[2]}" if mine is not None else used
    n_train = len(train_test_split(X, y, seed=seed)[2])
    # One budget for every training of the page: one network per activation
    # (section 1), ReLU and Leaky ReLU after the big step (3) and each remedy (5).
    # A request trains only the open section's networks, but the shared budget keeps
    # epochs and rows the same in every section.
    budget = budget_epochs(depth, width, n_train, epochs,
                           runs=len(acts) + STEP_RUNS + len(REMEDIES), n_in=X.shape[1])
    note_budget(budget, t)
    epochs, n_train = budget.epochs, budget.n_samples
    out, n_out = _output(_n_classes(y))
    base = {"sizes": [X.shape[1], *[width] * depth, n_out], "output": out, "data": used,
            "n": len(y), "noise": NOISE, "n_train": n_train, "shift": shift,
            "bias_init": bias, "batch": "full", "seed": seed}
    if mine is not None:
        base["upload_digest"] = mine[2]
    st.markdown(t(f"{P}.setup", data=used, n=max(N_SAMPLES, len(y)), depth=depth,
                  width=width, lr=lr, opt=opt, epochs=epochs, init=init, bias=bias,
                  shift=shift))
    return Task(X, y, data_key, epochs, n_train, base)


# -------------------------------------------------------------------------- page
#: The page's sections, in reading order (URL ``view``; the first is the default).
SECTIONS = ("training", "layer", "step", "born", "remedies", "meaning")


def main() -> None:
    fr = frame(P)
    t, c = fr.t, fr.controls
    fr.heading()

    c.container.subheader(t(f"{P}.controls.title"))
    data = c.select("data", t(f"{P}.controls.data"), DATA, "moons")
    depth = c.slider("depth", t(f"{P}.controls.depth"), 1, 50, 4)
    width = int(c.select_slider("width", t(f"{P}.controls.width"),
                                [2, 3, 4, 5, 8, 10, 16, 32], 8))
    lr = float(c.select_slider("lr", t(f"{P}.controls.lr"),
                               LRS, 1,
                               help=t(f"{P}.controls.lr_help")))
    bias = float(c.slider("bias", t(f"{P}.controls.bias"), -10.0, 2.0, 0.0, step=0.5,
                          help=t(f"{P}.controls.bias_help")))
    shift = float(c.slider("shift", t(f"{P}.controls.shift"), -5.0, 5.0, 0.0, step=0.5,
                           help=t(f"{P}.controls.shift_help")))
    init = c.select("init", t(f"{P}.controls.init"), INITS, "glorot_uniform")
    chosen = c.multiselect("act", t(f"{P}.controls.act"), ACTS, ["relu", "leaky_relu"])
    opt = c.select("opt", t(f"{P}.controls.opt"), ("sgd", "momentum", "adam"), "sgd")
    epochs = c.slider("epochs", t(f"{P}.controls.epochs"), 10, 300, 80, step=10)
    seed = c.number("seed", t(f"{P}.controls.seed"), 0, 9999, 0, help=t("common.seed_help"))

    uploader(t)
    acts = [a for a in ACTS if a in chosen] or ["relu"]

    def task() -> Task:
        return _task(t, data, depth, width, lr, bias, shift, init, acts, opt, epochs, seed)

    def run_key(tk: Task) -> tuple:
        """Everything the trained runs depend on (an upload's digest is in its data key)."""
        return (tk.data_key, depth, width, lr, bias, shift, init, tuple(acts), opt, tk.epochs,
                seed, tk.n_train)

    def trained(tk: Task) -> dict:
        # Kept by view_memo too (read-only): a warm rerun skips unpickling
        # st.cache_data's copy of every run's per-epoch layer views.
        key = run_key(tk)
        return view_memo((f"{P}.runs", *key),
                         lambda: train_runs(*key, tk.X, tk.y, _text=t(f"{P}.s1.progress")))

    # Only the open section is computed and drawn (see Frame.sections).
    view = fr.sections(SECTIONS)
    # ---- 1. dead units during training
    if view == "training":
        st.header(t(f"{P}.s1.title"))
        if not chosen:
            st.warning(t(f"{P}.no_act"))
        tk = task()
        section_training(t, trained(tk), acts, tk.base, opt, lr, init, tk.epochs, run_key(tk))
    # ---- 2. inside one layer (the same trainings, from the cache)
    elif view == "layer":
        st.header(t(f"{P}.s2.title"))
        if not chosen:
            st.warning(t(f"{P}.no_act"))
        tk = task()
        section_layer(t, c, trained(tk), acts, depth)
    # ---- 3. one big step
    elif view == "step":
        st.header(t(f"{P}.s3.title"))
        tk = task()
        section_step(t, c, tk.data_key, depth, width, tk.epochs, seed, tk.n_train, tk.X, tk.y,
                     tk.base)
    # ---- 4. born dead (no data: random networks on a grid of the input box)
    elif view == "born":
        st.header(t(f"{P}.s4.title"))
        section_born(t, c, seed)
    # ---- 5. remedies side by side
    elif view == "remedies":
        st.header(t(f"{P}.s5.title"))
        tk = task()
        rows = remedies(tk.data_key, depth, width, lr, bias, shift, init, opt, tk.epochs, seed,
                        tk.n_train, tk.X, tk.y, _text=t(f"{P}.s5.progress"))
        section_remedies(t, rows, tk.base, opt, tk.epochs)
    # ---- 6. what "dead" means, and what the remedies cost
    elif view == "meaning":
        st.header(t(f"{P}.s6.title"))
        st.markdown(t(f"{P}.s6.body"))
    fr.next_section()


main()
