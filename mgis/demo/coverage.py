"""Edge-matching (noding) of the demo parcels into a valid polygonal coverage.

Parcels cut independently out of their blocks meet at T-junctions: a corner of
one parcel lies in the middle of its neighbour's edge (strip cuts of one row
ending on the cut line of the next row, parcels ending on the inner ring of the
road parcel around their block), and corners computed by separate overlays
differ in the last bits. Real cadastral data (EGiB) is noded, and
:func:`shapely.coverage_union_all` needs it, so :func:`node_coverage` inserts
every neighbour vertex lying on a parcel's edge into that edge, merges
vertices closer than two grid cells and rounds all coordinates to a common
grid (1 mm), so that the rounding keeps the shared vertices shared and
cannot fold an edge over its neighbour.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from mgis.demo.parcels import largest_polygon
from mgis.demo.streets import FloatArray, GeomArray, IntArray

GRID = 1e-3  # metres: coordinates are rounded to 1 mm
FLOAT_TOLERANCE = 1e-6  # metres: T-junctions before rounding lie within float noise
MERGE_CELLS = 2.0  # vertices closer than this many grid cells become one


def _unique_vertices(geoms: GeomArray) -> tuple[FloatArray, IntArray, IntArray]:
    """All distinct vertices, and for every vertex occurrence its vertex id and geometry."""
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    as_complex = np.ascontiguousarray(xy).view(np.complex128).ravel()
    uniq, vertex = np.unique(as_complex, return_inverse=True)
    coords = np.column_stack([uniq.real, uniq.imag])
    return coords, vertex.ravel().astype(np.int64), owner.astype(np.int64)


def find_tjunctions(geoms: GeomArray, tolerance: float) -> tuple[FloatArray, IntArray, IntArray]:
    """Find vertices lying on (within ``tolerance`` of) the edges of other polygons.

    Parameters
    ----------
    geoms : numpy.ndarray
        Polygons.
    tolerance : float
        Largest distance from a vertex to an edge counted as "on the edge".

    Returns
    -------
    coords : numpy.ndarray
        ``(k, 2)`` distinct vertices of all polygons.
    vertex : numpy.ndarray
        Index into ``coords`` of each T-junction vertex.
    polygon : numpy.ndarray
        Index of the polygon whose boundary the vertex lies on but which lacks it,
        sorted ascending.
    """
    coords, vertex, owner = _unique_vertices(geoms)
    n = np.int64(max(geoms.size, 1))
    own = np.sort(vertex * n + owner)  # (vertex, polygon) pairs that exist already
    x0, y0, x1, y1 = shapely.bounds(geoms).T
    tol = tolerance
    tree = shapely.STRtree(shapely.box(x0 - tol, y0 - tol, x1 + tol, y1 + tol))
    points: GeomArray = np.asarray(shapely.points(coords), dtype=object)
    vi, pi = tree.query(points)
    key = vi.astype(np.int64) * n + pi
    pos = np.minimum(np.searchsorted(own, key), own.size - 1)
    foreign = own[pos] != key
    vi, pi = vi[foreign], pi[foreign]
    near = shapely.dwithin(points[vi], shapely.boundary(geoms)[pi], tolerance)
    vi, pi = vi[near], pi[near]
    order = np.argsort(pi, kind="stable")
    return coords, vi[order].astype(np.int64), pi[order].astype(np.int64)


def _insert_tjunctions(geoms: GeomArray, tolerance: float) -> GeomArray:
    """Snap the neighbours' vertices lying on each polygon's edges into those edges."""
    coords, vertex, polygon = find_tjunctions(geoms, tolerance)
    if polygon.size == 0:
        return geoms
    targets, group = np.unique(polygon, return_inverse=True)
    points = shapely.multipoints(coords[vertex], indices=group)
    out = geoms.copy()
    out[targets] = shapely.snap(geoms[targets], points, tolerance)
    return out


def _repair(geoms: GeomArray, grid: float) -> GeomArray:
    """Snap-round the invalid polygons again, keeping their largest part."""
    bad = np.flatnonzero(~shapely.is_valid(geoms))
    if bad.size:
        out = geoms.copy()
        out[bad] = largest_polygon(shapely.set_precision(geoms[bad], grid))
        return out
    return geoms


def _merged_rounded(coords: FloatArray, radius: float, grid: float) -> FloatArray:
    """Move every cluster of vertices closer than ``radius`` onto one, rounded to ``grid``."""
    target = np.arange(coords.shape[0])
    pairs = cKDTree(coords).query_pairs(radius, output_type="ndarray")
    if pairs.size:
        nodes = np.unique(pairs)
        sub = np.searchsorted(nodes, pairs)
        graph = coo_matrix((np.ones(sub.shape[0]), (sub[:, 0], sub[:, 1])), shape=(nodes.size,) * 2)
        _, label = connected_components(graph, directed=False)
        first = np.full(int(label.max()) + 1, nodes.size)
        np.minimum.at(first, label, np.arange(nodes.size))
        target[nodes] = nodes[first[label]]
    return np.asarray(np.round(coords[target] / grid) * grid, dtype=np.float64)


def node_coverage(geoms: GeomArray, grid: float = GRID) -> GeomArray:
    """Make non-overlapping polygons edge-matched, with coordinates on a ``grid``.

    Every vertex lying on another polygon's edge (within float noise) is
    inserted into that edge; then vertices closer than two grid cells are merged
    (so rounding cannot swap them or fold an edge) and all are rounded to the
    grid. Polygons the rounding made invalid are snap-rounded again.

    Parameters
    ----------
    geoms : numpy.ndarray
        Polygons tiling (part of) the plane without overlaps, up to float noise.
    grid : float
        Grid size in the units of the coordinates.

    Returns
    -------
    numpy.ndarray
        The same polygons in the same order, noded: neighbours share all the
        vertices of their common boundary. A polygon collapsing below the grid
        becomes None.
    """
    out = _insert_tjunctions(geoms, FLOAT_TOLERANCE)
    coords, vertex, _ = _unique_vertices(out)
    moved = _merged_rounded(coords, MERGE_CELLS * grid, grid)[vertex]
    out = shapely.transform(out, lambda _: moved)
    return _repair(out, grid)
