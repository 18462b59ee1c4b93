"""MapCanvas: the map widget. Renders off the UI thread, one cached picture per layer.

The zoom, pan and previous/next view commands are mixed in from
:class:`mgis.ui.canvas_nav.CanvasNavigation`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from mgis.analysis.pick import bounds_of, union_extents
from mgis.layers import SelectMode, VectorLayer
from mgis.layers.selection import combine
from mgis.render import LayerImageCache, LayerKey, MapRenderer, MapView
from mgis.render.overlay import render_selection
from mgis.render.renderer import new_image
from mgis.ui.canvas_nav import CanvasNavigation
from mgis.ui.render_worker import LayerRenderWorker, RenderJob
from mgis.ui.tools import MapTool, PanTool, ToolEvent, ViewHistory, navigation_key

if TYPE_CHECKING:
    from mgis.ui.controller import ProjectController

Extent = tuple[float, float, float, float]
WHEEL_STEP = 1.25
"""Zoom factor of one wheel notch."""


class MapCanvas(QWidget, CanvasNavigation):
    """Shows layers through :class:`~mgis.render.MapRenderer` and hands input to a map tool.

    The wheel zooms at the cursor and the middle button pans with any tool;
    the left button goes to the active :class:`~mgis.ui.tools.MapTool`
    (:class:`~mgis.ui.tools.PanTool` by default). Keys: + and - zoom, arrows
    pan by a quarter of the view, Home shows everything, Esc cancels the
    tool's current action. The view commands (``set_view``, ``zoom_*``,
    ``pan_pixels`` ...) come from :class:`~mgis.ui.canvas_nav.CanvasNavigation`.
    Renders run in a one-thread pool; a render made stale by a newer view is
    cancelled. Selected features are highlighted from a cached picture,
    redrawn only when a selection or the view changes.

    Signals
    -------
    viewChanged(MapView)
        The displayed view changed.
    rendered(float)
        A render finished, with its wall time in seconds (worker and composition).
    cursorMoved(float, float)
        Map coordinates under the mouse.
    historyChanged(bool, bool)
        Whether a previous and a next view exist.
    toolChanged(MapTool)
        Another map tool became active.
    """

    viewChanged = Signal(object)  # noqa: N815 - Qt naming
    rendered = Signal(float)
    cursorMoved = Signal(float, float)  # noqa: N815
    historyChanged = Signal(bool, bool)  # noqa: N815
    toolChanged = Signal(object)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(200, 150)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.renderer = MapRenderer()
        self.cache = LayerImageCache(max_entries=48)
        self.background = QColor(255, 255, 255)
        self.active_layer_name: str | None = None
        """Layer the select tools work on (set from the layer panel); None = topmost visible."""
        self._layers: list[VectorLayer] = []
        self._full: Extent | None = None
        self._view: MapView | None = None
        self._picture: tuple[MapView, QImage] | None = None
        self._highlight: tuple[MapView, QImage | None] | None = None
        self._generation = 0
        self._drag_by = QPointF(0, 0)
        self.history = ViewHistory(self)
        self.history.changed.connect(self.historyChanged)
        self.controller: ProjectController | None = None
        """Selections go through this controller when set (:meth:`set_controller`)."""
        self.pan_tool = PanTool(self)
        """The default tool; also pans with the middle button whatever tool is active."""
        self.tool: MapTool = self.pan_tool
        """The active map tool (:meth:`set_tool`)."""
        self._mouse_tool: MapTool | None = None
        self.setCursor(self.tool.cursor_shape)
        self._worker = LayerRenderWorker(self.renderer, lambda: self._generation, self)
        self._worker.done.connect(self._on_done)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(15)
        self._timer.timeout.connect(self._start_render)
        self.last_render_s = 0.0
        self._started = time.perf_counter()

    # -- public API -------------------------------------------------------------------

    @property
    def view(self) -> MapView | None:
        """The current view, or None before any layer is shown."""
        return self._view

    @property
    def layers(self) -> list[VectorLayer]:
        """Layers shown, bottom first."""
        return self._layers

    def set_layers(self, layers: Sequence[VectorLayer], extent: Extent | None = None) -> None:
        """Show ``layers`` (bottom first) at ``extent`` or at their full extent.

        The view history is kept (call ``history.clear()`` for a new project).
        """
        self._layers = list(layers)
        self.cache.invalidate()
        self.renderer.invalidate()
        self._full = union_extents(bounds_of(lyr.frame) for lyr in self._layers)
        self._picture = self._highlight = None
        target = extent or self._full
        self._view = MapView.fit(target, *self._size(), margin=0.02) if target else None
        self._changed()

    def update_layers(self, layers: Sequence[VectorLayer]) -> None:
        """Show a changed list of layers (added, removed, reordered) in the same view.

        Cached pictures of the layers that remain are reused, and the view
        history is kept; only new layers are rendered.
        """
        self._layers = list(layers)
        self._full = union_extents(bounds_of(lyr.frame) for lyr in self._layers)
        self._highlight = None
        if self._view is None and self._full is not None:
            self._view = MapView.fit(self._full, *self._size(), margin=0.02)
            self._changed()
        else:
            self._schedule()

    def set_controller(self, controller: ProjectController) -> None:
        """Send selections through ``controller`` and redraw the highlight when they change."""
        if self.controller is not None:
            self.controller.selectionChanged.disconnect(self.selection_changed)
        self.controller = controller
        controller.selectionChanged.connect(self.selection_changed)
        self.selection_changed()

    def set_tool(self, tool: MapTool | None) -> None:
        """Make ``tool`` the active map tool (None: the pan tool)."""
        tool = tool or self.pan_tool
        if tool is self.tool:
            return
        self.tool.deactivate()
        self.tool = tool
        tool.activate()
        self.setCursor(tool.cursor_shape)
        self.update()
        self.toolChanged.emit(tool)

    def select(self, layer: VectorLayer, indices: Iterable[int], mode: SelectMode) -> None:
        """Combine ``indices`` with the selection of ``layer`` (through the controller if set)."""
        picked = np.fromiter(indices, dtype=np.int64)
        ctl = self.controller
        if ctl is not None and any(lyr is layer for lyr in ctl.project.layers):
            ctl.select(layer.name, picked, mode)
        else:
            layer.selected = combine(layer.selected, picked, mode)
            self.selection_changed(layer.name)

    def clear_selection(self) -> None:
        """Deselect the features of every layer."""
        if self.controller is not None:
            self.controller.clear_selection()
        for layer in self._layers:  # layers outside the controller's project
            if layer.selected.size:
                self.select(layer, [], SelectMode.NEW)

    def selection_changed(self, layer_name: str = "") -> None:
        """Redraw the selection highlight (slot of ``selectionChanged``)."""
        self._highlight = None
        self.update()

    def redraw(self) -> None:
        """Redraw after visibility, opacity or order changes (cached pictures are reused)."""
        self._schedule()

    def restyled(self, layer: VectorLayer | None = None) -> None:
        """Redraw after the style or data of ``layer`` (or of every layer) changed."""
        self.cache.invalidate(layer)
        if layer is None:
            self.renderer.invalidate()
        self._schedule()

    def scale_denominator(self) -> float | None:
        """Return N of the displayed scale 1:N at the screen's dpi, or None."""
        if self._view is None:
            return None
        return self._view.scale_denominator(self.logicalDpiX() or 96)

    def picture(self) -> QImage | None:
        """Return the last finished picture (for tests and export)."""
        return self._picture[1] if self._picture else None

    # -- rendering --------------------------------------------------------------------

    def _size(self) -> tuple[int, int]:
        """Widget size in pixels, at least 1 x 1."""
        return max(self.width(), 1), max(self.height(), 1)

    def _changed(self) -> None:
        """Announce a new view and schedule a render."""
        self.viewChanged.emit(self._view)
        self._schedule()
        self.update()

    def _schedule(self) -> None:
        """Render soon, coalescing bursts of wheel and resize events."""
        self._generation += 1  # makes the running render stale
        self._timer.start()

    def _start_render(self) -> None:
        """Send the layers missing from the cache to the worker thread."""
        view = self._view
        if view is None:
            return
        gen = self._generation
        self._started = time.perf_counter()
        todo = [
            (key, lyr)
            for lyr in self._shown(view)
            if self.cache.get(key := LayerKey.of(lyr, view)) is None
        ]
        if not todo:
            self._compose(view)
            return
        self._worker.start(RenderJob(gen, view, todo))

    def _on_done(self, generation: int, images: dict[LayerKey, QImage], seconds: float) -> None:
        """Store finished layer pictures and show the composed map (UI thread)."""
        for key, image in images.items():
            self.cache.put(key, image)
        if generation == self._generation and self._view is not None:
            self._compose(self._view)

    def _compose(self, view: MapView) -> None:
        """Stack the cached layer pictures into the displayed picture."""
        image = new_image(view.width, view.height)
        image.fill(self.background)
        painter = QPainter(image)
        for lyr in self._shown(view):
            part = self.cache.get(LayerKey.of(lyr, view))
            if part is not None:
                painter.setOpacity(min(lyr.opacity, 1.0))
                painter.drawImage(0, 0, part)
        painter.end()
        self._picture = (view, image)
        self._highlight = None  # visibility may have changed
        seconds = time.perf_counter() - self._started
        self.last_render_s = seconds
        self.update()
        self.rendered.emit(seconds)

    def _shown(self, view: MapView) -> list[VectorLayer]:
        """Layers drawn in ``view``: ticked, not transparent, within their scale range."""
        scale = view.scale_denominator(self.logicalDpiX() or 96)
        return [lyr for lyr in self._layers if lyr.opacity > 0 and lyr.visible_at_scale(scale)]

    def _selection_image(self, shown: MapView) -> QImage | None:
        """Return the highlight of the selection in ``shown``, rendered once per change."""
        if self._highlight is None or self._highlight[0] != shown:
            image = render_selection(self._shown(shown), shown, self.renderer.arrays)
            self._highlight = (shown, image)
        return self._highlight[1]

    # -- Qt events --------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Draw the last picture and its highlight, moved and scaled to the view; then the tool."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.background)
        view = self._view
        if self._picture is not None and view is not None:
            shown, image = self._picture
            k = shown.resolution / view.resolution
            x0, y0 = view.world_to_pixel((shown.extent[0], shown.extent[3]))
            target = QRectF(x0, y0, shown.width * k, shown.height * k).translated(self._drag_by)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, k != 1)
            painter.drawImage(target, image)
            highlight = self._selection_image(shown)
            if highlight is not None:
                painter.drawImage(target, highlight)
        if view is not None:
            self.tool.paint_overlay(painter, view)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Keep centre and scale; a first resize fits the layers."""
        if self._view is None and self._full is not None:
            self._view = MapView.fit(self._full, *self._size(), margin=0.02)
        elif self._view is not None:
            self._view = self._view.resized(*self._size())
        else:
            return
        self._changed()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        """Zoom at the cursor."""
        steps = event.angleDelta().y() / 120.0
        if steps and self._view is not None:
            pos = event.position()
            self.history.record(self._view, coalesce=True)
            self.set_view(self._view.zoomed(WHEEL_STEP**steps, (pos.x(), pos.y())), record=False)
        event.accept()

    def _tool_event(self, event: QMouseEvent) -> ToolEvent | None:
        """Return the event in map and pixel coordinates, or None without a view."""
        return ToolEvent.of(event, self._view) if self._view is not None else None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Start a middle-button pan, or hand the press to the tool."""
        if (e := self._tool_event(event)) is not None:
            middle = event.button() == Qt.MouseButton.MiddleButton
            self._mouse_tool = self.pan_tool if middle else self.tool
            self._mouse_tool.press(e)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Report the cursor position and hand the move to the tool."""
        if (e := self._tool_event(event)) is not None:
            self.cursorMoved.emit(e.x, e.y)
            (self._mouse_tool or self.tool).move(e)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Hand the release to the tool that got the press."""
        tool, self._mouse_tool = self._mouse_tool or self.tool, None
        if (e := self._tool_event(event)) is not None:
            tool.release(e)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Hand a double-click to the tool (it replaces the second press)."""
        if (e := self._tool_event(event)) is not None:
            self._mouse_tool = self.tool
            self.tool.double_click(e)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Tool keys first (Enter, Backspace), then Esc, Home, + and - and the arrows."""
        if not (self.tool.key(event) or navigation_key(self, Qt.Key(event.key()))):
            super().keyPressEvent(event)

    def shutdown(self) -> None:
        """Cancel renders and wait for the worker (call before the widget goes away)."""
        self._generation += 1
        self._timer.stop()
        self._worker.wait()
