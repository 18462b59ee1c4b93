"""Cadastral attributes of the demo parcels: obręby, EGiB numbers, use, ownership."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from mgis.demo.coverage import node_coverage
from mgis.demo.parcels import Blocks, Cells
from mgis.demo.streets import FloatArray, GeomArray, IntArray

# category -> (land-use classes, weights)
USE: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "U": (("Bi", "B", "Ba"), (0.6, 0.35, 0.05)),
    "MW": (("B", "Bi"), (0.9, 0.1)),
    "MN": (("B", "R", "Ł", "Bi"), (0.8, 0.12, 0.05, 0.03)),
    "P": (("Ba", "Bi", "N"), (0.85, 0.1, 0.05)),
    "ZP": (("Bz", "Bi"), (0.9, 0.1)),
    "Ls": (("Ls", "Lz", "W"), (0.9, 0.07, 0.03)),
    "R": (("R", "Ł", "Ps", "W", "N", "Lz"), (0.78, 0.09, 0.06, 0.03, 0.02, 0.02)),
    "dr": (("dr",), (1.0,)),
}
OWNERS = ("Gmina", "Skarb Państwa", "osoba fizyczna", "spółdzielnia", "inne")
OWNERSHIP: dict[str, tuple[float, float, float, float, float]] = {
    "U": (0.2, 0.05, 0.4, 0.0, 0.35),
    "MW": (0.15, 0.02, 0.13, 0.55, 0.15),
    "MN": (0.04, 0.01, 0.9, 0.0, 0.05),
    "P": (0.05, 0.1, 0.25, 0.0, 0.6),
    "ZP": (0.9, 0.05, 0.0, 0.0, 0.05),
    "Ls": (0.1, 0.85, 0.05, 0.0, 0.0),
    "R": (0.04, 0.08, 0.85, 0.0, 0.03),
    "dr": (0.85, 0.13, 0.01, 0.0, 0.01),
}


@dataclass
class ParcelData:
    """All parcels with their attributes and the internal keys the other layers need."""

    geometry: GeomArray
    category: NDArray[np.str_]
    block: IntArray  # face index; road parcels carry the index of their face
    rho: FloatArray
    attrs: pd.DataFrame  # id_dzialki, obreb, numer, pow_m2, pow_ewid, wlasnosc, uzytek


def merge_parcels(
    cells: Cells, roads: GeomArray, road_face: IntArray, blocks: Blocks
) -> ParcelData:
    """Concatenate block parcels and road parcels and node them into a coverage.

    Parameters
    ----------
    cells : Cells
        Parcels cut out of the blocks.
    roads : numpy.ndarray
        Road parcels.
    road_face : numpy.ndarray
        Face index of each road parcel.
    blocks : Blocks
        The blocks (for the relative distance of the road parcels).

    Returns
    -------
    ParcelData
        All parcels, edge-matched with coordinates on a 1 mm grid (see
        :func:`mgis.demo.coverage.node_coverage`); no attributes yet.
    """
    n_roads = roads.size
    geometry = node_coverage(np.concatenate([cells.geometry, roads]))
    keep = ~shapely.is_missing(geometry)
    keep[keep] = ~shapely.is_empty(geometry[keep])
    attrs = pd.DataFrame(
        {"_row": np.concatenate([cells.row, np.full(n_roads, -1)])[keep],
         "_col": np.concatenate([cells.col, np.zeros(n_roads, np.int64)])[keep]}
    )  # fmt: skip
    return ParcelData(
        geometry=geometry[keep],
        category=np.concatenate([cells.category, np.full(n_roads, "dr")]).astype("<U2")[keep],
        block=np.concatenate([cells.block, road_face])[keep],
        rho=np.concatenate([cells.rho, blocks.rho[road_face]])[keep],
        attrs=attrs,
    )


def _morton(ix: IntArray, iy: IntArray) -> IntArray:
    """Interleave the bits of two non-negative 16-bit integer arrays (Z-order key)."""
    key = np.zeros(ix.size, np.int64)
    for bit in range(16):
        key |= ((ix >> bit) & 1) << (2 * bit)
        key |= ((iy >> bit) & 1) << (2 * bit + 1)
    return key


def obreb_seeds(boundary: shapely.Polygon, count: int, rng: np.random.Generator) -> FloatArray:
    """Seed points of the obręby: spread inside the boundary, numbered north to south."""
    minx, miny, maxx, maxy = boundary.bounds
    size = max(maxx - minx, maxy - miny)
    min_dist = 0.55 * size / np.sqrt(count)
    shapely.prepare(boundary)
    chosen: list[tuple[float, float]] = []
    while len(chosen) < count:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not shapely.contains_xy(boundary, x, y):
            continue
        if all(np.hypot(x - a, y - b) >= min_dist for a, b in chosen):
            chosen.append((x, y))
        else:
            min_dist *= 0.995
    pts = np.array(chosen)
    band = np.floor((maxy - pts[:, 1]) / (size / np.sqrt(count)))
    return pts[np.lexsort((pts[:, 0], band))]


def _numbers(
    order_keys: list[IntArray], obreb: IntArray, rng: np.random.Generator
) -> NDArray[np.str_]:
    """Make parcel numbers run through space within an obręb, ~30 % with sub-numbers."""
    n = obreb.size
    order = np.lexsort((*order_keys[::-1], obreb))
    ob_sorted = obreb[order]
    new_obreb = np.r_[True, ob_sorted[1:] != ob_sorted[:-1]]
    # group consecutive parcels into former parcels later divided (123/1, 123/2 ...)
    size = np.where(rng.random(n) < 0.875, 1, rng.integers(2, 5, n))
    starts = np.zeros(n, bool)
    pos = 0
    sizes = size.tolist()
    while pos < n:
        starts[pos] = True
        pos += sizes[pos]
    starts |= new_obreb
    group = np.cumsum(starts) - 1
    group_start = np.flatnonzero(starts)
    group_len = np.diff(np.r_[group_start, n])
    step = rng.choice([1, 1, 1, 2, 3], size=group_start.size)
    ob_of_group = ob_sorted[group_start]
    cum = np.cumsum(step)
    first_of_ob = np.r_[True, ob_of_group[1:] != ob_of_group[:-1]]
    offset = np.maximum.accumulate(np.where(first_of_ob, cum - step, 0))
    base = (cum - offset)[group]
    within = np.arange(n) - group_start[group]
    sub_start = rng.choice([1, 1, 1, 2, 3, 5], size=group_start.size)[group]
    multi = group_len[group] > 1
    sub = within + sub_start
    text = np.where(
        multi, np.char.add(np.char.add(base.astype(str), "/"), sub.astype(str)), base.astype(str)
    )
    out = np.empty(n, dtype=text.dtype)
    out[order] = text
    return out


def assign_attributes(
    data: ParcelData, seeds: FloatArray, teryt: str, rng: np.random.Generator
) -> pd.DataFrame:
    """Fill the EGiB attributes of every parcel.

    Parameters
    ----------
    data : ParcelData
        Parcels (centre-relative coordinates).
    seeds : numpy.ndarray
        ``(k, 2)`` obręb seed points in numbering order.
    teryt : str
        Seven-character gmina TERYT code (with the type digit).
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    pandas.DataFrame
        Columns ``id_dzialki, obreb, numer, pow_m2, pow_ewid, wlasnosc, uzytek``.
    """
    cen = shapely.get_coordinates(shapely.centroid(data.geometry))
    obreb = cKDTree(seeds).query(cen)[1].astype(np.int64)
    block_cen = np.zeros((int(data.block.max()) + 1, 2))
    np.add.at(block_cen, data.block, cen)
    block_cen /= np.maximum(np.bincount(data.block, minlength=block_cen.shape[0]), 1)[:, None]
    bc = block_cen[data.block]
    cell = np.floor((bc - bc.min(axis=0)) / 180.0).astype(np.int64)
    z = _morton(cell[:, 0], cell[:, 1])
    keys = [z, data.block, data.attrs["_row"].to_numpy(), data.attrs["_col"].to_numpy()]
    numer = _numbers(keys, obreb, rng)
    obreb_txt = np.char.zfill((obreb + 1).astype(str), 4)
    prefix = f"{teryt[:6]}_{teryt[6]}."
    ids = np.char.add(np.char.add(np.char.add(prefix, obreb_txt), "."), numer)
    area = shapely.area(data.geometry)
    ewid = np.round(area)
    differ = rng.random(area.size) < 0.12
    ewid[differ] = np.round(area[differ] * (1 + rng.uniform(-0.04, 0.04, int(differ.sum()))))
    uzytek = np.empty(area.size, dtype="<U2")
    owner = np.empty(area.size, dtype=object)
    for cat, (classes, weights) in USE.items():
        sel = data.category == cat
        k = int(sel.sum())
        uzytek[sel] = rng.choice(np.array(classes), size=k, p=np.array(weights) / sum(weights))
        owner[sel] = rng.choice(np.array(OWNERS), size=k, p=np.array(OWNERSHIP[cat]))
    return pd.DataFrame(
        {
            "id_dzialki": ids,
            "obreb": obreb_txt,
            "numer": numer,
            "pow_m2": np.round(area, 1),
            "pow_ewid": ewid,
            "wlasnosc": owner.astype(str),
            "uzytek": uzytek,
        }
    )
