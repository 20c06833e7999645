"""Section "Chain of slopes": the best case and the root mean square of a product of
L slopes, and how often a single chain of ReLU slopes is exactly zero."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sections.shapes.compute import (
    CHAIN_DEPTH,
    P_ACTIVE,
    SINGLE_CHAINS,
    chain,
    relu_single_chains,
)
from sections.shapes.numbers import sci
from sections.shapes.settings import NAME as P
from sections.shapes.settings import ShapesSettings
from ui.cache import view_memo
from ui.charts import compiled, finite_positive
from ui.charts.shapes import chain_chart
from ui.export import chart_block
from ui.frame import Frame, available_pages
from ui.i18n import Translator, percent
from ui.references import cite

#: The depth the reading quotes.
READ_AT = 10


def draw(s: ShapesSettings, fr: Frame) -> None:
    t = fr.t
    st.header(t(f"{P}.chain.title"))
    st.markdown(t(f"{P}.chain.intro", s=f"{s.spread:g}"))
    if s.acts:
        key = (f"{P}.chain", s.acts, s.slope, s.alpha, s.spread, s.seed, t.lang)
        rows = view_memo(key, lambda: _rows(t, s))
        chart_block(compiled(chain_chart, rows, t), rows, "chain-of-slopes", t,
                    caption=t(f"{P}.chain.caption"))
    sig = chain("sigmoid", s.slope, s.alpha, s.spread, s.seed)
    relu = chain("relu", s.slope, s.alpha, s.spread, s.seed)
    at = READ_AT - 1
    st.info(t(f"{P}.chain.reading", depth=READ_AT, s=f"{s.spread:g}", sig_best=sci(sig.best[at]),
              sig_rms=sci(sig.rms[at]), relu_rms=sci(relu.rms[at])))
    alive = relu_single_chains(s.spread, s.seed)
    st.info(t(f"{P}.chain.single", n=f"{SINGLE_CHAINS:,}", depth=READ_AT, deep=CHAIN_DEPTH,
              alive=int(alive[at]), share=percent(alive[at] / SINGLE_CHAINS, 2),
              p=sci(P_ACTIVE ** READ_AT), alive_deep=int(alive[-1]), p_deep=sci(P_ACTIVE ** CHAIN_DEPTH),
              relu_rms=sci(relu.rms[at])))
    st.caption(cite(t, "glorot2010", "he2015"))
    if any(p.name == "vanishing" for p in available_pages()):
        st.page_link("pages/vanishing.py", label=t(f"{P}.chain.link"),
                     icon=":material/trending_down:",
                     query_params={"lang": fr.lang} if fr.lang != "en" else None)


def _rows(t: Translator, s: ShapesSettings) -> pd.DataFrame:
    """Both curves of every chosen activation, long form: L, value, act, case."""
    best, rms = t(f"{P}.chain.best"), t(f"{P}.chain.rms")
    rows = []
    for n in s.acts:
        ch = chain(n, s.slope, s.alpha, s.spread, s.seed)
        rows.append(pd.DataFrame({"L": ch.L, "value": finite_positive(ch.best),
                                  "act": n, "case": best}))
        rows.append(pd.DataFrame({"L": ch.L, "value": finite_positive(ch.rms),
                                  "act": n, "case": rms}))
    return pd.concat(rows, ignore_index=True)
