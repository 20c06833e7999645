"""The playground's diagram and playback, a ``st.components.v2`` component.

The browser only draws: every number arrives in ``data`` (see
``sections/playground/run.py`` for a play's data flow). The component keeps its
playback state between reruns (the JavaScript module is loaded once and keeps one
state per mounted element), so new data with the same ``key`` extends the
animation rather than restarting it.

What the component sends back is one trigger, ``cmd``: a dict with ``action``
(``play``, ``more``, ``pause``, ``step``, ``reset`` or ``click``) and its fields
(``at``: the epoch shown; ``have``: the last epoch it holds; ``x1``, ``x2``: where
the plane was clicked). A trigger lasts one run: :func:`playground` hands it to
``on_command`` before the script (or its fragment) runs again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from ui.charts.palette import component_css

_HERE = Path(__file__).resolve().parent
NAME = "activation_lab_playground"


def _asset(ext: str) -> str:
    return (_HERE / f"playground.{ext}").read_text(encoding="utf-8")


# The stylesheet's colours are CSS custom properties (--pg-*) from the palette; the
# canvases' colours arrive in the payload (``colours``, ui.charts.palette.component_colours).
_COMPONENT = st.components.v2.component(NAME, html=_asset("html"), css=component_css() + _asset("css"),
                                        js=_asset("js"))


def playground(data: dict[str, Any], *, key: str, on_command: Callable[[], None]) -> Any:
    """Mount (or update) the playground component.

    Parameters
    ----------
    data : dict
        JSON-ready: the run's static part, the frames to show, the translated texts
        and the view options (built by ``sections.playground.play.payload``).
    key : str
        The instance's key; keep it the same across reruns, so that new data updates
        the mounted component instead of replacing it.
    on_command : callable
        Called before the next run whenever the component sends ``cmd``; read it
        with :func:`command`.
    """
    return _COMPONENT(key=key, data=data, on_cmd_change=on_command, height="content")


def command(key: str) -> dict[str, Any] | None:
    """The ``cmd`` the component with `key` sent for this run (inside ``on_command``), if any."""
    state = st.session_state.get(key)
    value = state.get("cmd") if state is not None else None
    return value if isinstance(value, dict) else None
