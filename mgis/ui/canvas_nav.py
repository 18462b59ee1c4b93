"""Navigation of the map canvas: zoom, pan and the previous and next view.

:class:`CanvasNavigation` holds the view commands of
:class:`~mgis.ui.canvas.MapCanvas` (a mixin: the canvas keeps the view, the
full extent and the :class:`~mgis.ui.tools.ViewHistory`). Every command goes
through :meth:`CanvasNavigation.set_view`, which records the view it replaces
for *Previous* unless told not to; a pan drag only moves the shown picture
(:meth:`CanvasNavigation.set_drag_offset`) until it ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QPointF

from mgis.analysis.pick import bounds_of, union_extents
from mgis.render import MapView

if TYPE_CHECKING:
    from mgis.layers import VectorLayer
    from mgis.ui.tools import ViewHistory

__all__ = ["CanvasNavigation"]

Extent = tuple[float, float, float, float]


class _Canvas(Protocol):
    """What the navigation commands use of the canvas they are mixed into."""

    history: ViewHistory
    _view: MapView | None
    _full: Extent | None
    _layers: list[VectorLayer]
    _drag_by: QPointF

    def _size(self) -> tuple[int, int]: ...

    def _changed(self) -> None: ...

    def update(self) -> None:
        """Schedule a repaint of the widget."""

    def set_view(self, view: MapView, *, record: bool = True) -> None:
        """Show ``view``."""

    def zoom_to_extent(self, extent: Extent | None, margin: float = 0.05) -> None:
        """Show ``extent``."""


class CanvasNavigation:
    """Zoom, pan and view-history commands of :class:`~mgis.ui.canvas.MapCanvas`."""

    # Set by the canvas; declared so that the types assigned here agree with it.
    _view: MapView | None
    _drag_by: QPointF

    def set_view(self: _Canvas, view: MapView, *, record: bool = True) -> None:
        """Show ``view`` (resized to the widget); ``record`` keeps the old one for Previous."""
        if record:
            self.history.record(self._view)
        self._view = view.resized(*self._size())
        self._changed()

    def zoom_full(self: _Canvas) -> None:
        """Show the full extent of all layers."""
        if self._full is not None:
            self.set_view(MapView.fit(self._full, *self._size(), margin=0.02))

    def zoom_by(self: _Canvas, factor: float, anchor: tuple[float, float] | None = None) -> None:
        """Zoom in by ``factor`` (> 1 in, < 1 out) about a pixel ``anchor``."""
        if self._view is not None:
            self.set_view(self._view.zoomed(factor, anchor))

    def zoom_to_extent(self: _Canvas, extent: Extent | None, margin: float = 0.05) -> None:
        """Show ``extent`` (a single point is centred at the current scale)."""
        if extent is None:
            return
        xmin, ymin, xmax, ymax = extent
        if xmax <= xmin and ymax <= ymin and self._view is not None:
            w, h = self._size()
            view = MapView((xmin + xmax) / 2, (ymin + ymax) / 2, self._view.resolution, w, h)
        else:
            view = MapView.fit(extent, *self._size(), margin=margin)
        self.set_view(view)

    def zoom_to_layer(self: _Canvas, layer: VectorLayer) -> None:
        """Show all features of ``layer``."""
        self.zoom_to_extent(bounds_of(layer.frame))

    def zoom_to_selection(self: _Canvas) -> None:
        """Show the selected features of every layer."""
        chosen = [lyr for lyr in self._layers if lyr.selected.size]
        self.zoom_to_extent(union_extents(bounds_of(lyr.frame, lyr.selected) for lyr in chosen))

    def zoom_previous(self: _Canvas) -> None:
        """Go back to the view shown before the last zoom or pan."""
        if (view := self.history.previous(self._view)) is not None:
            self.set_view(view, record=False)

    def zoom_next(self: _Canvas) -> None:
        """Go forward again after :meth:`zoom_previous`."""
        if (view := self.history.next(self._view)) is not None:
            self.set_view(view, record=False)

    def set_drag_offset(self: _Canvas, dx: float, dy: float) -> None:
        """Move the shown picture by ``(dx, dy)`` pixels without rendering (pan preview)."""
        self._drag_by = QPointF(dx, dy)
        self.update()

    def pan_pixels(self: _Canvas, dx: float, dy: float) -> None:
        """Drag the map by ``(dx, dy)`` pixels and redraw (ends a pan preview)."""
        self._drag_by = QPointF(0, 0)
        if self._view is not None and (dx or dy):
            self.set_view(self._view.panned(dx, dy))
        self.update()
