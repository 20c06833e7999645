"""Section "Dead units during training": per layer and epoch, the share of units that are dead."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.activations import ACTIVATIONS
from sections.dead_relu.compute import ActivationRun, ActivationRuns, train_runs
from sections.dead_relu.remedies import ACC_GAIN
from sections.dead_relu.settings import NAME as P
from sections.dead_relu.settings import DeadReluSettings, Task, task
from ui.cache import memo_run, view_memo
from ui.charts import activation_legend, compiled, line_chart
from ui.charts.dead_relu import dead_heatmap
from ui.export import Block, Weights, chart_block, chart_row
from ui.frame import Frame
from ui.i18n import Translator, percent
from ui.references import cite

#: ReLU (Nair & Hinton; Glorot, Bordes & Bengio) and Leaky ReLU (Maas et al.).
SOURCES = ("nair2010", "glorot2011", "maas2013")
#: A chart drawn: its Vega-Lite spec and the table its CSV download holds.
View = tuple[dict, pd.DataFrame]


@dataclass(frozen=True)
class TrainingViews:
    """The section's charts: ``acc``, each activation's training accuracy per epoch;
    ``no_grad``, each one's share of hidden units that get no gradient per epoch; and
    ``dead``, by activation, its heatmap of the dead share per layer and epoch."""

    acc: View
    no_grad: View
    dead: dict[str, View]


def trained(fr: Frame, s: DeadReluSettings, tk: Task) -> ActivationRuns:
    """The compared activations' runs (section "layer" shows the same ones)."""
    return memo_run(train_runs, tk.spec, s.acts, _X=tk.X, _y=tk.y,
                    _text=fr.t(f"{P}.s1.progress"))


def draw(s: DeadReluSettings, fr: Frame) -> None:
    t = fr.t
    st.header(t(f"{P}.s1.title"))
    if not s.chose_acts:
        st.warning(t(f"{P}.no_act"))
    key_charts = st.container()  # filled below, drawn above the setup line task() writes
    tk = task(fr, s)
    result = trained(fr, s, tk)
    runs = result.runs
    views = view_memo((f"{P}.training", tk.spec, s.acts, t.lang),
                      lambda: _views(t, result, s.acts))
    # The key charts first: how each activation learned, and which of its units stopped
    # learning; then the one-line reading.
    with key_charts:
        chart_row(t, Block(*views.acc, "train-accuracy", title=t(f"{P}.s1.acc_title")),
                  Block(*views.no_grad, "dead-total", title=t(f"{P}.s1.total_title")))
        st.info(headline(t, s.acts, runs))
        st.caption(t(f"{P}.s1.total_caption"))
    st.markdown("\n".join(f"- {line}" for line in summary(t, s, tk.spec.epochs, runs)))
    with st.expander(t(f"{P}.s1.how_title"), icon=":material/help:"):
        st.markdown(t(f"{P}.s1.intro"))
        st.caption(t(f"{P}.s1.heat_caption"))
    for act in s.acts:
        run = runs[act]
        st.subheader(t(f"{P}.act.{act}"))
        dies = ACTIVATIONS[act].can_die
        row = st.container(horizontal=True)  # one flex row: the buttons wrap on a narrow screen
        row.metric(t(f"{P}.metric.train_acc"), percent(run.train_acc[-1]))
        row.metric(t(f"{P}.metric.test_acc"), percent(run.test_acc[-1]))
        row.metric(t(f"{P}.metric.no_grad_end"), percent(run.no_grad_total[-1]),
                   help=t(f"{P}.metric.no_grad_help"))
        row.metric(t(f"{P}.metric.dead_end" if dies else f"{P}.metric.below_end"),
                   percent(run.dead_total[-1]),
                   help=t(f"{P}.metric.dead_help" if dies else f"{P}.metric.below_help"))
        chart_block(*views.dead[act], f"dead-by-layer-{act}", t,
                    weights=Weights(run.params, tk.settings(activation=act), f"weights-{act}"))
        _status(t, run, act)
    st.caption(cite(t, *SOURCES))


def _slope_below(act: str) -> str:
    """The activation's slope at z = -1, the size of the gradient a unit below zero still gets."""
    return f"{abs(float(ACTIVATIONS[act].df(-1.0))):.2g}"


def headline(t: Translator, acts: tuple[str, ...], runs: dict[str, ActivationRun]) -> str:
    """The section's reading in one sentence: each activation's train accuracy and stopped units."""
    parts = [t(f"{P}.s1.headline.part", act=t(f"{P}.act.{a}"), acc=percent(runs[a].train_acc[-1]),
               no_grad=percent(runs[a].no_grad_total[-1])) for a in acts]
    return t(f"{P}.s1.headline.text", parts=t(f"{P}.s5.list_sep").join(parts))


