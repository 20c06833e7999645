"""The gradient-vanishing page: its claims on the numbers it shows, presets, extremes, URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from apptest_utils import (
    bound_widgets,
    charts,
    errors_text,
    open_page,
    open_section,
    section_state,
    switch_section,
    url_note_shown,
)

from core.datasets import load
from core.mlp import MLP
from ui.frame import PAGES, SECTION_KEY
from ui.i18n import Translator

INFO = next(p for p in PAGES if p.name == "vanishing")
EN = Translator("en")
SMALL = {"n": "100", "epochs": "5"}  # keeps runs fast where training is not the point
#: The page's sections in order (URL `view`); each one's header is `vanishing.<code>.title`.
SECTIONS = ("init", "train", "boundary", "sweep", "explain", "cures")
#: The sections a tour visits: "Cures" trains its own deeper networks and has its own tests.
TOUR = SECTIONS[:5]


#: What each preset must set (docs/science.md), independent of the page's table.
PRESETS = {
    "blog": {"data": "moons", "depth": 10, "width": 32, "act": ["sigmoid", "relu"],
             "init": "he_normal", "init2": "none", "opt": "sgd", "lr": 0.1, "seed": 0},
    "glorot": {"depth": 5, "act": ["sigmoid", "tanh"], "init": "standard",
               "init2": "glorot_uniform", "opt": "sgd"},
    "he": {"depth": 30, "act": ["relu"], "init": "glorot_uniform", "init2": "he_normal",
           "opt": "momentum", "lr": 0.003, "epochs": 60, "batch": 32},
}
# Controls every preset sets; none may keep the value the test started from.
STARTED = {"depth": 3, "epochs": 4, "n": 150, "noise": 0.35, "width": 9, "seed": 7}


def _label(act: str, init: str) -> str:
    """A series' name as the page shows it when two initialisations are compared."""
    return f"{EN(f'common.option.act.{act}')} · {EN(f'common.option.init.{init}')}"


def _ratios(markdown: list[str]) -> dict[str, float]:
    """Back-propagated signal at hidden layer 1 ÷ at the last hidden layer, per series,
    parsed from section 1's reading lines."""
    out = {}
    for m in markdown:
        hit = re.match(r"- \*\*(.+?)\*\*: the signal reaching hidden layer 1 is \*\*([^×*]+)×\*\*", m)
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


def _no_bad_numbers(frames: list[pd.DataFrame]) -> None:
    """No ±inf anywhere, and nothing <= 0 on a log axis: NaN (not drawn) is the only gap."""
    assert frames
    for frame in frames:
        numeric = frame.select_dtypes("number")
        assert not np.isinf(numeric.to_numpy(dtype=float)).any(), list(frame.columns)
        for col in LOG_COLUMNS & set(frame.columns):
            values = frame[col].to_numpy(dtype=float)
            assert not (values[~np.isnan(values)] <= 0).any(), col


def _downloads(at) -> list[tuple[str, str]]:
    return [(b.proto.label, b.key) for b in at.get("download_button")]


@dataclass
class Shown:
    """What one run drew, copied out of the AppTest (whose elements change with the next run)."""

    headers: list[str]
    markdown: list[str]
    info: list[str]
    warning: list[str]
    error: list[str]
    caption: list[str]
    success: list[str]
    frames: list[pd.DataFrame]
    charts: int
    downloads: list[tuple[str, str]]
    url_note: bool
    controls: dict[str, object]  # every bound control's value, by key


def _shown(at, view: str) -> Shown:
    """The run's content, after checking it ran cleanly and showed section `view` alone."""
    assert not at.exception, (view, errors_text(at))
    lang = at.query_params.get("lang", "en")
    assert [h.value for h in at.header] == [Translator(lang)(f"vanishing.{view}.title")]
    return Shown(
        headers=[h.value for h in at.header], markdown=[m.value for m in at.markdown],
        info=[i.value for i in at.info], warning=[w.value for w in at.warning],
        error=[e.value for e in at.error], caption=[c.value for c in at.caption],
        success=[s.value for s in at.success], frames=_frames(at), charts=len(charts(at)),
        downloads=_downloads(at), url_note=url_note_shown(at),
        controls={k: w.value for k, w in bound_widgets(at).items()},
    )


