"""The first screen of every page, as a new learner sees it: the key chart, on a laptop and a phone.

One server (and one Chromium) serves every page in English and Korean at 1400×900 and
at 390×844 (a phone, sidebar collapsed); the second size finds the pages' trainings
cached, as a learner's second device would: what is checked is the layout. For each the
*first screen only* (the viewport, not the whole page) is saved as
``artifacts/screenshots/first-<page>-<size>-<lang>.png``, and the page's
first chart must start on that screen: the lesson comes before the prose.

The lesson page is checked for what its first screen is for: the learner predicts before
any chart gives the answer away, so its key is the open step's question (whole, on both
sizes) and, on a laptop, the Run button under the prediction. On a phone the title, the
one-line lead, the step picker, the step's heading and question fill the screen; the
step's controls, the prediction and Run follow on the next one.
"""

from __future__ import annotations

import pytest
from harness import AppPage, StreamlitServer, chromium, require_chromium

from ui.frame import available_pages

PAGES = available_pages()
pytestmark = pytest.mark.browser

SIZES = {"laptop": (1400, 900), "phone": (390, 844)}
#: Pages whose first chart a phone's first screen does not reach. None: every page
#: opens on its key chart (the lesson on its question, see the module's docstring).
PHONE_PENDING: tuple[str, ...] = ()
#: The lesson's first step, whose question and Run button the first screen must show.
LESSON_STEP = "linear"


def _first_chart_top(app: AppPage) -> float:
    """The top of the first drawn chart (or the Playground's component), in viewport pixels."""
    boxes = [app.page.locator(sel).first.bounding_box()
             for sel in ('[data-testid="stVegaLiteChart"]',
                         '[data-testid="stBidiComponentIsolated"]')
             if app.page.locator(sel).count()]
    tops = [b["y"] for b in boxes if b]
    assert tops, "no chart on the page"
    return min(tops)


@pytest.fixture(scope="module")
def served():
    require_chromium()
    with StreamlitServer() as server, chromium() as browser:
        yield server, browser


@pytest.mark.parametrize("size", list(SIZES))
def test_first_screen_shows_the_key_chart(served, size: str) -> None:
    server, browser = served
    width, height = SIZES[size]
    phone = size == "phone"
    context = browser.new_context(viewport={"width": width, "height": height},
                                  is_mobile=phone, has_touch=phone)
    page = context.new_page()
    app = AppPage(page, server.url)
    late = []  # every page is looked at (and saved) before the test says which failed
    for info in PAGES:
        for lang in ("en", "ko"):
            app.goto(info.url_path, f"lang={lang}")
            app.wait_charts(least=0 if info.name == "playground" else 1)
            assert app.exceptions() == 0, (info.name, lang, app.text())
            page.wait_for_timeout(700)
            top = _first_chart_top(app)
            page.screenshot(path=str(_path(info.name, size, lang)))
            if info.name == "lesson":
                late += _lesson_late(app, lang, height, phone)
                continue
            # The chart starts on the first screen, with room to see some of it.
            if phone and info.name in PHONE_PENDING:
                continue  # saved to look at; not yet laid out for a phone's first screen
            if phone and info.name == "home":
                # Home's cards stack on a phone: its one-line comparison comes first.
                top = page.locator(".st-key-home_compare").bounding_box()["y"]
            if top >= height - 120:
                late.append((info.name, lang, round(top)))
    context.close()
    assert late == [], late


def _lesson_late(app: AppPage, lang: str, height: int, phone: bool) -> list[tuple]:
    """What of the lesson's key first screen is not on it: the question (whole) and, on a
    laptop, the Run button (whole). Empty when both are there."""
    wanted = [("question", ".st-key-lesson_question")]
    if not phone:
        wanted.append(("run", f".st-key-_run_{LESSON_STEP}"))
    late = []
    for what, selector in wanted:
        box = app.page.locator(selector).first.bounding_box()
        assert box is not None, (what, lang)
        if box["y"] + box["height"] > height:
            late.append(("lesson", lang, what, round(box["y"] + box["height"])))
    return late


def _path(page: str, size: str, lang: str):
    from harness import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"first-{page}-{size}-{lang}.png"
