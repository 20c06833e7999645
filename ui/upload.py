"""Bring your own data: an uploader in the sidebar, kept in this session only.

Pages that train classifiers list ``upload`` among their data sets. A visitor
uploads a file or pastes cells from a spreadsheet, chooses the label column
and the two columns the 2-D pages draw, and sees a preview before anything
trains. Everything lives in ``st.session_state`` (one visitor's session, never
the URL or a shared cache), so a shared link cannot carry it: the page says so.

Session state (every key starts with ``_``, so no widget is bound to the URL):

``_user_source``
    The file as read: ``{"name", "digest", "origin", "sheet", "error", "roles",
    "table"}``; `digest` hashes the bytes, `origin` is ``"file"`` or
    ``"paste"``, `sheet` is a :class:`core.userdata.Sheet` (None when `error`,
    a :class:`core.userdata.UserDataError`, refused the file); `table` is the
    :class:`core.userdata.UserTable` (or the refusal) for the column roles
    ``(label, kind, skip)`` in `roles`.
``_user_choice``
    What the visitor chose for that source: ``{"label", "kind", "skip", "x",
    "y"}`` (column indices; `kind` None for the reader's own reading).
``_user_data`` (:data:`_STATE`)
    The classification data pages use: ``{"X", "y", "digest", "name", "X_all",
    "columns", "mapping"}``. `X` holds the two chosen columns, `X_all` every
    feature; `digest` changes with the file and with every choice of columns.
``_user_regression`` (:data:`_REGRESSION`)
    The same for a continuous target (``y`` float).
``_upload``, ``_upload_paste``, ``_upload_label``, ``_upload_kind``,
``_upload_skip``, ``_upload_x``, ``_upload_y``, ``_upload_forget``
    The widgets; their values are seeded from ``_user_choice`` on every run,
    so the choices survive a move to another page.
"""

from __future__ import annotations

import hashlib
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core.datasets import load
from core.userdata import (
    CLASSES,
    MAX_BYTES,
    MAX_CLASSES,
    MAX_COLUMNS,
    MAX_ROWS,
    NUMBERS,
    Sheet,
    UserDataError,
    UserTable,
    default_label,
    guess_kind,
    read_sheet,
    read_table,
)
from ui.cache import keep_private
from ui.charts import VIRIDIS, class_scale, vega_spec
from ui.frame import hidden_keys
from ui.i18n import Translator
from ui.literal import literal

UPLOAD = "upload"
_STATE = "_user_data"
_REGRESSION = "_user_regression"
_SOURCE = "_user_source"
_CHOICE = "_user_choice"
_FILE = "_upload"
_PASTE = "_upload_paste"
_WIDGETS = ("_upload_label", "_upload_kind", "_upload_skip", "_upload_x", "_upload_y")
#: Rows of the file shown in the preview table.
PREVIEW_ROWS = 5
#: Most points the preview scatter draws (every k-th row beyond that).
PREVIEW_POINTS = 1500
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


# ------------------------------------------------------------------- messages


#: Details of a refusal that hold the file's own text (cells, labels, column names).
_FILE_TEXT = ("value", "label", "name")


def explain(err: UserDataError, t: Translator) -> str:
    """A refusal in the visitor's language, naming the row and column it is about.

    The file's own text in it is shown literally (:func:`ui.literal.literal`).
    """
    details: dict[str, Any] = {k: (literal(v, 20) if k in _FILE_TEXT and isinstance(v, str) else v)
                               for k, v in err.details.items()}
    if "name" in details:
        details["name"] = f" ({details['name']})" if err.details["name"] else ""
    return t(f"common.upload.error.{err.code}", **details)


def _column_label(sheet: Sheet, j: int, t: Translator) -> str:
    return sheet.names[j] or t("common.upload.column", n=j + 1)


def _source_name(source: dict, t: Translator) -> str:
    """The file's name as markdown (literal text), or "pasted cells"."""
    return literal(source["name"]) if source["name"] else t("common.upload.pasted_name")


# ---------------------------------------------------------------------- state


