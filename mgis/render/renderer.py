"""MapRenderer: the one drawing path for the canvas, PNG export and PDF sheets."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

from mgis.layers import Style, VectorLayer
from mgis.layers.style import class_indices
from mgis.render.labels import draw_labels
from mgis.render.paths import (
    GeometryArrays,
    chunked_paths,
    marker_arrays,
    marker_template,
    polygon_from_array,
    prepare_geometries,
    select_parts,
    take_parts,
    thin_to_pixels,
)
from mgis.render.symbols import (
    Symbol,
    make_pen,
    mm_to_px,
    parse_color,
    style_symbols,
    symbol_runs,
)
from mgis.render.view import MapView

Cancel = Callable[[], bool]

AA_VERTEX_LIMIT = 250_000
"""Above this many vertices in view, screen renders skip antialiasing (4x faster fills)."""


@dataclass
class RenderStats:
    """What one render did.

    Parameters
    ----------
    layers : int
        Layers drawn.
    features : int
        Features (rings, parts or points) drawn.
    vertices : int
        Vertices handed to Qt after thinning.
    labels : int
        Labels drawn.
    seconds : float
        Wall time of the render.
    cancelled : bool
        True when ``cancel()`` stopped the render before the end.
    """

    layers: int = 0
    features: int = 0
    vertices: int = 0
    labels: int = 0
    seconds: float = 0.0
    cancelled: bool = False

    def add(self, other: RenderStats) -> None:
        """Add the counts of ``other`` (one layer) to these."""
        self.layers += other.layers
        self.features += other.features
        self.vertices += other.vertices
        self.labels += other.labels
        self.cancelled = self.cancelled or other.cancelled


def style_key(style: Style) -> str:
    """Return a hashable, stable text key for a style (styles hold a dict, so no hash)."""
    import json

    return json.dumps(style.to_dict(), sort_keys=True, default=str)


class MapRenderer:
    """Draws vector layers onto any QPaintDevice, fast enough for 300 000 parcels.

    Parameters
    ----------
    chunk_size : int
        Rings, parts or markers per compound path handed to Qt.
    label_limit : int
        Labels are drawn only when fewer features than this are in view.
    antialias : bool or None
        Force antialiasing on or off; None decides per layer: on when the
        layer has fewer than :data:`AA_VERTEX_LIMIT` vertices in view or dpi > 150.
    """

    def __init__(
        self, *, chunk_size: int = 20_000, label_limit: int = 2_000, antialias: bool | None = None
    ) -> None:
        self.chunk_size = chunk_size
        self.label_limit = label_limit
        self.antialias = antialias
        self._arrays: dict[int, tuple[object, str, GeometryArrays]] = {}
        self._classes: dict[int, tuple[object, str, NDArray[np.int64]]] = {}

    # -- caches ---------------------------------------------------------------------------

    def arrays(self, layer: VectorLayer) -> GeometryArrays:
        """Return the layer's coordinate arrays, extracted once per frame object."""
        hit = self._arrays.get(id(layer))
        family = layer.family
        if hit is not None and hit[0] is layer.frame and hit[1] == family:
            return hit[2]
        geoms = np.asarray(layer.frame.geometry.to_numpy(), dtype=object)
        arrays = prepare_geometries(geoms, family)
        self._arrays[id(layer)] = (layer.frame, family, arrays)
        return arrays

    def part_symbols(self, layer: VectorLayer, arrays: GeometryArrays) -> NDArray[np.int64] | None:
        """Return the symbol of every ring, part or point (None for a single-symbol style).

        Symbols index :func:`~mgis.render.symbols.style_symbols`; features in no
        class get the last (base) symbol. Cached per frame object and style.
        """
        style = layer.style
        if not style.classified:
            return None
        key = style_key(style)
        hit = self._classes.get(id(layer))
        if hit is not None and hit[0] is layer.frame and hit[1] == key:
            return hit[2]
        per_feature = class_indices(style, layer.frame)
        per_feature = np.where(per_feature < 0, len(style.classes), per_feature)
        symbols = per_feature[arrays.feature]
        self._classes[id(layer)] = (layer.frame, key, symbols)
        return symbols

    def invalidate(self, layer: VectorLayer | None = None) -> None:
        """Forget cached coordinates and classes of ``layer`` (after editing it), or of all."""
        if layer is None:
            self._arrays.clear()
            self._classes.clear()
        else:
            self._arrays.pop(id(layer), None)
            self._classes.pop(id(layer), None)

    # -- drawing ------------------------------------------------------------------------

    def render(
        self,
        painter: QPainter,
        layers: Sequence[VectorLayer],
        view: MapView,
        *,
        dpi: float = 96,
        cancel: Cancel | None = None,
    ) -> RenderStats:
        """Draw the visible ``layers`` bottom to top.

        Parameters
        ----------
        painter : QPainter
            Active painter whose device is ``view.width`` x ``view.height`` pixels.
        layers : sequence of VectorLayer
            Layers in drawing order, bottom first; invisible ones are skipped.
        view : MapView
            Which part of the map goes on the device.
        dpi : float
            Device resolution: converts millimetre widths and sizes to pixels.
        cancel : callable, optional
            Polled between layers and chunks; returning True stops the render.

        Returns
        -------
        RenderStats
            Counts and time; ``cancelled`` when stopped early.
        """
        t0 = time.perf_counter()
        stats = RenderStats()
        for layer in layers:
            if cancel is not None and cancel():
                stats.cancelled = True
                break
            if not layer.visible or layer.opacity <= 0:
                continue
            if layer.opacity >= 1:
                stats.add(self.render_layer(painter, layer, view, dpi=dpi, cancel=cancel))
                continue
            image = new_image(view.width, view.height)
            inner = QPainter(image)
            try:
                stats.add(self.render_layer(inner, layer, view, dpi=dpi, cancel=cancel))
            finally:
                inner.end()
            painter.save()
            painter.setOpacity(layer.opacity)
            painter.drawImage(0, 0, image)
            painter.restore()
        stats.seconds = time.perf_counter() - t0
        return stats

    def render_layer(
        self,
        painter: QPainter,
        layer: VectorLayer,
        view: MapView,
        *,
        dpi: float = 96,
        cancel: Cancel | None = None,
    ) -> RenderStats:
        """Draw one layer at full opacity, whatever its ``visible`` flag (the caller decides).

        Features are drawn per style class: one compound path per class and
        chunk, fills of all classes before the outlines. Parameters are those
        of :meth:`render`.
        """
        stats = RenderStats(layers=1)
        arrays = self.arrays(layer)
        if arrays.n_parts == 0:
            return stats
        xmin, ymin, xmax, ymax = view.extent
        b = arrays.bounds
        # cached per-part bounds against the view: ~2 ms for 300k parts, no index to build
        mask = (b[:, 0] <= xmax) & (b[:, 2] >= xmin) & (b[:, 1] <= ymax) & (b[:, 3] >= ymin)
        if not mask.any():
            return stats
        coords, offsets = select_parts(arrays, mask)
        px = view.world_to_pixel(coords)
        style = layer.style
        symbols = style_symbols(style)
        part_symbols = self.part_symbols(layer, arrays)
        keys = part_symbols[mask] if part_symbols is not None else None
        job = _Job(painter, style, symbols, dpi, stats, cancel)
        painter.save()
        try:
            if arrays.family == "point":
                self._draw_points(job, px, keys)
            else:
                self._draw_paths(job, px, offsets, keys, arrays.family)
            if style.label_field and not stats.cancelled:
                rows = np.unique(arrays.feature[mask])
                if len(rows) <= self.label_limit:
                    stats.labels = draw_labels(painter, layer, rows, view, dpi)
        finally:
            painter.restore()
        return stats

    def _antialias(self, vertices: int, dpi: float) -> bool:
        """Decide antialiasing for a layer of ``vertices`` vertices in view."""
        if self.antialias is not None:
            return self.antialias
        return vertices < AA_VERTEX_LIMIT or dpi > 150

    def _draw_paths(
        self,
        job: _Job,
        px: NDArray[np.float64],
        offsets: NDArray[np.int64],
        keys: NDArray[np.int64] | None,
        family: str,
    ) -> None:
        """Draw polygons (fill pass, then outline pass) or lines as compound paths per symbol."""
        painter, stats = job.painter, job.stats
        px, offsets, tiny = thin_to_pixels(px, offsets, tolerance=0.5)
        counts = np.diff(offsets)
        big = ~tiny & (counts >= (3 if family == "polygon" else 2))
        dots = px[offsets[:-1][tiny]]
        dot_keys = keys[tiny] if keys is not None else None
        if keys is None:
            px, offsets = _subset(px, offsets, big)
            runs = [(0, len(offsets) - 1, len(job.symbols) - 1)]
        else:
            order, runs = symbol_runs(keys[big])
            px, offsets = take_parts(px, offsets, np.flatnonzero(big)[order])
        stats.features += len(offsets) - 1 + len(dots)
        stats.vertices += len(px) + len(dots)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self._antialias(len(px), job.dpi))
        paths = [
            (job.symbols[sym], chunked_paths(px, offsets[a : b + 1], self.chunk_size))
            for a, b, sym in runs
        ]
        if family == "polygon":
            painter.setPen(Qt.PenStyle.NoPen)
            for symbol, chunks in paths:
                if symbol.fill.alpha() > 0:
                    painter.setBrush(symbol.fill)
                    if not job.draw(chunks):
                        return
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if job.style.stroke_width > 0:
            for symbol, chunks in paths:
                if symbol.stroke.alpha() > 0:
                    painter.setPen(make_pen(symbol.stroke, job.style, job.dpi, family))
                    if not job.draw(chunks):
                        return
        if len(dots):
            self._draw_dots(job, dots, dot_keys)

    def _draw_dots(
        self, job: _Job, dots: NDArray[np.float64], keys: NDArray[np.int64] | None
    ) -> None:
        """Draw parts smaller than a pixel as single points, one call per symbol."""
        if keys is None:
            order, runs = np.arange(len(dots)), [(0, len(dots), len(job.symbols) - 1)]
        else:
            order, runs = symbol_runs(keys)
        dots = dots[order]
        for a, b, sym in runs:
            symbol = job.symbols[sym]
            pen = QPen(symbol.stroke if symbol.stroke.alpha() > 0 else symbol.fill)
            pen.setWidthF(max(1.0, mm_to_px(job.style.stroke_width, job.dpi)))
            pen.setCosmetic(True)
            job.painter.setPen(pen)
            job.painter.drawPoints(polygon_from_array(dots[a:b]))

    def _draw_points(
        self, job: _Job, px: NDArray[np.float64], keys: NDArray[np.int64] | None
    ) -> None:
        """Draw a marker at every point, as compound paths of marker outlines per symbol."""
        painter, style = job.painter, job.style
        size = max(mm_to_px(style.marker_size, job.dpi), 1.0)
        template = marker_template(style.marker, size)
        if keys is None:
            runs = [(0, len(px), len(job.symbols) - 1)]
        else:
            order, runs = symbol_runs(keys)
            px = px[order]
        mx, moffsets = marker_arrays(px, template)
        job.stats.features += len(px)
        job.stats.vertices += len(mx)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self._antialias(len(mx), job.dpi))
        for a, b, sym in runs:
            symbol = job.symbols[sym]
            painter.setBrush(symbol.fill if symbol.fill.alpha() > 0 else Qt.BrushStyle.NoBrush)
            if symbol.stroke.alpha() > 0 and style.stroke_width > 0:
                painter.setPen(make_pen(symbol.stroke, style, job.dpi, "point"))
            else:
                painter.setPen(Qt.PenStyle.NoPen)
            if not job.draw(chunked_paths(mx, moffsets[a : b + 1], self.chunk_size)):
                return

    # -- whole pictures -------------------------------------------------------------------

    def render_layer_image(
        self, layer: VectorLayer, view: MapView, *, dpi: float = 96, cancel: Cancel | None = None
    ) -> tuple[QImage, RenderStats]:
        """Render one layer at full opacity on a transparent image of the view's size."""
        image = new_image(view.width, view.height)
        painter = QPainter(image)
        try:
            stats = self.render_layer(painter, layer, view, dpi=dpi, cancel=cancel)
        finally:
            painter.end()
        return image, stats


