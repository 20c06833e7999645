"""Chunks shared by the sessions playing one network (``sections/playground/timeline.py``).

A class opens one link and presses Play: the first session to reach a chunk trains it,
the others take it from the store, and every one of them sees the same network at every
epoch as a session playing alone. Costs are the model's; nothing is timed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from apptest_utils import errors_text, open_page
from test_play_cost import PAGE, _plane, _spec, payload

from sections.playground import run as R
from sections.playground.run import CHUNK, PlayBudget, command, new_run
from sections.playground.timeline import TIMELINES, Timelines

#: Chunks each play below trains: enough to cross the frames kept (``KEEP_CHUNKS``).
CHUNKS = 5


def _play(run: R.Run, plane, chunks: int = CHUNKS) -> R.Run:
    """Play `chunks` chunks, asking for more as the browser does (the budget never binds)."""
    run.budget = PlayBudget(rate=1e9, burst=1e9)
    command(run, plane, {"action": "play", "at": 0, "have": 0}, now=0.0)
    t = 1.0
    while run.trained < chunks * run.chunk and run.stop is None:
        command(run, plane, {"action": "more", "have": run.trained}, now=t)
        t += 1.0
    return run


def _same_run(a: R.Run, b: R.Run) -> None:
    """Two runs at the same epoch hold the same network, losses, frames and readings."""
    assert a.trained == b.trained and a.diverged_at == b.diverged_at and a.stop == b.stop
    for wa, wb in zip(a.net.get_params(), b.net.get_params(), strict=True):
        for x, y in zip(wa, wb, strict=True):
            np.testing.assert_array_equal(x, y)  # bit for bit: the same arithmetic
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    np.testing.assert_array_equal(a.test_loss, b.test_loss)
    assert a.dead_since == b.dead_since
    common = set(a.frames) & set(b.frames)
    assert common
    for e in common:
        assert a.frames[e] == b.frames[e]
        np.testing.assert_array_equal(a.readings[e].signal, b.readings[e].signal)


def test_a_second_session_takes_every_chunk_and_trains_none() -> None:
    plane = _plane()
    first = _play(new_run(_spec(plane), plane), plane)
    trained = TIMELINES.trained
    assert trained == CHUNKS
    second = _play(new_run(_spec(plane), plane), plane)
    assert TIMELINES.trained == trained  # nothing trained again
    assert TIMELINES.shared >= CHUNKS
    _same_run(first, second)


def test_a_shared_timeline_is_the_timeline_played_alone() -> None:
    """Sessions that took some chunks from the store and trained others end where a
    session that trained every chunk itself ends, to the last bit."""
    plane = _plane("spiral")
    spec = _spec(plane, shape=(6, 6, 6), acts=("relu",) * 3)
    alone = _play(new_run(spec, plane), plane, 2)
    TIMELINES.clear()
    alone = _play(alone, plane, 2 * CHUNKS)  # the rest trained with an empty store
    TIMELINES.clear()
    leader = _play(new_run(spec, plane), plane, 3)
    follower = _play(new_run(spec, plane), plane, 3)  # chunks 1-3 from the store
    TIMELINES.clear()
    follower = _play(follower, plane, 2 * CHUNKS)  # then trains its own from the network it took
    _same_run(alone, follower)
    assert leader.trained == 3 * leader.chunk


def test_a_taken_chunk_is_charged_what_sending_it_costs() -> None:
    plane = _plane()
    _play(new_run(_spec(plane), plane), plane, 2)
    run = new_run(_spec(plane), plane)
    assert 0 < run.serve_cost < run.chunk_cost / 3
    assert R.next_cost(run) == run.serve_cost  # its first chunk is in the store
    run.budget = PlayBudget(rate=1.0, burst=10.0)
    command(run, plane, {"action": "play", "at": 0, "have": 0}, now=0.0)
    assert run.budget.level(0.0) == pytest.approx(10.0 - run.serve_cost)
    # A budget that could not pay for training pays for a taken chunk.
    def poor() -> PlayBudget:
        b = PlayBudget(rate=1e-6, burst=5 * run.serve_cost)
        b.spend(run.serve_cost, 0.0)  # not full: a chunk dearer than the bucket waits
        return b

    assert 5 * run.serve_cost < run.chunk_cost
    taker = new_run(_spec(plane), plane)
    taker.budget = poor()
    command(taker, plane, {"action": "play", "at": 0, "have": 0}, now=0.0)
    assert taker.trained == CHUNK and not taker.paced
    TIMELINES.clear()
    alone = new_run(_spec(plane), plane)
    alone.budget = poor()
    assert R.next_cost(alone) == alone.chunk_cost
    command(alone, plane, {"action": "play", "at": 0, "have": 0}, now=0.0)
    assert alone.trained == 0 and alone.paced  # it must train, and the budget does not hold that


def test_a_diverging_run_is_shared_with_its_stop() -> None:
    """The one-click explode experiment (``play.EXPERIMENTS``) diverges in its first chunk."""
    plane = _plane("spiral")
    spec = _spec(plane, features=("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"),
                 shape=(16,) * 6, acts=("relu",) * 6, lr=10.0, init="he_normal")
    spec = replace(spec, chunk=R.chunk_epochs_for(spec, plane))
    first = _play(new_run(spec, plane), plane)
    assert first.stop == "diverged" and first.diverged_at is not None
    trained = TIMELINES.trained
    second = _play(new_run(spec, plane), plane)
    assert TIMELINES.trained == trained
    _same_run(first, second)


def test_the_store_keeps_the_latest_chunks_within_its_bytes() -> None:
    plane = _plane()
    store = Timelines()
    run = new_run(_spec(plane), plane)
    chunks = []
    for i in range(4):
        chunk, trained = store.fetch(("k", i), lambda: R._train(run, plane, run.trained))
        assert trained
        R._take(run, chunk, True)
        chunks.append(chunk)
    size = chunks[0].nbytes
    assert size > sum(len(f["h"]) for f in chunks[0].frames.values())  # frames and arrays
    small = Timelines(max_bytes=int(2.5 * size))
    for i, chunk in enumerate(chunks):
        small.fetch(("k", i), lambda c=chunk: c)
    assert len(small) == 2 and small.bytes <= small.max_bytes
    assert small.holds(("k", 3)) and small.holds(("k", 2)) and not small.holds(("k", 0))
    # Taking a chunk makes it the most recent: the older one goes first.
    small.fetch(("k", 2), lambda: pytest.fail("kept: not trained again"))
    small.fetch(("k", 0), lambda: chunks[0])
    assert small.holds(("k", 2)) and not small.holds(("k", 3))
    # A chunk larger than the whole store is served but not kept.
    tiny = Timelines(max_bytes=size // 2)
    assert tiny.fetch(("k", 0), lambda: chunks[0]) == (chunks[0], True)
    assert len(tiny) == 0 and tiny.bytes == 0


def test_a_chunk_being_trained_is_trained_once() -> None:
    store = Timelines()
    started, release = threading.Event(), threading.Event()
    calls = []
    made = SimpleNamespace(nbytes=100)  # what the store keeps needs only its size

    def slow():
        calls.append(1)
        started.set()
        release.wait(10)
        return made

    got = []
    first = threading.Thread(target=lambda: got.append(store.fetch("k", slow)))
    first.start()
    started.wait(10)
    assert store.holds("k")  # claimed: a second session will not train it
    others = [threading.Thread(target=lambda: got.append(store.fetch("k", slow))) for _ in range(3)]
    for th in others:
        th.start()
    release.set()
    for th in [first, *others]:
        th.join(10)
    assert len(calls) == 1
    assert sorted(got, key=lambda g: not g[1]) == [(made, True)] + [(made, False)] * 3


def test_training_that_fails_keeps_nothing_and_frees_its_claim() -> None:
    store = Timelines()

    def broken():
        raise FloatingPointError("boom")

    with pytest.raises(FloatingPointError):
        store.fetch("k", broken)
    assert not store.holds("k") and len(store) == 0
    made = SimpleNamespace(nbytes=100)
    assert store.fetch("k", lambda: made) == (made, True)


def test_a_taken_network_is_never_written() -> None:
    plane = _plane()
    _play(new_run(_spec(plane), plane), plane, 2)
    (chunk, _), = [TIMELINES.fetch((_spec(plane), 0), lambda: pytest.fail("kept"))]
    for part in (*chunk.network, *chunk.params[CHUNK]):
        for a in part:
            assert not a.flags.writeable
    run = _play(new_run(_spec(plane), plane), plane, 3)  # trains on from a copy
    assert run.trained == 3 * CHUNK and all(a.flags.writeable for a in run.net.weights)


def test_two_students_on_one_link_see_the_same_frames() -> None:
    """Two sessions of the page press Play: the second is served from the first's chunks."""
    apps = [open_page(PAGE) for _ in range(2)]
    sent = []
    for at in apps:
        at.session_state["_pg_cmd"] = {"action": "play", "at": 0, "have": 0, "ctl": 1}
        at.run()
        assert not at.exception, errors_text(at)
        time.sleep(R.MIN_INTERVAL)  # the browser asks for more at most every 250 ms
        at.session_state["_pg_cmd"] = {"action": "more", "have": CHUNK, "ctl": 1}
        at.run()
        assert not at.exception, errors_text(at)
        sent.append(payload(at)["frames"])
    assert TIMELINES.shared >= 2
    assert [f["e"] for f in sent[0]] == [f["e"] for f in sent[1]] and sent[0]
    assert sent[0] == sent[1]
