"""The Playground's share of the server: chunks sized by the compute guard's model, the
per-session play budget, and the one check of what the browser sends.

Costs here are the model's (``ui/guard.py``, fitted by ``benchmarks/guard.py``); nothing
is timed. ``now`` is injected wherever the budget is involved.
"""

from __future__ import annotations

import copy
import json
import math
import time

import numpy as np
import pytest
from apptest_utils import errors_text, open_page
from hypothesis import given, settings
from hypothesis import strategies as st

from core.datasets import DATASETS
from core.points import encode_points
from sections.playground import run as R
from sections.playground.data import PlaneData, builtin
from sections.playground.run import (
    CHUNK,
    CHUNK_SECONDS,
    CHUNK_SIZES,
    MAX_CTL,
    MAX_EPOCHS,
    MAX_PLAY,
    Command,
    PlayBudget,
    RunSpec,
    chunk_epochs_for,
    chunk_work,
    command,
    new_run,
    valid_command,
)
from sections.playground.settings import training_values
from ui import guard
from ui.frame import PAGES
from ui.i18n import Translator

PAGE = next(p for p in PAGES if p.name == "playground")
T = Translator("en")
ALL = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
#: The worst URL: eight layers of 16 ReLU units, every feature, batches of one.
WORST = {"data": "plane", "shape": ",".join(["16"] * 8), "act": "relu", "features": ",".join(ALL),
         "batch": "1", "train": "90"}


def _plane(name: str = "circle", train: int = 50) -> PlaneData:
    Xtr, ytr, Xte, yte = builtin(name, 0.0, 0, train)
    return PlaneData(name, name, DATASETS[name].task, Xtr, ytr, Xte, yte)


def _rows(n_train: int, n_test: int) -> PlaneData:
    """Points of these counts (the model only counts them)."""
    z = np.zeros((n_train, 2)), np.zeros(n_train), np.zeros((n_test, 2)), np.zeros(n_test)
    return PlaneData(f"rows{n_train}", "upload", "classification", *z)


def _spec(plane: PlaneData, chunk: int = CHUNK, **kw) -> RunSpec:
    return RunSpec(**training_values(**kw), data_key=plane.key, problem=plane.problem, chunk=chunk)


def _worst(plane: PlaneData, chunk: int = CHUNK) -> RunSpec:
    return _spec(plane, chunk, features=ALL, shape=(16,) * 8, acts=("relu",) * 8, batch=1)


def text(at) -> str:
    return "\n".join(e.value for kind in ("markdown", "info", "warning", "error", "caption")
                     for e in at.get(kind))


def payload(at) -> dict:
    (comp,) = at.get("bidi_component")
    proto = comp.proto
    return json.loads(proto.json if proto.WhichOneof("data") == "json" else proto.mixed.json)


def send(at, cmd: dict):
    at.session_state["_pg_cmd"] = cmd
    return at.run()


# ------------------------------------------------------------------ chunk sizes


def test_the_default_network_keeps_chunks_of_25_and_the_worst_case_shrinks() -> None:
    plane = _plane()
    default = _spec(plane)
    assert chunk_epochs_for(default, plane) == CHUNK
    assert chunk_work(default, plane).seconds() == pytest.approx(R.DEFAULT_CHUNK_SECONDS)
    worst_plane = _plane("plane", 90)
    worst = _worst(worst_plane)
    k = chunk_epochs_for(worst, worst_plane)
    assert k < CHUNK and k in CHUNK_SIZES
    # One epoch of 1,080 single-sample steps already costs about a default chunk:
    # the chunk is one epoch, some 25 times cheaper than the 25 epochs it was.
    assert k == 1
    assert chunk_work(worst, worst_plane, 1).seconds() < chunk_work(worst, worst_plane).seconds() / 20
    assert chunk_work(worst, worst_plane, 1).seconds() < 3 * R.DEFAULT_CHUNK_SECONDS


