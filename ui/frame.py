"""The frame every page draws first: page config, language switch, translated nav.

Activation Lab runs Streamlit's file-based multipage mode on purpose: the entry
script never calls ``st.navigation``. In that mode a deep link such as
``/shapes`` runs ``pages/shapes.py`` directly, even as the first request to a
fresh server, so every page (home included) calls :func:`frame` itself. The
default file-name nav is hidden (``client.showSidebarNavigation = false``) and
replaced by translated ``st.page_link`` entries that carry the language along.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from ui.cache import start_run
from ui.controls import DECLARED_STATE, Controls
from ui.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, Translator
from ui.internals import OVERSIZED_BY_LENGTH, OVERSIZED_KEY, QUERY_LENGTH_LIMIT, QUERY_PARAMETER_LIMIT
from ui.startup import prepare_process

APP_ROOT = Path(__file__).resolve().parent.parent
#: URL flag of classroom mode: ``hide=all`` or ``hide=depth,lr``; also
#: TensorFlow-Playground style ``depth_hide=true``.
HIDE_KEY = "hide"
LANG_KEY = "lang"
#: URL parameter of the section a page shows (see :meth:`Frame.sections`).
SECTION_KEY = "view"
#: URL parameter of the lesson's open step (``sections/lesson``): like the open section,
#: where the visitor is rather than a setting, so Reset keeps it.
STEP_KEY = "step"
_DEFAULTS_STATE = "_control_defaults"
#: Languages whose words a browser would otherwise break anywhere: Korean headings on a
#: phone broke mid-word ("사라지/는"). `keep-all` breaks Korean text at spaces, as it is
#: written; it changes nothing for English.
KEEP_WORDS_LANGUAGES = ("ko",)
KEEP_WORDS_CSS = "<style>.stApp :is(h1, h2, h3, h4, p, li, label) { word-break: keep-all; }</style>"


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
    PageInfo("lesson", "pages/lesson.py", ":material/school:"),
    PageInfo("playground", "pages/playground.py", ":material/play_circle:"),
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
    _sections: dict[str, str] = field(default_factory=dict)
    #: What the full run's frame left in the controls (the language's binding, the URL
    #: notes), the classroom keys it drew for, and the share box's two link slots:
    #: every run of the page's fragment (:meth:`run`) starts again from these.
    _outside_bound: dict[str, Any] = field(default_factory=dict)
    _outside_notes: list[str] = field(default_factory=list)
    _hidden: frozenset[str] | None = None
    _links: tuple[Any, Any] | None = None
    _info: PageInfo | None = None
    _runs: int = 0

    def heading(self) -> None:
        """The page's title and one-line lead, from the catalog.

        A page whose catalog has a ``lead_short`` shows that one sentence, and its full
        ``lead`` in an expander: the key chart comes on the first screen, even on a phone.
        """
        st.title(self.t(f"{self.page}.title"))
        if self.t.has(f"{self.page}.lead_short"):
            st.markdown(self.t(f"{self.page}.lead_short"))
            with st.expander(self.t("common.about_page"), icon=":material/info:"):
                st.markdown(self.t(f"{self.page}.lead"))
        else:
            st.markdown(self.t(f"{self.page}.lead"))

    def sections(self, codes: Sequence[str]) -> str:
        """The switch between the page's sections; returns the open one's code.

        Only the open section is computed and drawn, so a control change
        re-sends one section's charts, not the page's. The code is kept in the
        URL as ``view`` (a link opens that section); the button texts are
        ``<page>.nav.<code>`` in the catalog. The first code is the default.
        """
        self._sections = {c: self.t(f"{self.page}.nav.{c}") for c in codes}
        return self.controls.section(SECTION_KEY, self._sections, codes[0],
                                     self.t("common.sections"), st.container())

    def run(self, sections: Mapping[str, Callable[[Any, Frame], None]],
            read_settings: Callable[[Frame], Any], references: Sequence[str] = ()) -> None:
        """The page's controls and its open section, in one fragment.

        A move of a sidebar control then reruns only this: the controls, the
        open section and the share links, not the language switch, the nav, the
        share box and Reset, the title and the lead (the frame, ~30 elements:
        BENCHMARKS.md, issue 29). The arguments are those of :meth:`show`, with
        `read_settings` called inside the fragment, so that the controls' widgets
        belong to it (Streamlit reruns a fragment when a widget of its own moves,
        wherever the widget is drawn: ours go to the sidebar).

        What the controls write outside the fragment is written from inside it on
        every run, full or not (:meth:`_begin`): Streamlit lets a fragment write
        to a container created outside it only if it wrote there in the last full
        run. A control change that must redraw the frame (a pasted link that pins
        controls: the classroom note and Reset) reruns the whole page.
        """
        _page_fragment(self, sections, read_settings, tuple(references))

    def _begin(self) -> None:
        """Start a run of the page's fragment from what the full run's frame left.

        On a fragment rerun: a new run for the caches (:func:`ui.cache.start_run`),
        and a whole-page rerun instead when the classroom keys in the URL changed
        since the frame was drawn (a pasted Playground link can pin controls), so
        that the pinned note and Reset follow. Then the controls forget the last
        run's bindings and notes, the URL notes' slot is written (the frame's
        notes, or an empty placeholder on a full run: the slot Streamlit keeps for
        the fragment there), and the share links are written at once and after
        every bound control.
        """
        c = self.controls
        if self._runs:
            if hidden_keys() != self._hidden:
                st.rerun()
            start_run()
        full = self._runs == 0
        self._runs += 1
        c.bound = dict(self._outside_bound)
        c.hidden = self._hidden
        c.container = c.sidebar
        c.notes = []
        if self._outside_notes:
            c.note_lines(self._outside_notes)
        elif full:
            c.note_box.empty()
        if self._links is not None and self._info is not None:
            _share_links(self._links, self.page, self._info, c)

    def show(self, sections: Mapping[str, Callable[[Any, Frame], None]], settings: Any,
             references: Sequence[str] = ()) -> None:
        """The section switch, the open section, the button to the next one, the sources.

        Parameters
        ----------
        sections : mapping of str to callable
            Section code -> its ``draw(settings, frame)``, in reading order (the
            first is the default). Button texts are ``<page>.nav.<code>``. A page
            of one section (home) gets no switch and no ``view`` in its URL.
        settings : object
            The page's settings (a frozen dataclass read from its controls),
            handed to the open section's draw.
        references : sequence of str
            The page's sources (:data:`ui.references.PAPERS` keys), listed in a
            *References* expander at the foot of every section.
        """
        if len(sections) > 1:
            view = self.sections(list(sections))
        else:
            view = next(iter(sections))
            self._single_section(view)
        sections[view](settings, self)
        self.next_section()
        if references:
            from ui.references import references_expander

            references_expander(self.t, list(references))

    def _single_section(self, code: str) -> None:
        """A page of one section has no switch: a ``view`` in its URL other than that
        section's code gets the usual note, and leaves the URL."""
        self.controls.unused(SECTION_KEY, [code])

    def next_section(self) -> None:
        """A button at the foot of the open section that opens the next one."""
        self.controls.next_section(
            SECTION_KEY, self._sections, lambda name: self.t("common.next_section", section=name)
        )


