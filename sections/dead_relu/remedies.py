"""Section "Remedies": the same task under ReLU and each usual remedy, side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sections.dead_relu.compute import compare
from sections.dead_relu.settings import NAME as P
from sections.dead_relu.settings import REMEDIES, DeadReluSettings, task
from ui.cache import memo_run
from ui.export import Weights, weights_button
from ui.frame import Frame
from ui.i18n import Translator, percent


def draw(s: DeadReluSettings, fr: Frame) -> None:
    t = fr.t
    st.header(t(f"{P}.s5.title"))
    tk = task(fr, s)
    variants = tuple((key, act, init or s.init, s.lr / div) for key, act, init, div in REMEDIES)
    rows = memo_run(compare, tk.spec, variants, _X=tk.X, _y=tk.y, _text=t(f"{P}.s5.progress"))
    st.markdown(t(f"{P}.s5.intro"))
    st.dataframe(_table(t, rows), hide_index=True, width="stretch")
    st.caption(t(f"{P}.s5.caption"))
    with st.expander(t(f"{P}.s5.weights"), icon=":material/download:"):
        for r in rows:
            name, button = st.columns([3, 2], vertical_alignment="center")
            name.markdown(_row_name(t, r))
            with button:
                weights_button(Weights(r["params"], tk.settings(activation=r["act"], init=r["init"],
                                                                lr=r["lr"]),
                                       f"weights-remedy-{r['key']}"), t)


def _row_name(t: Translator, r: dict) -> str:
    return t(f"{P}.s5.row.{r['key']}", lr=f"{r['lr']:g}", init=r["init"])


def _table(t: Translator, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({
        t(f"{P}.s5.col.setting"): [_row_name(t, r) for r in rows],
        t(f"{P}.s5.col.train"): [percent(r["train_acc"]) for r in rows],
        t(f"{P}.s5.col.test"): [percent(r["test_acc"]) for r in rows],
        t(f"{P}.s5.col.dead"): [percent(r["dead"]) for r in rows],
        t(f"{P}.s5.col.neg_slope"): [
            t(f"{P}.s5.slope.{'zero' if r['act'] == 'relu' else 'nonzero'}") for r in rows],
        t(f"{P}.s5.col.note"): [
            t(f"{P}.s5.diverged", epoch=r["diverged_at"]) if r["diverged_at"] is not None
            else "" for r in rows],
    })
