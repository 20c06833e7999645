"""A visitor's own data stays in their session: no shared cache ever holds it (issue 17).

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
