"""The fast chart path (`ui.charts.vega_spec`, `compiled`) draws what Altair would.

Pages skip Altair's schema validation at run time (it was most of a rerun's
cost), so the schema check happens here instead: every chart every page draws
with its defaults must be valid Vega-Lite, with its data intact.
"""

from __future__ import annotations

import hashlib
import json
import re

import altair as alt
import numpy as np
import pandas as pd
import pytest
from apptest_utils import charts, drawn_spec, every_section, open_section

from ui.charts import (
    boundary_chart,
    compiled,
    inline_spec,
    line_chart,
    vega_spec,
)
from ui.export import chart_svg
from ui.frame import available_pages


def _boundary() -> alt.LayerChart:
    g = np.linspace(-1.0, 1.0, 4)
    x1, x2 = np.meshgrid(g, g)
    grid = pd.DataFrame({"x1": x1.ravel(), "x2": x2.ravel(), "p": np.linspace(0, 1, 16)})
    dots = pd.DataFrame({"x1": [0.1, -0.3], "x2": [0.2, 0.5], "label": [0, 1]})
    return boundary_chart(grid, dots, prob_title="P", class_title="class", step=2 / 3)


def test_spec_is_what_altair_produces_with_the_data_as_arrow() -> None:
    chart = _boundary()
    expected = chart.to_dict()  # validated by Altair, data inline
    spec = vega_spec(chart)
    assert set(spec["datasets"]) and all(isinstance(b, bytes) for b in spec["datasets"].values())
    # The same rows, read back from the Arrow bytes, under content-hash names.
    inline = inline_spec(spec)
    names = {old: next(new for new, rows in inline["datasets"].items() if rows == old_rows)
             for old, old_rows in expected["datasets"].items()}
    assert sorted(names.values()) == sorted(spec["datasets"])
    # The same structure apart from those names, Altair's default 300 x 300 view and
    # the renderer Vega-Embed is asked for.
    skip = ("datasets", "config", "usermeta")
    text = json.dumps({k: v for k, v in expected.items() if k not in skip})
    for old, new in names.items():
        text = text.replace(old, new)
    assert json.loads(text) == {k: v for k, v in spec.items() if k not in skip}
    assert "config" not in spec or "view" not in spec["config"]
    assert spec["usermeta"] == {"embedOptions": {"renderer": "canvas"}}
    # No ARIA descriptions on screen: a canvas never shows them (see vega_spec).
    assert spec["config"]["aria"] is False


def test_spec_leaves_the_chart_as_it_was() -> None:
    chart = _boundary()
    before = chart.to_dict()
    vega_spec(chart)
    assert chart.to_dict() == before
    assert all(isinstance(layer.data, pd.DataFrame) for layer in chart.layer)


def test_compiled_is_cached_on_equal_arguments_and_fresh_on_new_ones() -> None:
    frame = pd.DataFrame({"epoch": [0, 1, 2], "loss": [1.0, 0.5, 0.2], "act": "relu"})
    args = ("epoch", "loss", "act")
    kw = {"x_title": "epoch", "y_title": "loss", "colour_title": "activation"}
    a = compiled(line_chart, frame, *args, **kw)
    b = compiled(line_chart, frame.copy(), *args, **kw)
    c = compiled(line_chart, frame.assign(loss=[1.0, 0.4, 0.2]), *args, **kw)
    assert a == b
    assert a["datasets"] != c["datasets"]


def test_svg_from_a_spec_matches_svg_from_the_chart() -> None:
    chart = _boundary()
    from_spec, from_chart = chart_svg(vega_spec(chart)).decode(), chart_svg(chart).decode()
    assert from_spec.startswith("<svg") and from_spec.rstrip().endswith("</svg>")
    # The same marks (the spec leaves out Altair's default 300 px view size).
    for tag in ("<path", "<text"):
        assert from_spec.count(tag) == from_chart.count(tag)
    # The file keeps the marks' ARIA descriptions that the on-screen canvas drops.
    assert from_spec.count("aria-label=") == from_chart.count("aria-label=") > 2


def test_line_and_band_charts_send_only_the_columns_they_draw() -> None:
    frame = pd.DataFrame({"epoch": [0, 1, 2] * 2, "loss": np.linspace(1.0, 0.1, 6),
                          "lo": 0.05, "hi": 2.0, "act": ["relu"] * 3 + ["tanh"] * 3,
                          "split": "train", "series": "a long label", "seed": 7})
    kw = {"x_title": "epoch", "y_title": "loss", "colour_title": "activation"}
    cases = {
        ("epoch", "loss", "act"): line_chart(frame, "epoch", "loss", "act", **kw),
        ("epoch", "loss", "act", "split"): line_chart(frame, "epoch", "loss", "act",
                                                      dash="split", **kw),
        ("epoch", "loss", "lo", "hi", "act"): line_chart(frame, "epoch", "loss", "act",
                                                         band=("lo", "hi"), **kw),
    }
    for columns, chart in cases.items():
        rows = inline_spec(vega_spec(chart))["datasets"].values()
        assert rows and all(list(r[0]) == list(columns) for r in rows), columns
        assert sum(map(len, rows)) >= len(frame)  # every row still drawn
    assert list(frame.columns)[-1] == "seed"  # the caller's frame is left whole


