"""Vectorised geometry checks after reading: types, missing and invalid geometries, repair."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

_TYPE_NAMES = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}
_FAMILY = {0: 0, 4: 0, 1: 1, 2: 1, 5: 1, 3: 3, 6: 3}
_PARALLEL_FROM = 50_000
_MULTI = {0: shapely.MultiPoint, 1: shapely.MultiLineString, 3: shapely.MultiPolygon}


@dataclass(frozen=True)
class GeometryCheck:
    """Counts found while checking the geometries of a layer."""

    geometry_types: tuple[str, ...]
    missing: int
    invalid: int
    repairs: int
    extent: tuple[float, float, float, float] | None


def check_geometries(
    frame: gpd.GeoDataFrame, repair: bool
) -> tuple[gpd.GeoDataFrame, GeometryCheck]:
    """Count missing and invalid geometries and optionally make the invalid ones valid.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The layer as read.
    repair : bool
        Replace invalid geometries by ``shapely.make_valid`` results of the same
        family (polygons stay polygons).

    Returns
    -------
    tuple[geopandas.GeoDataFrame, GeometryCheck]
        The (possibly repaired) frame and the counts.
    """
    geoms = frame.geometry.to_numpy()
    type_ids = shapely.get_type_id(geoms)
    present = type_ids >= 0
    empty = shapely.is_empty(geoms) & present
    missing = int((~present).sum() + empty.sum())
    used = np.unique(type_ids[present & ~empty])
    types = tuple(_TYPE_NAMES.get(int(t), str(t)) for t in used)
    valid = _is_valid(geoms)
    bad = np.flatnonzero(present & ~valid)
    repairs = 0
    if repair and bad.size:
        families = [_FAMILY[int(t)] for t in used if int(t) in _FAMILY]
        family = max(set(families), key=families.count) if families else None
        fixed = shapely.make_valid(geoms[bad])
        fixed = np.array([_keep_family(g, family) for g in fixed], dtype=object)
        frame = frame.copy()
        column = frame.geometry.name
        values = frame[column].to_numpy().copy()
        values[bad] = fixed
        frame[column] = gpd.GeoSeries(values, index=frame.index, crs=frame.crs)
        repairs = int(bad.size)
    extent: tuple[float, float, float, float] | None = None
    if (present & ~empty).any():
        bounds = shapely.total_bounds(geoms)
        if np.isfinite(bounds).all():
            extent = (float(bounds[0]), float(bounds[1]), float(bounds[2]), float(bounds[3]))
    invalid = 0 if repair else int(bad.size)
    return frame, GeometryCheck(types, missing, invalid, repairs, extent)


def _is_valid(geoms: np.ndarray) -> np.ndarray:
    """Vectorised validity check, split over threads for big layers (GEOS releases the GIL)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(geoms) < _PARALLEL_FROM or workers < 2:
        return np.asarray(shapely.is_valid(geoms), dtype=bool)
    chunks = np.array_split(geoms, workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(shapely.is_valid, chunks))
    return np.concatenate(parts).astype(bool)


def _keep_family(geom: shapely.Geometry, family: int | None) -> shapely.Geometry:
    """Keep only the parts of a repaired geometry of the layer's family (e.g. polygons)."""
    if family is None or _FAMILY.get(int(shapely.get_type_id(geom))) == family:
        return geom
    parts = [
        p for p in shapely.get_parts(geom) if _FAMILY.get(int(shapely.get_type_id(p))) == family
    ]
    if not parts:
        return shapely.GeometryCollection()
    if len(parts) == 1:
        single: shapely.Geometry = parts[0]
        return single
    flat: Any = [q for p in parts for q in shapely.get_parts(p)]
    multi: shapely.Geometry = _MULTI[family](flat)
    return multi


def swap_axes(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of the layer with x and y exchanged in every coordinate."""
    out = frame.copy()
    column = out.geometry.name
    swapped = shapely.transform(out.geometry.to_numpy(), lambda xy: xy[:, ::-1])
    out[column] = gpd.GeoSeries(swapped, index=out.index, crs=frame.crs)
    return out
