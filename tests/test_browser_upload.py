"""A real upload in a real browser: a CP949 file from Korean Excel with text labels.

The file goes through Chromium's own file input (not AppTest's stand-in), so
this covers the whole path: the upload request, Streamlit's uploaded-file
store, the reader, the preview and a page training on the data. The
screenshot lands in ``artifacts/screenshots/upload-cp949.png``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import AppPage, StreamlitServer, chromium, require_chromium

from core.userdata import read_table
from ui.i18n import Translator

pytestmark = pytest.mark.browser
FILE = Path(__file__).parent / "data" / "animals-cp949.csv"


def test_upload_a_cp949_file_with_text_labels() -> None:
    require_chromium()
    t = Translator("ko")
    table = read_table(FILE.read_bytes())
    with StreamlitServer() as server, chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        app = AppPage(context.new_page(), server.url).goto("shapes", "lang=ko&view=c1&data=upload")
        page = app.page
        sidebar = page.locator('[data-testid="stSidebar"]')
        # Nothing uploaded yet: the page says it trains on moons instead.
        assert t("common.upload.missing").split("*")[0] in app.text()
        sidebar.get_by_text(t("common.upload.title")).click()
        assert "5000" in sidebar.inner_text() and "1000 kB" in sidebar.inner_text()
        app.rerun(lambda: sidebar.locator('input[type="file"]').set_input_files(str(FILE)))
        app.wait_idle()
        page.wait_for_function(
            "(text) => document.querySelector('[data-testid=\"stSidebar\"]').innerText.includes(text)",
            arg="0 = 강아지", timeout=60_000)
        assert app.exceptions() == 0, app.text()
        text = sidebar.inner_text()
        assert "animals-cp949.csv" in text and "CP949" in text
        assert "0 = 강아지 (30행)" in text and "1 = 고양이 (30행)" in text
        # The preview table shows the Korean header and the labels as written.
        preview = sidebar.locator('[data-testid="stDataFrame"]')
        assert preview.count() == 1
        # The scatter of the chosen two columns is drawn in the sidebar.
        chart = sidebar.locator('[data-testid="stVegaLiteChart"]')
        assert chart.count() == 1
        chart.locator("canvas").first.wait_for(state="attached", timeout=30_000)
        # The page trains on the upload now, and says so.
        main = page.locator('[data-testid="stMain"]')
        assert t("common.upload.in_use").split("(")[0].strip() in main.inner_text()
        assert t("common.upload.missing").split("*")[0] not in main.inner_text()
        assert app.wait_charts(least=2) >= 2
        assert table.n_rows == 60
        # Nothing of the file went into the URL.
        assert "animals" not in page.url and "upload_" not in page.url
        # The sidebar scrolls on its own: show the uploader and its preview in the picture.
        sidebar.locator('[data-testid="stSidebarContent"]').evaluate(
            "(e) => { e.scrollTop = e.scrollHeight; }")
        app.screenshot("upload-cp949")
        context.close()
