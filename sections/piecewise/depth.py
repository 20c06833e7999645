"""Section "Depth can multiply the pieces": Telgarsky's tent composed k times has 2^k
pieces from 2k units; one layer, random deep nets and trained deep nets of the same
shape against it (Hanin & Rolnick's count for random ones)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sections.piecewise.compute import (
    K_MAX,
    RANDOM_SEEDS,
    TRAIN_BIAS,
    TRAIN_EPOCHS,
    TRAIN_K_MAX,
    TRAIN_LR,
    TRAIN_SEEDS,
    WIDE,
    WIDE_SEEDS,
    TrainedTent,
    TrainedTents,
    depth_table,
    tent_curves,
    trained_tents,
)
from sections.piecewise.settings import NAME as P
from sections.piecewise.settings import PiecewiseSettings, opening
from ui.cache import memo_run
from ui.charts import compiled
from ui.charts.palette import BLUE, GREEN, ORANGE, PURPLE, VERMILLION
from ui.charts.piecewise import series_chart
from ui.export import Weights, chart_block, run_settings, weights_button
from ui.frame import Frame
from ui.i18n import Translator
from ui.references import cite

#: Series of the pieces-against-k chart and their colours.
SERIES_COLOURS = {"tent": GREEN, "one": ORANGE, "random_deep": BLUE,
                  "random_one": PURPLE, "random_wide": VERMILLION}


def draw(s: PiecewiseSettings, fr: Frame) -> None:
    t, c = fr.t, fr.controls
    left, right = opening(fr, "depth")
    with c.placed(right):
        k = c.slider("k", t(f"{P}.controls.k"), 1, K_MAX, 4)
    table = depth_table(s.seed)
    row = table[table.k == k].iloc[0]
    trained = memo_run(trained_tents, k, s.seed, _text=t(f"{P}.depth.training")) \
        if k <= TRAIN_K_MAX else None
    right.metric(t(f"{P}.depth.tent_pieces"), int(row.tent))
    right.metric(t(f"{P}.depth.one_pieces"), int(row.one))
    right.metric(t(f"{P}.depth.random_pieces"), f"{row.random_deep:.1f}")
    right.metric(t(f"{P}.depth.wide_pieces", width=WIDE), f"{row.random_wide:.1f}")
    if trained is not None:
        best = max(trained.runs, key=lambda r: r.pieces)
        right.metric(t(f"{P}.depth.trained_pieces", seeds=TRAIN_SEEDS), best.pieces)
        with right:
            weights_button(Weights(best.params, _trained_settings(k, trained.n, best),
                                   f"tent-trained-k{k}-weights"), t)
    with left:
        _tent_chart(t, k)
    st.info(t(f"{P}.depth.reading", k=k, units=2 * k, tent=int(row.tent), one=int(row.one),
              bound=int(row.bound), random=f"{row.random_deep:.1f}", seeds=RANDOM_SEEDS))
    st.info(_trained_reading(t, k, int(row.tent), trained))
    st.info(t(f"{P}.depth.wide_reading", k=k, width=WIDE, neurons=int(row.wide_units),
              wide=f"{row.random_wide:.1f}", per=f"{row.per_neuron:.2f}",
              lo=f"{table.per_neuron.min():.2f}", hi=f"{table.per_neuron.max():.2f}",
              k_max=K_MAX, top=f"{table.random_wide.iloc[-1]:.0f}",
              top_neurons=int(table.wide_units.iloc[-1]), two_k=2**K_MAX,
              flat=int(row.flat), seeds=RANDOM_SEEDS, wide_seeds=WIDE_SEEDS))
    st.caption(cite(t, "telgarsky2016", "hanin2019"))
    cl, cr = st.columns([1, 1])
    with cl:
        _pieces_chart(t, table)
    with cr:
        _table(t, table)


def _tent_chart(t: Translator, k: int) -> None:
    tent = tent_curves(k)
    deep_name = t(f"{P}.depth.series.tent", k=k, units=2 * k)
    one_name = t(f"{P}.depth.series.one", units=2 * k)
    curves = pd.concat([pd.DataFrame({"x": tent.x, "y": tent.y, "s": deep_name}),
                        pd.DataFrame({"x": tent.one_x, "y": tent.one_y, "s": one_name})],
                       ignore_index=True)
    chart_block(compiled(series_chart, curves, "x", "y", "s", x_title=t(f"{P}.axis.x"),
                         y_title=t(f"{P}.axis.y"), height=280,
                         colours={deep_name: SERIES_COLOURS["tent"], one_name: SERIES_COLOURS["one"]}),
                curves, f"tent-k{k}", t,
                caption=t(f"{P}.depth.caption", k=k, err=f"{tent.one_err:.2f}"))


def _trained_reading(t: Translator, k: int, tent: int, trained: TrainedTents | None) -> str:
    """What training from random starts found, measured; or why it was not run at this k."""
    if trained is None:
        return t(f"{P}.depth.trained_skipped", k=k, k_max=TRAIN_K_MAX)
    pieces = [r.pieces for r in trained.runs]
    found = sum(p >= tent for p in pieces)
    key = "trained_found" if found else "trained_reading"
    return t(f"{P}.depth.{key}", k=k, seeds=TRAIN_SEEDS, epochs=TRAIN_EPOCHS, n=trained.n,
             pieces=", ".join(str(p) for p in pieces), best=max(pieces), tent=tent, found=found,
             bias=TRAIN_BIAS)


def _trained_settings(k: int, n: int, run: TrainedTent) -> dict:
    """What produced the trained k × 2 network offered for download."""
    return run_settings(P, data="tent", n_samples=n, noise=None, seed=run.seed, n_train=n,
                        sizes=[1, *[2] * k, 1], activation="relu", output="identity",
                        init="he_normal", optimizer="adam", lr=TRAIN_LR, batch_size=None,
                        epochs=TRAIN_EPOCHS, bias_init=TRAIN_BIAS, tent_k=k, interval=[0.0, 1.0])


def _series_names(t: Translator) -> dict[str, str]:
    return {"tent": t(f"{P}.depth.col.tent"), "one": t(f"{P}.depth.col.one"),
            "random_deep": t(f"{P}.depth.col.random_deep"),
            "random_one": t(f"{P}.depth.col.random_one"),
            "random_wide": t(f"{P}.depth.col.random_wide", width=WIDE)}


def _pieces_chart(t: Translator, table: pd.DataFrame) -> None:
    names = _series_names(t)
    long = table.melt(id_vars=["k"], value_vars=list(names), var_name="s", value_name="pieces")
    long["s"] = long["s"].map(names)
    chart_block(compiled(series_chart, long, "k", "pieces", "s", x_title=t(f"{P}.axis.k"),
                         y_title=t(f"{P}.axis.pieces"), log_y=True, height=420,
                         colours={names[key]: colour for key, colour in SERIES_COLOURS.items()}),
                long, "pieces-vs-k", t)
    st.caption(t(f"{P}.depth.chart_caption", seeds=RANDOM_SEEDS))
    st.caption(t(f"{P}.depth.wide_caption", width=WIDE, wide_seeds=WIDE_SEEDS))


def _table(t: Translator, table: pd.DataFrame) -> None:
    names = _series_names(t)
    per_neuron = t(f"{P}.depth.col.per_neuron", width=WIDE)
    shown = table[["k", "units", "tent", "one", "bound", "random_deep", "random_one",
                   "wide_units", "random_wide", "per_neuron"]].rename(
        columns={"units": t(f"{P}.depth.col.units"), "bound": t(f"{P}.depth.col.bound"),
                 "wide_units": t(f"{P}.depth.col.wide_units", width=WIDE),
                 "per_neuron": per_neuron, **names})
    one_decimal = st.column_config.NumberColumn(format="%.1f")
    st.dataframe(shown, hide_index=True, height=460,
                 column_config={names["random_deep"]: one_decimal,
                                names["random_one"]: one_decimal,
                                names["random_wide"]: one_decimal,
                                per_neuron: st.column_config.NumberColumn(format="%.2f")})
