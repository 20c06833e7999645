"""The Cures section says what its runs measured, and every reading follows from its runs.

Each reading is checked against the same quantity computed here, independently, with
``core``, at three or more settings, in English and Korean. Small depths keep most runs
cheap; the default runs are shared (Streamlit's cache) with the other tests of a worker.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
from apptest_utils import drawn_spec, errors_text, open_section

from core.datasets import load, train_test_split
from core.gradients import first_last_ratio, layer_statistics, rounding_floor
from core.mlp import MLP
from sections.vanishing import cures, cures_compute
from sections.vanishing.cures_compute import COPIES, SCALES, paired_init
from sections.vanishing.readings import change
from ui.frame import PAGES
from ui.i18n import Translator, particle, percent

INFO = next(p for p in PAGES if p.name == "vanishing")
RUNS = 1 + COPIES


def _open(query: dict, lang: str = "en"):
    at = open_section(INFO, "cures", {**query, **({"lang": lang} if lang != "en" else {})},
                      timeout=900)
    assert not at.exception, errors_text(at)
    return at


def _texts(at, *kinds: str) -> list[str]:
    kinds = kinds or ("markdown", "caption", "info", "warning", "error", "success")
    return [e.value for kind in kinds for e in getattr(at, kind)]


def _data(n_fit: int | None = None):
    X, y = load("moons", n_samples=300, noise=0.2, seed=0)
    Xtr, Xte, ytr, yte = train_test_split(X, y, seed=0)
    return Xtr[:n_fit], Xte, ytr[:n_fit], yte


def _recipe(at, t: Translator) -> tuple[int, int]:
    """(epochs, training points) the section trained with, read from its recipe caption."""
    template = t("vanishing.cures.recipe", depth="QQQ", width="QQQ", act="QQQ", init="QQQ",
                 lr="QQQ", batch="QQQ", epochs="EEE", n="NNN", runs="QQQ", copies="QQQ")
    pattern = (re.escape(template).replace("QQQ", ".*?").replace("EEE", r"(?P<epochs>\d+)")
               .replace("NNN", r"(?P<n>\d+)"))
    for c in _texts(at, "caption"):
        hit = re.match(pattern, c)
        if hit:
            return int(hit.group("epochs")), int(hit.group("n"))
    raise AssertionError(_texts(at, "caption"))


def _net(act: str, depth: int, **options) -> MLP:
    return MLP([2, *[32] * depth, 1], activation=act, init=paired_init(act), seed=0, **options)


def _variant_line(at, t: Translator, code: str) -> str:
    name = t(f"vanishing.cures.variant.{code}")
    return next(line for m in _texts(at, "markdown") for line in m.split("\n")
                if line.startswith(f"- **{name}**:"))


# ------------------------------------------------------------ batch norm as it predicts
@pytest.mark.parametrize(("query", "lang"), [
    ({}, "en"), ({"cact": "relu"}, "ko"), ({"cact": "tanh", "cdepth": "10"}, "en"),
    ({"cact": "sigmoid", "cdepth": "10"}, "ko"),
], ids=["defaults", "relu-ko", "tanh10", "sigmoid10-ko"])
def test_batch_norm_is_judged_as_it_predicts(query: dict, lang: str) -> None:
    t = Translator(lang)
    at = _open(query, lang)
    act, depth = query.get("cact", "sigmoid"), int(query.get("cdepth", 50))
    epochs, n_fit = _recipe(at, t)
    Xtr, Xte, ytr, yte = _data(n_fit)
    model = _net(act, depth, norm="batch")
    h = model.fit(Xtr, ytr, epochs=epochs, lr=cures.LR, batch_size=cures.BATCH, X_test=Xte, y_test=yte)
    predicting, batch_mode = model.accuracy(Xtr, ytr), float(h.train_acc[-1])
    # The table's training accuracy is the network as it predicts (running averages) ...
    table = at.dataframe[0].value
    row = table[table[t("vanishing.cures.col.variant")] == t("vanishing.cures.variant.batch")]
    assert row[t("vanishing.cures.col.train")].item() == percent(predicting)
    # ... and so is the first number the verdict line rests on.
    line = _variant_line(at, t, "batch")
    assert percent(predicting, digits=0) in line.split(";")[1].split(",")[0]
    # Where the two modes differ a lot, the page says so, with both numbers.
    modes = [w for w in _texts(at, "warning") if t("vanishing.cures.variant.batch") in w
             and percent(batch_mode, digits=0) in w]
    assert bool(modes) == (abs(batch_mode - predicting) >= cures.MODE_GAP), (batch_mode, predicting)


def test_a_verdict_rests_on_prediction_mode_accuracy_not_on_batch_statistics() -> None:
    # 70% of the training points right with batch statistics, but every point class 0 as it
    # predicts (with the running averages): such a run has not learned.
    run = cures_compute.CureRun(
        loss=np.array([0.7, 0.69]), test_acc=0.51, train_acc=0.498, batch_train_acc=0.70,
        chance=math.log(2), classes=2, majority=0.502, diverged_at=None,
        clipped=np.zeros(2, dtype=bool), finite=True)
    assert cures.verdict([run]).kind == "none"
    assert cures.verdict([dataclasses.replace(run, train_acc=0.9)]).kind == "all"


# ------------------------------------------------------------ the overflow's growth factor
@pytest.mark.parametrize(("query", "lang"), [
    ({"cact": "relu"}, "en"), ({"cact": "relu", "cdepth": "20"}, "ko"),
    ({"cact": "relu", "cdepth": "10"}, "en"),
], ids=["relu50", "relu20-ko", "relu10"])
def test_the_overflow_explanation_states_the_runs_own_factor(query: dict, lang: str) -> None:
    t = Translator(lang)
    at = _open(query, lang)
    depth = int(query.get("cdepth", 50))
    Xtr, _, ytr, _ = _data(_recipe(at, t)[1])
    birth = layer_statistics(_net("relu", depth, residual=True), Xtr, ytr)
    size = birth.act_mean ** 2 + birth.act_std ** 2  # E[h²] per hidden layer
    per_block = (size[-1] / size[0]) ** (1 / (depth - 1))
    head = t("vanishing.cures.read.residual_exploded", epoch=0, blocks=0, depth=0, first="",
             last="", total="", per_block="", why="")[:12]
    said = [w for w in _texts(at, "warning") if w.startswith(head)]
    diverged = t("vanishing.cures.diverged", variant=t("vanishing.cures.variant.residual"),
                 epoch="§").split("§")[0]
    assert bool(said) == any(e.startswith(diverged) for e in _texts(at, "error"))
    if said:
        text = said[0]
        assert f"×{per_block:.2g}" in text and str(depth - 1) in text  # 49 skip blocks at depth 50
        assert per_block > 2  # ReLU's branches never cancel: more than doubling
        assert t("vanishing.cures.read.residual_why.positive", act="ReLU", per_block="")[:10] in text
        assert "2^" not in text


# ------------------------------------------------------------ the mixed network's verbs
@pytest.mark.parametrize(("query", "lang"), [
    ({"cdepth": "20", "split": "10", "high": "tanh"}, "en"),
    ({"cdepth": "20", "split": "10", "high": "tanh"}, "ko"),
    ({}, "en"),
    ({"cdepth": "30", "split": "5", "low": "tanh", "high": "relu"}, "ko"),
    ({"cdepth": "2", "low": "sigmoid"}, "en"),
], ids=["tanh-above", "tanh-above-ko", "defaults", "tanh-relu-ko", "two-sigmoid"])
def test_the_mixed_reading_chooses_its_verb_from_the_ratio(query: dict, lang: str) -> None:
    t = Translator(lang)
    at = _open({"cure": "mix", **query}, lang)
    parts = {}
    for kind in ("grows", "shrinks", "same"):
        template = re.escape(t(f"vanishing.cures.mix.part.{kind}", start="§", end="§", act="§",
                               layers="§", ratio="§")).replace("§", "([^,;]+?)")
        for m in _texts(at, "markdown"):
            for hit in re.finditer(template, m):
                parts[hit.group(1)] = (kind, float(hit.group(5)))
    assert parts, _texts(at, "markdown")
    for kind, ratio in parts.values():
        assert kind == change(ratio), (kind, ratio)
    # Every step counted once: the parts multiply to the whole network's first ÷ last.
    rows = [r for c in at.get("vega_lite_chart") for r in _rows(drawn_spec(c))
            if "signal" in r and "net" in r]
    mixed_name = sorted({r["net"] for r in rows}, key=len)[-1]  # "sigmoid in layers 1–k, … above"
    signal = [r["signal"] for r in sorted((r for r in rows if r["net"] == mixed_name),
                                          key=lambda r: r["layer"])]
    whole = signal[0] / signal[-1]
    # Two significant digits per printed ratio.
    assert math.prod(r for _, r in parts.values()) == pytest.approx(whole, rel=0.1)
    # The split's label does not claim the lower layers are ReLU-like.
    assert t("vanishing.cures.split") in [s.label for s in at.slider]
    assert "ReLU-like" not in t("vanishing.cures.split")


def _rows(spec: dict) -> list[dict]:
    out = []
    for value in spec.get("datasets", {}).values():
        out.extend(value)

    def walk(o):
        if isinstance(o, dict):
            if isinstance(o.get("data"), dict) and isinstance(o["data"].get("values"), list):
                out.extend(o["data"]["values"])
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(spec)
    return [r for r in out if isinstance(r, dict)]


# ------------------------------------------------------------ captions only when shown
@pytest.mark.parametrize(("query", "lang"), [
    ({}, "en"), ({"cact": "tanh", "cdepth": "10"}, "ko"), ({"cact": "sigmoid", "cdepth": "10"}, "en"),
    ({"cact": "relu", "cdepth": "5"}, "en"),
], ids=["defaults", "tanh10-ko", "sigmoid10", "relu5"])
def test_the_norm_caption_and_the_growth_line_appear_only_when_the_run_shows_them(query, lang) -> None:
    t = Translator(lang)
    at = _open(query, lang)
    act, depth = query.get("cact", "sigmoid"), int(query.get("cdepth", 50))
    Xtr, _, ytr, _ = _data(_recipe(at, t)[1])
    layer = layer_statistics(_net(act, depth, norm="layer"), Xtr, ytr)
    batch = layer_statistics(_net(act, depth, norm="batch"), Xtr, ytr)

    def kept(s) -> bool:
        floor = rounding_floor(s.act_mean, s.act_std)[-1]
        return s.spread[-1] >= cures.SPREAD_KEPT * s.spread[0] and s.spread[-1] > floor

    shown = t("vanishing.cures.read.norm_axes") in _texts(at, "caption")
    assert shown == (kept(batch) and not kept(layer))
    # "Batch norm's signal grows towards the input at birth": said with the run's own factor.
    ratio = first_last_ratio(batch.grad_h)
    lines = [m for m in _texts(at, "markdown") if t("vanishing.cures.read.signal_item",
                                                    variant=t("vanishing.cures.variant.batch"),
                                                    ratio="")[:10] in m and "×" in m]
    if ratio >= cures.SIGNAL_GROWS:
        assert lines and f"×{ratio:.2g}" in lines[0]
    else:
        assert not any(t("vanishing.cures.variant.batch") + " ×" in m for m in lines)


def test_the_defaults_say_batch_norms_signal_grows_and_the_plain_spread_is_rounding_noise() -> None:
    for lang in ("en", "ko"):
        t = Translator(lang)
        at = _open({}, lang)
        text = " ".join(_texts(at, "markdown"))
        assert t("vanishing.cures.read.signal_item", variant=t("vanishing.cures.variant.batch"),
                 ratio="")[:8] in text
        below = t("common.below_rounding", floor="§").split("§")[0]
        table = at.dataframe[0].value
        plain = table[table[t("vanishing.cures.col.variant")] == t("vanishing.cures.variant.plain")]
        assert plain[t("vanishing.cures.col.spread")].item().startswith(below)
        assert t("common.below_rounding_caption") in _texts(at, "caption")
        # Nothing below the floor is drawn on the spread chart.
        spread = [r["spread"] for c in at.get("vega_lite_chart") for r in _rows(drawn_spec(c))
                  if "spread" in r and isinstance(r["spread"], float) and not math.isnan(r["spread"])]
        assert spread and min(spread) > 1e-14


# ------------------------------------------------------------ rounding decides: copies
def _printed_kinds(at, t: Translator) -> dict[str, str]:
    """Each variant's verdict as the page prints it: all, none, diverged or some."""
    kinds = {}
    for code in cures_compute.VARIANTS:
        line = _variant_line(at, t, code)
        kinds[code] = next(k for k in ("all", "none", "diverged", "some")
                           if t(f"vanishing.cures.verdict.{k}", k="§", n=RUNS, d="§").split("§")[0]
                           in line)
    return kinds


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_no_verdict_at_the_defaults_rests_on_rounding(lang: str) -> None:
    # Every verdict rests on runs that agree, so the defaults show no "rounding decides".
    # That each verdict survives a 1e-12 change of the initial weights (with another BLAS
    # kernel) is tests/test_readings_stable.py::test_the_cures_verdicts_hold_on_another_processor.
    t = Translator(lang)
    at = _open({}, lang)
    printed = _printed_kinds(at, t)
    assert set(printed.values()) <= {"all", "none", "diverged"}, printed
    assert printed["batch"] == "all" and printed["plain"] == "none", printed
    assert not any(w.startswith(t("vanishing.cures.read.fragile", which="§", n=RUNS).split("§")[0])
                   for w in _texts(at, "warning"))


