"""ui.literal: visitor text becomes one markdown code span that shows it as typed.

The rendered result is checked in Chromium by tests/test_browser_links.py; here a
CommonMark reading of code spans (``apptest_utils.split_code_spans``) checks that
the whole value lands in exactly one span, nothing is left outside it, and the
span shows the value (cut, with control characters replaced).
"""

from __future__ import annotations

import string
import unicodedata

import pytest
from apptest_utils import split_code_spans
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.controls import literal_items
from ui.literal import LIMIT, literal, plain

#: Every ASCII punctuation character (all of markdown's and HTML's metacharacters).
METACHARACTERS = string.punctuation
PAYLOADS = [
    "[Session expired - log in again](https://evil.example/login)",
    "x` ![p](http://127.0.0.1:9/p.gif)",
    '<a href="https://evil.example">x</a>',
    '<img src="http://127.0.0.1:9/q.gif">',
    "https://evil.example/login",
    "www.evil.example",
    "user@evil.example",
    "<https://evil.example>",
    "$x^2$ and $$\\href{https://evil.example}{x}$$",
    ":red[x] :blue-background[y] :smile: :material/home:",
    "**b** _i_ ~~s~~ # h | a | b |",
    "``` ![p](http://a.b/c.gif)",
    "`", "``", "```x```", "a ` b `` c",
    "&lt;img&gt; &#x3C;a&#x3E;",
    "\\[x](https://evil.example)",
    "[x]: https://evil.example",
]


def shown(md: str) -> str:
    """The text of the one code span `md` must be, with nothing outside it."""
    spans, outside = split_code_spans(md)
    assert outside == "", (md, outside)
    assert len(spans) == 1, (md, spans)
    return spans[0]


@pytest.mark.parametrize("ch", list(METACHARACTERS))
def test_every_metacharacter_is_shown_as_itself(ch: str) -> None:
    for value in (ch, f"a{ch}b", ch * 3, f"{ch} x {ch}", f"[{ch}](https://evil.example)"):
        assert shown(literal(value)) == value


@pytest.mark.parametrize("value", PAYLOADS)
def test_payloads_stay_inside_one_code_span(value: str) -> None:
    assert shown(literal(value, 200)).replace("\u2060", "") == value


def test_a_value_is_cut_with_an_ellipsis() -> None:
    text = shown(literal("x" * 300))
    assert len(text) == LIMIT and text.endswith("…") and text[:-1] == "x" * (LIMIT - 1)
    assert shown(literal("y" * 10, limit=5)) == "yyyy…"
    assert shown(literal("z" * LIMIT)) == "z" * LIMIT  # exactly the limit: kept whole
    assert shown(literal(12345)) == "12345"


def test_line_breaks_and_controls_cannot_end_the_span() -> None:
    # A line break would end the paragraph (the next line could be a heading, a
    # reference definition or a $$ block); bidi overrides could disguise the text.
    value = "a\n# heading\r\n[x]: https://evil.example\t\u202eevil\x00\u2028z"
    text = shown(literal(value, 200))
    assert "\n" not in text and "\r" not in text and "\t" not in text
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in text)
    assert "\u202e" not in text and "\ufffd" in text
    assert text.startswith("a # heading")


def test_material_icons_are_not_rewritten() -> None:
    # Streamlit rewrites ":material/" to ":material_" in the whole source, code spans
    # included; an invisible word joiner after the colon keeps the text as typed.
    md = literal(":material/home:")
    assert ":material/" not in md
    assert shown(md).replace("\u2060", "") == ":material/home:"


def test_empty_and_blank_values_are_a_visible_span() -> None:
    for value in ("", " ", "  "):
        spans, outside = split_code_spans(literal(value))
        assert outside == "" and len(spans) == 1 and spans[0].strip(" ") == ""


def test_scripts_and_emoji_are_kept() -> None:
    for value in ("강아지", "고양이 (cat)", "Ñandú", "👩\u200d🔬", "x₁²"):
        assert shown(literal(value)) == value


def test_a_list_of_values_each_shown_literally() -> None:
    md = literal_items(["[a](https://e.x)", "b`", "c", "d", "e", "f", "g"])
    spans, outside = split_code_spans(md)
    assert spans == ["[a](https://e.x)", "b`", "c", "d", "e"]
    assert outside.replace(" ", "") == ",,,,,…"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_one_span_showing_the_value(value: str) -> None:
    text = shown(literal(value, 60))
    assert text.replace("\u2060", "") == plain(value, 60) or plain(value, 60).strip(" ") == ""
    assert len(text.replace("\u2060", "")) <= 60


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("`[]()!<>*_#|$\\~: ahttps/.")), max_size=40))
def test_metacharacter_soup_round_trips(value: str) -> None:
    text = shown(literal(value))
    if value.strip(" "):
        assert text.replace("\u2060", "") == value
