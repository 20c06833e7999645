"""Section "Depth sweep": every series trained again at several depths."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import streamlit as st

from core.gradients import depth_grid
from sections.vanishing.compute import depth_sweep
from sections.vanishing.opening import opened
from sections.vanishing.settings import NAME, SWEEP_BUDGET, Setup, VanishingSettings
from ui.cache import memo_run
from ui.charts import activation_legend, compiled, finite_positive, line_chart
from ui.export import Block, chart_row
from ui.frame import Frame
from ui.guard import budget_epochs, note_budget
from ui.i18n import Translator


def draw(s: VanishingSettings, fr: Frame) -> None:
    su = opened(fr, s, "sweep")
    if su is None:
        return
    t = fr.t
    depths = depth_grid(s.depth)
    # Its own budget: switching the sweep on must not change the training section's runs.
    # Cost grows linearly with depth, so the mean depth stands for all of them.
    mean_depth = math.ceil(1 + sum(d - 1 for d in depths) / len(depths))
    budget = budget_epochs(mean_depth, s.width, su.n_train, s.epochs,
                           runs=len(depths) * len(su.series), n_in=su.n_in, budget=SWEEP_BUDGET,
                           batch=s.batch, acts=[a for _ in depths for a, _ in su.series])
    st.markdown(t(f"{NAME}.sweep.lead", depths=", ".join(map(str, depths)),
                  count=len(depths) * len(su.series), epochs=budget.epochs))
    if not s.sweep:
        st.info(t(f"{NAME}.sweep.off"))
        return
    note_budget(budget, t)
    # The sweep keeps no boundary maps: those fields are fixed so they never split the key.
    spec = dataclasses.replace(su.run, epochs=budget.epochs, n_fit=budget.n_samples, n_snap=0, res=0)
    table = memo_run(depth_sweep, spec, su.series, **su.arrays, _text=t(f"{NAME}.sweep.progress"))
    _charts(t, su, table)
    if table["diverged"].any():
        bad = table[table["diverged"]]
        st.warning(t(f"{NAME}.sweep.diverged", items=", ".join(
            f"{su.label(a, i)} ({d})" for a, i, d in zip(bad.act, bad.init, bad.depth, strict=True))))


def _charts(t: Translator, su: Setup, table: pd.DataFrame) -> None:
    table = table.assign(series=[su.label(a, i) for a, i in zip(table.act, table.init, strict=True)])
    ratios = pd.concat([
        table.assign(measure=t(f"{NAME}.sweep.measure_{m}"), value=finite_positive(table[col].to_numpy()))
        for m, col in (("signal", "signal_ratio"), ("weights", "ratio"))], ignore_index=True)
    ratios = ratios.assign(_g=ratios["series"] + ratios["measure"])
    accuracy = Block(compiled(line_chart, table, "depth", "test_acc", "act",
                              x_title=t(f"{NAME}.axis.depth"), y_title=t(f"{NAME}.axis.test_acc"),
                              **activation_legend(t), compact=True,
                              series="series" if su.two else None, dash="init" if su.two else None,
                              shapes=su.two, dash_title=t(f"{NAME}.axis.init"), dash_labels=su.init_labels()),
                     table, "sweep-accuracy", t(f"{NAME}.sweep.acc_title"))
    ratio = None
    if ratios["value"].notna().any():
        ratio = Block(compiled(line_chart, ratios, "depth", "value", "act",
                               x_title=t(f"{NAME}.axis.depth"), y_title=t(f"{NAME}.axis.ratio"),
                               **activation_legend(t), log_y=True, compact=True, series="_g",
                               dash="measure", shapes=True, dash_title=t(f"{NAME}.sweep.measure")),
                      table, "sweep-ratio", t(f"{NAME}.sweep.ratio_title"))
    chart_row(t, accuracy, ratio)
    st.caption(t(f"{NAME}.sweep.caption"))
