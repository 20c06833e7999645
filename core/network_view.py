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
``lo_k + q (hi_k − lo_k) / 255``, within ``(hi_k − lo_k) / 510`` of the value computed
(in float32: within ~1e-6 of the float64 value, relative to its size). The
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

Cost
----
:func:`snapshot_views` evaluates all the snapshots of a network without normalisation
(every Playground network, :func:`stackable`) together: the weights of the S states are
stacked into (S, fan_in, fan_out) arrays, and each forward or backward pass is one
matrix product per layer over the stack (the states share the grid, the inputs and the
training data). The same operations as :class:`core.mlp.MLP`'s passes, in the same
order, so the gradients, losses and dead units are the model's own numbers; only the
Python and NumPy overhead is paid once instead of S times. The heatmaps are computed
in float32 (:data:`MAP_DTYPE`): they are sent as 255 levels, float32 is ~10⁴ times
finer than that, and its ``tanh`` and ``exp`` cost a third to a seventh of float64's.
A state whose float32 maps would not be finite (weights beyond float32's range) gets
them in float64. Everything else is float64. The wire format of what is sent is
``sections.playground.frames.WireFrame``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from core import activations as _act
from core.features import expand
from core.grid import plane_grid
from core.mlp import MLP, single_threaded_blas

__all__ = ["MAP_DTYPE", "network_view", "plane_points", "quantise", "snapshot_views", "stackable"]

Array = npt.NDArray[np.float64]
_LEVELS = 255
#: The dtype the heatmaps are computed in (every other number is float64).
MAP_DTYPE = np.float32


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


def _dead_records(zs: Sequence[Array], grad_w: Sequence[Array], grad_b: Sequence[Array],
                  offsets: Sequence[int]) -> list[dict[str, Any]]:
    """The hidden units with ``z <= 0`` on every training sample (module docstring)."""
    dead = []
    for layer, z in enumerate(zs, start=1):
        with _quiet():
            max_z = z.max(axis=0)
        for unit in np.flatnonzero(max_z <= 0):
            reached = bool(np.any(grad_w[layer - 1][:, unit] != 0) or grad_b[layer - 1][unit] != 0)
            dead.append({
                "node": offsets[layer] + int(unit), "layer": layer, "unit": int(unit),
                "reason": "never_fires", "max_z": float(max_z[unit]), "gets_gradient": reached,
            })
    return dead


def _norms(arrays: Sequence[Array]) -> Array:
    """``‖A‖`` (Frobenius) of each array; inf when its squares overflow."""
    with _quiet():
        return np.array([np.linalg.norm(a) for a in arrays], dtype=np.float64)


def _record(plane: _Plane, sizes: list[int], heat: np.ndarray, ranges: Array, bad: np.ndarray,
            out: tuple[np.ndarray, Array, np.ndarray], weights: list[Array], biases: list[Array],
            grad_w: list[Array], grad_b: list[Array], grad_h: Array, signal: Array,
            dead: list[dict[str, Any]], loss: float) -> dict[str, Any]:
    res, offsets = plane.res, _node_offsets(sizes)
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
            "maps": out[0].reshape(-1, plane.out_res, plane.out_res),
            "ranges": out[1],
            "nonfinite": out[2],
        },
        "weights": weights,
        "biases": biases,
        "grad_w": grad_w,
        "grad_b": grad_b,
        "grad_h": grad_h,
        "layer_signal": signal,
        "weight_norms": _norms(weights),
        "grad_w_norms": _norms(grad_w),
        "dead": dead,
        "loss": loss,
    }


def _check_inputs(sizes: list[int], plane: _Plane) -> None:
    if plane.grid_in.shape[1] != sizes[0]:
        raise ValueError(
            f"the network takes {sizes[0]} inputs but the features give {plane.grid_in.shape[1]}"
        )


