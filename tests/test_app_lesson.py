"""The lesson page through AppTest: every step in English and Korean, verdicts that follow
the run, the URL, the session's predictions, classroom mode, the worksheet and answer key.

The runs are the pages' cached computations, shared by every AppTest of the process, so
each experiment trains once per test process.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import altair as alt
import pytest
from apptest_utils import drawn_spec, errors_text, open_page, url_note_shown

from sections.lesson import sheets
from sections.lesson.settings import NAME
from sections.lesson.steps import STEPS, Step
from sections.lesson.view import choice_text, shown_answer
from ui.frame import PAGES
from ui.i18n import Translator

LESSON = next(p for p in PAGES if p.name == "lesson")
BY_CODE = {s.code: s for s in STEPS}
NUMBER = {s.code: n for n, s in enumerate(STEPS, start=1)}
IDS = [s.code for s in STEPS]


def open_step(code: str, lang: str = "en", **query: str):
    q = {"step": str(NUMBER[code]), **query}
    if lang != "en":
        q["lang"] = lang
    at = open_page(LESSON, q)
    assert not at.exception, errors_text(at)
    return at


def predict(at, step: Step, value):
    key = f"_predict_{step.code}"
    widget = at.radio(key=key) if step.typed is None else at.number_input(key=key)
    return widget.set_value(value).run()


def press_run(at, step: Step):
    at.button(key=f"_run_{step.code}").click().run()
    assert not at.exception, errors_text(at)
    return at


def verdicts(at) -> list[str]:
    return [e.value for e in (*at.success, *at.error) if e.value[:1] in "✓✗"]


def verdict(at) -> str:
    found = verdicts(at)
    assert len(found) == 1, found
    return found[0]


def answer_at(step: Step, values: dict | None = None):
    """What the run at these settings says is right (the page's own derivation)."""
    m = step.experiment(values or step.defaults(), "")
    return step.rule(m)


def wrong_for(step: Step, answer):
    if step.typed is not None:
        return step.typed.hi if answer < step.typed.hi / 2 else step.typed.lo
    return next(c for c in step.choices if c != answer)


def set_control(at, step: Step, name: str, value):
    ctl = next(c for c in step.controls if c.name == name)
    at.radio(key=ctl.key(step.code)).set_value(f"{value:g}" if isinstance(value, float) else str(value)).run()
    assert not at.exception, errors_text(at)
    return at


# ------------------------------------------------------------- every step
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("code", IDS)
def test_every_step_predict_run_verdict(code: str, lang: str) -> None:
    t, step = Translator(lang), BY_CODE[code]
    at = open_step(code, lang)
    head = t(f"{NAME}.step_head", n=NUMBER[code], total=len(STEPS), title=t(f"{NAME}.step.{code}.title"))
    assert [h.value for h in at.header] == [head]
    assert not verdicts(at)
    run_button = at.button(key=f"_run_{code}")
    assert run_button.label.startswith("Run" if lang == "en" else "실행")
    assert run_button.disabled  # predict first
    for c in step.controls:
        assert c.key(code) in {w.key for w in at.radio}
    answer = answer_at(step)
    # The right answer gets ✓, with what the run measured.
    at = press_run(predict(at, step, answer), step)
    line = verdict(at)
    assert line.startswith("✓"), line
    drawn = list(at.get("vega_lite_chart"))
    assert drawn, "the run's chart"
    for chart in drawn:  # valid Vega-Lite (pages skip Altair's check at run time)
        alt.Root.validate(drawn_spec(chart))
    assert any(t("refs.lead_one") in c.value or t("refs.lead_many") in c.value for c in at.caption)
    link = next(pl.proto for pl in at.get("page_link")
                if pl.proto.label == t(f"{NAME}.step.{code}.where"))
    script, query = step.link(step.defaults())
    assert link.page == script.removeprefix("pages/").removesuffix(".py").replace("dashboard", "")
    sent = {k: v[0] for k, v in parse_qs(link.query_string).items()}
    assert sent == {**{k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in query.items()},
                    **({"lang": lang} if lang != "en" else {})}
    # A new prediction asks for a new run; a wrong one then gets ✗ and the right answer.
    at = predict(at, step, wrong_for(step, answer))
    assert not verdicts(at)
    assert any(t(f"{NAME}.stale") == i.value for i in at.info)
    line = verdict(press_run(at, step))
    assert line.startswith("✗"), line
    assert shown_answer(t, step, answer) in line
    # A changed control: the step runs again there, and the verdict is the run's.
    ctl = step.controls[0]
    other = next(o for o in ctl.options if o != ctl.default)
    set_control(at, step, ctl.name, other)
    assert not verdicts(at)
    line = verdict(press_run(at, step))
    there = answer_at(step, {**step.defaults(), ctl.name: other})
    assert line.startswith("✓" if step.is_right(wrong_for(step, answer), there) else "✗"), line


# ------------------------------------------- verdicts derived from the run
#: Two settings per step and what the science says the run gives at each (docs/science.md).
FLIPS = {
    "linear": ("act", ("identity", "line"), ("relu", "curve")),
    "chain": ("act", ("sigmoid", "micro"), ("relu", "one")),
    "signal": ("act", ("sigmoid", "million"), ("relu", "same")),
    "spread": ("init", ("glorot_uniform", "spread"), ("he_normal", "spread")),
    "dead": ("lr", (3, "many"), (1, "few")),
    "pieces": ("k", (3, 8), (5, 32)),
    "today": ("depth", (50, "residual_layer"), (20, "both")),
}


@pytest.mark.parametrize("code", ["linear", "chain", "signal", "dead"])
def test_each_option_right_or_wrong_as_the_run_says(code: str) -> None:
    step = BY_CODE[code]
    name, (value, expected), _ = FLIPS[code]
    at = open_step(code)
    set_control(at, step, name, value)
    for choice in step.choices:
        line = verdict(press_run(predict(at, step, choice), step))
        assert line.startswith("✓" if choice == expected else "✗"), (choice, line)


@pytest.mark.parametrize("code", ["linear", "chain", "signal", "dead", "pieces",
                                  pytest.param("today", marks=pytest.mark.slow)])
def test_a_setting_that_flips_the_outcome_flips_the_verdict(code: str) -> None:
    step, t = BY_CODE[code], Translator("en")
    name, (first, before), (second, after) = FLIPS[code]
    assert before != after
    at = open_step(code)
    set_control(at, step, name, first)
    at = press_run(predict(at, step, before), step)
    assert verdict(at).startswith("✓")
    set_control(at, step, name, second)
    assert not verdicts(at)  # the settings changed: a new Run is needed
    line = verdict(press_run(at, step))
    assert line.startswith("✗"), line
    assert shown_answer(t, step, after) in line
    # The setting is in the share link, and the deeper link carries it.
    ctl = next(c for c in step.controls if c.name == name)
    share = parse_qs(at.sidebar.get("code")[0].value.split("?", 1)[1])
    assert share[ctl.key(code)] == [f"{second:g}" if isinstance(second, float) else str(second)]
    link = next(pl.proto for pl in at.get("page_link")
                if pl.proto.label == t(f"{NAME}.step.{code}.where"))
    _, query = step.link({**step.defaults(), name: second})
    assert parse_qs(link.query_string) == {k: [f"{v:g}" if isinstance(v, float) else str(v)]
                                           for k, v in query.items()}


def test_spread_flips_with_the_activation_and_the_initialisation() -> None:
    step = BY_CODE["spread"]
    at = open_step("spread")
    seen = {}
    for act, init in (("sigmoid", "glorot_uniform"), ("relu", "glorot_uniform"), ("relu", "he_normal")):
        set_control(at, step, "act", act)
        set_control(at, step, "init", init)
        for choice in step.choices:
            if verdict(press_run(predict(at, step, choice), step)).startswith("✓"):
                seen[(act, init)] = choice
    assert seen == {("sigmoid", "glorot_uniform"): "spread", ("relu", "glorot_uniform"): "both",
                    ("relu", "he_normal"): "neither"}


# ---------------------------------------------------------------- the URL
@pytest.mark.parametrize("raw", ["zzz", "99", "0", "1.5", "-2", "٣", ["2", "3"], "ko:zzz", "ko:99"])
def test_a_tampered_step_falls_back_to_step_one_with_a_note(raw) -> None:
    lang, _, value = raw.rpartition(":") if isinstance(raw, str) else ("", "", raw)
    at = open_page(LESSON, {"step": value, **({"lang": lang} if lang else {})})
    assert not at.exception, errors_text(at)
    assert url_note_shown(at)
    t = Translator(lang or "en")
    assert [h.value for h in at.header] == [
        t(f"{NAME}.step_head", n=1, total=len(STEPS), title=t(f"{NAME}.step.{STEPS[0].code}.title"))]


def test_a_tampered_control_falls_back_with_a_note() -> None:
    at = open_step("signal", signal_depth="7", signal_act="tanh")
    assert url_note_shown(at)
    assert at.radio(key="signal_depth").value == "10"
    assert at.radio(key="signal_act").value == "sigmoid"


def test_a_link_to_a_step_with_settings_opens_them() -> None:
    at = open_step("signal", signal_depth="5", signal_act="relu")
    assert not url_note_shown(at)
    assert at.radio(key="signal_depth").value == "5"
    assert at.radio(key="signal_act").value == "relu"


def test_the_closing_page_and_the_step_buttons() -> None:
    at = open_page(LESSON)
    t = Translator("en")
    at.button(key="_lesson_next").click().run()
    assert at.query_params["step"] in ("2", ["2"])
    at.button(key="_lesson_back").click().run()
    assert "step" not in at.query_params  # step 1 is the default: a clean link
    at = open_page(LESSON, {"step": str(len(STEPS) + 1)})
    assert not at.exception, errors_text(at)
    assert [h.value for h in at.header] == [t(f"{NAME}.finale.title")]
    links = {pl.proto.query_string for pl in at.get("page_link")
             if pl.proto.page == "playground" and pl.proto.query_string}
    assert len(links) == 2 and all("grad=true" in q for q in links)
    assert {parse_qs(q)["act"][0] for q in links} == {"sigmoid", "relu"}
    assert "_lesson_next" not in {b.key for b in at.button}  # the last page
    # Each link opens the Playground as asked: no note that a setting was refused.
    playground = next(p for p in PAGES if p.name == "playground")
    for q in links:
        there = open_page(playground, {k: v[0] for k, v in parse_qs(q).items()})
        assert not there.exception, errors_text(there)
        assert not there.warning, [w.value for w in there.warning]


def test_a_pinned_step_has_no_picker_and_no_step_buttons() -> None:
    at = open_page(LESSON, {"step": "3", "hide": "step"})
    assert not at.exception, errors_text(at)
    assert "step" not in {w.key for w in at.selectbox}
    assert not [b for b in at.button if b.key in ("_lesson_next", "_lesson_back")]


# ------------------------------------------------------------ the session
def test_predictions_and_progress_are_kept_in_the_session() -> None:
    t = Translator("en")
    at = open_step("chain")
    step = BY_CODE["chain"]
    at = press_run(predict(at, step, "micro"), step)
    at.button(key="_lesson_next").click().run()  # to step 4
    predict(at, BY_CODE["signal"], "same")
    at.button(key="_lesson_back").click().run()  # back to step 3
    assert at.radio(key="_predict_chain").value == "micro"
    assert verdict(at).startswith("✓")  # the run is kept too
    line = t(f"{NAME}.progress", predicted=2, ran=1, right=1, total=len(STEPS))
    assert line in [m.value for m in at.markdown]
    # The closing page sums it up: the run step with its verdict, the others not run.
    at = open_page(LESSON, {"step": str(len(STEPS) + 1)})
    at.session_state["_lesson_records"] = {}
    at.run()
    summary = next(m.value for m in at.markdown if t(f"{NAME}.step.linear.takeaway") in m.value)
    assert summary.count(t(f"{NAME}.summary.not_run")) == len(STEPS)
    for s in STEPS:
        assert t(f"{NAME}.step.{s.code}.takeaway") in summary


def test_the_summary_quotes_the_learners_runs() -> None:
    """Two steps run (one whose texts quote fixed numbers, one typed), then Next to the
    closing page: the summary quotes both verdicts and the settings the learner chose."""
    t = Translator("ko")
    at = open_step("dead", "ko")
    at = press_run(predict(at, BY_CODE["dead"], "none"), BY_CODE["dead"])
    assert verdict(at).startswith("✗")
    at.button(key="_lesson_next").click().run()  # step 9
    at = press_run(predict(at, BY_CODE["pieces"], 8), BY_CODE["pieces"])
    assert verdict(at).startswith("✓")
    for _ in range(len(STEPS) - NUMBER["pieces"] + 1):  # past the last step: the closing page
        at.button(key="_lesson_next").click().run()
        assert not at.exception, errors_text(at)
    assert [h.value for h in at.header] == [t(f"{NAME}.finale.title")]
    summary = next(m.value for m in at.markdown if t(f"{NAME}.step.pieces.takeaway") in m.value)
    assert summary.count(t(f"{NAME}.summary.not_run")) == len(STEPS) - 2
    lines = summary.split("\n- ")
    dead = next(x for x in lines if t(f"{NAME}.step.dead.title") in x)
    pieces = next(x for x in lines if t(f"{NAME}.step.pieces.title") in x)
    assert "✗" in dead and "lr" not in dead and "3" in dead, dead
    assert "✓" in pieces, pieces


# ------------------------------------------------------------- classroom
def test_classroom_mode_hides_the_verdict_until_revealed() -> None:
    t = Translator("en")
    step = BY_CODE["signal"]
    at = open_step("signal", hide="answers")
    assert any(t(f"{NAME}.classroom") == c.value for c in at.caption)
    at = press_run(predict(at, step, "million"), step)
    assert not verdicts(at) and not at.get("vega_lite_chart")
    assert any("million" in i.value for i in at.info)  # the prediction is said to be recorded
    assert t(f"{NAME}.progress", predicted=1, ran=1, right=0, total=len(STEPS)) in [
        m.value for m in at.markdown]
    # No answer key for the class; the worksheet stays.
    assert not [b for b in at.sidebar.button if b.key == "_lesson_prepare"]
    assert [b for b in at.sidebar.get("download_button") if "worksheet" in b.proto.label]
    at.button(key="_reveal_signal").click().run()
    assert verdict(at).startswith("✓") and at.get("vega_lite_chart")
    assert t(f"{NAME}.progress", predicted=1, ran=1, right=1, total=len(STEPS)) in [
        m.value for m in at.markdown]
    # A new run hides its verdict again until revealed.
    at = press_run(predict(at, step, "same"), step)
    assert not verdicts(at)


# ----------------------------------------------- worksheet and answer key
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_worksheet_has_every_step(lang: str) -> None:
    t = Translator(lang)
    text = sheets.worksheet(t, "http://host/lesson")
    for n, step in enumerate(STEPS, start=1):
        title = t(f"{NAME}.step.{step.code}.title")
        assert f"## {t(f'{NAME}.step_head', n=n, total=len(STEPS), title=title)}" in text
        assert f"<http://host/lesson?step={n}>" in text
        for c in step.choices:
            assert f"- [ ] {choice_text(t, step, c)}" in text
    assert text.count(f"**{t(f'{NAME}.sheet.prediction')}**") == len(STEPS)
    at = open_page(LESSON, {"lang": lang} if lang != "en" else None)
    labels = [b.proto.label for b in at.sidebar.get("download_button")]
    assert t(f"{NAME}.teacher.worksheet") in labels
    if lang == "en":
        assert any("worksheet" in label for label in labels)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_answer_key_is_measured_by_the_runs(lang: str) -> None:
    t = Translator(lang)
    key = sheets.answer_key(t, "/lesson")
    sections = key.split("\n## ")[1:]
    assert len(sections) == len(STEPS)
    for n, (step, part) in enumerate(zip(STEPS, sections, strict=True), start=1):
        assert part.startswith(t(f"{NAME}.step_head", n=n, total=len(STEPS),
                                 title=t(f"{NAME}.step.{step.code}.title")))
        m = step.experiment(step.defaults(), "")
        answer = step.rule(m)
        assert f"**{t(f'{NAME}.sheet.answer')}** {shown_answer(t, step, answer)}" in part
        for k, x in m.numbers.items():
            assert f"- `{k}` = " in part and f"({sheets.exact(x)})" in part, (step.code, k)
            if isinstance(x, float):  # the digits printed read back as the run's number
                printed = part.split(f"- `{k}` = ", 1)[1].split("\n", 1)[0].rsplit("(", 1)[1][:-1]
                assert printed == "—" or float(printed) == float(x) or (x != x and printed == "nan")
    # The page offers the key after preparing it (same runs, cached).
    at = open_page(LESSON, {"lang": lang} if lang != "en" else None)
    at.sidebar.button(key="_lesson_prepare").click().run()
    assert not at.exception, errors_text(at)
    assert [b for b in at.sidebar.get("download_button") if b.proto.label == t(f"{NAME}.teacher.key")]


def test_reset_puts_the_steps_settings_back_and_keeps_the_step() -> None:
    at = open_step("signal", signal_depth="5", signal_act="relu")
    at.button(key="_reset").click().run()
    assert not at.exception, errors_text(at)
    assert at.radio(key="signal_depth").value == "10" and at.radio(key="signal_act").value == "sigmoid"
    t = Translator("en")
    assert [h.value for h in at.header] == [
        t(f"{NAME}.step_head", n=NUMBER["signal"], total=len(STEPS), title=t(f"{NAME}.step.signal.title"))]


def test_no_answer_key_for_any_classroom_link() -> None:
    for hide in ("all", "step", "answers"):
        at = open_page(LESSON, {"hide": hide})
        assert not [b for b in at.sidebar.button if b.key == "_lesson_prepare"], hide
    assert [b for b in open_page(LESSON).sidebar.button if b.key == "_lesson_prepare"]
