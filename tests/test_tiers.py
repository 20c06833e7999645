"""The fast tier (``python -m pytest -m "not slow"``, see ``conftest.py``) keeps its promise:
the core, the URL checks and one AppTest per page, at least `MIN_FAST_SHARE` of the tests.

Its time against the whole suite's is measured, not asserted (README, "Test it").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TIERS

from ui.frame import available_pages

ROOT = Path(__file__).resolve().parents[1]
#: Least share of the suite's tests the fast tier runs.
MIN_FAST_SHARE = 0.6
#: The core's modules and packages (``core/mlp/`` is one), by name.
CORE_NAMES = sorted({p.stem for p in (ROOT / "core").glob("*.py")}
                    | {p.parent.name for p in (ROOT / "core").glob("*/__init__.py")})
#: Test modules whose every test is in the fast tier: one per core module, and the URL checks.
ALWAYS_FAST = (
    *(f"test_{name}.py" for name in CORE_NAMES if (ROOT / "tests" / f"test_{name}.py").exists()),
    "test_url_rules.py",
    "test_layout.py",
    "test_purity.py",
)


@pytest.fixture
def tiers(request: pytest.FixtureRequest) -> dict[str, bool]:
    """Every test of the suite -> whether it is slow; skipped unless the whole suite was
    collected (a run of a few files, or of ``-k``, cannot tell the tiers' shares)."""
    found = request.config.stash.get(TIERS, {})
    modules = {nodeid.split("::")[0] for nodeid in found}
    every = {f"tests/{p.name}" for p in (ROOT / "tests").glob("test_*.py")}
    if not every <= modules:
        pytest.skip("only part of the suite was collected")
    return found


def test_the_fast_tier_is_most_of_the_suite(tiers: dict[str, bool]) -> None:
    fast = sum(not slow for slow in tiers.values())
    assert fast >= MIN_FAST_SHARE * len(tiers), (fast, len(tiers))


def test_the_fast_tier_opens_every_page(tiers: dict[str, bool]) -> None:
    for info in available_pages():
        nodeid = f"tests/test_app_pages.py::test_defaults_render[{info.name}]"
        assert tiers.get(nodeid) is False, nodeid


def test_the_fast_tier_runs_the_core_and_the_url_checks(tiers: dict[str, bool]) -> None:
    assert "test_mlp.py" in ALWAYS_FAST and "test_activations.py" in ALWAYS_FAST
    for module in ALWAYS_FAST:
        tests = {n: slow for n, slow in tiers.items() if n.startswith(f"tests/{module}::")}
        assert tests, module
        assert not any(tests.values()), [n for n, slow in tests.items() if slow]


def test_browser_and_page_modules_are_slow(tiers: dict[str, bool]) -> None:
    slow_files = [p.name for p in (ROOT / "tests").glob("test_*.py")
                  if p.name.startswith(("test_browser", "test_load", "test_app_"))
                  and p.name != "test_app_pages.py"]
    assert "test_load.py" in slow_files and "test_app_vanishing.py" in slow_files
    for module in slow_files:
        tests = {n: slow for n, slow in tiers.items() if n.startswith(f"tests/{module}::")}
        assert tests and all(tests.values()), module
