"""Section "Training": loss and accuracy per epoch, and per layer and epoch the size of the
back-propagated signal ‖∂L/∂h_l‖ (or of ‖∂L/∂W_l‖) of every series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from sections.vanishing import readings
from sections.vanishing.compute import SeriesRun, train_run
from sections.vanishing.opening import describe_setup, opened
from sections.vanishing.settings import NAME, Setup, VanishingSettings
from ui.cache import memo_run, view_memo
from ui.charts import activation_legend, compiled, downsample, finite_positive, line_chart
from ui.charts.vanishing import layer_heatmap
from ui.export import Block, Weights, chart_block, chart_row, run_settings, weights_button
from ui.frame import Frame
from ui.i18n import Translator, percent

SERIES_COLUMNS = ["series", "act", "init"]
#: What the heatmaps show: the back-propagated signal (hidden layers) or ‖∂L/∂W‖ (weight layers).
HEAT = ("signal", "weights")
#: The trained series by ``(act, init)``.
Runs = dict[tuple[str, str], SeriesRun]


def trained(fr: Frame, su: Setup) -> Runs:
    """The trained networks of every series. Cached, so the sections that show them share
    one training; the first to open trains (with a progress bar)."""
    return {(a, i): memo_run(train_run, su.run, a, i, **su.arrays,
                             _text=fr.t(f"{NAME}.train.progress", series=su.label(a, i)))
            for a, i in su.series}


def settings_of(su: Setup, act: str, init: str, run: SeriesRun) -> dict:
    """What produced the network of series (act, init), stored beside its weights."""
    s, r = su.settings, su.run
    return run_settings(NAME, data=su.shown if su.arrays else su.data.key, n_samples=su.data.n,
                        noise=su.data.noise, seed=s.seed, n_train=r.n_fit, sizes=su.sizes,
                        activation=act, output=su.output, init=init, optimizer=s.opt, lr=s.lr,
                        batch_size=None if s.batch >= r.n_fit else s.batch, epochs=r.epochs,
                        init_std=s.std, diverged_at=run.diverged_at)


def draw(s: VanishingSettings, fr: Frame) -> None:
    su = opened(fr, s, "train", line=False)  # the setup line goes under the key charts
    if su is None:
        return
    t, c = fr.t, fr.controls
    runs = trained(fr, su)
    for (a, i), r in runs.items():
        if r.diverged_at is not None:
            st.error(f"**{su.label(a, i)}** — " + t("common.diverged", epoch=r.diverged_at))
    views = view_memo((f"{NAME}.train", su.run, su.series, t.lang), lambda: _views(t, su, runs))
    first = next(iter(runs.values()))
    chart_row(t, Block(*views["loss"], "train-loss", t(f"{NAME}.train.loss_title"),
                       t(f"{NAME}.train.loss_caption", k=first.classes,
                         chance=f"{first.chance:.2f}")),
              Block(*views["acc"], "train-accuracy", t(f"{NAME}.train.acc_title"),
                    t(f"{NAME}.train.acc_caption_two" if su.two else f"{NAME}.train.acc_caption")))
    st.markdown(headline(t, su, runs))
    describe_setup(su)
    with c.placed(st.container()):
        heat = c.select("heat", t(f"{NAME}.train.heat_what"), HEAT, HEAT[0], radio=True,
                        horizontal=True, labels={h: t(f"{NAME}.train.heat.{h}") for h in HEAT})
    st.markdown(f"**{t(f'{NAME}.train.heat_title_{heat}')}**")
    cols = st.columns(min(len(runs), 2))
    for k, ((a, i), r) in enumerate(runs.items()):
        with cols[k % len(cols)]:
            st.markdown(su.label(a, i))
            weights = Weights(r.params, settings_of(su, a, i, r), f"weights-{a}-{i}")
            panel = views[heat][(a, i)]
            if panel is None:
                st.warning(t(f"{NAME}.train.nothing_to_plot"))
                weights_button(weights, t)
            else:
                chart_block(*panel, f"{'signal' if heat == 'signal' else 'gradients'}-{a}-{i}", t,
                            weights=weights)
    st.caption(t(f"{NAME}.train.heat_caption_{heat}"))


def headline(t: Translator, su: Setup, runs: Runs) -> str:
    """The key charts' reading in a sentence, from the runs: each series' final training
    accuracy and whether it learned (:func:`readings.verdict`, the loss test that the
    section "Why it happens" spells out), then what "learned" means."""
    items = ", ".join(
        t(f"{NAME}.train.headline_item", series=su.label(a, i),
          acc=percent(float(r.train_acc[-1]), digits=0),
          word=t(f"{NAME}.train.word.{readings.verdict(r)}"))
        for (a, i), r in runs.items())
    return (t(f"{NAME}.train.headline", epochs=su.run.epochs, items=items) + " "
            + t(f"{NAME}.train.headline_rule", pct=f"{100 * readings.LEARNED:.0f}"))


def _views(t: Translator, su: Setup, runs: Runs) -> dict:
    """The section's charts from its runs: ``(spec, csv frame)`` each; ``signal`` and
    ``weights`` map each series to its heatmap, None when no value of any series is finite."""
    curves = pd.concat([
        pd.DataFrame({"epoch": np.arange(len(r.loss)), "loss": finite_positive(r.loss),
                      "train": r.train_acc, "test": r.test_acc, "act": a, "init": i,
                      "series": su.label(a, i)})
        for (a, i), r in runs.items()], ignore_index=True)
    lines = {"series": "series" if su.two else None, "dash": "init" if su.two else None,
             "shapes": su.two, "dash_title": t(f"{NAME}.axis.init"), "compact": True,
             "dash_labels": su.init_labels()}
    loss = (compiled(line_chart, downsample(curves, "series"), "epoch", "loss", "act",
                     x_title=t("common.axis.epoch"), y_title=t("common.axis.loss"),
                     **activation_legend(t), log_y=True, **lines),
            curves[[*SERIES_COLUMNS, "epoch", "loss"]])
    by_split = curves.melt(id_vars=["epoch", "act", "init", "series"], value_vars=["train", "test"],
                           var_name="split", value_name="acc")  # split codes: the CSV a re-plot needs
    if su.two:  # test accuracy only; line style is the initialisation
        drawn = by_split[by_split["split"] == "test"]
    else:
        drawn = by_split
        lines = {**lines, "dash": "split", "dash_title": t(f"{NAME}.train.split"), "shapes": True,
                 "series": "_g", "dash_labels": None}
    split_names = drawn["split"].map({"train": t(f"{NAME}.train.split_train"),
                                      "test": t(f"{NAME}.train.split_test")})
    plotted = drawn.assign(split=split_names, _g=drawn["series"] + split_names)
    acc_spec = compiled(line_chart, downsample(plotted, "_g"), "epoch", "acc", "act",
                        x_title=t("common.axis.epoch"), y_title=t("common.axis.accuracy"),
                        **activation_legend(t), **lines)
    return {"loss": loss, "acc": (acc_spec, by_split),
            "signal": _heatmaps(t, su, {k: r.signal for k, r in runs.items()},
                                t(f"{NAME}.axis.signal_short")),
            "weights": _heatmaps(t, su, {k: r.grad for k, r in runs.items()},
                                 t(f"{NAME}.axis.norm_short"))}


def _heatmaps(t: Translator, su: Setup, norms: dict[tuple[str, str], np.ndarray],
              value_title: str) -> dict:
    """One heatmap per series of its norms (epochs x layers) on one shared colour scale."""
    values = {k: finite_positive(np.asarray(v, dtype=float)) for k, v in norms.items()}
    every = np.concatenate([v.ravel() for v in values.values()])
    finite = every[np.isfinite(every)]
    if not finite.size:
        return dict.fromkeys(norms)
    domain = (float(finite.min()), float(finite.max()))
    if domain[0] == domain[1]:
        domain = (domain[0] / 10, domain[1] * 10)
    out = {}
    for (a, i), v in values.items():
        n_epochs, n_layers = v.shape
        cells = pd.DataFrame({"epoch": np.repeat(np.arange(n_epochs), n_layers),
                              "layer": np.tile(np.arange(1, n_layers + 1), n_epochs),
                              "norm": v.ravel(), "act": a, "init": i})
        out[(a, i)] = (compiled(layer_heatmap, v, domain, su.settings.depth, value_title, t), cells)
    return out
