"""What a learner has done in this session: predictions, runs and verdicts, per step.

Kept in ``st.session_state`` (never in the URL: a shared link carries the settings, not
someone's answers). A prediction widget's own state disappears while its step is not
shown, so the prediction is kept here too and put back when the step opens again.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

_STATE = "_lesson_records"


@dataclass
class Record:
    """One step's state in this session.

    Attributes
    ----------
    prediction : str, float or None
        The choice's code, or the typed number; None before the learner predicts.
    ran : tuple or None
        ``(settings, prediction)`` when Run was last pressed: the verdict shown is for
        exactly these (changing either asks for a new Run).
    right : bool or None
        The verdict of that run, as measured.
    revealed : bool
        In classroom mode (``hide=answers``), whether the verdict has been revealed.
    """

    prediction: Any = None
    ran: tuple | None = None
    right: bool | None = None
    revealed: bool = False


def frozen(values: Mapping[str, Any]) -> tuple[tuple[str, Hashable], ...]:
    """A step's settings as a hashable, order-independent key."""
    return tuple(sorted(values.items()))


def records() -> dict[str, Record]:
    """Every step's record in this session, by step code (created on first use)."""
    return st.session_state.setdefault(_STATE, {})


def record(code: str) -> Record:
    """The record of step `code`."""
    return records().setdefault(code, Record())


@dataclass(frozen=True)
class Progress:
    """How far the learner is: steps predicted, run, and right (counted where shown)."""

    predicted: int
    ran: int
    right: int
    total: int


def progress(codes: list[str], hide_answers: bool) -> Progress:
    """Counts over the steps `codes`; in classroom mode a verdict counts once revealed."""
    rs = [records().get(c, Record()) for c in codes]
    return Progress(
        predicted=sum(r.prediction is not None for r in rs),
        ran=sum(r.ran is not None for r in rs),
        right=sum(bool(r.right) and (r.revealed or not hide_answers) for r in rs),
        total=len(codes),
    )
