"""Every page's controls are declared once (``CONTROLS`` in ``sections/<page>/settings.py``):
the tables are well formed, their text exists in both languages, and what is derived
from them (defaults, a pasted link's values, the classroom keys) agrees with them."""

from __future__ import annotations

import importlib

import pytest

from core.playground_link import _HIDE_KEYS
from ui.controls import Control, ControlTable
from ui.frame import PAGES
from ui.i18n import Translator

#: Pages whose controls are declared another way: the lesson's belong to its steps
#: (``sections/lesson/steps.py``, one ``lesson.settings.Control`` per step's choice).
OWN_DECLARATION = {"lesson"}
SETTINGS = {p.name: importlib.import_module(f"sections.{p.name}.settings") for p in PAGES}
TABLES = {name: m.CONTROLS for name, m in SETTINGS.items() if name not in OWN_DECLARATION}
PAGE_NAMES = list(TABLES)


def test_every_page_has_a_table() -> None:
    assert len(TABLES) >= 6
    for name, table in TABLES.items():
        assert isinstance(table, ControlTable) and table.page == name and len(table.rows) >= 3


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_row_has_its_text(name: str, lang: str) -> None:
    t = Translator(lang)
    for row in TABLES[name]:
        assert t.has(row.label), (name, row.key, row.label)
        assert row.help is None or t.has(row.help), (name, row.key, row.help)
        labels = row.option_labels(t)
        if labels is not None:
            assert set(row.options) <= set(labels), (name, row.key)
        if isinstance(row.labels, str):  # a shared family: every option has its line
            missing = [o for o in row.options if not t.has(f"common.option.{row.labels}.{o}")]
            assert not missing, (name, row.key, missing)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_defaults_come_from_the_table(name: str) -> None:
    module = importlib.import_module(f"sections.{name}.settings")
    table = TABLES[name]
    defaults = table.defaults
    assert module.DEFAULTS == {k: v for k, v in defaults.items() if k in module.DEFAULTS}
    assert set(defaults) - set(module.DEFAULTS) <= {"sweep"}  # vanishing's presets leave it
    assert defaults["seed"] == 0
    for row in table:  # each default is a value its own control accepts
        if row.kind in ("int", "float") and row.options:
            assert row.default in row.options, (name, row.key)
        elif row.kind in ("int", "float") and row.widget != "range":
            assert row.lo <= row.default <= row.hi, (name, row.key)
            assert isinstance(row.default, int) == (row.kind == "int"), (name, row.key)
        assert row.hide == row.key and row.label.startswith(f"{name}.controls.")


def test_lists_are_fresh_copies() -> None:
    table = TABLES["vanishing"]
    table.defaults["act"].append("relu")
    assert table.defaults["act"] == ["sigmoid", "tanh", "relu"]


def test_a_playground_links_hide_keys_name_the_pages_controls() -> None:
    from sections.playground.settings import BUTTONS

    assert set(_HIDE_KEYS.values()) <= set(TABLES["playground"].hide_keys) | set(BUTTONS)


def test_a_bad_row_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="kind"):
        Control("x", 1, "integer")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lo and hi"):
        Control("x", 1, "int")
    with pytest.raises(ValueError, match="not among"):
        Control("x", "elu", "choice", options=("relu", "tanh"))
    with pytest.raises(ValueError, match="not among"):
        Control("x", ["elu"], "list", options=("relu", "tanh"))
    with pytest.raises(ValueError, match="twice"):
        ControlTable("p", (Control("x", True, "bool"), Control("x", False, "bool")))


def test_snap_puts_a_value_on_the_control() -> None:
    train = Control("train", 50, "int", lo=10, hi=90, step=5)
    assert [train.snap(v) for v in (1, 33, 34, 99)] == [10, 35, 35, 90]
    noise = Control("noise", 0.0, "float", lo=0.0, hi=0.8, step=0.05)
    assert [noise.snap(v) for v in (0.33, 0.9, float("nan"))] == [0.35, 0.8, 0.0]
    assert Control("act", "tanh", "choice", options=("tanh",)).snap("tanh") == "tanh"


def test_stored_names() -> None:
    from sections.playground.settings import CONTROLS

    stored = CONTROLS.stored({**CONTROLS.defaults, "acts": ["tanh", "tanh"]})
    assert stored["batch_size"] == 10 and stored["train_percent"] == 50
    assert stored["activation"] == ["tanh", "tanh"] and stored["init_zero"] is False
    assert not {"data", "shape", "grad", "problem"} & set(stored)
