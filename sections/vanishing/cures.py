"""Section "Cures": how deep networks train today — residual connections and
normalisation side by side, exploding gradients and clipping, activations mixed per layer.

One experiment at a time (a switch at the top of the section, ``cure`` in the URL);
every number in the readings comes from the runs on screen. A training is judged over
the run drawn and its perturbed copies (``cures_compute.COPIES``): the charts and the
table come first, the verdicts when the copies are trained.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st

from core.activations import ACTIVATIONS
from core.gradients import first_last_ratio
from core.init import INITIALISERS
from sections.vanishing import readings
from sections.vanishing.cures_compute import (
    COPIES,
    SCALES,
    VARIANTS,
    Birth,
    CureRun,
    CureSpec,
    explode,
    explode_copies,
    mixed,
    paired_init,
    variant_copies,
    variants,
    variants_at_birth,
)
from sections.vanishing.opening import opened
from sections.vanishing.readings import change, sci
from sections.vanishing.settings import BUDGET, NAME, Setup, VanishingSettings
from ui.cache import memo_run, view_memo
from ui.charts import compiled, finite_positive, line_chart
from ui.charts.palette import BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION
from ui.export import Block, Weights, chart_block, chart_row, run_settings
from ui.frame import Frame
from ui.guard import Budget, budget_epochs, note_budget
from ui.i18n import Translator, option_labels, percent, shown_name
from ui.references import cite

PARTS = ("residual", "explode", "mix")
#: The section's training recipe (plain SGD), chosen by measuring (docs/science.md §2.10):
#: at the defaults (50 sigmoid layers, seed 0) every variant's verdict is the same in the
#: run and in ten or more copies whose initial weights differ in the 12th digit, batch
#: norm learning in each with a margin (83–99% of the training points right as it
#: predicts, where the verdict's threshold is 65%). Cheaper recipes left batch norm's
#: copies near the threshold: learning rate 0.3 with 80 epochs (58–97%), 0.2 with
#: batches of 64 for 60 epochs (68% and one below); at learning rate 0.1, residual +
#: layer norm was a coin toss (2 of 4 copies learned).
LR, BATCH, EPOCHS = 0.2, 128, 120
#: What one request of this section may spend, in seconds of one core as ui.guard counts
#: them. A network with layer or batch norm is counted NORM_COST times (measured at the
#: defaults: 1.5–1.9 times a plain one); the runs shown record their loss every epoch, the
#: COPIES their ends only (ui.guard.fit_work's record). The default request (five
#: 50-layer sigmoid networks, each trained 1 + COPIES times) is 45 s by that count, about
#: 36 s of one core measured (BENCHMARKS.md), so it is not cut; depth 100 is.
CURES_BUDGET = 12 * BUDGET
NORM_COST = 2
CLIP_NORMS = [0.1, 0.5, 1, 2, 5]
#: A variant "keeps" the differences between inputs when its last hidden layer's spread
#: is at least this share of its first hidden layer's.
SPREAD_KEPT = 0.1
#: Batch norm's two modes "differ a lot" when their training accuracies are this far apart.
MODE_GAP = 0.1
#: A normalised network's signal "grows on its way to the input" past this factor.
SIGNAL_GROWS = 10.0
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


def request_budget(depth: int, width: int, n_train: int, n_in: int, act: str,
                   norms: list[str | None]) -> Budget:
    """The epochs one request of the section may train: one network per entry of `norms`
    (its normalisation, counted :data:`NORM_COST` times when set), each shown (recording
    its loss every epoch) and trained again on every copy (recording its ends), within
    :data:`CURES_BUDGET`."""
    shown = sum(NORM_COST if norm else 1 for norm in norms)
    copies = shown * COPIES
    return budget_epochs(depth, width, n_train, EPOCHS, runs=shown + copies, n_in=n_in,
                         budget=CURES_BUDGET, batch=BATCH, acts=act,
                         record=["loss"] * shown + ["ends"] * copies)


def _spec(fr: Frame, su: Setup, depth: int, act: str, norms: list[str | None]) -> CureSpec:
    """The section's recipe at `depth`, within its compute budget (said when cut)."""
    budget = request_budget(depth, su.settings.width, su.n_train, su.n_in, act, norms)
    note_budget(budget, fr.t)
    return CureSpec(su.data, depth, su.settings.width, act, LR, BATCH, budget.epochs,
                    budget.n_samples)


