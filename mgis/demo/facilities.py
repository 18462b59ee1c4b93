"""Buildings, addresses, schools, kindergartens and bus stops of the demo town."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from mgis.demo import names
from mgis.demo.streets import FloatArray, GeomArray, IntArray


@dataclass
class BuildingData:
    """Buildings with the parcel each stands on."""

    geometry: GeomArray
    parcel: IntArray
    funkcja: NDArray[np.str_]
    kondygnacje: IntArray


@dataclass
class AddressData:
    """Address points with the building they belong to."""

    geometry: GeomArray
    building: IntArray
    ulica: NDArray[np.str_]
    numer: NDArray[np.str_]
    mieszkancy: IntArray


def _rectangles(
    geoms: GeomArray, along: FloatArray, across: FloatArray, offset: FloatArray
) -> GeomArray:
    """Rectangles aligned with each geometry's oriented envelope, shifted along its long axis."""
    env = shapely.oriented_envelope(geoms)
    ring = shapely.get_coordinates(shapely.get_exterior_ring(env)).reshape(-1, 5, 2)
    e1, e2 = ring[:, 1] - ring[:, 0], ring[:, 3] - ring[:, 0]
    l1, l2 = np.hypot(*e1.T), np.hypot(*e2.T)
    swap = l2 > l1
    lu, lv = np.maximum(l1, l2), np.minimum(l1, l2)
    u = np.where(swap[:, None], e2, e1) / np.maximum(lu, 1e-9)[:, None]
    v = np.where(swap[:, None], e1, e2) / np.maximum(lv, 1e-9)[:, None]
    centre = ring[:, 0] + (e1 + e2) / 2 + (offset * lu)[:, None] * u
    a = np.minimum(along, 0.6 * lu)[:, None] / 2
    b = np.minimum(across, 0.6 * lv)[:, None] / 2
    corners = np.stack([centre - a * u - b * v, centre + a * u - b * v,
                        centre + a * u + b * v, centre - a * u + b * v], axis=1)  # fmt: skip
    return np.asarray(shapely.polygons(corners), dtype=object)


def make_buildings(
    parcels: GeomArray,
    category: NDArray[np.str_],
    uzytek: NDArray[np.str_],
    rho: FloatArray,
    rng: np.random.Generator,
) -> BuildingData:
    """Place buildings on built-up parcels (0.5-0.8 per parcel), each inside its parcel.

    Parameters
    ----------
    parcels : numpy.ndarray
        Parcel polygons.
    category : numpy.ndarray
        Land-use category of the block of each parcel.
    uzytek : numpy.ndarray
        Land-use class of each parcel.
    rho : numpy.ndarray
        Relative distance from the centre.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    BuildingData
        Main buildings plus outbuildings (``gospodarczy``).
    """
    n = parcels.size
    u = rng.random(n)
    built = np.isin(uzytek, ["B", "Bi", "Ba"])
    farm = (uzytek == "R") & (rho > 0.6) & (u < 0.05)
    kinds = np.full(n, "", dtype="<U24")
    kinds[built & (category == "MN") & (u < 0.72)] = "mieszkalny jednorodzinny"
    kinds[farm] = "mieszkalny jednorodzinny"
    kinds[built & (category == "MW") & (u < 0.62)] = "mieszkalny wielorodzinny"
    u_sel = built & (category == "U") & (u < 0.75)
    kinds[u_sel] = np.where(rng.random(n)[u_sel] < 0.35, "mieszkalny wielorodzinny", "usługowy")
    kinds[built & (category == "P") & (u < 0.6)] = np.where(
        rng.random(n) < 0.3, "magazynowy", "przemysłowy"
    )[built & (category == "P") & (u < 0.6)]
    main = np.flatnonzero(kinds != "")
    k = kinds[main]
    size_along = np.select(
        [k == "mieszkalny jednorodzinny", k == "mieszkalny wielorodzinny", k == "usługowy"],
        [
            rng.uniform(9, 15, main.size),
            rng.uniform(20, 70, main.size),
            rng.uniform(12, 30, main.size),
        ],
        default=rng.uniform(25, 80, main.size),
    )
    size_across = np.select(
        [k == "mieszkalny jednorodzinny", k == "mieszkalny wielorodzinny", k == "usługowy"],
        [
            rng.uniform(8, 11, main.size),
            rng.uniform(11, 14, main.size),
            rng.uniform(10, 18, main.size),
        ],
        default=rng.uniform(18, 40, main.size),
    )
    storeys = np.select(
        [k == "mieszkalny jednorodzinny", k == "mieszkalny wielorodzinny", k == "usługowy"],
        [rng.choice([1, 2, 2], main.size),
         np.where(rho[main] < 0.13, rng.choice([3, 4, 4, 5], main.size),
                  rng.choice([4, 5, 5, 10, 11], main.size)),
         rng.choice([1, 2, 2, 3, 4], main.size)],
        default=rng.choice([1, 1, 2], main.size),
    )  # fmt: skip
    shift = rng.uniform(-0.15, 0.15, main.size)
    geoms = _rectangles(parcels[main], size_along, size_across, shift)
    # outbuildings behind some houses
    house = main[k == "mieszkalny jednorodzinny"]
    extra = house[rng.random(house.size) < 0.15]
    shed = _rectangles(parcels[extra], rng.uniform(4, 8, extra.size), rng.uniform(3, 6, extra.size),
                       np.full(extra.size, 0.33))  # fmt: skip
    geoms = np.concatenate([geoms, shed])
    parcel = np.concatenate([main, extra]).astype(np.int64)
    funkcja = np.concatenate([k, np.full(extra.size, "gospodarczy")])
    kond = np.concatenate([storeys, np.ones(extra.size, np.int64)]).astype(np.int64)
    shapely.prepare(parcels[parcel])
    ok = shapely.contains_properly(parcels[parcel], geoms)
    if extra.size:  # a shed must not touch the house
        shed_ok = ok[main.size :]
        house_geom = geoms[np.searchsorted(main, extra)]
        shed_ok &= ~shapely.intersects(house_geom, shed)
        ok[main.size :] = shed_ok
    return BuildingData(geoms[ok], parcel[ok], funkcja[ok], kond[ok])


