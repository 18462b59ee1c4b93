"""Walking-network graph: attachment of features and multi-source Dijkstra.

The graph itself (noding and snapping of street lines) is built in
:mod:`mgis.analysis.network_build`; :class:`StreetNetwork` and
:func:`build_network` are re-exported here. Features (parcels, buildings,
schools, parks ...) are *attached* to the network at the nearest point of the
nearest edge; the straight *leg* to that point is part of every distance.
Shortest paths run in :func:`scipy.sparse.csgraph.dijkstra` from virtual source
nodes, one per facility attachment, so a single call gives every node its
nearest facility.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import LineString, Point
>>> streets = gpd.GeoSeries([LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 50)])])
>>> net = build_network(streets)
>>> (net.n_nodes, net.n_edges, float(net.length.sum()))
(3, 2, 150.0)
>>> att = attach(net, np.array([Point(100, 60)]))
>>> (int(att.edge[0]), float(att.offset[0]), float(att.leg[0]))
(1, 50.0, 10.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from mgis.analysis.network_build import (
    EPS,
    BoolArray,
    FloatArray,
    GeomArray,
    IntArray,
    StreetNetwork,
    _dedup,
    build_network,
)

__all__ = [
    "EPS",
    "Attachment",
    "BoolArray",
    "FloatArray",
    "GeomArray",
    "IntArray",
    "MeasureFrom",
    "SourceGraph",
    "StreetNetwork",
    "attach",
    "build_network",
    "target_distances",
]

MeasureFrom = Literal["boundary", "centroid"]


@dataclass(frozen=True)
class Attachment:
    """Where features meet the network: one row per (feature, edge) connection.

    Attributes
    ----------
    item : numpy.ndarray of int
        Row position of the feature in its input.
    edge : numpy.ndarray of int
        The edge it is attached to.
    offset : numpy.ndarray of float
        Distance along the edge from its ``u`` end to the attachment point.
    leg : numpy.ndarray of float
        Straight distance from the feature (its boundary, or its centroid) to that point.
    point : numpy.ndarray of shapely.Point
        The attachment points on the network.
    n_items : int
        Number of features in the input (some may have no attachment: empty geometry).
    """

    item: IntArray
    edge: IntArray
    offset: FloatArray
    leg: FloatArray
    point: GeomArray
    n_items: int

    def subset(self, rows: IntArray) -> Attachment:
        """Return the attachment rows ``rows`` only."""
        return Attachment(
            self.item[rows], self.edge[rows], self.offset[rows], self.leg[rows],
            self.point[rows], self.n_items,
        )  # fmt: skip

    def item_leg(self) -> FloatArray:
        """Return the shortest leg of every feature (inf where not attached)."""
        out = np.full(self.n_items, np.inf)
        np.minimum.at(out, self.item, self.leg)
        return out


def attach(
    network: StreetNetwork,
    geoms: GeomArray,
    *,
    measure_from: MeasureFrom = "boundary",
    reach: float | None = None,
) -> Attachment:
    """Attach features to the network at the nearest point of the nearest edge.

    Parameters
    ----------
    network : StreetNetwork
        The graph.
    geoms : numpy.ndarray of shapely geometries
        Features in the network's CRS; empty or missing geometries stay unattached.
    measure_from : {"boundary", "centroid"}
        ``"boundary"`` measures from the feature's nearest point to the network
        (for a polygon: its boundary, as art. 13f requires; 0 when it touches a
        street); ``"centroid"`` from its centroid.
    reach : float, optional
        Also attach to every other edge within this many metres (a park reached
        from all the streets around it). By default only the nearest edge.

    Returns
    -------
    Attachment
        One row per connection.
    """
    geoms = np.asarray(geoms, dtype=object)
    n_items = geoms.size
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if measure_from == "centroid":
        geoms = geoms.copy()
        geoms[valid] = shapely.centroid(geoms[valid])
    idx = np.flatnonzero(valid)
    item, edge = idx, nearest_edge(network, geoms[idx])
    if reach is not None and reach > 0:
        extra = network.tree.query(geoms[idx], predicate="dwithin", distance=reach)
        pairs = np.unique(
            np.r_[item * network.n_edges + edge, idx[extra[0]] * network.n_edges + extra[1]]
        )
        item, edge = pairs // network.n_edges, pairs % network.n_edges
    legs = shapely.shortest_line(geoms[item], network.edges[edge])
    point = shapely.get_point(legs, 1)
    offset = shapely.line_locate_point(network.edges[edge], point)
    leg = shapely.length(legs)
    if measure_from == "boundary":
        item, edge, offset, leg, point = _frontage(network, geoms, item, edge, offset, leg, point)
    return Attachment(
        item=item.astype(np.int64),
        edge=edge.astype(np.int64),
        offset=np.clip(offset, 0.0, network.length[edge]),
        leg=leg,
        point=point,
        n_items=n_items,
    )


def _frontage(  # noqa: PLR0917 -- one private call site
    network: StreetNetwork,
    geoms: GeomArray,
    item: IntArray,
    edge: IntArray,
    offset: FloatArray,
    leg: FloatArray,
    point: GeomArray,
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, GeomArray]:
    """Add the two ends of each polygon's or line's frontage along its edge as attachments.

    The nearest point alone is ambiguous when a parcel side runs parallel to the
    street; the ends of the parcel's projection onto the edge give the shortest
    way in both directions.
    """
    areal = shapely.get_type_id(geoms[item]) > 0
    k = np.flatnonzero(areal)
    if k.size == 0:
        return item, edge, offset, leg, point
    xy, which = shapely.get_coordinates(geoms[item[k]], return_index=True)
    along = shapely.line_locate_point(network.edges[edge[k]][which], shapely.points(xy))
    starts = np.flatnonzero(np.r_[True, which[1:] != which[:-1]])
    ends = [np.minimum.reduceat(along, starts), np.maximum.reduceat(along, starts)]
    new_item, new_edge, new_off = [item], [edge], [offset]
    for extreme in ends:
        moved = np.abs(extreme - offset[k]) > 1e-3
        new_item.append(item[k][moved])
        new_edge.append(edge[k][moved])
        new_off.append(extreme[moved])
    item2, edge2 = np.concatenate(new_item), np.concatenate(new_edge)
    extra_off = np.concatenate(new_off[1:])
    extra_pt = shapely.line_interpolate_point(network.edges[edge2[item.size :]], extra_off)
    extra_leg = shapely.distance(geoms[item2[item.size :]], extra_pt)
    return (
        item2,
        edge2,
        np.concatenate([offset, extra_off]),
        np.concatenate([leg, extra_leg]),
        np.concatenate([point, extra_pt]),
    )


SAMPLE_STEP = 20.0
"""Spacing (m) of the points along the streets that bound the nearest-edge search."""


def nearest_edge(network: StreetNetwork, geoms: GeomArray) -> IntArray:
    """Return the edge nearest to every (non-empty) geometry.

    A k-d tree of points every :data:`SAMPLE_STEP` metres along the streets gives
    an upper bound of the distance from a vertex of each geometry; the exact
    nearest edge is then chosen among the edges whose boxes lie within it (much
    faster than ``STRtree.query_nearest`` on polygons).
    """
    if geoms.size == 0:
        return np.zeros(0, dtype=np.int64)
    kd = _sample_tree(network)
    coords, which = shapely.get_coordinates(geoms, return_index=True)
    first = np.r_[True, which[1:] != which[:-1]]
    bound, _ = kd.query(coords[first], workers=-1)
    bound = bound + 1e-6
    b = shapely.bounds(geoms)
    boxes = shapely.box(b[:, 0] - bound, b[:, 1] - bound, b[:, 2] + bound, b[:, 3] + bound)
    item, edge = network.tree.query(boxes)
    dist = shapely.distance(geoms[item], network.edges[edge])
    order = np.lexsort((dist, item))
    item, edge = item[order], edge[order]
    out = np.empty(geoms.size, dtype=np.int64)
    out[item[_firsts(item)]] = edge[_firsts(item)]
    return out


def _sample_tree(network: StreetNetwork) -> cKDTree:
    """Return (and cache) the k-d tree of points spaced along every edge."""
    cached = network.cache.get("samples")
    if cached is not None:
        return cached
    xy, which = shapely.get_coordinates(network.edges, return_index=True)
    same = which[1:] == which[:-1]
    p0, p1 = xy[:-1][same], xy[1:][same]
    seg = np.hypot(*(p1 - p0).T)
    steps = np.maximum(np.ceil(seg / SAMPLE_STEP).astype(np.int64), 1)
    k = np.arange(int(steps.sum())) - np.repeat(np.cumsum(steps) - steps, steps)
    t = (k / np.repeat(steps, steps))[:, None]
    pts = np.repeat(p0, steps, axis=0) * (1 - t) + np.repeat(p1, steps, axis=0) * t
    tree = cKDTree(np.vstack([pts, xy]))
    network.cache["samples"] = tree
    return tree


class SourceGraph:
    """The network plus one virtual node per facility attachment, for multi-source Dijkstra.

    Parameters
    ----------
    network : StreetNetwork
        The graph.
    sources : Attachment
        The facility attachments; virtual node ``n_nodes + k`` stands for row ``k``.
    """

    def __init__(self, network: StreetNetwork, sources: Attachment) -> None:
        self.network = network
        self.sources = sources
        n, k = network.n_nodes, sources.item.size
        virtual = n + np.arange(k, dtype=np.int64)
        e = sources.edge
        rows, cols, w = network.arcs
        rows, cols, w = _dedup(
            np.r_[rows, virtual, virtual],
            np.r_[cols, network.u[e], network.v[e]],
            np.r_[
                w, sources.leg + sources.offset, sources.leg + network.length[e] - sources.offset
            ],
        )
        self.graph = csr_matrix((w, (rows, cols)), shape=(n + k, n + k))

    def node_distances(
        self, rows: IntArray | None = None, limit: float = np.inf
    ) -> tuple[FloatArray, IntArray]:
        """Return every node's distance to its nearest source and that source's attachment row.

        Parameters
        ----------
        rows : numpy.ndarray of int, optional
            Use only these attachment rows as sources (default: all).
        limit : float
            Stop searching beyond this distance (nodes farther get ``inf``).

        Returns
        -------
        tuple of numpy.ndarray
            Distances (``inf`` where unreached) and attachment rows (-1 where unreached).
        """
        n = self.network.n_nodes
        rows = np.arange(self.sources.item.size) if rows is None else np.asarray(rows)
        if rows.size == 0:
            return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
        dist, _, origin = dijkstra(
            self.graph, directed=True, indices=n + rows, min_only=True,
            return_predecessors=True, limit=limit,
        )  # fmt: skip
        origin = np.where(origin[:n] >= 0, origin[:n] - n, -1)
        return dist[:n], origin.astype(np.int64)


def target_distances(
    graph: SourceGraph,
    node_dist: FloatArray,
    node_origin: IntArray,
    targets: Attachment,
    rows: IntArray | None = None,
) -> tuple[FloatArray, IntArray]:
    """Return every target feature's network distance to the nearest source and that source.

    Parameters
    ----------
    graph : SourceGraph
        The graph the node distances were computed on.
    node_dist, node_origin : numpy.ndarray
        From :meth:`SourceGraph.node_distances`.
    targets : Attachment
        The target attachments.
    rows : numpy.ndarray of int, optional
        The source attachment rows used for ``node_dist`` (for sources on a target's own edge).

    Returns
    -------
    tuple of numpy.ndarray
        Per target feature: the distance (``inf`` when unreachable), legs included,
        and the source *feature* (``item``) reached, -1 when unreachable.
    """
    net, src = graph.network, graph.sources
    e = targets.edge
    du = node_dist[net.u[e]] + targets.offset
    dv = node_dist[net.v[e]] + (net.length[e] - targets.offset)
    use_v = dv < du
    dist = np.where(use_v, dv, du) + targets.leg
    origin = np.where(use_v, node_origin[net.v[e]], node_origin[net.u[e]])
    # A source on the target's own edge is reached directly along it.
    rows = np.arange(src.item.size) if rows is None else np.asarray(rows)
    order = np.argsort(e, kind="stable")
    sorted_e = e[order]
    lo = np.searchsorted(sorted_e, src.edge[rows], "left")
    hi = np.searchsorted(sorted_e, src.edge[rows], "right")
    counts = hi - lo
    if counts.sum():
        s = np.repeat(rows, counts)
        t = order[np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())]
        direct = np.abs(targets.offset[t] - src.offset[s]) + targets.leg[t] + src.leg[s]
        better = direct < dist[t]
        # several sources on one edge: apply the best per target
        pick = np.lexsort((direct[better], t[better]))
        t_b, s_b, d_b = t[better][pick], s[better][pick], direct[better][pick]
        firsts = _firsts(t_b)
        dist[t_b[firsts]] = d_b[firsts]
        origin[t_b[firsts]] = s_b[firsts]
    return _best_per_item(targets, dist, origin, src.item)


def _best_per_item(
    targets: Attachment, dist: FloatArray, origin: IntArray, source_item: IntArray
) -> tuple[FloatArray, IntArray]:
    """Reduce per-attachment results to the best one per target feature."""
    out_d = np.full(targets.n_items, np.inf)
    out_f = np.full(targets.n_items, -1, dtype=np.int64)
    finite = np.isfinite(dist) & (origin >= 0)
    order = np.lexsort((dist[finite], targets.item[finite]))
    items = targets.item[finite][order]
    firsts = _firsts(items)
    out_d[items[firsts]] = dist[finite][order][firsts]
    out_f[items[firsts]] = source_item[origin[finite][order][firsts]]
    return out_d, out_f


def _firsts(sorted_values: IntArray) -> NDArray[np.bool_]:
    """Return True at the first element of every run of equal values."""
    out = np.ones(sorted_values.size, dtype=bool)
    out[1:] = sorted_values[1:] != sorted_values[:-1]
    return out
