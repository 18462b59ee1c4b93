"""Register cells listing parcels, and ParcelIndex lookups with suggestions."""

from __future__ import annotations

import pytest

from mgis.layers.parcel_ids import ParcelContext, ParcelErrorReason, ParcelId
from mgis.layers.parcel_search import FindStatus, ParcelIndex, parse_parcel_list

ONE_UNIT = ParcelContext(("302101_1",), default_obreb="3")
NO_OBREB = ParcelContext(("302101_1",))
URBAN_RURAL = ParcelContext.for_gmina("3021013")


def ids(cell: str, context: ParcelContext | None = ONE_UNIT) -> list[str | None]:
    return [None if r.parcel is None else str(r.parcel) for r in parse_parcel_list(cell, context)]


def test_three_results_with_mixed_separators() -> None:
    results = parse_parcel_list("123/4; 125, 0002.77", ONE_UNIT)
    assert [r.text for r in results] == ["123/4", "125", "0002.77"]
    assert [str(r.parcel) for r in results] == [
        "302101_1.0003.123/4",
        "302101_1.0003.125",
        "302101_1.0002.77",
    ]
    assert all(r.ok and r.error is None for r in results)


@pytest.mark.parametrize(
    "cell",
    ["12\n13\n14", "12; 13; 14", "12, 13 i 14", "12 oraz 13 oraz 14", "12,13;14", "12;;13 ;\n14;"],
)
def test_separators(cell: str) -> None:
    assert ids(cell) == ["302101_1.0003.12", "302101_1.0003.13", "302101_1.0003.14"]


def test_empty_cell_gives_no_results() -> None:
    assert parse_parcel_list("", ONE_UNIT) == []
    assert parse_parcel_list("  \n ", ONE_UNIT) == []
    assert parse_parcel_list(None, ONE_UNIT) == []  # type: ignore[arg-type]


def test_keyword_obreb_applies_until_the_next_obreb() -> None:
    assert ids("obr. 2: 15/3, 15/4") == ["302101_1.0002.15/3", "302101_1.0002.15/4"]
    assert ids("obr. 2 dz. 15, 16; obr. 5 dz. 1, 2") == [
        "302101_1.0002.15",
        "302101_1.0002.16",
        "302101_1.0005.1",
        "302101_1.0005.2",
    ]
    assert ids("obręb 0002:\n15/3\n15/4", NO_OBREB) == [
        "302101_1.0002.15/3",
        "302101_1.0002.15/4",
    ]


def test_dotted_obreb_applies_to_its_item_only() -> None:
    assert ids("0002.77, 78") == ["302101_1.0002.77", "302101_1.0003.78"]


def test_trailing_keyword_obreb_carries_forward() -> None:
    assert ids("działka nr 123/4 obr. 2; 5") == ["302101_1.0002.123/4", "302101_1.0002.5"]


def test_clerk_styles_from_the_demo_register() -> None:
    assert ids("dz. nr 12, 13 i 14/2") == [
        "302101_1.0003.12",
        "302101_1.0003.13",
        "302101_1.0003.14/2",
    ]
    assert ids("obr. 3 dz. 12 i 13", NO_OBREB) == ["302101_1.0003.12", "302101_1.0003.13"]
    assert ids("obr. 3 dz. 12; obr. 4 dz. 7", None) == [None, None]  # no unit code
    assert ids("0003.12\n0004.7", NO_OBREB) == ["302101_1.0003.12", "302101_1.0004.7"]


def test_full_ids_in_a_cell() -> None:
    assert ids("302101_1.0003.12, 302101_1-4-7", None) == [
        "302101_1.0003.12",
        "302101_1.0004.7",
    ]


def test_comma_always_separates_items() -> None:
    # Parcel numbers have no decimals, so "12,5" is two parcels.
    assert ids("12,5") == ["302101_1.0003.12", "302101_1.0003.5"]


def test_hyphen_in_a_list_follows_the_hyphen_rule() -> None:
    no_default = parse_parcel_list("2-123/4; 2-125", NO_OBREB)
    assert [str(r.parcel) for r in no_default] == ["302101_1.0002.123/4", "302101_1.0002.125"]
    with_default = parse_parcel_list("123-125", ONE_UNIT)
    assert with_default[0].parcel is None
    assert with_default[0].reason is ParcelErrorReason.RANGE
    assert "range" in (with_default[0].error or "")
    after_keyword = parse_parcel_list("obr. 2 dz. 15-17", NO_OBREB)
    assert after_keyword[0].reason is ParcelErrorReason.RANGE


def test_errors_are_reported_per_item() -> None:
    results = parse_parcel_list("12; abc; 0", ONE_UNIT)
    assert results[0].ok
    assert [r.reason for r in results[1:]] == [ParcelErrorReason.BAD_NUMBER] * 2
    assert "'abc'" in (results[1].error or "")


