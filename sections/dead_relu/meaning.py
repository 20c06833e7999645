"""Section "What \"dead\" means": the definition, and what the remedies cost."""

from __future__ import annotations

import streamlit as st

from sections.dead_relu.settings import NAME as P
from sections.dead_relu.settings import DeadReluSettings
from ui.frame import Frame
from ui.references import cite


def draw(s: DeadReluSettings, fr: Frame) -> None:
    st.header(fr.t(f"{P}.s6.title"))
    st.markdown(fr.t(f"{P}.s6.body"))
    st.caption(cite(fr.t, "glorot2011", "maas2013", "lu2020"))
