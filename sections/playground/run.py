"""One play of the playground: a network trained chunk by chunk, and the frames the browser animates.

How a play works
----------------
The network lives in the visitor's session (:class:`Run`, in ``st.session_state``), so
each request continues it. Training runs in *chunks* of ``Run.chunk`` epochs
(:data:`CHUNK`, fewer if the compute guard says so), always aligned: chunk ``c``
trains epochs ``c·K + 1 .. (c + 1)·K`` with :meth:`core.mlp.MLP.fit` (SGD, as
Playground) seeded by :func:`chunk_seed` ``(seed, c)``. Pausing, stepping and playing
only move a pointer over the trained timeline, so the network at epoch ``N`` depends
on the settings and the seed alone: a shared link reproduces it however it was played.

Because of that, sessions playing the same run share its chunks: the first to reach a
chunk trains it, and the others take it from :data:`TIMELINES`
(:mod:`sections.playground.timeline`), frames and network alike, and are charged only
what sending it costs.

Every ``Run.stride``-th epoch of a chunk becomes a *frame* (:mod:`sections.playground.frames`,
numbers from :func:`core.network_view.snapshot_views`, all of a chunk's snapshots in
one stacked pass); the frames of the last :data:`KEEP_CHUNKS` requests' chunks are kept,
so that a pause at the epoch the browser shows can show that very network. Beside each
frame the run keeps its :class:`~sections.playground.frames.Reading` (what the page under
the diagram reads, never sent).

Limits
------
Play trains one chunk; a request for more frames trains :func:`chunks_per_request`
(two for a network whose frames are small, so that the per-request overhead is paid
half as often); while a play waits for the budget the answer carries
:func:`wait_hint`, when to ask again. One press of Play trains at most
:data:`MAX_PLAY` epochs, a network at most :data:`MAX_EPOCHS`; a session gets new
chunks at most every :data:`MIN_INTERVAL` seconds. So a long play is a series of short
requests, and other sessions are served between them. Training that diverges stops.

What a chunk costs is the compute guard's model (:mod:`ui.guard`, seconds of one core:
the training, and every frame's maps): :func:`chunk_epochs_for` gives an expensive
network fewer epochs per chunk (one of :data:`CHUNK_SIZES`, so that the chunks of a
play are still whole and aligned), so that no chunk costs more than
:data:`CHUNK_SECONDS`, twice the default network's chunk (unless one epoch alone does:
one epoch is the least a chunk trains). And each session has a :class:`PlayBudget`: a token
bucket that refills at :data:`PLAY_RATE` seconds of one core per second, enough for the
default network at full speed with half as much again; a chunk waits until the bucket
holds its cost, so a session spends at most :data:`PLAY_BURST` plus ``PLAY_RATE``
per second, whatever it plays, and thirty playing students share the server alike.

Commands
--------
What the browser sends is checked in one place, :func:`valid_command`, before anything
reads it: a known ``action``, epochs and the control counter as whole numbers clipped
into range, click coordinates as finite numbers; anything else is dropped.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from core.activations import ACTIVATIONS
from core.datasets import PLAYGROUND_SAMPLES
from core.features import expand
from core.mlp import MLP, Params
from core.network_view import snapshot_views
from sections.playground.data import PLANE_EXTENT, PlaneData
from sections.playground.frames import (
    OUTPUT_RESOLUTION,
    Reading,
    WireFrame,
    encode,
    frame_bytes,
    frame_stride,
    node_resolution,
    reading,
    static_part,
)
from sections.playground.settings import DEFAULTS, PlaygroundSettings, Training
from sections.playground.timeline import TIMELINES, Chunk
from ui.guard import Work, fit_work, frame_work

#: Epochs one request trains.
CHUNK = 25
#: Requests' worth of chunks whose frames are kept for a pause.
KEEP_CHUNKS = 2
#: Most chunks one request for more frames trains (:func:`chunks_per_request`).
REQUEST_CHUNKS = 2
#: Epochs one press of Play trains before playback pauses by itself.
MAX_PLAY = 1000
#: Epochs a network may train in all (then Reset or change a setting).
MAX_EPOCHS = 10_000
#: Seconds between two chunks of one session, at least.
MIN_INTERVAL = 0.2
#: Frames a second the browser shows while playing.
FPS = 30
#: Epochs a chunk may have: the divisors of :data:`MAX_PLAY` up to :data:`CHUNK`, largest
#: first, so that one press of Play is always whole chunks.
CHUNK_SIZES = tuple(k for k in range(CHUNK, 0, -1) if MAX_PLAY % k == 0)
#: How much more than the default network's chunk a chunk may cost (in the model).
CHUNK_SLACK = 2.0
#: How much more than the default network at full speed a session may spend playing.
PLAY_SHARE = 1.5
#: Activations for which "z <= 0 on every training point" makes a unit dead: it outputs
#: f(0) for every point and no gradient reaches its weights (``can_die``: ReLU).
DEAD_ACTS = tuple(name for name, act in ACTIVATIONS.items() if act.can_die)
#: Activations whose units with z <= 0 on every training point the diagram marks: the
#: rectifiers (ReLU and its variants). Those not in :data:`DEAD_ACTS` (Leaky ReLU, ELU,
#: GELU, SiLU) are *below zero* there, not dead: their slope below 0 is not 0.
MARKED_ACTS = tuple(name for name, act in ACTIVATIONS.items() if act.rectifier)


@dataclass(frozen=True)
class RunSpec(Training):
    """Everything a run's training depends on: a run is kept while this stays the same."""

    data_key: str
    problem: str
    chunk: int

    @property
    def sizes(self) -> list[int]:
        return [len(self.features), *self.shape, 1]

    @property
    def output(self) -> str:
        return "sigmoid" if self.problem == "classification" else "identity"

    @property
    def dead_layers(self) -> tuple[int, ...]:
        """Hidden layers (from 1) whose activation is in :data:`DEAD_ACTS`."""
        return tuple(i for i, a in enumerate(self.acts, start=1) if a in DEAD_ACTS)

    @property
    def marked_layers(self) -> tuple[int, ...]:
        """Hidden layers (from 1) whose activation is in :data:`MARKED_ACTS`."""
        return tuple(i for i, a in enumerate(self.acts, start=1) if a in MARKED_ACTS)

    @property
    def penalty(self) -> dict[str, float]:
        """``l1=`` / ``l2=`` for :meth:`core.mlp.MLP.fit`."""
        return {self.reg: self.reg_rate} if self.reg in ("l1", "l2") and self.reg_rate else {}


