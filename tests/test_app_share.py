"""Sharing and teaching: share links reproduce a view, reset, classroom mode."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from apptest_utils import (
    bound_widgets,
    errors_text,
    open_page,
    open_section,
    section_state,
    switch_section,
)

from ui.frame import available_pages
from ui.i18n import Translator

PAGES = available_pages()
IDS = [p.name for p in PAGES]
HOME = PAGES[0]
SHAPES = next(p for p in PAGES if p.name == "shapes")


def share_links(at) -> list[str]:
    return [c.value for c in at.sidebar.get("code")]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def test_share_link_reproduces_the_view() -> None:
    at = open_page(HOME)
    assert share_links(at)[0] == "/"  # defaults: a clean link
    at.slider(key="depth").set_value(4).run()
    at.number_input(key="seed").set_value(11).run()
    at.radio(key="lang").set_value("ko").run()
    link = share_links(at)[0]
    assert query_of(link) == {"depth": ["4"], "seed": ["11"], "lang": ["ko"]}
    metrics = [(m.label, m.value) for m in at.metric]
    fresh = open_page(HOME, {k: v[0] for k, v in query_of(link).items()})
    assert not fresh.exception, errors_text(fresh)
    assert [(m.label, m.value) for m in fresh.metric] == metrics
    # The pinned variant adds the classroom flag.
    assert query_of(share_links(at)[1])["hide"] == ["all"]


@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_every_page_has_share_and_reset(info) -> None:
    at = open_page(info)
    assert len(share_links(at)) == 2
    t = Translator("en")
    assert any(b.label == t("common.reset") for b in at.sidebar.button)


def test_reset_to_defaults() -> None:
    at = open_page(HOME)
    at.slider(key="depth").set_value(4).run()
    at.slider(key="epochs").set_value(40).run()
    at.number_input(key="seed").set_value(5).run()
    at.radio(key="lang").set_value("ko").run()
    at.button(key="_reset").click().run()
    assert not at.exception, errors_text(at)
    w = bound_widgets(at)
    assert (w["depth"].value, w["epochs"].value, w["seed"].value) == (10, 150, 0)
    assert w["lang"].value == "ko"  # the language is not a setting of the experiment
    assert share_links(at)[0].endswith("?lang=ko")


def test_classroom_mode_hides_all_controls_but_keeps_the_view() -> None:
    at = open_page(HOME, {"hide": "all", "depth": "4"})
    assert not at.exception, errors_text(at)
    assert set(bound_widgets(at)) == {"lang"}
    assert any("hide" in i.value for i in at.info)  # the pinned note says how to unpin
    assert query_of(share_links(at)[0])["depth"] == ["4"]


def test_classroom_mode_hides_a_listed_subset() -> None:
    at = open_page(HOME, {"hide": "depth,epochs", "seed": "2"})
    keys = set(bound_widgets(at))
    assert "depth" not in keys and "epochs" not in keys and "seed" in keys
    at = open_page(HOME, {"depth_hide": "true"})
    assert "depth" not in bound_widgets(at) and "epochs" in bound_widgets(at)


def test_hidden_control_with_bad_value_falls_back_with_note() -> None:
    at = open_page(HOME, {"hide": "all", "depth": "999"})
    assert not at.exception
    assert query_of(share_links(at)[0]).get("depth") is None
    assert any(Translator("en")("common.url.title") in w.value for w in at.warning)


@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_classroom_mode_on_every_page(info) -> None:
    at = open_page(info, {"hide": "all"})
    assert not at.exception, errors_text(at)
    sidebar_keys = {w.key for kind in ("slider", "select_slider", "selectbox", "multiselect",
                                        "number_input", "toggle", "radio", "text_input")
                    for w in at.sidebar.get(kind) if w.key and not w.key.startswith("_")}
    assert sidebar_keys == {"lang"}
    assert not list(at.sidebar.get("file_uploader"))
    assert any("hide" in i.value for i in at.info)


def test_the_open_section_is_in_the_share_link() -> None:
    at = open_page(SHAPES)
    assert "view" not in query_of(share_links(at)[0])  # the default section: a clean link
    switch_section(at, "c1")
    assert query_of(share_links(at)[0]) == {"view": ["c1"]}
    assert at.query_params["view"] in ("c1", ["c1"])  # and the address bar says so too
    fresh = open_page(SHAPES, {k: v[0] for k, v in query_of(share_links(at)[0]).items()})
    assert not fresh.exception, errors_text(fresh)
    assert [h.value for h in fresh.header] == [Translator("en")("shapes.c1.title")]


def test_reset_keeps_the_open_section() -> None:
    at = open_section(SHAPES, "chain", {"s": "3"})
    at.button(key="_reset").click().run()
    assert not at.exception, errors_text(at)
    assert bound_widgets(at)["s"].value == 1.0
    assert at.segmented_control(key=section_state(at)).value == "chain"


def test_a_pinned_section_has_no_switch() -> None:
    t = Translator("en")
    at = open_section(SHAPES, "chain", {"hide": "view"})
    assert not at.exception, errors_text(at)
    assert [h.value for h in at.header] == [t("shapes.chain.title")]
    assert not [w for w in at.segmented_control if (w.key or "").startswith("_section_")]
    assert not [b for b in at.button if b.key == "_next_view"]
    assert query_of(share_links(at)[0])["view"] == ["chain"]
    # Classroom mode (hide=all) pins the sidebar only: the sections stay open to browse.
    at = open_section(SHAPES, "chain", {"hide": "all"})
    assert at.segmented_control(key=section_state(at)).value == "chain"


def test_reset_also_resets_a_section_control_not_drawn_yet() -> None:
    # `units` belongs to the hinge section; the link opens another section with it set.
    # Reset must put it back too, so the hinge section later opens on its default.
    piecewise = next(p for p in PAGES if p.name == "piecewise")
    at = open_section(piecewise, "fit", {"units": "12"})
    at.button(key="_reset").click().run()
    assert not at.exception, errors_text(at)
    switch_section(at, "hinge")
    assert not at.exception, errors_text(at)
    assert bound_widgets(at)["units"].value == 6
    assert "units" not in query_of(share_links(at)[0])
