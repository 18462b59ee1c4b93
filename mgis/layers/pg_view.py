"""Database layers read for a map extent: the bounding box moved into the table's CRS.

A layer with ``view_only`` set (see :class:`~mgis.layers.vector.VectorLayer`)
holds only the features of one map view of a possibly huge PostGIS table. The
project opens it for its saved extent and the window reads it again for every
new view; both go through :func:`read_postgis_layer`. Without Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

    from mgis.io.report import LoadReport

Extent = tuple[float, float, float, float]


def read_postgis_layer(
    source: str, crs: str, extent: Extent | None = None
) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """Read the layer behind a ``postgis:`` source into the CRS ``crs``.

    Parameters
    ----------
    source : str
        ``postgis:<connection>/<schema>.<table>`` or ``postgis:<connection>/?sql=...``.
    crs : str
        The project CRS: the frame is returned in it.
    extent : tuple of float, optional
        ``(xmin, ymin, xmax, ymax)`` in ``crs``: only features whose bounding box
        meets it are read (the spatial index answers). It is moved explicitly
        (pyproj, x = easting) into the CRS the layer has in the database, which
        is found by reading no rows the first time, then kept from each read.

    Returns
    -------
    tuple[geopandas.GeoDataFrame, LoadReport]
        The features in ``crs`` and the report (rows fetched).

    Raises
    ------
    MgisIOError
        Connection refused, missing table, no CRS ... in plain words.
    """
    from mgis.io.crs import reproject
    from mgis.io.pg_connect import get_connection
    from mgis.io.postgis import PgSource, read_source, session

    src = PgSource.parse(source)
    if extent is None:
        frame, report = read_source(src)
    else:
        with session(get_connection(src.connection)) as pg:
            if source not in _TABLE_CRS:  # asked once per source, not at every pan
                _TABLE_CRS[source] = read_source(src, limit=0, target=pg)[0].crs
            bbox = moved_extent(extent, crs, _TABLE_CRS[source])
            frame, report = read_source(src, bbox=bbox, target=pg)
    _TABLE_CRS[source] = frame.crs
    return reproject(frame, crs), report


_TABLE_CRS: dict[str, Any] = {}
"""The CRS each database source had when last read (a view read needs it to move its box)."""


def moved_extent(extent: Extent, crs: Any, target: Any) -> Extent:
    """Return the box around ``extent`` (in ``crs``) in the CRS ``target``.

    ``target`` None (the table declares no SRID) keeps the coordinates as they are.
    """
    from pyproj import CRS, Transformer

    if target is None or CRS.from_user_input(target) == CRS.from_user_input(crs):
        return extent
    move = Transformer.from_crs(crs, target, always_xy=True)
    x0, y0, x1, y1 = move.transform_bounds(*extent)
    return (float(x0), float(y0), float(x1), float(y1))


def read_or_empty(
    name: str, source: str, crs: str, extent: Extent | None
) -> tuple[gpd.GeoDataFrame, str | None]:
    """Read a database layer for a project being opened; never fail.

    Returns
    -------
    tuple[geopandas.GeoDataFrame, str or None]
        The features in ``crs`` and None; or, when the layer cannot be read,
        an empty frame in ``crs`` and a warning naming the layer and what to do.
    """
    import geopandas as gpd

    from mgis.io import MgisIOError

    try:
        return read_postgis_layer(source, crs, extent)[0], None
    except MgisIOError as exc:
        warning = (
            f"Layer '{name}' could not be read from the database: {exc} It stays in the "
            "project without features; check the connection, then reload the layer from "
            "the database (layer panel context menu)."
        )
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=crs), crs=crs), warning


def connection_names(entries: Iterable[Mapping[str, Any]]) -> list[str]:
    """Return the connection names of the database layers among saved layer entries.

    Embedded layers need no connection; each name is listed once, in layer order.
    """
    from mgis.io import MgisIOError
    from mgis.io.postgis import PgSource, is_postgis_source

    names: list[str] = []
    for entry in entries:
        source = entry.get("source")
        if entry.get("embedded", True) or not is_postgis_source(source):
            continue
        try:
            name = PgSource.parse(str(source)).connection
        except MgisIOError:  # a damaged source: opening the project reports it
            continue
        if name not in names:
            names.append(name)
    return names
