"""Everything Activation Lab takes from Streamlit's private modules, in one place.

Three things public Streamlit does not offer, two of them for speed:

* :func:`arrow_bytes` — how ``st.dataframe`` and ``st.altair_chart`` turn a
  DataFrame into Arrow IPC bytes. :func:`ui.charts.vega_spec` sends chart
  data the same way, so the browser gets exactly what Streamlit's own chart
  path would send, without Altair's slow schema validation.
* :func:`unrecorded` — a block in which elements drawn inside an
  ``st.cache_data`` function are *not* recorded for replay. Progress bars use
  it (:mod:`ui.progress`): a bar replayed on every cache hit would be one more
  element for the browser to draw and remove on every rerun.

* :func:`note_oversized_queries` — a note for a link whose query string
  Streamlit refuses whole (over 1,000 parameters): Streamlit's own check is
  wrapped so the refusal reaches the page as one parameter.

And two behaviours the app relies on without importing anything:

* **Bytes data sets through** ``st.vega_lite_chart`` — a spec's ``datasets``
  whose values are ``bytes`` reach the browser as those very Arrow IPC bytes
  (``streamlit.elements.vega_charts._marshall_chart_data`` copies bytes as they
  are, anything else through ``convert_anything_to_arrow_bytes``). The chart
  builders (:func:`ui.charts.vega_spec`) send every chart this way.
  :func:`vega_passes_bytes` checks it.
* **The** ``data-stale`` **CSS hook** — while a script (or fragment) reruns, the
  frontend marks each element container it has not redrawn yet with
  ``data-stale="true"`` and dims it. The Playground component
  (``ui/components/playground.js``, ``keepBright``) adds one rule,
  :data:`STALE_RULE`, so its diagram is not dimmed for every chunk while it
  plays. :func:`stale_hook_present` checks that the frontend bundle still sets
  the attribute.

``tests/test_internals.py`` imports the first two names and checks what they do,
``tests/test_url_rules.py`` the third, so a Streamlit upgrade that moves them
fails the suite loudly instead of silently slowing the app down (or silencing
the note), and checks the two behaviours. Pin Streamlit (``requirements.txt``)
and run that test before changing the pin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import streamlit
from streamlit import dataframe_util
from streamlit.runtime import app_session
from streamlit.runtime.caching.cached_message_replay import in_cached_function
from streamlit.runtime.state import query_params


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


#: Query parameter that stands for a query string Streamlit refused as too big
#: (its value: how many parameters the link had). Pages show the note for it.
OVERSIZED_KEY = "_url_oversized"
#: Most query parameters Streamlit reads in one query string.
QUERY_PARAMETER_LIMIT: int = query_params.CLIENT_STATE_QUERY_STRING_MAX_FIELDS
#: Longest query string Streamlit reads, in characters.
QUERY_LENGTH_LIMIT: int = query_params.CLIENT_STATE_QUERY_STRING_MAX_LENGTH
#: Prefix of the marker's value when the string was refused for its length (the
#: value is then ``chars<length>``; otherwise it is the parameter count).
OVERSIZED_BY_LENGTH = "chars"


def note_oversized_queries() -> bool:
    """Make a refused query string reach the page as ``?_url_oversized=<count>``.

    Streamlit 1.67 drops the whole query string of a run when it holds more than
    1,000 parameters or 512 Ki characters
    (``streamlit.runtime.state.query_params.sanitize_query_string``, called by
    ``AppSession`` on every rerun request and again when the query parameters
    are parsed): the page opens at its defaults and only the server log says
    why. This wraps that function in both modules that call it, so a refused
    string becomes the one parameter :data:`OVERSIZED_KEY` and the frame tells
    the visitor (:func:`ui.frame.frame`). Its value says which limit the string
    broke: the parameter count (counted as Streamlit counts, ``&`` + 1) when
    there were too many, else ``chars<length>`` for a string that was too long.
    The limits stay Streamlit's. Idempotent.

    A process installs it in its first page run, after that run's request was
    read: the very first session of a fresh server is not told.

    Returns
    -------
    bool
        True if Streamlit's function was found and wrapped (now or before).
    """
    original: Callable[[str], str] | None = getattr(query_params, "sanitize_query_string", None)
    if original is None:  # pragma: no cover - another Streamlit version
        return False
    if getattr(original, "_notes_oversized", False):
        return True

    def sanitize(query_string: str) -> str:
        kept = original(query_string)
        if query_string and not kept:
            fields = query_string.count("&") + 1
            if fields > QUERY_PARAMETER_LIMIT:
                return f"{OVERSIZED_KEY}={fields}"
            return f"{OVERSIZED_KEY}={OVERSIZED_BY_LENGTH}{len(query_string)}"
        return kept

    sanitize._notes_oversized = True  # type: ignore[attr-defined]
    query_params.sanitize_query_string = sanitize
    if getattr(app_session, "sanitize_query_string", None) is original:
        app_session.sanitize_query_string = sanitize
    return True


#: The attribute the frontend sets on an element container while it is stale.
STALE_ATTRIBUTE = "data-stale"
#: The CSS rule ``ui/components/playground.js`` adds (the Playground's fragment keeps
#: full opacity while it reruns); ``tests/test_internals.py`` checks the JS holds it.
STALE_RULE = ('.st-key-_pg_player[data-stale="true"] '
              "{ opacity: 1 !important; transition: none !important; }")


def stale_hook_present() -> bool:
    """Whether the installed frontend still marks stale element containers with
    :data:`STALE_ATTRIBUTE` (searched for in its JavaScript bundles)."""
    static = Path(streamlit.__file__).parent / "static" / "static" / "js"
    needle = f'"{STALE_ATTRIBUTE}":'.encode()
    return any(needle in p.read_bytes() for p in static.glob("index.*.js"))


def vega_passes_bytes() -> bool:
    """Whether ``st.vega_lite_chart`` sends a ``bytes`` data set as those very bytes."""
    from streamlit.elements import vega_charts
    proto_class = getattr(vega_charts, "VegaLiteChartProto", None)

    marshall = getattr(vega_charts, "_marshall_chart_data", None)
    if marshall is None or proto_class is None:  # pragma: no cover - another Streamlit version
        return False
    proto = proto_class()
    payload = b"arrow bytes"
    marshall(proto, {"datasets": {"d0": payload}, "mark": "point"})
    return len(proto.datasets) == 1 and proto.datasets[0].data.data == payload