def test_chunk_sizes_divide_a_play_and_are_the_largest_that_fit() -> None:
    assert CHUNK_SIZES[0] == CHUNK and CHUNK_SIZES[-1] == 1
    assert all(MAX_PLAY % k == 0 for k in CHUNK_SIZES)
    assert list(CHUNK_SIZES) == sorted(CHUNK_SIZES, reverse=True)


@settings(max_examples=200, deadline=None)
@given(shape=st.lists(st.integers(1, 16), max_size=8), n_features=st.integers(1, 7),
       act=st.sampled_from(sorted(guard.ACT_WEIGHTS)), batch=st.integers(1, 30),
       n_train=st.integers(1, 4500), n_test=st.integers(0, 2500))
def test_no_chunk_costs_more_than_twice_the_defaults_unless_it_is_one_epoch(
        shape, n_features, act, batch, n_train, n_test) -> None:
    plane = _rows(n_train, n_test)
    spec = _spec(plane, features=ALL[:n_features], shape=tuple(shape), acts=(act,) * len(shape),
                 batch=batch)
    k = chunk_epochs_for(spec, plane)
    assert k in CHUNK_SIZES
    cost = chunk_work(spec, plane, k).seconds()
    assert cost <= CHUNK_SECONDS or k == 1
    bigger = [s for s in CHUNK_SIZES if s > k]
    if bigger:  # the next larger size would not fit
        assert chunk_work(spec, plane, min(bigger)).seconds() > CHUNK_SECONDS
    # Whatever the network, one chunk stays within one request's budget.
    assert cost <= guard.BUDGET


def test_the_dearest_epoch_the_page_allows_fits_one_request() -> None:
    plane = _rows(4500, 500)  # a 5,000-row upload, 90 % training
    spec = _spec(plane, features=ALL, shape=(16,) * 8, acts=("gelu",) * 8, batch=1)
    assert chunk_epochs_for(spec, plane) == 1
    assert chunk_work(spec, plane, 1).seconds() <= guard.BUDGET


def test_epoch_n_is_the_same_however_it_was_played_with_small_chunks() -> None:
    plane = _plane()
    a, b = new_run(_spec(plane, chunk=4), plane), new_run(_spec(plane, chunk=4), plane)
    assert a.chunk == 4
    command(a, plane, {"action": "play", "at": 0, "have": 0}, now=0.0)
    for i in range(1, 3):
        command(a, plane, {"action": "more", "have": 4 * i}, now=float(i))
    for e in range(12):
        command(b, plane, {"action": "step", "at": e}, now=100.0 + e)
    assert a.trained == b.trained == 12
    for epoch in (4, 7, 8, 12):  # the frames of the last two chunks are kept
        for wa, wb in zip(a.params[epoch].weights, b.params[epoch].weights, strict=True):
            assert np.array_equal(wa, wb)
        assert a.frames[epoch] == b.frames[epoch]


# ------------------------------------------------------------------ the play budget


def test_the_bucket_fills_drains_and_waits() -> None:
    b = PlayBudget(rate=1.0, burst=2.0)
    assert b.level(0.0) == 2.0 and b.allows(1.5, 0.0)
    b.spend(1.5, 0.0)
    assert b.level(0.0) == pytest.approx(0.5)
    assert not b.allows(1.0, 0.0) and b.wait(1.0, 0.0) == pytest.approx(0.5)
    assert b.allows(1.0, 0.5) and b.wait(1.0, 0.5) == 0.0
    assert b.level(100.0) == 2.0  # never more than the burst
    assert b.level(-5.0) == pytest.approx(0.5)  # a clock that steps back adds nothing
    # A chunk dearer than the whole bucket starts when the bucket is full, and leaves a debt.
    big = PlayBudget(rate=1.0, burst=2.0)
    big.spend(5.0, 0.0)
    assert big.level(0.0) == -3.0
    assert not big.allows(5.0, 4.9) and big.allows(5.0, 5.0)
    assert big.wait(5.0, 0.0) == pytest.approx(5.0)


