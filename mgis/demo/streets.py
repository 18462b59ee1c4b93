"""Street network and blocks of the demo town.

The network is a jittered lattice in *warped* coordinates: lattice distance
``q`` maps to physical radius ``r`` so that street spacing grows from about
70 m in the centre to about 400 m at the edge. Two lattice axes are arterials,
a ring road and four diagonal roads are overlaid and noded, some edges are
dropped (merged blocks, a forest, a park, an industrial estate), and the faces
of the network become the street blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from mgis.demo import names

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
GeomArray = NDArray[np.object_]

A0 = 300.0  # mean parcel area in the centre, m2
A_GROWTH = 30.0  # parcel area grows as A0 * (1 + A_GROWTH * rho**2)
SPACING_FACTOR = 4.2  # street spacing / sqrt(parcel area)
TWIST = 0.1  # lattice rotation (radians) at the town edge


def parcel_area(rho: FloatArray) -> FloatArray:
    """Target parcel area (m2) at relative distance ``rho`` from the centre."""
    return A0 * (1.0 + A_GROWTH * np.clip(rho, 0.0, 1.3) ** 2)


def radius_for(parcels: int) -> float:
    """Town radius (m) that holds ``parcels`` parcels of :func:`parcel_area` size."""
    density = np.pi / (A0 * A_GROWTH) * np.log1p(A_GROWTH)  # integral of 2 pi rho / a
    return float(np.sqrt(parcels / density))


@dataclass(frozen=True)
class Feature:
    """A disc where the lattice is thinned out: forest, park or industrial estate."""

    x: float
    y: float
    radius: float
    kind: str  # "Ls", "ZP" or "P"
    drop: float  # share of lattice edges removed inside


@dataclass
class Network:
    """Noded street lines with attributes and the faces (blocks incl. roads)."""

    lines: GeomArray
    name: NDArray[np.str_]
    klasa: NDArray[np.str_]
    faces: GeomArray
    run: IntArray  # named run of lattice edges (-1: arterial or ring with a fixed name)


def _warp_tables(radius: float) -> tuple[FloatArray, FloatArray]:
    """Tabulate lattice distance q against physical radius r."""
    r = np.linspace(0.0, radius * 1.5, 4000)
    spacing = SPACING_FACTOR * np.sqrt(parcel_area(r / radius))
    inv = 1.0 / spacing
    q = np.concatenate([[0.0], np.cumsum((inv[1:] + inv[:-1]) / 2 * np.diff(r))])
    return q, r


def _lattice_nodes(
    radius: float, rng: np.random.Generator
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
    """Jittered warped lattice nodes: (i, j, x, y, rho) relative to the centre."""
    q_tab, r_tab = _warp_tables(radius)
    q_max = float(np.interp(radius * 1.32, r_tab, q_tab)) + 1.0
    k = int(np.ceil(q_max))
    ii, jj = np.meshgrid(np.arange(-k, k + 1), np.arange(-k, k + 1), indexing="ij")
    qi = np.hypot(ii, jj).ravel()
    keep = qi <= q_max
    i = ii.ravel()[keep].astype(np.int64)
    j = jj.ravel()[keep].astype(np.int64)
    r = np.interp(qi[keep], q_tab, r_tab)
    rho = r / radius
    theta = np.arctan2(j, i) + TWIST * rho
    spacing = SPACING_FACTOR * np.sqrt(parcel_area(rho))
    jitter = rng.normal(0.0, 0.07, size=(2, r.size)) * spacing
    on_axis = (i == 0) | (j == 0)
    jitter[:, on_axis] *= 0.3  # arterials stay fairly straight
    x = r * np.cos(theta) + jitter[0]
    y = r * np.sin(theta) + jitter[1]
    return i, j, x, y, rho


def _lattice_edges(
    i: IntArray, j: IntArray, rng: np.random.Generator
) -> tuple[IntArray, IntArray, NDArray[np.bool_]]:
    """Edges between lattice neighbours: (from, to, horizontal flag)."""
    span = int(max(np.abs(i).max(), np.abs(j).max())) * 2 + 3
    key = (i + span) * (2 * span) + (j + span)
    order = np.argsort(key)
    sorted_key = key[order]

    def lookup(target: IntArray) -> IntArray:
        pos = np.searchsorted(sorted_key, target)
        pos = np.clip(pos, 0, sorted_key.size - 1)
        found = sorted_key[pos] == target
        return np.where(found, order[pos], -1)

    nodes = np.arange(i.size)
    right = lookup(key + 2 * span)  # (i + 1, j)
    up = lookup(key + 1)  # (i, j + 1)
    src = np.concatenate([nodes[right >= 0], nodes[up >= 0]])
    dst = np.concatenate([right[right >= 0], up[up >= 0]])
    horizontal = np.concatenate(
        [np.ones(int((right >= 0).sum()), bool), np.zeros(int((up >= 0).sum()), bool)]
    )
    return src, dst, horizontal


def _drop_edges(
    src: IntArray,
    dst: IntArray,
    protected: NDArray[np.bool_],
    *,
    x: FloatArray,
    y: FloatArray,
    rho: FloatArray,
    features: list[Feature],
    rng: np.random.Generator,
) -> NDArray[np.bool_]:
    """Choose edges to keep: clear feature discs, thin out the outskirts, no dangles."""
    keep = np.ones(src.size, bool)
    mx = (x[src] + x[dst]) / 2
    my = (y[src] + y[dst]) / 2
    for feat in features:
        inside_a = np.hypot(x[src] - feat.x, y[src] - feat.y) < feat.radius
        inside_b = np.hypot(x[dst] - feat.x, y[dst] - feat.y) < feat.radius
        inside = (inside_a | inside_b) & ~protected
        if feat.drop < 1.0:
            inside &= (np.hypot(mx - feat.x, my - feat.y) < feat.radius) & (
                rng.random(src.size) < feat.drop
            )
        keep &= ~inside
    degree = np.bincount(src[keep], minlength=x.size) + np.bincount(dst[keep], minlength=x.size)
    rho_edge = (rho[src] + rho[dst]) / 2
    p_drop = np.clip(0.04 + 0.22 * rho_edge, 0.0, 0.3)
    candidates = np.flatnonzero(keep & ~protected & (rng.random(src.size) < p_drop))
    for e in rng.permutation(candidates).tolist():
        a, b = src[e], dst[e]
        if degree[a] >= 4 and degree[b] >= 4:
            keep[e] = False
            degree[a] -= 1
            degree[b] -= 1
    return keep


def _ring_and_diagonals(
    radius: float, starts: FloatArray, rng: np.random.Generator
) -> tuple[list[shapely.LineString], list[str], list[str]]:
    """Draw the ring road (four named arcs) and four diagonal arterials from lattice nodes."""
    lines: list[shapely.LineString] = []
    line_names: list[str] = []
    klasy: list[str] = []
    ring_r = 0.42 * radius
    phase = rng.uniform(0, 2 * np.pi, 3)
    for arc in range(4):
        t = np.linspace(arc * np.pi / 2, (arc + 1) * np.pi / 2, 48) + np.pi / 4
        rr = ring_r * (1 + 0.04 * np.sin(2 * t + phase[0]) + 0.03 * np.sin(3 * t + phase[1]))
        lines.append(shapely.LineString(np.column_stack([rr * np.cos(t), rr * np.sin(t)])))
        line_names.append(names.RING_NAMES[arc])
        klasy.append("G")
    for d in range(4):
        x0, y0 = starts[d]
        ang = np.arctan2(y0, x0) + rng.uniform(-0.05, 0.05)
        r = np.linspace(np.hypot(x0, y0), 1.4 * radius, 24)
        bend = 0.04 * np.sin((r - r[0]) / radius * 3 + phase[2] + d)
        xy = np.column_stack([r * np.cos(ang + bend), r * np.sin(ang + bend)])
        xy[0] = (x0, y0)
        lines.append(shapely.LineString(xy))
        line_names.append(names.ARTERIALS[4 + d])
        klasy.append("Z")
    return lines, line_names, klasy


def _lattice_attributes(
    i: IntArray,
    j: IntArray,
    src: IntArray,
    dst: IntArray,
    *,
    horizontal: NDArray[np.bool_],
    rho_edge: FloatArray,
) -> tuple[NDArray[np.str_], NDArray[np.str_], IntArray]:
    """Names, classes and run keys of lattice edges: axis arterials, collectors, local runs."""
    line_id = np.where(horizontal, j[src], i[src])  # the lattice row or column
    along = np.where(horizontal, np.minimum(i[src], i[dst]), np.minimum(j[src], j[dst]))
    run_len = 9
    run = np.floor_divide(along, run_len)
    span = int(np.abs(line_id).max()) + 2
    run_key = (horizontal.astype(np.int64) * (2 * span) + line_id + span) * 10_000 + run + 5000
    name = np.full(run_key.size, "", dtype=object)  # local names are given after clipping
    klasa = np.where(rho_edge < 0.55, "L", "D").astype("<U1")
    collector = (line_id % 6 == 3) & (rho_edge < 1.0)
    klasa[collector] = "Z"
    axis = line_id == 0
    klasa[axis] = "G"
    arm = np.where(horizontal, np.sign(i[src] + i[dst]), 2 + np.sign(j[src] + j[dst]))
    arm_names = {1: names.ARTERIALS[0], -1: names.ARTERIALS[1], 3: names.ARTERIALS[2]}
    for code, label in arm_names.items():
        name[axis & (arm == code)] = label
    name[axis & (arm == 1) & ~horizontal] = names.ARTERIALS[3]
    return name.astype(str), klasa, np.where(axis, -1, run_key).astype(np.int64)


def build_network(radius: float, features: list[Feature], rng: np.random.Generator) -> Network:
    """Build the noded street network and its faces around the origin.

    Parameters
    ----------
    radius : float
        Town radius in metres.
    features : list of Feature
        Discs where lattice edges are removed.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    Network
        Street lines (coordinates relative to the town centre) split at every
        intersection, with ``name`` and ``klasa``, and the polygon faces.
    """
    i, j, x, y, rho = _lattice_nodes(radius, rng)
    src, dst, horizontal = _lattice_edges(i, j, rng)
    protected = np.where(horizontal, j[src] == 0, i[src] == 0)
    keep = _drop_edges(src, dst, protected, x=x, y=y, rho=rho, features=features, rng=rng)
    src, dst, horizontal = src[keep], dst[keep], horizontal[keep]
    rho_edge = (rho[src] + rho[dst]) / 2
    name, klasa, run = _lattice_attributes(i, j, src, dst, horizontal=horizontal, rho_edge=rho_edge)
    coords = np.stack([np.column_stack([x[src], y[src]]), np.column_stack([x[dst], y[dst]])], 1)
    edges: GeomArray = np.asarray(shapely.linestrings(coords), dtype=object)

    starts = np.zeros((4, 2))
    r_node = np.hypot(x, y)
    for d, (si, sj) in enumerate(((1, 1), (-1, 1), (-1, -1), (1, -1))):
        diag = np.flatnonzero((i * si == j * sj) & (i * si > 0))
        best = diag[np.argmin(np.abs(r_node[diag] - 0.3 * radius))]
        starts[d] = (x[best], y[best])
    extra, extra_names, extra_klasy = _ring_and_diagonals(radius, starts, rng)
    extra_arr = np.array(extra, dtype=object)
    tree = shapely.STRtree(edges)
    _, hit = tree.query(extra_arr, predicate="intersects")
    hit = np.unique(hit)
    untouched = np.ones(edges.size, bool)
    untouched[hit] = False
    to_node = np.concatenate([edges[hit], extra_arr])
    noded = shapely.get_parts(shapely.union_all(to_node))
    src_lines = np.concatenate([edges[hit], extra_arr])
    src_name = np.concatenate([name[hit], np.array(extra_names)])
    src_klasa = np.concatenate([klasa[hit], np.array(extra_klasy)])
    src_run = np.concatenate([run[hit], np.full(len(extra), -1)])
    mids = shapely.line_interpolate_point(noded, 0.5, normalized=True)
    nearest = shapely.STRtree(src_lines).query_nearest(
        mids, return_distance=False, all_matches=False
    )
    owner = nearest[1][np.argsort(nearest[0])]
    lines = np.concatenate([edges[untouched], noded])
    all_name = np.concatenate([name[untouched], src_name[owner]])
    all_klasa = np.concatenate([klasa[untouched], src_klasa[owner]])
    all_run = np.concatenate([run[untouched], src_run[owner]])
    faces = shapely.get_parts(shapely.polygonize(lines))
    return Network(lines=lines, name=all_name, klasa=all_klasa, faces=faces, run=all_run)


def clip_streets(net: Network, boundary: shapely.Polygon, rng: np.random.Generator) -> Network:
    """Clip the lines to the boundary, keep the largest connected component, name the runs.

    Parameters
    ----------
    net : Network
        Unclipped network.
    boundary : shapely.Polygon
        Town boundary (centre-relative coordinates).
    rng : numpy.random.Generator
        Shuffles the street-name pool.

    Returns
    -------
    Network
        Same faces; lines reduced to one connected network inside the boundary;
        local streets named from the pool, central ones first.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    shapely.prepare(boundary)
    inside = shapely.contains(boundary, net.lines)
    crossing = ~inside & shapely.intersects(boundary, net.lines)
    clipped = shapely.intersection(net.lines[crossing], boundary)
    parts, idx = shapely.get_parts(clipped, return_index=True)
    is_line = shapely.get_type_id(parts) == 1
    parts, idx = parts[is_line], idx[is_line]
    lines = np.concatenate([net.lines[inside], parts])
    name = np.concatenate([net.name[inside], net.name[crossing][idx]])
    klasa = np.concatenate([net.klasa[inside], net.klasa[crossing][idx]])
    run = np.concatenate([net.run[inside], net.run[crossing][idx]])
    start = shapely.get_coordinates(shapely.get_point(lines, 0))
    end = shapely.get_coordinates(shapely.get_point(lines, -1))
    ends = np.round(np.concatenate([start, end]) * 1000).astype(np.int64)
    _, node = np.unique(ends, axis=0, return_inverse=True)
    node = node.ravel()
    n = lines.size
    graph = coo_matrix((np.ones(n), (node[:n], node[n:])), shape=(node.max() + 1,) * 2)
    _, label = connected_components(graph, directed=False)
    comp = label[node[:n]]
    biggest = np.bincount(comp).argmax()
    sel = comp == biggest
    lines, name, klasa, run = lines[sel], name[sel], klasa[sel], run[sel]
    local = run >= 0
    mid = shapely.get_coordinates(shapely.centroid(lines[local]))
    dist = np.hypot(mid[:, 0], mid[:, 1])
    uniq, inverse = np.unique(run[local], return_inverse=True)
    closest = np.full(uniq.size, np.inf)
    np.minimum.at(closest, inverse, dist)
    rank = np.empty(uniq.size, np.int64)
    rank[np.argsort(closest, kind="stable")] = np.arange(uniq.size)
    pool = np.array(names.street_name_pool(uniq.size, rng))
    name = name.astype(object)
    name[local] = pool[rank[inverse]]
    return Network(lines=lines, name=name.astype(str), klasa=klasa, faces=net.faces, run=run)
