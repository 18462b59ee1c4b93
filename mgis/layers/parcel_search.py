"""Register cells listing many parcels, and lookup of parcels in a layer.

Rules for :func:`parse_parcel_list` (each one is covered by a test):

* Items are separated by ``;``, ``,``, new lines, and the words ``i`` and
  ``oraz``. A comma always separates items: parcel numbers have no decimals.
* An obręb written with a keyword (``obr. 2``, ``obręb 0002``, also ``obr. 2:``
  alone) applies to its item and to every following item without an obręb,
  until the next keyword obręb. An obręb written in a dotted/hyphenated short
  form (``0002.77``) applies to that item only.
* ``-`` never separates items; the hyphen rule of :mod:`mgis.layers.parcel_ids`
  decides between obręb-number and a (rejected, never expanded) range.
* An empty cell gives no results; empty items (``"12;;13"``) are skipped.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from mgis.layers.parcel_ids import (
    ParcelContext,
    ParcelErrorReason,
    ParcelId,
    ParcelIdError,
    ParseResult,
    is_canonical_id,
)
from mgis.layers.parcel_parse import ParcelParts, canonical_id, parse_parts, resolve_parts

__all__ = ["FindResult", "FindStatus", "ParcelIndex", "parse_parcel_list"]

_ITEM_SPLIT = re.compile(r"\s*(?:[;,\n\r]|\s(?:i|oraz)\s)\s*", re.IGNORECASE)
_ONLY_OBREB = re.compile(
    r"\s*obr(?:ęb|eb)?\.?\s*(?:nr\.?\s*)?(\d+)(?:\.0+)?\s*:?\s*", re.IGNORECASE
)
_MAX_SUGGESTIONS = 5


def parse_parcel_list(cell: str, context: ParcelContext | None = None) -> list[ParseResult]:
    """Read a register cell that lists parcels, one result per item.

    Parameters
    ----------
    cell : str
        For example ``"123/4; 125, 0002.77"`` or ``"obr. 2: 15/3, 15/4"``.
        None/NaN are treated as empty.
    context : ParcelContext, optional
        Unit codes and default obręb (the register's "Obręb" column).

    Returns
    -------
    list of ParseResult
        In the order written; failed items carry ``error`` and ``reason``,
        items that could mean several units carry ``ambiguous``.

    Examples
    --------
    >>> ctx = ParcelContext(("302101_1",), default_obreb="3")
    >>> [str(r.parcel) for r in parse_parcel_list("123/4; 125, 0002.77", ctx)]
    ['302101_1.0003.123/4', '302101_1.0003.125', '302101_1.0002.77']
    >>> [str(r.parcel) for r in parse_parcel_list("obr. 2: 15/3 i 15/4", ctx)]
    ['302101_1.0002.15/3', '302101_1.0002.15/4']
    """
    if not isinstance(cell, str) or not cell.strip():
        return []
    cell = unicodedata.normalize("NFC", cell)  # "ę" may arrive as e + combining ogonek
    current = context
    results: list[ParseResult] = []
    for raw in _ITEM_SPLIT.split(cell.strip()):
        item = raw.strip()
        if not item:
            continue
        alone = _ONLY_OBREB.fullmatch(item)
        if alone is not None:
            # "obr. 2:" heading the following lines: only switches the obręb.
            current = _switch_obreb(current, alone[1])
            continue
        try:
            parts = parse_parts(item, has_obreb=current is not None and current.has_default)
        except ParcelIdError as err:
            results.append(ParseResult(item, None, str(err), reason=err.reason))
            continue
        if parts.obreb_keyword:
            current = _switch_obreb(current, parts.obreb)
        results.append(_resolve_item(parts, current))
    return results


def _switch_obreb(context: ParcelContext | None, obreb: str | None) -> ParcelContext:
    """Context with a new default obręb (no units when there was no context)."""
    return ParcelContext(context.unit_codes if context is not None else (), obreb)


def _resolve_item(parts: ParcelParts, context: ParcelContext | None) -> ParseResult:
    """Turn parsed parts into a result, catching missing context and ambiguity."""
    try:
        return ParseResult(parts.text, resolve_parts(parts, context), None)
    except ParcelIdError as err:
        return ParseResult(parts.text, None, str(err), err.candidates, err.reason)


class FindStatus(StrEnum):
    """Outcome of :meth:`ParcelIndex.find`."""

    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    INVALID = "invalid"


@dataclass(frozen=True)
class FindResult:
    """Answer of :meth:`ParcelIndex.find`.

    Attributes
    ----------
    text : str
        What was searched.
    status : FindStatus
        ``FOUND``, ``AMBIGUOUS``, ``NOT_FOUND`` or ``INVALID``.
    parcel : ParcelId or None
        The matched identifier (``FOUND``), or the identifier looked for
        (``NOT_FOUND`` with one candidate).
    rows : tuple of int
        Positions of the match in the layer (several for duplicates).
    candidates : tuple of ParcelId
        What the text could mean (``AMBIGUOUS``: the ones present in the layer).
    suggestions : tuple of str
        "Did you mean" identifiers for ``NOT_FOUND``, best first, at most 5.
    resolved_by_existence : bool
        True when the text could mean several units and only one of them
        exists in the layer, which decided the match.
    error : str or None
        Why the text could not be read (``INVALID``).
    reason : ParcelErrorReason or None
        Machine-readable cause for ``INVALID``.
    """

    text: str
    status: FindStatus
    parcel: ParcelId | None = None
    rows: tuple[int, ...] = ()
    candidates: tuple[ParcelId, ...] = ()
    suggestions: tuple[str, ...] = ()
    resolved_by_existence: bool = False
    error: str | None = None
    reason: ParcelErrorReason | None = None

    @property
    def found(self) -> bool:
        """Whether exactly one parcel matched."""
        return self.status is FindStatus.FOUND


class ParcelIndex:
    """Lookup over the identifier column of a parcel layer.

    Identifiers are normalised (so ``302101_1.3.14`` in the layer is found as
    ``302101_1.0003.14``); unreadable ones are listed in :attr:`invalid`.

    Parameters
    ----------
    ids : sequence of str
        The layer's identifier column, in row order.

    Examples
    --------
    >>> index = ParcelIndex(["302101_4.0002.15", "302101_5.0002.16", "302101_5.0002.15/1"])
    >>> ctx = ParcelContext.for_gmina("302101_3")
    >>> r = index.find("obr. 2 dz. 16", ctx)
    >>> r.status, str(r.parcel), r.resolved_by_existence
    (<FindStatus.FOUND: 'found'>, '302101_5.0002.16', True)
    >>> index.find("2.15/2", ctx).suggestions
    ('302101_5.0002.15/1', '302101_4.0002.15')
    """

    def __init__(self, ids: Sequence[str]) -> None:
        match = is_canonical_id
        first: dict[str, int] = {}
        extra: dict[str, list[int]] = {}
        invalid: list[tuple[int, str]] = []
        for row, value in enumerate(ids):
            # One regex per id; only non-canonical ids pay for the full parser.
            key = value if isinstance(value, str) and match(value) else canonical_id(value)
            if key is None:
                invalid.append((row, str(value)))
            elif key in first:
                extra.setdefault(key, [first[key]]).append(row)
            else:
                first[key] = row
        self._first = first
        self._extra = extra
        self._invalid = invalid
        self._units = tuple(sorted({key[:8] for key in first}))
        self._by_obreb: dict[str, list[str]] | None = None

    def __len__(self) -> int:
        """Return the number of distinct valid identifiers."""
        return len(self._first)

    def __contains__(self, parcel: object) -> bool:
        """Whether a ParcelId or canonical string is in the layer."""
        return str(parcel) in self._first

    @property
    def unit_codes(self) -> tuple[str, ...]:
        """Unit codes (``WWPPGG_R``) present in the layer, sorted."""
        return self._units

    @property
    def duplicates(self) -> list[str]:
        """Canonical identifiers that occur more than once in the layer, sorted."""
        return sorted(self._extra)

    @property
    def invalid(self) -> list[tuple[int, str]]:
        """Rows whose identifier could not be read: ``(row, text)``."""
        return list(self._invalid)

    def rows(self, parcel: ParcelId | str) -> tuple[int, ...]:
        """Row positions of an identifier (empty when absent)."""
        key = str(parcel)
        if key in self._extra:
            return tuple(self._extra[key])
        return (self._first[key],) if key in self._first else ()

    def find(self, text: str, context: ParcelContext | None = None) -> FindResult:
        """Find a parcel written in a full or short form.

        Parameters
        ----------
        text : str
            Anything :meth:`ParcelId.parse` reads.
        context : ParcelContext, optional
            Unit codes and default obręb for short forms. Without it, the
            units present in the layer are the candidates.

        Returns
        -------
        FindResult
            ``FOUND`` (also when only one of several candidate units exists:
            ``resolved_by_existence``), ``AMBIGUOUS`` (several exist),
            ``NOT_FOUND`` with suggestions, or ``INVALID`` with the reason.

        Examples
        --------
        >>> index = ParcelIndex(["302101_1.0003.123/4"])
        >>> index.find("302101_1-3-123/4").found
        True
        >>> index.find("3.123/5").suggestions
        ('302101_1.0003.123/4',)
        """
        has_default = context is not None and context.has_default
        try:
            parts = parse_parts(text, has_obreb=has_default)
        except ParcelIdError as err:
            return FindResult(str(text), FindStatus.INVALID, error=str(err), reason=err.reason)
        units = (
            (parts.unit_code,)
            if parts.unit_code is not None
            else (context.unit_codes if context is not None and context.unit_codes else self._units)
        )
        try:
            candidates = resolve_parts(parts, ParcelContext(units, _default(context)))
        except ParcelIdError as err:
            if err.reason is not ParcelErrorReason.AMBIGUOUS:
                return FindResult(parts.text, FindStatus.INVALID, error=str(err), reason=err.reason)
            options = err.candidates
        else:
            options = (candidates,)
        present = tuple(p for p in options if str(p) in self._first)
        if len(present) == 1:
            return FindResult(
                parts.text,
                FindStatus.FOUND,
                present[0],
                self.rows(present[0]),
                candidates=options,
                resolved_by_existence=len(options) > 1,
            )
        if present:
            return FindResult(parts.text, FindStatus.AMBIGUOUS, candidates=present)
        return FindResult(
            parts.text,
            FindStatus.NOT_FOUND,
            options[0] if len(options) == 1 else None,
            candidates=options,
            suggestions=self.suggest(options),
        )

    def suggest(self, wanted: Sequence[ParcelId], limit: int = _MAX_SUGGESTIONS) -> tuple[str, ...]:
        """Existing identifiers close to the wanted ones, best first.

        Numbers of the same unit and obręb come first (ranked by
        :func:`difflib.get_close_matches`), then the same number in other
        obręby of the same unit (a wrong obręb).

        Examples
        --------
        >>> ParcelIndex(["302101_1.0003.123/4", "302101_1.0007.213/4"]).suggest(
        ...     [ParcelId.parse("302101_1.0003.213/4")]
        ... )
        ('302101_1.0003.123/4', '302101_1.0007.213/4')
        """
        by_obreb = self._numbers_by_obreb()
        scored: list[tuple[tuple[int, float, int], str]] = []
        for parcel in wanted:
            prefix = f"{parcel.unit_code}.{parcel.obreb}"
            numbers = by_obreb.get(prefix, [])
            main = _main(parcel.number)
            # Same main number (15/2 -> 15, 15/1) first, then difflib's close
            # matches; ties go to the numerically nearest parcel.
            close = set(difflib.get_close_matches(parcel.number, numbers, n=4 * limit, cutoff=0.5))
            close.update(n for n in numbers if _main(n) == main)
            scored.extend((_closeness(parcel.number, n), f"{prefix}.{n}") for n in close)
        out = [key for _, key in sorted(scored)]
        for parcel in wanted:
            for prefix in sorted(by_obreb):
                key = f"{prefix}.{parcel.number}"
                if prefix.startswith(parcel.unit_code) and key in self._first:
                    out.append(key)
        unique = list(dict.fromkeys(out))
        return tuple(unique[:limit])

    def _numbers_by_obreb(self) -> dict[str, list[str]]:
        """Parcel numbers grouped by ``WWPPGG_R.OOOO``, built on the first suggestion."""
        if self._by_obreb is None:
            groups: dict[str, list[str]] = {}
            for key in self._first:
                groups.setdefault(key[:13], []).append(key[14:])
            self._by_obreb = groups
        return self._by_obreb


def _main(number: str) -> str:
    """Return the main part of a parcel number (before ``/``)."""
    return number.partition("/")[0]


def _closeness(wanted: str, number: str) -> tuple[int, float, int]:
    """Sort key of a suggestion: same main number, similarity, numeric distance."""
    digits = "".join(c for c in _main(number) if c.isdigit()) or "0"
    wanted_digits = "".join(c for c in _main(wanted) if c.isdigit()) or "0"
    return (
        0 if _main(number) == _main(wanted) else 1,
        -round(difflib.SequenceMatcher(None, wanted, number).ratio(), 3),
        abs(int(digits) - int(wanted_digits)),
    )


def _default(context: ParcelContext | None) -> str | None:
    """Return the context's default obręb, if any."""
    return context.default_obreb if context is not None else None
