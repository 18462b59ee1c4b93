"""Walking-network service areas: the area reachable from any facility within each distance.

The street pieces reachable within ``D`` metres along the network (see
:mod:`mgis.analysis.network_graph`), legs from the facilities included, are
buffered and dissolved into one polygon per distance. Re-exported by
:mod:`mgis.analysis.network`.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import LineString, Point
>>> crs = "EPSG:2180"
>>> streets = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)])], crs=crs)
>>> schools = gpd.GeoDataFrame(geometry=[Point(0, 10)], crs=crs)
>>> result = service_areas(streets, schools, [500], width=10)
>>> float(result.frame.street_km[0])
0.49
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.ops import substring

from mgis.analysis._checks import AnalysisError, require_metric_crs
from mgis.analysis.network_build import (
    FloatArray,
    GeomArray,
    NetworkSummary,
    StreetNetwork,
    _geoms,
    as_network,
    summarize_network,
)
from mgis.analysis.network_graph import Attachment, SourceGraph, attach

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["WIDTH_M", "ServiceAreaResult", "ServiceAreaSummary", "service_areas"]

WIDTH_M = 50.0
"""Default half-width (buffer) of the service-area polygons around reachable streets."""


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