def _tour(query: dict | None = None, views: tuple[str, ...] = TOUR, **kw) -> dict[str, Shown]:
    """Open the page at section `views[0]` (the first section: no `view` in the URL), then
    switch to each further section in turn, one run each; what each showed, by code."""
    first = views[0]
    at = (open_page(INFO, query, **kw) if first == SECTIONS[0]
          else open_section(INFO, first, query, **kw))
    shown = {first: _shown(at, first)}
    for view in views[1:]:
        shown[view] = _shown(switch_section(at, view), view)
    return shown


def _all(shown: dict[str, Shown], field: str) -> list:
    """One field of every visited section, joined in page order."""
    return [x for s in shown.values() for x in getattr(s, field)]


def test_defaults_show_sigmoid_vanishing_and_relu_level() -> None:
    shown = _tour()
    init = shown["init"]
    assert not init.url_note
    ratios = _ratios(init.markdown)
    assert set(ratios) == {"sigmoid", "tanh", "ReLU"}  # the shown names, not the codes
    # The page's central claim, on the numbers it shows.
    assert ratios["sigmoid"] < 1e-3
    assert 0.1 < ratios["ReLU"] < 10
    # Signal, spread, level, weight gradient and saturation; loss + accuracy + 3 heatmaps;
    # 3 boundaries; no sweep.
    assert {v: s.charts for v, s in shown.items()} == {
        "init": 5, "train": 5, "boundary": 3, "sweep": 0, "explain": 0}
    _no_bad_numbers(_all(shown, "frames"))
    # The computed bound: the 9 slopes between hidden layer 10 and hidden layer 1, (¼)^9
    # (as the home page says), not (¼)^10, and not typed into the catalog.
    assert "¼⁹ = **3.8e-06**" in " ".join(shown["explain"].markdown)
    assert EN("vanishing.sweep.off") in shown["sweep"].info
    # Nothing here is near the compute guard: no note, the full boundary picture.
    assert not [w for w in _all(shown, "warning") if "responsive" in w]
    assert not [c for c in _all(shown, "caption") if "responsive" in c]


def test_default_run_shows_only_the_first_section_and_trains_nothing(monkeypatch) -> None:
    def no_training(*args, **kwargs):
        raise AssertionError("the first section trained a network")

    # A seed no other test uses, so no cached training could hide a call.
    monkeypatch.setattr(MLP, "fit", no_training)
    at = open_page(INFO, {**SMALL, "seed": "4321"})
    assert not at.exception, errors_text(at)
    assert [h.value for h in at.header] == [EN("vanishing.init.title")]
    switch = at.segmented_control(key=section_state(at))
    assert switch.value == "init"
    assert switch.options == [EN(f"vanishing.nav.{v}") for v in SECTIONS]
    assert SECTION_KEY not in at.query_params  # the default section keeps the URL short
    assert len(charts(at)) == 5
    assert not [k for _, k in _downloads(at) if k.startswith("_npz_")]  # no trained network
    assert EN("common.next_section", section=EN("vanishing.nav.train")) in [b.label for b in at.button]


