"""The Dead ReLU page: every control, extreme settings, tampered links, the claims it shows."""

from __future__ import annotations

import re

import numpy as np
import pytest
from apptest_utils import (
    bound_widgets,
    charts,
    errors_text,
    headers,
    metrics,
    open_page,
    open_section,
    section_state,
    switch_section,
    url_note_shown,
)

from core.datasets import load, train_test_split
from sections.dead_relu.settings import REMEDIES
from ui.frame import PAGES
from ui.guard import budget_epochs
from ui.i18n import Translator

PAGE = next(p for p in PAGES if p.name == "dead_relu")
T = Translator("en")
FAST = {"epochs": "20", "mc": "100"}
# Section code -> catalog section of its header, in page order (the first is the default).
SECTIONS = {"training": "s1", "layer": "s2", "step": "s3", "born": "s4", "remedies": "s5",
            "meaning": "s6"}
# Per section: charts, tables, and weights downloads (.npz) at the default settings.
CONTENT = {"training": (3, 0, 2), "layer": (2, 0, 0), "step": (1, 0, 2), "born": (1, 1, 0),
           "remedies": (0, 1, len(REMEDIES)), "meaning": (0, 0, 0)}


def _text(at) -> str:
    parts = [e.value for kind in ("markdown", "info", "warning", "error", "caption")
             for e in at.get(kind)]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    parts += [str(d.value) for d in at.dataframe]
    return "\n".join(str(p) for p in parts)


def _npz(at) -> int:
    return len(_labels(at, "common.export.npz"))


def test_defaults_show_only_the_first_section_and_a_switch_to_every_section() -> None:
    at = open_page(PAGE)
    assert not at.exception, errors_text(at)
    assert headers(at) == [T("dead_relu.s1.title")]
    switch = at.segmented_control(key=section_state(at))
    assert switch.value == "training"
    assert list(switch.options) == [T(f"dead_relu.nav.{code}") for code in SECTIONS]
    # 2 heatmaps (ReLU, Leaky ReLU) + total line; no table of a closed section
    assert len(charts(at)) == 3
    assert len(at.dataframe) == 0
    m = metrics(at)
    assert len(m[T("dead_relu.metric.test_acc")]) == 2
    assert T("common.next_section", section=T("dead_relu.nav.layer")) in [b.label for b in at.button]
    assert not url_note_shown(at)


@pytest.mark.parametrize("view", list(SECTIONS))
def test_each_section_opens_alone(view: str) -> None:
    at = open_section(PAGE, view)
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert headers(at) == [T(f"dead_relu.{SECTIONS[view]}.title")]
    assert at.segmented_control(key=section_state(at)).value == view
    n_charts, n_tables, n_npz = CONTENT[view]
    assert len(charts(at)) == n_charts
    assert len(at.dataframe) == n_tables
    assert _npz(at) == n_npz
    # every sidebar control is drawn in every section
    assert {"data", "depth", "width", "lr", "bias", "shift", "init", "act", "opt", "epochs",
            "seed"} <= set(bound_widgets(at))


def test_unknown_section_falls_back_to_the_first_and_says_so() -> None:
    at = open_section(PAGE, "nonsense", FAST)
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    assert headers(at) == [T("dead_relu.s1.title")]
    assert at.segmented_control(key=section_state(at)).value == "training"


def test_switching_section_keeps_the_sidebar_values() -> None:
    at = open_page(PAGE, {**FAST, "depth": "3", "lr": "0.3", "act": ["relu", "gelu"]})
    at.number_input(key="seed").set_value(4).run()
    at.selectbox(key="opt").set_value("adam").run()
    want = {"depth": 3, "lr": 0.3, "act": ["relu", "gelu"], "epochs": 20, "seed": 4,
            "opt": "adam"}
    for view in ("step", "layer"):
        switch_section(at, view)
        assert not at.exception, errors_text(at)
        assert headers(at) == [T(f"dead_relu.{SECTIONS[view]}.title")]
        assert at.query_params.get("view") == view
        w = bound_widgets(at)
        assert {k: w[k].value for k in want} == want, view
        # the section trains with them
        assert f"optimiser {T('common.option.opt.adam')}" in _text(at), view
    # The layer section inspects the networks of the chosen activations only.
    assert bound_widgets(at)["insp"].options == [T("dead_relu.act.relu"), T("dead_relu.act.gelu")]