@pytest.mark.parametrize(("query", "lang", "expected"), [
    ({"cdepth": "2"}, "en", "deeper"),
    ({"cdepth": "2", "cact": "relu"}, "ko", "both"),
    ({"cdepth": "3", "cact": "tanh"}, "en", "both"),
], ids=["sigmoid2", "relu2-ko", "tanh3"])
def test_a_plain_net_that_learns_gets_only_suggestions_that_change_something(query, lang, expected) -> None:
    t = Translator(lang)
    at = _open(query, lang)
    infos = _texts(at, "info")
    learned = [i for i in infos if i.endswith(t(f"vanishing.cures.read.try.{expected}"))]
    assert learned, infos
    if query.get("cact", "sigmoid") == "sigmoid":
        assert not any(t("vanishing.cures.read.try.both") in i for i in infos)


# ------------------------------------------------------------ exploding gradients
@pytest.mark.parametrize(("query", "lang"), [
    ({"scale": "he"}, "en"), ({}, "ko"), ({"scale": "he2", "cdepth": "20"}, "en"),
    ({"scale": "he", "cdepth": "10", "clip_norm": "0.5"}, "ko"),
], ids=["he", "he4-ko", "he2-20", "he10-ko"])
def test_the_exploding_section_says_what_its_initialisation_does(query: dict, lang: str) -> None:
    t = Translator(lang)
    at = _open({"cure": "explode", **query}, lang)
    depth, scale = int(query.get("cdepth", 50)), query.get("scale", "he4")
    Xtr, _, ytr, _ = _data(_recipe(at, t)[1])
    model = MLP([2, *[32] * depth, 1], activation="relu", init="he_normal", seed=0)
    params = model.get_params()
    model.set_params(params._replace(weights=[w * SCALES[scale] for w in params.weights]))
    birth = layer_statistics(model, Xtr, ytr)
    signal = change(first_last_ratio(birth.grad_h))
    rms = np.hypot(birth.act_mean, birth.act_std)
    forward = change(rms[-1] / rms[0])
    text = " ".join(_texts(at))
    assert t(f"vanishing.cures.read.way.{signal}") in text
    said = t(f"vanishing.cures.read.forward.{forward}", first="§", last="§", depth=depth)
    assert said.split("§")[0] in text
    limits = t("vanishing.cures.read.clip_limits")
    assert (limits in text) == (signal == "grows" and scale != "he")
    # No unconditional claims: nothing says a larger initialisation "would" overflow.
    assert "would." not in text and "would overflow" not in text
    # Korean: the particle after the clipping threshold follows how it is read.
    if lang == "ko":
        clip = query.get("clip_norm", "1")
        assert f"노름 {clip}{particle(clip, '으로')} 클리핑" in text