@pytest.mark.parametrize("view", SECTIONS)
def test_each_section_opens_from_its_link(view: str) -> None:
    # Sections 3 and 5 need section 2's training; opened first, they train it themselves.
    # "Cures" trains with its own recipe: at the defaults, which its own tests compute too.
    at = open_section(INFO, view, {} if view == "cures" else SMALL, timeout=600)
    shown = _shown(at, view)  # no exception, this section's header and no other
    assert not shown.url_note
    assert at.segmented_control(key=section_state(at)).value == view
    assert at.query_params.get(SECTION_KEY) == (None if view == SECTIONS[0] else view)
    if view in ("init", "train", "boundary"):
        assert shown.charts
    nxt = SECTIONS.index(view) + 1
    next_labels = [b.label for b in at.button if b.key == f"_next_{SECTION_KEY}"]
    assert next_labels == ([EN("common.next_section", section=EN(f"vanishing.nav.{SECTIONS[nxt]}"))]
                           if nxt < len(SECTIONS) else [])


def test_unknown_section_falls_back_to_the_first_with_a_note() -> None:
    at = open_section(INFO, "nonsense", SMALL)
    shown = _shown(at, "init")
    assert shown.url_note
    assert at.segmented_control(key=section_state(at)).value == "init"
    assert SECTION_KEY not in at.query_params


def test_switching_sections_keeps_the_sidebar_controls() -> None:
    query = {**SMALL, "depth": "4", "width": "8", "act": ["relu", "tanh"], "init2": "glorot_uniform",
             "opt": "adam", "lr": "0.01", "batch": "16", "seed": "3", "sweep": "true"}
    at = open_page(INFO, query)
    assert not at.exception, errors_text(at)
    before = {k: w.value for k, w in bound_widgets(at).items()}
    assert (before["depth"], before["act"], before["opt"], before["sweep"]) == (4, ["relu", "tanh"],
                                                                               "adam", True)
    switch_section(at, "train")
    _shown(at, "train")
    # The same sidebar values; the training section adds its own heatmap switch.
    shown = {k: w.value for k, w in bound_widgets(at).items()}
    assert {k: v for k, v in shown.items() if k in before} == before
    assert set(shown) - set(before) == {"heat"} and shown["heat"] == "signal"
    assert at.query_params[SECTION_KEY] == "train"
    # The "Next" button at the foot of the section does the same.
    at.button(key=f"_next_{SECTION_KEY}").click().run()
    _shown(at, "boundary")
    assert {k: w.value for k, w in bound_widgets(at).items()} == before
    assert at.segmented_control(key=section_state(at)).value == "boundary"
    for key in ("depth", "width", "opt", "seed", "sweep"):  # still in the URL a link copies
        assert at.query_params.get(key) == query[key], key


@pytest.mark.parametrize("name", ["blog", "glorot", "he"])
def test_each_preset_sets_every_control(name: str) -> None:
    # He et al.'s verdict is in the last section: the "he" preset is pressed there.
    view = "explain" if name == "he" else SECTIONS[0]
    at = open_section(INFO, view, {k: str(v) for k, v in STARTED.items()})
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
        # The next rerun, in the section with the per-series readings, sees the preset in the URL.
        switch_section(at, "init")
        ratios = _ratios([m.value for m in at.markdown])
        assert set(ratios) == {_label("relu", "glorot_uniform"), _label("relu", "he_normal")}
    else:
        # The next rerun sees the preset in the URL too.
        at.run()
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)


def test_every_control_can_be_changed() -> None:
    at = open_page(INFO, SMALL)
    switch = section_state(at)
    steps = [
        ("selectbox", "data", "circles"), ("slider", "n", 150), ("slider", "noise", 0.4),
        ("slider", "depth", 4), ("slider", "width", 8), ("multiselect", "act", ["relu", "gelu"]),
        ("selectbox", "init", "lecun_normal"), ("selectbox", "init2", "standard"),
        ("radio", "opt", "adam"), ("select_slider", "lr", 0.01), ("slider", "epochs", 6),
        ("select_slider", "batch", 1024), ("number_input", "seed", 5),
        ("selectbox", "init", "normal"), ("select_slider", "std", 0.5),
    ]
    # Each change also opens the next section in the same run, so every section runs with
    # changed controls; the section-1 readings are checked after the seed change.
    check = steps.index(("number_input", "seed", 5))
    for k, (kind, key, value) in enumerate(steps):
        view = TOUR[(k - check) % len(TOUR)]
        at.segmented_control(key=switch).set_value(view)
        getattr(at, kind)(key=key).set_value(value).run()
        _shown(at, view)
        assert bound_widgets(at)[key].value == value, key
        if k == check:
            assert set(_ratios([m.value for m in at.markdown])) == {
                _label(a, i) for a in ("relu", "gelu") for i in ("lecun_normal", "standard")}


