"""Section "Cures": how deep networks train today — residual connections and
normalisation side by side, exploding gradients and clipping, activations mixed per layer.

One experiment at a time (a switch at the top of the section, ``cure`` in the URL);
every number in the readings comes from the runs on screen.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

from core.activations import ACTIVATIONS
from core.gradients import first_last_ratio
from core.init import INITIALISERS
from sections.vanishing import readings
from sections.vanishing.cures_compute import (
    SCALES,
    VARIANTS,
    CureSpec,
    explode,
    mixed,
    paired_init,
    variants,
)
from sections.vanishing.opening import opened
from sections.vanishing.readings import sci
from sections.vanishing.settings import BUDGET, NAME, Setup, VanishingSettings
from ui.cache import memo_run, view_memo
from ui.charts import compiled, finite_positive, line_chart
from ui.charts.palette import BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION
from ui.export import Block, Weights, chart_block, chart_row, run_settings
from ui.frame import Frame
from ui.guard import budget_epochs, note_budget
from ui.i18n import Translator, option_labels, percent
from ui.references import cite

PARTS = ("residual", "explode", "mix")
#: The section's training recipe (plain SGD). The table of cures in docs/science.md used
#: 100 epochs at batches of 32 and learning rate 0.05; this one asks under half the
#: NumPy calls (the cost of normalised layers) and gives the same outcome at seed 0.
LR, BATCH, EPOCHS = 0.1, 64, 60
#: What one request of this section may spend: normalised layers cost about twice a plain
#: one (the cost model counts every network twice), and five 50-layer networks at the
#: default recipe are ~17 s by that count (12 s of one core measured, with the test
#: accuracy of every epoch and the statistics at birth), so five budgets; depth 100 is cut.
CURES_BUDGET = 5 * BUDGET
CLIP_NORMS = [0.1, 0.5, 1, 2, 5]
#: A variant "keeps" the differences between inputs when its last hidden layer's spread
#: is at least this share of its first hidden layer's.
SPREAD_KEPT = 0.1
VARIANT_COLOURS = {"plain": GREY, "residual": ORANGE, "layer": SKY,
                   "batch": GREEN, "residual_layer": PURPLE,
                   "low": GREEN, "high": ORANGE, "mixed": BLUE,
                   "he": GREEN, "scaled": VERMILLION, "clipped": BLUE}


def draw(s: VanishingSettings, fr: Frame) -> None:
    su = opened(fr, s, "cures", describe=False)  # the section trains with its own recipe (said below)
    if su is None:
        return
    t, c = fr.t, fr.controls
    st.markdown(t(f"{NAME}.cures.intro"))
    cols = st.columns(3)
    with c.placed(cols[0]):
        part = c.select("cure", t(f"{NAME}.cures.part"), PARTS, PARTS[0],
                        labels={p: t(f"{NAME}.cures.parts.{p}") for p in PARTS})
    with c.placed(cols[1]):
        depth = c.slider("cdepth", t(f"{NAME}.cures.depth"), 2, 100, 50)
    {"residual": _residual, "explode": _explode, "mix": _mix}[part](fr, su, depth, cols[2])


def _spec(fr: Frame, su: Setup, depth: int, act: str, runs: int) -> CureSpec:
    """The section's recipe at `depth`, within its compute budget (said when cut)."""
    budget = budget_epochs(depth, su.settings.width, su.n_train, EPOCHS, runs=2 * runs,
                           n_in=su.n_in, budget=CURES_BUDGET, batch=BATCH, acts=act)
    note_budget(budget, fr.t)
    return CureSpec(su.data, depth, su.settings.width, act, LR, BATCH, budget.epochs,
                    budget.n_samples)


def _long(series: dict[str, dict], group: str, x: str, *columns: str) -> pd.DataFrame:
    """The chart data of named runs: for each, one row per hidden layer (`x` "layer",
    counted from 1) or per epoch (`x` "epoch", from 0), with the run's `columns`
    (positive finite values only, for log axes) and its name in column `group`."""
    start = 1 if x == "layer" else 0
    return pd.concat([pd.DataFrame({
        x: np.arange(start, start + len(r[columns[0]])),
        **{col: finite_positive(r[col]) for col in columns}, group: name})
        for name, r in series.items()], ignore_index=True)


