"""Geoprocessing: dissolve by field, buffer (dissolved, rings), clip, intersection overlay.

All functions need a projected CRS in metres (mismatched CRSs are an error),
return new frames and never modify their inputs.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import Point
>>> pts = gpd.GeoDataFrame({"typ": ["a", "a"]}, geometry=[Point(0, 0), Point(5, 0)], crs=2180)
>>> zones, summary = buffer(pts, 10, dissolve=True)
>>> len(zones), summary.features
(1, 1)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import shapely
from shapely.errors import GEOSException

from mgis.analysis._checks import (
    AnalysisError,
    require_columns,
    require_geometry_types,
    require_metric_crs,
    require_positive,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "BufferSummary",
    "DissolveSummary",
    "OverlaySummary",
    "buffer",
    "clip",
    "dissolve",
    "intersection",
    "union_polygons",
]

Geoms = npt.NDArray[np.object_]
QUAD_SEGS = 8
"""Segments per quarter circle of buffers (QGIS and GEOS default)."""


@dataclass(frozen=True)
class BufferSummary:
    """Buffer counts and areas.

    Parameters
    ----------
    input_features : int
        Features buffered.
    distances : str
        The buffer distances in metres, comma separated.
    dissolved : bool
        Whether overlapping buffers were merged.
    features : int
        Result features.
    area_m2 : float
        Total area of the result.
    """

    input_features: int
    distances: str
    dissolved: bool
    features: int
    area_m2: float


@dataclass(frozen=True)
class DissolveSummary:
    """Dissolve counts.

    Parameters
    ----------
    input_features : int
        Features dissolved.
    groups : int
        Result features (one per value of the field).
    field : str
        The dissolve field (empty when everything was merged).
    coverage_groups : int
        Groups merged with the fast coverage union (the rest by a full union).
    area_m2 : float
        Total area of the result.
    """

    input_features: int
    groups: int
    field: str
    coverage_groups: int
    area_m2: float


@dataclass(frozen=True)
class OverlaySummary:
    """Clip or intersection counts.

    Parameters
    ----------
    operation : str
        ``clip`` or ``intersection``.
    input_features : int
        Features of the input layer.
    overlay_features : int
        Features of the clipping / overlay layer.
    features : int
        Result features.
    area_m2 : float
        Total area of the result (0 for points and lines).
    """

    operation: str
    input_features: int
    overlay_features: int
    features: int
    area_m2: float


def _geoms(frame: gpd.GeoDataFrame) -> Geoms:
    """Return the frame's geometries as an object array."""
    return np.asarray(frame.geometry.array, dtype=object)


def _coverage_union(geoms: Geoms) -> shapely.Geometry | None:
    """Union polygons forming a valid coverage, or None when they are not one."""
    try:
        return shapely.coverage_union_all(geoms)
    except GEOSException:
        return None


def union_polygons(geoms: Geoms, *, coverage: bool = True) -> tuple[shapely.Geometry, bool]:
    """Union polygons, fast where they form a coverage (edge-matched, non-overlapping).

    The coverage union only removes shared edges; where the input is not a valid
    coverage (T-junctions, overlaps), the polygons whose edges are not matched are
    found and merged with a full overlay union, the rest with the coverage union.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Polygons (missing and empty ones are skipped).
    coverage : bool
        Try the coverage union first.

    Returns
    -------
    tuple
        The union and whether the whole input went through the coverage union.
    """
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if len(geoms) == 0:
        return shapely.Polygon(), True
    if not coverage or len(geoms) == 1 or not _looks_like_coverage(geoms):
        return shapely.union_all(geoms), False
    merged = _coverage_union(geoms)
    if merged is not None and shapely.is_valid(merged):
        return merged, True
    return shapely.union_all(geoms), False


