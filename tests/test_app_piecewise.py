"""The Piecewise ReLU page through AppTest: one section at a time, claims on the numbers
each shows, every target, the formula box, k at its maximum, tampered URLs."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_utils import (
    bound_widgets,
    charts,
    errors_text,
    export_buttons,
    guard_notes,
    headers,
    metrics,
    open_page,
    open_section,
    section_state,
    switch_section,
    url_note_shown,
)
from streamlit.testing.v1 import AppTest

from core.datasets import load
from core.mlp import MLP
from core.pieces import affine_pieces, count_pieces, tent_params
from sections.piecewise.compute import WIDE
from ui.frame import PAGES
from ui.i18n import Translator
from ui.literal import literal
from ui.references import cite

INFO = next(p for p in PAGES if p.name == "piecewise")
T = Translator("en")
FAST = {"epochs": "50", "n": "60"}


def _formula_warning(at) -> bool:
    head = T("piecewise.formula.rejected", text="\0", reason="", used="").split("\0")[0]
    return any(head in w.value for w in at.warning)


SECTIONS = ("fit", "hinge", "depth", "yarotsky", "regions", "step")
#: Charts (each with a CSV button) and trained networks (each with a weights button) per section.
CHARTS = {"fit": 2, "hinge": 1, "depth": 2, "yarotsky": 2, "regions": 2, "step": 2}
WEIGHTS = {"fit": 1, "hinge": 1, "depth": 1, "yarotsky": 0, "regions": 1, "step": 0}


def test_default_shows_only_the_fit_and_a_switch_to_every_section() -> None:
    at = open_page(INFO)
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert headers(at) == [T("piecewise.fit.title")]
    switch = at.segmented_control(key=section_state(at))
    assert list(switch.options) == [T(f"piecewise.nav.{code}") for code in SECTIONS]
    assert switch.value == "fit"
    # Nothing of the other sections ran: only the fit's controls are drawn beside it.
    widgets = bound_widgets(at)
    assert "at" in widgets
    assert not {"units", "k", "m", "data", "w2", "d2", "at2"} & set(widgets)
    assert at.button(key="_next_view").label == T("common.next_section",
                                                  section=T("piecewise.nav.hinge"))


@pytest.mark.parametrize("view", SECTIONS)
def test_each_section_opens_alone_with_its_claims(view: str) -> None:
    """Default settings, one section per run: its header, charts and exports, its numbers."""
    at = open_section(INFO, view)
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert headers(at) == [T(f"piecewise.{view}.title")]
    assert at.segmented_control(key=section_state(at)).value == view
    assert len(export_buttons(at, "csv")) == len(charts(at)) == CHARTS[view]
    assert len(export_buttons(at, "npz")) == WEIGHTS[view]
    assert not guard_notes(at)  # default settings are never cut down
    assert not _formula_warning(at)
    nexts = [b for b in at.button if b.key == "_next_view"]
    assert len(nexts) == (0 if view == SECTIONS[-1] else 1)
    m = metrics(at)
    w = bound_widgets(at)
    if view == "fit":
        assert int(m[T("piecewise.fit.pieces")][0]) >= 2
    elif view == "hinge":
        (pieces,) = (int(v) for v in m[T("piecewise.fit.pieces")])
        assert 1 <= pieces <= w["units"].value + 1
        assert float(m[T("piecewise.hinge.max_diff")][0]) < 1e-9
    elif view == "depth":
        assert int(m[T("piecewise.depth.tent_pieces")][0]) == 2 ** w["k"].value
    elif view == "yarotsky":
        assert m[T("piecewise.yarotsky.measured")] == m[T("piecewise.yarotsky.bound")]
    elif view == "regions":
        assert int(m[T("piecewise.regions.count")][0]) >= 2
    else:
        assert any(T("piecewise.step.honest") == md.value for md in at.markdown)


def test_unknown_section_in_the_url_falls_back_to_the_fit_with_note() -> None:
    at = open_section(INFO, "nonsense", FAST)
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    assert headers(at) == [T("piecewise.fit.title")]
    assert at.segmented_control(key=section_state(at)).value == "fit"


def test_k_at_its_maximum_gives_4096_pieces_and_survives_a_round_trip() -> None:
    at = open_section(INFO, "depth", {**FAST, "k": "12"})
    assert not at.exception, errors_text(at)
    m = metrics(at)
    assert int(m[T("piecewise.depth.tent_pieces")][0]) == 4096
    assert int(m[T("piecewise.depth.one_pieces")][0]) <= 25
    assert float(m[T("piecewise.depth.random_pieces")][0]) < 25
    table = at.dataframe[0].value
    assert list(table["k"]) == list(range(1, 13))
    assert list(table[T("piecewise.depth.col.tent")]) == [2**k for k in range(1, 13)]
    # k is drawn in its own section only; away and back, it keeps its value.
    switch_section(at, "yarotsky")
    assert not at.exception, errors_text(at)
    assert "k" not in bound_widgets(at)
    switch_section(at, "depth")
    assert not at.exception, errors_text(at)
    assert bound_widgets(at)["k"].value == 12
    assert int(metrics(at)[T("piecewise.depth.tent_pieces")][0]) == 4096


def test_wide_random_nets_grow_about_linearly_in_neurons() -> None:
    """Hanin & Rolnick on screen: the wide random series grows with k, ~ c * neurons, << 2^k."""
    at = open_section(INFO, "depth", {**FAST, "k": "10"})
    assert not at.exception, errors_text(at)
    m = metrics(at)
    wide_now = float(m[T("piecewise.depth.wide_pieces", width=WIDE)][0])
    narrow_now = float(m[T("piecewise.depth.random_pieces")][0])
    assert wide_now > 4 * narrow_now
    table = at.dataframe[0].value
    wide = table[T("piecewise.depth.col.random_wide", width=WIDE)].to_numpy()
    neurons = table[T("piecewise.depth.col.wide_units", width=WIDE)].to_numpy()
    per = table[T("piecewise.depth.col.per_neuron", width=WIDE)].to_numpy()
    ks = table["k"].to_numpy()
    assert list(neurons) == list(WIDE * ks)
    assert f"{wide[9]:.1f}" == f"{wide_now:.1f}"
    assert wide[-1] > wide[5] > wide[1] > wide[0]
    np.testing.assert_allclose(per, wide / neurons)
    assert 0.1 < per.min() and per.max() <= 1.0
    assert np.all(wide[ks >= 8] < 2.0 ** ks[ks >= 8] / 4)
    texts = " ".join(i.value for i in at.info)
    assert f"{per.min():.2f} and {per.max():.2f} pieces per neuron" in texts


@pytest.mark.parametrize("target", ["sine", "abs", "square", "step", "sawtooth", "bump",
                                    "formula"])
def test_every_target(target: str) -> None:
    at = open_page(INFO, {**FAST, "target": target})
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert bound_widgets(at)["target"].value == target
    label = T(f"piecewise.target.{target}")
    assert any(label in c.value for c in at.caption)


def test_formula_box_good_then_bad_keeps_the_last_good_one() -> None:
    at = open_page(INFO, {**FAST, "target": "formula"})
    at.text_input(key="f").set_value("abs(x) - 0.5*x").run()
    assert not at.exception, errors_text(at)
    assert not _formula_warning(at)
    assert any("abs(x) - 0.5*x" in c.value for c in at.caption)
    for bad in ["__import__('os')", "().__class__", "x.real", "lambda: 1", "9**9**9", "1/0",
                "x^2", "sin(", "1/x"]:
        at.text_input(key="f").set_value(bad).run()
        assert not at.exception, (bad, errors_text(at))
        assert _formula_warning(at), bad
        # the fit still uses the last formula that worked
        assert any("abs(x) - 0.5*x" in c.value for c in at.caption), bad


def test_bad_formula_in_the_url_falls_back_to_the_default() -> None:
    at = open_page(INFO, {**FAST, "target": "formula", "f": "().__class__.__bases__"})
    assert not at.exception, errors_text(at)
    assert _formula_warning(at)
    assert any("sin(3*x) + 0.3*x**2" in c.value for c in at.caption)


def test_very_long_formula_in_the_url() -> None:
    at = open_page(INFO, {**FAST, "target": "formula", "f": "x+" * 150 + "x"})
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)  # the text control rejects it before the parser sees it
    assert any("sin(3*x) + 0.3*x**2" in c.value for c in at.caption)


def test_smooth_activation_has_no_pieces_and_switching_keeps_the_sidebar() -> None:
    at = open_page(INFO, {**FAST, "act": "tanh", "noise": "0.2", "seed": "3"})
    assert not at.exception, errors_text(at)
    assert any(T("piecewise.fit.smooth", act="tanh") == i.value for i in at.info)
    assert T("piecewise.fit.pieces") not in metrics(at)
    # no pieces chart, but the fit is still exported
    assert len(export_buttons(at, "csv")) == len(charts(at)) == 1
    assert len(export_buttons(at, "npz")) == 1
    sidebar = {k: w.value for k, w in bound_widgets(at).items() if k != "at"}
    switch_section(at, "hinge")
    assert not at.exception, errors_text(at)
    assert headers(at) == [T("piecewise.hinge.title")]
    after = bound_widgets(at)
    assert {k: after[k].value for k in sidebar} == sidebar
    assert (after["act"].value, after["noise"].value, after["seed"].value) == ("tanh", 0.2, 3)
    # the hinge section (always ReLU) shows its piece count
    assert len(metrics(at)[T("piecewise.fit.pieces")]) == 1


def test_scrubbing_and_other_controls() -> None:
    at = open_page(INFO, FAST)
    at.slider(key="at").set_value(0).run()
    assert not at.exception, errors_text(at)
    assert metrics(at)[T("piecewise.fit.epoch")][0].startswith("0 /")
    switch_section(at, "hinge")
    at.slider(key="units").set_value(3).run()
    assert not at.exception, errors_text(at)
    assert int(metrics(at)[T("piecewise.fit.pieces")][-1]) <= 4
    switch_section(at, "yarotsky")
    at.slider(key="m").set_value(10).run()
    assert not at.exception, errors_text(at)
    switch_section(at, "regions")
    at.selectbox(key="data").set_value("circles").run()
    at.slider(key="at2").set_value(0).run()
    at.selectbox(key="act").set_value("leaky_relu").run()
    assert not at.exception, errors_text(at)
    assert metrics(at)[T("piecewise.fit.epoch")][0].startswith("0 /")
    switch_section(at, "yarotsky")
    assert not at.exception, errors_text(at)
    assert metrics(at)[T("piecewise.yarotsky.measured")][0] == f"{2.0 ** -22:.3g}"


def _noted(at, key: str) -> bool:
    """The URL note is shown and names `key`."""
    return url_note_shown(at) and any(literal(key) in w.value for w in at.warning)


def test_tampered_url_falls_back_with_note() -> None:
    """Each section's own control is checked, and noted, when its section is drawn."""
    at = open_section(INFO, "depth", {**FAST, "k": "13", "m": "0", "target": "cosine",
                                      "width": "1e9", "data": "iris", "lr": "5"})
    assert not at.exception, errors_text(at)
    assert all(_noted(at, key) for key in ("k", "target", "width", "lr"))
    w = bound_widgets(at)
    assert (w["k"].value, w["target"].value, w["width"].value) == (4, "sine", 16)
    switch_section(at, "yarotsky")
    assert not at.exception, errors_text(at)
    assert _noted(at, "m")
    assert bound_widgets(at)["m"].value == 2
    switch_section(at, "regions")
    assert not at.exception, errors_text(at)
    assert _noted(at, "data")
    assert bound_widgets(at)["data"].value == "moons"


