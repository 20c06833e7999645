"""Section "play": the network diagram, the output view and playback, as TensorFlow Playground.

A full run draws the link box, the component and, under it, the readings of the
epoch shown (losses, a diverged run, the loss curve with the network's ``.npz``).
The component sits in a fragment: while playing, its requests for more frames rerun
only the fragment, which trains the next chunk (:mod:`sections.playground.run`).
Pause, Step, Reset and a click on the plane rerun the whole page.

Names: a *frame* is one epoch's drawing as the component receives it
(:mod:`sections.playground.frames`); the page's :class:`ui.frame.Frame` is always
``fr``, and a pandas table is a *table*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core.features import FEATURES
from core.init import unit_spread
from core.points import MAX_POINTS, PointsError, decode_points, encode_points, toggle_point
from sections.playground.data import PLANE_EXTENT, PlaneData, plane_data
from sections.playground.frames import Reading, WireFrame
from sections.playground.run import (
    CHUNK,
    DEFAULT_CHUNK_SECONDS,
    FPS,
    MAX_EPOCHS,
    MAX_PLAY,
    PLAY_RATE,
    Command,
    Run,
    chunk_epochs_for,
    chunk_work,
    command,
    new_run,
    run_spec,
    valid_command,
    wait_hint,
)
from sections.playground.settings import (
    CONTROLS,
    DRAW,
    LINK_BOX,
    NAME,
    POINTS_KEY,
    PlaygroundSettings,
    import_link,
)
from ui.charts import compiled
from ui.charts.palette import component_colours
from ui.charts.playground import loss_chart
from ui.components.playground import command as sent_command
from ui.components.playground import playground
from ui.export import Weights, chart_block, run_settings
from ui.frame import Frame
from ui.i18n import Translator, option_labels
from ui.references import cite

KEY = "_pg_player"
_RUN = "_pg_run"
_CMD = "_pg_cmd"
#: Most points of the loss history sent to the browser (the rest are thinned).
HISTORY_POINTS = 400
#: Glorot & Bengio (vanishing through sigmoid layers, their initialisation), He et al.
#: (ReLU initialisation; residual connections), Nair & Hinton (ReLU).
SOURCES = ("glorot2010", "he2015", "nair2010", "he2016")


def _stash() -> None:
    """The component's callback: keep its command for the run that follows."""
    st.session_state[_CMD] = sent_command(KEY)


def chunk_epochs(s: PlaygroundSettings, plane: PlaneData, t: Translator) -> int:
    """Epochs per request: :data:`CHUNK`, fewer for a network that costs more to train
    (``run.chunk_epochs_for``), and the page says so; and says when playing waits for the
    session's share of the server (``run.PlayBudget``)."""
    spec = run_spec(s, plane)
    chunk = chunk_epochs_for(spec, plane)
    if chunk < CHUNK:
        ratio = chunk_work(spec, plane).seconds() / DEFAULT_CHUNK_SECONDS
        st.info(t(f"{NAME}.chunk_small", chunk=chunk, full=CHUNK, ratio=f"{ratio:.2g}"),
                icon=":material/speed:")
    run = st.session_state.get(_RUN)
    if run is not None and run.playing and run.paced and run.spec == run_spec(s, plane, chunk):
        eps = min(FPS, run.chunk * PLAY_RATE / run.chunk_cost)
        st.info(t(f"{NAME}.paced", rate=f"{60 * PLAY_RATE:.0f}", eps=f"{eps:.2g}", fps=FPS),
                icon=":material/hourglass_top:")
    return chunk


def current_run(s: PlaygroundSettings, plane: PlaneData, chunk: int) -> Run:
    """This session's run for these settings: kept while they stay, new when they change.
    A new run keeps the session's play budget."""
    spec = run_spec(s, plane, chunk)
    run = st.session_state.get(_RUN)
    if run is None or run.spec != spec:
        fresh = new_run(spec, plane)
        if run is not None:
            fresh.budget = run.budget
        run = st.session_state[_RUN] = fresh
    return run


