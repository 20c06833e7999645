"""A control's move reruns only the page's fragment (``Frame.run``), in real Chromium.

Each page's sidebar controls and open section are one ``st.fragment``: a move of a
control reruns them, and not the language switch, the nav, the share box, Reset,
the title and the lead (BENCHMARKS.md, issue 29). Streamlit's AppTest runs every
interaction as a full run, so only a browser shows what a fragment rerun does. After
fragment reruns (slider moves, a classic experiment, the section switch, the *Next*
button) these tests check what the frame must still get right:

* the address bar and both share links carry the controls as they now are;
* no exception, and the URL note of a bad link value goes with the next move;
* a move sends fewer messages than Reset's full run of the same page (so it is a
  fragment rerun);
* Reset, the language switch and a pasted Playground link that pins controls rerun
  the whole page, and the frame follows (Korean links, the *Pinned view* note);
* the Playground's own playback fragment, nested in the page's, still steps.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from harness import AppPage, StreamlitServer, chromium, require_chromium

from ui.frame import available_pages
from ui.i18n import Translator

pytestmark = pytest.mark.browser

SLIDER = '[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]'
#: Pages with a sidebar slider (the lesson's controls are buttons: test_browser_lesson).
SLIDER_PAGES = [p for p in available_pages() if p.name != "lesson"]
EN, KO = Translator("en"), Translator("ko")


@pytest.fixture(scope="module")
def served():
    require_chromium()
    with StreamlitServer() as server, chromium() as browser:
        yield server, browser


def _open(browser, server, path: str, query: str = "") -> tuple[AppPage, list[int]]:
    """A new tab on `path`, and a list that grows by one per WebSocket message it gets."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    seen: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda _: seen.append(1)))
    return AppPage(page, server.url).goto(path, query), seen


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _links(app: AppPage, t: Translator = EN) -> list[str]:
    """The share box's two links (the popover opened, read, closed)."""
    button = app.page.get_by_role("button", name=t("common.share"))
    button.click()
    codes = app.page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
    codes.first.wait_for(timeout=10_000)
    links = [s.strip() for s in codes.all_inner_texts()]
    app.page.keyboard.press("Escape")
    codes.first.wait_for(state="hidden", timeout=10_000)
    return links


def _move(app: AppPage, seen: list[int], key: str = "ArrowRight") -> int:
    """Move the first sidebar slider one step; the messages the move brought."""
    thumb = app.page.locator(SLIDER).first
    before = len(seen)

    def press() -> None:
        thumb.focus()
        app.page.keyboard.press(key)

    app.rerun(press)
    app.wait_idle()
    return len(seen) - before


def _agree(app: AppPage, t: Translator = EN) -> dict[str, str]:
    """The address bar's query, checked against both share links; returns it."""
    url = _query(app.page.url)
    link, pinned = _links(app, t)
    assert _query(link) == url, (link, app.page.url)
    assert _query(pinned) == {**url, "hide": "all"}, (pinned, app.page.url)
    return url


@pytest.mark.parametrize("info", SLIDER_PAGES, ids=[p.name for p in SLIDER_PAGES])
def test_a_move_reruns_the_fragment_and_the_links_follow(served, info) -> None:
    server, browser = served
    app, seen = _open(browser, server, info.url_path)
    assert app.exceptions() == 0, app.text()
    start = _agree(app)
    # Right, left, right: the third move returns to a setting already computed, as
    # Reset's run below does (a first move computes, and its progress is more to send).
    counts = [_move(app, seen, key) for key in ("ArrowRight", "ArrowLeft", "ArrowRight")]
    assert app.exceptions() == 0, app.text()
    moved = _agree(app)
    changed = {k for k in moved if moved[k] != start.get(k)}
    assert changed, (start, moved)  # the slider's key, written by the fragment's run
    title = EN(f"{info.name}.title")
    assert title in app.text()
    # Reset is outside the fragment: a full run, the frame included.
    before = len(seen)
    app.rerun(app.page.locator(".st-key-_reset button").first.click)
    app.wait_idle()
    full = len(seen) - before
    assert app.exceptions() == 0, app.text()
    assert not changed & set(_agree(app)), app.page.url
    # The frame's ~25 elements are not sent again by a move.
    assert counts[-1] + 10 < full, (counts, full)
    app.page.context.close()


