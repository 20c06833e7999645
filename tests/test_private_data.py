"""A visitor's own data stays in their session: no shared cache ever holds it.

Pages keep trained runs, views and chart specs in process-wide caches shared by every
session. A run that uses an upload must keep all of them in that visitor's
`st.session_state` instead (`ui.cache.keep_private`).
"""

from __future__ import annotations

import pytest
from apptest_utils import errors_text, open_page

import ui.cache
import ui.charts.spec
from core.datasets import load
from ui.frame import PAGES

DIGEST = "private0123456789"


def _upload() -> tuple:
    X, y = load("circles", n_samples=120, noise=0.1, seed=11)
    return X + 0.001, y, DIGEST  # a data set no public cache could have seen


def _shared_keys() -> list:
    return [k for k in ui.cache._VIEWS if DIGEST in repr(k)]


@pytest.mark.parametrize(("page", "query"), [
    ("vanishing", {"data": "upload", "epochs": "3", "act": "relu", "view": "train"}),
    ("dead_relu", {"data": "upload", "epochs": "10"}),
    ("shapes", {"data": "upload", "view": "c1"}),
])
def test_an_upload_never_enters_a_shared_cache(page, query, monkeypatch) -> None:
    def shared_spec_cache(*args, **kwargs):
        raise AssertionError("a chart of the visitor's data went into the shared spec cache")

    monkeypatch.setattr(ui.charts.spec, "_compiled", shared_spec_cache)
    info = next(p for p in PAGES if p.name == page)
    at = open_page(info, query, upload=_upload())
    assert not at.exception, errors_text(at)
    assert at.get("vega_lite_chart"), "the page drew the upload"
    assert _shared_keys() == []
    kept = at.session_state["_private_cache"]
    assert kept and any(DIGEST in repr(k) for k in kept)


def test_a_public_run_after_a_private_one_uses_the_shared_caches_again() -> None:
    info = next(p for p in PAGES if p.name == "vanishing")
    at = open_page(info, {"data": "upload", "epochs": "3", "act": "relu"}, upload=_upload())
    assert at.session_state["_private_run"] is True
    at.query_params["data"] = "moons"
    at.selectbox(key="data").set_value("moons").run()
    assert not at.exception, errors_text(at)
    assert at.session_state["_private_run"] is False
    assert _shared_keys() == []


def test_the_session_store_is_bounded() -> None:
    from streamlit.testing.v1 import AppTest

    def app() -> None:
        import numpy as np
        import streamlit as st

        from ui.cache import PRIVATE_ENTRIES, keep_private, session_memo, start_run

        start_run()
        keep_private()
        for i in range(PRIVATE_ENTRIES + 10):
            session_memo(("k", i), lambda i=i: np.full(3, i))
        st.markdown(str(len(st.session_state["_private_cache"])))

    at = AppTest.from_function(app).run()
    assert not at.exception
    assert at.markdown[0].value == str(ui.cache.PRIVATE_ENTRIES)


def test_size_of_counts_arrays_and_frames_once() -> None:
    import numpy as np
    import pandas as pd

    a = np.zeros((100, 10))  # 8,000 bytes
    frame = pd.DataFrame({"x": np.zeros(50)})
    value = {"a": a, "again": a, "view": a[:10], "nested": [(a.copy(),)], "frame": frame, "n": 3}
    # a (its view and second name count nothing more), its copy, the frame's column and index
    assert ui.cache.size_of(value) == 16_000 + int(frame.memory_usage(index=True).sum())
    assert ui.cache.size_of([a[:10], a]) == ui.cache.size_of(a[:10]) == 8_000


def _store_app() -> None:
    import numpy as np
    import streamlit as st

    from ui.cache import keep_private, session_memo, start_run

    start_run()
    keep_private()
    # Each run uses three values of 20 MiB: 60 MiB, over the bound, all kept this run.
    base = st.session_state.setdefault("_base", 0)
    for i in range(base, base + 3):
        session_memo(("big", i), lambda: np.zeros(20 * 2**20 // 8))
    st.session_state["_base"] = base + 1


def test_the_session_store_is_bounded_by_size_but_keeps_what_a_run_uses() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_store_app).run()
    assert not at.exception
    assert [k[1] for k in at.session_state["_private_cache"]] == [0, 1, 2]  # over the bound, kept
    at.run()  # uses 1, 2, 3: 0 is from an earlier run and goes
    assert [k[1] for k in at.session_state["_private_cache"]] == [1, 2, 3]
    at.run()
    assert [k[1] for k in at.session_state["_private_cache"]] == [2, 3, 4]


def _release_app() -> None:
    import numpy as np
    import streamlit as st

    from ui.cache import keep_private, session_memo, start_run

    start_run()
    keep_private()
    session_memo(("kept", 1), lambda: np.zeros(10))
    if st.session_state.get("_disconnect"):
        # What Streamlit does to a session's caches when its browser disconnects (and
        # to every cache on a clear): the store's release hook runs.
        st.cache_resource.clear()
    st.markdown(str(len(st.session_state["_private_cache"])))


def test_the_session_store_is_emptied_when_the_session_is_released() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_release_app).run()
    assert not at.exception and at.markdown[0].value == "1"
    at.session_state["_disconnect"] = True
    at.run()
    assert not at.exception and at.markdown[0].value == "0"


def test_memory_can_be_handed_back_on_linux() -> None:
    import sys

    assert ui.cache.release_memory() is sys.platform.startswith("linux")
    assert ui.cache.limit_arenas() is sys.platform.startswith("linux")
