"""A safe formula language in one variable ``x``, evaluated with NumPy.

User text is parsed with :func:`ast.parse` and the tree is checked against a
whitelist, then evaluated by walking it: the text is never passed to ``eval``
or ``exec``. What is allowed:

* numbers (at most ``MAX_VALUE`` in magnitude), the names ``x``, ``pi``, ``e``;
* ``+ - * / **`` and unary ``-``/``+``;
* calls of the functions in :data:`FUNCTIONS` by their plain name, positional
  arguments only.

Everything else (other names, attributes such as ``x.real``, subscripts,
lambdas, comprehensions, strings, comparisons, keywords, ``^``) raises
:class:`FormulaError`. So do input longer than ``MAX_LENGTH`` characters or with
more than ``MAX_NODES`` tree nodes, exponents larger than ``MAX_EXPONENT`` in
magnitude, and any intermediate value that is not finite or exceeds
``MAX_VALUE`` in magnitude (``1/0``, ``log(0)``, ``exp(exp(x))``), so evaluation
always finishes quickly and returns finite numbers.
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["FUNCTIONS", "MAX_EXPONENT", "MAX_LENGTH", "MAX_NODES", "MAX_VALUE",
           "Formula", "FormulaError", "parse"]

FloatArray = npt.NDArray[np.float64]

MAX_LENGTH = 120
MAX_NODES = 80
MAX_EXPONENT = 10.0
MAX_VALUE = 1e6

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}


def _relu(z: FloatArray) -> FloatArray:
    return np.maximum(z, 0.0)


def _step(z: FloatArray) -> FloatArray:
    return (z >= 0).astype(np.float64)


#: Function name -> (number of arguments, NumPy implementation).
FUNCTIONS: dict[str, tuple[int, Callable[..., FloatArray]]] = {
    "sin": (1, np.sin),
    "cos": (1, np.cos),
    "tan": (1, np.tan),
    "exp": (1, np.exp),
    "log": (1, np.log),
    "sqrt": (1, np.sqrt),
    "abs": (1, np.abs),
    "tanh": (1, np.tanh),
    "sign": (1, np.sign),
    "floor": (1, np.floor),
    "relu": (1, _relu),
    "step": (1, _step),
    "min": (2, np.minimum),
    "max": (2, np.maximum),
    "minimum": (2, np.minimum),
    "maximum": (2, np.maximum),
}

_BINARY: dict[type, Callable[[FloatArray, FloatArray], FloatArray]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}


class FormulaError(ValueError):
    """The text is not a formula this module accepts.

    Attributes
    ----------
    code : str
        A short reason a page can translate: ``empty``, ``too_long``, ``syntax``,
        ``caret``, ``too_complex``, ``name``, ``function``, ``arguments``,
        ``construct``, ``number``, ``exponent``, ``too_large``, ``not_finite``.
    detail : str
        The offending piece of text (a name, an operator), possibly empty.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Formula:
    """A checked formula; call it on an array of ``x`` values."""

    text: str
    tree: ast.Expression

    def __call__(self, x: npt.ArrayLike) -> FloatArray:
        """Evaluate at ``x`` (any shape); the result has the shape of ``x``.

        Raises
        ------
        FormulaError
            With code ``exponent``, ``too_large`` or ``not_finite`` when a value on the
            way is out of bounds for these ``x``.
        """
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            out = _eval(self.tree.body, x)
        return np.broadcast_to(out, x.shape).astype(np.float64, copy=True)


def parse(text: str) -> Formula:
    """Check `text` and return a callable :class:`Formula`.

    Parameters
    ----------
    text : str
        E.g. ``"sin(3*x) + 0.3*x**2"``.

    Raises
    ------
    FormulaError
        For anything outside the language described in the module docstring.
    """
    if not isinstance(text, str):
        raise FormulaError("syntax")
    if len(text) > MAX_LENGTH:
        raise FormulaError("too_long", str(MAX_LENGTH))
    stripped = text.strip()
    if not stripped:
        raise FormulaError("empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for "1x"
            tree = ast.parse(stripped, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
        raise FormulaError("syntax") from exc
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise FormulaError("too_complex", str(MAX_NODES))
    for node in nodes:
        _check(node)
    return Formula(stripped, tree)


def _check(node: ast.AST) -> None:
    """Reject every node outside the whitelist (a first pass, before any value)."""
    if isinstance(node, ast.Expression | ast.Load):
        return
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise FormulaError("construct", type(v).__name__)
        if isinstance(v, int) and abs(v) > MAX_VALUE:
            raise FormulaError("number")
        if isinstance(v, float) and not (math.isfinite(v) and abs(v) <= MAX_VALUE):
            raise FormulaError("number")
        return
    if isinstance(node, ast.Name):
        if node.id != "x" and node.id not in CONSTANTS and node.id not in FUNCTIONS:
            raise FormulaError("name", node.id[:20])
        return
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.BitXor):
            raise FormulaError("caret")
        if type(node.op) not in _BINARY:
            raise FormulaError("construct", type(node.op).__name__)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise FormulaError("construct", type(node.op).__name__)
        return
    if isinstance(node, ast.operator | ast.unaryop):
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else ""
            raise FormulaError("function", name[:20])
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise FormulaError("arguments", node.func.id)
        if len(node.args) != FUNCTIONS[node.func.id][0]:
            raise FormulaError("arguments", node.func.id)
        return
    raise FormulaError("construct", type(node).__name__)


def _bounded(value: FloatArray) -> FloatArray:
    if not np.all(np.isfinite(value)):
        raise FormulaError("not_finite")
    if np.any(np.abs(value) > MAX_VALUE):
        raise FormulaError("too_large")
    return value


def _eval(node: ast.AST, x: FloatArray) -> FloatArray:
    """Walk the checked tree; every intermediate value is bounded and finite."""
    if isinstance(node, ast.Constant):
        return np.asarray(float(node.value))
    if isinstance(node, ast.Name):
        if node.id == "x":
            return x
        if node.id in CONSTANTS:
            return np.asarray(CONSTANTS[node.id])
        raise FormulaError("function", node.id)  # a function name used as a value
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, x)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left = _eval(node.left, x)
        right = _eval(node.right, x)
        if isinstance(node.op, ast.Pow) and np.any(np.abs(right) > MAX_EXPONENT):
            raise FormulaError("exponent", f"{MAX_EXPONENT:g}")
        return _bounded(_BINARY[type(node.op)](left, right))
    if isinstance(node, ast.Call):
        _, fn = FUNCTIONS[node.func.id]  # type: ignore[union-attr]
        args = [_eval(a, x) for a in node.args]
        return _bounded(np.asarray(fn(*args), dtype=np.float64))
    raise FormulaError("construct", type(node).__name__)  # pragma: no cover - checked before
