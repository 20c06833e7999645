"""Bring your own 2-D data: strict parsing of a small CSV file.

The file holds two numeric feature columns and one label column (0/1, or small
integers 0..K-1), with or without a header row, comma- or semicolon-separated.
Anything else is refused with a :class:`UserDataError` whose ``code`` names the
problem and whose ``details`` say where, so the page can explain it precisely.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from core.datasets import standardise

#: Most rows accepted: the pages train in the browser's request, so keep it small.
MAX_ROWS = 5000
#: Fewest rows that still allow a train/test split with both classes.
MIN_ROWS = 10
#: Most classes (labels 0..MAX_CLASSES-1).
MAX_CLASSES = 5
#: Largest file accepted, in bytes (the server's upload limit is set to 1 MB too).
MAX_BYTES = 1_000_000


@dataclass
class UserDataError(ValueError):
    """A CSV that cannot be used, with a machine-readable reason.

    Attributes
    ----------
    code : str
        One of ``too_large``, ``encoding``, ``empty``, ``columns``, ``not_numeric``,
        ``not_finite``, ``label``, ``too_many_classes``, ``one_class``,
        ``too_many_rows``, ``too_few_rows``, ``constant``.
    details : dict
        Values for the message (``row``, ``column``, ``value``, ``count``, ...).
    """

    code: str
    details: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.details}"


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def parse_csv(
    data: bytes, max_rows: int = MAX_ROWS, max_classes: int = MAX_CLASSES
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Parse and validate an uploaded CSV of ``x1, x2, label`` rows.

    Parameters
    ----------
    data : bytes
        The raw file (UTF-8, optionally with a byte-order mark).
    max_rows : int
        Most data rows accepted.
    max_classes : int
        Labels must be integers in ``0 .. max_classes - 1``.

    Returns
    -------
    X : ndarray of shape (n, 2)
        Standardised features (zero mean, unit variance per column).
    y : ndarray of shape (n,)
        Integer labels.

    Raises
    ------
    UserDataError
        When the file cannot be used; ``code`` says why.
    """
    if len(data) > MAX_BYTES:
        raise UserDataError("too_large", {"limit_kb": MAX_BYTES // 1000})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserDataError("encoding", {"position": exc.start}) from None
    if "\x00" in text:
        raise UserDataError("encoding", {"position": text.index("\x00")})
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise UserDataError("empty")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    rows = list(csv.reader(lines, delimiter=delimiter))

    # A first row whose cells are not all numbers is a header.
    if any(_number(cell) is None for cell in rows[0]):
        if len(rows[0]) != 3:
            raise UserDataError("columns", {"row": 1, "count": len(rows[0])})
        rows = rows[1:]
        first_line = 2
    else:
        first_line = 1
    if not rows:
        raise UserDataError("empty")
    if len(rows) > max_rows:
        raise UserDataError("too_many_rows", {"count": len(rows), "limit": max_rows})

    values = np.empty((len(rows), 3), dtype=np.float64)
    for i, row in enumerate(rows):
        line = first_line + i
        if len(row) != 3:
            raise UserDataError("columns", {"row": line, "count": len(row)})
        for j, cell in enumerate(row):
            number = _number(cell)
            if number is None:
                raise UserDataError("not_numeric", {"row": line, "column": j + 1, "value": cell[:20]})
            if not math.isfinite(number):
                raise UserDataError("not_finite", {"row": line, "column": j + 1, "value": cell[:20]})
            values[i, j] = number

    labels = values[:, 2]
    bad = np.flatnonzero((labels != np.round(labels)) | (labels < 0))
    if bad.size:
        i = int(bad[0])
        raise UserDataError("label", {"row": first_line + i, "value": rows[i][2][:20]})
    y = labels.astype(np.int64)
    if y.max() >= max_classes:
        raise UserDataError("too_many_classes", {"value": int(y.max()), "limit": max_classes})
    classes = np.unique(y)
    if classes.size < 2:
        raise UserDataError("one_class", {"label": int(classes[0])})
    if len(y) < MIN_ROWS:
        raise UserDataError("too_few_rows", {"count": len(y), "limit": MIN_ROWS})
    X = values[:, :2]
    if np.any(X.std(axis=0) == 0):
        raise UserDataError("constant", {})
    # Labels are renumbered 0..K-1 so that e.g. {0, 2} becomes {0, 1}.
    y = np.searchsorted(classes, y).astype(np.int64)
    return standardise(X), y
