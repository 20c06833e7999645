"""Home's one section: the sigmoid and the ReLU network side by side, and what their numbers say."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from core.gradients import below_rounding, rounding_floor
from sections.home.compute import Contender, HeadToHead, head_to_head
from sections.home.settings import (
    BATCH,
    DATA,
    INIT,
    LEARNING_RATE,
    N_SAMPLES,
    NAME,
    NOISE,
    PAIR,
    TARGET_LOSS,
    HomeSettings,
    RunSpec,
    run_spec,
)
from ui.cache import memo_run, view_memo
from ui.charts import activation_legend, boundary_chart, compiled, downsample, finite_positive, line_chart
from ui.export import Block, Weights, chart_block, chart_row, run_settings
from ui.frame import Frame, available_pages
from ui.i18n import Translator, percent, superscript
from ui.references import cite

P = NAME
#: Glorot & Bengio (sigmoid's difficulty, their initialisation), Glorot, Bordes & Bengio
#: (rectifiers), He et al. (He initialisation), Nielsen ch. 5 (the vanishing gradient).
SOURCES = ("glorot2010", "glorot2011", "he2015", "nielsen2015")


def draw(s: HomeSettings, fr: Frame) -> None:
    t = fr.t
    spec = run_spec(fr, s)
    # Kept by memo_run (read-only): a warm rerun skips unpickling a copy.
    result = memo_run(head_to_head, spec, _text=t(f"{P}.training"))
    runs = result.runs
    # The result in one line first: on a phone the two cards below stack, so this is
    # the comparison the first screen shows.
    st.container(key="home_compare").markdown(compare_line(t, runs))
    # Tables and chart specs from the cached runs: built once per setting and language.
    views = view_memo((f"{P}.views", spec, t.lang), lambda: _views(result, t))
    for col, act in zip(st.columns(2), PAIR, strict=True):
        with col:
            _side(t, spec, act, runs[act], views, result.n_train)
    st.caption(t(f"{P}.chart.map_caption"))
    st.caption(t(f"{P}.setup", depth=spec.depth, width=spec.width, n=N_SAMPLES, epochs=spec.epochs,
                 lr=LEARNING_RATE, batch=BATCH))
    chart_row(t, Block(*views["loss"], "loss", t(f"{P}.chart.loss_title"),
                       t(f"{P}.chart.loss_caption", target=TARGET_LOSS)),
              Block(*views["signal"], "signal-per-layer", t(f"{P}.chart.signal_title"),
                    t(f"{P}.chart.signal_caption")))
    first, *more = reading(t, spec, runs)
    st.info(first)
    if more:
        with st.expander(t(f"{P}.more_reading"), icon=":material/help:"):
            st.markdown("\n\n".join(more))
    st.caption(cite(t, *SOURCES))
    _next_pages(fr)


def compare_line(t: Translator, runs: dict[str, Contender]) -> str:
    """Both networks' test accuracy and signal ratio in one line, from this run."""
    sig, relu = runs["sigmoid"], runs["relu"]
    return t(f"{P}.compare", sig_acc=percent(sig.test_acc[-1]), relu_acc=percent(relu.test_acc[-1]),
             sig_ratio=ratio_text(signal_ratio(sig.grad_h)),
             relu_ratio=ratio_text(signal_ratio(relu.grad_h)))


