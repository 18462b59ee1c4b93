from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from mgis.analysis.pick import (
    bounds_of,
    features_at_point,
    features_in_polygon,
    features_in_rect,
    path_length,
    planar_measures,
    ring_area,
    union_extents,
)


@pytest.fixture
def frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": [0, 1, 2, 3, 4]},
        geometry=[
            shapely.box(0, 0, 10, 10),  # 0
            shapely.box(10, 0, 20, 10),  # 1 shares an edge with 0
            shapely.Point(30, 5),  # 2
            shapely.LineString([(0, 20), (20, 20)]),  # 3
            None,  # 4 no geometry
        ],
        crs=2180,
    )


def test_point_in_polygon(frame: gpd.GeoDataFrame) -> None:
    assert features_at_point(frame, 5, 5).tolist() == [0]
    assert features_at_point(frame, 15, 5).tolist() == [1]
    assert features_at_point(frame, 50, 50).tolist() == []


def test_polygons_by_containment_not_tolerance(frame: gpd.GeoDataFrame) -> None:
    # 2 units outside the box: a large tolerance must not pick a polygon
    assert features_at_point(frame, 5, -2, resolution=1.0, pixels=5).tolist() == []


def test_points_and_lines_within_tolerance(frame: gpd.GeoDataFrame) -> None:
    assert features_at_point(frame, 33, 5, resolution=1.0, pixels=4).tolist() == [2]
    assert features_at_point(frame, 33, 5, resolution=1.0, pixels=2).tolist() == []
    # 3 pixels at 0.5 m / px = 1.5 m: the line 1 m away is hit, 2 m away is not
    assert features_at_point(frame, 5, 21, resolution=0.5, pixels=3).tolist() == [3]
    assert features_at_point(frame, 5, 22, resolution=0.5, pixels=3).tolist() == []


def test_rect(frame: gpd.GeoDataFrame) -> None:
    assert features_in_rect(frame, (8, 2, 12, 4)).tolist() == [0, 1]
    assert features_in_rect(frame, (35, 30, 25, 0)).tolist() == [2]  # corners in any order
    assert features_in_rect(frame, (-5, 15, 1, 25)).tolist() == [3]
    assert features_in_rect(frame, (100, 100, 200, 200)).dtype == np.int64


def test_polygon(frame: gpd.GeoDataFrame) -> None:
    triangle = [(12, 1), (40, 1), (40, 9)]
    assert features_in_polygon(frame, triangle).tolist() == [1, 2]
    assert features_in_polygon(frame, shapely.box(-1, 15, 1, 25)).tolist() == [3]
    assert features_in_polygon(frame, [(0, 0), (1, 1)]).tolist() == []
    bowtie = [(0, 0), (40, 10), (40, 0), (0, 10)]  # self-intersecting: repaired
    assert 0 in features_in_polygon(frame, bowtie).tolist()


def test_empty_frame() -> None:
    empty = gpd.GeoDataFrame(geometry=[], crs=2180)
    assert features_at_point(empty, 0, 0).tolist() == []
    assert bounds_of(empty) is None


def test_planar_measures() -> None:
    square = planar_measures(shapely.box(0, 0, 10, 10))
    assert (square.family, square.area, square.length) == ("polygon", 100.0, 40.0)
    line = planar_measures(shapely.LineString([(0, 0), (30, 40)]))
    assert (line.family, line.area, line.length) == ("line", 0.0, 50.0)
    assert planar_measures(shapely.Point(1, 1)).family == "point"
    assert planar_measures(None).family == "none"
    multi = planar_measures(
        shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 7, 7)])
    )
    assert multi.area == 5.0


def test_path_and_ring() -> None:
    assert path_length([(0, 0), (30, 40)]) == 50.0
    assert path_length([(0, 0)]) == 0.0
    assert ring_area([(0, 0), (100, 0), (100, 100), (0, 100)]) == 10_000.0
    assert ring_area([(0, 0), (0, 100), (100, 100), (100, 0)]) == 10_000.0  # clockwise


def test_bounds(frame: gpd.GeoDataFrame) -> None:
    assert bounds_of(frame) == (0.0, 0.0, 30.0, 20.0)
    assert bounds_of(frame, np.array([1, 2])) == (10.0, 0.0, 30.0, 10.0)
    assert bounds_of(frame, np.array([4])) is None  # no geometry
    assert union_extents([None, (0, 0, 1, 1), (2, -1, 3, 0)]) == (0, -1, 3, 1)
    assert union_extents([None]) is None
