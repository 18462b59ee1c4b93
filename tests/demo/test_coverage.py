"""The demo parcels form a valid polygonal coverage (edge-matched, no overlaps)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from mgis.demo.coverage import node_coverage
from mgis.demo.town import generate_town


@pytest.mark.parametrize("size", [2_000, 10_000])
@pytest.mark.parametrize("seed", [7, 11])
def test_parcels_form_a_valid_coverage(size: int, seed: int) -> None:
    parcels = generate_town(parcels=size, seed=seed).layers["parcels"]
    geoms = parcels.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)
    merged = shapely.coverage_union_all(geoms)
    assert merged.is_valid
    assert shapely.area(geoms).sum() == pytest.approx(merged.area, rel=1e-4)
    for _, group in parcels.groupby("wlasnosc"):  # dissolve by owner
        part = shapely.coverage_union_all(group.geometry.to_numpy())
        assert part.area == pytest.approx(group.geometry.area.sum(), rel=1e-4)
    xy = shapely.get_coordinates(geoms) - [470_000.0, 500_000.0]  # 1 mm grid
    assert np.abs(xy * 1000 - np.round(xy * 1000)).max() < 1e-4


def test_node_coverage_fixes_t_junctions() -> None:
    left = shapely.box(0, 0, 1, 2)
    right = [shapely.box(1, 0, 2, 1), shapely.box(1, 1, 2, 2)]  # corner at (1, 1)
    geoms = np.array([left, *right], dtype=object)
    assert not shapely.coverage_is_valid(geoms)
    noded = node_coverage(geoms)
    assert shapely.coverage_is_valid(noded)
    assert shapely.get_num_coordinates(noded[0]) == 6
    assert shapely.area(noded).tolist() == pytest.approx([2.0, 1.0, 1.0])
