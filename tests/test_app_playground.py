"""The Playground page: controls and URL keys, a pasted TensorFlow Playground link, drawn
points, playback commands, and what a play sends the browser.

The component's buttons live in the browser (tests/test_browser_playground.py presses
them); here a command is handed to the page the way the component's callback does,
through ``st.session_state["_pg_cmd"]``.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import re
import time
from dataclasses import fields, replace
from urllib.parse import parse_qsl

import numpy as np
import pytest
from apptest_utils import (
    ENTRY,
    ROOT,
    TIMEOUT,
    bound_widgets,
    charts,
    errors_text,
    export_buttons,
    open_page,
    url_note_shown,
)
from streamlit.testing.v1 import AppTest

from core.features import expand
from core.init import unit_spread
from core.mlp import MLP
from core.network_view import network_view
from core.playground_link import PLAYGROUND_DEFAULTS
from core.points import decode_points, encode_points
from sections.playground import run as play_run
from sections.playground.data import PlaneData, builtin, scaled
from sections.playground.frames import CHUNK_BYTES, F32_MAX, encode, next_frame, reading
from sections.playground.play import (
    EXPERIMENTS,
    GROWTH,
    SAME_UNITS,
    blowup,
    divergence_text,
    gradient_reading,
    layer_signal,
    symmetry_reading,
)
from sections.playground.run import (
    CHUNK,
    MAX_EPOCHS,
    REQUEST_CHUNKS,
    RunSpec,
    chunk_seed,
    command,
    new_run,
    train_chunk,
)
from sections.playground.settings import CONTROLS, DEFAULTS, LINK_KEYS, Training, training_values
from ui.frame import PAGES
from ui.i18n import Translator, catalog
from ui.literal import literal

PAGE = next(p for p in PAGES if p.name == "playground")
T = Translator("en")
SPIRAL_LINK = ("https://playground.tensorflow.org/#activation=sigmoid&batchSize=10&dataset=spiral"
               "&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0"
               "&networkShape=6,6,4&seed=0.71562&showTestData=false&discretize=false"
               "&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false"
               "&cosX=false&sinX=true&cosY=false&sinY=true&collectStats=false"
               "&problem=classification&initZero=false&hideText=false")


def payload(at) -> dict:
    """The data the page sent the playground component in this run."""
    (comp,) = at.get("bidi_component")
    proto = comp.proto
    return json.loads(proto.json if proto.WhichOneof("data") == "json" else proto.mixed.json)


def send(app, action: str, **fields):
    """What the component's callback does: hand a command to the next run."""
    app.session_state["_pg_cmd"] = {"action": action, "ctl": 1, **fields}
    return app.run()


def text(at) -> str:
    return "\n".join(e.value for kind in ("markdown", "info", "warning", "error", "caption")
                     for e in at.get(kind))


def floats(b64: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype="<f4")


# ------------------------------------------------------------------ the page as it opens


#: The page opens on its lesson: six sigmoid layers of six units, gradient view on.
DEFAULT_SIZES = [2, 6, 6, 6, 6, 6, 6, 1]
DEFAULT_ACTS = ["sigmoid"] * 6


def test_defaults_are_the_lesson_and_the_network_is_at_epoch_zero() -> None:
    at = open_page(PAGE)
    assert not at.exception, errors_text(at)
    data = payload(at)
    assert data["static"]["sizes"] == DEFAULT_SIZES  # features x1, x2; six layers; one output
    assert data["mode"] == "paused" and [f["e"] for f in data["frames"]] == [0]
    assert data["problem"] == "classification" and data["extent"] == 6.0
    # Playground's circle: 500 points, half of them for training, as (x1, x2, label) triples
    assert len(data["points"]["train"]) == 3 * 250 and len(data["points"]["test"]) == 3 * 250
    assert data["text"]["epoch"] == "Epoch {n}"
    assert data["net"]["acts"] == DEFAULT_ACTS and data["view"]["grad"] is True
    assert "Epoch **0**" in text(at)
    # At epoch 0 there is no curve yet: a word instead of a one-point chart; the file stays.
    assert len(charts(at)) == 0 and len(export_buttons(at, "npz")) == 1
    assert T("playground.curve.none") in text(at)
    # The reading says, from this run, that the gradient fades on its way to the input.
    assert T("playground.grad_fades") in text(at)
    assert T("playground.output_line") in text(at)
    widgets = bound_widgets(at)
    for key in ("data", "noise", "train", "batch", "features", "shape", "act", "acts", "residual",
                "init", "lr", "reg", "reg_rate", "seed", "show_test", "discretize", "grad"):
        assert key in widgets, key


def test_korean_counter_and_labels() -> None:
    at = open_page(PAGE, {"lang": "ko"})
    assert not at.exception, errors_text(at)
    data = payload(at)
    assert data["text"]["epoch"] == "에포크 {n}"
    assert data["text"]["play"] == Translator("ko")("playground.ui.play")


def _exported(monkeypatch) -> list[dict]:
    """Record the settings inside every ``.npz`` the page offers (the file is made on
    click, so the recorder makes it at once and opens it)."""
    import ui.export

    seen: list[dict] = []
    draw = ui.export._download

    def recording(box, label, data, slug, ext, mime, icon) -> None:
        if ext == "npz":
            seen.append(json.loads(str(np.load(io.BytesIO(data()))["settings"])))
        draw(box, label, data, slug, ext, mime, icon)

    monkeypatch.setattr(ui.export, "_download", recording)
    return seen


