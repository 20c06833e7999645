"""Progress bars for training runs that `core` reports through a callback."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st


def progress_callback(
    bar: Any, text: str, start: float = 0.0, span: float = 1.0, every: float = 0.1
) -> Callable[[int, int], None]:
    """A ``callback(done, total)`` that moves a ``st.progress`` bar.

    Parameters
    ----------
    bar : st.progress element, or None
        The bar to move; ``None`` makes the callback do nothing (cache replays).
    text : str
        The label shown on the bar.
    start, span : float
        The slice of the bar this run fills, so several runs share one bar.
    every : float
        Minimum seconds between two redraws: a fast run must not be slowed
        down by hundreds of browser messages.
    """
    last = [0.0]

    def callback(done: int, total: int) -> None:
        if bar is None:
            return
        now = time.perf_counter()
        if done < total and now - last[0] < every:
            return
        last[0] = now
        fraction = start + span * (done / max(total, 1))
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    return callback


@contextmanager
def progress_bar(text: str) -> Iterator[Any]:
    """A ``st.progress`` bar that disappears when the block ends.

    Call it *inside* a ``st.cache_data`` function: Streamlit replays the
    elements a cached function creates, so the bar must be created there (a bar
    created outside cannot be replayed). On a cache hit the replayed bar is
    created and removed at once, so nothing shows.
    """
    bar = st.progress(0.0, text=text)
    try:
        yield bar
    finally:
        bar.empty()
