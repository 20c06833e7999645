"""A link cannot put markup into the page: URL values and pasted links are shown as text.

Every string a page hands Streamlit's markdown renderer (``markdown_texts``: notes,
captions, alerts, headings, widget labels, help, radio captions) is read with
CommonMark's code-span rule: whatever the payload puts there must sit inside a
code span (``ui.literal.literal``), where no link, image, HTML, math, directive or
bare-URL autolink is made. The payloads point at hosts no app text names
(``evil.example``, ``127.0.0.1:9``), so any trace of them outside a code span is a
live link or image in the making. The real renderer is checked in Chromium by
tests/test_browser_links.py.
"""

from __future__ import annotations

import re

import pytest
from apptest_utils import (
    errors_text,
    keys_by_section,
    markdown_texts,
    open_page,
    open_with,
    split_code_spans,
    url_note_shown,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ui.frame import PAGES, available_pages

BY_NAME = {p.name: p for p in PAGES}
MARKERS = ("evil.example", "127.0.0.1:9")
LINK = "[Session expired - log in again](https://evil.example/login)"
PIXEL = "x` ![p](http://127.0.0.1:9/p.gif)"
#: The page's own relative links (the classroom note's "unpinned view"): their
#: query is the visitor's, percent-encoded, and stays on the app.
_OWN_LINK = re.compile(r"\]\(/[^\s()]*\)")


def leaks(at) -> list[str]:
    """Markdown strings with a payload marker outside every code span."""
    bad = []
    for md in markdown_texts(at):
        _, outside = split_code_spans(md)
        outside = _OWN_LINK.sub("](/)", outside)
        if any(m in outside for m in MARKERS):
            bad.append(md)
    return bad


def shown_literally(at, payload: str) -> bool:
    """Some code span on the page shows the start of `payload` as typed."""
    head = payload[:20]
    return any(head in span for md in markdown_texts(at) for span in split_code_spans(md)[0])


# ------------------------------------------------------- links built to attack

ATTACKS = [
    ("playground", {"features": LINK}),
    ("playground", {"data": PIXEL}),
    ("playground", {"acts": PIXEL}),
    ("piecewise", {"target": "formula", "f": PIXEL}),
    ("piecewise", {"act": PIXEL}),
    ("vanishing", {"act": PIXEL}),
    ("dead_relu", {"act": PIXEL}),
    ("shapes", {"act": PIXEL}),
    ("playground", {"view": LINK}),
    ("home", {"lang": LINK}),
]


@pytest.mark.parametrize(("page", "query"), ATTACKS, ids=[f"{p}-{next(iter(q.values()))[:8]}-{k}"
                                                          for p, q in ATTACKS for k in [list(q)[-1]]])
def test_tampered_links_show_their_values_as_text(page: str, query: dict) -> None:
    at = open_page(BY_NAME[page], query)
    assert not at.exception, errors_text(at)
    assert leaks(at) == []
    payload = query[list(query)[-1]]
    # Refused with the note (a formula box says so in its own warning).
    assert url_note_shown(at) or any(payload[:10] in w.value for w in at.warning)
    assert shown_literally(at, payload)


def test_a_pasted_link_full_of_markup_is_shown_as_text() -> None:
    at = open_page(BY_NAME["playground"])
    link = (f"https://playground.tensorflow.org/#activation={PIXEL}&dataset=spiral"
            f"&{LINK}=1&seed=0.5&tutorial=<img src=http://127.0.0.1:9/t.gif>")
    at.text_input(key="_pg_link").set_value(link).run()
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    assert leaks(at) == []
    assert dict(at.query_params)["data"] == "spiral"  # the usable keys still apply


# ------------------------------------------------------------ property-based

FRAGMENTS = ["`", "``", "```", "\n", "\n# ", "\n\n", "$", "$$", ":material/home:", ":red[", "]",
             "*", "_", "|", "\\", "<", ">", "!", "(", ")", "&", "#", "~~", " ", ":smile:"]
LIVE = [LINK, "![p](http://127.0.0.1:9/p.gif)", '<a href="https://evil.example">a</a>',
        "<img src=http://127.0.0.1:9/q.gif>", "https://evil.example/x", "www.evil.example",
        "m@evil.example", "<https://evil.example>", "[r]: https://evil.example",
        "$\\href{https://evil.example}{x}$"]
noise = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=4).map("".join)
payloads = st.tuples(noise, st.sampled_from(LIVE), noise).map("".join)
one_value = st.one_of(payloads, st.lists(payloads, min_size=2, max_size=3))
PAGE_LIST = available_pages()


@pytest.mark.slow  # fuzz: markup in every key of every page
@pytest.mark.parametrize("info", PAGE_LIST, ids=[p.name for p in PAGE_LIST])
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_markup_in_any_url_key_stays_text(info, data) -> None:
    sections = keys_by_section(info)
    keys = sorted(sections)
    chosen = data.draw(st.lists(st.sampled_from([*keys, "view", "lang"]), min_size=1, max_size=4,
                                unique=True))
    query = {key: data.draw(one_value) for key in chosen}
    # Open the section that draws the first chosen control, so its note is shown.
    section = next((sections[k] for k in chosen if k in sections), None)
    at = open_with(info, section, query) if "view" not in query else open_page(info, query)
    assert not at.exception, (query, errors_text(at))
    assert leaks(at) == [], query


@pytest.mark.slow  # fuzz: markup in pasted links
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(keys=st.lists(st.sampled_from(["activation", "dataset", "networkShape", "seed", "noise",
                                      "batchSize", "x", "tutorial", "learningRate"]),
                     min_size=1, max_size=3, unique=True),
       values=st.lists(payloads, min_size=3, max_size=3), stray=payloads)
def test_markup_in_a_pasted_link_stays_text(keys, values, stray) -> None:
    pairs = [f"{k}={v}" for k, v in zip(keys, values, strict=False)] + [f"{stray}=1"]
    at = open_page(BY_NAME["playground"])
    at.text_input(key="_pg_link").set_value("https://playground.tensorflow.org/#" + "&".join(pairs)).run()
    assert not at.exception, (pairs, errors_text(at))
    assert leaks(at) == [], pairs
