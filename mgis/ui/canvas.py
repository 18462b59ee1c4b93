"""MapCanvas: the map widget. Renders off the UI thread, one cached picture per layer."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QThreadPool, QTimer, Signal
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

from mgis.layers import VectorLayer
from mgis.render import LayerImageCache, LayerKey, MapRenderer, MapView
from mgis.render.renderer import new_image

Extent = tuple[float, float, float, float]
WHEEL_STEP = 1.25
"""Zoom factor of one wheel notch."""


@dataclass
class _Job:
    """Layers a background render must draw for one view."""

    generation: int
    view: MapView
    todo: list[tuple[LayerKey, VectorLayer]]


class _Bridge(QObject):
    """Carries finished renders from the worker thread to the canvas (queued signal)."""

    done = Signal(int, object, float)


class MapCanvas(QWidget):
    """Shows layers through :class:`~mgis.render.MapRenderer`.

    Wheel zooms at the cursor, a left drag pans (the cached picture moves and
    the map is redrawn on release), Home shows everything. Renders run in a
    one-thread pool; a render made stale by a newer view is cancelled.

    Signals
    -------
    viewChanged(MapView)
        The displayed view changed.
    rendered(float)
        A render finished, with its wall time in seconds (worker and composition).
    cursorMoved(float, float)
        Map coordinates under the mouse.
    """

    viewChanged = Signal(object)  # noqa: N815 - Qt naming
    rendered = Signal(float)
    cursorMoved = Signal(float, float)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(200, 150)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.renderer = MapRenderer()
        self.cache = LayerImageCache(max_entries=48)
        self.background = QColor(255, 255, 255)
        self._layers: list[VectorLayer] = []
        self._full: Extent | None = None
        self._view: MapView | None = None
        self._picture: tuple[MapView, QImage] | None = None
        self._generation = 0
        self._drag_from: QPointF | None = None
        self._drag_by = QPointF(0, 0)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._on_done)
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
        """Show ``layers`` (bottom first) at ``extent`` or at their full extent."""
        self._layers = list(layers)
        self.cache.invalidate()
        self.renderer.invalidate()
        self._full = _layers_extent(self._layers)
        self._picture = None
        target = extent or self._full
        self._view = MapView.fit(target, *self._size(), margin=0.02) if target else None
        self._changed()

    def set_view(self, view: MapView) -> None:
        """Show ``view`` (resized to the widget)."""
        self._view = view.resized(*self._size())
        self._changed()

    def zoom_full(self) -> None:
        """Show the full extent of all layers."""
        if self._full is not None:
            self.set_view(MapView.fit(self._full, *self._size(), margin=0.02))

    def zoom_by(self, factor: float, anchor: tuple[float, float] | None = None) -> None:
        """Zoom in by ``factor`` (> 1 in, < 1 out) about a pixel ``anchor``."""
        if self._view is not None:
            self.set_view(self._view.zoomed(factor, anchor))

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
            for lyr in self._layers
            if lyr.visible and self.cache.get(key := LayerKey.of(lyr, view)) is None
        ]
        if not todo:
            self._compose(view)
            return
        job = _Job(gen, view, todo)
        self._pool.start(lambda: self._work(job))

    def _work(self, job: _Job) -> None:
        """Render the job's layers (worker thread); drop the result when stale."""
        images: dict[LayerKey, QImage] = {}
        seconds = 0.0

        def stale() -> bool:
            return job.generation != self._generation

        for key, layer in job.todo:
            if stale():
                return
            image, stats = self.renderer.render_layer_image(layer, job.view, cancel=stale)
            if stats.cancelled:
                return
            images[key] = image
            seconds += stats.seconds or 0.0
        self._bridge.done.emit(job.generation, images, seconds)  # seconds: drawing only

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
        for lyr in self._layers:
            if not lyr.visible or lyr.opacity <= 0:
                continue
            part = self.cache.get(LayerKey.of(lyr, view))
            if part is not None:
                painter.setOpacity(min(lyr.opacity, 1.0))
                painter.drawImage(0, 0, part)
        painter.end()
        self._picture = (view, image)
        seconds = time.perf_counter() - self._started
        self.last_render_s = seconds
        self.update()
        self.rendered.emit(seconds)

    # -- Qt events --------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Draw the last picture, moved and scaled to the current view."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.background)
        if self._picture is not None and self._view is not None:
            shown, image = self._picture
            view = self._view
            k = shown.resolution / view.resolution
            x0, y0 = view.world_to_pixel((shown.extent[0], shown.extent[3]))
            target = QRectF(x0, y0, shown.width * k, shown.height * k)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, k != 1)
            painter.drawImage(target.translated(self._drag_by), image)
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
        if steps:
            pos = event.position()
            self.zoom_by(WHEEL_STEP**steps, (pos.x(), pos.y()))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Start a pan."""
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Report the cursor position; move the picture while dragging."""
        pos = event.position()
        if self._view is not None:
            x, y = self._view.pixel_to_world((pos.x(), pos.y()))
            self.cursorMoved.emit(float(x), float(y))
        if self._drag_from is not None:
            self._drag_by = pos - self._drag_from
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Finish a pan and redraw."""
        if self._drag_from is None or event.button() != Qt.MouseButton.LeftButton:
            return
        shift = event.position() - self._drag_from
        self._drag_from, self._drag_by = None, QPointF(0, 0)
        self.unsetCursor()
        if self._view is not None and (shift.x() or shift.y()):
            self.set_view(self._view.panned(shift.x(), shift.y()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Home shows everything; + and - zoom."""
        key = event.key()
        if key == Qt.Key.Key_Home:
            self.zoom_full()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(2.0)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.5)
        else:
            super().keyPressEvent(event)

    def shutdown(self) -> None:
        """Cancel renders and wait for the worker (call before the widget goes away)."""
        self._generation += 1
        self._timer.stop()
        self._pool.waitForDone(5000)


def _layers_extent(layers: Sequence[VectorLayer]) -> Extent | None:
    """Union of the bounds of layers that have features."""
    boxes = [lyr.frame.total_bounds for lyr in layers if len(lyr.frame)]
    boxes = [b for b in boxes if all(math.isfinite(v) for v in b)]  # all-empty frames
    if not boxes:
        return None
    return (
        float(min(b[0] for b in boxes)),
        float(min(b[1] for b in boxes)),
        float(max(b[2] for b in boxes)),
        float(max(b[3] for b in boxes)),
    )
