"""Sheet elements drawn with QPainter as vector graphics: title, legend, scale bar, grid ...

Every function takes a :class:`Paper` (the painter, the device dpi and the
text size) and a :class:`~mgis.render.sheet.Rect` in millimetres.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from mgis.render.legend import draw_swatch
from mgis.render.scales import format_int, format_length, format_scale, scale_bar_length
from mgis.render.sheet import Rect
from mgis.render.view import MapView

if TYPE_CHECKING:
    from mgis.layers.classify import LegendItem

FONT_FAMILY = "DejaVu Sans"
"""Sheet font: installed with mgis' dependencies' fonts and carries all Polish letters."""

LABELS: dict[str, dict[str, str]] = {
    "pl": {
        "legend": "Legenda",
        "author": "Autor",
        "department": "Wydział",
        "date": "Data",
        "sources": "Źródła danych",
        "crs": "Układ współrzędnych",
        "scale": "Skala",
        "more": "… i {n} więcej",
        "other": "Pozostałe",
    },
    "en": {
        "legend": "Legend",
        "author": "Author",
        "department": "Department",
        "date": "Date",
        "sources": "Data sources",
        "crs": "Coordinate system",
        "scale": "Scale",
        "more": "… and {n} more",
        "other": "Other",
    },
}
"""Fixed texts of a sheet in its language."""


@dataclass
class Paper:
    """A painter on a page: converts millimetres to device pixels and makes fonts.

    Parameters
    ----------
    painter : QPainter
        Active painter on the page (device pixels at ``dpi``).
    dpi : float
        Device resolution.
    text_scale : float
        Multiplies all font sizes.
    language : str
        Language of the fixed texts.
    """

    painter: QPainter
    dpi: float
    text_scale: float = 1.0
    language: str = "pl"

    def px(self, mm: float) -> float:
        """Return ``mm`` millimetres in device pixels."""
        return mm * self.dpi / 25.4

    def rect(self, r: Rect) -> QRectF:
        """Return a paper rectangle in device pixels."""
        return QRectF(self.px(r.x), self.px(r.y), self.px(r.w), self.px(r.h))

    def font(self, pt: float, *, bold: bool = False) -> QFont:
        """Return the sheet font at ``pt`` points (times the text scale) for this device."""
        font = QFont(FONT_FAMILY)
        font.setPixelSize(max(round(pt * self.text_scale / 72.0 * self.dpi), 1))
        font.setBold(bold)
        for tag in ("liga", "clig"):  # "fi" stays two letters: PDF text is searchable as typed
            font.setFeature(QFont.Tag(tag), 0)
        return font

    def text(self, key: str) -> str:
        """Return a fixed text in the sheet's language."""
        return LABELS.get(self.language, LABELS["en"]).get(key, LABELS["en"][key])

    def pen(self, mm: float, color: QColor | Qt.GlobalColor = Qt.GlobalColor.black) -> QPen:
        """Return a solid pen ``mm`` millimetres wide."""
        pen = QPen(QColor(color))
        pen.setWidthF(max(self.px(mm), 0.5))
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        return pen


@dataclass(frozen=True)
class LegendGroup:
    """The legend rows of one layer; a classified layer gets a heading over its classes."""

    name: str
    items: tuple[LegendItem, ...]
    classified: bool


def elide(paper: Paper, font: QFont, text: str, width: float) -> str:
    """Cut ``text`` with an ellipsis to ``width`` device pixels."""
    return QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, max(width, 1.0))


def draw_title(paper: Paper, rect: Rect, title: str, subtitle: str) -> None:
    """Draw the title (bold) and the subtitle under it, left-aligned, with a rule below."""
    p, box = paper.painter, paper.rect(rect)
    p.save()
    y = box.top()
    for text, pt, bold, h in ((title, 16.0, True, 7.5), (subtitle, 10.0, False, 5.0)):
        if not text:
            continue
        font = paper.font(pt, bold=bold)
        p.setFont(font)
        line = QRectF(box.left(), y, box.width(), paper.px(h * paper.text_scale))
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        p.drawText(line, flags, elide(paper, font, text, box.width()))
        y = line.bottom()
    p.setPen(paper.pen(0.35))
    p.drawLine(QPointF(box.left(), box.bottom()), QPointF(box.right(), box.bottom()))
    p.restore()


def draw_frame(paper: Paper, rect: Rect, width_mm: float = 0.35) -> None:
    """Draw a black border around ``rect``."""
    paper.painter.save()
    paper.painter.setPen(paper.pen(width_mm))
    paper.painter.setBrush(Qt.BrushStyle.NoBrush)
    paper.painter.drawRect(paper.rect(rect))
    paper.painter.restore()