def test_without_context_short_items_fail_with_reason() -> None:
    results = parse_parcel_list("123/4; 2.5", None)
    assert [r.reason for r in results] == [ParcelErrorReason.NO_CONTEXT] * 2


def test_urban_rural_items_are_ambiguous_never_guessed() -> None:
    results = parse_parcel_list("obr. 2 dz. 15, 16", URBAN_RURAL)
    assert all(r.parcel is None for r in results)
    assert [r.reason for r in results] == [ParcelErrorReason.AMBIGUOUS] * 2
    assert [str(c) for c in results[0].ambiguous] == ["302101_4.0002.15", "302101_5.0002.15"]


# --- ParcelIndex -----------------------------------------------------------

LAYER = [
    "302101_4.0002.15",
    "302101_5.0002.16",
    "302101_5.0002.15/1",
    "302101_4.0002.17",
    "302101_5.0002.17",
    "302101_4.3.123/4",  # not canonical in the layer: normalised
    "302101_4.0003.123/4",  # ... so this is a duplicate
    "302101_4.0007.213/4",
    "garbage",
]


@pytest.fixture
def index() -> ParcelIndex:
    return ParcelIndex(LAYER)


def test_exact_full_and_short_forms(index: ParcelIndex) -> None:
    full = index.find("302101_4-2-15")
    assert full.status is FindStatus.FOUND
    assert full.found
    assert str(full.parcel) == "302101_4.0002.15"
    assert full.rows == (0,)
    assert not full.resolved_by_existence
    short = index.find("dz. 15", ParcelContext(("302101_4",), "2"))
    assert short.found
    assert not short.resolved_by_existence


def test_short_form_resolved_by_existence(index: ParcelIndex) -> None:
    result = index.find("obr. 2 dz. 16", URBAN_RURAL)
    assert result.status is FindStatus.FOUND
    assert str(result.parcel) == "302101_5.0002.16"
    assert result.resolved_by_existence
    assert len(result.candidates) == 2


def test_short_form_existing_in_both_units_is_ambiguous(index: ParcelIndex) -> None:
    result = index.find("2.17", URBAN_RURAL)
    assert result.status is FindStatus.AMBIGUOUS
    assert not result.found
    assert [str(c) for c in result.candidates] == ["302101_4.0002.17", "302101_5.0002.17"]


def test_without_context_the_layer_units_are_candidates(index: ParcelIndex) -> None:
    assert index.unit_codes == ("302101_4", "302101_5")
    assert index.find("2.16").found
    assert index.find("2.17").status is FindStatus.AMBIGUOUS


def test_not_found_suggests_same_obreb_first(index: ParcelIndex) -> None:
    result = index.find("2.15/2", URBAN_RURAL)
    assert result.status is FindStatus.NOT_FOUND
    assert result.suggestions[:2] == ("302101_5.0002.15/1", "302101_4.0002.15")
    assert len(result.suggestions) <= 5


def test_not_found_suggests_same_number_in_other_obreb(index: ParcelIndex) -> None:
    result = index.find("302101_4.0003.213/4")
    assert result.status is FindStatus.NOT_FOUND
    assert str(result.parcel) == "302101_4.0003.213/4"
    assert result.suggestions == ("302101_4.0003.123/4", "302101_4.0007.213/4")


def test_suggestions_at_most_five() -> None:
    index = ParcelIndex([f"302101_1.0001.{n}" for n in range(100, 200)])
    result = index.find("1.150/1")
    assert result.status is FindStatus.NOT_FOUND
    assert len(result.suggestions) == 5
    assert result.suggestions[0] == "302101_1.0001.150"


def test_invalid_text(index: ParcelIndex) -> None:
    result = index.find("dz. abc", URBAN_RURAL)
    assert result.status is FindStatus.INVALID
    assert result.reason is ParcelErrorReason.BAD_NUMBER
    assert result.error
    missing = index.find("15", URBAN_RURAL)
    assert missing.reason is ParcelErrorReason.NO_CONTEXT


def test_duplicates_invalid_rows_and_membership(index: ParcelIndex) -> None:
    assert index.duplicates == ["302101_4.0003.123/4"]
    assert index.rows("302101_4.0003.123/4") == (5, 6)
    assert index.find("302101_4.0003.123/4").rows == (5, 6)
    assert index.invalid == [(8, "garbage")]
    assert ParcelId.parse("302101_4.2.15") in index
    assert "302101_9.0002.15" not in index
    assert len(index) == 7


def test_index_of_many_ids_finds_short_forms() -> None:
    ids = [f"146501_8.{o:04d}.{n}/{o % 7 + 1}" for o in range(1, 101) for n in range(1, 301)]
    index = ParcelIndex(ids)
    assert len(index) == 30_000
    assert index.find("obr. 5 dz. 17/6").found
