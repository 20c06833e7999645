"""Fuzzing the upload reader: whatever the bytes, a UserDataError or a usable table.

Three sources of input: random bytes, valid files (every delimiter, decimal
mark, encoding and label kind) mutated byte by byte and cell by cell, and
grids of cells drawn from what spreadsheets hold (numbers, words, blanks,
``nan``, quotes, delimiters). Anything else that escapes (a pandas error, a
NumPy warning, which the suite turns into an error) fails the test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.userdata import (
    CLASSES,
    MAX_CLASSES,
    MAX_COLUMNS,
    MAX_ROWS,
    NUMBERS,
    UserDataError,
    parse_csv,
    read_sheet,
    read_table,
)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(raw: bytes) -> None:
    """Read `raw` every way a page does; what comes out must be usable."""
    try:
        X, y = parse_csv(raw)
    except UserDataError as err:
        assert isinstance(err.code, str) and isinstance(err.details, dict)
        str(err)
    else:
        assert X.ndim == 2 and X.shape[1] >= 2 and X.shape[0] == y.shape[0]
        assert np.all(np.isfinite(X)) and y.dtype == np.int64
        assert 2 <= len(np.unique(y)) <= MAX_CLASSES and set(np.unique(y)) == set(range(y.max() + 1))
    try:
        sheet = read_sheet(raw)
    except UserDataError:
        return
    assert 1 <= sheet.n_columns <= MAX_COLUMNS and 1 <= sheet.n_rows <= MAX_ROWS
    assert sheet.lines.shape == (sheet.n_rows,) and np.all(np.diff(sheet.lines) > 0)
    for label in range(sheet.n_columns):
        for kind in (None, CLASSES, NUMBERS):
            try:
                table = read_table(sheet, label=label, kind=kind)
            except UserDataError as err:
                assert err.code
                continue
            assert label not in table.features and np.all(np.isfinite(table.X))
            if table.kind == CLASSES:
                assert table.y is not None and len(table.classes) == int(table.y.max()) + 1
                assert sum(table.counts()) == table.n_rows
            else:
                assert table.target is not None and np.all(np.isfinite(table.target))


def _valid(n: int, sep: str, decimal: str, labels: tuple[str, ...], header: bool, width: int) -> str:
    rows = []
    for i in range(n):
        cells = [f"{np.sin(i * (j + 1)) * 10 ** j:.3f}".replace(".", decimal) for j in range(width)]
        rows.append(sep.join([*cells, labels[i % len(labels)]]))
    names = sep.join([f"x{j + 1}" for j in range(width)] + ["label"])
    return "\n".join(([names] if header else []) + rows) + "\n"


VALID = st.builds(
    _valid,
    n=st.integers(8, 40),
    sep=st.sampled_from([",", ";", "\t"]),
    decimal=st.just("."),
    labels=st.sampled_from([("0", "1"), ("-1", "+1"), ("cat", "dog"), ("고양이", "강아지"),
                            ("a", "b", "c"), ("1.5", "2.25", "0.1", "7", "8", "9")]),
    header=st.booleans(),
    width=st.integers(1, 5),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp949"])


@pytest.mark.slow  # fuzz
@FUZZ
@given(st.binary(max_size=3000))
@example(b"")
@example(b"\xff\xfe")
@example(b"\xfe\xff\x00")
@example(b"\xef\xbb\xbf")
@example(b'"')
@example(b'1,2,"3\n4,5,6')
@example(b"1,2,0\n" * 3 + b"1e308,-1e308,1\n" * 10)
def test_random_bytes(raw: bytes) -> None:
    _check(raw)


@pytest.mark.slow  # fuzz
@FUZZ
@given(st.text(alphabet=st.sampled_from(list('0123456789.,;\t\n\r "-+eEnaifINF가xyz#')), max_size=600))
def test_random_text_of_csv_characters(text: str) -> None:
    _check(text.encode())


@pytest.mark.slow  # fuzz
@FUZZ
@given(VALID, ENCODINGS, st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255),
                                            st.sampled_from(["set", "insert", "delete"])), max_size=6))
def test_valid_files_mutated_byte_by_byte(text: str, encoding: str, edits: list) -> None:
    raw = bytearray(text.encode(encoding, errors="replace"))
    for where, byte, how in edits:
        if not raw:
            break
        i = where % len(raw)
        if how == "set":
            raw[i] = byte
        elif how == "insert":
            raw.insert(i, byte)
        else:
            del raw[i]
    _check(bytes(raw))


CELLS = st.sampled_from(["0", "1", "-1", "+1", "2.5", "1,5", "-0.0", "1e3", "1e999", "nan", "NaN", "inf",
                         "-inf", "", " ", "cat", "dog", "고양이", '"a,b"', '"', "#N/A", "1e16", "x1",
                         "label", "0x10", "١"])


@pytest.mark.slow  # fuzz
@FUZZ
@given(st.lists(st.lists(CELLS, min_size=1, max_size=5), min_size=1, max_size=30),
       st.sampled_from([",", ";", "\t"]), ENCODINGS)
def test_grids_of_spreadsheet_cells(grid: list[list[str]], sep: str, encoding: str) -> None:
    text = "\n".join(sep.join(row) for row in grid)
    _check(text.encode(encoding, errors="replace"))


@pytest.mark.slow  # fuzz
@FUZZ
@given(VALID, st.integers(0, 10**6), st.sampled_from(["", "nan", "abc", "1e999", "1,2", "x;y", '"']),
       st.sampled_from(["cell", "drop_line", "dup_line", "add_cell"]))
def test_valid_files_mutated_cell_by_cell(text: str, where: int, value: str, how: str) -> None:
    lines = text.splitlines()
    i = where % len(lines)
    sep = "\t" if "\t" in lines[0] else (";" if ";" in lines[0] else ",")
    cells = lines[i].split(sep)
    if how == "cell":
        cells[where % len(cells)] = value
        lines[i] = sep.join(cells)
    elif how == "drop_line":
        del lines[i]
    elif how == "dup_line":
        lines.insert(i, lines[i])
    else:
        lines[i] = sep.join([*cells, value])
    _check("\n".join(lines).encode())


def test_a_valid_file_reads_in_every_encoding() -> None:
    # The generator above makes usable files: the fuzz tests start from good input.
    text = _valid(20, ";", ",", ("고양이", "강아지"), True, 3)
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp949"):
        table = read_table(text.encode(encoding))
        assert table.X.shape == (20, 3) and table.classes == ("강아지", "고양이"), encoding
