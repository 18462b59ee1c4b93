"""The select tool: pick features of the target layer by click, rectangle or polygon."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QPainter

from mgis.analysis.pick import features_at_point, features_in_polygon, features_in_rect
from mgis.layers import SelectMode, VectorLayer
from mgis.render import MapView
from mgis.render.overlay import draw_rubber_band
from mgis.ui.tools import CLICK_PIXELS, DragBoxTool, ToolEvent

if TYPE_CHECKING:
    from mgis.ui.canvas import MapCanvas


def select_mode(modifiers: Qt.KeyboardModifier) -> SelectMode:
    """Return the selection mode of the held keys: none = new, Shift = add, Ctrl = toggle.

    Ctrl+Shift removes the picked features from the selection.
    """
    shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
    ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
    if shift and ctrl:
        return SelectMode.REMOVE
    if ctrl:
        return SelectMode.TOGGLE
    return SelectMode.ADD if shift else SelectMode.NEW


def target_layer(canvas: MapCanvas) -> VectorLayer | None:
    """Return the layer selections apply to: the canvas's active layer, else the topmost visible."""
    for layer in canvas.layers:
        if layer.name == canvas.active_layer_name:
            return layer
    return next((lyr for lyr in reversed(canvas.layers) if lyr.visible), None)


class SelectShape(Enum):
    """How the select tool picks features."""

    CLICK = "click"
    RECTANGLE = "rectangle"
    POLYGON = "polygon"


class SelectTool(DragBoxTool):
    """Select features of the target layer by click, rectangle or polygon.

    No modifier starts a new selection, Shift adds, Ctrl toggles (see
    :func:`select_mode`). Polygon: clicks add vertices, double-click or
    Enter closes, Esc cancels. The target layer is the canvas's
    ``active_layer_name``, else the topmost visible layer.

    Parameters
    ----------
    canvas : MapCanvas
        The canvas.
    shape : SelectShape
        Click, rectangle (a click in rectangle mode selects as a click) or polygon.
    """

    cursor_shape = Qt.CursorShape.PointingHandCursor

    def __init__(self, canvas: MapCanvas, shape: SelectShape = SelectShape.CLICK) -> None:
        super().__init__(canvas)
        self.shape = shape
        self.vertices: list[tuple[float, float]] = []
        self._hover: tuple[float, float] | None = None

    def press(self, event: ToolEvent) -> None:
        """Start a click or rectangle, or add a polygon vertex."""
        if self.shape is not SelectShape.POLYGON:
            super().press(event)
            return
        if event.button != Qt.MouseButton.LeftButton:
            return
        view = self.canvas.view
        last = self.vertices[-1] if self.vertices else None
        tol = CLICK_PIXELS * (view.resolution if view else 0.0)
        if last is None or abs(last[0] - event.x) > tol or abs(last[1] - event.y) > tol:
            self.vertices.append(event.world)
        self.canvas.update()

    def move(self, event: ToolEvent) -> None:
        """Stretch the rectangle or the polygon's last edge."""
        if self.shape is SelectShape.POLYGON:
            if self.vertices:
                self._hover = event.world
                self.canvas.update()
        else:
            super().move(event)

    def release(self, event: ToolEvent) -> None:
        """Finish a click or rectangle."""
        if self.shape is not SelectShape.POLYGON:
            super().release(event)

    def double_click(self, event: ToolEvent) -> None:
        """Close the polygon."""
        if self.shape is SelectShape.POLYGON:
            self.press(event)
            self.finish(event.modifiers)
        else:
            super().double_click(event)

    def key(self, event: QKeyEvent) -> bool:
        """Enter closes the polygon."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.shape is SelectShape.POLYGON and self.vertices:
            self.finish(event.modifiers())
            return True
        return False

    def cancel(self) -> None:
        """Drop the rectangle or polygon."""
        self.vertices, self._hover = [], None
        super().cancel()

    def finish(self, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        """Select the features in the polygon drawn so far (three vertices or more)."""
        vertices, self.vertices, self._hover = self.vertices, [], None
        layer = target_layer(self.canvas)
        if layer is not None and len(vertices) >= 3:
            indices = features_in_polygon(layer.frame, vertices)
            self.canvas.select(layer, indices, select_mode(modifiers))
        self.canvas.update()

    def clicked(self, event: ToolEvent) -> None:
        """Select the features under the click."""
        layer, view = target_layer(self.canvas), self.canvas.view
        if layer is not None and view is not None:
            found = features_at_point(layer.frame, event.x, event.y, resolution=view.resolution)
            self.canvas.select(layer, found, select_mode(event.modifiers))

    def boxed(self, extent: tuple[float, float, float, float], event: ToolEvent) -> None:
        """Select the features meeting the rectangle."""
        layer = target_layer(self.canvas)
        if layer is not None:
            found = features_in_rect(layer.frame, extent)
            self.canvas.select(layer, found, select_mode(event.modifiers))

    def paint_overlay(self, painter: QPainter, view: MapView) -> None:
        """Draw the rectangle or the polygon being drawn."""
        if self.shape is not SelectShape.POLYGON:
            super().paint_overlay(painter, view)
        elif self.vertices:
            points = self.vertices + ([self._hover] if self._hover else [])
            px = view.world_to_pixel(np.asarray(points, dtype=np.float64))
            draw_rubber_band(painter, px, closed=True, dashed_tail=self._hover is not None)