def draw(s: PlaygroundSettings, fr: Frame) -> None:
    t = fr.t
    hidden = fr.controls.hidden or frozenset()
    # A pinned classroom view keeps its experiment: a pasted link would replace it.
    if not hidden:
        st.text_input(t(f"{NAME}.link.label"), key=LINK_BOX, on_change=import_link,
                      placeholder="https://playground.tensorflow.org/#activation=tanh&…",
                      help=t(f"{NAME}.link.help"))
    plane = plane_data(s, t)
    if not len(plane.y_train):
        st.info(t(f"{NAME}.draw.empty"), icon=":material/touch_app:")
        player(s, plane, None, t)
        return
    chunk = chunk_epochs(s, plane, t)
    player(s, plane, chunk, t)
    run = st.session_state[_RUN]
    readings(s, plane, run, t)
    experiments(fr)
    st.caption(t(f"{NAME}.output_line"))
    st.caption(cite(t, *SOURCES))


@st.fragment
def player(s: PlaygroundSettings, plane: PlaneData, chunk: int | None, t: Translator) -> None:
    """The component and the commands it sends; a fragment, so playback reruns only this."""
    cmd = st.session_state.pop(_CMD, None)
    if chunk is None:  # nothing to train yet: only the plane to click on
        click = valid_command(cmd)
        if click is not None and click.action == "click" and _click(s, click, t) == "app":
            st.rerun()
        playground(empty_payload(s, t), key=KEY, on_command=_stash)
        return
    run = current_run(s, plane, chunk)
    if cmd is not None:
        scope = _apply(s, plane, run, cmd, t)
        if scope == "app":
            st.rerun()
        run = st.session_state[_RUN]
    playground(payload(s, plane, run, t), key=KEY, on_command=_stash)


def _apply(s: PlaygroundSettings, plane: PlaneData, run: Run, raw: object, t: Translator) -> str:
    cmd = valid_command(raw)  # the one check of what the browser sent
    if cmd is None:
        return "fragment"
    run.ctl = max(run.ctl, cmd.ctl)
    if cmd.action == "reset":
        fresh = new_run(run.spec, plane)
        fresh.ctl, fresh.budget = run.ctl, run.budget
        st.session_state[_RUN] = fresh
        return "app"
    if cmd.action == "click":
        return _click(s, cmd, t)
    scope = command(run, plane, cmd)
    run.seq += 1
    return scope


def _click(s: PlaygroundSettings, cmd: Command, t: Translator) -> str:
    """A click on the plane while drawing: add a point there, or remove the one it hit."""
    if s.data != DRAW or cmd.x1 is None or cmd.x2 is None:
        return "fragment"
    current = [] if not s.points else _points(s)
    try:
        points = toggle_point(current, cmd.x1, cmd.x2, s.brush, s.problem)
    except (PointsError, TypeError, ValueError):
        # A 101st point; anything else (a click off the plane) changes nothing.
        if len(current) >= MAX_POINTS:
            st.session_state["_pg_points_full"] = True
            return "app"
        return "fragment"
    st.session_state[POINTS_KEY] = encode_points(points, s.problem) if points else ""
    return "app"


def _points(s: PlaygroundSettings) -> list:
    return list(decode_points(s.points).points)


# ------------------------------------------------------------------ payload


def texts(t: Translator) -> dict[str, str]:
    """Every text the component shows, from the catalog (``playground.ui.*``)."""
    keys = ("play", "pause", "step_one", "step_many", "reset", "png", "epoch", "losses",
            "output_title", "output_hint", "draw_hint", "empty", "waiting", "stop_diverged",
            "stop_play_cap", "stop_limit", "grad_legend", "weight_legend", "curve_legend",
            "output_name", "unit_name", "tip_range", "tip_bias", "tip_act", "tip_grad",
            "tip_grad_out", "tip_dead", "tip_dead_first", "tip_dead_first_reg", "tip_dead_deep",
            "tip_dead_deep_frozen", "tip_dead_deep_frozen_reg", "tip_below", "tip_below_learns",
            "tip_below_none", "tip_edge", "tip_w", "tip_gw", "grad_bar_w", "grad_bar_h",
            "grad_bar_none")
    values = {"max_play": MAX_PLAY, "max_epochs": MAX_EPOCHS}
    out = {}
    for k in keys:
        text = t(f"{NAME}.ui.{k}")
        for name, v in values.items():
            text = text.replace("{" + name + "}", f"{v:,}")
        out[k] = text
    return out


def _net_texts(s: PlaygroundSettings, t: Translator) -> dict[str, Any]:
    acts = option_labels(t, "act", s.acts)
    headers = [t(f"{NAME}.ui.head_inputs")]
    for i, (w, a) in enumerate(zip(s.shape, s.acts, strict=True), start=1):
        headers.append(t(f"{NAME}.ui.head_layer", layer=i, act=acts[a], width=w))
    headers.append(t(f"{NAME}.ui.head_output"))
    reg = t(f"{NAME}.option.reg.{s.reg}") if s.reg != "none" and s.reg_rate else ""
    return {"labels": [t(FEATURES[f].label_key) for f in s.features],
            "acts": [acts[a] for a in s.acts], "headers": headers, "reg": reg}


