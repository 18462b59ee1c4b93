"""Fixed schema and statements of the shared investment register (see :mod:`mgis.io.pg_register`).

Table names are composed with :class:`psycopg.sql.Identifier`; values are parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

REGISTERS = "mgis_registers"
INVESTMENTS = "mgis_investments"
PARCELS = "mgis_investment_parcels"

_DDL = (
    """CREATE TABLE IF NOT EXISTS {registers} (
        register text PRIMARY KEY,
        columns jsonb NOT NULL,
        mapping jsonb NOT NULL,
        source text NOT NULL DEFAULT '',
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now())""",
    """CREATE TABLE IF NOT EXISTS {investments} (
        register text NOT NULL REFERENCES {registers} ON DELETE CASCADE,
        investment_id text NOT NULL,
        position integer NOT NULL,
        data jsonb NOT NULL,
        row_version integer NOT NULL DEFAULT 1,
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (register, investment_id))""",
    """CREATE TABLE IF NOT EXISTS {parcels} (
        register text NOT NULL,
        investment_id text NOT NULL,
        parcel_id text NOT NULL,
        PRIMARY KEY (register, investment_id, parcel_id),
        FOREIGN KEY (register, investment_id) REFERENCES {investments}
            ON DELETE CASCADE ON UPDATE CASCADE)""",
    "CREATE INDEX IF NOT EXISTS {parcel_index} ON {parcels} (register, parcel_id)",
)

_SQL = {
    "lock_register": ("SELECT 1 FROM {registers} WHERE register = %s FOR UPDATE"),
    "delete_register": ("DELETE FROM {registers} WHERE register = %s"),
    "insert_register": (
        "INSERT INTO {registers} (register, columns, mapping, source, changed_by) VALUES "
        "(%s, %s, %s, %s, %s)"
    ),
    "insert_investment": (
        "INSERT INTO {investments} (register, investment_id, position, data, changed_by) "
        "VALUES (%s, %s, %s, %s, %s)"
    ),
    "insert_link": (
        "INSERT INTO {parcels} (register, investment_id, parcel_id) VALUES (%s, %s, %s)"
    ),
    "select_register": ("SELECT columns, mapping, source FROM {registers} WHERE register = %s"),
    "select_investments": (
        "SELECT investment_id, data, row_version, changed_by, changed_at FROM "
        "{investments} WHERE register = %s ORDER BY position, investment_id"
    ),
    "select_links": (
        "SELECT investment_id, parcel_id FROM {parcels} WHERE register = %s ORDER BY "
        "investment_id, parcel_id"
    ),
    "share_register": ("SELECT columns, mapping FROM {registers} WHERE register = %s FOR SHARE"),
    "lock_investments": (
        "SELECT investment_id, row_version, changed_by, changed_at, data FROM "
        "{investments} WHERE register = %s AND investment_id = ANY(%s) ORDER BY "
        "investment_id FOR UPDATE"
    ),
    "delete_investment": ("DELETE FROM {investments} WHERE register = %s AND investment_id = %s"),
    "add_investment": (
        "INSERT INTO {investments} (register, investment_id, position, data, changed_by) "
        "SELECT %s, %s, coalesce(max(position) + 1, 0), %s, %s FROM {investments} WHERE "
        "register = %s RETURNING row_version"
    ),
    "update_investment": (
        "UPDATE {investments} SET data = data || %s, row_version = row_version + 1, "
        "changed_by = %s, changed_at = clock_timestamp() WHERE register = %s AND "
        "investment_id = %s RETURNING row_version"
    ),
    "delete_links": ("DELETE FROM {parcels} WHERE register = %s AND investment_id = %s"),
}


def table_names(schema: str) -> dict[str, Any]:
    """Return the quoted table names of a schema."""
    from psycopg import sql as pgsql

    return {
        "registers": pgsql.Identifier(schema, REGISTERS),
        "investments": pgsql.Identifier(schema, INVESTMENTS),
        "parcels": pgsql.Identifier(schema, PARCELS),
        "parcel_index": pgsql.Identifier(f"{PARCELS}_parcel_idx"),
    }


def statement(key: str, names: Mapping[str, Any]) -> Any:
    """Return the statement ``key`` of :data:`_SQL` with the table names filled in."""
    from psycopg import sql as pgsql

    return pgsql.SQL(_SQL[key]).format(**names)


def ensure_register_tables(pg: psycopg.Connection[Any], schema: str = "public") -> None:
    """Create the register tables when missing (inside the caller's transaction)."""
    from psycopg import sql as pgsql

    pg.execute("SELECT pg_advisory_xact_lock(hashtext('mgis_register_tables'))")
    names = table_names(schema)
    for statement in _DDL:
        pg.execute(pgsql.SQL(statement).format(**names))
