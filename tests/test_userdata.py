"""Uploaded CSVs: what is accepted, and a precise reason for everything else."""

from __future__ import annotations

import numpy as np
import pytest

from core.userdata import MAX_BYTES, UserDataError, parse_csv


def _csv(rows: list[str], header: str | None = None) -> bytes:
    return "\n".join(([header] if header else []) + rows).encode()


GOOD = [f"{i * 0.1:.1f},{(i % 7) * 0.3:.1f},{i % 2}" for i in range(40)]


@pytest.mark.parametrize("header", [None, "x1,x2,label", "a,b,c"])
def test_good_file_with_or_without_header(header) -> None:
    X, y = parse_csv(_csv(GOOD, header))
    assert X.shape == (40, 2) and y.shape == (40,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1, atol=1e-12)
    assert set(y) == {0, 1}


def test_semicolons_bom_and_blank_lines() -> None:
    data = ("\ufeff" + "\n".join(r.replace(",", ";") for r in GOOD) + "\n\n").encode()
    X, _ = parse_csv(data)
    assert X.shape == (40, 2)


def test_labels_are_renumbered() -> None:
    rows = [r[:-1] + ("2" if r.endswith("1") else "0") for r in GOOD]
    _, y = parse_csv(_csv(rows))
    assert set(y) == {0, 1}


@pytest.mark.parametrize(
    ("data", "code", "details"),
    [
        (b"\xff\xfe\x00garbage", "encoding", {}),
        (b"", "empty", {}),
        (b"x1,x2,label\n", "empty", {}),
        (_csv([*GOOD[:5], "1,2", *GOOD[5:]]), "columns", {"row": 6, "count": 2}),
        (_csv([*GOOD[:3], "1,2,3,4"]), "columns", {"row": 4, "count": 4}),
        (_csv([*GOOD[:3], "1,abc,0", *GOOD[3:]]), "not_numeric", {"row": 4, "column": 2}),
        (_csv([*GOOD[:3], "nan,1,0", *GOOD[3:]]), "not_finite", {"row": 4, "column": 1}),
        (_csv([*GOOD[:3], "1,inf,0", *GOOD[3:]]), "not_finite", {"row": 4, "column": 2}),
        (_csv([*GOOD[:3], "1,2,0.5", *GOOD[3:]]), "label", {"row": 4}),
        (_csv([*GOOD[:3], "1,2,-1", *GOOD[3:]]), "label", {"row": 4}),
        (_csv([*GOOD[:3], "1,2,9", *GOOD[3:]]), "too_many_classes", {"value": 9}),
        (_csv([r[:-1] + "1" for r in GOOD]), "one_class", {"label": 1}),
        (_csv(GOOD[:6]), "too_few_rows", {"count": 6}),
        (_csv(["1,1,0", "1,1,1"] * 10), "constant", {}),
        (_csv(GOOD * 200), "too_many_rows", {"count": 8000}),
    ],
)
def test_bad_files_say_why(data: bytes, code: str, details: dict) -> None:
    with pytest.raises(UserDataError) as info:
        parse_csv(data)
    assert info.value.code == code
    for key, value in details.items():
        assert info.value.details[key] == value


def test_too_large_file() -> None:
    with pytest.raises(UserDataError) as info:
        parse_csv(b"1,2,0\n" * (MAX_BYTES // 6 + 10))
    assert info.value.code == "too_large"