def _flat_points(X: np.ndarray, y: np.ndarray) -> list[float]:
    if not len(y):
        return []
    return np.round(np.column_stack([X, np.asarray(y, dtype=np.float64)]), 2).ravel().tolist()


def _history(run: Run, upto: int) -> dict[str, list]:
    """The loss curve before epoch `upto`, thinned to :data:`HISTORY_POINTS` points."""
    n = min(upto, len(run.train_loss))
    idx = np.unique(np.linspace(0, n - 1, min(n, HISTORY_POINTS)).round().astype(int)) if n else []

    def clean(values: list[float]) -> list[float | None]:
        return [None if not np.isfinite(values[i]) else float(f"{values[i]:.5g}") for i in idx]

    return {"e": [int(i) for i in idx], "lt": clean(run.train_loss), "lv": clean(run.test_loss)}


def _common(s: PlaygroundSettings, problem: str, t: Translator) -> dict[str, Any]:
    """What every payload holds, a run or none: labels, view switches, texts, and the
    colours the component draws with (``colours``: :func:`ui.charts.palette.component_colours`)."""
    return {"fps": FPS, "net": _net_texts(s, t), "problem": problem, "extent": PLANE_EXTENT,
            "max_epochs": MAX_EPOCHS,
            "view": {"grad": s.grad, "show_test": s.show_test, "discretize": s.discretize,
                     "draw": s.data == DRAW},
            "hidden": list(s.hidden_buttons), "text": texts(t), "png_name": "playground-diagram.png",
            "colours": component_colours()}


def payload(s: PlaygroundSettings, plane: PlaneData, run: Run, t: Translator) -> dict[str, Any]:
    """The component's data for this run: the frames to show and everything to draw them."""
    frames = [run.frames[e] for e in run.sent] if run.playing and run.sent else \
        [run.frames[run.frame_at(run.pointer)]]
    first = frames[0]["e"] if frames else run.pointer
    stop = None
    if run.stop is not None:
        stop = {"kind": run.stop, "epoch": run.diverged_at if run.stop == "diverged" else run.trained}
    return {
        **_common(s, plane.problem, t),
        "run": run.run_id, "seq": run.seq, "ctl": run.ctl,
        "mode": "playing" if run.playing else "paused", "pointer": run.pointer,
        "chunk": run.chunk, "stride": run.stride, "static": run.static,
        "points": {"train": _flat_points(plane.X_train, plane.y_train),
                   "test": _flat_points(plane.X_test, plane.y_test)},
        "history": _history(run, first), "frames": frames, "stop": stop,
        # While the play waits for the session's budget: when to ask again (seconds).
        "wait": round(wait_hint(run), 3),
    }


def empty_payload(s: PlaygroundSettings, t: Translator) -> dict[str, Any]:
    """No points drawn yet: an empty plane to click on."""
    return {**_common(s, s.problem, t), "run": "empty", "seq": 0, "ctl": 0, "mode": "paused",
            "pointer": 0, "chunk": CHUNK, "stride": 1, "static": None,
            "points": {"train": [], "test": []}, "history": None, "frames": [], "stop": None,
            "wait": 0}


# ------------------------------------------------------------------ readings

_ALL = "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2"
_DEEP = "data=spiral&shape=6,6,6,6,6,6&features=x1,x2,sinx1,sinx2&grad=true"
#: One-click experiments: catalog key -> the page's query. The two whose text promises
#: an effect were chosen by playing them (tests/test_app_playground.py plays both):
#: ``dead`` at learning rate 3 goes from 0-3 dead units of 24 at epoch 0 to 11-19 within
#: its first epochs at seeds 0-4 (at learning rate 1, seed 0 stays at 2); ``explode``
#: diverges at epoch 1 from a step ~4x the size of the weights, not from growth.
EXPERIMENTS = {
    "vanish": f"{_DEEP}&act=sigmoid",
    "relu": f"{_DEEP}&act=relu&init=he_normal",
    "residual": f"{_DEEP}&act=sigmoid&residual=true",
    "circle": "data=circle&shape=&features=x1sq,x2sq&lr=0.1",
    "xor": "data=xor&shape=&features=x1x2&lr=0.1",
    "dead": "data=circle&act=relu&shape=8,8,8&lr=3",
    "explode": f"data=spiral&act=relu&shape=16,16,16,16,16,16&lr=10&init=he_normal&features={_ALL}",
    "zero": "data=circle&init_zero=true&lr=0.1",
}
#: Units of a layer whose spread (:func:`core.init.unit_spread`) is at most this are one
#: unit copied: rounding alone leaves about 1e-16.
SAME_UNITS = 1e-9
#: The gradient *grows* on its way back when the first hidden layer gets more than this
#: many times the last one's (as the gradient reading's "grad_grows" says).
GROWTH = 10.0
#: A step is *too large* when one step along the whole training set's gradient changes
#: the last hidden layer's weights by at least this share of their size.
BIG_STEP = 1.0


