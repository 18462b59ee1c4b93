"""Tiny hand-made layers in EPSG:2180 where the answers are obvious."""

from __future__ import annotations

import geopandas as gpd
import shapely


def squares() -> gpd.GeoDataFrame:
    """Four 10 m squares in a row at x = 0, 10, 20, 40 (the last one apart)."""
    return gpd.GeoDataFrame(
        {"id": ["a", "b", "c", "d"], "owner": ["Gmina", "SP", "Gmina", "SP"]},
        geometry=[
            shapely.box(0, 0, 10, 10),
            shapely.box(10, 0, 20, 10),
            shapely.box(20, 0, 30, 10),
            shapely.box(40, 0, 50, 10),
        ],
        crs=2180,
    )


def points() -> gpd.GeoDataFrame:
    """Address-like points with residents."""
    return gpd.GeoDataFrame(
        {"mieszkancy": [2, 3, 4, 10]},
        geometry=[
            shapely.Point(5, 5),
            shapely.Point(6, 6),
            shapely.Point(25, 5),
            shapely.Point(100, 100),
        ],
        crs=2180,
    )


def snapshot(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a deep copy to compare against after an analysis (no mutation)."""
    return frame.copy(deep=True)
