"""Reading rows from PostGIS in bulk: binary cursor, WKB decoded in one call, a load report.

The helpers of :mod:`mgis.io.postgis`; identifiers are composed with
:mod:`psycopg.sql` and every value is a query parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mgis.io.errors import MgisIOError
from mgis.io.report import LoadReport

if TYPE_CHECKING:
    import geopandas as gpd
    import psycopg
    from psycopg import sql as pgsql

Extent = tuple[float, float, float, float]

# PostgreSQL type OIDs read as they are; any other type is read as text.
_INT_OIDS = {20, 21, 23}
_FLOAT_OIDS = {700, 701, 1700}
_TEXT_OIDS = {25, 1042, 1043, 19}
_DATE_OIDS = {1082, 1114, 1184}
_BOOL_OID = 16
_PANDAS3 = int(pd.__version__.split(".")[0]) >= 3
_TYPE_NAMES = (
    "Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
    "MultiPolygon", "GeometryCollection",
)  # fmt: skip


def db_error(exc: BaseException, what: str) -> MgisIOError:
    """Wrap a database error into a message naming what failed."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return MgisIOError(f"{what}: {text}")


def geometry_oid(cur: psycopg.Cursor[Any]) -> int:
    """Return the type OID of PostGIS ``geometry`` (0 without PostGIS)."""
    cur.execute("SELECT coalesce((SELECT oid FROM pg_type WHERE typname = 'geometry'), 0)")
    row = cur.fetchone()
    return int(row[0]) if row else 0


def describe(
    cur: psycopg.Cursor[Any], relation: pgsql.Composable, params: Sequence[Any] = ()
) -> list[tuple[str, str]]:
    """Return ``(column, kind)`` of a relation: int, float, text, date, bool, geometry, other."""
    from psycopg import sql as pgsql

    geom_oid = geometry_oid(cur)
    cur.execute(pgsql.SQL("SELECT * FROM {} AS q LIMIT 0").format(relation), list(params))
    out: list[tuple[str, str]] = []
    for col in cur.description or ():
        oid = col.type_code
        kind = (
            "geometry" if oid == geom_oid else "int" if oid in _INT_OIDS else
            "float" if oid in _FLOAT_OIDS else "text" if oid in _TEXT_OIDS else
            "date" if oid in _DATE_OIDS else "bool" if oid == _BOOL_OID else "other"
        )  # fmt: skip
        out.append((col.name, kind))
    return out


def read_rows(  # noqa: PLR0917 - private helper, called positionally
    pg: psycopg.Connection[Any],
    relation: pgsql.Composable,
    geometry: str,
    srid: int,
    bbox: Extent | None,
    limit: int | None,
    name: str,
    params: Sequence[Any] = (),
) -> tuple[gpd.GeoDataFrame, int]:
    """Fetch attributes and WKB with a binary cursor and build the frame in bulk."""
    from psycopg import sql as pgsql

    where, bbox_params = _bbox_filter(geometry, srid, bbox)
    try:
        with pg.cursor() as cur:
            columns = [(c, k) for c, k in describe(cur, relation, params) if c != geometry]
        selects = [_select_column(c, k) for c, k in columns if k != "geometry"]
        kinds = [(c, k) for c, k in columns if k != "geometry"]
        query = pgsql.SQL("SELECT {} FROM {} AS q{}{}").format(
            pgsql.SQL(", ").join(
                [*selects, pgsql.SQL("ST_AsBinary(q.{})").format(pgsql.Identifier(geometry))]
            ),
            relation,
            where,
            pgsql.SQL(" LIMIT {}").format(pgsql.Literal(int(limit)))
            if limit is not None
            else pgsql.SQL(""),
        )
        with pg.cursor(binary=True) as cur:
            cur.execute(query, [*params, *bbox_params])
            rows = cur.fetchall()
        pg.rollback()
    except Exception as exc:
        pg.rollback()
        raise db_error(exc, f"Cannot read {name}") from exc
    return _frame(rows, kinds, srid, pg), len(rows)


def _bbox_filter(
    geometry: str, srid: int, bbox: Extent | None
) -> tuple[pgsql.Composable, list[Any]]:
    """Return the ``WHERE geom && envelope`` clause (index-backed) and its parameters."""
    from psycopg import sql as pgsql

    if bbox is None:
        return pgsql.SQL(""), []
    clause = pgsql.SQL(" WHERE q.{} && ST_MakeEnvelope(%s, %s, %s, %s, %s)").format(
        pgsql.Identifier(geometry)
    )
    return clause, [*(float(v) for v in bbox), int(srid)]


