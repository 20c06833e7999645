"""The gradient-vanishing page: its claims on the numbers it shows, presets, extremes, URLs."""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from apptest_utils import (
    bound_widgets,
    charts,
    errors_text,
    open_page,
    url_note_shown,
)

from core.datasets import load
from ui.frame import PAGES
from ui.i18n import Translator

INFO = next(p for p in PAGES if p.name == "vanishing")
EN = Translator("en")
SMALL = {"n": "100", "epochs": "5"}  # keeps runs fast where training is not the point


#: What each preset must set (SCIENCE.md and the issue), independent of the page's table.
PRESETS = {
    "blog": {"data": "moons", "depth": 10, "width": 32, "act": ["sigmoid", "relu"],
             "init": "he_normal", "init2": "none", "opt": "sgd", "lr": 0.1, "seed": 0},
    "glorot": {"depth": 5, "act": ["sigmoid", "tanh"], "init": "standard",
               "init2": "glorot_uniform", "opt": "sgd"},
    "he": {"depth": 30, "act": ["relu"], "init": "glorot_uniform", "init2": "he_normal",
           "opt": "momentum", "lr": 0.01, "epochs": 60, "batch": 32},
}
# Controls every preset sets; none may keep the value the test started from.
STARTED = {"depth": 3, "epochs": 4, "n": 150, "noise": 0.35, "width": 9, "seed": 7}


def _ratios(at) -> dict[str, float]:
    """First ÷ last layer gradient per series, parsed from the page's reading lines."""
    out = {}
    for m in at.markdown:
        hit = re.match(r"- \*\*(.+?)\*\*: first-layer gradient = \*\*([^×*]+)×\*\*", m.value)
        if hit:
            out[hit.group(1)] = float(hit.group(2))
    return out


#: Columns the page draws on log scales.
LOG_COLUMNS = {"mid", "lo", "hi", "ref", "loss", "norm", "ratio"}


def _frames(at) -> list[pd.DataFrame]:
    """The data of every chart, decoded from the Arrow datasets Streamlit sends."""
    out = []
    for chart in charts(at):
        for ds in chart.proto.datasets:
            out.append(pa.ipc.open_stream(ds.data.data).read_pandas())
    return out


def _no_bad_numbers(at) -> None:
    """No ±inf anywhere, and nothing <= 0 on a log axis: NaN (not drawn) is the only gap."""
    frames = _frames(at)
    assert frames
    for frame in frames:
        numeric = frame.select_dtypes("number")
        assert not np.isinf(numeric.to_numpy(dtype=float)).any(), list(frame.columns)
        for col in LOG_COLUMNS & set(frame.columns):
            values = frame[col].to_numpy(dtype=float)
            assert not (values[~np.isnan(values)] <= 0).any(), col


def test_defaults_show_sigmoid_vanishing_and_relu_level() -> None:
    at = open_page(INFO)
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    ratios = _ratios(at)
    assert set(ratios) == {"sigmoid", "tanh", "relu"}
    # The page's central claim, on the numbers it shows.
    assert ratios["sigmoid"] < 1e-3
    assert 0.1 < ratios["relu"] < 10
    # 2 init charts + saturation + loss + accuracy + 3 heatmaps + 3 boundaries.
    assert len(charts(at)) == 11
    _no_bad_numbers(at)
    text = " ".join(m.value for m in at.markdown)
    # The computed bound (¼)^10, not typed into the catalog.
    assert "9.5e-07" in text
    assert EN("vanishing.sweep.off") in [i.value for i in at.info]
    # Nothing here is near the compute guard: no note, the full boundary picture.
    assert not [w.value for w in at.warning if "responsive" in w.value]
    assert not [c.value for c in at.caption if "responsive" in c.value]


@pytest.mark.parametrize("name", ["blog", "glorot", "he"])
def test_each_preset_sets_every_control(name: str) -> None:
    at = open_page(INFO, {k: str(v) for k, v in STARTED.items()})
    at.button(key=f"_preset_{name}").click().run()
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at), [w.value for w in at.warning]
    widgets = bound_widgets(at)
    for key, value in PRESETS[name].items():
        assert widgets[key].value == value, key
    for key, value in STARTED.items():
        assert widgets[key].value != value, key
    if name == "he":
        # He et al. 2015: Xavier fails, He trains — checked on this seed, said on the page.
        assert EN("vanishing.explain.he_holds") in [s.value for s in at.success]
        ratios = _ratios(at)
        assert set(ratios) == {"relu · glorot_uniform", "relu · he_normal"}
    # The next rerun sees the preset in the URL too: still no note.
    at.run()
    assert not url_note_shown(at)


