"""Safe, vectorised filter expressions over a layer's attribute table (no Qt, no ``eval``).

The language is a small subset of Python with a few SQL/QGIS habits accepted::

    wlasnosc == "Gmina" and pow_m2 > 1000
    wlasnosc = 'Gmina' AND NOT (uzytek in ['B', 'Bi'])
    `pow ewid` >= 500 or is_null(numer)
    contains(id_dzialki, '.0007.') and pow_m2 / 10000 > 0.5

* Columns are bare names (Polish letters allowed) or any name in backticks.
* Text is in double or single quotes; numbers, ``True``/``False``, ``None``/``NULL``.
* Comparisons ``== = != <> < <= > >=``, ``in [...]``, ``not in [...]``,
  ``is None`` / ``IS NULL``, ``and or not`` (also upper case), parentheses and
  arithmetic ``+ - * /`` on numbers.
* Functions ``contains(col, "text")`` and ``startswith(col, "text")`` (both
  case-insensitive), ``lower(col)`` and ``is_null(col)``.

Missing values follow SQL: a comparison with a missing value is unknown, and the
row is kept only when the whole expression is known to be true.
"""

from __future__ import annotations

import ast

import pandas as pd

from mgis.layers.expression_eval import (
    _IDENT,
    _WORDS,
    BoolArray,
    ExpressionError,
    _at,
    _Evaluator,
    _where,
)

__all__ = ["ExpressionError", "filter_rows"]


def filter_rows(frame: pd.DataFrame, expression: str) -> BoolArray:
    """Return which rows of ``frame`` satisfy ``expression``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The attribute table (a GeoDataFrame's geometry column cannot be used).
    expression : str
        A condition such as ``wlasnosc == "Gmina" and pow_m2 > 1000``; see the
        module documentation for the language.

    Returns
    -------
    numpy.ndarray
        Boolean mask, one value per row; rows where the result is unknown
        (missing values) are False.

    Raises
    ------
    ExpressionError
        For a syntax error, an unknown column, a comparison of text with a
        number or any construct that is not allowed; the message says which
        and at what character.

    Examples
    --------
    >>> df = pd.DataFrame({"owner": ["Gmina", "SP", "Gmina"], "area": [500, 2000, 3000]})
    >>> filter_rows(df, 'owner = "Gmina" AND area > 1000').tolist()
    [False, False, True]
    """
    text, pos_map, backticks = _prepare(expression)
    if not text.strip():
        raise ExpressionError("the expression is empty", 0)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        offset = (exc.offset or 0) - 1
        where = _where(pos_map[offset] if 0 <= offset < len(pos_map) else None)
        raise ExpressionError(f"syntax error{where}: {exc.msg}", _at(pos_map, offset)) from None
    evaluator = _Evaluator(frame, text, pos_map, backticks)
    return evaluator.condition(tree.body).t


def _prepare(expression: str) -> tuple[str, list[int], dict[str, str]]:
    """Rewrite SQL habits into Python and backtick names into placeholders, keeping positions."""
    out: list[str] = []
    pos: list[int] = []
    backticks: dict[str, str] = {}

    def put(piece: str, at: int) -> None:
        out.append(piece)
        pos.extend([at] * len(piece))

    i, n = 0, len(expression)
    while i < n:
        ch = expression[i]
        if ch in "\"'":
            end = expression.find(ch, i + 1)
            end = n - 1 if end < 0 else end
            for j in range(i, end + 1):
                put(expression[j], j)
            i = end + 1
        elif ch == "`":
            end = expression.find("`", i + 1)
            if end < 0:
                raise ExpressionError(
                    f"the column name in backticks starting at character {i + 1} is not closed "
                    "with a second `",
                    i,
                )
            placeholder = f"__mgis_col_{len(backticks)}__"
            backticks[placeholder] = expression[i + 1 : end]
            put(placeholder, i)
            i = end + 1
        elif (
            ch == "="
            and (i == 0 or expression[i - 1] not in "=!<>")
            and expression[i + 1 : i + 2] != "="
        ):
            put("==", i)
            i += 1
        elif expression.startswith("<>", i):
            put("!=", i)
            i += 2
        elif ch in "\r\n\t":
            put(" ", i)
            i += 1
        elif match := _IDENT.match(expression, i):
            word = match.group()
            put(_WORDS.get(word.lower(), word) if word.isupper() else word, i)
            i = match.end()
        else:
            put(ch, i)
            i += 1
    return "".join(out), pos, backticks
