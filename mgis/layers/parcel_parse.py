"""Step-by-step parsing of full and short parcel identifiers (see :mod:`parcel_ids`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from mgis.layers.parcel_ids import ParcelContext, ParcelErrorReason, ParcelId, ParcelIdError
from mgis.layers.parcel_normalise import (
    _CANONICAL,
    _SLASH,
    UNIT_TYPES,
    _is_missing,
    canonical_obreb,
    canonical_parcel_number,
)

# Lenient full form in one regex: most messy layer ids (other separators, case,
# unpadded or Excel obręb) are normalised without the step-by-step parser.
_FULL_FAST = re.compile(
    r"\s*(\d{6})\s*_\s*([1234589])\s*[.\-\s]\s*(\d{1,4})(?:\.0+)?\s*[.\-\s]\s*"
    r"(\d+[a-z]?(?:\s*/\s*\d+[a-z]?)?)\s*",
    re.IGNORECASE,
)
_FULL_SPLIT = re.compile(r"[.\-\s]+")
_OBREB_KEYWORD = re.compile(
    r"\bobr(?:ębie|ebie|ęb|eb)?\b\.?\s*(?:nr\b\.?\s*)?:?\s*(\d*)(?:\.0+(?![\d/]))?"
)
_PARCEL_KEYWORD = re.compile(r"\b(?:działka|działki|dzialka|dzialki|dz)\b\.?|\bnr\b\.?")
_SHORT = re.compile(r"(\d+)(?:\.0+(?=\s*[.\-]))?\s*([.\-])\s*(.+)")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ParcelParts:
    """What a text says, before the context fills the gaps.

    ``unit_code`` is set only by full forms; ``obreb`` is None when the text
    has no obręb; ``obreb_keyword`` tells whether it was written as
    ``obr. N`` (such an obręb carries over to the next items of a list).
    """

    text: str
    unit_code: str | None
    obreb: str | None
    number: str
    obreb_keyword: bool = False


def _clean(text: str) -> str:
    """Lower-case, NFC, one space between words, no spaces around ``/``."""
    text = unicodedata.normalize("NFC", text).lower().replace("\u00a0", " ")
    text = text.replace("(", " ").replace(")", " ")
    return _SLASH.sub("/", _SPACES.sub(" ", text)).strip()


def _error(reason: ParcelErrorReason, message: str, text: str) -> ParcelIdError:
    """Build an error whose message quotes the text."""
    return ParcelIdError(f"{text!r}: {message}", reason, text)


def _parse_full(text: str, rest: str) -> ParcelParts:
    """Read ``WWPPGG_R.OOOO.NR`` with lenient separators (``rest`` has the ``_``)."""
    teryt, _, tail = rest.partition("_")
    teryt = teryt.strip()
    if len(teryt) != 6 or not teryt.isdigit():
        raise _error(ParcelErrorReason.BAD_TERYT, f"TERYT code {teryt!r} is not 6 digits", text)
    tokens = [t for t in _FULL_SPLIT.split(tail.strip()) if t]
    if not tokens:
        raise _error(ParcelErrorReason.BAD_UNIT, "the unit type digit after '_' is missing", text)
    if tokens[0] not in UNIT_TYPES:
        raise _error(
            ParcelErrorReason.BAD_UNIT,
            f"unit type digit {tokens[0]!r} is not one of {', '.join(UNIT_TYPES)}",
            text,
        )
    # Excel turns obręb 31 into "31.0": a zero-only token after the obręb is dropped.
    if len(tokens) == 4 and tokens[2].strip("0") == "":
        del tokens[2]
    if len(tokens) == 4 and "-" in tail:
        raise _error(ParcelErrorReason.RANGE, "ranges of parcels are not expanded", text)
    if len(tokens) != 3:
        raise _error(
            ParcelErrorReason.UNPARSEABLE,
            f"expected WWPPGG_R.OOOO.NR (3 parts after '_'), found {len(tokens)}",
            text,
        )
    obreb = canonical_obreb(tokens[1]) if tokens[1].isdigit() else None
    if obreb is None:
        raise _error(ParcelErrorReason.BAD_OBREB, f"obręb {tokens[1]!r} is not 1 to 4 digits", text)
    number = canonical_parcel_number(tokens[2])
    if number is None:
        raise _error(ParcelErrorReason.BAD_NUMBER, f"{tokens[2]!r} is not a parcel number", text)
    return ParcelParts(text, f"{teryt}_{tokens[0]}", obreb, number)


def _split_short(
    rest: str, obreb: str | None, has_obreb: bool, original: str
) -> tuple[str | None, str]:
    """Split ``A.B`` / ``A-B`` into obręb and number text (hyphen rule)."""
    short = _SHORT.fullmatch(rest)
    if short is None:
        return obreb, rest
    left, sep, right = short[1], short[2], short[3]
    # Hyphen rule (module docstring): obręb-number only when nothing else gives
    # the obręb or when the obręb is written zero-padded to 4 digits.
    is_obreb = sep == "." or (
        len(left) <= 4 and ((obreb is None and not has_obreb) or len(left) == 4)
    )
    if not is_obreb:
        return obreb, rest
    dotted = canonical_obreb(left)
    if dotted is None:
        raise _error(
            ParcelErrorReason.BAD_OBREB,
            f"obręb {left!r} is not 1 to 4 digits (other than 0)",
            original,
        )
    if obreb is not None and obreb != dotted:
        raise _error(ParcelErrorReason.BAD_OBREB, "the text names two different obręby", original)
    return dotted, right


def parse_parts(text: str, has_obreb: bool = False) -> ParcelParts:
    """Read what a text says about a parcel without resolving it.

    Parameters
    ----------
    text : str
        Full or short form, see :meth:`ParcelId.parse`.
    has_obreb : bool
        Whether the caller already knows an obręb (a default or one carried
        over from a list); then ``A-B`` is read as a range (hyphen rule).

    Returns
    -------
    ParcelParts

    Raises
    ------
    ParcelIdError
        When the text is empty or malformed (not for missing context).

    Examples
    --------
    >>> parse_parts("obr. 2 dz. 0123/4")
    ParcelParts(text='obr. 2 dz. 0123/4', unit_code=None, obreb='0002', number='123/4', \
obreb_keyword=True)
    """
    if not isinstance(text, str) or not text.strip():
        raise ParcelIdError("the text is empty", ParcelErrorReason.EMPTY, str(text or ""))
    original = text.strip()
    clean = _clean(original)
    # Fast path: already canonical (the common case in layers).
    if _CANONICAL.fullmatch(clean):
        return ParcelParts(original, clean[:8], clean[9:13], clean[14:])
    kw_obreb: str | None = None
    found = _OBREB_KEYWORD.search(clean)
    if found is not None:
        kw_obreb = canonical_obreb(found[1]) if found[1] else None
        if kw_obreb is None:
            raise _error(
                ParcelErrorReason.BAD_OBREB,
                f"obręb {found[1]!r} after the keyword is not 1 to 4 digits (other than 0)",
                original,
            )
        clean = clean[: found.start()] + " " + clean[found.end() :]
    rest = _PARCEL_KEYWORD.sub(" ", clean).strip(" :,;")
    if "_" in rest:
        parts = _parse_full(original, rest)
        if kw_obreb is not None and kw_obreb != parts.obreb:
            raise _error(
                ParcelErrorReason.BAD_OBREB, "the text names two different obręby", original
            )
        return parts
    if not rest:
        raise _error(ParcelErrorReason.BAD_NUMBER, "no parcel number in the text", original)
    obreb, number_text = _split_short(rest, kw_obreb, has_obreb, original)
    if "-" in number_text:
        raise _error(
            ParcelErrorReason.RANGE,
            f"{number_text!r} looks like a range of parcels; ranges are not expanded",
            original,
        )
    number = canonical_parcel_number(number_text)
    if number is None:
        raise _error(
            ParcelErrorReason.BAD_NUMBER,
            f"{number_text!r} is not a parcel number (digits, optionally /sub-number, not zero)",
            original,
        )
    return ParcelParts(original, None, obreb, number, obreb_keyword=kw_obreb is not None)


def resolve_parts(parts: ParcelParts, context: ParcelContext | None) -> ParcelId:
    """Complete parsed parts with the context into one identifier.

    Raises
    ------
    ParcelIdError
        ``NO_CONTEXT`` when the unit or obręb is unknown, ``AMBIGUOUS`` (with
        candidates) when the context has several units.

    Examples
    --------
    >>> ctx = ParcelContext(("302101_4", "302101_5"))
    >>> try:
    ...     resolve_parts(parse_parts("2.15"), ctx)
    ... except ParcelIdError as e:
    ...     print(e.reason, [str(c) for c in e.candidates])
    ambiguous ['302101_4.0002.15', '302101_5.0002.15']
    """
    if parts.unit_code is not None and parts.obreb is not None:
        return ParcelId(parts.unit_code[:6], parts.unit_code[7], parts.obreb, parts.number)
    obreb = parts.obreb or (context.default_obreb if context is not None else None)
    if obreb is None:
        raise _error(
            ParcelErrorReason.NO_CONTEXT,
            "short form without an obręb; give the obręb or a default obręb",
            parts.text,
        )
    units = context.unit_codes if context is not None else ()
    if not units:
        raise _error(
            ParcelErrorReason.NO_CONTEXT,
            "short form without the unit code (WWPPGG_R); give a context",
            parts.text,
        )
    candidates = tuple(ParcelId(u[:6], u[7], obreb, parts.number) for u in units)
    if len(candidates) > 1:
        raise ParcelIdError(
            f"{parts.text!r}: ambiguous unit, could be " + " or ".join(str(c) for c in candidates),
            ParcelErrorReason.AMBIGUOUS,
            parts.text,
            candidates,
        )
    return candidates[0]


def canonical_id(text: str, context: ParcelContext | None = None) -> str | None:
    """Return the canonical identifier string, or None when it cannot be read.

    Examples
    --------
    >>> canonical_id("302101_1.3.0.0123/4"), canonical_id("nonsense")
    ('302101_1.0003.123/4', None)
    """
    if isinstance(text, str) and _CANONICAL.fullmatch(text):
        return text
    if _is_missing(text):
        return None
    fast = _FULL_FAST.fullmatch(text) if isinstance(text, str) else None
    if fast is not None:
        number = canonical_parcel_number(fast[4])
        obreb = fast[3].lstrip("0")
        if number is not None and obreb:
            return f"{fast[1]}_{fast[2]}.{obreb.zfill(4)}.{number}"
    try:
        return str(ParcelId.parse(str(text), context))
    except ParcelIdError:
        return None
