"""Accessibility by straight-line distance: facility rings, counts per ring, coverage.

Polygons (parcels, buildings) are placed by a point on their surface, so each
feature falls in exactly one ring and is counted once.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import Point
>>> schools = gpd.GeoDataFrame({"typ": ["szkoła"]}, geometry=[Point(0, 0)], crs=2180)
>>> homes = gpd.GeoDataFrame(
...     {"mieszkancy": [2, 5]}, geometry=[Point(100, 0), Point(800, 0)], crs=2180
... )
>>> rings, _ = facility_rings(schools, distances=[300, 1000])
>>> points, summary = coverage(rings, homes, weight="mieszkancy")
>>> summary.covered, summary.weight_covered, summary.by_distance
(2, 7.0, {'300': 2.0, '1000': 7.0})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from mgis.analysis._checks import (
    AnalysisError,
    require_columns,
    require_geometry_types,
    require_metric_crs,
)
from mgis.analysis.geoprocessing import buffer

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "DEFAULT_DISTANCES",
    "CoverageSummary",
    "RingsSummary",
    "count_in_rings",
    "coverage",
    "facility_rings",
    "locate_points",
]

DEFAULT_DISTANCES = (300.0, 500.0, 1000.0)


@dataclass(frozen=True)
class RingsSummary:
    """Facility rings.

    Parameters
    ----------
    facilities : int
        Facilities buffered.
    types : int
        Facility types.
    rings : int
        Result features (types x distances).
    """

    facilities: int
    types: int
    rings: int


@dataclass(frozen=True)
class CoverageSummary:
    """Coverage of points (or polygons by their surface point) by service zones.

    Parameters
    ----------
    total : int
        Features examined.
    covered : int
        Features inside any zone.
    uncovered : int
        Features outside every zone.
    share : float
        ``covered / total`` (0 when there is nothing).
    weight : str
        The weight field (empty when features are counted).
    weight_total, weight_covered, weight_share : float
        The same for the weight (e.g. residents); the counts when no weight.
    by_distance : dict
        Cumulative weight covered within each zone distance (when the zones
        have a ``distance`` column), keyed by the distance.
    by_district : dict
        Covered weight share per district (when districts are given).
    """

    total: int
    covered: int
    uncovered: int
    share: float
    weight: str
    weight_total: float
    weight_covered: float
    weight_share: float
    by_distance: dict[str, float] = field(default_factory=dict)
    by_district: dict[str, float] = field(default_factory=dict)


def facility_rings(
    facilities: gpd.GeoDataFrame,
    *,
    type_column: str | None = None,
    distances: Sequence[float] | Mapping[str, Sequence[float]] = DEFAULT_DISTANCES,
    rings: bool = True,
) -> tuple[gpd.GeoDataFrame, RingsSummary]:
    """Buffer facilities by distance bands, dissolved per facility type.

    Parameters
    ----------
    facilities : geopandas.GeoDataFrame
        Facilities (schools, kindergartens, bus stops ...) in a metric CRS.
    type_column : str, optional
        Facility type; one set of rings per type (all one type when None).
    distances : sequence of float or mapping of str to sequence of float
        Distances in metres, or per-type distances ``{"przedszkole": [300, 500]}``
        (types missing from the mapping are skipped).
    rings : bool
        Bands (0-300, 300-500 ...) when True, nested discs when False.

    Returns
    -------
    geopandas.GeoDataFrame
        ``typ``, ``distance``, ``inner``, ``count`` (facilities) and ``area_m2``.
    RingsSummary
        Counts.
    """
    import geopandas as gpd

    require_metric_crs(facilities, roles=("facilities",))
    if type_column is not None:
        require_columns(facilities, [type_column], "facilities")
        types = facilities[type_column].astype(str)
    else:
        types = pd.Series("obiekt", index=facilities.index)
    parts = []
    for typ in sorted(types.unique()):
        wanted = distances.get(typ) if isinstance(distances, Mapping) else distances
        if not wanted:
            continue
        subset = facilities.loc[(types == typ).to_numpy()]
        zones, _ = buffer(subset, list(wanted), dissolve=True, rings=rings)
        parts.append(zones.assign(typ=typ))
    if not parts:
        raise AnalysisError("no facility type has distances; give distances for the types")
    result = pd.concat(parts, ignore_index=True)
    result = gpd.GeoDataFrame(
        result[["typ", "distance", "inner", "count", "area_m2", result.geometry.name]],
        geometry=result.geometry.name,
        crs=facilities.crs,
    )
    return result, RingsSummary(len(facilities), len(parts), len(result))


def representative_points(frame: gpd.GeoDataFrame) -> npt.NDArray[np.object_]:
    """Return a point per feature: itself for points, a point on the surface otherwise.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Any features.

    Returns
    -------
    numpy.ndarray
        One shapely point per row, so each feature is counted in one place only.
    """
    geoms = np.asarray(frame.geometry.array, dtype=object)
    is_point = shapely.get_type_id(geoms) == 0
    if is_point.all():
        return geoms
    out = geoms.copy()
    out[~is_point] = shapely.point_on_surface(geoms[~is_point])
    return out


def locate_points(frame: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> npt.NDArray[np.int64]:
    """Return, per feature of ``frame``, the positional zone containing its point (-1: none).

    Where zones overlap, the first zone (lowest row) wins; order zones by
    distance so that the nearest band is found.
    """
    require_metric_crs(frame, zones, roles=("features", "zones"))
    out = np.full(len(frame), -1, dtype=np.int64)
    if len(frame) == 0 or len(zones) == 0:
        return out
    pts, zone = zones.sindex.query(representative_points(frame), predicate="intersects")
    order = np.lexsort((zone, pts))
    pts, zone = pts[order], zone[order]
    first = np.r_[True, pts[1:] != pts[:-1]] if len(pts) else np.empty(0, dtype=bool)
    out[pts[first]] = zone[first]
    return out


def count_in_rings(
    rings: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    weights: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Count the features of each layer in each ring (polygons by a surface point).

    Parameters
    ----------
    rings : geopandas.GeoDataFrame
        Zones, e.g. from :func:`facility_rings` (rings of one type do not overlap).
    layers : mapping of str to geopandas.GeoDataFrame
        ``{"parcels": parcels, "buildings": buildings, "addresses": addresses}``.
    weights : mapping of str to str, optional
        ``{"addresses": "mieszkancy"}`` adds ``addresses_mieszkancy`` sums.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``rings`` with a ``<layer>`` count column per layer and the sums.
    """
    weights = dict(weights or {})
    result = rings.copy()
    ring_geoms = np.asarray(rings.geometry.array, dtype=object)
    import geopandas as gpd

    for name, layer in layers.items():
        require_metric_crs(rings, layer, roles=("rings", name))
        pts = representative_points(layer)
        tree = gpd.GeoSeries(pts, crs=layer.crs).sindex
        zone, rows = tree.query(ring_geoms, predicate="contains")
        result[name] = np.bincount(zone, minlength=len(rings)).astype(np.int64)
        if name in weights:
            col = weights[name]
            require_columns(layer, [col], name)
            values = pd.to_numeric(layer[col], errors="coerce").fillna(0).to_numpy(float)
            sums = np.bincount(zone, weights=values[rows], minlength=len(rings))
            result[f"{name}_{col}"] = sums
    return result


