"""PostGIS layers: browse a database, read tables or saved queries, select on the server.

Every identifier goes through :class:`psycopg.sql.Identifier` and every value
is a query parameter. Reads use binary cursors: geometries travel as WKB and
are decoded in bulk with :func:`shapely.from_wkb`. A bounding box limits a read
to what a map view needs (the ``&&`` operator uses the spatial index) and the
report says how many rows were fetched. Writing is in :mod:`mgis.io.pg_write`.

A layer read from PostGIS has the source ``postgis:<connection>/<schema>.<table>``
(or ``postgis:<connection>/?sql=<query>``); see :class:`PgSource`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, unquote

import numpy as np

from mgis.io.errors import MgisIOError
from mgis.io.pg_connect import PgConnection, connect, get_connection
from mgis.io.pg_read import build_report, db_error, describe, read_rows
from mgis.io.report import LoadReport

if TYPE_CHECKING:
    import geopandas as gpd
    import psycopg

Extent = tuple[float, float, float, float]
SOURCE_PREFIX = "postgis:"
_SAFE = ""  # percent-encode everything that could be read as a separator


@dataclass(frozen=True)
class TableInfo:
    """A spatial table as the database browser lists it.

    Attributes
    ----------
    schema, table, geometry_column : str
        Where the geometries are.
    geometry_type : str
        Declared type (``MULTIPOLYGON``, ``GEOMETRY`` …).
    srid : int
        Declared SRID (0 when not declared).
    row_estimate : int or None
        The planner's estimate (fast; None before the first ANALYZE).
    comment : str
        The table comment.
    """

    schema: str
    table: str
    geometry_column: str
    geometry_type: str
    srid: int
    row_estimate: int | None
    comment: str = ""


@dataclass(frozen=True)
class PgSource:
    """Where a PostGIS layer comes from: connection name and a table or a saved query."""

    connection: str
    schema: str = ""
    table: str = ""
    sql: str = ""

    def to_source(self) -> str:
        """Return the ``postgis:`` source string kept in the project (no password)."""
        conn = quote(self.connection, safe=_SAFE)
        if self.sql:
            return f"{SOURCE_PREFIX}{conn}/?sql={quote(self.sql, safe=_SAFE)}"
        schema, table = quote(self.schema, safe=_SAFE), quote(self.table, safe=_SAFE)
        return f"{SOURCE_PREFIX}{conn}/{schema}.{table}"

    @classmethod
    def parse(cls, text: str) -> PgSource:
        """Read a source string written by :meth:`to_source`.

        Raises
        ------
        MgisIOError
            When ``text`` is not a ``postgis:`` source.
        """
        if not is_postgis_source(text) or "/" not in text:
            raise MgisIOError(
                f"{text!r} is not a PostGIS layer source (postgis:conn/schema.table)."
            )
        conn, rest = text[len(SOURCE_PREFIX) :].split("/", 1)
        if rest.startswith("?sql="):
            return cls(unquote(conn), sql=unquote(rest[5:]))
        schema, _, table = rest.partition(".")
        if not table:
            raise MgisIOError(f"{text!r}: the table is missing (postgis:conn/schema.table).")
        return cls(unquote(conn), unquote(schema), unquote(table))


def is_postgis_source(text: str | None) -> bool:
    """Return True for a ``postgis:`` layer source."""
    return bool(text) and str(text).startswith(SOURCE_PREFIX)


@contextlib.contextmanager
def session(
    target: PgConnection | str | psycopg.Connection[Any],
) -> Iterator[psycopg.Connection[Any]]:
    """Yield an open connection: ``target`` itself, or one opened (and closed) for it."""
    import psycopg

    if isinstance(target, psycopg.Connection):
        yield target
        return
    pg = connect(target)
    try:
        yield pg
    finally:
        pg.close()


def _end_read(pg: psycopg.Connection[Any]) -> None:
    """End a read-only transaction, unless it belongs to the caller's transaction block."""
    import psycopg

    with contextlib.suppress(psycopg.ProgrammingError):  # inside ``pg.transaction()``
        pg.rollback()


# -- browsing ---------------------------------------------------------------------------


def list_schemas(target: PgConnection | str | psycopg.Connection[Any]) -> list[str]:
    """Return the schemas the user can see, without the system ones."""
    query = (
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
        "AND nspname <> 'information_schema' ORDER BY nspname"
    )
    with session(target) as pg, pg.cursor() as cur:
        cur.execute(query)
        names = [str(r[0]) for r in cur.fetchall()]
        pg.rollback()
    return names


