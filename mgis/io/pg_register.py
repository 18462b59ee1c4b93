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
ColumnMapping.from_dict(shared.mapping))``). The records, the conflict error and
the version check live in :mod:`mgis.io.pg_register_types` (re-exported here).
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from mgis.io.errors import MgisIOError
from mgis.io.pg_read import db_error
from mgis.io.pg_register_sql import (
    REGISTERS,
    ensure_register_tables,
    statement,
    table_names,
)
from mgis.io.pg_register_types import (
    InvestmentEdit,
    RegisterConflictError,
    RegisterLike,
    SharedRegister,
    Version,
    _check,
)

if TYPE_CHECKING:
    import psycopg

    from mgis.io.pg_connect import PgConnection

__all__ = [
    "InvestmentEdit",
    "RegisterConflictError",
    "RegisterLike",
    "SharedRegister",
    "Version",
    "list_registers",
    "load_register",
    "publish_register",
    "save_edits",
]


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