#: Every control of the page through the URL (a row added to CONTROLS must be added here),
#: except the three that only drawn points have.
EVERY_CONTROL = {"data": "xor", "noise": "0.3", "train": "70", "batch": "5", "features": "x1,x2,x1x2",
                 "shape": "3,3,3", "act": "relu", "acts": "relu,elu,tanh", "residual": "true",
                 "init": "he_normal", "init_zero": "true", "lr": "0.1", "reg": "l2",
                 "reg_rate": "0.001", "seed": "7", "show_test": "true", "discretize": "true",
                 "grad": "true"}


def test_every_control_through_the_url(monkeypatch) -> None:
    assert set(CONTROLS.keys) - set(EVERY_CONTROL) == {"problem", "brush", "value"}
    exported = _exported(monkeypatch)
    at = open_page(PAGE, EVERY_CONTROL)
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    data = payload(at)
    assert data["static"]["sizes"] == [3, 3, 3, 3, 1]
    assert data["net"]["acts"] == ["ReLU", "ELU", "tanh"]  # acts overrides act, one per layer
    assert data["view"] == {"grad": True, "show_test": True, "discretize": True, "draw": False}
    assert len(data["points"]["train"]) == 3 * 350  # 70 % of Playground's 500
    w = bound_widgets(at)
    assert w["lr"].value == 0.1 and w["reg"].value == "l2" and w["seed"].value == 7
    # at epoch 0 the network's file is there, and no one-point loss chart; its settings
    # say what trained it: every row the table stores
    assert T("playground.curve.none") in text(at) and len(export_buttons(at, "npz")) == 1
    (settings,) = exported
    assert settings == {**settings, **{
        "data": "xor", "noise": 0.3, "train_percent": 70, "batch_size": 5,
        "features": ["x1", "x2", "x1x2"], "activation": ["relu", "elu", "tanh"], "residual": True,
        "init": "he_normal", "init_zero": True, "lr": 0.1, "reg": "l2", "reg_rate": 0.001,
        "seed": 7, "sizes": [3, 3, 3, 3, 1], "epochs": 0, "page": "playground"}}
    stored = {row.stored for row in CONTROLS if row.stored}
    assert stored <= set(settings), stored - set(settings)


def test_the_control_table_is_the_one_place() -> None:
    """What the page derives from its table agrees with what reads it elsewhere."""
    assert set(training_values()) == {f.name for f in fields(Training)}
    assert RunSpec(**training_values(), data_key="circle", problem="classification", chunk=CHUNK)
    # What a link can say (a link without a seed has none: Playground would draw one) ...
    assert set(LINK_KEYS) | {"problem"} == set(PLAYGROUND_DEFAULTS) | {"seed"}
    # ... and the page's defaults are Playground's, but for the network the lesson opens on:
    # six sigmoid layers of six (a pasted link still gets Playground's own).
    shared = set(LINK_KEYS) & set(PLAYGROUND_DEFAULTS) - {"act", "shape"}
    assert {k: DEFAULTS[k] for k in shared} == {k: PLAYGROUND_DEFAULTS[k] for k in shared}
    assert (DEFAULTS["act"], DEFAULTS["shape"], DEFAULTS["grad"]) == ("sigmoid", "6,6,6,6,6,6", True)
    assert (PLAYGROUND_DEFAULTS["act"], PLAYGROUND_DEFAULTS["shape"]) == ("tanh", "4,2")
    for row in CONTROLS:
        assert T.has(row.label), row.key
        assert Translator("ko").has(row.label), row.key
        assert row.help is None or T.has(row.help), row.key


@pytest.mark.parametrize("shape, sizes", [("", [2, 1]), ("16,16,16,16,16,16,16,16", [2, *[16] * 8, 1]),
                                          ("1", [2, 1, 1])])
def test_shape_extremes(shape: str, sizes: list[int]) -> None:
    at = open_page(PAGE, {"shape": shape} if shape else {"shape": ""})
    assert not at.exception, errors_text(at)
    assert payload(at)["static"]["sizes"] == sizes


@pytest.mark.parametrize("query", [{"shape": "4,x"}, {"shape": "1,2,3,4,5,6,7,8,9"}, {"shape": "17"},
                                   {"acts": "relu"}, {"acts": "relu,nope"},
                                   {"features": "x1,cosx1"}, {"features": "x1,x1"}])
def test_free_text_values_are_checked(query: dict) -> None:
    at = open_page(PAGE, query)
    assert not at.exception, errors_text(at)
    assert url_note_shown(at), query
    data = payload(at)
    assert data["static"]["sizes"] == DEFAULT_SIZES  # back to the defaults
    assert data["net"]["acts"] == DEFAULT_ACTS


def test_regression_uses_identity_and_squared_error() -> None:
    at = open_page(PAGE, {"data": "multigauss"})
    assert not at.exception, errors_text(at)
    data = payload(at)
    assert data["problem"] == "regression"
    assert len(data["points"]["train"]) == 3 * 600  # Playground's 1200 regression points
    values = np.array(data["points"]["train"][2::3])
    assert values.min() < -0.5 and values.max() > 0.5  # real-valued targets, not classes


def test_our_own_sets_are_scaled_into_the_plane() -> None:
    Xtr, ytr, Xte, yte = builtin("moons", 0.2, 0, 50)
    both = np.concatenate([Xtr, Xte])
    assert np.isclose(np.abs(both).max(), 5.0) and len(ytr) == len(yte) == 250
    assert np.allclose(scaled(np.array([[1.0, -2.0]])), [[2.5, -5.0]])


# ------------------------------------------------------------------ a TensorFlow Playground link