def experiments(fr: Frame) -> None:
    """A short list of one-click experiments (links to this page with other settings)."""
    t = fr.t
    lang = "" if fr.lang == "en" else f"&lang={fr.lang}"
    with st.expander(t(f"{NAME}.try.title"), icon=":material/science:"):
        st.markdown("\n".join(
            f"- {t(f'{NAME}.try.{key}', url=f'/{NAME}?{query}{lang}')}"
            for key, query in EXPERIMENTS.items()))


def readings(s: PlaygroundSettings, plane: PlaneData, run: Run, t: Translator) -> None:
    """Under the component: what the epoch shown says, the loss curve and the network's file."""
    epoch = run.frame_at(run.pointer)
    frame = run.frames[epoch]
    if run.playing:
        st.info(t(f"{NAME}.playing", epoch=epoch), icon=":material/play_circle:")
    if run.diverged_at is not None and epoch >= run.diverged_at:
        st.error(divergence_text(run, len(plane.y_train), t), icon=":material/warning:")
    elif run.stop == "limit" and not run.playing:
        st.info(t(f"{NAME}.limit", epochs=f"{MAX_EPOCHS:,}"))
    if st.session_state.pop("_pg_points_full", False):
        st.warning(t(f"{NAME}.draw.full"))
    losses = t(f"{NAME}.reading", epoch=epoch, train=_fmt(frame["lt"]), test=_fmt(frame["lv"]))
    dead, below = marked_units(frame)
    if dead:
        born = sum(1 for row in dead if row[3] == 0)
        losses += " " + t(f"{NAME}.reading_dead", n=len(dead), total=sum(s.shape), born=born)
    if below:
        losses += " " + t(f"{NAME}.reading_below", n=len(below), total=sum(s.shape))
    st.markdown(losses)
    for note in dead_notes(run, frame, t):
        st.warning(note, icon=":material/block:")
    grad = gradient_reading(run.readings[epoch], t)
    if grad:
        st.markdown(grad)
    same = symmetry_reading(run, epoch, t)
    if same:
        st.info(same, icon=":material/content_copy:")
    _loss_chart(s, plane, run, epoch, t)
    # A request for more frames trains run.per_request chunks (Play: one).
    st.caption(t(f"{NAME}.limits", chunk=run.chunk * run.per_request, play=f"{MAX_PLAY:,}",
                 total=f"{MAX_EPOCHS:,}", rate=f"{60 * PLAY_RATE:.0f}"))


def symmetry_reading(run: Run, epoch: int, t: Translator) -> str | None:
    """With every weight started at zero (``init_zero``): whether each hidden layer's
    units are still one unit copied, measured on the network at `epoch`.

    None for a random start, or when no hidden layer has two units to compare.
    """
    layers = [i for i, width in enumerate(run.spec.shape) if width > 1]
    if not run.spec.init_zero or not layers:
        return None
    params = run.params.get(epoch) or run.net.get_params()
    spread = unit_spread(params.weights, params.biases)
    apart = [i + 1 for i in layers if spread[i] > SAME_UNITS]
    if not apart:
        return t(f"{NAME}.zero.same", epoch=epoch, units=sum(run.spec.shape[i] for i in layers))
    return t(f"{NAME}.zero.apart", epoch=epoch, layers=", ".join(map(str, apart)),
             spread=f"{max(spread[i - 1] for i in apart):.1e}")


def marked_units(frame: WireFrame) -> tuple[list[list], list[list]]:
    """A frame's marked units: (dead ones, ones below zero that can still learn)."""
    rows = frame["d"]
    return [r for r in rows if r[4]], [r for r in rows if not r[4]]