def _side(t: Translator, spec: RunSpec, act: str, run: Contender, views: dict, n_train: int) -> None:
    """One network: its numbers at a glance and its decision boundary."""
    st.subheader(t(f"{P}.side.{act}"))
    row = st.container(horizontal=True)  # one flex row: the buttons wrap on a narrow screen
    row.metric(t(f"{P}.metric.test_acc"), percent(run.test_acc[-1]))
    row.metric(t(f"{P}.metric.train_acc"), percent(run.train_acc[-1]))
    row.metric(t(f"{P}.metric.ratio"), ratio_text(signal_ratio(run.grad_h)),
               help=t(f"{P}.metric.ratio_help"))
    reached = first_epoch_below(run.loss, TARGET_LOSS)
    row.metric(t(f"{P}.metric.reach", target=TARGET_LOSS),
               t(f"{P}.metric.never") if reached is None else str(reached),
               help=t(f"{P}.metric.reach_help", target=TARGET_LOSS, epochs=spec.epochs))
    if run.diverged_at is not None:
        st.error(t("common.diverged", epoch=run.diverged_at))
    settings = run_settings(P, data=DATA, n_samples=N_SAMPLES, noise=NOISE, seed=spec.seed,
                            n_train=n_train, sizes=spec.sizes, activation=act, output="sigmoid",
                            init=INIT[act], optimizer="sgd", lr=LEARNING_RATE, batch_size=BATCH,
                            epochs=spec.epochs)
    chart_block(*views[f"boundary-{act}"], f"boundary-{act}", t,
                weights=Weights(run.params, settings, f"weights-{act}"))


def signal_ratio(grad_h: np.ndarray) -> float:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_L‖: the signal reaching the first hidden layer over the last's (NaN if unknown)."""
    first, last = float(grad_h[0]), float(grad_h[-1])
    if not (math.isfinite(first) and math.isfinite(last)) or last == 0:
        return math.nan
    return first / last


def ratio_text(ratio: float) -> str:
    """Two significant digits, with a short exponent (``2.1e-6``) so four metrics fit on a row."""
    if not math.isfinite(ratio):
        return "—"
    mantissa, _, exponent = f"{ratio:.2g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa



def first_epoch_below(loss: np.ndarray, target: float) -> int | None:
    """The first epoch whose training loss is at most `target` (0 = at initialisation), or None."""
    hits = np.flatnonzero(np.asarray(loss, dtype=float) <= target)  # NaN compares False
    return int(hits[0]) if hits.size else None


#: The ReLU ratio is "far from 1" (against the lead) outside [1/RELU_FAR, RELU_FAR].
RELU_FAR = 10.0
#: The sigmoid network's last layers "barely see the input" when the spread falls below
#: this share of the first layer's; it "learned" with this much more than a constant answer.
COLLAPSED = 1e-3
LEARNED_MARGIN = 0.15


def reading(t: Translator, spec: RunSpec, runs: dict[str, Contender]) -> list[str]:
    """What the numbers say, from this run: the signal ratios against the slopes' best case, the spread."""
    sig, relu = runs["sigmoid"], runs["relu"]
    gaps = spec.depth - 1  # layers the signal crosses from the last hidden layer to the first
    ratio = signal_ratio(sig.grad_h)
    bound = 0.25 ** gaps
    out = [t(f"{P}.reading", sig_ratio=ratio_text(ratio), relu_ratio=ratio_text(signal_ratio(relu.grad_h)),
             gaps=gaps, power="¼" + superscript(gaps), bound=f"{bound:.1e}")]
    if math.isfinite(ratio) and ratio > 0:
        factor = ratio / bound
        key = "near" if 0.5 <= factor <= 2 else "below" if factor < 0.5 else "above"
        out.append(t(f"{P}.position.{key}", factor=f"{factor:.2g}", inverse=f"{1 / factor:.2g}"))
    relu_ratio = signal_ratio(relu.grad_h)
    if math.isfinite(relu_ratio) and not 1 / RELU_FAR < relu_ratio < RELU_FAR:
        why = (t(f"{P}.dead", dead=relu.dead_at_birth, units=spec.width * spec.depth)
               if relu.dead_at_birth else t(f"{P}.scatter"))
        out.append(t(f"{P}.relu_far", relu_ratio=ratio_text(relu_ratio), why=why))
    if np.isfinite(sig.spread).all() and np.isfinite(relu.spread).all():
        out.extend(_forward(t, sig, relu))
    return out


