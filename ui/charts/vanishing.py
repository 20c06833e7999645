"""Charts only the vanishing page draws: per-layer sizes during training, as one image."""

from __future__ import annotations

import altair as alt
import numpy as np

from ui.charts.images import image_heatmap
from ui.i18n import Translator


def layer_heatmap(values: np.ndarray, domain: tuple[float, float], depth: int, value_title: str,
                  t: Translator) -> alt.LayerChart:
    """Epoch x layer sizes (one image) on one log colour scale shared by the runs.

    Parameters
    ----------
    values : ndarray of shape (n_epochs, n_layers)
        Positive sizes (‖∂L/∂h_l‖ or ‖∂L/∂W_l‖); NaN cells are left blank.
    domain : (float, float)
        The colour scale's ends, the same for every series so panels compare.
    """
    return image_heatmap(values, x_title=t("common.axis.epoch"),
                         y_title=t("vanishing.axis.layer_short"), value_title=value_title,
                         domain=domain, log=True, legend_format=".0e",
                         height=max(160, min(12 * (depth + 1), 420)))
