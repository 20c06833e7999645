"""Tests for core.playground_link: every Playground key's mapping, defaults, garbage."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.datasets import DATASETS
from core.features import FEATURES
from core.playground_link import (
    LEARNING_RATES,
    PLAYGROUND_DEFAULTS,
    REGULARIZATION_RATES,
    SEED_RANGE,
    PlaygroundLink,
    parse_playground_link,
    playground_seed,
)

# A link exactly as Playground's State.serialize writes it (every property, in its order).
SPIRAL = (
    "https://playground.tensorflow.org/#activation=sigmoid&batchSize=10&dataset=spiral"
    "&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&networkShape=6,6,4"
    "&seed=0.85643&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
    "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=true&cosY=false&sinY=true"
    "&collectStats=false&problem=classification&initZero=false&hideText=false"
)


def parse(hash_: str, **kw: object) -> PlaygroundLink:
    return parse_playground_link("https://playground.tensorflow.org/#" + hash_, **kw)  # type: ignore[arg-type]


def test_sigmoid_spiral_link() -> None:
    link = parse_playground_link(SPIRAL)
    assert link.unknown == ()
    assert link.settings == {
        "problem": "classification", "data": "spiral", "act": "sigmoid", "shape": "6,6,4",
        "lr": 0.03, "batch": 10, "noise": 0.0, "train": 50, "reg": "none", "reg_rate": 0,
        "features": ["x1", "x2", "sinx1", "sinx2"], "seed": playground_seed("0.85643"),
        "show_test": False, "discretize": False, "init_zero": False,
    }
    assert link.raw["seed"] == "0.85643" and link.raw["networkShape"] == "6,6,4"


@pytest.mark.parametrize("prefix", ["", "#", "playground.tensorflow.org/#", "  http://x.org/#"])
def test_the_hash_alone_or_any_address_reads_the_same(prefix: str) -> None:
    hash_ = SPIRAL.split("#", 1)[1]
    assert parse_playground_link(prefix + hash_ + "  ") == parse_playground_link(SPIRAL)


def test_an_address_without_a_hash_sets_nothing() -> None:
    for text in ("https://playground.tensorflow.org/", "playground.tensorflow.org", ""):
        assert parse_playground_link(text) == PlaygroundLink()


@pytest.mark.parametrize(("theirs", "ours"),
                         [("relu", "relu"), ("tanh", "tanh"), ("sigmoid", "sigmoid"),
                          ("linear", "identity")])
def test_activation(theirs: str, ours: str) -> None:
    assert parse(f"activation={theirs}").settings["act"] == ours


def test_garbage_activation_is_reported_and_left_at_the_default() -> None:
    link = parse("activation=swish&dataset=xor")
    assert link.unknown == ("activation",)
    assert link.settings["act"] == "tanh" and link.settings["data"] == "xor"


@pytest.mark.parametrize(("value", "shape"), [
    ("", ""), ("4,2", "4,2"), ("1", "1"), ("16", "16"), (" 4 , 2 ", "4,2"),
    ("8,8,8,8,8,8,8,8", "8,8,8,8,8,8,8,8"), ("3.0", "3"),
])
def test_network_shape(value: str, shape: str) -> None:
    link = parse(f"networkShape={value}")
    assert link.settings["shape"] == shape and link.unknown == ()


@pytest.mark.parametrize("value", ["4,0", "17", "4.5", "-1", "a,b", "4,,2", "1,1,1,1,1,1,1,1,1", "1e999"])
def test_bad_network_shape(value: str) -> None:
    link = parse(f"networkShape={value}")
    assert link.unknown == ("networkShape",)
    assert link.settings["shape"] == PLAYGROUND_DEFAULTS["shape"]


def test_shape_limits_are_parameters() -> None:
    assert parse("networkShape=32,32", max_width=32).settings["shape"] == "32,32"
    assert parse("networkShape=2,2,2", max_layers=2).unknown == ("networkShape",)


def test_no_hidden_layer_is_an_empty_shape_even_without_defaults() -> None:
    assert parse("networkShape=", fill_defaults=False).settings == {"shape": ""}


@pytest.mark.parametrize("rate", LEARNING_RATES)
def test_learning_rate_menu(rate: float) -> None:
    text = "0.00001" if rate == 0.00001 else str(rate)  # how JavaScript writes the menu
    assert parse(f"learningRate={text}").settings["lr"] == rate


@pytest.mark.parametrize("rate", REGULARIZATION_RATES)
def test_regularisation_rate_menu(rate: float) -> None:
    assert parse(f"regularizationRate={rate}").settings["reg_rate"] == rate


@pytest.mark.parametrize("text", ["0.05", "abc", "-0.03", "inf", "nan", "0x10", "1_0"])
def test_rates_off_the_menu_are_reported(text: str) -> None:
    link = parse(f"learningRate={text}&regularizationRate={text}")
    assert link.unknown == ("learningRate", "regularizationRate")
    assert link.settings["lr"] == 0.03 and link.settings["reg_rate"] == 0


def test_exponent_and_whole_numbers() -> None:
    assert parse("learningRate=1e-5").settings["lr"] == 0.00001
    assert parse("learningRate=3").settings["lr"] == 3
    assert isinstance(parse("learningRate=3.0").settings["lr"], int)


@pytest.mark.parametrize(("theirs", "ours"), [("none", "none"), ("L1", "l1"), ("L2", "l2"), ("l2", "l2")])
def test_regularisation(theirs: str, ours: str) -> None:
    assert parse(f"regularization={theirs}").settings["reg"] == ours


@pytest.mark.parametrize(("percent", "noise"), [("0", 0.0), ("5", 0.05), ("30", 0.3), ("50", 0.5),
                                                 ("80", 0.8), ("12.5", 0.125)])
def test_noise_percent_to_fraction(percent: str, noise: float) -> None:
    assert parse(f"noise={percent}").settings["noise"] == pytest.approx(noise, abs=1e-15)


@pytest.mark.parametrize("percent", ["-5", "81", "x", "1e400"])
def test_bad_noise(percent: str) -> None:
    link = parse(f"noise={percent}")
    assert link.unknown == ("noise",) and link.settings["noise"] == 0.0


def test_train_share_and_batch() -> None:
    link = parse("percTrainData=70&batchSize=25")
    assert link.settings["train"] == 70 and link.settings["batch"] == 25
    for bad in ("0", "100", "55.5", "x"):
        assert parse(f"percTrainData={bad}").unknown == ("percTrainData",)
    for bad in ("0", "2.5", "-3", "x"):
        assert parse(f"batchSize={bad}").unknown == ("batchSize",)


@pytest.mark.parametrize(("problem", "key", "value", "data"), [
    ("classification", "dataset", "circle", "circle"),
    ("classification", "dataset", "xor", "xor"),
    ("classification", "dataset", "gauss", "gauss"),
    ("classification", "dataset", "spiral", "spiral"),
    ("regression", "regDataset", "reg-plane", "plane"),
    ("regression", "regDataset", "reg-gauss", "multigauss"),
])
def test_problem_picks_the_data_key(problem: str, key: str, value: str, data: str) -> None:
    # Playground writes both data keys; the problem says which one counts.
    other = "regDataset=reg-gauss" if key == "dataset" else "dataset=xor"
    link = parse(f"problem={problem}&{key}={value}&{other}")
    assert link.settings["problem"] == problem and link.settings["data"] == data
    assert DATASETS[data].task == problem


def test_regression_without_its_data_key_takes_playgrounds_default() -> None:
    assert parse("problem=regression&dataset=spiral").settings["data"] == "plane"
    assert parse("problem=regression", fill_defaults=False).settings == {"problem": "regression"}


def test_data_without_problem_and_without_defaults() -> None:
    assert parse("regDataset=reg-gauss", fill_defaults=False).settings == {
        "problem": "regression", "data": "multigauss"}


@pytest.mark.parametrize(("flag", "code"), [(f.playground, c) for c, f in FEATURES.items()])
def test_each_feature_flag(flag: str, code: str) -> None:
    off = "&".join(f"{f.playground}=false" for f in FEATURES.values() if f.playground != flag)
    assert parse(f"{off}&{flag}=true").settings["features"] == [code]


def test_all_features_off_is_reported() -> None:
    link = parse("x=false&y=false&dataset=xor")
    assert set(link.unknown) == {"x", "y"}
    assert link.settings["features"] == ["x1", "x2"]


def test_cosine_only_when_off() -> None:
    assert parse("cosX=false&cosY=false").unknown == ()
    assert parse("cosX=true&cosY=banana").unknown == ("cosX", "cosY")


def test_zero_init_is_read() -> None:
    assert parse("initZero=true").settings["init_zero"] is True
    assert parse("initZero=false").settings["init_zero"] is False
    assert parse("activation=relu").settings["init_zero"] is False  # Playground's default
    assert parse("initZero=banana").unknown == ("initZero",)


def test_booleans_are_true_or_false() -> None:
    link = parse("showTestData=true&discretize=TRUE&x=1")
    assert link.settings["show_test"] is True and link.settings["discretize"] is True
    assert link.unknown == ("x",)


def test_hide_keys() -> None:
    link = parse("learningRate_hide=true&dataset_hide=true&noise_hide=false&playButton_hide=true")
    assert link.settings["hide"] == ["lr", "data", "play"]
    link = parse("sinX=true&sinX_hide=true&x_hide=true")
    assert link.settings["features"] == ["x2"]  # Playground drops a hidden input
    assert "hide" not in link.settings
    assert parse("bogus_hide=true&lr_hide=yes").unknown == ("bogus_hide", "lr_hide")


def test_silent_and_unknown_keys() -> None:
    link = parse("collectStats=true&hideText=true&tutorial=dropout&foo=1&bar")
    assert link.unknown == ("tutorial", "foo", "bar")


def test_empty_values_count_as_absent() -> None:
    link = parse("activation=&learningRate=&seed=&dataset=xor")
    assert link.unknown == () and "seed" not in link.settings
    assert link.settings["act"] == "tanh"


def test_fill_defaults_false_keeps_only_what_the_link_says() -> None:
    link = parse("activation=relu&networkShape=3&sinY=true", fill_defaults=False)
    assert link.settings == {"act": "relu", "shape": "3", "features": ["sinx2"]}


def test_defaults_are_playgrounds() -> None:
    link = parse("seed=0.5")
    expected = {k: v for k, v in PLAYGROUND_DEFAULTS.items()}
    expected["seed"] = playground_seed("0.5")
    assert link.settings == {k: expected[k] for k in link.settings}
    assert set(link.settings) == set(expected)


def test_percent_encoding_and_repeated_keys() -> None:
    link = parse("networkShape=6%2C6%2C4&activation=relu&activation=tanh")
    assert link.settings["shape"] == "6,6,4" and link.settings["act"] == "tanh"
    assert link.unknown == ()


def test_seed_hash_is_stable_and_documented() -> None:
    def reference(text: str) -> int:
        return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % 10_000

    seeds = [f"0.{i:05d}" for i in range(0, 100_000, 997)]
    assert [playground_seed(s) for s in seeds] == [reference(s) for s in seeds]
    assert all(0 <= playground_seed(s) < SEED_RANGE for s in seeds)
    assert len({playground_seed(s) for s in seeds}) > 0.9 * len(seeds)
    # The string as given: Playground's seedrandom also tells these apart.
    assert playground_seed("0.5") != playground_seed("0.50")
    assert parse("seed=0.12345").settings["seed"] == reference("0.12345")


# --- garbage never raises --------------------------------------------------------

KEYS = [
    "activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate",
    "regularizationRate", "noise", "networkShape", "seed", "showTestData", "discretize",
    "percTrainData", "x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY",
    "collectStats", "tutorial", "problem", "initZero", "hideText", "x_hide", "noise_hide", "zz",
]
VALUES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "true", "false", "0", "1", "4,2", "0.03", "L2", "spiral", "reg-gauss",
                     "regression", "nan", "-1", "1e999", ",", "%", "%zz", "=", "&"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def assert_valid(link: PlaygroundLink) -> None:
    s = link.settings
    assert isinstance(link.unknown, tuple) and len(set(link.unknown)) == len(link.unknown)
    if "problem" in s:
        assert s["problem"] in ("classification", "regression")
    if "data" in s:
        task = DATASETS[s["data"]].task
        assert s.get("problem", task) == task
    assert s.get("act", "tanh") in ("relu", "tanh", "sigmoid", "identity")
    shape = s.get("shape", "")
    assert isinstance(shape, str)
    if shape:
        widths = [int(w) for w in shape.split(",")]
        assert 1 <= len(widths) <= 8 and all(1 <= w <= 16 for w in widths)
    assert s.get("lr", 0.03) in LEARNING_RATES
    assert s.get("reg_rate", 0) in REGULARIZATION_RATES
    assert isinstance(s.get("batch", 1), int) and s.get("batch", 1) >= 1
    assert 0 <= s.get("noise", 0.0) <= 0.8
    assert 1 <= s.get("train", 50) <= 99
    assert s.get("reg", "none") in ("none", "l1", "l2")
    if "features" in s:
        assert s["features"] and all(c in FEATURES for c in s["features"])
    assert 0 <= s.get("seed", 0) < SEED_RANGE
    assert all(isinstance(s.get(k, False), bool) for k in ("show_test", "discretize", "init_zero"))


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400))
def test_any_text_never_raises(text: str) -> None:
    assert_valid(parse_playground_link(text))


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=12),
       fill=st.booleans())
def test_any_mix_of_playground_keys_never_raises(pairs: list[tuple[str, str]], fill: bool) -> None:
    link = parse("&".join(f"{k}={v}" for k, v in pairs), fill_defaults=fill)
    assert_valid(link)


def test_huge_and_odd_inputs() -> None:
    assert_valid(parse_playground_link("#" + "networkShape=4,2&" * 100_000))
    assert_valid(parse_playground_link("#\ud800=\udfff&seed=\ud800"))
    assert parse_playground_link(None) == PlaygroundLink()  # type: ignore[arg-type]
