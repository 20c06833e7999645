"""The first screen of every page, as a new learner sees it: the key chart, on a laptop and a phone.

One server serves every page in English and Korean at 1400×900 and at 390×844 (a phone,
sidebar collapsed). For each the *first screen only* (the viewport, not the whole page)
is saved as ``artifacts/screenshots/first-<page>-<size>-<lang>.png``, and the page's
first chart must start on that screen: the lesson comes before the prose.
"""

from __future__ import annotations

import pytest
from harness import AppPage, StreamlitServer, chromium, require_chromium

from ui.frame import available_pages

PAGES = available_pages()
pytestmark = pytest.mark.browser

SIZES = {"laptop": (1400, 900), "phone": (390, 844)}
#: Pages whose first chart a phone's first screen does not reach: vanishing and piecewise
#: not yet (their section switch and presets come first); the lesson by design (the
#: learner predicts before the chart). Their screenshots are saved, the check waits.
PHONE_PENDING = ("vanishing", "piecewise", "lesson")


def _first_chart_top(app: AppPage) -> float:
    """The top of the first drawn chart (or the Playground's component), in viewport pixels."""
    boxes = [app.page.locator(sel).first.bounding_box()
             for sel in ('[data-testid="stVegaLiteChart"]',
                         '[data-testid="stBidiComponentIsolated"]')
             if app.page.locator(sel).count()]
    tops = [b["y"] for b in boxes if b]
    assert tops, "no chart on the page"
    return min(tops)


@pytest.mark.parametrize("size", list(SIZES))
def test_first_screen_shows_the_key_chart(size: str) -> None:
    require_chromium()
    width, height = SIZES[size]
    phone = size == "phone"
    with StreamlitServer() as server, chromium() as browser:
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
                # The chart starts on the first screen, with room to see some of it.
                if info.name == "lesson" or (phone and info.name in PHONE_PENDING):
                    continue  # saved to look at; not yet laid out for a phone's first screen
                if phone and info.name == "home":
                    # Home's cards stack on a phone: its one-line comparison comes first.
                    top = page.locator(".st-key-home_compare").bounding_box()["y"]
                if top >= height - 120:
                    late.append((info.name, lang, round(top)))
        context.close()
        assert late == [], late


def _path(page: str, size: str, lang: str):
    from harness import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"first-{page}-{size}-{lang}.png"
