"""The sidebar uploader through AppTest: files and pasted cells, choices, preview, session only."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from apptest_utils import TIMEOUT, drawn_spec, open_page, open_section
from streamlit.testing.v1 import AppTest

from core.userdata import CLASSES, NUMBERS, read_table
from ui.charts import CLASS_COLOURS
from ui.frame import PAGES
from ui.i18n import Translator
from ui.literal import literal as L
from ui.upload import _REGRESSION, _STATE

SHAPES = next(p for p in PAGES if p.name == "shapes")
VANISHING = next(p for p in PAGES if p.name == "vanishing")
DATA = Path(__file__).parent / "data"
CP949 = (DATA / "animals-cp949.csv").read_bytes()
EN, KO = Translator("en"), Translator("ko")


def _upload(at: AppTest, raw: bytes, name: str = "animals.csv") -> AppTest:
    at.sidebar.file_uploader(key="_upload").set_value((name, raw, "text/csv"))
    return at.run()


def _texts(at: AppTest, kind: str) -> list[str]:
    return [w.value for w in at.sidebar.get(kind)]


def _preview_chart(at: AppTest) -> dict:
    charts = list(at.sidebar.get("vega_lite_chart"))
    assert len(charts) == 1
    return drawn_spec(charts[0])


def test_limits_are_said_before_anything_is_uploaded() -> None:
    at = open_page(SHAPES)
    help_text = EN("common.upload.help", rows=5000, kb=1000, classes=5, columns=30)
    assert help_text in _texts(at, "caption")
    assert "5000 rows" in help_text and "1000 kB" in help_text
    assert len(at.sidebar.get("file_uploader")) == 1 and len(at.sidebar.get("text_area")) == 1
    assert _STATE not in at.session_state


def test_cp949_file_with_text_labels_preview_and_state() -> None:
    at = _upload(open_page(SHAPES), CP949)
    assert not at.exception
    table = read_table(CP949)
    assert EN("common.upload.ok", name=L("animals.csv"), n=60, k=2) in _texts(at, "success")
    counts = EN("common.upload.class_count", c=0, label=L("강아지"), n=30) + ", " + \
        EN("common.upload.class_count", c=1, label=L("고양이"), n=30)
    assert EN("common.upload.classes", counts=counts) in _texts(at, "markdown")
    assert any("CP949" in c and "comma" in c for c in _texts(at, "caption"))
    # The first rows, labels as the file writes them.
    frame = at.sidebar.get("dataframe")[0].value
    assert list(frame.columns) == ["동물", "몸길이(cm)", "몸무게(kg)", "나이"]
    assert len(frame) == 5 and list(frame["동물"]) == [table.classes[c] for c in table.y[:5]]
    np.testing.assert_allclose(frame["몸길이(cm)"], table.values[:5, 0])
    # The scatter: the two first feature columns in file units, coloured by class.
    spec = _preview_chart(at)
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 60
    np.testing.assert_allclose([r["x"] for r in rows], table.values[:, 0])
    np.testing.assert_allclose([r["y"] for r in rows], table.values[:, 1])
    assert spec["encoding"]["color"]["scale"]["domain"] == ["0 = 강아지", "1 = 고양이"]
    assert spec["encoding"]["color"]["scale"]["range"] == list(CLASS_COLOURS[:2])
    assert spec["encoding"]["x"]["title"] == "몸길이(cm)"
    # What pages read: two columns for 2-D pages, all three otherwise.
    stored = at.session_state[_STATE]
    assert stored["X"].shape == (60, 2) and stored["X_all"].shape == (60, 3)
    np.testing.assert_allclose(stored["X_all"], table.X)
    np.testing.assert_array_equal(stored["y"], table.y)
    assert stored["mapping"] == "0 = 강아지, 1 = 고양이"


def test_choosing_the_2d_columns_changes_the_data_and_its_digest() -> None:
    at = _upload(open_page(SHAPES), CP949)
    table = read_table(CP949)
    first = at.session_state[_STATE]["digest"]
    at.sidebar.selectbox(key="_upload_y").set_value(2).run()
    stored = at.session_state[_STATE]
    assert stored["digest"] != first and stored["columns"] == (0, 2)
    np.testing.assert_allclose(stored["X"], table.X[:, [0, 2]])
    assert _preview_chart(at)["encoding"]["y"]["title"] == "나이"
    at.sidebar.selectbox(key="_upload_x").set_value(1).run()
    stored = at.session_state[_STATE]
    assert stored["columns"] == (1, 2)
    np.testing.assert_allclose(stored["X"], table.X[:, [1, 2]])
    # Back to the first choice: the first digest again (it keys cached trainings).
    at.sidebar.selectbox(key="_upload_x").set_value(0).run()
    at.sidebar.selectbox(key="_upload_y").set_value(1).run()
    assert at.session_state[_STATE]["digest"] == first


def test_label_column_choice_and_kind() -> None:
    at = _upload(open_page(SHAPES), CP949)
    first = at.session_state[_STATE]["digest"]
    # Age as the label: the animal column becomes a feature, which words cannot be.
    at.sidebar.selectbox(key="_upload_label").set_value(2).run()
    assert not at.exception
    assert EN("common.upload.error.not_numeric", row=2, column=4, name=f" ({L('동물')})",
              value=L("고양이")) in _texts(at, "error")
    assert _STATE not in at.session_state and _REGRESSION not in at.session_state
    # Left out, it leaves age (whole numbers 1..14, more values than classes allow): a target.
    at.sidebar.multiselect(key="_upload_skip").set_value([3]).run()
    radio = at.sidebar.radio(key="_upload_kind")
    assert radio.value == NUMBERS
    ok = EN("common.upload.ok_numbers", name=L("animals.csv"), n=60, column=L("나이"))
    assert ok in _texts(at, "success")
    reg = at.session_state[_REGRESSION]
    ages = read_table(CP949, label=2, skip=(3,)).target
    np.testing.assert_allclose(reg["y"], ages)
    assert reg["X"].shape == (60, 2) and _STATE not in at.session_state
    # Taken as classes instead: too many of them, said precisely.
    radio.set_value(CLASSES).run()
    count = len(np.unique(ages))
    assert EN("common.upload.error.too_many_classes", count=count, limit=5, column=3,
              name=f" ({L('나이')})") in _texts(at, "error")
    assert _STATE not in at.session_state and _REGRESSION not in at.session_state
    # Back to the animal column: classes again, the same data as at first.
    at.sidebar.selectbox(key="_upload_label").set_value(3).run()
    assert at.session_state[_STATE]["digest"] == first


def test_a_text_feature_is_refused_where_it_is_and_can_be_left_out() -> None:
    rows = "\n".join(f"id{i},{i * 0.5},{i % 4},{'ab'[i % 2]}" for i in range(20))
    raw = ("name,x1,x2,label\n" + rows).encode()
    at = _upload(open_page(SHAPES), raw, "ids.csv")
    msg = EN("common.upload.error.not_numeric", row=2, column=1, name=f" ({L('name')})", value=L("id0"))
    assert msg in _texts(at, "error")
    assert _STATE not in at.session_state
    at.sidebar.multiselect(key="_upload_skip").set_value([0]).run()
    assert not _texts(at, "error")
    assert at.session_state[_STATE]["X_all"].shape == (20, 2)


def test_pasted_spreadsheet_cells() -> None:
    at = open_page(SHAPES)
    cells = [f"{i},5\t{(i * 7) % 5},25\t{('yes', 'no')[i % 2]}" for i in range(14)]
    pasted = "x\ty\tlabel\n" + "\n".join(cells)
    at.sidebar.text_area(key="_upload_paste").input(pasted).run()
    assert not at.exception
    name = EN("common.upload.pasted_name")
    assert EN("common.upload.ok", name=name, n=14, k=2) in _texts(at, "success")
    assert any("tab" in c and L(",") in c for c in _texts(at, "caption"))
    assert at.session_state[_STATE]["mapping"] == "0 = no, 1 = yes"
    # Emptying the box forgets the data.
    at.sidebar.text_area(key="_upload_paste").input("").run()
    assert _STATE not in at.session_state


def test_a_file_wins_over_pasted_cells_and_removing_it_forgets_the_data() -> None:
    at = open_page(SHAPES)
    at.sidebar.text_area(key="_upload_paste").input("a,b,c\n" + "\n".join(
        f"{i},{i % 3},{i % 2}" for i in range(12))).run()
    pasted_digest = at.session_state[_STATE]["digest"]
    at = _upload(at, CP949)
    assert EN("common.upload.file_wins") in _texts(at, "caption")
    assert at.session_state[_STATE]["digest"] != pasted_digest
    assert at.session_state[_STATE]["X_all"].shape == (60, 3)
    at.sidebar.file_uploader(key="_upload").clear()
    at.run()
    # The pasted cells take over again.
    assert at.session_state[_STATE]["digest"] == pasted_digest


def test_removing_the_file_forgets_the_data() -> None:
    at = _upload(open_page(SHAPES), CP949)
    assert _STATE in at.session_state
    at.sidebar.file_uploader(key="_upload").clear()
    at.run()
    assert _STATE not in at.session_state and "_user_source" not in at.session_state


@pytest.mark.parametrize(
    ("raw", "code", "details"),
    [
        (b"", "empty", {}),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary", {"position": 7}),
        (b"x1,x2,label\n" + b"1,2,0\n" * 3 + b"1,2\n" + b"2,1,1\n" * 10, "columns",
         {"row": 5, "count": 2, "expected": 3}),
        (b"x1,x2,label\n" + b"1,2,0\n" * 3 + b"1,nan,1\n" + b"2,1,1\n" * 10, "not_finite",
         {"row": 5, "column": 2, "name": f" ({L('x2')})", "value": L("nan")}),
    ],
)
def test_refusals_are_explained_in_both_languages(raw: bytes, code: str, details: dict) -> None:
    for lang, t in (("en", EN), ("ko", KO)):
        at = _upload(open_page(SHAPES, {"lang": lang}), raw, "bad.csv")
        assert not at.exception
        assert t(f"common.upload.error.{code}", **details) in _texts(at, "error"), lang
        assert _STATE not in at.session_state


def test_korean_preview() -> None:
    at = _upload(open_page(SHAPES, {"lang": "ko"}), CP949)
    assert KO("common.upload.ok", name=L("animals.csv"), n=60, k=2) in _texts(at, "success")
    assert any("CP949" in c and KO("common.upload.delimiter.comma") in c for c in _texts(at, "caption"))
    assert at.sidebar.selectbox(key="_upload_label").label == KO("common.upload.label_column")


def test_headerless_columns_are_named_by_number() -> None:
    raw = "\n".join(f"{i},{i % 3},{i % 4},{i % 2}" for i in range(20)).encode()
    at = _upload(open_page(SHAPES, {"lang": "ko"}), raw, "plain.csv")
    box = at.sidebar.selectbox(key="_upload_label")
    assert box.value == 3 and box.format_func(3) == KO("common.upload.column", n=4) == "4열"
    assert list(at.sidebar.get("dataframe")[0].value.columns) == ["4열", "1열", "2열", "3열"]


def test_regression_target_is_previewed_and_offered_to_pages() -> None:
    rows = "\n".join(f"{i * 0.3:.1f},{(i * 7) % 10},{2.5 * i - 4:.2f}" for i in range(30))
    at = _upload(open_section(SHAPES, "c1"), ("area,rooms,price\n" + rows).encode(), "houses.csv")
    ok = EN("common.upload.ok_numbers", name=L("houses.csv"), n=30, column=L("price"))
    assert ok in _texts(at, "success")
    assert any("-4" in i and "68.5" in i for i in _texts(at, "info"))
    spec = _preview_chart(at)
    assert spec["encoding"]["color"]["field"] == "value"
    assert _STATE not in at.session_state
    reg = at.session_state[_REGRESSION]
    assert reg["X"].shape == (30, 2) and reg["y"].dtype == np.float64
    np.testing.assert_allclose(reg["y"], [2.5 * i - 4 for i in range(30)])
    # A classification page asked for the upload says why it cannot use it.
    at.query_params["data"] = "upload"
    at.run()
    assert EN("common.upload.not_classes") in [i.value for i in at.info]
    assert EN("common.upload.missing") not in [i.value for i in at.info]


def test_widgets_are_session_only_never_in_the_url() -> None:
    at = _upload(open_page(SHAPES), CP949)
    at.sidebar.selectbox(key="_upload_y").set_value(2).run()
    keys = {w.key for kind in ("selectbox", "radio", "multiselect", "text_area", "file_uploader")
            for w in at.sidebar.get(kind)}
    upload_keys = {k for k in keys if k and "upload" in k}
    assert upload_keys >= {"_upload", "_upload_paste", "_upload_label", "_upload_x", "_upload_y"}
    assert all(k.startswith("_") for k in upload_keys)
    assert not any("upload" in k for k in at.query_params)
    # No widget of the uploader is bound to the URL.
    for kind in ("selectbox", "multiselect", "text_area"):
        for w in at.sidebar.get(kind):
            if w.key and w.key.startswith("_upload"):
                assert not getattr(w.proto, "query_param_key", ""), w.key


def test_the_data_stays_in_one_session() -> None:
    at = _upload(open_page(SHAPES), CP949)
    assert _STATE in at.session_state
    other = open_section(SHAPES, "c1", {"data": "upload"})
    assert _STATE not in other.session_state
    assert EN("common.upload.missing") in [i.value for i in other.info]


def test_the_data_follows_the_visitor_to_another_page() -> None:
    at = _upload(open_page(SHAPES), CP949)
    at.sidebar.selectbox(key="_upload_y").set_value(2).run()
    digest = at.session_state[_STATE]["digest"]
    at.switch_page(VANISHING.script)
    at.query_params["data"] = "upload"
    at.run()
    assert not at.exception
    assert at.session_state[_STATE]["digest"] == digest
    # Its uploader still shows the preview and the choices made on the first page.
    assert at.sidebar.selectbox(key="_upload_y").value == 2
    assert len(list(at.sidebar.get("vega_lite_chart"))) == 1
    assert EN("common.upload.in_use") in [c.value for c in at.caption]


def test_data_set_by_a_test_without_a_source_can_be_forgotten() -> None:
    X = np.random.default_rng(0).normal(size=(20, 2))
    at = open_page(SHAPES, upload=(X, (X[:, 0] > 0).astype(np.int64), "abc"))
    assert EN("common.upload.kept", name=L("mine.csv")) in _texts(at, "caption")
    at.sidebar.button(key="_upload_forget").click().run()
    assert _STATE not in at.session_state


_LOADER = """
import json
import numpy as np
import streamlit as st
from ui.i18n import Translator
from ui.literal import literal as L
from ui.upload import load_data, user_data, user_regression

