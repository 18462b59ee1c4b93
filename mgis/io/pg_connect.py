"""PostgreSQL connections: named settings, passwords kept out of files, plain-word errors.

A :class:`PgConnection` holds host, port, database, user and SSL mode, or a
``pg_service`` name; it never holds a password. Passwords come from the caller
(a dialog), from this process's memory (typed earlier in the session), or from
the operating system's credential store (:mod:`keyring`) when the user asked
to remember them. Projects keep only the connection's name; the application
registers its saved connections here with :func:`register_connection`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from mgis.io.errors import MgisIOError

if TYPE_CHECKING:
    import psycopg

KEYRING_SERVICE = "mgis-postgis"
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")

PasswordPrompt = Callable[["PgConnection", str], "str | None"]

_connections: dict[str, PgConnection] = {}
_session_passwords: dict[str, str] = {}
_prompt: list[PasswordPrompt] = []


@dataclass(frozen=True)
class PgConnection:
    """Settings of one PostgreSQL connection, without its password.

    Attributes
    ----------
    name : str
        Name the user gave it; projects refer to the connection by this name.
    host, database, user : str
        Server, database and role; empty to let libpq use its defaults.
    port : int
        TCP port.
    sslmode : str
        libpq SSL mode (``prefer``, ``require`` …).
    service : str
        A ``pg_service.conf`` service name; when set, it supplies the rest.
    """

    name: str
    host: str = ""
    port: int = 5432
    database: str = ""
    user: str = ""
    sslmode: str = "prefer"
    service: str = ""

    def key(self) -> str:
        """Return the credential-store key: ``user@host:port/database`` or the service."""
        if self.service and not self.host:
            return f"service:{self.service}:{self.user}"
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def describe(self) -> str:
        """Return a short description for messages (never the password)."""
        if self.service and not self.host:
            return f"service {self.service!r}"
        return f"{self.database or '(default database)'} on {self.host or 'localhost'}:{self.port}"

    def params(self, password: str | None = None) -> dict[str, Any]:
        """Return keyword arguments for :func:`psycopg.connect`."""
        out: dict[str, Any] = {"connect_timeout": 10, "application_name": "mgis"}
        if self.service:
            out["service"] = self.service
        if self.host:
            out["host"] = self.host
        if self.host or not self.service:
            out["port"] = int(self.port)
        if self.database:
            out["dbname"] = self.database
        if self.user:
            out["user"] = self.user
        if self.sslmode and self.sslmode in SSL_MODES:
            out["sslmode"] = self.sslmode
        if password:
            out["password"] = password
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON/INI-ready form; it holds no password."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PgConnection:
        """Rebuild a connection saved with :meth:`to_dict` (a ``password`` key is ignored)."""
        port = int(data.get("port") or 5432)
        return cls(
            name=str(data.get("name", "")),
            host=str(data.get("host") or ""),
            port=port,
            database=str(data.get("database") or ""),
            user=str(data.get("user") or ""),
            sslmode=str(data.get("sslmode") or "prefer"),
            service=str(data.get("service") or ""),
        )


# -- registry and passwords -------------------------------------------------------------


def register_connection(connection: PgConnection) -> None:
    """Make ``connection`` known by its name (the UI registers its saved connections)."""
    _connections[connection.name] = connection


def unregister_connection(name: str) -> None:
    """Forget the connection ``name`` and its password typed in this session."""
    conn = _connections.pop(name, None)
    if conn is not None:
        _session_passwords.pop(conn.key(), None)


def known_connections() -> list[PgConnection]:
    """Return the registered connections, sorted by name."""
    return [_connections[name] for name in sorted(_connections)]


def get_connection(name: str) -> PgConnection:
    """Return the connection called ``name``; an unknown name is taken as a ``pg_service``."""
    found = _connections.get(name)
    return found if found is not None else PgConnection(name=name, service=name)


def set_password_prompt(prompt: PasswordPrompt | None) -> None:
    """Install the function asked for a missing password (the UI's dialog); None removes it."""
    _prompt.clear()
    if prompt is not None:
        _prompt.append(prompt)


def remember_password(connection: PgConnection, password: str, *, store: bool) -> None:
    """Keep ``password`` for this session, and in the OS credential store when ``store``.

    Raises
    ------
    MgisIOError
        When ``store`` is asked for but the system has no usable credential store.
    """
    _session_passwords[connection.key()] = password
    if not store:
        return
    import keyring
    import keyring.errors

    try:
        keyring.set_password(KEYRING_SERVICE, connection.key(), password)
    except keyring.errors.KeyringError as exc:
        raise MgisIOError(
            "The password cannot be remembered: this system has no credential store "
            f"({exc}). It is kept only until mgis closes."
        ) from exc


def forget_password(connection: PgConnection) -> None:
    """Remove the password from this session and from the credential store."""
    _session_passwords.pop(connection.key(), None)
    import keyring
    import keyring.errors

    with contextlib.suppress(keyring.errors.KeyringError):  # nothing stored, or no store
        keyring.delete_password(KEYRING_SERVICE, connection.key())


def stored_password(connection: PgConnection) -> str | None:
    """Return the password typed in this session or kept in the credential store."""
    if connection.key() in _session_passwords:
        return _session_passwords[connection.key()]
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, connection.key())
    except keyring.errors.KeyringError:
        return None


