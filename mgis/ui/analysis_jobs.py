"""The analyses as the window runs them: parameters and input frames in, an outcome out.

Every ``run_*`` function is pure (no widgets) and runs in a
:class:`~mgis.ui.workers.Worker`; inputs are prepared exactly as the
``mgis analyze`` commands prepare them, so the numbers are identical. The
:class:`AnalysisOutcome` carries the result layer with a sensible style, or
the rows to select, and the summary tables for the summary view.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mgis.layers import Style
from mgis.layers.classify import categorize
from mgis.layers.vector import geometry_family
from mgis.ui.analysis_params import (
    AnalysisParams,
    BufferParams,
    ClipParams,
    CostParams,
    CoverageParams,
    DissolveParams,
    DistanceParams,
    IndicatorParams,
    IntersectionParams,
    InvestmentParams,
    JoinParams,
    RingsParams,
    SelectExpressionParams,
    SelectLocationParams,
    ServiceAreaParams,
    StandardsParams,
)
from mgis.ui.analysis_styles import bins_style, distance_style, graduated_style, pass_fail_style
from mgis.ui.i18n import tr

if TYPE_CHECKING:
    import geopandas as gpd

    from mgis.layers.register import Register

Frames = Mapping[str, "gpd.GeoDataFrame"]


@dataclass(frozen=True, eq=False)
class AnalysisOutcome:
    """What an analysis gave, ready for the window.

    Attributes
    ----------
    title : str
        Translated name of the analysis.
    summary : object
        The analysis summary dataclass (as the command line writes it).
    tables : tuple of (caption, DataFrame)
        Tables for the summary view, the key/value summary last.
    layer_name : str or None
        Name of the result layer (None: no layer).
    frame : geopandas.GeoDataFrame or None
        Result features.
    style : Style or None
        Their style.
    select_layer : str or None
        Layer whose selection changes (select analyses).
    select_rows : numpy.ndarray or None
        Positional rows to select.
    select_mode : str
        How ``select_rows`` combine with the current selection.
    chart : pandas.DataFrame or None
        The yearly cash flow to chart (costs).
    """

    title: str
    summary: Any
    tables: tuple[tuple[str, pd.DataFrame], ...] = ()
    layer_name: str | None = None
    frame: gpd.GeoDataFrame | None = None
    style: Style | None = None
    select_layer: str | None = None
    select_rows: np.ndarray | None = None
    select_mode: str = "new"
    chart: pd.DataFrame | None = None


def summary_table(summary: Any) -> pd.DataFrame:
    """Return a summary dataclass as ``key``/``value`` rows (nested ones flattened).

    Parameters
    ----------
    summary : dataclass instance
        Any analysis summary.

    Returns
    -------
    pandas.DataFrame
        Two text columns, the same rows ``mgis analyze`` writes to its CSV.
    """
    return pd.DataFrame(_rows(summary), columns=["key", "value"])


def _rows(summary: Any) -> list[tuple[str, str]]:
    """Return ``(field, value)`` text rows of a dataclass, as the command line prints them."""
    rows: list[tuple[str, str]] = []
    for item in dataclasses.fields(summary):
        value = getattr(summary, item.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            rows += [(f"{item.name}.{k}", v) for k, v in _rows(value)]
        elif isinstance(value, dict):
            rows += [(f"{item.name}.{k}", str(v)) for k, v in value.items()]
        else:
            rows.append((item.name, f"{value:.6g}" if isinstance(value, float) else str(value)))
    return rows


def _summary(summary: Any) -> tuple[str, pd.DataFrame]:
    """Return the key/value table with its caption."""
    return tr("Summary"), summary_table(summary)


def _attributes(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the attribute table of ``frame`` (no geometry)."""
    return pd.DataFrame(frame.drop(columns=frame.geometry.name))


# -- selections ---------------------------------------------------------------------------


def _counts_by(frame: gpd.GeoDataFrame, rows: np.ndarray, field: str | None) -> pd.DataFrame | None:
    """Count the selected features per value of ``field`` (None without a field)."""
    if not field or field not in frame.columns:
        return None
    values = frame[field].iloc[rows].astype(str)
    counts = values.value_counts().rename_axis(field).reset_index(name="count")
    ordered: pd.DataFrame = counts.sort_values(
        ["count", field], ascending=[False, True], ignore_index=True
    )
    return ordered