def test_large_network_diverging_is_reported_not_raised() -> None:
    at = open_page(INFO, {**FAST, "lr": "0.1", "depth": "6", "width": "64",
                          "target": "formula", "f": "100*sin(x)"})
    assert not at.exception, errors_text(at)
    switch_section(at, "hinge")  # the hinge network trains on the same target and rate
    assert not at.exception, errors_text(at)
    assert headers(at) == [T("piecewise.hinge.title")]


# ------------------------------------------------------------ exports, upload, guard
def _with_upload(X: np.ndarray, y: np.ndarray, query: dict, digest: str) -> AppTest:
    """The page with `X`, `y` already uploaded; `digest` stands for the file's hash
    (the cache key of the data), so every data set here needs its own."""
    return open_section(INFO, "regions", query, upload=(X, y, digest))


def test_uploaded_data_drives_the_regions() -> None:
    X, y = load("circles", n_samples=180, noise=0.1, seed=3)
    at = _with_upload(X, y, {**FAST, "data": "upload"}, "abc")
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert bound_widgets(at)["data"].value == "upload"
    assert any(c.value == T("common.upload.in_use") for c in at.caption)
    assert not any(T("common.upload.missing") == i.value for i in at.info)
    assert any(c.value == T("piecewise.regions.caption") for c in at.caption)
    assert int(metrics(at)[T("piecewise.regions.count")][0]) >= 2
    assert len(export_buttons(at, "npz")) == 1