def frame(page: str) -> Frame:
    """Draw the shared frame and return the language and the bound controls.

    Parameters
    ----------
    page : str
        The calling page's name, one of `PAGES`.
    """
    prepare_process()
    start_run()  # nothing of the visitor's own data is in use yet (ui.cache)
    info = next(p for p in PAGES if p.name == page)
    sidebar = st.sidebar
    lang_box = sidebar.container()
    # The nav's border sets it apart from the language switch and the tools: a
    # property of its block, where two `st.divider`s were two more elements to
    # send and draw on every rerun (BENCHMARKS.md).
    nav_box = sidebar.container(border=True)
    tools_box = sidebar.container(horizontal=True, gap="small", vertical_alignment="center")
    note_box = st.empty()
    # The classroom-mode note's slot exists only on a pinned page: one element
    # fewer on every rerun of every other page.
    hidden = hidden_keys()
    pin_box = st.container() if hidden else None

    # The language is read before anything is translated. It is kept in the
    # URL by hand rather than with `bind="query-params"`: Streamlit drops a
    # bound parameter of another page on a page switch, and the nav links must
    # carry `lang` from page to page.
    provisional = Translator(DEFAULT_LANGUAGE)
    controls = Controls(provisional, sidebar, note_box, page=page, sidebar=sidebar)
    lang, rejected = _language(lang_box)
    t = Translator(lang)
    _keep_words(lang)
    controls.t = t
    controls.restore_notes()
    controls.keep(LANG_KEY, DEFAULT_LANGUAGE, lang)
    if rejected is not None:
        controls.note(LANG_KEY, rejected, t("common.url.reason.option"))
    oversized = st.query_params.get_all(OVERSIZED_KEY)
    if oversized:
        # Streamlit refused the whole query string (ui.internals.note_oversized_queries).
        raw = oversized[0]
        by_length = raw.startswith(OVERSIZED_BY_LENGTH)
        digits = raw.removeprefix(OVERSIZED_BY_LENGTH)
        count = f"{int(digits):,}" if digits.isascii() and digits.isdigit() and len(digits) < 10 else "?"
        if by_length:
            controls.note_line(t("common.url.too_long", count=count, limit=f"{QUERY_LENGTH_LIMIT:,}"))
        else:
            controls.note_line(t("common.url.oversized", count=count, limit=f"{QUERY_PARAMETER_LIMIT:,}"))
        st.query_params.pop(OVERSIZED_KEY, None)

    st.set_page_config(
        page_title=f"{t(f'common.nav.{page}')} · Activation Lab",
        # A local file: a Material icon here makes every browser fetch the
        # favicon from fonts.gstatic.com, and the app must work offline.
        page_icon=str(APP_ROOT / "ui" / "icon.png"),
        layout="wide",
        # "auto": open on a wide screen, collapsed on a phone, where an open
        # sidebar would cover the page.
        initial_sidebar_state="auto",
    )
    with nav_box:
        st.markdown(f"**{t('common.app_name')}**")
        link_params = {"lang": lang} if lang != DEFAULT_LANGUAGE else None
        for entry in available_pages():
            st.page_link(
                entry.script,
                label=t(f"common.nav.{entry.name}"),
                icon=entry.icon,
                query_params=link_params,
            )
        _rerun_after_reconnect()

    controls.hidden = hidden
    if pin_box is not None:
        pin_box.info(t("common.pinned", url=_unpinned_url(info)), icon=":material/push_pin:")
    links = _tools(tools_box, page, controls, t)
    return Frame(page=page, lang=lang, t=t, controls=controls,
                 _outside_bound=dict(controls.bound), _outside_notes=list(controls.notes),
                 _hidden=hidden, _links=links, _info=info)


