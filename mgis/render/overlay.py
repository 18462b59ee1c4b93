"""Map overlays drawn over the layers: the selection highlight and tool rubber bands (QtGui only).

The highlight of all selected features is drawn into one transparent picture
with batched compound paths, like the layers themselves: a selection of 50 000
parcels is a handful of ``drawPath`` calls, never one call per feature.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from mgis.layers import VectorLayer
from mgis.render.paths import (
    GeometryArrays,
    chunked_paths,
    marker_arrays,
    marker_template,
    polygon_from_array,
    select_parts,
    thin_to_pixels,
)
from mgis.render.renderer import new_image
from mgis.render.view import MapView

HIGHLIGHT_FILL = QColor(255, 255, 0, 150)
"""Fill of selected polygons and points: translucent yellow."""
HIGHLIGHT_STROKE = QColor(0, 255, 255)
"""Outline of selected features: cyan."""
BAND_STROKE = QColor(220, 0, 120)
"""Rubber band line: magenta, visible on white, green and aerial backgrounds."""
BAND_FILL = QColor(220, 0, 120, 40)
"""Rubber band fill of rectangles and polygons."""

WIDE_PEN_VERTICES = 20_000
"""Above this many vertices, wide outlines are 1-pixel strokes drawn at small offsets.

Qt's stroker makes a 2-pixel cosmetic pen ~60 times slower than a 1-pixel one
(1.5 s against 0.02 s for 50 000 parcels); shifted hairlines look the same.
"""

ArraysOf = Callable[[VectorLayer], GeometryArrays]


def _cosmetic_pen(colour: QColor, width: float) -> QPen:
    """Return a pen whose width is in device pixels whatever the transform."""
    pen = QPen(colour)
    pen.setWidthF(width)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _stroke(painter: QPainter, paths: list[QPainterPath], colour: QColor, width: int) -> None:
    """Stroke ``paths`` ``width`` pixels wide, with hairlines at offsets when they are big."""
    vertices = sum(path.elementCount() for path in paths)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if vertices <= WIDE_PEN_VERTICES or width <= 1:
        painter.setPen(_cosmetic_pen(colour, float(width)))
        for path in paths:
            painter.drawPath(path)
        return
    painter.setPen(_cosmetic_pen(colour, 1.0))
    k = min(width, 3)
    for dx in range(k):
        for dy in range(k):
            painter.save()
            painter.translate(dx - (k - 1) / 2, dy - (k - 1) / 2)
            for path in paths:
                painter.drawPath(path)
            painter.restore()


def selected_parts(layer: VectorLayer, arrays: GeometryArrays, view: MapView) -> NDArray[np.bool_]:
    """Return a mask of the rings, parts or points of selected features that reach the view.

    Parameters
    ----------
    layer : VectorLayer
        The layer; its ``selected`` holds sorted positional indices.
    arrays : GeometryArrays
        The layer's prepared coordinates.
    view : MapView
        The view drawn.

    Returns
    -------
    numpy.ndarray of bool
        One flag per part.
    """
    if arrays.n_parts == 0 or layer.selected.size == 0:
        return np.zeros(arrays.n_parts, dtype=bool)
    xmin, ymin, xmax, ymax = view.extent
    b = arrays.bounds
    mask = (b[:, 0] <= xmax) & (b[:, 2] >= xmin) & (b[:, 1] <= ymax) & (b[:, 3] >= ymin)
    mask &= np.isin(arrays.feature, layer.selected)
    return np.asarray(mask, dtype=bool)


def draw_selection(
    painter: QPainter,
    layer: VectorLayer,
    arrays: GeometryArrays,
    view: MapView,
    *,
    chunk: int = 20_000,
) -> int:
    """Draw the highlight of the selected features of one layer.

    Parameters
    ----------
    painter : QPainter
        Active painter on a device of the view's size.
    layer : VectorLayer
        The layer whose ``selected`` features are drawn.
    arrays : GeometryArrays
        The layer's prepared coordinates (see :meth:`MapRenderer.arrays`).
    view : MapView
        Which part of the map is on the device.
    chunk : int
        Parts per compound path.

    Returns
    -------
    int
        Number of parts (rings, line parts or points) drawn.
    """
    mask = selected_parts(layer, arrays, view)
    if not mask.any():
        return 0
    coords, offsets = select_parts(arrays, mask)
    px = view.world_to_pixel(coords)
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(px) < 200_000)
        if arrays.family == "point":
            mx, moffsets = marker_arrays(px, marker_template("circle", 12.0))
            painter.setBrush(HIGHLIGHT_FILL)
            painter.setPen(_cosmetic_pen(HIGHLIGHT_STROKE, 2.0))
            for path in chunked_paths(mx, moffsets, chunk):
                painter.drawPath(path)
            return len(px)
        px, offsets, tiny = thin_to_pixels(px, offsets, tolerance=0.5)
        counts = np.diff(offsets)
        big = ~tiny & (counts >= (3 if arrays.family == "polygon" else 2))
        dots = px[offsets[:-1][tiny]]
        if not big.all():
            keep = GeometryArrays("", px, offsets, np.zeros(len(big), np.int64), np.empty((0, 4)))
            px, offsets = select_parts(keep, big)
        paths = chunked_paths(px, offsets, chunk)
        if arrays.family == "polygon":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(HIGHLIGHT_FILL)
            for path in paths:
                painter.drawPath(path)
        else:
            _stroke(painter, paths, HIGHLIGHT_FILL, 6)
        _stroke(painter, paths, HIGHLIGHT_STROKE, 2)
        if len(dots):
            painter.setPen(_cosmetic_pen(HIGHLIGHT_STROKE, 3.0))
            painter.drawPoints(polygon_from_array(dots))
        return int(big.sum()) + len(dots)
    finally:
        painter.restore()


def render_selection(
    layers: Sequence[VectorLayer], view: MapView, arrays_of: ArraysOf
) -> QImage | None:
    """Render the highlight of the selected features of the visible layers.

    Parameters
    ----------
    layers : sequence of VectorLayer
        Layers bottom first; hidden layers and layers without a selection are skipped.
    view : MapView
        Extent and pixel size of the picture.
    arrays_of : callable
        Returns a layer's prepared coordinates, e.g. ``MapRenderer.arrays`` (cached).

    Returns
    -------
    QImage or None
        A transparent picture of the view's size, or None when nothing is selected.
    """
    chosen = [lyr for lyr in layers if lyr.visible and lyr.selected.size]
    if not chosen:
        return None
    image = new_image(view.width, view.height)
    painter = QPainter(image)
    try:
        for layer in chosen:
            draw_selection(painter, layer, arrays_of(layer), view)
    finally:
        painter.end()
    return image


def draw_rubber_band(
    painter: QPainter, px: NDArray[np.float64], *, closed: bool, dashed_tail: bool = False
) -> None:
    """Draw a polyline (``closed=False``) or a filled polygon through pixel points.

    Parameters
    ----------
    painter : QPainter
        Active painter on the canvas.
    px : numpy.ndarray
        ``(N, 2)`` device coordinates.
    closed : bool
        Close and fill the band (area measures, polygon selections).
    dashed_tail : bool
        Draw the last segment (to the cursor) dashed.
    """
    px = np.asarray(px, dtype=np.float64).reshape(-1, 2)
    if len(px) == 0:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = _cosmetic_pen(BAND_STROKE, 2.0)
    if closed and len(px) >= 3:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BAND_FILL)
        painter.drawPolygon(polygon_from_array(px))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(pen)
    solid = px[:-1] if dashed_tail and len(px) >= 2 else px
    painter.drawPolyline(polygon_from_array(solid))
    if dashed_tail and len(px) >= 2:
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        tail = px[-2:] if not closed or len(px) < 3 else np.vstack([px[-2:], px[:1]])
        painter.drawPolyline(polygon_from_array(tail))
    elif closed and len(px) >= 3:
        painter.drawLine(QPointF(*px[-1]), QPointF(*px[0]))
    painter.setPen(_cosmetic_pen(BAND_STROKE, 6.0))
    painter.drawPoints(polygon_from_array(px[:-1] if dashed_tail else px))
    painter.restore()


def draw_box(painter: QPainter, x0: float, y0: float, x1: float, y1: float) -> None:
    """Draw a rubber-band rectangle between two pixel corners."""
    painter.save()
    painter.setPen(_cosmetic_pen(BAND_STROKE, 1.5))
    painter.setBrush(BAND_FILL)
    painter.drawRect(QRectF(QPointF(x0, y0), QPointF(x1, y1)).normalized())
    painter.restore()


def draw_label(painter: QPainter, text: str, x: float, y: float) -> None:
    """Draw ``text`` in a small white box whose top-left corner is near pixel ``(x, y)``.

    The box is kept inside the painter's device.
    """
    if not text:
        return
    painter.save()
    font = QFont(painter.font())
    font.setPointSizeF(9.0)
    painter.setFont(font)
    lines = text.split("\n")
    metrics = QFontMetricsF(font)
    width = max(metrics.horizontalAdvance(line) for line in lines) + 10
    height = metrics.height() * len(lines) + 6
    device = painter.device()
    left = min(x + 12, device.width() - width - 2) if device else x + 12
    top = min(y + 12, device.height() - height - 2) if device else y + 12
    box = QRectF(max(left, 2.0), max(top, 2.0), width, height)
    painter.setPen(QPen(QColor(90, 90, 90)))
    painter.setBrush(QColor(255, 255, 255, 230))
    painter.drawRect(box)
    painter.setPen(QPen(QColor(0, 0, 0)))
    painter.drawText(box.adjusted(5, 3, -5, -3), int(Qt.AlignmentFlag.AlignLeft), text)
    painter.restore()
