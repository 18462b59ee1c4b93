"""``mgis analyze dissolve``: merge polygons, all into one or one per value of a field."""

from __future__ import annotations

import argparse
from typing import Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result


def add_parser(subparsers: Any) -> None:
    """Register ``dissolve``."""
    parser = subparsers.add_parser(
        "dissolve",
        help="merge polygons into one, or one per value of a field",
        description="Merge the polygons of --layer: all into one feature, or with --by one "
        "feature per value of that field (missing values form their own group). Writes "
        "the --by value, 'count' (polygons merged) and 'area_m2'; other attributes are "
        "not kept.",
    )
    parser.add_argument("--layer", required=True, help="FILE[:LAYER] of polygons to merge")
    parser.add_argument("--by", metavar="FIELD", help="one feature per value of this field")
    parser.add_argument(
        "--full-union",
        action="store_true",
        help="always merge with the full overlay union (slower); by default edge-matched "
        "polygons such as parcels go through the fast coverage union",
    )
    add_output_options(parser)
    parser.set_defaults(analysis_module="dissolve")


def run(args: argparse.Namespace) -> int:
    """Dissolve and write the merged polygons."""
    from mgis.analysis.geoprocessing import dissolve

    layer = load_input(args.layer, args.crs, "layer")
    result, summary = dissolve(layer, args.by, coverage=not args.full_union)
    write_result(result, summary, args.out, layer="dissolve", overwrite=args.overwrite)
    return 0