def test_vanishing_buttons_switch_and_language_from_fragment_reruns(served) -> None:
    server, browser = served
    app, seen = _open(browser, server, "vanishing", "n=100&epochs=5")
    # A classic experiment (a button in the section: a fragment rerun) sets every control.
    app.rerun(app.page.locator(".st-key-_preset_glorot button").first.click)
    app.wait_idle()
    assert app.exceptions() == 0, app.text()
    url = _agree(app)
    assert url["depth"] == "5" and url["init"] == "standard", url
    # The section switch and the Next button, both in the fragment.
    app.open_section("vanishing", 1)
    assert _agree(app)["view"] == "train"
    app.rerun(app.page.locator(".st-key-_next_view button").first.click)
    app.wait_idle()
    assert app.exceptions() == 0, app.text()
    assert _agree(app)["view"] == "boundary"
    _move(app, seen)
    assert app.exceptions() == 0, app.text()
    url = _agree(app)
    assert url["view"] == "boundary" and url["depth"] == "5"
    # Reset (a full run) keeps the open section, drops the rest.
    app.rerun(app.page.locator(".st-key-_reset button").first.click)
    app.wait_idle()
    assert _agree(app) == {"view": "boundary"}
    # The language switch is outside the fragment: the whole page in Korean, then a move.
    radio = app.page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').first
    app.rerun(radio.get_by_text("ko", exact=True).click)
    app.wait_idle()
    assert KO("vanishing.title") in app.text()
    _move(app, seen)
    assert app.exceptions() == 0, app.text()
    url = _agree(app, KO)
    assert url["lang"] == "ko" and url["view"] == "boundary" and "n" in url, url
    assert KO("vanishing.title") in app.text() and KO("common.reset") in app.text()
    app.page.context.close()


def test_a_bad_value_s_note_goes_with_the_next_move(served) -> None:
    server, browser = served
    app, seen = _open(browser, server, "dead_relu", "lr=abc")
    note = EN("common.url.title")
    assert note in app.text()
    _move(app, seen)
    assert app.exceptions() == 0, app.text()
    assert note not in app.text()
    _agree(app)
    app.page.context.close()


def test_playground_play_after_a_move_and_a_pinning_link(served) -> None:
    server, browser = served
    app, seen = _open(browser, server, "playground")
    epoch = app.page.locator('[data-role="epoch"]')
    epoch.wait_for(timeout=30_000)
    _move(app, seen)
    assert app.exceptions() == 0, app.text()
    _agree(app)
    # The playback fragment, nested in the page's, after the page's fragment reran.
    epoch.wait_for(timeout=30_000)
    app.rerun(app.page.locator('[data-cmd="step"]').click)
    app.wait_idle()
    app.page.wait_for_function(
        """() => { const h = document.querySelector('[data-testid="stBidiComponentIsolated"]');
                   const e = h && h.shadowRoot.querySelector('[data-role="epoch"]');
                   return e && e.textContent === 'Epoch 1'; }""", timeout=30_000)
    assert app.exceptions() == 0, app.text()
    # A pasted TensorFlow Playground link that pins a control: the frame's pinned note
    # comes (the page reruns whole), and the links carry the pin.
    pinned = EN("common.pinned", url="").split("**")[1]  # "Pinned view."
    assert pinned not in app.text()
    box = app.page.locator(".st-key-_pg_link input")
    box.fill("https://playground.tensorflow.org/#activation=sigmoid&dataset=spiral"
             "&networkShape=6,6,4&dataset_hide=true")
    app.rerun(lambda: box.press("Enter"))
    app.wait_idle()
    assert app.exceptions() == 0, app.text()
    assert pinned in app.text()
    url = _query(app.page.url)
    assert "data" in url.get("hide", ""), app.page.url
    link, _ = _links(app)
    assert _query(link) == url, (link, app.page.url)
    app.page.context.close()
