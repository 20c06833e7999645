"""What the browser gets of one network state: a compact *frame* for the playback component.

:func:`core.network_view.network_view` computes every number of the diagram; this
module only packs them for the trip (the component decodes them, ``ui/components``):

* heatmaps stay the uint8 bytes ``network_view`` quantised, base64 encoded, with
  each node's ``(lo, hi)`` range;
* weights, biases and their gradients go as little-endian float32 bytes, base64
  (a drawing needs no more than 7 digits; JSON numbers would be ~3x larger);
* dead units as ``[node, largest z, gets gradient (0/1), dead since epoch]``.

:func:`frame_bytes` estimates a frame's size before it is made, so that a chunk of
frames stays under :data:`CHUNK_BYTES` (:func:`frame_stride`).
"""

from __future__ import annotations

import base64
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

#: Most bytes of frames one chunk sends (the issue asks for under about 1 MB).
CHUNK_BYTES = 800_000
#: Grid points per axis of the large output view.
OUTPUT_RESOLUTION = 48


def node_resolution(sizes: Sequence[int]) -> int:
    """Grid points per axis of each node's heatmap: 16, fewer for big networks.

    Playground-sized networks (up to ~40 hidden and output nodes) get 16 × 16; a
    network of 8 × 16 units gets 10 × 10, which keeps its frames near 40 kB.
    """
    nodes = sum(sizes[1:])
    return 16 if nodes <= 48 else 12 if nodes <= 80 else 10


def frame_bytes(sizes: Sequence[int]) -> int:
    """About how many bytes one frame of a network of `sizes` takes as JSON."""
    res = node_resolution(sizes)
    heat = sum(sizes[1:]) * res * res
    n_w = sum(a * b for a, b in itertools.pairwise(sizes))
    n_b = sum(sizes[1:])
    floats = 2 * (n_w + n_b) + sum(sizes)
    raw = heat + OUTPUT_RESOLUTION**2 + 4 * floats
    return int(raw * 4 / 3) + 12 * sum(sizes[1:]) + 200


def frame_stride(sizes: Sequence[int], chunk: int) -> int:
    """Epochs between frames so that a chunk's frames fit in :data:`CHUNK_BYTES` (1 when they do)."""
    frames = max(CHUNK_BYTES // frame_bytes(sizes), 1)
    return max(math.ceil(chunk / frames), 1)


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


def _f32(arrays: Sequence[np.ndarray]) -> str:
    flat = np.concatenate([np.asarray(a, dtype="<f4").ravel() for a in arrays]) if arrays else \
        np.zeros(0, "<f4")
    with np.errstate(over="ignore", invalid="ignore"):
        return _b64(flat.astype("<f4"))


def _num(v: float) -> float | None:
    return float(f"{v:.5g}") if math.isfinite(v) else None


def _ranges(r: np.ndarray) -> list[float | None]:
    return [_num(float(v)) for v in np.asarray(r, dtype=np.float64).ravel()]


def static_part(view: Mapping[str, Any]) -> dict[str, Any]:
    """What never changes during a run: sizes and the input nodes' heatmaps."""
    n_in = view["sizes"][0]
    heat = view["heatmaps"][:n_in]
    return {
        "sizes": list(view["sizes"]),
        "res": int(heat.shape[-1]),
        "out_res": int(view["output"]["maps"].shape[-1]),
        "inputs": _b64(heat.astype(np.uint8)),
        "input_ranges": _ranges(view["ranges"][:n_in]),
    }


def encode(view: Mapping[str, Any], epoch: int, test_loss: float | None,
           dead_since: Mapping[int, int], dead_layers: Sequence[int] = ()) -> dict[str, Any]:
    """One frame: the hidden and output nodes' heatmaps, the output map, weights, gradients.

    Dead units are kept only in `dead_layers` (hidden layers numbered from 1), the
    layers whose activation is flat or nearly so for z <= 0 (see
    ``sections.playground.run.DEAD_ACTS``): for sigmoid or tanh, z <= 0 on every point
    only says on which side of its range a unit works.
    """
    n_in = view["sizes"][0]
    out = view["output"]
    nonfinite = int(np.sum(view["nonfinite"])) + int(np.sum(out["nonfinite"]))
    return {
        "e": int(epoch),
        "h": _b64(view["heatmaps"][n_in:].astype(np.uint8)),
        "r": _ranges(view["ranges"][n_in:]),
        "o": _b64(out["maps"][0].astype(np.uint8)),
        "or": _ranges(out["ranges"][0]),
        "w": _f32(view["weights"]),
        "b": _f32(view["biases"]),
        "gw": _f32(view["grad_w"]),
        "gb": _f32(view["grad_b"]),
        "gh": _f32([view["grad_h"]]),
        "d": [[int(d["node"]), _num(float(d["max_z"])), int(bool(d["gets_gradient"])),
               int(dead_since.get(int(d["node"]), epoch))]
              for d in view["dead"] if int(d["layer"]) in dead_layers],
        "lt": _num(float(view["loss"])),
        "lv": None if test_loss is None else _num(float(test_loss)),
        "nf": nonfinite,
    }