def run_select_location(
    params: SelectLocationParams, frames: Frames, current: np.ndarray
) -> AnalysisOutcome:
    """Find the rows of the layer meeting the selecting features; combine with ``current``."""
    from mgis.analysis.selection import SelectionSummary, combine_selection, locate

    layer, by = frames[params.layer], frames[params.by]
    matched = locate(layer, by, predicate=params.predicate, distance=params.distance)  # type: ignore[arg-type]
    rows = combine_selection(current, matched, params.mode)  # type: ignore[arg-type]
    summary = SelectionSummary(
        method="location",
        predicate=params.predicate,
        distance=float(params.distance or 0.0),
        mode=params.mode,
        layer_features=len(layer),
        by_features=len(by),
        matched=len(matched),
        selected=len(rows),
    )
    tables = [_summary(summary)]
    by_value = _counts_by(layer, rows, params.summary_field)
    if by_value is not None:
        tables.insert(0, (tr("Selected features by value"), by_value))
    return AnalysisOutcome(
        tr("Select by location"),
        summary,
        tuple(tables),
        select_layer=params.layer,
        select_rows=matched,
        select_mode=params.mode,
    )


def run_select_expression(
    params: SelectExpressionParams, frames: Frames, current: np.ndarray
) -> AnalysisOutcome:
    """Find the rows where the expression holds; combine with ``current``."""
    from mgis.analysis.selection import combine_selection, select_by_attribute
    from mgis.layers.expressions import filter_rows

    layer = frames[params.layer]
    mask = filter_rows(layer.drop(columns=layer.geometry.name), params.expression)
    _, summary = select_by_attribute(layer, mask, current=current, mode=params.mode)  # type: ignore[arg-type]
    matched = np.flatnonzero(mask).astype(np.int64)
    rows = combine_selection(current, matched, params.mode)  # type: ignore[arg-type]
    tables = [_summary(summary)]
    by_value = _counts_by(layer, rows, params.summary_field)
    if by_value is not None:
        tables.insert(0, (tr("Selected features by value"), by_value))
    return AnalysisOutcome(
        tr("Select by expression"),
        summary,
        tuple(tables),
        select_layer=params.layer,
        select_rows=matched,
        select_mode=params.mode,
    )


# -- geoprocessing -----------------------------------------------------------------------


def run_join(params: JoinParams, frames: Frames) -> AnalysisOutcome:
    """Spatial join or summary join, as ``mgis analyze join``."""
    from mgis.analysis.joins import spatial_join, summary_join

    target, source = frames[params.target], frames[params.source]
    if params.how == "summary":
        stats: dict[str, list[str]] = {}
        for name, stat in params.stats:
            stats.setdefault(name, []).append(stat)
        result, summary = summary_join(target, source, stats, predicate=params.predicate)
        style = graduated_style(result, "count")
    else:
        result, summary = spatial_join(
            target,
            source,
            how=params.how,  # type: ignore[arg-type]
            predicate=params.predicate,
        )
        style = Style.for_geometry(geometry_family(result))
    return AnalysisOutcome(
        tr("Spatial join"),
        summary,
        (_summary(summary),),
        layer_name=f"{params.target}_join",
        frame=result,
        style=style,
    )


def run_dissolve(params: DissolveParams, frames: Frames) -> AnalysisOutcome:
    """Dissolve polygons (per field)."""
    from mgis.analysis.geoprocessing import dissolve

    result, summary = dissolve(frames[params.layer], params.by)
    style = categorize(result, params.by) if params.by else Style.for_geometry("polygon")
    tables = (_summary(summary), (tr("Groups"), _attributes(result)))
    return AnalysisOutcome(
        tr("Dissolve"),
        summary,
        tables,
        layer_name=f"{params.layer}_dissolved",
        frame=result,
        style=style,
    )