@pytest.mark.slow  # every section of every page
@pytest.mark.parametrize("info", available_pages(), ids=lambda p: p.name)
def test_every_chart_on_every_page_is_valid_vega_lite(info) -> None:
    drawn = []
    for _, at in every_section(info):
        if info.name == "playground":  # no loss chart at epoch 0: train one step first
            at.session_state["_pg_cmd"] = {"action": "step", "ctl": 1}
            at.run()
        drawn += charts(at)
    assert drawn, f"{info.name} drew no chart"
    for chart in drawn:
        assert chart.proto.datasets, "every chart sends its data as named Arrow data sets"
        spec = drawn_spec(chart)
        datasets = spec["datasets"]
        alt.Root.validate(spec)  # raises jsonschema.ValidationError with the path
        for name in datasets:
            assert json.dumps(spec).count(f'"name": "{name}"') >= 1, "a data set is used"


def test_compiled_keys_see_column_names_and_refuse_unknown_arguments() -> None:
    frame = pd.DataFrame({"epoch": [0, 1], "loss": [1.0, 0.5], "act": "relu"})
    kw = {"x_title": "epoch", "y_title": "loss", "colour_title": "activation"}
    a = compiled(line_chart, frame, "epoch", "loss", "act", **kw)
    b = compiled(line_chart, frame.rename(columns={"loss": "cost"}), "epoch", "cost", "act", **kw)
    assert a != b
    with pytest.raises(TypeError, match="cannot key"):
        compiled(line_chart, frame, "epoch", "loss", "act", unknown=object(), **kw)


def test_compiled_keys_a_record_by_its_class_and_fields() -> None:
    from sections.piecewise.compute import YarotskyCurve, yarotsky_curve
    from ui.charts.spec import _fingerprint

    def key(value) -> str:
        h = hashlib.blake2b(digest_size=20)
        _fingerprint(value, h)
        return h.hexdigest()

    a = yarotsky_curve(2)
    same = YarotskyCurve(a.x.copy(), a.f.copy(), a.sq.copy())
    other = YarotskyCurve(a.x, a.sq, a.f)  # the same arrays in other fields
    assert key(a) == key(same) != key(other)
    assert key(a) != key((a.x, a.f, a.sq))  # not the tuple of its fields


def test_probability_map_pixels_follow_the_grid() -> None:
    from ui.charts import SIGN_RAMP, probability_png

    # 3 x 2 grid: p = 0 at the bottom-left point, 1 at the top-right one.
    grid = pd.DataFrame({"x1": [0.0, 1.0, 2.0] * 2, "x2": [0.0] * 3 + [1.0] * 3,
                         "p": [0.0, 0.5, 0.5, 0.5, 0.5, 1.0]})
    pixels = _png_pixels(probability_png(grid))
    assert pixels.shape[:2] == (2, 3)
    hexes = [[f"#{r:02X}{g:02X}{b:02X}" for r, g, b, _ in row] for row in pixels]
    # p = 0 is class 0's orange, p = 1 class 1's blue, p = 0.5 the white middle.
    assert hexes[1][0] == SIGN_RAMP[0]  # bottom row is drawn last; x1 = 0 on the left
    assert hexes[0][2] == SIGN_RAMP[-1]
    assert hexes[0][0] == SIGN_RAMP[1]


