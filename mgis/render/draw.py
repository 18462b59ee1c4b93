"""Qt drawing passes of one layer: prepared paths, dots and point markers.

Measured on the 300k-parcel demo town (1600 x 1000, Qt 6.11 raster engine):

* an antialiased fill costs 5-10x a plain one, so on screen fills under an
  opaque outline are drawn without antialiasing (the outline hides the edge);
* strokes wider than one pixel go through Qt's general stroker: square caps
  and bevel joins below :data:`~mgis.render.symbols.ROUND_JOIN_PX` pixels,
  and small compound paths, keep them 5-20x faster than round joins on big paths;
* PySide6 keeps the GIL in ``QPainter.drawPath``: two threads drawing two
  images take as long as one thread drawing both, so layers are drawn in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPainterPath

from mgis.layers import Style
from mgis.render.paths import build_paths, marker_arrays, marker_template, polygon_from_array
from mgis.render.prepared import PreparedPaths
from mgis.render.symbols import Symbol, dot_pen, make_pen, mm_to_px, symbol_runs
from mgis.render.view import MapView

Cancel = Callable[[], bool]

AA_VERTEX_LIMIT = 250_000
"""Above this many vertices in view, screen renders skip antialiasing of strokes."""

FILL_AA_LIMIT = 50_000
"""Fills without an outline are antialiased on screen below this many vertices."""

TINY_MARKER_PX = 4.5
"""Markers this small (in pixels) are drawn as dots: one ``drawPoints`` call per symbol."""

ROUND_DOT_LIMIT = 20_000
"""Tiny circle markers are round antialiased dots up to this many, square dots above."""

ROUND_DOT_PX = 3.5
"""Tiny circle markers under this size are square dots: round ones cost 10x and look alike."""


def antialias_for(
    vertices: int, dpi: float, *, fill: bool, outlined: bool, force: bool | None = None
) -> bool:
    """Decide antialiasing of one drawing pass.

    Parameters
    ----------
    vertices : int
        Vertices handed to Qt in this pass.
    dpi : float
        Device resolution; above 150 (print) everything is antialiased.
    fill : bool
        True for the fill pass of polygons or markers.
    outlined : bool
        True when an opaque outline is drawn over the fill afterwards.
    force : bool or None
        A fixed answer (the renderer's ``antialias`` option), or None to decide.

    Returns
    -------
    bool
        Strokes below :data:`AA_VERTEX_LIMIT` vertices; fills only without an
        outline and below :data:`FILL_AA_LIMIT` (an antialiased fill costs
        per pixel covered: 60 ms for parcels filling the screen at 1:1 000).
    """
    if force is not None:
        return force
    if dpi > 150:
        return True
    if fill:
        return not outlined and vertices < FILL_AA_LIMIT
    return vertices < AA_VERTEX_LIMIT


@dataclass
class DrawJob:
    """What the drawing passes of one layer share."""

    painter: QPainter
    style: Style
    symbols: list[Symbol]
    dpi: float
    cancel: Cancel | None
    chunk: int
    antialias: bool | None = None
    cancelled: bool = False

    def draw(self, paths: Sequence[QPainterPath]) -> bool:
        """Draw ``paths`` with the current pen and brush; False when cancelled."""
        for path in paths:
            if self.cancel is not None and self.cancel():
                self.cancelled = True
                return False
            self.painter.drawPath(path)
        return True

    @property
    def stroke_px(self) -> float:
        """Outline or line width in device pixels (0 = no outline)."""
        width = self.style.stroke_width
        return mm_to_px(width, self.dpi) if width > 0 else 0.0


def draw_prepared(job: DrawJob, prepared: PreparedPaths, family: str, view: MapView) -> None:
    """Draw prepared polygons (all fills, then all outlines) or lines, then their dots.

    Only paths reaching ``view`` are drawn. The painter must already be
    translated to the prepared paths' reference view.
    """
    painter = job.painter
    visible = prepared.visible(view)
    runs = [
        (job.symbols[sym], paths, strokes)
        for (sym, _), (paths, strokes) in zip(prepared.runs, visible, strict=True)
        if paths
    ]
    stroke_px = job.stroke_px
    if family == "polygon":
        outlined = stroke_px > 0 and all(s.stroke.alpha() >= 128 for s, _, _ in runs)
        aa = antialias_for(
            prepared.vertices, job.dpi, fill=True, outlined=outlined, force=job.antialias
        )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
        painter.setPen(Qt.PenStyle.NoPen)
        for symbol, paths, _ in runs:
            if symbol.fill.alpha() > 0:
                painter.setBrush(symbol.fill)
                if not job.draw(paths):
                    return
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if stroke_px > 0:
        aa = antialias_for(
            prepared.vertices, job.dpi, fill=False, outlined=False, force=job.antialias
        )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
        for symbol, _, strokes in runs:
            if symbol.stroke.alpha() > 0:
                painter.setPen(make_pen(symbol.stroke, job.style, job.dpi, family))
                if not job.draw(strokes):
                    return
    if len(prepared.dots):
        draw_dots(job, prepared.dots, prepared.dot_keys, polygon=family == "polygon")


def draw_dots(
    job: DrawJob, dots: NDArray[np.float64], keys: NDArray[np.int64] | None, *, polygon: bool
) -> None:
    """Draw parts smaller than a pixel or two as single points, one call per symbol.

    Polygons use the outline colour (the fill when there is no outline), lines their colour.
    """
    if keys is None:
        order, runs = np.arange(len(dots)), [(0, len(dots), len(job.symbols) - 1)]
    else:
        order, runs = symbol_runs(keys)
    dots = dots[order]
    width = max(1.0, job.stroke_px)
    job.painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    for a, b, sym in runs:
        symbol = job.symbols[sym]
        stroked = job.style.stroke_width > 0 and symbol.stroke.alpha() > 0
        colour = symbol.stroke if stroked or not polygon else symbol.fill
        if colour.alpha() == 0:
            continue
        job.painter.setPen(dot_pen(colour, width))
        job.painter.drawPoints(polygon_from_array(dots[a:b]))


def draw_points(job: DrawJob, px: NDArray[np.float64], keys: NDArray[np.int64] | None) -> int:
    """Draw a marker at every point: dots when markers are tiny, else marker outlines.

    Returns
    -------
    int
        Vertices handed to Qt.
    """
    painter, style = job.painter, job.style
    size = max(mm_to_px(style.marker_size, job.dpi), 1.0)
    if keys is None:
        runs = [(0, len(px), len(job.symbols) - 1)]
    else:
        order, runs = symbol_runs(keys)
        px = px[order]
    stroke_px = job.stroke_px
    if size <= TINY_MARKER_PX and job.dpi <= 150:
        round_cap = style.marker == "circle" and size >= ROUND_DOT_PX and len(px) <= ROUND_DOT_LIMIT
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, round_cap)
        for a, b, sym in runs:
            symbol = job.symbols[sym]
            stroked = stroke_px > 0 and symbol.stroke.alpha() > 0
            colour = symbol.stroke if stroked else symbol.fill
            if colour.alpha() > 0:
                painter.setPen(dot_pen(colour, size, round_cap=round_cap))
                painter.drawPoints(polygon_from_array(px[a:b]))
        return len(px)
    mx, moffsets = marker_arrays(px, marker_template(style.marker, size))
    for a, b, sym in runs:
        symbol = job.symbols[sym]
        chunks = build_paths(mx, moffsets, np.r_[np.arange(a, b, job.chunk), b].astype(np.int64))
        stroked = stroke_px > 0 and symbol.stroke.alpha() > 0
        if symbol.fill.alpha() > 0:
            aa = antialias_for(len(mx), job.dpi, fill=True, outlined=stroked, force=job.antialias)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(symbol.fill)
            if not job.draw(chunks):
                break
        if stroked:
            aa = antialias_for(len(mx), job.dpi, fill=False, outlined=False, force=job.antialias)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(make_pen(symbol.stroke, style, job.dpi, "point"))
            if not job.draw(chunks):
                break
    return len(mx)