def _forget() -> None:
    """Drop this session's upload and every choice made for it."""
    for key in (_SOURCE, _CHOICE, _STATE, _REGRESSION):
        st.session_state.pop(key, None)


def _on_file_change() -> None:
    # Removing the file (its x) forgets the data read from it; a new file is
    # read by the run this change starts.
    source = st.session_state.get(_SOURCE)
    if st.session_state.get(_FILE) is None and source is not None and source["origin"] == "file":
        _forget()


def _on_paste_change() -> None:
    source = st.session_state.get(_SOURCE)
    if not (st.session_state.get(_PASTE) or "").strip() and source is not None \
            and source["origin"] == "paste":
        _forget()


def _take(raw: bytes, name: str, origin: str) -> dict:
    """This session's source for `raw`, read once per distinct content."""
    digest = _digest(origin, hashlib.sha256(raw).hexdigest())
    source = st.session_state.get(_SOURCE)
    if source is not None and source["digest"] == digest:
        return source
    try:
        sheet, error = read_sheet(raw), None
    except UserDataError as err:
        sheet, error = None, err
    source = {"name": name, "digest": digest, "origin": origin, "sheet": sheet, "error": error}
    st.session_state[_SOURCE] = source
    # New data: the reader's defaults again, in the widgets too.
    st.session_state.pop(_CHOICE, None)
    for key in _WIDGETS:
        st.session_state.pop(key, None)
    st.session_state.pop(_STATE, None)
    st.session_state.pop(_REGRESSION, None)
    return source


def _seeded(key: str, options: list, default: Any) -> None:
    """Give widget `key` its value before it is drawn: its own if still valid,
    else `default` (the remembered choice), else the first option.

    Written on every run, not only when missing: on another page the widget is
    a new one, which would start from its first option and ignore the value
    its namesake left in the session.
    """
    value = st.session_state.get(key)
    if value not in options:
        value = default if default in options else options[0]
    st.session_state[key] = value


def _choose(sheet: Sheet, t: Translator) -> dict:
    """Draw the label, kind and left-out column controls; the choice they make."""
    choice = st.session_state.get(_CHOICE) or {"label": default_label(sheet), "kind": None, "skip": ()}
    columns = list(range(sheet.n_columns))
    _seeded("_upload_label", columns, choice["label"])
    label = st.selectbox(t("common.upload.label_column"), columns, key="_upload_label",
                         format_func=lambda j: _column_label(sheet, j, t),
                         help=t("common.upload.label_column_help"))
    if label != choice["label"]:
        # Another label column: the reader's reading of it, and default 2-D columns.
        choice = {"label": label, "kind": None, "skip": tuple(s for s in choice["skip"] if s != label)}
        st.session_state.pop("_upload_kind", None)
    kind = choice["kind"]
    if label not in sheet.text:  # numbers: classes or a continuous target, the visitor's call
        kinds = [CLASSES, NUMBERS]
        _seeded("_upload_kind", kinds, kind or guess_kind(sheet, label))
        kind = st.radio(t("common.upload.kind"), kinds, key="_upload_kind", horizontal=True,
                        format_func=lambda k: t(f"common.upload.kinds.{k}"),
                        help=t("common.upload.kind_help", limit=MAX_CLASSES))
    skip = choice["skip"]
    if sheet.n_columns > 3:
        others = [j for j in columns if j != label]
        st.session_state["_upload_skip"] = [j for j in st.session_state.get("_upload_skip", skip)
                                            if j in others]
        skip = tuple(st.multiselect(t("common.upload.skip"), others, key="_upload_skip",
                                    placeholder=t("common.upload.skip_none"),
                                    format_func=lambda j: _column_label(sheet, j, t),
                                    help=t("common.upload.skip_help")))
    return {**choice, "label": label, "kind": kind, "skip": skip}


