"""Caching for page scripts: cached functions made once, built views kept.

A page script runs again from the top on every rerun, so a plain
``@st.cache_data`` on one of its functions builds a new cached-function
wrapper every run, and Streamlit keys each wrapper by reading and tokenising
the function's source (``inspect.getsource``): 2-4 ms per function, 10-13 % of
a warm rerun of a page with four of them. :func:`page_cache` builds the
wrapper once per process for each function (same file, name and code) and
hands the same one back on later runs; the cache behind it is Streamlit's own,
with the same keys, bounds and copy-on-read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

F = TypeVar("F", bound=Callable[..., Any])

#: Wrappers made so far, by (file, qualified name, first line, code, constants, bound).
_MADE: dict[tuple, Callable[..., Any]] = {}


def page_cache(max_entries: int) -> Callable[[F], F]:
    """``st.cache_data(max_entries=..., show_spinner=False)``, made once per function.

    Parameters
    ----------
    max_entries : int
        Most results kept; the least recently used is dropped first.

    Notes
    -----
    The wrapper made on the first run calls that run's function object. A
    later run's function is the same code (the key includes its bytecode and
    constants), so the result is the same; an edited page gets a new wrapper.
    """

    def decorate(fn: F) -> F:
        code = fn.__code__
        key = (code.co_filename, fn.__qualname__, code.co_firstlineno, code.co_code,
               code.co_consts, max_entries)
        made = _MADE.get(key)
        if made is None:
            made = _MADE[key] = st.cache_data(max_entries=max_entries, show_spinner=False)(fn)
        return made  # type: ignore[return-value]

    return decorate


#: Most results :func:`view_memo` keeps (least recently used dropped first).
VIEW_MEMO_ENTRIES = 64
_VIEWS: OrderedDict[Hashable, Any] = OrderedDict()
_VIEWS_LOCK = threading.Lock()
T = TypeVar("T")


def view_memo(key: Hashable, build: Callable[[], T]) -> T:
    """What a section draws from cached results (tables, chart specs), built once.

    A warm rerun gets its training results from ``st.cache_data`` in a
    moment, but then rebuilt the same pandas tables and chart keys from them
    on every run (a third of a warm rerun of the vanishing page's training
    section). Keyed by the small settings the results come from, this keeps
    the built tables and specs for the process, shared by sessions. The
    values are read-only by contract: callers never modify what they get.

    Parameters
    ----------
    key : hashable
        Every setting the value depends on (including the language when it
        holds translated text).
    build : callable
        Makes the value on a miss.
    """
    with _VIEWS_LOCK:
        if key in _VIEWS:
            _VIEWS.move_to_end(key)
            return _VIEWS[key]
    value = build()
    with _VIEWS_LOCK:
        _VIEWS[key] = value
        while len(_VIEWS) > VIEW_MEMO_ENTRIES:
            _VIEWS.popitem(last=False)
    return value


def clear_view_memo() -> None:
    """Forget every kept view: with ``st.cache_data.clear()``, a cold start."""
    with _VIEWS_LOCK:
        _VIEWS.clear()
