"""Cells of an investment register: Polish amounts, codes kept as text, typed columns.

:func:`parse_amount` reads amounts written the Polish way (``1 234 567,89 zł``,
``-`` for no data); :func:`is_money_header` tells which columns hold them
(*nakłady*, *limit*, *koszt*, *wartość*, *kwota*, *wydatki*, or a bare year).
Once :mod:`mgis.io.register` has found the header row, the raw rows become a
typed frame here: amounts as float, clean integers as int in columns that are
not codes (parcel lists, TERYT, numbers), everything else as text. The public
names are re-exported by :mod:`mgis.io.register`.

Examples
--------
>>> parse_amount("12,5 zł"), is_money_header("Limit 2025"), is_money_header("Nr działki")
(12.5, True, False)
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

import pandas as pd

from mgis.io.errors import MgisIOError
from mgis.io.tables import is_code_column

__all__ = ["is_money_header", "parse_amount"]

_MONEY_HINTS = ("naklad", "limit", "koszt", "wartosc", "kwota", "wydatk", "pln", "zl")
_CODE_WORDS = ("dzialk", "obreb", "obr", "teryt", "kod", "id", "nr", "numer", "kw")
_YEAR = re.compile(r"(19|20)\d\d")
_CURRENCY = re.compile(r"\s*(zł|zl|pln)\.?\s*$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_INTEGER = re.compile(r"[-+]?[1-9]\d*|0")
_NO_DATA = frozenset({"-", "\u2013", "\u2014", "b.d.", "bd", "brak", "x"})


def _plain(text: str) -> str:
    """Lower-case, strip diacritics, words joined by single spaces."""
    text = text.strip().lower().replace("ł", "l")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", text))


def is_money_header(name: str) -> bool:
    """Tell whether a header names amounts (``Łączne nakłady``, ``Limit 2025``, ``2026``).

    Examples
    --------
    >>> is_money_header("Łączne nakłady finansowe"), is_money_header("Rok rozpoczęcia")
    (True, False)
    """
    plain = _plain(name)
    words = plain.split()
    if len(words) == 1 and _YEAR.fullmatch(words[0]):
        return True
    return any(w.startswith(_MONEY_HINTS) for w in words)


def _is_code_header(name: str) -> bool:
    """Tell whether a header names codes or parcel lists (always kept as text)."""
    words = _plain(name).split()
    return is_code_column(name) or any(w.startswith(_CODE_WORDS) for w in words)


def parse_amount(value: object) -> float | None:
    """Read an amount written the Polish way; None for an empty or "no data" cell.

    Spaces (also non-breaking) and apostrophes group thousands; a lone comma
    is the decimal separator; with both ``.`` and ``,`` the last one is.

    Parameters
    ----------
    value : object
        ``"1 234 567,89"``, ``"1.234.567,89 zł"``, ``"12,5"``, ``1234.5``, ``"-"``.

    Returns
    -------
    float or None

    Raises
    ------
    ValueError
        When the text is not an amount.

    Examples
    --------
    >>> parse_amount("1 234 567,89"), parse_amount("1.234.567,89 zł"), parse_amount("-")
    (1234567.89, 1234567.89, None)
    """
    if value is None or value is pd.NA:
        return None
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    text = str(value).strip()
    if not text or text.lower() in _NO_DATA:
        return None
    text = _SPACES.sub("", _CURRENCY.sub("", text))
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif commas == 1:
        text = text.replace(",", ".")
    elif commas > 1 or dots > 1:
        text = text.replace(",", "").replace(".", "")
    if not _PLAIN_NUMBER.fullmatch(text):
        raise ValueError(f"{value!r} is not an amount (write e.g. 1 234 567,89)")
    return float(text)


def _cell(value: object) -> object:  # noqa: PLR0911 - one return per cell type
    """Clean a cell value: text stripped (None when empty), dates as ISO text."""
    if value is None:
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
        return text or None
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _header_names(row: list[object]) -> list[str]:
    """Header texts with whitespace collapsed; blanks named ``Kolumna N``, repeats numbered."""
    names: list[str] = []
    for i, value in enumerate(row, start=1):
        cleaned = _cell(value)
        name = " ".join(str(cleaned).split()) if cleaned is not None else f"Kolumna {i}"
        base, n = name, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return names


def _build_frame(
    name: str, rows: list[list[object]], header_at: int, warnings: list[str]
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Turn raw rows into a typed frame; return it and the amount columns."""
    width = max(len(r) for r in rows[header_at:])
    header = _header_names(list(rows[header_at]) + [None] * (width - len(rows[header_at])))
    body: list[list[object]] = []
    numbers: dict[int, int] = {}
    for offset, raw in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = [_cell(v) for v in raw] + [None] * (width - len(raw))
        if all(v is None for v in cells):
            continue
        numbers[len(body)] = offset
        body.append(cells)
    keep = [j for j, h in enumerate(header) if not h.startswith("Kolumna ") or _any(body, j)]
    money: list[str] = []
    columns: dict[str, pd.Series] = {}
    for j in keep:
        column, values = header[j], [r[j] for r in body]
        if is_money_header(column) and not _is_code_header(column):
            amounts = _amounts(name, column, values, numbers, warnings)
            if amounts is not None:
                columns[column] = pd.Series(amounts, dtype="float64")
                money.append(column)
                continue
        columns[column] = _typed(values, code=_is_code_header(column))
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(body)))
    frame.attrs["row_numbers"] = numbers
    return frame, tuple(money)


def _any(body: list[list[object]], j: int) -> bool:
    """Whether column ``j`` has any value."""
    return any(r[j] is not None for r in body)


def _amounts(
    name: str, column: str, values: list[object], rows: dict[int, int], warnings: list[str]
) -> list[float] | None:
    """Parse a money column; None (kept as text) when most cells are not amounts."""
    out: list[float] = []
    bad: list[int] = []
    for i, value in enumerate(values):
        try:
            amount = parse_amount(value)
        except ValueError:
            bad.append(i)
            amount = None
        out.append(math.nan if amount is None else amount)
    filled = sum(1 for v in values if v is not None)
    if bad and len(bad) * 2 >= filled:
        warnings.append(f"column {column!r} looks like amounts but holds text: kept as text")
        return None
    if bad:
        i = bad[0]
        raise MgisIOError(
            f"{name}: row {rows[i]}, column {column!r}: {values[i]!r} is not an amount "
            "(write e.g. 1 234 567,89 or leave the cell empty)."
        )
    return out


def _typed(values: list[object], *, code: bool) -> pd.Series:
    """Text column, or int/float when every value is a clean number and not a code."""
    present = [v for v in values if v is not None]
    if not code and present and all(_is_integer(v) for v in present):
        ints = [None if v is None else int(float(str(v))) for v in values]
        return pd.Series(ints, dtype="int64" if len(present) == len(values) else "Int64")
    return pd.Series([None if v is None else _text(v) for v in values], dtype="str")


def _is_integer(value: object) -> bool:
    """Whether a value is an integer number (``2025``, ``2025.0``, ``"2025"``)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and _INTEGER.fullmatch(value) is not None


def _text(value: object) -> str:
    """Text of a cell; integer-valued floats lose ``.0`` (parcel 125.0 is ``125``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