@st.fragment
def _page_fragment(fr: Frame, sections: Mapping[str, Callable[[Any, Frame], None]],
                   read_settings: Callable[[Frame], Any], references: tuple[str, ...]) -> None:
    """The body of :meth:`Frame.run`: the controls and the open section."""
    fr._begin()
    fr.show(sections, read_settings(fr), references)


#: Seconds between the idle runs of `_rerun_after_reconnect` (it exists for what it
#: does on a reconnection; its own runs draw nothing).
RECONNECT_WATCH_S = 3600


@st.fragment(run_every=RECONNECT_WATCH_S)
def _rerun_after_reconnect() -> None:
    """An empty fragment with ``run_every``: the browser reruns the page when its
    WebSocket comes back.

    Streamlit's client reruns the page after a reconnection only if the page has
    an auto-rerunning fragment; otherwise it expects its session to be where it
    left it. Behind a load balancer (``deploy/``) the reconnection lands on
    another replica when the one holding the session has died, and that replica
    has no session for this browser: the page would stay as the dead replica drew
    it (its download buttons pointing at files that are gone) until the visitor
    moved a control. With this fragment the new replica runs the page at once,
    from the URL (which carries every setting) and the widgets' values.
    ``tests/test_replicas.py`` kills a replica under eight browsers to check it.
    Its hourly run draws nothing.
    """