def test_a_playground_link_sets_every_control_after_one_rerun() -> None:
    at = open_page(PAGE, {"lr": "1", "residual": "true"})
    box = at.text_input(key="_pg_link")
    assert "TensorFlow Playground" in box.label
    box.set_value(SPIRAL_LINK).run()
    assert not at.exception, errors_text(at)
    url = dict(at.query_params)
    assert url["data"] == "spiral" and url["shape"] == "6,6,4"
    assert url["features"] == "x1,x2,sinx1,sinx2"
    assert "lr" not in url and "residual" not in url  # Playground's 0.03; ours back to default
    data = payload(at)
    assert data["static"]["sizes"] == [4, 6, 6, 4, 1]
    assert data["net"]["acts"] == ["sigmoid"] * 3
    assert data["view"]["grad"] is False  # as Playground shows it: the weights
    assert bound_widgets(at)["seed"].value == 8350  # sha256("0.71562") -> our seed
    assert not url_note_shown(at)


def test_a_link_that_leaves_keys_out_gets_playgrounds_defaults_not_the_lesson() -> None:
    # Playground's own defaults are tanh, 4,2: a pasted link without activation or shape
    # opens exactly that, not the page's sigmoid lesson, and shows the weights.
    at = open_page(PAGE)
    at.text_input(key="_pg_link").set_value(
        "https://playground.tensorflow.org/#dataset=xor&learningRate=0.1").run()
    assert not at.exception, errors_text(at)
    data = payload(at)
    assert data["static"]["sizes"] == [2, 4, 2, 1] and data["net"]["acts"] == ["tanh", "tanh"]
    assert data["view"]["grad"] is False
    assert dict(at.query_params)["data"] == "xor"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_one_click_from_sigmoid_to_relu_and_the_reading_follows_the_run(lang: str) -> None:
    tr = Translator(lang)
    at = open_page(PAGE, {"lang": lang})
    assert not at.exception, errors_text(at)
    sigmoid = at.button(key="_pg_quick_sigmoid")
    assert sigmoid.disabled and not at.button(key="_pg_quick_relu").disabled
    before = _grad_ratio(text(at), tr)
    assert before < 0.01  # six sigmoid layers: the first gets under 1% of the last's gradient
    at.button(key="_pg_quick_relu").click().run()
    assert not at.exception, errors_text(at)
    assert payload(at)["net"]["acts"] == ["ReLU"] * 6
    assert dict(at.query_params)["act"] == "relu"
    after = _grad_ratio(text(at), tr)
    assert after > 10 * before  # the same network with ReLU: far less fading
    assert at.button(key="_pg_quick_relu").disabled


def _grad_ratio(page: str, tr: Translator) -> float:
    """The factor the gradient reading states (first hidden layer over the last)."""
    marks = tr("playground.reading_grad", ratio="\x00", last="\x01", verdict="\x02")
    pattern = re.escape(marks).replace("\x00", "([0-9.e+-]+)").replace("\x01", ".*?").replace(
        "\x02", "")
    found = re.search(pattern, page)
    assert found, page
    return float(found.group(1))


def test_link_garbage_gets_the_usual_note() -> None:
    at = open_page(PAGE)
    at.text_input(key="_pg_link").set_value(SPIRAL_LINK + "&bogus=1&learningRate=0.5").run()
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    notes = " ".join(w.value for w in at.warning)
    assert literal("bogus") in notes and literal("learningRate") in notes
    assert dict(at.query_params)["data"] == "spiral"  # the usable keys still apply
    at.text_input(key="_pg_link").set_value("not a link at all").run()
    assert url_note_shown(at) and not at.exception


def test_link_hide_keys_hide_our_controls_and_buttons() -> None:
    at = open_page(PAGE)
    at.text_input(key="_pg_link").set_value(SPIRAL_LINK + "&playButton_hide=true&dataset_hide=true").run()
    at.run()
    assert not at.exception, errors_text(at)
    assert "data" not in bound_widgets(at)
    assert payload(at)["hidden"] == ["play"]


def test_classroom_hide_keys() -> None:
    at = open_page(PAGE, {"hide": "all", "step_hide": "true"})
    assert not at.exception, errors_text(at)
    assert not [k for k in bound_widgets(at) if k != "lang"]
    assert payload(at)["hidden"] == ["step"]
    at = open_page(PAGE, {"lr_hide": "true", "features_hide": "true", "features": "x1,sinx1"})
    assert "lr" not in bound_widgets(at) and "features" not in bound_widgets(at)
    assert payload(at)["static"]["sizes"][0] == 2  # pinned value from the URL


# ------------------------------------------------------------------ drawn points


def test_drawn_points_from_the_url_and_a_click() -> None:
    points = encode_points([(1, 1, 1), (-1, -1, 0)])
    at = open_page(PAGE, {"data": "draw", "points": points})
    assert not at.exception, errors_text(at)
    data = payload(at)
    assert data["view"]["draw"] and data["points"]["train"] == [1.0, 1.0, 1.0, -1.0, -1.0, 0.0]
    assert data["points"]["test"] == []
    at = send(at, "click", x1=3.0, x2=-2.5)
    assert not at.exception, errors_text(at)
    after = dict(at.query_params)["points"]
    assert [tuple(p) for p in decode_points(after).points] == [(1, 1, 1), (-1, -1, 0), (3.0, -2.5, 1)]
    at = send(at, "click", x1=1.05, x2=0.95)  # on the first point: removes it
    assert len(decode_points(dict(at.query_params)["points"]).points) == 2


def test_drawing_starts_on_an_empty_plane() -> None:
    at = open_page(PAGE, {"data": "draw"})
    assert not at.exception, errors_text(at)
    assert T("playground.draw.empty") in text(at)
    assert payload(at)["frames"] == []
    at = send(at, "click", x1=0.5, x2=0.5)
    assert decode_points(dict(at.query_params)["points"]).points == ((0.5, 0.5, 1),)
    assert [f["e"] for f in payload(at)["frames"]] == [0]


