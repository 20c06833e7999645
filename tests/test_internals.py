"""Streamlit's private parts that `ui.internals` uses still exist and still do their job.

If this fails after a Streamlit upgrade, the app would still run but slower (or
with progress bars replayed on every cache hit): fix `ui/internals.py` first.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.runtime.caching.cached_message_replay import in_cached_function

from ui.internals import STALE_RULE, arrow_bytes, stale_hook_present, unrecorded, vega_passes_bytes


def test_arrow_bytes_round_trip_a_frame() -> None:
    frame = pd.DataFrame({"epoch": [0, 1, 2], "loss": [1.0, 0.5, 0.25], "act": "relu"})
    table = pa.ipc.open_stream(io.BytesIO(arrow_bytes(frame))).read_all()
    assert table.to_pydict() == frame.to_dict(orient="list")


def test_unrecorded_turns_the_cached_function_flag_off_and_back_on() -> None:
    seen = []

    @st.cache_data(show_spinner=False)
    def cached() -> int:
        seen.append(in_cached_function.get())
        with unrecorded():
            seen.append(in_cached_function.get())
        seen.append(in_cached_function.get())
        return 1

    assert cached() == 1
    assert seen == [True, False, True]
    cached.clear()


def test_vega_lite_chart_sends_bytes_data_sets_as_they_are() -> None:
    assert vega_passes_bytes()


def test_the_frontend_still_marks_stale_elements_and_the_playground_keeps_its_rule() -> None:
    assert stale_hook_present()
    js = (Path(__file__).resolve().parent.parent / "ui" / "components" / "playground.js").read_text()
    assert STALE_RULE in js  # the one rule the component adds, as ui/internals.py lists it