def run_spec(s: PlaygroundSettings, plane: PlaneData, chunk: int = CHUNK) -> RunSpec:
    """The training key of `s` on `plane`: :class:`Training`'s fields as the settings hold them."""
    training = {f.name: getattr(s, f.name) for f in fields(Training)}
    return RunSpec(**training, data_key=plane.key, problem=plane.problem, chunk=chunk)


def chunk_work(spec: RunSpec, plane: PlaneData, chunk: int | None = None) -> Work:
    """What one chunk of `chunk` epochs (``spec.chunk`` by default) does: :meth:`MLP.fit` over
    the training points, and the frames of every ``stride``-th epoch (:mod:`ui.guard`)."""
    return _chunk_work(spec.sizes, spec.acts, len(plane.y_train), len(plane.y_test), spec.batch,
                       spec.chunk if chunk is None else chunk)


def _chunk_work(sizes: list[int], acts: tuple[str, ...], n_train: int, n_test: int, batch: int,
                chunk: int) -> Work:
    frames = _frames_per_chunk(sizes, chunk)
    view = frame_work(sizes, n_train, n_test, node_resolution(sizes), OUTPUT_RESOLUTION, acts)
    return fit_work(sizes, n_train, chunk, batch, acts) + view * frames


#: What a request costs the server beyond its chunks' training and frames, in seconds of
#: one core: the fragment rerun and the component's data serialised, hashed and sent (a
#: fixed part, and one per byte of frames: the JSON, twice). From what the server process
#: spends per request of a student whose chunks are all shared
#: (``benchmarks/class_capacity.py``: 12-15 ms a request, 150-476 kB of frames).
REQUEST_SECONDS = 0.010
SENT_BYTE_SECONDS = 5e-9


