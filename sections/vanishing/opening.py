"""Each section's opening: the data resolved, the series, the compute guard and the
setup line (:func:`setup`), then the section's header (:func:`opened`).

Kept apart from :mod:`sections.vanishing.settings` because it needs the cached data
split of :mod:`sections.vanishing.compute`, which itself needs the settings records:
settings → compute → opening, one direction.
"""

from __future__ import annotations

import streamlit as st

from core.datasets import DatasetInfo
from sections.vanishing.compute import split
from sections.vanishing.settings import (
    GRID,
    N_SNAPSHOTS,
    NAME,
    NO_INIT2,
    DataSpec,
    RunSpec,
    Setup,
    VanishingSettings,
    boundary_plan,
    dataset_info,
    network_shape,
)
from ui.frame import Frame
from ui.guard import budget_epochs, note_budget
from ui.i18n import Translator, shown_name
from ui.upload import UPLOAD, load_data, user_data


def setup(fr: Frame, s: VanishingSettings, describe: bool = True,
          line: bool = True) -> Setup | None:
    """Resolve the data and the series and apply the compute guard, saying on the page
    what the reader must know (data notes, inconsistent choices, a cut budget, and with
    `describe` the setup line). None when there is nothing to show (no activation chosen).

    With ``line=False`` the setup line is left for the section to draw where it wants it
    (:func:`describe_setup`): under its key chart, so that the chart opens the section.
    """
    t = fr.t
    data, arrays, shown = _resolve_data(t, s)
    X_all, y_all, (Xtr, Xte, _, _) = split(data, **arrays)
    info = dataset_info(data.key, X_all, y_all)
    init2 = s.init2
    if init2 == s.init:
        st.info(t(f"{NAME}.note.same_init", init=shown_name(t, "init", s.init)))
        init2 = NO_INIT2
    if not s.acts:
        st.warning(t(f"{NAME}.note.no_act"))
        return None
    two = init2 != NO_INIT2
    series = tuple((a, i) for a in s.acts for i in ([s.init, init2] if two else [s.init]))
    n_train, n_test = len(Xtr), len(Xte)
    _data_note(t, info, arrays, data, n_train + n_test)
    budget = budget_epochs(s.depth, s.width, n_train, s.epochs, runs=len(series),
                           n_in=int(info.n_features), batch=s.batch, acts=[a for a, _ in series])
    if describe:
        note_budget(budget, t)
    maps = info.two_d and info.n_classes == 2
    n_snap, res = (boundary_plan(s.depth, s.width, len(series), int(info.n_features)) if maps
                   else (N_SNAPSHOTS, GRID))
    run = RunSpec(data, s.depth, s.width, s.std, s.opt, s.lr, budget.epochs, s.batch,
                  budget.n_samples, n_snap, res)
    sizes, output = network_shape(info, s.depth, s.width)
    if describe and line:
        _describe(t, s, run, output, n_test, shown, series)
    return Setup(s, data, info, shown, series, two, init2, n_train, n_test, run, sizes, output,
                 arrays, t)


def _describe(t: Translator, s: VanishingSettings, run: RunSpec, output: str, n_test: int,
              shown: str, series: tuple) -> None:
    """The setup line every section but "Cures" starts with."""
    st.markdown(t(f"{NAME}.setup", depth=s.depth, width=s.width, layers=s.depth + 1,
                  output=t(f"{NAME}.output.{output}"), n_train=run.n_fit, n_test=n_test,
                  data=shown, opt=shown_name(t, "opt", s.opt), lr=s.lr, epochs=run.epochs,
                  batch=t(f"{NAME}.full_batch") if s.batch >= run.n_fit else s.batch,
                  inits=", ".join(dict.fromkeys(shown_name(t, "init", i) for _, i in series))))


def describe_setup(su: Setup) -> None:
    """The setup line, for a section that draws it below its key chart (``line=False``)."""
    _describe(su.t, su.settings, su.run, su.output, su.n_test, su.shown, su.series)


def opened(fr: Frame, s: VanishingSettings, section: str, describe: bool = True,
           line: bool = True) -> Setup | None:
    """A section's opening: the shared :func:`setup`, then the section's header.

    None (nothing drawn but the notes) when there is nothing to show. ``line=False``:
    the section draws the setup line itself, under its key chart (:func:`describe_setup`).
    """
    su = setup(fr, s, describe, line)
    if su is not None:
        st.header(fr.t(f"{NAME}.{section}.title"))
    return su


def _resolve_data(t: Translator, s: VanishingSettings) -> tuple[DataSpec, dict, str]:
    """A built-in set by name, or this session's upload (said on the page)."""
    if s.data != UPLOAD:
        return DataSpec(s.data, s.n, s.noise, s.seed), {}, shown_name(t, "data", s.data)
    X_up, y_up, used = load_data(UPLOAD, s.n, s.noise, s.seed, t, two_d=False)
    if used != UPLOAD:  # nothing uploaded: load_data said which set is used instead
        return DataSpec(used, s.n, s.noise, s.seed), {}, shown_name(t, "data", used)
    # Arrays unhashed, the file's digest as the key; n and noise do not apply.
    key = f"{UPLOAD}-{user_data()[2]}"
    return (DataSpec(key, len(y_up), 0.0, s.seed), {"_X": X_up, "_y": y_up},
            t(f"{NAME}.upload_name"))


def _data_note(t: Translator, info: DatasetInfo, arrays: dict, data: DataSpec, rows: int) -> None:
    if arrays:
        st.caption(t(f"{NAME}.note.upload", rows=rows, classes=info.n_classes))
    elif not info.generated:
        st.caption(t(f"{NAME}.note.bundled", data=shown_name(t, "data", data.key), rows=rows,
                     features=info.n_features, classes=info.n_classes))
    elif not info.uses_noise:
        st.caption(t(f"{NAME}.note.no_noise", data=shown_name(t, "data", data.key)))