def coverage(
    zones: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    *,
    weight: str | None = None,
    distance_column: str = "distance",
    districts: gpd.GeoDataFrame | None = None,
    district_column: str = "nazwa",
) -> tuple[gpd.GeoDataFrame, CoverageSummary]:
    """Find which points (or polygons, by a surface point) lie inside the service zones.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        Service zones (buffers, rings, service areas) in a metric CRS.
    points : geopandas.GeoDataFrame
        Features to cover: addresses, buildings, parcels.
    weight : str, optional
        Numeric field to sum, e.g. ``mieszkancy`` (residents).
    distance_column : str
        Zone column holding the distance; when present, the result gets the
        smallest covering distance and the summary the cumulative coverage.
    districts : geopandas.GeoDataFrame, optional
        Districts for the per-district shares.
    district_column : str
        District name column.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``points`` with ``covered`` (bool), ``distance`` (smallest
        covering zone distance, NaN when uncovered or unknown) and ``district``
        when districts are given.  The uncovered list is ``result[~result.covered]``.
    CoverageSummary
        Totals, shares, per distance and per district.
    """
    require_metric_crs(zones, points, roles=("zones", "points"))
    require_geometry_types(zones, ["polygon"], "zones")
    if weight is not None:
        require_columns(points, [weight], "points")
        if not pd.api.types.is_numeric_dtype(points[weight]):
            raise AnalysisError(f"points: column {weight!r} is not numeric; choose a number")
        w = pd.to_numeric(points[weight]).fillna(0).to_numpy(dtype=float)
    else:
        w = np.ones(len(points))
    has_distance = distance_column in zones.columns
    if has_distance:
        zone_d = pd.to_numeric(zones[distance_column], errors="coerce").to_numpy(dtype=float)
        order = np.argsort(zone_d, kind="stable")
        zones_sorted = zones.take(order)
    else:
        order = np.arange(len(zones))
        zones_sorted = zones
    hit = locate_points(points, zones_sorted)
    covered = hit >= 0
    result = points.copy()
    result["covered"] = covered
    if has_distance:
        dist = np.full(len(points), np.nan)
        dist[covered] = zone_d[order[hit[covered]]]
        result["distance"] = dist
    by_distance: dict[str, float] = {}
    if has_distance:
        for d in np.unique(zone_d[~np.isnan(zone_d)]):
            by_distance[f"{d:g}"] = float(w[covered & (result["distance"].to_numpy() <= d)].sum())
    by_district: dict[str, float] = {}
    if districts is not None:
        require_metric_crs(districts, points, roles=("districts", "points"))
        require_columns(districts, [district_column], "districts")
        where = locate_points(points, districts)
        names = districts[district_column].astype(str).to_numpy()
        label = np.where(where >= 0, names[np.maximum(where, 0)], "")
        result["district"] = label
        for name in sorted(set(names)):
            inside = label == name
            total = float(w[inside].sum())
            by_district[name] = float(w[inside & covered].sum()) / total if total else 0.0
    total_w, cov_w = float(w.sum()), float(w[covered].sum())
    n, c = len(points), int(covered.sum())
    summary = CoverageSummary(
        total=n,
        covered=c,
        uncovered=n - c,
        share=c / n if n else 0.0,
        weight=weight or "",
        weight_total=total_w,
        weight_covered=cov_w,
        weight_share=cov_w / total_w if total_w else 0.0,
        by_distance=by_distance,
        by_district=by_district,
    )
    return result, summary
