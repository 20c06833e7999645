"""Section "Dead units during training": per layer and epoch, the share of units that are dead."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from sections.dead_relu.compute import train_runs
from sections.dead_relu.settings import NAME as P
from sections.dead_relu.settings import DeadReluSettings, Task, task
from ui.cache import memo_run, view_memo
from ui.charts import activation_legend, compiled, line_chart
from ui.charts.dead_relu import dead_heatmap
from ui.export import Weights, chart_block
from ui.frame import Frame
from ui.i18n import Translator, percent
from ui.references import cite

#: ReLU (Nair & Hinton; Glorot, Bordes & Bengio) and Leaky ReLU (Maas et al.).
SOURCES = ("nair2010", "glorot2011", "maas2013")


def trained(fr: Frame, s: DeadReluSettings, tk: Task) -> dict:
    """The compared activations' runs (section "layer" shows the same ones)."""
    return memo_run(train_runs, tk.spec, s.acts, _X=tk.X, _y=tk.y,
                    _text=fr.t(f"{P}.s1.progress"))


def draw(s: DeadReluSettings, fr: Frame) -> None:
    t = fr.t
    st.header(t(f"{P}.s1.title"))
    if not s.chose_acts:
        st.warning(t(f"{P}.no_act"))
    tk = task(fr, s)
    result = trained(fr, s, tk)
    st.markdown(t(f"{P}.s1.intro"))
    views = view_memo((f"{P}.training", tk.spec, s.acts, t.lang),
                      lambda: _views(t, result, s.acts))
    for act in s.acts:
        run = result["runs"][act]
        st.subheader(t(f"{P}.act.{act}"))
        row = st.container(horizontal=True)  # one flex row: the buttons wrap on a narrow screen
        row.metric(t(f"{P}.metric.train_acc"), percent(run["train_acc"][-1]))
        row.metric(t(f"{P}.metric.test_acc"), percent(run["test_acc"][-1]))
        row.metric(t(f"{P}.metric.dead_end"), percent(run["dead_total"][-1]),
                   help=t(f"{P}.metric.dead_help"))
        chart_block(*views[act], f"dead-by-layer-{act}", t,
                    weights=Weights(run["params"], tk.settings(activation=act), f"weights-{act}"))
        _status(t, run, act)
    st.caption(t(f"{P}.s1.heat_caption"))
    chart_block(*views["total"], "dead-total", t, title=t(f"{P}.s1.total_title"),
                caption=t(f"{P}.s1.total_caption"))
    st.info("\n\n".join(summary(t, s, tk.spec.epochs, result["runs"])))
    st.caption(cite(t, *SOURCES))


def summary(t: Translator, s: DeadReluSettings, epochs: int, runs: dict) -> list[str]:
    """The section's reading, from its runs: dead shares at birth and end, the trend, the jumps."""
    out = []
    for act in s.acts:
        r = runs[act]
        key = "relu" if act == "relu" else "other"
        out.append(t(f"{P}.s1.summary.{key}", act=t(f"{P}.act.{act}"), epochs=epochs,
                     birth=percent(r["dead_total"][0]), end=percent(r["dead_total"][-1]),
                     acc=percent(r["train_acc"][-1])))
    if "relu" in s.acts:
        trend = _trend(t, runs["relu"]["dead_total"], s.depth * s.width)
        if trend:
            out.append(trend)
    out += [j for j in (_jump(t, act, runs[act]["dead_total"]) for act in s.acts) if j]
    return out


def _trend(t: Translator, dead_total: np.ndarray, n_units: int) -> str:
    """Whether training killed ReLU units, counted from the first and last epoch ("" if unknown)."""
    birth, end = float(dead_total[0]), float(dead_total[-1])
    if not (np.isfinite(birth) and np.isfinite(end)):
        return ""
    a, b = round(birth * n_units), round(end * n_units)
    key = "rose" if b > a else "fell" if b < a else "same_zero" if b == 0 else "same"
    return t(f"{P}.s1.trend.{key}", birth=percent(birth), end=percent(end))


def _views(t: Translator, result: dict, acts: tuple[str, ...]) -> dict:
    """The section's charts from its runs: ``(spec, csv frame)`` per activation and ``total``."""
    views = {}
    for act in acts:
        frac = np.asarray(result["runs"][act]["dead_fraction"], dtype=float)
        n_epochs, n_layers = frac.shape
        cells = pd.DataFrame({  # one row per (epoch, layer), epochs outer
            "epoch": np.repeat(np.arange(n_epochs), n_layers),
            "layer": np.tile(np.arange(1, n_layers + 1), n_epochs),
            "dead": frac.ravel(),
        })
        views[act] = (compiled(dead_heatmap, t, frac), cells)
    lines = pd.concat(
        [pd.DataFrame({"epoch": np.arange(len(r["dead_total"])), "dead": r["dead_total"],
                       "act": a}) for a, r in result["runs"].items() if a in acts],
        ignore_index=True,
    ).dropna()
    views["total"] = (
        compiled(line_chart, lines, "epoch", "dead", "act", x_title=t("common.axis.epoch"),
                 y_title=t(f"{P}.s1.total_axis"), **activation_legend(t),
                 height=220),
        lines)
    return views


def _status(t: Translator, run: dict, act: str) -> None:
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


def _jump(t: Translator, act: str, dead_total: np.ndarray) -> str:
    """The epoch whose update killed the most units, in words ("" if none did)."""
    d = np.asarray(dead_total, dtype=float)
    diffs = np.diff(d[np.isfinite(d)])
    if not diffs.size or diffs.max() <= 0:
        return ""
    e = int(np.argmax(diffs)) + 1
    return t(f"{P}.s1.jump", act=t(f"{P}.act.{act}"), epoch=e, before=percent(d[e - 1]),
             after=percent(d[e]))
