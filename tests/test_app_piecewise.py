"""The Piecewise ReLU page through AppTest: claims on the numbers it shows, every target,
the formula box, k at its maximum, tampered URLs."""

from __future__ import annotations

import pytest
from apptest_utils import bound_widgets, charts, errors_text, open_page, url_note_shown

from ui.frame import PAGES
from ui.i18n import Translator

INFO = next(p for p in PAGES if p.name == "piecewise")
T = Translator("en")
FAST = {"epochs": "50", "n": "60"}


def _metrics(at) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in at.metric:
        out.setdefault(m.label, []).append(m.value)
    return out


def _formula_warning(at) -> bool:
    head = T("piecewise.formula.rejected", text="", reason="", used="").split("`")[0]
    return any(head in w.value for w in at.warning)


def test_defaults_show_every_section_and_its_claims() -> None:
    at = open_page(INFO)
    assert not at.exception, errors_text(at)
    assert len(charts(at)) >= 9
    m = _metrics(at)
    fit_pieces, hinge_pieces = (int(v) for v in m[T("piecewise.fit.pieces")])
    assert fit_pieces >= 2
    units = bound_widgets(at)["units"].value
    assert 1 <= hinge_pieces <= units + 1
    assert float(m[T("piecewise.hinge.max_diff")][0]) < 1e-9
    assert int(m[T("piecewise.depth.tent_pieces")][0]) == 2 ** bound_widgets(at)["k"].value
    assert m[T("piecewise.yarotsky.measured")] == m[T("piecewise.yarotsky.bound")]
    assert int(m[T("piecewise.regions.count")][0]) >= 2
    assert not _formula_warning(at)


def test_k_at_its_maximum_gives_4096_pieces() -> None:
    at = open_page(INFO, {**FAST, "k": "12"})
    assert not at.exception, errors_text(at)
    m = _metrics(at)
    assert int(m[T("piecewise.depth.tent_pieces")][0]) == 4096
    assert int(m[T("piecewise.depth.one_pieces")][0]) <= 25
    assert float(m[T("piecewise.depth.random_pieces")][0]) < 25
    table = at.dataframe[0].value
    assert list(table["k"]) == list(range(1, 13))
    assert list(table[T("piecewise.depth.col.tent")]) == [2**k for k in range(1, 13)]


@pytest.mark.parametrize("target", ["sine", "abs", "square", "step", "sawtooth", "bump",
                                    "formula"])
def test_every_target(target: str) -> None:
    at = open_page(INFO, {**FAST, "target": target})
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert bound_widgets(at)["target"].value == target
    label = T(f"piecewise.target.{target}")
    assert any(label in c.value for c in at.caption)


def test_formula_box_good_then_bad_keeps_the_last_good_one() -> None:
    at = open_page(INFO, {**FAST, "target": "formula"})
    at.text_input(key="f").set_value("abs(x) - 0.5*x").run()
    assert not at.exception, errors_text(at)
    assert not _formula_warning(at)
    assert any("abs(x) - 0.5*x" in c.value for c in at.caption)
    for bad in ["__import__('os')", "().__class__", "x.real", "lambda: 1", "9**9**9", "1/0",
                "x^2", "sin(", "1/x"]:
        at.text_input(key="f").set_value(bad).run()
        assert not at.exception, (bad, errors_text(at))
        assert _formula_warning(at), bad
        # the fit still uses the last formula that worked
        assert any("abs(x) - 0.5*x" in c.value for c in at.caption), bad


def test_bad_formula_in_the_url_falls_back_to_the_default() -> None:
    at = open_page(INFO, {**FAST, "target": "formula", "f": "().__class__.__bases__"})
    assert not at.exception, errors_text(at)
    assert _formula_warning(at)
    assert any("sin(3*x) + 0.3*x**2" in c.value for c in at.caption)


def test_very_long_formula_in_the_url() -> None:
    at = open_page(INFO, {**FAST, "target": "formula", "f": "x+" * 150 + "x"})
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)  # the text control rejects it before the parser sees it
    assert any("sin(3*x) + 0.3*x**2" in c.value for c in at.caption)


def test_smooth_activation_has_no_pieces() -> None:
    at = open_page(INFO, {**FAST, "act": "tanh"})
    assert not at.exception, errors_text(at)
    assert any(T("piecewise.fit.smooth", act="tanh") == i.value for i in at.info)
    # only the hinge section (always ReLU) shows a piece count
    assert len(_metrics(at)[T("piecewise.fit.pieces")]) == 1


def test_scrubbing_and_other_controls() -> None:
    at = open_page(INFO, FAST)
    at.slider(key="at").set_value(0).run()
    assert not at.exception, errors_text(at)
    assert _metrics(at)[T("piecewise.fit.epoch")][0].startswith("0 /")
    at.slider(key="units").set_value(3).run()
    assert int(_metrics(at)[T("piecewise.fit.pieces")][-1]) <= 4
    at.slider(key="m").set_value(10).run()
    at.selectbox(key="data").set_value("circles").run()
    at.slider(key="at2").set_value(0).run()
    at.selectbox(key="act").set_value("leaky_relu").run()
    assert not at.exception, errors_text(at)
    assert _metrics(at)[T("piecewise.yarotsky.measured")][0] == f"{2.0 ** -22:.3g}"


def test_tampered_url_falls_back_with_note() -> None:
    at = open_page(INFO, {**FAST, "k": "13", "m": "0", "target": "cosine", "width": "1e9",
                          "data": "iris", "lr": "5"})
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    w = bound_widgets(at)
    assert (w["k"].value, w["m"].value, w["target"].value, w["width"].value,
            w["data"].value) == (4, 2, "sine", 16, "moons")


def test_large_network_diverging_is_reported_not_raised() -> None:
    at = open_page(INFO, {**FAST, "lr": "0.1", "depth": "6", "width": "64",
                          "target": "formula", "f": "100*sin(x)"})
    assert not at.exception, errors_text(at)
