"""A new activation is one registry entry and its colour.

The test registers a made-up activation (a ReLU under another name, with its
facts), gives it a colour in the palette, and opens every page that offers a
choice of activation: each must offer it, colour it with its colour and label it.
The pages' lists (which activations can die, which are rectifiers, the
initialisation paired with each, the paper behind each) are read from the
record, so nothing else is edited. The page modules are imported afresh, as
they would be in a new server process with the entry in the registry.

Home (sigmoid against ReLU) and Piecewise ReLU (ReLU and Leaky ReLU, with
sigmoid and tanh as smooth contrasts) show chosen activations, not the registry.
"""

from __future__ import annotations

import dataclasses
import sys

import pytest
from apptest_utils import charts, drawn_spec, errors_text, open_page, open_section

from core.activations import ACTIVATIONS
from ui.charts import palette
from ui.frame import PAGES

FAKE = "fakelu"
FAKE_COLOUR = "#123456"
BY_NAME = {p.name: p for p in PAGES}


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch):
    record = dataclasses.replace(ACTIVATIONS["relu"], name=FAKE, source="glorot2011")
    monkeypatch.setitem(ACTIVATIONS, FAKE, record)
    monkeypatch.setitem(palette.ACTIVATION_COLOURS, FAKE, FAKE_COLOUR)
    # The pages' modules read the registry when they are imported: import them again.
    saved = {k: m for k, m in sys.modules.items() if k == "sections" or k.startswith("sections.")}
    for k in saved:
        del sys.modules[k]
    yield record
    for k in [k for k in sys.modules if k == "sections" or k.startswith("sections.")]:
        del sys.modules[k]
    sys.modules.update(saved)


def _colours(at) -> dict[str, str]:
    """Every categorical colour the page's charts give a value: value -> colour."""
    out: dict[str, str] = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            scale = node.get("scale")
            if isinstance(scale, dict) and isinstance(scale.get("domain"), list) \
                    and isinstance(scale.get("range"), list):
                out.update({str(k): v for k, v in zip(scale["domain"], scale["range"], strict=False)})
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for chart in charts(at):
        walk(drawn_spec(chart))
    return out


def _offered(at, key: str = "act") -> list[str]:
    widget = next(w for kind in ("multiselect", "selectbox") for w in at.get(kind) if w.key == key)
    return list(widget.options)


def test_the_registry_entry_is_the_only_list(registered) -> None:
    from sections.dead_relu.settings import ACTS as DEAD_PAGE_ACTS
    from sections.playground.run import DEAD_ACTS, MARKED_ACTS
    from sections.vanishing.cures_compute import paired_init

    # Its facts place it: it can die (a ReLU), it is a rectifier, He goes with it.
    assert FAKE in DEAD_ACTS and FAKE in MARKED_ACTS and FAKE in DEAD_PAGE_ACTS
    assert paired_init(FAKE) == "he_normal"


def test_shapes_offers_colours_labels_and_cites_it(registered) -> None:
    at = open_page(BY_NAME["shapes"], {"act": ["relu", FAKE]})
    assert not at.exception, errors_text(at)
    assert FAKE in _offered(at)
    assert _colours(at)[FAKE] == FAKE_COLOUR
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert any(f"**{FAKE}**" in s for s in shown)  # its formulas, under its name
    assert any("Glorot" in s and "2011" in s for s in at.caption.values)  # its paper


def test_vanishing_offers_colours_and_labels_it(registered) -> None:
    at = open_page(BY_NAME["vanishing"], {"n": "100", "epochs": "3", "depth": "4", "width": "8",
                                          "act": ["relu", FAKE]})
    assert not at.exception, errors_text(at)
    assert FAKE in _offered(at)
    colours = _colours(at)
    assert colours[FAKE] == FAKE_COLOUR and colours["relu"] == palette.ACTIVATION_COLOURS["relu"]


def test_dead_relu_offers_colours_and_labels_it(registered) -> None:
    at = open_page(BY_NAME["dead_relu"], {"epochs": "10", "mc": "50", "act": ["relu", FAKE]})
    assert not at.exception, errors_text(at)
    # Offered under a name (the page's own names are in its catalog; the fake has none
    # there, so it is called what every page calls it), never as a raw catalog key.
    assert FAKE in _offered(at) and not any(o.startswith("dead_relu.") for o in _offered(at))
    assert _colours(at)[FAKE] == FAKE_COLOUR
    texts = [e.value for kind in ("markdown", "caption", "info", "subheader") for e in at.get(kind)]
    assert any(FAKE in s for s in texts)


def test_playground_offers_it_and_marks_its_dead_units(registered) -> None:
    import json

    at = open_page(BY_NAME["playground"], {"act": FAKE})
    assert not at.exception, errors_text(at)
    assert FAKE in _offered(at)
    (comp,) = at.get("bidi_component")
    proto = comp.proto
    sent = json.loads(proto.json if proto.WhichOneof("data") == "json" else proto.mixed.json)
    assert sent["net"]["acts"] and set(sent["net"]["acts"]) == {FAKE}  # on every hidden layer


def test_every_section_of_vanishing_offers_it(registered) -> None:
    # Its choices are the point, not its trainings: two layers (fifty is a cold run of ~10 s).
    at = open_section(BY_NAME["vanishing"], "cures", {"n": "100", "depth": "4", "width": "8",
                                                      "cdepth": "2"})
    assert not at.exception, errors_text(at)
    offered = [w for kind in ("selectbox", "multiselect") for w in at.get(kind)
               if FAKE in list(w.options)]
    assert offered, "the Cures section offers no choice with the new activation"
