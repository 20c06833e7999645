"""What the browser gets of one network state: a compact *frame* for the playback component.

:func:`core.network_view.network_view` computes every number of the diagram; this
module only packs them for the trip (the component decodes them, ``ui/components``):

* heatmaps stay the uint8 bytes ``network_view`` quantised, base64 encoded, with
  each node's ``(lo, hi)`` range;
* weights, biases and their gradients go as little-endian float32 bytes, base64
  (a drawing needs no more than 7 digits; JSON numbers would be ~3x larger). A value
  beyond float32's range (a network blowing up: 1e51 fits a float64, not a float32) is
  sent as ±:data:`F32_MAX`, which the component shows as "≥ 3.4e38", not as infinity;
* per hidden layer, in full float64 for the readings under the diagram: ‖∂L/∂h_l‖
  (``gl``), and per weight matrix ‖W_l‖ (``wn``) and ‖∂L/∂W_l‖ (``gn``); a number too
  large even for a float64 is the string ``"inf"``;
* units whose pre-activation is ≤ 0 on every training point, in layers whose
  activation is a rectifier, as ``[node, largest z, gets gradient (0/1), since epoch,
  dead (0/1), layers below frozen (0/1)]``: *dead* when the activation can die
  (:attr:`core.activations.Activation.can_die`, ReLU), else *below zero* (Leaky ReLU,
  ELU, GELU, SiLU still learn there); *layers below frozen* when no gradient reaches
  any weight or bias of the layers under the unit's.

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

#: Most bytes of frames one chunk sends: under 1 MB, so a reply stays small on a slow
#: classroom connection.
CHUNK_BYTES = 800_000
#: Grid points per axis of the large output view.
OUTPUT_RESOLUTION = 48
#: The largest float32: values beyond it are sent as this (with their sign).
F32_MAX = float(np.finfo(np.float32).max)


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
    # + a dead unit's row at most per hidden unit, 3 float64 norms per layer for the readings
    return int(raw * 4 / 3) + 16 * sum(sizes[1:]) + 66 * len(sizes) + 200


def frame_stride(sizes: Sequence[int], chunk: int) -> int:
    """Epochs between frames so that a chunk's frames fit in :data:`CHUNK_BYTES` (1 when they do)."""
    frames = max(CHUNK_BYTES // frame_bytes(sizes), 1)
    return max(math.ceil(chunk / frames), 1)


def next_frame(epoch: int, stride: int, chunk: int, last: int) -> int:
    """The epoch of the frame after `epoch`: the next multiple of `stride`, or the end of
    the chunk (a multiple of `chunk`) if that comes first, and never past `last`.

    What Step moves to, so its label can say by how many epochs (the component computes
    the same, ``stepSize`` in ``ui/components/playground.js``).
    """
    stride, chunk = max(stride, 1), max(chunk, 1)
    nxt = min((epoch // stride + 1) * stride, (epoch // chunk + 1) * chunk)
    return min(nxt, max(last, epoch + 1))


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


def _f32(arrays: Sequence[np.ndarray]) -> str:
    """Float32 bytes of the arrays, one after the other; beyond float32's range: ±F32_MAX."""
    if not arrays:
        return _b64(np.zeros(0, "<f4"))
    flat = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])
    with np.errstate(invalid="ignore"):
        flat = np.clip(flat, -F32_MAX, F32_MAX)  # NaN stays NaN
    return _b64(flat.astype("<f4"))


def _num(v: float) -> float | None:
    return float(f"{v:.5g}") if math.isfinite(v) else None


def _full(v: float) -> float | str | None:
    """A number for the readings: itself when finite, ``"inf"`` when too large, None for NaN."""
    v = float(v)
    return v if math.isfinite(v) else "inf" if math.isinf(v) else None


def full_value(v: float | str | None) -> float:
    """:func:`_full` read back: a float, inf or NaN."""
    return math.inf if v == "inf" else math.nan if v is None else float(v)


def _norms(arrays: Sequence[np.ndarray]) -> list[float | str | None]:
    with np.errstate(over="ignore", invalid="ignore"):
        return [_full(np.linalg.norm(np.asarray(a, dtype=np.float64))) for a in arrays]


def _layer_signal(view: Mapping[str, Any]) -> list[float | str | None]:
    """‖∂L/∂h_l‖ of each hidden layer: the root of the sum of its units' squared norms."""
    sizes = view["sizes"]
    bounds = np.cumsum([0, *sizes])
    gh = np.asarray(view["grad_h"], dtype=np.float64)
    return _norms([gh[a:b] for a, b in itertools.pairwise(bounds[1:-1])])


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


def _moving(view: Mapping[str, Any]) -> list[bool]:
    """Per layer (from 1): whether any gradient reaches its weights or biases."""
    return [bool(np.any(gw != 0) or np.any(gb != 0))
            for gw, gb in zip(view["grad_w"], view["grad_b"], strict=True)]


def encode(view: Mapping[str, Any], epoch: int, test_loss: float | None,
           dead_since: Mapping[int, int], marked_layers: Sequence[int] = (),
           dead_layers: Sequence[int] = ()) -> dict[str, Any]:
    """One frame: the hidden and output nodes' heatmaps, the output map, weights, gradients.

    Units with z <= 0 on every training point are kept only in `marked_layers`
    (hidden layers numbered from 1), the layers whose activation is a rectifier
    (``sections.playground.run.MARKED_ACTS``): for sigmoid or tanh, z <= 0 on every
    point only says on which side of its range a unit works. Of these, the units of
    `dead_layers` (an activation that can die) are dead; the others are below zero.
    """
    n_in = view["sizes"][0]
    out = view["output"]
    nonfinite = int(np.sum(view["nonfinite"])) + int(np.sum(out["nonfinite"]))
    moving = _moving(view)
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
        "gl": _layer_signal(view),
        "wn": _norms(view["weights"]),
        "gn": _norms(view["grad_w"]),
        "d": [[int(d["node"]), _num(float(d["max_z"])), int(bool(d["gets_gradient"])),
               int(dead_since.get(int(d["node"]), epoch)), int(int(d["layer"]) in dead_layers),
               int(not any(moving[:int(d["layer"]) - 1]))]
              for d in view["dead"] if int(d["layer"]) in marked_layers],
        "lt": _num(float(view["loss"])),
        "lv": None if test_loss is None else _num(float(test_loss)),
        "nf": nonfinite,
    }
