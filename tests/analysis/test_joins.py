from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from mgis.analysis._checks import AnalysisError
from mgis.analysis.joins import spatial_join, summary_join

from ._fixtures import points, squares


def test_one_to_many_matches_sjoin() -> None:
    pts, sq = points(), squares()
    pts0, sq0 = points(), squares()
    result, summary = spatial_join(pts, sq)
    expected = gpd.sjoin(pts, sq, how="left", predicate="intersects")
    assert result["id"].tolist() == expected["id"].tolist()
    assert result["id"].tolist()[:3] == ["a", "a", "c"]
    assert result["id"].isna().tolist() == [False, False, False, True]
    assert result["src_row"].tolist() == [0, 0, 2, -1]
    assert (summary.matched_targets, summary.unmatched_targets) == (3, 1)
    assert_geodataframe_equal(pts, pts0)
    assert_geodataframe_equal(sq, sq0)


def test_one_to_many_repeats_targets() -> None:
    line = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.LineString([(5, 5), (25, 5)])], crs=2180)
    result, summary = spatial_join(line, squares())
    assert result["id"].tolist() == ["a", "b", "c"]
    assert summary.result_features == 3


def test_largest_overlap() -> None:
    plot = gpd.GeoDataFrame({"id": ["x"]}, geometry=[shapely.box(8, 0, 30, 10)], crs=2180)
    result, _ = spatial_join(plot, squares(), how="largest_overlap", columns=["owner"])
    assert len(result) == 1
    # overlaps a by 2 m², b and c by 100 m² each: b comes first
    assert result["owner"].tolist() == ["SP"]
    assert result["src_row"].tolist() == [1]


def test_clashing_names_get_suffix() -> None:
    result, _ = spatial_join(squares(), squares().iloc[[0]], columns=["id"])
    assert "id_src" in result.columns


def test_summary_join_hand_made() -> None:
    sq = squares()
    result, summary = summary_join(
        sq, points(), {"mieszkancy": ["sum", "mean", "min", "max", "count"]}
    )
    assert result["count"].tolist() == [2, 0, 1, 0]
    assert result["mieszkancy_sum"].tolist() == [5, 0, 4, 0]
    assert result["mieszkancy_mean"].iloc[0] == pytest.approx(2.5)
    assert result["mieszkancy_min"].tolist()[:3:2] == [2, 4]
    assert np.isnan(result["mieszkancy_max"].iloc[1])
    assert summary.matched_targets == 2
    assert "count" not in sq.columns


def test_summary_join_errors() -> None:
    with pytest.raises(AnalysisError, match="unknown statistic"):
        summary_join(squares(), points(), {"mieszkancy": ["median"]})
    with pytest.raises(AnalysisError, match="not numeric"):
        summary_join(points(), squares(), {"owner": ["sum"]})
    with pytest.raises(AnalysisError, match="no column"):
        spatial_join(points(), squares(), columns=["nope"])
    with pytest.raises(AnalysisError, match="differs"):
        spatial_join(points(), squares().set_crs(2176, allow_override=True))