def test_regression_points_and_bad_points() -> None:
    pts = encode_points([(2, 2, 0.5)], "regression")
    at = open_page(PAGE, {"data": "draw", "problem": "regression", "points": pts})
    assert not at.exception and not url_note_shown(at)
    assert payload(at)["problem"] == "regression"
    at = open_page(PAGE, {"data": "draw", "points": pts})  # classification, regression points
    assert url_note_shown(at)
    at = open_page(PAGE, {"data": "draw", "points": "!!garbage"})
    assert url_note_shown(at) and not at.exception


def test_a_hundred_points_is_the_most() -> None:
    grid = [(x / 2, y / 2, (x + y) % 2) for x in range(-5, 5) for y in range(-5, 5)]
    at = open_page(PAGE, {"data": "draw", "points": encode_points(grid)})
    at = send(at, "click", x1=5.9, x2=5.9)
    assert not at.exception, errors_text(at)
    assert T("playground.draw.full") in text(at)
    assert len(decode_points(dict(at.query_params)["points"]).points) == 100


# ------------------------------------------------------------------ playback commands


def test_step_play_more_pause() -> None:
    at = open_page(PAGE, {"shape": "4,2", "act": "tanh"})  # Playground's network
    at = send(at, "step", at=0)
    assert "Epoch **1**" in text(at) and payload(at)["pointer"] == 1
    at = send(at, "play", at=1, have=1)
    data = payload(at)
    assert data["mode"] == "playing"
    epochs = [f["e"] for f in data["frames"]]
    last = epochs[-1]
    # every epoch after the one shown, up to the end of a chunk, at least a chunk ahead
    assert epochs == list(range(2, last + 1)) and last % CHUNK == 0 and len(epochs) >= CHUNK
    play_run_wait()
    at = send(at, "more", have=last)  # two chunks a request, for this small network
    assert [f["e"] for f in payload(at)["frames"]] == list(range(last + 1, last + REQUEST_CHUNKS * CHUNK + 1))
    at = send(at, "pause", at=30)
    data = payload(at)
    assert data["mode"] == "paused" and data["pointer"] == 30 and [f["e"] for f in data["frames"]] == [30]
    assert "Epoch **30**" in text(at)
    at = send(at, "reset")
    assert payload(at)["pointer"] == 0 and "Epoch **0**" in text(at)


def _spec(**kw) -> RunSpec:
    """Playground's default network (4,2 tanh; the page opens on a deeper one), seed 3,
    the control table's other defaults, with `kw` changed."""
    where = {k: kw.pop(k) for k in ("data_key", "problem", "chunk") if k in kw}
    return RunSpec(**training_values(**{"seed": 3, "shape": (4, 2), "acts": ("tanh", "tanh"),
                                        **kw}),
                   **{"data_key": "circle", "problem": "classification", "chunk": CHUNK, **where})


def _plane(name: str = "circle", seed: int = 3) -> PlaneData:
    Xtr, ytr, Xte, yte = builtin(name, 0.0, seed, 50)
    return PlaneData(name, name, "classification", Xtr, ytr, Xte, yte)


def test_epoch_n_is_the_same_however_it_was_played() -> None:
    plane = _plane()
    a, b = new_run(_spec(), plane), new_run(_spec(), plane)
    command(a, plane, {"action": "play", "at": 0, "have": 0}, now=0.0)
    command(a, plane, {"action": "more", "have": CHUNK}, now=1.0)  # two chunks at once
    for e in range(3 * CHUNK):  # b: one Step at a time, with pauses in between
        command(b, plane, {"action": "step", "at": e}, now=float(e))
    assert a.trained == b.trained == 3 * CHUNK and b.pointer == 3 * CHUNK
    for epoch in (7, CHUNK, 2 * CHUNK, 3 * CHUNK):
        for wa, wb in zip(a.params[epoch].weights, b.params[epoch].weights, strict=True):
            assert np.array_equal(wa, wb)
        assert a.frames[epoch] == b.frames[epoch]
    assert chunk_seed(3, 1) == chunk_seed(3, 1) != chunk_seed(3, 2)


def test_a_session_gets_at_most_one_chunk_per_interval_and_one_play_is_capped(monkeypatch) -> None:
    plane = _plane()
    run = new_run(_spec(), plane)
    command(run, plane, {"action": "play", "at": 0, "have": 0}, now=100.0)
    command(run, plane, {"action": "more", "have": CHUNK}, now=100.05)  # too soon: nothing trained
    assert run.trained == CHUNK and run.sent == []
    monkeypatch.setattr(play_run, "MAX_PLAY", 2 * CHUNK)
    command(run, plane, {"action": "more", "have": CHUNK}, now=101.0)
    command(run, plane, {"action": "more", "have": 2 * CHUNK}, now=102.0)
    assert run.trained == 2 * CHUNK and run.stop == "play_cap"
    command(run, plane, {"action": "play", "at": 2 * CHUNK, "have": 2 * CHUNK}, now=103.0)
    assert run.trained == 3 * CHUNK and run.stop is None  # a new press plays on


def play_run_wait() -> None:
    """Let the page's per-session interval between chunks pass (MIN_INTERVAL)."""
    time.sleep(play_run.MIN_INTERVAL + 0.01)


def test_the_largest_network_keeps_a_chunk_under_a_megabyte() -> None:
    query = {"shape": ",".join(["16"] * 8), "features": "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2"}
    at = open_page(PAGE, query)
    at = send(at, "play", at=0, have=0)
    assert not at.exception, errors_text(at)
    data = payload(at)
    size = len(json.dumps(data))
    assert size < 1_000_000 and len(json.dumps(data["frames"])) <= CHUNK_BYTES * 1.1
    # a chunk of this dear network is shorter than the default's (tests/test_play_cost.py)
    assert data["stride"] >= 1 and data["frames"][-1]["e"] == data["chunk"] <= CHUNK
    frame = data["frames"][-1]
    sizes = data["static"]["sizes"]
    assert len(floats(frame["w"])) == sum(a * b for a, b in itertools.pairwise(sizes))
    assert len(floats(frame["gh"])) == sum(sizes)


