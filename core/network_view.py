"""Everything the playground's network diagram draws, computed from a trained network.

The diagram shows every node of the network as a small heatmap over the input plane,
as TensorFlow Playground does: each input feature, each hidden unit and the output.
Around them go the edges (the weights), and, in the gradient view that Playground
lacks, the size of the gradient at every edge and node on the training data, and which
hidden units are dead and why. :func:`network_view` computes one such picture and
:func:`snapshot_views` one per training snapshot, so the browser can animate them.

Nodes
-----
Nodes are numbered layer by layer: layer 0 holds the ``sizes[0]`` inputs (the chosen
features of :mod:`core.features`, in their order, or ``x₁, x₂`` themselves), layers
``1 .. L−1`` the hidden units, layer ``L`` the ``sizes[-1]`` outputs. Node ``k`` of
layer ``l`` is unit ``k − offsets[l]``. Its heatmap holds, at every grid point ``p``
of the plane, what the node computes there: the feature ``φ_j(p)``, the hidden output
``h_l(p)`` after its activation, or the network's output after the output activation
(a probability for a sigmoid output, the value itself for regression).

Heatmaps are sent as bytes: node ``k``'s values ``v`` become
``q = round(255 (v − lo_k) / (hi_k − lo_k))`` with its own range ``[lo_k, hi_k]``
(``q = 0`` everywhere when ``hi_k = lo_k``), and are read back as
``lo_k + q (hi_k − lo_k) / 255``, within ``(hi_k − lo_k) / 510`` of the true value. The
range only makes the transfer compact: the browser may colour the values on any scale
(Playground's fixed ``[−1, 1]``, say). Row 0 of a heatmap is the *top* of the plane
(largest ``x₂``), column 0 its left (smallest ``x₁``), as an image is drawn. Values
that are not finite (a diverged network) are sent as ``q = 0`` and counted.

Gradients
---------
All of them are for the mean training loss ``L`` of :meth:`core.mlp.MLP.backward_trace`
(the data term; a regularisation penalty is not included):

* edge ``i → j`` of layer ``l``: ``|∂L/∂W_l[i, j]|``; bias: ``|∂L/∂b_l[j]|``;
* input or hidden node ``j`` of layer ``l``: ``‖∂L/∂h_l[:, j]‖``, the Euclidean norm
  over the training samples of the signal back-propagated to that node's output;
* an output node: ``‖∂L/∂z[:, j]‖`` over the samples, the gradient at its logit (the
  output delta from which back-propagation starts).

Dead units
----------
Every hidden unit whose pre-activation satisfies ``z <= 0`` on every training sample
(the test of :func:`core.mlp.dead_units`) is reported in ``dead``, with the reason code
``"never_fires"``, its largest pre-activation ``max_z`` (how far it is from firing), and
whether any gradient still reaches its incoming weights. Whether that makes the unit
*dead* is a fact of its activation (:attr:`core.activations.Activation.can_die`): a
ReLU unit outputs 0 for every sample and gets no gradient; a Leaky ReLU, ELU, GELU or
SiLU unit is only below zero and still gets one through its slope there (unless that
slope, or the gradient from above, rounds to 0); for sigmoid or tanh ``z <= 0`` only
says on which side of its range the unit works. A dead unit's own weights never
change, so it comes back only if its inputs do: never in the first layer (fixed
features, no penalty), and in a deeper layer only when a layer below it changes.

Payload size
------------
:func:`payload` turns a view into plain JSON-ready data (heatmaps as base64, numbers
to 4 significant digits). Measured as compact JSON, per snapshot, with a 16 × 16 node
grid (20 × 20 in brackets) and the 48 × 48 output view: Playground's default network
(2 features, hidden 4, 2) 7.9 kB (9.7 kB); Playground's largest (7 features, 6 × 8)
32 kB (43 kB); 7 features and 8 × 16, the most the page offers, 88 kB (114 kB), of
which 46 kB are the 136 heatmaps and most of the rest the 1 920 weights with their
gradients. A chunk of 10 snapshots of the largest network thus stays under 1 MB.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from core.features import expand
from core.grid import plane_grid
from core.mlp import MLP, single_threaded_blas

__all__ = ["dequantise", "network_view", "payload", "plane_points", "quantise", "snapshot_views"]

Array = npt.NDArray[np.float64]
_LEVELS = 255


def _quiet() -> np.errstate:
    # A diverged network overflows; its inf/nan values are reported, not warned about.
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


def plane_points(
    X2: npt.ArrayLike | None = None,
    extent: float | None = None,
    resolution: int = 16,
    margin: float = 0.5,
) -> tuple[Array, Array]:
    """Grid points over the input plane, in the order the heatmaps' pixels are stored.

    Parameters
    ----------
    X2 : array_like of shape (n, 2), optional
        Data whose bounding box, plus ``margin``, the grid covers (used when
        ``extent`` is None).
    extent : float, optional
        Cover the square ``[−extent, extent]²`` instead (TensorFlow Playground's
        plane: ``core.datasets.PLAYGROUND_EXTENT``).
    resolution : int, default 16
        Points per axis, at least 2.
    margin : float, default 0.5

    Returns
    -------
    points : ndarray of shape (resolution², 2)
        Row-major over the image: pixel ``(r, c)`` is ``points[r * resolution + c]``,
        at ``x₁ = axes[0][c]`` and ``x₂ = axes[1][resolution − 1 − r]`` (row 0 on top).
    axes : ndarray of shape (2, resolution)
        Ascending coordinates along ``x₁`` and ``x₂``.
    """
    if extent is not None:
        if not (np.isfinite(extent) and extent > 0):
            raise ValueError(f"extent must be finite and > 0, got {extent!r}")
        corners = np.array([[-extent, -extent], [extent, extent]], dtype=np.float64)
        points, axes, _ = plane_grid(corners, resolution, margin=0.0)
    elif X2 is None:
        raise ValueError("give the data X2 or an extent for the plane")
    else:
        points, axes, _ = plane_grid(X2, resolution, margin=margin)
    # plane_grid puts the smallest x₂ first; images start at the top.
    points = points.reshape(resolution, resolution, 2)[::-1].reshape(-1, 2)
    return np.ascontiguousarray(points), axes


def quantise(values: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row to bytes over its own range (the rule in the module docstring).

    Parameters
    ----------
    values : array_like of shape (n_rows, m)

    Returns
    -------
    q : ndarray of shape (n_rows, m), uint8
    ranges : ndarray of shape (n_rows, 2), float64
        ``(lo, hi)`` of the finite values of each row; ``(0, 0)`` when none is finite.
    n_nonfinite : ndarray of shape (n_rows,), int64
        How many values of each row were not finite (sent as 0).
    """
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    lo = np.where(finite, v, np.inf).min(axis=1)
    hi = np.where(finite, v, -np.inf).max(axis=1)
    none = ~finite.any(axis=1)
    lo[none], hi[none] = 0.0, 0.0
    span = hi - lo
    with _quiet():
        scaled = np.where(span[:, None] > 0, (v - lo[:, None]) / span[:, None], 0.0)
    q = np.rint(np.clip(np.where(finite, scaled, 0.0), 0.0, 1.0) * _LEVELS).astype(np.uint8)
    return q, np.column_stack([lo, hi]), (~finite).sum(axis=1).astype(np.int64)


