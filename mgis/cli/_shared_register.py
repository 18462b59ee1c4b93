"""``mgis link`` and PostGIS: publish a linked register, or link one read from the database.

``--publish NAME --register-name TEXT`` stores the register and its parcel links
(:func:`mgis.io.pg_register.publish_register`); ``--from-db NAME --register-name
TEXT`` reads a stored register (:func:`mgis.io.pg_register.load_register`) to
link it as a spreadsheet would be.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from mgis.cli.errors import CliError

if TYPE_CHECKING:
    import pandas as pd
    import psycopg

    from mgis.layers.register import Register


def add_options(parser: Any) -> None:
    """Add the database options of ``mgis link``."""
    group = parser.add_argument_group(
        "shared register in PostGIS (NAME: a connection saved in mgis, or a pg_service entry)"
    )
    group.add_argument(
        "--publish", metavar="NAME", help="after linking, store the register and links there"
    )
    group.add_argument("--register-name", help="name of the register in the database")
    group.add_argument(
        "--db-schema", default="public", help="schema of the register tables (public)"
    )
    group.add_argument(
        "--replace", action="store_true", help="--publish: replace a register of that name"
    )


def check_options(args: argparse.Namespace) -> None:
    """Refuse option combinations that do not fit together, before anything is read."""
    if args.from_db is not None:
        for flag in ("sheet", "encoding"):
            if getattr(args, flag):
                raise CliError(f"--{flag} applies to a register file, not to --from-db")
        if args.publish is not None:
            raise CliError("--publish stores a register read from a file; use it with --register")
    if (args.publish is not None or args.from_db is not None) and not args.register_name:
        raise CliError('give --register-name, e.g. --register-name "WPI 2025-2030"')
    if args.publish is None and args.from_db is None:
        for flag, given in (
            ("register-name", args.register_name),
            ("replace", args.replace),
            ("db-schema", args.db_schema != "public"),
        ):
            if given:
                raise CliError(f"--{flag} is used only with --publish or --from-db")
    if args.replace and args.publish is None:
        raise CliError("--replace is used only with --publish")


def ensure_free(pg: psycopg.Connection[Any], args: argparse.Namespace) -> None:
    """Refuse (before linking) a missing schema, or a stored register without --replace."""
    from mgis.io.pg_register import list_registers

    found = pg.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [args.db_schema])
    exists = found.fetchone() is not None
    pg.rollback()
    if not exists:
        raise CliError(
            f"there is no schema {args.db_schema!r} in the database {args.publish!r}; "
            "create it or choose another --db-schema"
        )
    if args.replace:
        return
    if args.register_name in list_registers(pg, args.db_schema):
        raise CliError(
            f"a register named {args.register_name!r} is already in the database "
            f"{args.publish!r} (schema {args.db_schema}); add --replace to replace it"
        )


def read_shared(args: argparse.Namespace, roles: dict[str, str]) -> tuple[Register, list[str]]:
    """Read ``--register-name`` from ``--from-db``; return the register and summary lines."""
    from mgis.cli._db import database
    from mgis.io.pg_register import list_registers, load_register
    from mgis.layers.register import ColumnMapping, Register

    with database(args.from_db) as pg:
        names = list_registers(pg, args.db_schema)
        if args.register_name not in names:
            there = f"; the registers there are: {', '.join(names)}" if names else ""
            raise CliError(
                f"there is no register named {args.register_name!r} in the database "
                f"{args.from_db!r} (schema {args.db_schema}){there}"
            )
        shared = load_register(pg, args.register_name, schema=args.db_schema)
    mapping = ColumnMapping.from_dict(shared.mapping)
    if roles:
        mapping = mapping.with_roles(**roles)
    register = Register.from_records(shared.records, shared.columns, mapping)
    source = f", from {shared.source}" if shared.source else ""
    lines = [
        f"register {shared.name!r} read from the database {args.from_db!r} "
        f"(schema {args.db_schema}{source}): {len(shared.records)} rows"
    ]
    return register, lines


def publish(
    pg: psycopg.Connection[Any],
    args: argparse.Namespace,
    register: Register,
    links: pd.DataFrame,
) -> str:
    """Store the register and its links; return the line saying what was stored."""
    from mgis.io import MgisIOError
    from mgis.io.pg_register import publish_register

    pg.rollback()  # the store is one transaction of its own, not a savepoint of a read
    try:
        shared = publish_register(
            pg,
            args.register_name,
            register,
            links,
            source=args.register.name,
            schema=args.db_schema,
            replace=args.replace,
        )
    except MgisIOError:
        ensure_free(pg, args)  # stored by someone else meanwhile: say how to replace it
        raise
    return (
        f"stored register {shared.name!r} in the database {args.publish!r} (schema "
        f"{args.db_schema}): {len(shared.ids)} investments, {len(shared.links)} parcel links, "
        f"source {shared.source}"
    )