def draw_legend(paper: Paper, rect: Rect, groups: Sequence[LegendGroup]) -> int:
    """Draw the legend in as many columns and as small a font as it needs to fit.

    Returns
    -------
    int
        Rows that did not fit (0 when the whole legend is on the sheet).
    """
    rows: list[tuple[str, LegendItem | None, bool]] = []  # text, swatch item, indented
    for g in groups:
        if g.classified:
            rows.append((g.name, None, False))
            rows.extend((item.label, item, True) for item in g.items)
        else:
            rows.extend((g.name, item, False) for item in g.items)
    p, box = paper.painter, paper.rect(rect)
    head = paper.px(6.5 * paper.text_scale)
    p.save()
    p.setFont(paper.font(10.0, bold=True))
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    p.drawText(QRectF(box.left(), box.top(), box.width(), head), flags, paper.text("legend"))
    area = QRectF(box.left(), box.top() + head, box.width(), box.height() - head)
    size, cols, per_col = 1.0, 1, len(rows)
    for size in (1.0, 0.85, 0.7):
        row_h = paper.px(4.6 * paper.text_scale * size)
        per_col = max(int(area.height() // row_h), 1)
        cols = math.ceil(len(rows) / per_col) if rows else 1
        col_w = area.width() / max(cols, 1)
        if col_w >= paper.px(35.0 * paper.text_scale * size) or cols == 1:
            break
    max_cols = max(int(area.width() // paper.px(35.0 * paper.text_scale * size)), 1)
    cols = min(cols, max_cols)
    fitting = per_col * cols
    hidden = max(len(rows) - fitting, 0)
    if hidden:
        rows = [*rows[: fitting - 1], (paper.text("more").format(n=hidden + 1), None, False)]
        hidden += 1
    row_h = paper.px(4.6 * paper.text_scale * size)
    col_w = area.width() / cols
    sw, sh = paper.px(6.0 * paper.text_scale * size), paper.px(3.4 * paper.text_scale * size)
    indent = paper.px(2.0 * paper.text_scale * size)
    plain, bold = paper.font(7.5 * size), paper.font(7.5 * size, bold=True)
    for i, (text, item, indented) in enumerate(rows):
        x = area.left() + (i // per_col) * col_w + (indent if indented else 0.0)
        y = area.top() + (i % per_col) * row_h
        tx = x
        if item is not None:
            draw_swatch(p, QRectF(x, y + (row_h - sh) / 2, sw, sh), item, item.family)
            tx = x + sw + indent
        font = bold if item is None and not text.startswith("…") else plain
        p.setFont(font)
        width = area.left() + (i // per_col + 1) * col_w - tx - indent
        p.setPen(QColor("#000000"))
        p.drawText(QRectF(tx, y, max(width, 1.0), row_h), flags, elide(paper, font, text, width))
    p.restore()
    return hidden


def draw_scale_bar(paper: Paper, rect: Rect, scale: float) -> float:
    """Draw an alternating scale bar of a round length with the numeric scale under it.

    Returns
    -------
    float
        The ground length of the bar in metres.
    """
    p, box = paper.painter, paper.rect(rect)
    ts = paper.text_scale
    pad = paper.px(2.0 * ts)
    label_font = paper.font(6.5)
    fm = QFontMetricsF(label_font)
    end_label_room = fm.horizontalAdvance("00000 km") / 2
    length, segments = scale_bar_length(
        scale, (box.width() - 2 * pad - end_label_room) / paper.px(1)
    )
    bar_w = paper.px(length / scale * 1000.0)
    p.save()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(255, 255, 255, 225))
    width = bar_w + 2 * pad + fm.horizontalAdvance(format_length(length)) / 2 + pad
    p.drawRect(QRectF(box.left(), box.top(), min(width, box.width()), box.height()))
    x0, y_bar = box.left() + pad, box.top() + paper.px(5.5 * ts)
    bar_h = paper.px(1.6 * ts)
    seg = bar_w / segments
    p.setPen(paper.pen(0.15))
    for i in range(segments):
        p.setBrush(QColor("#000000") if i % 2 == 0 else QColor("#ffffff"))
        p.drawRect(QRectF(x0 + i * seg, y_bar, seg, bar_h))
    p.setFont(label_font)
    up = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom
    unit = 1000.0 if length >= 1000 else 1.0
    for value in (0.0, length / 2, length):
        x = x0 + value / length * bar_w
        text = format_length(value) if value == length else f"{value / unit:g}".replace(".", ",")
        tw = fm.horizontalAdvance(text) + 4
        p.drawText(QRectF(x - tw / 2, box.top(), tw, y_bar - box.top() - paper.px(0.5)), up, text)
    p.setFont(paper.font(8.0, bold=True))
    below = QRectF(x0, y_bar + bar_h, box.width(), box.bottom() - y_bar - bar_h)
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    p.drawText(below, flags, f"{paper.text('scale')} {format_scale(scale)}")
    p.restore()
    return length


def draw_north_arrow(paper: Paper, rect: Rect) -> None:
    """Draw a north arrow (a split arrowhead with an N above it) filling ``rect``."""
    p, box = paper.painter, paper.rect(rect)
    cx, w = box.center().x(), box.width()
    top, bottom = box.top() + box.height() * 0.32, box.bottom()
    mid = bottom - box.height() * 0.18
    p.save()
    p.setPen(paper.pen(0.2))
    left = QPolygonF([QPointF(cx, top), QPointF(cx - w / 2, bottom), QPointF(cx, mid)])
    right = QPolygonF([QPointF(cx, top), QPointF(cx + w / 2, bottom), QPointF(cx, mid)])
    p.setBrush(QColor("#ffffff"))
    p.drawPolygon(left)
    p.setBrush(QColor("#000000"))
    p.drawPolygon(right)
    p.setFont(paper.font(10.0, bold=True))
    n_box = QRectF(box.left() - w, box.top(), 3 * w, top - box.top())
    p.drawText(n_box, Qt.AlignmentFlag.AlignCenter, "N")
    p.restore()


def draw_grid(paper: Paper, box: QRectF, view: MapView, interval: float) -> int:
    """Draw grid lines every ``interval`` map units over the frame, labelled outside its edges.

    ``box`` is the frame in device pixels and ``view`` its view on this device
    (pixel (0, 0) at the frame's top-left corner). Returns the number of lines drawn.
    """
    p = paper.painter
    xmin, ymin, xmax, ymax = view.extent
    xs = [k * interval for k in range(math.ceil(xmin / interval), math.floor(xmax / interval) + 1)]
    ys = [k * interval for k in range(math.ceil(ymin / interval), math.floor(ymax / interval) + 1)]
    font = paper.font(6.0)
    fm = QFontMetricsF(font)
    gap = paper.px(0.6)
    p.save()
    p.setPen(paper.pen(0.12, QColor(60, 60, 60)))
    p.setFont(font)
    drawn = 0
    for x in xs:
        px = box.left() + float(view.world_to_pixel((x, 0.0))[0])
        if not box.left() <= px <= box.right():
            continue
        p.drawLine(QPointF(px, box.top()), QPointF(px, box.bottom()))
        text, tw = format_int(x), fm.horizontalAdvance(format_int(x))
        p.drawText(QPointF(px - tw / 2, box.top() - gap - fm.descent()), text)
        p.drawText(QPointF(px - tw / 2, box.bottom() + gap + fm.ascent()), text)
        drawn += 1
    for y in ys:
        py = box.top() + float(view.world_to_pixel((0.0, y))[1])
        if not box.top() <= py <= box.bottom():
            continue
        p.drawLine(QPointF(box.left(), py), QPointF(box.right(), py))
        text, tw = format_int(y), fm.horizontalAdvance(format_int(y))
        for x_edge, angle in (
            (box.left() - gap - fm.descent(), -90.0),
            (box.right() + gap + fm.descent(), 90.0),
        ):
            p.save()
            p.translate(x_edge, py)
            p.rotate(angle)
            p.drawText(QPointF(-tw / 2, 0.0), text)
            p.restore()
        drawn += 1
    p.restore()
    return drawn


def draw_frame_marker(paper: Paper, box: QRectF, view: MapView, extent: tuple[float, ...]) -> None:
    """Outline ``extent`` in red on an overview map drawn with ``view`` into ``box``."""
    (x0, y0), (x1, y1) = view.world_to_pixel([(extent[0], extent[3]), (extent[2], extent[1])])
    marker = QRectF(box.left() + x0, box.top() + y0, max(x1 - x0, 2.0), max(y1 - y0, 2.0))
    minimum = paper.px(1.5)
    if marker.width() < minimum or marker.height() < minimum:
        marker = QRectF(
            marker.center().x() - minimum / 2, marker.center().y() - minimum / 2, minimum, minimum
        )
    paper.painter.save()
    paper.painter.setClipRect(box)
    paper.painter.setPen(paper.pen(0.5, QColor("#d7191c")))
    paper.painter.setBrush(QColor(215, 25, 28, 50))
    paper.painter.drawRect(marker)
    paper.painter.restore()
