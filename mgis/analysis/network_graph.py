"""Walking-network graph: noding and snapping of street lines, attachment, multi-source Dijkstra.

The street lines become a graph whose nodes are line ends and every vertex shared
by two or more lines (after snapping vertices closer than a tolerance) and whose
edges are the line pieces between them, weighted by length. Features (parcels,
buildings, schools, parks ...) are *attached* to the network at the nearest point
of the nearest edge; the straight *leg* to that point is part of every distance.
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

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from mgis.analysis._checks import AnalysisError

__all__ = [
    "Attachment",
    "SourceGraph",
    "StreetNetwork",
    "attach",
    "build_network",
    "target_distances",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
GeomArray = NDArray[np.object_]
BoolArray = NDArray[np.bool_]
MeasureFrom = Literal["boundary", "centroid"]

EPS = 1e-9
"""Weight of zero-length connections (scipy treats a stored 0 as a missing edge)."""

_LINE_TYPES = (1, 2)  # LineString, LinearRing after get_parts


@dataclass(frozen=True)
class StreetNetwork:
    """A noded street network ready for shortest paths.

    Attributes
    ----------
    edges : numpy.ndarray of shapely.LineString
        One line per edge, from node ``u`` to node ``v``.
    u, v : numpy.ndarray of int
        End nodes of every edge.
    length : numpy.ndarray of float
        Edge lengths in CRS units (metres).
    node_xy : numpy.ndarray of float, shape (n_nodes, 2)
        Node coordinates.
    component : numpy.ndarray of int
        Connected-component label of every node; 0 is the largest component.
    source_row : numpy.ndarray of int
        Row position, in the street input, of the line each edge comes from.
    tolerance : float
        Vertices closer than this were merged into one node (metres).
    snapped : int
        How many line vertices were moved onto a neighbour within ``tolerance``.
    tree : shapely.STRtree
        Spatial index of ``edges``.
    arcs : tuple of numpy.ndarray
        ``(from, to, weight)`` of both directions of every edge, parallel arcs merged.
    crs : object
        CRS of the street input.
    cache : dict
        Lazily built search structures (not part of the network's identity).
    """

    edges: GeomArray
    u: IntArray
    v: IntArray
    length: FloatArray
    node_xy: FloatArray
    component: IntArray
    source_row: IntArray
    tolerance: float
    snapped: int
    tree: shapely.STRtree = field(repr=False, compare=False)
    arcs: tuple[IntArray, IntArray, FloatArray] = field(repr=False, compare=False)
    crs: Any = None
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_nodes(self) -> int:
        """Number of graph nodes."""
        return int(self.node_xy.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of graph edges."""
        return int(self.u.size)

    @property
    def n_components(self) -> int:
        """Number of connected parts (1 for a fully connected network)."""
        return int(self.component.max()) + 1 if self.component.size else 0

    def edge_component(self) -> IntArray:
        """Return the connected-component label of every edge."""
        return self.component[self.u]


def build_network(streets: Any, tolerance: float = 0.5) -> StreetNetwork:
    """Build the walking graph from street lines.

    Parameters
    ----------
    streets : geopandas.GeoDataFrame or geopandas.GeoSeries
        Street centre lines (LineString or MultiLineString) in a metric CRS.
        Lines must meet at a vertex where they cross (the usual noded network);
        a line is split at every vertex it shares with another line.
    tolerance : float
        Vertices closer than this many metres are merged into one node (snapping);
        0 merges only identical coordinates.

    Returns
    -------
    StreetNetwork
        The graph; see :class:`StreetNetwork`.

    Raises
    ------
    AnalysisError
        When the layer holds no line with at least two distinct points.
    """
    if not np.isfinite(tolerance) or tolerance < 0:
        raise AnalysisError(f"snapping tolerance must be 0 or more metres, got {tolerance}")
    geoms = np.asarray(streets.geometry.array if hasattr(streets, "geometry") else streets)
    parts, row = shapely.get_parts(geoms, return_index=True)
    ok = np.isin(shapely.get_type_id(parts), _LINE_TYPES) & (shapely.length(parts) > 0)
    parts, row = parts[ok], row[ok]
    if parts.size == 0:
        raise AnalysisError("streets: no line geometries; choose the street centre-line layer")
    coords, line = shapely.get_coordinates(parts, return_index=True)
    node, node_xy, snapped = _snap(coords, tolerance)
    first = np.r_[True, line[1:] != line[:-1]]
    last = np.r_[line[1:] != line[:-1], True]
    # A vertex splits its line when another line also passes through its node.
    key = np.unique(node.astype(np.int64) * parts.size + line)
    lines_at_node = np.bincount(key // parts.size, minlength=node_xy.shape[0])
    inner_split = (lines_at_node[node] > 1) & ~first & ~last
    rep = np.where(inner_split, 2, 1)
    starts = np.cumsum(rep) - rep
    new_edge = np.zeros(int(rep.sum()), dtype=bool)
    new_edge[starts[first]] = True
    new_edge[starts[inner_split] + 1] = True
    edge_id = np.cumsum(new_edge) - 1
    coords2 = np.repeat(coords, rep, axis=0)
    node2 = np.repeat(node, rep)
    begin = np.flatnonzero(new_edge)
    end = np.r_[begin[1:] - 1, new_edge.size - 1]
    edges: GeomArray = np.asarray(shapely.linestrings(coords2, indices=edge_id), dtype=object)
    u, v = node2[begin], node2[end]
    length: FloatArray = np.asarray(shapely.length(edges), dtype=float)
    keep = (u != v) | (length > 2 * tolerance)  # drop slivers collapsed by snapping
    edges, u, v, length = edges[keep], u[keep], v[keep], length[keep]
    source_row = row[np.repeat(line, rep)[begin]][keep]
    used, inverse = np.unique(np.r_[u, v], return_inverse=True)
    u, v = inverse[: u.size], inverse[u.size :]
    node_xy = node_xy[used]
    base = _dedup(np.r_[u, v], np.r_[v, u], np.r_[length, length])
    n = node_xy.shape[0]
    graph = csr_matrix((base[2], (base[0], base[1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    rank = np.empty_like(sizes)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(sizes.size)
    return StreetNetwork(
        edges=edges,
        u=u.astype(np.int64),
        v=v.astype(np.int64),
        length=length,
        node_xy=node_xy,
        component=rank[labels].astype(np.int64),
        source_row=source_row.astype(np.int64),
        tolerance=float(tolerance),
        snapped=snapped,
        crs=getattr(streets, "crs", None),
        tree=shapely.STRtree(edges),
        arcs=base,
    )


def _snap(coords: FloatArray, tolerance: float) -> tuple[IntArray, FloatArray, int]:
    """Return the node of every coordinate, the node coordinates and the moved-vertex count."""
    if tolerance > 0:
        pairs = cKDTree(coords).query_pairs(tolerance, output_type="ndarray")
        n = coords.shape[0]
        links = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
        _, label = connected_components(links, directed=False)
        _, first, node = np.unique(label, return_index=True, return_inverse=True)
    else:
        _, first, node = np.unique(coords, axis=0, return_index=True, return_inverse=True)
    node = node.ravel().astype(np.int64)
    node_xy = coords[first]
    moved = int(np.count_nonzero(np.any(coords != node_xy[node], axis=1)))
    return node, node_xy, moved


def _dedup(
    rows: IntArray, cols: IntArray, weights: FloatArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """Keep the lightest of parallel arcs (a sparse matrix would add them up)."""
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    keep = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])]
    return rows[keep], cols[keep], np.maximum(weights[keep], EPS)


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
