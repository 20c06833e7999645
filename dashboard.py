"""Activation Lab — home page: the question, and one experiment that answers it.

The same deep network is trained twice on the same data, once with sigmoid
hidden units and once with ReLU; only the hidden activation differs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.datasets import load, train_test_split
from core.grid import plane_grid
from core.mlp import MLP
from ui.cache import page_cache, view_memo
from ui.charts import boundary_chart, compiled, downsample, finite_positive, line_chart
from ui.export import Weights, show_chart
from ui.frame import available_pages, frame
from ui.guard import budget_epochs, note_budget
from ui.i18n import percent
from ui.progress import progress_bar, progress_callback

PAIR = ("sigmoid", "relu")
# Each activation gets the initialisation designed for it (Glorot & Bengio 2010;
# He et al. 2015): the comparison is between good practice for each, not a handicap.
INIT = {"sigmoid": "glorot_uniform", "relu": "he_normal"}
DATA = "moons"
N_SAMPLES = 400
NOISE = 0.2
LEARNING_RATE = 0.1
BATCH = 32
GRID = 50


@page_cache(16)
def head_to_head(depth: int, width: int, epochs: int, seed: int, _text: str = "") -> dict:
    """Train the sigmoid and the ReLU network; return plain arrays for the charts."""
    X, y = load(DATA, n_samples=N_SAMPLES, noise=NOISE, seed=seed)
    data = train_test_split(X, y, seed=seed)
    points, _, step = plane_grid(X, resolution=GRID)
    runs = {}
    with progress_bar(_text) as bar:
        for i, act in enumerate(PAIR):
            runs[act] = _train(act, depth, width, epochs, seed, data, points,
                               progress_callback(bar, _text, start=i / 2, span=1 / 2))
    return {"runs": runs, "points": points, "step": step, "X": X, "y": y}


def _train(act: str, depth: int, width: int, epochs: int, seed: int, data: tuple,
           points: np.ndarray, callback) -> dict:
    """One network of the pair: its history and its probability map."""
    Xtr, Xte, ytr, yte = data
    model = MLP([2, *[width] * depth, 1], activation=act, output="sigmoid",
                init=INIT[act], seed=seed)
    history = model.fit(Xtr, ytr, epochs=epochs, lr=LEARNING_RATE, optimizer="sgd",
                        batch_size=BATCH, X_test=Xte, y_test=yte, callback=callback)
    return {
        "loss": history.loss,
        "train_acc": history.train_acc,
        "test_acc": history.test_acc,
        "grad_init": history.grad_norms[0],
        "diverged_at": history.diverged_at,
        "grid_p": model.predict_proba(points),
        "weights": model.get_params(),
    }


def _views(result: dict, t) -> dict:
    """The home page's charts from the trained pair: ``(spec, csv frame)`` by name."""
    runs = result["runs"]
    points = pd.DataFrame(result["points"], columns=["x1", "x2"])
    data = pd.DataFrame({"x1": result["X"][:, 0], "x2": result["X"][:, 1], "label": result["y"]})
    views = {}
    for act in PAIR:
        grid = points.assign(p=np.nan_to_num(runs[act]["grid_p"], nan=0.5))
        views[f"boundary-{act}"] = (
            compiled(boundary_chart, grid, data, prob_title=t("home.chart.prob"),
                     class_title=t("home.chart.class"), step=result["step"], height=320),
            grid)
    loss = pd.concat(
        [pd.DataFrame({"epoch": np.arange(len(r["loss"])), "loss": r["loss"], "act": a})
         for a, r in runs.items()],
        ignore_index=True,
    )
    loss["loss"] = finite_positive(loss["loss"].to_numpy())
    views["loss"] = (
        compiled(line_chart, downsample(loss, "act"), "epoch", "loss", "act",
                 x_title=t("common.axis.epoch"), y_title=t("common.axis.loss"),
                 colour_title=t("common.axis.activation"), log_y=True),
        loss)
    grads = pd.concat(
        [pd.DataFrame({"layer": np.arange(1, len(r["grad_init"]) + 1),
                       "norm": finite_positive(r["grad_init"]), "act": a})
         for a, r in runs.items()],
        ignore_index=True,
    )
    views["grads"] = (
        compiled(line_chart, grads, "layer", "norm", "act", x_title=t("common.axis.layer"),
                 y_title=t("common.axis.grad_norm"),
                 colour_title=t("common.axis.activation"), log_y=True),
        grads)
    return views


