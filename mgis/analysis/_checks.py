"""Input validation shared by all analyses: columns, CRS, geometry types.

Every check raises :class:`AnalysisError` (a ``ValueError``) with a message that
names the input and says what to do, so the command line and the dialogs can show
it as one line.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import Point
>>> pts = gpd.GeoDataFrame({"n": [1]}, geometry=[Point(0, 0)], crs="EPSG:2180")
>>> require_metric_crs(pts)
>>> require_columns(pts, ["n"], "points")
>>> require_geometry_types(pts, ["point"], "points")
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "FAMILIES",
    "AnalysisError",
    "geometry_families",
    "require_columns",
    "require_geometry_types",
    "require_metric_crs",
    "require_positive",
]

FAMILIES: dict[str, tuple[int, ...]] = {
    "point": (0, 4),  # Point, MultiPoint
    "line": (1, 2, 5),  # LineString, LinearRing, MultiLineString
    "polygon": (3, 6),  # Polygon, MultiPolygon
}
"""Geometry family name -> shapely type ids."""

_FAMILY_OF = {tid: name for name, tids in FAMILIES.items() for tid in tids}


class AnalysisError(ValueError):
    """An analysis cannot run on the given inputs; the message says why and what to do."""


def require_columns(frame: gpd.GeoDataFrame, columns: Iterable[str], role: str) -> None:
    """Fail unless ``frame`` has every one of ``columns``.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The input.
    columns : iterable of str
        Required column names (``None`` entries are skipped).
    role : str
        Name of the input in the message, e.g. ``"addresses"``.

    Raises
    ------
    AnalysisError
        Naming the missing columns and the available ones.
    """
    wanted = [c for c in columns if c is not None]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        available = ", ".join(str(c) for c in frame.columns if c != _geometry_name(frame))
        raise AnalysisError(
            f"{role}: no column {', '.join(repr(c) for c in missing)}; "
            f"choose one of: {available or '(no attribute columns)'}"
        )


def _geometry_name(frame: Any) -> str | None:
    """Return the active geometry column name, or None."""
    try:
        return str(frame.geometry.name)
    except AttributeError:
        return None


def require_metric_crs(*frames: gpd.GeoDataFrame, roles: Iterable[str] | None = None) -> None:
    """Fail unless all ``frames`` share one projected CRS measured in metres.

    A mismatch is an error, never a silent reprojection: reproject the inputs
    first (the command line does so into EPSG:2180 or ``--crs`` and says so).

    Parameters
    ----------
    *frames : geopandas.GeoDataFrame
        The inputs whose distances and areas will be measured together.
    roles : iterable of str, optional
        Names of the inputs for the messages, in the same order.

    Raises
    ------
    AnalysisError
        When a CRS is missing, geographic, not in metres, or differs between inputs.
    """
    names = list(roles) if roles is not None else []
    names += [f"input {i + 1}" for i in range(len(names), len(frames))]
    first = None
    first_name = ""
    for frame, name in zip(frames, names, strict=False):
        crs = frame.crs
        if crs is None:
            raise AnalysisError(
                f"{name}: the layer has no CRS; set it (e.g. EPSG:2180) before analysing"
            )
        if not crs.is_projected:
            raise AnalysisError(
                f"{name}: CRS {crs.to_string()} is geographic (degrees); reproject it to a "
                "projected CRS in metres such as EPSG:2180"
            )
        units = {(axis.unit_name or "").lower() for axis in crs.axis_info}
        if not units <= {"metre", "meter", "m"}:
            raise AnalysisError(
                f"{name}: CRS {crs.to_string()} is not in metres ({', '.join(sorted(units))}); "
                "reproject it to a projected CRS in metres such as EPSG:2180"
            )
        if first is None:
            first, first_name = crs, name
        elif crs != first:
            raise AnalysisError(
                f"{name}: CRS {crs.to_string()} differs from {first_name} "
                f"({first.to_string()}); reproject the inputs to one CRS first"
            )


def geometry_families(frame: gpd.GeoDataFrame) -> set[str]:
    """Return the geometry families (``point``, ``line``, ``polygon``) present in ``frame``."""
    ids = np.unique(shapely.get_type_id(np.asarray(frame.geometry.array)))
    return {_FAMILY_OF.get(int(t), "collection") for t in ids if t >= 0}


def require_geometry_types(frame: gpd.GeoDataFrame, families: Iterable[str], role: str) -> None:
    """Fail unless every non-empty geometry of ``frame`` is in one of ``families``.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The input.
    families : iterable of str
        Allowed families: ``point``, ``line``, ``polygon``.
    role : str
        Name of the input in the message.

    Raises
    ------
    AnalysisError
        When the layer has no geometry column or holds other geometry types.
    """
    allowed = set(families)
    unknown = allowed - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown geometry families: {sorted(unknown)}")
    if _geometry_name(frame) is None:
        raise AnalysisError(f"{role}: the table has no geometry; choose a spatial layer")
    geoms = np.asarray(frame.geometry.array)
    ids = shapely.get_type_id(geoms)
    ids = ids[(ids >= 0) & ~shapely.is_empty(geoms)]
    found = {_FAMILY_OF.get(int(t), "collection") for t in np.unique(ids)}
    bad = found - allowed
    if bad:
        raise AnalysisError(
            f"{role}: has {', '.join(sorted(bad))} geometries but needs "
            f"{' or '.join(sorted(allowed))}; choose another layer"
        )


def require_positive(value: float, name: str) -> None:
    """Fail unless ``value`` is a finite number greater than zero."""
    if not np.isfinite(value) or value <= 0:
        raise AnalysisError(f"{name} must be a positive number of metres, got {value}")