def _frames_per_chunk(sizes: list[int], chunk: int) -> int:
    stride = frame_stride(sizes, chunk)
    return len({e for e in range(1, chunk + 1) if e % stride == 0} | {chunk})


def _serve_seconds(sizes: list[int], chunk: int, per_request: int = 1) -> float:
    frames = _frames_per_chunk(sizes, chunk)
    return REQUEST_SECONDS / per_request + SENT_BYTE_SECONDS * frames * frame_bytes(sizes)


def serve_seconds(spec: RunSpec, per_request: int = 1) -> float:
    """The model's cost of sending one chunk of `spec`'s frames, when a request carries
    `per_request` chunks (:data:`REQUEST_SECONDS`, :data:`SENT_BYTE_SECONDS`): what a
    chunk costs a session that takes it from :data:`TIMELINES` instead of training it."""
    return _serve_seconds(spec.sizes, spec.chunk, per_request)


def _default_network() -> tuple[list[int], tuple[str, ...], int, int]:
    """The default network's sizes and activations, and its training and test points."""
    n = PLAYGROUND_SAMPLES["classification"]
    n_train = round(n * int(DEFAULTS["train"]) / 100)
    shape = [int(w) for w in str(DEFAULTS["shape"]).split(",")]
    return [len(DEFAULTS["features"]), *shape, 1], (str(DEFAULTS["act"]),) * len(shape), n_train, n - n_train


def _default_chunk_seconds() -> float:
    """The model's cost of training a chunk of the default network and making its frames."""
    sizes, acts, n_train, n_test = _default_network()
    return _chunk_work(sizes, acts, n_train, n_test, int(DEFAULTS["batch"]), CHUNK).seconds()


#: Seconds of one core a chunk of the default network costs to train and draw (the model's figure).
DEFAULT_CHUNK_SECONDS = _default_chunk_seconds()
#: ... and to send (:func:`serve_seconds`).
DEFAULT_SERVE_SECONDS = _serve_seconds(_default_network()[0], CHUNK)
#: The most a chunk should cost: twice the default's.
CHUNK_SECONDS = CHUNK_SLACK * DEFAULT_CHUNK_SECONDS
#: Seconds of one core per second a session may spend playing, on average: the default
#: network trained, drawn and sent at full speed (:data:`FPS` epochs a second), with half
#: as much again.
PLAY_RATE = PLAY_SHARE * (DEFAULT_CHUNK_SECONDS + DEFAULT_SERVE_SECONDS) * FPS / CHUNK
#: What a session that has not played for a while may spend at once (ten seconds' worth).
PLAY_BURST = 10 * PLAY_RATE


def chunk_epochs_for(spec: RunSpec, plane: PlaneData) -> int:
    """Epochs per chunk for this network and these points: the largest of :data:`CHUNK_SIZES`
    whose chunk costs at most :data:`CHUNK_SECONDS` (one epoch when even that costs more).

    It depends on the settings and the data's size alone (the model's rates are constants
    of the code, not measured while serving), so a shared link gets the same chunks, and so
    the same network at every epoch, on every machine running this version.
    """
    for k in CHUNK_SIZES:
        if chunk_work(spec, plane, k).seconds() <= CHUNK_SECONDS:
            return k
    return 1


@dataclass
class PlayBudget:
    """One session's play budget: a token bucket of seconds of one core.

    The bucket holds at most `burst` and refills at `rate` per second. A chunk may start
    when the bucket holds its modelled cost (or is full, for a chunk that costs more than
    `burst`), and takes that cost, so the level may go below zero until it refills. In any
    ``t`` seconds a session thus starts chunks worth at most ``burst + rate · t`` (plus one
    chunk dearer than `burst`). ``now`` is any monotonic clock, in seconds.
    """

    rate: float = PLAY_RATE
    burst: float = PLAY_BURST
    #: The level at `at` (None: full).
    tokens: float | None = None
    at: float | None = None

    def level(self, now: float) -> float:
        """Seconds of one core in the bucket at `now`."""
        if self.tokens is None or self.at is None:
            return self.burst
        return min(self.burst, self.tokens + self.rate * max(now - self.at, 0.0))

    def allows(self, cost: float, now: float) -> bool:
        """Whether a chunk costing `cost` may start at `now`."""
        return self.level(now) >= min(cost, self.burst)

    def wait(self, cost: float, now: float) -> float:
        """Seconds from `now` until a chunk costing `cost` may start (0 if it may now)."""
        return max(0.0, (min(cost, self.burst) - self.level(now)) / self.rate)

    def spend(self, cost: float, now: float) -> None:
        """Take `cost` out of the bucket at `now`."""
        self.tokens, self.at = self.level(now) - cost, now