def main() -> None:
    fr = frame("home")
    t, c = fr.t, fr.controls
    fr.heading()

    c.container.subheader(t("home.controls.title"))
    depth = c.slider("depth", t("home.controls.depth"), 2, 20, 10, help=t("home.controls.depth_help"))
    width = c.select_slider("width", t("home.controls.width"), [8, 16, 32, 64], 32)
    epochs = c.slider("epochs", t("home.controls.epochs"), 20, 300, 150, step=10)
    seed = c.number("seed", t("home.controls.seed"), 0, 9999, 0, help=t("common.seed_help"))

    budget = budget_epochs(depth, int(width), N_SAMPLES * 3 // 4, epochs, runs=len(PAIR))
    note_budget(budget, t)
    epochs = budget.epochs
    # Kept by view_memo too (read-only): a warm rerun skips unpickling a copy.
    result = view_memo(("home.runs", depth, int(width), epochs, seed),
                       lambda: head_to_head(depth, int(width), epochs, seed, _text=t("home.training")))
    runs = result["runs"]

    st.markdown(t("home.setup", depth=depth, width=int(width), n=N_SAMPLES, epochs=epochs,
                  lr=LEARNING_RATE, batch=BATCH))

    # Tables and chart specs from the cached runs: built once per setting.
    views = view_memo(("home", depth, int(width), epochs, seed, t.lang),
                      lambda: _views(result, t))
    cols = st.columns(2)
    for col, act in zip(cols, PAIR, strict=True):
        run = runs[act]
        with col:
            st.subheader(t(f"home.side.{act}"))
            row = st.container(horizontal=True)  # one element, where columns were four
            row.metric(t("home.metric.test_acc"), percent(run["test_acc"][-1]))
            row.metric(t("home.metric.train_acc"), percent(run["train_acc"][-1]))
            g = run["grad_init"]
            row.metric(t("home.metric.ratio"), _ratio(g[0], g[-1]), help=t("home.metric.ratio_help"))
            if run["diverged_at"] is not None:
                st.error(t("common.diverged", epoch=run["diverged_at"]))
            show_chart(*views[f"boundary-{act}"], f"boundary-{act}", t,
                       Weights(run["weights"], _settings(act, depth, int(width), epochs, seed),
                               f"weights-{act}"))

    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('home.chart.loss_title')}**")
        show_chart(*views["loss"], "loss", t)
        st.caption(t("home.chart.loss_caption"))
    with right:
        st.markdown(f"**{t('home.chart.grad_title')}**")
        show_chart(*views["grads"], "gradient-per-layer", t)
        st.caption(t("home.chart.grad_caption"))

    sig, rel = runs["sigmoid"]["grad_init"], runs["relu"]["grad_init"]
    st.info(t("home.reading", sig_ratio=_ratio(sig[0], sig[-1]), relu_ratio=_ratio(rel[0], rel[-1]),
              bound=f"{0.25 ** depth:.1e}", depth=depth))

    st.header(t("home.next.title"))
    pages = [p for p in available_pages() if p.name != "home"]
    if not pages:
        st.caption(t("home.next.none"))
    link_params = {"lang": fr.lang} if fr.lang != "en" else None
    for info in pages:
        st.page_link(info.script, label=t(f"common.nav.{info.name}"), icon=info.icon,
                     query_params=link_params)
        st.caption(t(f"home.next.{info.name}"))


def _settings(act: str, depth: int, width: int, epochs: int, seed: int) -> dict:
    """What produced a network, stored beside its weights in the .npz."""
    return {
        "sizes": [2, *[width] * depth, 1], "activation": act, "output": "sigmoid",
        "init": INIT[act], "optimizer": "sgd", "lr": LEARNING_RATE, "batch_size": BATCH,
        "epochs": epochs, "seed": seed, "data": DATA, "n_samples": N_SAMPLES, "noise": NOISE,
    }


def _ratio(first: float, last: float) -> str:
    """First-layer over last-layer gradient norm, as a readable number."""
    if not (np.isfinite(first) and np.isfinite(last)) or last == 0:
        return "—"
    return f"{first / last:.2g}"


main()
