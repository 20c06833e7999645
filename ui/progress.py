"""Progress bars for training runs that `core` reports through a callback."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from ui.internals import unrecorded


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


class _LazyBar:
    """A ``st.progress`` bar made on its first update, outside the cache's record
    (:func:`ui.internals.unrecorded`): a bar replayed on every cache hit would be
    created and removed at once, one more element for the browser every rerun."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.bar: Any = None

    def progress(self, value: float, text: str | None = None) -> None:
        with unrecorded():
            if self.bar is None:
                self.bar = st.progress(value, text=text or self.text)
            else:
                self.bar.progress(value, text=text or self.text)

    def empty(self) -> None:
        if self.bar is not None:
            with unrecorded():
                self.bar.empty()


@contextmanager
def progress_bar(text: str) -> Iterator[Any]:
    """A progress bar for the block, removed when the block ends.

    Call it inside the ``st.cache_data`` function that trains: the bar appears
    at the first progress report of a run that actually computes, at the
    place of the call. It is kept out of the cache's element record, so a
    cache hit draws nothing at all (no bar, no empty element).
    """
    bar = _LazyBar(text)
    try:
        yield bar
    finally:
        bar.empty()
