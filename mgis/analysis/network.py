"""Walking-network analyses: distance to the nearest facility and service areas.

Distances run along the street network (see :mod:`mgis.analysis.network_graph`)
and include the straight legs from the feature to the network and from the
network to the facility. A parcel is measured from its **boundary** (its nearest
point to the network), as the 2023 planning act requires, unless
``measure_from="centroid"``.

The graph and its summary are built in :mod:`mgis.analysis.network_build`,
service areas are computed in :mod:`mgis.analysis.network_areas`; both are
re-exported here.

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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mgis.analysis._checks import AnalysisError, require_columns, require_metric_crs
from mgis.analysis.network_areas import (
    WIDTH_M,
    ServiceAreaResult,
    ServiceAreaSummary,
    service_areas,
)
from mgis.analysis.network_build import (
    FloatArray,
    GeomArray,
    IntArray,
    NetworkSummary,
    StreetNetwork,
    _geoms,
    as_network,
    build_network,
    summarize_network,
)
from mgis.analysis.network_graph import (
    Attachment,
    MeasureFrom,
    SourceGraph,
    attach,
    target_distances,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "WIDTH_M",
    "DistanceResult",
    "DistanceSummary",
    "NetworkSummary",
    "ServiceAreaResult",
    "ServiceAreaSummary",
    "StreetNetwork",
    "as_network",
    "build_network",
    "facility_distances",
    "network_distance",
    "service_areas",
    "summarize_network",
]

FAR_M = 200.0
"""Default: a facility farther than this from the nearest street is reported."""


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
