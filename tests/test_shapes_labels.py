"""The Function shapes chart: each panel's axis fits its curves, and no label lies on a curve.

Labels are placed in pixels for the narrowest plot the page allows for (a phone); a
wider chart only shrinks a label's box towards its left edge in data units, so what
holds here holds on every screen.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sections.shapes.compute import shape_data
from ui.charts.shapes import (
    CLIP_MARGIN,
    DF_PLOT,
    F_PLOT,
    MIN_PLOT_WIDTH,
    clip_range,
    clipped,
    curve_points,
    shape_panels,
)
from ui.i18n import Translator

ALL = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus")
CASES = [
    (("sigmoid", "tanh", "relu"), -6.0, 6.0, 0.01, 1.0),  # the page's default
    (ALL, -6.0, 6.0, 0.01, 1.0),
    (("sigmoid", "relu", "gelu"), -3.0, 8.0, 0.01, 1.0),
    (("relu", "leaky_relu", "elu"), -6.0, 6.0, 0.5, 3.0),
    (("sigmoid", "tanh"), -10.0, 10.0, 0.01, 1.0),
    (("relu", "sigmoid"), -6.0, -1.0, 0.01, 1.0),
]


def _data(acts, lo, hi, slope, alpha) -> dict:
    return {n: shape_data(n, lo, hi, slope, alpha) for n in acts}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("case", CASES)
def test_no_label_overlaps_a_curve_another_label_or_a_mark(case, lang: str) -> None:
    t = Translator(lang)
    panels = shape_panels(_data(*case), True, t)
    for key, height in (("f", F_PLOT), ("df", DF_PLOT)):
        p = panels[key]
        pts = curve_points(p.curves, p.x_domain, p.y_domain, MIN_PLOT_WIDTH, height)
        boxes = [m["box"] for m in p.marks]
        for m in p.marks:
            left, top, right, bottom = m["box"]
            assert not m["crowded"], (key, m["label"])
            assert 0 <= left and right <= MIN_PLOT_WIDTH and 0 <= top and bottom <= height
            inside = ((pts[:, 0] >= left) & (pts[:, 0] <= right) & (pts[:, 1] >= top)
                      & (pts[:, 1] <= bottom))
            assert not inside.any(), (key, m["label"])
            # the label's anchor in data units is its box's left edge and middle
            x0, x1 = p.x_domain
            y0, y1 = p.y_domain
            assert m["tx"] == pytest.approx(x0 + left / MIN_PLOT_WIDTH * (x1 - x0))
            assert m["ty"] == pytest.approx(y1 - (top + bottom) / 2 / height * (y1 - y0))
        for a, b in itertools.combinations(boxes, 2):
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_the_functions_axis_fits_the_bounded_curves_and_says_what_it_cuts() -> None:
    data = _data(*CASES[0])
    lo, hi = clip_range(data)
    assert (lo, hi) == pytest.approx((-1 - CLIP_MARGIN, 1 + CLIP_MARGIN), abs=1e-3)
    assert set(clipped(data)) == {"relu"}
    assert clipped(data)["relu"][1] == pytest.approx(6.0)
    panels = shape_panels(data, True, Translator("en"))
    f_lo, f_hi = panels["f"].y_domain
    assert f_lo > -2.5 and f_hi < 2.5  # not -1 to 6: sigmoid and tanh keep their height
    d_lo, d_hi = panels["df"].y_domain
    assert d_lo > -0.2 and 1.0 < d_hi < 1.6  # the slopes on their own axis
    # Without a bounded function nothing is cut.
    only = _data(("relu", "elu"), -6.0, 6.0, 0.01, 1.0)
    assert clipped(only) == {}


def test_marks_are_where_the_facts_are() -> None:
    panels = shape_panels(_data(*CASES[0]), True, Translator("en"))
    peaks = sorted((m["x"], round(m["y"], 6)) for m in panels["df"].marks
                   if m["label"].startswith("largest slope"))
    assert peaks == [(0.0, 0.25), (0.0, 1.0)]  # sigmoid and tanh, steepest at 0
    assert [m["y"] for m in panels["f"].marks] == [0.0]  # ReLU's kink at (0, 0)
    assert np.isfinite([m["tx"] for p in panels.values() for m in p.marks]).all()