def test_boundary_scrubber_reads_snapshots() -> None:
    # Opened first, the section trains the networks it shows.
    at = open_section(INFO, "boundary", {"n": "200", "epochs": "20", "act": "relu"})
    _shown(at, "boundary")
    scrub = next(s for s in at.select_slider if s.key.startswith("_at_"))
    final = [m.value for m in at.metric]
    scrub.set_value(0).run()
    assert not at.exception, errors_text(at)
    start = [m.value for m in at.metric]
    assert start != final  # epoch 0 (untrained) differs from epoch 20


def test_depth_sweep_runs_when_switched_on() -> None:
    shown = _tour({**SMALL, "depth": "4", "sweep": "true", "act": ["sigmoid", "relu"]},
                  views=("sweep", "init", "train", "boundary"))
    # 9 for two activations, plus the sweep's two.
    assert {v: s.charts for v, s in shown.items()} == {"sweep": 2, "init": 5, "train": 4, "boundary": 2}
    sweep = shown["sweep"].frames[-1]
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
    shown = _tour(query)  # every section, each without an exception
    assert not any(s.url_note for s in shown.values())
    assert all(shown[v].charts for v in ("init", "train", "boundary"))
    _no_bad_numbers(_all(shown, "frames"))
    words = " ".join(_all(shown, "error") + _all(shown, "warning"))
    if query.get("lr") == "10" or query.get("std") == "10":
        assert "diverged" in words
        # The scrubber still covers the full run; the diverged network shows its last state.
        assert any("Training stopped at epoch" in c for c in shown["boundary"].caption)
    if query.get("std") == "0.001":
        assert "underflow" in words


def test_bundled_data_uses_softmax_and_skips_the_boundary() -> None:
    shown = _tour({**SMALL, "data": "iris", "act": "relu"})
    infos = " ".join(shown["boundary"].info)
    assert "iris" in infos and "no plane" in infos
    assert any(EN("vanishing.output.softmax") in m for m in shown["boundary"].markdown)
    assert shown["boundary"].charts == 0


def test_tampered_url_and_inconsistent_choices() -> None:
    at = open_page(INFO, {**SMALL, "depth": "0", "lr": "0.05", "act": ["relu", "bogus"],
                          "init": "he_normal", "init2": "he_normal"})
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    w = bound_widgets(at)
    assert (w["depth"].value, w["lr"].value, w["act"].value) == (10, 0.1, ["relu"])
    # Same initialisation twice is not an error, but the page says it compares nothing.
    same = EN("vanishing.note.same_init", init=EN("common.option.init.he_normal"))  # its shown name
    assert same in [i.value for i in at.info]


def test_no_activation_chosen() -> None:
    # Even the training section trains and draws nothing; the switch stays usable.
    at = open_section(INFO, "train", {"act": ""})
    assert not at.exception, errors_text(at)
    assert EN("vanishing.note.no_act") in [w.value for w in at.warning]
    assert not charts(at)
    assert not at.header
    assert at.segmented_control(key=section_state(at)).value == "train"


def test_he_comparison_is_reported_honestly_when_it_does_not_hold() -> None:
    # One epoch is too short for either initialisation to learn: the page must not
    # claim He et al.'s result, and must say so (in the last section, the only one with verdicts).
    at = open_section(INFO, "explain", {"depth": "30", "act": "relu", "init": "glorot_uniform",
                                        "init2": "he_normal", "opt": "momentum", "lr": "0.01",
                                        "epochs": "1", "n": "100"})
    _shown(at, "explain")
    assert EN("vanishing.explain.he_not_here") in [w.value for w in at.warning]
    assert not at.success