@pytest.mark.parametrize("cost", [0.05, 0.3, 3.0])
def test_a_greedy_session_gets_its_share_and_no_more(cost: float) -> None:
    rate, burst = 0.2, 2.0
    b = PlayBudget(rate=rate, burst=burst)
    starts = []
    for i in range(12_000):  # asks every 50 ms for ten minutes
        now = i * 0.05
        if b.allows(cost, now):
            b.spend(cost, now)
            starts.append(now)
    spent = np.array(starts)
    for t0 in spent[::7]:
        for t1 in (t0 + 1, t0 + 30, t0 + 600):
            in_window = np.sum((spent >= t0) & (spent <= t1)) * cost
            assert in_window <= burst + rate * (t1 - t0) + max(cost - burst, 0) + cost + 1e-9
    # ...and over the ten minutes it spends its rate (less at most one chunk's wait).
    assert len(spent) * cost >= rate * 600 - 2 * cost


def test_a_play_waits_for_the_budget_and_the_page_is_told_once() -> None:
    plane = _plane()
    run = new_run(_spec(plane), plane)
    c = run.chunk_cost
    assert c == pytest.approx(R.DEFAULT_CHUNK_SECONDS + R.DEFAULT_SERVE_SECONDS)
    run.budget = PlayBudget(rate=c / 10, burst=1.5 * c)
    assert command(run, plane, {"action": "play", "at": 0, "have": 0}, now=0.0) == "app"
    assert run.trained == CHUNK and not run.paced
    # The bucket holds half a chunk: the next one waits, and the page is told (once).
    assert command(run, plane, {"action": "more", "have": CHUNK}, now=1.0) == "app"
    assert run.trained == CHUNK and run.paced and run.sent == []
    assert run.waited == pytest.approx((c - (0.5 * c + c / 10)) / (c / 10))
    assert command(run, plane, {"action": "more", "have": CHUNK}, now=2.0) == "fragment"
    assert run.trained == CHUNK
    later = 2.0 + run.waited + 0.01  # the wait counted from the last ask
    assert command(run, plane, {"action": "more", "have": CHUNK}, now=later) == "fragment"
    assert run.trained == 2 * CHUNK and run.waited == 0.0
    # Step trains through the same budget.
    run.playing = False
    command(run, plane, {"action": "step", "at": 2 * CHUNK}, now=later + 1)
    assert run.trained == 2 * CHUNK and run.pointer == 2 * CHUNK
    # A new press of Play starts a new play: told again if it waits again.
    assert command(run, plane, {"action": "play", "at": 2 * CHUNK, "have": 2 * CHUNK}, now=later + 2) == "app"
    assert run.paced


def _drained(at) -> None:
    """Empty this session's play budget (as a long play would)."""
    run = at.session_state["_pg_run"]
    run.budget.spend(run.budget.burst + 100 * run.budget.rate, time.monotonic())


def test_the_page_says_when_playing_waits_and_the_budget_outlives_a_run() -> None:
    at = open_page(PAGE)
    _drained(at)
    budget = at.session_state["_pg_run"].budget
    at = send(at, {"action": "play", "at": 0, "have": 0, "ctl": 1})
    assert not at.exception, errors_text(at)
    assert payload(at)["frames"][-1]["e"] == 0  # nothing trained: it waits
    assert 100.0 < payload(at)["wait"] < 102.0  # a hundred seconds of debt: told when to ask again
    rate = f"{60 * R.PLAY_RATE:.0f}"
    eps = min(R.FPS, CHUNK * R.PLAY_RATE / at.session_state["_pg_run"].chunk_cost)
    assert T("playground.paced", rate=rate, eps=f"{eps:.2g}", fps=R.FPS) in text(at)
    # Neither Reset nor a new setting gives the session a new budget.
    at = send(at, {"action": "reset", "ctl": 2})
    assert at.session_state["_pg_run"].budget is budget
    at.select_slider(key="lr").set_value(0.1).run()
    assert not at.exception, errors_text(at)
    assert at.session_state["_pg_run"].spec.lr == 0.1
    assert at.session_state["_pg_run"].budget is budget


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_worst_url_plays_one_epoch_a_chunk_and_says_so(lang: str) -> None:
    at = open_page(PAGE, {**WORST, "lang": lang})
    assert not at.exception, errors_text(at)
    t = Translator(lang)
    plane = _plane("plane", 90)
    ratio = chunk_work(_worst(plane), plane).seconds() / R.DEFAULT_CHUNK_SECONDS
    note = t("playground.chunk_small", chunk=1, full=CHUNK, ratio=f"{ratio:.2g}")
    assert note in [i.value for i in at.info]
    assert payload(at)["chunk"] == 1
    assert t("playground.limits", chunk=1, play="1,000", total="10,000",
             rate=f"{60 * R.PLAY_RATE:.0f}") in text(at)
    at = send(at, {"action": "play", "at": 0, "have": 0, "ctl": 1})
    assert not at.exception, errors_text(at)
    assert [f["e"] for f in payload(at)["frames"]] == [1]
    # The default network has no such note.
    at = open_page(PAGE, {"lang": lang})
    assert not any(i.value.startswith(t("playground.chunk_small").split("{")[0]) for i in at.info)
    assert payload(at)["chunk"] == CHUNK


