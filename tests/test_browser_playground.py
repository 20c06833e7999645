"""The Playground page in real headless Chromium: Play moves the epoch counter, the diagram is drawn.

One fresh ``streamlit run`` server for the module; the page's deep link is its first request. The
test presses the component's own buttons (inside its shadow root, which Playwright's
locators pierce), so this is the path a visitor takes. Screenshots land in
``artifacts/screenshots/playground-play.png`` and ``playground-gradients.png``.
"""

from __future__ import annotations

import re
import time

import pytest
from harness import AppPage, StreamlitServer, chromium, require_chromium

pytestmark = pytest.mark.browser

EPOCH = '[data-role="epoch"]'
#: How many of a canvas's pixels are drawn (not fully transparent).
PAINTED = """(role) => {
  for (const host of document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')) {
    const c = host.shadowRoot && host.shadowRoot.querySelector(`[data-role="${role}"]`);
    if (!c || !c.width || !c.height) continue;
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
    return n / (c.width * c.height);
  }
  return 0;
}"""


def _epoch(app: AppPage) -> int:
    return int(re.sub(r"\D", "", app.page.locator(EPOCH).inner_text()) or 0)


@pytest.fixture(scope="module")
def served():
    """One server and browser for the module (its first test's deep link is the
    server's first request); starting each costs a test ~5 s."""
    require_chromium()
    with StreamlitServer() as server, chromium() as browser:
        yield server, browser


