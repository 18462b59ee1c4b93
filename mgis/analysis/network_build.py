"""Building the walking graph: noding and snapping of street lines, connected parts.

The street lines become a graph whose nodes are line ends and every vertex shared
by two or more lines (after snapping vertices closer than a tolerance) and whose
edges are the line pieces between them, weighted by length. The largest connected
part is component 0; :func:`summarize_network` gives the graph in figures (size,
islands, snapping). Attaching features and shortest paths are in
:mod:`mgis.analysis.network_graph`.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import LineString
>>> streets = gpd.GeoSeries([LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 50)])])
>>> net = build_network(streets)
>>> (net.n_nodes, net.n_edges, float(net.length.sum()))
(3, 2, 150.0)
>>> summarize_network(net).components
1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from mgis.analysis._checks import AnalysisError, require_metric_crs

__all__ = [
    "EPS",
    "BoolArray",
    "FloatArray",
    "GeomArray",
    "IntArray",
    "NetworkSummary",
    "StreetNetwork",
    "as_network",
    "build_network",
    "summarize_network",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
GeomArray = NDArray[np.object_]
BoolArray = NDArray[np.bool_]

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


def as_network(streets: Any, tolerance: float = 0.5) -> StreetNetwork:
    """Return ``streets`` if it is a :class:`StreetNetwork`, else build one from the lines."""
    if isinstance(streets, StreetNetwork):
        return streets
    require_metric_crs(streets, roles=["streets"])
    return build_network(streets, tolerance)


def _geoms(frame: Any) -> GeomArray:
    """Return the geometry column of a frame or series as an object array."""
    return np.asarray(frame.geometry.array if hasattr(frame, "geometry") else frame, dtype=object)
