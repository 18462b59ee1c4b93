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
    selected: Indices = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    @property
    def crs(self) -> str | None:
        """The layer CRS as ``AUTHORITY:CODE`` or WKT, or None when unknown."""
        crs = getattr(self.frame, "crs", None)
        if crs is None:
            return None
        auth = crs.to_authority()
        return f"{auth[0]}:{auth[1]}" if auth else str(crs.to_wkt())

    @property
    def family(self) -> str:
        """Geometry family: ``polygon``, ``line``, ``point`` or ``none``."""
        return geometry_family(self.frame)

    @property
    def feature_count(self) -> int:
        """Number of features."""
        return len(self.frame)
