"""What a server process does once, before its first page: :func:`prepare_process`.

Streamlit runs a full garbage collection after every script run
(``runner.postScriptGC``, which keeps memory flat). A full collection scans
every tracked object, and after importing Streamlit, Altair, pandas,
scikit-learn and their schemas that is ~180,000 objects: ~65-110 ms per
rerun, a third of a warm slider move. Those objects live as long as the
process, so they are moved once into the permanent generation
(:func:`gc.freeze`); the per-run collection then scans only what the runs
created (a few thousand objects, ~2-7 ms) and still frees their cycles.

Pages import their sections, and sections import some modules only when first
used (the lesson's experiments, a section's compute): ~60,000 more objects that
came after the first freeze and that the per-run collection scanned again on every
run (~11 ms of a playing student's request, BENCHMARKS.md "A class on one link").
So every call also freezes again when modules were imported since the last
freeze: a handful of times in a process's life. Objects frozen then stay out of
the cyclic collector for good (reference counting still frees them); what a run
had alive at that moment is bounded by those few freezes.

It also makes Streamlit's silent refusal of an oversized query string visible
(:func:`ui.internals.note_oversized_queries`).

Every page calls it through :func:`ui.frame.frame` (a deep link can be the
first request a fresh server sees, so no single page can be relied on to run
first); only the first call imports, and later calls freeze only after new
imports.
"""

from __future__ import annotations

import gc
import importlib
import sys
import threading

from ui.internals import note_oversized_queries

#: Modules imported before freezing: everything a page run needs, so their
#: objects are frozen too (scikit-learn and SciPy come with core).
PRELOAD: tuple[str, ...] = (
    "altair", "pandas", "pyarrow", "core.datasets", "core.mlp", "core.dead",
    "core.pieces", "core.gradients", "core.slopes", "core.userdata",
    "ui.charts", "ui.export",
)

_done = False
_lock = threading.Lock()
#: How many modules were imported when the process last froze its objects.
_frozen_modules = 0


def prepare_process() -> bool:
    """Import the app's heavy modules and freeze what is alive, once per process;
    later, freeze again whenever modules were imported since (:func:`refreeze`).

    Returns
    -------
    bool
        True for the call that did the start-up work, False for every later one.
    """
    global _done
    if _done:
        refreeze()
        return False
    with _lock:
        if _done:
            return False
        note_oversized_queries()
        for module in PRELOAD:
            importlib.import_module(module)
        _freeze()
        _done = True
    return True


def refreeze() -> bool:
    """Freeze what is alive if modules were imported since the last freeze; True if it did."""
    if len(sys.modules) == _frozen_modules:
        return False
    with _lock:
        if len(sys.modules) == _frozen_modules:
            return False
        _freeze()
    return True


def _freeze() -> None:
    global _frozen_modules
    gc.collect()
    gc.freeze()
    _frozen_modules = len(sys.modules)
