"""Helpers for driving pages through `streamlit.testing.v1.AppTest`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.charts import inline_spec
from ui.frame import SECTION_KEY, PageInfo
from ui.i18n import Translator, catalog
from ui.upload import _STATE as UPLOAD_STATE

ROOT = Path(__file__).resolve().parent.parent
ENTRY = "dashboard.py"
TIMEOUT = 120
WIDGET_TYPES = (
    "slider", "select_slider", "selectbox", "multiselect", "number_input",
    "toggle", "checkbox", "radio", "text_input",
)


def open_page(
    info: PageInfo, query: dict | None = None, upload: tuple | None = None,
    timeout: float = TIMEOUT,
) -> AppTest:
    """Run one page the way a deep link does: entry file known, page selected.

    `upload` is ``(X, y, digest)``: data already uploaded in this session, stored
    the way ``ui.upload`` stores it (`digest` stands for the file's hash, the
    cache key of the data, so different data sets need different digests).
    `timeout` bounds each script run (seconds).
    """
    at = AppTest.from_file(str(ROOT / ENTRY), default_timeout=timeout)
    if upload is not None:
        X, y, digest = upload
        at.session_state[UPLOAD_STATE] = {"X": X, "y": y, "digest": digest, "name": "mine.csv"}
    if query:
        at.query_params.update(query)
    if info.script != ENTRY:
        at.switch_page(info.script)
    return at.run()


def open_section(info: PageInfo, view: str, query: dict | None = None, **kw) -> AppTest:
    """Run one section of a page (``?view=<code>``), as a link to it does."""
    return open_page(info, {**(query or {}), SECTION_KEY: view}, **kw)


def switch_section(at: AppTest, view: str) -> AppTest:
    """Click the section switch of the page open in `at` and rerun."""
    at.segmented_control(key=section_state(at)).set_value(view)
    return at.run()


def section_state(at: AppTest) -> str:
    """The session-state key of the section switch on the page open in `at`."""
    keys = [w.key for w in at.segmented_control if (w.key or "").startswith("_section_")]
    assert len(keys) == 1, keys
    return keys[0]


def sections_of(info: PageInfo) -> list[str | None]:
    """The page's section codes in order (``[None]`` for a page without sections).

    Read from the catalog's ``<page>.nav`` table, which `Frame.sections` uses
    for the switch's buttons, so it lists exactly the page's sections.
    """
    prefix = f"{info.name}.nav."
    return [k.removeprefix(prefix) for k in catalog("en") if k.startswith(prefix)] or [None]


def every_section(
    info: PageInfo, query: dict | None = None, until: str | None = None, **kw
) -> Iterator[tuple[str | None, AppTest]]:
    """Open the page, then click through its sections: ``(code, app)`` for each.

    One AppTest session, so settings and caches carry over as for a learner. With
    `until`, the sections before that one only (it is never opened, so nothing it
    computes is paid for).
    """
    codes = sections_of(info)
    if until is not None and until in codes:
        codes = codes[:codes.index(until)]
    at = open_with(info, codes[0], query or {}, **kw)
    yield codes[0], at
    for code in codes[1:]:
        yield code, switch_section(at, code)


_KEY_SECTIONS: dict[str, dict[str, str | None]] = {}


def keys_by_section(info: PageInfo) -> dict[str, str | None]:
    """Every URL-bound control of the page -> the first section that draws it."""
    if info.name not in _KEY_SECTIONS:
        found: dict[str, str | None] = {}
        for code, at in every_section(info):
            for key in bound_widgets(at):
                found.setdefault(key, code)
        _KEY_SECTIONS[info.name] = found
    return _KEY_SECTIONS[info.name]


def open_with(info: PageInfo, section: str | None, query: dict, **kw) -> AppTest:
    """`open_section` for a page with sections, `open_page` for one without."""
    return open_page(info, query, **kw) if section is None else open_section(info, section, query, **kw)


def bound_widgets(at: AppTest) -> dict[str, object]:
    """Every keyed widget on the page (the URL-bound controls), by key."""
    found = {}
    for kind in WIDGET_TYPES:
        for widget in at.get(kind):
            key = getattr(widget, "key", None)
            if key and not key.startswith("_"):
                found[key] = widget
    return found


def url_note_shown(at: AppTest) -> bool:
    titles = {Translator(lang)("common.url.title") for lang in ("en", "ko")}
    return any(any(title in w.value for title in titles) for w in at.warning)


def errors_text(at: AppTest) -> list[str]:
    return [e.value for e in at.exception]


def charts(at: AppTest) -> list:
    """The Vega-Lite (Altair) charts the run drew."""
    return list(at.get("vega_lite_chart"))


def drawn_spec(chart) -> dict:
    """A drawn chart's spec with the Arrow data sets Streamlit sent read back as rows."""
    sent = {d.name: d.data.data for d in chart.proto.datasets}
    return inline_spec({**json.loads(chart.proto.spec), "datasets": sent})


