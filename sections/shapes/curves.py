"""Section "Curves and slopes": every chosen activation and its derivative, with the marks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.activations import ACTIVATIONS
from core.slopes import ActivationCurve, facts
from sections.shapes.compute import FLAT_TOL, shape_data
from sections.shapes.numbers import num
from sections.shapes.settings import NAME as P
from sections.shapes.settings import ShapesSettings
from ui.charts import compiled
from ui.charts.shapes import clip_range, clipped, shapes_chart
from ui.export import chart_block
from ui.frame import Frame
from ui.i18n import Translator, act_labels, shown_name
from ui.references import cite


def draw(s: ShapesSettings, fr: Frame) -> None:
    t = fr.t
    st.header(t(f"{P}.curves.title"))
    if not s.acts:
        st.info(t(f"{P}.none_selected"))
    else:
        data = {n: shape_data(n, s.lo, s.hi, s.slope, s.alpha) for n in s.acts}
        long = curves_frame(data, s.deriv, t)
        if s.deriv:  # the functions, then their slopes: two charts, each on its own axis
            f_rows = long[long["kind"] == t(f"{P}.curves.f")]
            chart_block(compiled(shapes_chart, data, s.deriv, t, long, "f"), f_rows, "curves", t)
            long = long[long["kind"] == t(f"{P}.curves.df")]
        chart_block(compiled(shapes_chart, data, s.deriv, t, long, "df" if s.deriv else "f"),
                    long, "slopes" if s.deriv else "curves", t,
                    caption=" ".join([t(f"{P}.curves.caption" if s.deriv
                                        else f"{P}.curves.caption_no_deriv"),
                                      *_clip_note(t, data),
                                      *([t(f"{P}.curves.bands", tol=f"{100 * FLAT_TOL:.0f}")]
                                        if any(d.flat for d in data.values()) else [])]))
        with st.expander(t(f"{P}.curves.formulas")):
            for n in s.acts:
                act = s.act(n)
                st.markdown(f"**{shown_name(t, 'act', n)}**")
                st.latex(rf"f(z) = {act.formula} \qquad f'(z) = {act.dformula}")
    sig, tanh = facts(ACTIVATIONS["sigmoid"]), facts(ACTIVATIONS["tanh"])
    st.info(t(f"{P}.curves.reading", sig_max=num(sig.max_slope), sig_f0=num(sig.f0),
              tanh_max=num(tanh.max_slope)))
    cited(t, s.acts)


def _clip_note(t: Translator, data: dict[str, ActivationCurve]) -> list[str]:
    """Say which functions leave the top panel, and how far they go (nothing if none)."""
    lo, hi = clip_range(data)
    cut = clipped(data)
    if not cut:
        return []
    labels = act_labels(t)
    names = t(f"{P}.curves.list_sep").join(
        t(f"{P}.curves.clipped_one", act=labels.get(n, n), lo=f"{a:.3g}", hi=f"{b:.3g}")
        for n, (a, b) in cut.items())
    return [t(f"{P}.curves.clipped", lo=f"{lo:.3g}", hi=f"{hi:.3g}", names=names)]


def cited(t: Translator, names: tuple[str, ...]) -> None:
    """One line naming the papers behind the activations shown (nothing if none has one)."""
    keys = [key for n in names if (key := ACTIVATIONS[n].source)]
    if keys:
        st.caption(cite(t, *keys))


def curves_frame(data: dict[str, ActivationCurve], show_deriv: bool,
                 t: Translator) -> pd.DataFrame:
    """The curves in long form: x, y, act, kind (f or f′)."""
    f_label, df_label = t(f"{P}.curves.f"), t(f"{P}.curves.df")
    return pd.concat(
        [pd.DataFrame({"x": d.x, "y": y, "act": name, "kind": label})
         for name, d in data.items()
         for y, label in ((d.f, f_label), *([(d.df, df_label)] if show_deriv else []))],
        ignore_index=True,
    )
