"""Investment area statistics: area, parcels and ownership, plan zones, buildings, residents.

One row per investment area, so the result doubles as the comparison table.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import box
>>> area = gpd.GeoDataFrame({"nazwa": ["park"], "koszt": [1e6]},
...                         geometry=[box(0, 0, 100, 100)], crs=2180)
>>> parcels = gpd.GeoDataFrame({"wlasnosc": ["Gmina", "SP"]},
...                            geometry=[box(0, 0, 50, 100), box(50, 0, 100, 100)], crs=2180)
>>> table, summary = investment_stats(area, parcels=parcels, cost_column="koszt")
>>> table[["area_ha", "parcels", "own_Gmina_m2", "cost_per_m2"]].values.tolist()
[[1.0, 2.0, 5000.0, 100.0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from mgis.analysis._checks import require_columns, require_geometry_types, require_metric_crs

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["InvestmentSummary", "investment_stats"]


@dataclass(frozen=True)
class InvestmentSummary:
    """Totals over all investment areas.

    Parameters
    ----------
    investments : int
        Investment areas.
    area_m2 : float
        Their total area.
    parcels : int
        Parcel pieces inside them.
    buildings : int
        Buildings inside them (by a surface point).
    residents : float
        Residents of the addresses inside them.
    cost : float
        Total cost (0 without a cost column).
    """

    investments: int
    area_m2: float
    parcels: int
    buildings: int
    residents: float
    cost: float


def _overlap_areas(
    areas: gpd.GeoDataFrame, layer: gpd.GeoDataFrame
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Return ``(area_row, layer_row, overlap m²)`` of overlapping pairs (area > 0)."""
    geoms = np.asarray(areas.geometry.array, dtype=object)
    a, b = layer.sindex.query(geoms, predicate="intersects")
    other = np.asarray(layer.geometry.array, dtype=object)
    size = shapely.area(shapely.intersection(geoms[a], other[b]))
    keep = size > 0
    return a[keep].astype(np.int64), b[keep].astype(np.int64), size[keep]


def _inside(areas: gpd.GeoDataFrame, layer: gpd.GeoDataFrame) -> npt.NDArray[np.int64]:
    """Return the area row of each feature's surface point (-1 when outside all)."""
    import geopandas as gpd

    geoms = np.asarray(layer.geometry.array, dtype=object)
    pts = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    tree = gpd.GeoSeries(pts, crs=layer.crs).sindex
    area_rows, rows = tree.query(np.asarray(areas.geometry.array, dtype=object), "contains")
    out = np.full(len(layer), -1, dtype=np.int64)
    out[rows] = area_rows
    return out


def _spread(
    rows: npt.NDArray[np.int64], keys: npt.ArrayLike, values: npt.ArrayLike, n: int
) -> pd.DataFrame:
    """Sum ``values`` per (row, key) into an ``n``-row wide table, one column per key."""
    frame = pd.DataFrame({"row": rows, "key": np.asarray(keys, dtype=object), "v": values})
    wide = frame.pivot_table(index="row", columns="key", values="v", aggfunc="sum")
    return wide.reindex(range(n)).fillna(0.0)


def _add_ownership(
    result: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    column: str,
    area: npt.NDArray[np.float64],
) -> int:
    """Add parcel counts and area by ownership to ``result``; return the parcel pieces."""
    n = len(result)
    a, p, size = _overlap_areas(result, parcels)
    result["parcels"] = np.bincount(a, minlength=n).astype(np.int64)
    own = _spread(a, parcels[column].astype(str).to_numpy()[p], size, n)
    for owner in own.columns:
        result[f"own_{owner}_m2"] = own[owner].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            result[f"own_{owner}_pct"] = np.where(area > 0, own[owner] / area * 100, 0.0)
    return len(a)