def test_born_dead_shows_mc_size_interval_and_rises_with_depth() -> None:
    at = open_section(PAGE, "born", {"mc": "200"})
    assert not at.exception, errors_text(at)
    assert T("dead_relu.s4.caption", n=200) in _text(at)
    table = at.dataframe[0].value
    row = table.loc[T("dead_relu.s4.width_row", w=2)]
    cells = [re.match(r"([\d.]+) \[([\d.]+), ([\d.]+)\]", str(v)).groups() for v in row]
    p = [float(c[0]) for c in cells]
    assert all(float(lo) <= float(mid) <= float(hi) for mid, lo, hi in cells)
    assert p == sorted(p) and p[-1] > 0.9  # width 2: almost always constant at depth 50
    wide = [float(str(v).split()[0]) for v in table.loc[T("dead_relu.s4.width_row", w=10)]]
    assert wide[-1] < p[-1]


def test_remedies_table_has_every_variant() -> None:
    at = open_section(PAGE, "remedies", FAST)
    assert not at.exception, errors_text(at)
    table = at.dataframe[0].value
    assert len(table) == 8
    slope = table[T("dead_relu.s5.col.neg_slope")].tolist()
    # ReLU as set, lower rate, He, small positive bias; then four activations
    assert slope[:4] == [T("dead_relu.s5.slope.zero")] * 4
    assert slope[4:] == [T("dead_relu.s5.slope.nonzero")] * 4
    assert table[T("dead_relu.s5.col.setting")][3] == T(
        "dead_relu.s5.row.relu_bias", bias="0.1", init=T("common.option.init.glorot_uniform"), lr="3")


def _verdicts(at) -> list[str]:
    """The remedies section's reading, one line per table row."""
    text = next(i.value for i in at.info if i.value.startswith("- **"))
    return [line.removeprefix("- ") for line in text.split("\n\n")[0].split("\n")]


@pytest.mark.parametrize("query", [{}, {"lr": "0.3", "seed": "2"}, {"bias": "1", "init": "lecun_normal"}])
def test_each_remedy_verdict_follows_this_runs_dead_share(query: dict) -> None:
    at = open_section(PAGE, "remedies", query)
    assert not at.exception, errors_text(at)
    table = at.dataframe[0].value
    dead = [float(v.rstrip("%")) / 100 for v in table[T("dead_relu.s5.col.dead")]]
    lines = _verdicts(at)
    assert len(lines) == len(table) == len(REMEDIES)
    n_units = 4 * 8
    for row, line in enumerate(lines[1:], start=1):
        a, b = round(dead[row] * n_units), round(dead[0] * n_units)
        word = "fewer" if a < b else "more" if a > b else "same"
        assert T(f"dead_relu.s5.change.{word}") in line, (row, line)
        assert f"{dead[row]:.1%}" in line and f"{dead[0]:.1%}" in line, (row, line)
    # He: with zero biases the page says the weight scale cannot decide which units fire;
    # with a non-zero bias it says the scale does matter.
    he = lines[2]
    zero = "relu_he_zero_bias" if not query.get("bias") else "relu_he"
    assert he.startswith(T(f"dead_relu.s5.verdict.{zero}", dead="", base="", init="", change="")[:20])
    assert (T("dead_relu.s5.verdict.relu_he_zero_bias", dead="", base="", init="", change="")[-60:]
            in he) == (zero == "relu_he_zero_bias")


