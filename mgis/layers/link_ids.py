"""Which identifiers of a parcel layer a register is linked on: a field, or built from three.

A link's ``id_field`` is either a field of EGiB identifiers or the spec
``build:UNIT|OBRĘB|NUMBER`` (see :func:`build_spec`): the identifiers are then
built from a unit field (or a unit code such as ``301001_1``), an obręb field and
a parcel-number field. The app and ``mgis link --project`` both link through
:func:`with_parcel_ids`, so they see the same identifiers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mgis.layers.register import RegisterError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["BUILD_PREFIX", "BUILT_FIELD", "build_spec", "with_parcel_ids"]

BUILD_PREFIX = "build:"
"""Start of ``id_field`` for ids built from three columns: ``build:unit|obręb|nr``."""
BUILT_FIELD = "_mgis_parcel_id"
"""Column holding the built identifiers (on a copy of the layer's frame)."""


def build_spec(unit: str, obreb: str, number: str) -> str:
    """Return the ``id_field`` text for identifiers built from columns.

    Parameters
    ----------
    unit : str
        A layer field with the unit code, or the code itself (``301001_1``).
    obreb, number : str
        Layer fields of the obręb and the parcel number.

    Examples
    --------
    >>> build_spec("301001_1", "obreb", "numer")
    'build:301001_1|obreb|numer'
    """
    return f"{BUILD_PREFIX}{unit}|{obreb}|{number}"


def with_parcel_ids(frame: gpd.GeoDataFrame, id_field: str) -> tuple[gpd.GeoDataFrame, str]:
    """Return the frame and the field to link on (a built column added to a copy if needed).

    Raises
    ------
    RegisterError
        When a column named in a ``build:`` spec is missing.
    """
    if not id_field.startswith(BUILD_PREFIX):
        return frame, id_field
    from mgis.layers.parcel_columns import build_parcel_ids

    unit, obreb, number = [*id_field.removeprefix(BUILD_PREFIX).split("|"), "", ""][:3]
    for column in (obreb, number):
        if column not in frame.columns:
            raise RegisterError(f"the parcel layer has no field {column!r}")
    units: object = frame[unit] if unit in frame.columns else unit
    ids = build_parcel_ids(units, frame[obreb], frame[number])
    return frame.assign(**{BUILT_FIELD: ids}), BUILT_FIELD
