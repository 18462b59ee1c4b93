"""The selection and geoprocessing jobs: parameters and input frames in, an outcome out.

Pure functions (no widgets) run in a :class:`~mgis.ui.workers.Worker` by
:func:`mgis.ui.analysis_jobs.run_analysis`; inputs are prepared exactly as
the ``mgis analyze`` commands prepare them, so the numbers are identical.
"""

from __future__ import annotations

import numpy as np

from mgis.layers import Style
from mgis.layers.classify import categorize
from mgis.layers.vector import geometry_family
from mgis.ui.analysis_outcome import (
    AnalysisOutcome,
    Frames,
    attribute_table,
    counts_by,
    summary_entry,
)
from mgis.ui.analysis_params import (
    BufferParams,
    ClipParams,
    DissolveParams,
    IntersectionParams,
    JoinParams,
    SelectExpressionParams,
    SelectLocationParams,
)
from mgis.ui.analysis_styles import distance_style, graduated_style
from mgis.ui.i18n import tr

# -- selections ---------------------------------------------------------------------------


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
    tables = [summary_entry(summary)]
    by_value = counts_by(layer, rows, params.summary_field)
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
    tables = [summary_entry(summary)]
    by_value = counts_by(layer, rows, params.summary_field)
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
        (summary_entry(summary),),
        layer_name=f"{params.target}_join",
        frame=result,
        style=style,
    )


def run_dissolve(params: DissolveParams, frames: Frames) -> AnalysisOutcome:
    """Dissolve polygons (per field)."""
    from mgis.analysis.geoprocessing import dissolve

    result, summary = dissolve(frames[params.layer], params.by)
    style = categorize(result, params.by) if params.by else Style.for_geometry("polygon")
    tables = (summary_entry(summary), (tr("Groups"), attribute_table(result)))
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
        (summary_entry(summary),),
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
        (summary_entry(summary),),
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
        (summary_entry(summary),),
        layer_name=f"{params.layer}_x_{params.overlay}",
        frame=result,
        style=Style.for_geometry(geometry_family(result)),
    )
