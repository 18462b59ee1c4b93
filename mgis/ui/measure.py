"""Measuring on the map: distance along a polyline and area of a polygon, planar, in metres.

Measures are Cartesian in the project CRS (metres for EPSG:2180 and the
PL-2000 zones); :func:`format_distance` and :func:`format_area` write them
with units the way Polish GIS staff expect (``m``, ``km``, ``m²``, ``ha``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter

from mgis.analysis.pick import path_length, ring_area
from mgis.render import MapView
from mgis.render.overlay import draw_label, draw_rubber_band
from mgis.ui.i18n import current_language, tr
from mgis.ui.tools import CLICK_PIXELS, MapTool, ToolEvent

if TYPE_CHECKING:
    from mgis.ui.canvas import MapCanvas

HECTARE_M2 = 10_000.0
"""Square metres in a hectare."""
KM_ABOVE_M = 10_000.0
"""Distances above this many metres are written in kilometres."""


def format_number(value: float, decimals: int) -> str:
    """Return ``value`` with a space between thousands and the language's decimal mark.

    Examples
    --------
    >>> format_number(12345.678, 2)  # in English
    '12 345.68'
    """
    text = f"{value:,.{decimals}f}".replace(",", " ")
    return text.replace(".", ",") if current_language() == "pl" else text


def format_distance(metres: float) -> str:
    """Return a distance as ``m`` with centimetres, or ``km`` above 10 km.

    Examples
    --------
    >>> format_distance(50), format_distance(12_500)
    ('50.00 m', '12.500 km')
    """
    if abs(metres) > KM_ABOVE_M:
        return f"{format_number(metres / 1000, 3)} km"
    return f"{format_number(metres, 2)} m"


def format_area(square_metres: float) -> str:
    """Return an area in m² and in hectares.

    Examples
    --------
    >>> format_area(10_000)
    '10 000.00 m² (1.0000 ha)'
    """
    return (
        f"{format_number(square_metres, 2)} m² ({format_number(square_metres / HECTARE_M2, 4)} ha)"
    )


class _MeasureTool(MapTool):
    """Clicks add vertices, the cursor adds a last one, double-click or Enter finishes.

    Signals
    -------
    measured(float)
        The running total (metres or square metres) after every click and move.
    """

    measured = Signal(float)
    cursor_shape = Qt.CursorShape.CrossCursor
    closed = False

    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self.vertices: list[tuple[float, float]] = []
        self.finished = False
        self._hover: tuple[float, float] | None = None

    def points(self) -> list[tuple[float, float]]:
        """Return the clicked vertices plus the cursor position while measuring."""
        return self.vertices + ([self._hover] if self._hover and not self.finished else [])

    def value(self) -> float:
        """Return the measure of :meth:`points` in map units (m or m²)."""
        raise NotImplementedError

    def text(self) -> str:
        """Return the measure with units, for the label on the map."""
        raise NotImplementedError

    def press(self, event: ToolEvent) -> None:
        """Add a vertex; after a finished measure, start a new one."""
        if event.button != Qt.MouseButton.LeftButton:
            return
        if self.finished:
            self.vertices, self.finished = [], False
        view = self.canvas.view
        tol = CLICK_PIXELS * (view.resolution if view else 0.0)
        last = self.vertices[-1] if self.vertices else None
        if last is None or abs(last[0] - event.x) > tol or abs(last[1] - event.y) > tol:
            self.vertices.append(event.world)
        self._hover = None
        self._changed()

    def move(self, event: ToolEvent) -> None:
        """Follow the cursor with the running total."""
        if self.vertices and not self.finished:
            self._hover = event.world
            self._changed()

    def double_click(self, event: ToolEvent) -> None:
        """Add the last vertex and finish."""
        self.press(event)
        self.finish()

    def key(self, event: QKeyEvent) -> bool:
        """Enter finishes, Backspace drops the last vertex."""
        if not self.vertices or self.finished:
            return False
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish()
            return True
        if event.key() == Qt.Key.Key_Backspace:
            self.vertices.pop()
            self._changed()
            return True
        return False

    def finish(self) -> None:
        """Stop following the cursor; the result stays shown until the next click."""
        self.finished, self._hover = True, None
        self._changed()

    def cancel(self) -> None:
        """Clear the measure (Esc)."""
        self.vertices, self.finished, self._hover = [], False, None
        self._changed()

    def _changed(self) -> None:
        """Repaint and announce the running total."""
        self.canvas.update()
        self.measured.emit(self.value())

    def paint_overlay(self, painter: QPainter, view: MapView) -> None:
        """Draw the rubber band and the total beside its last point."""
        points = self.points()
        if not points:
            return
        px = view.world_to_pixel(np.asarray(points, dtype=np.float64))
        dashed = self._hover is not None and not self.finished
        draw_rubber_band(painter, px, closed=self.closed, dashed_tail=dashed)
        draw_label(painter, self.text(), float(px[-1][0]), float(px[-1][1]))


class MeasureDistanceTool(_MeasureTool):
    """Measure the planar length of a polyline, in metres (kilometres above 10 km)."""

    def value(self) -> float:
        """Return the length in map units (metres)."""
        return path_length(self.points())

    def text(self) -> str:
        """Return the length with units."""
        return f"{tr('Distance')}: {format_distance(self.value())}"


class MeasureAreaTool(_MeasureTool):
    """Measure the planar area (and perimeter) of a polygon, in m² and hectares."""

    closed = True

    def value(self) -> float:
        """Return the area in square map units (m²)."""
        return ring_area(self.points())

    def perimeter(self) -> float:
        """Return the perimeter of the closed polygon in map units (m)."""
        points = self.points()
        return path_length([*points, points[0]]) if len(points) >= 3 else 0.0

    def text(self) -> str:
        """Return the area and perimeter with units."""
        return (
            f"{tr('Area')}: {format_area(self.value())}\n"
            f"{tr('Perimeter')}: {format_distance(self.perimeter())}"
        )