def _spread(t: Translator, run: Contender, i: int) -> str:
    """Layer `i`'s spread in two digits, or "below rounding error" where it is noise."""
    value = float(run.spread[i])
    floor = float(rounding_floor(run.level, run.level_std)[i])
    return t("common.below_rounding", floor=f"{floor:.2g}") if below_rounding(value, floor) \
        else f"{value:.2g}"


def _forward(t: Translator, sig: Contender, relu: Contender) -> list[str]:
    """The sigmoid network's forward pass (level and spread, verb from the numbers), and
    whether its last layers could learn: said only where the spread collapsed."""
    first, last = float(sig.spread[0]), float(sig.spread[-1])
    ratio = last / first if first > 0 else math.nan
    change = ("nan" if not math.isfinite(ratio) else "grows" if ratio >= 1.25
              else "shrinks" if ratio <= 0.8 else "same")
    out = [t(f"{P}.forward", level_first=f"{sig.level[0]:.2f}", level_last=f"{sig.level[-1]:.2f}",
             spread_first=_spread(t, sig, 0), spread_last=_spread(t, sig, -1),
             change=t(f"{P}.change.{change}"), relu_spread_first=_spread(t, relu, 0),
             relu_spread_last=_spread(t, relu, -1))]
    train = float(sig.train_acc[-1])
    learned = math.isfinite(train) and train >= sig.majority + LEARNED_MARGIN
    if math.isfinite(ratio) and ratio < COLLAPSED:
        key = "learned_anyway" if learned else "cannot_learn"
        out.append(t(f"{P}.{key}", train=percent(train, digits=0), base=percent(sig.majority, digits=0)))
    return out


def _views(result: HeadToHead, t: Translator) -> dict:
    """The page's charts from the trained pair: ``(spec, csv frame)`` by name."""
    runs = result.runs
    points = pd.DataFrame(result.points, columns=["x1", "x2"])
    data = pd.DataFrame({"x1": result.X[:, 0], "x2": result.X[:, 1], "label": result.y})
    views = {}
    for act in PAIR:
        grid = points.assign(p=np.nan_to_num(runs[act].grid_p, nan=0.5))
        views[f"boundary-{act}"] = (
            compiled(boundary_chart, grid, data, prob_title=t(f"{P}.chart.prob"),
                     class_title=t(f"{P}.chart.class"), step=result.step, height=320),
            grid)
    loss = pd.concat(
        [pd.DataFrame({"epoch": np.arange(len(r.loss)), "loss": r.loss, "act": a})
         for a, r in runs.items()],
        ignore_index=True,
    )
    loss["loss"] = finite_positive(loss["loss"].to_numpy())
    views["loss"] = (
        compiled(line_chart, downsample(loss, "act"), "epoch", "loss", "act",
                 x_title=t("common.axis.epoch"), y_title=t("common.axis.loss"),
                 **activation_legend(t), log_y=True),
        loss)
    signal = pd.concat(
        [pd.DataFrame({"layer": np.arange(1, len(r.grad_h) + 1),
                       "signal": finite_positive(r.grad_h), "act": a})
         for a, r in runs.items()],
        ignore_index=True,
    )
    views["signal"] = (
        compiled(line_chart, signal, "layer", "signal", "act", x_title=t(f"{P}.chart.hidden_layer"),
                 y_title=t(f"{P}.chart.signal_axis"), **activation_legend(t),
                 log_y=True, compact=True),
        signal)
    return views


def _next_pages(fr: Frame) -> None:
    """Links to every other page, each with one line on what it shows."""
    t = fr.t
    st.header(t(f"{P}.next.title"))
    pages = [p for p in available_pages() if p.name != P]
    if not pages:
        st.caption(t(f"{P}.next.none"))
    link_params = {"lang": fr.lang} if fr.lang != "en" else None
    for info in pages:
        st.page_link(info.script, label=t(f"common.nav.{info.name}"), icon=info.icon,
                     query_params=link_params)
        st.caption(t(f"{P}.next.{info.name}"))