def test_korean_page_shows_the_same_numbers() -> None:
    en = open_page(INFO, {**SMALL, "act": ["sigmoid", "relu"]})
    ko = open_page(INFO, {**SMALL, "act": ["sigmoid", "relu"], "lang": "ko"})
    assert not ko.exception, errors_text(ko)
    ko_text = " ".join(m.value for m in ko.markdown)
    ratios = _ratios([m.value for m in en.markdown])
    assert ratios
    ko_names = {EN(f"common.option.act.{a}"): Translator("ko")(f"common.option.act.{a}")
                for a in ("sigmoid", "relu")}
    for series, ratio in ratios.items():
        assert f"**{ko_names[series]}**" in ko_text and f"**{ratio:.2g}배**" in ko_text
    assert "**sigmoid**" not in ko_text


def test_every_chart_has_a_csv_and_every_trained_network_its_weights() -> None:
    # Every section that draws a chart or offers a download (section 5 has neither).
    shown = _tour({**SMALL, "depth": "4", "sweep": "true", "act": ["sigmoid", "relu"],
                   "init2": "glorot_uniform"}, views=("init", "train", "boundary", "sweep"))
    downloads = _all(shown, "downloads")
    labels = [label for label, _ in downloads]
    keys = [key for _, key in downloads]
    assert len(set(keys)) == len(keys)  # one key per chart and network, even in the loops
    # One CSV under every chart (4 series: 4 heatmaps and 4 boundaries), one .npz per series.
    assert labels.count(EN("common.export.csv")) == sum(s.charts for s in shown.values()) == 17
    assert labels.count(EN("common.export.npz")) == 4
    assert {"_npz_weights-relu-he_normal", "_npz_weights-relu-glorot_uniform",
            "_csv_signal-sigmoid-glorot_uniform", "_csv_boundary-relu-he_normal",
            "_csv_sweep-ratio", "_csv_init-gradient"} <= set(keys)


def _upload(X: np.ndarray, y: np.ndarray) -> dict:
    """This session's upload already parsed (as ui.upload stores it), for `_tour`."""
    return {"upload": (X, y, "abc")}


def test_uploaded_data_is_trained_on() -> None:
    X, y = load("circles", n_samples=120, noise=0.1, seed=3)
    shown = _tour({"data": "upload", "epochs": "5", "act": ["sigmoid", "relu"]}, **_upload(X, y))
    first = shown["init"]
    assert not first.url_note
    assert all(s.controls["data"] == "upload" for s in shown.values())
    captions = first.caption
    assert EN("common.upload.in_use") in captions
    assert EN("vanishing.note.upload", rows=120, classes=2) in captions
    setup = next(m for m in first.markdown if m.startswith("Every network"))
    assert "90 training and 30 test points of *your uploaded file*" in setup
    assert EN("vanishing.output.sigmoid") in setup
    # 5 at init; loss + accuracy + 2 heatmaps; 2 boundaries on the uploaded plane.
    assert sum(s.charts for s in shown.values()) == 11
    # The boundary maps show the uploaded points themselves.
    dots = [f for f in shown["boundary"].frames if "label" in f.columns]
    assert len(dots) == 2 and all(len(f) == len(X) for f in dots)
    _no_bad_numbers(_all(shown, "frames"))


