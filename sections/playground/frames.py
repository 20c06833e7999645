"""What the browser gets of one network state: a compact *frame* for the playback component.

:func:`core.network_view.snapshot_views` computes every number of the diagram; this
module only packs them for the trip. :class:`WireFrame` is the one wire format: every key
of it is read by the component (``decoded`` and the drawing code in
``ui/components/playground.js``), and nothing else is sent. What only the page under
the diagram reads (the per-layer gradient and weight norms) stays on the server, in a
:class:`Reading` beside the frame.

:func:`frame_bytes` estimates a frame's size before it is made, so that a chunk of
frames stays under :data:`CHUNK_BYTES` (:func:`frame_stride`).
"""

from __future__ import annotations

import base64
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

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
    # + a dead unit's row at most per hidden unit, 3 float64 norms per layer. Frames no
    # longer carry the bias gradients and the norms (a few per cent of a frame): kept in
    # the estimate, so that strides and chunk sizes, and so every network at epoch N,
    # stay what they were.
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


# ``or`` is a Python keyword, hence the functional form.
WireFrame = TypedDict("WireFrame", {
    "e": int, "h": str, "r": list, "o": str, "or": list, "w": str, "b": str, "gw": str,
    "gh": str, "d": list, "lt": float | None, "lv": float | None,
})
WireFrame.__doc__ = """One network state as the component receives it (the wire format).

==== ==================================================================================
key  what it holds
==== ==================================================================================
e    the epoch
h    the hidden and output nodes' heatmaps: base64 of uint8, node after node (from node
     ``sizes[0]``), ``res × res`` each, row 0 the top of the plane (largest ``x₂``); a
     value is ``lo + q (hi − lo) / 255`` (:func:`core.network_view.quantise`)
r    ``[lo, hi]`` of each node of ``h``, flattened (5 significant digits; null when not
     finite)
o    the output view: base64 of uint8, ``out_res × out_res``, as ``h``
or   ``[lo, hi]`` of ``o``
w    every weight matrix, ``W_l[i, j]`` row-major, one layer after the other: base64 of
     little-endian float32. A value beyond float32's range (a network blowing up) is
     sent as ±:data:`F32_MAX`, which the component shows as "≥ 3.4e38", not infinity
b    every bias vector, the same way
gw   ``|∂L/∂W_l|``, laid out as ``w``
gh   each node's gradient norm over the training samples (``‖∂L/∂h_l[:, j]‖``; at the
     output node ``‖∂L/∂z‖``), node after node from node 0, float32 as ``w``
d    the units with ``z <= 0`` on every training point, in layers whose activation is a
     rectifier: ``[node, largest z, gets gradient (0/1), since epoch, dead (0/1),
     layers below frozen (0/1)]``; *dead* when the activation can die
     (:attr:`core.activations.Activation.can_die`, ReLU), else *below zero* (Leaky
     ReLU, ELU, GELU, SiLU still learn there); *layers below frozen* when no gradient
     reaches any weight or bias of the layers under the unit's
lt   the mean training loss (5 significant digits)
lv   the mean test loss, or null without test points
==== ==================================================================================

The input nodes' heatmaps never change during a run: they go once, in
:func:`static_part`.
"""


@dataclass(frozen=True)
class Reading:
    """What the page under the diagram reads of one state, in float64 (never sent).

    ``signal``: ‖∂L/∂h_l‖ of each hidden layer (Frobenius over samples and units, from
    :func:`core.network_view.network_view`'s ``layer_signal``); ``weight_norms`` and
    ``grad_norms``: ‖W_l‖ and ‖∂L/∂W_l‖ per weight matrix; ``beyond_f32``: some node's
    gradient norm is beyond float32's range, so the diagram shows it as "≥ 3.4e38".
    A number too large even for a float64 is inf.
    """

    signal: np.ndarray
    weight_norms: np.ndarray
    grad_norms: np.ndarray
    beyond_f32: bool


def reading(view: Mapping[str, Any]) -> Reading:
    """The :class:`Reading` of a view (``core.network_view``)."""
    gh = np.abs(np.asarray(view["grad_h"], dtype=np.float64))
    return Reading(np.asarray(view["layer_signal"], dtype=np.float64),
                   np.asarray(view["weight_norms"], dtype=np.float64),
                   np.asarray(view["grad_w_norms"], dtype=np.float64),
                   bool(np.any(gh >= F32_MAX)))


def encode(view: Mapping[str, Any], epoch: int, test_loss: float | None,
           dead_since: Mapping[int, int], marked_layers: Sequence[int] = (),
           dead_layers: Sequence[int] = ()) -> WireFrame:
    """One :class:`WireFrame`: the hidden and output nodes' heatmaps, the output map, weights,
    gradients, marked units and losses.

    Units with z <= 0 on every training point are kept only in `marked_layers`
    (hidden layers numbered from 1), the layers whose activation is a rectifier
    (``sections.playground.run.MARKED_ACTS``): for sigmoid or tanh, z <= 0 on every
    point only says on which side of its range a unit works. Of these, the units of
    `dead_layers` (an activation that can die) are dead; the others are below zero.
    """
    n_in = view["sizes"][0]
    out = view["output"]
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
        "gh": _f32([view["grad_h"]]),
        "d": [[int(d["node"]), _num(float(d["max_z"])), int(bool(d["gets_gradient"])),
               int(dead_since.get(int(d["node"]), epoch)), int(int(d["layer"]) in dead_layers),
               int(not any(moving[:int(d["layer"]) - 1]))]
              for d in view["dead"] if int(d["layer"]) in marked_layers],
        "lt": _num(float(view["loss"])),
        "lv": None if test_loss is None else _num(float(test_loss)),
    }
