"""Blocks, land-use categories and cadastral parcels of the demo town.

Every street face is shrunk by half a street width into a block; the rim
left over is a road parcel (``dr``). Each block is cut into rows and columns
in the frame of its oriented envelope (slanted, jittered cuts) and the cells
are clipped to the block in one vectorised :func:`shapely.intersection`, so the
parcels tile the town without overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from mgis.demo.streets import FloatArray, GeomArray, IntArray, Network, parcel_area

HALF_WIDTH = {"G": 11.0, "Z": 8.0, "L": 6.0, "D": 5.0}
CATEGORIES = ("U", "MW", "MN", "P", "ZP", "Ls", "R", "dr")


@dataclass
class Blocks:
    """Street faces clipped to the boundary and the blocks inside them."""

    face: GeomArray
    block: GeomArray
    rim: GeomArray  # face minus block: the road parcels (before splitting into parts)
    category: NDArray[np.str_]
    rho: FloatArray
    touches_g: NDArray[np.bool_]


@dataclass
class Cells:
    """Raw parcels before attributes: geometry, block index (-1 = road), row, column."""

    geometry: GeomArray
    block: IntArray
    row: IntArray
    col: IntArray
    category: NDArray[np.str_]
    rho: FloatArray


def smooth_noise(
    x: FloatArray, y: FloatArray, scale: float, rng: np.random.Generator
) -> FloatArray:
    """Smooth random field ranked to uniform [0, 1) over the given points."""
    field = np.zeros_like(x)
    for _ in range(7):
        ang = rng.uniform(0, 2 * np.pi)
        k = 2 * np.pi / (scale * rng.uniform(0.6, 1.6))
        field += np.cos(k * (x * np.cos(ang) + y * np.sin(ang)) + rng.uniform(0, 2 * np.pi))
    ranks = np.empty(x.size)
    ranks[np.argsort(field, kind="stable")] = np.arange(x.size)
    return ranks / max(x.size, 1)


def _categories(
    cx: FloatArray,
    cy: FloatArray,
    rho: FloatArray,
    *,
    radius: float,
    features: list[tuple[float, float, float, str]],
    rng: np.random.Generator,
) -> NDArray[np.str_]:
    """Land-use category of each face from distance, two noise fields and the feature discs."""
    n1 = smooth_noise(cx, cy, 0.35 * radius, rng)
    n2 = smooth_noise(cx, cy, 0.25 * radius, rng)
    u = rng.random(cx.size)
    cat = np.full(cx.size, "MN", dtype="<U2")
    centre = rho < 0.13
    cat[centre] = np.where(n1[centre] < 0.55, "U", "MW")
    inner = (rho >= 0.13) & (rho < 0.38)
    cat[inner & (n1 > 0.62)] = "MW"
    cat[inner & (n1 < 0.1)] = "U"
    mid = (rho >= 0.38) & (rho < 0.62)
    cat[mid & (n2 > 0.88)] = "P"
    cat[mid & (n1 < 0.12)] = "R"
    outer = (rho >= 0.62) & (rho < 0.8)
    cat[outer & (n1 < 0.5)] = "R"
    cat[outer & (n2 > 0.93)] = "Ls"
    far = rho >= 0.8
    cat[far] = np.where(u[far] < 0.12, "MN", "R")
    cat[far & (n2 > 0.9)] = "Ls"
    skwer = (rho < 0.4) & (u > 0.975)
    cat[skwer] = "ZP"
    for fx, fy, fr, kind in features:
        cat[np.hypot(cx - fx, cy - fy) < fr] = kind
    return cat


def make_blocks(
    net: Network,
    boundary: shapely.Polygon,
    radius: float,
    features: list[tuple[float, float, float, str]],
    rng: np.random.Generator,
) -> Blocks:
    """Shrink the faces into blocks, clip to the boundary, assign categories.

    Parameters
    ----------
    net : Network
        Street network with faces (centre-relative coordinates).
    boundary : shapely.Polygon
        Town boundary.
    radius : float
        Town radius in metres.
    features : list of tuple
        ``(x, y, radius, category)`` discs forcing a category.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    Blocks
        One entry per face that overlaps the boundary.
    """
    faces = net.faces
    shapely.prepare(boundary)
    faces = faces[shapely.intersects(boundary, faces)]
    half = np.full(faces.size, HALF_WIDTH["D"])
    touches_g = np.zeros(faces.size, bool)
    tree = shapely.STRtree(faces)
    for klasa in ("L", "Z", "G"):
        _, hit = tree.query(net.lines[net.klasa == klasa], predicate="intersects")
        half[hit] = np.maximum(half[hit], HALF_WIDTH[klasa])
        if klasa == "G":
            touches_g[hit] = True
    block = shapely.buffer(faces, -half, join_style="mitre", mitre_limit=3.0)
    # rim before clipping: (face - block) & boundary has no hair-thin sliver along the
    # boundary, unlike (face & boundary) - (block & boundary)
    rim = shapely.difference(faces, block)
    inside = shapely.contains(boundary, faces)
    face_c = faces.copy()
    face_c[~inside] = shapely.intersection(faces[~inside], boundary)
    block[~inside] = shapely.intersection(block[~inside], boundary)
    rim[~inside] = shapely.intersection(rim[~inside], boundary)
    ok = ~shapely.is_empty(face_c) & (shapely.area(face_c) > 1.0)
    face_c, block, rim, touches_g = face_c[ok], block[ok], rim[ok], touches_g[ok]
    cen = shapely.get_coordinates(shapely.centroid(face_c))
    rho = np.hypot(cen[:, 0], cen[:, 1]) / radius
    cat = _categories(cen[:, 0], cen[:, 1], rho, radius=radius, features=features, rng=rng)
    return Blocks(face=face_c, block=block, rim=rim, category=cat, rho=rho, touches_g=touches_g)


def largest_polygon(geoms: GeomArray) -> GeomArray:
    """Replace every geometry by its largest polygon part (None when there is none)."""
    out = np.full(geoms.size, None, dtype=object)
    simple = shapely.get_type_id(geoms) == 3
    out[simple] = geoms[simple]
    rest = np.flatnonzero(~simple & ~shapely.is_empty(geoms))
    if rest.size:
        parts, idx = shapely.get_parts(geoms[rest], return_index=True)
        parts, sub = shapely.get_parts(parts, return_index=True)  # collections hold multis
        idx = idx[sub]
        poly = shapely.get_type_id(parts) == 3
        parts, idx = parts[poly], idx[poly]
        order = np.lexsort((-shapely.area(parts), idx))
        first = np.unique(idx[order], return_index=True)[1]
        out[rest[idx[order][first]]] = parts[order][first]
    return out


def road_parcels(blocks: Blocks) -> tuple[GeomArray, IntArray]:
    """Road parcels: the rim of every face outside its block, split into parts."""
    parts, idx = shapely.get_parts(blocks.rim, return_index=True)
    keep = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 2.0)
    return parts[keep], idx[keep].astype(np.int64)


def _rows_for(category: NDArray[np.str_], width: FloatArray, n: IntArray) -> IntArray:
    """Return the number of parcel rows per block from its width and use."""
    depth = np.select(
        [category == "R", category == "Ls", category == "MN", category == "P"],
        [1e9, 1e9, 38.0, 90.0],
        default=30.0,
    )
    rows = np.clip(np.round(width / depth), 1, 4).astype(np.int64)
    return np.asarray(np.minimum(rows, np.maximum(n, 1)), dtype=np.int64)


def split_blocks(blocks: Blocks, counts: IntArray, rng: np.random.Generator) -> Cells:
    """Cut every block into ``counts[b]`` parcels (rows x columns of slanted strips).

    Parameters
    ----------
    blocks : Blocks
        Blocks to split.
    counts : numpy.ndarray
        Parcels wanted per block (>= 1 for non-empty blocks, 0 to skip).
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    Cells
        Parcels clipped to their blocks; empty cells are dropped.
    """
    valid = np.flatnonzero((counts > 0) & ~shapely.is_empty(blocks.block))
    env = shapely.oriented_envelope(blocks.block[valid])
    env_ok = shapely.get_type_id(env) == 3
    valid, env = valid[env_ok], env[env_ok]
    ring = shapely.get_coordinates(shapely.get_exterior_ring(env)).reshape(-1, 5, 2)
    p0, p1, p3 = ring[:, 0], ring[:, 1], ring[:, 3]
    e1, e2 = p1 - p0, p3 - p0
    l1, l2 = np.hypot(*e1.T), np.hypot(*e2.T)
    swap = l2 > l1
    axis_u = np.where(swap[:, None], e2, e1) / np.maximum(np.maximum(l1, l2), 1e-9)[:, None]
    axis_v = np.where(swap[:, None], e1, e2) / np.maximum(np.minimum(l1, l2), 1e-9)[:, None]
    length = np.maximum(l1, l2) + 2.0
    width = np.minimum(l1, l2) + 2.0
    origin = p0 - axis_u - axis_v
    n = counts[valid]
    rows = _rows_for(blocks.category[valid], width, n)
    # rows of block b: sizes n // rows (+1 for the first n % rows rows)
    row_block = np.repeat(np.arange(valid.size), rows)
    row_no = np.arange(row_block.size) - np.repeat(np.cumsum(rows) - rows, rows)
    row_cols = n[row_block] // rows[row_block] + (row_no < n[row_block] % rows[row_block])
    v_frac = row_no / rows[row_block]
    v_jit = np.where(row_no > 0, rng.uniform(-0.08, 0.08, row_block.size) / rows[row_block], 0)
    v_lo = (v_frac + v_jit) * width[row_block]
    v_hi = np.empty_like(v_lo)
    v_hi[:-1] = v_lo[1:]
    last_row = row_no == rows[row_block] - 1
    v_hi[last_row] = width[row_block][last_row]
    # cuts: row_cols + 1 per row, jittered and slanted except the two ends
    n_cuts = row_cols + 1
    cut_row = np.repeat(np.arange(row_block.size), n_cuts)
    cut_no = np.arange(cut_row.size) - np.repeat(np.cumsum(n_cuts) - n_cuts, n_cuts)
    step = length[row_block][cut_row] / row_cols[cut_row]
    interior = (cut_no > 0) & (cut_no < row_cols[cut_row])
    shift = np.where(interior, rng.uniform(-0.22, 0.22, cut_row.size) * step, 0.0)
    slant = np.where(interior, rng.uniform(-0.12, 0.12, cut_row.size) * step, 0.0)
    u_bot = cut_no * step + shift + slant
    u_top = cut_no * step + shift - slant
    first_cut = np.cumsum(n_cuts) - n_cuts
    cell_row = np.repeat(np.arange(row_block.size), row_cols)
    cell_col = np.arange(cell_row.size) - np.repeat(np.cumsum(row_cols) - row_cols, row_cols)
    a = first_cut[cell_row] + cell_col
    b = a + 1
    vl, vh = v_lo[cell_row], v_hi[cell_row]
    local = np.stack(
        [
            np.column_stack([u_bot[a], vl]),
            np.column_stack([u_bot[b], vl]),
            np.column_stack([u_top[b], vh]),
            np.column_stack([u_top[a], vh]),
        ],
        axis=1,
    )
    blk = row_block[cell_row]
    world = (
        origin[blk][:, None, :]
        + local[:, :, :1] * axis_u[blk][:, None, :]
        + local[:, :, 1:] * axis_v[blk][:, None, :]
    )
    cells = shapely.polygons(world)
    block_idx = valid[blk]
    clipped = largest_polygon(shapely.intersection(cells, blocks.block[block_idx]))
    keep = ~shapely.is_missing(clipped)
    keep[keep] = shapely.area(clipped[keep]) > 0.5
    return Cells(
        geometry=clipped[keep],
        block=block_idx[keep].astype(np.int64),
        row=row_no[cell_row][keep].astype(np.int64),
        col=cell_col[keep].astype(np.int64),
        category=blocks.category[block_idx[keep]],
        rho=blocks.rho[block_idx[keep]],
    )


def allocate(blocks: Blocks, total: int) -> IntArray:
    """Spread ``total`` parcels over blocks by area / target parcel size (>= 1 each)."""
    area = shapely.area(blocks.block)
    area = np.where(shapely.is_empty(blocks.block), 0.0, area)
    scale = np.select([blocks.category == "P", blocks.category == "Ls"], [2.5, 3.0], default=1.0)
    weight = area / (parcel_area(blocks.rho) * scale)
    has = weight > 0
    counts = has.astype(np.int64)
    spare = total - int(counts.sum())
    if spare <= 0:
        return np.asarray(counts, dtype=np.int64)
    share = weight / weight.sum() * spare
    base = np.floor(share).astype(np.int64)
    rest = spare - int(base.sum())
    frac = share - base
    top = np.argsort(-frac, kind="stable")[:rest]
    base[top] += 1
    return np.asarray(counts + base, dtype=np.int64)
