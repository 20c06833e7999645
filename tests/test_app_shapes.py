"""The Function shapes page: defaults, every activation, every control, tampered URLs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptest_utils import (
    bound_widgets,
    charts,
    drawn_spec,
    errors_text,
    guard_notes,
    headers,
    metrics,
    open_page,
    open_section,
    section_state,
    switch_section,
    texts,
    url_note_shown,
)

from core.activations import ACTIVATIONS
from core.datasets import load, train_test_split
from core.slopes import chain_of_slopes
from core.userdata import MAX_ROWS
from ui import guard
from ui.frame import PAGES, available_pages
from ui.i18n import Translator, percent
from ui.references import cite

SHAPES = next(p for p in PAGES if p.name == "shapes")
T = Translator("en")


def _number(text: str) -> float:
    return float(text.replace("−", "-").rstrip("%"))


def _specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in charts(at)]


def _sci(v: float) -> str:
    return f"{v:.1e}".replace("-", "−")


def _facts(at):
    return at.dataframe[0].value


def _shown(act: str) -> str:
    """An activation's name as the facts table shows it (not its code)."""
    return T(f"common.option.act.{act}")


SECTIONS = ("curves", "facts", "chain", "c1", "c2")


def test_defaults_show_the_first_section_and_a_switch_to_every_section() -> None:
    at = open_page(SHAPES)
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert headers(at) == [T("shapes.curves.title")]
    switch = at.segmented_control(key=section_state(at))
    assert list(switch.options) == [T(f"shapes.nav.{c}") for c in SECTIONS]
    assert switch.value == "curves"
    assert len(charts(at)) == 2  # the functions, then their slopes
    # Nothing of the other sections ran: no table, no training, no metrics.
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    # The hover rule: a nearest-x point selection drives a rule with tooltips.
    curve_spec = _specs(at)[0]
    params = curve_spec.get("params", []) + [
        p for layer in curve_spec["layer"] for p in layer.get("params", [])]
    assert any(p["select"].get("nearest") and p["select"].get("fields") == ["x"] for p in params)
    assert any(layer.get("mark", {}).get("type") == "rule" and "tooltip" in layer["encoding"]
               for layer in curve_spec["layer"])
    # The foot of the section opens the next one.
    assert at.button(key="_next_view").label == T("common.next_section",
                                                  section=T("shapes.nav.facts"))
    at.button(key="_next_view").click().run()
    assert headers(at) == [T("shapes.facts.title")]


@pytest.mark.parametrize("view", SECTIONS)
def test_a_link_opens_each_section_alone(view) -> None:
    at = open_section(SHAPES, view)
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert headers(at) == [T(f"shapes.{view}.title")]
    assert at.segmented_control(key=section_state(at)).value == view
    assert len(charts(at)) == {"curves": 2, "facts": 0, "chain": 1, "c1": 2, "c2": 2}[view]
    if view == "c2":  # the last section has no "next" button
        assert not [b for b in at.button if b.key == "_next_view"]


def test_a_bad_section_in_the_link_falls_back_with_a_note() -> None:
    at = open_section(SHAPES, "nonsense")
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    assert headers(at) == [T("shapes.curves.title")]


def test_switching_sections_keeps_the_controls() -> None:
    at = open_page(SHAPES, {"act": ["relu", "elu"], "s": "2.5", "seed": "7"})
    before = {k: w.value for k, w in bound_widgets(at).items()}
    switch_section(at, "chain")
    assert not at.exception, errors_text(at)
    assert headers(at) == [T("shapes.chain.title")]
    assert {k: w.value for k, w in bound_widgets(at).items()} == before


def test_sections_show_numbers_from_core() -> None:
    at = open_section(SHAPES, "facts")
    facts = _facts(at)
    assert list(facts[T("shapes.facts.name")]) == [_shown(a) for a in ("sigmoid", "tanh", "relu")]
    row = facts.set_index(T("shapes.facts.name"))
    assert row.loc[_shown("sigmoid"), T("shapes.facts.max_slope")] == "0.25"
    assert row.loc[_shown("relu"), T("shapes.facts.cost")] == "1.0×"
    assert row.loc[_shown("relu"), T("shapes.facts.dead_zone")] == T("shapes.facts.yes")

    switch_section(at, "c1")
    assert not at.exception, errors_text(at)
    m = metrics(at)
    # C1: one matrix reproduces the deep linear network to rounding error, and
    # the ReLU network beats the straight line on circles.
    assert _number(m[T("shapes.c1.gap")][0]) < 1e-12
    accs = [_number(x.value) for x in at.metric if x.label == T("shapes.c1.test_acc")]
    assert accs[1] > accs[0] + 20
    switch_section(at, "c2")
    assert not at.exception, errors_text(at)
    m = metrics(at)
    # C2: the MSE signal is much weaker at the wrong start, and BCE ends better.
    assert _number(m[T("shapes.c2.delta_bce")][0]) > 5 * _number(m[T("shapes.c2.delta_mse")][0])
    assert _number(m[T("shapes.c2.acc_bce")][0]) > _number(m[T("shapes.c2.acc_mse")][0]) + 20