# ------------------------------------------------------------------ commands


HUGE = 2**70
HOSTILE = [
    (None, None), ([], None), ("play", None), (7, None), ({}, None),
    ({"action": "fly"}, None), ({"action": ["play"]}, None), ({"action": 1}, None),
    ({"action": None}, None), ({"action": {"play": 1}}, None), ({"action": "PLAY"}, None),
    ({"action": "play"}, Command("play")),
    ({"action": "play", "at": HUGE, "have": 2**200, "ctl": 10**400},
     Command("play", MAX_CTL, MAX_EPOCHS, MAX_EPOCHS)),
    ({"action": "more", "at": -HUGE, "have": -1, "ctl": -5}, Command("more", 0, 0, 0)),
    ({"action": "pause", "at": float("nan"), "have": float("inf"), "ctl": float("-inf")},
     Command("pause")),
    ({"action": "pause", "at": 1e308, "have": 12.9, "ctl": 3.5}, Command("pause", 3, MAX_EPOCHS, 12)),
    ({"action": "step", "at": True, "have": False, "ctl": True}, Command("step")),
    ({"action": "step", "at": "12", "have": "1e3", "ctl": "7"}, Command("step")),
    ({"action": "step", "at": [1], "have": {"x": 1}, "ctl": [[[]]]}, Command("step")),
    ({"action": "click", "x1": 1.5, "x2": -2}, Command("click", x1=1.5, x2=-2.0)),
    ({"action": "click", "x1": HUGE, "x2": 10**400}, Command("click")),
    ({"action": "click", "x1": float("nan"), "x2": "1"}, Command("click")),
    ({"action": "reset", "ctl": 4, "junk": {"deep": [1, {"x": None}]}}, Command("reset", 4)),
]


@pytest.mark.parametrize(("raw", "expected"), HOSTILE)
def test_hostile_commands_are_checked_in_one_place(raw, expected) -> None:
    assert valid_command(raw) == expected


def test_hostile_commands_change_a_run_safely() -> None:
    plane = _plane()
    run = new_run(_spec(plane), plane)
    for i, (raw, _) in enumerate(HOSTILE):
        if isinstance(raw, dict) and raw.get("action") in ("reset", "click"):
            continue  # the page handles those (tests below)
        command(run, plane, raw, now=10.0 * i)
        assert 0 <= run.pointer <= run.trained <= MAX_EPOCHS
        assert run.pointer in run.frames


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
commands = st.dictionaries(
    st.sampled_from(["action", "at", "have", "ctl", "x1", "x2"]) | st.text(max_size=5),
    json_values | st.sampled_from(R.ACTIONS), max_size=7) | json_values


@pytest.mark.slow  # fuzz: random JSON through the page's command check
@settings(max_examples=300, deadline=None)
@given(raw=commands)
def test_any_json_a_client_sends_is_checked_or_dropped(raw) -> None:
    cmd = valid_command(raw)
    if cmd is None:
        return
    assert cmd.action in R.ACTIONS
    assert isinstance(cmd.ctl, int) and 0 <= cmd.ctl <= MAX_CTL
    for v in (cmd.at, cmd.have):
        assert v is None or (type(v) is int and 0 <= v <= MAX_EPOCHS)
    for v in (cmd.x1, cmd.x2):
        assert v is None or (type(v) is float and math.isfinite(v))


