"""Uploaded tables: every format people have, and a precise reason for everything else."""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pytest

from core.userdata import (
    CLASSES,
    MAX_BYTES,
    MAX_CLASSES,
    MAX_COLUMNS,
    MAX_ROWS,
    NUMBERS,
    UserDataError,
    default_label,
    guess_kind,
    parse_csv,
    read_sheet,
    read_table,
)

DATA = Path(__file__).parent / "data"


def _csv(rows: list[str], header: str | None = None, sep: str = ",") -> bytes:
    lines = ([header] if header else []) + rows
    return "\n".join(line.replace(",", sep) for line in lines).encode()


GOOD = [f"{i * 0.1:.1f},{(i % 7) * 0.3:.1f},{i % 2}" for i in range(40)]


def _raises(data: bytes | object, **kw) -> UserDataError:
    with pytest.raises(UserDataError) as info:
        read_table(data, **kw)
    return info.value


# ----------------------------------------------------------------- what is read


@pytest.mark.parametrize("header", [None, "x1,x2,label", "a,b,c"])
def test_good_file_with_or_without_header(header) -> None:
    X, y = parse_csv(_csv(GOOD, header))
    assert X.shape == (40, 2) and y.shape == (40,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1, atol=1e-12)
    assert set(y) == {0, 1}
    assert read_sheet(_csv(GOOD, header)).header == (header is not None)


@pytest.mark.parametrize(("sep", "name"), [(",", ","), (";", ";"), ("\t", "\t")])
def test_delimiters_are_detected(sep: str, name: str) -> None:
    table = read_table(_csv(GOOD, "x1,x2,label", sep=sep))
    assert table.sheet.delimiter == name
    assert table.X.shape == (40, 2) and table.classes == ("0", "1")


def test_semicolons_with_decimal_commas_read_as_numbers() -> None:
    rows = [r.replace(",", ";").replace(".", ",") for r in GOOD]
    table = read_table(("\n".join(rows)).encode())
    assert table.sheet.delimiter == ";" and table.sheet.decimal == ","
    expected = np.array([[float(c) for c in r.split(",")[:2]] for r in GOOD])
    np.testing.assert_allclose(table.values, expected)


def test_pasted_spreadsheet_cells_tabs_and_decimal_commas() -> None:
    pasted = "x\ty\tlabel\n" + "\n".join(f"{i},5\t{i % 4},25\t{'ab'[i % 2]}" for i in range(12))
    table = read_table(pasted.encode())
    assert table.sheet.delimiter == "\t" and table.sheet.decimal == ","
    assert table.values[1].tolist() == [1.5, 1.25]
    assert table.mapping() == "0 = a, 1 = b"


def test_european_excel_fixture() -> None:
    # UTF-8 with a byte-order mark, semicolons, decimal commas, the label first.
    table = read_table((DATA / "iris-semicolon.csv").read_bytes())
    sheet = table.sheet
    assert (sheet.encoding, sheet.delimiter, sheet.decimal) == ("UTF-8 (BOM)", ";", ",")
    assert sheet.names == ("species", "sepal", "petal")
    assert table.label == 0 and table.features == (1, 2)
    assert table.mapping() == "0 = setosa, 1 = versicolor, 2 = virginica"
    assert sum(table.counts()) == 40 == table.n_rows