def test_every_activation_at_once() -> None:
    names = list(ACTIVATIONS)
    at = open_page(SHAPES, {"act": names})
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert bound_widgets(at)["act"].value == names
    curve = _specs(at)[0]
    tips = next(layer["encoding"]["tooltip"] for layer in curve["layer"]
                if layer.get("mark", {}).get("type") == "rule")
    assert len(tips) == 1 + 2 * len(names)  # x, then f and f' of every activation
    switch_section(at, "facts")
    assert list(_facts(at)[T("shapes.facts.name")]) == [_shown(a) for a in names]


def test_url_values_are_used() -> None:
    query = {"act": ["relu", "leaky_relu"], "x": ["-2", "3"], "slope": "0.2", "alpha": "2",
             "deriv": "false", "s": "2.5", "data": "moons", "sat": "4", "seed": "5"}
    at = open_page(SHAPES, query)
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    w = bound_widgets(at)
    assert w["x"].value == (-2.0, 3.0) and w["slope"].value == 0.2 and w["deriv"].value is False
    # Without the derivative the hover rule shows x and f of each activation only.
    curve = _specs(at)[0]
    tips = next(layer["encoding"]["tooltip"] for layer in curve["layer"]
                if layer.get("mark", {}).get("type") == "rule")
    assert len(tips) == 1 + 2
    switch_section(at, "facts")
    row = _facts(at).set_index(T("shapes.facts.name"))
    assert row.loc[_shown("leaky_relu"), T("shapes.facts.df0")] == "0.2"
    assert row.loc[_shown("leaky_relu"), T("shapes.facts.range")] == "(−∞, ∞)"


#: Each control, a new value, and the section where the change must show.
CHANGES = [
    ("act", "multiselect", ["elu", "gelu"], "curves"),
    ("x", "slider", (-3.0, 8.0), "curves"),
    ("slope", "slider", 0.3, "facts"),
    ("alpha", "slider", 2.0, "curves"),
    ("deriv", "toggle", False, "curves"),
    ("s", "slider", 3.0, "chain"),
    ("data", "selectbox", "moons", "c1"),
    ("sat", "slider", 9.0, "c2"),
    ("seed", "number_input", 3, "c1"),
]


def _view(at) -> tuple:
    table = _facts(at).to_dict() if len(at.dataframe) else None
    return _specs(at), metrics(at), table, texts(at, "markdown")


@pytest.mark.parametrize(("key", "kind", "value", "view"), CHANGES, ids=[c[0] for c in CHANGES])
def test_each_control_changes_the_view(key, kind, value, view) -> None:
    # AppTest does not write widget changes back into its query parameters, so the
    # control being changed must not be in the starting URL.
    query = {} if key == "act" else {"act": ["sigmoid", "relu", "leaky_relu", "elu"]}
    at = open_section(SHAPES, view, query)
    before = _view(at)
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert headers(at) == [T(f"shapes.{view}.title")]
    assert _view(at) != before, f"changing {key} changed nothing"


def test_chain_reading_shows_the_core_numbers() -> None:
    at = open_section(SHAPES, "chain", {"s": "4", "seed": "2"})
    assert not at.exception, errors_text(at)
    _, sig_best, sig_rms = chain_of_slopes(ACTIVATIONS["sigmoid"], 30, 4.0, seed=2)
    _, _, relu_rms = chain_of_slopes(ACTIVATIONS["relu"], 30, 4.0, seed=2)
    assert sig_best[9] == pytest.approx(0.25**10)
    expected = T("shapes.chain.reading", depth=10, s="4", sig_best=_sci(sig_best[9]),
                 sig_rms=_sci(sig_rms[9]), relu_rms=_sci(relu_rms[9]))
    assert expected in [i.value for i in at.info]
    # ReLU passes half its chains: root mean square (E relu'²)^{L/2} = 2^{-L/2}.
    assert relu_rms[9] == pytest.approx(0.5**5, rel=0.02)


