"""Printing map sheets: one sheet to a vector PDF or a PNG, and atlases of many sheets.

The map frame is drawn by the same :class:`~mgis.render.renderer.MapRenderer`
as the canvas, at an exact scale: the frame's view has ``scale x 0.0254 / dpi``
metres per device pixel and the painter is moved to the frame's corner.
Layers with opacity are drawn with ``QPainter.setOpacity`` so a PDF stays
vector (the canvas composes them from images instead).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely
from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPainterPath, QPdfWriter

from mgis.render import sheet_elements as el
from mgis.render import sheet_panels as panels
from mgis.render.renderer import Cancel, MapRenderer, RenderStats, ensure_gui_app, new_image
from mgis.render.scales import frame_view, grid_interval, sheet_scale
from mgis.render.sheet import Extent, SheetLayout, SheetSpec, compute_layout
from mgis.render.sheet_map import (
    GridView,
    clip_layers,
    crs_text,
    draw_layers,
    inset_layer,
    legend_groups,
    sheet_layers,
    vector_step,
)
from mgis.render.view import MapView

if TYPE_CHECKING:
    from mgis.project import Project

Progress = Callable[[int], None]


class PrintCancelled(Exception):  # noqa: N818 - reads as what happened
    """The user cancelled printing; partial output was removed."""


@dataclass
class SheetResult:
    """What :func:`render_sheet` drew.

    Attributes
    ----------
    layout : SheetLayout
        Where the elements went (millimetres).
    view : MapView
        The map frame's view on the device (exact scale).
    scale : float
        N of the scale 1:N.
    stats : RenderStats
        What the renderer drew in the frame.
    legend_hidden : int
        Legend rows that did not fit.
    """

    layout: SheetLayout
    view: MapView
    scale: float
    stats: RenderStats
    legend_hidden: int = 0


def render_sheet(
    painter: QPainter,
    project: Project,
    spec: SheetSpec,
    dpi: float,
    *,
    renderer: MapRenderer | None = None,
    cancel: Cancel | None = None,
    highlight: Any = None,
    vector: bool = False,
) -> SheetResult:
    """Draw a whole sheet with ``painter`` on a page device of ``dpi``.

    Parameters
    ----------
    painter : QPainter
        Active painter on a device the size of the page at ``dpi`` (a PDF
        writer page or an image).
    project : Project
        Layers, CRS and the default extent.
    spec : SheetSpec
        The sheet.
    dpi : float
        Device resolution.
    renderer : MapRenderer, optional
        Reuse a renderer (atlases and previews keep its caches).
    cancel : callable, optional
        Returning True stops drawing.
    highlight : shapely geometry, optional
        Outlined in red over the map (the feature of an atlas sheet).
    vector : bool
        Drawing for a PDF: map coordinates are rounded to whole device pixels
        and, at scales smaller than 1:10 000, generalised to :func:`vector_step`
        pixels (short, well-compressed PDF paths).

    Returns
    -------
    SheetResult
        Layout, view, scale and render statistics.
    """
    renderer = renderer or MapRenderer()
    layout = compute_layout(spec)
    fallback = project.full_extent()
    scale = sheet_scale(spec, layout, fallback)
    k = vector_step(dpi, scale) if vector else 1
    coarse = frame_view(spec, layout, dpi / k, fallback)
    res = coarse.resolution
    cx, cy = round(coarse.cx / res) * res, round(coarse.cy / res) * res
    draw_view: MapView = (GridView if vector else MapView)(cx, cy, res, coarse.width, coarse.height)
    view = MapView(cx, cy, res / k, coarse.width * k, coarse.height * k)
    paper = el.Paper(painter, dpi, spec.text_scale, spec.language)
    layers = clip_layers(sheet_layers(project, spec), draw_view.extent, scale / 100.0)
    exact = paper.rect(layout.map)
    box = QRectF(round(exact.left()), round(exact.top()), exact.width(), exact.height())
    painter.save()
    painter.setClipRect(box)
    painter.translate(box.topLeft())
    painter.scale(k, k)
    stats = draw_layers(painter, renderer, layers, draw_view, dpi / k, cancel=cancel)
    painter.scale(1 / k, 1 / k)
    if highlight is not None:
        _draw_highlight(paper, highlight, view)
    painter.restore()
    if stats.cancelled:
        return SheetResult(layout, view, scale, stats)
    if spec.grid:
        el.draw_grid(paper, box, view, spec.grid_interval or grid_interval(view.extent))
    el.draw_frame(paper, layout.map)
    if layout.scale_bar is not None:
        el.draw_scale_bar(paper, layout.scale_bar, scale)
    if layout.north_arrow is not None:
        el.draw_north_arrow(paper, layout.north_arrow)
    if layout.title is not None:
        el.draw_title(paper, layout.title, spec.title, spec.subtitle)
    hidden = 0
    if layout.legend is not None:
        extent = view.extent if spec.legend_in_frame_only else None
        groups = legend_groups(layers, renderer, extent, paper.text("other"))
        hidden = el.draw_legend(paper, layout.legend, groups)
    if layout.inset is not None:
        _draw_inset(paper, layout, project, spec, renderer=renderer, frame_extent=view.extent)
    if layout.table is not None and spec.table is not None:
        panels.draw_table(paper, layout.table, spec.table)
    if layout.chart is not None and spec.chart is not None:
        panels.draw_chart(paper, layout.chart, spec.chart)
    if layout.title_block is not None and spec.title_block is not None:
        panels.draw_title_block(
            paper, layout.title_block, spec.title_block, crs_text(project), scale
        )
    return SheetResult(layout, view, scale, stats, hidden)


def _draw_inset(
    paper: el.Paper,
    layout: SheetLayout,
    project: Project,
    spec: SheetSpec,
    *,
    renderer: MapRenderer,
    frame_extent: Extent,
) -> None:
    """Draw the overview map: the boundary layer with the frame marked in red."""
    assert layout.inset is not None
    layer = inset_layer(project, spec)
    box = paper.rect(layout.inset)
    painter = paper.painter
    if layer is not None:
        xmin, ymin, xmax, ymax = (float(v) for v in layer.frame.total_bounds)
        fx0, fy0, fx1, fy1 = frame_extent  # the frame stays on the overview, even when larger
        xmin, ymin, xmax, ymax = min(xmin, fx0), min(ymin, fy0), max(xmax, fx1), max(ymax, fy1)
        view = MapView.fit((xmin, ymin, xmax, ymax), round(box.width()), round(box.height()), 0.08)
        painter.save()
        painter.setClipRect(box)
        painter.translate(box.topLeft())
        renderer.render_layer(painter, layer, view, dpi=paper.dpi)
        painter.restore()
        el.draw_frame_marker(paper, box, view, frame_extent)
    el.draw_frame(paper, layout.inset, 0.25)


def _draw_highlight(paper: el.Paper, geometry: Any, view: MapView) -> None:
    """Outline a geometry (the atlas feature) in red on the frame's view."""
    path = QPainterPath()
    for ring in (
        shapely.get_rings(shapely.get_parts(geometry))
        if geometry.geom_type.endswith("Polygon")
        else shapely.get_parts(geometry)
    ):
        pts = view.world_to_pixel(shapely.get_coordinates(ring))
        if len(pts) < 2:
            continue
        path.moveTo(QPointF(*pts[0]))
        for x, y in pts[1:]:
            path.lineTo(QPointF(x, y))
    paper.painter.save()
    paper.painter.setPen(paper.pen(0.7, QColor("#d7191c")))
    paper.painter.setBrush(Qt.BrushStyle.NoBrush)
    paper.painter.drawPath(path)
    paper.painter.restore()