def list_tables(
    target: PgConnection | str | psycopg.Connection[Any], schema: str | None = None
) -> list[TableInfo]:
    """List the spatial tables and views (from ``geometry_columns``) with row estimates.

    Parameters
    ----------
    target : PgConnection, str or psycopg.Connection
        The database.
    schema : str, optional
        Only this schema.

    Returns
    -------
    list[TableInfo]
        Sorted by schema and table.
    """
    query = """
        SELECT g.f_table_schema, g.f_table_name, g.f_geometry_column, g.type, g.srid,
               c.reltuples::bigint, coalesce(obj_description(c.oid, 'pg_class'), '')
        FROM geometry_columns g
        LEFT JOIN pg_namespace n ON n.nspname = g.f_table_schema
        LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = g.f_table_name
        WHERE %(schema)s::text IS NULL OR g.f_table_schema = %(schema)s
        ORDER BY 1, 2, 3"""
    with session(target) as pg, pg.cursor() as cur:
        try:
            cur.execute(query, {"schema": schema})
        except Exception as exc:
            pg.rollback()
            raise db_error(exc, "Cannot list the tables (is PostGIS installed?)") from exc
        rows = cur.fetchall()
        _end_read(pg)
    return [
        TableInfo(
            str(s),
            str(t),
            str(g),
            str(k),
            int(srid or 0),
            None if n is None or n < 0 else int(n),
            str(c),
        )
        for s, t, g, k, srid, n, c in rows
    ]


def table_info(pg: psycopg.Connection[Any], schema: str, table: str) -> TableInfo:
    """Return the geometry column, type and SRID of one table.

    Raises
    ------
    MgisIOError
        When the table does not exist or has no geometry column.
    """
    found = [t for t in list_tables(pg, schema) if t.table == table]
    if not found:
        raise MgisIOError(
            f"There is no spatial table {schema}.{table} in the database; refresh the "
            "browser or check the name."
        )
    return found[0]


# -- reading ----------------------------------------------------------------------------


def read_source(
    source: str | PgSource,
    *,
    bbox: Extent | None = None,
    limit: int | None = None,
    target: PgConnection | str | psycopg.Connection[Any] | None = None,
) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """Read the layer behind a ``postgis:`` source string (as kept in a project).

    Parameters
    ----------
    source : str or PgSource
        ``postgis:<connection>/<schema>.<table>`` or ``postgis:<connection>/?sql=...``.
    bbox : tuple of float, optional
        Read only features whose bounding box meets this one (in the layer's SRID).
    limit : int, optional
        At most this many rows.
    target : optional
        Connection to use instead of the one named in the source.

    Returns
    -------
    tuple[geopandas.GeoDataFrame, LoadReport]
    """
    src = source if isinstance(source, PgSource) else PgSource.parse(source)
    where = target if target is not None else get_connection(src.connection)
    if src.sql:
        return read_query(where, src.sql, bbox=bbox, limit=limit, source=src.to_source())
    return read_table(where, src.schema, src.table, bbox=bbox, limit=limit, source=src.to_source())


def read_table(
    target: PgConnection | str | psycopg.Connection[Any],
    schema: str,
    table: str,
    *,
    bbox: Extent | None = None,
    limit: int | None = None,
    source: str | None = None,
) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """Read a spatial table (all of it, or what meets ``bbox``) into a GeoDataFrame.

    Parameters
    ----------
    target : PgConnection, str or psycopg.Connection
        The database.
    schema, table : str
        The table (any characters; quoted as identifiers).
    bbox : tuple of float, optional
        ``(xmin, ymin, xmax, ymax)`` in the table's SRID: only features whose
        bounding box meets it are fetched, through the spatial index.
    limit : int, optional
        At most this many rows.
    source : str, optional
        Source string for the report; ``postgis:?/<schema>.<table>`` by default.

    Returns
    -------
    tuple[geopandas.GeoDataFrame, LoadReport]
        The features and a report with the number of rows fetched.

    Raises
    ------
    MgisIOError
        Missing table, no permission, lost connection ….
    """
    from psycopg import sql as pgsql

    with session(target) as pg:
        info = table_info(pg, schema, table)
        relation = pgsql.Identifier(schema, table)
        name = source or PgSource("?", schema, table).to_source()
        frame, fetched = read_rows(pg, relation, info.geometry_column, info.srid, bbox, limit, name)
    return frame, build_report(frame, name, table, fetched, info.row_estimate, bbox)