def test_every_control_can_be_changed() -> None:
    at = open_page(INFO, SMALL)
    steps = [
        ("selectbox", "data", "circles"), ("slider", "n", 150), ("slider", "noise", 0.4),
        ("slider", "depth", 4), ("slider", "width", 8), ("multiselect", "act", ["relu", "gelu"]),
        ("selectbox", "init", "lecun_normal"), ("selectbox", "init2", "standard"),
        ("radio", "opt", "adam"), ("select_slider", "lr", 0.01), ("slider", "epochs", 6),
        ("select_slider", "batch", 1024), ("number_input", "seed", 5),
    ]
    for kind, key, value in steps:
        getattr(at, kind)(key=key).set_value(value).run()
        assert not at.exception, (key, errors_text(at))
        assert bound_widgets(at)[key].value == value
    assert set(_ratios(at)) == {"relu · lecun_normal", "relu · standard",
                                "gelu · lecun_normal", "gelu · standard"}
    at.selectbox(key="init").set_value("normal").run()
    at.select_slider(key="std").set_value(0.5).run()
    assert not at.exception, errors_text(at)
    assert bound_widgets(at)["std"].value == 0.5


def test_boundary_scrubber_reads_snapshots() -> None:
    at = open_page(INFO, {"n": "200", "epochs": "20", "act": "relu"})
    scrub = next(s for s in at.select_slider if s.key.startswith("_at_"))
    final = [m.value for m in at.metric]
    scrub.set_value(0).run()
    assert not at.exception, errors_text(at)
    start = [m.value for m in at.metric]
    assert start != final  # epoch 0 (untrained) differs from epoch 20


def test_depth_sweep_runs_when_switched_on() -> None:
    at = open_page(INFO, {**SMALL, "depth": "4", "sweep": "true", "act": ["sigmoid", "relu"]})
    assert not at.exception, errors_text(at)
    assert len(charts(at)) == 11  # 9 for two activations, plus the sweep's two
    sweep = _frames(at)[-1]
    assert sorted(sweep["depth"].unique()) == [1, 2, 4]
    assert set(sweep["act"]) == {"sigmoid", "relu"}


@pytest.mark.parametrize("query", [
    {"depth": "50", "act": "sigmoid", "epochs": "3", "n": "50", "width": "16"},
    {"lr": "10", "epochs": "10", "n": "100", "depth": "5", "act": ["relu", "tanh"]},
    {"init": "normal", "std": "10", "depth": "50", "epochs": "2", "n": "50", "act": ["relu", "sigmoid"]},
    {"init": "normal", "std": "0.001", "depth": "50", "epochs": "2", "n": "50", "act": "tanh"},
    {"width": "2", "depth": "6", "epochs": "3", "n": "50", "act": "relu", "seed": "1"},
], ids=["deep-sigmoid", "lr10", "huge-std", "tiny-std", "narrow-relu"])
def test_extremes_never_crash_and_say_what_happened(query) -> None:
    at = open_page(INFO, query)
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert charts(at)
    _no_bad_numbers(at)
    words = " ".join([e.value for e in at.error] + [w.value for w in at.warning])
    if query.get("lr") == "10" or query.get("std") == "10":
        assert "diverged" in words
        # The scrubber still covers the full run; the diverged network shows its last state.
        assert any("Training stopped at epoch" in c.value for c in at.caption)
    if query.get("std") == "0.001":
        assert "underflow" in words


def test_bundled_data_uses_softmax_and_skips_the_boundary() -> None:
    at = open_page(INFO, {**SMALL, "data": "iris", "act": "relu"})
    assert not at.exception, errors_text(at)
    infos = " ".join(i.value for i in at.info)
    assert "iris" in infos and "no plane" in infos
    assert any(EN("vanishing.output.softmax") in m.value for m in at.markdown)


def test_tampered_url_and_inconsistent_choices() -> None:
    at = open_page(INFO, {**SMALL, "depth": "0", "lr": "0.05", "act": ["relu", "bogus"],
                          "init": "he_normal", "init2": "he_normal"})
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    w = bound_widgets(at)
    assert (w["depth"].value, w["lr"].value, w["act"].value) == (10, 0.1, ["relu"])
    # Same initialisation twice is not an error, but the page says it compares nothing.
    assert EN("vanishing.note.same_init", init="he_normal") in [i.value for i in at.info]


def test_no_activation_chosen() -> None:
    at = open_page(INFO, {"act": ""})
    assert not at.exception, errors_text(at)
    assert EN("vanishing.note.no_act") in [w.value for w in at.warning]
    assert not charts(at)


def test_he_comparison_is_reported_honestly_when_it_does_not_hold() -> None:
    # One epoch is too short for either initialisation to learn: the page must not
    # claim He et al.'s result, and must say so.
    at = open_page(INFO, {"depth": "30", "act": "relu", "init": "glorot_uniform",
                          "init2": "he_normal", "opt": "momentum", "lr": "0.01",
                          "epochs": "1", "n": "100"})
    assert not at.exception, errors_text(at)
    assert EN("vanishing.explain.he_not_here") in [w.value for w in at.warning]
    assert not at.success


def test_korean_page_shows_the_same_numbers() -> None:
    en = open_page(INFO, {**SMALL, "act": ["sigmoid", "relu"]})
    ko = open_page(INFO, {**SMALL, "act": ["sigmoid", "relu"], "lang": "ko"})
    assert not ko.exception, errors_text(ko)
    ko_text = " ".join(m.value for m in ko.markdown)
    for series, ratio in _ratios(en).items():
        assert f"**{series}**" in ko_text and f"**{ratio:.2g}배**" in ko_text


