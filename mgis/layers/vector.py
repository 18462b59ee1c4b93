"""VectorLayer: one map layer held in memory, without Qt."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from mgis.layers.selection import Indices
from mgis.layers.style import Style

if TYPE_CHECKING:
    import geopandas as gpd

_FAMILIES = {
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
    "LineString": "line",
    "MultiLineString": "line",
    "LinearRing": "line",
    "Point": "point",
    "MultiPoint": "point",
}


def geometry_family(frame: gpd.GeoDataFrame) -> str:
    """Return ``"polygon"``, ``"line"``, ``"point"`` or ``"none"`` for a frame.

    The most common geometry type decides; empty or attribute-only frames
    give ``"none"``.
    """
    if "geometry" not in getattr(frame, "columns", ()) or len(frame) == 0:
        return "none"
    counts = frame.geometry.geom_type.value_counts()
    if counts.empty:
        return "none"
    return _FAMILIES.get(str(counts.index[0]), "none")


@dataclass
class VectorLayer:
    """A named layer of features with its style and display state.

    Parameters
    ----------
    name : str
        Name shown in the layer panel; unique within a project.
    frame : geopandas.GeoDataFrame
        Features in the layer's CRS.
    source : str or None
        Where the data came from (a path, possibly relative to the project).
    style : Style
        How the layer is drawn.
    visible : bool
        Whether the layer is drawn.
    opacity : float
        0 (transparent) to 1 (opaque).
    embedded : bool
        True when the data is stored inside the project file, False when the
        project only references ``source``.
    min_scale : float or None
        Scale-dependent visibility, as in QGIS: the layer is hidden when the map
        is zoomed out beyond 1:``min_scale`` (a larger denominator); None = no limit.
    max_scale : float or None
        The layer is hidden when the map is zoomed in beyond 1:``max_scale``
        (a smaller denominator); None = no limit.
    view_only : bool
        True for a database table read only for the current map view: ``frame``
        holds just the features of that view (a bounding-box query), and the
        layer is read again whenever the view changes. Saved in the project.
    selected : numpy.ndarray
        Positional indices of the selected features (sorted, unique). The
        selection is view state: it is not saved and not undone.
    """

    name: str
    frame: gpd.GeoDataFrame
    source: str | None = None
    style: Style = field(default_factory=Style)
    visible: bool = True
    opacity: float = 1.0
    embedded: bool = True
    min_scale: float | None = None
    max_scale: float | None = None
    view_only: bool = False
    selected: Indices = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    @property
    def crs(self) -> str | None:
        """The layer CRS as ``AUTHORITY:CODE`` or WKT, or None when unknown."""
        crs = getattr(self.frame, "crs", None)
        if crs is None:
            return None
        auth = crs.to_authority()
        return f"{auth[0]}:{auth[1]}" if auth else str(crs.to_wkt())

    def visible_at_scale(self, denominator: float | None) -> bool:
        """Return True when the layer is ticked and 1:``denominator`` is within its scale range.

        Parameters
        ----------
        denominator : float or None
            N of the map scale 1:N; None (unknown scale) ignores the range.
        """
        if not self.visible:
            return False
        if denominator is None:
            return True
        if self.min_scale is not None and denominator > self.min_scale:
            return False
        return not (self.max_scale is not None and denominator < self.max_scale)

    @property
    def family(self) -> str:
        """Geometry family: ``polygon``, ``line``, ``point`` or ``none``."""
        return geometry_family(self.frame)

    @property
    def feature_count(self) -> int:
        """Number of features."""
        return len(self.frame)