def _pick_pair(table: UserTable, choice: dict, t: Translator) -> tuple[int, int]:
    """Draw the two 2-D column selects; the chosen columns (indices into the sheet)."""
    sheet, features = table.sheet, list(table.features)
    if len(features) == 2:
        return features[0], features[1]
    _seeded("_upload_x", features, choice.get("x", features[0]))
    a = st.selectbox(t("common.upload.x_column"), features, key="_upload_x",
                     format_func=lambda j: _column_label(sheet, j, t),
                     help=t("common.upload.pair_help", d=len(features)))
    rest = [j for j in features if j != a]
    _seeded("_upload_y", rest, choice.get("y", rest[0]))
    b = st.selectbox(t("common.upload.y_column"), rest, key="_upload_y",
                     format_func=lambda j: _column_label(sheet, j, t))
    return a, b


def _publish(source: dict, table: UserTable, choice: dict, pair: tuple[int, int]) -> dict:
    """Store the data pages read (once per source and choice); the stored record."""
    digest = _digest(source["digest"], choice["label"], table.kind, choice["skip"], *pair)
    key = _STATE if table.kind == CLASSES else _REGRESSION
    stale = _REGRESSION if table.kind == CLASSES else _STATE
    st.session_state.pop(stale, None)
    stored = st.session_state.get(key)
    if stored is not None and stored["digest"] == digest:
        return stored
    cols = [table.features.index(j) for j in pair]
    stored = {
        "X": np.ascontiguousarray(table.X[:, cols]), "X_all": table.X,
        "y": table.y if table.kind == CLASSES else table.target,
        "digest": digest, "name": source["name"], "columns": pair,
        "mapping": table.mapping(),
    }
    st.session_state[key] = stored
    return stored


# -------------------------------------------------------------------- preview


def preview_chart(points: pd.DataFrame, x_title: str, y_title: str, legend: str,
                  classes: list[str]) -> alt.Chart:
    """Scatter of the two chosen columns, coloured by class (or by target value).

    `points` has columns ``x``, ``y`` and ``label`` (a class name of
    `classes`) or ``value`` (a continuous target, when `classes` is empty).
    """
    scale = alt.Scale(zero=False, nice=False, padding=6)  # padding: edge points drawn whole
    axis = alt.Axis(tickCount=4)
    if classes:
        colour = alt.Color("label:N", title=legend,
                           scale=class_scale(classes),
                           # One class a line: in a narrow sidebar a wider legend would
                           # shrink the whole chart to fit it.
                           legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=200))
    else:
        colour = alt.Color("value:Q", title=legend, scale=alt.Scale(range=list(VIRIDIS)),
                           legend=alt.Legend(orient="bottom"))
    return (
        alt.Chart(points)
        .mark_circle(size=18, opacity=0.75)
        .encode(alt.X("x:Q", title=x_title, scale=scale, axis=axis),
                alt.Y("y:Q", title=y_title, scale=scale, axis=axis), colour)
        # Streamlit fits the whole chart, axes and legend included, into this
        # height: the plot itself gets about two thirds of it.
        .properties(height=330)
    )


def _preview(source: dict, table: UserTable, pair: tuple[int, int], t: Translator) -> None:
    sheet = table.sheet
    name = _source_name(source, t)
    if table.kind == CLASSES:
        st.success(t("common.upload.ok", name=name, n=table.n_rows, k=len(table.classes)))
        counts = ", ".join(t("common.upload.class_count", c=c, label=literal(label, 20), n=n)
                           for c, (label, n) in enumerate(zip(table.classes, table.counts(), strict=True)))
        st.markdown(t("common.upload.classes", counts=counts))
    else:
        target = table.target
        st.success(t("common.upload.ok_numbers", name=name, n=table.n_rows,
                     column=literal(_column_label(sheet, table.label, t))))
        st.info(t("common.upload.numbers_note", lo=f"{target.min():.4g}", hi=f"{target.max():.4g}"))
    st.caption(t("common.upload.read_as", encoding=sheet.encoding,
                 delimiter=t(f"common.upload.delimiter.{_DELIMITER_NAMES[sheet.delimiter]}"),
                 decimal=literal(sheet.decimal), header=t("common.upload.header_yes" if sheet.header
                                                 else "common.upload.header_no"),
                 d=len(table.features)))

    # Built once per choice of columns and language, not on every rerun.
    key = (source.get("roles"), pair, t.lang)
    if source.get("preview_key") != key:
        source["preview"] = (_first_rows(table, t), *_scatter(table, pair, t))
        source["preview_key"] = key
    rows, spec, shown = source["preview"]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.vega_lite_chart(spec=spec, width="stretch")
    st.caption(t("common.upload.scatter_caption", shown=shown, n=table.n_rows))


