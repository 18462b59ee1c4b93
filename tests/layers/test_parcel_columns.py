"""build_parcel_ids and normalise_parcel_ids over columns (lists, arrays, Series)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mgis.layers.parcel_columns import build_parcel_ids, normalise_parcel_ids
from mgis.layers.parcel_ids import ParcelContext


def test_build_obreb_in_every_excel_spelling() -> None:
    obreb = [31, "31", "31.0", "0031", 31.0, "obręb 31", float("nan"), None, pd.NA]
    out = build_parcel_ids("021001_1", obreb, ["5"] * len(obreb))
    assert out == ["021001_1.0031.5"] * 6 + [None] * 3


def test_build_numbers() -> None:
    out = build_parcel_ids("021001_1", "1", ["123/4", 123, 123.0, "0123", " 12 / 3A ", "", "0"])
    assert out == [
        "021001_1.0001.123/4",
        "021001_1.0001.123",
        "021001_1.0001.123",
        "021001_1.0001.123",
        "021001_1.0001.12/3a",
        None,
        None,
    ]


def test_build_never_loses_teryt_leading_zeros() -> None:
    out = build_parcel_ids(["021001_1", "0210011", 210011, 210011.0, "210011"], 1, 5)
    # "210011" as text is ambiguous (6 digits, no unit digit) and is rejected.
    assert out == ["021001_1.0001.5"] * 4 + [None]


def test_build_from_pandas_and_numpy() -> None:
    frame = pd.DataFrame({"obreb": [3.0, np.nan, 12.0], "numer": ["1/2", "3", "4"]})
    out = build_parcel_ids("302101_4", frame["obreb"], frame["numer"])
    assert out == ["302101_4.0003.1/2", None, "302101_4.0012.4"]
    out = build_parcel_ids(np.array(["302101_4", "302101_5"]), np.array([1, 2]), np.array([7, 8]))
    assert out == ["302101_4.0001.7", "302101_5.0002.8"]


def test_build_rejects_bad_parts_and_unequal_lengths() -> None:
    assert build_parcel_ids("302101_7", 1, 1) == [None]
    assert build_parcel_ids("302101_1", 12345, 1) == [None]
    with pytest.raises(ValueError, match="differ in length"):
        build_parcel_ids("302101_1", [1, 2], [1])


def test_normalise() -> None:
    values = [
        "302101_1.0003.123/4",
        "302101_1-0003-123/4",
        " 302101_1 3 0123/4 ",
        "302101_1.3.0.123/4",
        "302101_1.0003.123/4A",
        "bad",
        "",
        None,
        float("nan"),
        "123/4",
    ]
    out = normalise_parcel_ids(values)  # type: ignore[arg-type]
    assert out == ["302101_1.0003.123/4"] * 4 + ["302101_1.0003.123/4a"] + [None] * 5


def test_normalise_short_forms_with_context() -> None:
    ctx = ParcelContext(("302101_1",), "3")
    assert normalise_parcel_ids(["123/4", "obr. 2 dz. 5"], ctx) == [
        "302101_1.0003.123/4",
        "302101_1.0002.5",
    ]
    ambiguous = ParcelContext(("302101_4", "302101_5"), "3")
    assert normalise_parcel_ids(["123/4"], ambiguous) == [None]


def test_many_values_normalise_and_build_consistently() -> None:
    # Speed is measured in benchmarks/bench_parcels.py; here only the results count.
    rng = np.random.default_rng(0)
    n = 20_000
    obreb = rng.integers(1, 60, n)
    number = rng.integers(1, 3000, n)
    canonical = [f"302101_4.{o:04d}.{x}/1" for o, x in zip(obreb, number, strict=True)]
    messy = [f"302101_4-{o}-{x}/1" for o, x in zip(obreb, number, strict=True)]
    assert normalise_parcel_ids(canonical) == canonical
    assert normalise_parcel_ids(messy) == canonical
    built = build_parcel_ids("302101_4", pd.Series(obreb.astype(float)), pd.Series(number))
    assert built == [c.removesuffix("/1") for c in canonical]