def test_uploaded_multiclass_data_uses_softmax_and_says_why_no_boundary() -> None:
    X, _ = load("circles", n_samples=150, noise=0.1, seed=3)
    y = np.digitize(X[:, 0], np.quantile(X[:, 0], [1 / 3, 2 / 3]))  # 3 classes, 50 each
    shown = _tour({"data": "upload", "epochs": "3", "act": "relu"}, **_upload(X, y))
    setup = next(m for m in shown["init"].markdown if m.startswith("Every network"))
    assert EN("vanishing.output.softmax") in setup
    assert EN("vanishing.boundary.multi", classes=3) in shown["boundary"].info
    assert sum(s.charts for s in shown.values()) == 8  # no boundary map
    assert shown["boundary"].charts == 0
    assert EN("common.export.npz") in [label for label, _ in shown["train"].downloads]


def test_upload_chosen_but_nothing_uploaded_falls_back_to_moons() -> None:
    shown = _tour({**SMALL, "data": "upload", "act": "relu"})
    assert EN("common.upload.missing") in shown["init"].info
    setup = next(m for m in shown["init"].markdown if m.startswith("Every network"))
    assert f"of *{EN('common.option.data.moons')}*" in setup
    assert sum(s.charts for s in shown.values()) == 9
    assert shown["boundary"].charts == 1  # the moons boundary is drawn


def test_largest_request_is_cut_down_and_says_so() -> None:
    # Every size control at its maximum, a second initialisation and the sweep on.
    query = {"depth": "50", "width": "128", "n": "1000", "epochs": "300",
             "init2": "glorot_uniform", "sweep": "true"}
    shown = _tour(query)
    assert not any(s.url_note for s in shown.values())

    def capped(view: str) -> list[str]:
        return [w for w in shown[view].warning if "of the 300 epochs asked for" in w]

    # The trainings' note in every section (the setup line uses their epochs); the sweep's
    # own budget only in its section.
    assert {v: len(capped(v)) for v in TOUR} == {v: 2 if v == "sweep" else 1 for v in TOUR}
    allowed = int(re.search(r"\*\*(\d+)\*\* of the 300", capped("train")[0]).group(1))
    setup = next(m for m in shown["train"].markdown if m.startswith("Every network"))
    assert f"{allowed} epochs" in setup  # the page trains with what the guard allowed
    guard_init = EN("vanishing.guard.init", allowed=0, requested=0, seconds=0)[:40]
    assert any(w.startswith(guard_init) for w in shown["init"].warning)
    assert any("decision boundaries are kept at" in c for c in shown["boundary"].caption)
    # Every section still drawn: 5 + (2 + 6 heatmaps) + 6 boundaries + 2 sweep charts.
    assert sum(s.charts for s in shown.values()) == 21
    _no_bad_numbers(_all(shown, "frames"))


# ------------------------------------------------------------------------------ cures
def _cures(query: dict | None = None) -> Shown:
    # Five 50-layer networks trained cold: longer than a normal run, behind a progress bar.
    at = open_section(INFO, "cures", query or {}, timeout=600)
    shown = _shown(at, "cures")
    assert not shown.url_note
    return shown


def _per_layer(shown: Shown) -> pd.DataFrame:
    return next(f for f in shown.frames if "variant" in f.columns and "signal" in f.columns)


def test_cures_residual_paths_let_a_50_layer_sigmoid_net_learn() -> None:
    shown = _cures()  # the defaults: 50 sigmoid layers, the recipe of docs/science.md
    assert shown.charts == 3  # signal and spread at init, loss curves
    lines = " ".join(shown.markdown)
    for variant in ("plain", "+ residual", "+ layer norm", "+ batch norm", "+ residual + layer norm"):
        assert f"**{variant}**" in lines
    # The plain net does not learn and a residual one does, in every run and copy: said
    # because these runs show it.
    assert any(s.startswith("At 50 layers of sigmoid, the plain network learned in none of its 3 runs")
               and "+ residual" in s for s in shown.success), shown.success + shown.warning
    assert re.search(r"\*\*plain\*\*: learned in none of the 3 runs — test accuracy (4\d|5[0-5])%", lines)
    # Batch norm keeps the spread, the plain net loses it: measured, and said per variant.
    assert any(m.startswith("- **+ batch norm** keeps the differences") for m in shown.markdown)
    signal = _per_layer(shown)
    plain = signal[signal["variant"] == "plain"]["signal"].to_numpy()
    residual = signal[signal["variant"] == "+ residual"]["signal"].to_numpy()
    assert plain[0] / plain[-1] < 1e-6 < residual[0] / residual[-1]
    _no_bad_numbers(shown.frames)
    # In Korean the readings name the activation and the initialisation in Korean, not by code
    # (the same runs, kept by the cache: this costs one rerun).
    ko = Translator("ko")
    korean = _cures({"lang": "ko"})
    helped = next(s for s in korean.success if s.startswith(ko(
        "vanishing.cures.read.helped", depth=50, act=ko("common.option.act.sigmoid"), n=3,
        which="")[:12]))
    assert ko("common.option.act.sigmoid") in helped and "sigmoid" not in helped, helped
    assert any(ko("common.option.init.glorot_uniform") in c for c in korean.caption), korean.caption


