"""Tests for core.network_view: heatmaps against the network, gradients against finite
differences, dead units, snapshots, and the size of what is sent."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from core.datasets import PLAYGROUND_EXTENT, load
from core.features import FEATURES, expand
from core.mlp import MLP
from core.network_view import MAP_DTYPE, network_view, plane_points, quantise, snapshot_views
from sections.playground.frames import F32_MAX, encode, frame_bytes, static_part

ALL = list(FEATURES)


def dequantise(q: np.ndarray, ranges: np.ndarray) -> np.ndarray:
    """Values back from bytes, as the component reads them: ``lo + q (hi − lo) / 255`` per node."""
    q = np.asarray(q, dtype=np.float64)
    ranges = np.asarray(ranges, dtype=np.float64)
    shape = (-1,) + (1,) * (q.ndim - 1)
    lo, hi = ranges[:, 0].reshape(shape), ranges[:, 1].reshape(shape)
    return lo + q * (hi - lo) / 255


def unpack(b64: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype=dtype)


def spiral(n: int = 120) -> tuple[np.ndarray, np.ndarray]:
    return load("spiral", n_samples=n, noise=0.1, seed=0)


#: The maps are computed in float32 (``MAP_DTYPE``): within this share of their size
#: of the float64 values, through a few layers of sums and activations.
F32_SLACK = 1e-5


def tolerance(ranges: np.ndarray) -> np.ndarray:
    """Largest quantisation error per node, plus float32 slack."""
    size = np.maximum(np.abs(ranges).max(axis=1), 1.0)[:, None, None]
    return (ranges[:, 1] - ranges[:, 0])[:, None, None] / 510 + F32_SLACK * size


def test_plane_points_order_is_an_image() -> None:
    points, axes = plane_points(extent=6.0, resolution=4)
    np.testing.assert_allclose(axes, [[-6, -2, 2, 6], [-6, -2, 2, 6]])
    img = points.reshape(4, 4, 2)
    np.testing.assert_allclose(img[0, :, 1], 6.0)  # row 0 is the top: largest x₂
    np.testing.assert_allclose(img[:, 0, 0], -6.0)  # column 0 is the left: smallest x₁
    np.testing.assert_allclose(img[-1, -1], [6.0, -6.0])
    X = np.array([[0.0, 1.0], [2.0, 3.0]])
    _, axes = plane_points(X, resolution=3, margin=0.5)
    np.testing.assert_allclose(axes, [[-0.5, 1.0, 2.5], [0.5, 2.0, 3.5]])
    with pytest.raises(ValueError):
        plane_points()
    with pytest.raises(ValueError):
        plane_points(extent=-1.0)


def test_quantise_round_trip_and_edge_cases() -> None:
    rng = np.random.default_rng(0)
    v = rng.normal(size=(5, 50)) * [[1], [10], [1e-3], [0], [1e6]]
    q, ranges, bad = quantise(v)
    assert q.dtype == np.uint8 and ranges.shape == (5, 2) and not bad.any()
    back = dequantise(q, ranges)
    assert np.all(np.abs(back - v) <= (ranges[:, 1:] - ranges[:, :1]) / 510 + 1e-9)
    np.testing.assert_array_equal(ranges[:, 0], v.min(axis=1))
    assert q[3].max() == 0 and np.all(back[3] == 0)  # a constant row
    assert {int(q[i].min()) for i in (0, 1, 2, 4)} == {0} and {int(q[i].max()) for i in (0, 1, 2, 4)} == {255}
    odd = np.array([[np.nan, 1.0, np.inf, 3.0], [np.nan] * 4])
    q, ranges, bad = quantise(odd)
    np.testing.assert_array_equal(bad, [2, 4])
    np.testing.assert_array_equal(ranges, [[1.0, 3.0], [0.0, 0.0]])
    np.testing.assert_array_equal(q, [[0, 0, 0, 255], [0, 0, 0, 0]])


@pytest.fixture(scope="module")
def trained() -> tuple[MLP, np.ndarray, np.ndarray, list[str]]:
    X, y = spiral()
    codes = ["x1", "x2", "x1sq", "sinx1", "sinx2"]
    model = MLP([len(codes), 6, 5, 1], activation="tanh", init="glorot_uniform", seed=1)
    model.fit(expand(X, codes), y, epochs=15, lr=0.03, batch_size=10)
    return model, X, y, codes


def test_every_heatmap_is_its_node_on_the_grid(trained) -> None:
    model, X, y, codes = trained
    view = network_view(model, X, y, codes, extent=PLAYGROUND_EXTENT, resolution=20)
    assert view["sizes"] == [5, 6, 5, 1] and view["offsets"] == [0, 5, 11, 16]
    assert view["heatmaps"].shape == (17, 20, 20) and view["heatmaps"].dtype == np.uint8
    points, axes = plane_points(extent=PLAYGROUND_EXTENT, resolution=20)
    np.testing.assert_array_equal(view["axes"], axes)
    _, hs = model.forward_trace(expand(points, codes))
    exact = np.concatenate([h.T for h in hs]).reshape(-1, 20, 20)
    back = dequantise(view["heatmaps"], view["ranges"])
    assert np.all(np.abs(back - exact) <= tolerance(view["ranges"]))
    # The input nodes are the features themselves: x₂ is largest on the top row.
    np.testing.assert_allclose(view["ranges"][1], [-6.0, 6.0])
    assert np.all(view["heatmaps"][1, 0] == 255) and np.all(view["heatmaps"][1, -1] == 0)
    assert not view["nonfinite"].any()


def test_output_heatmap_equals_predict_proba_on_the_grid(trained) -> None:
    model, X, y, codes = trained
    view = network_view(model, X, y, codes, extent=6.0, resolution=16, output_resolution=40)
    for res, maps, ranges in ((16, view["heatmaps"][-1:], view["ranges"][-1:]),
                              (40, view["output"]["maps"], view["output"]["ranges"])):
        points, _ = plane_points(extent=6.0, resolution=res)
        proba = model.predict_proba(expand(points, codes)).reshape(1, res, res)
        assert np.all(np.abs(dequantise(maps, ranges) - proba) <= tolerance(ranges))
        np.testing.assert_allclose(ranges[0], [proba.min(), proba.max()], rtol=F32_SLACK)


def test_regression_output_is_the_prediction() -> None:
    X, y = load("plane", n_samples=80, noise=0.0, seed=0)
    model = MLP([2, 4, 1], activation="relu", output="identity", seed=0)
    model.fit(X, y, epochs=5, lr=0.01)
    view = network_view(model, X, y, extent=6.0, resolution=12)
    points, _ = plane_points(extent=6.0, resolution=12)
    pred = model.predict(points).reshape(1, 12, 12)
    assert np.all(np.abs(dequantise(view["heatmaps"][-1:], view["ranges"][-1:]) - pred)
                  <= tolerance(view["ranges"][-1:]))
    assert view["features"] is None


def test_weights_and_gradients_match_the_trace(trained) -> None:
    model, X, y, codes = trained
    view = network_view(model, X, y, codes, extent=6.0)
    t = model.backward_trace(expand(X, codes), y)
    for k in range(model.n_layers):
        np.testing.assert_array_equal(view["weights"][k], model.weights[k])
        np.testing.assert_array_equal(view["biases"][k], model.biases[k])
        np.testing.assert_array_equal(view["grad_w"][k], np.abs(t.grads_w[k]))
        np.testing.assert_array_equal(view["grad_b"][k], np.abs(t.grads_b[k]))
    expected = np.concatenate([np.linalg.norm(d, axis=0) for d in t.dh]
                              + [np.linalg.norm(t.deltas[-1], axis=0)])
    np.testing.assert_allclose(view["grad_h"], expected)
    assert view["grad_h"].shape == (17,)
    assert view["loss"] == pytest.approx(model.loss(expand(X, codes), y))


@pytest.mark.parametrize(("layer", "i", "j"), [(0, 2, 3), (1, 5, 1), (2, 4, 0)])
def test_edge_gradient_against_central_differences(trained, layer: int, i: int, j: int) -> None:
    model, X, y, codes = trained
    view = network_view(model, X, y, codes, extent=6.0)
    Xf, m, eps = expand(X, codes), model.copy(), 1e-6
    w0 = m.weights[layer][i, j]
    m.weights[layer][i, j] = w0 + eps
    up = m.loss(Xf, y)
    m.weights[layer][i, j] = w0 - eps
    down = m.loss(Xf, y)
    fd = (up - down) / (2 * eps)
    assert view["grad_w"][layer][i, j] == pytest.approx(abs(fd), rel=1e-6, abs=1e-10)


def test_input_node_gradient_norm_against_central_differences(trained) -> None:
    model, X, y, codes = trained
    X, y = X[:25], y[:25]
    view = network_view(model, X, y, codes, extent=6.0)
    Xf, eps = expand(X, codes), 1e-6
    for node in (0, 3):  # ‖∂L/∂x_node‖ over the samples, one sample perturbed at a time
        column = []
        for s in range(len(X)):
            up, down = Xf.copy(), Xf.copy()
            up[s, node] += eps
            down[s, node] -= eps
            column.append((model.loss(up, y) - model.loss(down, y)) / (2 * eps))
        assert view["grad_h"][node] == pytest.approx(np.linalg.norm(column), rel=1e-5)


def _with_dead_unit(activation: str) -> tuple[MLP, np.ndarray, np.ndarray]:
    X, y = spiral(60)
    model = MLP([2, 4, 3, 1], activation=activation, seed=0)
    model.biases[0][2] = -100.0  # hidden layer 1, unit 2 never reaches z > 0 on this data
    return model, X, y


def test_dead_relu_unit_is_reported_with_its_reason() -> None:
    model, X, y = _with_dead_unit("relu")
    view = network_view(model, X, y, extent=6.0)
    zs, _ = model.forward_trace(X)
    ours = [d for d in view["dead"] if d["layer"] == 1 and d["unit"] == 2]
    assert len(ours) == 1
    d = ours[0]
    assert d["node"] == 2 + 2 and d["reason"] == "never_fires"
    assert d["max_z"] == pytest.approx(zs[0][:, 2].max()) and d["max_z"] < -90
    assert d["gets_gradient"] is False
    # The definition: z <= 0 on every sample, layer by layer.
    expected = {(k + 1, int(u)) for k, z in enumerate(zs[:-1])
                for u in np.flatnonzero(np.all(z <= 0, axis=0))}
    assert {(d["layer"], d["unit"]) for d in view["dead"]} == expected
    # Its heatmap is flat zero, and nothing reaches its incoming weights.
    assert np.all(view["heatmaps"][4] == 0) and np.all(view["ranges"][4] == 0)
    assert np.all(view["grad_w"][0][:, 2] == 0)


def test_a_leaky_unit_below_zero_still_gets_gradient() -> None:
    model, X, y = _with_dead_unit("leaky_relu")
    d = next(d for d in network_view(model, X, y, extent=6.0)["dead"] if d["node"] == 4)
    assert d["gets_gradient"] is True


def test_snapshot_views_follow_history_snapshots() -> None:
    X, y = spiral(80)
    codes = ["x1", "x2", "sinx1"]
    model = MLP([3, 5, 1], activation="relu", seed=3)
    history = model.fit(expand(X, codes), y, epochs=6, lr=0.1, snapshot_epochs=[0, 3, 6])
    before = [w.copy() for w in model.weights]
    views = snapshot_views(model, history.snapshots, X, y, codes, extent=6.0)
    assert [v["epoch"] for v in views] == [0, 3, 6]
    for k, w in enumerate(before):
        np.testing.assert_array_equal(model.weights[k], w)  # the model is left alone
    for v in views:
        m = model.copy()
        snap = history.snapshots[v["epoch"]]
        m.set_params(snap[0], snap[1])
        alone = network_view(m, X, y, codes, extent=6.0)
        np.testing.assert_array_equal(v["heatmaps"], alone["heatmaps"])
        np.testing.assert_array_equal(v["grad_h"], alone["grad_h"])
        assert v["loss"] == alone["loss"]
    last = network_view(model, X, y, codes, extent=6.0)
    np.testing.assert_array_equal(views[-1]["heatmaps"], last["heatmaps"])
    # A list of snapshots is numbered by position.
    listed = snapshot_views(model, [history.snapshots[0], history.snapshots[6]], X, y, codes, extent=6.0)
    assert [v["epoch"] for v in listed] == [0, 1]


def test_dead_since_counts_from_the_first_snapshot_of_an_unbroken_run() -> None:
    X, y = spiral(60)
    model = MLP([2, 4, 1], activation="relu", seed=0)
    alive = (model.weights, model.biases)

    def killed(unit: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        b = [x.copy() for x in model.biases]
        b[0][unit] = -100.0
        return [w.copy() for w in model.weights], b

    # Unit 1 dies at epoch 10, comes back at 30, dies again at 40.
    snaps = {0: alive, 10: killed(1), 20: killed(1), 30: alive, 40: killed(1)}
    views = snapshot_views(model, snaps, X, y, extent=6.0)
    since = [{d["node"]: d["dead_since"] for d in v["dead"]}.get(2 + 1) for v in views]
    assert since == [None, 10, 10, None, 40]


def test_frames_are_json_small_and_decode_to_the_view() -> None:
    """What the page sends (``frames.encode``), decoded as the component decodes it."""
    X, y = spiral(200)
    model = MLP([7, *[16] * 8, 1], activation="relu", seed=0)
    model.fit(expand(X, ALL), y, epochs=2, lr=0.03, batch_size=10)
    sizes = [7, *[16] * 8, 1]
    for res in (10, 16):
        view = network_view(model, X, y, ALL, extent=6.0, resolution=res)
        assert view["heatmaps"].shape == (7 + 128 + 1, res, res)
        frame = encode(view, 2, None, {})
        text = json.dumps(frame, allow_nan=False)
        assert len(text) <= frame_bytes(sizes) * (res / 10) ** 2  # the estimate is at res 10
        assert set(frame) == {"e", "h", "r", "o", "or", "w", "b", "gw", "gh", "d", "lt", "lv"}
        heat = unpack(frame["h"], "u1").reshape(-1, res, res)
        np.testing.assert_array_equal(heat, view["heatmaps"][7:])
        ranges = np.array(frame["r"], dtype=float).reshape(-1, 2)
        np.testing.assert_allclose(ranges, view["ranges"][7:], rtol=5e-5, atol=1e-300)
        w = unpack(frame["w"], "<f4")
        np.testing.assert_allclose(w, np.concatenate([a.ravel() for a in view["weights"]]), rtol=1e-7)
        np.testing.assert_allclose(unpack(frame["gh"], "<f4"), view["grad_h"], rtol=1e-7)
        assert len(unpack(frame["gw"], "<f4")) == len(w) and len(unpack(frame["b"], "<f4")) == 128 + 1
        inputs = unpack(static_part(view)["inputs"], "u1").reshape(-1, res, res)
        np.testing.assert_array_equal(inputs, view["heatmaps"][:7])


def test_frames_round_losses_to_five_digits(trained) -> None:
    model, X, y, codes = trained
    view = network_view(model, X, y, codes, extent=6.0)
    frame = encode(view, 0, 0.123456789, {})
    assert frame["lt"] == pytest.approx(view["loss"], rel=5e-5) and frame["lv"] == 0.12346
    out = unpack(frame["o"], "u1").reshape(1, 48, 48)
    np.testing.assert_array_equal(out, view["output"]["maps"])


def test_maps_are_float32_and_the_rest_float64(trained) -> None:
    model, X, y, codes = trained
    view = network_view(model, X, y, codes, extent=6.0)
    assert MAP_DTYPE == np.float32
    assert all(w.dtype == np.float64 for w in view["weights"] + view["grad_w"])
    assert view["grad_h"].dtype == np.float64 and view["layer_signal"].dtype == np.float64
    t = model.backward_trace(expand(X, codes), y)
    np.testing.assert_allclose(view["layer_signal"], [np.linalg.norm(d) for d in t.dh[1:]], rtol=1e-12)
    np.testing.assert_allclose(view["weight_norms"], [np.linalg.norm(w) for w in model.weights])


def test_a_diverged_network_is_reported_not_warned_about() -> None:
    X, y = spiral(40)
    model = MLP([2, 3, 1], activation="relu", seed=0)
    model.weights[0][:] = 1e308  # the hidden pre-activations overflow to inf (and inf − inf)
    view = network_view(model, X, y, extent=6.0)  # RuntimeWarnings are errors in this suite
    assert view["nonfinite"][2:5].sum() > 0
    assert not np.isfinite(view["loss"])
    frame = encode(view, 0, None, {})
    json.dumps(frame, allow_nan=False)
    assert frame["lt"] is None
    w = unpack(frame["w"], "<f4")
    assert np.all(np.isfinite(w)) and w.max() == np.float32(F32_MAX)  # sent as float32's largest


def test_inputs_must_match_the_network(trained) -> None:
    model, X, y, _ = trained
    with pytest.raises(ValueError):
        network_view(model, X, y, ["x1", "x2"], extent=6.0)
    with pytest.raises(ValueError):
        network_view(model, X[:, :1], y, ["x1"], extent=6.0)
    with pytest.raises(ValueError):
        network_view(model, X, y, ["nope"], extent=6.0)


def test_snapshot_views_give_each_states_test_loss() -> None:
    X, y = spiral(80)
    Xt, yt = load("spiral", n_samples=40, noise=0.1, seed=1)
    codes = ["x1", "x2", "sinx1"]
    model = MLP([3, 5, 4, 1], activation="tanh", seed=3)
    history = model.fit(expand(X, codes), y, epochs=4, lr=0.1, batch_size=8, snapshot_epochs=[0, 2, 4])
    views = snapshot_views(model, history.snapshots, X, y, codes, extent=6.0, test=(Xt, yt))
    for v in views:
        m = model.copy()
        m.set_params(history.snapshots[v["epoch"]])
        assert v["test_loss"] == pytest.approx(m.loss(expand(Xt, codes), yt), rel=1e-12)
    assert "test_loss" not in snapshot_views(model, history.snapshots, X, y, codes, extent=6.0)[0]
