"""Qt paths of one layer at one resolution, built once and reused for pans and restyles.

Building a ``QPainterPath`` costs about 0.1 s per million vertices (Qt reads
them through a ``QDataStream``), about as much as drawing it. The paths of a
layer depend only on its geometry, its class of every feature and the map
resolution, not on colours, widths or the view centre: a pan at the same scale
draws the cached paths shifted with ``QPainter.translate``, and a colour change
draws them again with new pens. :class:`PathCache` keeps a few per layer.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PySide6.QtGui import QPainterPath

from mgis.render.edges import DEDUP_LIMIT, shared_once
from mgis.render.lod import Thinned, chunk_cuts, take_vertices
from mgis.render.paths import build_paths, paths_from_vertices
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
    thinned: Thinned,
    *,
    keys: NDArray[np.int64] | None,
    key_source: object,
    base_symbol: int,
    closed: bool,
    chunk: int,
) -> PreparedPaths:
    """Group thinned parts by symbol and build small compound paths of each symbol.

    The paths of all symbols (and their outlines) are built in one pass
    (:func:`~mgis.render.paths.build_paths`), then split per symbol.

    Parameters
    ----------
    view : MapView
        The view the pixel coordinates of ``thinned`` are in.
    thinned : Thinned
        The parts in the build extent reduced to the pixel grid
        (:func:`~mgis.render.lod.thin_layer`).
    keys : numpy.ndarray or None
        Symbol of every part given to the thinning; None = all parts use ``base_symbol``.
    key_source : object
        The layer-wide symbol array ``keys`` was taken from (its identity
        tells whether the classes changed), or None.
    base_symbol : int
        Symbol index for a single-symbol style.
    closed : bool
        True for polygon rings.
    chunk : int
        Parts per compound path.

    Returns
    -------
    PreparedPaths
        With ``covered`` None; the caller sets it.
    """
    px, offsets, heads = thinned.px, thinned.offsets, thinned.heads
    n_parts = len(offsets) - 1
    sorted_keys = None
    if keys is None:
        runs = [(0, n_parts, base_symbol)] if n_parts else []
    else:
        part_keys = keys[thinned.parts]
        order, runs = symbol_runs(part_keys)
        if len(runs) > 1:
            px, offsets = take_vertices(px, offsets, order)
            heads, part_keys = heads[order], part_keys[order]
        sorted_keys = part_keys
    # the cuts of every symbol's paths, then the paths of all symbols in one pass
    cuts = [a + chunk_cuts(heads[a:b], chunk)[:-1] for a, b, _ in runs]
    all_cuts = np.concatenate([*cuts, [n_parts]]).astype(np.int64)
    split = np.cumsum([len(c) for c in cuts[:-1]], dtype=np.int64).tolist()
    fills = _split(build_paths(px, offsets, all_cuts), split) if runs else []
    built = [(sym, paths) for (_, _, sym), paths in zip(runs, fills, strict=True)]
    boxes = np.split(_path_boxes(px, offsets[all_cuts]), split) if runs else []
    strokes = None
    if runs and closed and len(px) <= DEDUP_LIMIT:
        keep, moves = shared_once(px, offsets, sorted_keys)
        cum = np.zeros(len(keep) + 1, dtype=np.int64)
        np.cumsum(keep, out=cum[1:])
        outlines = paths_from_vertices(
            np.compress(keep, px, axis=0), moves[keep], cum[offsets[all_cuts]], keep_empty=True
        )
        strokes = _split(outlines, split)
    dot_keys = keys[thinned.dot_parts] if keys is not None else None
    return PreparedPaths(
        view,
        None,
        key_source,
        built,
        boxes,
        strokes,
        thinned.dots,
        dot_keys,
        len(px),
        n_parts,
    )


def _split(items: list[QPainterPath], at: list[int]) -> list[list[QPainterPath]]:
    """Split ``items`` before the positions ``at``."""
    edges = [0, *at, len(items)]
    return [items[a:b] for a, b in itertools.pairwise(edges)]


def _path_boxes(px: NDArray[np.float64], bounds: NDArray[np.int64]) -> NDArray[np.float64]:
    """Return the ``(C, 4)`` pixel bounds ``x0, y0, x1, y1`` of the runs between ``bounds``."""
    starts = bounds[:-1]
    box = np.empty((len(starts), 4))
    if len(starts) == 0:
        return box
    for axis in (0, 1):  # column by column: numpy is slow on rows of two
        column = px[: bounds[-1], axis]
        box[:, axis] = np.minimum.reduceat(column, starts)
        box[:, axis + 2] = np.maximum.reduceat(column, starts)
    return box


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
