"""Section "Born dead": how often a random deep, narrow ReLU net is constant before any training."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.dead import wilson_interval
from sections.dead_relu.compute import BORN_WIDTHS, GRID_PER_AXIS, born_dead
from sections.dead_relu.settings import INITS, DeadReluSettings
from sections.dead_relu.settings import NAME as P
from ui.cache import memo_run
from ui.charts import compiled
from ui.charts.dead_relu import born_chart
from ui.export import chart_block
from ui.frame import Frame
from ui.i18n import Translator, option_labels, percent
from ui.references import cite

MC_SIZES = (100, 200, 400, 1000, 2000, 5000)
TABLE_DEPTHS = (1, 2, 5, 10, 20, 30, 50)


def draw(s: DeadReluSettings, fr: Frame) -> None:
    t, c = fr.t, fr.controls
    st.header(t(f"{P}.s4.title"))  # no data: random networks on a grid of the input box
    st.markdown(t(f"{P}.s4.intro", grid=GRID_PER_AXIS, n_points=GRID_PER_AXIS ** 2))
    cols = st.columns(3)
    with c.placed(cols[0]):
        init = c.select("binit", t(f"{P}.s4.init"), INITS, "he_normal",
                        labels=option_labels(t, "init", INITS))
    with c.placed(cols[1]):
        random_bias = c.checkbox("bbias", t(f"{P}.s4.bias"), False, help=t(f"{P}.s4.bias_help"))
    with c.placed(cols[2]):
        n_inits = int(c.select_slider("mc", t(f"{P}.s4.mc"), MC_SIZES, 400))
    res = memo_run(born_dead, init, random_bias, n_inits, s.seed, _text=t(f"{P}.s4.progress"))
    rows = []
    for w, k in res.counts.items():
        lo, hi = wilson_interval(k, n_inits)
        rows.append(pd.DataFrame({"width": w, "depth": res.depths, "p": k / n_inits,
                                  "lo": lo, "hi": hi}))
    frame = pd.concat(rows, ignore_index=True)
    chart_block(compiled(born_chart, t, frame), frame, "born-dead", t,
                caption=t(f"{P}.s4.caption", n=n_inits))
    st.dataframe(_table(t, frame), width="stretch")
    st.caption(t(f"{P}.s4.table_caption", n=n_inits))
    narrow, wide = res.counts[BORN_WIDTHS[0]], res.counts[BORN_WIDTHS[-1]]
    st.info(t(f"{P}.s4.reading", w_narrow=BORN_WIDTHS[0], w_wide=BORN_WIDTHS[-1],
              d10=percent(narrow[9] / n_inits), d50=percent(narrow[-1] / n_inits),
              wide50=percent(wide[-1] / n_inits), n=n_inits))
    if not random_bias:
        st.caption(t(f"{P}.s4.zero_bias_note"))
    st.caption(cite(t, "lu2020"))


def _table(t: Translator, frame: pd.DataFrame) -> pd.DataFrame:
    """P(born dead) with its interval at a few depths: widths down, depths across."""
    table = frame[frame.depth.isin(TABLE_DEPTHS)]
    cells = table.assign(cell=[f"{p:.2f} [{lo:.2f}, {hi:.2f}]"
                               for p, lo, hi in zip(table.p, table.lo, table.hi, strict=True)])
    pivot = cells.pivot(index="width", columns="depth", values="cell")
    pivot.index = [t(f"{P}.s4.width_row", w=w) for w in pivot.index]
    pivot.columns = [t(f"{P}.s4.depth_col", d=d) for d in pivot.columns]
    return pivot