def _select_column(column: str, kind: str) -> pgsql.Composable:
    """Select a column as a type mgis reads (numeric as float, others as text)."""
    from psycopg import sql as pgsql

    ident = pgsql.SQL("q.{}").format(pgsql.Identifier(column))
    if kind == "float":
        return pgsql.SQL("{}::float8").format(ident)
    if kind == "other":
        return pgsql.SQL("{}::text").format(ident)
    return ident


def _frame(
    rows: list[tuple[Any, ...]], kinds: Sequence[tuple[str, str]], srid: int, pg: Any
) -> gpd.GeoDataFrame:
    """Turn fetched rows into a GeoDataFrame (geometry from WKB in one call)."""
    import geopandas as gpd
    import shapely

    columns = list(zip(*rows, strict=True)) if rows else [()] * (len(kinds) + 1)
    data: dict[str, Any] = {}
    for (name, kind), values in zip(kinds, columns[:-1], strict=True):
        data[name] = _series(values, kind)
    wkb = np.empty(len(rows), dtype=object)
    wkb[:] = columns[-1]
    geoms = shapely.from_wkb(wkb)
    return gpd.GeoDataFrame(data, geometry=geoms, crs=_crs(pg, srid))


def _series(values: Sequence[Any], kind: str) -> pd.Series:
    """Build one column with a fitting dtype (nullable where values are missing)."""
    if kind == "float":
        return pd.Series(np.array(values, dtype=float))  # None becomes NaN
    has_null = None in values  # a C-level scan
    if kind == "int":
        return pd.Series(values, dtype="Int64" if has_null else "int64")
    if kind == "bool":
        return pd.Series(values, dtype="boolean" if has_null else "bool")
    if kind == "date":
        return pd.Series(pd.to_datetime(list(values)))
    if kind == "text" and values and _PANDAS3:
        return pd.Series(values, dtype="str")  # Arrow-backed text, missing as NaN
    return pd.Series(values, dtype=object)


def _crs(pg: psycopg.Connection[Any], srid: int) -> Any:
    """Return the CRS of an SRID: EPSG when known, else the database's WKT; None for 0."""
    if srid <= 0:
        return None
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        return CRS.from_epsg(srid)
    except CRSError:
        with pg.cursor() as cur:
            cur.execute("SELECT srtext FROM spatial_ref_sys WHERE srid = %s", [srid])
            row = cur.fetchone()
        pg.rollback()
        return CRS.from_wkt(row[0]) if row and row[0] else None


def build_report(  # noqa: PLR0917 - private helper, called positionally
    frame: gpd.GeoDataFrame,
    name: str,
    layer: str,
    fetched: int,
    estimate: int | None,
    bbox: Extent | None,
) -> LoadReport:
    """Build the load report; it says how many rows were fetched and why."""
    import shapely

    geoms = np.asarray(frame.geometry.array, dtype=object)
    present = geoms[~shapely.is_missing(geoms)]
    types = tuple(sorted({str(t) for t in shapely.get_type_id(present).tolist()}))
    notes = []
    if bbox is not None:
        total = f" of about {estimate}" if estimate is not None else ""
        notes.append(f"fetched {fetched}{total} rows: only those in the map view (bounding box)")
    extent = None
    if len(present):
        xmin, ymin, xmax, ymax = shapely.total_bounds(present)
        extent = (float(xmin), float(ymin), float(xmax), float(ymax))
    crs = frame.crs
    auth = crs.to_authority() if crs is not None else None
    return LoadReport(
        path=name,
        format="PostGIS",
        layer=layer,
        feature_count=fetched,
        geometry_types=tuple(_TYPE_NAMES[int(t)] for t in types),
        encoding=None,
        encoding_reason="",
        crs=f"{auth[0]}:{auth[1]}" if auth else (crs.to_wkt() if crs is not None else None),
        crs_guessed=False,
        crs_reason="from the database (SRID)" if crs is not None else "the table declares no SRID",
        invalid_geometries=0,
        repairs=0,
        warnings=tuple(notes),
        extent=extent,
        empty_geometries=len(geoms) - len(present),
        crs_name=crs.name if crs is not None else "",
    )