def summary(t: Translator, s: DeadReluSettings, epochs: int,
            runs: dict[str, ActivationRun]) -> list[str]:
    """The section's reading, from its runs: what each activation's units did, the trend,
    the jumps, and whether each other activation rescued what ReLU lost (and why not)."""
    out = []
    for act in s.acts:
        r = runs[act]
        key = "dies" if ACTIVATIONS[act].can_die else "lives"
        n = s.depth * s.width
        if key == "dies" and _count(r.no_grad_total[-1], n) > _count(r.dead_total[-1], n):
            key = "dies_cut"  # units below an entirely dead layer are cut off too
        if key == "lives" and _count(r.dead_total[0], n) == _count(r.dead_total[-1], n) == 0:
            key = "lives_none"
        out.append(t(f"{P}.s1.summary.{key}", act=t(f"{P}.act.{act}"), epochs=epochs,
                     birth=percent(r.dead_total[0]), end=percent(r.dead_total[-1]),
                     no_grad=percent(r.no_grad_total[-1]),
                     acc=percent(r.train_acc[-1])))
    if "relu" in s.acts:
        trend = _trend(t, runs["relu"].dead_total, s.depth * s.width)
        if trend:
            out.append(trend)
    out += [j for j in (_jump(t, act, runs[act].dead_total) for act in s.acts
                        if ACTIVATIONS[act].can_die) if j]
    if "relu" in s.acts:
        out += [rescue(t, act, runs["relu"], runs[act], s.depth * s.width, epochs)
                for act in s.acts if not ACTIVATIONS[act].can_die]
    return out


def rescue(t: Translator, act: str, relu: ActivationRun, other: ActivationRun, n_units: int,
           epochs: int) -> str:
    """Whether `act` trained clearly better than ReLU in this run, and if not, why, from the run."""
    values = {"act": t(f"{P}.act.{act}"), "acc": percent(other.train_acc[-1]),
              "relu_acc": percent(relu.train_acc[-1]),
              "relu_dead": percent(relu.dead_total[-1]),
              "birth": percent(other.dead_total[0]), "end": percent(other.dead_total[-1]),
              "slope": _slope_below(act), "epochs": epochs}
    acc, base = float(other.train_acc[-1]), float(relu.train_acc[-1])
    if other.diverged_at is not None or not (np.isfinite(acc) and np.isfinite(base)):
        return t(f"{P}.s1.rescue.diverged", **values)
    if acc > base + ACC_GAIN:
        return t(f"{P}.s1.rescue.yes", **values)
    relu_dead = round(float(relu.dead_total[-1]) * n_units)
    if relu_dead == 0:
        return t(f"{P}.s1.rescue.nothing", **values)
    if base > float(relu.train_acc[0]) + ACC_GAIN:  # ReLU learned despite its dead units
        return t(f"{P}.s1.rescue.relu_learned", **values)
    birth, end = (round(float(other.dead_total[i]) * n_units) for i in (0, -1))
    if birth > 0 and end >= birth:
        return t(f"{P}.s1.rescue.slow", **values)
    return t(f"{P}.s1.rescue.other", **values)


def _count(share: float, n_units: int) -> int:
    """A share of the hidden units as a count (-1 when not finite)."""
    return round(float(share) * n_units) if np.isfinite(share) else -1


def _trend(t: Translator, dead_total: np.ndarray, n_units: int) -> str:
    """Whether training killed ReLU units, counted from the first and last epoch ("" if unknown)."""
    birth, end = float(dead_total[0]), float(dead_total[-1])
    if not (np.isfinite(birth) and np.isfinite(end)):
        return ""
    a, b = round(birth * n_units), round(end * n_units)
    key = "rose" if b > a else "fell" if b < a else "same_zero" if b == 0 else "same"
    return t(f"{P}.s1.trend.{key}", birth=percent(birth), end=percent(end))


def _views(t: Translator, result: ActivationRuns, acts: tuple[str, ...]) -> TrainingViews:
    """The section's charts from its runs."""
    heatmaps = {}
    for act in acts:
        frac = np.asarray(result.runs[act].dead_fraction, dtype=float)
        n_epochs, n_layers = frac.shape
        cells = pd.DataFrame({  # one row per (epoch, layer), epochs outer
            "epoch": np.repeat(np.arange(n_epochs), n_layers),
            "layer": np.tile(np.arange(1, n_layers + 1), n_epochs),
            "dead": frac.ravel(),
        })
        heatmaps[act] = (compiled(dead_heatmap, t, frac, ACTIVATIONS[act].can_die), cells)
    lines = pd.concat(
        [pd.DataFrame({"epoch": np.arange(len(r.no_grad_total)), "no_gradient": r.no_grad_total,
                       "act": a}) for a, r in result.runs.items() if a in acts],
        ignore_index=True,
    ).dropna()
    acc = pd.concat(
        [pd.DataFrame({"epoch": np.arange(len(r.train_acc)), "accuracy": r.train_acc,
                       "act": a}) for a, r in result.runs.items() if a in acts],
        ignore_index=True,
    ).dropna()
    acc_view = (
        compiled(line_chart, acc, "epoch", "accuracy", "act", x_title=t("common.axis.epoch"),
                 y_title=t(f"{P}.s1.acc_axis"), **activation_legend(t), y_range=(0.0, 1.0),
                 legend="bottom", height=260),
        acc)
    no_grad_view = (
        compiled(line_chart, lines, "epoch", "no_gradient", "act", x_title=t("common.axis.epoch"),
                 y_title=t(f"{P}.s1.total_axis"), **activation_legend(t), y_range=(0.0, 1.0),
                 legend="bottom", height=260),
        lines)
    return TrainingViews(acc=acc_view, no_grad=no_grad_view, dead=heatmaps)


def _status(t: Translator, run: ActivationRun, act: str) -> None:
    """Say divergence, total death and whole dead layers in words."""
    if run.diverged_at is not None:
        st.error(t("common.diverged", epoch=run.diverged_at))
    frac, total = run.dead_fraction, run.dead_total
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
