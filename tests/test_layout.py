"""The shape a newcomer can change: thin pages, small functions, charts only in `ui`.

See `sections/__init__.py` and CONTRIBUTING.md: a page file is its frame, its
settings and its open section; sections are small modules of their own; only
`ui` builds charts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Longest function allowed where pages are written (lines, decorators included).
MAX_FUNCTION_LINES = 80
PAGE_FILES = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]
UI_FILES = sorted((ROOT / "ui").rglob("*.py"))
SECTION_FILES = sorted((ROOT / "sections").rglob("*.py"))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            yield node.name, node.end_lineno - start + 1


@pytest.mark.parametrize("path", PAGE_FILES + UI_FILES + SECTION_FILES, ids=_rel)
def test_no_function_is_longer_than_a_screen(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [(name, n) for name, n in _functions(tree) if n > MAX_FUNCTION_LINES]
    assert not long, f"{_rel(path)}: {long} (split into smaller functions)"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", PAGE_FILES + SECTION_FILES, ids=_rel)
def test_pages_and_sections_never_build_charts_themselves(path: Path) -> None:
    assert "altair" not in _imports(path), f"{_rel(path)} imports altair: use a ui.charts builder"


@pytest.mark.parametrize("path", PAGE_FILES, ids=_rel)
def test_a_page_file_is_its_frame_settings_and_open_section(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    code = [n for n in tree.body
            if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    assert not [n for n in code if isinstance(n, ast.FunctionDef | ast.ClassDef)], _rel(path)
    assert len(code) <= 8, f"{_rel(path)} has {len(code)} statements; move work into sections/"
    assert any("frame(" in ast.unparse(n) for n in code)
    assert any(".show(" in ast.unparse(n) for n in code)