def test_uploads_two_classes_or_fall_back() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    at = open_page(PAGE, {"data": "upload"}, upload=(X, (X[:, 0] > 0).astype(np.int64), "two"))
    assert not at.exception, errors_text(at)
    assert len(payload(at)["points"]["train"]) == 3 * 30
    at = open_page(PAGE, {"data": "upload"}, upload=(X, rng.integers(0, 3, 60), "three"))
    assert not at.exception
    assert T("playground.data.classes") in text(at)
    assert len(payload(at)["points"]["train"]) == 3 * 250  # Playground's circle instead


def test_the_gradient_reading_is_computed_from_the_frame_shown() -> None:
    deep = {"data": "spiral", "act": "sigmoid", "shape": "6,6,6,6,6,6", "features": "x1,x2,sinx1,sinx2"}
    at = open_page(PAGE, deep)
    frame = payload(at)["frames"][0]
    signal = layer_signal(at.session_state["_pg_run"].readings[frame["e"]])
    assert len(signal) == 6
    ratio = signal[0] / signal[-1]
    assert ratio < 0.1  # sigmoid at initialisation: the signal fades towards the input
    assert f"**{ratio:.3g}×**" in text(at) and T("playground.grad_fades") in text(at)
    at = open_page(PAGE, {**deep, "residual": "true"})
    assert T("playground.grad_keeps") in text(at)  # the skips carry it back
    # the norm of a layer is the root of the sum of its units' squared norms
    Xtr, ytr, _, _ = builtin("spiral", 0.0, 0, 50)
    net = MLP([4, *[6] * 6, 1], activation="sigmoid", output="sigmoid", init="glorot_uniform", seed=0)
    trace = net.backward_trace(expand(Xtr, ["x1", "x2", "sinx1", "sinx2"]), ytr)
    expected = [np.linalg.norm(d) for d in trace.dh[1:]]
    assert np.allclose(signal, expected, rtol=1e-5)


def test_a_pinned_view_has_no_link_box() -> None:
    at = open_page(PAGE, {"hide": "all"})
    assert not [b for b in at.text_input if b.key == "_pg_link"]
    at = open_page(PAGE)
    assert [b for b in at.text_input if b.key == "_pg_link"]


def test_an_uploaded_regression_target() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 2))
    at = AppTest.from_file(str(ROOT / ENTRY), default_timeout=TIMEOUT)
    at.session_state["_user_regression"] = {"X": X, "y": X[:, 0] - X[:, 1], "digest": "reg",
                                            "name": "mine.csv"}
    at.query_params.update({"data": "upload"})
    at.switch_page(PAGE.script)
    at.run()
    assert not at.exception, errors_text(at)
    data = payload(at)
    assert data["problem"] == "regression" and len(data["points"]["train"]) == 3 * 40


def test_clicks_off_the_plane_change_nothing_and_the_limits_are_stated() -> None:
    at = open_page(PAGE, {"data": "draw", "points": encode_points([(1, 1, 1)])})
    at = send(at, "click", x1=float("nan"), x2=9.0)
    assert not at.exception, errors_text(at)
    assert len(decode_points(dict(at.query_params)["points"]).points) == 1
    assert T("playground.draw.full") not in text(at)
    run = at.session_state["_pg_run"]
    assert run.per_request == 1  # the opening network's frames fill a message: one chunk a request
    assert T("playground.limits", chunk=run.chunk, play="1,000", total="10,000",
             rate=f"{60 * play_run.PLAY_RATE:.0f}") in text(at)


def test_the_sidebar_reset_puts_every_control_back() -> None:
    at = open_page(PAGE, {"features": "x1,sinx1", "shape": "3", "data": "draw",
                          "points": encode_points([(1, 1, 1)])})
    at.button(key="_reset").click().run()
    assert not at.exception, errors_text(at)
    assert dict(at.query_params) == {}
    assert at.multiselect(key="features").value == ["x1", "x2"]
    assert payload(at)["static"]["sizes"] == DEFAULT_SIZES


# ------------------------------------------------------------------ readings that follow from the run


def link_query(key: str, **extra: str) -> dict[str, str]:
    """The query of one of the page's one-click experiments, with settings changed."""
    return {**dict(parse_qsl(EXPERIMENTS[key], keep_blank_values=True)), **extra}


def played(query: dict, lang: str = "en", chunks: int = 1):
    """Open the page at `query` and press Play, asking for `chunks` chunks (fewer if it stops);
    then pause at the last epoch received, as the browser does. Returns (app, frames)."""
    at = open_page(PAGE, {**query, "lang": lang})
    frames = {f["e"]: f for f in payload(at)["frames"]}
    at = send(at, "play", at=0, have=0)
    for n in range(chunks):
        data = payload(at)
        frames.update({f["e"]: f for f in data["frames"]})
        if data["stop"] or n == chunks - 1:
            break
        play_run_wait()
        at.session_state["_pg_cmd"] = {"action": "more", "have": max(frames), "ctl": 1}
        at.run()
    at = send(at, "pause", at=max(frames))
    assert not at.exception, errors_text(at)
    return at, frames


def dead_count(frame: dict) -> int:
    return sum(1 for row in frame["d"] if row[4])


