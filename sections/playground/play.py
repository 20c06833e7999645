"""Section "play": the network diagram, the output view and playback, as TensorFlow Playground.

A full run draws the link box, the component and, under it, the readings of the
epoch shown (losses, a diverged run, the loss curve with the network's ``.npz``).
The component sits in a fragment: while playing, its requests for more frames rerun
only the fragment, which trains the next chunk (:mod:`sections.playground.run`).
Pause, Step, Reset and a click on the plane rerun the whole page.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core.features import FEATURES
from core.points import MAX_POINTS, PointsError, decode_points, encode_points, toggle_point
from sections.playground.data import PLANE_EXTENT, PlaneData, plane_data
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
)
from sections.playground.settings import DRAW, LINK_BOX, NAME, POINTS_KEY, PlaygroundSettings, import_link
from ui.charts import compiled
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
    keys = ("play", "pause", "step", "reset", "png", "epoch", "losses", "output_title",
            "output_hint", "draw_hint", "empty", "waiting", "stop_diverged", "stop_play_cap",
            "stop_limit", "grad_legend", "weight_legend", "curve_legend", "output_name",
            "unit_name", "tip_range", "tip_bias", "tip_act", "tip_grad", "tip_grad_out",
            "tip_dead", "tip_dead_learns", "tip_dead_stuck", "tip_edge", "tip_w", "tip_gw")
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
    return {"labels": [t(FEATURES[f].label_key) for f in s.features],
            "acts": [acts[a] for a in s.acts], "headers": headers}


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
    """What every payload holds, a run or none: labels, view switches, texts."""
    return {"fps": FPS, "net": _net_texts(s, t), "problem": problem, "extent": PLANE_EXTENT,
            "view": {"grad": s.grad, "show_test": s.show_test, "discretize": s.discretize,
                     "draw": s.data == DRAW},
            "hidden": list(s.hidden_buttons), "text": texts(t), "png_name": "playground-diagram.png"}


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
    }


def empty_payload(s: PlaygroundSettings, t: Translator) -> dict[str, Any]:
    """No points drawn yet: an empty plane to click on."""
    return {**_common(s, s.problem, t), "run": "empty", "seq": 0, "ctl": 0, "mode": "paused",
            "pointer": 0, "chunk": CHUNK, "stride": 1, "static": None,
            "points": {"train": [], "test": []}, "history": None, "frames": [], "stop": None}


# ------------------------------------------------------------------ readings

_ALL = "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2"
_DEEP = "data=spiral&shape=6,6,6,6,6,6&features=x1,x2,sinx1,sinx2&grad=true"
#: One-click experiments: catalog key -> the page's query.
EXPERIMENTS = {
    "vanish": f"{_DEEP}&act=sigmoid",
    "relu": f"{_DEEP}&act=relu&init=he_normal",
    "residual": f"{_DEEP}&act=sigmoid&residual=true",
    "circle": "data=circle&shape=&features=x1sq,x2sq&lr=0.1",
    "xor": "data=xor&shape=&features=x1x2&lr=0.1",
    "dead": "data=circle&act=relu&shape=8,8,8&lr=1",
    "explode": f"data=spiral&act=relu&shape=16,16,16,16,16,16&lr=10&init=he_normal&features={_ALL}",
}


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
        st.error(t(f"{NAME}.diverged", epoch=run.diverged_at), icon=":material/warning:")
    elif run.stop == "limit" and not run.playing:
        st.info(t(f"{NAME}.limit", epochs=f"{MAX_EPOCHS:,}"))
    if st.session_state.pop("_pg_points_full", False):
        st.warning(t(f"{NAME}.draw.full"))
    losses = t(f"{NAME}.reading", epoch=epoch, train=_fmt(frame["lt"]), test=_fmt(frame["lv"]))
    dead = len(frame["d"])
    if dead:
        losses += " " + t(f"{NAME}.reading_dead", n=dead, total=sum(s.shape))
    st.markdown(losses)
    grad = gradient_reading(run.spec.sizes, frame, t)
    if grad:
        st.markdown(grad)
    _loss_chart(s, plane, run, epoch, t)
    st.caption(t(f"{NAME}.limits", chunk=run.chunk, play=f"{MAX_PLAY:,}", total=f"{MAX_EPOCHS:,}",
                 rate=f"{60 * PLAY_RATE:.0f}"))


def layer_signal(sizes: list[int], frame: dict) -> np.ndarray:
    """‖∂L/∂h_l‖ of every hidden layer of a frame (Frobenius norm over samples and units).

    A frame holds each node's norm over the samples; a layer's norm is the root of
    the sum of their squares.
    """
    gh = np.frombuffer(base64.b64decode(frame["gh"]), dtype="<f4").astype(np.float64)
    bounds = np.cumsum([0, *sizes])
    with np.errstate(over="ignore", invalid="ignore"):
        return np.array([np.sqrt(np.sum(gh[a:b] ** 2)) for a, b in itertools.pairwise(bounds[1:-1])])


def gradient_reading(sizes: list[int], frame: dict, t: Translator) -> str | None:
    """How the back-propagated signal at the first hidden layer compares with the last's."""
    signal = layer_signal(sizes, frame)
    if len(signal) < 2 or not np.all(np.isfinite(signal)) or signal[-1] <= 0:
        return None
    ratio = float(signal[0] / signal[-1])
    verdict = "grad_fades" if ratio < 0.1 else "grad_grows" if ratio > 10 else "grad_keeps"
    return t(f"{NAME}.reading_grad", ratio=f"{ratio:.3g}", last=f"{signal[-1]:.3g}",
             verdict=t(f"{NAME}.{verdict}"))


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.4g}"


def loss_frame(run: Run, upto: int, t: Translator) -> pd.DataFrame:
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
    frame = loss_frame(run, epoch, t)
    spec = compiled(loss_chart, t, frame, (t(f"{NAME}.curve.train"), t(f"{NAME}.curve.test")))
    sizes = run.spec.sizes
    settings = run_settings(
        NAME, data=plane.used, n_samples=plane.n_samples, noise=s.noise if s.data != DRAW else None,
        seed=s.seed, n_train=len(plane.y_train), sizes=sizes, activation=list(s.acts),
        output=run.spec.output, init=s.init, optimizer="sgd", lr=s.lr, batch_size=s.batch,
        epochs=epoch, features=list(s.features), train_percent=s.train, reg=s.reg,
        reg_rate=s.reg_rate, residual=s.residual, extent=PLANE_EXTENT,
        points=s.points or None, loss="cross_entropy" if run.spec.output == "sigmoid" else "squared_error",
    )
    chart_block(spec, frame, "playground-loss", t, title=t(f"{NAME}.curve.title", epoch=epoch),
                caption=t(f"{NAME}.curve.caption"),
                weights=Weights(run.params.get(epoch, run.net.get_params()), settings,
                                f"playground-network-epoch-{epoch}"))

