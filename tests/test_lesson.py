"""The lesson's table, rules and numbers, and its science: at every setting a learner can
choose, the run gives the answer the science says (docs/science.md), with margins that
hold on any processor."""

from __future__ import annotations

import itertools
import math

import pytest

from sections.lesson import experiments as ex
from sections.lesson import rules
from sections.lesson.experiments import Measured
from sections.lesson.numbers import Num, Pct, Sci, exponent
from sections.lesson.settings import NAME
from sections.lesson.steps import STEPS, Step
from ui.frame import available_pages
from ui.i18n import LANGUAGES, Translator, catalog
from ui.references import PAPERS

BY_CODE = {s.code: s for s in STEPS}


def settings_of(step: Step) -> list[dict]:
    """Every combination of the step's options."""
    return [dict(zip([c.name for c in step.controls], combo, strict=True))
            for combo in itertools.product(*(c.options for c in step.controls))]


# ------------------------------------------------------------------ the table
def test_the_table_is_whole() -> None:
    assert 8 <= len(STEPS) <= 12
    assert len({s.code for s in STEPS}) == len(STEPS)
    pages = {p.script for p in available_pages()}
    for step in STEPS:
        assert (step.typed is None) != (not step.choices), step.code  # radio or typed, not both
        assert step.cites and all(k in PAPERS for k in step.cites), step.code
        for c in step.controls:
            assert c.default in c.options, (step.code, c.name)
        keys = [c.key(step.code) for c in step.controls]
        assert len(set(keys)) == len(keys)
        for v in settings_of(step):
            script, query = step.link(v)
            assert script in pages, (step.code, script)
            assert all(isinstance(k, str) and k for k in query)
    # URL keys of different steps never collide (a link to one step keeps the others).
    every = [c.key(s.code) for s in STEPS for c in s.controls]
    assert len(set(every)) == len(every)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_a_step_needs_is_in_the_catalog(lang: str) -> None:
    t = Translator(lang)
    for step in STEPS:
        p = f"{NAME}.step.{step.code}"
        for part in ("title", "question", "deeper", "where", "takeaway", "chart", "caption"):
            assert t.has(f"{p}.{part}"), (lang, step.code, part)
        for c in step.choices:
            assert t.has(f"{p}.choice.{c}"), (lang, step.code, c)
        for part in ("measured", "explain"):
            # one text, or one per answer the rule can give
            assert t.has(f"{p}.{part}") or all(t.has(f"{p}.{part}.{c}") for c in step.choices), (
                lang, step.code, part)
        if step.typed is not None:
            assert t.has(f"{p}.typed")
        for c in step.controls:
            assert t.has(f"{NAME}.control.{c.name}")


def test_no_text_is_left_over() -> None:
    """Every ``lesson.step.<code>`` key belongs to a step of the table."""
    codes = {s.code for s in STEPS}
    for key in catalog("en"):
        if key.startswith(f"{NAME}.step."):
            assert key.split(".")[2] in codes, key


# ------------------------------------------------------------------ the rules
def test_nearest_log_buckets_on_a_log_scale() -> None:
    targets = {"same": 1.0, "hundred": 1e2, "million": 1e6}
    assert rules.nearest_log(0.7, targets) == "same"
    assert rules.nearest_log(9.0, targets) == "same"
    assert rules.nearest_log(11.0, targets) == "hundred"  # log10 11 = 1.04: nearer to 2 than to 0
    assert rules.nearest_log(9e3, targets) == "hundred"
    assert rules.nearest_log(1.1e4, targets) == "million"
    with pytest.raises(ValueError):
        rules.nearest_log(0.0, targets)
    with pytest.raises(ValueError):
        rules.nearest_log(math.nan, targets)


def test_learned_and_pair() -> None:
    assert rules.learned(0.8) and not rules.learned(0.74) and not rules.learned(math.nan)
    assert not rules.learned(0.99, diverged_at=3)
    assert rules.pair(True, True, ("a", "b")) == "both"
    assert rules.pair(False, False, ("a", "b")) == "neither"
    assert rules.pair(True, False, ("a", "b")) == "a"
    assert rules.pair(False, True, ("a", "b")) == "b"


def test_rules_read_the_measurement() -> None:
    assert rules.straight(Measured({"residual": 1e-15})) == "line"
    assert rules.straight(Measured({"residual": 0.3})) == "curve"
    assert rules.what_shrinks(Measured({"level_ratio": 1.0, "spread_ratio": 1e-6})) == "spread"
    assert rules.what_shrinks(Measured({"level_ratio": 0.04, "spread_ratio": 0.02})) == "both"
    assert rules.dead_share(Measured({"dead": 0.0})) == "none"
    assert rules.dead_share(Measured({"dead": 0.03})) == "few"
    assert rules.dead_share(Measured({"dead": 0.66})) == "many"