def _label(t: Translator, kind: str, code: str) -> str:
    """An activation's (`kind` "act") or initialisation's ("init") shown name; the URL and
    the runs keep the code."""
    return option_labels(t, kind, [code])[code]


def _recipe(t: Translator, spec: CureSpec, init: str) -> None:
    st.caption(t(f"{NAME}.cures.recipe", depth=spec.depth, width=spec.width, act=_label(t, "act", spec.act),
                 init=init, lr=spec.lr, batch=spec.batch, epochs=spec.epochs, n=spec.n_fit))


# ------------------------------------------------------------ residual and normalisation
def _residual(fr: Frame, su: Setup, depth: int, col) -> None:
    t, c = fr.t, fr.controls
    acts = [a for a in ACTIVATIONS if a != "identity"]
    with c.placed(col):
        act = c.select("cact", t(f"{NAME}.cures.act"), acts, "sigmoid",
                       labels=option_labels(t, "act", acts))
    spec = _spec(fr, su, depth, act, len(VARIANTS))
    _recipe(t, spec, _label(t, "init", paired_init(act)))
    runs = memo_run(variants, spec, **su.arrays, _text=t(f"{NAME}.cures.progress"))
    views = view_memo((f"{NAME}.cures", spec, t.lang), lambda: _variant_views(t, runs))
    chart_row(t, *(Block(*views[k], f"cures-{k}", t(f"{NAME}.cures.{k}_title"),
                         t(f"{NAME}.cures.{k}_caption")) for k in ("signal", "spread")))
    chart_block(*views["loss"], "cures-loss", t, title=t(f"{NAME}.cures.loss_title"),
                caption=t(f"{NAME}.cures.loss_caption"))
    st.markdown(f"**{t(f'{NAME}.cures.table_title')}**")
    st.dataframe(_table(t, runs), hide_index=True, width="stretch")
    for code, run in runs.items():
        if run["diverged_at"] is not None:
            st.error(t(f"{NAME}.cures.diverged", variant=t(f"{NAME}.cures.variant.{code}"),
                       epoch=run["diverged_at"]))
    _residual_reading(t, spec, runs)
    st.caption(cite(t, "he2016", "ba2016", "ioffe2015"))


def _variant_views(t: Translator, runs: dict) -> dict:
    names = {code: t(f"{NAME}.cures.variant.{code}") for code in runs}
    colours = {names[c]: VARIANT_COLOURS[c] for c in runs}
    named = {names[c]: r for c, r in runs.items()}
    per_layer = _long(named, "variant", "layer", "signal", "spread")
    loss = _long(named, "variant", "epoch", "loss")
    common = {"colour_title": t(f"{NAME}.cures.variant_title"), "colours": colours,
              "log_y": True, "compact": True, "legend": "bottom", "height": 300}
    h_title = t(f"{NAME}.axis.hidden_layer")
    return {
        "signal": (compiled(line_chart, per_layer, "layer", "signal", "variant", x_title=h_title,
                            y_title=t(f"{NAME}.axis.signal"), **common), per_layer),
        "spread": (compiled(line_chart, per_layer, "layer", "spread", "variant", x_title=h_title,
                            y_title=t(f"{NAME}.axis.spread"), **common), per_layer),
        "loss": (compiled(line_chart, loss, "epoch", "loss", "variant",
                          x_title=t("common.axis.epoch"), y_title=t("common.axis.loss"), **common),
                 loss),
    }


def _table(t: Translator, runs: dict) -> pd.DataFrame:
    return pd.DataFrame({
        t(f"{NAME}.cures.col.variant"): [t(f"{NAME}.cures.variant.{c}") for c in runs],
        t(f"{NAME}.cures.col.signal"): [sci(first_last_ratio(r["signal"])) for r in runs.values()],
        t(f"{NAME}.cures.col.spread"): [sci(float(r["spread"][-1])) for r in runs.values()],
        t(f"{NAME}.cures.col.train"): [percent(float(r["train_acc"][-1])) for r in runs.values()],
        t(f"{NAME}.cures.col.test"): [percent(float(r["test_acc"][-1])) for r in runs.values()],
    })


