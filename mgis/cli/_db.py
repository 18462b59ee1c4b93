"""PostGIS from the command line: connection names, passwords, ``postgis:`` sources.

A connection NAME (in ``postgis:NAME/schema.table``, ``--publish NAME`` or
``--from-db NAME``) is a connection saved in the desktop app, read from the
app's settings, or else a ``pg_service.conf`` entry. Passwords never come from
the command line: libpq's ``PGPASSWORD`` and ``.pgpass`` work as usual, a
password the app was told to remember comes from the system's credential
store, and on a terminal a refused password is asked for (not echoed).

Everything heavy (Qt for the saved connections, psycopg, geopandas) is
imported inside the functions: building the parser stays light.
"""

from __future__ import annotations

import contextlib
import getpass
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    import geopandas as gpd
    import psycopg

    from mgis.io.pg_connect import PgConnection
    from mgis.io.postgis import PgSource
    from mgis.io.report import LoadReport

PREFIX = "postgis:"
MAX_PASSWORD_TRIES = 3

_tries: dict[str, int] = {}


def is_postgis(text: object) -> bool:
    """Return True for a ``postgis:`` source (the text, not a file name)."""
    return isinstance(text, str) and text.startswith(PREFIX)


def prepare() -> None:
    """Make the app's saved connections known; on a terminal, install the password prompt."""
    load_saved_connections()
    _tries.clear()
    if sys.stdin is not None and sys.stdin.isatty():
        from mgis.io.pg_connect import set_password_prompt

        set_password_prompt(ask_password)


def load_saved_connections() -> list[str]:
    """Register the connections saved in the desktop app; return their names.

    Without the Qt libraries (a server without a desktop) there are none, and
    names are taken as ``pg_service`` entries.
    """
    try:
        from mgis.ui.db_dialogs import ConnectionStore
        from mgis.ui.settings import AppSettings
    except ImportError:
        return []
    return [conn.name for conn in ConnectionStore(AppSettings().store).load()]


def ask_password(connection: PgConnection, reason: str) -> str | None:
    """Ask for a refused password on the terminal (at most three times); None gives up."""
    from mgis.io.pg_connect import remember_password

    key = connection.key()
    if _tries.get(key, 0) >= MAX_PASSWORD_TRIES:
        return None
    _tries[key] = _tries.get(key, 0) + 1
    print(f"mgis: {reason}", file=sys.stderr)
    who = f"user {connection.user} at " if connection.user else ""
    try:
        typed = getpass.getpass(f"Password of {who}{connection.describe()} (Enter gives up): ")
    except EOFError:
        return None
    if not typed:
        return None
    remember_password(connection, typed, store=False)  # asked once per run
    return typed


@contextlib.contextmanager
def database(name: str) -> Iterator[psycopg.Connection[Any]]:
    """Yield an open connection to the database called ``name`` and close it afterwards.

    Raises
    ------
    MgisIOError
        When the connection fails; the message names the cause in plain words.
    """
    from mgis.io import MgisIOError
    from mgis.io.pg_connect import connect, get_connection, known_connections

    prepare()
    try:
        pg = connect(get_connection(name))
    except MgisIOError as exc:
        saved = {conn.name for conn in known_connections()}
        text = str(exc)
        if name in saved or not ("definition of service" in text or "service file" in text):
            raise
        raise MgisIOError(
            f"{exc} {name!r} is not a connection saved in mgis, so it was taken as a "
            "pg_service name; save the connection in the app (Add PostGIS layer) or "
            "add it to pg_service.conf."
        ) from exc
    try:
        yield pg
    finally:
        pg.close()


def parse_source(spec: str) -> PgSource:
    """Return the :class:`~mgis.io.postgis.PgSource` of ``postgis:NAME/schema.table``."""
    from mgis.io.postgis import PgSource

    return PgSource.parse(spec)


def listing(spec: str) -> tuple[str, str | None] | None:
    """Return ``(connection, schema or None)`` for ``postgis:NAME[/SCHEMA]``, else None.

    Such a source names no table: ``mgis info`` lists the tables instead.
    """
    rest = spec[len(PREFIX) :]
    name, _, where = rest.partition("/")
    if where.startswith("?sql=") or "." in where:
        return None
    return unquote(name), unquote(where) or None


def read_postgis(
    spec: str, *, bbox: tuple[float, float, float, float] | None = None
) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """Read the table or saved query of a ``postgis:`` source (only what meets ``bbox``)."""
    from mgis.io.postgis import read_source

    source = parse_source(spec)
    with database(source.connection) as pg:
        return read_source(source, bbox=bbox, target=pg)