def test_the_remedies_reading_names_only_those_that_trained_better() -> None:
    at = open_section(PAGE, "remedies")
    table = at.dataframe[0].value
    acc = [float(v.rstrip("%")) for v in table[T("dead_relu.s5.col.train")]]
    text = next(i.value for i in at.info if i.value.startswith("- **")).split("\n\n")[1]
    shorts = [T("dead_relu.s5.short.relu_low_lr"), T("dead_relu.s5.short.relu_he"),
              T("dead_relu.s5.short.relu_bias", bias="0.1"),
              *[T(f"dead_relu.act.{a}") for a in ("leaky_relu", "elu", "gelu", "silu")]]
    better = [name for name, a in zip(shorts, acc[1:], strict=True) if a > acc[0] + 5]
    # At the defaults (learning rate 3) the lower rate trains and ReLU as set does not.
    assert T("dead_relu.s5.short.relu_low_lr") in better
    assert text == T("dead_relu.s5.lifted.some", names=", ".join(better), base_acc=f"{acc[0]:.1f}%")


def test_he_verdict_when_the_page_already_uses_he() -> None:
    at = open_section(PAGE, "remedies", {**FAST, "init": "he_normal"})
    assert not at.exception, errors_text(at)
    assert _verdicts(at)[2] == T("dead_relu.s5.verdict.relu_he_already")


def test_defaults_kill_units_on_most_seeds() -> None:
    # At the page's defaults a learner must see ReLU units die: at least 25% of them dead
    # at the end with the default seed, and at least 15% on three of seeds 0-3.
    shares = []
    for seed in range(4):
        at = open_page(PAGE, {"seed": str(seed)} if seed else None)
        assert not at.exception, errors_text(at)
        dead = metrics(at)[T("dead_relu.metric.dead_end")][0]  # ReLU first
        shares.append(float(dead.rstrip("%")) / 100)
        reading = next(i.value for i in at.info if i.value.startswith("**ReLU**"))
        assert dead in reading
        if seed == 0:
            assert not url_note_shown(at)
            assert T("dead_relu.s1.trend.rose", birth="", end="")[:30] in reading
    assert shares[0] >= 0.25, shares
    assert sum(s >= 0.15 for s in shares) >= 3, shares


def test_training_reading_says_when_no_unit_died() -> None:
    at = open_page(PAGE, {"lr": "0.01", "epochs": "20", "act": "relu", "seed": "1"})
    assert not at.exception, errors_text(at)
    reading = next(i.value for i in at.info if i.value.startswith("**ReLU**"))
    dead = metrics(at)[T("dead_relu.metric.dead_end")][0]
    trend = "same_zero" if dead == "0.0%" else "same"
    assert T(f"dead_relu.s1.trend.{trend}", end=dead) in reading, reading


def test_every_control_changes_without_error() -> None:
    # Each control is changed in a section that shows it and uses it: the sidebar in the
    # first section, the section's own controls in theirs, the data again in the remedies.
    at = open_page(PAGE)
    assert not at.exception, errors_text(at)
    changes = [
        ("training", "selectbox", "data", "circles"), ("training", "slider", "depth", 3),
        ("training", "select_slider", "width", 4), ("training", "select_slider", "lr", 0.3),
        ("training", "slider", "bias", -1.0), ("training", "slider", "shift", -2.0),
        ("training", "selectbox", "init", "he_normal"),
        ("training", "multiselect", "act", ["relu", "gelu", "silu"]),
        ("training", "selectbox", "opt", "adam"), ("training", "slider", "epochs", 20),
        ("training", "number_input", "seed", 3),
        ("layer", "selectbox", "insp", "gelu"), ("layer", "slider", "layer", 2),
        ("layer", "select_slider", "snap", 0),
        ("step", "select_slider", "big", 30),
        ("born", "selectbox", "binit", "glorot_uniform"), ("born", "toggle", "bbias", True),
        ("born", "select_slider", "mc", 200),
        ("remedies", "selectbox", "data", "iris"),
    ]
    for view, kind, key, value in changes:
        if at.segmented_control(key=section_state(at)).value != view:
            switch_section(at, view)
            assert not at.exception, (view, errors_text(at))
        before = _text(at)
        getattr(at, kind)(key=key).set_value(value).run()
        assert not at.exception, (key, errors_text(at))
        assert bound_widgets(at)[key].value == value, key
        assert _text(at) != before, key
    assert not url_note_shown(at), [w.value for w in at.warning]


