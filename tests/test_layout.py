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
#: Longest function allowed anywhere outside the tests (lines, decorators and docstring included).
MAX_FUNCTION_LINES = 80
PAGE_FILES = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]
UI_FILES = sorted((ROOT / "ui").rglob("*.py"))
SECTION_FILES = sorted((ROOT / "sections").rglob("*.py"))
#: Every Python file of the app, its benchmarks and tools: all but the tests and what runs make.
CODE_FILES = sorted(
    p for p in ROOT.rglob("*.py")
    if p.relative_to(ROOT).parts[0] not in ("tests", "artifacts")
    and not any(part.startswith(".") for part in p.relative_to(ROOT).parts)
)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            yield node.name, node.end_lineno - start + 1


@pytest.mark.parametrize("path", SECTION_FILES, ids=_rel)
def test_every_section_draw_is_typed(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "draw":
            untyped = [a.arg for a in node.args.args if a.annotation is None]
            assert not untyped and node.returns is not None, f"{_rel(path)}: draw({untyped})"


def _long_functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(name, n) for name, n in _functions(tree) if n > MAX_FUNCTION_LINES]


def test_every_code_file_is_checked() -> None:
    """The scan sees the app's code, so a long function cannot hide in a folder it skips."""
    checked = {_rel(p) for p in CODE_FILES}
    for expected in ("dashboard.py", "core/dead.py", "core/userdata.py", "core/mlp/training.py",
                     "benchmarks/guard.py",
                     *(_rel(p) for p in PAGE_FILES + UI_FILES + SECTION_FILES)):
        assert expected in checked
    assert not [f for f in checked if f.startswith("tests/")]


@pytest.mark.parametrize("path", CODE_FILES, ids=_rel)
def test_no_function_is_longer_than_a_screen(path: Path) -> None:
    long = _long_functions(path)
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


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _app_imports(path: Path, modules: set[str]) -> set[str]:
    """The app's modules `path` imports, those inside functions included (they run too),
    those under ``if TYPE_CHECKING:`` not. ``from pkg import mod`` imports ``pkg.mod``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{a.name}" for a in node.names} & modules
            found |= subs
            if node.module in modules and len(subs) < len(node.names):
                found.add(node.module)
    return found - {_module_name(path)}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle() -> None:
    """Imports go one way (pages → sections → ui → core, and inside a page's package
    settings → compute → sections); an import tucked inside a function to break a
    circle still counts."""
    files = [p for p in CODE_FILES if p.relative_to(ROOT).parts[0] in ("core", "ui", "sections")]
    modules = {_module_name(p) for p in files}
    graph = {_module_name(p): _app_imports(p, modules) for p in files}
    assert graph["sections.vanishing.opening"] >= {"sections.vanishing.compute"}
    assert _cycles(graph) == []