# -- output ---------------------------------------------------------------------------------


def new_pdf_writer(path: Path, spec: SheetSpec) -> QPdfWriter:
    """Return a PDF writer for the spec's paper, orientation and dpi, without page margins."""
    ensure_gui_app()
    writer = QPdfWriter(str(path))
    writer.setResolution(round(spec.dpi))
    writer.setCreator("mgis")
    writer.setTitle(spec.title)
    _set_page(writer, spec)
    return writer


def _set_page(writer: QPdfWriter, spec: SheetSpec) -> None:
    """Set the paper of the writer's next page."""
    w, h = spec.page_mm
    size = QPageSize(QSizeF(min(w, h), max(w, h)), QPageSize.Unit.Millimeter, spec.paper.upper())
    landscape = spec.orientation == "landscape"
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    layout = QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    writer.setPageLayout(layout)


def print_pdf(
    project: Project,
    spec: SheetSpec,
    path: Path | str,
    *,
    renderer: MapRenderer | None = None,
    cancel: Cancel | None = None,
    highlight: Any = None,
) -> SheetResult:
    """Print one sheet to a vector PDF (selectable text, embedded subset fonts).

    Raises
    ------
    PrintCancelled
        When ``cancel()`` returned True; the file is removed.
    OSError
        When the file cannot be written.
    """
    target = Path(path)
    writer = new_pdf_writer(target, spec)
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"Cannot write {target}; check the folder exists and is writable.")
    try:
        result = render_sheet(
            painter, project, spec, spec.dpi, renderer=renderer, cancel=cancel,
            highlight=highlight, vector=True,
        )  # fmt: skip
    finally:
        painter.end()
    if result.stats.cancelled:
        target.unlink(missing_ok=True)
        raise PrintCancelled("Printing was cancelled.")
    return result


def sheet_image(
    project: Project,
    spec: SheetSpec,
    dpi: float | None = None,
    *,
    renderer: MapRenderer | None = None,
    cancel: Cancel | None = None,
    highlight: Any = None,
) -> tuple[QImage, SheetResult]:
    """Render a sheet into a white image of the page size at ``dpi`` (the spec's by default)."""
    ensure_gui_app()
    dpi = float(dpi or spec.dpi)
    w_mm, h_mm = spec.page_mm
    image = new_image(round(w_mm / 25.4 * dpi), round(h_mm / 25.4 * dpi), "#ffffff")
    dots = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots)
    image.setDotsPerMeterY(dots)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        result = render_sheet(
            painter, project, spec, dpi, renderer=renderer, cancel=cancel, highlight=highlight
        )
    finally:
        painter.end()
    return image, result


def print_png(
    project: Project,
    spec: SheetSpec,
    path: Path | str,
    dpi: float | None = None,
    *,
    renderer: MapRenderer | None = None,
    cancel: Cancel | None = None,
    highlight: Any = None,
) -> SheetResult:
    """Print one sheet to a PNG file at ``dpi`` (the spec's by default).

    Raises
    ------
    PrintCancelled
        When ``cancel()`` returned True.
    OSError
        When the file cannot be written.
    """
    image, result = sheet_image(
        project, spec, dpi, renderer=renderer, cancel=cancel, highlight=highlight
    )
    if result.stats.cancelled:
        raise PrintCancelled("Printing was cancelled.")
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
        raise OSError(f"Cannot write the image {path}; check the folder exists and is writable.")
    return result
