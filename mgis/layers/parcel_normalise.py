"""Canonical text of the parts of an EGiB parcel identifier.

Unit type digits, the canonical-form regexes, and the canonical text of each
part: the obręb (four zero-padded digits), the parcel number (no leading zeros,
letters in lower case) and the unit code (``WWPPGG_R``; a leading zero lost by
Excel is padded back). :mod:`mgis.layers.parcel_ids` validates identifiers with
these; the parser (:mod:`mgis.layers.parcel_parse`) and the column functions
(:mod:`mgis.layers.parcel_columns`) normalise with them. Every public name is
also importable from :mod:`mgis.layers.parcel_ids`.

Examples
--------
>>> canonical_obreb("3"), canonical_parcel_number("0123/04"), is_canonical_id("302101_1.0003.5")
('0003', '123/4', True)
"""

from __future__ import annotations

import re

__all__ = [
    "UNIT_TYPES",
    "canonical_obreb",
    "canonical_parcel_number",
    "is_canonical_id",
]

#: Unit type digits (R) allowed in identifiers, with their meaning.
UNIT_TYPES: dict[str, str] = {
    "1": "urban gmina",
    "2": "rural gmina",
    "3": "urban-rural gmina",
    "4": "town in an urban-rural gmina",
    "5": "rural area of an urban-rural gmina",
    "8": "district of Warsaw",
    "9": "district of another city",
}


_NUMBER = re.compile(r"(\d+)([a-z]?)(?:/(\d+)([a-z]?))?")
_UNIT_CODE = re.compile(r"(\d{6})\s*[_\-\s]?\s*(\d)")
_OBREB = re.compile(r"(?:obr(?:ęb|eb)?\.?\s*)?(\d+)(?:[.,]0+)?")
# The canonical form has fixed widths, so a layer's ids can be checked with one
# match each and split by slicing ([:8] unit code, [9:13] obręb, [14:] number).
_CANONICAL = re.compile(r"\d{6}_[1234589]\.(?!0000)\d{4}\.[1-9]\d*[a-z]?(?:/[1-9]\d*[a-z]?)?")
_CANONICAL_NUMBER = re.compile(r"[1-9]\d*[a-z]?(?:/[1-9]\d*[a-z]?)?")
_SLASH = re.compile(r"\s*/\s*")


def is_canonical_id(text: str) -> bool:
    """Tell whether a text is already a canonical identifier (one regex match).

    Examples
    --------
    >>> is_canonical_id("302101_1.0003.123/4"), is_canonical_id("302101_1.3.123/4")
    (True, False)
    """
    return _CANONICAL.fullmatch(text) is not None


def canonical_parcel_number(text: str) -> str | None:
    """Return the canonical parcel number, or None when ``text`` is not one.

    Parameters
    ----------
    text : str
        A parcel number such as ``"0014/02"``, ``"123/4A"`` or ``" 7 "``.

    Returns
    -------
    str or None
        Digits without leading zeros, letters in lower case.

    Examples
    --------
    >>> canonical_parcel_number("0014/02"), canonical_parcel_number("123/4A")
    ('14/2', '123/4a')
    >>> canonical_parcel_number("0") is None
    True
    """
    m = _NUMBER.fullmatch(_SLASH.sub("/", text.strip().lower()))
    if m is None:
        return None
    main = m[1].lstrip("0")
    if not main:
        return None
    if m[3] is None:
        return main + m[2]
    sub = m[3].lstrip("0")
    if not sub:
        return None
    return f"{main}{m[2]}/{sub}{m[4]}"


def canonical_obreb(value: object) -> str | None:
    """Return the obręb number as four zero-padded digits, or None.

    Parameters
    ----------
    value : object
        ``31``, ``"31"``, ``"0031"``, ``31.0``, ``"31.0"``, ``"obręb 31"``;
        None/NaN give None.

    Returns
    -------
    str or None
        For example ``"0031"``; None for missing, zero or over four digits.

    Examples
    --------
    >>> canonical_obreb(31.0), canonical_obreb("obr. 2"), canonical_obreb(float("nan"))
    ('0031', '0002', None)
    """
    if _is_missing(value):
        return None
    m = _OBREB.fullmatch(str(value).strip().lower())
    if m is None:
        return None
    digits = m[1].lstrip("0")
    if not digits or len(m[1]) > 4:  # "00003" is five digits, not obręb 3
        return None
    return digits.zfill(4)


def _canonical_unit_code(value: object) -> str | None:
    """Return ``"WWPPGG_R"`` from ``"WWPPGG_R"``, ``"WWPPGGR"`` or an integer, else None."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        text = value.strip()
    else:
        # A number lost the leading zero of the voivodeship code: pad to 7 digits.
        text = str(value).strip()
        text = text.removesuffix(".0").zfill(7)
    m = _UNIT_CODE.fullmatch(text)
    if m is None or m[2] not in UNIT_TYPES:
        return None
    return f"{m[1]}_{m[2]}"


def _is_missing(value: object) -> bool:
    """Tell whether a cell is None, NaN, NaT or pandas.NA (not equal to itself)."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return bool(value != value)  # noqa: PLR0124 - the NaN test, for any NaN-like type
    except TypeError:  # pandas.NA refuses to be truth-tested: it is missing
        return True


def _number_key(number: str) -> tuple[int, str, int, str]:
    """Natural sort key of a canonical parcel number (2 before 10, 5 before 5/1)."""
    m = _NUMBER.fullmatch(number)
    if m is None:  # unreachable for validated numbers; keeps sorting total
        return (0, number, -1, "")
    return (int(m[1]), m[2], int(m[3]) if m[3] else -1, m[4] or "")
