"""The playground's controls, read once into :class:`PlaygroundSettings`.

Every control is URL-bound under the key TensorFlow Playground's own link maps to
(:mod:`core.playground_link`): ``data``, ``features``, ``shape``, ``act``, ``lr``,
``batch``, ``noise``, ``train``, ``reg``, ``reg_rate``, ``seed``, ``show_test``,
``discretize``; and our own: ``acts`` (one activation per hidden layer), ``residual``,
``init``, ``grad`` (the gradient view), ``problem``/``brush``/``value`` (drawing your
own points) and ``points`` (the drawn points, :mod:`core.points`).

Two controls are free text checked here (``shape``, ``acts``), and ``points`` is kept
in the URL by hand (its text can be longer than a bound control accepts). A pasted
TensorFlow Playground link sets every control at once (:func:`import_link`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from core.activations import ACTIVATIONS
from core.features import DEFAULT_FEATURES, FEATURES
from core.playground_link import LEARNING_RATES, REGULARIZATION_RATES, parse_playground_link
from core.points import PointsError, decode_points
from ui.controls import Bound, Controls, literal_items
from ui.frame import Frame
from ui.i18n import Translator, option_labels
from ui.literal import literal
from ui.upload import UPLOAD, uploader

NAME = "playground"
#: TensorFlow Playground's sets first, then ours, drawing your own, and an upload.
DATA = ("circle", "xor", "gauss", "spiral", "plane", "multigauss",
        "moons", "circles", "blobs", "gaussian_quantiles", "classification", "draw", UPLOAD)
DRAW = "draw"
PROBLEMS = ("classification", "regression")
ACTS = tuple(ACTIVATIONS)
INITS = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal", "standard")
REGS = ("none", "l1", "l2")
#: The largest network the page trains: Playground's own limits (6 layers x 8 units)
#: and then some.
MAX_LAYERS = 8
MAX_WIDTH = 16
#: Playground's batch slider.
MAX_BATCH = 30
#: Our keys at their defaults: Playground's defaults where it has the control.
DEFAULTS: dict[str, object] = {
    "data": "circle", "problem": "classification", "noise": 0.0, "train": 50, "batch": 10,
    "features": list(DEFAULT_FEATURES), "shape": "4,2", "act": "tanh", "acts": "",
    "residual": False, "init": "glorot_uniform", "lr": 0.03, "reg": "none", "reg_rate": 0,
    "seed": 0, "show_test": False, "discretize": False, "grad": False, "brush": "1", "value": 0.5,
}
#: Keys a Playground link sets (the rest go back to their defaults on import).
LINK_KEYS = ("data", "act", "shape", "lr", "batch", "noise", "train", "reg", "reg_rate",
             "features", "seed", "show_test", "discretize")
POINTS_KEY = "points"
LINK_BOX = "_pg_link"
_LINK_NOTES = "_pg_link_notes"
#: Playground's buttons that its ``<name>_hide`` keys can hide here too.
BUTTONS = ("play", "step", "reset")


@dataclass(frozen=True)
class Training:
    """The controls that decide how the network trains, whatever the data: the part of
    the settings a run is keyed on (:class:`sections.playground.run.RunSpec` adds the
    data and the chunk size). ``acts`` holds one activation per hidden layer."""

    features: tuple[str, ...]
    shape: tuple[int, ...]
    acts: tuple[str, ...]
    residual: bool
    init: str
    lr: float
    batch: int
    reg: str
    reg_rate: float
    seed: int


@dataclass(frozen=True)
class PlaygroundSettings(Training):
    """Every control of the page, validated: :class:`Training`'s fields and these.

    ``acts`` is ``act`` repeated unless ``acts`` was given; ``points`` the drawn
    points' text (empty when none).
    """

    data: str
    problem: str
    noise: float
    train: int
    show_test: bool
    discretize: bool
    grad: bool
    brush: float
    points: str
    #: Which of Play, Step and Reset a classroom link hides.
    hidden_buttons: tuple[str, ...]


def parse_shape(text: str) -> tuple[int, ...] | None:
    """``"4,2"`` -> ``(4, 2)``; ``""`` is no hidden layer; None when unusable.

    Widths are written with the ASCII digits 0-9 (the link rule of :mod:`ui.controls`):
    ``²``, ``①`` or ``１６`` make the text unusable, never an exception.
    """
    text = text.strip()
    if text == "":
        return ()
    widths = []
    for item in text.split(","):
        item = item.strip()
        if not (item.isascii() and item.isdigit()) or not 1 <= int(item) <= MAX_WIDTH:
            return None
        widths.append(int(item))
    return tuple(widths) if len(widths) <= MAX_LAYERS else None


def parse_acts(text: str, n_layers: int) -> tuple[str, ...] | None:
    """``"relu,tanh"`` -> one code per hidden layer; ``()`` when empty; None when unusable."""
    text = text.strip()
    if text == "":
        return ()
    codes = tuple(c.strip() for c in text.split(","))
    if len(codes) != n_layers or any(c not in ACTIVATIONS for c in codes):
        return None
    return codes


def _checked_text(c: Controls, key: str, label: str, help: str, valid) -> str:
    """A free-text control whose meaning `valid(text)` checks (a bad URL value gets the note)."""
    default = str(DEFAULTS[key])

    def check(raw: list[str]) -> tuple[str | None, object]:
        if len(raw) != 1:
            return c.t("common.url.reason.repeated"), default
        if not valid(raw[0]):
            return c.t(f"{NAME}.controls.{key}_bad"), default
        return None, raw[0]

    # Controls.by_hand keeps a value the page checks in the URL by hand, as the
    # labelled selects do; Streamlit's binding could not refuse a typed value.
    text = c.by_hand(key, default, check,
                     lambda state: c.container.text_input(label, key=state, help=help))
    if not valid(text):
        # Typed into the box (a URL value was checked above): say so beside it.
        c.container.warning(c.t(f"{NAME}.controls.{key}_typed_bad", value=literal(text),
                                reason=c.t(f"{NAME}.controls.{key}_bad"), default=literal(default)))
    return text


def read_settings(fr: Frame) -> PlaygroundSettings:
    """Draw the sidebar controls and return their values."""
    t, c = fr.t, fr.controls
    _show_link_notes(c)
    c.container.subheader(t(f"{NAME}.controls.data_title"))
    data = c.select("data", t(f"{NAME}.controls.data"), DATA, "circle", labels=data_labels(t))
    problem, brush = _drawing(c, t) if data == DRAW else ("classification", 1.0)
    noise, train = 0.0, 50
    if data != DRAW:
        noise = float(c.slider("noise", t(f"{NAME}.controls.noise"), 0.0, 0.8, 0.0, step=0.05,
                               help=t(f"{NAME}.controls.noise_help")))
        train = int(c.slider("train", t(f"{NAME}.controls.train"), 10, 90, 50, step=5,
                             help=t(f"{NAME}.controls.train_help")))
    batch = int(c.slider("batch", t(f"{NAME}.controls.batch"), 1, MAX_BATCH, 10,
                         help=t(f"{NAME}.controls.batch_help")))
    uploader(t)
    c.container.subheader(t(f"{NAME}.controls.net_title"))
    features = read_features(c, t)
    shape = parse_shape(_checked_text(c, "shape", t(f"{NAME}.controls.shape"),
                                      t(f"{NAME}.controls.shape_help", layers=MAX_LAYERS,
                                        width=MAX_WIDTH),
                                      lambda s: parse_shape(s) is not None))
    shape = shape if shape is not None else parse_shape(str(DEFAULTS["shape"]))
    act = c.select("act", t(f"{NAME}.controls.act"), ACTS, "tanh",
                   labels=option_labels(t, "act", ACTS))
    per_layer = parse_acts(_checked_text(c, "acts", t(f"{NAME}.controls.acts"),
                                         t(f"{NAME}.controls.acts_help", codes=", ".join(ACTS)),
                                         lambda s: parse_acts(s, len(shape)) is not None),
                           len(shape))
    residual = c.checkbox("residual", t(f"{NAME}.controls.residual"), False,
                          help=t(f"{NAME}.controls.residual_help"))
    init = c.select("init", t(f"{NAME}.controls.init"), INITS, "glorot_uniform",
                    labels=option_labels(t, "init", INITS))
    c.container.subheader(t(f"{NAME}.controls.train_title"))
    lr = float(c.select_slider("lr", t(f"{NAME}.controls.lr"), LEARNING_RATES, 0.03))
    reg = c.select("reg", t(f"{NAME}.controls.reg"), REGS, "none", labels=reg_labels(t))
    reg_rate = float(c.select_slider("reg_rate", t(f"{NAME}.controls.reg_rate"),
                                     REGULARIZATION_RATES, 0))
    seed = c.number("seed", t(f"{NAME}.controls.seed"), 0, 9999, 0, help=t("common.seed_help"))
    return PlaygroundSettings(
        data=data, problem=problem, noise=noise, train=train, batch=batch, features=features,
        shape=shape, acts=per_layer or (act,) * len(shape), residual=residual, init=init, lr=lr,
        reg=reg, reg_rate=reg_rate, seed=int(seed), **view_options(c, t), brush=brush,
        points=read_points(c, t, problem), hidden_buttons=hidden_buttons(c),
    )


def _feature_codes(raw: list[str]) -> list[str]:
    """``["x1,x2,sinx1"]`` (our form) or ``["x1", "x2"]`` (repeated keys) -> the codes."""
    return [code.strip() for item in raw for code in item.split(",") if code.strip()]


def read_features(c: Controls, t: Translator) -> tuple[str, ...]:
    """The input features, one URL value of comma-separated codes (``features=x1,x2,sinx1``).

    A multiselect shows them; the URL is written by hand, since a bound multiselect
    would repeat the key for every item. At least one feature is always used
    (x₁, x₂ when the visitor removes them all).
    """
    default = ",".join(DEFAULT_FEATURES)

    def check(raw: list[str]) -> tuple[str | None, object]:
        codes = _feature_codes(raw)
        bad = [code for code in codes if code not in FEATURES]
        if bad:
            return t("common.url.reason.unknown", items=literal_items(bad)), list(DEFAULT_FEATURES)
        if not codes or len(set(codes)) != len(codes):
            return t(f"{NAME}.controls.features_bad"), list(DEFAULT_FEATURES)
        return None, [code for code in FEATURES if code in codes]

    raw = c.raw("features")
    if c.is_hidden("features"):
        reason, chosen = (None, list(DEFAULT_FEATURES)) if raw is None else \
            c.check_raw(check, raw, list(DEFAULT_FEATURES))
        if reason is not None:
            c.note("features", raw, reason)
    else:
        seen = st.session_state.setdefault("_pg_features_seen", None)
        if raw is not None and raw != seen:
            reason, target = c.check_raw(check, raw, list(DEFAULT_FEATURES))
            if reason is not None:
                c.note("features", raw, reason)
            st.session_state["features"] = target
        st.session_state.setdefault("features", list(DEFAULT_FEATURES))
        if isinstance(st.session_state["features"], str):  # the page's Reset writes the URL form
            st.session_state["features"] = [c for c in _feature_codes([st.session_state["features"]])
                                            if c in FEATURES]
        labels = feature_labels(t)
        chosen = c.container.multiselect(t(f"{NAME}.controls.features"), list(FEATURES),
                                         format_func=lambda code: labels.get(code, code),
                                         key="features", help=t(f"{NAME}.controls.features_help"))
    codes = tuple(code for code in FEATURES if code in chosen) or DEFAULT_FEATURES
    text = ",".join(codes)
    written = None if text == default else [text]
    if not c.is_hidden("features") and raw != written:
        if written is None:
            st.query_params.pop("features", None)
        else:
            st.query_params["features"] = text
    st.session_state["_pg_features_seen"] = written
    c.bound["features"] = Bound("features", default, text)
    if c.on_bind is not None:
        c.on_bind()
    return codes


def view_options(c: Controls, t: Translator) -> dict[str, bool]:
    """``show_test``, ``discretize`` and ``grad`` by name: what the diagram shows, not what trains."""
    c.container.subheader(t(f"{NAME}.controls.view_title"))
    show_test = c.checkbox("show_test", t(f"{NAME}.controls.show_test"), False)
    discretize = c.checkbox("discretize", t(f"{NAME}.controls.discretize"), False)
    grad = c.checkbox("grad", t(f"{NAME}.controls.grad"), False, help=t(f"{NAME}.controls.grad_help"))
    return {"show_test": show_test, "discretize": discretize, "grad": grad}


def _drawing(c: Controls, t: Translator) -> tuple[str, float]:
    """The problem of the drawn points and the class or value a click adds."""
    problem = c.select("problem", t(f"{NAME}.controls.problem"), PROBLEMS, "classification",
                       radio=True, horizontal=True,
                       labels={p: t(f"{NAME}.option.problem.{p}") for p in PROBLEMS})
    if problem == "classification":
        brush = c.select("brush", t(f"{NAME}.controls.brush"), ("1", "0"), "1", radio=True,
                         horizontal=True, labels={k: t(f"{NAME}.option.brush.{k}") for k in "01"})
        return problem, float(brush)
    value = float(c.slider("value", t(f"{NAME}.controls.value"), -1.0, 1.0, 0.5, step=0.1))
    return problem, value


def hidden_buttons(c: Controls) -> tuple[str, ...]:
    """Play, Step and Reset as a classroom link hides them (``play_hide=true``, ``hide=step``)."""
    if c.hidden is None:
        return ()
    return tuple(b for b in BUTTONS if b in c.hidden)


def read_points(c: Controls, t: Translator, problem: str) -> str:
    """The drawn points: ``st.session_state["points"]``, seeded once from the URL.

    Kept in the URL by hand (``points=<text>``, :mod:`core.points`): up to 100 points
    are 535 characters, longer than a bound control accepts. A text that does not
    decode, or whose points are for the other problem, gets the usual note.
    """
    raw = c.raw(POINTS_KEY)
    seen = st.session_state.get("_pg_points_seen")
    if raw is not None and raw != seen:
        st.session_state["_pg_points_seen"] = raw
        text = raw[0] if len(raw) == 1 else None
        reason = None if text is not None else t("common.url.reason.repeated")
        if text is not None:
            try:
                if text and decode_points(text).problem != problem:
                    reason = t(f"{NAME}.controls.points_problem")
            except PointsError:
                reason = t(f"{NAME}.controls.points_bad")
        if reason is not None:
            c.note(POINTS_KEY, raw, reason)
            text = ""
        st.session_state[POINTS_KEY] = text
    text = str(st.session_state.get(POINTS_KEY, "") or "")
    if text:
        try:
            if decode_points(text).problem != problem:
                text = ""  # the visitor switched the problem: those points are for the other one
        except PointsError:
            text = ""
    _write_points(text)
    c.bound[POINTS_KEY] = Bound(POINTS_KEY, "", text)
    if c.on_bind is not None:
        c.on_bind()
    return text


def _write_points(text: str) -> None:
    written = [text] if text else None
    if Controls.raw(POINTS_KEY) != written:
        if text:
            st.query_params[POINTS_KEY] = text
        else:
            st.query_params.pop(POINTS_KEY, None)
    st.session_state["_pg_points_seen"] = written
    st.session_state[POINTS_KEY] = text


def data_labels(t: Translator) -> dict[str, str]:
    """What the data select shows: the shared labels, and drawing your own points."""
    return {**option_labels(t, "data", DATA), DRAW: t(f"{NAME}.option.data.draw")}


def feature_labels(t: Translator) -> dict[str, str]:
    return {code: t(f.label_key) for code, f in FEATURES.items()}


def reg_labels(t: Translator) -> dict[str, str]:
    return {r: t(f"{NAME}.option.reg.{r}") for r in REGS}


# ------------------------------------------------------------------ link import


def _widget_value(key: str, value: object) -> object:
    """A link's value as the widget of `key` holds it."""
    if key == "noise":
        return float(value)
    if key in ("seed", "batch", "train"):
        # An int, also for the seed's box (a float box, ui.controls.number): Streamlit
        # writes a float set here into the URL as it prints it, "seed=9323.0".
        return int(value)
    return list(value) if isinstance(value, list) else value