def _first_rows(table: UserTable, t: Translator) -> pd.DataFrame:
    """The first rows as the file has them (labels as written, not as numbers),
    the label first: in a narrow sidebar the last columns need scrolling."""
    sheet = table.sheet
    shown: dict[str, Any] = {}
    for j in (table.label, *table.features):
        title = _column_label(sheet, j, t)
        while title in shown:
            title += "′"
        if j == table.label:
            shown[title] = ([table.classes[c] for c in table.y[:PREVIEW_ROWS]] if table.y is not None
                            else table.target[:PREVIEW_ROWS])
        else:
            column = table.values[:PREVIEW_ROWS, table.features.index(j)]
            # Whole numbers as the file writes them (``7``, not ``7.0``).
            whole = np.all(column == np.round(column)) and np.all(np.abs(column) < 2**53)
            shown[title] = column.astype(np.int64) if whole else column
    return pd.DataFrame(shown)


def _scatter(table: UserTable, pair: tuple[int, int], t: Translator) -> tuple[dict, int]:
    """The preview scatter's spec and how many points it draws."""
    sheet = table.sheet
    step = max(1, -(-table.n_rows // PREVIEW_POINTS))
    cols = [table.features.index(j) for j in pair]
    points = pd.DataFrame({"x": table.values[::step, cols[0]], "y": table.values[::step, cols[1]]})
    if table.y is not None:
        names = [f"{c} = {label}" for c, label in enumerate(table.classes)]
        points["label"] = np.asarray(names, dtype=object)[table.y[::step]]
    else:
        names = []
        points["value"] = table.target[::step]
    # vega_spec, not the process-wide `compiled` cache: the visitor's points stay
    # in their session (the caller keeps the spec there).
    spec = vega_spec(preview_chart(points, _column_label(sheet, pair[0], t),
                                   _column_label(sheet, pair[1], t), _column_label(sheet, table.label, t),
                                   names))
    return spec, len(points)


# ------------------------------------------------------------------- uploader


def uploader(t: Translator) -> None:
    """The sidebar uploader: limits, file or pasted cells, column choices, a preview.

    Not drawn in classroom mode when the data control is hidden: a pinned view
    keeps its data set (and this session's upload stays as it was).
    """
    hidden = hidden_keys()
    if hidden is not None and ("all" in hidden or "data" in hidden):
        return
    with st.sidebar.expander(t("common.upload.title"), icon=":material/upload_file:"):
        st.caption(t("common.upload.help", rows=MAX_ROWS, kb=MAX_BYTES // 1000, classes=MAX_CLASSES,
                     columns=MAX_COLUMNS))
        file = st.file_uploader(t("common.upload.label"), type=["csv", "txt", "tsv"], key=_FILE,
                                help=t("common.upload.formats"), on_change=_on_file_change)
        pasted = st.text_area(t("common.upload.paste"), key=_PASTE, height=90, max_chars=MAX_BYTES,
                              placeholder="x1\tx2\tlabel\n0.5\t1.2\tcat\n…",
                              help=t("common.upload.paste_help"), on_change=_on_paste_change)
        if file is not None:
            source = _take(file.getvalue(), file.name, "file")
            if pasted.strip():
                st.caption(t("common.upload.file_wins"))
        elif pasted.strip():
            source = _take(pasted.encode("utf-8"), "", "paste")
        else:
            source = st.session_state.get(_SOURCE)
            if source is None:
                _kept(t)
                return
            # Read on another page (the uploader there is empty): still in use.
            st.caption(t("common.upload.kept", name=_source_name(source, t)))
            st.button(t("common.upload.forget"), key="_upload_forget", on_click=_forget,
                      icon=":material/delete:", type="tertiary")
        _draw_source(source, t)


def _kept(t: Translator) -> None:
    """Data already in the session without a source (set by a test, or an older
    session's record): say which, and offer to forget it."""
    stored = st.session_state.get(_STATE) or st.session_state.get(_REGRESSION)
    if stored is None:
        return
    name = stored.get("name")
    st.caption(t("common.upload.kept", name=literal(name) if name else t("common.upload.pasted_name")))
    st.button(t("common.upload.forget"), key="_upload_forget", on_click=_forget,
              icon=":material/delete:", type="tertiary")


def _draw_source(source: dict, t: Translator) -> None:
    if source["error"] is not None:
        st.error(explain(source["error"], t))
        return
    sheet: Sheet = source["sheet"]
    choice = _choose(sheet, t)
    roles = (choice["label"], choice["kind"], choice["skip"])
    if source.get("roles") != roles:
        # Read once per choice of roles, not on every rerun of the page.
        try:
            source["table"] = read_table(sheet, label=roles[0], kind=roles[1], skip=roles[2])
        except UserDataError as err:
            source["table"] = err
        source["roles"] = roles
    table = source["table"]
    if isinstance(table, UserDataError):
        st.session_state[_CHOICE] = choice
        st.session_state.pop(_STATE, None)
        st.session_state.pop(_REGRESSION, None)
        st.error(explain(table, t))
        return
    pair = _pick_pair(table, choice, t)
    choice = {**choice, "x": pair[0], "y": pair[1]}
    st.session_state[_CHOICE] = choice
    _publish(source, table, choice, pair)
    _preview(source, table, pair, t)


# ------------------------------------------------------------- what pages read


def user_data(two_d: bool = True) -> tuple[np.ndarray, np.ndarray, str] | None:
    """This session's classification data ``(X, y, digest)``, or None.

    `X` has shape ``(n, 2)``, the two columns the visitor chose, or with
    ``two_d=False`` shape ``(n, d)``, every feature column; `y` holds classes
    ``0 .. k-1``. `digest` changes with the file and with every column choice
    (it is the cache key of the data). A page that reads it computes with the
    visitor's own data: from then on its caches keep their values in the visitor's
    session (:func:`ui.cache.keep_private`).
    """
    return _stored(_STATE, two_d)


def user_regression(two_d: bool = True) -> tuple[np.ndarray, np.ndarray, str] | None:
    """This session's data with a continuous target ``(X, y, digest)``, or None.

    Like :func:`user_data`, with `y` the target as the file writes it (float64).
    """
    return _stored(_REGRESSION, two_d)


def _stored(state: str, two_d: bool) -> tuple[np.ndarray, np.ndarray, str] | None:
    stored = st.session_state.get(state)
    if stored is None:
        return None
    keep_private()
    X = stored["X"] if two_d else stored.get("X_all", stored["X"])
    return X, stored["y"], stored["digest"]


def load_data(name: str, n_samples: int, noise: float, seed: int,
              t: Translator, *, two_d: bool = True) -> tuple[np.ndarray, np.ndarray, str]:
    """The data set `name`, or this session's upload for ``upload``.

    Returns ``(X, y, used)`` where `used` is the name actually loaded; when
    ``upload`` is chosen but no classification data was uploaded, the page falls
    back to moons and says why. An upload gives its two chosen columns, or with
    ``two_d=False`` every feature column (pages that are not 2-D).
    """
    if name == UPLOAD:
        mine = user_data(two_d=two_d)
        if mine is not None:
            st.caption(t("common.upload.in_use"))
            return mine[0], mine[1], UPLOAD
        if st.session_state.get(_REGRESSION) is not None:
            st.info(t("common.upload.not_classes"), icon=":material/upload_file:")
        else:
            st.info(t("common.upload.missing"), icon=":material/upload_file:")
        name = "moons"
    X, y = load(name, n_samples=n_samples, noise=noise, seed=seed)
    return X, y, name
