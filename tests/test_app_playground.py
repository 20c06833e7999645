"""The Playground page: controls and URL keys, a pasted TensorFlow Playground link, drawn
points, playback commands, and what a play sends the browser.

The component's buttons live in the browser (tests/test_browser_playground.py presses
them); here a command is handed to the page the way the component's callback does,
through ``st.session_state["_pg_cmd"]``.
"""

from __future__ import annotations

import base64
import itertools
import json
import time

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
from core.mlp import MLP
from core.points import decode_points, encode_points
from sections.playground import run as play_run
from sections.playground.data import PlaneData, builtin, scaled
from sections.playground.frames import CHUNK_BYTES
from sections.playground.play import layer_signal
from sections.playground.run import CHUNK, RunSpec, chunk_seed, command, new_run, train_chunk
from ui.frame import PAGES
from ui.i18n import Translator
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


def test_defaults_are_playgrounds_and_the_network_is_at_epoch_zero() -> None:
    at = open_page(PAGE)
    assert not at.exception, errors_text(at)
    data = payload(at)
    assert data["static"]["sizes"] == [2, 4, 2, 1]  # features x1, x2; shape 4,2; one output
    assert data["mode"] == "paused" and [f["e"] for f in data["frames"]] == [0]
    assert data["problem"] == "classification" and data["extent"] == 6.0
    # Playground's circle: 500 points, half of them for training, as (x1, x2, label) triples
    assert len(data["points"]["train"]) == 3 * 250 and len(data["points"]["test"]) == 3 * 250
    assert data["text"]["epoch"] == "Epoch {n}"
    assert data["net"]["acts"] == ["tanh", "tanh"]
    assert "Epoch **0**" in text(at)
    assert len(charts(at)) == 1 and len(export_buttons(at, "npz")) == 1
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


def test_every_control_through_the_url() -> None:
    query = {"data": "xor", "noise": "0.3", "train": "70", "batch": "5", "features": "x1,x2,x1x2",
             "shape": "3,3,3", "act": "relu", "acts": "relu,elu,tanh", "residual": "true",
             "init": "he_normal", "lr": "0.1", "reg": "l2", "reg_rate": "0.001", "seed": "7",
             "show_test": "true", "discretize": "true", "grad": "true"}
    at = open_page(PAGE, query)
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    data = payload(at)
    assert data["static"]["sizes"] == [3, 3, 3, 3, 1]
    assert data["net"]["acts"] == ["ReLU", "ELU", "tanh"]  # acts overrides act, one per layer
    assert data["view"] == {"grad": True, "show_test": True, "discretize": True, "draw": False}
    assert len(data["points"]["train"]) == 3 * 350  # 70 % of Playground's 500
    w = bound_widgets(at)
    assert w["lr"].value == 0.1 and w["reg"].value == "l2" and w["seed"].value == 7
    # the settings of the exported network say what trained it
    assert T("playground.curve.title", epoch=0) in text(at)


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
    assert data["static"]["sizes"] == [2, 4, 2, 1]  # back to the defaults
    assert data["net"]["acts"] == ["tanh", "tanh"]


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
    assert url["data"] == "spiral" and url["act"] == "sigmoid" and url["shape"] == "6,6,4"
    assert url["features"] == "x1,x2,sinx1,sinx2"
    assert "lr" not in url and "residual" not in url  # Playground's 0.03; ours back to default
    data = payload(at)
    assert data["static"]["sizes"] == [4, 6, 6, 4, 1]
    assert data["net"]["acts"] == ["sigmoid"] * 3
    assert bound_widgets(at)["seed"].value == 8350  # sha256("0.71562") -> our seed
    assert not url_note_shown(at)


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
    at = open_page(PAGE)
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
    at = send(at, "more", have=last)
    assert [f["e"] for f in payload(at)["frames"]] == list(range(last + 1, last + CHUNK + 1))
    at = send(at, "pause", at=30)
    data = payload(at)
    assert data["mode"] == "paused" and data["pointer"] == 30 and [f["e"] for f in data["frames"]] == [30]
    assert "Epoch **30**" in text(at)
    at = send(at, "reset")
    assert payload(at)["pointer"] == 0 and "Epoch **0**" in text(at)