def chunks_per_request(spec: RunSpec, plane: PlaneData) -> int:
    """Chunks a request for more frames trains: :data:`REQUEST_CHUNKS` when together they
    cost no more than one request may (:data:`CHUNK_SECONDS`, in the guard's model) and
    their frames still fit in one message (``frames.CHUNK_BYTES``) at the run's stride;
    else one.

    Each request costs the server a fragment rerun on top of its chunks (the component's
    data is serialised and hashed, the message sent): fewer, larger requests pay that
    less often. Chunks stay the unit of training (aligned, each with its own seed), so
    the network at epoch N is the same however many a request trains.
    """
    k = REQUEST_CHUNKS
    cheap = k * chunk_work(spec, plane).seconds() <= CHUNK_SECONDS * (1 + 1e-9)
    small = frame_stride(spec.sizes, k * spec.chunk) <= frame_stride(spec.sizes, spec.chunk)
    return k if cheap and small else 1


def chunk_seed(seed: int, chunk: int) -> int:
    """The shuffling seed of chunk ``chunk`` of a run seeded ``seed``: the same on every machine."""
    return int(np.random.SeedSequence([seed, chunk]).generate_state(1)[0])


#: Every hidden bias at the start of a zero-weight run (``init_zero``), as in Playground:
#: the units then output f(0.1), not f(0), so that tanh and ReLU units learn at all.
ZERO_INIT_BIAS = 0.1


def build(spec: RunSpec) -> MLP:
    """The run's network at initialisation (sigmoid + cross-entropy, or identity + squared error).

    With ``init_zero`` every weight starts at 0 and every hidden bias at
    :data:`ZERO_INIT_BIAS`: all units of a layer are then the same unit.
    """
    net = MLP(spec.sizes, activation=list(spec.acts) if spec.acts else "tanh", output=spec.output,
              init=spec.init, seed=spec.seed, residual=spec.residual,
              bias_init=ZERO_INIT_BIAS if spec.init_zero else 0.0)
    if spec.init_zero:
        for w in net.weights:
            w[...] = 0.0
    return net


@dataclass
class Run:
    """A network being played, and the frames of its recent epochs."""

    spec: RunSpec
    net: MLP
    stride: int
    static: dict[str, Any]
    run_id: str
    trained: int = 0
    pointer: int = 0
    playing: bool = False
    play_start: int = 0
    diverged_at: int | None = None
    #: Why playback stopped by itself: "diverged", "play_cap" or "limit" (None while it may go on).
    stop: str | None = None
    frames: dict[int, WireFrame] = field(default_factory=dict)
    #: What the page under the diagram reads of each kept frame's state (never sent).
    readings: dict[int, Reading] = field(default_factory=dict)
    params: dict[int, Params] = field(default_factory=dict)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    dead_since: dict[int, int] = field(default_factory=dict)
    #: Epochs of the frames the last answer sent (a rerun while playing sends them again).
    sent: list[int] = field(default_factory=list)
    #: Answers sent, and the browser's latest control action (Play, Pause, …) applied.
    seq: int = 0
    ctl: int = 0
    last_chunk: float = 0.0
    #: The model's cost of one chunk, seconds of one core: training it and making its frames
    #: (:func:`chunk_work`), and sending them (:func:`serve_seconds`)...
    chunk_cost: float = 0.0
    #: ...and of one taken from :data:`TIMELINES`: sending it.
    serve_cost: float = 0.0
    #: The session's play budget (a new run keeps the old run's: see ``play.current_run``).
    budget: PlayBudget = field(default_factory=PlayBudget)
    #: Seconds the next chunk had to wait for the budget, when it last did (0: it did not).
    waited: float = 0.0
    #: Whether this play has waited for the budget (the page then says so).
    paced: bool = False
    #: Chunks a request for more frames trains (:func:`chunks_per_request`).
    per_request: int = 1

    @property
    def chunk(self) -> int:
        return self.spec.chunk

    def frame_at(self, epoch: int) -> int:
        """The epoch of the kept frame at or just after `epoch` (the last one if none is)."""
        later = [e for e in self.frames if e >= epoch]
        return min(later) if later else max(self.frames)


