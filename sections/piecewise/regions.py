"""Section "Regions in the plane": a ReLU classifier's linear regions (one on/off pattern
of its units each) and its boundary, straight inside each region, during training."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sections.piecewise.compute import (
    COUNT_RES,
    EPOCHS_2D,
    LR_2D,
    N_2D,
    NOISE_2D,
    Regions,
    RegionSnap,
    RegionSpec,
    regions_2d,
)
from sections.piecewise.settings import NAME as P
from sections.piecewise.settings import PiecewiseSettings, opening
from ui.cache import memo_run
from ui.charts import compiled
from ui.charts.piecewise import region_chart, series_chart
from ui.export import Weights, chart_block, run_settings
from ui.frame import Frame
from ui.guard import budget_epochs, note_budget
from ui.i18n import Translator, option_labels
from ui.references import cite
from ui.upload import UPLOAD, load_data, user_data

#: The 2-D sets offered (listed, so a set added to core.datasets does not change the links).
DATA = ("moons", "circles", "blobs", "gaussian_quantiles", "classification", UPLOAD)


def draw(s: PiecewiseSettings, fr: Frame) -> None:
    t, c = fr.t, fr.controls
    left, right = opening(fr, "regions")
    with c.placed(right):
        data = c.select("data", t(f"{P}.controls.data"), DATA, "moons",
                        labels=option_labels(t, "data", DATA))
        width = c.slider("w2", t(f"{P}.controls.w2"), 2, 32, 8)
        depth = c.slider("d2", t(f"{P}.controls.d2"), 1, 4, 2)
        at = c.slider("at2", t(f"{P}.controls.at2"), 0, 100, 100, step=10)
    with left:
        X, y, used = load_data(data, N_2D, NOISE_2D, s.seed, t)
    mine = user_data() if used == UPLOAD else None
    budget = budget_epochs(depth, width, len(X), EPOCHS_2D, runs=1, n_in=2, acts="relu")
    X, y = X[:budget.n_samples], y[:budget.n_samples]
    with left:
        note_budget(budget, t)
    spec = RegionSpec(f"{UPLOAD}:{mine[2]}" if mine else used, len(y), width, depth,
                      budget.epochs, s.seed)
    reg = memo_run(regions_2d, spec, _X=X, _y=y, _text=t(f"{P}.regions.training"))
    if reg.diverged_at is not None:
        st.error(t("common.diverged", epoch=reg.diverged_at))
    epochs = sorted(reg.snaps)
    shown = min(epochs, key=lambda e: abs(e - at * spec.epochs / 100))
    snap = reg.snaps[shown]
    right.metric(t(f"{P}.regions.count"), snap.regions,
                 help=t(f"{P}.regions.count_help", res=COUNT_RES))
    right.metric(t(f"{P}.fit.epoch"), f"{shown} / {spec.epochs}")
    right.metric(t(f"{P}.regions.acc"), f"{100 * snap.acc:.0f}%")
    with left:
        caption = (t(f"{P}.regions.caption_multi", k=reg.classes) if reg.classes > 2
                   else t(f"{P}.regions.caption"))
        chart_block(compiled(region_chart, reg, snap, t), _region_data(reg, snap),
                    f"regions-{used}-e{shown}", t, caption=caption,
                    weights=Weights(reg.params, _settings(spec, used, reg),
                                    f"regions-{used}-weights"))
    _over_training(t, reg, epochs, used)
    first, last = reg.snaps[epochs[0]].regions, reg.snaps[epochs[-1]].regions
    st.info(t(f"{P}.regions.reading", first=first, last=last, units=width * depth,
              epochs=spec.epochs, res=COUNT_RES))
    st.caption(cite(t, "hanin2019"))


def _over_training(t: Translator, reg: Regions, epochs: list[int], used: str) -> None:
    counts = pd.DataFrame({"epoch": epochs, "r": [reg.snaps[e].regions for e in epochs],
                           "s": t(f"{P}.regions.count")})
    chart_block(compiled(series_chart, counts, "epoch", "r", "s", x_title=t("common.axis.epoch"),
                         y_title=t(f"{P}.regions.count"), height=200),
                counts[["epoch", "r"]].rename(columns={"r": "regions"}),
                f"regions-{used}-over-training", t)


def _settings(spec: RegionSpec, used: str, reg: Regions) -> dict:
    """What produced the 2-D classifier, stored beside its weights (it trains on every row)."""
    extra = {"upload_digest": spec.data_key.removeprefix(f"{UPLOAD}:")} if used == UPLOAD else {}
    return run_settings(P, data=used, n_samples=spec.n, noise=None if used == UPLOAD else NOISE_2D,
                        seed=spec.seed, n_train=spec.n, sizes=reg.sizes, activation="relu",
                        output=reg.output, init="he_normal", optimizer="adam", lr=LR_2D,
                        batch_size=None, epochs=spec.epochs, **extra)


def _region_data(res: Regions, snap: RegionSnap) -> pd.DataFrame:
    """The region chart's data: grid points with their region, then the training points."""
    grid = pd.DataFrame({"kind": "grid", "x1": res.points[:, 0], "x2": res.points[:, 1],
                         "region": snap.labels})
    data = pd.DataFrame({"kind": "data", "x1": res.X[:, 0], "x2": res.X[:, 1],
                         "label": res.y})
    return pd.concat([grid, data], ignore_index=True)