def _language(box) -> tuple[str, list[str] | None]:
    """The language switch, kept in step with the URL's ``lang``.

    Returns the language and, when the URL held an unusable value, that value.
    """
    raw = st.query_params.get_all(LANG_KEY)
    rejected = None
    url_lang = DEFAULT_LANGUAGE
    if raw:
        if len(raw) == 1 and raw[0] in LANGUAGES:
            url_lang = raw[0]
        else:
            rejected = raw
    lang = box.radio(
        "Language · 언어",
        LANGUAGES,
        index=LANGUAGES.index(url_lang),
        key=LANG_KEY,
        horizontal=True,
        captions=[LANGUAGE_NAMES[code] for code in LANGUAGES],
    )
    if lang != url_lang or rejected is not None:
        if lang == DEFAULT_LANGUAGE:
            st.query_params.pop(LANG_KEY, None)
        else:
            st.query_params[LANG_KEY] = lang
    return lang, rejected


def hidden_keys() -> frozenset[str] | None:
    """Controls hidden by the URL: ``hide=all``, ``hide=a,b`` or ``a_hide=true``."""
    keys: set[str] = set()
    for raw in st.query_params.get_all(HIDE_KEY):
        keys.update(k.strip() for k in raw[:500].split(",") if k.strip())
    for param in st.query_params:
        if param.endswith("_hide") and st.query_params.get(param, "").lower() in ("true", "1"):
            keys.add(param.removesuffix("_hide"))
    keys.discard("lang")  # the language switch is never hidden
    return frozenset(keys) or None


def _base_url(info: PageInfo) -> str:
    """This page's address without the query (relative when unknown, as in tests)."""
    url = None
    try:
        url = st.context.url
    except Exception:
        url = None
    base = url.split("?", 1)[0] if url else f"/{info.url_path}"
    # The browser's address is the visitor's: percent-encode what could end a
    # markdown link target (brackets, parentheses, spaces, angle brackets).
    return quote(base, safe=":/@%-._~!$&'*+,;=")


