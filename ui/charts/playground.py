"""The playground page's charts: its loss curve (the diagram itself is a component, ui.components)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.lines import downsample, line_chart
from ui.charts.palette import LOSS_COLOURS
from ui.i18n import Translator


def loss_chart(t: Translator, frame: pd.DataFrame, names: tuple[str, str]) -> alt.LayerChart:
    """Training and test loss over epochs; `frame` has columns epoch, loss, curve (one of
    `names`: the training curve's name, then the test curve's)."""
    return line_chart(downsample(frame, "curve"), "epoch", "loss", "curve",
                      x_title=t("common.axis.epoch"), y_title=t("playground.curve.y"),
                      colour_title=t("playground.curve.legend"),
                      colours=dict(zip(names, (LOSS_COLOURS["train"], LOSS_COLOURS["test"]), strict=True)),
                      legend="bottom",
                      compact=True, height=220)