def _inputs(spec: RunSpec, plane: PlaneData) -> tuple[np.ndarray, np.ndarray]:
    return expand(plane.X_train, spec.features), (
        expand(plane.X_test, spec.features) if len(plane.y_test) else plane.X_test)


def _views(spec: RunSpec, net: MLP, plane: PlaneData, snaps: Mapping[int, Params]) -> list[dict]:
    """The snapshots' views, each with its ``test_loss`` when there are test points."""
    test = (plane.X_test, plane.y_test) if len(plane.y_test) else None
    return snapshot_views(net, snaps, plane.X_train, plane.y_train, list(spec.features),
                          extent=PLANE_EXTENT, resolution=node_resolution(spec.sizes),
                          output_resolution=OUTPUT_RESOLUTION, test=test)


def new_run(spec: RunSpec, plane: PlaneData) -> Run:
    """A run at epoch 0: the network at initialisation and its frame."""
    net = build(spec)
    params = net.get_params()
    view = _views(spec, net, plane, {0: params})[0]
    per_request = chunks_per_request(spec, plane)
    serve = serve_seconds(spec, per_request)
    run = Run(spec, net, frame_stride(spec.sizes, spec.chunk), static_part(view), uuid.uuid4().hex,
              chunk_cost=chunk_work(spec, plane).seconds() + serve, serve_cost=serve,
              per_request=per_request)
    test = view.get("test_loss")
    run.frames[0] = encode(view, 0, test, {}, spec.marked_layers, spec.dead_layers)
    run.readings[0] = reading(view)
    run.params[0] = params
    run.train_loss = [float(view["loss"])]
    run.test_loss = [np.nan if test is None else test]
    run.dead_since = _dead_since({}, view, 0)
    return run


def _dead_since(before: Mapping[int, int], view: Mapping[str, Any], epoch: int) -> dict[int, int]:
    """The units with z <= 0 on every training point at `epoch`, and since when."""
    dead = {int(d["node"]) for d in view["dead"]}
    return {node: before.get(node, epoch) for node in dead}


def blocked(run: Run) -> str | None:
    """Why the run may not train another chunk now (None when it may)."""
    if run.diverged_at is not None:
        return "diverged"
    if run.trained >= MAX_EPOCHS:
        return "limit"
    if run.playing and run.trained - run.play_start >= MAX_PLAY:
        return "play_cap"
    return None