def investment_stats(
    investments: gpd.GeoDataFrame,
    *,
    parcels: gpd.GeoDataFrame,
    plan_zones: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    addresses: gpd.GeoDataFrame | None = None,
    cost_column: str | None = None,
    ownership_column: str = "wlasnosc",
    zone_column: str = "symbol",
    residents_column: str = "mieszkancy",
) -> tuple[gpd.GeoDataFrame, InvestmentSummary]:
    """Describe each investment area: size, land, planning status and who lives there.

    Parameters
    ----------
    investments : geopandas.GeoDataFrame
        Investment areas (polygons) with any attributes (name, cost ...).
    parcels : geopandas.GeoDataFrame
        Parcels with an ownership column.
    plan_zones : geopandas.GeoDataFrame, optional
        Local plan zones (MPZP) with a symbol column.
    buildings : geopandas.GeoDataFrame, optional
        Buildings, counted by a surface point.
    addresses : geopandas.GeoDataFrame, optional
        Address points with residents.
    cost_column : str, optional
        Investment cost (PLN) in ``investments``.
    ownership_column, zone_column, residents_column : str
        Column names in parcels, plan zones and addresses.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``investments`` with ``area_m2``, ``area_ha``, ``parcels`` (parcels
        overlapping), ``own_<owner>_m2`` and ``own_<owner>_pct`` (area by ownership),
        ``zone_<symbol>_m2`` (area by plan zone), ``buildings``, ``residents``,
        ``cost_per_m2`` and ``cost_per_resident`` (where given).
    InvestmentSummary
        Totals.
    """
    roles = ["investments", "parcels"]
    frames = [investments, parcels]
    for role, extra in (("plan zones", plan_zones), ("buildings", buildings)):
        if extra is not None:
            roles.append(role)
            frames.append(extra)
    if addresses is not None:
        roles.append("addresses")
        frames.append(addresses)
    require_metric_crs(*frames, roles=roles)
    require_geometry_types(investments, ["polygon"], "investments")
    require_columns(parcels, [ownership_column], "parcels")
    if cost_column is not None:
        require_columns(investments, [cost_column], "investments")
    n = len(investments)
    result = investments.copy()
    area = shapely.area(np.asarray(investments.geometry.array, dtype=object))
    result["area_m2"] = area
    result["area_ha"] = area / 10_000
    pieces = _add_ownership(result, parcels, ownership_column, area)
    if plan_zones is not None:
        require_columns(plan_zones, [zone_column], "plan zones")
        za, zp, zsize = _overlap_areas(investments, plan_zones)
        zones = _spread(za, plan_zones[zone_column].astype(str).to_numpy()[zp], zsize, n)
        for symbol in zones.columns:
            result[f"zone_{symbol}_m2"] = zones[symbol].to_numpy()
        result["zone_none_m2"] = np.maximum(area - zones.to_numpy().sum(axis=1), 0.0)
    n_buildings = 0
    if buildings is not None:
        where = _inside(investments, buildings)
        counts = np.bincount(where[where >= 0], minlength=n)
        result["buildings"] = counts.astype(np.int64)
        n_buildings = int(counts.sum())
    residents = np.zeros(n)
    if addresses is not None:
        require_columns(addresses, [residents_column], "addresses")
        where = _inside(investments, addresses)
        people = pd.to_numeric(addresses[residents_column], errors="coerce").fillna(0)
        inside = where >= 0
        residents = np.bincount(
            where[inside], weights=people.to_numpy(float)[inside], minlength=n
        ).astype(float)
        result["residents"] = residents
    cost = 0.0
    if cost_column is not None:
        money = pd.to_numeric(investments[cost_column], errors="coerce").to_numpy(float)
        cost = float(np.nansum(money))
        with np.errstate(divide="ignore", invalid="ignore"):
            result["cost_per_m2"] = np.where(area > 0, money / area, np.nan)
            if addresses is not None:
                result["cost_per_resident"] = np.where(residents > 0, money / residents, np.nan)
    summary = InvestmentSummary(
        investments=n,
        area_m2=float(area.sum()),
        parcels=pieces,
        buildings=n_buildings,
        residents=float(residents.sum()),
        cost=cost,
    )
    return result, summary
