"""Real headless Chromium against a fresh `streamlit run` server, one per page.

Each page's deep link is the very first request its server sees: that is what
a hosted app woken up by a shared link gets, and the full frame (language
switch, translated nav, no "page not found" dialog) must be there.
Screenshots land in ``artifacts/screenshots/<page>.png``.

One Chromium serves the module (each test opens its own browser contexts, which
share no cookies, storage or cache); the servers are what must be fresh.
"""

from __future__ import annotations

import pytest
from apptest_utils import sections_of
from harness import AppPage, StreamlitServer, chromium, require_chromium

from ui.frame import available_pages
from ui.i18n import Translator

PAGES = available_pages()
pytestmark = pytest.mark.browser
#: What each page's deep link asks for besides the page. The vanishing page's *Cures*
#: section trains fifteen 50-layer networks at its defaults (36 s of one core, cold, in
#: the fresh server); this test is about the link, the frame and every section drawing
#: in a real browser, not about that recipe (``test_app_cures.py``,
#: ``test_app_vanishing.py`` and ``test_readings_stable.py`` check the defaults), so the
#: link sets the section's depth to 10: the same elements, a fifth of the training.
LINK_QUERY = {"vanishing": "cdepth=10"}


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module (starting one costs each test ~1-2 s)."""
    require_chromium()
    with chromium() as b:
        yield b


def _check_frame(app: AppPage, lang: str) -> None:
    page = app.page
    t = Translator(lang)
    assert app.exceptions() == 0, app.text()
    assert page.locator('[role="dialog"]').count() == 0, "a dialog opened (page not found?)"
    assert "Page not found" not in app.text()
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Language · 언어").count() == 1
    nav = sidebar.locator('[data-testid="stPageLink"]')
    assert nav.count() == len(PAGES)
    nav_text = nav.all_inner_texts()
    for info in PAGES:
        assert any(t(f"common.nav.{info.name}") in s for s in nav_text), nav_text
    # The file-name nav of Streamlit's multipage mode stays hidden.
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0


@pytest.mark.parametrize("info", PAGES, ids=[p.name for p in PAGES])
def test_deep_link_first_request(info, browser) -> None:
    with StreamlitServer() as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        # The app works offline: the browser asks nothing of any other host.
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith((server.url, "data:", "blob:"))
                else outside.append(r.url))
        app = AppPage(page, server.url).goto(info.url_path, LINK_QUERY.get(info.name, ""))
        _check_frame(app, "en")
        if info.name == "playground":
            # At epoch 0 the Playground draws its diagram (the component), and no chart
            # until there is a loss curve.
            page.locator('[data-role="epoch"]').wait_for(timeout=60_000)
        else:
            assert app.wait_charts(least=1) >= 1
        assert app.exceptions() == 0
        app.screenshot(info.name)
        # Every other section, by its switch: drawn without error, named in the URL.
        codes = sections_of(info)
        assert app.section_count(info.name) == (0 if codes == [None] else len(codes))
        for i, code in enumerate(codes[1:], start=1):
            app.open_section(info.name, i)
            assert app.exceptions() == 0, (code, app.text())
            assert f"view={code}" in app.page.url
            assert Translator("en")(f"{info.name}.nav.{code}") in app.text()
            app.wait_charts()
            app.screenshot(f"{info.name}-{code}")
        assert outside == [], outside
        context.close()


def test_korean_home_and_navigation_and_a_phone(browser) -> None:
    with StreamlitServer() as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        app = AppPage(context.new_page(), server.url).goto("", "lang=ko")
        _check_frame(app, "ko")
        assert Translator("ko")("home.title") in app.text()
        assert app.wait_charts(least=1) >= 1
        app.screenshot("home-ko")
        # Following a nav link keeps the language.
        if len(PAGES) > 1:
            target = PAGES[1]
            app.page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a').nth(1).click()
            app.page.wait_for_url(f"**/{target.url_path}?lang=ko")
            app.wait_idle()
            _check_frame(app, "ko")
        context.close()
        _phone_starts_with_the_sidebar_collapsed(browser, server.url)


def _phone_starts_with_the_sidebar_collapsed(browser, url: str) -> None:
    """On a 390 px screen an open sidebar would cover the page (initial_sidebar_state="auto"):
    it starts collapsed there, and open on a wide screen (checked on the same server)."""
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True)
    app = AppPage(phone.new_page(), url).goto("")
    assert app.wait_charts(least=1) >= 1 and app.exceptions() == 0
    box = app.page.locator('[data-testid="stSidebar"]').bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0, box  # off screen
    app.screenshot("home-phone")
    phone.close()
    wide = browser.new_context(viewport={"width": 1400, "height": 1000})
    app = AppPage(wide.new_page(), url).goto("")
    box = app.page.locator('[data-testid="stSidebar"]').bounding_box()
    assert box is not None and box["x"] >= 0 and box["width"] > 200, box  # open beside the page
    wide.close()


def test_share_link_reproduces_the_view_in_a_fresh_browser(browser) -> None:
    with StreamlitServer() as server:
        first = browser.new_context(viewport={"width": 1400, "height": 1000})
        app = AppPage(first.new_page(), server.url).goto("", "depth=4&epochs=30&seed=5&lang=ko")
        app.wait_charts()
        metrics = app.page.locator('[data-testid="stMetric"]').all_inner_texts()
        app.page.get_by_role("button", name=Translator("ko")("common.share")).click()
        link = app.page.locator('[data-testid="stCode"]').first.inner_text().strip()
        assert link.startswith(server.url)
        assert all(part in link for part in ("depth=4", "epochs=30", "seed=5", "lang=ko"))
        first.close()
        # A different browser context: no shared cookies, storage or session.
        second = browser.new_context(viewport={"width": 1400, "height": 1000})
        again = AppPage(second.new_page(), server.url).open_url(link)
        again.wait_charts()
        assert again.page.locator('[data-testid="stMetric"]').all_inner_texts() == metrics
        assert again.exceptions() == 0
        second.close()

