"""Bring your own data: a small table from a file or a spreadsheet, read strictly.

Files come the way people have them: comma-, semicolon- or tab-separated (what
pasting from a spreadsheet gives), with decimal commas next to semicolons or
tabs (European Excel), in UTF-8 with or without a byte-order mark, UTF-16 or
CP949/EUC-KR (what Korean Excel writes), with or without a header row. One
column is the label; every other column is a numeric feature. The label is a
class (words such as ``cat``/``dog`` or whole numbers such as ``0``/``1`` and
``-1``/``+1``, mapped to ``0 .. k-1``) or, for regression, a continuous target.

Reading happens in two steps, so a page can offer the label column to choose
before everything else is checked:

* :func:`read_sheet` decodes the bytes, finds the delimiter and the header and
  splits the cells (pandas does the splitting); it refuses what no choice of
  columns can mend (size, encoding, binary data, a ragged row);
* :func:`read_table` gives the columns their roles and checks every cell.

:func:`parse_csv` wraps both for callers that only want ``(X, y)``. Everything
that cannot be used raises :class:`UserDataError`, whose ``code`` names the
problem and whose ``details`` say where (``row`` is the line of the file,
``column`` counts from 1 and ``name`` is the column's header, empty when there
is none), so the page can explain it precisely. Nothing else is ever raised
for any input bytes (tests fuzz this).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.datasets import standardise

#: Most data rows accepted: the pages train in the browser's request, so keep it small.
MAX_ROWS = 5000
#: Fewest rows that still allow a train/test split with both classes.
MIN_ROWS = 10
#: Most classes of a label column.
MAX_CLASSES = 5
#: Largest file accepted, in bytes (the server's upload limit is set to 1 MB too).
MAX_BYTES = 1_000_000
#: Most columns of a file (label included).
MAX_COLUMNS = 30
#: Largest magnitude of a number: beyond it sums of squares overflow, and no
#: measurement a learner brings needs more.
MAX_MAGNITUDE = 1e15
#: Fewest feature columns: the 2-D pages draw two of them.
MIN_FEATURES = 2
#: What a label column is: classes, or numbers for regression (see :func:`read_table`).
CLASSES = "classes"
NUMBERS = "numbers"
#: Header names that mark the label column, in order of preference (compared
#: in lower case, trimmed).
LABEL_NAMES = ("label", "class", "target", "레이블", "라벨", "클래스", "정답", "y")

# Delimiters in the order they are preferred when several split every line alike:
# a tab or a semicolon in a file almost always separates, a comma may be a decimal.
_DELIMITERS = ("\t", ";", ",")
_NAN_WORDS = frozenset({"nan", "+nan", "-nan"})
# Any C0 control character but tab, line feed and carriage return, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class UserDataError(ValueError):
    """A file that cannot be used, with a machine-readable reason.

    Attributes
    ----------
    code : str
        One of ``too_large``, ``encoding``, ``binary``, ``empty``, ``header_only``,
        ``unreadable``, ``too_many_columns``, ``columns`` (a row with another number
        of cells), ``too_many_rows``, ``too_few_columns``, ``missing``,
        ``not_numeric``, ``not_finite``, ``too_big``, ``label`` (a class label that is a
        fraction), ``mixed_labels``, ``target_text``, ``too_many_classes``,
        ``one_class``, ``too_few_rows``, ``constant``.
    details : dict
        Values for the message: ``row`` (line of the file), ``column`` (from 1),
        ``name`` (its header, or ``""``), ``value``, ``count``, ``limit``, ...
    """

    code: str
    details: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.details}"


@dataclass(frozen=True)
class Sheet:
    """A file split into cells, before any column has a role.

    Attributes
    ----------
    names : tuple of str, length m
        Each column's header, or ``""`` for every column of a file without one.
    header : bool
        Whether the first row was a header.
    lines : ndarray of shape (n,), int
        The line of the file each data row is on (1-based, header counted;
        after a quoted cell that spans lines, the row's number among the rows).
    numbers : ndarray of shape (n, m), float64
        Each cell as a number; NaN where it is not one (see `numeric`).
    numeric : ndarray of shape (n, m), bool
        Whether the cell reads as a number (``nan`` and ``inf`` do: they are
        numbers, just not finite ones).
    text : dict of int to tuple of str
        The trimmed cells of every column that holds a cell that is not a number.
    encoding, delimiter, decimal : str
        What was found: ``UTF-8``, ``UTF-8 (BOM)``, ``UTF-16``, ``CP949``;
        ``","``, ``";"`` or ``"\\t"``; ``"."`` or ``","``.
    """

    names: tuple[str, ...]
    header: bool
    lines: npt.NDArray[np.int64]
    numbers: npt.NDArray[np.float64]
    numeric: npt.NDArray[np.bool_]
    text: dict[int, tuple[str, ...]]
    encoding: str
    delimiter: str
    decimal: str

    @property
    def n_rows(self) -> int:
        return int(self.numbers.shape[0])

    @property
    def n_columns(self) -> int:
        return len(self.names)

    def cell(self, i: int, j: int) -> str:
        """The trimmed text of data row `i`, column `j` (both from 0)."""
        if j in self.text:
            return self.text[j][i]
        return _shown(float(self.numbers[i, j]))

    def where(self, i: int, j: int) -> dict:
        """The ``row``, ``column`` and ``name`` details of a cell (both from 0)."""
        return {"row": int(self.lines[i]), "column": j + 1, "name": self.names[j]}


@dataclass(frozen=True)
class UserTable:
    """A file with its columns given roles, every cell checked.

    Attributes
    ----------
    sheet : Sheet
        The cells as read.
    label : int
        The label column (index into ``sheet.names``).
    features : tuple of int, length d
        The feature columns, in file order (every column but the label and the
        ones left out).
    kind : str
        :data:`CLASSES` or :data:`NUMBERS` (a continuous target for regression).
    values : ndarray of shape (n, d), float64
        The features as they are in the file (for previews).
    X : ndarray of shape (n, d), float64
        The features standardised per column: ``(x − mean) / std``.
    y : ndarray of shape (n,), int64, or None
        Class of each row, ``0 .. k-1`` (None for a continuous target).
    classes : tuple of str, length k
        ``classes[c]`` is the label the file writes for class ``c``: words
        sorted alphabetically, numbers numerically (empty for a continuous target).
    target : ndarray of shape (n,), float64, or None
        The continuous target as it is in the file (None for classes).
    """

    sheet: Sheet
    label: int
    features: tuple[int, ...]
    kind: str
    values: npt.NDArray[np.float64]
    X: npt.NDArray[np.float64]
    y: npt.NDArray[np.int64] | None
    classes: tuple[str, ...]
    target: npt.NDArray[np.float64] | None

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])

    def counts(self) -> tuple[int, ...]:
        """Rows per class, in class order (empty for a continuous target)."""
        if self.y is None:
            return ()
        return tuple(int(c) for c in np.bincount(self.y, minlength=len(self.classes)))

    def mapping(self) -> str:
        """The label mapping as a page shows it: ``"0 = cat, 1 = dog"``."""
        return ", ".join(f"{c} = {name}" for c, name in enumerate(self.classes))


# --------------------------------------------------------------------- reading


def _shown(x: float) -> str:
    """A number as short text: ``3`` for 3.0, ``-inf``, ``0.25``."""
    if np.isfinite(x) and x == round(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _decode(raw: bytes) -> tuple[str, str]:
    """``(text, encoding)`` of the file's bytes, by byte-order mark, then by trying.

    UTF-8 is tried before CP949: most Hangul syllables in CP949 start with a
    byte that cannot start a UTF-8 character (0xB0-0xC1), so a Korean file is
    practically never valid UTF-8, while CP949 would accept much UTF-8 text.
    """
    boms = ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"),
            (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))
    for bom, codec, name in boms:
        if raw.startswith(bom):
            try:
                return raw.decode(codec), name
            except UnicodeDecodeError as exc:
                raise UserDataError("encoding", {"position": exc.start + 1}) from None
    # UTF-16 saved without a mark: digits, delimiters and line ends (most of a
    # data file) have a zero high byte, so one byte in two is zero on one side only.
    if len(raw) >= 4 and len(raw) % 2 == 0:
        even, odd = raw[0::2].count(0) / (len(raw) // 2), raw[1::2].count(0) / (len(raw) // 2)
        for codec, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
            if high >= 0.5 and low < 0.1:
                try:
                    return raw.decode(codec), "UTF-16"
                except UnicodeDecodeError:
                    break  # refused below as binary: it holds zero bytes
    # In UTF-8 and CP949 every byte below 0x80 is ASCII, so a control byte is a
    # control character: binary data, refused before any decoding is tried.
    bad = _CONTROL_BYTES.search(raw)
    if bad is not None:
        raise UserDataError("binary", {"position": bad.start() + 1})
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        return raw.decode("cp949"), "CP949"
    except UnicodeDecodeError:
        # The UTF-8 position is the one to report: that is the encoding we ask for.
        raise UserDataError("encoding", {"position": first_bad + 1}) from None


def _delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into equally many cells.

    When none does (a ragged row, or quoted cells holding the delimiter), the
    one most frequent on the first line; then the reader checks every row.
    """
    sample = lines[:20]
    for delim in _DELIMITERS:
        counts = {line.count(delim) for line in sample}
        if len(counts) == 1 and counts != {0}:
            return delim
    return max(_DELIMITERS, key=lambda d: (lines[0].count(d), -_DELIMITERS.index(d)))


def _as_numbers(cells: pd.DataFrame, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray, bool]:
    """``(numbers, numeric, used_comma)`` of string cells (None for a missing cell).

    ``nan`` spelt out counts as a number (it is caught later as not finite), an
    empty cell does not. With `decimal_comma`, ``1,5`` reads as 1.5.
    """
    filled = cells.fillna("")
    stripped = filled.apply(lambda col: col.str.strip())
    commas = False
    if decimal_comma:
        with_comma = stripped.apply(lambda col: col.str.contains(",", regex=False))
        commas = bool(with_comma.to_numpy().any())
        stripped = stripped.apply(lambda col: col.str.replace(",", ".", regex=False))
    numbers = stripped.apply(lambda col: pd.to_numeric(col, errors="coerce")).to_numpy(
        dtype=np.float64, na_value=np.nan)
    spelt_nan = stripped.apply(lambda col: col.str.lower().isin(_NAN_WORDS)).to_numpy()
    numeric = ~np.isnan(numbers) | spelt_nan
    return numbers, numeric, commas


def _text_of(raw: bytes) -> tuple[str, str]:
    """``(text, encoding)`` of a file within :data:`MAX_BYTES`, with ``\\n`` line ends only
    (so the row index of pandas is the line number)."""
    if len(raw) > MAX_BYTES:
        raise UserDataError("too_large", {"limit_kb": MAX_BYTES // 1000,
                                          "size_kb": -(-len(raw) // 1000)})
    text, encoding = _decode(raw)
    bad = _CONTROL.search(text)
    if bad is not None:
        raise UserDataError("binary", {"position": bad.start() + 1})
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _cells(text: str, delim: str) -> pd.DataFrame:
    """The non-blank rows of `text` as string cells indexed by line number, every row as
    wide as most are (the first that is not is refused), columns empty in every row dropped."""
    try:
        # The python engine tells a missing cell (None) from an empty one (""),
        # which the ragged-row check needs; the C engine writes "" for both.
        cells = pd.read_csv(io.StringIO(text), sep=delim, header=None, names=range(MAX_COLUMNS),
                            dtype=object, keep_default_na=False, engine="python",
                            skip_blank_lines=False, quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise UserDataError("unreadable", {"reason": str(exc)[:80]}) from None
    cells.index = np.arange(1, len(cells) + 1)  # line numbers
    widths = cells.notna().to_numpy().sum(axis=1)
    # Blank lines (and lines of blanks only) are no rows.
    blank = (cells.fillna("").apply(lambda col: col.str.strip()) == "").to_numpy().all(axis=1)
    cells, widths = cells[~blank], widths[~blank]
    if len(cells) == 0:
        raise UserDataError("empty")
    # The width most rows have is the file's; the first row with another is refused.
    expected = int(np.bincount(widths).argmax())
    off = np.flatnonzero(widths != expected)
    if off.size:
        i = int(off[0])
        raise UserDataError("columns", {"row": int(cells.index[i]), "count": int(widths[i]),
                                        "expected": expected})
    cells = cells.iloc[:, :expected]
    # Columns with nothing in them at all (a trailing delimiter on every line).
    empty_col = (cells.apply(lambda col: col.str.strip()) == "").to_numpy().all(axis=0)
    return cells.loc[:, ~empty_col]


def read_sheet(raw: bytes, max_rows: int = MAX_ROWS) -> Sheet:
    """Decode a file and split it into cells.

    Parameters
    ----------
    raw : bytes
        The file as uploaded (or pasted text encoded as UTF-8).
    max_rows : int
        Most data rows accepted.

    Returns
    -------
    Sheet
        The cells, with the encoding, delimiter and decimal mark that were found.
        Blank lines and columns empty in every row (trailing delimiters
        spreadsheets write) are dropped.

    Raises
    ------
    UserDataError
        ``too_large``, ``encoding``, ``binary``, ``empty``, ``header_only``,
        ``unreadable``, ``too_many_columns``, ``too_many_rows`` or ``columns``.
    """
    text, encoding = _text_of(raw)
    lines = text.split("\n")
    filled = [line for line in lines if line.strip()]
    if not filled:
        raise UserDataError("empty")
    if len(filled) > 4 * max_rows:
        # Far too many (the count includes any header): refused before the slower reading.
        raise UserDataError("too_many_rows", {"count": len(filled), "limit": max_rows})
    delim = _delimiter(filled)
    for number, line in enumerate(lines, start=1):
        if line.count(delim) >= MAX_COLUMNS:
            raise UserDataError("too_many_columns", {"row": number, "count": line.count(delim) + 1,
                                                     "limit": MAX_COLUMNS})
    cells = _cells(text, delim)
    decimal_comma = delim != ","
    numbers, numeric, commas = _as_numbers(cells, decimal_comma)
    stripped = cells.apply(lambda col: col.str.strip())
    # A first row is a header when one of its cells is a word over a column of
    # numbers (empty cells aside), or when all of them are words.
    empty = (stripped == "").to_numpy()
    words_first = ~numeric[0]
    over_numbers = words_first & numeric[1:].any(axis=0) & (numeric[1:] | empty[1:]).all(axis=0)
    header = bool(over_numbers.any() or words_first.all())
    if header:
        names = tuple(str(s) for s in stripped.iloc[0])
        cells, stripped = cells.iloc[1:], stripped.iloc[1:]
        numbers, numeric = numbers[1:], numeric[1:]
        if len(cells) == 0:
            raise UserDataError("header_only")
    else:
        names = ("",) * cells.shape[1]
    if len(cells) > max_rows:
        raise UserDataError("too_many_rows", {"count": len(cells), "limit": max_rows})
    # Text is kept only where a cell is not a number: labels, and what errors quote.
    text_cols = {j: tuple(str(s) for s in stripped.iloc[:, j])
                 for j in range(cells.shape[1]) if not numeric[:, j].all()}
    return Sheet(names=names, header=header, lines=cells.index.to_numpy(dtype=np.int64),
                 numbers=numbers, numeric=numeric, text=text_cols, encoding=encoding,
                 delimiter=delim, decimal="," if commas else ".")


# ------------------------------------------------------------------ the roles


def default_label(sheet: Sheet) -> int:
    """The label column a page offers first.

    One named like a label (:data:`LABEL_NAMES`: ``label``, ``class``,
    ``target``, ``y`` and Korean counterparts, in any case); else the only
    column holding words, since features must be numbers; else the last.
    """
    names = [name.strip().lower() for name in sheet.names]
    for wanted in LABEL_NAMES:  # in order: ``x, y, label`` is labelled by ``label``
        if wanted in names:
            return names.index(wanted)
    words = [j for j, cells in sheet.text.items() if any(c != "" for c in cells)
             and not sheet.numeric[:, j].any()]
    if len(words) == 1:
        return words[0]
    return sheet.n_columns - 1


def _column_index(sheet: Sheet, column: int | str) -> int:
    if isinstance(column, str):
        if column not in sheet.names:
            raise KeyError(f"no column named {column!r}")
        return sheet.names.index(column)
    if not 0 <= column < sheet.n_columns:
        raise IndexError(f"column {column} of {sheet.n_columns}")
    return int(column)


def _first_bad_cell(sheet: Sheet, columns: list[int]) -> UserDataError | None:
    """The first cell (in reading order) of `columns` that is not a finite number."""
    numeric = sheet.numeric[:, columns]
    finite = np.isfinite(sheet.numbers[:, columns])
    with np.errstate(invalid="ignore"):
        huge = finite & (np.abs(sheet.numbers[:, columns]) > MAX_MAGNITUDE)
    bad = np.argwhere(~finite | huge)  # rows first, then columns: reading order
    if not bad.size:
        return None
    i, k = (int(v) for v in bad[0])
    j = columns[k]
    where = sheet.where(i, j)
    value = sheet.cell(i, j)
    if not numeric[i, k]:
        if value == "":
            return UserDataError("missing", where)
        return UserDataError("not_numeric", {**where, "value": value[:20]})
    if huge[i, k]:
        return UserDataError("too_big", {**where, "value": value[:20], "limit": f"{MAX_MAGNITUDE:.0e}"})
    return UserDataError("not_finite", {**where, "value": value[:20]})


def _classes_of_text(sheet: Sheet, j: int) -> tuple[np.ndarray, tuple[str, ...]]:
    cells = sheet.text[j]
    numeric = sheet.numeric[:, j]
    if numeric.any():
        # Words and numbers in one label column: most likely a typo, never guessed.
        # The rarer kind is the one to point at.
        odd = numeric if numeric.sum() <= (~numeric).sum() else ~numeric
        i = int(np.flatnonzero(odd)[0])
        raise UserDataError("mixed_labels", {**sheet.where(i, j), "value": cells[i][:20]})
    names, y = np.unique(np.asarray(cells, dtype=object).astype(str), return_inverse=True)
    return y.astype(np.int64), tuple(str(s) for s in names)


def _classes_of_numbers(sheet: Sheet, j: int, max_classes: int) -> tuple[np.ndarray, tuple[str, ...]]:
    values = sheet.numbers[:, j]
    fraction = np.flatnonzero(values != np.round(values))
    if fraction.size:
        i = int(fraction[0])
        raise UserDataError("label", {**sheet.where(i, j), "value": sheet.cell(i, j)[:20]})
    levels, y = np.unique(values, return_inverse=True)
    if levels.size > max_classes:
        raise UserDataError("too_many_classes", {"count": int(levels.size), "limit": max_classes,
                                                 "column": j + 1, "name": sheet.names[j]})
    return y.astype(np.int64), tuple(_shown(float(v)) for v in levels)


def guess_kind(sheet: Sheet, label: int, max_classes: int = MAX_CLASSES) -> str:
    """What :func:`read_table` makes of label column `label` by itself.

    Words are :data:`CLASSES`, and so are whole numbers taking at most
    `max_classes` values; other numbers are :data:`NUMBERS`.
    """
    if label in sheet.text:
        return CLASSES
    values = sheet.numbers[:, label]
    with np.errstate(invalid="ignore"):
        whole = bool(np.all(values == np.round(values)))
    return CLASSES if whole and np.unique(values).size <= max_classes else NUMBERS


def _target(sheet: Sheet, j: int) -> np.ndarray:
    """Column `j` as a continuous target: numbers only, not all equal."""
    if j in sheet.text:
        i = int(np.flatnonzero(~sheet.numeric[:, j])[0])
        raise UserDataError("target_text", {**sheet.where(i, j), "value": sheet.cell(i, j)[:20]})
    target = sheet.numbers[:, j].copy()
    if np.ptp(target) == 0:
        raise UserDataError("constant", {"column": j + 1, "name": sheet.names[j]})
    return target


def _classes(sheet: Sheet, j: int, max_classes: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Column `j` as classes ``0 .. k-1`` and their names, with 2 <= k <= `max_classes`."""
    if j in sheet.text:
        y, classes = _classes_of_text(sheet, j)
    else:
        y, classes = _classes_of_numbers(sheet, j, max_classes)
    if len(classes) > max_classes:
        raise UserDataError("too_many_classes", {"count": len(classes), "limit": max_classes,
                                                 "column": j + 1, "name": sheet.names[j]})
    if len(classes) < 2:
        raise UserDataError("one_class", {"label": classes[0], "column": j + 1,
                                          "name": sheet.names[j]})
    return y, classes


def read_table(
    source: bytes | Sheet,
    label: int | str | None = None,
    kind: str | None = None,
    skip: tuple[int, ...] = (),
    max_rows: int = MAX_ROWS,
    max_classes: int = MAX_CLASSES,
) -> UserTable:
    """Give a file's columns their roles and check every cell.

    Parameters
    ----------
    source : bytes or Sheet
        The raw file, or what :func:`read_sheet` made of it.
    label : int or str, optional
        The label column, by index (from 0) or header name; by default
        :func:`default_label`.
    kind : {"classes", "numbers"}, optional
        What the label is. By default words are classes, and so are whole
        numbers with at most `max_classes` different values (``0/1``, ``-1/+1``,
        ``1..5``); any other numbers are a continuous target (regression).
        ``"classes"`` on other numbers refuses a fraction (``label``) or too
        many values (``too_many_classes``); ``"numbers"`` refuses words.
    skip : tuple of int
        Columns that are neither label nor feature (an id or a name column).
    max_rows, max_classes : int
        Most data rows and most classes accepted.

    Returns
    -------
    UserTable
        Features of shape ``(n, d)``, ``d`` ≥ 2, standardised per column, and
        the label as classes ``0 .. k-1`` (words sorted alphabetically, numbers
        numerically) or as a continuous target.

    Raises
    ------
    UserDataError
        Anything :func:`read_sheet` refuses, and ``too_few_columns``,
        ``missing``, ``not_numeric``, ``not_finite``, ``too_big``, ``mixed_labels``,
        ``label``, ``target_text``, ``too_many_classes``, ``one_class``,
        ``too_few_rows`` or ``constant``.
    """
    sheet = source if isinstance(source, Sheet) else read_sheet(source, max_rows=max_rows)
    if kind not in (None, CLASSES, NUMBERS):
        raise ValueError(f"kind must be {CLASSES!r} or {NUMBERS!r}, not {kind!r}")
    j = default_label(sheet) if label is None else _column_index(sheet, label)
    features = [k for k in range(sheet.n_columns) if k != j and k not in skip]
    if len(features) < MIN_FEATURES:
        raise UserDataError("too_few_columns", {"count": len(features), "limit": MIN_FEATURES})
    problem = _first_bad_cell(sheet, features)
    if problem is not None:
        raise problem

    empty = [i for i in range(sheet.n_rows) if j in sheet.text and sheet.text[j][i] == ""]
    if empty:
        raise UserDataError("missing", sheet.where(empty[0], j))
    if j not in sheet.text:
        problem = _first_bad_cell(sheet, [j])
        if problem is not None:
            raise problem
    if sheet.n_rows < MIN_ROWS:
        raise UserDataError("too_few_rows", {"count": sheet.n_rows, "limit": MIN_ROWS})

    chosen = kind or guess_kind(sheet, j, max_classes)
    y: np.ndarray | None = None
    target: np.ndarray | None = None
    classes: tuple[str, ...] = ()
    if chosen == NUMBERS:
        target = _target(sheet, j)
    else:
        y, classes = _classes(sheet, j, max_classes)

    values = sheet.numbers[:, features]
    flat = np.flatnonzero(np.ptp(values, axis=0) == 0)
    if flat.size:
        k = features[int(flat[0])]
        raise UserDataError("constant", {"column": k + 1, "name": sheet.names[k]})
    return UserTable(sheet=sheet, label=j, features=tuple(features), kind=chosen, values=values,
                     X=standardise(values), y=y, classes=classes, target=target)


def parse_csv(
    data: bytes, max_rows: int = MAX_ROWS, max_classes: int = MAX_CLASSES
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Read a classification file: every feature column and the class labels.

    The label column is the one :func:`default_label` picks (named like a
    label, else the last); see :func:`read_table` for everything else.

    Parameters
    ----------
    data : bytes
        The raw file.
    max_rows : int
        Most data rows accepted.
    max_classes : int
        Most classes accepted.

    Returns
    -------
    X : ndarray of shape (n, d), float64
        Every feature column, standardised (zero mean, unit variance per column).
    y : ndarray of shape (n,), int64
        Class labels ``0 .. k-1``.

    Raises
    ------
    UserDataError
        When the file cannot be used; ``code`` says why.
    """
    table = read_table(data, kind=CLASSES, max_rows=max_rows, max_classes=max_classes)
    assert table.y is not None  # kind=CLASSES always gives classes
    return table.X, table.y
