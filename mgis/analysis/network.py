"""Walking-network analyses: distance to the nearest facility and service areas.

Distances run along the street network (see :mod:`mgis.analysis.network_graph`)
and include the straight legs from the feature to the network and from the
network to the facility. A parcel is measured from its **boundary** (its nearest
point to the network), as the 2023 planning act requires, unless
``measure_from="centroid"``.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import LineString, Point, box
>>> crs = "EPSG:2180"
>>> streets = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)])], crs=crs)
>>> schools = gpd.GeoDataFrame(geometry=[Point(0, 10)], crs=crs)
>>> parcels = gpd.GeoDataFrame(geometry=[box(500, 5, 520, 30)], crs=crs)
>>> result = network_distance(streets, schools, parcels)
>>> float(result.frame.distance_m[0]), int(result.frame.facility_id[0])
(515.0, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from mgis.analysis._checks import AnalysisError, require_columns, require_metric_crs
from mgis.analysis.network_graph import (
    Attachment,
    FloatArray,
    GeomArray,
    IntArray,
    MeasureFrom,
    SourceGraph,
    StreetNetwork,
    attach,
    build_network,
    target_distances,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "DistanceResult",
    "DistanceSummary",
    "NetworkSummary",
    "ServiceAreaResult",
    "ServiceAreaSummary",
    "StreetNetwork",
    "build_network",
    "facility_distances",
    "network_distance",
    "service_areas",
    "summarize_network",
]

FAR_M = 200.0
"""Default: a facility farther than this from the nearest street is reported."""
WIDTH_M = 50.0
"""Default half-width (buffer) of the service-area polygons around reachable streets."""


@dataclass(frozen=True)
class NetworkSummary:
    """The street graph in figures.

    Attributes
    ----------
    nodes, edges : int
        Graph size.
    length_km : float
        Total street length.
    components : int
        Connected parts; more than 1 means islands not reachable from the main network.
    island_edges : int
        Edges outside the largest part.
    island_length_km : float
        Their length.
    snapped_vertices : int
        Line vertices merged with a neighbour within the tolerance.
    tolerance_m : float
        The snapping tolerance.
    """

    nodes: int
    edges: int
    length_km: float
    components: int
    island_edges: int
    island_length_km: float
    snapped_vertices: int
    tolerance_m: float


def summarize_network(network: StreetNetwork) -> NetworkSummary:
    """Return the size, islands and snapping figures of ``network``."""
    island = network.edge_component() > 0
    return NetworkSummary(
        nodes=network.n_nodes,
        edges=network.n_edges,
        length_km=round(float(network.length.sum()) / 1000, 3),
        components=network.n_components,
        island_edges=int(island.sum()),
        island_length_km=round(float(network.length[island].sum()) / 1000, 3),
        snapped_vertices=network.snapped,
        tolerance_m=network.tolerance,
    )


@dataclass(frozen=True)
class DistanceSummary:
    """Figures of a nearest-facility run.

    Attributes
    ----------
    targets, reached, unreachable : int
        Target features; those with a distance; those without (island, empty geometry).
    facilities : int
        Facility features given.
    facilities_far : int
        Facilities farther than ``far_threshold_m`` from the nearest street.
    facilities_on_islands : int
        Facilities attached outside the largest connected part of the network.
    far_threshold_m : float
        The threshold for ``facilities_far``.
    measured_from : str
        ``boundary`` or ``centroid``.
    median_m, p90_m, max_m : float
        Distance statistics over reached targets (NaN when none).
    network : NetworkSummary
        The graph.
    """

    targets: int
    reached: int
    unreachable: int
    facilities: int
    facilities_far: int
    facilities_on_islands: int
    far_threshold_m: float
    measured_from: str
    median_m: float
    p90_m: float
    max_m: float
    network: NetworkSummary


@dataclass(frozen=True)
class DistanceResult:
    """Targets with ``distance_m``, ``facility_id`` (and ``facility``) plus the summary."""

    frame: gpd.GeoDataFrame
    summary: DistanceSummary


def as_network(streets: Any, tolerance: float = 0.5) -> StreetNetwork:
    """Return ``streets`` if it is a :class:`StreetNetwork`, else build one from the lines."""
    if isinstance(streets, StreetNetwork):
        return streets
    require_metric_crs(streets, roles=["streets"])
    return build_network(streets, tolerance)


def _geoms(frame: Any) -> GeomArray:
    """Return the geometry column of a frame or series as an object array."""
    return np.asarray(frame.geometry.array if hasattr(frame, "geometry") else frame, dtype=object)


def facility_distances(
    network: StreetNetwork,
    targets: Attachment,
    facilities: GeomArray,
    *,
    facility_reach: float | None = None,
    limit: float = np.inf,
) -> tuple[FloatArray, IntArray, Attachment]:
    """Return the distance from every target to its nearest facility and that facility.

    Parameters
    ----------
    network : StreetNetwork
        The graph.
    targets : Attachment
        Attached targets (see :func:`mgis.analysis.network_graph.attach`).
    facilities : numpy.ndarray of geometries
        Facility geometries, measured from their boundary (a school building's
        wall, a park's edge).
    facility_reach : float, optional
        Attach each facility also to every street within this many metres.
    limit : float
        Do not search beyond this distance along the network.

    Returns
    -------
    tuple
        Distances (``inf`` when unreachable), facility row positions (-1 when
        unreachable) and the facility attachment.
    """
    sources = attach(network, facilities, reach=facility_reach)
    graph = SourceGraph(network, sources)
    node_dist, node_origin = graph.node_distances(limit=limit)
    dist, fac = target_distances(graph, node_dist, node_origin, targets)
    if np.isfinite(limit):
        over = dist > limit
        dist[over], fac[over] = np.inf, -1
    return dist, fac, sources


def network_distance(
    streets: Any,
    facilities: gpd.GeoDataFrame,
    targets: gpd.GeoDataFrame,
    *,
    measure_from: MeasureFrom = "boundary",
    facility_field: str | None = None,
    tolerance: float = 0.5,
    far_m: float = FAR_M,
    facility_reach: float | None = None,
) -> DistanceResult:
    """Measure along the street network from every target to the nearest facility.

    Parameters
    ----------
    streets : geopandas.GeoDataFrame or StreetNetwork
        Street centre lines, or a network already built from them.
    facilities : geopandas.GeoDataFrame
        Schools, stops, parks ... (points or polygons; polygons measured from the boundary).
    targets : geopandas.GeoDataFrame
        Parcels, buildings or addresses.
    measure_from : {"boundary", "centroid"}
        Where a target is measured from; ``boundary`` is the legal rule.
    facility_field : str, optional
        Copy this facility column to the result as ``facility``.
    tolerance : float
        Snapping tolerance of the network (metres).
    far_m : float
        Facilities farther than this from the network are counted in the summary.
    facility_reach : float, optional
        Attach facilities to every street within this distance, not only the nearest.

    Returns
    -------
    DistanceResult
        A copy of ``targets`` with ``distance_m`` (NaN when unreachable),
        ``facility_id`` (0-based row position in ``facilities``; missing when
        unreachable) and ``facility``; and the summary.

    Raises
    ------
    AnalysisError
        For CRSs that differ or are not metric, a missing ``facility_field`` or no facilities.
    """
    require_metric_crs(streets, facilities, targets, roles=["streets", "facilities", "targets"])
    if facility_field is not None:
        require_columns(facilities, [facility_field], "facilities")
    if len(facilities) == 0:
        raise AnalysisError("facilities: the layer is empty; nothing to measure to")
    if measure_from not in ("boundary", "centroid"):
        raise AnalysisError(f"measure_from must be 'boundary' or 'centroid', not {measure_from!r}")
    network = as_network(streets, tolerance)
    target_att = attach(network, _geoms(targets), measure_from=measure_from)
    dist, fac, sources = facility_distances(
        network, target_att, _geoms(facilities), facility_reach=facility_reach
    )
    frame = targets.copy()
    reached = np.isfinite(dist)
    frame["distance_m"] = np.where(reached, np.round(dist, 2), np.nan)
    frame["facility_id"] = pd.array(np.where(reached, fac, 0), dtype="Int64")
    frame.loc[~reached, "facility_id"] = pd.NA
    if facility_field is not None:
        values = facilities[facility_field].to_numpy()
        frame["facility"] = pd.Series(values[np.maximum(fac, 0)], index=frame.index).where(reached)
    return DistanceResult(frame, _distance_summary(network, dist, sources, measure_from, far_m))


def _distance_summary(
    network: StreetNetwork, dist: FloatArray, sources: Attachment, measured_from: str, far_m: float
) -> DistanceSummary:
    """Summarise a nearest-facility run."""
    reached = dist[np.isfinite(dist)]
    leg = sources.item_leg()
    on_island = np.zeros(sources.n_items, dtype=bool)
    on_island[sources.item] = network.edge_component()[sources.edge] > 0
    stats = (
        [float(np.round(np.percentile(reached, q), 1)) for q in (50, 90, 100)]
        if reached.size
        else [float("nan")] * 3
    )
    return DistanceSummary(
        targets=int(dist.size),
        reached=int(reached.size),
        unreachable=int(dist.size - reached.size),
        facilities=sources.n_items,
        facilities_far=int(np.count_nonzero(leg > far_m)),
        facilities_on_islands=int(on_island.sum()),
        far_threshold_m=far_m,
        measured_from=measured_from,
        median_m=stats[0],
        p90_m=stats[1],
        max_m=stats[2],
        network=summarize_network(network),
    )


@dataclass(frozen=True)
class ServiceAreaSummary:
    """Figures of a service-area run.

    Attributes
    ----------
    facilities : int
        Facility features.
    distances_m : str
        The distances, comma separated.
    width_m : float
        Buffer half-width around reachable streets.
    area_ha : dict
        Polygon area per distance.
    street_km : dict
        Reachable street length per distance.
    network : NetworkSummary
        The graph.
    """

    facilities: int
    distances_m: str
    width_m: float
    area_ha: dict[str, float]
    street_km: dict[str, float]
    network: NetworkSummary


@dataclass(frozen=True)
class ServiceAreaResult:
    """One dissolved polygon per distance (``distance_m``, ``street_km``, ``area_ha``)."""

    frame: gpd.GeoDataFrame
    summary: ServiceAreaSummary


def service_areas(
    streets: Any,
    facilities: gpd.GeoDataFrame,
    distances: Sequence[float],
    *,
    width: float = WIDTH_M,
    tolerance: float = 0.5,
    facility_reach: float | None = None,
) -> ServiceAreaResult:
    """Return the area reachable from any facility within each walking distance.

    The street pieces reachable within ``D`` metres (whole edges, and the part of
    an edge up to where ``D`` runs out) are buffered by ``width`` and dissolved.

    Parameters
    ----------
    streets : geopandas.GeoDataFrame or StreetNetwork
        Street centre lines, or a network built from them.
    facilities : geopandas.GeoDataFrame
        The facilities (points or polygons).
    distances : sequence of float
        Walking distances in metres, e.g. ``[500, 1000, 1500]``.
    width : float
        Buffer half-width in metres around the reachable streets.
    tolerance : float
        Snapping tolerance of the network.
    facility_reach : float, optional
        Attach facilities to every street within this distance.

    Returns
    -------
    ServiceAreaResult
        Polygons ordered by distance, and the summary.

    Raises
    ------
    AnalysisError
        For CRS problems, no facilities, or a distance or width that is not positive.
    """
    from geopandas import GeoDataFrame

    require_metric_crs(streets, facilities, roles=["streets", "facilities"])
    wanted = sorted({float(d) for d in distances})
    if not wanted or wanted[0] <= 0 or not np.isfinite(wanted[-1]):
        raise AnalysisError(f"distances must be positive numbers of metres, got {list(distances)}")
    if not np.isfinite(width) or width <= 0:
        raise AnalysisError(f"width must be a positive number of metres, got {width}")
    if len(facilities) == 0:
        raise AnalysisError("facilities: the layer is empty; nothing to measure from")
    network = as_network(streets, tolerance)
    sources = attach(network, _geoms(facilities), reach=facility_reach)
    node_dist, _ = SourceGraph(network, sources).node_distances(limit=wanted[-1])
    rows: list[dict[str, Any]] = []
    for d in wanted:
        pieces = _reachable_pieces(network, sources, node_dist, d)
        lines = shapely.multilinestrings(pieces) if pieces.size else shapely.MultiLineString()
        polygon = shapely.buffer(lines, width) if pieces.size else shapely.Polygon()
        rows.append(
            {
                "distance_m": d,
                "street_km": round(float(shapely.length(pieces).sum()) / 1000, 3),
                "area_ha": round(float(shapely.area(polygon)) / 10_000, 2),
                "geometry": polygon,
            }
        )
    frame = GeoDataFrame(rows, geometry="geometry", crs=facilities.crs)
    labels = [f"{d:g}" for d in wanted]
    summary = ServiceAreaSummary(
        facilities=len(facilities),
        distances_m=",".join(labels),
        width_m=float(width),
        area_ha=dict(zip(labels, frame.area_ha.tolist(), strict=True)),
        street_km=dict(zip(labels, frame.street_km.tolist(), strict=True)),
        network=summarize_network(network),
    )
    return ServiceAreaResult(frame, summary)


def _reachable_pieces(
    network: StreetNetwork, sources: Attachment, node_dist: FloatArray, budget: float
) -> GeomArray:
    """Return the street pieces reachable within ``budget`` metres (whole and partial edges)."""
    length = network.length
    a = np.clip(budget - node_dist[network.u], -1.0, None)  # reach into the edge from u
    b = np.clip(budget - node_dist[network.v], -1.0, None)  # ... and from v
    whole = (a + b >= length) & ((a > 0) | (b > 0))
    pieces = [network.edges[whole]]
    spans: list[tuple[int, float, float]] = []
    part_u = np.flatnonzero(~whole & (a > 0))
    part_v = np.flatnonzero(~whole & (b > 0))
    spans += [(int(e), 0.0, float(a[e])) for e in part_u]
    spans += [(int(e), float(length[e] - b[e]), float(length[e])) for e in part_v]
    left = budget - sources.leg  # from a facility along its own edge
    for k in np.flatnonzero(left > 0):
        e = int(sources.edge[k])
        if not whole[e]:
            off = float(sources.offset[k])
            spans.append((e, max(0.0, off - left[k]), min(float(length[e]), off + left[k])))
    cut = [
        substring(network.edges[e], start, end)
        for e, start, end in _merge_spans(spans)
        if end - start > 1e-6
    ]
    cut_arr = np.array(cut, dtype=object) if cut else np.empty(0, dtype=object)
    parts = np.concatenate([*pieces, cut_arr])
    return parts[shapely.get_type_id(parts) == 1] if parts.size else parts


def _merge_spans(spans: list[tuple[int, float, float]]) -> list[tuple[int, float, float]]:
    """Merge overlapping ``(edge, start, end)`` spans of the same edge."""
    merged: list[tuple[int, float, float]] = []
    for e, start, end in sorted(spans):
        if merged and merged[-1][0] == e and start <= merged[-1][2]:
            merged[-1] = (e, merged[-1][1], max(merged[-1][2], end))
        else:
            merged.append((e, start, end))
    return merged