def _png_pixels(url: str) -> np.ndarray:
    import base64
    import io

    from PIL import Image

    png = base64.b64decode(url.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_image_heatmap_puts_epochs_left_to_right_and_layer_one_at_the_bottom() -> None:
    from ui.charts import GRADIENT_RAMP, image_heatmap

    # 3 epochs x 2 layers on a log scale from 1e-4 to 1: the smallest value at
    # epoch 0 of layer 1, the largest at epoch 2 of layer 2, one blank cell.
    values = np.array([[1e-4, 1e-2], [1e-2, np.nan], [1e-2, 1.0]])
    chart = image_heatmap(values, x_title="epoch", y_title="layer", value_title="norm",
                          domain=(1e-4, 1.0), log=True, legend_format=".0e")
    spec = vega_spec(chart)
    alt.Root.validate(inline_spec(spec))
    url = chart.layer[0].data["url"].iloc[0]
    pixels = _png_pixels(url)
    assert pixels.shape == (2, 3, 4)  # one row per layer, one column per epoch
    hexes = [[f"#{r:02X}{g:02X}{b:02X}" for r, g, b, _ in row] for row in pixels]
    # By default the gradient-size ramp: seven stops, the middle one half way.
    assert hexes[1][0] == GRADIENT_RAMP[0]  # layer 1 is the bottom row; epoch 0 the left column
    assert hexes[0][2] == GRADIENT_RAMP[-1]
    assert hexes[1][1] == GRADIENT_RAMP[3]  # 1e-2: half way on the log scale
    assert pixels[0, 1, 3] == 0 and pixels[1, 0, 3] == 255  # NaN is transparent
    # The legend layer carries the same log colour scale and its format; the
    # scale's ends are the layer's two data values, not a domain in the spec.
    legend = spec["layer"][1]["encoding"]["color"]
    assert legend["scale"]["type"] == "log" and "domain" not in legend["scale"]
    assert legend["scale"]["range"] == list(GRADIENT_RAMP) and legend["legend"]["format"] == ".0e"
    assert chart.layer[1].data["v"].tolist() == [1e-4, 1.0]


def _shape(spec: dict | str) -> str:
    """A spec's text without its data: data set names become their order of use."""
    if isinstance(spec, dict):
        spec = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    text = json.dumps(json.loads(spec), sort_keys=True)
    pattern = r'"name": "(d[0-9a-f]{20}(?:_[0-9]+)?)"'
    order = {name: i for i, name in enumerate(dict.fromkeys(re.findall(pattern, text)))}
    return re.sub(pattern, lambda m: f'"name": "data{order[m.group(1)]}"', text)


def test_image_charts_keep_their_spec_when_only_the_data_change() -> None:
    # A chart whose spec text changes is built again from scratch in the browser
    # (~15-30 ms a chart); new data alone is swapped into the drawn chart. So no
    # number taken from the data may be written into the spec (ui.charts).
    from ui.charts import image_heatmap

    rng = np.random.default_rng(0)

    def heat(values: np.ndarray) -> dict:
        return vega_spec(image_heatmap(values, x_title="epoch", y_title="layer",
                                       value_title="norm", log=True,
                                       domain=(values.min(), values.max())))

    def boundary(lo: float, hi: float, seed: int) -> dict:
        g = np.linspace(lo, hi, 5)
        x1, x2 = np.meshgrid(g, g + 0.3)
        r = np.random.default_rng(seed)
        grid = pd.DataFrame({"x1": x1.ravel(), "x2": x2.ravel(), "p": r.uniform(0, 1, 25)})
        dots = pd.DataFrame({"x1": r.uniform(lo, hi, 6), "x2": r.uniform(lo, hi, 6),
                             "label": [0, 1] * 3})
        return vega_spec(boundary_chart(grid, dots, prob_title="P", class_title="class"))

    a, b = heat(rng.uniform(1e-6, 1, (60, 11))), heat(rng.uniform(1e-3, 5, (60, 11)))
    assert a["datasets"] != b["datasets"] and _shape(a) == _shape(b)
    a, b = boundary(-2.7, 2.9, 0), boundary(-3.1, 2.2, 1)
    assert a["datasets"] != b["datasets"] and _shape(a) == _shape(b)


@pytest.mark.parametrize(("page", "view", "control", "value"), [
    ("vanishing", "boundary", "n", 350), ("piecewise", "fit", "noise", 0.1),
    ("shapes", "curves", "x", ["1", "4"]),  # the marks' layers: empty, not left out
    # (depth 3 -> 5 keeps the heatmaps' height, but at the defaults the no-gradient
    # shares stay 100% and 0% at any depth: the epochs change every chart's data)
    ("dead_relu", "training", "epochs", 40),
])
def test_moving_a_data_slider_changes_the_charts_data_not_their_specs(page, view, control,
                                                                      value) -> None:
    info = next(p for p in available_pages() if p.name == page)
    before = [c.proto for c in charts(open_section(info, view))]
    after = [c.proto for c in charts(open_section(info, view, {control: value}))]
    assert before and len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        assert [d.data.data for d in old.datasets] != [d.data.data for d in new.datasets]
        assert _shape(old.spec) == _shape(new.spec)


def test_dead_relu_heatmaps_are_taller_for_deeper_networks() -> None:
    info = next(p for p in available_pages() if p.name == "dead_relu")

    def heights(depth: int) -> set[int]:
        at = open_section(info, "training", {"depth": depth})
        return {json.loads(c.proto.spec).get("height") for c in charts(at)
                if "image" in c.proto.spec}

    shallow, deep = heights(4), heights(30)
    assert len(shallow) == len(deep) == 1 and max(shallow) < min(deep)
