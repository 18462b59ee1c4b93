"""ParcelId: parsing of full and short forms, validation messages, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgis.layers.parcel_ids import (
    UNIT_TYPES,
    ParcelContext,
    ParcelErrorReason,
    ParcelId,
    ParcelIdError,
    canonical_obreb,
    canonical_parcel_number,
)

CANON = "302101_1.0003.123/4"
ONE_UNIT = ParcelContext(("302101_1",), default_obreb="3")
NO_OBREB = ParcelContext(("302101_1",))
URBAN_RURAL = ParcelContext(("302101_4", "302101_5"), default_obreb="2")


@pytest.mark.parametrize(
    "text",
    [
        CANON,
        "  302101_1.0003.123/4  ",
        "302101_1.0003.123 / 4",
        "302101_1-0003-123/4",
        "302101_1 0003 123/4",
        "302101 _ 1 . 0003 . 123/4",
        "302101_1.3.123/4",
        "302101_1.03.123/4",
        "302101_1.3.0.123/4",
        "302101_1-3-123/4",
        "302101_1.0003.0123/04",
        "dz. 302101_1.0003.123/4",
    ],
)
def test_full_form_variants(text: str) -> None:
    assert str(ParcelId.parse(text)) == CANON


def test_excel_obreb_31_0_and_letters_lower_cased() -> None:
    assert str(ParcelId.parse("302101_1.31.0.15")) == "302101_1.0031.15"
    assert str(ParcelId.parse("302101_1.0031.123/4A")) == "302101_1.0031.123/4a"
    assert str(ParcelId.parse("302101_1.0031.123B/4")) == "302101_1.0031.123b/4"


def test_fields_and_properties() -> None:
    p = ParcelId.parse("146501_8.0105.17")
    assert (p.teryt, p.unit, p.obreb, p.number) == ("146501", "8", "0105", "17")
    assert p.unit_code == "146501_8"
    assert p.short == "0105.17"
    assert str(p) == "146501_8.0105.17"


def test_leading_zeros_of_teryt_and_obreb_kept() -> None:
    p = ParcelId.parse("021001_1.1.14")
    assert str(p) == "021001_1.0001.14"
    assert p.teryt == "021001"


def test_leading_zeros_of_number_are_not_significant() -> None:
    # Documented rule: the canonical EGiB number has no leading zeros.
    assert ParcelId.parse("021001_1.0001.0014") == ParcelId.parse("021001_1.0001.14")
    assert str(ParcelId.parse("021001_1.0001.0014")) == "021001_1.0001.14"


def test_constructor_normalises_and_validates() -> None:
    assert ParcelId("302101", "1", "3", "0123/4") == ParcelId.parse(CANON)
    with pytest.raises(ParcelIdError) as err:
        ParcelId("30210", "1", "3", "1")
    assert err.value.reason is ParcelErrorReason.BAD_TERYT


def test_from_unit_code_accepts_seven_digits() -> None:
    assert str(ParcelId.from_unit_code("3021014", "12", "5")) == "302101_4.0012.5"


def test_natural_order() -> None:
    texts = ["302101_1.0001.10", "302101_1.0001.2/1", "302101_1.0001.2", "302101_1.0001.9"]
    ordered = [str(p) for p in sorted(ParcelId.parse(t) for t in texts)]
    assert ordered == [
        "302101_1.0001.2",
        "302101_1.0001.2/1",
        "302101_1.0001.9",
        "302101_1.0001.10",
    ]


def test_hashable_and_equal_after_normalisation() -> None:
    assert len({ParcelId.parse(CANON), ParcelId.parse("302101_1-3-0123/4")}) == 1


def test_error_is_value_error() -> None:
    assert issubclass(ParcelIdError, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123/4", CANON),
        ("0002.123/4", "302101_1.0002.123/4"),
        ("2.123/4", "302101_1.0002.123/4"),
        ("obr. 2 dz. 123/4", "302101_1.0002.123/4"),
        ("obręb 0002 działka 123/4", "302101_1.0002.123/4"),
        ("Obręb 0002 Działka 123/4", "302101_1.0002.123/4"),
        ("obreb 2 dzialka 123/4", "302101_1.0002.123/4"),
        ("dz. nr 123/4", CANON),
        ("dz. 123/4", CANON),
        ("dz.nr.123/4", CANON),
        ("działka nr 123/4 obr. 2", "302101_1.0002.123/4"),
        ("nr 123/4", CANON),
        ("dz. 123/4 (obr. 2)", "302101_1.0002.123/4"),
        ("obr. 31.0 dz. 5", "302101_1.0031.5"),
    ],
)
def test_short_forms_with_context(text: str, expected: str) -> None:
    assert str(ParcelId.parse(text, ONE_UNIT)) == expected


def test_hyphen_is_obreb_separator_without_default_obreb() -> None:
    assert str(ParcelId.parse("2-123/4", NO_OBREB)) == "302101_1.0002.123/4"


def test_hyphen_is_a_range_when_the_obreb_is_known() -> None:
    # Hyphen rule: with a default obręb (or an obr. keyword) "A-B" is a range.
    with pytest.raises(ParcelIdError) as err:
        ParcelId.parse("123-125", ONE_UNIT)
    assert err.value.reason is ParcelErrorReason.RANGE
    with pytest.raises(ParcelIdError) as err:
        ParcelId.parse("obr. 2 dz. 15-17", NO_OBREB)
    assert err.value.reason is ParcelErrorReason.RANGE


def test_hyphen_with_zero_padded_obreb_is_always_an_obreb() -> None:
    assert str(ParcelId.parse("0002-123/4", ONE_UNIT)) == "302101_1.0002.123/4"


@pytest.mark.parametrize("text", ["123/4-7", "12345-12350", "302101_1.0003.123-125"])
def test_ranges_are_rejected_not_expanded(text: str) -> None:
    with pytest.raises(ParcelIdError) as err:
        ParcelId.parse(text, NO_OBREB)
    assert err.value.reason is ParcelErrorReason.RANGE
    assert "range" in str(err.value)


def test_explicit_obreb_wins_over_default() -> None:
    assert ParcelId.parse("7.15", ONE_UNIT).obreb == "0007"


def test_short_form_of_urban_rural_gmina_is_ambiguous() -> None:
    with pytest.raises(ParcelIdError) as err:
        ParcelId.parse("dz. 15", URBAN_RURAL)
    assert err.value.reason is ParcelErrorReason.AMBIGUOUS
    assert [str(c) for c in err.value.candidates] == ["302101_4.0002.15", "302101_5.0002.15"]
    assert "ambiguous" in str(err.value)


def test_full_form_is_never_ambiguous() -> None:
    assert str(ParcelId.parse("302101_5.2.15", URBAN_RURAL)) == "302101_5.0002.15"


def test_context_normalises_codes_and_obreb() -> None:
    ctx = ParcelContext(("3021014", "302101_5", "302101_5"), "obręb 3.0")
    assert ctx.unit_codes == ("302101_4", "302101_5")
    assert ctx.default_obreb == "0003"
    assert ParcelContext("302101_1").unit_codes == ("302101_1",)  # type: ignore[arg-type]
    assert ParcelContext(("302101_1",), float("nan")).default_obreb is None  # type: ignore[arg-type]


def test_context_for_gmina() -> None:
    assert ParcelContext.for_gmina("3021013").unit_codes == ("302101_4", "302101_5")
    assert ParcelContext.for_gmina("302101_1", "5").default_obreb == "0005"


@pytest.mark.parametrize(
    "codes", [("30210_1",), ("302101_7",), ("abc",)], ids=["short", "unit7", "text"]
)
def test_context_rejects_bad_unit_codes(codes: tuple[str, ...]) -> None:
    with pytest.raises(ParcelIdError) as err:
        ParcelContext(codes)
    assert err.value.reason is ParcelErrorReason.BAD_TERYT


def test_context_rejects_bad_obreb() -> None:
    with pytest.raises(ParcelIdError) as err:
        ParcelContext(("302101_1",), "12345")
    assert err.value.reason is ParcelErrorReason.BAD_OBREB


@pytest.mark.parametrize(
    ("text", "context", "reason", "words"),
    [
        ("", None, ParcelErrorReason.EMPTY, "empty"),
        ("   ", None, ParcelErrorReason.EMPTY, "empty"),
        ("30210_1.0003.1", None, ParcelErrorReason.BAD_TERYT, "6 digits"),
        ("3021011_1.0003.1", None, ParcelErrorReason.BAD_TERYT, "6 digits"),
        ("30A101_1.0003.1", None, ParcelErrorReason.BAD_TERYT, "6 digits"),
        ("302101_7.0003.1", None, ParcelErrorReason.BAD_UNIT, "unit type digit"),
        ("302101_0.0003.1", None, ParcelErrorReason.BAD_UNIT, "unit type digit"),
        ("302101_.0003.1", None, ParcelErrorReason.BAD_UNIT, "unit type digit"),
        ("302101_1.00003.1", None, ParcelErrorReason.BAD_OBREB, "1 to 4 digits"),
        ("302101_1.0000.1", None, ParcelErrorReason.BAD_OBREB, "1 to 4 digits"),
        ("302101_1.A3.1", None, ParcelErrorReason.BAD_OBREB, "1 to 4 digits"),
        ("302101_1.0003.12//4", None, ParcelErrorReason.BAD_NUMBER, "not a parcel number"),
        ("302101_1.0003.0", None, ParcelErrorReason.BAD_NUMBER, "not a parcel number"),
        ("302101_1.0003.12/0", None, ParcelErrorReason.BAD_NUMBER, "not a parcel number"),
        ("302101_1.0003.12ab", None, ParcelErrorReason.BAD_NUMBER, "not a parcel number"),
        ("302101_1.0003", None, ParcelErrorReason.UNPARSEABLE, "3 parts"),
        ("dz. abc", ONE_UNIT, ParcelErrorReason.BAD_NUMBER, "not a parcel number"),
        ("dz.", ONE_UNIT, ParcelErrorReason.BAD_NUMBER, "no parcel number"),
        ("12345.6", ONE_UNIT, ParcelErrorReason.BAD_OBREB, "1 to 4 digits"),
        ("obr. dz. 5", ONE_UNIT, ParcelErrorReason.BAD_OBREB, "obręb"),
        ("obr. 2 dz. 3.5", ONE_UNIT, ParcelErrorReason.BAD_OBREB, "two different"),
        ("123/4", None, ParcelErrorReason.NO_CONTEXT, "obręb"),
        ("123/4", NO_OBREB, ParcelErrorReason.NO_CONTEXT, "obręb"),
        ("2.123/4", None, ParcelErrorReason.NO_CONTEXT, "unit code"),
        ("2.123/4", URBAN_RURAL, ParcelErrorReason.AMBIGUOUS, "ambiguous unit"),
    ],
)
def test_rejections_say_why(
    text: str, context: ParcelContext | None, reason: ParcelErrorReason, words: str
) -> None:
    with pytest.raises(ParcelIdError) as err:
        ParcelId.parse(text, context)
    assert err.value.reason is reason
    assert words in str(err.value)


def test_canonical_helpers() -> None:
    assert canonical_parcel_number(" 0014 / 02 ") == "14/2"
    assert canonical_parcel_number("1/0") is None
    assert canonical_obreb(31) == "0031"
    assert canonical_obreb("31,0") == "0031"
    assert canonical_obreb("0") is None
    assert canonical_obreb(None) is None


# --- round-trip property ---------------------------------------------------

_DIGITS = "0123456789"
_teryt = st.text(_DIGITS, min_size=6, max_size=6)
_unit = st.sampled_from(sorted(UNIT_TYPES))
_obreb = st.integers(1, 9999).map(lambda n: f"{n:04d}")
_part = st.tuples(st.integers(1, 99999), st.sampled_from(["", "", "", "a", "b"])).map(
    lambda t: f"{t[0]}{t[1]}"
)
_number = st.tuples(_part, st.one_of(st.none(), _part)).map(
    lambda t: t[0] if t[1] is None else f"{t[0]}/{t[1]}"
)
parcel_ids = st.builds(ParcelId, _teryt, _unit, _obreb, _number)


@given(parcel_ids)
def test_round_trip(p: ParcelId) -> None:
    assert ParcelId.parse(str(p)) == p
    assert str(ParcelId.parse(str(p))) == str(p)


@given(parcel_ids, st.sampled_from([".", "-", " ", " - "]), st.booleans())
def test_variants_parse_to_the_same_id(p: ParcelId, sep: str, upper: bool) -> None:
    obreb = p.obreb.lstrip("0")
    number = p.number.upper() if upper else p.number
    text = f" {p.unit_code}{sep}{obreb}{sep}{number} "
    assert ParcelId.parse(text) == p
    assert ParcelId.parse(str(p).lower()) == p
    assert ParcelId.parse(f"{p.unit_code}.{obreb}.0.{p.number}") == p  # Excel obręb


@given(parcel_ids)
def test_short_form_round_trip(p: ParcelId) -> None:
    ctx = ParcelContext((p.unit_code,), p.obreb)
    assert ParcelId.parse(p.number, ctx) == p
    assert ParcelId.parse(p.short, ParcelContext((p.unit_code,))) == p
    assert ParcelId.parse(f"obr. {int(p.obreb)} dz. {p.number}", ctx) == p


_register_alphabet = st.sampled_from([*"0123456789./-_ ,;:abcdzobrnęłŁ\n\t", "dz.", "obr."])


@given(st.one_of(st.text(), st.lists(_register_alphabet, max_size=30).map("".join)))
def test_arbitrary_text_raises_only_the_library_error(text: str) -> None:
    contexts = (None, ParcelContext(("302101_1",), "3"), ParcelContext(("302101_4", "302101_5")))
    for ctx in contexts:
        try:
            parsed = ParcelId.parse(text, ctx)
        except ParcelIdError as exc:
            message = str(exc)  # every rejection says why
        else:
            message = "parsed"
            assert ParcelId.parse(str(parsed)) == parsed
        assert message
