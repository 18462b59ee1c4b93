"""Picking features: at a point, in a rectangle, in a polygon; planar measures (no Qt).

All searches go through the frame's spatial index (``frame.sindex``) and
return sorted, unique int64 *positional* row indices, the form used by
layer selections.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import shapely

if TYPE_CHECKING:
    import geopandas as gpd

Indices = npt.NDArray[np.int64]
Extent = tuple[float, float, float, float]

PICK_PIXELS = 4.0
"""Default pick tolerance in screen pixels."""

_POLYGONAL = (3, 6)  # shapely type ids of Polygon and MultiPolygon
_LINEAR = (1, 2, 5)  # LineString, LinearRing, MultiLineString


@dataclass(frozen=True)
class PlanarMeasures:
    """Planar (Cartesian) measures of a geometry in the units of its CRS.

    Parameters
    ----------
    family : str
        ``polygon``, ``line``, ``point`` or ``none``.
    area : float
        Area (0 for lines and points).
    length : float
        Perimeter of a polygon or length of a line (0 for points).
    """

    family: str
    area: float
    length: float


def _empty() -> Indices:
    """Return an empty index array."""
    return np.empty(0, dtype=np.int64)


def _geometries(frame: gpd.GeoDataFrame, rows: Indices) -> npt.NDArray[np.object_]:
    """Return the shapely geometries of ``rows`` as an object array."""
    return np.asarray(frame.geometry.array[rows], dtype=object)


def _query(frame: gpd.GeoDataFrame, geom: Any, predicate: str | None) -> Indices:
    """Positional rows whose geometry meets ``geom`` according to the spatial index."""
    if len(frame) == 0 or "geometry" not in frame.columns:
        return _empty()
    hits = frame.sindex.query(geom, predicate=predicate)
    return np.unique(np.asarray(hits, dtype=np.int64))


def features_at_point(
    frame: gpd.GeoDataFrame,
    x: float,
    y: float,
    *,
    resolution: float = 1.0,
    pixels: float = PICK_PIXELS,
) -> Indices:
    """Return the features under the map point ``(x, y)``.

    Polygons are hit when they contain the point (or touch it); points and
    lines when they pass within ``pixels * resolution`` map units of it.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Features to search.
    x, y : float
        Map coordinates of the click.
    resolution : float
        Map units per screen pixel of the view the click was made in.
    pixels : float
        Tolerance in screen pixels for points and lines.

    Returns
    -------
    numpy.ndarray
        Sorted positional indices of the features hit.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> f = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10, 10), shapely.Point(20, 0)])
    >>> features_at_point(f, 5, 5).tolist(), features_at_point(f, 21, 0, pixels=2).tolist()
    ([0], [1])
    """
    tol = max(float(pixels) * float(resolution), 0.0)
    window = shapely.box(x - tol, y - tol, x + tol, y + tol)
    rows = _query(frame, window, None)  # bounding boxes only: exact tests follow
    if not len(rows):
        return rows
    geoms = _geometries(frame, rows)
    point = shapely.Point(x, y)
    polygonal = np.isin(shapely.get_type_id(geoms), _POLYGONAL)
    inside = shapely.intersects(geoms, point)
    near = shapely.dwithin(geoms, point, tol)
    hit = np.where(polygonal, inside, near)
    found: Indices = rows[np.asarray(hit, dtype=bool)]
    return found


def features_in_rect(frame: gpd.GeoDataFrame, extent: Extent) -> Indices:
    """Return the features that intersect the rectangle ``(xmin, ymin, xmax, ymax)``.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Features to search.
    extent : tuple of float
        The rectangle in map units; the corners may come in any order.

    Returns
    -------
    numpy.ndarray
        Sorted positional indices.
    """
    x0, y0, x1, y1 = extent
    box = shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return _query(frame, box, "intersects")


def features_in_polygon(frame: gpd.GeoDataFrame, polygon: Any) -> Indices:
    """Return the features that intersect ``polygon``.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Features to search.
    polygon : shapely.Polygon or sequence of (x, y)
        The selecting polygon, or its vertices (closed automatically).
        Self-intersecting rings are repaired with ``shapely.make_valid``.

    Returns
    -------
    numpy.ndarray
        Sorted positional indices; empty for fewer than three vertices.
    """
    if not isinstance(polygon, shapely.Geometry):
        coords = [(float(px), float(py)) for px, py in polygon]
        if len(coords) < 3:
            return _empty()
        polygon = shapely.Polygon(coords)
    if polygon.is_empty:
        return _empty()
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)
    return _query(frame, polygon, "intersects")


def planar_measures(geom: Any) -> PlanarMeasures:
    """Return the planar area and perimeter (or length) of a shapely geometry.

    Measures are Cartesian, in the units of the geometry's CRS (m and m²
    for EPSG:2180 and the other Polish metric systems); no ellipsoid is used.

    Parameters
    ----------
    geom : shapely.Geometry or None
        Any geometry; None and empty geometries give zeros.

    Returns
    -------
    PlanarMeasures
        ``family`` decides which of ``area`` and ``length`` mean something.

    Examples
    --------
    >>> import shapely
    >>> planar_measures(shapely.box(0, 0, 10, 10))
    PlanarMeasures(family='polygon', area=100.0, length=40.0)
    """
    if geom is None or shapely.is_empty(geom):
        return PlanarMeasures("none", 0.0, 0.0)
    kind = int(shapely.get_type_id(geom))
    if kind in _POLYGONAL:
        return PlanarMeasures("polygon", float(shapely.area(geom)), float(shapely.length(geom)))
    if kind in _LINEAR:
        return PlanarMeasures("line", 0.0, float(shapely.length(geom)))
    if kind == 7:  # collection: the largest dimension decides
        area = float(shapely.area(geom))
        family = "polygon" if area > 0 else "line" if shapely.length(geom) > 0 else "point"
        return PlanarMeasures(family, area, float(shapely.length(geom)))
    return PlanarMeasures("point", 0.0, 0.0)


def path_length(points: Iterable[tuple[float, float]]) -> float:
    """Return the planar length of the polyline through ``points``.

    Examples
    --------
    >>> path_length([(0, 0), (30, 40), (30, 50)])
    60.0
    """
    xy = np.asarray(list(points), dtype=np.float64).reshape(-1, 2)
    if len(xy) < 2:
        return 0.0
    return float(np.hypot(*np.diff(xy, axis=0).T).sum())


def ring_area(points: Iterable[tuple[float, float]]) -> float:
    """Return the planar area of the polygon through ``points`` (shoelace, unsigned).

    Examples
    --------
    >>> ring_area([(0, 0), (100, 0), (100, 100), (0, 100)])
    10000.0
    """
    xy = np.asarray(list(points), dtype=np.float64).reshape(-1, 2)
    if len(xy) < 3:
        return 0.0
    x, y = xy[:, 0], xy[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def bounds_of(frame: gpd.GeoDataFrame, rows: Indices | None = None) -> Extent | None:
    """Return the bounds of the features ``rows`` (all when None), or None when empty.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The features.
    rows : numpy.ndarray, optional
        Positional indices; out-of-range indices are ignored.

    Returns
    -------
    tuple of float or None
        ``(xmin, ymin, xmax, ymax)``; None when no row has a non-empty geometry.
    """
    if len(frame) == 0 or "geometry" not in frame.columns:
        return None
    if rows is None:
        box = np.asarray(frame.total_bounds, dtype=np.float64)
    else:
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[(rows >= 0) & (rows < len(frame))]
        if not len(rows):
            return None
        box = np.asarray(shapely.total_bounds(_geometries(frame, rows)), dtype=np.float64)
    if not np.isfinite(box).all():
        return None
    return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))


def union_extents(extents: Iterable[Extent | None]) -> Extent | None:
    """Return the extent covering every non-None extent, or None when there is none."""
    boxes = [e for e in extents if e is not None]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
