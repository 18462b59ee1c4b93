from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from mgis.analysis._checks import AnalysisError
from mgis.analysis.selection import (
    PREDICATES,
    combine_selection,
    locate,
    select_by_attribute,
    select_by_location,
)

from ._fixtures import snapshot, squares


@pytest.fixture
def by() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        geometry=[
            shapely.box(2, 2, 15, 8),  # overlaps a and b
            shapely.LineString([(25, -5), (25, 15)]),  # crosses c
            shapely.box(40, 0, 50, 10),  # equals d
        ],
        crs=2180,
    )


@pytest.mark.parametrize("predicate", [p for p in PREDICATES if p != "dwithin"])
def test_location_matches_geopandas(by: gpd.GeoDataFrame, predicate: str) -> None:
    layer = squares()
    expected = gpd.sjoin(layer, by, predicate=predicate).index.unique().sort_values()
    got = locate(layer, by, predicate=predicate)  # type: ignore[arg-type]
    assert got.tolist() == layer.index.get_indexer(expected).tolist()


def test_obvious_answers(by: gpd.GeoDataFrame) -> None:
    layer = squares()
    assert locate(layer, by, predicate="intersects").tolist() == [0, 1, 2, 3]
    assert locate(layer, by, predicate="overlaps").tolist() == [0, 1]
    assert locate(layer, by, predicate="within").tolist() == [3]
    assert locate(layer, by.iloc[[1]], predicate="crosses").tolist() == [2]
    point = gpd.GeoDataFrame(geometry=[shapely.Point(5, 5)], crs=2180)
    assert locate(layer, point, predicate="contains").tolist() == [0]


def test_dwithin_against_shapely() -> None:
    layer = squares()
    school = gpd.GeoDataFrame(geometry=[shapely.Point(-5, 5)], crs=2180)
    for distance in (4.0, 5.0, 16.0, 50.0):
        got = locate(layer, school, predicate="dwithin", distance=distance)
        expected = np.flatnonzero(
            shapely.dwithin(layer.geometry.array, school.geometry[0], distance)
        )
        assert got.tolist() == expected.tolist()
    assert locate(layer, school, predicate="dwithin", distance=16).tolist() == [0, 1]


def test_multipart_selector_is_exploded_only_where_equivalent() -> None:
    layer = squares()
    multi = gpd.GeoDataFrame(
        geometry=[shapely.MultiPolygon([shapely.box(-1, -1, 11, 11), shapely.box(39, -1, 51, 11)])],
        crs=2180,
    )
    assert locate(layer, multi, predicate="intersects").tolist() == [0, 1, 3]
    assert locate(layer, multi, predicate="within").tolist() == [0, 3]


def test_modes() -> None:
    assert combine_selection([1, 2], [2, 3], "new").tolist() == [2, 3]
    assert combine_selection([1, 2], [2, 3], "add").tolist() == [1, 2, 3]
    assert combine_selection([1, 2], [2, 3], "remove").tolist() == [1]
    assert combine_selection([1, 2], [2, 3], "intersect").tolist() == [2]
    assert combine_selection(None, [3, 3, 1], "new").tolist() == [1, 3]
    with pytest.raises(AnalysisError):
        combine_selection([], [], "toggle")  # type: ignore[arg-type]


def test_select_by_location_frame_and_summary(by: gpd.GeoDataFrame) -> None:
    layer, layer0, by0 = squares(), squares(), snapshot(by)
    result, summary = select_by_location(
        layer, by, predicate="overlaps", current=[1, 3], mode="add"
    )
    assert result["id"].tolist() == ["a", "b", "d"]
    assert (summary.matched, summary.selected, summary.mode) == (2, 3, "add")
    assert_geodataframe_equal(layer, layer0)
    assert_geodataframe_equal(by, by0)


def test_select_by_attribute() -> None:
    layer = squares()
    mask = (layer["owner"] == "Gmina").to_numpy()
    result, summary = select_by_attribute(layer, mask, current=[0, 1], mode="intersect")
    assert result["id"].tolist() == ["a"]
    assert summary.matched == 2
    with pytest.raises(AnalysisError, match="mask"):
        select_by_attribute(layer, mask[:2])


def test_errors(by: gpd.GeoDataFrame) -> None:
    layer = squares()
    with pytest.raises(AnalysisError, match="differs"):
        locate(layer, by.set_crs(2177, allow_override=True))
    with pytest.raises(AnalysisError, match="geographic"):
        locate(layer.set_crs(4326, allow_override=True), by.set_crs(4326, allow_override=True))
    with pytest.raises(AnalysisError, match="distance"):
        locate(layer, by, predicate="dwithin")
    with pytest.raises(AnalysisError, match="predicate"):
        locate(layer, by, predicate="near")  # type: ignore[arg-type]


def test_empty_inputs(by: gpd.GeoDataFrame) -> None:
    assert locate(squares().iloc[:0], by).tolist() == []
    assert locate(squares(), by.iloc[:0]).tolist() == []