def test_uploaded_data_with_three_classes_uses_a_softmax() -> None:
    X, y = load("iris", n_samples=150, noise=0.0, seed=0)
    at = _with_upload(np.ascontiguousarray(X[:, :2]), y, {**FAST, "data": "upload"}, "iris2")
    assert not at.exception, errors_text(at)
    assert any(c.value == T("piecewise.regions.caption_multi", k=3) for c in at.caption)
    acc = float(metrics(at)[T("piecewise.regions.acc")][0].rstrip("%"))
    assert acc > 60  # better than a constant guess (one class of three is ~33 %)


def test_upload_chosen_without_a_file_falls_back_to_moons_and_says_so() -> None:
    at = open_section(INFO, "regions", {**FAST, "data": "upload"})
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert any(T("common.upload.missing") == i.value for i in at.info)
    assert int(metrics(at)[T("piecewise.regions.count")][0]) >= 2


def test_largest_settings_are_capped_with_a_note() -> None:
    at = open_page(INFO, {"depth": "6", "width": "64", "n": "400", "epochs": "3000",
                          "w2": "32", "d2": "4", "units": "24"})
    assert not at.exception, errors_text(at)
    notes = guard_notes(at)
    assert len(notes) == 1 and "3000" in notes[0]
    shown = metrics(at)[T("piecewise.fit.epoch")][0]
    done = int(shown.split("/")[1])
    assert 50 <= done < 3000
    # the hinge network and the 2-D classifier at their largest stay within the budget
    for view in ("hinge", "regions"):
        switch_section(at, view)
        assert not at.exception, errors_text(at)
        assert headers(at) == [T(f"piecewise.{view}.title")]
        assert not guard_notes(at)