def _long(series: Mapping[str, Birth | CureRun], group: str, x: str, *columns: str,
          floors: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """The chart data of named records: for each, one row per hidden layer (`x` "layer",
    counted from 1; a :class:`Birth`) or per epoch (`x` "epoch", from 0; a
    :class:`CureRun`), with the record's fields `columns` (positive finite values only,
    for log axes) and its name in column `group`.
    `floors` (by name) leaves out the values below their rounding floor."""
    start = 1 if x == "layer" else 0

    def values(name: str, r: Birth | CureRun, col: str) -> np.ndarray:
        v = finite_positive(getattr(r, col))
        return readings.resolved(v, floors[name]) if floors and name in floors else v

    return pd.concat([pd.DataFrame({
        x: np.arange(start, start + len(getattr(r, columns[0]))),
        **{col: values(name, r, col) for col in columns}, group: name})
        for name, r in series.items()], ignore_index=True)


def _floor(birth: Birth) -> np.ndarray:
    """Per hidden layer, the spread below which a network's measurement is rounding noise."""
    return readings.rounding_floor(birth.level, birth.level_std)


def _recipe(t: Translator, spec: CureSpec, init: str) -> None:
    st.caption(t(f"{NAME}.cures.recipe", depth=spec.depth, width=spec.width,
                 act=shown_name(t, "act", spec.act), init=init, lr=spec.lr, batch=spec.batch,
                 epochs=spec.epochs, n=spec.n_fit, runs=1 + COPIES, copies=COPIES))


def _loss_caption(t: Translator, run: CureRun) -> str:
    """What a learning-nothing loss is for these data: ln k for k classes."""
    return t(f"{NAME}.cures.loss_caption", k=run.classes, chance=f"{run.chance:.2f}")


# ------------------------------------------------------------ verdicts over copies
@dataclasses.dataclass(frozen=True)
class Verdict:
    """A training judged over its run and its perturbed copies."""

    learned: int  # runs that learned (readings.accuracy_verdict)
    diverged: int
    runs: int

    @property
    def kind(self) -> str:
        """``all`` learned, ``none`` learned (``diverged`` when every run overflowed), or ``some``."""
        if self.learned == self.runs:
            return "all"
        if self.learned:
            return "some"
        return "diverged" if self.diverged == self.runs else "none"


def verdict(runs: list[CureRun]) -> Verdict:
    """The verdict of a run and its copies (each judged as it predicts)."""
    kinds = [readings.accuracy_verdict(r.diverged_at, r.train_acc, r.majority) for r in runs]
    return Verdict(kinds.count("learned"), kinds.count("diverged"), len(runs))


def _verdict_line(t: Translator, name: str, runs: list[CureRun]) -> str:
    """One training's verdict in words, with the numbers of every run it rests on."""
    v = verdict(runs)
    text = t(f"{NAME}.cures.verdict.{v.kind}", k=v.learned, n=v.runs, d=v.diverged)
    if v.diverged and v.kind != "diverged":
        text += t(f"{NAME}.cures.verdict.some_diverged", d=v.diverged)
    return t(f"{NAME}.cures.read.line", variant=name, verdict=text,
             tests=", ".join(percent(r.test_acc, digits=0) for r in runs),
             trains=", ".join(percent(r.train_acc, digits=0) for r in runs),
             base=percent(runs[0].majority, digits=0))


def _judge(copies: dict[str, list[CureRun]], main: dict[str, CureRun]) -> dict[str, list[CureRun]]:
    """Each training's run first, then its copies."""
    return {code: [main[code], *copies.get(code, [])] for code in main}


# ------------------------------------------------------------ residual and normalisation
def _residual(fr: Frame, su: Setup, depth: int, col) -> None:
    t, c = fr.t, fr.controls
    acts = [a for a in ACTIVATIONS if a != "identity"]
    with c.placed(col):
        act = c.select("cact", t(f"{NAME}.cures.act"), acts, "sigmoid",
                       labels=option_labels(t, "act", acts))
    spec = _spec(fr, su, depth, act, [norm for _, norm in VARIANTS.values()])
    _recipe(t, spec, shown_name(t, "init", paired_init(act)))
    # At birth first: these charts and readings need no training, so they are on screen
    # while the variants train (a cold request at the defaults trains fifteen 50-layer nets).
    births = memo_run(variants_at_birth, spec, **su.arrays)
    views = view_memo((f"{NAME}.cures.birth", spec, t.lang), lambda: _birth_views(t, births))
    chart_row(t, *(Block(*views[k], f"cures-{k}", t(f"{NAME}.cures.{k}_title"),
                         t(f"{NAME}.cures.{k}_caption")) for k in ("signal", "spread")))
    if views["hidden_spread"]:
        st.caption(t("common.below_rounding_caption"))
    _spread_reading(t, spec, births)
    _signal_reading(t, spec, births)
    runs = memo_run(variants, spec, **su.arrays, _text=t(f"{NAME}.cures.progress"))
    loss = view_memo((f"{NAME}.cures.loss", spec, t.lang), lambda: _loss_view(t, runs))
    chart_block(*loss, "cures-loss", t, title=t(f"{NAME}.cures.loss_title"),
                caption=_loss_caption(t, runs["plain"]))
    st.markdown(f"**{t(f'{NAME}.cures.table_title')}**")
    st.dataframe(_table(t, births, runs), hide_index=True, width="stretch")
    for code, run in runs.items():
        if run.diverged_at is not None:
            st.error(t(f"{NAME}.cures.diverged", variant=t(f"{NAME}.cures.variant.{code}"),
                       epoch=run.diverged_at))
    # The copies last: everything above is on screen while they train.
    copies = memo_run(variant_copies, spec, **su.arrays,
                      _text=t(f"{NAME}.cures.copies_progress", copies=COPIES))
    _residual_reading(t, spec, _judge(copies, runs))
    st.caption(cite(t, "he2016", "ba2016", "ioffe2015"))


def _variant_common(t: Translator, codes) -> tuple[dict[str, str], dict]:
    """The variants' shown names, and what their charts share: one colour and one dash per
    variant (three of them keep the same level at birth, and their lines lie on top of
    each other; the dash tells them apart), log y, the legend below."""
    names = {code: t(f"{NAME}.cures.variant.{code}") for code in codes}
    title = t(f"{NAME}.cures.variant_title")
    return names, {"colour_title": title, "colours": {names[c]: VARIANT_COLOURS[c] for c in codes},
                   "dash": "variant", "dash_title": title, "log_y": True, "compact": True,
                   "legend": "bottom", "height": 300}


def _birth_views(t: Translator, births: dict[str, Birth]) -> dict:
    """The charts of the variants at birth: signal and spread per hidden layer."""
    names, common = _variant_common(t, births)
    named = {names[c]: r for c, r in births.items()}
    floors = {names[c]: _floor(r) for c, r in births.items()}
    signal = _long(named, "variant", "layer", "signal")
    spread = _long(named, "variant", "layer", "spread", floors=floors)
    raw = _long(named, "variant", "layer", "spread")
    h_title = t(f"{NAME}.axis.hidden_layer")
    return {
        "signal": (compiled(line_chart, signal, "layer", "signal", "variant", x_title=h_title,
                            y_title=t(f"{NAME}.axis.signal_short"), **common), signal),
        "spread": (compiled(line_chart, spread, "layer", "spread", "variant", x_title=h_title,
                            y_title=t(f"{NAME}.axis.spread"), **common),
                   spread.assign(below_rounding=spread["spread"].isna() & raw["spread"].notna())),
        "hidden_spread": bool((spread["spread"].isna() & raw["spread"].notna()).any()),
    }


def _loss_view(t: Translator, runs: dict[str, CureRun]) -> tuple:
    """The chart of the variants' training loss per epoch, and its data."""
    names, common = _variant_common(t, runs)
    loss = _long({names[c]: r for c, r in runs.items()}, "variant", "epoch", "loss")
    return (compiled(line_chart, loss, "epoch", "loss", "variant",
                     x_title=t("common.axis.epoch"), y_title=t("common.axis.loss"), **common), loss)


def _table(t: Translator, births: dict[str, Birth], runs: dict[str, CureRun]) -> pd.DataFrame:
    return pd.DataFrame({
        t(f"{NAME}.cures.col.variant"): [t(f"{NAME}.cures.variant.{c}") for c in runs],
        t(f"{NAME}.cures.col.signal"): [sci(first_last_ratio(births[c].signal)) for c in runs],
        t(f"{NAME}.cures.col.spread"): [readings.spread_text(t, float(births[c].spread[-1]),
                                                             float(_floor(births[c])[-1]))
                                        for c in runs],
        t(f"{NAME}.cures.col.train"): [percent(r.train_acc) for r in runs.values()],
        t(f"{NAME}.cures.col.test"): [percent(r.test_acc) for r in runs.values()],
    })


def _residual_reading(t: Translator, spec: CureSpec, judged: dict[str, list[CureRun]]) -> None:
    """Say, from every run and copy, whether the skip path and normalisation let the deep
    net learn, and where rounding decides."""
    name = {c: t(f"{NAME}.cures.variant.{c}") for c in judged}
    verdicts = {c: verdict(r) for c, r in judged.items()}
    act = shown_name(t, "act", spec.act)
    st.markdown(t(f"{NAME}.cures.read.title", runs=1 + COPIES))
    st.markdown("\n".join(_verdict_line(t, name[c], r) for c, r in judged.items()))
    plain = verdicts["plain"].kind
    cured = [name[c] for c in judged if c != "plain" and verdicts[c].kind == "all"]
    if plain == "all":
        st.info(t(f"{NAME}.cures.read.plain_learned", depth=spec.depth, act=act,
                  next=_next_try(t, spec)))
    elif plain == "some":
        st.info(t(f"{NAME}.cures.read.plain_some", depth=spec.depth, act=act,
                  k=verdicts["plain"].learned, n=verdicts["plain"].runs))
    elif cured:
        st.success(t(f"{NAME}.cures.read.helped", depth=spec.depth, act=act, n=1 + COPIES,
                     which=", ".join(cured)))
    else:
        st.warning(t(f"{NAME}.cures.read.none_helped", depth=spec.depth, act=act, n=1 + COPIES))
    fragile = [name[c] for c in judged if verdicts[c].kind == "some"]
    if fragile:
        st.warning(t(f"{NAME}.cures.read.fragile", which=", ".join(fragile), n=1 + COPIES))
    _modes(t, judged["batch"][0])
    residual = judged["residual"][0]
    if residual.diverged_at is not None:
        _residual_overflow(t, spec, residual)


def _next_try(t: Translator, spec: CureSpec) -> str:
    """What to change so the cures have something to rescue (only what is not already so)."""
    deeper, sigmoid = spec.depth < 100, spec.act != "sigmoid"
    key = "both" if deeper and sigmoid else "deeper" if deeper else "sigmoid" if sigmoid else "none"
    return t(f"{NAME}.cures.read.try.{key}")


def _modes(t: Translator, run: CureRun) -> None:
    """Batch norm trains with each batch's statistics and predicts with running averages:
    say so when the two give clearly different answers on the training points."""
    batch, predict = run.batch_train_acc, run.train_acc
    if run.diverged_at is None and math.isfinite(batch) and math.isfinite(predict) \
            and abs(batch - predict) >= MODE_GAP:
        st.warning(t(f"{NAME}.cures.read.modes", batch=percent(batch, digits=0),
                     predict=percent(predict, digits=0),
                     variant=t(f"{NAME}.cures.variant.batch")))


def _residual_overflow(t: Translator, spec: CureSpec, run: CureRun) -> None:
    """Why the residual network without normalisation overflowed, from its own forward pass:
    the mean square of h per block, measured, and why it grows more than twofold when the
    branches cannot be negative."""
    size = np.hypot(run.birth.level, run.birth.level_std) ** 2  # E[h²] per hidden layer
    blocks = len(size) - 1
    total = float(size[-1] / size[0]) if size[0] > 0 else math.nan
    per_block = total ** (1 / blocks) if blocks and math.isfinite(total) and total > 0 else math.nan
    positive = ACTIVATIONS[spec.act].output_range[0] >= 0
    if not math.isfinite(per_block) or per_block < 1.5:
        why = "training"  # the forward pass hardly grew: the overflow came with the steps
    elif positive and per_block > 2.2:
        why = "positive"
    else:
        why = "doubles" if per_block >= 1.8 else "grows"
    st.warning(t(f"{NAME}.cures.read.residual_exploded", epoch=run.diverged_at, blocks=blocks,
                 depth=spec.depth, first=sci(float(size[0])), last=sci(float(size[-1])),
                 total=sci(total), per_block=f"{per_block:.2g}",
                 why=t(f"{NAME}.cures.read.residual_why.{why}",
                       act=shown_name(t, "act", spec.act), per_block=f"{per_block:.2g}")))


def _spread_reading(t: Translator, spec: CureSpec, births: dict[str, Birth]) -> None:
    """Which variants keep the differences between inputs alive to the last layer, measured;
    why layer norm and batch norm differ, when this run shows them differ."""
    def last(code: str) -> str:
        return readings.spread_text(t, float(births[code].spread[-1]), float(_floor(births[code])[-1]))

    st.markdown(t(f"{NAME}.cures.read.spread", depth=spec.depth,
                  **{c: last(c) for c in ("plain", "layer", "batch")}))
    kept = {}
    for code in ("layer", "batch"):
        first, final = (float(births[code].spread[i]) for i in (0, -1))
        if np.isfinite(first) and np.isfinite(final) and first > 0:
            kept[code] = (final >= SPREAD_KEPT * first
                          and not readings.below_rounding(final, float(_floor(births[code])[-1])))
            st.markdown(t(f"{NAME}.cures.read.spread_{'kept' if kept[code] else 'lost'}",
                          variant=t(f"{NAME}.cures.variant.{code}"), first=sci(first),
                          last=last(code), depth=spec.depth))
    if kept.get("batch") and kept.get("layer") is False:
        st.caption(t(f"{NAME}.cures.read.norm_axes"))


def _signal_reading(t: Translator, spec: CureSpec, births: dict[str, Birth]) -> None:
    """Normalised networks whose back-propagated signal grows towards the input at birth."""
    grows = {c: first_last_ratio(births[c].signal) for c in ("layer", "batch", "residual_layer")}
    grows = {c: r for c, r in grows.items() if math.isfinite(r) and r >= SIGNAL_GROWS}
    if grows:
        st.markdown(t(f"{NAME}.cures.read.signal_grows", depth=spec.depth, which=", ".join(
            t(f"{NAME}.cures.read.signal_item", variant=t(f"{NAME}.cures.variant.{c}"), ratio=sci(r))
            for c, r in grows.items())))


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
    spec = _spec(fr, su, depth, "relu", [None, None])
    scale_name = t(f"{NAME}.cures.scales.{scale}")
    _recipe(t, spec, scale_name)
    clip = clip_norm if clip_on else None
    runs = memo_run(explode, spec, scale, clip, **su.arrays, _text=t(f"{NAME}.cures.progress"))
    healthy = memo_run(explode, dataclasses.replace(spec, epochs=0), "he", None, **su.arrays)["plain"]
    frames = _explode_frames(t, runs, healthy, scale_name, scale != "he")
    common = {"colour_title": t(f"{NAME}.cures.run_title"), "colours": frames["colours"],
              "log_y": True, "compact": True, "legend": "bottom", "height": 300}
    chart_row(t,
              Block(compiled(line_chart, frames["signal"], "layer", "signal", "run",
                             x_title=t(f"{NAME}.axis.hidden_layer"), y_title=t(f"{NAME}.axis.signal_short"),
                             **common),
                    frames["signal"], "explode-signal", t(f"{NAME}.cures.growth_title"),
                    t(f"{NAME}.cures.growth_caption")),
              Block(compiled(line_chart, frames["loss"], "epoch", "loss", "run",
                             x_title=t("common.axis.epoch"), y_title=t("common.axis.loss"), **common),
                    frames["loss"], "explode-loss", t(f"{NAME}.cures.loss_title"),
                    t(f"{NAME}.cures.explode_loss_caption"),
                    Weights(runs["plain"].params, _settings(su, spec, scale), "weights-explode")))
    growth = _explode_growth(t, spec, runs["plain"], healthy, scale)
    copies = memo_run(explode_copies, spec, scale, clip, **su.arrays,
                      _text=t(f"{NAME}.cures.copies_progress", copies=COPIES))
    _explode_reading(t, spec, _judge(copies, runs), growth, scale_name, clip_norm if clip_on else None)
    st.caption(cite(t, "pascanu2013", "he2015"))


def _settings(su: Setup, spec: CureSpec, scale: str) -> dict:
    return run_settings(NAME, data=su.shown if su.arrays else su.data.key, n_samples=su.data.n,
                        noise=su.data.noise, seed=su.data.seed, n_train=spec.n_fit, sizes=su.sizes[:1]
                        + (spec.width,) * spec.depth + su.sizes[-1:], activation=spec.act,
                        output=su.output, init="he_normal", optimizer="sgd", lr=spec.lr,
                        batch_size=spec.batch, epochs=spec.epochs, init_scale=SCALES[scale])


def _run_names(t: Translator, scale_name: str) -> dict[str, str]:
    return {"he": t(f"{NAME}.cures.runs.he"), "plain": t(f"{NAME}.cures.runs.scaled", scale=scale_name),
            "clipped": t(f"{NAME}.cures.runs.clipped", scale=scale_name)}


def _explode_frames(t: Translator, runs: dict[str, CureRun], healthy: CureRun, scale_name: str,
                    scaled: bool) -> dict:
    names = _run_names(t, scale_name)
    colours = {names["he"]: VARIANT_COLOURS["he"], names["plain"]: VARIANT_COLOURS["scaled"],
               names["clipped"]: VARIANT_COLOURS["clipped"]}
    at_birth = {**({names["he"]: healthy.birth} if scaled else {}), names["plain"]: runs["plain"].birth}
    signal = _long(at_birth, "run", "layer", "signal")
    loss = _long({names[c]: r for c, r in runs.items()}, "run", "epoch", "loss")
    return {"signal": signal, "loss": loss, "colours": colours}


def _explode_growth(t: Translator, spec: CureSpec, plain: CureRun, healthy: CureRun, scale: str) -> str:
    """The signal and the forward pass of the initialisation chosen, said from the run; returns
    how the signal changes (:func:`readings.change`)."""
    growth = first_last_ratio(plain.birth.signal)
    steps = max(len(plain.birth.signal) - 1, 1)
    per_layer = growth ** (1 / steps) if np.isfinite(growth) and growth > 0 else float("nan")
    way = change(per_layer ** steps) if math.isfinite(per_layer) else "nan"
    size = np.hypot(plain.birth.level, plain.birth.level_std)  # root mean square of h per layer
    forward = float(size[-1] / size[0]) if size[0] > 0 else math.nan
    st.markdown(t(f"{NAME}.cures.read.growth", ratio=sci(growth), per_layer=sci(per_layer),
                  healthy=sci(first_last_ratio(healthy.birth.signal)), depth=spec.depth,
                  way=t(f"{NAME}.cures.read.way.{way}"),
                  forward=t(f"{NAME}.cures.read.forward.{change(forward)}", first=sci(float(size[0])),
                            last=sci(float(size[-1])), depth=spec.depth)))
    return "grows" if way == "grows" and scale != "he" else way


def _explode_reading(t: Translator, spec: CureSpec, judged: dict[str, list[CureRun]], growth: str,
                     scale_name: str, clip_norm: float | None) -> None:
    names = _run_names(t, scale_name)
    st.markdown(t(f"{NAME}.cures.read.title", runs=1 + COPIES))
    st.markdown("\n".join(_verdict_line(t, names[c], r) for c, r in judged.items()))
    plain = judged["plain"][0]
    if plain.diverged_at is not None:
        st.error(t(f"{NAME}.cures.read.nan", epoch=plain.diverged_at))
    else:
        st.info(t(f"{NAME}.cures.read.no_nan", epochs=spec.epochs, acc=percent(plain.test_acc, digits=0)))
    if clip_norm is None:
        st.info(t(f"{NAME}.cures.read.clip_off"))
        return
    clipped = judged["clipped"][0]
    share = float(np.mean(clipped.clipped[1:])) if len(clipped.clipped) > 1 else 0.0
    st.markdown(t(f"{NAME}.cures.read.clip", clip=f"{clip_norm:g}", share=percent(share, digits=0),
                  finite=t(f"{NAME}.cures.read.finite_{'yes' if clipped.finite else 'no'}"),
                  acc=percent(clipped.test_acc, digits=0)))
    if growth == "grows":
        st.markdown(t(f"{NAME}.cures.read.clip_limits"))
    else:
        unclipped, with_clip = verdict(judged["plain"]).kind, verdict(judged["clipped"]).kind
        step = unclipped in ("none", "diverged") and with_clip == "all"
        st.markdown(t(f"{NAME}.cures.read.clip_step" if step else f"{NAME}.cures.read.clip_level"))


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
    shown = {a: shown_name(t, "act", a) for a in (low, high)}
    names = {"low": t(f"{NAME}.cures.mix.all", act=shown[low]),
             "high": t(f"{NAME}.cures.mix.all", act=shown[high]),
             "mixed": t(f"{NAME}.cures.mix.mixed", low=shown[low], high=shown[high], k=below)}
    frame = _long({names[c]: p for c, p in profs.items()}, "net", "layer", "signal")
    colours = {names[c]: VARIANT_COLOURS[c] for c in profs}
    chart_block(compiled(line_chart, frame, "layer", "signal", "net",
                         x_title=t(f"{NAME}.axis.hidden_layer"), y_title=t(f"{NAME}.axis.signal_short"),
                         colour_title=t(f"{NAME}.cures.mix.title_legend"), colours=colours, log_y=True,
                         compact=True, legend="bottom", height=320),
                frame, "mix-signal", t, title=t(f"{NAME}.cures.mix.chart_title"),
                caption=t(f"{NAME}.cures.mix.caption", init=shown_name(t, "init", init)))
    _mix_reading(t, profs["mixed"].signal, below, depth, low, high)


def mix_parts(signal: np.ndarray, below: int, depth: int) -> list[tuple[str, int, int, int, float]]:
    """How the signal changes across each part of a network whose hidden layers 1..`below`
    use the lower activation and the rest the upper one.

    Going down from ``h_l`` to ``h_{l−1}`` multiplies by the slopes of layer ``l``, so the
    upper part is measured from the last hidden layer down to layer `below` (the boundary
    step crosses the upper activation's slopes) and the lower part from layer `below`
    down to layer 1: ``(part, layers, from, to, ratio)``, their ratios multiplying to the
    whole network's. Layer 1's own slopes act below ``h_1`` and count in neither."""
    s = np.asarray(signal, dtype=float)
    parts = []
    if below < depth:  # slopes of layers below+1 .. depth
        to = max(below, 1)
        parts.append(("high", depth - below if below else depth - 1, depth, to, _ratio(s[to - 1], s[-1])))
    if below > 1:  # slopes of layers 2 .. below
        parts.append(("low", below - 1, below, 1, _ratio(s[0], s[below - 1])))
    return parts


def _mix_reading(t: Translator, signal: np.ndarray, below: int, depth: int, low: str, high: str) -> None:
    """How much the signal changes across each part of the mixed network, verb from the number."""
    act = {"low": shown_name(t, "act", low), "high": shown_name(t, "act", high)}
    def layers(n: int, start: int) -> str:
        """The hidden layers whose slopes a part crosses: start, start − 1, …, start − n + 1."""
        first = start - n + 1
        return t(f"{NAME}.cures.mix.part.{'one' if n == 1 else 'many'}", first=first, last=start)

    parts = [t(f"{NAME}.cures.mix.part.{change(r)}", act=act[part], start=start, end=end,
               layers=layers(n, start), ratio=sci(r))
             for part, n, start, end, r in mix_parts(signal, below, depth)]
    if parts:
        st.markdown(t(f"{NAME}.cures.mix.reading", parts="; ".join(parts)))
    if "sigmoid" in (low, high) and {low, high} & {"relu", "leaky_relu"}:
        st.markdown(t(f"{NAME}.cures.mix.sigmoid_note"))


def _ratio(a: float, b: float) -> float:
    return a / b if np.isfinite(a) and np.isfinite(b) and b > 0 else float("nan")

