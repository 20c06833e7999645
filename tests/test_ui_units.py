"""Pure-Python parts of the UI package: exports (the compute guard: tests/test_guard.py)."""

from __future__ import annotations

import io
import json
import sys
import types

import numpy as np

from core.mlp import MLP
from ui.export import weights_npz


def test_weights_npz_round_trip() -> None:
    model = MLP([2, 5, 3, 1], activation="tanh", seed=4)
    params = model.get_params()
    weights, biases = params[0], params[1]
    blob = weights_npz(params, {"activation": "tanh", "sizes": [2, 5, 3, 1]})
    archive = np.load(io.BytesIO(blob))
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        np.testing.assert_array_equal(archive[f"W{i}"], w)
        np.testing.assert_array_equal(archive[f"b{i}"], b)
    settings = json.loads(str(archive["settings"]))
    assert settings == {"activation": "tanh", "sizes": [2, 5, 3, 1]}
    # The saved network predicts exactly what the original does.
    clone = MLP([2, 5, 3, 1], activation="tanh", seed=99)
    clone.set_params([archive[f"W{i}"] for i in range(3)], [archive[f"b{i}"] for i in range(3)])
    X = np.random.default_rng(0).normal(size=(7, 2))
    np.testing.assert_array_equal(clone.forward(X), model.forward(X))


def test_chart_svg_renders_offline() -> None:
    import altair as alt
    import pandas as pd

    from ui.export import chart_svg

    chart = alt.Chart(pd.DataFrame({"x": [0, 1, 2], "y": [1.0, 0.5, 0.25]})).mark_line().encode(
        x="x:Q", y="y:Q"
    )
    svg = chart_svg(chart).decode()
    assert svg.startswith("<svg") and "</svg>" in svg


def test_theme_palette_is_the_activation_colours_in_registry_order() -> None:
    import tomllib

    from core.activations import ACTIVATIONS
    from ui.charts import ACTIVATION_COLOURS
    from ui.frame import APP_ROOT

    with (APP_ROOT / ".streamlit" / "config.toml").open("rb") as fh:
        theme = tomllib.load(fh)["theme"]
    assert list(ACTIVATION_COLOURS) == list(ACTIVATIONS)
    assert theme["chartCategoricalColors"] == [ACTIVATION_COLOURS[n] for n in ACTIVATIONS]
    assert len(set(ACTIVATION_COLOURS.values())) == len(ACTIVATION_COLOURS)
    from ui.charts.palette import PRIMARY

    assert theme["primaryColor"] == PRIMARY


def test_allowed_message_origins_narrow_streamlits_defaults_and_keep_community_cloud() -> None:
    import tomllib
    from urllib.parse import urlsplit

    from streamlit import config

    from ui.frame import APP_ROOT

    with (APP_ROOT / ".streamlit" / "config.toml").open("rb") as fh:
        ours = tomllib.load(fh)["client"]["allowedOrigins"]
    defaults = config.get_config_options()["client.allowedOrigins"].default_val
    assert "https://*.streamlit.app" in ours and len(ours) < len(defaults)

    def covered(origin: str) -> bool:  # by one of ours: "*" matches any subdomain
        host = urlsplit(origin).hostname or ""
        return any(host == urlsplit(o).hostname or (o.startswith("https://*.") and
                   host.endswith(o.removeprefix("https://*"))) for o in ours)

    # Every origin of ours is one of Streamlit's (never a wider list), and every
    # production Community Cloud origin of theirs is still covered.
    assert set(ours) <= set(defaults)
    production = [o for o in defaults  # not Streamlit's test TLDs or staging hosts
                  if not o.endswith(("test", "-demo.streamlit.io", "-head.streamlit.io",
                                     "-staging.streamlit.io"))]
    assert production and all(covered(o) for o in production)


