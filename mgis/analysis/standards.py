"""Art. 13f accessibility standards of the 2023 planning act, checked per housing parcel.

The municipal urban-planning standards (art. 13f of the act on planning and spatial
development, as amended in 2023) require, for new housing, along the walking network
from the parcel boundary:

* a primary school within 1 500 m in a town (3 000 m outside towns), measured to
  the school building;
* public green areas of at least 3 ha in total within 1 500 m;
* one green area of at least 20 ha within 3 000 m,

the green areas measured to their boundary. A gmina may set other distances and
add criteria (kindergartens, bus stops, clinics ...): see :class:`StandardsThresholds`.

Examples
--------
>>> t = StandardsThresholds.rural()
>>> (t.school_m, t.green_total_m, t.large_green_ha)
(3000.0, 1500.0, 20.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from mgis.analysis._checks import AnalysisError, require_metric_crs
from mgis.analysis.network import NetworkSummary, as_network, facility_distances, summarize_network
from mgis.analysis.network_graph import (
    BoolArray,
    FloatArray,
    SourceGraph,
    StreetNetwork,
    attach,
    target_distances,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "FacilityRule",
    "StandardsResult",
    "StandardsSummary",
    "StandardsThresholds",
    "check_standards",
]

GREEN_REACH_M = 30.0
"""A green area is entered from every street within this distance of its boundary."""


@dataclass(frozen=True)
class FacilityRule:
    """An extra criterion a gmina may add: a facility of ``name`` within ``max_m`` metres."""

    name: str
    max_m: float


@dataclass(frozen=True)
class StandardsThresholds:
    """Distances and areas of the art. 13f check (defaults: the act's values for a town).

    Attributes
    ----------
    school_m : float
        Primary school within this walking distance (1 500 m in a town, 3 000 m outside).
    green_total_m : float
        Radius for the total area of public green (1 500 m).
    green_total_ha : float
        Required total green area within ``green_total_m`` (3 ha).
    large_green_m : float
        Radius for one large green area (3 000 m).
    large_green_ha : float
        Size of that large green area (20 ha).
    extra : tuple of FacilityRule
        Further criteria, e.g. ``FacilityRule("kindergarten", 750)``.
    """

    school_m: float = 1500.0
    green_total_m: float = 1500.0
    green_total_ha: float = 3.0
    large_green_m: float = 3000.0
    large_green_ha: float = 20.0
    extra: tuple[FacilityRule, ...] = ()

    @classmethod
    def rural(cls, **changes: Any) -> StandardsThresholds:
        """Return the thresholds outside towns (school within 3 000 m)."""
        return replace(cls(school_m=3000.0), **changes)


@dataclass(frozen=True)
class StandardsSummary:
    """Result of the check in figures.

    Attributes
    ----------
    parcels : int
        Housing parcels checked.
    passed_all : int
        Parcels meeting every criterion.
    share_passed : float
        ``passed_all / parcels``.
    passed : dict
        Parcels meeting each criterion.
    median_m : dict
        Median distance per distance criterion (NaN when none reached).
    unreachable : int
        Parcels the network does not connect to any school.
    thresholds : StandardsThresholds
        The thresholds used.
    network : NetworkSummary
        The graph.
    """

    parcels: int
    passed_all: int
    share_passed: float
    passed: dict[str, int]
    median_m: dict[str, float]
    unreachable: int
    thresholds: StandardsThresholds
    network: NetworkSummary

    def table(self) -> pd.DataFrame:
        """Return one row per criterion: threshold, passed, failed, share, median distance."""
        t = self.thresholds
        limits = {
            "school": f"<= {t.school_m:g} m",
            "green_total": f">= {t.green_total_ha:g} ha within {t.green_total_m:g} m",
            "large_green": f">= {t.large_green_ha:g} ha within {t.large_green_m:g} m",
            **{r.name: f"<= {r.max_m:g} m" for r in t.extra},
        }
        rows = [
            {
                "criterion": name,
                "threshold": limits[name],
                "passed": count,
                "failed": self.parcels - count,
                "share": round(count / self.parcels, 4) if self.parcels else float("nan"),
                "median_m": self.median_m.get(name, float("nan")),
            }
            for name, count in self.passed.items()
        ]
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class StandardsResult:
    """The checked parcels (pass/fail and distances per criterion) and the summary."""

    frame: gpd.GeoDataFrame
    summary: StandardsSummary


def check_standards(
    parcels: gpd.GeoDataFrame,
    streets: Any,
    schools: gpd.GeoDataFrame,
    green: gpd.GeoDataFrame,
    *,
    thresholds: StandardsThresholds | None = None,
    housing: BoolArray | None = None,
    extra: Mapping[str, gpd.GeoDataFrame] | None = None,
    tolerance: float = 0.5,
) -> StandardsResult:
    """Check the art. 13f standards for every housing parcel.

    Parameters
    ----------
    parcels : geopandas.GeoDataFrame
        Cadastral parcels (polygons), measured from their boundary.
    streets : geopandas.GeoDataFrame or StreetNetwork
        The walking network.
    schools : geopandas.GeoDataFrame
        Primary schools (building polygons or points).
    green : geopandas.GeoDataFrame
        Public green areas (polygons); areas are computed from the geometry.
    thresholds : StandardsThresholds, optional
        Distances and areas (default: the act's values for a town).
    housing : numpy.ndarray of bool, optional
        Which parcels are housing parcels (select them by plan zone or land use);
        default all.
    extra : mapping of str to geopandas.GeoDataFrame, optional
        Facilities of the extra criteria, keyed by :attr:`FacilityRule.name`.
    tolerance : float
        Snapping tolerance of the network.

    Returns
    -------
    StandardsResult
        The housing parcels with ``school_m``, ``school_ok``, ``green_total_ha``,
        ``green_total_ok``, ``large_green_m``, ``large_green_ok``, ``<name>_m`` and
        ``<name>_ok`` per extra rule, and ``standards_ok``; plus the summary.

    Raises
    ------
    AnalysisError
        For CRS problems, a ``housing`` mask of the wrong length or a missing extra layer.
    """
    t = thresholds or StandardsThresholds()
    extra = dict(extra or {})
    frames = [streets, parcels, schools, green, *extra.values()]
    roles = ["streets", "parcels", "schools", "green areas", *extra]
    require_metric_crs(*frames, roles=roles)
    missing = [r.name for r in t.extra if r.name not in extra]
    if missing:
        raise AnalysisError(f"no facility layer given for the criteria: {', '.join(missing)}")
    if housing is not None and len(housing) != len(parcels):
        raise AnalysisError(f"housing mask has {len(housing)} values for {len(parcels)} parcels")
    network = as_network(streets, tolerance)
    frame = parcels[np.asarray(housing, dtype=bool)] if housing is not None else parcels
    frame = frame.copy()
    targets = attach(network, np.asarray(frame.geometry.array, dtype=object))
    distances: dict[str, FloatArray] = {}
    ok: dict[str, BoolArray] = {}
    school, _, _ = facility_distances(network, targets, _geoms(schools))
    distances["school"], ok["school"] = school, school <= t.school_m
    total = _green_within(network, targets, green, t.green_total_m)
    ok["green_total"] = total >= t.green_total_ha - 1e-9
    large = green[shapely.area(_geoms(green)) >= t.large_green_ha * 10_000 - 1e-6]
    big, _, _ = facility_distances(network, targets, _geoms(large), facility_reach=GREEN_REACH_M)
    distances["large_green"], ok["large_green"] = big, big <= t.large_green_m
    for rule in t.extra:
        d, _, _ = facility_distances(network, targets, _geoms(extra[rule.name]))
        distances[rule.name], ok[rule.name] = d, d <= rule.max_m
    for name, passed in ok.items():
        if name == "green_total":
            frame["green_total_ha"] = np.round(total, 2)
        else:
            d = distances[name]
            frame[f"{name}_m"] = np.where(np.isfinite(d), np.round(d, 1), np.nan)
        frame[f"{name}_ok"] = passed
    passed_all = np.logical_and.reduce(list(ok.values()))
    frame["standards_ok"] = passed_all
    n = len(frame)
    summary = StandardsSummary(
        parcels=n,
        passed_all=int(passed_all.sum()),
        share_passed=round(float(passed_all.mean()), 4) if n else float("nan"),
        passed={k: int(v.sum()) for k, v in ok.items()},
        median_m={k: _median(v) for k, v in distances.items()},
        unreachable=int(np.count_nonzero(~np.isfinite(school) & (targets.item_leg() < np.inf))),
        thresholds=t,
        network=summarize_network(network),
    )
    return StandardsResult(frame, summary)


def _geoms(frame: Any) -> Any:
    """Return the geometries of a frame as an object array."""
    return np.asarray(frame.geometry.array, dtype=object)


def _median(values: FloatArray) -> float:
    """Return the median of the finite values (NaN when none), rounded to 0.1 m."""
    finite = values[np.isfinite(values)]
    return round(float(np.median(finite)), 1) if finite.size else float("nan")


def _green_within(
    network: StreetNetwork, targets: Any, green: gpd.GeoDataFrame, limit: float
) -> FloatArray:
    """Return, per target, the total area (ha) of green areas within ``limit`` along the network."""
    geoms = _geoms(green)
    area_ha = shapely.area(geoms) / 10_000
    total = np.zeros(targets.n_items)
    if len(green) == 0:
        return total
    sources = attach(network, geoms, reach=GREEN_REACH_M)
    graph = SourceGraph(network, sources)
    order = np.argsort(sources.item, kind="stable")
    bounds = np.searchsorted(sources.item[order], np.arange(len(green) + 1))
    for g in range(len(green)):
        rows = order[bounds[g] : bounds[g + 1]]
        if rows.size == 0 or area_ha[g] <= 0:
            continue
        node_dist, node_origin = graph.node_distances(rows, limit=limit)
        dist, _ = target_distances(graph, node_dist, node_origin, targets, rows)
        total[dist <= limit] += area_ha[g]
    return total
