"""The investment register shared in PostGIS: fixed tables, row versions, refused conflicts.

Three tables (in a schema of the user's choice) hold what
:class:`mgis.layers.register.Register` and the parcel links model:

``mgis_registers``
    one row per register: its columns, column mapping, source and author.
``mgis_investments``
    one row per investment: id, position, the row's cells as JSON, and
    ``row_version``, ``changed_by``, ``changed_at``.
``mgis_investment_parcels``
    the many-to-many links ``(investment_id, parcel_id)``.

Editing is optimistic: every edit names the ``row_version`` it was made on.
:func:`save_edits` locks the rows, and when another user saved in between the
whole save is refused with :class:`RegisterConflictError`, whose message names
the investment and who changed it when. This module stays below
:mod:`mgis.layers`: it stores plain columns, records and mapping dictionaries
(``Register.from_records(shared.records, shared.columns,
ColumnMapping.from_dict(shared.mapping))``).
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from mgis.io.errors import MgisIOError
from mgis.io.pg_read import db_error
from mgis.io.pg_register_sql import (
    REGISTERS,
    ensure_register_tables,
    statement,
    table_names,
)

if TYPE_CHECKING:
    import psycopg

    from mgis.io.pg_connect import PgConnection


class RegisterLike(Protocol):
    """What :func:`publish_register` needs of a register (``mgis.layers.register.Register``)."""

    @property
    def ids(self) -> tuple[str, ...]:
        """Investment id of every row."""

    @property
    def frame(self) -> pd.DataFrame:
        """The rows."""

    @property
    def mapping(self) -> Any:
        """The column mapping (with ``to_dict()``)."""

    def records(self) -> list[dict[str, Any]]:
        """Rows as JSON-ready dicts."""


class RegisterConflictError(MgisIOError):
    """Another user saved an investment after it was read; nothing was saved."""

    def __init__(
        self, message: str, investment_id: str, changed_by: str, changed_at: datetime | None
    ):
        super().__init__(message)
        self.investment_id = investment_id
        self.changed_by = changed_by
        self.changed_at = changed_at


@dataclass(frozen=True)
class Version:
    """Row version of one investment and who saved it when."""

    version: int
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class InvestmentEdit:
    """One change to save: cells, the parcel list, or removal, made on ``expected_version``.

    Attributes
    ----------
    investment_id : str
        The investment.
    expected_version : int
        ``row_version`` the user started from (0 adds a new investment).
    values : mapping
        Changed cells ``{column: value}`` (JSON values).
    parcels : tuple of str or None
        New parcel list (canonical ids), None to keep the links.
    delete : bool
        Remove the investment.
    """

    investment_id: str
    expected_version: int
    values: Mapping[str, Any] = field(default_factory=dict)
    parcels: tuple[str, ...] | None = None
    delete: bool = False


@dataclass(frozen=True, eq=False)
class SharedRegister:
    """A register as read from the database."""

    name: str
    columns: tuple[str, ...]
    mapping: dict[str, Any]
    ids: tuple[str, ...]
    records: tuple[dict[str, Any], ...]
    versions: dict[str, Version]
    links: pd.DataFrame
    source: str = ""

    def version(self, investment_id: str) -> int:
        """Return the row version of an investment (what an edit must name)."""
        return self.versions[investment_id].version

    def record(self, investment_id: str) -> dict[str, Any]:
        """Return the cells of an investment."""
        return self.records[self.ids.index(investment_id)]

    def parcels(self, investment_id: str) -> list[str]:
        """Return the parcel ids linked to an investment."""
        links = self.links
        return links.loc[links["investment_id"] == investment_id, "parcel_id"].tolist()


def _user(user: str | None) -> str:
    """Return the name stored as ``changed_by``: the given one, else the login name."""
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def publish_register(
    target: PgConnection | str | psycopg.Connection[Any],
    name: str,
    register: RegisterLike,
    links: pd.DataFrame | None = None,
    *,
    source: str = "",
    user: str | None = None,
    schema: str = "public",
    replace: bool = False,
) -> SharedRegister:
    """Store a whole register and its parcel links under ``name`` (one transaction).

    Parameters
    ----------
    target : PgConnection, str or psycopg.Connection
        The database.
    name : str
        Register name, e.g. ``"WPI 2025-2030"``.
    register : Register
        The register (ids, rows and mapping are stored).
    links : pandas.DataFrame, optional
        ``investment_id``, ``parcel_id`` pairs (``LinkResult.links``).
    source : str
        Where it came from (the spreadsheet's name).
    user : str, optional
        Stored as ``changed_by``; the login name by default.
    schema : str
        Schema of the register tables.
    replace : bool
        Replace a register of that name (ask the user first); otherwise refused.

    Returns
    -------
    SharedRegister
        The register as now stored.
    """
    from psycopg.types.json import Jsonb

    from mgis.io.postgis import session

    who = _user(user)
    names = table_names(schema)
    columns = [str(c) for c in register.frame.columns]
    with session(target) as pg:
        try:
            with pg.transaction():
                ensure_register_tables(pg, schema)
                q = statement("lock_register", names)
                if pg.execute(q, [name]).fetchone() is not None:
                    if not replace:
                        raise MgisIOError(
                            f"A register named {name!r} is already in the database; open it, "
                            "or choose to replace it."
                        )
                    pg.execute(
                        statement("delete_register", names),
                        [name],
                    )
                pg.execute(
                    statement("insert_register", names),
                    [name, Jsonb(columns), Jsonb(register.mapping.to_dict()), source, who],
                )
                rows = [
                    (name, i, k, Jsonb(r), who)
                    for k, (i, r) in enumerate(zip(register.ids, register.records(), strict=True))
                ]
                with pg.cursor() as cur:
                    cur.executemany(
                        statement("insert_investment", names),
                        rows,
                    )
                    if links is not None and len(links):
                        pairs = links[["investment_id", "parcel_id"]].drop_duplicates()
                        cur.executemany(
                            statement("insert_link", names),
                            [(name, str(i), str(p)) for i, p in pairs.itertuples(index=False)],
                        )
        except MgisIOError:
            raise
        except Exception as exc:
            raise db_error(exc, f"Cannot store the register {name!r} (nothing was saved)") from exc
        return load_register(pg, name, schema=schema)


def list_registers(
    target: PgConnection | str | psycopg.Connection[Any], schema: str = "public"
) -> list[str]:
    """Return the names of the registers stored in ``schema`` (none when no tables yet)."""
    from psycopg import sql as pgsql

    from mgis.io.postgis import session

    with session(target) as pg:
        row = pg.execute(
            "SELECT to_regclass(%s)", [pgsql.Identifier(schema, REGISTERS).as_string(pg)]
        ).fetchone()
        if row is None or row[0] is None:
            pg.rollback()
            return []
        q = pgsql.SQL("SELECT register FROM {registers} ORDER BY register").format(
            **table_names(schema)
        )
        names = [str(r[0]) for r in pg.execute(q).fetchall()]
        pg.rollback()
    return names


def load_register(
    target: PgConnection | str | psycopg.Connection[Any], name: str, *, schema: str = "public"
) -> SharedRegister:
    """Read a stored register with its row versions and links (also to refresh it).

    Raises
    ------
    MgisIOError
        When there is no register of that name.
    """
    from mgis.io.postgis import session

    names = table_names(schema)
    with session(target) as pg:
        try:
            head = pg.execute(
                statement("select_register", names),
                [name],
            ).fetchone()
            rows = pg.execute(
                statement("select_investments", names),
                [name],
            ).fetchall()
            pairs = pg.execute(
                statement("select_links", names),
                [name],
            ).fetchall()
        except Exception as exc:
            pg.rollback()
            raise db_error(exc, f"Cannot read the register {name!r}") from exc
        pg.rollback()
    if head is None:
        raise MgisIOError(f"There is no register named {name!r} in the database.")
    return SharedRegister(
        name=name,
        columns=tuple(str(c) for c in head[0]),
        mapping=dict(head[1]),
        ids=tuple(str(r[0]) for r in rows),
        records=tuple(dict(r[1]) for r in rows),
        versions={str(r[0]): Version(int(r[2]), str(r[3]), r[4]) for r in rows},
        links=pd.DataFrame(pairs, columns=["investment_id", "parcel_id"], dtype=object),
        source=str(head[2]),
    )


def save_edits(
    target: PgConnection | str | psycopg.Connection[Any],
    name: str,
    edits: Sequence[InvestmentEdit],
    *,
    user: str | None = None,
    schema: str = "public",
) -> dict[str, int]:
    """Save edits of several investments in one transaction, refusing any conflict.

    Parameters
    ----------
    target : PgConnection, str or psycopg.Connection
        The database.
    name : str
        The register.
    edits : sequence of InvestmentEdit
        Changes, each made on the ``row_version`` the user saw.
    user : str, optional
        Stored as ``changed_by``; the login name by default.
    schema : str
        Schema of the register tables.

    Returns
    -------
    dict[str, int]
        New row version of every saved investment (0 for removed ones).

    Raises
    ------
    RegisterConflictError
        When another user saved one of the investments in between; nothing is saved.
    MgisIOError
        Unknown register or column, or a database error; nothing is saved.
    """
    from mgis.io.postgis import session

    who = _user(user)
    with session(target) as pg:
        try:
            with pg.transaction():
                return _apply(pg, name, edits, who, schema)
        except MgisIOError:
            raise
        except Exception as exc:
            raise db_error(
                exc, f"Cannot save the changes to register {name!r} (nothing was saved)"
            ) from exc


def _apply(
    pg: psycopg.Connection[Any], name: str, edits: Sequence[InvestmentEdit], who: str, schema: str
) -> dict[str, int]:
    """Lock the edited rows, check their versions and write (inside a transaction)."""
    from psycopg.types.json import Jsonb

    names = table_names(schema)
    head = pg.execute(
        statement("share_register", names),
        [name],
    ).fetchone()
    if head is None:
        raise MgisIOError(f"There is no register named {name!r} in the database.")
    columns, mapping = list(head[0]), dict(head[1])
    ids = [e.investment_id for e in edits]
    current = {
        str(r[0]): r[1:]
        for r in pg.execute(
            statement("lock_investments", names),
            [name, ids],
        ).fetchall()
    }
    for edit in edits:
        _check(edit, current.get(edit.investment_id), mapping)
        unknown = [c for c in edit.values if c not in columns]
        if unknown:
            raise MgisIOError(
                f"The register {name!r} has no column(s) {', '.join(map(repr, unknown))}."
            )
    out: dict[str, int] = {}
    key = [name]
    for edit in edits:
        iid = edit.investment_id
        if edit.delete:
            pg.execute(
                statement("delete_investment", names),
                [*key, iid],
            )
            out[iid] = 0
            continue
        if edit.expected_version == 0:
            row = pg.execute(
                statement("add_investment", names),
                [name, iid, Jsonb({c: edit.values.get(c) for c in columns}), who, name],
            ).fetchone()
        else:
            row = pg.execute(
                statement("update_investment", names),
                [Jsonb(dict(edit.values)), who, name, iid],
            ).fetchone()
        out[iid] = int(row[0]) if row else 0
        if edit.parcels is not None:
            pg.execute(
                statement("delete_links", names),
                [name, iid],
            )
            with pg.cursor() as cur:
                cur.executemany(
                    statement("insert_link", names),
                    [(name, iid, str(p)) for p in dict.fromkeys(edit.parcels)],
                )
    return out


def _check(edit: InvestmentEdit, row: tuple[Any, ...] | None, mapping: Mapping[str, Any]) -> None:
    """Raise :class:`RegisterConflictError` when the row moved on since the user read it."""
    iid = edit.investment_id
    if edit.expected_version == 0:
        if row is not None:
            raise RegisterConflictError(
                f"Investment {iid} was added by {row[1]} at {_when(row[2])} while you were "
                "adding it; refresh the register and choose another id.",
                iid,
                str(row[1]),
                row[2],
            )
        return
    if row is None:
        raise RegisterConflictError(
            f"Investment {iid} was removed by another user; your change was not saved. "
            "Refresh the register.",
            iid,
            "",
            None,
        )
    version, who, when, data = row
    if int(version) != edit.expected_version:
        title = data.get(str(mapping.get("name"))) if mapping.get("name") else None
        label = f"{iid} ({title})" if title else iid
        raise RegisterConflictError(
            f"Investment {label} was changed by {who} at {_when(when)} after you opened it "
            f"(version {version}, you edited version {edit.expected_version}). Your changes "
            "were not saved: refresh the register and make them again.",
            iid,
            str(who),
            when,
        )


def _when(moment: datetime | None) -> str:
    """Format a time for a message, in local time to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "?"
