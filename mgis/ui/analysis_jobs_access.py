"""The accessibility jobs: facility rings, coverage, walking distances and service areas.

Pure functions (no widgets) run in a :class:`~mgis.ui.workers.Worker` by
:func:`mgis.ui.analysis_jobs.run_analysis`, as ``mgis analyze`` runs them.
"""

from __future__ import annotations

import pandas as pd

from mgis.ui.analysis_outcome import AnalysisOutcome, Frames, attribute_table, summary_entry
from mgis.ui.analysis_params import CoverageParams, DistanceParams, RingsParams, ServiceAreaParams
from mgis.ui.analysis_styles import distance_style, graduated_style, pass_fail_style
from mgis.ui.i18n import tr


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
        (summary_entry(summary), (tr("Rings"), attribute_table(result))),
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
    tables = [summary_entry(summary)]
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
        (summary_entry(result.summary),),
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
        (summary_entry(result.summary), (tr("Areas"), attribute_table(result.frame))),
        layer_name=f"{params.facilities}_service_areas",
        frame=frame,
        style=distance_style(frame, "distance_m"),
    )
