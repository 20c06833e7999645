"""The home page: the head-to-head experiment and its controls."""

from __future__ import annotations

from apptest_utils import bound_widgets, charts, errors_text, open_page, url_note_shown

from ui.frame import PAGES
from ui.i18n import Translator

HOME = PAGES[0]


def _metrics(at) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in at.metric:
        out.setdefault(m.label, []).append(m.value)
    return out


def test_defaults_show_both_networks_and_the_gradient_gap() -> None:
    at = open_page(HOME)
    assert not at.exception, errors_text(at)
    t = Translator("en")
    subheaders = [s.value for s in at.subheader]
    assert t("home.side.sigmoid") in subheaders and t("home.side.relu") in subheaders
    metrics = _metrics(at)
    sig_ratio, relu_ratio = (float(v) for v in metrics[t("home.metric.ratio")])
    # The point of the page: sigmoid's first layer gets a far smaller gradient.
    assert sig_ratio < 1e-2 < 0.1 < relu_ratio
    sig_acc, relu_acc = (float(v.rstrip("%")) for v in metrics[t("home.metric.test_acc")])
    assert relu_acc >= 85 and relu_acc > sig_acc + 20
    assert len(charts(at)) == 4


def test_changed_controls_change_the_result() -> None:
    at = open_page(HOME)
    before = _metrics(at)
    at.slider(key="depth").set_value(3).run()
    assert not at.exception, errors_text(at)
    after = _metrics(at)
    assert after != before
    assert at.slider(key="depth").value == 3
    at.number_input(key="seed").set_value(7).run()
    at.select_slider(key="width").set_value(16).run()
    at.slider(key="epochs").set_value(40).run()
    assert not at.exception, errors_text(at)


def test_language_switch() -> None:
    at = open_page(HOME)
    at.radio(key="lang").set_value("ko").run()
    assert not at.exception, errors_text(at)
    assert Translator("ko")("home.title") in [t.value for t in at.title]


def test_url_values_are_used() -> None:
    at = open_page(HOME, {"depth": "4", "epochs": "60", "seed": "3", "width": "16"})
    assert not at.exception
    w = bound_widgets(at)
    assert (w["depth"].value, w["epochs"].value, w["seed"].value, w["width"].value) == (4, 60, 3, 16)
    assert not url_note_shown(at)


def test_out_of_range_and_garbage_fall_back() -> None:
    at = open_page(HOME, {"depth": "500", "seed": "abc", "width": "17", "lang": "fr"})
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    w = bound_widgets(at)
    assert (w["depth"].value, w["seed"].value, w["width"].value, w["lang"].value) == (10, 0, 32, "en")


def test_exports_offered() -> None:
    at = open_page(HOME)
    labels = [b.proto.label for b in at.get("download_button")]
    t = Translator("en")
    assert labels.count(t("common.export.csv")) == 4
    assert labels.count(t("common.export.npz")) == 2


def test_compute_guard_caps_the_largest_request() -> None:
    at = open_page(HOME, {"depth": "20", "width": "64", "epochs": "300"})
    assert not at.exception, errors_text(at)
    assert any("epochs" in w.value for w in at.warning)