def run_buffer(params: BufferParams, frames: Frames) -> AnalysisOutcome:
    """Buffers, as ``mgis analyze buffer``; several distances graduated by distance."""
    from mgis.analysis.geoprocessing import buffer

    result, summary = buffer(
        frames[params.layer],
        list(params.distances),
        dissolve=params.dissolve,
        by=params.by,
        rings=params.rings,
    )
    style = (
        distance_style(result, "distance")
        if len(params.distances) > 1
        else Style(fill="#3182bd55", stroke="#08519c", stroke_width=0.4)
    )
    return AnalysisOutcome(
        tr("Buffer"),
        summary,
        (_summary(summary),),
        layer_name=f"{params.layer}_buffer",
        frame=result,
        style=style,
    )


def run_clip(params: ClipParams, frames: Frames) -> AnalysisOutcome:
    """Cut a layer to mask polygons."""
    from mgis.analysis.geoprocessing import clip

    result, summary = clip(frames[params.layer], frames[params.mask])
    return AnalysisOutcome(
        tr("Clip"),
        summary,
        (_summary(summary),),
        layer_name=f"{params.layer}_clipped",
        frame=result,
        style=Style.for_geometry(geometry_family(result)),
    )


def run_intersection(params: IntersectionParams, frames: Frames) -> AnalysisOutcome:
    """Pieces where two layers overlap."""
    from mgis.analysis.geoprocessing import intersection

    result, summary = intersection(frames[params.layer], frames[params.overlay])
    return AnalysisOutcome(
        tr("Intersection"),
        summary,
        (_summary(summary),),
        layer_name=f"{params.layer}_x_{params.overlay}",
        frame=result,
        style=Style.for_geometry(geometry_family(result)),
    )


# -- accessibility ----------------------------------------------------------------------


def run_rings(params: RingsParams, frames: Frames) -> AnalysisOutcome:
    """Facility rings, graduated by distance."""
    from mgis.analysis.accessibility import facility_rings

    result, summary = facility_rings(
        frames[params.facilities],
        type_column=params.type_field,
        distances=list(params.distances),
        rings=params.rings,
    )
    return AnalysisOutcome(
        tr("Facility rings"),
        summary,
        (_summary(summary), (tr("Rings"), _attributes(result))),
        layer_name=f"{params.facilities}_rings",
        frame=result,
        style=distance_style(result, "distance"),
    )


def run_coverage(params: CoverageParams, frames: Frames) -> AnalysisOutcome:
    """Coverage, as ``mgis analyze coverage``; covered green, uncovered red."""
    from mgis.analysis.accessibility import coverage

    districts = frames[params.districts] if params.districts else None
    result, summary = coverage(
        frames[params.zones],
        frames[params.points],
        weight=params.weight,
        districts=districts,
        district_column=params.district_field,
    )
    if params.uncovered_only:
        result = result[~result["covered"].to_numpy()]
    tables = [_summary(summary)]
    if summary.by_district:
        shares = pd.DataFrame(
            {"district": list(summary.by_district), "share": list(summary.by_district.values())}
        )
        tables.insert(0, (tr("Covered share per district"), shares))
    if summary.by_distance:
        within = pd.DataFrame(
            {"distance": list(summary.by_distance), "covered": list(summary.by_distance.values())}
        )
        tables.insert(len(tables) - 1, (tr("Covered within each distance"), within))
    return AnalysisOutcome(
        tr("Coverage"),
        summary,
        tuple(tables),
        layer_name=f"{params.points}_coverage",
        frame=result,
        style=pass_fail_style(result, "covered"),
    )


def run_distance(params: DistanceParams, frames: Frames) -> AnalysisOutcome:
    """Measure the walking distance to the nearest facility; graduated."""
    from mgis.analysis.network import network_distance

    result = network_distance(
        frames[params.network],
        frames[params.facilities],
        frames[params.targets],
        measure_from=params.measure_from,  # type: ignore[arg-type]
        facility_field=params.facility_field,
        tolerance=params.tolerance,
    )
    return AnalysisOutcome(
        tr("Walking distance to facilities"),
        result.summary,
        (_summary(result.summary),),
        layer_name=f"{params.targets}_distance",
        frame=result.frame,
        style=graduated_style(result.frame, "distance_m", unit=" m"),
    )