def metrics(at: AppTest) -> dict[str, list[str]]:
    """Every ``st.metric`` on the page: label -> its values, in page order."""
    out: dict[str, list[str]] = {}
    for m in at.metric:
        out.setdefault(m.label, []).append(m.value)
    return out


def headers(at: AppTest) -> list[str]:
    """The ``st.header`` texts on the page, in order."""
    return [h.value for h in at.header]


def texts(at: AppTest, kind: str) -> list[str]:
    """The values of every element of one kind (``"caption"``, ``"info"``, ``"markdown"``, ...)."""
    return [e.value for e in getattr(at, kind)]


def guard_notes(at: AppTest) -> list[str]:
    """The compute guard's "epochs were cut" warnings on the page (``ui.guard.note_budget``)."""
    head = Translator("en")("common.guard.capped", allowed=0, requested=0).split("**")[0]
    return [w.value for w in at.warning if w.value.startswith(head)]


def export_buttons(at: AppTest, kind: str) -> list:
    """The download buttons of one kind, ``csv``, ``svg`` or ``npz`` (labels ``common.export.<kind>``)."""
    label = Translator("en")(f"common.export.{kind}")
    return [b for b in at.get("download_button") if b.proto.label == label]


# ------------------------------------------------------------ the text a visitor reads
#: Element attributes that hold text a visitor reads (a widget's value is a choice, not text).
_TEXT_FIELDS = ("value", "label", "help", "body", "placeholder", "caption")
_PROSE_ELEMENTS = {"Markdown", "Caption", "Title", "Header", "Subheader", "Info", "Warning",
                   "Error", "Success", "Exception", "Latex", "Toast", "Divider"}


def _walk(node) -> Iterator:
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    yield node
    for child in children.values():
        yield from _walk(child)


def _chart_text(chart) -> list[str]:
    """What a chart shows as words: titles, axis and legend titles, legend labels.

    A legend with a ``labelExpr`` shows the names in that expression; one without
    shows its field's values as they are, so those are collected from the data."""
    spec = drawn_spec(chart)
    out: list[str] = []

    datasets = spec.get("datasets", {})

    def visit(obj, data: list | None) -> None:
        if isinstance(obj, dict):
            source = obj.get("data")
            if isinstance(source, dict):
                data = source.get("values", datasets.get(source.get("name"), data))
            for key, value in obj.items():
                if key in ("title", "text") and isinstance(value, str | list):
                    out.extend([value] if isinstance(value, str) else [str(v) for v in value])
                elif key == "labelExpr" and isinstance(value, str):
                    out.extend(json.loads(s) for s in re.findall(r'\? ("(?:[^"\\]|\\.)*")', value))
                elif key == "encoding" and isinstance(value, dict):
                    for name, channel in value.items():
                        # A tooltip shows its fields' values as they are (computed "_…"
                        # fields hold names already).
                        for tip in (channel if name == "tooltip" and isinstance(channel, list) else []):
                            field = tip.get("field", "") if isinstance(tip, dict) else ""
                            if tip.get("type") == "nominal" and data and not field.startswith("_"):
                                out.extend({str(row.get(field)) for row in data if field in row})
                        if not isinstance(channel, dict) or "field" not in channel:
                            continue
                        legend = channel.get("legend", {})
                        if legend is None or "labelExpr" in (legend or {}):
                            continue
                        if channel.get("type") == "nominal" and data:
                            out.extend({str(row.get(channel["field"])) for row in data})
                if key != "data":
                    visit(value, data)
        elif isinstance(obj, list):
            for item in obj:
                visit(item, data)

    visit(spec, None)
    return out


