"""Spatial joins: attributes by location (one-to-many or largest overlap) and summaries.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import Point, box
>>> parcels = gpd.GeoDataFrame({"id": ["a"]}, geometry=[box(0, 0, 10, 10)], crs=2180)
>>> homes = gpd.GeoDataFrame({"n": [2, 3]}, geometry=[Point(1, 1), Point(2, 2)], crs=2180)
>>> joined, _ = summary_join(parcels, homes, {"n": ["sum"]})
>>> joined["n_sum"].tolist(), joined["count"].tolist()
([5.0], [2])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from mgis.analysis._checks import (
    AnalysisError,
    require_columns,
    require_geometry_types,
    require_metric_crs,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["STATS", "JoinSummary", "join_pairs", "spatial_join", "summary_join"]

STATS = ("count", "sum", "mean", "min", "max")
JoinHow = Literal["one_to_many", "largest_overlap"]


@dataclass(frozen=True)
class JoinSummary:
    """Join counts.

    Parameters
    ----------
    method : str
        ``one_to_many``, ``largest_overlap`` or ``summary``.
    predicate : str
        Spatial predicate used to pair features.
    target_features : int
        Features of the target layer.
    source_features : int
        Features of the source layer.
    matched_targets : int
        Target features with at least one source feature.
    unmatched_targets : int
        Target features with none.
    result_features : int
        Rows of the result.
    """

    method: str
    predicate: str
    target_features: int
    source_features: int
    matched_targets: int
    unmatched_targets: int
    result_features: int


def join_pairs(
    target: gpd.GeoDataFrame, source: gpd.GeoDataFrame, *, predicate: str = "intersects"
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return positional ``(target_rows, source_rows)`` of pairs meeting ``predicate``.

    ``predicate`` reads ``target <predicate> source`` (e.g. ``within``: the target
    feature lies within the source feature).  Pairs are sorted by target row.
    """
    require_metric_crs(target, source, roles=("target", "source"))
    if len(target) == 0 or len(source) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    geoms = np.asarray(target.geometry.array, dtype=object)
    # The tree holds the source; the query geometries are the targets.
    tgt_rows, src_rows = source.sindex.query(geoms, predicate=predicate)
    order = np.lexsort((src_rows, tgt_rows))
    return tgt_rows[order].astype(np.int64), src_rows[order].astype(np.int64)


def _source_columns(
    target: gpd.GeoDataFrame, source: gpd.GeoDataFrame, columns: Sequence[str] | None
) -> list[str]:
    """Return the source attribute columns to copy."""
    geometry = source.geometry.name
    if columns is None:
        return [c for c in source.columns if c != geometry]
    require_columns(source, columns, "source")
    return list(columns)


def spatial_join(
    target: gpd.GeoDataFrame,
    source: gpd.GeoDataFrame,
    *,
    how: JoinHow = "one_to_many",
    predicate: str = "intersects",
    columns: Sequence[str] | None = None,
    suffix: str = "_src",
) -> tuple[gpd.GeoDataFrame, JoinSummary]:
    """Copy the attributes of ``source`` onto the ``target`` features they meet.

    Parameters
    ----------
    target : geopandas.GeoDataFrame
        Features receiving attributes (their geometry is kept).
    source : geopandas.GeoDataFrame
        Features giving attributes.
    how : {"one_to_many", "largest_overlap"}
        One row per matching pair (unmatched targets kept once, with empty
        values), or one row per target with the source it overlaps most
        (largest intersection area for polygons, length for lines).
    predicate : str
        ``target <predicate> source``; intersects by default.
    columns : sequence of str, optional
        Source columns to copy (all by default).
    suffix : str
        Added to source column names that clash with target names.

    Returns
    -------
    geopandas.GeoDataFrame
        The joined table with ``src_row`` (positional row of the source feature,
        -1 when none).
    JoinSummary
        Counts.
    """
    if how not in ("one_to_many", "largest_overlap"):
        raise AnalysisError(f"unknown join method {how!r}; use one_to_many or largest_overlap")
    cols = _source_columns(target, source, columns)
    tgt, src = join_pairs(target, source, predicate=predicate)
    if how == "largest_overlap":
        tgt, src = _largest(target, source, tgt, src)
    n = len(target)
    matched = np.zeros(n, dtype=bool)
    matched[tgt] = True
    unmatched = np.flatnonzero(~matched).astype(np.int64)
    rows = np.concatenate([tgt, unmatched])
    srcs = np.concatenate([src, np.full(len(unmatched), -1, dtype=np.int64)])
    order = np.argsort(rows, kind="stable")
    rows, srcs = rows[order], srcs[order]
    result = target.take(rows)
    taken = set(result.columns)
    values = source[cols].take(np.where(srcs >= 0, srcs, 0))
    for col in cols:
        name = f"{col}{suffix}" if col in taken else col
        series = values[col].reset_index(drop=True)
        series = series.where(pd.Series(srcs >= 0), None) if (srcs < 0).any() else series
        result[name] = series.to_numpy()
    result["src_row"] = srcs
    summary = JoinSummary(
        method=how,
        predicate=predicate,
        target_features=n,
        source_features=len(source),
        matched_targets=int(matched.sum()),
        unmatched_targets=len(unmatched),
        result_features=len(result),
    )
    return result, summary