@pytest.mark.parametrize("code", [s.code for s in STEPS if s.typed is not None])
def test_a_typed_answer_is_right_within_its_tolerance(code: str) -> None:
    step = BY_CODE[code]
    answer = 0.25 if code == "slope" else 8
    assert step.is_right(answer, answer)
    if step.typed.tolerance:
        assert step.is_right(answer * (1 + 0.9 * step.typed.tolerance), answer)
        assert not step.is_right(answer * (1 + 1.1 * step.typed.tolerance), answer)
    else:
        assert not step.is_right(answer + 1, answer)


def test_numbers_write_themselves() -> None:
    assert f"{Sci(4.7e5)}" == "4.7 × 10⁵"
    assert f"{Sci(9.5367e-7)}" == "9.5 × 10⁻⁷"
    assert f"{Sci(0.25)}" == "0.25" and f"{Sci(9.99e5)}" == "1.0 × 10⁶"
    assert f"{Pct(0.973)}" == "97%" and f"{Pct(0.5)}" == "50%" and f"{Pct(0.004)}" == "0.4%"
    assert f"{Pct(math.nan)}" == "—" and f"{Num(-1.5)}" == "−1.5"
    assert Sci(3.0) == 3.0 and f"{Sci(3.0):.2f}" == "3.00"  # still a number
    assert exponent(1e-6) == "10⁻⁶"


# ------------------------------------------------------------------ the science
#: What docs/science.md says each cheap step's run must give, at every setting.
CHEAP = {
    "linear": lambda v: {"identity": "line", "relu": "curve"}[v["act"]],
    "slope": lambda v: {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}[v["act"]],
    "chain": lambda v: "one" if v["act"] != "sigmoid" else {5: "milli", 10: "micro", 20: "pico"}[v["depth"]],
    "signal": lambda v: "same" if v["act"] == "relu" else {5: "hundred", 10: "million"}[v["depth"]],
    "spread": lambda v: {("sigmoid", "glorot_uniform"): "spread", ("sigmoid", "he_normal"): "spread",
                         ("relu", "he_normal"): "neither", ("relu", "glorot_uniform"): "both"}[
        (v["act"], v["init"])],
    "dead": lambda v: {0.3: "few", 1: "few", 3: "many"}[v["lr"]],
    "pieces": lambda v: 2 ** v["k"],
}
#: The trainings (seconds each): the same, measured at every setting.
TRAINED = {
    "duel": lambda v: {2: "both", 10: "relu"}[v["depth"]],
    "init": lambda v: {10: "both", 30: "he"}[v["depth"]],
    "cures": lambda v: {"sigmoid": "residual", "relu": "plain"}[v["act"]],
    "today": lambda v: {20: "both", 50: "residual_layer"}[v["depth"]],
}


def _check(code: str, expect) -> None:
    step = BY_CODE[code]
    for v in settings_of(step):
        m = step.experiment(v, "")
        answer = step.rule(m)
        # The compute guard let the run through whole: the epochs its texts quote (from
        # the step's constants) are the epochs it trained.
        if "epochs" in dict(step.fixed) and "epochs" in m.numbers:
            assert m.numbers["epochs"] == dict(step.fixed)["epochs"], (code, v, m.numbers)
        if step.typed is not None:
            assert step.is_right(expect(v), answer), (code, v, answer, m.numbers)
        else:
            assert answer == expect(v), (code, v, answer, m.numbers)


@pytest.mark.parametrize("code", list(CHEAP))
def test_every_setting_gives_the_answer_the_science_says(code: str) -> None:
    _check(code, CHEAP[code])


@pytest.mark.slow
@pytest.mark.parametrize("code", list(TRAINED))
def test_every_training_setting_gives_the_answer_the_science_says(code: str) -> None:
    _check(code, TRAINED[code])


def test_margins_keep_the_verdicts_off_the_rounding() -> None:
    """The measured values sit far from every rule's boundary (a factor of 2 or more on a
    log scale, 10 points of accuracy), so another processor's rounding cannot flip one."""
    for v in settings_of(BY_CODE["signal"]):
        r = ex.signal(v, "").numbers["ratio"]
        assert min(abs(math.log10(r) - b) for b in (1.0, 4.0)) > math.log10(2), (v, r)
    for v in settings_of(BY_CODE["spread"]):
        n = ex.spread(v, "").numbers
        for ratio in (n["level_ratio"], n["spread_ratio"]):
            assert abs(math.log10(ratio) - math.log10(rules.SHRUNK)) > math.log10(2), (v, ratio)
    for v in settings_of(BY_CODE["linear"]):
        r = ex.linear(v, "").numbers["residual"]
        assert r < 1e-12 or r > 1e-2, (v, r)
    for v in settings_of(BY_CODE["dead"]):
        d = ex.dead(v, "").numbers["dead"]
        assert abs(d - rules.FEW) > 0.1, (v, d)
