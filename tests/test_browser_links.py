"""Links built to attack, in real Chromium: no outside link or image, no exception.

One `streamlit run` server and one browser open every attack URL on
every page that has it: markup in a URL value (links, a tracking pixel, a bare
address, raw HTML), digits Python reads but a link must not carry, ``view`` on a
page of one section, and a query string over Streamlit's 1,000-parameter limit.
After each, the page must:

* show the URL note and no exception element;
* hold no ``<img>`` whose ``src`` leaves the app's origin, and no ``<a>`` whose
  ``href`` does, other than the app's own references (``ui.references.PAPERS``);
* have asked nothing of any other host (the tracking pixel would).

Screenshots of the playground's note (English, Korean) land in artifacts/screenshots/.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from harness import AppPage, StreamlitServer, chromium, require_chromium

from ui.i18n import Translator
from ui.references import PAPERS

pytestmark = pytest.mark.browser

LINK = "[Session expired - log in again](https://evil.example/login)"
PIXEL = "x` ![p](http://127.0.0.1:9/p.gif)"
HTML = '<a href="https://evil.example">a</a><img src="http://127.0.0.1:9/h.gif">'
#: (page path, query) of every attack; each must end in the URL note.
ATTACKS: list[tuple[str, dict[str, str]]] = [
    ("playground", {"features": LINK}),
    ("playground", {"data": PIXEL}),
    ("playground", {"acts": PIXEL + " https://evil.example/bare"}),
    ("piecewise", {"target": "formula", "f": PIXEL}),
    ("vanishing", {"act": PIXEL}),
    ("dead_relu", {"act": PIXEL}),
    ("shapes", {"act": HTML}),
    ("", {"lang": LINK}),
    ("playground", {"shape": "4,²"}),
    ("playground", {"hide": "all", "shape": "①"}),
    ("playground", {"seed": "٣", "batch": "1_0"}),
    ("playground", {"shape": "１６"}),
    ("playground", {"view": "zzz"}),
    ("playground", {"lang": "ko", "features": LINK, "seed": "٣"}),
]
#: Off-origin anchors and images, as ``[tag, url]`` pairs (URLs resolved by the browser).
OUTSIDE = """() => [...document.querySelectorAll('a[href], img[src], image, source[src]')]
  .map(e => [e.tagName.toLowerCase(), e.href?.baseVal ?? e.href ?? e.src ?? ''])
  .filter(([, url]) => url && !url.startsWith(location.origin) && !url.startsWith('data:')
                       && !url.startsWith('blob:') && !url.startsWith('javascript:void'))"""
REFERENCES = {p.url for p in PAPERS.values()}
NOTE = Translator("en")("common.url.title")
#: A typed formula is refused by the page's own warning (it is a valid text control).
FORMULA = Translator("en")("piecewise.formula.rejected", text="\0", reason="", used="").split("\0")[0]


def _check(app: AppPage, where: str, note: str = NOTE) -> None:
    app.page.wait_for_timeout(500)
    assert app.exceptions() == 0, (where, app.text()[:2000])
    outside = app.page.evaluate(OUTSIDE)
    assert [u for tag, u in outside if tag != "a"] == [], (where, outside)
    assert [u for tag, u in outside if tag == "a" and u not in REFERENCES] == [], (where, outside)
    assert note in app.text(), where


def test_attack_links_leave_no_outside_link_image_or_exception() -> None:
    require_chromium()
    with StreamlitServer() as server, chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        app = AppPage(page, server.url)
        # A first, clean page: the server process has started up (and installed the
        # 1,000-parameter note, ui.internals.note_oversized_queries).
        app.goto("")
        assert app.exceptions() == 0
        for path, query in ATTACKS:
            app.goto(path, urlencode(query))
            note = Translator(query.get("lang", "en"))("common.url.title")
            _check(app, f"/{path}?{query}", FORMULA if "f" in query else note)
            if query == ATTACKS[0][1]:
                app.screenshot("links-playground-note")
            elif query.get("lang") == "ko":
                app.screenshot("links-playground-note-ko")
        big = urlencode({f"k{i}": "1" for i in range(1100)})
        app.goto("playground", big)
        _check(app, "1,100 parameters")
        assert "k1=1" not in app.page.url  # the address bar no longer carries them
        outside = [u for u in requests if not u.startswith((server.url, "data:", "blob:"))]
        assert outside == [], outside
        context.close()
