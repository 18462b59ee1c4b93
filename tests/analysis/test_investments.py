from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from mgis.analysis._checks import AnalysisError
from mgis.analysis.investments import investment_stats

from ._fixtures import points, squares


@pytest.fixture
def investments() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"nazwa": ["boisko", "park"], "koszt": [40_000.0, 1_000.0]},
        geometry=[shapely.box(0, 0, 20, 10), shapely.box(40, 0, 50, 5)],
        crs=2180,
    )


def test_investment_table(investments: gpd.GeoDataFrame) -> None:
    zones = gpd.GeoDataFrame(
        {"symbol": ["1US", "2ZP"]},
        geometry=[shapely.box(0, 0, 15, 10), shapely.box(40, 0, 60, 20)],
        crs=2180,
    )
    buildings = gpd.GeoDataFrame(
        geometry=[shapely.box(1, 1, 2, 2), shapely.box(19, 1, 25, 2)], crs=2180
    )
    before = investments.copy()
    table, summary = investment_stats(
        investments,
        parcels=squares(),
        plan_zones=zones,
        buildings=buildings,
        addresses=points(),
        cost_column="koszt",
        ownership_column="owner",
    )
    boisko, park = table.iloc[0], table.iloc[1]
    assert boisko["area_m2"] == 200
    assert boisko["area_ha"] == pytest.approx(0.02)
    assert boisko["parcels"] == 2  # c only touches it
    assert boisko["own_Gmina_m2"] == 100
    assert boisko["own_SP_pct"] == 50
    assert park["own_SP_m2"] == 50
    assert boisko["zone_1US_m2"] == 150
    assert boisko["zone_none_m2"] == 50
    assert park["zone_2ZP_m2"] == 50
    assert table["buildings"].tolist() == [1, 0]  # the second is placed by its surface point
    assert table["residents"].tolist() == [5, 0]
    assert boisko["cost_per_m2"] == 200
    assert boisko["cost_per_resident"] == 8000
    assert np.isnan(park["cost_per_resident"])
    assert summary.investments == 2
    assert summary.area_m2 == 250
    assert summary.cost == 41_000
    assert summary.residents == 5
    assert_geodataframe_equal(investments, before)


def test_minimal_and_errors(investments: gpd.GeoDataFrame) -> None:
    table, summary = investment_stats(investments, parcels=squares(), ownership_column="owner")
    assert "cost_per_m2" not in table.columns
    assert summary.cost == 0
    with pytest.raises(AnalysisError, match="no column"):
        investment_stats(investments, parcels=squares(), ownership_column="owner_x")
    with pytest.raises(AnalysisError, match="polygon"):
        investment_stats(points(), parcels=squares())