t = Translator("en")
X2, y2, used = load_data("upload", 100, 0.1, 0, t)
Xa, ya, _ = load_data("upload", 100, 0.1, 0, t, two_d=False)
st.session_state["_out"] = json.dumps({
    "used": used, "two_d": list(X2.shape), "all": list(Xa.shape), "same_y": bool(np.array_equal(y2, ya)),
    "digest": (user_data() or (0, 0, None))[2], "regression": user_regression() is not None,
})
"""


def test_load_data_gives_two_columns_or_every_feature() -> None:
    at = AppTest.from_string(_LOADER, default_timeout=TIMEOUT)
    at.session_state[_STATE] = {
        "X": np.zeros((12, 2)), "X_all": np.zeros((12, 4)), "y": np.arange(12) % 2,
        "digest": "d1", "name": "mine.csv",
    }
    at.run()
    out = json.loads(at.session_state["_out"])
    assert out == {"used": "upload", "two_d": [12, 2], "all": [12, 4], "same_y": True, "digest": "d1",
                   "regression": False}
    # A record without every feature (as older tests store it) serves its two columns to both.
    at = AppTest.from_string(_LOADER, default_timeout=TIMEOUT)
    at.session_state[_STATE] = {"X": np.zeros((12, 2)), "y": np.arange(12) % 2, "digest": "d2",
                                "name": "mine.csv"}
    at.run()
    assert json.loads(at.session_state["_out"])["all"] == [12, 2]
    # Nothing uploaded: moons, said on the page.
    at = AppTest.from_string(_LOADER, default_timeout=TIMEOUT).run()
    out = json.loads(at.session_state["_out"])
    assert out["used"] == "moons" and out["all"] == [100, 2]
    assert EN("common.upload.missing") in [i.value for i in at.info]
