"""Saving a layer to PostGIS: a new table, or append/replace, each in one transaction.

A new table gets a geometry column of the layer's type and SRID, an identity
primary key, a GiST spatial index and comments. Rows travel by ``COPY`` (CSV
with geometries as hex EWKB) written in bulk by Arrow, and the index is built
after the load. Any failure rolls the transaction back: the table is left as it was.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from mgis.io.errors import MgisIOError
from mgis.io.pg_read import db_error

if TYPE_CHECKING:
    import geopandas as gpd
    import psycopg

    from mgis.io.pg_connect import PgConnection

WriteMode = Literal["create", "replace", "append"]
MAX_IDENTIFIER_BYTES = 63
_CHUNK = 1 << 20
_TYPE_NAMES = {
    n.upper(): n
    for n in ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")
}
_MULTI = {"Polygon": "MultiPolygon", "LineString": "MultiLineString", "Point": "MultiPoint"}


@dataclass(frozen=True)
class WriteResult:
    """What :func:`write_table` did."""

    schema: str
    table: str
    rows: int
    geometry_type: str
    srid: int
    mode: str


def write_table(
    target: PgConnection | str | psycopg.Connection[Any],
    frame: gpd.GeoDataFrame,
    schema: str,
    table: str,
    *,
    mode: WriteMode = "create",
    comment: str = "",
    column_comments: Mapping[str, str] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> WriteResult:
    """Save ``frame`` as a PostGIS table in one transaction.

    Parameters
    ----------
    target : PgConnection, str or psycopg.Connection
        The database.
    frame : geopandas.GeoDataFrame
        The layer; its CRS must have an EPSG code.
    schema, table : str
        Target table (any characters; quoted as identifiers).
    mode : {"create", "replace", "append"}
        ``create`` refuses an existing table; ``replace`` drops and recreates it
        (ask the user first); ``append`` adds rows to it (reprojected to its SRID).
    comment : str
        Table comment (``create``/``replace``).
    column_comments : mapping, optional
        Column comments (``create``/``replace``).
    cancelled : callable, optional
        Returns True to abandon the write (rolled back).

    Returns
    -------
    WriteResult

    Raises
    ------
    MgisIOError
        When the table exists (create), is missing (append), the columns do
        not fit, or the database refuses; the table is then unchanged.
    """
    from mgis.io.postgis import session

    if mode not in ("create", "replace", "append"):
        raise MgisIOError(f"Unknown write mode {mode!r}: use create, replace or append.")
    for name in (schema, table, *map(str, frame.columns)):
        if len(name.encode("utf-8")) > MAX_IDENTIFIER_BYTES:
            raise MgisIOError(
                f"The name {name[:40]!r}… is longer than PostgreSQL allows (63 bytes); shorten it."
            )
    with session(target) as pg:
        try:
            with pg.transaction():
                result = _write(pg, frame, schema, table, mode, comment, column_comments or {})
                if cancelled is not None and cancelled():
                    raise _CancelledError
        except _CancelledError:
            raise MgisIOError(
                f"Saving {schema}.{table} was cancelled; nothing was changed."
            ) from None
        except MgisIOError:
            raise
        except Exception as exc:
            raise db_error(exc, f"Cannot save {schema}.{table} (the table is unchanged)") from exc
    return result


class _CancelledError(Exception):
    """Raised inside the transaction to roll it back."""


def _exists(pg: psycopg.Connection[Any], schema: str, table: str) -> bool:
    """Return True when the table exists."""
    row = pg.execute(
        "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s",
        [schema, table],
    ).fetchone()
    return row is not None


def _write(  # noqa: PLR0917 - private helper, called positionally
    pg: psycopg.Connection[Any],
    frame: gpd.GeoDataFrame,
    schema: str,
    table: str,
    mode: str,
    comment: str,
    column_comments: Mapping[str, str],
) -> WriteResult:
    """Create or check the table and copy the rows (inside the caller's transaction)."""
    from psycopg import sql as pgsql

    exists = _exists(pg, schema, table)
    if mode == "create" and exists:
        raise MgisIOError(
            f"The table {schema}.{table} already exists; choose another name, or replace "
            "or append to it."
        )
    if mode == "append":
        if not exists:
            raise MgisIOError(f"There is no table {schema}.{table} to append to.")
        return _append(pg, frame, schema, table)
    srid = _srid(frame)
    gtype = _geometry_type(frame)
    relation = pgsql.Identifier(schema, table)
    attrs = [str(c) for c in frame.columns if c != frame.geometry.name]
    taken = set(attrs)
    pk = next(n for n in ("fid", "mgis_fid", "mgis_fid_2") if n not in taken)
    geom = next(n for n in ("geom", "geometry", "mgis_geom") if n not in taken)
    if mode == "replace" and exists:
        pg.execute(pgsql.SQL("DROP TABLE {}").format(relation))
    defs = [
        pgsql.SQL("{} bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY").format(
            pgsql.Identifier(pk)
        )
    ]
    defs += [
        pgsql.SQL("{} {}").format(pgsql.Identifier(c), pgsql.SQL(_pg_type(frame[c]))) for c in attrs
    ]
    defs.append(
        pgsql.SQL("{} geometry({}, {})").format(
            pgsql.Identifier(geom), pgsql.SQL(gtype), pgsql.Literal(srid)
        )
    )
    pg.execute(pgsql.SQL("CREATE TABLE {} ({})").format(relation, pgsql.SQL(", ").join(defs)))
    rows = _copy(pg, frame, relation, attrs, attrs, geom, srid, gtype)
    index = pgsql.Identifier(f"{table[:50]}_{geom}_gist")
    pg.execute(
        pgsql.SQL("CREATE INDEX {} ON {} USING GIST ({})").format(
            index, relation, pgsql.Identifier(geom)
        )
    )
    if comment:
        pg.execute(pgsql.SQL("COMMENT ON TABLE {} IS {}").format(relation, pgsql.Literal(comment)))
    for column, text in column_comments.items():
        if column in taken:
            pg.execute(
                pgsql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(
                    relation, pgsql.Identifier(column), pgsql.Literal(text)
                )
            )
    pg.execute(pgsql.SQL("ANALYZE {}").format(relation))
    return WriteResult(schema, table, rows, gtype, srid, mode)


def _append(
    pg: psycopg.Connection[Any], frame: gpd.GeoDataFrame, schema: str, table: str
) -> WriteResult:
    """Append rows to an existing table, matching columns by name."""
    from psycopg import sql as pgsql

    from mgis.io.postgis import table_info

    info = table_info(pg, schema, table)
    rows = pg.execute(
        "SELECT a.attname, a.attidentity FROM pg_attribute a WHERE a.attrelid = %s::regclass "
        "AND a.attnum > 0 AND NOT a.attisdropped",
        [pgsql.Identifier(schema, table).as_string(pg)],
    ).fetchall()
    identity = {str(n) for n, ident in rows if ident}
    columns = {str(n) for n, _ in rows} - {info.geometry_column}
    attrs = [str(c) for c in frame.columns if c != frame.geometry.name and str(c) not in identity]
    unknown = [c for c in attrs if c not in columns]
    if unknown:
        raise MgisIOError(
            f"The table {schema}.{table} has no column(s) {', '.join(map(repr, unknown))}; "
            "rename or remove them in the layer, or save it as a new table."
        )
    if info.srid > 0 and _srid(frame) != info.srid:
        frame = frame.to_crs(epsg=info.srid)
    gtype = _TYPE_NAMES.get(info.geometry_type.upper(), "Geometry")
    srid = info.srid
    count = _copy(
        pg, frame, pgsql.Identifier(schema, table), attrs, attrs, info.geometry_column, srid, gtype
    )
    return WriteResult(schema, table, count, info.geometry_type, srid, "append")


def _srid(frame: gpd.GeoDataFrame) -> int:
    """Return the EPSG code of the frame's CRS."""
    crs = frame.crs
    code = crs.to_epsg() if crs is not None else None
    if code is None:
        raise MgisIOError(
            "The layer's coordinate reference system has no EPSG code, which PostGIS needs; "
            "reproject it (e.g. to EPSG:2180) first."
        )
    return int(code)


def _geometry_type(frame: gpd.GeoDataFrame) -> str:
    """Return the PostGIS type for the frame: one family, promoted to Multi when mixed."""
    import shapely

    geoms = np.asarray(frame.geometry.array, dtype=object)
    present = geoms[~shapely.is_missing(geoms)]
    kinds = set(shapely.get_type_id(present).tolist())
    names = {
        0: "Point",
        1: "LineString",
        3: "Polygon",
        4: "MultiPoint",
        5: "MultiLineString",
        6: "MultiPolygon",
    }
    found = {names.get(k, "Geometry") for k in kinds}
    singles = {_MULTI.get(n, n) for n in found}
    if len(singles) != 1 or "Geometry" in singles:
        base = "Geometry"
    else:
        base = singles.pop() if any(n.startswith("Multi") for n in found) else found.pop()
    has_z = bool(len(present)) and bool(shapely.has_z(present).any())
    return base + ("Z" if has_z else "")


def _pg_type(series: pd.Series) -> str:
    """Return the PostgreSQL column type of a pandas column."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "bigint"
    if pd.api.types.is_float_dtype(dtype):
        return "double precision"
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "timestamptz"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "timestamp"
    return "text"


def _ewkb(frame: gpd.GeoDataFrame, srid: int, gtype: str) -> np.ndarray[Any, Any]:
    """Return hex EWKB of the geometries with their SRID, singles made Multi where needed."""
    import shapely

    geoms = np.asarray(frame.geometry.array, dtype=object).copy()
    if gtype.startswith("Multi"):
        single = {"MultiPolygon": 3, "MultiLineString": 1, "MultiPoint": 0}[gtype.rstrip("Z")]
        makers: dict[int, Callable[..., Any]] = {
            3: shapely.multipolygons,
            1: shapely.multilinestrings,
            0: shapely.multipoints,
        }
        maker = makers[single]
        mask = shapely.get_type_id(geoms) == single
        if mask.any():
            geoms[mask] = maker(geoms[mask], indices=np.arange(int(mask.sum())))
    geoms = shapely.set_srid(geoms, srid)
    wkb = shapely.to_wkb(geoms, include_srid=True)
    out = np.empty(len(wkb), dtype=object)
    out[:] = [None if b is None else b.hex() for b in wkb.tolist()]  # bytes.hex() is C-fast
    return out


def _arrow_column(series: pd.Series) -> Any:
    """Return a column as an Arrow array; mixed-type columns become text."""
    import pyarrow as pa

    try:
        return pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if _missing(v) else str(v) for v in series.tolist()], pa.string())


def _missing(value: Any) -> bool:
    """Return True for None, NaN and NA."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays
        return False


def _copy(  # noqa: PLR0917 - private helper, called positionally
    pg: psycopg.Connection[Any],
    frame: gpd.GeoDataFrame,
    relation: Any,
    attrs: list[str],
    columns: list[str],
    geom: str,
    srid: int,
    gtype: str,
) -> int:
    """COPY the rows as CSV written by Arrow (geometries as hex EWKB)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    from psycopg import sql as pgsql

    arrays = {f"c{i}": _arrow_column(frame[c]) for i, c in enumerate(attrs)}
    arrays["g"] = pa.array(_ewkb(frame, srid, gtype), pa.string())
    buffer = io.BytesIO()
    # Arrow quotes text and leaves nulls unquoted and empty: PostgreSQL's CSV NULL.
    pacsv.write_csv(pa.table(arrays), buffer, pacsv.WriteOptions(include_header=False))
    text = buffer.getbuffer()
    targets = [pgsql.Identifier(c) for c in columns] + [pgsql.Identifier(geom)]
    statement = pgsql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        relation, pgsql.SQL(", ").join(targets)
    )
    with pg.cursor() as cur, cur.copy(statement) as copy:
        for start in range(0, len(text), _CHUNK):
            copy.write(text[start : start + _CHUNK])
    return len(frame)