def page_text(at: AppTest) -> list[str]:
    """Every piece of text the run shows: prose elements, widget labels, options and help,
    metrics, table cells, page links, and the words of every chart."""
    out: list[str] = []
    for node in _walk(at._tree):
        kind = type(node).__name__
        for field in _TEXT_FIELDS:
            value = getattr(node, field, None) if kind in _PROSE_ELEMENTS or field != "value" else None
            if isinstance(value, str) and value:
                out.append(value)
        if kind == "Metric":
            out.append(str(node.value))
        options = getattr(node, "options", None)
        if isinstance(options, list | tuple):
            out.extend(str(o) for o in options)
        proto = getattr(node, "proto", None)
        if kind in ("Dataframe", "Table"):
            table = node.value
            out.extend(str(c) for c in table.columns)
            out.extend(str(v) for v in table.select_dtypes(exclude="number").to_numpy().ravel())
        if kind == "UnknownElement" and proto is not None and hasattr(proto, "datasets") \
                and hasattr(proto, "spec") and proto.spec:
            out.extend(_chart_text(node))
        if proto is not None:
            for attr in ("label", "help", "body", "caption"):
                value = getattr(proto, attr, None)
                if isinstance(value, str) and value:
                    out.append(value)
    return out


#: Proto fields Streamlit renders as markdown (alert and markdown bodies, headings,
#: widget and expander labels, help tooltips, radio captions).
MARKDOWN_FIELDS = frozenset({"body", "label", "help", "captions"})
#: Elements whose options are markdown too (select boxes and multiselects show plain text).
MARKDOWN_OPTIONS = frozenset({"Radio", "ButtonGroup"})


def markdown_texts(at: AppTest) -> list[str]:
    """Every string the page hands Streamlit's markdown renderer, in main and sidebar.

    Walks the element tree and reads the markdown fields of each element's proto
    (and of a block's expander, tab or popover).
    """
    found: list[str] = []

    def read(message) -> None:
        name = type(message).__name__
        for fd, value in message.ListFields():
            items = list(value) if fd.is_repeated else [value]
            if fd.message_type is not None:
                for item in items:
                    read(item)
            elif fd.name in MARKDOWN_FIELDS or (fd.name == "options" and name in MARKDOWN_OPTIONS):
                found.extend(items)

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            read(proto)
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return [s for s in found if isinstance(s, str)]


def split_code_spans(md: str) -> tuple[list[str], str]:
    """A markdown text's inline code spans (as shown) and everything outside them.

    The CommonMark rule: a run of n backticks opens a span closed by the next run
    of exactly n backticks (none: the run is literal text); a backslash-escaped
    backtick opens nothing; line endings inside become spaces, and one space is
    stripped from each end when both ends have one and the span is not all spaces.
    """
    spans: list[str] = []
    outside: list[str] = []
    i, n = 0, len(md)
    while i < n:
        if md[i] == "\\" and i + 1 < n:
            outside.append(md[i:i + 2])
            i += 2
            continue
        if md[i] != "`":
            outside.append(md[i])
            i += 1
            continue
        j = i
        while j < n and md[j] == "`":
            j += 1
        run, k, close = j - i, j, None
        while k < n:
            if md[k] != "`":
                k += 1
                continue
            m = k
            while m < n and md[m] == "`":
                m += 1
            if m - k == run:
                close = k
                break
            k = m
        if close is None:
            outside.append(md[i:j])
            i = j
            continue
        content = md[j:close].replace("\r\n", " ").replace("\n", " ")
        if len(content) >= 2 and content[0] == content[-1] == " " and content.strip(" "):
            content = content[1:-1]
        spans.append(content)
        i = close + run
    return spans, "".join(outside)
