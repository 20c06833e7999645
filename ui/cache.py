"""Caching for pages: one key story, from a page's settings to its charts.

A page reads its controls once into frozen *settings* (small dataclasses of
validated values). Everything cached below is keyed on those values and
nothing else, so a key cannot drift from the arguments it stands for:

1. **Results** — :func:`page_cache` (Streamlit's ``st.cache_data``, bounded
   by ``max_entries``) on the functions that train and measure. Their hashed
   arguments are settings records and small values (names, sizes, rates,
   seeds); arrays that only an upload's digest can name come as unhashed
   ``_X``/``_y`` keyword arguments, the digest being in the settings.
   Streamlit pickles each result and hands every caller a copy.
2. **Kept results** — :func:`memo_run` (``fn(*args)`` through
   :func:`view_memo`, keyed on the same arguments): a warm rerun then skips
   unpickling that copy (a third of a warm rerun on the training sections).
3. **Views** — :func:`view_memo` for tables and chart specs built from
   results, keyed on the settings they come from and the language.
4. **Chart specs** — :func:`ui.charts.compiled`, keyed on the builder's
   file, name *and code* and on its arguments' bytes, so editing a builder
   never serves a stale spec.

Values kept by 2 and 3 are shared by every session of the process: their
arrays are made read-only (:func:`read_only`), which enforces the rule that
callers never modify what they get.

**A visitor's own data never enters a shared cache.** When a run uses an
upload (:func:`keep_private`, called by :func:`ui.upload.load_data`), a
:func:`page_cache` function computes without Streamlit's cache, and caches 2-4
keep their values in that visitor's ``st.session_state`` instead (bounded,
least recently used dropped first): a training reached through
:func:`memo_run` is still kept, in the session. :func:`ui.frame.frame` starts
every run public again (:func:`start_run`).

**Memory a visitor's data costs, and giving it back.** A 5,000-row upload on
a 50 × 128 network takes a few hundred MB while it trains; what stays after
the visitor has gone must be bounded and must go back to the system:

* the session store is bounded by size as well as by count
  (:data:`PRIVATE_BYTES`, :data:`PRIVATE_ENTRIES`; what the current run uses is
  never dropped for size);
* it is emptied when the visitor's browser disconnects (a session-scoped
  ``st.cache_resource`` whose ``on_release`` clears it). Streamlit keeps a
  disconnected session (its ``st.session_state``, the upload, the last page's
  elements and deferred downloads) for ``server.disconnectedSessionTTL``
  seconds (120) in case the browser comes back, and drops it when another
  session disconnects after that; a reconnected page simply computes again;
* freed memory goes back to the operating system (:func:`release_memory`,
  glibc's ``malloc_trim``): after every private computation, on every such
  release, and at the start of page runs (at most every
  :data:`RELEASE_EVERY` seconds), which returns what dropped sessions freed.
  Without it glibc keeps freed training buffers in its arenas for later
  allocations: four sessions, three rounds of the upload above left the
  process ~900 MB large. For the same reason the process uses at most
  :data:`MALLOC_ARENAS` arenas (:func:`limit_arenas`, at import): glibc gives
  contending threads arenas of their own, and Streamlit runs every session's
  script in a thread of its own.

``tests/test_load.py::test_upload_soak_memory_plateaus`` and BENCHMARKS.md
(*Memory*, "Uploads") measure it on a real server.

A page script runs again from the top on every rerun, so a plain
``@st.cache_data`` on one of its functions would build a new cached-function
wrapper every run, and Streamlit keys each wrapper by reading and tokenising
the function's source (``inspect.getsource``: 2-4 ms per function).
:func:`page_cache` builds the wrapper once per process for each function
(same file, name and code) and hands the same one back on later runs; the
cache behind it is Streamlit's own, with the same keys, bounds and
copy-on-read. Section modules are imported once, so for them it is simply
``st.cache_data`` with the app's defaults.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import functools
import math
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import numpy as np
import streamlit as st

F = TypeVar("F", bound=Callable[..., Any])

#: Wrappers made so far, by (file, qualified name, first line, code, constants, bound).
_MADE: dict[tuple, tuple[Callable[..., Any], dict[int, Callable[..., Any]]]] = {}
#: Most values one session keeps of its private data (results, views, specs together).
PRIVATE_ENTRIES = 32
#: Most bytes (arrays and frames, as :func:`size_of` counts them) one session keeps of its
#: private data. A trained 50 × 128 network is ~6.5 MB, its saved states for the
#: boundary scrubber up to 20 times that: the count alone bounded a session at ~4 GB.
PRIVATE_BYTES = 48 * 2**20
#: Most malloc arenas the process uses (:func:`limit_arenas`).
MALLOC_ARENAS = 2
#: Seconds between two releases of freed memory at the start of page runs (:func:`start_run`).
RELEASE_EVERY = 2.0
_last_release = -math.inf
_PRIVATE_STATE = "_private_cache"
#: Session-state flag: the page's last full run used this visitor's own data. Kept in
#: the session (not in the thread) so that a fragment's rerun, which does not run the
#: page from the top, knows it too.
_PRIVATE_RUN = "_private_run"
#: Session-state counter of the page's full runs (the size bound of the store spares
#: what the current run uses).
_RUN_SERIAL = "_private_run_serial"


def start_run() -> None:
    """A new run of a page: nothing of the visitor's own data is in use yet.

    Also hands memory that ended sessions freed back to the system
    (:func:`release_memory`, at most every :data:`RELEASE_EVERY` seconds): Streamlit
    drops a session some time after its browser has gone, outside any run.
    """
    st.session_state[_PRIVATE_RUN] = False
    st.session_state[_RUN_SERIAL] = st.session_state.get(_RUN_SERIAL, 0) + 1
    global _last_release
    now = time.monotonic()
    if now - _last_release >= RELEASE_EVERY:
        _last_release = now
        release_memory()


def keep_private() -> None:
    """This run computes with the visitor's own data (an upload): from here on, every
    cache keeps what it stores in the visitor's session, never in a shared cache."""
    st.session_state[_PRIVATE_RUN] = True