# ------------------------------------------------------------ loss caption, names, particles
@pytest.mark.parametrize(("data", "lang", "k"), [("iris", "ko", 3), ("digits", "en", 10), ("wine", "en", 3)])
def test_the_loss_caption_names_ln_k_for_the_datas_classes(data: str, lang: str, k: int) -> None:
    t = Translator(lang)
    at = _open({"data": data, "cdepth": "3"}, lang)
    assert t("vanishing.cures.loss_caption", k=k, chance=f"{math.log(k):.2f}") in _texts(at, "caption")
    assert "0.69" not in " ".join(_texts(at, "caption"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_loss_caption_and_readings_name_things_as_the_page_shows_them(lang: str) -> None:
    t = Translator(lang)
    at = _open({}, lang)
    captions = _texts(at, "caption")
    assert t("vanishing.cures.loss_caption", k=2, chance=f"{math.log(2):.2f}") in captions
    text = " ".join(_texts(at))
    for code in ("glorot_uniform", "he_normal", "sgd"):
        assert code not in text
    if lang == "ko":
        assert not re.search(r"(?<![A-Za-z])sigmoid(?![A-Za-z])", text)
        # Every number followed by 으로/로 takes the particle its reading calls for.
        for number, form in re.findall(r"(\d[\d.]*(?:e[+-]\d+)?)(으로|로)(?![가-힣])", text):
            assert particle(number, "으로") == form, (number, form)


# ------------------------------------------------------------ what a first visitor sees first
def test_the_charts_at_birth_come_before_any_training(monkeypatch) -> None:
    # A cold request trains fifteen deep networks; the signal and spread at birth need none,
    # so the page draws them (and their readings) before it starts. Training made to fail
    # here: the two charts are on the page all the same, ahead of the failure.
    def no_training(*args, **kwargs):
        raise RuntimeError("training was not expected yet")

    monkeypatch.setattr(cures, "variants", no_training)
    at = open_section(INFO, "cures", {"cdepth": "12"}, timeout=300)
    assert at.exception  # the stand-in's failure (its text is redacted on the page)
    t = Translator("en")
    spread_line = t("vanishing.cures.read.spread", depth=12, plain="§", layer="§", batch="§")
    assert any(m.startswith(spread_line.split("§")[0]) for m in _texts(at, "markdown"))
    charts = [drawn_spec(c) for c in at.get("vega_lite_chart")]
    titles = [str(c) for c in charts]
    assert len(charts) == 2, titles
    assert any("spread" in s for s in titles) and any("‖∂L/∂h‖" in s for s in titles)


def test_the_charts_at_birth_are_the_trained_networks_at_birth() -> None:
    # The page draws births from variants_at_birth and trains with variants: the same
    # networks, so the numbers are identical, not merely close.
    spec = cures_compute.CureSpec(cures_compute.DataSpec("moons", 300, 0.2, 0), 6, 16, "sigmoid",
                                  0.2, 128, 2, 60)
    births = cures_compute.variants_at_birth(spec)
    runs = cures_compute.variants(spec)
    for code in cures_compute.VARIANTS:
        for key in ("signal", "spread", "level", "level_std"):
            assert np.array_equal(getattr(births[code], key), getattr(runs[code].birth, key),
                                  equal_nan=True), (code, key)
