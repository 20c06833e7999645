"""Section "Decision boundary": each series' probability map at a chosen epoch of its training."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.datasets import DATASETS
from core.grid import plane_grid
from sections.vanishing.compute import split
from sections.vanishing.opening import describe_setup, opened
from sections.vanishing.settings import DATA, GRID, N_SNAPSHOTS, NAME, Setup, VanishingSettings
from sections.vanishing.training import Runs, trained
from ui.charts import boundary_chart, compiled
from ui.export import chart_block
from ui.frame import Frame
from ui.i18n import Translator, percent, shown_name


def draw(s: VanishingSettings, fr: Frame) -> None:
    su = opened(fr, s, "boundary", line=False)  # the setup line goes under the maps
    if su is None:
        return
    t = fr.t
    if not su.info.two_d:
        choices = ", ".join(shown_name(t, "data", k) for k in DATA
                            if k in DATASETS and DATASETS[k].two_d)
        st.info(t(f"{NAME}.boundary.not_2d", data=su.shown, features=su.info.n_features,
                  choices=choices))
    elif su.info.n_classes > 2:
        # Only uploads get here: the map shows P(class 1), a two-class picture.
        st.info(t(f"{NAME}.boundary.multi", classes=su.info.n_classes))
    else:
        # The training section's runs (cached; trained here if that section was not opened).
        runs = trained(fr, su)
        X, y, _ = split(su.data, **su.arrays)
        _maps(X, y, runs, su, t)
    describe_setup(su)


@st.fragment
def _maps(X: np.ndarray, y: np.ndarray, runs: Runs, su: Setup, t: Translator) -> None:
    """The decision boundaries at a chosen epoch, with the epoch scrubber.

    A fragment: moving the scrubber reruns this section only, not the page
    (the maps come from snapshots saved during training)."""
    # Every saved epoch of any run; a run that stopped early shows its last state.
    snaps = sorted(set().union(*(set(r.boundaries) for r in runs.values())))
    chosen = snaps[-1]
    if len(snaps) > 1:
        chosen = st.select_slider(t(f"{NAME}.boundary.epoch"), snaps, value=snaps[-1],
                                  key=f"_at_{su.run.epochs}_{len(snaps)}",
                                  help=t(f"{NAME}.boundary.epoch_help"))
    n_snap, res = su.run.n_snap, su.run.res
    if (n_snap, res) != (N_SNAPSHOTS, GRID):
        st.caption(t(f"{NAME}.guard.boundary", states=n_snap + 1, res=res,
                     full_states=N_SNAPSHOTS + 1, full_res=GRID))
    points, _, step = plane_grid(X, resolution=res)
    grid = pd.DataFrame(points, columns=["x1", "x2"])
    dots = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "label": y})
    cols = st.columns(min(len(runs), 3))
    for k, ((a, i), r) in enumerate(runs.items()):
        with cols[k % len(cols)]:
            st.markdown(f"**{su.label(a, i)}**")
            at = max(e for e in r.boundaries if e <= chosen)
            if at != chosen:
                st.caption(t(f"{NAME}.boundary.stopped", epoch=at))
            m1, m2 = st.columns(2)
            m1.metric(t(f"{NAME}.boundary.train_acc"), percent(float(r.train_acc[at]), digits=0))
            m2.metric(t(f"{NAME}.boundary.test_acc"), percent(float(r.test_acc[at]), digits=0))
            cells = grid.assign(p=np.nan_to_num(r.boundaries[at].astype(float), nan=0.5))
            chart_block(compiled(boundary_chart, cells, dots, prob_title=t(f"{NAME}.boundary.prob"),
                                 class_title=t(f"{NAME}.boundary.class"), step=step, height=280),
                        cells.assign(epoch=at, act=a, init=i), f"boundary-{a}-{i}", t)
    st.caption(t(f"{NAME}.boundary.caption"))