@settings(max_examples=60, deadline=None)
@given(raw=commands)
def test_any_json_leaves_a_run_consistent(raw) -> None:
    plane = _plane()
    run = _consistent_run(plane)
    command(run, plane, raw, now=1000.0)
    assert 0 <= run.pointer <= run.trained and run.pointer in run.frames


_RUNS: dict = {}


def _consistent_run(plane: PlaneData) -> R.Run:
    """A run that has trained one chunk and may train no more (so examples stay fast)."""
    if "run" not in _RUNS:
        run = new_run(_spec(plane), plane)
        R.train_chunk(run, plane, now=0.0)
        _RUNS["run"] = run
    run = copy.deepcopy(_RUNS["run"])
    run.budget = PlayBudget(rate=1e-9, burst=1e-9)
    run.budget.spend(1.0, 0.0)
    return run


def test_hostile_commands_through_the_page() -> None:
    at = open_page(PAGE)
    for raw in ({"action": "play", "at": HUGE, "have": 2**200, "ctl": 10**400},
                {"action": "more", "have": -HUGE, "ctl": "x"},
                {"action": ["pause"], "at": 3},
                {"action": "pause", "at": HUGE, "ctl": HUGE},
                {"action": "step", "at": float("inf"), "ctl": {"a": [1]}},
                {"action": "click", "x1": 10**400, "x2": HUGE}):
        at = send(at, raw)
        assert not at.exception, (raw, errors_text(at))
        data = payload(at)
        assert 0 <= data["pointer"] <= MAX_EPOCHS and data["ctl"] <= MAX_CTL
    # A click with coordinates too large for a float, on a page where clicks draw points.
    at = open_page(PAGE, {"data": "draw", "points": encode_points([(1, 1, 1)])})
    at = send(at, {"action": "click", "x1": 10**400, "x2": 2**1100, "ctl": 1})
    assert not at.exception, errors_text(at)
    at = send(at, {"action": "click", "x1": -3.0, "x2": 2.0, "ctl": 2})
    assert not at.exception, errors_text(at)


def test_a_request_for_more_trains_two_chunks_of_a_small_network_and_one_of_a_large() -> None:
    plane = _plane()
    run = new_run(_spec(plane, shape=(4, 2), acts=("tanh", "tanh")), plane)  # a small network
    assert run.per_request == R.REQUEST_CHUNKS == 2
    command(run, plane, {"action": "play", "at": 0, "have": 0}, now=0.0)
    assert run.trained == CHUNK  # Play: one chunk, so that the first frame comes soon
    command(run, plane, {"action": "more", "have": CHUNK}, now=1.0)
    assert run.trained == 3 * CHUNK and run.sent == list(range(CHUNK + 1, 3 * CHUNK + 1))
    # Frames of two requests are kept, for a pause at any epoch the browser may show.
    assert min(run.frames) <= CHUNK
    big = _plane("spiral", 90)
    worst = new_run(_worst(big), big)
    assert worst.per_request == 1


def test_the_browser_is_told_how_long_to_wait_for_the_budget() -> None:
    plane = _plane()
    run = new_run(_spec(plane), plane)
    c = run.chunk_cost
    run.budget = PlayBudget(rate=c / 10, burst=1.5 * c)
    command(run, plane, {"action": "play", "at": 0, "have": 0}, now=0.0)
    assert R.wait_hint(run, 0.5) == 0.0  # not waiting yet
    command(run, plane, {"action": "more", "have": CHUNK}, now=1.0)
    assert run.paced and R.wait_hint(run, 1.0) == pytest.approx(run.waited)
    assert R.wait_hint(run, 1.0 + run.waited) == pytest.approx(0.0, abs=1e-9)
    run.playing = False
    assert R.wait_hint(run, 1.0) == 0.0
