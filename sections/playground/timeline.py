"""Chunks of training shared by every session that plays the same network.

Why
---
A class opens one link and presses Play within the same minute. The network at epoch
``N`` depends on the run's settings alone (:mod:`sections.playground.run`: chunks are
aligned and each is seeded by its index), so the thirty students would train thirty
copies of the same chunks, to the last bit. :class:`Timelines` keeps what a chunk made
(its frames, readings, snapshots, losses and the network after it) under the key
``(RunSpec, first epoch)``, so the first student to reach a chunk trains it and the
others take it from here. A student who changes a setting plays another spec, trains
their own chunks, and shares them with whoever follows them there.

A chunk being trained is claimed: a session that needs it meanwhile waits for it rather
than training it a second time (:meth:`Timelines.fetch`).

Bounds
------
The store holds chunks worth at most :data:`STORE_BYTES` (:attr:`Chunk.nbytes`: the
frames' strings and the arrays kept), least recently used first out. One press of Play
of the page's opening network is 40 chunks of about 0.5 MB. A session never depends on
the store: a chunk that is gone is trained again, the same to the last bit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

import numpy as np

from core.mlp import Params
from sections.playground.frames import Reading, WireFrame

#: Most bytes of chunks kept (:attr:`Chunk.nbytes`): two and a half presses of Play of the
#: opening network (40 chunks of ~0.5 MB each), or many more of a small network.
STORE_BYTES = 48_000_000
#: Longest a session waits for a chunk another session is training (seconds; then it
#: trains the chunk itself). A chunk costs at most ~0.3 s of one core (``run.CHUNK_SECONDS``).
WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class Chunk:
    """What one chunk of a run made: the same for every session playing that run.

    Attributes
    ----------
    start, end : int
        Epochs trained before the chunk and after it.
    frames, readings, params : mapping of epoch to WireFrame, Reading, Params
        The chunk's frames, what the page reads of each, and each frame's network.
    train_loss, test_loss : tuple of float
        The mean training and test loss after each epoch ``start + 1 .. end`` (test:
        NaN where no frame was made, or without test points).
    dead_since : mapping of node to epoch
        The units with z <= 0 on every training point at the end, and since when.
    diverged_at : int or None
        The epoch at which training diverged, if it did in this chunk.
    network : Params
        The network after epoch ``end``, from which the next chunk trains.
    """

    start: int
    end: int
    frames: Mapping[int, WireFrame]
    readings: Mapping[int, Reading]
    params: Mapping[int, Params]
    train_loss: tuple[float, ...]
    test_loss: tuple[float, ...]
    dead_since: Mapping[int, int]
    diverged_at: int | None
    network: Params

    @property
    def nbytes(self) -> int:
        """About the bytes the chunk holds: its frames' strings and its arrays."""
        strings = sum(len(v) for f in self.frames.values() for v in f.values() if isinstance(v, str))
        arrays = [a for p in (*self.params.values(), self.network) for part in p for a in part]
        arrays += [a for r in self.readings.values() for a in (r.signal, r.weight_norms, r.grad_norms)]
        return strings + sum(np.asarray(a).nbytes for a in arrays) + 64 * len(self.frames)


class Timelines:
    """A bounded store of :class:`Chunk` by key, shared by the server's sessions (thread-safe)."""

    def __init__(self, max_bytes: int = STORE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._chunks: OrderedDict[Hashable, tuple[Chunk, int]] = OrderedDict()
        self._claims: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()
        self.bytes = 0
        #: Chunks trained through :meth:`fetch`, and chunks taken from the store.
        self.trained = 0
        self.shared = 0

    def __len__(self) -> int:
        return len(self._chunks)

    def holds(self, key: Hashable) -> bool:
        """Whether the chunk is here or being trained (a fetch will then not train it)."""
        with self._lock:
            return key in self._chunks or key in self._claims

    def fetch(self, key: Hashable, train: Callable[[], Chunk]) -> tuple[Chunk, bool]:
        """The chunk under `key`, and whether this call trained it (with `train`).

        If another session is training it, wait for that (at most :data:`WAIT_SECONDS`);
        if it is not here, train it and keep it. Training that raises keeps nothing.
        """
        while True:
            with self._lock:
                kept = self._chunks.get(key)
                if kept is not None:
                    self._chunks.move_to_end(key)
                    self.shared += 1
                    return kept[0], False
                claim = self._claims.get(key)
                mine = claim is None
                if mine:
                    claim = self._claims[key] = threading.Event()
            if mine:
                break
            if not claim.wait(WAIT_SECONDS):
                return train(), True  # the other session is stuck: do not wait on it
        try:
            chunk = train()
            self._keep(key, chunk)
            return chunk, True
        finally:
            with self._lock:
                del self._claims[key]
            claim.set()

    def _keep(self, key: Hashable, chunk: Chunk) -> None:
        size = chunk.nbytes
        with self._lock:
            self.trained += 1
            if size > self.max_bytes:
                return
            self._chunks[key] = (chunk, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, gone) = self._chunks.popitem(last=False)
                self.bytes -= gone

    def clear(self) -> None:
        """Forget every chunk (claims in flight finish as usual)."""
        with self._lock:
            self._chunks.clear()
            self.bytes = 0


#: The server's store: every session of this process plays from it.
TIMELINES = Timelines()
