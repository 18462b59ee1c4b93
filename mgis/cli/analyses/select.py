"""``mgis analyze select``: features of a layer by location and/or an attribute expression."""

from __future__ import annotations

import argparse
from typing import Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result
from mgis.cli.errors import CliError

PREDICATES = ("intersects", "within", "contains", "touches", "overlaps", "crosses", "dwithin")


def add_parser(subparsers: Any) -> None:
    """Register ``select``."""
    parser = subparsers.add_parser(
        "select",
        help="select features by location (and/or an expression)",
        description="Write the features of --layer that meet --by (and match --where).",
    )
    parser.add_argument("--layer", required=True, help="FILE[:LAYER] to select from")
    parser.add_argument("--by", help="FILE[:LAYER] of the selecting features")
    parser.add_argument("--predicate", choices=PREDICATES, default="intersects")
    parser.add_argument("--distance", type=float, help="metres, for --predicate dwithin")
    parser.add_argument("--where", help="attribute filter, e.g. 'wlasnosc == \"Gmina\"'")
    add_output_options(parser)
    parser.set_defaults(analysis_module="select")


def run(args: argparse.Namespace) -> int:
    """Select and write the features."""
    from mgis.analysis.selection import select_by_attribute, select_by_location

    if args.by is None and args.where is None:
        raise CliError("give --by (a selecting layer), --where (an expression) or both")
    if args.distance is not None and args.predicate != "dwithin":
        raise CliError("--distance is used only with --predicate dwithin")
    if args.predicate == "dwithin" and args.distance is None:
        raise CliError("--predicate dwithin needs --distance in metres")
    layer = load_input(args.layer, args.crs, "layer")
    current = None
    if args.where is not None:
        from mgis.layers.expressions import filter_rows

        mask = filter_rows(layer.drop(columns=layer.geometry.name), args.where)
        result, summary = select_by_attribute(layer, mask)
        current = mask.nonzero()[0]
    if args.by is not None:
        by = load_input(args.by, args.crs, "by")
        result, summary = select_by_location(
            layer,
            by,
            predicate=args.predicate,
            distance=args.distance,
            current=current,
            mode="new" if current is None else "intersect",
        )
    write_result(result, summary, args.out, layer="selection", overwrite=args.overwrite)
    return 0