@pytest.mark.parametrize("seed, lang", [("0", "en"), ("1", "ko"), ("2", "en")])
def test_the_dead_relu_link_shows_units_dying(seed: str, lang: str) -> None:
    """Played through the page, the one-click "ReLU with a large learning rate" kills units:
    the dead count rises clearly within the first chunk, at the link's seed and others."""
    at, frames = played(link_query("dead", seed=seed), lang)
    first, last = dead_count(frames[0]), dead_count(frames[max(frames)])
    assert last >= first + 5 and last >= 2 * max(first, 1), (first, last)
    t = Translator(lang)
    epoch = max(frames)
    born = sum(1 for row in frames[epoch]["d"] if row[4] and row[3] == 0)
    assert t("playground.reading_dead", n=last, total=24, born=born) in text(at)
    # A hidden layer all dead is said, and then the network does give every training
    # point the same output (exactly: the layer passes on zeros).
    dead = {row[0] for row in frames[epoch]["d"] if row[4]}
    whole = [layer for layer in (1, 2, 3) if all(2 + 8 * (layer - 1) + u in dead for u in range(8))]
    warnings = " ".join(w.value for w in at.warning)
    assert (t("playground.dead_layer", layer=whole[0]) in warnings) if whole else \
        ("playground.dead_layer" not in warnings)
    run = at.session_state["_pg_run"]
    net = run.net.copy()
    net.set_params(run.params[epoch])
    X_train = builtin("circle", 0.0, int(seed), 50)[0]
    out = net.forward(X_train)
    assert (np.ptp(out) == 0) == bool(whole)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_zero_link_keeps_each_layer_one_unit_copied(lang: str) -> None:
    """Playground's initZero, played through the page: at the epoch shown every hidden
    layer's units are still copies (so the network is a one-unit-per-layer network, whose
    boundary is a straight line: no circle), and the reading says so from that network."""
    at, frames = played(link_query("zero"), lang, chunks=2)
    epoch = max(frames)
    assert epoch >= 2 * CHUNK - 1
    run = at.session_state["_pg_run"]
    params = run.params[epoch]
    assert max(unit_spread(params.weights, params.biases)) <= SAME_UNITS
    assert np.abs(params.weights[0]).min() > 0  # every weight has moved, all units alike
    assert Translator(lang)("playground.zero.same", epoch=epoch, units=6) in text(at)
    # The same outputs from one unit per layer: 2 -> 1 -> 1 -> 1.
    (W0, W1, W2), (b0, b1, b2) = params.weights, params.biases
    narrow = MLP([2, 1, 1, 1], activation="tanh", output="sigmoid")
    narrow.set_params([W0[:, :1], 4 * W1[:1, :1], 2 * W2[:1, :]], [b0[:1], b1[:1], b2])
    net = run.net.copy()
    net.set_params(params)
    X = builtin("circle", 0.0, 0, 50)[0]
    np.testing.assert_allclose(net.forward(X), narrow.forward(X), rtol=1e-12, atol=1e-12)


def test_a_random_start_has_no_copies_and_no_symmetry_reading() -> None:
    at, frames = played(link_query("zero", init_zero="false"))
    run = at.session_state["_pg_run"]
    params = run.params[max(frames)]
    assert min(unit_spread(params.weights, params.biases)) > 0.1
    assert "Every weight started at zero" not in text(at)
    # and the rule that picks the reading: a layer whose units drifted apart is named
    drifted = replace(run, spec=replace(run.spec, init_zero=True))
    assert symmetry_reading(drifted, max(frames), T) == T(
        "playground.zero.apart", epoch=max(frames), layers="1, 2",
        spread=f"{max(unit_spread(params.weights, params.biases)):.1e}")


def test_explode_link_blames_the_step_it_measured() -> None:
    """The one-click explode link diverges at epoch 1 from a step ~4x the weights' size; the
    gradient did not grow from layer to layer, and the message says so (both languages)."""
    query = link_query("explode")
    for lang in ("en", "ko"):
        t = Translator(lang)
        at, frames = played(query, lang, chunks=3)
        data = payload(at)
        assert data["stop"]["kind"] == "diverged"
        diverged = data["stop"]["epoch"]
        assert diverged <= 2  # "training diverges at once", as the link says
        error = " ".join(e.value for e in at.error)
        assert t("playground.diverged", epoch=diverged) in error
        before = max(e for e in frames if e < diverged)
        signal = layer_signal(at.session_state["_pg_run"].readings[before])
        ratio = signal[0] / signal[-1]
        assert ratio < GROWTH  # nothing grew from layer to layer ...
        assert f"**{ratio:.3g}×**" in error or f"**{ratio:.3g}배**" in error
        link = "/vanishing?view=cures&cure=explode" + ("" if lang == "en" else "&lang=ko")
        assert t("playground.explode.step", explode=link) in error  # ... the step was too large
        for wrong in ("growth", "both", "unclear"):
            assert t(f"playground.explode.{wrong}", at=before, growth="10", explode=link) not in error


def _diverged_run(data: str, **kw):
    """A run trained chunk by chunk until it stops, as a play does (no page around it)."""
    plane = _plane(data, seed=kw.get("seed", 0))
    run = new_run(_spec(**kw), plane)
    for _ in range(4):
        if not train_chunk(run, plane, now=0.0):
            break
    return run, plane


_EXPLODE = dict(shape=(16,) * 6, acts=("relu",) * 6, init="he_normal", lr=10.0,
                features=("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"))