def read_query(
    target: PgConnection | str | psycopg.Connection[Any],
    query: str,
    *,
    bbox: Extent | None = None,
    limit: int | None = None,
    source: str | None = None,
) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """Read the result of a saved SQL query (run read-only) as a layer.

    The query's first geometry column becomes the layer's geometry.

    Raises
    ------
    MgisIOError
        When the query fails or returns no geometry column.
    """
    from psycopg import sql as pgsql

    relation = pgsql.SQL("({}) ").format(pgsql.SQL(query.strip().rstrip(";")))
    name = source or f"{SOURCE_PREFIX}?/?sql={quote(query, safe=_SAFE)}"
    with session(target) as pg:
        try:
            with pg.cursor() as cur:
                cur.execute("SET TRANSACTION READ ONLY")
                columns = describe(cur, relation)
        except MgisIOError:
            raise
        except Exception as exc:
            pg.rollback()
            raise db_error(exc, "The saved query fails") from exc
        geometry = next((c for c, kind in columns if kind == "geometry"), None)
        if geometry is None:
            pg.rollback()
            raise MgisIOError("The saved query returns no geometry column; add one to its SELECT.")
        with pg.cursor() as cur:
            cur.execute(
                pgsql.SQL("SELECT ST_SRID({}) FROM {} AS q WHERE {} IS NOT NULL LIMIT 1").format(
                    pgsql.Identifier(geometry), relation, pgsql.Identifier(geometry)
                )
            )
            row = cur.fetchone()
        srid = int(row[0]) if row else 0
        frame, fetched = read_rows(pg, relation, geometry, srid, bbox, limit, name)
    return frame, build_report(frame, name, "query", fetched, None, bbox)


# -- selection on the server ------------------------------------------------------------


def select_by_location(
    target: PgConnection | str | psycopg.Connection[Any],
    schema: str,
    table: str,
    shapes: Sequence[Any] | gpd.GeoSeries,
    *,
    predicate: Literal["intersects", "dwithin"] = "intersects",
    distance: float | None = None,
) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """Fetch the rows meeting any of ``shapes``; the database does the spatial test.

    ``ST_Intersects`` and ``ST_DWithin`` use the table's spatial index, so only
    the matching rows of a large table travel to mgis. The result equals the
    in-memory selection (:func:`mgis.analysis.selection.locate`) on the same data.

    Parameters
    ----------
    target : PgConnection, str or psycopg.Connection
        The database.
    schema, table : str
        The table to select from.
    shapes : sequence of shapely geometries or GeoSeries
        Selecting geometries, in the table's SRID.
    predicate : {"intersects", "dwithin"}
        The test.
    distance : float, optional
        For ``dwithin``: the distance in the table's units.

    Returns
    -------
    tuple[geopandas.GeoDataFrame, LoadReport]
        Matching rows in table order, and the report.
    """
    import shapely
    from psycopg import sql as pgsql

    if predicate not in ("intersects", "dwithin"):
        raise MgisIOError(f"Unknown predicate {predicate!r}: use 'intersects' or 'dwithin'.")
    if predicate == "dwithin" and (distance is None or distance < 0):
        raise MgisIOError("The dwithin selection needs a distance of 0 or more.")
    geoms = np.asarray(getattr(shapes, "array", shapes), dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    wkb = [bytes(b) for b in shapely.to_wkb(geoms)]
    with session(target) as pg:
        info = table_info(pg, schema, table)
        geom = pgsql.Identifier(info.geometry_column)
        test = (
            pgsql.SQL("ST_Intersects(t.{}, s.g)").format(geom)
            if predicate == "intersects"
            else pgsql.SQL("ST_DWithin(t.{}, s.g, %s)").format(geom)
        )
        relation = pgsql.SQL(
            "(SELECT DISTINCT ON (t.ctid) t.* FROM "
            "(SELECT ST_GeomFromWKB(w, %s) AS g FROM unnest(%s::bytea[]) AS w) AS s "
            "JOIN {} AS t ON {} ORDER BY t.ctid)"
        ).format(pgsql.Identifier(schema, table), test)
        params: list[Any] = [info.srid, wkb] + (
            [float(distance or 0)] if predicate == "dwithin" else []
        )
        name = PgSource("?", schema, table).to_source()
        frame, fetched = read_rows(
            pg, relation, info.geometry_column, info.srid, None, None, name, params
        )
    return frame, build_report(frame, name, table, fetched, info.row_estimate, None)