@dataclass
class _Job:
    """What the drawing helpers of one layer share."""

    painter: QPainter
    style: Style
    symbols: list[Symbol]
    dpi: float
    stats: RenderStats
    cancel: Cancel | None

    def draw(self, paths: Sequence[QPainterPath]) -> bool:
        """Draw ``paths`` with the current pen and brush; False when cancelled."""
        for path in paths:
            if self.cancel is not None and self.cancel():
                self.stats.cancelled = True
                return False
            self.painter.drawPath(path)
        return True


def _subset(
    px: NDArray[np.float64], offsets: NDArray[np.int64], keep: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Vertices and offsets of the parts flagged in ``keep``."""
    if keep.all():
        return px, offsets
    return take_parts(px, offsets, np.flatnonzero(keep))


def new_image(width: int, height: int, background: str | None = None) -> QImage:
    """Return a premultiplied ARGB image filled with ``background`` or transparency."""
    image = QImage(max(width, 1), max(height, 1), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(parse_color(background) if background else QColor(0, 0, 0, 0))
    return image


def ensure_gui_app() -> None:
    """Create a QGuiApplication (offscreen when there is no display) if none exists.

    Text (labels) needs one; paths alone do not.
    """
    import os
    import sys

    if QGuiApplication.instance() is None:
        if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        ):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QGuiApplication([])
