"""Feature labels with simple collision avoidance."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mgis.layers import VectorLayer
    from mgis.render.view import MapView

_CELL = 64.0  # px, bucket size of the collision grid
_HALO = ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1), (-1, 1), (1, -1))


def label_anchors(geoms: NDArray[np.object_], family: str) -> NDArray[np.float64]:
    """Return an ``(N, 2)`` array of label anchor points in map coordinates.

    Polygons use a point on the surface, lines their midpoint, points themselves.
    """
    if family == "polygon":
        pts = shapely.point_on_surface(geoms)
    elif family == "line":
        pts = shapely.line_interpolate_point(geoms, 0.5, normalized=True)
    else:
        pts = shapely.centroid(geoms)
    return np.column_stack([shapely.get_x(pts), shapely.get_y(pts)])


def draw_labels(
    painter: QPainter,
    layer: VectorLayer,
    rows: NDArray[np.int64],
    view: MapView,
    dpi: float,
) -> int:
    """Draw the labels of frame rows ``rows``; skip any that would overlap a drawn one.

    Parameters
    ----------
    painter : QPainter
        Active painter on a device of the view's pixel size.
    layer : VectorLayer
        Layer with ``style.label_field`` set to an existing column.
    rows : numpy.ndarray
        Positions of the features in view.
    view : MapView
        The map view.
    dpi : float
        Device resolution: the font is 8 pt on paper or screen.

    Returns
    -------
    int
        Number of labels drawn.
    """
    field = layer.style.label_field
    frame = layer.frame
    if field is None or field not in frame.columns or len(rows) == 0:
        return 0
    values = frame[field].iloc[rows]
    ok = values.notna().to_numpy()
    rows, texts = rows[ok], [str(v) for v in values[ok]]
    geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)[rows]
    anchors = view.world_to_pixel(label_anchors(geoms, layer.family))
    font = QFont()
    font.setPixelSize(max(round(8.0 * dpi / 72.0), 6))
    metrics = QFontMetricsF(font)
    painter.save()
    painter.setFont(font)
    halo, ink = QColor(255, 255, 255, 220), QColor(20, 20, 20)
    dy = -metrics.ascent() - 4 if layer.family == "point" else 0.0
    taken: dict[tuple[int, int], list[QRectF]] = {}
    drawn = 0
    for (x, y), text in zip(anchors.tolist(), texts, strict=True):
        if not (np.isfinite(x) and np.isfinite(y)) or not text:
            continue
        w, h = metrics.horizontalAdvance(text), metrics.height()
        rect = QRectF(x - w / 2, y - h / 2 + dy, w, h)
        cells = _cells(rect)
        if any(rect.intersects(r) for c in cells for r in taken.get(c, ())):
            continue
        for c in cells:
            taken.setdefault(c, []).append(rect)
        base = QPointF(rect.left(), rect.top() + metrics.ascent())
        painter.setPen(halo)
        for ox, oy in _HALO:
            painter.drawText(base + QPointF(ox, oy), text)
        painter.setPen(ink)
        painter.drawText(base, text)
        drawn += 1
    painter.restore()
    return drawn


def _cells(rect: QRectF) -> list[tuple[int, int]]:
    """Grid cells a rectangle touches."""
    i0, i1 = int(rect.left() // _CELL), int(rect.right() // _CELL)
    j0, j1 = int(rect.top() // _CELL), int(rect.bottom() // _CELL)
    return [(i, j) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1)]
