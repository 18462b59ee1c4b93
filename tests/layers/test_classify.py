from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from mgis.layers import Style, VectorLayer
from mgis.layers.classify import (
    OTHER_COLOR,
    categorize,
    format_number,
    graduate,
    legend_items,
    numeric_fields,
)
from mgis.layers.ramps import RAMPS, palette_colors, ramp_colors
from mgis.layers.style import class_indices


def boxes(**columns: object) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values())))  # type: ignore[arg-type]
    geoms = [shapely.box(i, 0, i + 1, 1) for i in range(n)]
    return gpd.GeoDataFrame(columns, geometry=geoms, crs=2180)


def test_categorize_counts_sorted_values_and_colours() -> None:
    frame = boxes(w=["Gmina", "Osoba", "Gmina", "Skarb", "Gmina", "Osoba"])
    style = categorize(frame, "w")
    assert style.mode == "categorized"
    assert style.field == "w"
    assert [(c.value, c.label, c.count) for c in style.classes] == [
        ("Gmina", "Gmina", 3),
        ("Osoba", "Osoba", 2),
        ("Skarb", "Skarb", 1),
    ]
    assert [c.fill for c in style.classes] == palette_colors("Qualitative", 3)
    assert len({c.fill for c in style.classes}) == 3
    assert class_indices(style, frame).tolist() == [0, 1, 0, 2, 0, 1]


def test_categorize_empty_values_get_their_class() -> None:
    frame = boxes(w=["a", None, "b", None])
    style = categorize(frame, "w", empty_label="brak")
    assert [(c.value, c.label, c.count) for c in style.classes] == [
        ("a", "a", 1), ("b", "b", 1), (None, "brak", 2)
    ]  # fmt: skip
    assert class_indices(style, frame).tolist() == [0, 2, 1, 2]


def test_categorize_too_many_values_keeps_most_frequent() -> None:
    values = ["a"] * 5 + ["b"] * 4 + ["c"] * 3 + ["d", "e", None]
    style = categorize(boxes(w=values), "w", max_classes=2, other_label="inne")
    assert [(c.value, c.count) for c in style.classes] == [("a", 5), ("b", 4), (None, 6)]
    other = style.classes[-1]
    assert other.label == "inne"
    assert other.fill == OTHER_COLOR
    assert style.extra["hidden_values"] == 3
    assert "note" in style.extra


def test_categorize_numbers_and_missing_field() -> None:
    style = categorize(boxes(n=[3, 1, 3, 2]), "n")
    assert [(c.value, c.count) for c in style.classes] == [(1, 1), (2, 1), (3, 2)]
    assert all(type(c.value) is int for c in style.classes)
    with pytest.raises(ValueError, match="'nope'"):
        categorize(boxes(n=[1]), "nope")


def test_categorize_lines_colour_the_stroke() -> None:
    frame = gpd.GeoDataFrame(
        {"k": ["x", "y"]},
        geometry=[shapely.LineString([(0, 0), (1, 1)]), shapely.LineString([(1, 0), (2, 1)])],
    )
    style = categorize(frame, "k")
    assert [c.stroke for c in style.classes] == palette_colors("Qualitative", 2)


def test_graduate_natural_breaks_groups_clusters() -> None:
    frame = boxes(v=[1, 2, 3, 10, 11, 12, 50])
    style = graduate(frame, "v", "natural_breaks", k=3)
    assert style.mode == "graduated"
    assert style.method == "natural_breaks"
    idx = class_indices(style, frame)
    assert idx.tolist() == [0, 0, 0, 1, 1, 1, 2]
    assert [c.count for c in style.classes] == [3, 3, 1]
    assert style.classes[0].lower == 1
    assert style.classes[-1].upper == 50
    assert [c.label for c in style.classes] == ["1 – 3", "3 – 12", "12 – 50"]  # noqa: RUF001


