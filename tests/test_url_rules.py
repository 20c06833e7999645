"""One rule for numbers in a link, and a note for every link the page cannot follow.

Numbers are ASCII digits (ui.controls.NUMBER): ``²``, ``①``, ``١``, ``１６``, ``1_0``
get the note and the default, never an exception, and leave the URL. ``view`` on a
page of one section and a query string over Streamlit's 1,000-parameter limit are
noted like any other unusable value. A pasted Playground link writes an integer seed.
"""

from __future__ import annotations

import pytest
from apptest_utils import bound_widgets, errors_text, open_page, url_note_shown
from streamlit.runtime.state import query_params as streamlit_query_params

from core.playground_link import parse_playground_link
from sections.playground.settings import parse_shape
from ui.controls import foreign_digits, url_number
from ui.frame import PAGES
from ui.i18n import Translator
from ui.internals import (
    OVERSIZED_BY_LENGTH,
    OVERSIZED_KEY,
    QUERY_LENGTH_LIMIT,
    QUERY_PARAMETER_LIMIT,
    note_oversized_queries,
)
from ui.literal import literal

BY_NAME = {p.name: p for p in PAGES}
EN = Translator("en")
DIGITS = EN("common.url.reason.digits")


def notes(at) -> str:
    return " ".join(w.value for w in at.warning)


# ---------------------------------------------------------------- the rule itself


@pytest.mark.parametrize("text", ["0", "5", "-3", "+2", "0.5", ".5", "5.", "1e-05", "1E3", "2.5e+2"])
def test_ascii_numbers_are_read(text: str) -> None:
    assert url_number(text) == float(text)


@pytest.mark.parametrize("text", ["٣", "１６", "²", "①", "1_0", " 5", "5 ", "0x10", "inf", "nan",
                                  "1e999", "", "-", ".", "e5", "۵", "߃", "५"])
def test_anything_else_is_not_a_number(text: str) -> None:
    assert url_number(text) is None


def test_foreign_digits_are_found_in_any_value() -> None:
    for text in ("٣", "4,²", "①", "１６", "x₂", "五", "½"):
        assert foreign_digits(text), text
    for text in ("4,2", "relu", "", "강아지", "x1,x2"):
        assert not foreign_digits(text), text


@pytest.mark.parametrize("text", ["²", "4,²", "①", "１６", "٣", "4,¹⁶", "1_0", "4, 2x"])
def test_parse_shape_refuses_what_int_cannot_read_without_raising(text: str) -> None:
    assert parse_shape(text) is None


def test_parse_shape_reads_ascii_widths() -> None:
    assert parse_shape("4,2") == (4, 2) and parse_shape(" 16 , 1 ") == (16, 1) and parse_shape("") == ()


def test_a_pasted_link_follows_the_same_rule() -> None:
    link = parse_playground_link("#batchSize=٣&networkShape=４,2&percTrainData=5_0&noise=10")
    assert {"batchSize", "networkShape", "percTrainData"} <= set(link.unknown)
    assert link.settings["noise"] == 0.1


# ------------------------------------------------------- links built to attack

DIGIT_ATTACKS = [
    ({"shape": "²"}, "shape"),
    ({"shape": "4,²"}, "shape"),
    ({"hide": "all", "shape": "①"}, "shape"),
    ({"seed": "٣"}, "seed"),
    ({"shape": "１６"}, "shape"),
    ({"batch": "1_0"}, "batch"),
    ({"lr": "٠.٣"}, "lr"),
    ({"noise": "０.5"}, "noise"),
]


@pytest.mark.parametrize(("query", "key"), DIGIT_ATTACKS,
                         ids=[f"{k}={q[k]}" + ("-pinned" if "hide" in q else "") for q, k in DIGIT_ATTACKS])
def test_foreign_digits_get_the_note_and_the_default(query: dict, key: str) -> None:
    at = open_page(BY_NAME["playground"], query)
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    assert f"{literal(key)} = {literal(query[key])}: {DIGITS}" in notes(at)
    widget = bound_widgets(at).get(key)
    if widget is not None:  # drawn (not pinned): at its default, and gone from the URL
        assert widget.value == {"shape": "4,2", "seed": 0, "batch": 10, "lr": 0.03, "noise": 0}[key]
        assert key not in at.query_params