def dequantise(q: npt.ArrayLike, ranges: npt.ArrayLike) -> Array:
    """Values back from :func:`quantise`: ``lo + q (hi − lo) / 255`` per row (any trailing shape)."""
    q = np.asarray(q, dtype=np.float64)
    ranges = np.asarray(ranges, dtype=np.float64)
    shape = (-1,) + (1,) * (q.ndim - 1)
    lo, hi = ranges[:, 0].reshape(shape), ranges[:, 1].reshape(shape)
    return lo + q * (hi - lo) / _LEVELS


class _Plane:
    """The grid and the network inputs on it, and on the training data: computed once."""

    def __init__(self, X2: npt.ArrayLike, features: Sequence[str] | None, extent: float | None,
                 resolution: int, output_resolution: int, margin: float) -> None:
        X2 = np.asarray(X2, dtype=np.float64)
        if X2.ndim != 2 or X2.shape[1] != 2 or len(X2) == 0:
            raise ValueError(f"X_train must be plane points of shape (n >= 1, 2), got {X2.shape}")
        self.features = None if features is None else list(features)
        self.res, self.out_res = resolution, output_resolution
        self.points, self.axes = plane_points(X2, extent, resolution, margin)
        self.out_points, self.out_axes = plane_points(X2, extent, output_resolution, margin)
        self.grid_in = self.inputs(self.points)
        self.out_in = self.inputs(self.out_points)
        self.train_in = self.inputs(X2)

    def inputs(self, P: Array) -> Array:
        return P if self.features is None else expand(P, self.features)


def _node_offsets(sizes: Sequence[int]) -> list[int]:
    return [int(o) for o in np.concatenate([[0], np.cumsum(sizes)])]