def run_service_areas(params: ServiceAreaParams, frames: Frames) -> AnalysisOutcome:
    """Service areas, graduated by distance (largest drawn first)."""
    from mgis.analysis.network import service_areas

    result = service_areas(
        frames[params.network],
        frames[params.facilities],
        list(params.distances),
        width=params.width,
        tolerance=params.tolerance,
    )
    frame = result.frame.iloc[::-1].reset_index(drop=True)
    return AnalysisOutcome(
        tr("Service areas"),
        result.summary,
        (_summary(result.summary), (tr("Areas"), _attributes(result.frame))),
        layer_name=f"{params.facilities}_service_areas",
        frame=frame,
        style=distance_style(frame, "distance_m"),
    )


# -- planning ----------------------------------------------------------------------------


def housing_mask(params: StandardsParams, frames: Frames) -> np.ndarray:
    """Return which parcels are housing parcels (expression and plan zones), as the CLI does."""
    import shapely

    from mgis.analysis._checks import AnalysisError
    from mgis.layers.expressions import filter_rows

    parcels = frames[params.parcels]
    housing = np.ones(len(parcels), dtype=bool)
    if params.housing_where.strip():
        housing &= filter_rows(parcels.drop(columns=parcels.geometry.name), params.housing_where)
    if params.zones:
        zones = frames[params.zones]
        if params.zone_field not in zones.columns:
            raise AnalysisError(f"plan zones: no field {params.zone_field!r}; choose another")
        chosen = zones[zones[params.zone_field].astype(str).isin(list(params.zone_values))]
        points = shapely.point_on_surface(np.asarray(parcels.geometry.array, dtype=object))
        hit = shapely.STRtree(np.asarray(chosen.geometry.array)).query(points, predicate="within")
        inside = np.zeros(len(parcels), dtype=bool)
        inside[hit[0]] = True
        housing &= inside
    return housing


def criteria_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return the art. 13f criteria table with the criteria and thresholds in plain words."""
    names = {
        "school": tr("Primary school"),
        "green_total": tr("Green areas nearby"),
        "large_green": tr("Large green area"),
    }
    within = f" {tr('within')} "
    return table.assign(
        criterion=[names.get(str(c), str(c)) for c in table["criterion"]],
        threshold=table["threshold"].astype(str).str.replace(" within ", within),
    )


def run_standards(params: StandardsParams, frames: Frames) -> AnalysisOutcome:
    """Check the art. 13f standards; parcels pass/fail, the criteria table first."""
    from mgis.analysis.standards import check_standards

    result = check_standards(
        frames[params.parcels],
        frames[params.network],
        frames[params.schools],
        frames[params.green],
        thresholds=params.thresholds,
        housing=housing_mask(params, frames),
        tolerance=params.tolerance,
    )
    tables = (
        (tr("Art. 13f criteria"), criteria_table(result.summary.table())),
        _summary(result.summary),
    )
    return AnalysisOutcome(
        tr("Art. 13f standards check"),
        result.summary,
        tables,
        layer_name=f"{params.parcels}_art13f",
        frame=result.frame,
        style=pass_fail_style(result.frame, "standards_ok"),
    )


def run_indicators(params: IndicatorParams, frames: Frames) -> AnalysisOutcome:
    """Grid or zone indicators, graduated with the mapclassify classes."""
    from mgis.analysis.indicators import grid_indicators, zone_indicators

    options: dict[str, Any] = {
        "stat": params.stat,
        "field": params.field,
        "residents": frames[params.residents] if params.residents else None,
        "residents_column": params.residents_field,
        "scheme": params.scheme,
        "k": params.k,
    }
    layer = frames[params.layer]
    if params.zones:
        result, summary = zone_indicators(layer, frames[params.zones], **options)
        name = f"{params.layer}_per_{params.zones}"
    else:
        result, summary = grid_indicators(layer, cell=params.cell or 500.0, **options)
        name = f"{params.layer}_grid"
    return AnalysisOutcome(
        tr("Indicators"),
        summary,
        (_summary(summary), (tr("Values"), _attributes(result))),
        layer_name=name,
        frame=result,
        style=bins_style(result, "value", summary.bins),
    )


def run_investments(params: InvestmentParams, frames: Frames) -> AnalysisOutcome:
    """Investment area statistics; the comparison table is the result's attributes."""
    from mgis.analysis.investments import investment_stats

    def optional(name: str | None) -> gpd.GeoDataFrame | None:
        return frames[name] if name else None

    result, summary = investment_stats(
        frames[params.areas],
        parcels=frames[params.parcels],
        plan_zones=optional(params.plan_zones),
        buildings=optional(params.buildings),
        addresses=optional(params.addresses),
        cost_column=params.cost_field,
        ownership_column=params.ownership_field,
        zone_column=params.zone_field,
        residents_column=params.residents_field,
    )
    table = _attributes(result)
    stats = [c for c in table.columns if c not in frames[params.areas].columns]
    keep = [c for c in ("investment_id", "Nazwa zadania", "nazwa") if c in table.columns]
    return AnalysisOutcome(
        tr("Investment area statistics"),
        summary,
        ((tr("Comparison"), table[keep + stats]), _summary(summary)),
        layer_name=f"{params.areas}_stats",
        frame=result,
        style=graduated_style(result, "area_ha", unit=" ha"),
    )


