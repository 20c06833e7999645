"""Every page through AppTest: defaults, Korean, and tampered URLs for every control."""

from __future__ import annotations

import pytest
from apptest_utils import (
    bound_widgets,
    errors_text,
    every_section,
    keys_by_section,
    open_page,
    open_with,
    url_note_shown,
)

from ui.frame import available_pages
from ui.i18n import Translator

PAGES = available_pages()
IDS = [p.name for p in PAGES]
GARBAGE = ["garbage☃", "1e999", "nan", "-inf", "9" * 40, "<script>alert(1)</script>", "0" * 300]


@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_defaults_render(info) -> None:
    at = open_page(info)
    assert not at.exception, errors_text(at)
    assert Translator("en")(f"{info.name}.title") in [t.value for t in at.title]
    assert not url_note_shown(at)
    assert bound_widgets(at), "a page has at least one URL-bound control"


@pytest.mark.slow  # every section of every page
@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_korean_in_every_section(info) -> None:
    ko = Translator("ko")
    for view, at in every_section(info, {"lang": "ko"}):
        assert not at.exception, (view, errors_text(at))
        assert ko(f"{info.name}.title") in [t.value for t in at.title]
        if view is not None:
            assert ko(f"{info.name}.nav.{view}") in at.segmented_control[0].options


@pytest.mark.slow  # every control of every page
@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_tampered_url_falls_back_with_note(info) -> None:
    # Every control of every section, opened in the section that draws it.
    sections = keys_by_section(info)
    defaults = {}
    for view in dict.fromkeys(sections.values()):
        defaults.update(bound_widgets(open_with(info, view, {})))
    keys = [k for k in sections if type(defaults[k]).__name__ != "TextInput"]
    for i, key in enumerate(keys):
        garbage = GARBAGE[i % len(GARBAGE)]
        at = open_with(info, sections[key], {key: garbage})
        assert not at.exception, (key, errors_text(at))
        assert url_note_shown(at), f"no note for {key}={garbage!r}"
        assert bound_widgets(at)[key].value == defaults[key].value


@pytest.mark.slow  # every section of every page, cold
@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_repeated_and_unknown_keys(info) -> None:
    sections = keys_by_section(info)
    for view in dict.fromkeys(sections.values()):
        query = {k: ["1", "2", "3"] for k, v in sections.items() if v == view}
        query["no_such_control"] = "x"
        at = open_with(info, view, query)
        assert not at.exception, (view, errors_text(at))
        assert url_note_shown(at)
