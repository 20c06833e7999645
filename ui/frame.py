"""The frame every page draws first: page config, language switch, translated nav.

Activation Lab runs Streamlit's file-based multipage mode on purpose: the entry
script never calls ``st.navigation``. In that mode a deep link such as
``/shapes`` runs ``pages/shapes.py`` directly, even as the first request to a
fresh server, so every page (home included) calls :func:`frame` itself. The
default file-name nav is hidden (``client.showSidebarNavigation = false``) and
replaced by translated ``st.page_link`` entries that carry the language along.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ui.controls import Controls
from ui.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, Translator

APP_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageInfo:
    """A page of the app: its catalog name, its script and its nav icon."""

    name: str
    script: str
    icon: str

    @property
    def url_path(self) -> str:
        """The URL path Streamlit serves the page at: its file's stem."""
        return "" if self.script == "dashboard.py" else Path(self.script).stem


#: Every page in nav order. A page is listed only once its file exists, so the
#: nav never points at a page that has not been built.
PAGES: tuple[PageInfo, ...] = (
    PageInfo("home", "dashboard.py", ":material/home:"),
    PageInfo("shapes", "pages/shapes.py", ":material/show_chart:"),
    PageInfo("vanishing", "pages/vanishing.py", ":material/trending_down:"),
    PageInfo("dead_relu", "pages/dead_relu.py", ":material/block:"),
    PageInfo("piecewise", "pages/piecewise.py", ":material/timeline:"),
)


def available_pages() -> list[PageInfo]:
    """The pages whose script exists, in nav order."""
    return [p for p in PAGES if (APP_ROOT / p.script).exists()]


@dataclass
class Frame:
    """What a page gets back from :func:`frame`.

    Attributes
    ----------
    page : str
        The page's catalog name (``home``, ``shapes``, ...).
    lang : str
        The language shown, ``en`` or ``ko``.
    t : Translator
        Catalog lookup in that language: ``t("home.title")``.
    controls : Controls
        URL-bound sidebar widgets; their values are validated against the URL.
    """

    page: str
    lang: str
    t: Translator
    controls: Controls

    def heading(self) -> None:
        """The page's title and one-line lead, from the catalog."""
        st.title(self.t(f"{self.page}.title"))
        st.markdown(self.t(f"{self.page}.lead"))


def frame(page: str) -> Frame:
    """Draw the shared frame and return the language and the bound controls.

    Parameters
    ----------
    page : str
        The calling page's name, one of `PAGES`.
    """
    sidebar = st.sidebar
    lang_box = sidebar.container()
    sidebar.divider()
    nav_box = sidebar.container()
    sidebar.divider()
    note_box = st.empty()

    # The language is read before anything is translated. The switch's own
    # label names both languages, so it needs no translation.
    provisional = Translator(DEFAULT_LANGUAGE)
    controls = Controls(provisional, sidebar, note_box)
    controls.container = lang_box
    lang = controls.select(
        "lang",
        "Language · 언어",
        LANGUAGES,
        DEFAULT_LANGUAGE,
        radio=True,
        horizontal=True,
        captions=[LANGUAGE_NAMES[code] for code in LANGUAGES],
    )
    t = Translator(lang)
    controls.t = t
    controls.container = sidebar

    st.set_page_config(
        page_title=f"{t(f'common.nav.{page}')} · Activation Lab",
        page_icon=":material/science:",
        layout="wide",
        initial_sidebar_state="expanded",
    )
    with nav_box:
        st.markdown(f"**{t('common.app_name')}**")
        link_params = {"lang": lang} if lang != DEFAULT_LANGUAGE else None
        for info in available_pages():
            st.page_link(
                info.script,
                label=t(f"common.nav.{info.name}"),
                icon=info.icon,
                query_params=link_params,
            )
    return Frame(page=page, lang=lang, t=t, controls=controls)
