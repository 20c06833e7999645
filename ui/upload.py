"""Bring your own 2-D data: an uploader in the sidebar, kept in this session only.

Pages that train classifiers list ``upload`` among their data sets. The parsed
data lives in ``st.session_state`` (one visitor's session, never the URL or a
shared cache), so a shared link cannot carry it: the page says so.
"""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from core.datasets import load
from core.userdata import MAX_CLASSES, MAX_ROWS, UserDataError, parse_csv
from ui.frame import hidden_keys
from ui.i18n import Translator

UPLOAD = "upload"
_STATE = "_user_data"


def uploader(t: Translator) -> None:
    """The sidebar uploader; parses on upload and explains any refusal.

    Not drawn in classroom mode when the data control is hidden: a pinned view
    keeps its data set.
    """
    hidden = hidden_keys()
    if hidden is not None and ("all" in hidden or "data" in hidden):
        return
    with st.sidebar.expander(t("common.upload.title"), icon=":material/upload_file:"):
        st.caption(t("common.upload.help", rows=MAX_ROWS, top=MAX_CLASSES - 1))
        file = st.file_uploader(t("common.upload.label"), type=["csv", "txt"], key="_upload")
        if file is None:
            return
        raw = file.getvalue()
        digest = hashlib.sha256(raw).hexdigest()[:16]
        stored = st.session_state.get(_STATE)
        if stored is not None and stored["digest"] == digest:
            st.success(t("common.upload.ok", name=file.name, n=len(stored["y"]),
                         k=int(stored["y"].max()) + 1))
            return
        try:
            X, y = parse_csv(raw)
        except UserDataError as err:
            st.session_state.pop(_STATE, None)
            st.error(t(f"common.upload.error.{err.code}", **err.details))
            return
        st.session_state[_STATE] = {"X": X, "y": y, "digest": digest, "name": file.name}
        st.success(t("common.upload.ok", name=file.name, n=len(y), k=int(y.max()) + 1))


def user_data() -> tuple[np.ndarray, np.ndarray, str] | None:
    """This session's uploaded ``(X, y, digest)``, or None."""
    stored = st.session_state.get(_STATE)
    if stored is None:
        return None
    return stored["X"], stored["y"], stored["digest"]


def load_data(name: str, n_samples: int, noise: float, seed: int,
              t: Translator) -> tuple[np.ndarray, np.ndarray, str]:
    """The data set `name`, or this session's upload for ``upload``.

    Returns ``(X, y, used)`` where `used` is the name actually loaded; when
    ``upload`` is chosen but nothing was uploaded, the page falls back to moons
    and says so.
    """
    if name == UPLOAD:
        mine = user_data()
        if mine is not None:
            st.caption(t("common.upload.in_use"))
            return mine[0], mine[1], UPLOAD
        st.info(t("common.upload.missing"), icon=":material/upload_file:")
        name = "moons"
    X, y = load(name, n_samples=n_samples, noise=noise, seed=seed)
    return X, y, name