def investment_inputs(
    register: Register, areas: gpd.GeoDataFrame, investment: str
) -> tuple[dict[int, float], float]:
    """Return the yearly outlays (``Limit <year>`` columns) and land area of an investment.

    Mirrors ``mgis analyze costs --investment ID --project P``.

    Parameters
    ----------
    register : Register
        The saved copy of the linked register (``link.register()``).
    areas : geopandas.GeoDataFrame
        The linked investment areas (``investment_id``, ``area_m2``).
    investment : str
        The register id.

    Returns
    -------
    tuple
        ``{year: PLN}`` and the land area in m².
    """
    row = areas[areas["investment_id"].astype(str) == investment]
    land = float(row["area_m2"].iloc[0]) if len(row) else 0.0
    if investment not in register.ids:
        return {}, land
    k = register.ids.index(investment)
    outlays: dict[int, float] = {}
    for year, column in register.mapping.limits:
        value = register.frame[column].iloc[k]
        if pd.notna(value) and value:
            outlays[year] = float(value)
    return outlays, land


def run_costs(params: CostParams, frames: Frames) -> AnalysisOutcome:
    """Cash flow and NPV; the yearly table and chart."""
    from mgis.analysis.costs import cash_flow

    result = cash_flow(
        dict(params.outlays),
        land_m2=params.land_m2,
        building_m2=params.building_m2,
        rates=params.rates,
    )
    title = tr("Costs and benefits")
    if params.investment:
        title = f"{title}: {params.investment}"
    return AnalysisOutcome(
        title,
        result.summary,
        ((tr("Cash flow"), result.table), _summary(result.summary)),
        chart=result.table,
    )


JOBS: dict[type, Callable[..., AnalysisOutcome]] = {
    JoinParams: run_join,
    DissolveParams: run_dissolve,
    BufferParams: run_buffer,
    ClipParams: run_clip,
    IntersectionParams: run_intersection,
    RingsParams: run_rings,
    CoverageParams: run_coverage,
    DistanceParams: run_distance,
    ServiceAreaParams: run_service_areas,
    StandardsParams: run_standards,
    IndicatorParams: run_indicators,
    InvestmentParams: run_investments,
    CostParams: run_costs,
}
"""Parameter type -> job (the select analyses also take the current selection)."""


def run_analysis(
    params: AnalysisParams,
    frames: Frames,
    current: np.ndarray | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AnalysisOutcome | None:
    """Run the analysis of ``params`` on ``frames`` (worker thread).

    Parameters
    ----------
    params : AnalysisParams
        What the dialog collected.
    frames : mapping of str to geopandas.GeoDataFrame
        The input layers by name (selected features only where asked).
    current : numpy.ndarray, optional
        The current selection of the layer (select analyses).
    progress, cancelled : callable, optional
        Given by the worker: report progress, ask whether to stop.

    Returns
    -------
    AnalysisOutcome or None
        None when cancelled before it finished.
    """
    if progress is not None:
        progress(-1)
    empty = np.empty(0, dtype=np.int64)
    if isinstance(params, SelectLocationParams):
        outcome = run_select_location(params, frames, current if current is not None else empty)
    elif isinstance(params, SelectExpressionParams):
        outcome = run_select_expression(params, frames, current if current is not None else empty)
    else:
        outcome = JOBS[type(params)](params, frames)
    if cancelled is not None and cancelled():
        return None
    if progress is not None:
        progress(100)
    return outcome