def _looks_like_coverage(geoms: Geoms, sample: int = 2000) -> bool:
    """Tell cheaply whether a compact spatial sample of the polygons is a valid coverage.

    The coverage union of a large input that is not a coverage fails only after
    seconds; a sample of neighbouring polygons usually shows the defects at once.
    A passing sample proves nothing: the coverage union still checks the whole.
    """
    if len(geoms) <= sample:
        return True
    centre = shapely.get_coordinates(shapely.centroid(geoms[len(geoms) // 2]))[0]
    distance = shapely.distance(shapely.Point(centre), geoms)
    near = np.argpartition(distance, sample)[:sample]
    return bool(shapely.coverage_is_valid(geoms[near]))


def _union_groups(
    geoms: Geoms, groups: list[npt.NDArray[np.intp]], coverage: bool
) -> list[tuple[shapely.Geometry, bool]]:
    """Union each group of polygons, several groups at once (GEOS releases the GIL)."""
    workers = min(os.cpu_count() or 1, len(groups), 8)
    if workers < 2:
        return [union_polygons(geoms[rows], coverage=coverage) for rows in groups]
    order = sorted(range(len(groups)), key=lambda i: -len(groups[i]))  # biggest first
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            i: pool.submit(union_polygons, geoms[groups[i]], coverage=coverage) for i in order
        }
        return [futures[i].result() for i in range(len(groups))]


def dissolve(
    frame: gpd.GeoDataFrame, by: str | None = None, *, coverage: bool = True
) -> tuple[gpd.GeoDataFrame, DissolveSummary]:
    """Merge the polygons of ``frame`` sharing a value of ``by`` (all of them if None).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Polygons in a projected CRS in metres.
    by : str, optional
        The field to dissolve by; missing values form their own group.
    coverage : bool
        Use the fast coverage union where the polygons form a coverage (parcels do).

    Returns
    -------
    geopandas.GeoDataFrame
        One feature per group: ``by`` (when given), ``count``, ``area_m2``.
    DissolveSummary
        Counts and area.
    """
    import geopandas as gpd

    require_metric_crs(frame, roles=("layer",))
    require_geometry_types(frame, ["polygon"], "layer")
    if by is not None:
        require_columns(frame, [by], "layer")
    geoms = _geoms(frame)
    if by is None:
        groups: dict[object, npt.NDArray[np.intp]] = {None: np.arange(len(frame))}
    else:
        grouped = frame[by].groupby(frame[by], dropna=False, sort=True).indices
        groups = {k: np.asarray(v) for k, v in grouped.items()}
    firsts, merged, counts, on_coverage = [], [], [], 0
    for rows, (geom, fast) in zip(
        groups.values(), _union_groups(geoms, list(groups.values()), coverage), strict=True
    ):
        on_coverage += int(fast)
        firsts.append(int(rows[0]))
        merged.append(geom)
        counts.append(len(rows))
    data: dict[str, object] = {}
    if by is not None:
        data[by] = frame[by].iloc[firsts].to_numpy()
    areas = shapely.area(np.asarray(merged, dtype=object))
    result = gpd.GeoDataFrame(
        {**data, "count": np.asarray(counts, dtype=np.int64), "area_m2": areas},
        geometry=merged,
        crs=frame.crs,
    )
    summary = DissolveSummary(
        input_features=len(frame),
        groups=len(result),
        field=by or "",
        coverage_groups=on_coverage,
        area_m2=float(areas.sum()),
    )
    return result, summary


def buffer(
    frame: gpd.GeoDataFrame,
    distance: float | Sequence[float],
    *,
    dissolve: bool = False,
    by: str | None = None,
    rings: bool = False,
    quad_segs: int = QUAD_SEGS,
) -> tuple[gpd.GeoDataFrame, BufferSummary]:
    """Buffer features by one distance or by several (rings).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Features in a projected CRS in metres.
    distance : float or sequence of float
        Buffer distance(s) in metres.
    dissolve : bool
        Merge overlapping buffers (per value of ``by`` when given).
    by : str, optional
        Dissolve per value of this field (implies ``dissolve``).
    rings : bool
        With several distances, return bands (300-500 m ...) instead of nested discs.
    quad_segs : int
        Segments per quarter circle.

    Returns
    -------
    geopandas.GeoDataFrame
        Without dissolve: the input attributes plus ``distance`` per feature and
        distance.  With dissolve: ``by`` (when given), ``distance``, ``inner`` (ring
        start, 0 for discs), ``count`` and ``area_m2``.
    BufferSummary
        Counts and total area.
    """
    import geopandas as gpd
    import pandas as pd

    distances = sorted({float(d) for d in np.atleast_1d(np.asarray(distance, dtype=float))})
    if not distances:
        raise AnalysisError("give at least one buffer distance in metres")
    for d in distances:
        require_positive(d, "buffer distance")
    require_metric_crs(frame, roles=("layer",))
    if by is not None:
        require_columns(frame, [by], "layer")
        dissolve = True
    geoms = _geoms(frame)
    label = ", ".join(f"{d:g}" for d in distances)
    if not dissolve:
        parts = []
        for i, d in enumerate(distances):
            out = frame.drop(columns=[c for c in ("distance", "inner") if c in frame.columns])
            disc = shapely.buffer(geoms, d, quad_segs=quad_segs)
            inner = distances[i - 1] if rings and i else 0.0
            if inner:
                disc = shapely.difference(disc, shapely.buffer(geoms, inner, quad_segs=quad_segs))
            out = out.set_geometry(gpd.GeoSeries(disc, index=frame.index, crs=frame.crs))
            parts += [out.assign(distance=d, inner=inner)]
        result = pd.concat(parts) if len(parts) > 1 else parts[0]
        result = gpd.GeoDataFrame(result, geometry=result.geometry.name, crs=frame.crs)
    else:
        result = _dissolved_buffers(
            frame, geoms, distances, by=by, rings=rings, quad_segs=quad_segs
        )
    area = float(shapely.area(_geoms(result)).sum())
    summary = BufferSummary(len(frame), label, dissolve, len(result), area)
    return result, summary


def _dissolved_buffers(
    frame: gpd.GeoDataFrame,
    geoms: Geoms,
    distances: list[float],
    *,
    by: str | None,
    rings: bool,
    quad_segs: int,
) -> gpd.GeoDataFrame:
    """Return buffers merged per group and distance (bands when ``rings``)."""
    import geopandas as gpd

    if by is None:
        groups: dict[object, npt.NDArray[np.intp]] = {None: np.arange(len(frame))}
    else:
        groups = {k: np.asarray(v) for k, v in frame.groupby(by, sort=True).indices.items()}
    rows: list[dict[str, object]] = []
    shapes = []
    for key, idx in groups.items():
        part = geoms[idx]
        part = part[~(shapely.is_missing(part) | shapely.is_empty(part))]
        previous, previous_d = None, 0.0
        for d in distances:
            disc = shapely.union_all(shapely.buffer(part, d, quad_segs=quad_segs))
            shape = disc if previous is None or not rings else shapely.difference(disc, previous)
            row: dict[str, object] = {} if by is None else {by: key}
            row |= {"distance": d, "inner": previous_d if rings and previous else 0.0}
            row |= {"count": len(part)}
            rows.append(row)
            shapes.append(shape)
            previous, previous_d = disc, d
    result = gpd.GeoDataFrame(rows, geometry=shapes, crs=frame.crs)
    result["area_m2"] = shapely.area(_geoms(result))
    return result


def clip(
    frame: gpd.GeoDataFrame, mask: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, OverlaySummary]:
    """Cut ``frame`` to the area of the ``mask`` polygons (attributes of ``frame`` only).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Features to clip.
    mask : geopandas.GeoDataFrame
        Polygons; their union is the clipping area.

    Returns
    -------
    geopandas.GeoDataFrame
        The clipped features (same geometry family as the input).
    OverlaySummary
        Counts and area.
    """
    import geopandas as gpd

    require_metric_crs(frame, mask, roles=("layer", "mask"))
    require_geometry_types(mask, ["polygon"], "mask")
    area_geom, _ = union_polygons(_geoms(mask), coverage=False)
    result = gpd.clip(frame, area_geom, keep_geom_type=True)
    area = float(shapely.area(_geoms(result)).sum())
    return result, OverlaySummary("clip", len(frame), len(mask), len(result), area)


def intersection(
    frame: gpd.GeoDataFrame,
    overlay: gpd.GeoDataFrame,
    *,
    how: Literal["intersection"] = "intersection",
) -> tuple[gpd.GeoDataFrame, OverlaySummary]:
    """Intersect ``frame`` with ``overlay``: one feature per overlapping pair, both attributes.

    Parameters
    ----------
    frame, overlay : geopandas.GeoDataFrame
        The two layers (same projected CRS in metres).
    how : {"intersection"}
        Overlay operation (only intersection for now).

    Returns
    -------
    geopandas.GeoDataFrame
        The pieces, attributes of both (clashing names suffixed ``_1``/``_2``).
    OverlaySummary
        Counts and area.
    """
    import geopandas as gpd

    require_metric_crs(frame, overlay, roles=("layer", "overlay layer"))
    result = gpd.overlay(frame, overlay, how=how, keep_geom_type=True)
    area = float(shapely.area(_geoms(result)).sum())
    return result, OverlaySummary("intersection", len(frame), len(overlay), len(result), area)