@pytest.mark.parametrize("kw, cause", [
    # A residual ReLU net: every block adds its branch, the gradient grows ×1.5 a layer on
    # its way back (×23 in all), while one step changes the weights by 0.7× their size.
    (dict(shape=(16,) * 8, acts=("relu",) * 8, residual=True, init="he_uniform", lr=0.1, seed=0),
     "growth"),
    # The same network at a larger rate: both.
    (dict(shape=(16,) * 8, acts=("relu",) * 8, residual=True, init="he_uniform", lr=1.0, seed=0),
     "both"),
    # The explode link at other seeds: no growth (He keeps a plain ReLU net's gradient
    # level); at seed 3 a step 1.6x the weights' size, at seed 1 one of 0.2x: neither
    # stands out at epoch 0, and the page says so instead of naming a cause.
    (dict(data="spiral", **_EXPLODE, seed=3), "step"),
    (dict(data="spiral", **_EXPLODE, seed=1), "unclear"),
])
def test_the_divergence_message_names_the_cause_the_run_shows(kw: dict, cause: str) -> None:
    run, plane = _diverged_run(**{"data": "circle", **kw})
    assert run.diverged_at is not None
    b = blowup(run, len(plane.y_train))
    assert b is not None and b.cause == cause, b
    assert b.epoch == max(e for e in run.frames if e < run.diverged_at)
    signal = layer_signal(run.readings[b.epoch])
    assert b.ratio == pytest.approx(signal[0] / signal[-1])
    assert (b.ratio > GROWTH) == (cause in ("growth", "both"))
    assert (b.step >= 1) == (cause in ("step", "both"))
    for lang in ("en", "ko"):
        t = Translator(lang)
        message = divergence_text(run, len(plane.y_train), t)
        assert t(f"playground.explode.{cause}", at=b.epoch, growth="10",
                 explode=f"/vanishing?view=cures&cure=explode{'' if lang == 'en' else '&lang=ko'}") in message
        # residual networks that grew are told why skips can make the gradient grow
        assert (t("playground.explode.residual", residual="X").split("[")[0] in message) == \
            (cause in ("growth", "both"))


def test_the_residual_explode_network_is_said_to_be_mostly_dead_and_its_gradients_overflow() -> None:
    """With residual=true the explode link does not diverge, but 90-odd of 96 units die and the
    gradient reaches ~1e51, beyond float32: the page says both, and sends no infinity."""
    for lang in ("en", "ko"):
        t = Translator(lang)
        at, frames = played(link_query("explode", residual="true"), lang)
        frame = frames[max(frames)]
        assert payload(at)["stop"] is None  # not diverged
        dead = dead_count(frame)
        assert dead > 96 / 2
        assert t("playground.dead_most", n=dead, total=96) in " ".join(w.value for w in at.warning)
        gh = floats(frame["gh"])
        assert np.all(np.isfinite(gh)) and np.any(gh == np.float32(F32_MAX))  # clipped, not inf
        r = at.session_state["_pg_run"].readings[frame["e"]]
        signal = layer_signal(r)
        assert np.all(np.isfinite(signal)) and signal.max() > F32_MAX  # the reading has float64
        assert r.beyond_f32
        assert t("playground.grad_beyond_f32") in text(at)
        assert t("playground.reading_grad", ratio=f"{signal[0] / signal[-1]:.3g}", last=f"{signal[-1]:.3g}",
                 verdict=t("playground.grad_keeps")) in text(at)


@pytest.mark.parametrize("acts, lr, dies", [(("relu",) * 3, 3.0, True), (("leaky_relu",) * 3, 1.0, False),
                                            (("elu",) * 3, 1.0, False), (("gelu",) * 3, 3.0, False),
                                            (("silu",) * 3, 3.0, False), (("sigmoid",) * 3, 3.0, None)])
def test_dead_marks_only_on_units_that_can_die(acts: tuple, lr: float, dies: bool | None) -> None:
    """ReLU units with z <= 0 on every point are dead; Leaky ReLU's and ELU's are below zero
    (marked, not dead: their slope there is not 0); sigmoid's are not marked."""
    plane = _plane("circle", seed=0)
    run = new_run(_spec(shape=(8, 8, 8), acts=acts, lr=lr, seed=0), plane)
    train_chunk(run, plane, now=0.0)
    rows = [row for f in run.frames.values() for row in f["d"]]
    if dies is None:
        assert rows == []
        return
    assert len({row[0] for row in rows}) >= 2, "the setting should mark some units"
    for node, max_z, gets, _since, dead, frozen in rows:
        assert 2 <= node < 26 and max_z <= 0 and dead == int(dies) and frozen in (0, 1)
        if dies:
            assert gets == 0  # ReLU: no gradient reaches a dead unit's weights


@pytest.mark.parametrize("act, lr, lang", [("leaky_relu", "1", "en"), ("gelu", "3", "ko")])
def test_the_page_says_below_zero_not_dead(act: str, lr: str, lang: str) -> None:
    """Leaky ReLU (or GELU) on the circle, 8,8,8, at a large rate leaves units below zero on
    every point; the page counts them as below zero, never as dead (their slope is not 0)."""
    t = Translator(lang)
    at, frames = played({"data": "circle", "act": act, "shape": "8,8,8", "lr": lr}, lang)
    frame = frames[max(frames)]
    assert frame["d"] and not any(row[4] for row in frame["d"])
    assert t("playground.reading_below", n=len(frame["d"]), total=24) in text(at)
    template = catalog(lang)["playground.reading_dead"]
    literal = max(re.split(r"\{\w+\}", template), key=len)  # its longest fixed words
    assert len(literal) > 10 and literal not in text(at)


@pytest.mark.parametrize("query", [EXPERIMENTS["relu"], EXPERIMENTS["dead"],
                                   "data=xor&act=relu&shape=4,4,4&lr=1&seed=2"])
