from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely import LineString, Point, box

from mgis.analysis._checks import AnalysisError
from mgis.analysis.standards import FacilityRule, StandardsThresholds, check_standards

CRS = "EPSG:2180"


def frame(geoms: list[object], **cols: object) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(dict(cols), geometry=geoms, crs=CRS)


@pytest.fixture
def town() -> dict[str, gpd.GeoDataFrame]:
    """A straight 6 km street; parcels, schools and parks along it at known distances."""
    return {
        "streets": frame([LineString([(0, 0), (3000, 0)]), LineString([(3000, 0), (6000, 0)])]),
        "schools": frame([box(0, 20, 40, 60)]),  # wall 20 m from the street at x 0..40
        "green": frame(
            [
                box(1000, -200, 1200, -10),  # 3.8 ha, 10 m off the street at x 1000..1200
                box(5000, 10, 5500, 410),  # 20 ha at x 5000..5500
            ]
        ),
        # parcels 10 m off the street, frontage x..x+20
        "parcels": frame(
            [box(x, 10, x + 20, 40) for x in (500, 1400, 2500, 4000)], uzytek=["B", "B", "B", "R"]
        ),
    }


def test_each_parcel_known_answer(town: dict[str, gpd.GeoDataFrame]) -> None:
    res = check_standards(town["parcels"], town["streets"], town["schools"], town["green"])
    f = res.frame
    # school: along the street from the frontage end to x=40, + legs 10 and 20
    assert f.school_m.tolist() == pytest.approx([490.0, 1390.0, 2490.0, 3990.0])
    assert f.school_ok.tolist() == [True, True, False, False]
    # the 3.8 ha park (1000..1200) for the first three, the 20 ha one (980 + 20 m) for the last
    assert f.green_total_ha.tolist() == pytest.approx([3.8, 3.8, 3.8, 20.0])
    # 20 ha park from x=5000 (+10 and +10)
    assert f.large_green_m.tolist() == pytest.approx([4500.0, 3600.0, 2500.0, 1000.0])
    assert f.large_green_ok.tolist() == [False, False, True, True]
    assert f.standards_ok.tolist() == [False, False, False, False]
    assert f.green_total_ok.all()
    s = res.summary
    assert s.parcels == 4
    assert s.passed == {"school": 2, "green_total": 4, "large_green": 2}
    table = s.table()
    assert table.criterion.tolist() == ["school", "green_total", "large_green"]
    assert table.failed.tolist() == [2, 0, 2]


def test_rural_thresholds_housing_mask_and_extra(town: dict[str, gpd.GeoDataFrame]) -> None:
    stops = frame([Point(2600, 5)])
    res = check_standards(
        town["parcels"],
        town["streets"],
        town["schools"],
        town["green"],
        thresholds=StandardsThresholds.rural(extra=(FacilityRule("bus_stop", 500),)),
        housing=(town["parcels"].uzytek == "B").to_numpy(),
        extra={"bus_stop": stops},
    )
    f = res.frame
    assert len(f) == 3
    assert f.school_ok.tolist() == [True, True, True]
    assert f.bus_stop_m.tolist() == pytest.approx([2095.0, 1195.0, 95.0])
    assert f.bus_stop_ok.tolist() == [False, False, True]
    assert f.standards_ok.tolist() == [False, False, True]
    assert res.summary.passed_all == 1
    assert "school_m" not in town["parcels"].columns


def test_inputs_checked(town: dict[str, gpd.GeoDataFrame]) -> None:
    t = StandardsThresholds(extra=(FacilityRule("clinic", 1000),))
    with pytest.raises(AnalysisError, match="clinic"):
        check_standards(
            town["parcels"], town["streets"], town["schools"], town["green"], thresholds=t
        )
    with pytest.raises(AnalysisError, match="mask"):
        check_standards(
            town["parcels"], town["streets"], town["schools"], town["green"],
            housing=np.ones(2, dtype=bool),
        )  # fmt: skip
    wgs = town["schools"].to_crs("EPSG:4326")
    with pytest.raises(AnalysisError):
        check_standards(town["parcels"], town["streets"], wgs, town["green"])
