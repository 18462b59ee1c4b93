"""Coordinate reference systems: naming Polish CRSs, guessing a missing one, reprojecting.

A ``.prj`` written by ESRI software or an unnamed Transverse Mercator often is
PUWG 1992 or a PUWG 2000 zone without saying so.  :func:`identify` recognises them
from the projection parameters; :func:`guess_from_extent` proposes a CRS for data
that carry none, from the ranges of their coordinates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyproj import CRS
from pyproj.exceptions import CRSError

from mgis.io.errors import MgisIOError

if TYPE_CHECKING:
    import geopandas as gpd

PUWG1992 = 2180
PUWG2000 = {15: 2176, 18: 2177, 21: 2178, 24: 2179}
"""PUWG 2000 zone central meridian → EPSG code."""
_GRS80_A = 6378137.0
_GRS80_INV_F = 298.257222101


@dataclass(frozen=True)
class CrsGuess:
    """A CRS proposed from the coordinates, with the reason and whether axes are swapped."""

    epsg: int
    reason: str
    swapped: bool = False


def to_crs(value: Any) -> CRS:
    """Build a :class:`pyproj.CRS` from user input, raising :class:`MgisIOError` if impossible.

    Parameters
    ----------
    value : Any
        ``"EPSG:2180"``, ``2180``, WKT, PROJ string or a ``pyproj.CRS``.

    Returns
    -------
    pyproj.CRS
        The parsed CRS.
    """
    try:
        return CRS.from_user_input(value)
    except CRSError as exc:
        raise MgisIOError(
            f"Unknown coordinate reference system {value!r}: give an EPSG code such as "
            "'EPSG:2180' (PUWG 1992) or 'EPSG:2178' (PUWG 2000 zone 7)."
        ) from exc


def _close(a: float | None, b: float, tol: float = 1e-6) -> bool:
    """Compare projection parameters with a relative tolerance."""
    return a is not None and math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def _tm_parameters(crs: CRS) -> dict[str, float] | None:
    """Return the Transverse Mercator parameters of a projected CRS on GRS80, else None."""
    if not crs.is_projected or crs.coordinate_operation is None:
        return None
    op = crs.coordinate_operation
    if "transverse mercator" not in op.method_name.lower():
        return None
    ellipsoid = crs.ellipsoid
    if ellipsoid is None or not _close(ellipsoid.semi_major_metre, _GRS80_A):
        return None
    if not _close(ellipsoid.inverse_flattening, _GRS80_INV_F, 1e-6):
        return None
    unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    if not _close(unit, 1.0):
        return None
    params: dict[str, float] = {}
    keys = (
        ("latitude", "lat0"),
        ("longitude", "lon0"),
        ("meridian", "lon0"),
        ("scale", "k"),
        ("easting", "x0"),
        ("northing", "y0"),
    )
    for p in op.params:
        name = p.name.lower()
        key = next((k for word, k in keys if word in name), None)
        if key is not None and isinstance(p.value, int | float):
            params[key] = float(p.value)
    return params


def identify(crs: CRS) -> int | None:
    """Return the EPSG code of a CRS, recognising unnamed PUWG 1992 / 2000 definitions.

    Parameters
    ----------
    crs : pyproj.CRS
        A CRS as read from the file.

    Returns
    -------
    int | None
        The EPSG code, or ``None`` if the CRS is not confidently one with a code.
    """
    if crs.is_bound and crs.source_crs is not None:
        crs = crs.source_crs  # a TOWGS84 clause wraps the real CRS
    code = crs.to_epsg()
    if code is not None:
        return int(code)
    params = _tm_parameters(crs)
    if params is not None:
        get = params.get
        if (
            _close(get("lat0"), 0.0)
            and _close(get("lon0"), 19.0)
            and _close(get("k"), 0.9993)
            and _close(get("x0"), 500000.0)
            and _close(get("y0"), -5300000.0)
        ):
            return PUWG1992
        for lon0, epsg in PUWG2000.items():
            zone = lon0 // 3
            if (
                _close(get("lat0"), 0.0)
                and _close(get("lon0"), float(lon0))
                and _close(get("k"), 0.999923)
                and _close(get("x0"), zone * 1e6 + 500000.0)
                and _close(get("y0"), 0.0)
            ):
                return epsg
        return None
    low = crs.to_epsg(min_confidence=25)
    if (
        low is not None
        and crs.is_geographic
        and CRS.from_epsg(low).equals(crs, ignore_axis_order=True)
    ):
        return int(low)
    return None


def crs_label(crs: CRS | None) -> str | None:
    """Return ``"EPSG:xxxx"`` for a CRS with a code, else its WKT (``None`` stays ``None``)."""
    if crs is None:
        return None
    code = identify(crs)
    return f"EPSG:{code}" if code is not None else crs.to_wkt()


def _in_range(x: tuple[float, float], y: tuple[float, float], box: tuple[float, ...]) -> bool:
    """Tell whether the x and y ranges both lie inside ``box`` = (xmin, xmax, ymin, ymax)."""
    return box[0] <= x[0] and x[1] <= box[1] and box[2] <= y[0] and y[1] <= box[3]


def _guess(x: tuple[float, float], y: tuple[float, float]) -> tuple[int, str] | None:
    """Propose a Polish CRS for easting range ``x`` and northing range ``y``."""
    if _in_range(x, y, (14.0, 24.2, 49.0, 55.0)):
        return 4326, "longitude/latitude degrees of Poland"
    if _in_range(x, y, (5.0e6, 8.99e6, 5.4e6, 6.1e6)):
        zone = int(x[0] // 1e6)
        if int(x[1] // 1e6) == zone:
            return PUWG2000[zone * 3], f"PUWG 2000 coordinates (easting starts with zone {zone})"
    if _in_range(x, y, (140000.0, 880000.0, 120000.0, 800000.0)):
        return PUWG1992, "PUWG 1992 coordinate ranges"
    return None


def guess_from_extent(bounds: tuple[float, float, float, float]) -> CrsGuess | None:
    """Guess the CRS of data without one from the ranges of its coordinates.

    Parameters
    ----------
    bounds : tuple of float
        ``(xmin, ymin, xmax, ymax)`` of the data.

    Returns
    -------
    CrsGuess | None
        EPSG:4326, EPSG:2176-2179 (PUWG 2000) or EPSG:2180 (PUWG 1992) with the
        reason, ``swapped=True`` when only the swapped axes (x = northing, as in
        Polish geodesy) fit; ``None`` when nothing fits.
    """
    xmin, ymin, xmax, ymax = bounds
    found = _guess((xmin, xmax), (ymin, ymax))
    if found is not None:
        return CrsGuess(found[0], f"no CRS in the file; coordinates match {found[1]}")
    found = _guess((ymin, ymax), (xmin, xmax))
    if found is not None:
        return CrsGuess(
            found[0],
            f"no CRS in the file; coordinates match {found[1]} with X and Y swapped "
            "(X is the northing, as in Polish geodesy)",
            swapped=True,
        )
    return None


def looks_swapped(bounds: tuple[float, float, float, float], epsg: int | None) -> bool:
    """Tell whether data in a known Polish CRS only fit it with their axes swapped."""
    if epsg not in (4326, PUWG1992, *PUWG2000.values()):
        return False
    xmin, ymin, xmax, ymax = bounds
    straight = _guess((xmin, xmax), (ymin, ymax))
    swapped = _guess((ymin, ymax), (xmin, xmax))
    return (straight is None or straight[0] != epsg) and swapped is not None and swapped[0] == epsg


def reproject(frame: gpd.GeoDataFrame, target_crs: Any) -> gpd.GeoDataFrame:
    """Reproject a layer to another CRS (x = easting/longitude, y = northing/latitude).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Layer with a CRS.
    target_crs : Any
        Target CRS (``"EPSG:2180"``, an EPSG integer, WKT or ``pyproj.CRS``).

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame in the target CRS; the input is not changed.

    Raises
    ------
    MgisIOError
        If the layer has no CRS or the target is unknown.
    """
    target = to_crs(target_crs)
    if frame.crs is None:
        raise MgisIOError(
            "The layer has no coordinate reference system, so it cannot be reprojected: "
            "set its CRS first (read it with crs='EPSG:...')."
        )
    return frame.to_crs(target)
