"""The analyses as the window runs them: parameters and input frames in, an outcome out.

Every ``run_*`` function is pure (no widgets) and runs in a
:class:`~mgis.ui.workers.Worker`; inputs are prepared exactly as the
``mgis analyze`` commands prepare them, so the numbers are identical. The
:class:`AnalysisOutcome` carries the result layer with a sensible style, or
the rows to select, and the summary tables for the summary view.

The jobs live by family in :mod:`mgis.ui.analysis_jobs_geo` (selection and
geoprocessing), :mod:`mgis.ui.analysis_jobs_access` (accessibility) and
:mod:`mgis.ui.analysis_jobs_plan` (planning and investments); this module
dispatches to them and re-exports the names other modules import from here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mgis.ui.analysis_jobs_access import run_coverage, run_distance, run_rings, run_service_areas
from mgis.ui.analysis_jobs_geo import (
    run_buffer,
    run_clip,
    run_dissolve,
    run_intersection,
    run_join,
    run_select_expression,
    run_select_location,
)
from mgis.ui.analysis_jobs_plan import (
    criteria_table,
    housing_mask,
    investment_inputs,
    run_costs,
    run_indicators,
    run_investments,
    run_standards,
)
from mgis.ui.analysis_outcome import AnalysisOutcome, Frames, summary_table
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

__all__ = [
    "JOBS",
    "AnalysisOutcome",
    "Frames",
    "criteria_table",
    "housing_mask",
    "investment_inputs",
    "run_analysis",
    "summary_table",
]

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