def _view(model: MLP, y: npt.ArrayLike, plane: _Plane) -> dict[str, Any]:
    sizes = [int(s) for s in model.sizes]
    if plane.grid_in.shape[1] != sizes[0]:
        raise ValueError(
            f"the network takes {sizes[0]} inputs but the features give {plane.grid_in.shape[1]}"
        )
    res = plane.res
    with _quiet():
        _, hs = model.forward_trace(plane.grid_in)
        out_map = model.forward_trace(plane.out_in)[1][-1]
        trace = model.backward_trace(plane.train_in, y)
        values = np.concatenate([h.T for h in hs])  # (n_nodes, res²), node-major
        heat, ranges, bad = quantise(values)
        out_q, out_ranges, out_bad = quantise(out_map.T)
        grad_h = np.concatenate(
            [np.linalg.norm(d, axis=0) for d in trace.dh] + [np.linalg.norm(trace.deltas[-1], axis=0)]
        )
        grad_w = [np.abs(g) for g in trace.grads_w]
        grad_b = [np.abs(g) for g in trace.grads_b]
    offsets = _node_offsets(sizes)
    dead = []
    for layer, z in enumerate(trace.zs[:-1], start=1):
        with _quiet():
            max_z = z.max(axis=0)
        for unit in np.flatnonzero(max_z <= 0):
            reached = bool(np.any(grad_w[layer - 1][:, unit] != 0) or grad_b[layer - 1][unit] != 0)
            dead.append({
                "node": offsets[layer] + int(unit), "layer": layer, "unit": int(unit),
                "reason": "never_fires", "max_z": float(max_z[unit]), "gets_gradient": reached,
            })
    return {
        "sizes": sizes,
        "offsets": offsets[:-1],
        "features": plane.features,
        "axes": plane.axes,
        "heatmaps": heat.reshape(-1, res, res),
        "ranges": ranges,
        "nonfinite": bad,
        "output": {
            "axes": plane.out_axes,
            "maps": out_q.reshape(-1, plane.out_res, plane.out_res),
            "ranges": out_ranges,
            "nonfinite": out_bad,
        },
        "weights": [np.array(w, dtype=np.float64) for w in model.weights],
        "biases": [np.array(b, dtype=np.float64) for b in model.biases],
        "grad_w": grad_w,
        "grad_b": grad_b,
        "grad_h": grad_h,
        "dead": dead,
        "loss": float(trace.loss),
    }


def network_view(
    model: MLP,
    X_train: npt.ArrayLike,
    y_train: npt.ArrayLike,
    features: Sequence[str] | None = None,
    *,
    extent: float | None = None,
    resolution: int = 16,
    output_resolution: int = 48,
    margin: float = 0.5,
) -> dict[str, Any]:
    """The network diagram's numbers for one state of ``model``.

    Parameters
    ----------
    model : MLP
        Takes ``len(features)`` inputs (or 2 when ``features`` is None). Only its
        ``forward_trace``, ``backward_trace``, ``weights``, ``biases`` and ``sizes``
        are used.
    X_train : array_like of shape (n, 2)
        Training points in the plane (before feature expansion).
    y_train : array_like of shape (n,)
        Their labels or targets, as ``model`` trains on them.
    features : sequence of str, optional
        Feature codes (:data:`core.features.FEATURES`) making the network's inputs;
        None when the network reads ``(x₁, x₂)`` directly.
    extent : float, optional
        The plane is ``[−extent, extent]²`` (6 for Playground's data sets); by default
        it covers ``X_train`` with ``margin``.
    resolution : int, default 16
        Grid points per axis of every node's heatmap.
    output_resolution : int, default 48
        Grid points per axis of the large output view.
    margin : float, default 0.5

    Returns
    -------
    dict
        ``sizes`` (list, ``[n_in, *hidden, n_out]``), ``offsets`` (first node of each
        layer), ``features``, ``axes`` (2, res) ascending grid coordinates;
        ``heatmaps`` uint8 (n_nodes, res, res), ``ranges`` (n_nodes, 2) and
        ``nonfinite`` (n_nodes,) as in the module docstring; ``output``: the same for
        the output view at ``output_resolution`` (``axes``, ``maps`` (n_out, R, R),
        ``ranges``, ``nonfinite``); ``weights``, ``biases`` (lists of arrays shaped
        like the model's); ``grad_w``, ``grad_b`` (``|∂L/∂W_l|``, ``|∂L/∂b_l|``, the
        same shapes); ``grad_h`` (n_nodes,) per-node gradient norms; ``dead``, a list
        of ``{"node", "layer", "unit", "reason", "max_z", "gets_gradient"}``; and
        ``loss``, the mean training loss. Arrays become JSON with ``.tolist()``, or
        all at once with :func:`payload`.
    """
    plane = _Plane(X_train, features, extent, resolution, output_resolution, margin)
    with single_threaded_blas():
        return _view(model, y_train, plane)


def _apply(model: MLP, snapshot: Any) -> None:
    # History snapshots are Params named tuples; older ones were (weights, biases) pairs.
    if hasattr(snapshot, "_fields"):
        model.set_params(snapshot)
    else:
        model.set_params(*snapshot)