def is_private() -> bool:
    """Whether this run's values must stay in the visitor's session (:func:`keep_private`)."""
    try:
        return bool(st.session_state.get(_PRIVATE_RUN, False))
    except Exception:  # no Streamlit session (a builder called from a script or a test)
        return False


def session_memo(key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` kept in this visitor's ``st.session_state``.

    Bounded by :data:`PRIVATE_ENTRIES` values and :data:`PRIVATE_BYTES` bytes, least
    recently used dropped first, and emptied when the visitor's browser disconnects.
    The size bound drops only values that the current run has not used: what one page
    shows is kept whole (the compute guard bounds it), so a page whose values together
    exceed the bound does not recompute one of them on every rerun.
    """
    store: OrderedDict = st.session_state.setdefault(_PRIVATE_STATE, OrderedDict())
    _released_on_disconnect(id(store), store)
    run = st.session_state.get(_RUN_SERIAL, 0)
    if key in store:
        store.move_to_end(key)
        value, size, _ = store[key]
        store[key] = (value, size, run)
        return value
    value = build()
    store[key] = (value, size_of(value), run)
    while len(store) > PRIVATE_ENTRIES:
        store.popitem(last=False)
    total = sum(size for _, size, _ in store.values())
    for old in list(store):
        if total <= PRIVATE_BYTES:
            break
        _, size, used = store[old]
        if used != run:
            del store[old]
            total -= size
    return value


def private_bytes() -> int:
    """Bytes this session's store of private values holds (as :func:`size_of` counts)."""
    store = st.session_state.get(_PRIVATE_STATE) or {}
    return sum(size for _, size, _ in store.values())


def size_of(value: Any) -> int:
    """Bytes of the arrays and frames inside `value` (dicts, lists, tuples, dataclasses and
    other objects with a ``__dict__``, followed once each; a view counts its whole base,
    once); other objects count nothing.

    It counts what grows with the data and the network, which is what the session store
    must bound; the few hundred bytes of each small Python object are left out.
    """
    seen: set[int] = set()
    counted: set[int] = set()  # arrays whose memory is counted (bases of views included)
    total = 0
    stack = [value]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if isinstance(v, np.ndarray):
            base = v
            while isinstance(base.base, np.ndarray):  # a view keeps its whole base alive
                base = base.base
            if id(base) not in counted:
                counted.add(id(base))
                total += base.nbytes
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list | tuple | set | frozenset):
            stack.extend(v)
        elif hasattr(v, "memory_usage") and hasattr(v, "columns"):  # a pandas DataFrame
            total += int(v.memory_usage(index=True, deep=False).sum())
        elif hasattr(v, "__dict__") and not isinstance(v, type):
            stack.extend(vars(v).values())
    return total


def _release_private(store: OrderedDict) -> None:
    """The visitor's browser disconnected: drop their private values, give the memory back."""
    store.clear()
    release_memory()


@st.cache_resource(scope="session", max_entries=1, show_spinner=False, on_release=_release_private)
def _released_on_disconnect(store_id: int, _store: OrderedDict) -> OrderedDict:
    """Register this session's store so that Streamlit releases it when the session
    disconnects (session-scoped caches are cleared then). One entry per session, keyed
    by the store's identity (AppTest gives every test session the same id)."""
    return _store


def _libc() -> ctypes.CDLL | None:
    """glibc, or None (macOS, Windows, musl: nothing to trim there)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 - musl has no malloc_trim
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _libc()
_M_ARENA_MAX = -8  # glibc's mallopt parameter


def release_memory() -> bool:
    """Hand freed heap memory back to the operating system (glibc ``malloc_trim(0)``).

    NumPy frees a training's buffers when it ends, but glibc keeps the pages in its
    arenas for later allocations, so a process that served one large upload stayed
    large. ``malloc_trim`` returns every free page of every arena (a few ms). Returns
    whether anything could be asked (False where the C library is not glibc).
    """
    if _LIBC is None:
        return False
    _LIBC.malloc_trim(0)
    return True


def limit_arenas(n: int = MALLOC_ARENAS) -> bool:
    """Use at most `n` malloc arenas (glibc ``mallopt(M_ARENA_MAX, n)``).

    glibc gives threads that contend for the heap arenas of their own, up to 8 per
    core; each keeps the peak of what its threads allocated. Streamlit runs every
    session's script in a thread of its own, so each training session could leave
    a training's peak behind in another arena. Returns whether it could be set.
    """
    if _LIBC is None:
        return False
    return bool(_LIBC.mallopt(_M_ARENA_MAX, n))


limit_arenas()


def page_cache(max_entries: int) -> Callable[[F], F]:
    """``st.cache_data(max_entries=..., show_spinner=False)``, made once per function.

    Parameters
    ----------
    max_entries : int
        Most results kept; the least recently used is dropped first.

    Notes
    -----
    One wrapper (one cache) per function's code: the key includes its bytecode and
    constants, so an edited page gets a new one. The wrapper calls the function object
    of the latest import of its module: the same code, but that module's globals, so
    a result holds that module's classes (a record made by a module imported afresh
    would not pickle as the class an older import made).
    """

    def decorate(fn: F) -> F:
        code = fn.__code__
        key = (code.co_filename, fn.__qualname__, code.co_firstlineno, code.co_code,
               code.co_consts, max_entries)
        made = _MADE.get(key)
        if made is None:
            by_module: dict[int, Callable[..., Any]] = {}

            @functools.wraps(fn)
            def current(*args: Any, **kwargs: Any) -> Any:
                module = sys.modules.get(fn.__module__)
                chosen = by_module.get(id(vars(module))) if module is not None else None
                return (chosen or fn)(*args, **kwargs)

            made = _MADE[key] = (_public_or_private(
                current, st.cache_data(max_entries=max_entries, show_spinner=False)(current)),
                by_module)
        made[1][id(fn.__globals__)] = fn
        return made[0]  # type: ignore[return-value]

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
    the built tables and specs for the process, shared by sessions. Their
    arrays are made read-only (:func:`read_only`): callers never modify what
    they get.

    Parameters
    ----------
    key : hashable
        Every setting the value depends on (including the language when it
        holds translated text).
    build : callable
        Makes the value on a miss.
    """
    if is_private():
        return session_memo(("view", key), build)
    with _VIEWS_LOCK:
        if key in _VIEWS:
            _VIEWS.move_to_end(key)
            return _VIEWS[key]
    value = read_only(build())
    with _VIEWS_LOCK:
        _VIEWS[key] = value
        while len(_VIEWS) > VIEW_MEMO_ENTRIES:
            _VIEWS.popitem(last=False)
    return value


def clear_view_memo() -> None:
    """Forget every kept view: with ``st.cache_data.clear()``, a cold start."""
    with _VIEWS_LOCK:
        _VIEWS.clear()


def _public_or_private(fn: Callable[..., Any], cached: Callable[..., Any]) -> Callable[..., Any]:
    """`cached` (Streamlit's shared cache) for public data, plain `fn` for a private run."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        if not is_private():
            return cached(*args, **kwargs)
        try:
            return fn(*args, **kwargs)
        finally:
            # The visitor's training buffers are garbage now: return them to the system.
            release_memory()

    call.clear = cached.clear  # type: ignore[attr-defined]
    return call


def memo_run(fn: Callable[..., T], /, *args: Hashable, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` kept by :func:`view_memo`, keyed on the same arguments.

    `fn` is normally a :func:`page_cache` function: on a miss here it answers
    from Streamlit's cache (or computes, with its progress bar). The key is
    `fn`'s module and name, every positional argument and every keyword
    argument whose name does not start with ``_`` — exactly what
    ``st.cache_data`` hashes — so the two caches cannot disagree.
    """
    key = (fn.__module__, fn.__qualname__, *args,
           *sorted((k, v) for k, v in kwargs.items() if not k.startswith("_")))
    return view_memo(key, lambda: fn(*args, **kwargs))


def read_only(value: T) -> T:
    """Make every ndarray inside `value` (dicts, lists, tuples, dataclass records) read-only,
    in place; return it.

    What :func:`view_memo` keeps is shared by every session of the process;
    a caller that tried to write into it would change another visitor's view.
    """
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, dict):
        for item in value.values():
            read_only(item)
    elif isinstance(value, list | tuple):
        for item in value:
            read_only(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            read_only(getattr(value, f.name))
    return value
