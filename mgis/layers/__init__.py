"""Layer model: vector layers, styles, selections, parcel identifiers (no Qt)."""

from mgis.layers.classify import LegendItem, categorize, graduate, legend_items
from mgis.layers.parcel_columns import build_parcel_ids, normalise_parcel_ids
from mgis.layers.parcel_ids import (
    ParcelContext,
    ParcelErrorReason,
    ParcelId,
    ParcelIdError,
    canonical_obreb,
)
from mgis.layers.parcel_search import FindResult, FindStatus, ParcelIndex, parse_parcel_list
from mgis.layers.selection import SelectMode
from mgis.layers.style import Style, StyleClass, class_indices
from mgis.layers.vector import VectorLayer, geometry_family

__all__ = [
    "FindResult",
    "FindStatus",
    "LegendItem",
    "ParcelContext",
    "ParcelErrorReason",
    "ParcelId",
    "ParcelIdError",
    "ParcelIndex",
    "SelectMode",
    "Style",
    "StyleClass",
    "VectorLayer",
    "build_parcel_ids",
    "canonical_obreb",
    "categorize",
    "class_indices",
    "geometry_family",
    "graduate",
    "legend_items",
    "normalise_parcel_ids",
    "parse_parcel_list",
]
