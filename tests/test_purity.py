"""``core`` must import without Streamlit or Altair and must not use the global RNG."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "core"


def test_core_does_not_import_ui_libraries() -> None:
    # The named modules, then every other module in the package.
    code = (
        "import importlib, pkgutil, sys\n"
        "import core, core.activations, core.init, core.mlp, core.datasets\n"
        "for m in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('core.' + m.name)\n"
        "bad = sorted(m for m in ('streamlit', 'altair') if m in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=CORE.parent, capture_output=True, text=True,
        check=True, timeout=120,
    )
    assert result.stdout.strip() == "", f"core pulled in: {result.stdout.strip()}"


def test_core_uses_only_seeded_generators() -> None:
    # np.random.default_rng(seed) / Generator only; never np.random.seed, rand, normal, ...
    allowed = {"default_rng", "Generator"}
    for path in CORE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used = set(re.findall(r"np\.random\.(\w+)", text))
        assert used <= allowed, f"{path.name} uses np.random.{sorted(used - allowed)}"
        assert "import streamlit" not in text and "import altair" not in text