def test_a_dead_unit_that_comes_back_is_never_one_said_to_stay_dead(query: str) -> None:
    """The tooltip's rule: a first-layer dead unit (no penalty) stays dead for good; a deeper
    one can come back when the layers below it change. Check it on every epoch of a play."""
    q = dict(parse_qsl(query, keep_blank_values=True))
    shape = tuple(int(w) for w in q["shape"].split(","))
    features = tuple(q.get("features", "x1,x2").split(","))
    plane = _plane(q["data"], seed=int(q.get("seed", 0)))
    run = new_run(_spec(shape=shape, acts=(q["act"],) * len(shape), lr=float(q.get("lr", 0.03)),
                        init=q.get("init", "glorot_uniform"), features=features,
                        seed=int(q.get("seed", 0))), plane)
    seen = {0: run.frames[0]}
    for _ in range(2):
        train_chunk(run, plane, now=0.0)
        seen.update(run.frames)
    first_layer = range(len(features), len(features) + shape[0])
    epochs = sorted(seen)
    revived = 0
    for a, b in itertools.pairwise(epochs):
        dead_a = {row[0] for row in seen[a]["d"] if row[4]}
        dead_b = {row[0] for row in seen[b]["d"] if row[4]}
        for node in dead_a:
            if node in first_layer:
                assert node in dead_b, f"first-layer unit {node} came back at epoch {b}"
            elif node not in dead_b:
                revived += 1
    if query == EXPERIMENTS["relu"]:
        assert revived > 0  # deeper units do come back here: "it can come back" is shown on screen


def test_step_moves_by_what_its_label_says() -> None:
    """Step goes to the next kept frame: `stride` epochs, or to the end of a chunk first."""
    plane = _plane("spiral")
    spec = _spec(shape=(16,) * 6, acts=("relu",) * 6, features=("x1", "x2", "x1sq", "x2sq", "x1x2",
                                                                     "sinx1", "sinx2"), lr=0.03)
    run = new_run(spec, plane)
    assert run.stride == 2  # the explode experiment's network: frames every 2 epochs
    at = 0
    for _ in range(16):
        expected = next_frame(at, run.stride, run.chunk, MAX_EPOCHS)
        command(run, plane, {"action": "step", "at": at}, now=float(at))
        assert run.pointer == expected, (at, run.pointer)
        at = run.pointer
    assert 25 in [next_frame(e, 2, 25, MAX_EPOCHS) for e in (24,)]  # a chunk's end comes first
    assert next_frame(25, 2, 25, MAX_EPOCHS) == 26 and next_frame(26, 2, 25, MAX_EPOCHS) == 28
    assert next_frame(9_999, 2, 25, MAX_EPOCHS) == MAX_EPOCHS


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_step_label_templates_say_how_many_epochs(lang: str) -> None:
    t = Translator(lang)
    at = open_page(PAGE, {"data": "spiral", "act": "relu", "shape": "16,16,16,16,16,16",
                          "features": "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2", "lang": lang})
    data = payload(at)
    assert data["stride"] == 2 and data["chunk"] == CHUNK and data["max_epochs"] == MAX_EPOCHS
    assert data["text"]["step_one"] == t("playground.ui.step_one")
    assert "{n}" in data["text"]["step_many"] and "1" in data["text"]["step_one"]


def test_frames_send_values_beyond_float32_as_its_largest_and_the_readings_keep_float64() -> None:
    plane = _plane()
    net = MLP([2, 4, 3, 1], activation="relu", output="sigmoid", init="he_normal", seed=0)

    def view(scale: float = 1e45) -> dict:
        v = network_view(net, plane.X_train, plane.y_train, ["x1", "x2"], extent=6.0)
        v["grad_h"] = v["grad_h"] * scale
        v["grad_w"] = [g * scale for g in v["grad_w"]]
        v["layer_signal"] = v["layer_signal"] * scale
        return v

    norms = layer_signal(reading(view(1.0)))
    frame = encode(view(), 0, None, {})
    gh, gw = floats(frame["gh"]), floats(frame["gw"])
    assert np.all(np.isfinite(gh)) and np.all(np.isfinite(gw))
    assert gh.max() == np.float32(F32_MAX) and gw.max() == np.float32(F32_MAX)
    big = reading(view())
    assert np.allclose(layer_signal(big), norms * 1e45, rtol=1e-12) and big.beyond_f32
    assert not reading(view(1.0)).beyond_f32
    huge = view()
    huge["layer_signal"][0] = np.inf  # hidden layer 1 beyond even float64
    overflowed = reading(huge)
    json.dumps(encode(huge, 0, None, {}), allow_nan=False)
    silent = reading(view(0.0))
    for lang in ("en", "ko"):
        t = Translator(lang)
        said = gradient_reading(big, t)
        assert said is not None and said.endswith(t("playground.grad_beyond_f32"))
        assert gradient_reading(overflowed, t) == t("playground.grad_overflow", layer=1)
        assert gradient_reading(silent, t) == t("playground.grad_none")


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("key, typed", [("shape", "4,x"), ("shape", "[a](https://e.example)"),
                                        ("acts", "relu,nope")])
def test_a_typed_value_the_page_cannot_use_is_said_beside_the_box(lang: str, key: str, typed: str) -> None:
    """Typed (not from a link): the page says it is not used, shows it literally, and runs."""
    at = open_page(PAGE, {"lang": lang})
    box = next(b for b in at.text_input if b.key == key)
    box.set_value(typed).run()
    assert not at.exception, errors_text(at)
    t = Translator(lang)
    reason = t(f"playground.controls.{key}_bad")
    said = [w.value for w in at.warning if reason in w.value]
    assert len(said) == 1, [w.value for w in at.warning]
    assert literal(typed) in said[0]  # shown as a code span, never as a link
    assert "](" not in said[0].replace(literal(typed), "")
    # The network is the one the message names: the default shape, one activation.
    defaults = open_page(PAGE, {"lang": lang})
    assert payload(at)["static"]["sizes"] == payload(defaults)["static"]["sizes"]
    assert payload(at)["net"]["acts"] == payload(defaults)["net"]["acts"]
