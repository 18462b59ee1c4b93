"""MapRenderer: the one drawing path for the canvas, PNG export and PDF sheets."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

from mgis.layers import Style, VectorLayer
from mgis.layers.style import class_indices
from mgis.render.draw import (
    AA_VERTEX_LIMIT,
    FILL_AA_LIMIT,
    Cancel,
    DrawJob,
    antialias_for,
    draw_points,
    draw_prepared,
)
from mgis.render.index import PartIndex
from mgis.render.labels import draw_labels
from mgis.render.lod import thin_layer
from mgis.render.paths import GeometryArrays, prepare_geometries
from mgis.render.prepared import PathCache, PreparedPaths, build_extent, prepare_paths
from mgis.render.symbols import parse_color, style_symbols
from mgis.render.view import MapView

__all__ = [
    "AA_VERTEX_LIMIT",
    "FILL_AA_LIMIT",
    "Cancel",
    "MapRenderer",
    "RenderStats",
    "ensure_gui_app",
    "new_image",
    "style_key",
]


@dataclass
class RenderStats:
    """What one render did.

    Parameters
    ----------
    layers : int
        Layers drawn.
    features : int
        Rings, parts or points prepared for the view (paths of polygons and
        lines cover the view plus a margin, for pans) or drawn as dots.
    vertices : int
        Vertices in those paths after thinning, plus one per dot.
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

    Per frame, a layer costs in proportion to what is in view: a spatial
    index picks the parts that reach the view, :func:`~mgis.render.lod.thin_layer`
    reduces them to the pixel grid (sub-pixel parts become dots), and the rest
    goes to Qt as small compound paths of neighbouring parts (the arrays are
    in Z-order). On screen, fills under an outline are not antialiased (the
    outline hides their edges; an antialiased fill costs 5 to 10 times more).

    Parameters
    ----------
    chunk_size : int
        Rings, parts or markers per compound path handed to Qt; small paths of
        neighbouring parts rasterise fastest (measured best at 32 to 128).
    label_limit : int
        Labels are drawn only when fewer features than this are in view.
    antialias : bool or None
        Force antialiasing on or off; None decides per layer (see :meth:`antialias_for`).

    Attributes
    ----------
    path_cache : PathCache
        Qt paths of the last three scales of every polygon and line layer.
    """

    def __init__(
        self, *, chunk_size: int = 64, label_limit: int = 2_000, antialias: bool | None = None
    ) -> None:
        self.chunk_size = chunk_size
        self.label_limit = label_limit
        self.antialias = antialias
        self._arrays: dict[int, tuple[object, GeometryArrays, PartIndex]] = {}
        self._classes: dict[int, tuple[object, str, NDArray[np.int64]]] = {}
        self.path_cache = PathCache(per_layer=3)

    # -- caches ---------------------------------------------------------------------------

    def _prepared(self, layer: VectorLayer) -> tuple[GeometryArrays, PartIndex]:
        """Coordinates and spatial index of a layer, built once per frame object."""
        hit = self._arrays.get(id(layer))
        if hit is not None and hit[0] is layer.frame:
            return hit[1], hit[2]
        geoms = np.asarray(layer.frame.geometry.to_numpy(), dtype=object)
        arrays = prepare_geometries(geoms, layer.family)
        index = PartIndex(arrays.bounds)
        self._arrays[id(layer)] = (layer.frame, arrays, index)
        return arrays, index

    def arrays(self, layer: VectorLayer) -> GeometryArrays:
        """Return the layer's coordinate arrays (in Z-order), extracted once per frame object.

        Call :meth:`invalidate` after editing the frame in place.
        """
        return self._prepared(layer)[0]

    def index(self, layer: VectorLayer) -> PartIndex:
        """Return the spatial index over the parts of :meth:`arrays`."""
        return self._prepared(layer)[1]

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
            self.path_cache.invalidate()
        else:
            self._arrays.pop(id(layer), None)
            self._classes.pop(id(layer), None)
            self.path_cache.invalidate(id(layer))

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

        Layers hidden, fully transparent or outside their scale range
        (:meth:`VectorLayer.visible_at_scale`) are skipped.

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
            Polled between layers and paths; returning True stops the render.

        Returns
        -------
        RenderStats
            Counts and time; ``cancelled`` when stopped early.
        """
        t0 = time.perf_counter()
        stats = RenderStats()
        denominator = view.scale_denominator(dpi)
        for layer in layers:
            if cancel is not None and cancel():
                stats.cancelled = True
                break
            if not layer.visible or layer.opacity <= 0:
                continue
            if not layer.visible_at_scale(denominator):
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

        Only the parts the spatial index finds in view are touched, and the
        Qt paths of the last scales are reused (shifted) for pans and restyles.
        Features are drawn per style class, fills of all classes before the
        outlines. Parameters are those of :meth:`render`.
        """
        t0 = time.perf_counter()
        stats = RenderStats(layers=1)
        arrays, index = self._prepared(layer)
        if arrays.n_parts == 0:
            return stats
        style = layer.style
        job = DrawJob(
            painter, style, style_symbols(style), dpi, cancel, self.chunk_size, self.antialias
        )
        painter.save()
        try:
            if arrays.family == "point":
                picked = index.query(view.extent)
                if picked is None or len(picked):
                    coords = arrays.coords if picked is None else arrays.coords[picked]
                    keys = self._keys(layer, arrays, picked)
                    stats.features += len(coords)
                    stats.vertices += draw_points(job, view.world_to_pixel(coords), keys)
            else:
                prepared = self.prepared_paths(layer, view)
                dx, dy = prepared.offset(view)
                painter.translate(dx, dy)
                draw_prepared(job, prepared, arrays.family, view)
                painter.translate(-dx, -dy)
                stats.features += prepared.parts + len(prepared.dots)
                stats.vertices += prepared.vertices + len(prepared.dots)
            stats.cancelled = job.cancelled
            if style.labels_at_scale(view.scale_denominator(dpi)) and not stats.cancelled:
                picked = index.query(view.extent)
                rows = np.unique(arrays.feature if picked is None else arrays.feature[picked])
                if len(rows) <= self.label_limit:
                    stats.labels = draw_labels(painter, layer, rows, view, dpi)
        finally:
            painter.restore()
        stats.seconds = time.perf_counter() - t0
        return stats

    def _keys(
        self, layer: VectorLayer, arrays: GeometryArrays, picked: NDArray[np.int64] | None
    ) -> NDArray[np.int64] | None:
        """Symbols of the picked parts (None for a single-symbol style)."""
        symbols = self.part_symbols(layer, arrays)
        if symbols is None or picked is None:
            return symbols
        return symbols[picked]

    def prepared_paths(self, layer: VectorLayer, view: MapView) -> PreparedPaths:
        """Return the Qt paths of a polygon or line layer that can draw ``view``.

        Reused from the path cache when a previous build at the same resolution
        covers the view; otherwise built for the view plus a margin (or for the
        whole layer when it is all in view) and cached.
        """
        arrays, index = self._prepared(layer)
        source = self.part_symbols(layer, arrays)
        hit = self.path_cache.find(id(layer), layer.frame, view, source)
        if hit is not None:
            return hit
        covered = None
        picked = index.query(view.extent)
        if picked is not None:
            covered = build_extent(view)
            picked = index.query(covered)
        thinned = thin_layer(
            view,
            arrays.coords,
            arrays.offsets,
            bounds=arrays.bounds,
            heads=arrays.heads,
            parts=picked,
            closed=arrays.family == "polygon",
        )
        prepared = prepare_paths(
            view,
            thinned,
            keys=self._keys(layer, arrays, picked),
            key_source=source,
            base_symbol=len(style_symbols(layer.style)) - 1,
            closed=arrays.family == "polygon",
            chunk=self.chunk_size,
        )
        prepared.covered = covered
        self.path_cache.put(id(layer), layer.frame, prepared)
        return prepared

    def antialias_for(self, vertices: int, dpi: float, *, fill: bool, outlined: bool) -> bool:
        """Decide antialiasing of one pass; see :func:`mgis.render.draw.antialias_for`."""
        return antialias_for(vertices, dpi, fill=fill, outlined=outlined, force=self.antialias)

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
