"""The planning jobs: art. 13f standards, indicators, investment statistics and costs.

Pure functions (no widgets) run in a :class:`~mgis.ui.workers.Worker` by
:func:`mgis.ui.analysis_jobs.run_analysis`, as ``mgis analyze`` runs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mgis.ui.analysis_outcome import AnalysisOutcome, Frames, attribute_table, summary_entry
from mgis.ui.analysis_params import CostParams, IndicatorParams, InvestmentParams, StandardsParams
from mgis.ui.analysis_styles import bins_style, graduated_style, pass_fail_style
from mgis.ui.i18n import tr

if TYPE_CHECKING:
    import geopandas as gpd

    from mgis.layers.register import Register


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
        summary_entry(result.summary),
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
        (summary_entry(summary), (tr("Values"), attribute_table(result))),
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
    table = attribute_table(result)
    stats = [c for c in table.columns if c not in frames[params.areas].columns]
    keep = [c for c in ("investment_id", "Nazwa zadania", "nazwa") if c in table.columns]
    return AnalysisOutcome(
        tr("Investment area statistics"),
        summary,
        ((tr("Comparison"), table[keep + stats]), summary_entry(summary)),
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
        ((tr("Cash flow"), result.table), summary_entry(result.summary)),
        chart=result.table,
    )
