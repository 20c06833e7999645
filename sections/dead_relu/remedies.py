"""Section "Remedies": the same task under ReLU and each usual remedy, side by side.

Every verdict is read from this run's numbers: a remedy that leaves as many dead
units as the page's own setting is said to do so.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from core.activations import ACTIVATIONS
from sections.dead_relu.compute import RemedyRun, compare
from sections.dead_relu.settings import NAME as P
from sections.dead_relu.settings import REMEDIES, DeadReluSettings, init_label, task
from ui.cache import memo_run
from ui.export import Weights, weights_button
from ui.frame import Frame
from ui.i18n import Translator, percent
from ui.references import cite

#: The remedies' papers: He initialisation, then the paper behind each other activation tried.
SOURCES = ("he2015", *dict.fromkeys(src for _, act, *_ in REMEDIES
                                    if act != "relu" and (src := ACTIVATIONS[act].source)))
#: A remedy "lifted" the training accuracy when it beats the page's setting by more than
#: this (5 points): smaller differences are within what another seed changes.
ACC_GAIN = 0.05


def draw(s: DeadReluSettings, fr: Frame) -> None:
    t = fr.t
    st.header(t(f"{P}.s5.title"))
    tk = task(fr, s)
    variants = tuple((key, act, init or s.init, s.lr / div, s.bias if bias is None else bias)
                     for key, act, init, div, bias in REMEDIES)
    rows = memo_run(compare, tk.spec, variants, _X=tk.X, _y=tk.y, _text=t(f"{P}.s5.progress"))
    st.markdown(t(f"{P}.s5.intro"))
    st.dataframe(_table(t, rows), hide_index=True, width="stretch")
    st.info("\n".join(f"- {line}" for line in verdicts(t, s, rows)) + "\n\n" + lifted(t, rows))
    st.caption(t(f"{P}.s5.caption"))
    st.caption(cite(t, *SOURCES))
    with st.expander(t(f"{P}.s5.weights"), icon=":material/download:"):
        for r in rows:
            name, button = st.columns([3, 2], vertical_alignment="center")
            name.markdown(_row_name(t, r))
            with button:
                weights_button(Weights(r.params, tk.settings(activation=r.act, init=r.init,
                                                             lr=r.lr, bias_init=r.bias),
                                       f"weights-remedy-{r.key}"), t)


def _row_name(t: Translator, r: RemedyRun) -> str:
    return t(f"{P}.s5.row.{r.key}", lr=f"{r.lr:g}", init=init_label(t, r.init),
             bias=f"{r.bias:g}")


def _table(t: Translator, rows: list[RemedyRun]) -> pd.DataFrame:
    return pd.DataFrame({
        t(f"{P}.s5.col.setting"): [_row_name(t, r) for r in rows],
        t(f"{P}.s5.col.train"): [percent(r.train_acc) for r in rows],
        t(f"{P}.s5.col.test"): [percent(r.test_acc) for r in rows],
        t(f"{P}.s5.col.no_grad"): [percent(r.no_grad) for r in rows],
        t(f"{P}.s5.col.dead"): [percent(r.dead) for r in rows],
        t(f"{P}.s5.col.neg_slope"): [
            t(f"{P}.s5.slope.{'zero' if r.act == 'relu' else 'nonzero'}") for r in rows],
        t(f"{P}.s5.col.note"): [
            t(f"{P}.s5.diverged", epoch=r.diverged_at) if r.diverged_at is not None
            else "" for r in rows],
    })


def change(dead: float, base: float, n_units: int) -> str:
    """``fewer``, ``same`` or ``more`` dead units than the base run (counted, not rounded shares)."""
    a, b = round(dead * n_units), round(base * n_units)
    return "fewer" if a < b else "more" if a > b else "same"


def verdicts(t: Translator, s: DeadReluSettings, rows: list[RemedyRun]) -> list[str]:
    """One line per remedy: its dead share against the page's own setting (the first row), in words."""
    base, n_units = rows[0], s.depth * s.width
    out = [t(f"{P}.s5.verdict.base", dead=percent(base.dead), birth=percent(base.dead_birth),
             acc=percent(base.train_acc))]
    for r in rows[1:]:
        if not (math.isfinite(r.dead) and math.isfinite(base.dead)):
            out.append(t(f"{P}.s5.verdict.diverged", name=_row_name(t, r)))
            continue
        key = r.key if r.act == "relu" else "other"
        if key == "relu_he":
            # With zero biases ReLU is positively homogeneous: the weights' scale does not
            # decide which units fire, so He is not expected to keep units alive.
            key = ("relu_he_already" if s.init == r.init
                   else "relu_he_zero_bias" if s.bias == 0 else "relu_he")
        name = _row_name(t, r) if r.act == "relu" else t(f"{P}.act.{r.act}")
        values = {"name": name, "dead": percent(r.dead), "base": percent(base.dead),
                  "acc": percent(r.train_acc), "base_acc": percent(base.train_acc),
                  "init": init_label(t, s.init), "lr": f"{r.lr:g}", "bias": f"{r.bias:g}"}
        verdict = t(f"{P}.s5.change.{change(r.dead, base.dead, n_units)}")
        out.append(t(f"{P}.s5.verdict.{key}", change=verdict, **values))
    return out


def lifted(t: Translator, rows: list[RemedyRun]) -> str:
    """Which remedies trained clearly better than the page's setting, in this run."""
    base = rows[0].train_acc
    better = [t(f"{P}.s5.short.{r.key}", bias=f"{r.bias:g}") if r.act == "relu"
              else t(f"{P}.act.{r.act}") for r in rows[1:]
              if math.isfinite(r.train_acc) and r.train_acc > base + ACC_GAIN]
    if not better:
        return t(f"{P}.s5.lifted.none", base_acc=percent(base))
    return t(f"{P}.s5.lifted.some", names=t(f"{P}.s5.list_sep").join(better), base_acc=percent(base))
