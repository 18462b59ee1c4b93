"""The deterministic synthetic demo town (pure data, no Qt).

``generate_town(parcels=N, seed=s)`` builds a fictional town in Wielkopolska
(EPSG:2180) with about ``N`` cadastral parcels and every other demo layer,
plus an investment register that refers to the parcels the way real
registers do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from mgis.demo import cadastre, facilities, streets, zones
from mgis.demo import parcels as parcels_mod
from mgis.demo.streets import GeomArray

CRS = "EPSG:2180"
CENTRE = (470_000.0, 500_000.0)  # easting, northing: between Konin and Koło
TOWN_NAME = "Żelazów Wielkopolski"
TOWN_TERYT = "3010011"  # WW PP GG R: wielkopolskie, powiat koniński, gmina miejska
LOSS_CORRECTION = 1.006  # cells lost when clipping envelopes to odd-shaped blocks
LAYER_ORDER = (
    "boundary", "districts", "plan_zones", "green_areas", "parcels", "buildings", "streets",
    "addresses", "bus_stops", "kindergartens", "schools",
)  # fmt: skip


@dataclass
class DemoTown:
    """A generated demo town.

    Attributes
    ----------
    name : str
        Town name.
    teryt : str
        Seven-character TERYT code of the gmina (with the type digit).
    layers : dict of str to geopandas.GeoDataFrame
        Layers in drawing order (bottom to top), all in EPSG:2180.
    register : pandas.DataFrame
        The investment register (WPF style), as an office would keep it.
    register_truth : pandas.DataFrame
        Ground truth for the register: ``Lp.``, ``id_dzialki`` (the intended
        parcel id, or the written text for unknown parcels) and ``known``.
    seed : int
        Seed used.
    population : int
        Sum of residents over the address points.
    """

    name: str
    teryt: str
    layers: dict[str, gpd.GeoDataFrame]
    register: pd.DataFrame
    register_truth: pd.DataFrame = field(repr=False)
    seed: int = 0
    population: int = 0


def _frame(geoms: GeomArray, columns: dict[str, object]) -> gpd.GeoDataFrame:
    """Build an EPSG:2180 GeoDataFrame from centre-relative geometries and columns."""
    moved = shapely.transform(np.asarray(geoms, dtype=object), lambda xy: xy + np.array(CENTRE))
    polygonal = shapely.get_type_id(moved) == 3
    broken = np.flatnonzero(polygonal & ~shapely.is_valid(moved))
    if broken.size:  # rounding in the shift can make holes that touched at a point cross
        moved[broken] = parcels_mod.largest_polygon(
            shapely.make_valid(moved[broken], method="structure", keep_collapsed=False)
        )
    frame = pd.DataFrame(columns) if columns else pd.DataFrame(index=range(len(moved)))
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(moved, crs=CRS), crs=CRS)


def _scaled(parcels_n: int, lo: int, hi: int, per: float) -> int:
    """Return a count growing with town size: ``lo + parcels / per``, capped at ``hi``."""
    return int(min(hi, lo + parcels_n // per))


def generate_town(parcels: int = 20_000, seed: int = 7) -> DemoTown:
    """Generate the demo town.

    Parameters
    ----------
    parcels : int
        Approximate number of cadastral parcels (1 000 to 300 000); the
        town's extent grows with it. The result is within 1 % of it.
    seed : int
        Random seed; the same ``(parcels, seed)`` always gives identical data.

    Returns
    -------
    DemoTown
        Layers ``boundary, districts, plan_zones, green_areas, parcels,
        buildings, streets, addresses, bus_stops, kindergartens, schools`` and
        the investment register.
    """
    if parcels < 200:
        raise ValueError(f"parcels must be at least 200, got {parcels}")
    from mgis.demo import register as register_mod

    rng = np.random.default_rng([seed, parcels])
    radius = streets.radius_for(parcels)
    boundary = zones.make_boundary(radius, rng)
    discs = zones.feature_discs(radius, rng)
    features = [
        streets.Feature(x, y, r, kind, 0.6 if kind == "P" else 1.0) for x, y, r, kind in discs
    ]
    net = streets.build_network(radius, features, rng)
    lines = streets.clip_streets(net, boundary, rng)
    blocks = parcels_mod.make_blocks(net, boundary, radius, discs, rng)
    roads, road_face = parcels_mod.road_parcels(blocks)
    want = max(round((parcels - roads.size) * LOSS_CORRECTION), 1)
    cells = parcels_mod.split_blocks(blocks, parcels_mod.allocate(blocks, want), rng)
    short = parcels - roads.size - cells.geometry.size
    if short > 0.004 * parcels:  # small towns lose more cells to odd-shaped blocks
        want += round(short * 1.1)
        cells = parcels_mod.split_blocks(blocks, parcels_mod.allocate(blocks, want), rng)
    data = cadastre.merge_parcels(cells, roads, road_face, blocks)
    seeds = cadastre.obreb_seeds(boundary, _scaled(parcels, 6, 20, 20_000), rng)
    attrs = cadastre.assign_attributes(data, seeds, TOWN_TERYT, rng)
    uzytek = attrs["uzytek"].to_numpy(dtype=str)

    bld = facilities.make_buildings(data.geometry, data.category, uzytek, data.rho, rng)
    adr = facilities.make_addresses(bld, lines.lines, lines.name, rng)
    districts = zones.make_districts(boundary, _scaled(parcels, 5, 12, 40_000), rng)
    district_of = _district_of(shapely.get_coordinates(adr.geometry), districts.geometry)
    postal = np.array([f"{zones_postal(d)}" for d in range(len(districts.geometry))])[district_of]

    population = int(adr.mieszkancy.sum())
    schools, kinders = _schools_and_kindergartens(
        data, attrs, uzytek, adr, population=population, radius=radius, rng=rng
    )
    stops, stop_names = facilities.make_bus_stops(
        lines.lines, lines.name, lines.klasa, spacing=450.0, rng=rng
    )
    green = zones.make_green_areas(blocks)
    plans = zones.make_plan_zones(
        blocks, roads, road_face, radius=radius, count=_scaled(parcels, 3, 12, 30_000), rng=rng
    )
    n_districts = len(districts.geometry)
    layers: dict[str, gpd.GeoDataFrame] = {
        "boundary": _frame(
            np.array([boundary], dtype=object), {"nazwa": [TOWN_NAME], "teryt": [TOWN_TERYT]}
        ),
        "districts": _frame(
            districts.geometry,
            {**districts.columns, "kod_pocztowy": [zones_postal(d) for d in range(n_districts)]},
        ),
        "plan_zones": _frame(plans.geometry, dict(plans.columns)),
        "green_areas": _frame(
            green.geometry,
            {**green.columns, "pow_ha": np.round(shapely.area(green.geometry) / 10_000, 2)},
        ),
        "parcels": _frame(data.geometry, {c: attrs[c] for c in attrs.columns}),
        "buildings": _frame(
            bld.geometry,
            {
                "funkcja": bld.funkcja,
                "kondygnacje": bld.kondygnacje,
                "id_dzialki": attrs["id_dzialki"].to_numpy()[bld.parcel],
            },
        ),
        "streets": _frame(lines.lines, {"nazwa": lines.name, "klasa": lines.klasa}),
        "addresses": _frame(
            adr.geometry,
            {
                "ulica": adr.ulica,
                "numer": adr.numer,
                "mieszkancy": adr.mieszkancy,
                "kod_pocztowy": postal,
            },
        ),
        "bus_stops": _frame(stops, {"nazwa": stop_names}),
        "kindergartens": _frame(kinders[0], {"nazwa": kinders[1], "adres": kinders[2]}),
        "schools": _frame(schools[0], {"nazwa": schools[1], "adres": schools[2]}),
    }
    layers = {key: layers[key] for key in LAYER_ORDER}
    reg, truth = register_mod.make_register(layers, data.category, parcels, rng)
    return DemoTown(TOWN_NAME, TOWN_TERYT, layers, reg, truth, seed, population)


def _schools_and_kindergartens(
    data: cadastre.ParcelData,
    attrs: pd.DataFrame,
    uzytek: NDArray[np.str_],
    adr: facilities.AddressData,
    *,
    population: int,
    radius: float,
    rng: np.random.Generator,
) -> tuple[tuple[GeomArray, list[str], list[str]], tuple[GeomArray, list[str], list[str]]]:
    """Place schools and kindergartens on spread-out public plots; mark the plots as Gmina's."""
    sites = _public_sites(data, attrs, uzytek)
    n_schools = max(2, population // 3500)
    n_kinder = max(2, population // 2500)
    pos = shapely.get_coordinates(shapely.point_on_surface(data.geometry[sites]))
    gap = 0.5 * radius / np.sqrt(n_schools)
    school_idx = sites[facilities.spread_sites(pos, n_schools, gap, rng)]
    rest = np.setdiff1d(sites, school_idx)
    pos_k = shapely.get_coordinates(shapely.point_on_surface(data.geometry[rest]))
    gap_k = 0.4 * radius / np.sqrt(n_kinder)
    kinder_idx = rest[facilities.spread_sites(pos_k, n_kinder, gap_k, rng)]
    for idx in (school_idx, kinder_idx):
        attrs.loc[idx, "wlasnosc"] = "Gmina"
        attrs.loc[idx, "uzytek"] = "Bi"
    tree = shapely.STRtree(adr.geometry)
    label = np.char.add(np.char.add(adr.ulica.astype(str), " "), adr.numer.astype(str))

    def near_address(pts: GeomArray) -> list[str]:
        """Label of the nearest address point."""
        hit = tree.query_nearest(pts, all_matches=False, return_distance=False)
        out = np.empty(pts.size, dtype=object)
        out[hit[0]] = label[hit[1]]
        return [str(v) for v in out]

    school_pt = shapely.point_on_surface(data.geometry[school_idx])
    kinder_pt = shapely.point_on_surface(data.geometry[kinder_idx])
    return (
        (school_pt, facilities.school_names(school_idx.size, rng), near_address(school_pt)),
        (kinder_pt, facilities.kindergarten_names(kinder_idx.size, rng), near_address(kinder_pt)),
    )


def zones_postal(district: int) -> str:
    """Return the postal code of a district: ``62-500``, ``62-501`` ..."""
    from mgis.demo.names import POSTAL_PREFIX

    return f"{POSTAL_PREFIX}{district:02d}"


def _district_of(xy: np.ndarray, districts: GeomArray) -> np.ndarray:
    """Return the district containing each point (nearest district for stragglers)."""
    out = np.full(xy.shape[0], -1, dtype=np.int64)
    for d, geom in enumerate(districts.tolist()):
        out[(out < 0) & shapely.contains_xy(geom, xy[:, 0], xy[:, 1])] = d
    if (out < 0).any():
        miss = np.flatnonzero(out < 0)
        pts = shapely.points(xy[miss])
        dist = np.stack([shapely.distance(g, pts) for g in districts.tolist()])
        out[miss] = dist.argmin(axis=0)
    return out


def _public_sites(data: cadastre.ParcelData, attrs: pd.DataFrame, uzytek: np.ndarray) -> np.ndarray:
    """Return candidate parcels for schools and kindergartens: large built-up plots."""
    area = attrs["pow_m2"].to_numpy()
    ok = np.isin(data.category, ["MN", "MW", "U"]) & np.isin(uzytek, ["B", "Bi"]) & (data.rho < 0.7)
    big = ok & (area >= 1500)
    pick = big if big.sum() >= 40 else ok
    return np.flatnonzero(pick)
