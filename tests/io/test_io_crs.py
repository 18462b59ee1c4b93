from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from pyproj import CRS

from mgis.io import MgisIOError, reproject
from mgis.io.crs import crs_label, guess_from_extent, identify

UNNAMED_1992 = (
    'PROJCS["unnamed",GEOGCS["GRS 1980(IUGG, 1980)",DATUM["unknown",'
    'SPHEROID["GRS80",6378137,298.257222101]],PRIMEM["Greenwich",0],'
    'UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",19],'
    'PARAMETER["scale_factor",0.9993],PARAMETER["false_easting",500000],'
    'PARAMETER["false_northing",-5300000],UNIT["Meter",1]]'
)
ESRI_CS92 = (
    'PROJCS["ETRS_1989_Poland_CS92",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",'
    'SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",-5300000.0],'
    'PARAMETER["Central_Meridian",19.0],PARAMETER["Scale_Factor",0.9993],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)


def test_unnamed_tm_is_puwg1992() -> None:
    assert identify(CRS.from_wkt(UNNAMED_1992)) == 2180
    assert crs_label(CRS.from_wkt(ESRI_CS92)) == "EPSG:2180"


@pytest.mark.parametrize(("lon0", "epsg"), [(15, 2176), (18, 2177), (21, 2178), (24, 2179)])
def test_unnamed_puwg2000_zones(lon0: int, epsg: int) -> None:
    zone = lon0 // 3
    proj = (
        f"+proj=tmerc +lat_0=0 +lon_0={lon0} +k=0.999923 +x_0={zone}500000 +y_0=0 "
        "+ellps=GRS80 +units=m +no_defs"
    )
    assert identify(CRS.from_proj4(proj)) == epsg


def test_sphere_mercator_keeps_wkt() -> None:
    crs = CRS.from_proj4("+proj=merc +R=6371000 +units=m +no_defs")
    label = crs_label(crs)
    assert label is not None
    assert not label.startswith("EPSG:")


@pytest.mark.parametrize(
    ("bounds", "epsg", "swapped"),
    [
        ((17.5, 52.4, 17.7, 52.6), 4326, False),
        ((7.49e6, 5.77e6, 7.52e6, 5.80e6), 2178, False),
        ((5.77e6, 7.49e6, 5.80e6, 7.52e6), 2178, True),
        ((6.4e6, 5.8e6, 6.5e6, 5.9e6), 2177, False),
        ((400000.0, 300000.0, 500000.0, 400000.0), 2180, False),
    ],
)
def test_guess_from_extent(
    bounds: tuple[float, float, float, float], epsg: int, swapped: bool
) -> None:
    guess = guess_from_extent(bounds)
    assert guess is not None
    assert (guess.epsg, guess.swapped) == (epsg, swapped)


def test_guess_fails_outside_poland() -> None:
    assert guess_from_extent((-100.0, 30.0, -90.0, 40.0)) is None


def test_reproject_is_always_xy() -> None:
    frame = gpd.GeoDataFrame(geometry=[shapely.Point(17.6, 52.53)], crs="EPSG:4326")
    out = reproject(frame, "EPSG:2180")
    point = out.geometry.iloc[0]
    assert 300_000 < point.x < 500_000  # easting first
    assert 450_000 < point.y < 600_000
    assert frame.crs.to_epsg() == 4326


def test_reproject_without_crs_is_refused() -> None:
    frame = gpd.GeoDataFrame(geometry=[shapely.Point(1, 2)])
    with pytest.raises(MgisIOError, match="no coordinate reference system"):
        reproject(frame, 2180)