def _spec(**kw) -> RunSpec:
    base = dict(data_key="circle", problem="classification", features=("x1", "x2"), shape=(4, 2),
                acts=("tanh", "tanh"), residual=False, init="glorot_uniform", lr=0.03, batch=10,
                reg="none", reg_rate=0.0, seed=3, chunk=CHUNK)
    return RunSpec(**{**base, **kw})


def _plane(name: str = "circle", seed: int = 3) -> PlaneData:
    Xtr, ytr, Xte, yte = builtin(name, 0.0, seed, 50)
    return PlaneData(name, name, "classification", Xtr, ytr, Xte, yte)


def test_epoch_n_is_the_same_however_it_was_played() -> None:
    plane = _plane()
    a, b = new_run(_spec(), plane), new_run(_spec(), plane)
    command(a, plane, {"action": "play", "at": 0, "have": 0}, now=0.0)
    command(a, plane, {"action": "more", "have": CHUNK}, now=1.0)
    for e in range(2 * CHUNK):  # b: one Step at a time, with pauses in between
        command(b, plane, {"action": "step", "at": e}, now=float(e))
    assert a.trained == b.trained == 2 * CHUNK and b.pointer == 2 * CHUNK
    for epoch in (7, CHUNK, 2 * CHUNK):
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


def test_divergence_stops_and_explains_exploding() -> None:
    query = {"data": "spiral", "act": "relu", "shape": "16,16,16,16,16,16", "lr": "10",
             "init": "he_normal", "features": "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2"}
    at = open_page(PAGE, query)
    at = send(at, "play", at=0, have=0)
    for _ in range(6):
        data = payload(at)
        if data["stop"]:
            break
        at.session_state["_pg_cmd"] = {"action": "more", "have": data["frames"][-1]["e"], "ctl": 1}
        play_run_wait()
        at.run()
    data = payload(at)
    assert data["stop"]["kind"] == "diverged"
    diverged = data["stop"]["epoch"]
    at = send(at, "pause", at=diverged)
    assert not at.exception, errors_text(at)
    errors = " ".join(e.value for e in at.error)
    assert f"epoch {diverged}" in errors and "exploding" in errors and "/vanishing?view=cures" in errors


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
    assert data["stride"] >= 1 and data["frames"][-1]["e"] == CHUNK
    frame = data["frames"][-1]
    sizes = data["static"]["sizes"]
    assert len(floats(frame["w"])) == sum(a * b for a, b in itertools.pairwise(sizes))
    assert len(floats(frame["gh"])) == sum(sizes)


def test_dead_units_are_marked_only_where_dead_means_something() -> None:
    plane = _plane()
    relu = new_run(_spec(acts=("relu", "relu")), plane)
    train_chunk(relu, plane, now=0.0)
    sig = new_run(_spec(acts=("sigmoid", "sigmoid")), plane)
    train_chunk(sig, plane, now=0.0)
    assert all(d == [] for d in (f["d"] for f in sig.frames.values()))
    for f in relu.frames.values():
        for node, max_z, gets, since in f["d"]:
            assert 2 <= node < 8 and max_z <= 0 and gets == 0 and since <= f["e"]


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
    sizes = payload(at)["static"]["sizes"]
    signal = layer_signal(sizes, frame)
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
    assert T("playground.limits", chunk=CHUNK, play="1,000", total="10,000") in text(at)


def test_the_sidebar_reset_puts_every_control_back() -> None:
    at = open_page(PAGE, {"features": "x1,sinx1", "shape": "3", "data": "draw",
                          "points": encode_points([(1, 1, 1)])})
    at.button(key="_reset").click().run()
    assert not at.exception, errors_text(at)
    assert dict(at.query_params) == {}
    assert at.multiselect(key="features").value == ["x1", "x2"]
    assert payload(at)["static"]["sizes"] == [2, 4, 2, 1]
