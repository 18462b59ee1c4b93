"""Map tools: what a mouse press, drag, click or key does on the map canvas.

Every tool is a small :class:`MapTool`; the canvas hands it mouse events in
map and pixel coordinates and lets it paint rubber bands over the map. The
canvas keeps wheel zoom, middle-button pan and the navigation keys for itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter

from mgis.render import MapView
from mgis.render.overlay import draw_box
from mgis.ui.identify_panel import identify_at

if TYPE_CHECKING:
    from mgis.ui.canvas import MapCanvas

CLICK_PIXELS = 4.0
"""A press and release closer than this (pixels) is a click, not a drag."""

_Pixel = tuple[float, float]


@dataclass(frozen=True)
class ToolEvent:
    """A mouse event as a tool sees it.

    Parameters
    ----------
    x, y : float
        Map coordinates (project CRS).
    px, py : float
        Pixel coordinates on the canvas.
    button : Qt.MouseButton
        The button pressed or released (NoButton for moves).
    modifiers : Qt.KeyboardModifier
        Shift, Ctrl ... held at the time.
    """

    x: float
    y: float
    px: float
    py: float
    button: Qt.MouseButton = Qt.MouseButton.LeftButton
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier

    @classmethod
    def of(cls, event: QMouseEvent, view: MapView) -> ToolEvent:
        """Return the tool event of a Qt mouse event on a canvas showing ``view``."""
        pos = event.position()
        x, y = view.pixel_to_world((pos.x(), pos.y()))
        return cls(float(x), float(y), pos.x(), pos.y(), event.button(), event.modifiers())

    @property
    def world(self) -> tuple[float, float]:
        """Map coordinates."""
        return (self.x, self.y)

    @property
    def pixel(self) -> _Pixel:
        """Pixel coordinates."""
        return (self.px, self.py)


_ARROWS = {
    Qt.Key.Key_Left: (1, 0),
    Qt.Key.Key_Right: (-1, 0),
    Qt.Key.Key_Up: (0, 1),
    Qt.Key.Key_Down: (0, -1),
}


def navigation_key(canvas: MapCanvas, key: Qt.Key) -> bool:
    """Handle a navigation key on ``canvas``; return True when ``key`` was one.

    Esc cancels the tool's current action, Home shows everything, + and -
    zoom twice in and out, the arrows pan by a quarter of the view.
    """
    view = canvas.view
    if key == Qt.Key.Key_Escape:
        canvas.tool.cancel()
        canvas.update()
    elif key == Qt.Key.Key_Home:
        canvas.zoom_full()
    elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
        canvas.zoom_by(2.0)
    elif key == Qt.Key.Key_Minus:
        canvas.zoom_by(0.5)
    elif key in _ARROWS:
        if view is not None:
            sx, sy = _ARROWS[key]
            canvas.set_view(view.panned(sx * view.width / 4, sy * view.height / 4))
    else:
        return False
    return True


def _is_click(a: _Pixel, b: _Pixel) -> bool:
    """Whether two pixel positions are close enough to make a click."""
    return abs(a[0] - b[0]) < CLICK_PIXELS and abs(a[1] - b[1]) < CLICK_PIXELS


class ViewHistory(QObject):
    """Previous and next views of a canvas.

    Parameters
    ----------
    parent : QObject, optional
        Qt parent (the canvas).
    limit : int
        Views kept for Previous view.

    Signals
    -------
    changed(bool, bool)
        Whether a previous and a next view exist, after every change.
    """

    changed = Signal(bool, bool)

    def __init__(self, parent: QObject | None = None, limit: int = 100) -> None:
        super().__init__(parent)
        self.limit = limit
        self.back: list[MapView] = []
        self.forward: list[MapView] = []
        self._burst = False

    @property
    def can_back(self) -> bool:
        """Whether a previous view exists."""
        return bool(self.back)

    @property
    def can_forward(self) -> bool:
        """Whether a next view exists."""
        return bool(self.forward)

    def record(self, current: MapView | None, *, coalesce: bool = False) -> bool:
        """Keep ``current`` before the view changes; return True when the history changed.

        With ``coalesce`` (wheel steps) consecutive calls make a single step.
        """
        burst, self._burst = self._burst and coalesce, coalesce
        if current is None or burst or (self.back and self.back[-1] == current):
            return False
        self.back.append(current)
        del self.back[: -self.limit]
        self.forward.clear()
        self._emit()
        return True

    def previous(self, current: MapView | None) -> MapView | None:
        """Step back from ``current``; return the view to show, or None."""
        return self._step(self.back, self.forward, current)

    def next(self, current: MapView | None) -> MapView | None:
        """Step forward from ``current``; return the view to show, or None."""
        return self._step(self.forward, self.back, current)

    def clear(self) -> None:
        """Forget all views."""
        self.back.clear()
        self.forward.clear()
        self._burst = False
        self._emit()

    def _emit(self) -> None:
        """Announce whether previous and next views exist."""
        self.changed.emit(self.can_back, self.can_forward)

    def _step(
        self, source: list[MapView], target: list[MapView], current: MapView | None
    ) -> MapView | None:
        """Move ``current`` onto ``target`` and return the top of ``source``."""
        self._burst = False
        if not source or current is None:
            return None
        target.append(current)
        view = source.pop()
        self._emit()
        return view


class MapTool(QObject):
    """Base of the map tools: does nothing; subclasses override the handlers they need.

    Parameters
    ----------
    canvas : MapCanvas
        The canvas the tool works on (also its Qt parent).
    """

    cursor_shape = Qt.CursorShape.ArrowCursor
    """Mouse cursor shown while the tool is active."""

    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self.canvas = canvas

    def activate(self) -> None:
        """Become the active tool."""

    def deactivate(self) -> None:
        """Stop being the active tool: drop any unfinished action."""
        self.cancel()

    def press(self, event: ToolEvent) -> None:
        """Handle a mouse press."""

    def move(self, event: ToolEvent) -> None:
        """Handle a mouse move (with or without a button held)."""

    def release(self, event: ToolEvent) -> None:
        """Handle a mouse release."""

    def double_click(self, event: ToolEvent) -> None:
        """Handle a double-click, which replaces the second press (default: a press)."""
        self.press(event)

    def key(self, event: QKeyEvent) -> bool:
        """Handle a key before the canvas does; return True when the key was used."""
        return False

    def cancel(self) -> None:
        """Drop the current action (Esc)."""

    def paint_overlay(self, painter: QPainter, view: MapView) -> None:
        """Paint rubber bands and labels over the map, in canvas pixels of ``view``."""


class PanTool(MapTool):
    """Drag to pan: the cached picture moves with the mouse and the map is redrawn on release."""

    cursor_shape = Qt.CursorShape.OpenHandCursor

    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self._start: _Pixel | None = None
        self._button = Qt.MouseButton.NoButton

    def press(self, event: ToolEvent) -> None:
        """Start a pan with the left or middle button."""
        if event.button in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            self._start, self._button = event.pixel, event.button
            self.canvas.setCursor(Qt.CursorShape.ClosedHandCursor)

    def move(self, event: ToolEvent) -> None:
        """Move the picture (no render while dragging)."""
        if self._start is not None:
            self.canvas.set_drag_offset(event.px - self._start[0], event.py - self._start[1])

    def release(self, event: ToolEvent) -> None:
        """Finish the pan and redraw."""
        if self._start is None or event.button != self._button:
            return
        dx, dy = event.px - self._start[0], event.py - self._start[1]
        self._start = None
        self.canvas.setCursor(self.canvas.tool.cursor_shape)
        self.canvas.pan_pixels(dx, dy)

    def cancel(self) -> None:
        """Put the picture back."""
        if self._start is not None:
            self._start = None
            self.canvas.set_drag_offset(0, 0)


class DragBoxTool(MapTool):
    """A tool that drags a rectangle with the left button."""

    cursor_shape = Qt.CursorShape.CrossCursor

    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self._start: _Pixel | None = None
        self._end: _Pixel | None = None

    def press(self, event: ToolEvent) -> None:
        """Start the rectangle."""
        if event.button == Qt.MouseButton.LeftButton:
            self._start = self._end = event.pixel

    def move(self, event: ToolEvent) -> None:
        """Stretch the rectangle."""
        if self._start is not None:
            self._end = event.pixel
            self.canvas.update()

    def release(self, event: ToolEvent) -> None:
        """Finish the rectangle: a click or a box."""
        start, self._start, self._end = self._start, None, None
        if start is None or event.button != Qt.MouseButton.LeftButton:
            return
        self.canvas.update()
        if _is_click(start, event.pixel):
            self.clicked(event)
            return
        view = self.canvas.view
        if view is not None:
            corners = view.pixel_to_world(np.array([start, event.pixel]))
            lo, hi = corners.min(axis=0), corners.max(axis=0)
            self.boxed((float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])), event)

    def cancel(self) -> None:
        """Drop the rectangle."""
        self._start = self._end = None
        self.canvas.update()

    def clicked(self, event: ToolEvent) -> None:
        """Handle a click without a drag."""

    def boxed(self, extent: tuple[float, float, float, float], event: ToolEvent) -> None:
        """Handle a finished rectangle ``(xmin, ymin, xmax, ymax)`` in map units."""

    def paint_overlay(self, painter: QPainter, view: MapView) -> None:
        """Draw the rectangle being dragged."""
        if self._start is not None and self._end is not None:
            draw_box(painter, *self._start, *self._end)


class ZoomBoxTool(DragBoxTool):
    """Drag a rectangle to zoom to it; a click zooms in twice, a right click out."""

    cursor_shape = Qt.CursorShape.CrossCursor

    def press(self, event: ToolEvent) -> None:
        """Start the rectangle, or zoom out on a right click."""
        if event.button == Qt.MouseButton.RightButton:
            self.canvas.zoom_by(0.5, event.pixel)
        super().press(event)

    def clicked(self, event: ToolEvent) -> None:
        """Zoom in twice about the click."""
        self.canvas.zoom_by(2.0, event.pixel)

    def boxed(self, extent: tuple[float, float, float, float], event: ToolEvent) -> None:
        """Show the rectangle."""
        self.canvas.zoom_to_extent(extent, margin=0.0)


class IdentifyTool(MapTool):
    """Click to list the features under the cursor in all visible layers.

    Signals
    -------
    identified(list[IdentifyHit])
        The features found (possibly none), top layer first.
    """

    identified = Signal(list)
    cursor_shape = Qt.CursorShape.WhatsThisCursor

    def press(self, event: ToolEvent) -> None:
        """Identify at the click."""
        view = self.canvas.view
        if event.button != Qt.MouseButton.LeftButton or view is None:
            return
        layers = [lyr for lyr in reversed(self.canvas.layers) if lyr.visible]
        hits = identify_at(layers, event.x, event.y, resolution=view.resolution)
        self.identified.emit(hits)