def _largest(
    target: gpd.GeoDataFrame,
    source: gpd.GeoDataFrame,
    tgt: npt.NDArray[np.int64],
    src: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Keep, per target, the pair with the largest overlap (area, else length)."""
    if len(tgt) == 0:
        return tgt, src
    a = np.asarray(target.geometry.array, dtype=object)[tgt]
    b = np.asarray(source.geometry.array, dtype=object)[src]
    pieces = shapely.intersection(a, b)
    size = shapely.area(pieces)
    size = np.where(size > 0, size, shapely.length(pieces))
    order = np.lexsort((-size, tgt))
    tgt, src = tgt[order], src[order]
    first = np.r_[True, tgt[1:] != tgt[:-1]]
    return tgt[first], src[first]


def summary_join(
    target: gpd.GeoDataFrame,
    source: gpd.GeoDataFrame,
    stats: Mapping[str, Sequence[str]],
    *,
    predicate: str = "intersects",
) -> tuple[gpd.GeoDataFrame, JoinSummary]:
    """Summarise the ``source`` features meeting each ``target`` feature.

    Parameters
    ----------
    target : geopandas.GeoDataFrame
        Features receiving the summaries (e.g. parcels, districts).
    source : geopandas.GeoDataFrame
        Features summarised (e.g. addresses).
    stats : mapping of str to sequence of str
        ``{field: ["sum", "mean", ...]}``; statistics are count, sum, mean, min,
        max.  A ``count`` column (matching source features) is always added.
    predicate : str
        ``target <predicate> source``; intersects by default.

    Returns
    -------
    geopandas.GeoDataFrame
        The target features with ``count`` and ``<field>_<stat>`` columns
        (0 count and empty statistics where nothing matched; sums are 0).
    JoinSummary
        Counts.
    """
    for field, wanted in stats.items():
        bad = [s for s in wanted if s not in STATS]
        if bad:
            raise AnalysisError(f"unknown statistic {bad[0]!r} for {field}; use {', '.join(STATS)}")
    require_columns(source, list(stats), "source")
    numeric = [f for f, w in stats.items() if set(w) - {"count"}]
    for field in numeric:
        if not pd.api.types.is_numeric_dtype(source[field]):
            raise AnalysisError(f"source: column {field!r} is not numeric; choose a number field")
    require_geometry_types(target, ["point", "line", "polygon"], "target")
    tgt, src = join_pairs(target, source, predicate=predicate)
    result = target.copy()
    n = len(target)
    result["count"] = np.bincount(tgt, minlength=n).astype(np.int64)
    for field, wanted in stats.items():
        values = pd.DataFrame({"t": tgt, "v": source[field].to_numpy()[src]})
        grouped = values.groupby("t")["v"]
        for stat in wanted:
            name = f"{field}_{stat}"
            if stat == "count":
                result[name] = np.bincount(tgt[values["v"].notna().to_numpy()], minlength=n).astype(
                    np.int64
                )
                continue
            agg = grouped.agg(stat).reindex(range(n))
            if stat == "sum":
                agg = agg.fillna(0)
            result[name] = agg.to_numpy(dtype=float)
    matched = int((result["count"] > 0).sum())
    summary = JoinSummary("summary", predicate, n, len(source), matched, n - matched, n)
    return result, summary
