"""Evaluation of parsed filter expressions on pandas columns (see :mod:`expressions`)."""

from __future__ import annotations

import ast
import difflib
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

BoolArray = npt.NDArray[np.bool_]

_WORDS = {"and": "and", "or": "or", "not": "not", "in": "in", "is": "is"}
_LITERAL_NAMES: dict[str, object] = {"true": True, "false": False, "null": None, "none": None}
_IDENT = re.compile(r"[^\W\d]\w*")
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_ARITH: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_ARITH_OPS = (*_ARITH, ast.USub, ast.UAdd)
_FUNCTIONS = ("contains", "startswith", "lower", "is_null")


class ExpressionError(ValueError):
    """An expression cannot be evaluated; the message names the problem and where it is.

    Attributes
    ----------
    position : int or None
        0-based character position in the expression as typed, when known.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


@dataclass
class _Truth:
    """Three-valued condition: rows known true (``t``) and known false (``f``)."""

    t: BoolArray
    f: BoolArray


@dataclass
class _Value:
    """An operand: a column-derived array/Series or a Python scalar, with its kind."""

    value: Any
    kind: str  # "text", "number", "bool", "datetime", "null"
    label: str
    scalar: bool
    nulls: BoolArray | None = None


def _where(position: int | None) -> str:
    """Return ' at character N' (1-based) or ' at the end'."""
    return " at the end" if position is None else f" at character {position + 1}"


def _at(pos_map: list[int], index: int) -> int | None:
    """Map a position in the prepared text back to the typed text."""
    return pos_map[index] if 0 <= index < len(pos_map) else None


class _Evaluator:
    """Walks the parsed expression and evaluates it with pandas/numpy operations."""

    def __init__(
        self, frame: pd.DataFrame, text: str, pos_map: list[int], backticks: dict[str, str]
    ) -> None:
        self.frame = frame
        self.n = len(frame)
        self.text = text
        self.pos_map = pos_map
        self.backticks = backticks
        self.columns = [str(c) for c in frame.columns if not _is_geometry(frame[c])]

    # -- helpers -------------------------------------------------------------------

    def position(self, node: ast.AST) -> int | None:
        """Return the typed-text position of ``node``."""
        offset = getattr(node, "col_offset", None)
        if offset is None:
            return None
        chars = len(self.text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
        return _at(self.pos_map, chars)

    def error(self, message: str, node: ast.AST, hint: str = "") -> ExpressionError:
        """Build an error naming the character where ``node`` starts, then the hint."""
        at = self.position(node)
        where = _where(at) if at is not None else ""
        return ExpressionError(f"{message}{where}{hint}", at)

    def typed(self, source: str) -> str:
        """Replace backtick placeholders in a piece of prepared text by the typed names."""
        for placeholder, name in self.backticks.items():
            source = source.replace(placeholder, f"`{name}`")
        return source

    def full(self, value: bool) -> BoolArray:
        """Return a constant boolean array for every row."""
        return np.full(self.n, value, dtype=bool)

    # -- conditions ----------------------------------------------------------------

    def condition(self, node: ast.expr) -> _Truth:
        """Evaluate ``node`` as a condition."""
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(v) for v in node.values]
            result = parts[0]
            for part in parts[1:]:
                if isinstance(node.op, ast.And):
                    result = _Truth(result.t & part.t, result.f | part.f)
                else:
                    result = _Truth(result.t | part.t, result.f & part.f)
            return result
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.condition(node.operand)
            return _Truth(inner.f, inner.t)
        if isinstance(node, ast.Compare):
            return self.compare_chain(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id.lower()
            if name in ("contains", "startswith", "is_null"):
                return self.predicate(name, node)
        value = self.value(node)
        if value.kind == "bool":
            return self.truth_of(value)
        source = ast.get_source_segment(self.text, node) or "value"
        raise self.error(
            f"{value.label} is a value, not a condition",
            node,
            f" — compare it, e.g. {self.typed(source)} > 0",
        )

    def truth_of(self, value: _Value) -> _Truth:
        """Turn a boolean operand into a condition."""
        if value.scalar:
            return _Truth(self.full(bool(value.value)), self.full(not value.value))
        arr = np.asarray(value.value, dtype=bool)
        known = ~value.nulls if value.nulls is not None else self.full(True)
        return _Truth(arr & known, ~arr & known)

    def compare_chain(self, node: ast.Compare) -> _Truth:
        """Evaluate ``a < b <= c`` as ``a < b and b <= c``."""
        left = self.value(node.left)
        result: _Truth | None = None
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            part = self.compare(op, left, right_node, node)
            result = part if result is None else _Truth(result.t & part.t, result.f | part.f)
            if not isinstance(op, ast.In | ast.NotIn | ast.Is | ast.IsNot):
                left = self.value(right_node)
        assert result is not None
        return result

    def compare(self, op: ast.cmpop, left: _Value, right_node: ast.expr, node: ast.AST) -> _Truth:
        """Evaluate one comparison."""
        if isinstance(op, ast.In | ast.NotIn):
            result = self.membership(left, right_node)
            return _Truth(result.f, result.t) if isinstance(op, ast.NotIn) else result
        right = self.value(right_node)
        if isinstance(op, ast.Is | ast.IsNot) or right.kind == "null" or left.kind == "null":
            if isinstance(op, ast.Is | ast.Eq | ast.IsNot | ast.NotEq) and right.kind == "null":
                nulls = self.nulls_of(left)
                negate = isinstance(op, ast.IsNot | ast.NotEq)
                return _Truth(~nulls, nulls) if negate else _Truth(nulls, ~nulls)
            raise self.error("compare with None/NULL only as 'is None' or 'is not None'", node)
        func = _COMPARE.get(type(op))
        if func is None:  # pragma: no cover - every other cmpop is handled above
            raise self.error("this comparison is not allowed", node)
        self.check_kinds(left, right, node)
        if left.scalar and right.scalar:
            return self.truth_of(_Value(bool(func(left.value, right.value)), "bool", "", True))
        raw = np.asarray(func(left.value, right.value), dtype=bool)
        known = ~(self.nulls_of(left) | self.nulls_of(right))
        return _Truth(raw & known, ~raw & known)

    def check_kinds(self, left: _Value, right: _Value, node: ast.AST) -> None:
        """Refuse comparisons of different kinds with a hint what to write instead."""
        if left.kind == right.kind or {left.kind, right.kind} <= {"number", "bool"}:
            if left.scalar and right.scalar and left.kind == "text":
                for lit in (left, right):
                    if lit.value in self.columns:
                        raise self.error(
                            f"{lit.label} is text in quotes, not the column",
                            node,
                            f" — write the column name without quotes: {lit.value}",
                        )
            return
        kinds = {left.kind, right.kind}
        if kinds == {"datetime", "text"}:
            return
        column, other = (left, right) if not left.scalar else (right, left)
        hint = ""
        if column.kind == "text" and other.kind == "number" and other.scalar:
            hint = f" — put the value in quotes to compare as text: '{other.value}'"
        elif column.kind == "number" and other.kind == "text" and other.scalar:
            hint = " — remove the quotes to compare as a number"
        raise self.error(f"cannot compare {column.label} with {other.label}", node, hint)

    def membership(self, left: _Value, node: ast.expr) -> _Truth:
        """Evaluate ``left in [literal, ...]``."""
        if isinstance(node, ast.Constant):  # SQL's IN ('A') with one value
            node = ast.List(elts=[node])
        if not isinstance(node, ast.List | ast.Tuple | ast.Set):
            raise self.error("'in' needs a list of values in brackets, e.g. in ['A', 'B']", node)
        items = [self.value(elt) for elt in node.elts]
        for item in items:
            if not item.scalar:
                raise self.error("the list after 'in' may hold only values", node)
            if item.kind != "null":
                self.check_kinds(left, item, node)
        values = [item.value for item in items if item.kind != "null"]
        if left.scalar:
            return self.truth_of(_Value(left.value in values, "bool", "", True))
        if isinstance(left.value, pd.Series):
            raw = left.value.isin(values).to_numpy(dtype=bool, na_value=False)
        else:
            raw = np.isin(left.value, values)
        known = ~self.nulls_of(left)
        return _Truth(raw & known, ~raw & known)

    def predicate(self, name: str, node: ast.Call) -> _Truth:
        """Evaluate ``contains``, ``startswith`` or ``is_null``."""
        args = [self.value(a) for a in node.args]
        if node.keywords:
            raise self.error(f"{name}() takes no named arguments", node)
        if name == "is_null":
            if len(args) != 1:
                raise self.error("is_null() takes one column, e.g. is_null(numer)", node)
            nulls = self.nulls_of(args[0])
            return _Truth(nulls, ~nulls)
        if len(args) != 2 or args[0].kind != "text" or args[1].kind != "text" or not args[1].scalar:
            raise self.error(
                f"{name}() takes a text column and a text, e.g. {name}(nazwa, 'ul')", node
            )
        series = self.as_series(args[0]).str.lower()
        needle = str(args[1].value).lower()
        if name == "contains":
            hits = series.str.contains(needle, regex=False)
        else:
            hits = series.str.startswith(needle)
        raw = hits.to_numpy(dtype=bool, na_value=False)
        known = ~self.nulls_of(args[0])
        return _Truth(raw & known, ~raw & known)

    # -- values --------------------------------------------------------------------

    def value(self, node: ast.expr) -> _Value:
        """Evaluate ``node`` as an operand."""
        if isinstance(node, ast.Constant):
            return self.constant(node.value, node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp | ast.UnaryOp) and type(node.op) in _ARITH_OPS:
            return self.arithmetic(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node, node.func.id)
        if isinstance(node, ast.Compare | ast.BoolOp) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
        ):
            truth = self.condition(node)
            return _Value(truth.t, "bool", "the condition", False, ~(truth.t | truth.f))
        raise self.error(f"{_describe(node)} is not allowed in a filter expression", node)

    def arithmetic(self, node: ast.BinOp | ast.UnaryOp) -> _Value:
        """Evaluate ``+ - * /`` and signs on numbers."""
        if isinstance(node, ast.UnaryOp):
            sides = [_Value(0, "number", "0", True), self.value(node.operand)]
            func = operator.sub if isinstance(node.op, ast.USub) else operator.add
        else:
            sides = [self.value(node.left), self.value(node.right)]
            func = _ARITH[type(node.op)]
        for side in sides:
            if side.kind != "number":
                raise self.error(f"arithmetic needs numbers, but {side.label} is not", node)
        left, right = sides
        if right.scalar and func is operator.truediv and right.value == 0:
            raise self.error("division by zero", node)
        with np.errstate(divide="ignore", invalid="ignore"):
            result = func(left.value, right.value)
        nulls = self.nulls_of(left) | self.nulls_of(right)
        label = self.typed(ast.get_source_segment(self.text, node) or "the calculation")
        return _Value(result, "number", label, left.scalar and right.scalar, nulls)

    def call(self, node: ast.Call, func: str) -> _Value:
        """Evaluate ``lower(...)`` or a predicate used as a value."""
        if func.lower() == "lower":
            arg = self.value(node.args[0]) if len(node.args) == 1 else None
            if arg is None or node.keywords or arg.kind != "text":
                raise self.error("lower() takes one text column, e.g. lower(nazwa)", node)
            if arg.scalar:
                return _Value(str(arg.value).lower(), "text", arg.label, True)
            return _Value(arg.value.str.lower(), "text", f"lower({arg.label})", False, arg.nulls)
        if func.lower() in _FUNCTIONS:
            truth = self.condition(node)
            return _Value(truth.t, "bool", func, False, ~(truth.t | truth.f))
        functions = ", ".join(_FUNCTIONS)
        raise self.error(f"unknown function '{func}'", node, f" — functions are: {functions}")

    def constant(self, value: object, node: ast.AST) -> _Value:
        """Return a literal operand."""
        if value is None:
            return _Value(None, "null", "None", True)
        if isinstance(value, bool):
            return _Value(value, "bool", str(value), True)
        if isinstance(value, int | float):
            return _Value(value, "number", f"number {value}", True)
        if isinstance(value, str):
            return _Value(value, "text", f"text '{value}'", True)
        raise self.error(f"the value {value!r} is not allowed", node)

    def name(self, node: ast.Name) -> _Value:
        """Return the column called by ``node`` (or a True/False/NULL literal)."""
        name = self.backticks.get(node.id, node.id)
        if name not in self.frame.columns:
            if node.id not in self.backticks and node.id.lower() in _LITERAL_NAMES:
                return self.constant(_LITERAL_NAMES[node.id.lower()], node)
            close = difflib.get_close_matches(name, self.columns, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise self.error(
                f"unknown column '{name}'{hint}", node, f" — columns are: {', '.join(self.columns)}"
            )
        return self.column(name, node)

    def column(self, name: str, node: ast.AST) -> _Value:
        """Return a column operand with its kind and missing values."""
        series = self.frame[name]
        if isinstance(series, pd.DataFrame):
            raise self.error(f"there are several columns named '{name}'", node)
        kind = _kind(series)
        label = f"{kind} column '{name}'"
        if kind == "geometry":
            raise self.error(f"column '{name}' holds geometries and cannot be used here", node)
        nulls = series.isna().to_numpy(dtype=bool)
        if kind == "number":
            return _Value(series.to_numpy(dtype=float, na_value=np.nan), kind, label, False, nulls)
        if kind == "bool":
            return _Value(series.to_numpy(dtype=bool, na_value=False), kind, label, False, nulls)
        if kind == "datetime":
            return _Value(series, kind, label, False, nulls)
        if pd.api.types.is_object_dtype(series.dtype) or not pd.api.types.is_string_dtype(series):
            series = series.astype(pd.StringDtype(na_value=np.nan))
        return _Value(series, "text", f"text column '{name}'", False, nulls)

    def nulls_of(self, value: _Value) -> BoolArray:
        """Return which rows of ``value`` are missing."""
        if value.scalar:
            return self.full(value.kind == "null")
        return value.nulls if value.nulls is not None else self.full(False)

    def as_series(self, value: _Value) -> pd.Series:
        """Return a text operand as a Series."""
        if value.scalar:
            return pd.Series([value.value] * self.n, dtype=pd.StringDtype(na_value=np.nan))
        series: pd.Series = value.value
        return series


def _is_geometry(series: object) -> bool:
    """Tell whether a column holds geometries."""
    return str(getattr(series, "dtype", "")) == "geometry"


def _kind(series: pd.Series) -> str:
    """Classify a column as text, number, bool, datetime or geometry."""
    dtype = series.dtype
    checks = (
        ("geometry", _is_geometry(series)),
        ("bool", pd.api.types.is_bool_dtype(dtype)),
        ("number", pd.api.types.is_numeric_dtype(dtype)),
        ("datetime", pd.api.types.is_datetime64_any_dtype(dtype)),
    )
    for kind, matches in checks:
        if matches:
            return kind
    if pd.api.types.is_object_dtype(dtype):
        inferred = pd.api.types.infer_dtype(series, skipna=True)
        if inferred == "boolean":
            return "bool"
        if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
            return "number"
    return "text"


def _describe(node: ast.AST) -> str:
    """Name a disallowed construct for an error message."""
    names = {
        "Attribute": "'.' (attribute access)",
        "Subscript": "'[ ]' (indexing)",
        "Lambda": "lambda",
        "Call": "a method call such as .upper()",
        "List": "a list outside 'in [...]'",
        "BinOp": "this operator",
        "NamedExpr": "':='",
        "JoinedStr": "an f-string",
        "UnaryOp": "'~'",
    }
    return names.get(type(node).__name__, f"'{type(node).__name__}'")