def make_addresses(
    buildings: BuildingData,
    streets: GeomArray,
    street_names: NDArray[np.str_],
    rng: np.random.Generator,
) -> AddressData:
    """Give every habitable or business building an address on its nearest street.

    Parameters
    ----------
    buildings : BuildingData
        Buildings.
    streets : numpy.ndarray
        Street segments.
    street_names : numpy.ndarray
        Name of each segment.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    AddressData
        Points with street, house number (odd on one side, even on the other,
        some with letters) and residents.
    """
    sel = np.flatnonzero(buildings.funkcja != "gospodarczy")
    pts = shapely.point_on_surface(buildings.geometry[sel])
    seg = shapely.STRtree(streets).query_nearest(pts, all_matches=False, return_distance=False)
    seg_of = np.empty(sel.size, np.int64)
    seg_of[seg[0]] = seg[1]
    ulica = street_names[seg_of]
    line = streets[seg_of]
    a = shapely.get_coordinates(shapely.get_point(line, 0))
    b = shapely.get_coordinates(shapely.get_point(line, -1))
    p = shapely.get_coordinates(pts)
    side = np.sign(
        (b[:, 0] - a[:, 0]) * (p[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (p[:, 0] - a[:, 0])
    )
    # order along each street: projection on the principal axis of its addresses
    frame = pd.DataFrame({"ulica": ulica, "side": side >= 0, "x": p[:, 0], "y": p[:, 1]})
    grp = frame.groupby("ulica")
    dx = frame["x"] - grp["x"].transform("mean")
    dy = frame["y"] - grp["y"].transform("mean")
    sxx = (dx * dx).groupby(frame["ulica"]).transform("sum")
    syy = (dy * dy).groupby(frame["ulica"]).transform("sum")
    sxy = (dx * dy).groupby(frame["ulica"]).transform("sum")
    angle = 0.5 * np.arctan2(2 * sxy, sxx - syy)
    frame["sweep"] = dx * np.cos(angle) + dy * np.sin(angle)
    ordered = frame.sort_values("sweep", kind="stable")
    rank = ordered.groupby(["ulica", "side"], sort=False).cumcount().reindex(frame.index).to_numpy()
    number = 2 * rank + np.where(side >= 0, 1, 2)
    letter = np.where(rng.random(sel.size) < 0.05, rng.choice(["A", "B", "C"], sel.size), "")
    numer = np.char.add(number.astype(str), letter)
    f = buildings.funkcja[sel]
    storeys = buildings.kondygnacje[sel]
    footprint = shapely.area(buildings.geometry[sel])
    flats = np.maximum(1, np.round(footprint * storeys * 0.75 / 55.0))
    residents = np.select(
        [f == "mieszkalny jednorodzinny", f == "mieszkalny wielorodzinny", f == "usługowy"],
        [rng.choice([1, 2, 2, 2, 3, 3, 3, 4, 4, 5], sel.size),
         np.round(flats * rng.uniform(1.8, 2.6, sel.size)),
         np.where(rng.random(sel.size) < 0.1, rng.integers(1, 5, sel.size), 0)],
        default=0,
    ).astype(np.int64)  # fmt: skip
    return AddressData(pts, sel.astype(np.int64), ulica, numer, residents)


def spread_sites(
    candidates: FloatArray, count: int, min_dist: float, rng: np.random.Generator
) -> IntArray:
    """Pick up to ``count`` candidate indices at least ``min_dist`` apart (greedy, random order)."""
    chosen: list[int] = []
    for idx in rng.permutation(candidates.shape[0]).tolist():
        if all(np.hypot(*(candidates[idx] - candidates[c])) >= min_dist for c in chosen):
            chosen.append(idx)
            if len(chosen) == count:
                break
    return np.array(chosen, dtype=np.int64)


def school_names(count: int, rng: np.random.Generator) -> list[str]:
    """Names like 'Szkoła Podstawowa nr 3 im. Marii Konopnickiej' (a few without a patron)."""
    patrons = rng.permutation(len(names.SCHOOL_PATRONS)).tolist()
    out = []
    for k in range(count):
        patron = names.SCHOOL_PATRONS[patrons[k % len(patrons)]]
        out.append(f"Szkoła Podstawowa nr {k + 1}" + (f" im. {patron}" if k % 5 != 4 else ""))
    return out


def kindergarten_names(count: int, rng: np.random.Generator) -> list[str]:
    """Names like 'Przedszkole Miejskie nr 5 „Słoneczko”'."""
    nicks = rng.permutation(len(names.KINDERGARTEN_NICKS)).tolist()
    out = []
    for k in range(count):
        nick = names.KINDERGARTEN_NICKS[nicks[k % len(nicks)]]
        out.append(
            f"Przedszkole Miejskie nr {k + 1} „{nick}”" if k % 3 else f"Przedszkole nr {k + 1}"
        )
    return out


def make_bus_stops(
    streets: GeomArray,
    street_names: NDArray[np.str_],
    klasa: NDArray[np.str_],
    *,
    spacing: float,
    rng: np.random.Generator,
) -> tuple[GeomArray, list[str]]:
    """Bus stops every ``spacing`` metres along main roads, set 7 m off the centre line."""
    main = np.flatnonzero(np.isin(klasa, ["G", "Z"]) & (shapely.length(streets) > 30))
    mids = shapely.line_interpolate_point(streets[main], 0.5, normalized=True)
    xy = shapely.get_coordinates(mids)
    picked = main[_thin(xy, spacing, rng)]
    lines = streets[picked]
    mid = shapely.get_coordinates(shapely.line_interpolate_point(lines, 0.5, normalized=True))
    ahead = shapely.get_coordinates(
        shapely.line_interpolate_point(lines, 0.5 * shapely.length(lines) + 1)
    )
    d = ahead - mid
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / np.maximum(np.hypot(*d.T), 1e-9)[:, None]
    pts = shapely.points(mid + 7.0 * normal)
    counter: dict[str, int] = {}
    labels = []
    for nm in street_names[picked].tolist():
        short = nm.removeprefix("ul. ").removeprefix("Aleja ")
        counter[short] = counter.get(short, 0) + 1
        labels.append(f"{short} {counter[short]:02d}")
    return pts, labels


def _thin(xy: FloatArray, min_dist: float, rng: np.random.Generator) -> IntArray:
    """Poisson-disc thinning of points with a k-d tree (greedy in random order)."""
    if xy.shape[0] == 0:
        return np.zeros(0, np.int64)
    tree = cKDTree(xy)
    taken = np.zeros(xy.shape[0], bool)
    blocked = np.zeros(xy.shape[0], bool)
    for idx in rng.permutation(xy.shape[0]).tolist():
        if blocked[idx]:
            continue
        taken[idx] = True
        blocked[tree.query_ball_point(xy[idx], min_dist)] = True
    return np.flatnonzero(taken).astype(np.int64)
