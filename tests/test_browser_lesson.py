"""The lesson in a real browser: three steps walked as a learner does (predict, Run, read
the verdict), in English and in Korean, and one step on a phone.

Screenshots land in ``artifacts/screenshots/lesson-<step>-<lang>.png``,
``lesson-finale-<lang>.png`` and ``lesson-phone.png``; look at them.
"""

from __future__ import annotations

import pytest
from harness import AppPage, StreamlitServer, chromium, require_chromium

from sections.lesson.settings import NAME
from sections.lesson.steps import STEPS
from sections.lesson.view import choice_text
from ui.i18n import Translator

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BY_CODE = {s.code: s for s in STEPS}
NUMBER = {s.code: n for n, s in enumerate(STEPS, start=1)}
#: Three steps and a prediction for each: a right one, a wrong one, a right one.
WALK = (("linear", "line", "✓"), ("signal", "same", "✗"), ("dead", "many", "✓"))


def _walk(app: AppPage, lang: str) -> None:
    t = Translator(lang)
    page = app.page
    main = page.locator('[data-testid="stMain"]')
    for i, (code, choice, mark) in enumerate(WALK):
        step = BY_CODE[code]
        if i == 0:
            app.goto("lesson", f"step={NUMBER[code]}" + (f"&lang={lang}" if lang != "en" else ""))
        else:
            # The step picker: open it and choose the step by its title.
            picker = main.locator('[data-testid="stSelectbox"]').first
            picker.click()
            option = t(f"{NAME}.step_option", n=NUMBER[code], total=len(STEPS) + 1,
                       title=t(f"{NAME}.step.{code}.title"))
            app.rerun(page.get_by_role("option", name=option).click)
            app.wait_idle()
        n = NUMBER[code]
        assert f"step={n}" in page.url if n > 1 else "step=" not in page.url  # 1: the default
        title = t(f"{NAME}.step.{code}.title")
        assert title in main.inner_text()
        run = main.get_by_role("button", name=t(f"{NAME}.run"))
        assert run.is_disabled()  # predict first
        app.rerun(main.locator('[data-testid="stRadio"]').get_by_text(
            choice_text(t, step, choice), exact=True).click)
        app.wait_idle()
        assert run.is_enabled()
        app.rerun(run.click)
        app.wait_idle()
        assert app.wait_charts(least=1) >= 1
        alerts = main.locator('[data-testid="stAlert"]').all_inner_texts()
        verdicts = [a.strip() for a in alerts if a.strip()[:1] in "✓✗"]
        assert len(verdicts) == 1 and verdicts[0].startswith(mark), alerts
        assert t(f"{NAME}.step.{code}.where") in main.inner_text()
        assert app.exceptions() == 0, app.text()
        app.screenshot(f"lesson-{code}-{lang}")
    progress = t(f"{NAME}.progress", predicted=3, ran=3, right=2, total=len(STEPS))
    assert progress.replace("**", "") in main.inner_text()
    # The closing page: the Playground links and the summary, with the learner's three runs.
    main.locator('[data-testid="stSelectbox"]').first.click()
    finale = t(f"{NAME}.finale.title")
    app.rerun(page.get_by_role("option", name=t(f"{NAME}.step_option", n=len(STEPS) + 1,
                                                   total=len(STEPS) + 1, title=finale)).click)
    app.wait_idle()
    text = main.inner_text()
    assert t(f"{NAME}.finale.summary_title") in text and app.exceptions() == 0
    assert text.count(t(f"{NAME}.summary.not_run")) == len(STEPS) - len(WALK)
    app.screenshot(f"lesson-finale-{lang}")


@pytest.fixture(scope="module")
def served():
    """One server and browser for both languages: the Korean walk runs the same trainings
    (cached by then); each walk is a new visitor (its own browser context)."""
    require_chromium()
    with StreamlitServer() as server, chromium() as browser:
        yield server, browser


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_walk_three_steps(served, lang: str) -> None:
    server, browser = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    app = AppPage(context.new_page(), server.url)
    _walk(app, lang)
    context.close()
    if lang == "en":
        _phone(browser, server.url)


def _phone(browser, url: str) -> None:
    """On a 390 px screen the question, the choices and Run come first, in one column."""
    t = Translator("en")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True)
    app = AppPage(phone.new_page(), url).goto("lesson", f"step={NUMBER['chain']}")
    main = app.page.locator('[data-testid="stMain"]')
    run = main.get_by_role("button", name=t(f"{NAME}.run"))
    box = run.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390, box
    app.rerun(main.locator('[data-testid="stRadio"]').get_by_text(
        choice_text(t, BY_CODE["chain"], "micro"), exact=True).click)
    app.wait_idle()
    app.rerun(run.click)
    app.wait_idle()
    assert app.wait_charts(least=1) >= 1 and app.exceptions() == 0
    app.screenshot("lesson-phone")
    phone.close()
