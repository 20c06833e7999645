"""Tests for core.activations: derivatives, facts, stability, registry."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import activations as A
from core.activations import ACTIVATIONS, Activation

EXPECTED_NAMES = {
    "identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus",
}

# Registry entries plus parameterised variants, so facts computed from a parameter
# are checked numerically too.
VARIANTS: dict[str, Activation] = {
    **ACTIVATIONS,
    "leaky_relu(0.2)": A.leaky_relu(0.2),
    "leaky_relu(0)": A.leaky_relu(0.0),
    "elu(2)": A.elu(2.0),
    "elu(0.5)": A.elu(0.5),
    "leaky_relu(1)": A.leaky_relu(1.0),
    "leaky_relu(2)": A.leaky_relu(2.0),
}

SQRT_2PI = math.sqrt(2 * math.pi)

# Dense grid for numeric facts; contains 0 exactly (40001 points, step 2.5e-3).
GRID = np.linspace(-50.0, 50.0, 40001)


def test_registry_has_exact_keys_and_names_round_trip() -> None:
    assert set(ACTIVATIONS) == EXPECTED_NAMES
    for name, act in ACTIVATIONS.items():
        assert act.name == name
        assert A.get(name) is act


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_df_matches_central_difference(name: str) -> None:
    act = VARIANTS[name]
    z = np.linspace(-8.0, 8.0, 401) + 0.0123  # shifted so no point sits on the kink at 0
    z = z[np.abs(z) > 1e-3]
    h = 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    np.testing.assert_allclose(act.df(z), numeric, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize(
    ("name", "z", "f", "df"),
    [
        ("identity", 3.5, 3.5, 1.0),
        ("sigmoid", 0.0, 0.5, 0.25),
        ("sigmoid", 2.0, 1 / (1 + math.exp(-2.0)), math.exp(-2.0) / (1 + math.exp(-2.0)) ** 2),
        ("tanh", 0.0, 0.0, 1.0),
        ("tanh", 1.0, math.tanh(1.0), 1 - math.tanh(1.0) ** 2),
        ("relu", 1.0, 1.0, 1.0),
        ("relu", -1.0, 0.0, 0.0),
        ("relu", 0.0, 0.0, 0.0),  # left derivative at the kink
        ("leaky_relu", -2.0, -0.02, 0.01),
        ("leaky_relu", 0.0, 0.0, 0.01),  # left derivative at the kink
        ("elu", -1.0, math.expm1(-1.0), math.exp(-1.0)),
        ("elu", 2.0, 2.0, 1.0),
        ("gelu", 1.0, 0.8413447460685429, 0.8413447460685429 + math.exp(-0.5) / SQRT_2PI),
        ("gelu", 0.0, 0.0, 0.5),
        ("silu", 0.0, 0.0, 0.5),
        ("silu", 1.0, 1 / (1 + math.exp(-1.0)), None),
        ("softplus", 0.0, math.log(2.0), 0.5),
        ("softplus", 30.0, 30.0 + math.log1p(math.exp(-30.0)), 1 / (1 + math.exp(-30.0))),
    ],
)
def test_known_values(name: str, z: float, f: float, df: float | None) -> None:
    act = ACTIVATIONS[name]
    assert float(act.f(z)) == pytest.approx(f, rel=1e-14, abs=1e-15)
    if df is not None:
        assert float(act.df(z)) == pytest.approx(df, rel=1e-14, abs=1e-15)


def test_sigmoid_derivative_bound_and_chain() -> None:
    # σ' <= 1/4 with equality only at 0, so a chain of 10 factors is <= 4^-10.
    d = A.ACTIVATIONS["sigmoid"].df(GRID)
    assert d.max() == 0.25 and GRID[np.argmax(d)] == 0.0
    assert 0.25**10 == pytest.approx(9.5367e-7, rel=1e-4)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_facts_match_numeric_evaluation(name: str) -> None:
    act = VARIANTS[name]
    f, df = act.f(GRID), act.df(GRID)
    lo, hi = act.output_range

    assert float(act.f(0.0)) == pytest.approx(act.f0, abs=1e-15)
    assert float(act.df(0.0)) == pytest.approx(act.df0, abs=1e-15)
    assert np.max(np.abs(df)) == pytest.approx(act.max_slope, rel=1e-6)

    # Range: every value inside, and the finite bounds are approached.
    assert np.all(f >= lo) and np.all(f <= hi)
    if math.isfinite(lo):
        assert f.min() == pytest.approx(lo, abs=1e-6)
    else:
        assert float(act.f(-1e6)) < -1e3
    if math.isfinite(hi):
        assert f.max() == pytest.approx(hi, abs=1e-6)
    else:
        assert float(act.f(1e6)) > 1e3

    assert act.zero_centred == (act.f0 == 0.0 and f.min() < 0 < f.max())
    flat_left, flat_right = abs(float(act.df(-50.0))) < 1e-6, abs(float(act.df(50.0))) < 1e-6
    expected = "both" if flat_left and flat_right else "negative" if flat_left else "none"
    assert act.saturates == expected
    assert act.dead_zone == bool(np.all(df[GRID < 0] == 0))
    # Every kink in this family sits at 0, so C^1 means df is continuous there.
    jump = abs(float(act.df(1e-9)) - float(act.df(-1e-9)))
    assert act.smooth == (jump < 1e-6)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_which_units_can_die_follows_from_the_function(name: str) -> None:
    """can_die: f is the constant f(0) and f' = 0 on every z <= 0, checked on the grid and far out."""
    act = VARIANTS[name]
    z = np.concatenate([GRID[GRID <= 0], [-1e4, -1e3]])
    f, df = act.f(z), act.df(z)
    assert act.can_die == bool(np.all(f == act.f0) and np.all(df == 0))
    # A rectifier: f(0) = 0, unbounded above, and its slope below 0 is weaker than
    # its steepest (it vanishes far below 0, or stays below the slope above 0).
    below, above = np.abs(act.df(GRID[GRID < 0])), np.abs(act.df(GRID[GRID > 0]))
    weaker = float(np.abs(act.df(-50.0))) < 1e-6 or below.max() < above.max()
    rectifier = float(act.f(0.0)) == 0 and float(act.f(1e6)) > 1e3 and weaker
    assert act.rectifier == rectifier
    # For a rectifier, z <= 0 means f(z) <= 0: a unit below zero outputs nothing positive.
    if act.rectifier:
        assert np.all(f <= 0)


