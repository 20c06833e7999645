"""Section "Fitting a curve": the sidebar's network learns the target; its kinks,
counted exactly from the weights, at any point of training."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sections.piecewise.compute import CurveFit, NetCurve, fit_curve
from sections.piecewise.settings import HI, INIT, LO, FitSpec, PiecewiseSettings
from sections.piecewise.settings import NAME as P
from ui.cache import memo_run
from ui.charts import compiled
from ui.charts.piecewise import fit_chart, series_chart
from ui.export import Weights, chart_block, run_settings
from ui.frame import Frame
from ui.guard import note_budget
from ui.i18n import Translator
from ui.literal import literal


def draw(s: PiecewiseSettings, fr: Frame) -> None:
    """The fit chart first, its kinks counted in a sentence under it, then how they are
    counted (the section's intro) and the count over training."""
    t, c = fr.t, fr.controls
    st.header(t(f"{P}.fit.title"))
    note_budget(s.budget(), t)
    spec = s.fit_spec()
    res = memo_run(fit_curve, spec, _text=t(f"{P}.fit.training"))
    if res.diverged_at is not None:
        st.error(t("common.diverged", epoch=res.diverged_at))
    epochs_done = sorted(res.snaps)
    left, right = st.columns([3, 1])
    with c.placed(right):
        at = c.slider("at", t(f"{P}.controls.at"), 0, 100, 100, step=5,
                      help=t(f"{P}.controls.at_help"))
    wanted = round(at * spec.epochs / 100)
    shown = min(epochs_done, key=lambda e: abs(e - wanted)) if epochs_done else None
    if shown is None:
        left.error(t(f"{P}.fit.nothing"))
        st.markdown(t(f"{P}.fit.intro"))
        return
    snap = res.snaps[shown]
    right.metric(t(f"{P}.fit.epoch"), f"{shown} / {len(res.loss) - 1}")
    right.metric(t(f"{P}.fit.loss"), f"{res.loss[shown]:.3g}")
    if snap.kinks is not None:
        right.metric(t(f"{P}.fit.pieces"), len(snap.kinks) + 1, help=t(f"{P}.fit.pieces_help"))
    with left:
        # The chart opens the section; what its marks are, and the target's formula, under it.
        chart_block(compiled(fit_chart, res, snap, t, spec.act), _fit_data(res, snap),
                    f"fit-{spec.act}", t,
                    caption=t(f"{P}.fit.target_is", name=t(f"{P}.target.{s.target}"),
                              formula=literal(spec.formula, 120)) + " " + t(f"{P}.fit.caption"),
                    weights=Weights(res.params, curve_settings(spec, s.target),
                                    f"fit-{spec.act}-weights"))
        if snap.kinks is None:
            st.info(t(f"{P}.fit.smooth", act=spec.act))
        else:
            st.info(t(f"{P}.fit.reading", pieces=len(snap.kinks) + 1, kinks=len(snap.kinks),
                      units=spec.width * spec.depth, epoch=shown))
    st.markdown(t(f"{P}.fit.intro"))
    if snap.kinks is not None:
        _pieces_over_training(t, res, epochs_done, spec.act)


def curve_settings(spec: FitSpec, target: str) -> dict:
    """What produced one 1-D network (the fit's or the hinges'), stored beside its weights."""
    return run_settings(P, data=target, n_samples=spec.n, noise=spec.noise, seed=spec.seed,
                        n_train=spec.n, sizes=[1, *[spec.width] * spec.depth, 1],
                        activation=spec.act, output="identity", init=INIT[spec.act],
                        optimizer="adam", lr=spec.lr, batch_size=None, epochs=spec.epochs,
                        formula=spec.formula, interval=[LO, HI])


def _pieces_over_training(t: Translator, res: CurveFit, epochs_done: list[int], act: str) -> None:
    counts = pd.DataFrame({"epoch": epochs_done,
                           "pieces": [len(res.snaps[e].kinks) + 1 for e in epochs_done],
                           "s": t(f"{P}.fit.pieces")})
    chart_block(compiled(series_chart, counts, "epoch", "pieces", "s",
                         x_title=t("common.axis.epoch"), y_title=t(f"{P}.axis.pieces"),
                         height=200),
                counts[["epoch", "pieces"]], f"fit-{act}-pieces", t,
                title=t(f"{P}.fit.over_training"), caption=t(f"{P}.fit.over_caption"))


def _fit_data(res: CurveFit, snap: NetCurve) -> pd.DataFrame:
    """The fit chart's data, tidy: samples, target and the network at the shown epoch."""
    parts = [pd.DataFrame({"series": "sample", "x": res.x, "y": res.y}),
             pd.DataFrame({"series": "target", "x": res.grid, "y": res.target}),
             pd.DataFrame({"series": "network", "x": snap.x, "y": snap.y})]
    if snap.kinks is not None:
        parts.append(pd.DataFrame({"series": "kink", "x": snap.kinks, "y": snap.kink_y}))
    return pd.concat(parts, ignore_index=True)
