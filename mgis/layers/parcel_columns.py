"""Parcel identifiers in bulk: normalise a column, build ids from separate columns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from mgis.layers.parcel_ids import ParcelContext
from mgis.layers.parcel_normalise import (
    _CANONICAL,
    _CANONICAL_NUMBER,
    _canonical_unit_code,
    _is_missing,
    canonical_obreb,
    canonical_parcel_number,
)
from mgis.layers.parcel_parse import canonical_id


def normalise_parcel_ids(
    values: Iterable[str], context: ParcelContext | None = None
) -> list[str | None]:
    """Canonical identifiers for a column of texts; None where unreadable.

    Values already in canonical form are passed through after one regex
    match; others go through :meth:`ParcelId.parse` (short forms need an
    unambiguous ``context``).

    Parameters
    ----------
    values : iterable of str
        A list, numpy array or pandas Series; None/NaN allowed.
    context : ParcelContext, optional
        Resolves short forms.

    Returns
    -------
    list of str or None

    Examples
    --------
    >>> normalise_parcel_ids(["302101_1-0003-123/4", "302101_1.3.14", "x", None])
    ['302101_1.0003.123/4', '302101_1.0003.14', None, None]
    """
    match = _CANONICAL.fullmatch
    memo: dict[str, str | None] = {}
    out: list[str | None] = []
    append = out.append
    for value in values:
        if isinstance(value, str) and match(value):
            append(value)
        elif isinstance(value, str):
            if value not in memo:
                memo[value] = canonical_id(value, context)
            append(memo[value])
        else:
            append(canonical_id(value, context))
    return out


def _is_sequence(values: object) -> bool:
    """Tell lists, arrays and Series (True) from strings and scalars (False)."""
    return isinstance(values, Iterable) and not isinstance(values, str)


def _column(values: object, length: int) -> list[object]:
    """Return a scalar repeated ``length`` times, or the sequence as a list."""
    if not _is_sequence(values):
        return [values] * length
    # numpy and pandas: tolist() is many times faster than iterating, and gives
    # Python int/float so that the per-value code below stays simple.
    tolist = getattr(values, "tolist", None)
    return list(tolist()) if callable(tolist) else list(cast("Iterable[object]", values))


def _number_text(value: object) -> str | None:
    """Canonical parcel number from a cell (``123``, ``123.0``, ``"0123/4"``)."""
    if isinstance(value, str) and _CANONICAL_NUMBER.fullmatch(value):
        return value
    if type(value) is int:
        return str(value) if value > 0 else None
    if _is_missing(value):
        return None
    text = str(value).strip()
    if "/" not in text and text.endswith(".0"):  # Excel float 123.0
        text = text.rstrip("0").rstrip(".")
    return canonical_parcel_number(text)


def build_parcel_ids(teryt_unit: object, obreb: object, number: object) -> list[str | None]:
    """Build canonical identifiers from separate unit, obręb and number columns.

    Parameters
    ----------
    teryt_unit : str or sequence
        ``"302101_1"`` (or ``"3021011"``, or an integer that lost its leading
        zero: padded to 7 digits) for all rows, or one per row.
    obreb : scalar or sequence
        ``31``, ``"31"``, ``"31.0"``, ``"0031"``, ``"obręb 31"``; NaN gives None.
    number : scalar or sequence
        ``"123/4"``, ``123``, ``123.0``, ``"0123"``; NaN gives None.

    Returns
    -------
    list of str or None
        One identifier per row; None where any part is missing or invalid.

    Examples
    --------
    >>> build_parcel_ids("021001_1", [31, "31.0", None], ["5", 6.0, "7"])
    ['021001_1.0031.5', '021001_1.0031.6', None]
    """
    sized = [v for v in (teryt_unit, obreb, number) if _is_sequence(v)]
    length = len(cast("Sequence[object]", sized[0])) if sized else 1
    units = _column(teryt_unit, length)
    obreby = _column(obreb, length)
    numbers = _column(number, length)
    if not len(units) == len(obreby) == len(numbers):
        raise ValueError(f"columns differ in length: {len(units)}, {len(obreby)}, {len(numbers)}")
    # Few distinct units and obręby per layer: convert each distinct value once.
    unit_memo: dict[object, str | None] = {}
    obreb_memo: dict[object, str | None] = {}
    out: list[str | None] = []
    append = out.append
    for u, o, n in zip(units, obreby, numbers, strict=True):
        try:
            code = unit_memo[u]
        except (KeyError, TypeError):
            code = _canonical_unit_code(u)
            if u.__hash__ is not None:
                unit_memo[u] = code
        try:
            ob = obreb_memo[o]
        except (KeyError, TypeError):
            ob = canonical_obreb(o)
            if o.__hash__ is not None:
                obreb_memo[o] = ob
        nr = _number_text(n) if code is not None and ob is not None else None
        append(None if nr is None else f"{code}.{ob}.{nr}")
    return out
