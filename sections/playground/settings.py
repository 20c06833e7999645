"""The playground's controls, declared once in :data:`CONTROLS` and read into
:class:`PlaygroundSettings`.

Every control is URL-bound under the key TensorFlow Playground's own link maps to
(:mod:`core.playground_link`): the rows of :data:`CONTROLS` marked ``link``; and our
own: ``acts`` (one activation per hidden layer), ``residual``, ``init``, ``grad`` (the
gradient view), ``problem``/``brush``/``value`` (drawing your own points) and
``points`` (the drawn points, :mod:`core.points`).

Two controls are free text checked here (``shape``, ``acts``), and ``points`` is kept
in the URL by hand (its text can be longer than a bound control accepts). A pasted
TensorFlow Playground link sets every control at once (:func:`import_link`).

A new control is one row of :data:`CONTROLS`, its use, and its label in both
catalogs: ``DEFAULTS``, the link import, Reset, the ``.npz`` settings and the
tests' and benchmarks' specs (:func:`training_values`) follow from the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import streamlit as st

from core.activations import ACTIVATIONS
from core.features import DEFAULT_FEATURES, FEATURES
from core.playground_link import LEARNING_RATES, REGULARIZATION_RATES, parse_playground_link
from core.points import PointsError, decode_points
from ui.controls import Control, Controls, ControlTable, literal_items
from ui.frame import Frame
from ui.i18n import Translator, option_labels
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

def data_labels(t: Translator) -> dict[str, str]:
    """What the data select shows: the shared labels, and drawing your own points."""
    return {**option_labels(t, "data", DATA), DRAW: t(f"{NAME}.option.data.draw")}


def feature_labels(t: Translator) -> dict[str, str]:
    return {code: t(f.label_key) for code, f in FEATURES.items()}


def reg_labels(t: Translator) -> dict[str, str]:
    return {r: t(f"{NAME}.option.reg.{r}") for r in REGS}


#: Every control of the page, in sidebar order: Playground's defaults where it has the
#: control. ``link``: a pasted Playground link sets it (the rest go back to their
#: defaults on import); ``npz``: its name in the exported network's settings.
CONTROLS = ControlTable(NAME, (
    Control("data", "circle", "choice", options=DATA, labels=data_labels, link=True, npz=""),
    Control("problem", "classification", "choice", options=PROBLEMS, widget="radio", npz="",
            labels=lambda t: {p: t(f"{NAME}.option.problem.{p}") for p in PROBLEMS}),
    Control("brush", "1", "choice", options=("1", "0"), widget="radio", npz="",
            labels=lambda t: {k: t(f"{NAME}.option.brush.{k}") for k in "01"}),
    Control("value", 0.5, "float", lo=-1.0, hi=1.0, step=0.1, npz=""),
    Control("noise", 0.0, "float", lo=0.0, hi=0.8, step=0.05, help=f"{NAME}.controls.noise_help",
            link=True),
    Control("train", 50, "int", lo=10, hi=90, step=5, help=f"{NAME}.controls.train_help",
            link=True, npz="train_percent"),
    Control("batch", 10, "int", lo=1, hi=MAX_BATCH, help=f"{NAME}.controls.batch_help", link=True,
            npz="batch_size"),
    Control("features", list(DEFAULT_FEATURES), "list", options=tuple(FEATURES),
            labels=feature_labels, help=f"{NAME}.controls.features_help", link=True),
    Control("shape", "4,2", "text", help=f"{NAME}.controls.shape_help", link=True, npz=""),
    Control("act", "tanh", "choice", options=ACTS, labels="act", link=True, npz=""),
    Control("acts", "", "text", help=f"{NAME}.controls.acts_help", npz="activation"),
    Control("residual", False, "bool", help=f"{NAME}.controls.residual_help"),
    Control("init", "glorot_uniform", "choice", options=INITS, labels="init"),
    Control("init_zero", False, "bool", help=f"{NAME}.controls.init_zero_help", link=True),
    Control("lr", 0.03, "float", options=LEARNING_RATES, link=True),
    Control("reg", "none", "choice", options=REGS, labels=reg_labels, link=True),
    Control("reg_rate", 0, "float", options=REGULARIZATION_RATES, link=True),
    Control("seed", 0, "int", lo=0, hi=9999, widget="number", help="common.seed_help", link=True),
    Control("show_test", False, "bool", link=True, npz=""),
    Control("discretize", False, "bool", link=True, npz=""),
    Control("grad", False, "bool", help=f"{NAME}.controls.grad_help", npz=""),
))
#: Our keys at their defaults.
DEFAULTS: dict[str, object] = CONTROLS.defaults
#: Keys a Playground link sets (the rest go back to their defaults on import).
LINK_KEYS = CONTROLS.link_keys
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
    #: Every weight starts at zero (Playground's ``initZero``), whatever `init` says.
    init_zero: bool
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


def training_values(**changes: object) -> dict[str, object]:
    """:class:`Training`'s fields at the page's defaults (:data:`CONTROLS`), with `changes`.

    The default spec of tests and benchmarks: ``RunSpec(**training_values(seed=3),
    data_key=..., problem=..., chunk=...)`` keeps working when a row is added.
    """
    d = CONTROLS.defaults
    shape = parse_shape(str(d["shape"])) or ()
    values = {f.name: d[f.name] for f in fields(Training) if f.name in d}
    values.update(features=tuple(d["features"]), shape=shape, acts=(d["act"],) * len(shape),
                  lr=float(d["lr"]), reg_rate=float(d["reg_rate"]))
    unknown = set(changes) - {f.name for f in fields(Training)}
    if unknown:
        raise TypeError(f"not a field of Training: {sorted(unknown)}")
    return {**values, **changes}


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


#: The sidebar's headings, above the row they open.
HEADINGS = {"data": "data_title", "features": "net_title", "lr": "train_title",
            "show_test": "view_title"}


def read_settings(fr: Frame) -> PlaygroundSettings:
    """Draw the sidebar controls, row by row of :data:`CONTROLS`, and return their values.

    A row is drawn by its kind (:meth:`ui.controls.Controls.draw`) unless :func:`_read`
    reads it in a way of its own; a new row therefore appears in its place in the table.
    """
    t, c = fr.t, fr.controls
    c.declare(CONTROLS)
    _show_link_notes(c)
    v: dict[str, object] = {}
    for row in CONTROLS:
        if row.key == "features":
            uploader(t)  # the data's last control
        if row.key in HEADINGS:
            c.container.subheader(t(f"{NAME}.controls.{HEADINGS[row.key]}"))
        v[row.key] = _read(c, t, row, v)
    # One number for a click: the class drawn, or the value of a regression point.
    v["brush"] = float(v["brush"]) if v["problem"] == "classification" else v["value"]
    v["acts"] = v["acts"] or (v["act"],) * len(v["shape"])
    settings = {f.name: v[f.name] for f in fields(PlaygroundSettings) if f.name in v}
    return PlaygroundSettings(**settings, points=read_points(c, t, str(v["problem"])),
                              hidden_buttons=hidden_buttons(c))


def _read(c: Controls, t: Translator, row: Control, v: dict[str, object]) -> object:
    """The value of `row`, given the rows read before it (`v`); a row that does not apply
    (drawing's controls for a data set, a data set's for drawn points) is not drawn and
    keeps its default."""
    drawn = v.get("data") == DRAW
    applies = {"problem": drawn, "brush": drawn and v.get("problem") == "classification",
               "value": drawn and v.get("problem") == "regression",
               "noise": not drawn, "train": not drawn}
    if not applies.get(row.key, True):
        return row.default
    if row.key == "features":
        return read_features(c, t)
    if row.key == "shape":
        shape = parse_shape(c.draw(row, help_args={"layers": MAX_LAYERS, "width": MAX_WIDTH},
                                   valid=lambda s: parse_shape(s) is not None))
        return shape if shape is not None else parse_shape(str(DEFAULTS["shape"]))
    if row.key == "acts":  # one per hidden layer; () for `act` in every layer
        n = len(v["shape"])  # type: ignore[arg-type]
        return parse_acts(c.draw(row, help_args={"codes": ", ".join(ACTS)},
                                 valid=lambda s: parse_acts(s, n) is not None), n)
    return c.draw(row)


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
    c.keep("features", default, text)
    return codes


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
    return c.keep(POINTS_KEY, "", text)


def _write_points(text: str) -> None:
    written = [text] if text else None
    if Controls.raw(POINTS_KEY) != written:
        if text:
            st.query_params[POINTS_KEY] = text
        else:
            st.query_params.pop(POINTS_KEY, None)
    st.session_state["_pg_points_seen"] = written
    st.session_state[POINTS_KEY] = text


# ------------------------------------------------------------------ link import


def _widget_value(key: str, value: object) -> object:
    """A link's value as the widget of `key` holds it: on the control's range and steps.

    The seed's box is a float box (ui.controls.number) and gets an int: Streamlit
    writes a float set here into the URL as it prints it, "seed=9323.0".
    """
    return CONTROLS[key].snap(value) if key in CONTROLS else value


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
    for key, value in values.items():
        st.session_state[key] = _widget_value(key, value)
    st.session_state[POINTS_KEY] = ""
    hide = settings.get("hide")
    if hide:
        st.query_params["hide"] = ",".join(hide)
    else:
        st.query_params.pop("hide", None)
    st.session_state[_LINK_NOTES] = notes


def _show_link_notes(c: Controls) -> None:
    """The note on a pasted link's keys that could not be used (left by :func:`import_link`)."""
    notes: Sequence[tuple[str, str]] = st.session_state.pop(_LINK_NOTES, None) or ()
    for key, value in notes:
        reason = c.t(f"{NAME}.link.not_link") if key == "link" else c.t(f"{NAME}.link.unknown")
        c.note(key, value, reason)