def _residual_reading(t: Translator, spec: CureSpec, runs: dict) -> None:
    """Say, from the runs, whether the skip path and normalisation let the deep net learn."""
    acc = {c: float(r["test_acc"][-1]) for c, r in runs.items()}
    verdict = {c: readings.accuracy_verdict(r) for c, r in runs.items()}
    name = {c: t(f"{NAME}.cures.variant.{c}") for c in runs}
    act = _label(t, "act", spec.act)
    lines = [t(f"{NAME}.cures.read.line", variant=name[c], acc=percent(acc[c], digits=0),
               verdict=_verdict_text(t, runs[c], verdict[c])) for c in runs]
    st.markdown("\n".join(lines))
    if verdict["plain"] != "learned":
        learned = [name[c] for c in runs if c != "plain" and verdict[c] == "learned"]
        if learned:
            st.success(t(f"{NAME}.cures.read.helped", depth=spec.depth, act=act,
                         which=", ".join(learned)))
        else:
            st.warning(t(f"{NAME}.cures.read.none_helped", depth=spec.depth, act=act))
    else:
        st.info(t(f"{NAME}.cures.read.plain_learned", depth=spec.depth, act=act))
    if verdict["residual"] == "diverged":
        st.warning(t(f"{NAME}.cures.read.residual_exploded", epoch=runs["residual"]["diverged_at"],
                     depth=spec.depth, growth=f"{2.0 ** spec.depth:.1e}"))
    _spread_reading(t, spec, runs)


def _verdict_text(t: Translator, run: dict, verdict: str) -> str:
    """A run's verdict in words, with the numbers it rests on."""
    return t(f"{NAME}.cures.verdict.{verdict}", train=percent(float(run["train_acc"][-1]), digits=0),
             base=percent(run["majority"], digits=0))


def _spread_reading(t: Translator, spec: CureSpec, runs: dict) -> None:
    """Which variants keep the differences between inputs alive to the last layer, measured."""
    st.markdown(t(f"{NAME}.cures.read.spread", depth=spec.depth, **{
        c: sci(float(runs[c]["spread"][-1])) for c in ("plain", "layer", "batch")}))
    for code in ("layer", "batch"):
        first, last = (float(runs[code]["spread"][i]) for i in (0, -1))
        if np.isfinite(first) and np.isfinite(last) and first > 0:
            kept = last >= SPREAD_KEPT * first
            st.markdown(t(f"{NAME}.cures.read.spread_{'kept' if kept else 'lost'}",
                          variant=t(f"{NAME}.cures.variant.{code}"), first=sci(first), last=sci(last),
                          depth=spec.depth))
    st.caption(t(f"{NAME}.cures.read.norm_axes"))