def test_negative_bias_kills_every_unit_at_birth_and_says_so() -> None:
    at = open_page(PAGE, {**FAST, "bias": "-10"})
    assert not at.exception, errors_text(at)
    assert T("dead_relu.s1.all_dead_birth") in [w.value for w in at.warning]
    dead = metrics(at)[T("dead_relu.metric.dead_end")]
    assert dead[0] == "100.0%"


def test_extremes_never_crash() -> None:
    at = open_page(PAGE, {"lr": "10", "bias": "-10", "depth": "50", "width": "2",
                          "epochs": "10", "big": "100", "mc": "100", "shift": "-5",
                          "act": ["relu", "leaky_relu", "elu", "gelu", "silu"]})
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    # Shifted inputs keep one first-layer unit alive, but a whole deeper layer is dead.
    warnings = [w.value for w in at.warning]
    assert any(w.startswith(T("dead_relu.s1.layer_dead_birth", layer=50)[:40]) for w in warnings)
    for view in list(SECTIONS)[1:]:
        switch_section(at, view)
        assert not at.exception, (view, errors_text(at))
        assert not url_note_shown(at), view
        assert headers(at) == [T(f"dead_relu.{SECTIONS[view]}.title")]


def test_large_learning_rate_divergence_is_stated() -> None:
    at = open_page(PAGE, {"lr": "10", "epochs": "20", "mc": "100"})
    assert not at.exception, errors_text(at)
    assert any("diverged" in e.value for e in at.error)


def test_big_step_kills_relu_units() -> None:
    at = open_section(PAGE, "step", {**FAST, "big": "100"})
    assert not at.exception, errors_text(at)
    died = metrics(at)[T("dead_relu.s3.relu.died")]
    assert int(died[0]) > 0  # ReLU: units killed by one step


def test_layer_beyond_depth_and_empty_choice_fall_back() -> None:
    at = open_section(PAGE, "layer", {**FAST, "depth": "2", "layer": "7", "snap": "13",
                                      "act": ""})
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    w = bound_widgets(at)
    assert w["layer"].value == 1 and w["snap"].value == 20
    assert T("dead_relu.no_act") in [x.value for x in at.warning]


def test_single_layer_and_korean() -> None:
    at = open_section(PAGE, "layer", {**FAST, "depth": "1", "lang": "ko"})
    assert not at.exception, errors_text(at)
    assert headers(at) == [Translator("ko")("dead_relu.s2.title")]
    assert {"insp", "snap"} <= set(bound_widgets(at)) and "layer" not in bound_widgets(at)
    assert Translator("ko")("dead_relu.s2.one_layer") in [c.value for c in at.caption]


# ----------------------------------------------------------- exports, upload, guard

def _labels(at, key: str) -> list[str]:
    return [b.proto.label for b in at.get("download_button") if b.proto.label == T(key)]


def test_every_chart_has_csv_and_every_network_weights() -> None:
    at = open_page(PAGE, FAST)
    n_csv = n_charts = n_npz = 0
    keys: list[str] = []
    guard = {T("common.guard.capped", allowed=0, requested=0)[:30]}
    for view in SECTIONS:
        if view != "training":
            switch_section(at, view)
        assert not at.exception, (view, errors_text(at))
        assert headers(at) == [T(f"dead_relu.{SECTIONS[view]}.title")]
        # one CSV per chart in every section
        assert len(_labels(at, "common.export.csv")) == len(charts(at)), view
        n_csv += len(_labels(at, "common.export.csv"))
        n_charts += len(charts(at))
        n_npz += _npz(at)
        keys += [b.proto.id for b in at.get("download_button")]
        assert not any(w.value[:30] in guard for w in at.warning), view
    # charts: 2 heatmaps + total line, unit range + fires, recovery line, born-dead curves
    assert n_csv == n_charts == 7
    # weights for 2 activations + 2 big-step networks + 8 remedies
    assert n_npz == 2 + 2 + len(REMEDIES) == 12
    assert len(set(keys)) == len(keys)  # no two downloads of the page share a key


