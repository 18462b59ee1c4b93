"""Qt paths of one layer at one resolution, built once and reused for pans and restyles.

Building a ``QPainterPath`` costs about 0.1 s per million vertices (Qt reads
them through a ``QDataStream``), about as much as drawing it. The paths of a
layer depend only on its geometry, its class of every feature and the map
resolution, not on colours, widths or the view centre: a pan at the same scale
draws the cached paths shifted with ``QPainter.translate``, and a colour change
draws them again with new pens. :class:`PathCache` keeps a few per layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PySide6.QtGui import QPainterPath

from mgis.render.edges import DEDUP_LIMIT, shared_once
from mgis.render.lod import chunk_cuts, thin_parts
from mgis.render.paths import build_paths, paths_from_vertices, take_parts
from mgis.render.symbols import symbol_runs
from mgis.render.view import Extent, MapView

MARGIN = 0.25
"""Zoomed-in paths cover the view plus this fraction of its size on every side, for pans."""


@dataclass
class PreparedPaths:
    """The drawable paths of one layer in the pixel frame of a reference view.

    Parameters
    ----------
    view : MapView
        Reference view: the paths are in its pixel coordinates.
    covered : tuple of float or None
        Map extent whose parts are all in the paths; None = the whole layer.
    keys : object
        The per-part symbol array the paths were grouped by (identity is checked), or None.
    runs : list of (int, list of QPainterPath)
        Symbol index and the compound paths of that symbol, in drawing order.
    boxes : list of numpy.ndarray
        Per run, the ``(C, 4)`` pixel bounds ``x0, y0, x1, y1`` of every path,
        so paths off the device are skipped without asking Qt.
    strokes : list of list of QPainterPath or None
        Per run, outline paths aligned with the fill paths, where edges shared
        by two rings appear once (see :mod:`mgis.render.edges`); None = stroke
        the fill paths.
    dots : numpy.ndarray
        ``(D, 2)`` pixel positions of parts drawn as dots.
    dot_keys : numpy.ndarray or None
        Symbol of every dot.
    vertices : int
        Vertices in the paths.
    parts : int
        Rings or parts in the paths.
    """

    view: MapView
    covered: Extent | None
    keys: object
    runs: list[tuple[int, list[QPainterPath]]]
    boxes: list[NDArray[np.float64]]
    strokes: list[list[QPainterPath]] | None
    dots: NDArray[np.float64]
    dot_keys: NDArray[np.int64] | None
    vertices: int
    parts: int

    def serves(self, view: MapView, keys: object) -> bool:
        """Tell whether these paths can draw ``view`` (same resolution and classes, covered)."""
        if keys is not self.keys:
            return False
        if abs(view.resolution - self.view.resolution) > 1e-9 * self.view.resolution:
            return False
        if self.covered is None:
            return True
        x0, y0, x1, y1 = view.extent
        c0, c1, c2, c3 = self.covered
        return x0 >= c0 and y0 >= c1 and x1 <= c2 and y1 <= c3

    def visible(
        self, view: MapView, margin: float = 2.0
    ) -> list[tuple[list[QPainterPath], list[QPainterPath]]]:
        """Return, per run, the fill and outline paths that reach ``view`` (pens get a margin)."""
        dx, dy = self.offset(view)
        x0, y0 = -dx - margin, -dy - margin
        x1, y1 = view.width - dx + margin, view.height - dy + margin
        out = []
        for i, ((_, paths), b) in enumerate(zip(self.runs, self.boxes, strict=True)):
            strokes = self.strokes[i] if self.strokes is not None else paths
            hit = (b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0)
            if hit.all():
                out.append((paths, strokes))
            else:
                picked = np.flatnonzero(hit).tolist()
                out.append(([paths[j] for j in picked], [strokes[j] for j in picked]))
        return out

    def offset(self, view: MapView) -> tuple[float, float]:
        """Pixel shift from the reference view to ``view`` (same resolution)."""
        ref = self.view
        dx = (ref.cx - view.cx) / ref.resolution + (view.width - ref.width) / 2
        dy = (view.cy - ref.cy) / ref.resolution + (view.height - ref.height) / 2
        return float(dx), float(dy)


def build_extent(view: MapView, margin: float = MARGIN) -> Extent:
    """Return the view extent grown by ``margin`` of its size on every side."""
    x0, y0, x1, y1 = view.extent
    mx, my = (x1 - x0) * margin, (y1 - y0) * margin
    return (x0 - mx, y0 - my, x1 + mx, y1 + my)


def prepare_paths(
    view: MapView,
    px: NDArray[np.float64],
    offsets: NDArray[np.int64],
    *,
    heads: NDArray[np.bool_] | None,
    keys: NDArray[np.int64] | None,
    key_source: object,
    base_symbol: int,
    closed: bool,
    chunk: int,
    bounds_px: NDArray[np.float64] | None = None,
) -> PreparedPaths:
    """Thin parts to the pixel grid, group them by symbol and build small compound paths.

    Parameters
    ----------
    view : MapView
        The view ``px`` is in.
    px, offsets : numpy.ndarray
        Pixel vertices and part starts of the parts in the build extent.
    heads : numpy.ndarray of bool or None
        Parts that start a polygon (see :class:`~mgis.render.lod.Thinned`).
    keys : numpy.ndarray or None
        Symbol of every part; None = all parts use ``base_symbol``.
    key_source : object
        The layer-wide symbol array ``keys`` was taken from (its identity
        tells whether the classes changed), or None.
    base_symbol : int
        Symbol index for a single-symbol style.
    closed : bool
        True for polygon rings.
    chunk : int
        Parts per compound path.
    bounds_px : numpy.ndarray, optional
        Pixel bounds of every part.

    Returns
    -------
    PreparedPaths
        With ``covered`` None; the caller sets it.
    """
    th = thin_parts(px, offsets, heads, closed=closed, bounds_px=bounds_px)
    px, offsets, kept_heads = th.px, th.offsets, th.heads
    sorted_keys = None
    if keys is None:
        runs = [(0, len(offsets) - 1, base_symbol)]
    else:
        order, runs = symbol_runs(keys[th.parts])
        px, offsets = take_parts(px, offsets, order)
        kept_heads, sorted_keys = kept_heads[order], keys[th.parts][order]
    built, boxes, strokes = [], [], []
    outline = None
    if closed and 0 < len(px) <= DEDUP_LIMIT:
        keep, moves = shared_once(px, offsets, sorted_keys)
        outline = (px[keep], moves[keep], np.r_[0, np.cumsum(keep)])
    for a, b, sym in runs:
        if b <= a:
            continue
        cuts = a + chunk_cuts(kept_heads[a:b], chunk)
        built.append((sym, build_paths(px, offsets, cuts)))
        if outline is not None:
            vx, vm, cum = outline
            strokes.append(paths_from_vertices(vx, vm, cum[offsets[cuts]], keep_empty=True))
        starts = offsets[cuts[:-1]]
        box = np.empty((len(starts), 4))
        box[:, 0:2] = np.minimum.reduceat(px[: offsets[b]], starts, axis=0)
        box[:, 2:4] = np.maximum.reduceat(px[: offsets[b]], starts, axis=0)
        boxes.append(box)
    dot_keys = keys[th.dot_parts] if keys is not None else None
    return PreparedPaths(
        view,
        None,
        key_source,
        built,
        boxes,
        strokes if outline is not None else None,
        th.dots,
        dot_keys,
        len(px),
        len(offsets) - 1,
    )


class PathCache:
    """The last few :class:`PreparedPaths` of every layer.

    Parameters
    ----------
    per_layer : int
        Entries kept per layer (e.g. the full extent and the current zoom).
    """

    def __init__(self, per_layer: int = 2) -> None:
        self.per_layer = per_layer
        self._entries: dict[int, tuple[object, list[PreparedPaths]]] = {}

    def find(
        self, layer_id: int, frame: object, view: MapView, keys: object
    ) -> PreparedPaths | None:
        """Return cached paths of the layer that can draw ``view``, or None."""
        hit = self._entries.get(layer_id)
        if hit is None or hit[0] is not frame:
            return None
        for entry in hit[1]:
            if entry.serves(view, keys):
                hit[1].remove(entry)
                hit[1].insert(0, entry)
                return entry
        return None

    def put(self, layer_id: int, frame: object, entry: PreparedPaths) -> None:
        """Store paths of a layer, dropping its oldest beyond ``per_layer``."""
        hit = self._entries.get(layer_id)
        entries = hit[1] if hit is not None and hit[0] is frame else []
        entries.insert(0, entry)
        del entries[self.per_layer :]
        self._entries[layer_id] = (frame, entries)

    def invalidate(self, layer_id: int | None = None) -> None:
        """Forget the paths of one layer, or of all."""
        if layer_id is None:
            self._entries.clear()
        else:
            self._entries.pop(layer_id, None)