# -- connecting --------------------------------------------------------------------------


def connect(
    connection: PgConnection | str, password: str | None = None, *, ask: bool = True
) -> psycopg.Connection[Any]:
    """Open a connection, finding the password as described in the module docstring.

    Parameters
    ----------
    connection : PgConnection or str
        The settings, or the name of a registered connection (or a ``pg_service``).
    password : str, optional
        Password to use; otherwise a remembered one, otherwise none (trust,
        ``.pgpass``), and when the server asks for one the installed prompt.
    ask : bool
        Whether the password prompt may be shown.

    Returns
    -------
    psycopg.Connection
        An open connection (autocommit off).

    Raises
    ------
    MgisIOError
        With the cause in plain words: wrong password, server down, unknown database …
    """
    import psycopg

    conn = get_connection(connection) if isinstance(connection, str) else connection
    secret = password if password is not None else stored_password(conn)
    try:
        return psycopg.connect(**conn.params(secret))
    except psycopg.OperationalError as exc:
        if ask and _prompt and _needs_password(exc):
            typed = _prompt[0](conn, explain_error(exc, conn))
            if typed is not None:
                return connect(conn, typed, ask=ask)
        raise MgisIOError(explain_error(exc, conn)) from exc


def _needs_password(exc: BaseException) -> bool:
    """Return True when the server refused for a missing or wrong password."""
    text = str(exc).lower()
    return "password" in text and ("no password" in text or "authentication failed" in text)


_EXPLAIN = (
    (r"password authentication failed", "wrong password for user {user}"),
    (r"no password supplied|fe_sendauth", "the server asks for a password of user {user}"),
    (r"database \".*\" does not exist", "there is no database {database}"),
    (r"role \".*\" does not exist", "there is no user (role) {user} on this server"),
    (r"no pg_hba.conf entry", "the server does not accept this user from this computer"),
    (r"definition of service", "there is no pg_service entry {service}"),
    (r"\bssl\b|sslmode value", "the SSL settings do not match the server's (SSL mode {sslmode})"),
    (
        r"connection refused|could not connect|timeout expired|could not translate host"
        r"|no route to host|is the server running",
        "the server is down or cannot be reached",
    ),
)


def explain_error(exc: BaseException, connection: PgConnection) -> str:
    """Translate a libpq error into one plain sentence naming the connection.

    Parameters
    ----------
    exc : BaseException
        The error raised by psycopg.
    connection : PgConnection
        The connection tried.

    Returns
    -------
    str
        E.g. ``"Cannot connect to gis on db.local:5432: wrong password for user anna."``
    """
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    fields = {k: str(v) for k, v in connection.to_dict().items()}
    for pattern, message in _EXPLAIN:
        if re.search(pattern, text, re.IGNORECASE):
            reason = message.format(**fields)
            return f"Cannot connect to {connection.describe()}: {reason} ({first[:200]})."
    return f"Cannot connect to {connection.describe()}: {first[:300]}."


def postgis_version(pg: psycopg.Connection[Any], connection: PgConnection) -> str:
    """Return the PostGIS version of the database.

    Raises
    ------
    MgisIOError
        When the PostGIS extension is not installed in the database.
    """
    with pg.cursor() as cur:
        cur.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
        row = cur.fetchone()
    pg.rollback()
    if row is None:
        raise MgisIOError(
            f"The database {connection.describe()} has no PostGIS extension. Ask its "
            "administrator to run CREATE EXTENSION postgis; in it."
        )
    return str(row[0])


def check_connection(connection: PgConnection, password: str | None = None) -> str:
    """Connect, check PostGIS and return a one-line summary for the dialog.

    Raises
    ------
    MgisIOError
        Wrong password, server down, unknown database, no PostGIS ….
    """
    with connect(connection, password, ask=False) as pg:
        version = postgis_version(pg, connection)
        server = pg.info.server_version
    major, minor = divmod(server, 10000)
    return f"PostgreSQL {major}.{minor}, PostGIS {version}: {connection.describe()}"