# ------------------------------------------------- training against the tent, labels, sources
def _trained_pieces(k: int, seed: int) -> list[int]:
    """The section's trained tent networks, recomputed from core: k × 2 ReLU units, He-normal
    weights, biases 0.1, Adam (lr 0.01, 300 epochs) on the k-fold tent at 4 samples a tooth."""
    n = max(256, 4 * 2**k)
    x = (np.arange(n) + 0.5) / n
    y = affine_pieces(*tent_params(k), 0.0, 1.0)(x)[:, 0]
    pieces = []
    for i in range(4):
        model = MLP([1, *[2] * k, 1], activation="relu", output="identity", init="he_normal",
                    seed=seed * 1000 + i, bias_init=0.1)
        model.fit(x[:, None], y, epochs=300, lr=0.01, optimizer="adam")
        p = model.get_params()
        pieces.append(count_pieces(p.weights, p.biases, 0.0, 1.0))
    return pieces


def test_training_from_random_starts_is_measured_against_the_tent() -> None:
    """'Training rarely finds them' is shown, not said: trained k × 2 nets against 2^k."""
    at = open_section(INFO, "depth", {**FAST, "k": "4"})
    assert not at.exception, errors_text(at)
    pieces = _trained_pieces(4, 0)
    assert max(pieces) < 2**4  # at the defaults no training finds the 16 pieces
    m = metrics(at)
    assert int(m[T("piecewise.depth.trained_pieces", seeds=4)][0]) == max(pieces)
    reading = T("piecewise.depth.trained_reading", k=4, seeds=4, epochs=300, n=256,
                pieces=", ".join(map(str, pieces)), best=max(pieces), tent=16, found=0, bias=0.1)
    infos = [i.value for i in at.info]
    assert reading in infos
    assert not any("rarely" in i for i in infos)
    assert [b.proto.id.rsplit("-_", 1)[-1] for b in export_buttons(at, "npz")] == [
        "npz_tent-trained-k4-weights"]


def test_beyond_the_trained_range_the_page_says_so() -> None:
    at = open_section(INFO, "depth", {**FAST, "k": "9"})
    assert not at.exception, errors_text(at)
    assert T("piecewise.depth.trained_skipped", k=9, k_max=8) in [i.value for i in at.info]
    assert T("piecewise.depth.trained_pieces", seeds=4) not in metrics(at)
    assert not export_buttons(at, "npz")


def test_selects_show_translated_labels_and_the_url_keeps_codes() -> None:
    ko = Translator("ko")
    at = open_section(INFO, "regions", {**FAST, "lang": "ko", "target": "step", "act": "tanh",
                                        "data": "circles"})
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    w = bound_widgets(at)
    assert (w["target"].value, w["act"].value, w["data"].value) == ("step", "tanh", "circles")
    for key, code, label in (("target", "sine", ko("piecewise.target.sine")),
                             ("act", "sigmoid", ko("common.option.act.sigmoid")),
                             ("data", "moons", ko("common.option.data.moons"))):
        assert label in w[key].options and code not in w[key].options, key
    w["target"].set_value("bump").run()
    assert not at.exception, errors_text(at)
    assert at.query_params["target"] == "bump"


def test_sections_resting_on_a_paper_cite_it_and_the_page_lists_its_sources() -> None:
    cited = {"depth": ("telgarsky2016", "hanin2019"), "yarotsky": ("yarotsky2017", "telgarsky2016"),
             "regions": ("hanin2019",)}
    for view, keys in cited.items():
        at = open_section(INFO, view, FAST)
        assert not at.exception, errors_text(at)
        assert cite(T, *keys) in [c.value for c in at.caption], view
        assert T("refs.expander") in [e.label for e in at.expander]