def snapshot_views(
    model: MLP,
    snapshots: Mapping[int, Any] | Sequence[Any],
    X_train: npt.ArrayLike,
    y_train: npt.ArrayLike,
    features: Sequence[str] | None = None,
    *,
    extent: float | None = None,
    resolution: int = 16,
    output_resolution: int = 48,
    margin: float = 0.5,
) -> list[dict[str, Any]]:
    """:func:`network_view` for each of a list of training snapshots.

    Parameters
    ----------
    model : MLP
        The trained network; left unchanged (a copy takes each snapshot's parameters).
    snapshots : mapping of int to Params, or sequence of Params
        ``History.snapshots`` (epoch -> parameters, taken in epoch order) or a list.
    X_train, y_train, features, extent, resolution, output_resolution, margin
        As for :func:`network_view`.

    Returns
    -------
    list of dict
        One view per snapshot, with ``epoch`` (the mapping's key, or the position in
        the list) added, and every dead unit's record extended by ``dead_since``: the
        epoch of the earliest snapshot from which it has been dead in every snapshot
        up to this one. The grid and the inputs are computed once: every view shares
        the same input-node heatmaps, which a client needs only once
        (``payload(view, inputs=False)``).
    """
    plane = _Plane(X_train, features, extent, resolution, output_resolution, margin)
    items = sorted(snapshots.items()) if isinstance(snapshots, Mapping) else list(enumerate(snapshots))
    work = model.copy()
    views = []
    since: dict[int, int] = {}  # node -> epoch it has been dead since
    # One BLAS limit for the whole list: entering threadpoolctl costs ~2 ms, most of a
    # small network's view.
    with single_threaded_blas():
        for epoch, snapshot in items:
            _apply(work, snapshot)
            view = _view(work, y_train, plane)
            dead_now = {d["node"] for d in view["dead"]}
            since = {node: since.get(node, int(epoch)) for node in dead_now}
            for d in view["dead"]:
                d["dead_since"] = since[d["node"]]
            view["epoch"] = int(epoch)
            views.append(view)
    return views


def _short(a: npt.ArrayLike) -> Any:
    """Nested lists of floats kept to 4 significant digits (plenty for a drawing)."""
    a = np.asarray(a, dtype=np.float64)
    flat = [float(f"{v:.4g}") if np.isfinite(v) else None for v in a.ravel().tolist()]
    return np.array(flat, dtype=object).reshape(a.shape).tolist() if a.ndim else flat[0]


def _b64(q: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(q, dtype=np.uint8).tobytes()).decode("ascii")


def payload(view: Mapping[str, Any], inputs: bool = True) -> dict[str, Any]:
    """A view as JSON-ready data, compact enough to send a chunk of snapshots at once.

    Parameters
    ----------
    view : dict
        From :func:`network_view` or :func:`snapshot_views`.
    inputs : bool, default True
        Include the input nodes' heatmaps (they never change during training).

    Returns
    -------
    dict
        The view's keys with every array as nested lists, numbers to 4 significant
        digits and non-finite numbers as None; ``heatmaps`` and ``output["maps"]``
        become base64 strings of their uint8 bytes in C order (shape in
        ``heatmap_shape`` / ``output["shape"]``). Without ``inputs``, heatmaps,
        ranges and ``nonfinite`` start at the first hidden node (``offsets[1]``).
    """
    start = 0 if inputs else view["sizes"][0]
    heat = view["heatmaps"][start:]
    out = view["output"]
    data = {
        "sizes": list(view["sizes"]),
        "offsets": list(view["offsets"]),
        "features": view["features"],
        "axes": _short(view["axes"]),
        "heatmap_start": start,
        "heatmap_shape": list(heat.shape),
        "heatmaps": _b64(heat),
        "ranges": _short(view["ranges"][start:]),
        "nonfinite": np.asarray(view["nonfinite"][start:]).tolist(),
        "output": {
            "axes": _short(out["axes"]),
            "shape": list(out["maps"].shape),
            "maps": _b64(out["maps"]),
            "ranges": _short(out["ranges"]),
            "nonfinite": np.asarray(out["nonfinite"]).tolist(),
        },
        "weights": [_short(w) for w in view["weights"]],
        "biases": [_short(b) for b in view["biases"]],
        "grad_w": [_short(g) for g in view["grad_w"]],
        "grad_b": [_short(g) for g in view["grad_b"]],
        "grad_h": _short(view["grad_h"]),
        "dead": [{**d, "max_z": _short(d["max_z"])} for d in view["dead"]],
        "loss": _short(view["loss"]),
    }
    if "epoch" in view:
        data["epoch"] = view["epoch"]
    return data