@pytest.mark.parametrize("method", ["equal_interval", "quantiles", "natural_breaks", "std_dev"])
def test_graduate_every_value_gets_a_class(method: str) -> None:
    rng = np.random.default_rng(1)
    values = np.round(rng.lognormal(7, 1, 5_000), 2)
    frame = pd.DataFrame({"pow": values})
    style = graduate(frame, "pow", method, k=5, ramp="Blues")
    idx = class_indices(style, frame)
    assert (idx >= 0).all()
    assert sum(c.count for c in style.classes) == len(values)
    uppers = [c.upper for c in style.classes]
    assert uppers == sorted(uppers)
    assert all(c.lower is not None and c.upper is not None for c in style.classes)
    assert all(a.upper == b.lower for a, b in itertools.pairwise(style.classes))
    if method != "std_dev":
        assert len(style.classes) == 5


def test_graduate_labels_use_space_thousands() -> None:
    frame = pd.DataFrame({"pow": [1000.0, 2000, 2500, 9000, 10_000, 12_000]})
    style = graduate(frame, "pow", "equal_interval", k=2, unit=" m²")
    assert style.classes[0].label == "1 000 – 6 500 m²"  # noqa: RUF001
    assert style.classes[1].label == "6 500 – 12 000 m²"  # noqa: RUF001


def test_graduate_rejects_text_fields_naming_them() -> None:
    frame = boxes(w=["a", "b"])
    with pytest.raises(ValueError, match="'w' is not numeric"):
        graduate(frame, "w", "quantiles")
    with pytest.raises(ValueError, match="no numeric values"):
        graduate(boxes(v=[np.nan, np.nan]), "v")
    with pytest.raises(ValueError, match="method"):
        graduate(boxes(v=[1.0, 2.0]), "v", "kmeans")


def test_graduate_one_distinct_value() -> None:
    style = graduate(boxes(v=[5.0, 5.0, 5.0]), "v", k=5)
    assert len(style.classes) == 1
    assert style.classes[0].count == 3


def test_graduate_natural_breaks_on_300k_is_quick() -> None:
    import time

    values = np.random.default_rng(2).lognormal(6, 1, 300_000)
    t = time.perf_counter()
    style = graduate(pd.DataFrame({"v": values}), "v", "natural_breaks", k=5)
    assert time.perf_counter() - t < 10
    assert sum(c.count for c in style.classes) == 300_000


def test_format_number() -> None:
    assert format_number(1234567) == "1 234 567"
    assert format_number(1234.5, 1) == "1 234,5"
    assert format_number(-2500) == "-2 500"
    assert format_number(999) == "999"
    assert format_number(-0.0) == "0"


def test_ramps() -> None:
    for name in RAMPS:
        colours = ramp_colors(name, 5)
        assert len(colours) == 5
        assert colours[0] == RAMPS[name][0]
        assert colours[-1] == RAMPS[name][-1]
    assert len(set(palette_colors("Qualitative", 30))) == 30
    with pytest.raises(ValueError, match="Unknown colour ramp"):
        ramp_colors("Rainbow", 3)


def test_numeric_fields() -> None:
    frame = boxes(a=["x"], n=[1], f=[1.5], b=[True])
    assert numeric_fields(frame) == ["n", "f"]


def test_legend_items_carry_counts() -> None:
    frame = boxes(w=["a", "b", "a", "a"], v=[1.0, 2.0, np.nan, 3.0])
    layer = VectorLayer("działki", frame, style=categorize(frame, "w"))
    items = legend_items(layer)
    assert [(i.label, i.count, i.family) for i in items] == [
        ("a", 3, "polygon"),
        ("b", 1, "polygon"),
    ]
    assert items[0].fill == layer.style.classes[0].fill
    layer.style = graduate(frame, "v", "equal_interval", k=2)
    items = legend_items(layer, unclassified_label="bez klasy")
    assert [i.count for i in items] == [2, 1, 1]  # 2 lies on the bound: lower class
    assert items[-1].label == "bez klasy"
    assert items[-1].fill == layer.style.fill
    layer.style = Style(fill="#123456")
    assert [(i.label, i.fill, i.count) for i in legend_items(layer)] == [("działki", "#123456", 4)]
