"""Section "Facts table": range, slopes, symmetry, saturation, smoothness and cost of each activation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.slopes import facts
from sections.shapes.compute import cost
from sections.shapes.curves import cited
from sections.shapes.numbers import num
from sections.shapes.settings import NAME as P
from sections.shapes.settings import ShapesSettings
from ui.frame import Frame
from ui.i18n import Translator, shown_name


def draw(s: ShapesSettings, fr: Frame) -> None:
    t = fr.t
    st.header(t(f"{P}.facts.title"))
    if not s.acts:
        st.info(t(f"{P}.none_selected"))
        return
    ref = cost("relu", s.slope, s.alpha)
    st.dataframe(_table(t, s, ref), hide_index=True, width="stretch")
    st.caption(t(f"{P}.facts.caption", ms=f"{1000 * ref:.1f}"))
    cited(t, s.acts)


def _table(t: Translator, s: ShapesSettings, ref: float) -> pd.DataFrame:
    def yes_no(flag: bool) -> str:
        return t(f"{P}.facts.{'yes' if flag else 'no'}")

    rows = []
    for n in s.acts:
        fa = facts(s.act(n))
        lo, hi = fa.output_range
        rows.append({
            t(f"{P}.facts.name"): shown_name(t, "act", n),
            t(f"{P}.facts.range"): f"({num(lo)}, {num(hi)})",
            t(f"{P}.facts.f0"): num(fa.f0),
            t(f"{P}.facts.df0"): num(fa.df0),
            t(f"{P}.facts.max_slope"): num(fa.max_slope),
            t(f"{P}.facts.zero_centred"): yes_no(fa.zero_centred),
            t(f"{P}.facts.saturates"): t(f"{P}.facts.sat_{fa.saturates}"),
            t(f"{P}.facts.smooth"): yes_no(fa.smooth),
            t(f"{P}.facts.dead_zone"): yes_no(fa.dead_zone),
            t(f"{P}.facts.cost"): f"{cost(n, s.slope, s.alpha) / ref:.1f}×",
        })
    return pd.DataFrame(rows)