def dead_notes(run: Run, frame: WireFrame, t: Translator) -> list[str]:
    """What the dead units of a frame do to the network, when it is more than a few units.

    * A hidden layer all of whose units are dead, with no skip around it, outputs the
      same for every point: so does the network, and no gradient passes below it.
    * When more than half of the units that can die are dead, the page says so, and
      whether any gradient still reaches a hidden layer's weights.
    """
    spec = run.spec
    dead_nodes = {r[0] for r in marked_units(frame)[0]}
    if not dead_nodes:
        return []
    sizes = spec.sizes
    offsets = np.cumsum([0, *sizes])
    notes = []
    for layer in spec.dead_layers:
        units = range(int(offsets[layer]), int(offsets[layer + 1]))
        if all(u in dead_nodes for u in units) and not run.net.skips[layer - 1]:
            notes.append(t(f"{NAME}.dead_layer", layer=layer))
            break
    can_die = sum(spec.shape[layer - 1] for layer in spec.dead_layers)
    if len(dead_nodes) * 2 > can_die:
        note = t(f"{NAME}.dead_most", n=len(dead_nodes), total=can_die)
        gn = run.readings[frame["e"]].grad_norms[:len(spec.shape)]
        if len(gn) and np.all(gn == 0):
            note += " " + t(f"{NAME}.dead_frozen")
        notes.append(note)
    return notes


def layer_signal(r: Reading) -> np.ndarray:
    """‖∂L/∂h_l‖ of every hidden layer of a state (Frobenius norm over samples and units).

    Computed in float64 by :func:`core.network_view.network_view` (``layer_signal``), so
    a gradient beyond float32's range is still a number here; one beyond float64's is inf.
    """
    return r.signal


def _sci(v: float) -> str:
    return "∞" if math.isinf(v) else f"{v:.3g}"


def gradient_reading(r: Reading, t: Translator) -> str | None:
    """How the back-propagated signal at the first hidden layer compares with the last's."""
    signal = layer_signal(r)
    if len(signal) < 2 or np.isnan(signal).any():
        return None
    if np.isinf(signal).any():
        layer = int(np.flatnonzero(np.isinf(signal))[0]) + 1
        return t(f"{NAME}.grad_overflow", layer=layer)
    if signal[-1] <= 0:
        return t(f"{NAME}.grad_none")
    ratio = float(signal[0] / signal[-1])
    verdict = "grad_zero" if ratio == 0 else "grad_fades" if ratio < 0.1 else \
        "grad_grows" if ratio > GROWTH else "grad_keeps"
    text = t(f"{NAME}.reading_grad", ratio=f"{ratio:.3g}", last=f"{signal[-1]:.3g}",
             verdict=t(f"{NAME}.{verdict}"))
    if r.beyond_f32:  # the diagram shows some node's gradient as "≥ 3.4e38"
        text += " " + t(f"{NAME}.grad_beyond_f32")
    return text


@dataclass(frozen=True)
class Blowup:
    """What the run measured just before it diverged (:func:`blowup`)."""

    #: The epoch measured: the last frame before the divergence.
    epoch: int
    #: ‖∂L/∂h₁‖ / ‖∂L/∂h_last‖ and its per-layer factor (NaN with fewer than two hidden layers).
    ratio: float
    per_layer: float
    #: lr · ‖∂L/∂W‖ / ‖W‖ of the last hidden layer's weights (the output's without hidden
    #: layers): by what share of their size one full-batch step changes them.
    step: float
    #: Hidden layer whose weights `step` measures (0: the output unit's).
    layer: int
    #: Steps one epoch takes (batches).
    steps: int
    #: "growth", "step", "both" or "unclear".
    cause: str


def blowup(run: Run, n_train: int) -> Blowup | None:
    """Tell per-layer growth of the gradient from a too-large step, from the run itself.

    Measured on the last frame before ``run.diverged_at``: the gradient *grew* when the
    first hidden layer got more than :data:`GROWTH` times what the last one got; the
    step was *too large* when one step along the gradient of the whole training set
    changes the last hidden layer's weights by at least :data:`BIG_STEP` times their
    size. None when the run did not diverge or no earlier frame is kept.
    """
    if run.diverged_at is None:
        return None
    before = [e for e in run.frames if e < run.diverged_at]
    if not before:
        return None
    epoch = max(before)
    r = run.readings[epoch]
    spec = run.spec
    signal = layer_signal(r)
    ratio = per_layer = math.nan
    if len(signal) >= 2 and signal[-1] > 0:
        with np.errstate(over="ignore", invalid="ignore"):
            ratio = float(signal[0] / signal[-1])
            per_layer = ratio ** (1 / (len(signal) - 1))
    index = max(len(spec.shape) - 1, 0)
    w, g = float(r.weight_norms[index]), float(r.grad_norms[index])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        step = float(spec.lr * g / w) if w > 0 else math.inf
    growth = bool(ratio > GROWTH)
    big = bool(step >= BIG_STEP)
    cause = "both" if growth and big else "growth" if growth else "step" if big else "unclear"
    steps = max(math.ceil(n_train / spec.batch), 1)
    return Blowup(epoch, ratio, per_layer, step, len(spec.shape), steps, cause)