# ------------------------------------------------------------ exploding gradients
def _explode(fr: Frame, su: Setup, depth: int, col) -> None:
    t, c = fr.t, fr.controls
    with c.placed(col):
        scale = c.select("scale", t(f"{NAME}.cures.scale"), list(SCALES), "he4",
                         labels={k: t(f"{NAME}.cures.scales.{k}") for k in SCALES})
    cols = st.columns(3)
    with c.placed(cols[0]):
        clip_on = c.checkbox("clip", t(f"{NAME}.cures.clip"), True, help=t(f"{NAME}.cures.clip_help"))
    with c.placed(cols[1]):
        clip_norm = float(c.select_slider("clip_norm", t(f"{NAME}.cures.clip_norm"), CLIP_NORMS, 1))
    spec = _spec(fr, su, depth, "relu", 2)
    _recipe(t, spec, t(f"{NAME}.cures.scales.{scale}"))
    runs = memo_run(explode, spec, scale, clip_norm if clip_on else None, **su.arrays,
                    _text=t(f"{NAME}.cures.progress"))
    healthy = memo_run(explode, dataclasses.replace(spec, epochs=0), "he", None, **su.arrays)["plain"]
    frames = _explode_frames(t, runs, healthy)
    common = {"colour_title": t(f"{NAME}.cures.run_title"), "colours": frames["colours"],
              "log_y": True, "compact": True, "legend": "bottom", "height": 300}
    chart_row(t,
              Block(compiled(line_chart, frames["signal"], "layer", "signal", "run",
                             x_title=t(f"{NAME}.axis.hidden_layer"), y_title=t(f"{NAME}.axis.signal"),
                             **common),
                    frames["signal"], "explode-signal", t(f"{NAME}.cures.growth_title"),
                    t(f"{NAME}.cures.growth_caption")),
              Block(compiled(line_chart, frames["loss"], "epoch", "loss", "run",
                             x_title=t("common.axis.epoch"), y_title=t("common.axis.loss"), **common),
                    frames["loss"], "explode-loss", t(f"{NAME}.cures.loss_title"),
                    t(f"{NAME}.cures.explode_loss_caption"),
                    Weights(runs["plain"]["params"], _settings(su, spec, scale), "weights-explode")))
    _explode_reading(t, spec, runs, healthy, clip_on, clip_norm)
    st.caption(cite(t, "pascanu2013", "he2015"))


def _settings(su: Setup, spec: CureSpec, scale: str) -> dict:
    return run_settings(NAME, data=su.shown if su.arrays else su.data.key, n_samples=su.data.n,
                        noise=su.data.noise, seed=su.data.seed, n_train=spec.n_fit, sizes=su.sizes[:1]
                        + (spec.width,) * spec.depth + su.sizes[-1:], activation=spec.act,
                        output=su.output, init="he_normal", optimizer="sgd", lr=spec.lr,
                        batch_size=spec.batch, epochs=spec.epochs, init_scale=SCALES[scale])


def _explode_frames(t: Translator, runs: dict, healthy: dict) -> dict:
    names = {"he": t(f"{NAME}.cures.runs.he"), "scaled": t(f"{NAME}.cures.runs.scaled"),
             "plain": t(f"{NAME}.cures.runs.scaled"), "clipped": t(f"{NAME}.cures.runs.clipped")}
    colours = {names["he"]: VARIANT_COLOURS["he"], names["scaled"]: VARIANT_COLOURS["scaled"],
               names["clipped"]: VARIANT_COLOURS["clipped"]}
    signal = _long({names["he"]: healthy, names["scaled"]: runs["plain"]}, "run", "layer", "signal")
    loss = _long({names[c]: r for c, r in runs.items()}, "run", "epoch", "loss")
    return {"signal": signal, "loss": loss, "colours": colours}


def _explode_reading(t: Translator, spec: CureSpec, runs: dict, healthy: dict, clip_on: bool,
                     clip_norm: float) -> None:
    plain = runs["plain"]
    growth = first_last_ratio(plain["signal"])
    steps = max(len(plain["signal"]) - 1, 1)
    per_layer = growth ** (1 / steps) if np.isfinite(growth) and growth > 0 else float("nan")
    st.markdown(t(f"{NAME}.cures.read.growth", ratio=sci(growth), per_layer=sci(per_layer),
                  healthy=sci(first_last_ratio(healthy["signal"])), depth=spec.depth,
                  level=sci(float(plain["level"][-1]))))
    if plain["diverged_at"] is not None:
        st.error(t(f"{NAME}.cures.read.nan", epoch=plain["diverged_at"]))
    else:
        st.info(t(f"{NAME}.cures.read.no_nan", epochs=spec.epochs,
                  acc=percent(float(plain["test_acc"][-1]), digits=0)))
    if not clip_on:
        st.info(t(f"{NAME}.cures.read.clip_off"))
        return
    clipped = runs["clipped"]
    share = float(np.mean(clipped["clipped"][1:])) if len(clipped["clipped"]) > 1 else 0.0
    st.markdown(t(f"{NAME}.cures.read.clip", clip=f"{clip_norm:g}", share=percent(share, digits=0),
                  finite=t(f"{NAME}.cures.read.finite_{'yes' if clipped['finite'] else 'no'}"),
                  acc=percent(float(clipped["test_acc"][-1]), digits=0),
                  verdict=_verdict_text(t, clipped, readings.accuracy_verdict(clipped))))
    st.markdown(t(f"{NAME}.cures.read.clip_limits", level=sci(float(clipped["level"][-1]))))


