"""Legend swatches: the symbol of a legend row drawn into a small rectangle (QtGui only).

Used by the style dialog, the layer panel and print sheets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath

from mgis.layers.style import Style
from mgis.render.paths import marker_template
from mgis.render.symbols import make_pen, mm_to_px, parse_color

if TYPE_CHECKING:
    from mgis.layers.classify import LegendItem

MAX_LINE_PX = 6.0
"""Outlines and lines wider than this are drawn at this width in a swatch."""


def draw_swatch(
    painter: QPainter, rect: QRectF, item: LegendItem, family: str | None = None
) -> None:
    """Draw the symbol of ``item`` inside ``rect``.

    Parameters
    ----------
    painter : QPainter
        Active painter; its state is restored afterwards.
    rect : QRectF
        Device rectangle of the swatch.
    item : LegendItem
        Colours, width, dash and marker of the row.
    family : str, optional
        ``polygon`` (a filled box), ``line`` (a horizontal stroke) or ``point``
        (a centred marker); ``item.family`` when omitted. ``none`` draws a box.
    """
    family = family or item.family
    device = painter.device()
    dpi = float(device.logicalDpiX()) if device is not None else 96.0
    style = Style(stroke_width=item.stroke_width, dash=item.dash, marker=item.marker)
    fill, stroke = parse_color(item.fill), parse_color(item.stroke)
    pen = make_pen(stroke, style, dpi, family)
    pen.setWidthF(min(max(mm_to_px(item.stroke_width, dpi), 1.0), MAX_LINE_PX))
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        visible_stroke = stroke.alpha() > 0 and item.stroke_width > 0
        painter.setPen(pen if visible_stroke else Qt.PenStyle.NoPen)
        if family == "line":
            y = rect.center().y()
            inset = min(rect.width() * 0.1, 3.0)
            painter.drawLine(QPointF(rect.left() + inset, y), QPointF(rect.right() - inset, y))
            return
        painter.setBrush(fill if fill.alpha() > 0 else Qt.BrushStyle.NoBrush)
        if family == "point":
            size = min(rect.width(), rect.height()) * 0.7
            path = QPainterPath()
            outline = marker_template(item.marker, size)
            centre = rect.center()
            path.moveTo(centre.x() + outline[0, 0], centre.y() + outline[0, 1])
            for x, y in outline[1:]:
                path.lineTo(centre.x() + x, centre.y() + y)
            path.closeSubpath()
            painter.drawPath(path)
            return
        inset = max(pen.widthF() / 2 + 0.5, 1.0)  # antialiased edges stay inside
        painter.drawRect(rect.adjusted(inset, inset, -inset, -inset))
    finally:
        painter.restore()