def _view(model: MLP, y: npt.ArrayLike, plane: _Plane) -> dict[str, Any]:
    """One view through the model's own passes (any network :class:`MLP` builds)."""
    sizes = [int(s) for s in model.sizes]
    _check_inputs(sizes, plane)
    with _quiet():
        _, hs = model.forward_trace(plane.grid_in)
        out_map = model.forward_trace(plane.out_in)[1][-1]
        trace = model.backward_trace(plane.train_in, y)
        values = np.concatenate([h.T for h in hs])  # (n_nodes, res²), node-major
        heat, ranges, bad = quantise(values)
        grad_h = np.concatenate(
            [np.linalg.norm(d, axis=0) for d in trace.dh] + [np.linalg.norm(trace.deltas[-1], axis=0)]
        )
        grad_w = [np.abs(g) for g in trace.grads_w]
        grad_b = [np.abs(g) for g in trace.grads_b]
    return _record(plane, sizes, heat, ranges, bad, quantise(out_map.T),
                   [np.array(w, dtype=np.float64) for w in model.weights],
                   [np.array(b, dtype=np.float64) for b in model.biases], grad_w, grad_b, grad_h,
                   _norms(trace.dh[1:]), _dead_records(trace.zs[:-1], grad_w, grad_b,
                                                      _node_offsets(sizes)),
                   float(trace.loss))


def stackable(model: MLP) -> bool:
    """Whether :func:`snapshot_views` can evaluate all snapshots of `model` in one pass:
    no normalisation, and a sigmoid or identity output (every Playground network)."""
    return model.norm is None and model.output in ("sigmoid", "identity")


class _Stack:
    """S states of one network, evaluated together: ``W_l`` is (S, sizes[l], sizes[l+1]).

    The same operations as :class:`core.mlp.MLP`'s forward and backward pass (no
    normalisation), on a leading axis of states: a matrix product per state and layer
    (``np.matmul`` broadcasts the shared inputs), the activations elementwise. So S
    states cost one pass's Python and NumPy overhead instead of S.
    """

    def __init__(self, model: MLP, params: Sequence[Any], dtype: type = np.float64) -> None:
        self.model = model
        L = model.n_layers
        self.W = [np.stack([np.asarray(p[0][k], dtype=dtype) for p in params]) for k in range(L)]
        self.b = [np.stack([np.asarray(p[1][k], dtype=dtype) for p in params])[:, None, :]
                  for k in range(L)]

    def forward(self, X: Array) -> tuple[list[Array], list[Array], list[Array]]:
        """``zs`` (the logits last), ``f_l(z_l)`` of each hidden layer and ``hs`` (``X``
        first, the output last), each (S, n, width)."""
        m = self.model
        L = m.n_layers
        zs, acts, hs = [], [], [X]
        h = X
        for i in range(L):
            z = np.matmul(h, self.W[i])  # z_i = h_i W_i + b_i
            z += self.b[i]
            zs.append(z)
            if i == L - 1:
                break
            a = m.activations[i].forward(z)
            h = h + a if m.skips[i] else a  # h_{i+1} (= h_i + f_i(z_i))
            acts.append(a)
            hs.append(h)
        hs.append(_act.sigmoid(zs[-1]) if m.output == "sigmoid" else zs[-1].copy())
        return zs, acts, hs

    def loss(self, X: Array, y: npt.ArrayLike) -> Array:
        """The mean loss of each state on ``(X, y)``, shape (S,) (:meth:`core.mlp.MLP.loss`)."""
        zs, _, hs = self.forward(X)
        return self._loss(zs[-1], hs[-1], self.model._targets(y, X.shape[0]))

    def _loss(self, z: Array, a: Array, Y: np.ndarray) -> Array:
        if self.model.output == "sigmoid":
            # −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y z, finite for any z.
            return np.mean(_act.softplus(z) - Y * z, axis=(1, 2))
        return np.mean((a - Y) ** 2, axis=(1, 2))  # identity: no ½ factor

    def backward(self, X: Array, y: npt.ArrayLike) -> dict[str, Any]:
        """Loss per state, ``|∂L/∂W_l|``, ``|∂L/∂b_l|``, ``∂L/∂h_l`` and the output delta."""
        m = self.model
        L = m.n_layers
        Y = m._targets(y, X.shape[0])
        zs, acts, hs = self.forward(X)
        z, a = zs[-1], hs[-1]
        n = X.shape[0]
        loss = self._loss(z, a, Y)
        if m.output == "sigmoid":  # σ'(z) cancels against the loss: dL/dz = (a − y)/n
            delta = (a - Y) / n
        else:  # identity: the mean squared error over all n · n_out elements
            delta = 2 * (a - Y) / (n * a.shape[2])
        out_delta = delta
        ones = np.ones(n)
        grad_w, grad_b, dh = [None] * L, [None] * L, [None] * L
        dh_above = None
        for i in reversed(range(L)):
            grad_w[i] = np.matmul(np.swapaxes(hs[i], -1, -2), delta)  # h_iᵀ δ_i
            grad_b[i] = np.matmul(ones, delta)  # 1ᵀ δ_i
            g = np.matmul(delta, np.swapaxes(self.W[i], 1, 2))  # δ_i W_iᵀ
            if i < L - 1 and m.skips[i]:
                g += dh_above
            dh[i] = g
            if i == 0:
                break
            k = i - 1
            delta = m.activations[k].backward(g, zs[k], acts[k])  # δ_k = dL/dz_k
            dh_above = g
        return {"loss": loss, "grad_w": grad_w, "grad_b": grad_b, "dh": dh,
                "out_delta": out_delta, "zs": zs}


