"""Streamlit helpers shared by every page: the frame, bound controls, charts, text.

Pages import from here; `core` never does. Nothing in this package holds
numerical logic: it reads controls, calls `core` and draws.
"""