def test_a_single_relu_chain_is_almost_always_exactly_zero() -> None:
    """The page counts its own random chains of ReLU slopes: non-zero only when every
    unit is active, (1/2)^L of them, so at L = 30 essentially none."""
    n, seed, spread = 100_000, 2, 4.0
    at = open_section(SHAPES, "chain", {"s": "4", "seed": str(seed)})
    assert not at.exception, errors_text(at)
    # The same draw as the page: one row of 30 pre-activations per chain.
    z = np.random.default_rng(seed).normal(0.0, spread, (n, 30))
    alive = np.count_nonzero(np.cumprod(z > 0, axis=1), axis=0)
    # Binomial(n, 2^-L): within 5 standard deviations of n / 1024 at L = 10; at
    # L = 30 the expected count is 9e-5, so none.
    assert abs(alive[9] - n / 1024) < 5 * np.sqrt(n / 1024)
    assert alive[29] == 0
    _, _, relu_rms = chain_of_slopes(ACTIVATIONS["relu"], 30, spread, seed=seed)
    expected = T("shapes.chain.single", n=f"{n:,}", depth=10, deep=30, alive=int(alive[9]),
                 share=percent(alive[9] / n, 2), p=_sci(0.5**10), alive_deep=0,
                 p_deep=_sci(0.5**30), relu_rms=_sci(relu_rms[9]))
    assert expected in [i.value for i in at.info]
    assert "root mean square" in T("shapes.chain.rms")


def test_link_to_vanishing_page_only_when_it_exists() -> None:
    at = open_section(SHAPES, "chain")
    body = [e.proto.page for e in at.get("page_link") if e.proto.label == T("shapes.chain.link")]
    has_vanishing = any(p.name == "vanishing" for p in available_pages())
    assert body == (["vanishing"] if has_vanishing else [])


@pytest.mark.parametrize(
    ("query", "key", "default"),
    [
        ({"act": ["bogus", "relu"]}, "act", ["relu"]),
        ({"act": ["nope"]}, "act", ["sigmoid", "tanh", "relu"]),
        ({"x": ["5", "-5"]}, "x", (-6.0, 6.0)),
        ({"x": ["nan", "2"]}, "x", (-6.0, 6.0)),
        ({"x": ["-1e308", "1e308"]}, "x", (-6.0, 6.0)),
        ({"slope": "-3"}, "slope", 0.01),
        ({"alpha": "1e999"}, "alpha", 1.0),
        ({"s": "nan"}, "s", 1.0),
        ({"deriv": "maybe"}, "deriv", True),
        ({"data": "iris"}, "data", "circles"),
        ({"sat": "99999999999"}, "sat", 6.0),
        ({"seed": "-inf"}, "seed", 0),
    ],
)
def test_tampered_url_falls_back_with_a_note(query, key, default) -> None:
    at = open_page(SHAPES, query)
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    assert bound_widgets(at)[key].value == default
    assert len(charts(at)) == 2


def test_nothing_selected_says_so_and_keeps_the_experiments() -> None:
    at = open_page(SHAPES, {"act": ""})
    assert not at.exception, errors_text(at)
    assert T("shapes.none_selected") in [i.value for i in at.info]
    assert len(charts(at)) == 0
    switch_section(at, "facts")
    assert T("shapes.none_selected") in [i.value for i in at.info]
    assert len(at.dataframe) == 0
    switch_section(at, "chain")
    assert len(charts(at)) == 0
    for view in ("c1", "c2"):  # the two experiments still run
        switch_section(at, view)
        assert not at.exception, errors_text(at)
        assert len(charts(at)) == 2


def _labels(at) -> list[str]:
    """The text marks of the functions' and the slopes' charts (one text layer each,
    always there, empty when there is nothing to mark)."""
    out = []
    for chart in charts(at)[:2]:
        spec = drawn_spec(chart)
        texts = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "text"]
        assert len(texts) == 1  # the spec never changes, only its data
        out += [row["label"] for layer in texts for row in spec["datasets"][layer["data"]["name"]]]
    return out


def test_marks_follow_the_visible_range() -> None:
    # Centred range: the sigmoid's peak, ReLU's kink and its zero-slope side are marked.
    at = open_page(SHAPES)
    assert not at.exception, errors_text(at)
    labels = _labels(at)
    for key in ("mark_kink", "mark_dead"):
        assert T(f"shapes.curves.{key}") in labels
    peak = T("shapes.curves.mark_peak", slope="|", x="|").split("|")[0]  # "largest slope "
    assert any(label.startswith(peak) for label in labels)
    # Only x > 0 in view: no kink, no zero-slope side, and no "largest slope" claim
    # because the steepest point (x = 0) is not visible.
    at = open_page(SHAPES, {"x": ["1", "4"]})
    assert not at.exception, errors_text(at)
    assert _labels(at) == []


