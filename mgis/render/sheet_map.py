"""The map part of a sheet: which layers, their legend, the overview layer, vector drawing.

PDF drawing places geometry on a grid of whole device pixels (:class:`GridView`)
and, at small scales, generalises it (:func:`vector_step`): paths get short and
compress well, while opacity is applied with the painter so nothing is rasterised.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from PySide6.QtGui import QPainter

from mgis.layers import VectorLayer
from mgis.layers.classify import legend_items
from mgis.render import sheet_elements as el
from mgis.render.renderer import Cancel, MapRenderer, RenderStats
from mgis.render.sheet import Extent, SheetSpec
from mgis.render.view import MapView

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from mgis.project import Project

VECTOR_EXACT_SCALE = 10_000
"""Up to 1:N, PDF geometry is placed at the full output resolution."""

VECTOR_DPI = 100
"""Geometry grid of PDFs at smaller scales (0.25 mm on paper)."""

CLIP_MIN_FEATURES = 20_000
"""Layers with more features are cut to the frame before drawing a sheet that shows a part."""

CLIP_MAX_SHARE = 0.25
"""... when the frame covers less than this share of the layer's extent."""

INSET_NAMES = ("boundary", "granica", "granica_miasta", "granice", "gmina")
"""Layer names taken for the overview map, in this order, when the spec names none."""


def sheet_layers(project: Project, spec: SheetSpec) -> list[VectorLayer]:
    """Return the layers a sheet prints, bottom first: the named ones, else the visible ones."""
    if spec.layers is None:
        return [lyr for lyr in project.layers if lyr.visible]
    wanted = set(spec.layers)
    return [lyr for lyr in project.layers if lyr.name in wanted]


def clip_layers(layers: Sequence[VectorLayer], extent: Extent, margin: float) -> list[VectorLayer]:
    """Return ``layers`` with the big ones cut to the features near ``extent``.

    A sheet at 1:2 000 shows a few hundred of 300 000 parcels: the layer's
    spatial index picks them (``margin`` map units around the frame, for
    symbols reaching in), so the renderer prepares only those. Layers mostly in
    the frame are returned as they are.
    """
    x0, y0, x1, y1 = extent[0] - margin, extent[1] - margin, extent[2] + margin, extent[3] + margin
    out: list[VectorLayer] = []
    for layer in layers:
        frame = layer.frame
        if len(frame) < CLIP_MIN_FEATURES or layer.family == "none":
            out.append(layer)
            continue
        lx0, ly0, lx1, ly1 = (float(v) for v in frame.total_bounds)
        if (x1 - x0) * (y1 - y0) >= CLIP_MAX_SHARE * (lx1 - lx0) * (ly1 - ly0):
            out.append(layer)
            continue
        rows = np.sort(frame.sindex.query(shapely.box(x0, y0, x1, y1)))
        out.append(dataclasses.replace(layer, frame=frame.iloc[rows]))
    return out


def legend_groups(
    layers: Sequence[VectorLayer], renderer: MapRenderer, extent: Extent | None, other: str
) -> list[el.LegendGroup]:
    """Return the legend of ``layers`` (top layer first), limited to ``extent`` when given."""
    groups: list[el.LegendGroup] = []
    for layer in reversed(layers):
        if layer.family == "none" or not len(layer.frame):
            continue
        shown = layer
        if extent is not None:
            arrays = renderer.arrays(layer)
            picked = renderer.index(layer).query(extent)
            if picked is not None:
                rows = np.unique(arrays.feature[picked])
                if not len(rows):
                    continue
                shown = dataclasses.replace(layer, frame=layer.frame.iloc[rows])
        items = legend_items(shown, unclassified_label=other)
        if layer.style.classified:
            items = [i for i in items if i.count > 0 or extent is None]
        if items:
            groups.append(el.LegendGroup(layer.name, tuple(items), layer.style.classified))
    return groups


def inset_layer(project: Project, spec: SheetSpec) -> VectorLayer | None:
    """Return the layer of the overview map: the named one, a town boundary, or the smallest."""
    names = project.layer_names()
    if spec.inset_layer:
        return project.layer(spec.inset_layer) if spec.inset_layer in names else None
    for wanted in INSET_NAMES:
        for layer in project.layers:
            if layer.name.lower() == wanted and len(layer.frame):
                return layer
    polygons = [lyr for lyr in project.layers if lyr.family == "polygon" and len(lyr.frame)]
    return min(polygons, key=lambda lyr: len(lyr.frame)) if polygons else None


def draw_layers(
    painter: QPainter,
    renderer: MapRenderer,
    layers: Sequence[VectorLayer],
    view: MapView,
    dpi: float,
    *,
    cancel: Cancel | None = None,
) -> RenderStats:
    """Draw ``layers`` (all given, in their scale range) as vectors, opacity via the painter."""
    stats = RenderStats()
    denominator = view.scale_denominator(dpi)
    for layer in layers:
        if cancel is not None and cancel():
            stats.cancelled = True
            break
        if layer.opacity <= 0 or not _in_scale_range(layer, denominator):
            continue
        painter.save()
        painter.setOpacity(min(layer.opacity, 1.0))
        try:
            stats.add(renderer.render_layer(painter, layer, view, dpi=dpi, cancel=cancel))
        finally:
            painter.restore()
    return stats


@dataclass(frozen=True)
class GridView(MapView):
    """A view giving whole-number pixel coordinates (PDF paths: shorter and exact enough)."""

    def world_to_pixel(self, xy: ArrayLike) -> NDArray[np.float64]:
        """Transform map coordinates to device pixels rounded to whole pixels."""
        return np.round(super().world_to_pixel(xy))


def vector_step(dpi: float, scale: float) -> int:
    """Return how many device pixels make one grid step of the geometry in a PDF.

    Up to 1:10 000 geometry keeps the full resolution (sheets are measured on);
    at smaller scales it is generalised to about 0.25 mm (100 dpi), below what
    the eye separates, which keeps a whole-town sheet small and quick.
    """
    if scale <= VECTOR_EXACT_SCALE:
        return 1
    return max(math.ceil(dpi / VECTOR_DPI - 1e-9), 1)


def _in_scale_range(layer: VectorLayer, denominator: float) -> bool:
    """Whether 1:``denominator`` is within the layer's scale range (its tick aside)."""
    if layer.min_scale is not None and denominator > layer.min_scale:
        return False
    return not (layer.max_scale is not None and denominator < layer.max_scale)


def crs_text(project: Project) -> str:
    """Return the project CRS as staff know it: ``PL-1992 (EPSG:2180)``."""
    names = {
        "EPSG:2180": "PL-1992",
        "EPSG:2176": "PL-2000 strefa 5",
        "EPSG:2177": "PL-2000 strefa 6",
    }
    names |= {"EPSG:2178": "PL-2000 strefa 7", "EPSG:2179": "PL-2000 strefa 8"}
    code = project.crs.upper()
    return f"{names[code]} ({code})" if code in names else project.crs