def test_start_up_objects_are_frozen_out_of_the_per_run_collection() -> None:
    """Streamlit collects garbage after every run; what start-up created is
    excluded (ui.startup.prepare_process, called by every page's frame), so that
    collection stays a few ms."""
    import gc

    from ui.startup import prepare_process

    prepare_process()
    assert gc.get_freeze_count() > 50_000
    assert prepare_process() is False  # once per process
    # Modules imported later (a page's sections) are frozen at the next run's start.
    from ui import startup

    frozen = gc.get_freeze_count()
    assert startup.refreeze() is False  # nothing imported since
    sys.modules["_activation_lab_probe"] = types.ModuleType("_activation_lab_probe")
    try:
        kept = [[i] for i in range(1000)]  # alive now: frozen with the new module
        assert startup.refreeze() is True
        assert gc.get_freeze_count() >= frozen + len(kept)
        assert startup.refreeze() is False
    finally:
        del sys.modules["_activation_lab_probe"]


def _cached_app() -> None:
    import streamlit as st

    from ui.cache import page_cache
    from ui.progress import progress_bar

    @page_cache(4)
    def work(n: int) -> int:
        with progress_bar("working") as bar:
            bar.progress(0.5)
            st.session_state["computed"] = st.session_state.get("computed", 0) + 1
            return 2 * n

    st.markdown(f"result {work(3)}")


def test_progress_bar_shows_on_a_cache_miss_and_nothing_on_a_hit() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_cached_app).run()
    assert not at.exception
    assert at.session_state["computed"] == 1
    # The miss drew a bar, then removed it: an empty slot before the result.
    first = [e.type for e in at.main.children.values()]
    assert first == ["empty", "markdown"], first
    at.run()
    assert at.session_state["computed"] == 1  # served from the cache
    # The hit replays nothing: no bar created and removed on every rerun.
    assert [e.type for e in at.main.children.values()] == ["markdown"]
    assert at.markdown[0].value == "result 6"


def test_page_cache_makes_one_wrapper_per_function_code() -> None:
    from ui.cache import page_cache

    def make(k: int):
        def f(x: int) -> int:
            return x + 1

        return f

    a, b = page_cache(3)(make(0)), page_cache(3)(make(1))
    assert a is b  # same code, defined again (as a page's rerun does): same wrapper
    assert page_cache(5)(make(0)) is not a  # another bound, another cache

    def g(x: int) -> int:
        return x + 2

    assert page_cache(3)(g) is not a


def test_view_memo_builds_once_per_key_keeps_a_bounded_lru_and_clears() -> None:
    from ui import cache

    cache.clear_view_memo()
    built: list[int] = []

    def build(k: int):
        def make() -> list[int]:
            built.append(k)
            return [k]

        return make

    first = cache.view_memo(("t", 0), build(0))
    assert cache.view_memo(("t", 0), build(0)) is first  # kept, not copied or rebuilt
    assert built == [0]
    for k in range(1, cache.VIEW_MEMO_ENTRIES + 1):  # one more than the bound
        cache.view_memo(("t", k), build(k))
    assert cache.view_memo(("t", cache.VIEW_MEMO_ENTRIES), build(-1)) == [cache.VIEW_MEMO_ENTRIES]
    cache.view_memo(("t", 0), build(0))  # the oldest was dropped: built again
    assert built.count(0) == 2
    cache.clear_view_memo()
    cache.view_memo(("t", 1), build(1))
    assert built.count(1) == 2  # a cleared memo builds again
    cache.clear_view_memo()


def test_read_only_reaches_arrays_inside_records() -> None:
    # What view_memo keeps is shared by every session: arrays inside a dataclass record
    # (a page's trained runs) are frozen too, as they are inside dicts and lists.
    from dataclasses import dataclass

    from ui.cache import read_only

    @dataclass(frozen=True)
    class Run:
        loss: np.ndarray
        inner: dict

    run = read_only(Run(np.zeros(3), {"a": [np.ones(2)]}))
    assert not run.loss.flags.writeable and not run.inner["a"][0].flags.writeable
