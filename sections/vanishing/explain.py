"""Section "Why it happens": the chain of slopes and weights in words, with this page's own
numbers, He et al.'s comparison checked honestly, and the questions learners ask next."""

from __future__ import annotations

import math

import streamlit as st

from core.activations import ACTIVATIONS
from core.gradients import slope_bound
from core.init import weight_variance
from sections.vanishing import readings
from sections.vanishing.at_init import profiles
from sections.vanishing.compute import InitProfile, SeriesRun
from sections.vanishing.opening import opened
from sections.vanishing.presets import question_button
from sections.vanishing.readings import sci
from sections.vanishing.settings import NAME, Setup, VanishingSettings
from sections.vanishing.training import Runs, trained
from ui.frame import Frame
from ui.i18n import Translator, percent, shown_name, superscript
from ui.references import cite


def draw(s: VanishingSettings, fr: Frame) -> None:
    su = opened(fr, s, "explain")
    if su is None:
        return
    t = fr.t
    # The numbers of the first two sections (cached; computed here if they were not opened).
    profs, runs = profiles(fr, su), trained(fr, su)
    sig = ACTIVATIONS["sigmoid"]
    gaps = s.depth - 1  # the layers whose slopes lie between hidden layer L and hidden layer 1
    if gaps:
        st.markdown(t(f"{NAME}.explain.chain", slope=sci(sig.max_slope), depth=s.depth, gaps=gaps,
                      power="¼" + superscript(gaps),
                      bound=f"{slope_bound(sig, gaps):.2g}"))
    else:
        st.markdown(t(f"{NAME}.explain.chain_one"))
    for a, i in su.series:
        m, r = readings.measures(profs[(a, i)]), runs[(a, i)]
        st.markdown(t(f"{NAME}.explain.measured", series=su.label(a, i), ratio=sci(m.signal_ratio),
                      depth=s.depth, w_ratio=sci(m.weight_ratio),
                      acc=percent(float(r.test_acc[-1]), digits=0), verdict=_verdict_text(t, r)))
    sigmoid = [k for k in su.series if k[0] == "sigmoid"]
    if sigmoid:
        _forward(t, s.depth, readings.measures(profs[sigmoid[0]]), runs[sigmoid[0]])
    if gaps:
        st.markdown(t(f"{NAME}.explain.init_intro"))
        st.markdown("\n".join(_predicted(t, su, a, i, profs[(a, i)]) for a, i in su.series))
    st.markdown(t(f"{NAME}.explain.relu"))
    st.caption(cite(t, "glorot2010", "he2015", "nielsen2015"))
    if su.two:
        _init_verdicts(t, su, runs)
    _questions(t, su, profs, runs)


def _forward(t: Translator, depth: int, m: readings.Measures, run: SeriesRun) -> None:
    """The sigmoid network's forward pass: its level stays, its spread changes (verb from the
    numbers); "neither end can learn" only where the spread collapsed and the net did not learn."""
    spread = m.spread_last / m.spread_first if m.spread_first > 0 else math.nan
    st.markdown(t(f"{NAME}.explain.forward", first=sci(m.level_first), last=sci(m.level_last),
                  spread_first=readings.spread_text(t, m.spread_first, m.floor_first),
                  spread_last=readings.spread_text(t, m.spread_last, m.floor_last), depth=depth,
                  change=t(f"{NAME}.explain.change.{readings.change(spread)}")))
    if readings.collapsed(m) and readings.verdict(run) != "learned":
        st.markdown(t(f"{NAME}.explain.forward_neither"))


def _predicted(t: Translator, su: Setup, act: str, init: str, p: InitProfile) -> str:
    """The signal ratio the weights and the measured slopes predict for one series, beside
    the measured one: ``(width · Var W · E[f′²])^((L−1)/2)``."""
    s = su.settings
    gain = s.width * weight_variance(init, s.width, s.width, s.std)
    slope2 = readings.mean_slope_sq(p.slope_sq)
    gaps = s.depth - 1
    product = gain * slope2
    predicted = math.sqrt(product) ** gaps if math.isfinite(product) and product >= 0 else math.nan
    return t(f"{NAME}.explain.init", series=su.label(act, init), init=shown_name(t, "init", init),
             gain=sci(gain), slope2=sci(slope2), product=sci(product), gaps=gaps, depth=s.depth,
             predicted=sci(predicted), ratio=sci(readings.measures(p).signal_ratio))


def _verdict_text(t: Translator, run: SeriesRun) -> str:
    return t(f"{NAME}.verdict.{readings.verdict(run)}", pct=f"{100 * readings.LEARNED:.0f}")


def _init_verdicts(t: Translator, su: Setup, runs: Runs) -> None:
    """Compare the two initialisations per activation; check He et al.'s finding honestly."""
    init, init2 = su.settings.init, su.init2
    for a in su.settings.acts:
        r1, r2 = runs[(a, init)], runs[(a, init2)]
        v1, v2 = readings.verdict(r1), readings.verdict(r2)
        st.markdown(t(f"{NAME}.explain.compare", act=shown_name(t, "act", a),
                      init=shown_name(t, "init", init), init2=shown_name(t, "init", init2),
                      acc1=percent(float(r1.test_acc[-1]), digits=0),
                      acc2=percent(float(r2.test_acc[-1]), digits=0),
                      v1=_verdict_text(t, r1), v2=_verdict_text(t, r2)))
        if a == "relu" and init.startswith("glorot") and init2.startswith("he"):
            if v1 != "learned" and v2 == "learned":
                st.success(t(f"{NAME}.explain.he_holds"))
            else:
                st.warning(t(f"{NAME}.explain.he_not_here"))


def _questions(t: Translator, su: Setup, profs: dict[tuple[str, str], InitProfile],
               runs: Runs) -> None:
    """Questions learners ask next, each with the experiment that answers it."""
    st.subheader(t(f"{NAME}.questions.title"))
    st.markdown(t(f"{NAME}.questions.tanh.text"))
    tanh = [k for k in su.series if k[0] == "tanh"]
    if tanh:
        m, r = readings.measures(profs[tanh[0]]), runs[tanh[0]]
        st.markdown(t(f"{NAME}.questions.tanh.here", series=su.label(*tanh[0]),
                      ratio=sci(m.signal_ratio), acc=percent(float(r.test_acc[-1]), digits=0)))
    question_button(t, "tanh")
    st.markdown(t(f"{NAME}.questions.output.text"))
    st.page_link("pages/shapes.py", label=t(f"{NAME}.questions.output.link"),
                 icon=":material/arrow_forward:", query_params=_link_query(t, {"view": "c2"}))
    st.markdown(t(f"{NAME}.questions.adam.text"))
    if su.settings.opt == "adam":
        for a, i in su.series:
            m, r = readings.measures(profs[(a, i)]), runs[(a, i)]
            st.markdown(t(f"{NAME}.questions.adam.here", series=su.label(a, i),
                          acc=percent(float(r.test_acc[-1]), digits=0), ratio=sci(m.signal_ratio),
                          spread=sci(m.spread_last)))
    question_button(t, "adam")
    st.caption(cite(t, "kingma2015"))
    st.markdown(t(f"{NAME}.questions.deeper.text"))


def _link_query(t: Translator, query: dict[str, str]) -> dict[str, str]:
    """A link's query: `query`, plus the language when it is not English."""
    return {**query, **({"lang": t.lang} if t.lang != "en" else {})}
