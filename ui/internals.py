"""Everything Activation Lab takes from Streamlit's private modules, in one place.

Two things public Streamlit does not offer, each used for speed:

* :func:`arrow_bytes` — how ``st.dataframe`` and ``st.altair_chart`` turn a
  DataFrame into Arrow IPC bytes. :func:`ui.charts.vega_spec` sends chart
  data the same way, so the browser gets exactly what Streamlit's own chart
  path would send, without Altair's slow schema validation.
* :func:`unrecorded` — a block in which elements drawn inside an
  ``st.cache_data`` function are *not* recorded for replay. Progress bars use
  it (:mod:`ui.progress`): a bar replayed on every cache hit would be one more
  element for the browser to draw and remove on every rerun.

``tests/test_internals.py`` imports both names and checks what they do, so a
Streamlit upgrade that moves them fails the suite loudly instead of silently
slowing the app down. Pin Streamlit (``requirements.txt``) and run that test
before changing the pin.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from streamlit import dataframe_util
from streamlit.runtime.caching.cached_message_replay import in_cached_function


def arrow_bytes(frame: Any) -> bytes:
    """A DataFrame as Arrow IPC stream bytes, the way Streamlit sends data to the browser."""
    return dataframe_util.convert_anything_to_arrow_bytes(frame)


@contextmanager
def unrecorded() -> Iterator[None]:
    """Draw without recording into the enclosing ``st.cache_data`` function.

    Streamlit records every element a cached function draws and replays it on
    every cache hit. Inside this block Streamlit's own "inside a cached
    function" flag is off, so nothing is recorded.
    """
    token = in_cached_function.set(False)
    try:
        yield
    finally:
        in_cached_function.reset(token)