def _cures_link(t: Translator, part: str) -> str:
    lang = "" if t.lang == "en" else f"&lang={t.lang}"
    return f"/vanishing?view=cures&cure={part}{lang}"


def divergence_text(run: Run, n_train: int, t: Translator) -> str:
    """The error under the diagram of a diverged run: where, and what the run says grew too large."""
    text = t(f"{NAME}.diverged", epoch=run.diverged_at)
    b = blowup(run, n_train)
    if b is None:
        return text + " " + t(f"{NAME}.explode.unknown")
    parts = [t(f"{NAME}.explode.m_at", at=b.epoch)]
    if math.isnan(b.ratio):
        parts.append(t(f"{NAME}.explode.m_shallow"))
    else:
        parts.append(t(f"{NAME}.explode.m_grad", ratio=_sci(b.ratio), per_layer=_sci(b.per_layer)))
    where = t(f"{NAME}.explode.where_hidden", layer=b.layer) if b.layer else \
        t(f"{NAME}.explode.where_output")
    parts.append(t(f"{NAME}.explode.m_step", lr=f"{run.spec.lr:g}", where=where, step=_sci(b.step),
                   steps=b.steps))
    parts.append(t(f"{NAME}.explode.{b.cause}", at=b.epoch, growth=f"{GROWTH:g}",
                   explode=_cures_link(t, "explode")))
    if b.cause in ("growth", "both") and any(run.net.skips):
        parts.append(t(f"{NAME}.explode.residual", residual=_cures_link(t, "residual")))
    return text + "\n\n" + " ".join(parts)


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.4g}"


def loss_table(run: Run, upto: int, t: Translator) -> pd.DataFrame:
    """The loss curve up to epoch `upto`: one row per (curve, epoch)."""
    e = np.arange(min(upto, len(run.train_loss) - 1) + 1)
    rows = [pd.DataFrame({"epoch": e, "loss": np.asarray(run.train_loss)[e],
                          "curve": t(f"{NAME}.curve.train")})]
    test = np.asarray(run.test_loss)[e]
    if np.isfinite(test).any():
        rows.append(pd.DataFrame({"epoch": e, "loss": test, "curve": t(f"{NAME}.curve.test")}))
    out = pd.concat(rows, ignore_index=True)
    return out[np.isfinite(out["loss"])]


def _loss_chart(s: PlaygroundSettings, plane: PlaneData, run: Run, epoch: int, t: Translator) -> None:
    table = loss_table(run, epoch, t)
    spec = compiled(loss_chart, t, table, (t(f"{NAME}.curve.train"), t(f"{NAME}.curve.test")))
    sizes = run.spec.sizes
    settings = run_settings(
        NAME, data=plane.used, n_samples=plane.n_samples, n_train=len(plane.y_train), sizes=sizes,
        output=run.spec.output, optimizer="sgd", epochs=epoch, extent=PLANE_EXTENT,
        points=s.points or None, loss="cross_entropy" if run.spec.output == "sigmoid" else "squared_error",
        **stored_settings(s),
    )
    chart_block(spec, table, "playground-loss", t, title=t(f"{NAME}.curve.title", epoch=epoch),
                caption=t(f"{NAME}.curve.caption"),
                weights=Weights(run.params.get(epoch, run.net.get_params()), settings,
                                f"playground-network-epoch-{epoch}"))



def stored_settings(s: PlaygroundSettings) -> dict[str, Any]:
    """The controls' part of an exported network's settings: every row of
    :data:`~sections.playground.settings.CONTROLS` that names an ``npz`` entry,
    as the run used it (one activation per layer; no noise for drawn points)."""
    values = {f.name: getattr(s, f.name) for f in fields(s)}
    values.update(acts=list(s.acts), features=list(s.features),
                  noise=s.noise if s.data != DRAW else None)
    return CONTROLS.stored(values)
