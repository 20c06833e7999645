"""The Dead ReLU page: every control, extreme settings, tampered links, the claims it shows."""

from __future__ import annotations

import re

from apptest_utils import bound_widgets, charts, errors_text, open_page, url_note_shown

from ui.frame import PAGES
from ui.i18n import Translator

PAGE = next(p for p in PAGES if p.name == "dead_relu")
T = Translator("en")
FAST = {"epochs": "20", "mc": "100"}


def _metrics(at) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in at.metric:
        out.setdefault(m.label, []).append(m.value)
    return out


def _text(at) -> str:
    parts = [e.value for kind in ("markdown", "info", "warning", "error", "caption")
             for e in at.get(kind)]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    parts += [str(d.value) for d in at.dataframe]
    return "\n".join(str(p) for p in parts)


def test_defaults_show_every_section() -> None:
    at = open_page(PAGE)
    assert not at.exception, errors_text(at)
    headers = [h.value for h in at.header]
    for s in ("s1", "s2", "s3", "s4", "s5", "s6"):
        assert T(f"dead_relu.{s}.title") in headers
    # 2 heatmaps + total line + unit range + fires bars + recovery line + born-dead curves
    assert len(charts(at)) == 7
    assert len(at.dataframe) == 2  # born-dead table and remedies table
    m = _metrics(at)
    assert len(m[T("dead_relu.metric.test_acc")]) == 2
    assert not url_note_shown(at)


def test_born_dead_shows_mc_size_interval_and_rises_with_depth() -> None:
    at = open_page(PAGE, {"mc": "200"})
    assert not at.exception, errors_text(at)
    assert T("dead_relu.s4.caption", n=200) in _text(at)
    table = at.dataframe[0].value
    row = table.loc[T("dead_relu.s4.width_row", w=2)]
    cells = [re.match(r"([\d.]+) \[([\d.]+), ([\d.]+)\]", str(v)).groups() for v in row]
    p = [float(c[0]) for c in cells]
    assert all(float(lo) <= float(mid) <= float(hi) for mid, lo, hi in cells)
    assert p == sorted(p) and p[-1] > 0.9  # width 2: almost always constant at depth 50
    wide = [float(str(v).split()[0]) for v in table.loc[T("dead_relu.s4.width_row", w=10)]]
    assert wide[-1] < p[-1]


def test_remedies_table_has_every_variant() -> None:
    at = open_page(PAGE, FAST)
    table = at.dataframe[1].value
    assert len(table) == 7
    slope = table[T("dead_relu.s5.col.neg_slope")].tolist()
    assert slope[:3] == [T("dead_relu.s5.slope.zero")] * 3
    assert slope[3:] == [T("dead_relu.s5.slope.nonzero")] * 4


def test_every_control_changes_without_error() -> None:
    # No URL here: AppTest keeps the first query string while widgets change.
    at = open_page(PAGE)
    assert not at.exception, errors_text(at)
    changes = [
        ("selectbox", "data", "circles"), ("slider", "depth", 3),
        ("select_slider", "width", 4), ("select_slider", "lr", 0.3),
        ("slider", "bias", -1.0), ("slider", "shift", -2.0),
        ("selectbox", "init", "he_normal"), ("multiselect", "act", ["relu", "gelu", "silu"]),
        ("selectbox", "opt", "adam"), ("slider", "epochs", 20), ("number_input", "seed", 3),
        ("selectbox", "insp", "gelu"), ("slider", "layer", 2), ("select_slider", "snap", 0),
        ("select_slider", "big", 30), ("selectbox", "binit", "glorot_uniform"),
        ("toggle", "bbias", True), ("select_slider", "mc", 200),
        ("selectbox", "data", "iris"),
    ]
    for kind, key, value in changes:
        before = _text(at)
        getattr(at, kind)(key=key).set_value(value).run()
        assert not at.exception, (key, errors_text(at))
        assert bound_widgets(at)[key].value == value, key
        assert _text(at) != before, key
    assert not url_note_shown(at), [w.value for w in at.warning]


def test_negative_bias_kills_every_unit_at_birth_and_says_so() -> None:
    at = open_page(PAGE, {**FAST, "bias": "-10"})
    assert not at.exception, errors_text(at)
    assert T("dead_relu.s1.all_dead_birth") in [w.value for w in at.warning]
    dead = _metrics(at)[T("dead_relu.metric.dead_end")]
    assert dead[0] == "100.0%"


def test_extremes_never_crash() -> None:
    at = open_page(PAGE, {"lr": "10", "bias": "-10", "depth": "50", "width": "2",
                          "epochs": "10", "big": "100", "mc": "100", "shift": "-5",
                          "act": ["relu", "leaky_relu", "elu", "gelu", "silu"]})
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    # Shifted inputs keep one first-layer unit alive, but a whole deeper layer is dead.
    warnings = [w.value for w in at.warning]
    assert any(w.startswith(T("dead_relu.s1.layer_dead_birth", layer=50)[:40]) for w in warnings)


def test_large_learning_rate_divergence_is_stated() -> None:
    at = open_page(PAGE, {"lr": "10", "epochs": "20", "mc": "100"})
    assert not at.exception, errors_text(at)
    assert any("diverged" in e.value for e in at.error)


def test_big_step_kills_relu_units() -> None:
    at = open_page(PAGE, {**FAST, "big": "100"})
    died = _metrics(at)[T("dead_relu.s3.relu.died")]
    assert int(died[0]) > 0  # ReLU: units killed by one step


def test_layer_beyond_depth_and_empty_choice_fall_back() -> None:
    at = open_page(PAGE, {**FAST, "depth": "2", "layer": "7", "snap": "13", "act": ""})
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    w = bound_widgets(at)
    assert w["layer"].value == 1 and w["snap"].value == 20
    assert T("dead_relu.no_act") in [x.value for x in at.warning]


def test_single_layer_and_korean() -> None:
    at = open_page(PAGE, {**FAST, "depth": "1", "lang": "ko"})
    assert not at.exception, errors_text(at)
    assert "layer" not in bound_widgets(at)
    assert Translator("ko")("dead_relu.s2.one_layer") in [c.value for c in at.caption]