def _circles(n: int = 200, three: bool = False) -> tuple:
    X, y = load("circles", n_samples=n, noise=0.1, seed=0)
    if three:
        y = np.where(X[:, 0] > 0.8, 2, y)
    return X, y


def _with_upload(query: dict, X=None, y=None):
    return open_page(PAGE, query, upload=None if X is None else (X, y, "abc"))


def test_uploaded_data_is_trained_on() -> None:
    X, y = _circles()
    at = _with_upload({**FAST, "data": "upload"}, X, y)
    n_train = len(train_test_split(X, y, seed=0)[2])
    assert n_train != 225  # not the moons default
    n_npz = 0
    # Every section that trains says so, and its networks come from the upload.
    for view in ("training", "layer", "step", "remedies"):
        if view != "training":
            switch_section(at, view)
        assert not at.exception, (view, errors_text(at))
        assert not url_note_shown(at), view
        captions = [c.value for c in at.caption]
        assert T("common.upload.in_use") in captions, view
        assert f"**{T('common.option.data.upload')}**" in _text(at), view
        if view == "layer":
            assert T("dead_relu.s2.fires_caption", n=n_train) in captions
        n_npz += _npz(at)
    assert n_npz == 2 + 2 + len(REMEDIES)


def test_uploaded_three_classes_use_softmax() -> None:
    X, y = _circles(three=True)
    at = _with_upload({**FAST, "data": "upload", "act": "relu"}, X, y)
    assert not at.exception, errors_text(at)
    acc = metrics(at)[T("dead_relu.metric.train_acc")]
    assert acc and all(v.endswith("%") for v in acc)
    # softmax over 3 classes: a better-than-chance fit of the 3-class labels
    assert float(acc[0].rstrip("%")) > 100 / 3


def test_upload_chosen_but_nothing_uploaded_falls_back_to_moons() -> None:
    at = _with_upload({**FAST, "data": "upload"})
    assert not at.exception, errors_text(at)
    assert T("common.upload.missing") in [i.value for i in at.info]
    assert not url_note_shown(at)
    assert f"**{T('common.option.data.moons')}**" in _text(at)


def test_largest_settings_are_capped_and_say_so() -> None:
    query = {"data": "breast_cancer", "depth": "50", "width": "32", "epochs": "300",
             "act": list(("relu", "leaky_relu", "elu", "gelu", "silu")), "mc": "100"}
    n_train = len(train_test_split(*load("breast_cancer", n_samples=300, noise=0.2,
                                         seed=0), seed=0)[2])
    acts = [*query["act"], "relu", "leaky_relu", *(r[1] for r in REMEDIES)]  # as the page counts them
    budget = budget_epochs(50, 32, n_train, 300, runs=5 + 2 + len(REMEDIES), n_in=30, acts=acts)
    assert budget.capped and budget.n_samples == n_train
    # Every section that trains is one request within the (shared) budget, and says so.
    at = None
    for view in ("training", "step", "remedies"):
        at = open_page(PAGE, query) if at is None else switch_section(at, view)
        assert not at.exception, (view, errors_text(at))
        assert not url_note_shown(at), view
        assert headers(at) == [T(f"dead_relu.{SECTIONS[view]}.title")]
        assert T("common.guard.capped", allowed=budget.epochs, requested=300) in [
            w.value for w in at.warning], view
        assert f"{budget.epochs} epochs" in _text(at), view
