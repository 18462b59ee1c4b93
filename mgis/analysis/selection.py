"""Select features by location or by an attribute mask, combined with a current selection.

Selections are sorted, unique int64 *positional* row indices (the form used by
layer selections in the application).  Attribute expressions are evaluated by
the caller (``mgis.layers.expressions.filter_rows``), which passes a boolean mask
here: this layer may not import ``mgis.layers``.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import Point, box
>>> parcels = gpd.GeoDataFrame(geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)], crs=2180)
>>> schools = gpd.GeoDataFrame(geometry=[Point(5, 5)], crs=2180)
>>> selected, summary = select_by_location(parcels, schools, predicate="intersects")
>>> selected.index.tolist(), summary.selected
([0], 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import numpy.typing as npt
import shapely

from mgis.analysis._checks import (
    AnalysisError,
    require_metric_crs,
    require_positive,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "MODES",
    "PREDICATES",
    "Mode",
    "Predicate",
    "SelectionSummary",
    "combine_selection",
    "locate",
    "select_by_attribute",
    "select_by_location",
]

Indices = npt.NDArray[np.int64]
Predicate = Literal["intersects", "within", "contains", "touches", "overlaps", "crosses", "dwithin"]
Mode = Literal["new", "add", "remove", "intersect"]
PREDICATES: tuple[str, ...] = get_args(Predicate)
MODES: tuple[str, ...] = get_args(Mode)

# "layer feature <predicate> by feature" as the spatial index sees it: the tree
# holds the layer, the query geometries are the ``by`` features.
_TREE_PREDICATE = {
    "intersects": "intersects",
    "within": "contains",
    "contains": "within",
    "touches": "touches",
    "overlaps": "overlaps",
    "crosses": "crosses",
    "dwithin": "dwithin",
}


@dataclass(frozen=True)
class SelectionSummary:
    """What a selection did.

    Parameters
    ----------
    method : str
        ``location`` or ``attribute``.
    predicate : str
        The spatial predicate (empty for an attribute selection).
    distance : float
        The ``dwithin`` distance in metres (0 otherwise).
    mode : str
        How the matches were combined with the current selection.
    layer_features : int
        Features in the layer.
    by_features : int
        Features of the selecting layer (0 for an attribute selection).
    matched : int
        Layer features meeting the condition.
    selected : int
        Features selected after combining with the current selection.
    """

    method: str
    predicate: str
    distance: float
    mode: str
    layer_features: int
    by_features: int
    matched: int
    selected: int


def _as_indices(values: npt.ArrayLike) -> Indices:
    """Return ``values`` as sorted unique int64 indices."""
    arr = np.sort(np.asarray(values, dtype=np.int64).ravel())
    if len(arr) > 1:
        arr = arr[np.r_[True, arr[1:] != arr[:-1]]]
    return arr


def _rows_mask(n: int, *groups: npt.NDArray[np.intp]) -> Indices:
    """Return the sorted unique rows among ``groups`` of row numbers below ``n``."""
    mask = np.zeros(n, dtype=bool)
    for rows in groups:
        mask[rows] = True
    return np.flatnonzero(mask).astype(np.int64)


def combine_selection(current: npt.ArrayLike | None, new: npt.ArrayLike, mode: Mode) -> Indices:
    """Combine a current selection with newly matched positional indices.

    Parameters
    ----------
    current : array-like of int or None
        The current selection (``None`` or empty for none).
    new : array-like of int
        The matched features.
    mode : {"new", "add", "remove", "intersect"}
        Replace, unite, subtract or keep the common features.

    Returns
    -------
    numpy.ndarray
        Sorted unique int64 indices.

    Examples
    --------
    >>> combine_selection([1, 2], [2, 3], "add").tolist()
    [1, 2, 3]
    >>> combine_selection([1, 2], [2, 3], "remove").tolist()
    [1]
    """
    picked = _as_indices(new)
    cur = _as_indices([] if current is None else current)
    if mode == "new":
        return picked
    if mode == "add":
        return np.union1d(cur, picked)
    if mode == "remove":
        return np.setdiff1d(cur, picked, assume_unique=True)
    if mode == "intersect":
        return np.intersect1d(cur, picked, assume_unique=True)
    raise AnalysisError(f"unknown selection mode {mode!r}; choose one of {', '.join(MODES)}")


def _query_geometries(by: gpd.GeoDataFrame, predicate: str) -> npt.NDArray[np.object_]:
    """Return the ``by`` geometries to query with (exploded where the predicate allows)."""
    geoms: npt.NDArray[np.object_] = np.asarray(by.geometry.array, dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if predicate in ("intersects", "dwithin"):
        # Meeting any part of a multi-geometry is meeting the whole: smaller parts
        # make the index and the prepared-geometry tests far cheaper.
        parts: npt.NDArray[np.object_] = shapely.get_parts(geoms)
        return parts
    return geoms


def locate(
    layer: gpd.GeoDataFrame,
    by: gpd.GeoDataFrame,
    *,
    predicate: Predicate = "intersects",
    distance: float | None = None,
) -> Indices:
    """Return the positional rows of ``layer`` that meet any feature of ``by``.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        Features to select from.
    by : geopandas.GeoDataFrame
        Selecting features (same projected CRS in metres).
    predicate : str
        ``layer feature <predicate> by feature``: intersects, within, contains,
        touches, overlaps, crosses or dwithin.
    distance : float, optional
        Search distance in metres; required for (and only for) ``dwithin``.

    Returns
    -------
    numpy.ndarray
        Sorted unique int64 positional indices into ``layer``.

    Raises
    ------
    AnalysisError
        For an unknown predicate, a missing distance or unsuitable CRSs.
    """
    if predicate not in _TREE_PREDICATE:
        raise AnalysisError(
            f"unknown predicate {predicate!r}; choose one of {', '.join(PREDICATES)}"
        )
    require_metric_crs(layer, by, roles=("layer", "selecting layer"))
    if predicate == "dwithin":
        if distance is None:
            raise AnalysisError("the dwithin predicate needs a distance in metres")
        require_positive(distance, "distance")
    elif distance is not None:
        raise AnalysisError(f"a distance is only used with dwithin, not {predicate}")
    if len(layer) == 0 or len(by) == 0:
        return np.empty(0, dtype=np.int64)
    geoms = _query_geometries(by, predicate)
    if predicate == "intersects":
        return _intersecting(layer, geoms)
    tree_predicate = _TREE_PREDICATE[predicate]
    if predicate == "dwithin":
        hits = layer.sindex.query(geoms, predicate=tree_predicate, distance=distance)
    else:
        hits = layer.sindex.query(geoms, predicate=tree_predicate)
    return _rows_mask(len(layer), hits[1])


def _intersecting(layer: gpd.GeoDataFrame, geoms: npt.NDArray[np.object_]) -> Indices:
    """Rows of ``layer`` intersecting any of ``geoms`` (index candidates, then exact tests).

    A candidate whose first vertex lies inside the query polygon intersects it; that
    vectorised point-in-polygon test settles most candidates, and only the rest
    go through the full (prepared) intersects test.
    """
    query, rows = layer.sindex.query(geoms)
    if len(rows) == 0:
        return np.empty(0, dtype=np.int64)
    layer_geoms = np.asarray(layer.geometry.array, dtype=object)
    coords, which = shapely.get_coordinates(layer_geoms, return_index=True)
    first = np.full(len(layer_geoms), -1, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, which[1:] != which[:-1]]) if len(which) else which
    first[which[starts]] = starts
    shapely.prepare(geoms)
    start = first[rows]
    inside = np.zeros(len(rows), dtype=bool)
    has = start >= 0
    inside[has] = shapely.contains_xy(
        geoms[query[has]], coords[start[has], 0], coords[start[has], 1]
    )
    rest = ~inside
    exact = shapely.intersects(geoms[query[rest]], layer_geoms[rows[rest]])
    return _rows_mask(len(layer), rows[inside], rows[rest][exact])


def select_by_location(
    layer: gpd.GeoDataFrame,
    by: gpd.GeoDataFrame,
    *,
    predicate: Predicate = "intersects",
    distance: float | None = None,
    current: npt.ArrayLike | None = None,
    mode: Mode = "new",
) -> tuple[gpd.GeoDataFrame, SelectionSummary]:
    """Select the features of ``layer`` by their spatial relation to ``by``.

    Parameters
    ----------
    layer, by : geopandas.GeoDataFrame
        See :func:`locate`.
    predicate : str
        See :func:`locate`.
    distance : float, optional
        Metres, for ``dwithin``.
    current : array-like of int, optional
        The current selection (positional indices) to combine with.
    mode : {"new", "add", "remove", "intersect"}
        How to combine with ``current``.

    Returns
    -------
    geopandas.GeoDataFrame
        The selected features (a copy; index labels kept).
    SelectionSummary
        Counts.  Use :func:`locate` and :func:`combine_selection` for the
        positional indices (the application's selection).
    """
    matched = locate(layer, by, predicate=predicate, distance=distance)
    selected = combine_selection(current, matched, mode)
    result = layer.take(selected)
    summary = SelectionSummary(
        method="location",
        predicate=predicate,
        distance=float(distance or 0.0),
        mode=mode,
        layer_features=len(layer),
        by_features=len(by),
        matched=len(matched),
        selected=len(selected),
    )
    return result, summary


def select_by_attribute(
    layer: gpd.GeoDataFrame,
    mask: npt.ArrayLike,
    *,
    current: npt.ArrayLike | None = None,
    mode: Mode = "new",
) -> tuple[gpd.GeoDataFrame, SelectionSummary]:
    """Select the features where ``mask`` is True, combined with ``current``.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        Features to select from.
    mask : array-like of bool
        One value per row, e.g. from ``mgis.layers.expressions.filter_rows``.
    current : array-like of int, optional
        The current selection (positional indices).
    mode : {"new", "add", "remove", "intersect"}
        How to combine with ``current``.

    Returns
    -------
    geopandas.GeoDataFrame
        The selected features (a copy; index labels kept).
    SelectionSummary
        Counts.
    """
    flags = np.asarray(mask, dtype=bool).ravel()
    if flags.shape[0] != len(layer):
        raise AnalysisError(
            f"the attribute mask has {flags.shape[0]} values but the layer {len(layer)} rows"
        )
    matched = np.flatnonzero(flags).astype(np.int64)
    selected = combine_selection(current, matched, mode)
    result = layer.take(selected)
    summary = SelectionSummary(
        method="attribute",
        predicate="",
        distance=0.0,
        mode=mode,
        layer_features=len(layer),
        by_features=0,
        matched=len(matched),
        selected=len(selected),
    )
    return result, summary
