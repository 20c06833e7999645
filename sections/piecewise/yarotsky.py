"""Section "Yarotsky's x²": x minus a sum of shrinking tent waves approximates x², its
error falling by 4 with every tent layer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from sections.piecewise.compute import M_MAX, yarotsky_curve, yarotsky_table
from sections.piecewise.settings import NAME as P
from sections.piecewise.settings import PiecewiseSettings
from ui.charts import compiled, finite_positive
from ui.charts.palette import GREEN, INK
from ui.charts.piecewise import series_chart
from ui.export import chart_block
from ui.frame import Frame
from ui.references import cite

MEASURED_COLOUR, REFERENCE_COLOUR = GREEN, INK

#: Digits as subscripts, for the name of the m-th approximation (f₂).
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def draw(s: PiecewiseSettings, fr: Frame) -> None:
    t, c = fr.t, fr.controls
    st.header(t(f"{P}.yarotsky.title"))
    st.markdown(t(f"{P}.yarotsky.intro"))
    left, mid, right = st.columns([2, 2, 1])
    with c.placed(right):
        m = c.slider("m", t(f"{P}.controls.m"), 1, M_MAX, 2)
    yc, yt = yarotsky_curve(m), yarotsky_table()
    measured = float(yt[yt.m == m].measured.iloc[0])
    right.metric(t(f"{P}.yarotsky.measured"), f"{measured:.3g}")
    right.metric(t(f"{P}.yarotsky.bound"), f"{2.0 ** (-2 * m - 2):.3g}")
    with left:
        sub = str(m).translate(SUBSCRIPTS)  # f₂, not f_2
        fm_name, sq_name = t(f"{P}.yarotsky.fm", m=sub), "x²"
        curve = pd.concat([pd.DataFrame({"x": yc.x, "y": yc.sq, "s": sq_name}),
                           pd.DataFrame({"x": yc.x, "y": yc.f, "s": fm_name})],
                          ignore_index=True)
        chart_block(compiled(series_chart, curve, "x", "y", "s", x_title=t(f"{P}.axis.x"),
                             y_title=t(f"{P}.axis.y"),
                             colours={sq_name: REFERENCE_COLOUR, fm_name: MEASURED_COLOUR}),
                    curve, f"yarotsky-m{m}", t,
                    caption=t(f"{P}.yarotsky.curve_caption", m=sub, knots=2**m + 1))
    with mid:
        meas, bnd = t(f"{P}.yarotsky.measured"), t(f"{P}.yarotsky.bound")
        errs = pd.concat([pd.DataFrame({"m": yt.m, "e": finite_positive(yt.measured), "s": meas}),
                          pd.DataFrame({"m": yt.m, "e": yt.bound, "s": bnd})], ignore_index=True)
        chart_block(compiled(series_chart, errs, "m", "e", "s", x_title="m",
                             y_title=t(f"{P}.axis.max_error"), log_y=True,
                             colours={meas: MEASURED_COLOUR, bnd: REFERENCE_COLOUR}),
                    errs, "yarotsky-error", t, caption=t(f"{P}.yarotsky.error_caption"))
    worst = float(np.max(np.abs(yt.measured / yt.bound - 1)))
    st.info(t(f"{P}.yarotsky.reading", m=m, measured=f"{measured:.3g}", layers=m,
              worst=f"{worst:.1e}", m_max=M_MAX))
    st.caption(cite(t, "yarotsky2017", "telgarsky2016"))