def test_korean_excel_fixture_cp949_with_text_labels() -> None:
    raw = (DATA / "animals-cp949.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # what the old reader refused
    table = read_table(raw)
    assert table.sheet.encoding == "CP949"
    assert table.sheet.names == ("몸길이(cm)", "몸무게(kg)", "나이", "동물")
    assert table.classes == ("강아지", "고양이") and table.counts() == (30, 30)
    X, y = parse_csv(raw)
    assert X.shape == (60, 3) and set(y) == {0, 1}


@pytest.mark.parametrize(
    ("encoding", "found"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (BOM)"), ("utf-16", "UTF-16"),
     ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("cp949", "CP949"), ("euc-kr", "CP949")],
)
def test_encodings_are_detected(encoding: str, found: str) -> None:
    text = "가로,세로,정답\n" + "\n".join(f"{i},{i % 5},{('예', '아니오')[i % 2]}" for i in range(20))
    raw = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        assert not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    table = read_table(raw)
    assert table.sheet.encoding == found
    assert table.sheet.names == ("가로", "세로", "정답")
    assert table.classes == ("아니오", "예")


@pytest.mark.parametrize(
    ("labels", "classes"),
    [(("cat", "dog"), ("cat", "dog")), (("yes", "no"), ("no", "yes")), (("-1", "+1"), ("-1", "1")),
     (("-1", "1"), ("-1", "1")), (("1", "2", "3"), ("1", "2", "3")), (("0", "2"), ("0", "2")),
     (("setosa", "versicolor", "virginica"), ("setosa", "versicolor", "virginica"))],
)
def test_labels_are_mapped_to_0_to_k(labels: tuple[str, ...], classes: tuple[str, ...]) -> None:
    rows = [f"{i * 0.1:.1f},{(i % 7) * 0.3:.1f},{labels[i % len(labels)]}" for i in range(30)]
    table = read_table(_csv(rows))
    assert table.kind == CLASSES and table.classes == classes
    assert table.y is not None and table.y.dtype == np.int64
    # Row i's class is the position of its label in the mapping.
    for i, row in enumerate(rows):
        written = row.rsplit(",", 1)[1]
        assert classes[int(table.y[i])] == written.lstrip("+")
    _, y = parse_csv(_csv(rows))
    assert set(y) == set(range(len(classes)))


def test_mapping_text() -> None:
    rows = [f"{i},{i % 3},{('dog', 'cat')[i % 2]}" for i in range(12)]
    table = read_table(_csv(rows))
    assert table.mapping() == "0 = cat, 1 = dog"
    assert table.counts() == (6, 6)


def test_more_than_two_features_keeps_them_all() -> None:
    rows = [f"{i},{i % 3},{i % 5},{(i * 7) % 11},{i % 2}" for i in range(30)]
    X, y = parse_csv(_csv(rows))
    assert X.shape == (30, 4) and y.tolist() == [i % 2 for i in range(30)]
    np.testing.assert_allclose(X.std(axis=0), 1, atol=1e-12)


@pytest.mark.parametrize(
    ("header", "label"),
    [("x,y,z,label", 3), ("label,a,b,c", 0), ("a,Class,b,c", 1), ("a,b,TARGET,c", 2), ("y,a,b,c", 0),
     ("a,b,정답,c", 2), ("a,b,c,d", 3)],
)
def test_default_label_column(header: str, label: int) -> None:
    rows = [f"{i % 2},{i},{i % 3},{i * 2 % 5}" for i in range(20)]
    sheet = read_sheet(_csv(rows, header))
    assert default_label(sheet) == label


def test_default_label_is_the_only_column_of_words() -> None:
    rows = [f"{('a', 'b')[i % 2]},{i},{i % 3},{i * 2 % 5}" for i in range(20)]
    assert default_label(read_sheet(_csv(rows, "kind,p,q,r"))) == 0
    assert default_label(read_sheet(_csv(rows))) == 0


def test_label_column_chosen_by_index_or_name() -> None:
    rows = [f"{i % 2},{i},{i % 3},{i * 2 % 5}" for i in range(20)]
    data = _csv(rows, "flag,a,b,c")
    table = read_table(data, label="flag")
    assert table.label == 0 and table.features == (1, 2, 3) and table.classes == ("0", "1")
    assert read_table(data, label=0).features == table.features
    np.testing.assert_array_equal(read_table(data, label=0).X, table.X)


def test_skipped_columns_are_no_features() -> None:
    rows = [f"id{i},{i},{i % 3},{i % 2}" for i in range(20)]
    data = _csv(rows, "name,a,b,label")
    assert _raises(data).code == "not_numeric"
    table = read_table(data, skip=(0,))
    assert table.features == (1, 2) and table.X.shape == (20, 2)


def test_continuous_target_is_read_for_regression() -> None:
    rows = [f"{i * 0.1:.1f},{(i % 7) * 0.3:.1f},{i * 0.25 - 3:.2f}" for i in range(30)]
    table = read_table(_csv(rows, "x1,x2,price"))
    assert table.kind == NUMBERS and table.y is None and table.classes == ()
    np.testing.assert_allclose(table.target, [i * 0.25 - 3 for i in range(30)])
    assert table.counts() == ()
    # Whole numbers of more kinds than classes allow are a target too.
    rows = [f"{i},{i % 7},{20 + i}" for i in range(30)]
    assert read_table(_csv(rows)).kind == NUMBERS
    # And a few whole numbers can be taken as numbers on request.
    rows = [f"{i},{i % 7},{i % 3}" for i in range(30)]
    assert read_table(_csv(rows)).kind == CLASSES
    assert read_table(_csv(rows), kind=NUMBERS).target.tolist() == [i % 3 for i in range(30)]


def test_blank_lines_bom_crlf_quotes_and_trailing_delimiters() -> None:
    lines = [f'"{r.split(",")[0]}",{r.split(",")[1]},{r.split(",")[2]},' for r in GOOD]
    data = ("\ufeffx1,x2,label,\r\n\r\n" + "\r\n".join(lines[:20]) + "\r\n \r\n" + "\r\n".join(lines[20:])
            + "\r\n\r\n").encode()
    table = read_table(data)
    assert table.sheet.names == ("x1", "x2", "label")
    assert table.X.shape == (40, 2)
    # Rows keep the file's line numbers (line 1 the header, line 2 blank).
    assert table.sheet.lines[0] == 3 and table.sheet.lines[20] == 24


def test_quoted_text_label_with_the_delimiter_inside() -> None:
    rows = [f'{i},{i % 3},"{("Seoul, KR", "Busan, KR")[i % 2]}"' for i in range(12)]
    table = read_table(_csv(rows))
    assert table.classes == ("Busan, KR", "Seoul, KR")


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("data", "code", "details"),
    [
        (b"", "empty", {}),
        (b"\n \n\t\n", "empty", {}),
        (b"x1,x2,label\n", "header_only", {}),
        (b"x1,x2,label\n\n", "header_only", {}),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", {"position": 7}),
        (b"1,2,0\n\x00\x01\x02", "binary", {"position": 7}),
        (b"1,2,0\n\xff\xfe\xfd,1,1", "encoding", {"position": 7}),
        (codecs.BOM_UTF8 + b"1,2,\xff", "encoding", {}),
        (_csv([*GOOD[:5], "1,2", *GOOD[5:]]), "columns", {"row": 6, "count": 2, "expected": 3}),
        (_csv([*GOOD[:3], "1,2,3,4"]), "columns", {"row": 4, "count": 4, "expected": 3}),
        (_csv(GOOD[:3], "x1,x2,label,extra"), "columns", {"row": 1, "count": 4, "expected": 3}),
        (_csv(["1," * MAX_COLUMNS + "0"] * 12), "too_many_columns", {"row": 1, "limit": MAX_COLUMNS}),
        (_csv([*GOOD[:3], "1,abc,0", *GOOD[3:]]), "not_numeric",
         {"row": 4, "column": 2, "name": "", "value": "abc"}),
        (_csv([*GOOD[:3], "1,#N/A,0", *GOOD[3:]], "x1,x2,label"), "not_numeric",
         {"row": 5, "column": 2, "name": "x2", "value": "#N/A"}),
        (_csv([*GOOD[:3], "1,,0", *GOOD[3:]], "x1,x2,label"), "missing",
         {"row": 5, "column": 2, "name": "x2"}),
        (_csv([*GOOD[:3], "1,2,", *GOOD[3:]], "x1,x2,label"), "missing",
         {"row": 5, "column": 3, "name": "label"}),
        (_csv([*GOOD[:3], "nan,1,0", *GOOD[3:]]), "not_finite", {"row": 4, "column": 1, "value": "nan"}),
        (_csv([*GOOD[:3], "1,inf,0", *GOOD[3:]]), "not_finite", {"row": 4, "column": 2, "value": "inf"}),
        (_csv([*GOOD[:3], "1,-Infinity,0", *GOOD[3:]]), "not_finite", {"row": 4, "column": 2}),
        (_csv([*GOOD[:3], "1,1e999,0", *GOOD[3:]]), "not_finite", {"row": 4, "column": 2}),
        (_csv([*GOOD[:3], "1,2,NaN", *GOOD[3:]]), "not_finite", {"row": 4, "column": 3}),
        (_csv([r[:-1] + ("cat" if i % 2 else "dog") for i, r in enumerate(GOOD[:20])] + ["1,2,1"]),
         "mixed_labels", {"row": 21, "column": 3, "value": "1"}),
        (_csv([*GOOD[:3], "1,2,dgo", *GOOD[3:]]), "mixed_labels", {"row": 4, "column": 3, "value": "dgo"}),
        (_csv([r[:-1] + "1" for r in GOOD], "x1,x2,label"), "one_class",
         {"label": "1", "column": 3, "name": "label"}),
        (_csv([r[:-1] + "cat" for r in GOOD]), "one_class", {"label": "cat"}),
        (_csv([f"{i},{i % 3},{'abcdefg'[i % 7]}" for i in range(30)]), "too_many_classes",
         {"count": 7, "limit": MAX_CLASSES, "column": 3}),
        (_csv(GOOD[:6]), "too_few_rows", {"count": 6, "limit": 10}),
        (_csv(["1,1,0", "1,2,1"] * 10, "a,b,label"), "constant", {"column": 1, "name": "a"}),
        (_csv(GOOD * 200), "too_many_rows", {"count": 8000, "limit": MAX_ROWS}),
        (_csv(GOOD[:2] * (MAX_ROWS // 2) + GOOD[:1], "x1,x2,label"), "too_many_rows",
         {"count": MAX_ROWS + 1, "limit": MAX_ROWS}),
        (_csv([f"{i}" for i in range(20)]), "too_few_columns", {"count": 0, "limit": 2}),
        (_csv([f"{i},{i % 2}" for i in range(20)]), "too_few_columns", {"count": 1, "limit": 2}),
    ],
)
def test_bad_files_say_why_and_where(data: bytes, code: str, details: dict) -> None:
    err = _raises(data)
    assert err.code == code, err
    for key, value in details.items():
        assert err.details[key] == value, (key, err)
    # parse_csv refuses the same file for the same reason.
    with pytest.raises(UserDataError) as info:
        parse_csv(data)
    assert info.value.code == code


def test_exactly_max_rows_is_accepted() -> None:
    data = _csv(GOOD[:2] * (MAX_ROWS // 2), "x1,x2,label")
    assert read_table(data).n_rows == MAX_ROWS


def test_classification_refuses_what_only_a_target_can_be() -> None:
    # A fraction among class labels points at its cell.
    data = _csv([*GOOD[:3], "1,2,0.5", *GOOD[3:]], "x1,x2,label")
    assert read_table(data).kind == NUMBERS
    err = _raises(data, kind=CLASSES)
    assert err.code == "label" and err.details == {"row": 5, "column": 3, "name": "label", "value": "0.5"}
    with pytest.raises(UserDataError) as info:
        parse_csv(data)
    assert info.value.code == "label"
    # Too many whole numbers for classes.
    data = _csv([f"{i},{i % 3},{i % 9}" for i in range(30)])
    err = _raises(data, kind=CLASSES)
    assert err.code == "too_many_classes" and err.details["count"] == 9


def test_regression_refuses_words_and_a_constant_target() -> None:
    rows = [f"{i},{i % 3},{('a', 'b')[i % 2]}" for i in range(12)]
    err = _raises(_csv(rows), kind=NUMBERS)
    assert err.code == "target_text" and err.details["row"] == 1 and err.details["value"] == "a"
    rows = [f"{i},{i % 3},2.5" for i in range(12)]
    err = _raises(_csv(rows, "a,b,price"), kind=NUMBERS)
    assert err.code == "constant" and err.details == {"column": 3, "name": "price"}


def test_too_large_file() -> None:
    err = _raises(b"1,2,0\n" * (MAX_BYTES // 6 + 10))
    assert err.code == "too_large" and err.details["limit_kb"] == MAX_BYTES // 1000


def test_a_programming_error_is_not_a_user_error() -> None:
    sheet = read_sheet(_csv(GOOD))
    with pytest.raises(IndexError):
        read_table(sheet, label=3)
    with pytest.raises(KeyError):
        read_table(sheet, label="nope")
    with pytest.raises(ValueError, match="kind"):
        read_table(sheet, kind="ordinal")


def test_guess_kind_is_what_read_table_does_by_itself() -> None:
    cases = {"0/1": [i % 2 for i in range(20)], "ratings": [1 + i % 5 for i in range(20)],
             "ages": list(range(20, 40)), "prices": [0.5 * i for i in range(20)]}
    for name, labels in cases.items():
        rows = [f"{i},{i % 7},{v}" for i, v in enumerate(labels)]
        sheet = read_sheet(_csv(rows))
        assert guess_kind(sheet, 2) == read_table(sheet).kind, name
    assert [guess_kind(read_sheet(_csv([f"{i},{i % 7},{v}" for i, v in enumerate(labels)])), 2)
            for labels in cases.values()] == [CLASSES, CLASSES, NUMBERS, NUMBERS]