def _downloads(at) -> list[tuple[str, str]]:
    return [(b.proto.label, b.key) for b in at.get("download_button")]


def test_every_chart_has_a_csv_and_every_trained_network_its_weights() -> None:
    at = open_page(INFO, {**SMALL, "depth": "4", "sweep": "true", "act": ["sigmoid", "relu"],
                          "init2": "glorot_uniform"})
    assert not at.exception, errors_text(at)
    downloads = _downloads(at)
    labels = [label for label, _ in downloads]
    keys = [key for _, key in downloads]
    assert len(set(keys)) == len(keys)  # one key per chart and network, even in the loops
    # One CSV under every chart (4 series: 4 heatmaps and 4 boundaries), one .npz per series.
    assert labels.count(EN("common.export.csv")) == len(charts(at)) == 15
    assert labels.count(EN("common.export.npz")) == 4
    assert {"_npz_weights-relu-he_normal", "_npz_weights-relu-glorot_uniform",
            "_csv_gradients-sigmoid-glorot_uniform", "_csv_boundary-relu-he_normal",
            "_csv_sweep-ratio", "_csv_init-gradient"} <= set(keys)


def _open_with_upload(X: np.ndarray, y: np.ndarray, query: dict) -> object:
    """The page with this session's upload already parsed (as ui.upload stores it)."""
    return open_page(INFO, {"data": "upload", **query}, upload=(X, y, "abc"))


def test_uploaded_data_is_trained_on() -> None:
    X, y = load("circles", n_samples=120, noise=0.1, seed=3)
    at = _open_with_upload(X, y, {"epochs": "5", "act": ["sigmoid", "relu"]})
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert bound_widgets(at)["data"].value == "upload"
    captions = [c.value for c in at.caption]
    assert EN("common.upload.in_use") in captions
    assert EN("vanishing.note.upload", rows=120, classes=2) in captions
    setup = next(m.value for m in at.markdown if m.value.startswith("Every network"))
    assert "90 training and 30 test points of *your uploaded file*" in setup
    assert EN("vanishing.output.sigmoid") in setup
    # 2 init + saturation + loss + accuracy + 2 heatmaps + 2 boundaries on the uploaded plane.
    assert len(charts(at)) == 9
    # The boundary maps show the uploaded points themselves.
    dots = [f for f in _frames(at) if "label" in f.columns]
    assert len(dots) == 2 and all(len(f) == len(X) for f in dots)
    _no_bad_numbers(at)


def test_uploaded_multiclass_data_uses_softmax_and_says_why_no_boundary() -> None:
    X, _ = load("circles", n_samples=150, noise=0.1, seed=3)
    y = np.digitize(X[:, 0], np.quantile(X[:, 0], [1 / 3, 2 / 3]))  # 3 classes, 50 each
    at = _open_with_upload(X, y, {"epochs": "3", "act": "relu"})
    assert not at.exception, errors_text(at)
    setup = next(m.value for m in at.markdown if m.value.startswith("Every network"))
    assert EN("vanishing.output.softmax") in setup
    assert EN("vanishing.boundary.multi", classes=3) in [i.value for i in at.info]
    assert len(charts(at)) == 6  # no boundary map
    assert EN("common.export.npz") in [b.proto.label for b in at.get("download_button")]


def test_upload_chosen_but_nothing_uploaded_falls_back_to_moons() -> None:
    at = open_page(INFO, {**SMALL, "data": "upload", "act": "relu"})
    assert not at.exception, errors_text(at)
    assert EN("common.upload.missing") in [i.value for i in at.info]
    setup = next(m.value for m in at.markdown if m.value.startswith("Every network"))
    assert "of *moons*" in setup
    assert len(charts(at)) == 7  # the moons boundary is drawn


def test_largest_request_is_cut_down_and_says_so() -> None:
    # Every size control at its maximum, a second initialisation and the sweep on.
    query = {"depth": "50", "width": "128", "n": "1000", "epochs": "300",
             "init2": "glorot_uniform", "sweep": "true"}
    start = time.perf_counter()
    at = open_page(INFO, query)
    elapsed = time.perf_counter() - start
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    warnings = [w.value for w in at.warning]
    capped = [w for w in warnings if "of the 300 epochs asked for" in w]
    assert len(capped) == 2  # the trainings of section 2, and the sweep's own budget
    allowed = int(re.search(r"\*\*(\d+)\*\* of the 300", capped[0]).group(1))
    setup = next(m.value for m in at.markdown if m.value.startswith("Every network"))
    assert f"{allowed} epochs" in setup  # the page trains with what the guard allowed
    assert any(w.startswith(EN("vanishing.guard.init", allowed=0, requested=0)[:40])
               for w in warnings)
    assert any("decision boundaries are kept at" in c.value for c in at.caption)
    assert len(charts(at)) == 19  # every section still drawn
    _no_bad_numbers(at)
    assert elapsed < 60, elapsed  # generous: CI machines are shared