def _url_now() -> dict[str, list[str]]:
    """The query parameters as the run started: every value of every key."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _hide_items(now: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, values in now.items() if k == HIDE_KEY or k.endswith("_hide")
            for v in values]


def _unpinned_url(info: PageInfo) -> str:
    items = [(k, v) for k, values in _url_now().items()
             if k != HIDE_KEY and not k.endswith("_hide") for v in values]
    query = urlencode(items)
    return _base_url(info) + (f"?{query}" if query else "")


def share_url(
    info: PageInfo,
    controls: Controls,
    pinned: bool = False,
    now: dict[str, list[str]] | None = None,
    base: str | None = None,
) -> str:
    """The full URL of the current view: every bound control not at its default.

    With `pinned`, the link also hides every control (classroom mode). `now`
    and `base` are the run's query parameters and address, read once per run
    by the caller (each ``st.query_params`` read costs; this runs after every
    bound control).
    """
    now = _url_now() if now is None else now
    items = controls.query_items()
    # Controls of closed sections are not drawn this run, but Streamlit keeps
    # their values in the URL, and the link must keep them too.
    drawn = controls.bound
    known = st.session_state.get(_DEFAULTS_STATE, {}).get(info.name, {})
    items += [(k, v) for k in known if k not in drawn and k in now for v in now[k]]
    # One order for every refresh of the run (stable sort keeps a list's items
    # in order), so the link is rewritten only when a value changes.
    order = {k: i for i, k in enumerate(known)}
    items.sort(key=lambda kv: order.get(kv[0], len(order)))
    hide = _hide_items(now)
    if pinned and not any(k == HIDE_KEY and v == "all" for k, v in hide):
        hide = [(HIDE_KEY, "all")]
    query = urlencode(items + hide)
    return (base or _base_url(info)) + (f"?{query}" if query else "")


def _keep_words(lang: str) -> None:
    """Break `lang`'s text between words where browsers would not (a style only: Streamlit
    puts it out of the layout)."""
    if lang in KEEP_WORDS_LANGUAGES:
        st.html(KEEP_WORDS_CSS)


def _reset(page: str) -> None:
    """Button callback: every control of `page` back to its default."""
    # The page's declared table first, so that a value a preset or a pasted link wrote
    # for a control not drawn yet goes back too; then what the bound controls said,
    # which may be a by-hand control's URL form.
    kept = (LANG_KEY, SECTION_KEY, STEP_KEY)
    declared = st.session_state.get(DECLARED_STATE, {}).get(page, {})
    for key, default in {**declared, **st.session_state.get(_DEFAULTS_STATE, {}).get(page, {})}.items():
        if key not in kept:
            st.session_state[key] = default
    # A section's control that is not drawn yet would take its value from the URL when it
    # first appears (Streamlit seeds a bound widget from there): the link's settings go,
    # and only where the visitor is and the classroom's hiding stay. A key bound to a
    # widget drawn now cannot be deleted (Streamlit refuses); its state, set above,
    # rewrites it.
    for key in list(st.query_params):
        if key not in kept and key != HIDE_KEY and not key.endswith("_hide"):
            with contextlib.suppress(StreamlitAPIException):
                del st.query_params[key]


def _tools(box, page: str, controls: Controls, t: Translator) -> tuple[Any, Any]:
    """Share this view + reset to defaults; returns the share box's two link slots.

    The links are written by :func:`_share_links`, from the page's fragment.
    """
    # One row (a horizontal container, not columns: fewer elements per rerun).
    # The popover is drawn once per full run; the page's fragment then writes only
    # the two links (one element each, in place), not the whole popover.
    with box.popover(t("common.share"), width="stretch"):
        st.caption(t("common.share_help"))
        link = st.empty()
        st.caption(t("common.share_pinned"))
        pinned_link = st.empty()
        st.caption(t("common.export.hint"))
    box.button(
        t("common.reset"), key="_reset", on_click=_reset, args=(page,),
        help=t("common.reset_help"), width="stretch",
        disabled=controls.hidden is not None and "all" in controls.hidden,
    )
    return link, pinned_link


def _share_links(slots: tuple[Any, Any], page: str, info: PageInfo, controls: Controls) -> None:
    """Write the share box's two links now and again after every bound control.

    Called at the start of every run of the page's fragment, full or not: the
    links are written from the fragment on each of its runs (the slots are the
    frame's, outside it), so they always carry the controls as they are.
    """
    link, pinned_link = slots
    written: dict[str, str] = {}
    now, base = _url_now(), _base_url(info)
    defaults = st.session_state.setdefault(_DEFAULTS_STATE, {}).setdefault(page, {})

    def refresh() -> None:
        defaults.update({b.key: b.default for b in controls.bound.values()})
        for name, slot, url in (
            ("link", link, share_url(info, controls, now=now, base=base)),
            ("pinned", pinned_link, share_url(info, controls, pinned=True, now=now, base=base)),
        ):
            if written.get(name) != url:
                slot.code(url, language=None, wrap_lines=True)
                written[name] = url

    controls.on_bind = refresh
    refresh()
