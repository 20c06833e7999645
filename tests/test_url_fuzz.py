"""Property-based: any URL parameters, on any page, never break the page.

Hypothesis feeds random strings, numbers, repeated keys and very long values to
every URL parameter of every page through AppTest: no exception, the page
renders its title, and a rejected value is announced by the fallback note.
"""

from __future__ import annotations

import math

import pytest
from apptest_utils import (
    bound_widgets,
    errors_text,
    keys_by_section,
    open_page,
    sections_of,
    url_note_shown,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ui.frame import available_pages
from ui.i18n import Translator

PAGES = available_pages()


def keys_of(info) -> list[str]:
    """Every URL-bound control of the page, whichever section draws it."""
    return sorted(keys_by_section(info))


values = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "nan", "inf", "-inf", "1e999", "0", "-1", "true", "relu", "ko", "all"]),
    st.text(min_size=300, max_size=3000),
)
one_param = st.one_of(values, st.lists(values, min_size=2, max_size=4))


@pytest.mark.slow  # fuzz: a dozen random links through every page
@pytest.mark.parametrize("info", PAGES, ids=[p.name for p in PAGES])
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_url_never_breaks_a_page(info, data) -> None:
    keys = keys_of(info)
    chosen = data.draw(st.lists(st.sampled_from([*keys, "zz_unknown", "hide"]), min_size=1,
                                max_size=4, unique=True))
    query = {key: data.draw(one_param) for key in chosen}
    # Mostly a real section (where the drawn keys may live), sometimes garbage.
    view = data.draw(st.one_of(st.sampled_from(sections_of(info)), values))
    if view is not None:
        query.setdefault("view", view)
    at = open_page(info, query)
    assert not at.exception, (query, errors_text(at))
    titles = [t.value for t in at.title]
    assert any(Translator(lang)(f"{info.name}.title") in titles for lang in ("en", "ko")), query
    # A control that did not take its URL value literally must say so.
    widgets = bound_widgets(at)
    for key in chosen:
        if key in widgets and type(widgets[key]).__name__ != "TextInput":
            raw = query[key] if isinstance(query[key], list) else [query[key]]
            if not took_literally(raw, widgets[key].value):
                assert url_note_shown(at), (key, query, widgets[key].value)


def _same_scalar(text: str, value: object) -> bool:
    if isinstance(value, bool):
        return text.lower() == str(value).lower()
    if isinstance(value, (int, float)):
        try:
            return math.isclose(float(text), float(value), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    return text == str(value)


def took_literally(raw: list[str], value: object) -> bool:
    """Whether a widget's value is exactly what the URL asked for."""
    if isinstance(value, (list, tuple)):
        items = [r for r in raw if r != ""]
        return len(items) == len(value) and all(
            _same_scalar(r, v) for r, v in zip(items, value, strict=True)
        )
    return len(raw) == 1 and _same_scalar(raw[0], value)