def test_only_relu_of_the_registry_can_die() -> None:
    assert [n for n, a in ACTIVATIONS.items() if a.can_die] == ["relu"]
    assert [n for n, a in ACTIVATIONS.items() if a.rectifier] == [
        "relu", "leaky_relu", "elu", "gelu", "silu"]


@pytest.mark.parametrize("name", sorted(VARIANTS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stable_on_large_inputs(name: str, dtype: type) -> None:
    act = VARIANTS[name]
    tiny = [0.0, -0.0, 1e-300, -1e-300, 5e-324, -5e-324, 1e-40, -1e-40, 1e-30, -1e-30]
    z = np.concatenate([np.linspace(-1e4, 1e4, 20001), tiny]).astype(dtype)
    with np.errstate(all="raise"):
        f, df = act.f(z), act.df(z)
    assert f.dtype == dtype and df.dtype == dtype
    assert np.all(np.isfinite(f)) and np.all(np.isfinite(df))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_shapes_scalars_and_integer_inputs(name: str) -> None:
    act = ACTIVATIONS[name]
    z = np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 12
    assert act.f(z).shape == (2, 3, 4) and act.df(z).shape == (2, 3, 4)
    scalar = act.f(0.5)
    assert isinstance(scalar, np.ndarray) and scalar.shape == () and scalar.dtype == np.float64
    assert act.f(np.arange(-3, 4)).dtype == np.float64
    np.testing.assert_array_equal(act.f(np.arange(-3, 4)), act.f(np.arange(-3.0, 4.0)))


def test_identity_returns_a_copy() -> None:
    z = np.ones(3)
    out = ACTIVATIONS["identity"].f(z)
    out[0] = 5.0
    assert z[0] == 1.0


def test_leaky_relu_factory_parameter() -> None:
    act = A.get("leaky_relu", slope=0.2)
    assert act.params == (("slope", 0.2),)
    assert float(act.f(-1.0)) == pytest.approx(-0.2)
    assert float(act.df(-1.0)) == pytest.approx(0.2)
    assert act.df0 == 0.2 and act.max_slope == 1.0
    assert ACTIVATIONS["leaky_relu"].params == (("slope", 0.01),)
    relu_like = A.leaky_relu(0.0)
    assert relu_like.dead_zone and relu_like.output_range == (0.0, math.inf)


def test_elu_factory_parameter() -> None:
    act = A.get("elu", alpha=2.0)
    assert act.params == (("alpha", 2.0),)
    assert act.output_range == (-2.0, math.inf)
    assert act.max_slope == 2.0 and act.df0 == 2.0 and not act.smooth
    assert float(act.f(-1e4)) == -2.0
    assert float(act.df(-1.0)) == pytest.approx(2 * math.exp(-1.0))
    assert ACTIVATIONS["elu"].smooth and ACTIVATIONS["elu"].df0 == 1.0


def test_parameterised_records_pickle() -> None:
    act = A.elu(2.0)
    back = pickle.loads(pickle.dumps(act))
    z = np.linspace(-3, 3, 7)
    np.testing.assert_array_equal(back.f(z), act.f(z))
    assert back.params == act.params


def test_get_errors() -> None:
    with pytest.raises(KeyError, match="relu"):
        A.get("rleu")
    with pytest.raises(ValueError, match="no parameters"):
        A.get("relu", slope=0.1)
    with pytest.raises(ValueError, match="unknown"):
        A.get("leaky_relu", alpha=1.0)
    with pytest.raises(ValueError):
        A.get("leaky_relu", slope=-0.1)
    with pytest.raises(ValueError):
        A.get("elu", alpha=0.0)
    with pytest.raises(ValueError):
        A.get("elu", alpha=float("nan"))
    with pytest.raises(ValueError):
        A.leaky_relu(float("inf"))


def test_records_are_frozen() -> None:
    with pytest.raises(AttributeError):
        ACTIVATIONS["relu"].max_slope = 2.0  # type: ignore[misc]


@settings(max_examples=200, deadline=None)
@given(z=st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_subnormal=True))
def test_values_and_slopes_respect_the_facts(z: float) -> None:
    for act in VARIANTS.values():
        with np.errstate(all="raise"):
            f, df = float(act.f(z)), float(act.df(z))
        lo, hi = act.output_range
        assert lo <= f <= hi
        assert abs(df) <= act.max_slope * (1 + 1e-12)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_use_facts_name_a_known_initialiser_and_paper(name: str) -> None:
    from core.init import INITIALISERS
    from ui.references import PAPERS

    act = ACTIVATIONS[name]
    assert act.paired_init in INITIALISERS
    assert act.source is None or act.source in PAPERS
    # The rule the record's docstring states: Glorot for the units it was derived for
    # (odd or sigmoid-like, no rectifier), He for ReLU and the units shaped like it.
    assert act.paired_init == ("he_normal" if act.rectifier or name == "softplus" else "glorot_uniform")
    # A family member keeps its family's facts of use.
    if name in ("leaky_relu", "elu"):
        member = A.get(name, **{act.params[0][0]: 0.3})
        assert (member.paired_init, member.source) == (act.paired_init, act.source)