def _downloads(at) -> list:
    return list(at.get("download_button"))


def test_every_chart_has_a_csv_and_every_network_its_weights() -> None:
    at = open_page(SHAPES)
    assert not at.exception, errors_text(at)
    buttons, n_charts = [], 0
    for view in SECTIONS:
        switch_section(at, view)
        assert not at.exception, errors_text(at)
        buttons += _downloads(at)
        n_charts += len(charts(at))
    csv = [b for b in buttons if b.proto.label == T("common.export.csv")]
    npz = [b for b in buttons if b.proto.label == T("common.export.npz")]
    assert len(csv) == n_charts == 7
    assert len(npz) == 4  # C1: linear and ReLU; C2: BCE and MSE
    # The widget id ends in the key, which ui.export derives from the file stem.
    keys = {b.proto.id.rsplit("-_", 1)[-1] for b in buttons if b.proto.label != T("common.export.svg")}
    svg = {b.proto.id.rsplit("-_", 1)[-1] for b in buttons if b.proto.label == T("common.export.svg")}
    assert svg == {k.replace("csv_", "svg_") for k in keys if k.startswith("csv_")}
    assert keys == {
        "csv_curves", "csv_slopes", "csv_chain-of-slopes", "csv_c1-boundary-identity", "csv_c1-boundary-relu",
        "csv_c2-accuracy", "csv_c2-loss", "npz_c1-weights-identity", "npz_c1-weights-relu",
        "npz_c2-weights-bce", "npz_c2-weights-mse",
    }
    # Without activations the curves and chain charts (and their buttons) are gone.
    at = open_page(SHAPES, {"act": ""})
    labels = [b.proto.label for b in _downloads(at)]
    switch_section(at, "chain")
    labels += [b.proto.label for b in _downloads(at)]
    assert labels.count(T("common.export.csv")) == 0


# ---------------------------------------------------------------- your own data
def _with_upload(X, y, query: dict | None = None, digest: str = "abc", view: str = "c1"):
    """Open a section with an upload already in the session (what ui.upload stores)."""
    return open_section(SHAPES, view, {"data": "upload", **(query or {})}, upload=(X, y, digest))


def test_upload_is_the_last_data_option_and_default_is_unchanged() -> None:
    at = open_page(SHAPES)
    box = bound_widgets(at)["data"]
    assert box.options[-1] == T("common.option.data.upload") and box.value == "circles"


def test_selects_show_translated_labels_and_the_url_keeps_codes() -> None:
    ko = Translator("ko")
    at = open_page(SHAPES, {"lang": "ko", "data": "moons", "act": ["relu", "leaky_relu"]})
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    w = bound_widgets(at)
    assert w["data"].value == "moons" and w["act"].value == ["relu", "leaky_relu"]
    assert ko("common.option.data.moons") in w["data"].options
    assert "moons" not in w["data"].options and "upload" not in w["data"].options
    assert ko("common.option.act.sigmoid") in w["act"].options
    w["data"].set_value("blobs").run()
    assert not at.exception, errors_text(at)
    assert at.query_params["data"] == "blobs"  # the code, never the label


def test_uploaded_data_trains_both_experiments() -> None:
    X, y = load("circles", n_samples=200, noise=0.1, seed=4)
    at = _with_upload(X, y)
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert T("common.upload.in_use") in texts(at, "caption")
    setup = T("shapes.c1.setup", layers=4, width=16, epochs=200,
              data=T("shapes.upload.name"), n=200)
    assert setup in texts(at, "markdown")
    assert len(charts(at)) == 2
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count(T("common.export.npz")) == 2
    switch_section(at, "c2")
    assert not at.exception, errors_text(at)
    assert len(charts(at)) == 2
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count(T("common.export.npz")) == 2
    switch_section(at, "c1")
    # The same page on the built-in circles (300 points, other noise) gives other numbers.
    builtin = open_section(SHAPES, "c1")
    assert metrics(at) != metrics(builtin)
    # A different upload (another digest) is trained anew, not served from the cache.
    X2, y2 = load("moons", n_samples=200, noise=0.1, seed=4)
    other = _with_upload(X2, y2, digest="def")
    assert not other.exception, errors_text(other)
    assert metrics(other) != metrics(at)


