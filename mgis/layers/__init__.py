"""Layer model: vector layers, styles, parcel identifiers and register links (no Qt)."""

from mgis.layers.style import Style
from mgis.layers.vector import VectorLayer, geometry_family

__all__ = ["Style", "VectorLayer", "geometry_family"]
