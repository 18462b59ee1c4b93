from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from mgis.analysis._checks import AnalysisError
from mgis.analysis.indicators import classify, grid_indicators, zone_indicators


@pytest.fixture
def homes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"mieszkancy": [1, 2, 3, 4]},
        geometry=[
            shapely.Point(500_010, 300_010),
            shapely.Point(500_240, 300_240),
            shapely.Point(500_260, 300_010),
            shapely.Point(501_100, 300_900),
        ],
        crs=2180,
    )


def test_grid_aligned_to_multiples(homes: gpd.GeoDataFrame) -> None:
    before = homes.copy()
    cells, summary = grid_indicators(homes, cell=250, stat="sum", field="mieszkancy")
    assert cells["value"].tolist() == [3, 3, 4]
    bounds = cells.bounds
    assert (bounds["minx"] % 250 == 0).all()
    assert (bounds["miny"] % 250 == 0).all()
    assert cells.geometry.iloc[0].equals(shapely.box(500_000, 300_000, 500_250, 300_250))
    assert cells["cell_id"].iloc[0] == "250mN1200E2000"
    assert cells["density_km2"].iloc[0] == pytest.approx(3 / 0.0625)
    assert summary.cells == 3
    assert summary.total == 10
    assert_geodataframe_equal(homes, before)


def test_grid_1km_nests_finer_cells(homes: gpd.GeoDataFrame) -> None:
    cells, _ = grid_indicators(homes, cell=1000)
    assert cells["value"].tolist() == [3, 1]
    assert cells["cell_id"].tolist() == ["1kmN300E500", "1kmN300E501"]


def test_polygons_by_surface_point_and_per_1000(homes: gpd.GeoDataFrame) -> None:
    parcels = gpd.GeoDataFrame(geometry=[shapely.box(500_000, 300_000, 500_100, 300_100)], crs=2180)
    cells, summary = grid_indicators(parcels, cell=250, residents=homes)
    assert cells["value"].tolist() == [1]
    assert cells["residents"].tolist() == [3]
    assert cells["per_1000"].iloc[0] == pytest.approx(1000 / 3)
    assert summary.per_1000


def test_zones(homes: gpd.GeoDataFrame) -> None:
    zones = gpd.GeoDataFrame(
        {"nazwa": ["A", "B", "C"]},
        geometry=[
            shapely.box(500_000, 300_000, 500_250, 301_000),
            shapely.box(500_250, 300_000, 502_000, 301_000),
            shapely.box(0, 0, 1000, 1000),
        ],
        crs=2180,
    )
    before = zones.copy()
    result, summary = zone_indicators(homes, zones, stat="density", scheme="equal_interval", k=2)
    assert result["value"].tolist() == [2, 2, 0]
    assert result["density_km2"].iloc[0] == pytest.approx(2 / 0.25)
    assert "klasa" in result.columns
    assert summary.placed == 4
    assert_geodataframe_equal(zones, before)


def test_classify() -> None:
    classes, bins = classify([1, 2, 3, 4, 100], scheme="quantiles", k=5)
    assert classes.tolist() == [0, 1, 2, 3, 4]
    assert bins[-1] == 100
    classes, bins = classify([7, 7, 7], k=5)
    assert classes.tolist() == [0, 0, 0]
    with pytest.raises(AnalysisError, match="scheme"):
        classify([1, 2], scheme="magic")


def test_errors(homes: gpd.GeoDataFrame) -> None:
    with pytest.raises(AnalysisError, match="field"):
        grid_indicators(homes, stat="sum")
    with pytest.raises(AnalysisError, match="positive"):
        grid_indicators(homes, cell=0)
    with pytest.raises(AnalysisError, match="geographic"):
        grid_indicators(homes.set_crs(4326, allow_override=True))
    assert np.isfinite(grid_indicators(homes)[0]["value"]).all()