def _train(run: Run, plane: PlaneData, before: int) -> Chunk:
    """Train the chunk after epoch `before` from the run's network, and make its frames."""
    spec = run.spec
    epochs = min(spec.chunk - before % spec.chunk, MAX_EPOCHS - before)
    X_train, _ = _inputs(spec, plane)
    wanted = [e for e in range(1, epochs + 1) if (before + e) % run.stride == 0] + [epochs]
    h = run.net.fit(X_train, plane.y_train, epochs=epochs, lr=spec.lr, optimizer="sgd",
                    batch_size=spec.batch, snapshot_epochs=wanted,
                    seed=chunk_seed(spec.seed, before // spec.chunk), **spec.penalty)
    snaps = {before + e: p for e, p in sorted(h.snapshots.items()) if e > 0}
    frames: dict[int, WireFrame] = {}
    readings: dict[int, Reading] = {}
    dead_since = run.dead_since
    for view in _views(spec, run.net, plane, snaps):
        epoch = view["epoch"]
        dead_since = _dead_since(dead_since, view, epoch)
        frames[epoch] = encode(view, epoch, view.get("test_loss"), dead_since, spec.marked_layers,
                               spec.dead_layers)
        readings[epoch] = reading(view)
    done = len(h.loss) - 1
    tests = [frames.get(before + e, {}).get("lv") for e in range(1, done + 1)]
    return Chunk(before, before + done, frames, readings, {e: _frozen(snaps[e]) for e in frames},
                 tuple(float(v) for v in h.loss[1:]),
                 tuple(np.nan if v is None else float(v) for v in tests), dead_since,
                 None if h.diverged_at is None else before + h.diverged_at,
                 _frozen(run.net.get_params()))


def _frozen(p: Params) -> Params:
    """`p` with every array read-only: a shared chunk's network is never written."""
    for part in p:
        for a in part:
            a.flags.writeable = False
    return p


def _take(run: Run, chunk: Chunk, trained_here: bool) -> None:
    """Continue the run with `chunk`: its frames, losses and the network after it."""
    if not trained_here:
        run.net.set_params(chunk.network)
    run.dead_since = dict(chunk.dead_since)
    run.frames.update(chunk.frames)
    run.readings.update(chunk.readings)
    run.params.update(chunk.params)
    run.train_loss.extend(chunk.train_loss)
    run.test_loss.extend(chunk.test_loss)
    run.trained = chunk.end
    if chunk.diverged_at is not None:
        run.diverged_at = chunk.diverged_at
        run.stop = "diverged"


def next_cost(run: Run) -> float:
    """What the run's next chunk will cost the session: :attr:`Run.serve_cost` when a
    session playing the same run has made it (or is making it), else :attr:`Run.chunk_cost`."""
    return run.serve_cost if TIMELINES.holds((run.spec, run.trained)) else run.chunk_cost


def train_chunk(run: Run, plane: PlaneData, now: float | None = None) -> bool:
    """Train the run's next chunk and make its frames, or take them from :data:`TIMELINES`
    when a session playing the same run made them already; charge what it costs to the
    session's budget (:attr:`Run.chunk_cost`, or :attr:`Run.serve_cost` for a chunk taken
    from the store). False when it may not (see :func:`blocked`) or must wait for the
    budget (``run.waited`` then says how long, and ``run.paced`` is set)."""
    reason = blocked(run)
    if reason is not None:
        run.stop = reason
        return False
    now = time.monotonic() if now is None else now
    key = (run.spec, run.trained)
    cost = next_cost(run)
    if not run.budget.allows(cost, now):
        run.waited, run.paced = run.budget.wait(cost, now), True
        return False
    before = run.trained
    chunk, trained_here = TIMELINES.fetch(key, lambda: _train(run, plane, before))
    run.budget.spend(run.chunk_cost if trained_here else run.serve_cost, now)
    run.waited = 0.0
    _take(run, chunk, trained_here)
    _forget_old(run)
    run.last_chunk = now
    return True


def wait_hint(run: Run, now: float | None = None) -> float:
    """Seconds the browser should wait before asking for more frames: how long until the
    session's budget holds the next chunk, while a play waits for it (0 otherwise)."""
    if not (run.playing and run.paced) or blocked(run) is not None:
        return 0.0
    now = time.monotonic() if now is None else now
    return run.budget.wait(next_cost(run), now)


def _forget_old(run: Run) -> None:
    keep_from = run.trained - KEEP_CHUNKS * run.per_request * run.chunk
    for epoch in [e for e in run.frames if e < keep_from and e != run.pointer]:
        del run.frames[epoch]
        run.readings.pop(epoch, None)
        run.params.pop(epoch, None)


def _ahead(run: Run, have: int) -> list[int]:
    return sorted(e for e in run.frames if e > have)


#: What the browser may ask (ui/components/playground.py).
ACTIONS = ("play", "more", "pause", "step", "reset", "click")
#: The largest control counter kept (the browser's counts from 1; JavaScript's safe integers).
MAX_CTL = 2**53 - 1
#: Click coordinates beyond this are off any plane (the plane is ±6).
MAX_COORD = 1e6


@dataclass(frozen=True)
class Command:
    """A command from the browser, checked (:func:`valid_command`).

    ``at``, ``have``: epochs in ``[0, MAX_EPOCHS]`` (None when absent or unusable);
    ``ctl``: the browser's control counter in ``[0, MAX_CTL]`` (0 when unusable);
    ``x1``, ``x2``: a click's finite coordinates (None when absent or unusable).
    """

    action: str
    ctl: int = 0
    at: int | None = None
    have: int | None = None
    x1: float | None = None
    x2: float | None = None


def _whole(value: object, top: int) -> int | None:
    """`value` as a whole number in ``[0, top]``: ints and finite floats (truncated), clipped;
    None for anything else (bools, strings, NaN, infinities, containers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):  # exact, however large: no float conversion to overflow
        return min(max(value, 0), top)
    if isinstance(value, float) and math.isfinite(value):
        return min(max(int(value), 0), top)
    return None


def _coordinate(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and abs(value) > MAX_COORD:
        return None
    v = float(value)
    return v if math.isfinite(v) and abs(v) <= MAX_COORD else None


def valid_command(raw: object) -> Command | None:
    """The one check of what the browser sent: a :class:`Command`, or None to ignore it.

    The component sends a JSON object; a tampered client can send anything JSON holds
    (numbers of any size, strings, booleans, nested lists and objects). Unknown keys are
    dropped; a value of the wrong type counts as absent.
    """
    if not isinstance(raw, Mapping):
        return None
    action = raw.get("action")
    if not isinstance(action, str) or action not in ACTIONS:
        return None
    return Command(action, _whole(raw.get("ctl"), MAX_CTL) or 0, _whole(raw.get("at"), MAX_EPOCHS),
                   _whole(raw.get("have"), MAX_EPOCHS), _coordinate(raw.get("x1")),
                   _coordinate(raw.get("x2")))


def command(run: Run, plane: PlaneData, cmd: Command | Mapping[str, Any], now: float | None = None) -> str:
    """Apply one command from the browser; return ``"fragment"`` or ``"app"`` (what to rerun).

    Only ``more`` reruns just the fragment: the other commands change what the page
    under the diagram says, once each (and ``more`` the first time a play waits for the
    session's budget, so that the page says so).

    ``cmd.action`` is ``play`` (from ``at``, the epoch shown), ``more`` (the browser
    holds frames up to ``have``), ``pause`` (at ``at``) or ``step``. Reset and clicks
    on the plane change the run itself and are handled by the caller. A mapping is
    checked with :func:`valid_command` first.
    """
    if not isinstance(cmd, Command):
        checked = valid_command(cmd)
        if checked is None:
            return "fragment"
        cmd = checked
    now = time.monotonic() if now is None else now
    action = cmd.action
    at = run.pointer if cmd.at is None else cmd.at
    have = run.pointer if cmd.have is None else cmd.have
    if action == "play":
        run.playing, run.stop, run.paced = True, None, False
        run.pointer = run.frame_at(min(at, run.trained))
        run.play_start = run.pointer
        _feed(run, plane, have, now, force=True)
        return "app"  # once, so the page under the diagram says that it plays
    if action == "more":
        if not run.playing:
            return "fragment"
        return _feed(run, plane, have, now)
    if action == "pause":
        run.playing = False
        run.pointer = run.frame_at(min(at, run.trained))
        return "app"
    if action == "step":
        run.playing = False
        nxt = [e for e in run.frames if e > at]
        if not nxt and train_chunk(run, plane, now):
            nxt = [e for e in run.frames if e > at]
        run.pointer = min(nxt) if nxt else run.frame_at(min(at, run.trained))
        return "app"
    return "fragment"


def _feed(run: Run, plane: PlaneData, have: int, now: float, force: bool = False) -> str:
    """Make sure frames after `have` are on their way: when fewer than a chunk's are ready,
    train ``run.per_request`` chunks (one for Play, whose first frame should come soon).
    ``"app"`` the first time a play waits for the budget (the page then says so)."""
    ready = _ahead(run, have)
    soon = force or now - run.last_chunk >= MIN_INTERVAL
    scope = "fragment"
    if len(ready) * run.stride < run.chunk and soon:
        said = run.paced
        for k in range(1 if force else run.per_request):
            # A further chunk only when the budget holds it now: the play is not waiting.
            if (k and not run.budget.allows(next_cost(run), now)) or not train_chunk(run, plane, now):
                break
        ready = _ahead(run, have)
        if run.paced and not said:
            scope = "app"
    elif blocked(run) is not None:
        run.stop = blocked(run)
    run.sent = ready
    return scope