def test_cures_a_plain_residual_relu_stack_explodes_and_the_page_says_why() -> None:
    shown = _cures({"cact": "relu"})
    words = " ".join(shown.warning + shown.error)
    assert "The residual network without normalisation overflowed" in words
    assert "+ residual: training diverged" in words
    assert any("+ residual + layer norm" in s for s in shown.success)


def test_cures_exploding_gradients_end_in_nan_and_clipping_keeps_weights_finite() -> None:
    shown = _cures({"cure": "explode", "cdepth": "30"})
    text = " ".join(shown.markdown + shown.error + shown.info)
    assert "NaN is the honest end of such a run" in text
    assert "its weights stayed finite" in text
    assert "What clipping does not fix" in text
    growth = re.search(r"hidden layer 1 is \*\*([^×*]+)×\*\*", text)
    assert growth and float(growth.group(1)) > 1e3  # the signal grows towards the input
    assert shown.charts == 2
    assert "_npz_weights-explode" in [k for _, k in shown.downloads]


def test_cures_clipping_off_trains_one_network() -> None:
    shown = _cures({"cure": "explode", "cdepth": "30", "clip": "false"})
    assert EN("vanishing.cures.read.clip_off") in shown.info
    loss = next(f for f in shown.frames if "loss" in f.columns)
    assert loss["run"].nunique() == 1


def test_cures_mixed_activations_show_where_the_signal_dies() -> None:
    shown = _cures({"cure": "mix", "cdepth": "20", "split": "10"})
    reading = next(m for m in shown.markdown if m.startswith("In the mixed network"))
    sig = float(re.search(r"sigmoid slopes of hidden layers 11–20, the signal shrinks to ([^×]+)×",
                          reading).group(1))
    relu = float(re.search(r"ReLU slopes of hidden layers 2–10, the signal [^(×]*?\(?([\d.e+-]+)×",
                           reading).group(1))
    assert sig < 1e-3 < relu  # the sigmoid half swallows the signal, the ReLU half passes it
    assert shown.charts == 1
    # A split beyond the depth: every layer uses the lower activation, and the page says so.
    capped = _cures({"cure": "mix", "cdepth": "5", "split": "40"})
    assert EN("vanishing.cures.split_capped", split=40, depth=5) in capped.caption


def test_an_upload_with_three_feature_columns_trains_on_all_of_them() -> None:
    X, y = load("circles", n_samples=120, noise=0.1, seed=3)
    X3 = np.column_stack([X, X[:, 0] * X[:, 1]])  # a third column the network can use
    shown = _tour({"data": "upload", "epochs": "3", "act": "relu"},
                  views=("init", "boundary"), upload=(X3, y, "three-columns"))
    assert EN("vanishing.note.upload", rows=120, classes=2) in shown["init"].caption
    # Not a plane any more: the boundary section says so instead of drawing two columns.
    assert shown["boundary"].charts == 0
    assert any("3 input features" in i for i in shown["boundary"].info)