def _maps(stack: _Stack, plane: _Plane, dtype: type) -> tuple[np.ndarray, np.ndarray]:
    """The hidden and output nodes' values on the node grid, (S, nodes, res²), and the
    output on the large grid, (S, R², n_out)."""
    hs = stack.forward(plane.grid_in.astype(dtype))[2][1:]  # (S, res², width) per layer
    moving = np.concatenate([np.swapaxes(h, 1, 2) for h in hs], axis=1)
    return moving, stack.forward(plane.out_in.astype(dtype))[2][-1]


def _stacked_views(model: MLP, params: Sequence[Any], y: npt.ArrayLike, plane: _Plane,
                   test: tuple[Array, npt.ArrayLike] | None = None) -> list[dict[str, Any]]:
    """:func:`_view` of every state in `params` (weights, biases), in one pass of each kind."""
    sizes = [int(s) for s in model.sizes]
    _check_inputs(sizes, plane)
    S = len(params)
    stack = _Stack(model, params)
    # The maps go to the browser as bytes (255 levels): float32 is 10⁴ times finer than
    # that, and its tanh and exp are 3-7 times faster than float64's. A state whose
    # weights do not fit a float32 (±3.4e38: diverged) gets its maps in float64.
    with _quiet():
        moving, out_map = _maps(_Stack(model, params, MAP_DTYPE), plane, MAP_DTYPE)
        if not (np.isfinite(moving).all() and np.isfinite(out_map).all()):
            # Beyond float32's range (a network blowing up): these states in float64.
            moving, out_map = _maps(stack, plane, np.float64)
        q, r, nf = quantise(moving.reshape(S * moving.shape[1], -1))
        q_in, r_in, nf_in = quantise(plane.grid_in.T)
        oq, orr, onf = quantise(np.swapaxes(out_map, 1, 2).reshape(S * sizes[-1], -1))
        tr = stack.backward(plane.train_in, y)
        node_g = [np.linalg.norm(d, axis=1) for d in tr["dh"]] + [
            np.linalg.norm(tr["out_delta"], axis=1)]  # (S, width) per layer
        signal = [np.sqrt(np.sum(d * d, axis=(1, 2))) for d in tr["dh"][1:]]  # (S,) per hidden layer
        test_loss = None if test is None else stack.loss(plane.inputs(np.asarray(test[0], np.float64)),
                                                         test[1])
    m_nodes, n_out = moving.shape[1], sizes[-1]
    offsets = _node_offsets(sizes)
    views = []
    for s in range(S):
        rows = slice(s * m_nodes, (s + 1) * m_nodes)
        with _quiet():
            grad_w = [np.abs(g[s]) for g in tr["grad_w"]]
            grad_b = [np.abs(g[s]) for g in tr["grad_b"]]
        views.append(_record(
            plane, sizes, np.concatenate([q_in, q[rows]]), np.concatenate([r_in, r[rows]]),
            np.concatenate([nf_in, nf[rows]]),
            (oq[s * n_out:(s + 1) * n_out], orr[s * n_out:(s + 1) * n_out], onf[s * n_out:(s + 1) * n_out]),
            [stack.W[k][s].copy() for k in range(len(stack.W))],
            [stack.b[k][s, 0].copy() for k in range(len(stack.b))], grad_w, grad_b,
            np.concatenate([g[s] for g in node_g]), np.array([v[s] for v in signal], dtype=np.float64),
            _dead_records([z[s] for z in tr["zs"][:-1]], grad_w, grad_b, offsets), float(tr["loss"][s])))
        if test_loss is not None:
            views[-1]["test_loss"] = float(test_loss[s])
    return views


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
        same shapes); ``grad_h`` (n_nodes,) per-node gradient norms;
        ``layer_signal`` (n_hidden_layers,) ``‖∂L/∂h_l‖`` over samples and units of each
        hidden layer; ``weight_norms`` and ``grad_w_norms`` (n_layers,) ``‖W_l‖`` and
        ``‖∂L/∂W_l‖``; ``dead``, a list of ``{"node", "layer", "unit", "reason",
        "max_z", "gets_gradient"}``; and ``loss``, the mean training loss. All norms
        are Frobenius norms in float64 (inf when their squares overflow).
    """
    plane = _Plane(X_train, features, extent, resolution, output_resolution, margin)
    with single_threaded_blas():
        if stackable(model):
            return _stacked_views(model, [(model.weights, model.biases)], y_train, plane)[0]
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
    test: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
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
    test : (X_test, y_test), optional
        Test points in the plane and their targets: each view then has ``test_loss``,
        the mean loss on them (:meth:`core.mlp.MLP.loss`, no penalty).

    Returns
    -------
    list of dict
        One view per snapshot, with ``epoch`` (the mapping's key, or the position in
        the list) added, and every dead unit's record extended by ``dead_since``: the
        epoch of the earliest snapshot from which it has been dead in every snapshot
        up to this one. The grid and the inputs are computed once: every view shares
        the same input-node heatmaps, which a client needs only once. Stackable
        networks are evaluated all at once (module docstring, *Cost*).
    """
    plane = _Plane(X_train, features, extent, resolution, output_resolution, margin)
    items = sorted(snapshots.items()) if isinstance(snapshots, Mapping) else list(enumerate(snapshots))
    views = []
    since: dict[int, int] = {}  # node -> epoch it has been dead since
    # One BLAS limit for the whole list: entering threadpoolctl costs ~2 ms, most of a
    # small network's view.
    with single_threaded_blas():
        if stackable(model):  # all the snapshots in one pass of each kind
            states = _stacked_views(model, [snap for _, snap in items], y_train, plane,
                                    test) if items else []
        else:
            work = model.copy()
            states = []
            for _, snapshot in items:
                _apply(work, snapshot)
                states.append(_view(work, y_train, plane))
                if test is not None:
                    with _quiet():
                        states[-1]["test_loss"] = float(work.loss(plane.inputs(
                            np.asarray(test[0], np.float64)), test[1]))
    for (epoch, _), view in zip(items, states, strict=True):
        dead_now = {d["node"] for d in view["dead"]}
        since = {node: since.get(node, int(epoch)) for node in dead_now}
        for d in view["dead"]:
            d["dead_since"] = since[d["node"]]
        view["epoch"] = int(epoch)
        views.append(view)
    return views