def test_play_advances_the_counter_and_the_diagram_is_drawn(served) -> None:
    server, browser = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((server.url, "data:", "blob:"))
            else outside.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    app = AppPage(page, server.url).goto("playground")
    assert app.exceptions() == 0, app.text()
    page.locator(EPOCH).wait_for(timeout=30_000)
    assert page.locator(EPOCH).inner_text() == "Epoch 0"
    # Every node's heatmap and the output view are painted before anything plays.
    assert page.evaluate(PAINTED, "net") > 0.02
    assert page.evaluate(PAINTED, "out") > 0.99
    assert app.wait_charts() == 0  # epoch 0: a word where the loss curve will be, no one-point chart

    page.locator('[data-cmd="play"]').click()
    page.wait_for_function(
        """() => { const h = document.querySelector('[data-testid="stBidiComponentIsolated"]');
                   const r = h && h.shadowRoot.querySelector('[data-role="root"]');
                   return r && Number(r.dataset.epoch) >= 40; }""", timeout=60_000)
    first = _epoch(app)
    seen = [first]
    page.wait_for_function(
        """(e) => { const h = document.querySelector('[data-testid="stBidiComponentIsolated"]');
                    const r = h.shadowRoot.querySelector('[data-role="root"]');
                    return Number(r.dataset.epoch) > e + 10; }""",
        arg=first, timeout=60_000)
    seen.append(_epoch(app))
    assert seen[-1] > seen[0], seen
    assert page.locator('[data-cmd="play"]').inner_text() == "❚❚ Pause"
    app.screenshot("playground-play")

    page.locator('[data-cmd="play"]').click()
    app.wait_idle()
    page.wait_for_timeout(500)
    shown = _epoch(app)
    time.sleep(1.0)
    assert _epoch(app) == shown, "the counter stands still once paused"
    # The page under the component reads the same epoch (a full rerun on pause).
    assert f"Epoch {shown}: training loss" in app.text()

    with page.expect_download() as download:
        page.locator('[data-cmd="png"]').click()
    assert download.value.suggested_filename == "playground-diagram.png"
    with open(download.value.path(), "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    assert errors == [] and outside == [], (errors, outside)
    context.close()


def test_gradient_view_and_step(served) -> None:
    server, browser = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    app = AppPage(page, server.url).goto(
        "playground", "data=spiral&act=sigmoid&shape=6,6,6,6&features=x1,x2,sinx1,sinx2&grad=true")
    assert app.exceptions() == 0, app.text()
    page.locator(EPOCH).wait_for(timeout=30_000)
    legend = page.locator('[data-role="legend"]').inner_text()
    assert "|∂L/∂w|" in legend and "‖∂L/∂h‖" in legend
    # The gradient view's colour bars are drawn (two rows: edges and unit frames).
    assert page.evaluate(PAINTED, "cbar") > 0.2
    app.rerun(page.locator('[data-cmd="step"]').click)
    app.wait_idle()
    page.wait_for_function(
        """() => { const h = document.querySelector('[data-testid="stBidiComponentIsolated"]');
                   const e = h && h.shadowRoot.querySelector('[data-role="epoch"]');
                   return e && e.textContent === 'Epoch 1'; }""", timeout=30_000)
    assert "Epoch 1: training loss" in app.text()
    # A hidden unit's tooltip: hover the first unit of layer 1.
    box = page.locator('[data-role="net"]').bounding_box()
    for dx in range(60, int(box["width"]), 12):
        page.mouse.move(box["x"] + dx, box["y"] + box["height"] / 2)
        tip = page.locator('[data-role="tip"]')
        if tip.is_visible() and "‖∂L/∂h‖" in tip.inner_text():
            break
    assert "‖∂L/∂h‖" in page.locator('[data-role="tip"]').inner_text()
    app.screenshot("playground-gradients")
    context.close()


def test_gradient_colour_bars_in_korean_and_none_in_the_weight_view(served) -> None:
    server, browser = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    query = "data=spiral&act=sigmoid&shape=6,6,6,6,6,6&features=x1,x2,sinx1,sinx2&lang=ko"
    app = AppPage(page, server.url).goto("playground", query + "&grad=true")
    assert app.exceptions() == 0, app.text()
    page.locator(EPOCH).wait_for(timeout=30_000)
    assert page.evaluate(PAINTED, "cbar") > 0.2
    assert "유닛 테두리" in page.locator('[data-role="legend"]').inner_text()
    app.screenshot("playground-gradients-ko")
    app = AppPage(page, server.url).goto("playground", query + "&grad=false")  # weight view
    page.locator(EPOCH).wait_for(timeout=30_000)
    assert page.locator('[data-role="cbar"]').is_hidden()
    context.close()


STEP = '[data-cmd="step"]'
_ALL = "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2"


def _step(app: AppPage, expect: int) -> None:
    """Press Step and wait until the counter shows epoch `expect`."""
    app.rerun(app.page.locator(STEP).click)
    app.wait_idle()
    app.page.wait_for_function(
        """(e) => { const h = document.querySelector('[data-testid="stBidiComponentIsolated"]');
                    const r = h && h.shadowRoot.querySelector('[data-role="root"]');
                    return r && Number(r.dataset.epoch) === e; }""", arg=expect, timeout=30_000)


def _tips(app: AppPage, want: str, limit: int = 4000) -> list[str]:
    """Hover the diagram from its right side leftwards, row by row, until a unit's tooltip
    holds `want`; return every distinct unit tooltip seen on the way."""
    page = app.page
    box = page.locator('[data-role="net"]').bounding_box()
    tip = page.locator('[data-role="tip"]')
    seen: list[str] = []
    tries = 0
    for dx in range(int(box["width"]) - 20, 40, -10):
        for dy in range(30, int(box["height"]) - 10, 9):
            tries += 1
            if tries > limit:
                return seen
            page.mouse.move(box["x"] + dx, box["y"] + dy)
            if not tip.is_visible():
                continue
            text = tip.inner_text()
            if "‖∂L/∂h‖" in text and text not in seen:
                seen.append(text)
                if want in text:
                    return seen
    return seen


@pytest.mark.parametrize("lang, one, two", [("en", "Step: 1 epoch", "Step: 2 epochs"),
                                            ("ko", "1 에포크 진행", "2 에포크 진행")])
def test_the_step_label_says_how_far_it_moves(served, lang: str, one: str, two: str) -> None:
    """A network whose frames come every 2 epochs steps by 2, and its button says so."""
    server, browser = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    app = AppPage(page, server.url).goto("playground", f"lang={lang}")
    page.locator(EPOCH).wait_for(timeout=30_000)
    assert page.locator(STEP).inner_text() == one
    app.goto("playground", f"data=spiral&act=relu&shape=16,16,16,16,16,16&features={_ALL}&lang={lang}")
    page.locator(EPOCH).wait_for(timeout=30_000)
    assert page.locator(STEP).inner_text() == two
    _step(app, 2)
    _step(app, 4)
    assert page.locator(STEP).inner_text() == two
    context.close()


def test_dead_and_below_zero_units_say_what_is_true_of_them(served) -> None:
    """ReLU units of the one-click dead link die at its first step, and their tooltips say
    whether they can come back; Leaky ReLU units below zero are not called dead."""
    server, browser = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    app = AppPage(page, server.url).goto("playground", "data=circle&act=relu&shape=8,8,8&lr=3")
    page.locator(EPOCH).wait_for(timeout=30_000)
    _step(app, 1)
    assert re.search(r"\*?\*?\d+\*?\*? of the 24 hidden units are dead", app.text())
    tips = _tips(app, "Dead since epoch")
    dead = [tip for tip in tips if "Dead since epoch" in tip]
    assert dead, tips
    for tip in dead:
        assert "outputs 0 on every training point" in tip and "cannot learn its way back" not in tip
        if tip.startswith("Layer 1,"):
            assert "stays dead for good" in tip
        else:
            assert "It can come back" in tip or "while that lasts" in tip
    app.screenshot("playground-dead")

    app.goto("playground", "data=circle&act=leaky_relu&shape=8,8,8&lr=1")
    page.locator(EPOCH).wait_for(timeout=30_000)
    for e in (1, 2, 3):
        _step(app, e)
    assert "below zero on every training point" in app.text()
    tips = _tips(app, "Below zero since epoch")
    assert any("Below zero since epoch" in tip and "It is not dead" in tip for tip in tips), tips
    assert not any("Dead since" in tip or "outputs the same for every point" in tip for tip in tips)
    app.screenshot("playground-below-zero")
    context.close()


def test_the_explode_link_in_korean_names_the_step(served) -> None:
    server, browser = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    app = AppPage(page, server.url).goto(
        "playground", f"data=spiral&act=relu&shape=16,16,16,16,16,16&lr=10&init=he_normal"
                      f"&features={_ALL}&lang=ko")
    page.locator(EPOCH).wait_for(timeout=30_000)
    _step(app, 1)
    text = app.text()
    assert "에포크 1에서 학습이 발산했습니다" in text and "업데이트 한 번이 너무 컸습니다" in text
    assert "처방" not in text and "치료법" in text
    app.screenshot("playground-explode-ko")
    context.close()