# ------------------------------------------------------------ activations per layer
def _mix(fr: Frame, su: Setup, depth: int, col) -> None:
    t, c = fr.t, fr.controls
    acts = [a for a in ACTIVATIONS if a != "identity"]
    with c.placed(col):
        split = c.slider("split", t(f"{NAME}.cures.split"), 0, 100, 25,
                         help=t(f"{NAME}.cures.split_help"))
    cols = st.columns(3)
    with c.placed(cols[0]):
        low = c.select("low", t(f"{NAME}.cures.low"), acts, "relu", labels=option_labels(t, "act", acts))
    with c.placed(cols[1]):
        high = c.select("high", t(f"{NAME}.cures.high"), acts, "sigmoid",
                        labels=option_labels(t, "act", acts))
    inits = list(INITIALISERS)
    with c.placed(cols[2]):
        init = c.select("minit", t(f"{NAME}.controls.init"), inits, "he_normal",
                        labels=option_labels(t, "init", inits))
    below = min(split, depth)
    if below != split:
        st.caption(t(f"{NAME}.cures.split_capped", split=split, depth=depth))
    spec = CureSpec(su.data, depth, su.settings.width, low, LR, BATCH, 0, su.n_train)
    profs = memo_run(mixed, spec, low, high, below, init, **su.arrays)
    shown = {a: _label(t, "act", a) for a in (low, high)}
    names = {"low": t(f"{NAME}.cures.mix.all", act=shown[low]),
             "high": t(f"{NAME}.cures.mix.all", act=shown[high]),
             "mixed": t(f"{NAME}.cures.mix.mixed", low=shown[low], high=shown[high], k=below)}
    frame = _long({names[c]: p for c, p in profs.items()}, "net", "layer", "signal")
    colours = {names[c]: VARIANT_COLOURS[c] for c in profs}
    chart_block(compiled(line_chart, frame, "layer", "signal", "net",
                         x_title=t(f"{NAME}.axis.hidden_layer"), y_title=t(f"{NAME}.axis.signal"),
                         colour_title=t(f"{NAME}.cures.mix.title_legend"), colours=colours, log_y=True,
                         compact=True, legend="bottom", height=320),
                frame, "mix-signal", t, title=t(f"{NAME}.cures.mix.chart_title"),
                caption=t(f"{NAME}.cures.mix.caption", init=_label(t, "init", init)))
    _mix_reading(t, profs["mixed"]["signal"], below, depth, low, high)


def _mix_reading(t: Translator, signal: np.ndarray, below: int, depth: int, low: str, high: str) -> None:
    """How much the signal shrinks across each part of the mixed network."""
    s = np.asarray(signal, dtype=float)
    parts = []
    if below < depth:  # the `high` layers: from the last hidden layer down to layer below + 1
        parts.append(t(f"{NAME}.cures.mix.part", act=_label(t, "act", high), n=depth - below,
                       ratio=sci(_ratio(s[below], s[-1]))))
    if below > 1:  # the `low` layers: down to layer 1
        parts.append(t(f"{NAME}.cures.mix.part", act=_label(t, "act", low), n=below,
                       ratio=sci(_ratio(s[0], s[below - 1]))))
    st.markdown(t(f"{NAME}.cures.mix.reading", parts="; ".join(parts)))
    if "sigmoid" in (low, high) and {low, high} & {"relu", "leaky_relu"}:
        st.markdown(t(f"{NAME}.cures.mix.sigmoid_note"))


def _ratio(a: float, b: float) -> float:
    return a / b if np.isfinite(a) and np.isfinite(b) and b > 0 else float("nan")
