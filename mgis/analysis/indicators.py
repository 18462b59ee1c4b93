"""Indicators: aggregate a layer to districts or to a regular grid, with map classes.

The grid is aligned to the GUS (Statistics Poland) grid origin in EPSG:2180:
cell corners lie at multiples of the cell size (250, 500, 1000 m or custom), so
1 km cells coincide with the GUS 1 km grid and finer cells nest inside them.
Features are placed by their point (polygons and lines by a point on them).

Examples
--------
>>> import geopandas as gpd
>>> from shapely import Point
>>> pts = gpd.GeoDataFrame({"n": [1, 2, 3]},
...     geometry=[Point(10, 10), Point(20, 20), Point(1500, 10)], crs=2180)
>>> cells, summary = grid_indicators(pts, cell=1000, stat="sum", field="n")
>>> cells[["cell_id", "value"]].values.tolist()
[['1kmN0E0', 3.0], ['1kmN0E1', 3.0]]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from mgis.analysis._checks import (
    AnalysisError,
    require_columns,
    require_metric_crs,
    require_positive,
)
from mgis.analysis.accessibility import locate_points, representative_points

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "SCHEMES",
    "STATS",
    "IndicatorSummary",
    "classify",
    "grid_indicators",
    "zone_indicators",
]

Stat = Literal["count", "sum", "density"]
STATS: tuple[str, ...] = ("count", "sum", "density")
SCHEMES = {
    "quantiles": "Quantiles",
    "equal_interval": "EqualInterval",
    "natural_breaks": "NaturalBreaks",
    "fisher_jenks": "FisherJenks",
}
"""Classification scheme name -> mapclassify class."""


@dataclass(frozen=True)
class IndicatorSummary:
    """Aggregation result.

    Parameters
    ----------
    units : str
        ``grid <cell> m`` or ``zones``.
    stat : str
        The statistic (``count``, ``sum:FIELD``, ``density``).
    features : int
        Features aggregated.
    placed : int
        Features falling in a unit.
    cells : int
        Units in the result.
    total : float
        Sum of the value column over units (counts or sums).
    scheme : str
        The classification scheme (empty when not classified).
    bins : tuple of float
        Upper class bounds.
    per_1000 : bool
        Whether ``per_1000`` (per 1 000 residents) was computed.
    """

    units: str
    stat: str
    features: int
    placed: int
    cells: int
    total: float
    scheme: str = ""
    bins: tuple[float, ...] = field(default_factory=tuple)
    per_1000: bool = False


def _weights(frame: gpd.GeoDataFrame, stat: str, field_: str | None) -> npt.NDArray[np.float64]:
    """Return the per-feature value to add up (1 for counts)."""
    if stat not in STATS:
        raise AnalysisError(f"unknown statistic {stat!r}; use count, sum or density")
    if stat == "sum" or (stat == "density" and field_):
        if not field_:
            raise AnalysisError("the sum statistic needs a field, e.g. sum:mieszkancy")
        require_columns(frame, [field_], "layer")
        if not pd.api.types.is_numeric_dtype(frame[field_]):
            raise AnalysisError(f"layer: column {field_!r} is not numeric; choose a number")
        values: npt.NDArray[np.float64] = (
            pd.to_numeric(frame[field_]).fillna(0).to_numpy(dtype=float)
        )
        return values
    return np.ones(len(frame))


def classify(
    values: npt.ArrayLike, *, scheme: str = "quantiles", k: int = 5
) -> tuple[npt.NDArray[np.int64], tuple[float, ...]]:
    """Classify values for a choropleth map with mapclassify.

    Parameters
    ----------
    values : array-like of float
        The values.
    scheme : str
        ``quantiles``, ``equal_interval``, ``natural_breaks`` or ``fisher_jenks``.
    k : int
        Number of classes (fewer when there are fewer distinct values).

    Returns
    -------
    tuple
        Class number per value (0 = lowest) and the upper class bounds.
    """
    import mapclassify  # type: ignore[import-untyped]

    if scheme not in SCHEMES:
        raise AnalysisError(f"unknown scheme {scheme!r}; use {', '.join(SCHEMES)}")
    data = np.asarray(values, dtype=float)
    if len(data) == 0:
        return np.empty(0, dtype=np.int64), ()
    k = max(1, min(k, len(np.unique(data))))
    if k == 1:
        return np.zeros(len(data), dtype=np.int64), (float(data.max()),)
    classifier = getattr(mapclassify, SCHEMES[scheme])(data, k=k)
    bins = tuple(float(b) for b in classifier.bins)
    return np.asarray(classifier.yb, dtype=np.int64), bins


def _finish(
    units: gpd.GeoDataFrame,
    sums: npt.NDArray[np.float64],
    *,
    stat: str,
    residents: npt.NDArray[np.float64] | None,
    scheme: str | None,
    k: int,
) -> tuple[gpd.GeoDataFrame, tuple[float, ...]]:
    """Add value, density, per-1000 and class columns to ``units``."""
    area_km2 = shapely.area(np.asarray(units.geometry.array, dtype=object)) / 1e6
    units["value"] = sums
    with np.errstate(divide="ignore", invalid="ignore"):
        units["density_km2"] = np.where(area_km2 > 0, sums / area_km2, 0.0)
        if residents is not None:
            units["residents"] = residents
            units["per_1000"] = np.where(residents > 0, sums / residents * 1000, np.nan)
    bins: tuple[float, ...] = ()
    if scheme:
        column = "density_km2" if stat == "density" else "value"
        units["klasa"], bins = classify(units[column].to_numpy(), scheme=scheme, k=k)
    return units, bins


def _stat_label(stat: str, field_: str | None) -> str:
    """Return the summary label of a statistic."""
    return f"{stat}:{field_}" if field_ else stat


def grid_indicators(
    layer: gpd.GeoDataFrame,
    *,
    cell: float = 1000.0,
    stat: Stat = "count",
    field: str | None = None,
    residents: gpd.GeoDataFrame | None = None,
    residents_column: str = "mieszkancy",
    scheme: str | None = None,
    k: int = 5,
) -> tuple[gpd.GeoDataFrame, IndicatorSummary]:
    """Aggregate ``layer`` to a regular grid aligned to multiples of ``cell`` metres.

    Only cells holding at least one feature are returned.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        Features to aggregate (EPSG:2180 for a GUS-aligned grid).
    cell : float
        Cell size in metres (250, 500, 1000 ...).
    stat : {"count", "sum", "density"}
        Count features, sum ``field``, or density (count, or ``field`` sum, per km²).
    field : str, optional
        Numeric field for ``sum`` (and optionally ``density``).
    residents : geopandas.GeoDataFrame, optional
        Address points with residents; adds ``residents`` and ``per_1000``.
    residents_column : str
        Residents column of ``residents``.
    scheme : str, optional
        Classify the values into ``klasa`` (see :func:`classify`).
    k : int
        Number of classes.

    Returns
    -------
    geopandas.GeoDataFrame
        Cells with ``cell_id`` (GUS style ``<size>N<row>E<col>``), ``value``,
        ``density_km2`` and optionally ``residents``, ``per_1000``, ``klasa``.
    IndicatorSummary
        Counts, total and class bounds.
    """
    import geopandas as gpd

    require_positive(cell, "cell size")
    require_metric_crs(layer, roles=("layer",))
    weights = _weights(layer, stat, field)
    xy = shapely.get_coordinates(representative_points(layer))
    valid = np.isfinite(xy).all(axis=1) if len(xy) == len(layer) else None
    if valid is None:
        raise AnalysisError("layer: some features have no geometry; remove them first")
    col = np.floor(xy[:, 0] / cell).astype(np.int64)
    row = np.floor(xy[:, 1] / cell).astype(np.int64)
    keys = pd.MultiIndex.from_arrays([row, col])
    codes, uniques = pd.factorize(keys, sort=True)
    sums = np.bincount(codes, weights=weights, minlength=len(uniques)).astype(float)
    rows = uniques.get_level_values(0).to_numpy()
    cols = uniques.get_level_values(1).to_numpy()
    boxes = shapely.box(cols * cell, rows * cell, (cols + 1) * cell, (rows + 1) * cell)
    size = f"{cell / 1000:g}km" if cell >= 1000 else f"{cell:g}m"
    ids = [f"{size}N{r}E{c}" for r, c in zip(rows, cols, strict=True)]
    cells = gpd.GeoDataFrame({"cell_id": ids}, geometry=boxes, crs=layer.crs)
    people = None
    if residents is not None:
        require_metric_crs(layer, residents, roles=("layer", "residents"))
        require_columns(residents, [residents_column], "residents")
        rxy = shapely.get_coordinates(representative_points(residents))
        rkeys = pd.MultiIndex.from_arrays(
            [
                np.floor(rxy[:, 1] / cell).astype(np.int64),
                np.floor(rxy[:, 0] / cell).astype(np.int64),
            ]
        )
        where = uniques.get_indexer(rkeys)
        values = pd.to_numeric(residents[residents_column], errors="coerce").fillna(0)
        inside = where >= 0
        people = np.bincount(
            where[inside], weights=values.to_numpy(float)[inside], minlength=len(uniques)
        ).astype(float)
    cells, bins = _finish(cells, sums, stat=stat, residents=people, scheme=scheme, k=k)
    summary = IndicatorSummary(
        units=f"grid {cell:g} m",
        stat=_stat_label(stat, field),
        features=len(layer),
        placed=len(layer),
        cells=len(cells),
        total=float(sums.sum()),
        scheme=scheme or "",
        bins=bins,
        per_1000=people is not None,
    )
    return cells, summary


def zone_indicators(
    layer: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    stat: Stat = "count",
    field: str | None = None,
    residents: gpd.GeoDataFrame | None = None,
    residents_column: str = "mieszkancy",
    scheme: str | None = None,
    k: int = 5,
) -> tuple[gpd.GeoDataFrame, IndicatorSummary]:
    """Aggregate ``layer`` to zones (districts, precincts); parameters as :func:`grid_indicators`.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``zones`` with ``value``, ``density_km2`` and optionally
        ``residents``, ``per_1000``, ``klasa``.  A feature in overlapping zones
        counts in the first.
    IndicatorSummary
        Counts, total and class bounds.
    """
    require_metric_crs(layer, zones, roles=("layer", "zones"))
    weights = _weights(layer, stat, field)
    where = locate_points(layer, zones)
    inside = where >= 0
    sums = np.bincount(where[inside], weights=weights[inside], minlength=len(zones)).astype(float)
    people = None
    if residents is not None:
        require_metric_crs(zones, residents, roles=("zones", "residents"))
        require_columns(residents, [residents_column], "residents")
        rwhere = locate_points(residents, zones)
        values = pd.to_numeric(residents[residents_column], errors="coerce").fillna(0)
        rin = rwhere >= 0
        people = np.bincount(
            rwhere[rin], weights=values.to_numpy(float)[rin], minlength=len(zones)
        ).astype(float)
    result, bins = _finish(zones.copy(), sums, stat=stat, residents=people, scheme=scheme, k=k)
    summary = IndicatorSummary(
        units="zones",
        stat=_stat_label(stat, field),
        features=len(layer),
        placed=int(inside.sum()),
        cells=len(result),
        total=float(sums.sum()),
        scheme=scheme or "",
        bins=bins,
        per_1000=people is not None,
    )
    return result, summary
