"""``mgis info PATH``: describe every layer of a file, or a PostGIS table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mgis.cli._db import is_postgis
from mgis.cli.errors import CliError


def add_parser(sub: Any) -> None:
    """Register the ``info`` command."""
    info = sub.add_parser(
        "info",
        help="describe the layers of a vector file or a PostGIS table",
        description="Describe every layer of a file; postgis:NAME/schema.table describes a "
        "PostGIS table and postgis:NAME[/schema] lists the spatial tables (NAME: a connection "
        "saved in mgis, or a pg_service entry).",
    )
    info.add_argument(
        "path",
        metavar="PATH",
        help="vector file, zipped shapefile, project or postgis:NAME/schema.table",
    )
    info.add_argument("--layer", help="only this layer of a multi-layer file")
    info.add_argument("--encoding", help="override the detected text encoding, e.g. cp1250")
    info.add_argument("--crs", help="override the coordinate reference system, e.g. EPSG:2178")
    info.add_argument("--engine", choices=["pyogrio", "fiona"], default="pyogrio")


def run(args: argparse.Namespace) -> int:
    """Print a load report for every layer of a file; go on past a bad layer."""
    from mgis.io import MgisIOError, list_layers, read_layer
    from mgis.project import SETTINGS_TABLE

    if is_postgis(args.path):
        return _postgis(args)
    path = Path(args.path)
    if not path.exists():
        raise CliError(f"file not found: {path}")
    names: list[str | None]
    if args.layer:
        names = [args.layer]
    else:
        names = [info.name for info in list_layers(path) if info.name != SETTINGS_TABLE] or [None]
    print(f"{path}: {len(names)} layer(s)")
    failed = 0
    for name in names:
        try:
            _frame, report = read_layer(
                path, name, encoding=args.encoding, crs=args.crs, engine=args.engine
            )
        except MgisIOError as exc:  # one bad layer must not hide the others
            if len(names) == 1:
                raise
            failed += 1
            print(f"\nmgis info: layer {name!r}: {exc}", file=sys.stderr)
            continue
        print()
        print("\n".join(report.summary_lines()))
    return 2 if failed else 0


def _postgis(args: argparse.Namespace) -> int:
    """Describe a PostGIS table (or saved query), or list the spatial tables."""
    from mgis.cli._db import database, listing, read_postgis

    given = [flag for flag in ("layer", "encoding", "crs") if getattr(args, flag)]
    if given:
        raise CliError(
            f"--{given[0]} applies to files; name the table in the source: "
            "postgis:NAME/schema.table"
        )
    found = listing(args.path)
    if found is None:
        _frame, report = read_postgis(args.path)
        print(f"{args.path}: 1 layer(s)")
        print()
        print("\n".join(report.summary_lines()))
        return 0
    from mgis.io.postgis import PgSource, list_tables

    name, schema = found
    with database(name) as pg:
        tables = list_tables(pg, schema)
    where = f" in schema {schema}" if schema else ""
    print(f"{args.path}: {len(tables)} spatial table(s){where}")
    for table in tables:
        rows = f"about {table.row_estimate} rows" if table.row_estimate is not None else "rows: ?"
        source = PgSource(name, table.schema, table.table).to_source()
        print(f"  {source} ({table.geometry_type}, SRID {table.srid}, {rows})")
    return 0
