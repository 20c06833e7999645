"""What a server process does once, before its first page: :func:`prepare_process`.

Streamlit runs a full garbage collection after every script run
(``runner.postScriptGC``, which keeps memory flat). A full collection scans
every tracked object, and after importing Streamlit, Altair, pandas,
scikit-learn and their schemas that is ~180,000 objects: ~65-110 ms per
rerun, a third of a warm slider move. Those objects live as long as the
process, so they are moved once into the permanent generation
(:func:`gc.freeze`); the per-run collection then scans only what the runs
created (a few thousand objects, ~2-7 ms) and still frees their cycles.

It also makes Streamlit's silent refusal of an oversized query string visible
(:func:`note_oversized_queries`).

Every page calls it through :func:`ui.frame.frame` (a deep link can be the
first request a fresh server sees, so no single page can be relied on to run
first); only the first call does anything.
"""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Callable

#: Modules imported before freezing: everything a page run needs, so their
#: objects are frozen too (scikit-learn and SciPy come with core).
PRELOAD: tuple[str, ...] = (
    "altair", "pandas", "pyarrow", "core.datasets", "core.mlp", "core.dead",
    "core.pieces", "core.gradients", "core.slopes", "core.userdata",
    "ui.charts", "ui.export",
)

_done = False
_lock = threading.Lock()

#: Query parameter that stands for a query string Streamlit refused as too big
#: (its value: how many parameters the link had). Pages show the note for it.
OVERSIZED_KEY = "_url_oversized"
#: Most query parameters Streamlit reads (``CLIENT_STATE_QUERY_STRING_MAX_FIELDS``).
QUERY_PARAMETER_LIMIT = 1000


def note_oversized_queries() -> bool:
    """Make a refused query string reach the page as ``?_url_oversized=<count>``.

    Streamlit 1.67 drops the whole query string of a run when it holds more than
    1,000 parameters or 512 Ki characters
    (``streamlit.runtime.state.query_params.sanitize_query_string``, called by
    ``AppSession`` on every rerun request and again when the query parameters
    are parsed): the page opens at its defaults and only the server log says
    why. This wraps that function in both modules that call it, so a refused
    string becomes the one parameter :data:`OVERSIZED_KEY` and the frame tells
    the visitor (:func:`ui.frame.frame`). The limits stay Streamlit's; counting
    ``&`` is all the wrapper adds. Idempotent.

    A process installs it in its first page run, after that run's request was
    read: the very first session of a fresh server is not told.

    Returns
    -------
    bool
        True if Streamlit's function was found and wrapped (now or before).
    """
    try:
        from streamlit.runtime import app_session
        from streamlit.runtime.state import query_params
    except ImportError:  # pragma: no cover - another Streamlit layout
        return False
    original: Callable[[str], str] | None = getattr(query_params, "sanitize_query_string", None)
    if original is None:  # pragma: no cover - another Streamlit version
        return False
    if getattr(original, "_notes_oversized", False):
        return True

    def sanitize(query_string: str) -> str:
        kept = original(query_string)
        if query_string and not kept:
            return f"{OVERSIZED_KEY}={query_string.count('&') + 1}"
        return kept

    sanitize._notes_oversized = True  # type: ignore[attr-defined]
    query_params.sanitize_query_string = sanitize
    if getattr(app_session, "sanitize_query_string", None) is original:
        app_session.sanitize_query_string = sanitize
    return True


def prepare_process() -> bool:
    """Import the app's heavy modules and freeze what is alive; once per process.

    Returns
    -------
    bool
        True for the call that did the work, False for every later one.
    """
    global _done
    if _done:
        return False
    with _lock:
        if _done:
            return False
        note_oversized_queries()
        for module in PRELOAD:
            importlib.import_module(module)
        gc.collect()
        gc.freeze()
        _done = True
    return True
