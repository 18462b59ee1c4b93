"""``mgis info PATH``: describe every layer of a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mgis.cli.errors import CliError


def add_parser(sub: Any) -> None:
    """Register the ``info`` command."""
    info = sub.add_parser("info", help="describe the layers of a vector file")
    info.add_argument("path", type=Path, help="vector file, zipped shapefile or project")
    info.add_argument("--layer", help="only this layer of a multi-layer file")
    info.add_argument("--encoding", help="override the detected text encoding, e.g. cp1250")
    info.add_argument("--crs", help="override the coordinate reference system, e.g. EPSG:2178")
    info.add_argument("--engine", choices=["pyogrio", "fiona"], default="pyogrio")


def run(args: argparse.Namespace) -> int:
    """Print a load report for every layer of a file; go on past a bad layer."""
    from mgis.io import MgisIOError, list_layers, read_layer
    from mgis.project import SETTINGS_TABLE

    path: Path = args.path
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