@pytest.mark.parametrize("page", ["vanishing", "dead_relu", "piecewise", "shapes", "home"])
def test_every_page_refuses_foreign_digits_in_its_seed(page: str) -> None:
    at = open_page(BY_NAME[page], {"seed": "٣"})
    assert not at.exception, errors_text(at)
    if "seed" in bound_widgets(at):
        assert DIGITS in notes(at) and bound_widgets(at)["seed"].value == 0
        assert "seed" not in at.query_params


def test_notes_of_a_run_that_reruns_to_fix_a_value_are_kept() -> None:
    # `seed=٣` is read by Streamlit as 3 and put back to 0 by a rerun; the notes made
    # before it (the language, the features) must survive that rerun.
    at = open_page(BY_NAME["playground"], {"lang": "fr", "features": "zz", "seed": "٣"})
    text = notes(at)
    for key in ("lang", "features", "seed"):
        assert f"{literal(key)} = " in text, (key, text)
    assert text.count(f"{literal('seed')} = ") == 1


def test_a_fraction_for_a_whole_number_says_so() -> None:
    at = open_page(BY_NAME["playground"], {"seed": "3.5"})
    assert EN("common.url.reason.whole") in notes(at)
    assert bound_widgets(at)["seed"].value == 0 and "seed" not in at.query_params


@pytest.mark.parametrize("page", ["playground", "home"])
def test_view_on_a_page_of_one_section_gets_the_note(page: str) -> None:
    at = open_page(BY_NAME[page], {"view": "zzz"})
    assert not at.exception, errors_text(at)
    assert f"{literal('view')} = {literal('zzz')}: {EN('common.url.reason.option')}" in notes(at)
    assert "view" not in at.query_params
    at = open_page(BY_NAME[page], {"view": "play" if page == "playground" else "duel"})
    assert not url_note_shown(at)  # the page's own (only) section is fine


def test_a_pasted_link_writes_an_integer_seed() -> None:
    at = open_page(BY_NAME["playground"])
    at.text_input(key="_pg_link").set_value(
        "https://playground.tensorflow.org/#seed=0.12345&activation=relu").run()
    assert not at.exception, errors_text(at)
    url = dict(at.query_params)
    assert url["seed"] == "9323" and url["act"] == "relu"  # sha256("0.12345") -> 9323
    assert bound_widgets(at)["seed"].value == 9323
    # The link the page writes opens the same seed without a note.
    again = open_page(BY_NAME["playground"], url)
    assert not url_note_shown(again) and bound_widgets(again)["seed"].value == 9323


# ------------------------------------------------------- Streamlit's query limit


def test_the_limit_is_streamlits() -> None:
    assert QUERY_PARAMETER_LIMIT == streamlit_query_params.CLIENT_STATE_QUERY_STRING_MAX_FIELDS


def test_a_refused_query_string_becomes_one_marker() -> None:
    assert note_oversized_queries() and note_oversized_queries()  # idempotent
    sanitize = streamlit_query_params.sanitize_query_string
    assert sanitize("a=1&b=2") == "a=1&b=2" and sanitize("") == ""
    big = "&".join(f"k{i}=1" for i in range(1200))
    assert sanitize(big) == f"{OVERSIZED_KEY}=1200"
    long = "x=" + "y" * (512 * 1024)
    assert sanitize(long) == f"{OVERSIZED_KEY}={OVERSIZED_BY_LENGTH}{len(long)}"


def test_a_link_over_the_parameter_limit_gets_a_note() -> None:
    note_oversized_queries()  # a server installs it in its first page run
    query = {f"k{i}": "1" for i in range(1000)}
    query["lang"] = "ko"  # ignored with the rest
    at = open_page(BY_NAME["playground"], query)
    assert not at.exception, errors_text(at)
    line = EN("common.url.oversized", count="1,001", limit=f"{QUERY_PARAMETER_LIMIT:,}")
    assert line in notes(at)
    assert OVERSIZED_KEY not in at.query_params
    # Nothing of the link was used: English, defaults.
    assert bound_widgets(at)["seed"].value == 0


def test_a_link_over_the_length_limit_says_length_not_count() -> None:
    """Three parameters, but longer than Streamlit reads: the note names the length."""
    note_oversized_queries()
    query = {"seed": "5", "lang": "ko", "pad": "y" * QUERY_LENGTH_LIMIT}
    at = open_page(BY_NAME["playground"], query)
    assert not at.exception, errors_text(at)
    shown = notes(at)
    assert f"{QUERY_LENGTH_LIMIT:,} the server reads" in shown and "characters long" in shown, shown
    assert "settings, more than" not in shown, shown
    assert bound_widgets(at)["seed"].value == 0
