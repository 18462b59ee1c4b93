from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from mgis.analysis._checks import AnalysisError
from mgis.analysis.geoprocessing import buffer, clip, dissolve, intersection, union_polygons

from ._fixtures import points, snapshot, squares


def test_buffer_matches_shapely() -> None:
    pts, before = points(), points()
    result, summary = buffer(pts, 10)
    expected = shapely.buffer(np.asarray(pts.geometry.array), 10)
    assert shapely.equals(np.asarray(result.geometry.array), expected).all()
    assert result["mieszkancy"].tolist() == [2, 3, 4, 10]
    assert summary.features == 4
    assert summary.area_m2 == pytest.approx(float(shapely.area(expected).sum()))
    assert_geodataframe_equal(pts, before)


def test_buffer_dissolved_matches_union() -> None:
    pts = points()
    result, summary = buffer(pts, 10, dissolve=True)
    expected = shapely.union_all(shapely.buffer(np.asarray(pts.geometry.array), 10))
    assert len(result) == 1
    assert shapely.equals(result.geometry.iloc[0], expected)
    assert summary.dissolved
    assert result["count"].iloc[0] == 4


def test_buffer_rings_are_bands() -> None:
    pts = points().iloc[[3]]
    result, _ = buffer(pts, [100, 50], dissolve=True, rings=True)
    assert result["distance"].tolist() == [50, 100]
    assert result["inner"].tolist() == [0, 50]
    full = math.pi * 100**2
    assert result["area_m2"].sum() == pytest.approx(full, rel=0.01)
    assert result["area_m2"].iloc[1] == pytest.approx(full - math.pi * 50**2, rel=0.01)


def test_buffer_rings_without_dissolve_and_by_field() -> None:
    sq = squares()
    rings, _ = buffer(sq, [1, 2], rings=True)
    assert len(rings) == 8
    per_owner, _ = buffer(sq, 1, by="owner")
    assert sorted(per_owner["owner"]) == ["Gmina", "SP"]
    gmina = per_owner.set_index("owner").geometry["Gmina"]
    expected = shapely.union_all(shapely.buffer(np.asarray(sq.geometry.array)[[0, 2]], 1))
    assert shapely.equals(gmina, expected)


def test_buffer_errors() -> None:
    with pytest.raises(AnalysisError, match="positive"):
        buffer(points(), -5)
    with pytest.raises(AnalysisError, match="geographic"):
        buffer(points().set_crs(4326, allow_override=True), 5)
    with pytest.raises(AnalysisError, match="no column"):
        buffer(points(), 5, by="typ")


def test_dissolve_matches_geopandas() -> None:
    sq, before = squares(), squares()
    result, summary = dissolve(sq, "owner")
    expected = sq.dissolve("owner")
    for owner, geom in zip(result["owner"], result.geometry, strict=True):
        assert shapely.equals(geom, expected.geometry[owner])
    assert result["count"].tolist() == [2, 2]
    assert summary.groups == 2
    assert summary.area_m2 == pytest.approx(400)
    assert_geodataframe_equal(sq, before)


def test_dissolve_coverage_merges_shared_edges() -> None:
    sq = squares()
    merged, fast = union_polygons(np.asarray(sq.geometry.array)[:3])
    assert fast
    assert shapely.equals(merged, shapely.box(0, 0, 30, 10))


def test_dissolve_falls_back_when_not_a_coverage() -> None:
    overlapping = gpd.GeoDataFrame(
        {"k": [1, 1, 1]},
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(5, 0, 15, 10), shapely.box(15, 0, 20, 5)],
        crs=2180,
    )
    result, summary = dissolve(overlapping, "k")
    assert result.geometry.iloc[0].area == pytest.approx(175)
    assert shapely.equals(result.geometry.iloc[0], overlapping.union_all())
    assert summary.coverage_groups == 0
    # T-junction: the big square's edge has no vertex where the two small ones meet
    tee = gpd.GeoDataFrame(
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(0, 10, 5, 15), shapely.box(5, 10, 10, 15)],
        crs=2180,
    )
    result, _ = dissolve(tee)
    assert shapely.equals(result.geometry.iloc[0], shapely.box(0, 0, 10, 15))


def test_dissolve_all_and_missing_values() -> None:
    sq = squares()
    sq.loc[3, "owner"] = None
    result, _ = dissolve(sq, "owner")
    assert len(result) == 3
    everything, _ = dissolve(squares())
    assert len(everything) == 1
    assert everything.geometry.iloc[0].area == pytest.approx(400)


def test_dissolve_rejects_points() -> None:
    with pytest.raises(AnalysisError, match="polygon"):
        dissolve(points())


def test_clip_matches_geopandas() -> None:
    sq = squares()
    mask = gpd.GeoDataFrame(geometry=[shapely.box(5, 0, 25, 5)], crs=2180)
    result, summary = clip(sq, mask)
    expected = gpd.clip(sq, mask)
    assert sorted(result["id"]) == sorted(expected["id"]) == ["a", "b", "c"]
    assert summary.area_m2 == pytest.approx(100)


def test_intersection_overlay() -> None:
    sq = squares()
    zones = gpd.GeoDataFrame(
        {"symbol": ["1MN", "2U"]},
        geometry=[shapely.box(0, 0, 15, 10), shapely.box(15, 0, 50, 10)],
        crs=2180,
    )
    result, summary = intersection(sq, zones)
    assert summary.features == 5
    assert summary.area_m2 == pytest.approx(400)
    assert set(result.columns) >= {"id", "owner", "symbol"}
    assert snapshot(sq).equals(sq)
