"""Every page through AppTest: defaults, Korean, and tampered URLs for every control."""

from __future__ import annotations

import pytest
from apptest_utils import bound_widgets, errors_text, open_page, url_note_shown

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


@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_korean(info) -> None:
    at = open_page(info, {"lang": "ko"})
    assert not at.exception, errors_text(at)
    assert Translator("ko")(f"{info.name}.title") in [t.value for t in at.title]


@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_tampered_url_falls_back_with_note(info) -> None:
    defaults = bound_widgets(open_page(info))
    keys = [k for k, w in defaults.items() if type(w).__name__ != "TextInput"]
    for i, key in enumerate(keys):
        garbage = GARBAGE[i % len(GARBAGE)]
        at = open_page(info, {key: garbage})
        assert not at.exception, (key, errors_text(at))
        assert url_note_shown(at), f"no note for {key}={garbage!r}"
        assert bound_widgets(at)[key].value == defaults[key].value


@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_repeated_and_unknown_keys(info) -> None:
    keys = list(bound_widgets(open_page(info)))
    query = {k: ["1", "2", "3"] for k in keys}
    query["no_such_control"] = "x"
    at = open_page(info, query)
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
