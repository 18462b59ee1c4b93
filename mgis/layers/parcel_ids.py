"""EGiB parcel identifiers: parse, validate, normalise and format.

A parcel identifier (``identyfikator działki ewidencyjnej``) has the form
``WWPPGG_R.OOOO.NR[/SUB]``: the six-digit TERYT code of the gmina, ``_``, the
unit type digit R, ``.``, the four-digit obręb (precinct) number and ``.``,
the parcel number with an optional sub-number after ``/``.

Rules chosen here (each one is covered by a test):

* Identifiers are text everywhere. TERYT and obręb keep their leading zeros;
  integers that lost them (``210011`` read from Excel for ``0210011``) are
  padded back only where the width is known (7 digits for a TERYT with its
  unit digit, 4 for an obręb).
* The canonical parcel number has no leading zeros (``0014/02`` becomes
  ``14/2``), as in EGiB, so ``0014`` and ``14`` are the same parcel. A number
  or sub-number of zero is rejected. One trailing letter per part is allowed
  (``123/4a``) and written in lower case.
* Unit type digits accepted: 1, 2, 3, 4, 5, 8, 9 (6, 7 and 0 are rejected).
* Obręb 1 to 4 digits, not zero; ``3.0`` / ``31.0`` (Excel floats) accepted.
* Separators between the parts of a full form may be ``.``, ``-`` or spaces;
  case and stray spaces do not matter.
* Short forms (``123/4``, ``0002.123/4``, ``2-123/4``, ``obr. 2 dz. 123/4``,
  ``dz. nr 123/4``...) need a :class:`ParcelContext` for the unit code and,
  when no obręb is written, for the obręb. A gmina with more than one unit
  (urban-rural: ``_4`` and ``_5``) makes a short form AMBIGUOUS: both
  candidates are reported, never guessed.
* Hyphen rule: ``A-B`` is obręb A, parcel B only when no obręb is otherwise
  known for the text (no ``obr.`` keyword, no ``default_obreb``) or when A is
  written zero-padded to four digits (``0002-123/4``). Otherwise ``A-B`` is a
  range of parcel numbers; ranges are never expanded and are rejected with
  reason ``range``. ``A.B`` is always obręb A, parcel B.

The canonical text of each part (obręb, parcel number, unit code) is made in
:mod:`mgis.layers.parcel_normalise`; its public names are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from mgis.layers.parcel_normalise import (
    UNIT_TYPES,
    _canonical_unit_code,
    _is_missing,
    _number_key,
    canonical_obreb,
    canonical_parcel_number,
    is_canonical_id,
)

__all__ = [
    "UNIT_TYPES",
    "ParcelContext",
    "ParcelErrorReason",
    "ParcelId",
    "ParcelIdError",
    "ParseResult",
    "canonical_obreb",
    "canonical_parcel_number",
    "is_canonical_id",
]


class ParcelErrorReason(StrEnum):
    """Why a text is not a parcel identifier (the ``reason`` of :class:`ParcelIdError`)."""

    EMPTY = "empty"
    BAD_TERYT = "bad_teryt"
    BAD_UNIT = "bad_unit"
    BAD_OBREB = "bad_obreb"
    BAD_NUMBER = "bad_number"
    NO_CONTEXT = "no_context"
    AMBIGUOUS = "ambiguous"
    RANGE = "range"
    UNPARSEABLE = "unparseable"


class ParcelIdError(ValueError):
    """A text that cannot be read as one parcel identifier.

    Parameters
    ----------
    message : str
        Explanation in English, shown to the user.
    reason : ParcelErrorReason
        Machine-readable cause.
    text : str
        The rejected text.
    candidates : tuple of ParcelId
        For ``reason == AMBIGUOUS``: every identifier the text could mean.
    """

    def __init__(
        self,
        message: str,
        reason: ParcelErrorReason,
        text: str = "",
        candidates: tuple[ParcelId, ...] = (),
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.text = text
        self.candidates = candidates


@dataclass(frozen=True, order=True)
class ParcelId:
    """One EGiB parcel identifier, validated and in canonical form.

    The constructor normalises its arguments (obręb padded to four digits,
    parcel number without leading zeros, letters in lower case) and raises
    :class:`ParcelIdError` when they are not valid. Sorting is natural:
    ``...0001.2`` comes before ``...0001.10``.

    Parameters
    ----------
    teryt : str
        Six-digit TERYT code of the gmina (``WWPPGG``).
    unit : str
        Unit type digit R (see :data:`UNIT_TYPES`).
    obreb : str
        Obręb number, 1 to 4 digits.
    number : str
        Parcel number, e.g. ``"123/4"``.

    Examples
    --------
    >>> p = ParcelId("302101", "1", "3", "0123/4")
    >>> str(p), p.unit_code
    ('302101_1.0003.123/4', '302101_1')
    >>> ParcelId.parse("302101_1-3-123/4") == p
    True
    """

    # Compared first so that order=True sorts numerically; derived, not an argument.
    _sort_key: tuple[str, str, str, tuple[int, str, int, str]] = field(
        init=False, repr=False, compare=True
    )
    teryt: str
    unit: str
    obreb: str
    number: str

    def __post_init__(self) -> None:
        """Validate and normalise the fields."""
        teryt = str(self.teryt).strip()
        if len(teryt) != 6 or not teryt.isdigit():
            raise ParcelIdError(
                f"TERYT code {teryt!r} is not 6 digits",
                ParcelErrorReason.BAD_TERYT,
                teryt,
            )
        unit = str(self.unit).strip()
        if unit not in UNIT_TYPES:
            raise ParcelIdError(
                f"unit type digit {unit!r} is not one of {', '.join(UNIT_TYPES)}",
                ParcelErrorReason.BAD_UNIT,
                unit,
            )
        obreb = canonical_obreb(self.obreb)
        if obreb is None:
            raise ParcelIdError(
                f"obręb {self.obreb!r} is not a number of 1 to 4 digits (other than 0)",
                ParcelErrorReason.BAD_OBREB,
                str(self.obreb),
            )
        number = canonical_parcel_number(str(self.number))
        if number is None:
            raise ParcelIdError(
                f"{self.number!r} is not a parcel number (digits, optionally /sub-number)",
                ParcelErrorReason.BAD_NUMBER,
                str(self.number),
            )
        # Frozen dataclass: normalised values are stored through object.__setattr__.
        object.__setattr__(self, "teryt", teryt)
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "obreb", obreb)
        object.__setattr__(self, "number", number)
        object.__setattr__(self, "_sort_key", (teryt, unit, obreb, _number_key(number)))

    @property
    def unit_code(self) -> str:
        """TERYT code of the registration unit, e.g. ``"302101_1"``."""
        return f"{self.teryt}_{self.unit}"

    @property
    def short(self) -> str:
        """Obręb and number without the unit, e.g. ``"0003.123/4"``."""
        return f"{self.obreb}.{self.number}"

    def __str__(self) -> str:
        """Return the canonical identifier ``WWPPGG_R.OOOO.NR``."""
        return f"{self.teryt}_{self.unit}.{self.obreb}.{self.number}"

    @classmethod
    def from_unit_code(cls, unit_code: str, obreb: str, number: str) -> ParcelId:
        """Build an identifier from ``"WWPPGG_R"`` (or ``"WWPPGGR"``), obręb and number.

        Examples
        --------
        >>> str(ParcelId.from_unit_code("3021014", "12", "5"))
        '302101_4.0012.5'
        """
        code = _canonical_unit_code(unit_code)
        if code is None:
            raise ParcelIdError(
                f"unit code {unit_code!r} is not WWPPGG_R",
                ParcelErrorReason.BAD_TERYT,
                unit_code,
            )
        return cls(code[:6], code[7], obreb, number)

    @classmethod
    def parse(cls, text: str, context: ParcelContext | None = None) -> ParcelId:
        """Read one identifier written in any of the forms found in registers.

        Parameters
        ----------
        text : str
            Full form (``302101_1.0003.123/4``, also with ``-``/space
            separators, any case, unpadded or Excel ``3.0`` obręb) or a short
            form (``123/4``, ``0002.123/4``, ``2-123/4``, ``obr. 2 dz. 123/4``,
            ``działka nr 123/4 obr. 2``, ``nr 123/4``...).
        context : ParcelContext, optional
            The gmina's unit codes and default obręb, used by short forms.

        Returns
        -------
        ParcelId

        Raises
        ------
        ParcelIdError
            With a ``reason`` and an English message saying why; for
            ``AMBIGUOUS`` the candidates are in ``error.candidates``.

        Examples
        --------
        >>> str(ParcelId.parse(" 302101_1 0003 123/4 "))
        '302101_1.0003.123/4'
        >>> ctx = ParcelContext(("302101_1",), default_obreb="3")
        >>> str(ParcelId.parse("dz. nr 123/4", ctx))
        '302101_1.0003.123/4'
        """
        from mgis.layers.parcel_parse import parse_parts, resolve_parts  # parse builds ParcelIds

        parts = parse_parts(text, has_obreb=context is not None and context.has_default)
        return resolve_parts(parts, context)


@dataclass(frozen=True)
class ParcelContext:
    """What a short form leaves out: the gmina's unit codes and the obręb.

    Parameters
    ----------
    unit_codes : tuple of str
        Unit codes ``WWPPGG_R`` of the gmina: one for an urban or rural gmina,
        two (``_4`` town and ``_5`` rural area) for an urban-rural gmina.
        ``WWPPGGR`` without the underscore is accepted.
    default_obreb : str, optional
        Obręb used when the text has none (a register's "Obręb" column):
        ``"3"``, ``"0003"``, ``"3.0"`` or ``"obręb 3"``.

    Examples
    --------
    >>> ParcelContext(("3021014", "302101_5"), "obręb 2")
    ParcelContext(unit_codes=('302101_4', '302101_5'), default_obreb='0002')
    >>> ParcelContext.for_gmina("3021013").unit_codes
    ('302101_4', '302101_5')
    """

    unit_codes: tuple[str, ...]
    default_obreb: str | None = None

    def __post_init__(self) -> None:
        """Normalise the unit codes and the default obręb; reject invalid ones."""
        if isinstance(self.unit_codes, str):  # a lone code instead of a tuple
            object.__setattr__(self, "unit_codes", (self.unit_codes,))
        codes: list[str] = []
        for raw in self.unit_codes:
            code = _canonical_unit_code(raw)
            if code is None:
                raise ParcelIdError(
                    f"unit code {raw!r} is not WWPPGG_R with a valid unit type digit",
                    ParcelErrorReason.BAD_TERYT,
                    str(raw),
                )
            if code not in codes:
                codes.append(code)
        object.__setattr__(self, "unit_codes", tuple(codes))
        if self.default_obreb is not None and not _is_missing(self.default_obreb):
            obreb = canonical_obreb(self.default_obreb)
            if obreb is None:
                raise ParcelIdError(
                    f"default obręb {self.default_obreb!r} is not 1 to 4 digits",
                    ParcelErrorReason.BAD_OBREB,
                    str(self.default_obreb),
                )
            object.__setattr__(self, "default_obreb", obreb)
        else:
            object.__setattr__(self, "default_obreb", None)

    @property
    def has_default(self) -> bool:
        """Whether a default obręb is set."""
        return self.default_obreb is not None

    @classmethod
    def for_gmina(cls, teryt: str, default_obreb: str | None = None) -> ParcelContext:
        """Context of a gmina from its 7-character TERYT (type 3 gives units 4 and 5).

        Examples
        --------
        >>> ParcelContext.for_gmina("146501_8").unit_codes
        ('146501_8',)
        """
        code = _canonical_unit_code(teryt)
        if code is None:
            raise ParcelIdError(
                f"gmina code {teryt!r} is not WWPPGG_R", ParcelErrorReason.BAD_TERYT, teryt
            )
        if code.endswith("_3"):
            return cls((code[:7] + "4", code[:7] + "5"), default_obreb)
        return cls((code,), default_obreb)

    def with_obreb(self, obreb: str | None) -> ParcelContext:
        """Return a copy with another default obręb."""
        return ParcelContext(self.unit_codes, obreb)


@dataclass(frozen=True)
class ParseResult:
    """Outcome of reading one item of a register cell.

    Attributes
    ----------
    text : str
        The item as written.
    parcel : ParcelId or None
        The identifier, when the item was read unambiguously.
    error : str or None
        Why the item was rejected (English), None on success.
    ambiguous : tuple of ParcelId
        Candidates when the unit could not be decided.
    reason : ParcelErrorReason or None
        Machine-readable cause of the error.
    """

    text: str
    parcel: ParcelId | None
    error: str | None
    ambiguous: tuple[ParcelId, ...] = ()
    reason: ParcelErrorReason | None = None

    @property
    def ok(self) -> bool:
        """Whether the item gave exactly one identifier."""
        return self.parcel is not None