def test_upload_chosen_but_nothing_uploaded_falls_back_with_a_note() -> None:
    at = open_section(SHAPES, "c1", {"data": "upload"})
    assert not at.exception, errors_text(at)
    assert not url_note_shown(at)
    assert T("common.upload.missing") in texts(at, "info")
    setup = T("shapes.c1.setup", layers=4, width=16, epochs=200, data="moons", n=300)
    assert setup in texts(at, "markdown")
    assert len(charts(at)) == 2


def test_upload_with_three_classes_says_the_experiments_are_binary() -> None:
    X, y = load("circles", n_samples=150, noise=0.1, seed=0)
    y = y.copy()
    y[:50] = 2
    at = _with_upload(X, y)
    assert not at.exception, errors_text(at)
    assert T("shapes.upload.binary", k=3, data="circles") in texts(at, "warning")
    setup = T("shapes.c1.setup", layers=4, width=16, epochs=200, data="circles", n=300)
    assert setup in texts(at, "markdown")
    assert len(charts(at)) == 2


# ------------------------------------------------------------------ compute guard
def test_largest_upload_stays_within_budget() -> None:
    # The only size a visitor controls here is the number of rows of an upload.
    X, y = load("circles", n_samples=MAX_ROWS, noise=0.1, seed=1)
    at = _with_upload(X, y, digest="largest")
    assert not at.exception, errors_text(at)
    assert not guard_notes(at)  # 2 × (2-16-16-16-16-1) × 3750 rows × 200 epochs fits
    assert T("shapes.c1.setup", layers=4, width=16, epochs=200, data=T("shapes.upload.name"),
             n=MAX_ROWS) in texts(at, "markdown")
    switch_section(at, "c2")
    assert not at.exception, errors_text(at)
    assert not guard_notes(at)


def test_guard_cuts_epochs_and_samples_and_says_so(monkeypatch) -> None:
    # A tiny budget stands in for a request that is too large: the page must cut, say
    # so, show the epochs it used and still draw everything.
    monkeypatch.setattr(guard, "BUDGET", 0.2)  # seconds of one core
    X, y = load("circles", n_samples=MAX_ROWS, noise=0.1, seed=1)
    at = _with_upload(X, y, digest="guarded")
    assert not at.exception, errors_text(at)
    notes = guard_notes(at)
    assert len(charts(at)) == 2
    switch_section(at, "c2")
    assert not at.exception, errors_text(at)
    notes += guard_notes(at)
    assert len(charts(at)) == 2
    n_train = len(train_test_split(X, y, seed=0)[2])
    b1 = guard.budget_epochs(4, 16, n_train, 200, runs=2, budget=0.1, acts=["identity", "relu"])
    b2 = guard.budget_epochs(1, 16, n_train, 200, runs=2, budget=0.1, acts=["relu", "relu"])
    assert b1.capped and b2.capped
    assert T("common.guard.capped", allowed=b1.epochs, requested=200) in notes
    assert T("common.guard.capped", allowed=b2.epochs, requested=200) in notes
    switch_section(at, "c1")
    assert T("shapes.c1.setup", layers=4, width=16, epochs=b1.epochs,
             data=T("shapes.upload.name"), n=MAX_ROWS) in texts(at, "markdown")
    monkeypatch.setattr(guard, "BUDGET", 1e-3)  # not even one epoch: samples are cut too
    at = _with_upload(X, y, digest="guarded")
    assert not at.exception, errors_text(at)
    sample_head = T("common.guard.samples", allowed=0, requested=0).split("**")[0]
    assert any(w.startswith(sample_head) for w in texts(at, "warning"))
    assert len(charts(at)) == 2


def test_sections_resting_on_a_paper_cite_it_and_the_page_lists_its_sources() -> None:
    at = open_section(SHAPES, "curves", {"act": ["sigmoid", "relu", "gelu"]})
    assert not at.exception, errors_text(at)
    captions = texts(at, "caption")
    assert cite(T, "nair2010", "hendrycks2016") in captions  # ReLU and GELU; sigmoid has none
    assert T("refs.expander") in [e.label for e in at.expander]
    switch_section(at, "chain")
    assert cite(T, "glorot2010", "he2015") in texts(at, "caption")
    at = open_section(SHAPES, "facts", {"act": ["sigmoid", "tanh"]})
    leads = (T("refs.lead_one"), T("refs.lead_many"))
    assert not [c for c in texts(at, "caption") if c.startswith(leads)]