def import_link() -> None:
    """Callback of the link box: every control to what the pasted Playground link says.

    Keys the link leaves out get Playground's defaults (``parse_playground_link``
    fills them); our own controls go back to their defaults. What the link held
    that could not be used is remembered for the note of the next run.
    """
    link = parse_playground_link(str(st.session_state.get(LINK_BOX, "")),
                                 max_layers=MAX_LAYERS, max_width=MAX_WIDTH)
    notes = [(key, link.raw.get(key, "")) for key in link.unknown]
    settings = dict(link.settings)
    if not settings:
        st.session_state[_LINK_NOTES] = notes or [("link", "")]
        return
    values = {**DEFAULTS, **{k: settings[k] for k in LINK_KEYS if k in settings}}
    values["train"] = _snap(int(values["train"]), 10, 90, 5)
    values["noise"] = min(_snap_float(float(values["noise"]), 0.05), 0.8)
    values["batch"] = min(max(int(values["batch"]), 1), MAX_BATCH)
    for key, value in values.items():
        st.session_state[key] = _widget_value(key, value)
    st.session_state[POINTS_KEY] = ""
    hide = settings.get("hide")
    if hide:
        st.query_params["hide"] = ",".join(hide)
    else:
        st.query_params.pop("hide", None)
    st.session_state[_LINK_NOTES] = notes


def _snap(value: int, lo: int, hi: int, step: int) -> int:
    return min(max(lo + step * round((value - lo) / step), lo), hi)


def _snap_float(value: float, step: float) -> float:
    return round(step * round(value / step), 10) if math.isfinite(value) else 0.0


def _show_link_notes(c: Controls) -> None:
    """The note on a pasted link's keys that could not be used (left by :func:`import_link`)."""
    notes: Sequence[tuple[str, str]] = st.session_state.pop(_LINK_NOTES, None) or ()
    for key, value in notes:
        reason = c.t(f"{NAME}.link.not_link") if key == "link" else c.t(f"{NAME}.link.unknown")
        c.note(key, value, reason)
