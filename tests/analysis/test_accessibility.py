from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from mgis.analysis._checks import AnalysisError
from mgis.analysis.accessibility import count_in_rings, coverage, facility_rings


@pytest.fixture
def facilities() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"typ": ["szkoła", "przedszkole"]},
        geometry=[shapely.Point(0, 0), shapely.Point(10_000, 0)],
        crs=2180,
    )


@pytest.fixture
def homes() -> gpd.GeoDataFrame:
    # distances from the school at (0, 0): 100, 400, 700, 2000; one near the kindergarten
    return gpd.GeoDataFrame(
        {"mieszkancy": [1, 10, 100, 1000, 5]},
        geometry=[
            shapely.Point(100, 0),
            shapely.Point(0, 400),
            shapely.Point(-700, 0),
            shapely.Point(2000, 0),
            shapely.Point(10_050, 0),
        ],
        crs=2180,
    )


@pytest.fixture
def districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"nazwa": ["Zachód", "Wschód"]},
        geometry=[shapely.box(-5000, -5000, 1000, 5000), shapely.box(1000, -5000, 20_000, 5000)],
        crs=2180,
    )


def test_rings_per_type(facilities: gpd.GeoDataFrame) -> None:
    before = facilities.copy()
    rings, summary = facility_rings(facilities, type_column="typ", distances=[300, 500, 1000])
    assert summary.rings == 6
    school = rings[rings["typ"] == "szkoła"]
    assert school["distance"].tolist() == [300, 500, 1000]
    assert school["inner"].tolist() == [0, 300, 500]
    assert school["area_m2"].sum() == pytest.approx(np.pi * 1000**2, rel=0.01)
    assert_geodataframe_equal(facilities, before)


def test_rings_per_type_distances(facilities: gpd.GeoDataFrame) -> None:
    rings, _ = facility_rings(
        facilities, type_column="typ", distances={"przedszkole": [300], "szkoła": [500, 1000]}
    )
    assert rings.groupby("typ")["distance"].apply(list).to_dict() == {
        "przedszkole": [300],
        "szkoła": [500, 1000],
    }
    with pytest.raises(AnalysisError, match="distances"):
        facility_rings(facilities, type_column="typ", distances={"żłobek": [300]})


def test_counts_per_ring(facilities: gpd.GeoDataFrame, homes: gpd.GeoDataFrame) -> None:
    rings, _ = facility_rings(facilities.iloc[[0]], distances=[300, 500, 1000])
    parcel = gpd.GeoDataFrame(geometry=[shapely.box(350, -10, 450, 10)], crs=2180)
    counted = count_in_rings(
        rings, {"addresses": homes, "parcels": parcel}, weights={"addresses": "mieszkancy"}
    )
    assert counted["addresses"].tolist() == [1, 1, 1]
    assert counted["addresses_mieszkancy"].tolist() == [1, 10, 100]
    assert counted["parcels"].tolist() == [0, 1, 0]
    assert "addresses" not in rings.columns


def test_coverage_hand_made(
    facilities: gpd.GeoDataFrame, homes: gpd.GeoDataFrame, districts: gpd.GeoDataFrame
) -> None:
    before = homes.copy()
    rings, _ = facility_rings(facilities, type_column="typ", distances=[300, 500, 1000])
    result, summary = coverage(rings, homes, weight="mieszkancy", districts=districts)
    assert result["covered"].tolist() == [True, True, True, False, True]
    assert result["distance"].tolist()[:3] == [300, 500, 1000]
    assert np.isnan(result["distance"].iloc[3])
    assert (summary.total, summary.covered, summary.uncovered) == (5, 4, 1)
    assert summary.weight_total == 1116
    assert summary.weight_covered == 116
    assert summary.weight_share == pytest.approx(116 / 1116)
    assert summary.by_distance == {"300": 6.0, "500": 16.0, "1000": 116.0}
    assert summary.by_district["Zachód"] == 1.0
    assert summary.by_district["Wschód"] == pytest.approx(5 / 1005)
    uncovered = result[~result["covered"]]
    assert uncovered["mieszkancy"].tolist() == [1000]
    assert_geodataframe_equal(homes, before)


def test_coverage_counts_without_weight(homes: gpd.GeoDataFrame) -> None:
    zone = gpd.GeoDataFrame(geometry=[shapely.box(-1000, -1000, 1000, 1000)], crs=2180)
    result, summary = coverage(zone, homes)
    assert summary.covered == 3
    assert summary.weight_covered == 3
    assert "distance" not in result.columns


def test_coverage_of_polygons_by_surface_point() -> None:
    zone = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10, 10)], crs=2180)
    buildings = gpd.GeoDataFrame(
        geometry=[shapely.box(8, 8, 9, 9), shapely.box(9, 9, 30, 30)], crs=2180
    )
    _, summary = coverage(zone, buildings)
    assert summary.covered == 1


def test_coverage_errors(homes: gpd.GeoDataFrame) -> None:
    zone = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10, 10)], crs=2180)
    with pytest.raises(AnalysisError, match="polygon"):
        coverage(homes, homes)
    with pytest.raises(AnalysisError, match="no column"):
        coverage(zone, homes, weight="ludzie")
    with pytest.raises(AnalysisError, match="differs"):
        coverage(zone.set_crs(2177, allow_override=True), homes)
