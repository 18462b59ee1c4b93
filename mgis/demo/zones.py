"""Area layers of the demo town: boundary, districts, green areas, local plan zones."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from mgis.demo import names
from mgis.demo.parcels import Blocks
from mgis.demo.streets import GeomArray

PLAN_BASE = {"U": "U", "MW": "MW", "MN": "MN", "P": "P", "ZP": "ZP", "R": "R"}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII")


@dataclass
class AreaLayer:
    """Polygons with named text columns (plain arrays, turned into a GeoDataFrame later)."""

    geometry: GeomArray
    columns: dict[str, list[str]]


def make_boundary(radius: float, rng: np.random.Generator) -> shapely.Polygon:
    """Draw a wobbly, roughly round town boundary around the origin."""
    t = np.linspace(0, 2 * np.pi, 721)[:-1]
    r = np.ones_like(t)
    for k, amp in zip(range(2, 7), (0.045, 0.035, 0.025, 0.015, 0.01), strict=True):
        r += amp * np.sin(k * t + rng.uniform(0, 2 * np.pi))
    r *= radius
    return shapely.Polygon(np.column_stack([r * np.cos(t), r * np.sin(t)]))


def make_districts(boundary: shapely.Polygon, count: int, rng: np.random.Generator) -> AreaLayer:
    """Osiedla: Voronoi cells of a centre seed and a ring of seeds, clipped to the boundary."""
    minx, _, maxx, _ = boundary.bounds
    radius = (maxx - minx) / 2
    ang = np.linspace(0, 2 * np.pi, count, endpoint=False)[: count - 1] + rng.uniform(0, 0.5)
    rad = radius * rng.uniform(0.45, 0.65, count - 1)
    seeds = np.vstack([[0.0, 0.0], np.column_stack([rad * np.cos(ang), rad * np.sin(ang)])])
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=boundary, ordered=True)
    )
    geoms = shapely.intersection(cells, boundary)
    labels = [names.DISTRICTS[k % len(names.DISTRICTS)] for k in range(count)]
    return AreaLayer(np.asarray(geoms, dtype=object), {"nazwa": labels})


def make_green_areas(blocks: Blocks) -> AreaLayer:
    """Parks, squares and forests: connected clusters of ZP and Ls faces."""
    geoms: list[shapely.Geometry] = []
    kinds: list[str] = []
    for cat in ("Ls", "ZP"):
        faces = blocks.face[blocks.category == cat]
        if faces.size == 0:
            continue
        parts = shapely.get_parts(shapely.union_all(faces))
        parts = parts[shapely.get_type_id(parts) == 3]
        parts = parts[np.argsort(-shapely.area(parts), kind="stable")]
        for part in parts:
            area = shapely.area(part)
            kinds.append("las" if cat == "Ls" else ("park" if area >= 20_000 else "skwer"))
            geoms.append(part)
    labels: list[str] = []
    counters = {"las": 0, "park": 0, "skwer": 0}
    for kind in kinds:
        k = counters[kind]
        counters[kind] += 1
        if kind == "las":
            label = names.FORESTS[k] if k < len(names.FORESTS) else f"Las komunalny nr {k + 1}"
        elif kind == "park":
            label = (
                "Park Miejski im. Adama Mickiewicza"
                if k == 0
                else f"Park {names.PATRONS[k * 7 % len(names.PATRONS)]}"
            )
        else:
            label = f"Skwer {names.SCHOOL_PATRONS[k % len(names.SCHOOL_PATRONS)]}"
            if k >= len(names.SCHOOL_PATRONS):
                label += f" {k // len(names.SCHOOL_PATRONS) + 1}"
        labels.append(label)
    return AreaLayer(np.array(geoms, dtype=object), {"nazwa": labels, "rodzaj": kinds})


def make_plan_zones(
    blocks: Blocks,
    road_geoms: GeomArray,
    road_face: NDArray[np.int64],
    *,
    radius: float,
    count: int,
    rng: np.random.Generator,
) -> AreaLayer:
    """Local plans (MPZP) over parts of the town: block zones plus one road zone per plan.

    Parameters
    ----------
    blocks : Blocks
        Blocks with categories.
    road_geoms : numpy.ndarray
        Road parcels.
    road_face : numpy.ndarray
        Face index of each road parcel.
    radius : float
        Town radius in metres.
    count : int
        Number of plans.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    AreaLayer
        Columns ``symbol``, ``przeznaczenie``, ``plan``, ``uchwala``.
    """
    cen = shapely.get_coordinates(shapely.centroid(blocks.face))
    plan_of = np.full(blocks.face.size, -1)
    for p in range(count):
        ang, rr = rng.uniform(0, 2 * np.pi), radius * np.sqrt(rng.uniform(0, 0.55))
        size = radius * rng.uniform(0.1, 0.22)
        inside = np.hypot(cen[:, 0] - rr * np.cos(ang), cen[:, 1] - rr * np.sin(ang)) < size
        plan_of[inside & (plan_of < 0) & (blocks.category != "Ls")] = p
    geoms: list[shapely.Geometry] = []
    cols: dict[str, list[str]] = {"symbol": [], "przeznaczenie": [], "plan": [], "uchwala": []}
    for p in range(count):
        label = (
            f"MPZP „{names.DISTRICTS[p % len(names.DISTRICTS)]} {ROMAN[p // len(names.DISTRICTS)]}”"
        )
        year = 2004 + int(rng.integers(0, 21))
        act = f"{ROMAN[int(rng.integers(0, len(ROMAN)))]}/{int(rng.integers(10, 400))}/{year}"
        sel = np.flatnonzero((plan_of == p) & ~shapely.is_empty(blocks.block))
        numbers: dict[str, int] = {}
        for b in sel.tolist():
            base = PLAN_BASE[str(blocks.category[b])]
            numbers[base] = numbers.get(base, 0) + 1
            geoms.append(blocks.block[b])
            cols["symbol"].append(f"{numbers[base]}{base}")
            cols["przeznaczenie"].append(base)
            cols["plan"].append(label)
            cols["uchwala"].append(act)
        roads = road_geoms[np.isin(road_face, np.flatnonzero(plan_of == p))]
        if roads.size:
            parts = shapely.get_parts(shapely.union_all(roads))
            for k, part in enumerate(parts[shapely.area(parts) > 50].tolist(), start=1):
                geoms.append(part)
                cols["symbol"].append(f"{k}KD{'L' if k % 3 else 'D'}")
                cols["przeznaczenie"].append("KD")
                cols["plan"].append(label)
                cols["uchwala"].append(act)
    return AreaLayer(np.array(geoms, dtype=object), cols)


def feature_discs(radius: float, rng: np.random.Generator) -> list[tuple[float, float, float, str]]:
    """Forest, park and industrial-estate discs placed between the arterials."""
    quads = rng.permutation(4)
    out = []
    spec = ((0.7, max(0.13 * radius, 300.0), "Ls"), (0.2, max(0.03 * radius, 110.0), "ZP"),
            (0.5, 0.09 * radius, "P"))  # fmt: skip
    for q, (rho, size, kind) in zip(quads, spec, strict=False):
        ang = np.deg2rad(25 + 90 * int(q) + rng.uniform(-3, 3)) + 0.1 * rho / 2
        out.append((rho * radius * np.cos(ang), rho * radius * np.sin(ang), size, kind))
    return out
