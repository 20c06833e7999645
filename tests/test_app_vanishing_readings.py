"""The vanishing page's readings follow from its runs at every setting: spreads below
rounding error, the loss of a constant answer for k classes, the chain of L − 1 slopes,
and the ratio the measured slopes predict.

Each at three settings or more, in English and Korean; small runs (few points and epochs)
where training is not the point.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from apptest_utils import errors_text, open_page, open_section

from core.activations import ACTIVATIONS
from core.datasets import load, train_test_split
from core.gradients import init_statistics, rounding_floor, slope_bound
from core.init import weight_variance
from ui.frame import PAGES
from ui.i18n import Translator, superscript

INFO = next(p for p in PAGES if p.name == "vanishing")
SMALL = {"n": "100", "epochs": "5"}


def _lang(query: dict, lang: str) -> dict:
    return {**query, **({"lang": lang} if lang != "en" else {})}


@pytest.mark.parametrize(("query", "lang", "below"), [
    ({"depth": "50", "act": "sigmoid"}, "en", True),
    ({"depth": "30", "act": ["sigmoid", "relu"]}, "ko", True),
    ({"depth": "10", "act": "sigmoid"}, "en", False),
], ids=["sigmoid50", "sigmoid30-ko", "sigmoid10"])
def test_spreads_below_rounding_error_are_said_so(query: dict, lang: str, below: bool) -> None:
    t = Translator(lang)
    at = open_page(INFO, _lang({**SMALL, **query}, lang))
    assert not at.exception, errors_text(at)
    said = t("common.below_rounding", floor="§").split("§")[0]
    name = t("common.option.act.sigmoid")
    reading = next(m.value for m in at.markdown if m.value.startswith(f"- **{name}**"))
    assert (said in reading) == below, reading
    assert any(t("common.below_rounding_caption") in c.value for c in at.caption) == below
    # The spread chart draws nothing a float64 cannot tell from rounding.
    import pyarrow as pa

    spread_chart = at.get("vega_lite_chart")[1]  # signal, spread; level, gradient; saturation
    spread = [pa.ipc.open_stream(ds.data.data).read_pandas() for ds in spread_chart.proto.datasets]
    values = np.concatenate([f[c].to_numpy(dtype=float) for f in spread for c in ("mid", "lo", "hi")
                             if c in f.columns])
    assert np.nanmin(values) > 1e-14 and np.nanmax(values) > 0.1  # the spreads, not the signal


@pytest.mark.parametrize(("data", "lang", "k"), [
    ("moons", "en", 2), ("iris", "ko", 3), ("digits", "en", 10), ("wine", "ko", 3),
])
def test_the_loss_caption_names_the_loss_of_a_constant_answer_for_k_classes(data, lang, k) -> None:
    t = Translator(lang)
    at = open_section(INFO, "train", _lang({**SMALL, "data": data, "act": "relu", "depth": "3"}, lang))
    assert not at.exception, errors_text(at)
    expected = t("vanishing.train.loss_caption", k=k, chance=f"{math.log(k):.2f}")
    assert expected in [c.value for c in at.caption]
    assert k == 2 or "0.69" not in expected


@pytest.mark.parametrize(("query", "lang"), [
    ({}, "en"),
    ({"depth": "5", "init": "glorot_uniform"}, "ko"),
    ({"depth": "20", "act": "tanh", "init": "standard"}, "en"),
    ({"depth": "1", "act": "relu"}, "ko"),
], ids=["defaults", "glorot5-ko", "tanh-standard20", "one-layer-ko"])
def test_the_explain_section_counts_l_minus_1_slopes_and_predicts_from_measured_ones(query, lang) -> None:
    t = Translator(lang)
    at = open_section(INFO, "explain", _lang({**SMALL, **query}, lang))
    assert not at.exception, errors_text(at)
    text = " ".join(m.value for m in at.markdown)
    depth = int(query.get("depth", 10))
    if depth == 1:
        assert t("vanishing.explain.chain_one") in text
        return
    gaps = depth - 1
    bound = slope_bound(ACTIVATIONS["sigmoid"], gaps)
    assert f"¼{superscript(gaps)} = **{bound:.2g}**" in text  # ¼⁹ at depth 10, as home says
    X, y = load("moons", n_samples=100, noise=0.2, seed=0)
    Xtr, _, ytr, _ = train_test_split(X, y, seed=0)
    init = query.get("init", "he_normal")
    acts = query.get("act", ["sigmoid", "tanh", "relu"])
    for act in [acts] if isinstance(acts, str) else acts:
        s = init_statistics([2, *[32] * depth, 1], act, init, Xtr, ytr, seeds=range(5))
        per_layer = np.nanmean(s.slope_sq, axis=0)[1:]
        slope2 = float(np.exp(np.mean(np.log(per_layer))))
        gain = 32 * weight_variance(init, 32, 32, 0.01)
        predicted = math.sqrt(gain * slope2) ** gaps
        name = t(f"common.option.act.{act}")
        line = next(x for m in at.markdown for x in m.value.split("\n") if x.startswith(f"- **{name}**:"))
        assert f"{predicted:.2g}" in line, (line, predicted)
        g = np.exp(np.mean(np.log(s.grad_h), axis=0))
        measured = g[0] / g[-1]
        if not query:  # at the defaults the prediction from measured slopes is near the ratio
            assert 1 / 3 < predicted / measured < 3, (act, predicted, measured)


def test_the_spread_floor_is_the_rounding_share_of_the_activations_size() -> None:
    # Below ROUNDING × RMS(h) a difference between inputs is lost in the last digits.
    level, std = np.array([0.5, 0.0]), np.array([0.1, 0.0])
    assert rounding_floor(level, std)[0] == pytest.approx(2.2e-14 * math.hypot(0.5, 0.1), rel=0.01)
    assert rounding_floor(level, std)[1] == 0


@pytest.mark.parametrize(("query", "lang", "verdict"), [
    ({"depth": "10", "act": ["sigmoid", "relu"]}, "en", {"sigmoid": "lost"}),
    ({"depth": "3", "act": "relu"}, "ko", {}),
    ({"depth": "10", "act": "relu", "init": "normal", "std": "1"}, "en", {"relu": "grown"}),
    ({"depth": "10", "act": ["sigmoid", "tanh"], "init": "normal", "std": "1"}, "ko",
     {"sigmoid": None, "tanh": "grown"}),
    ({"depth": "20", "act": ["sigmoid", "relu"], "init": "normal", "std": "1"}, "ko",
     {"sigmoid": "lost", "relu": "grown"}),
], ids=["sigmoid-relu", "relu3-ko", "relu-exploding", "tanh-exploding-ko", "both-ko"])
def test_the_key_charts_one_sentence_reading_follows_the_run(query: dict, lang: str,
                                                             verdict: dict) -> None:
    """Under the signal chart: each series' factor from the last hidden layer to layer 1, as
    the fuller reading says it, and the verdict its threshold (1/100 either way) gives."""
    t = Translator(lang)
    at = open_page(INFO, _lang({**SMALL, **query}, lang))
    assert not at.exception, errors_text(at)
    depth = int(query["depth"])
    opening = t("vanishing.init.headline", depth=depth, items="§").split("§")[0]
    line = next(m.value for m in at.markdown if m.value.startswith(opening))
    acts = query["act"] if isinstance(query["act"], list) else [query["act"]]
    for act in acts:
        name = t(f"common.option.act.{act}")
        factor = re.search(rf"\*\*{re.escape(name)}\*\* ×(\S+?)[,.](?:\s|$)", line).group(1)
        reading = next(m.value for m in at.markdown if m.value.startswith(f"- **{name}**"))
        ratio = "×" if lang == "en" else "배"
        assert f"**{factor}{ratio}**" in reading, (factor, reading)
    share, factor = "1/100", 100
    lost = [t(f"common.option.act.{a}") for a, v in verdict.items() if v == "lost"]
    grown = [t(f"common.option.act.{a}") for a, v in verdict.items() if v == "grown"]
    said_lost = t("vanishing.init.headline_lost", names=", ".join(lost), share=share)
    said_grown = t("vanishing.init.headline_grown", names=", ".join(grown), factor=factor)
    said_kept = t("vanishing.init.headline_kept", share=share, depth=depth)
    assert (said_lost in line) == bool(lost), line
    assert (said_grown in line) == bool(grown), line
    assert (said_kept in line) == (not lost and not grown), line



@pytest.mark.parametrize(("query", "lang"), [
    ({"depth": "10", "act": ["sigmoid", "relu"], "epochs": "30"}, "en"),
    ({"depth": "3", "act": ["sigmoid", "tanh"], "epochs": "30"}, "ko"),
], ids=["sigmoid-relu", "sigmoid-tanh-ko"])
def test_the_training_sections_one_sentence_reading_follows_the_runs(query: dict, lang: str) -> None:
    """Under the loss and accuracy charts: each series' last training accuracy and whether
    it learned, the verdict "Why it happens" gives the same (cached) run."""
    t = Translator(lang)
    page = _lang({**SMALL, **query}, lang)
    at = open_section(INFO, "train", page)
    assert not at.exception, errors_text(at)
    opening = t("vanishing.train.headline", epochs=query["epochs"], items="§").split("§")[0]
    line = next(m.value for m in at.markdown if m.value.startswith(opening))
    explain = open_section(INFO, "explain", page)
    assert not explain.exception, errors_text(explain)
    verdicts = {v: t(f"vanishing.verdict.{v}", pct="70") for v in ("learned", "stuck", "diverged")}
    for act in query["act"]:
        name = t(f"common.option.act.{act}")
        item = re.search(rf"\*\*{re.escape(name)}\*\* (\d+)%\s?\(([^)]*)\)", line)
        assert item and 0 <= int(item.group(1)) <= 100, line
        said = next(m.value for m in explain.markdown
                    if f"**{name}**" in m.value and any(v in m.value for v in verdicts.values()))
        word = next(code for code, v in verdicts.items() if v in said)
        assert item.group(2) == t(f"vanishing.train.word.{word}"), (line, said)
