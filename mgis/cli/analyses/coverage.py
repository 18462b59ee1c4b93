"""``mgis analyze coverage``: which points (addresses, buildings ...) lie in service zones."""

from __future__ import annotations

import argparse
from typing import Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result


def add_parser(subparsers: Any) -> None:
    """Register ``coverage``."""
    parser = subparsers.add_parser(
        "coverage",
        help="coverage of points by service zones (residents covered, uncovered list)",
        description=(
            "Mark the --points inside the --zones polygons (a 'distance' column in the "
            "zones gives the coverage at each distance); write the points with 'covered'."
        ),
    )
    parser.add_argument("--zones", required=True, help="FILE[:LAYER] of service zones")
    parser.add_argument("--points", required=True, help="FILE[:LAYER] of features to cover")
    parser.add_argument("--weight", help="numeric field to sum, e.g. mieszkancy")
    parser.add_argument("--districts", help="FILE[:LAYER] for shares per district")
    parser.add_argument("--district-field", default="nazwa", help="district name field")
    parser.add_argument(
        "--uncovered", action="store_true", help="write only the uncovered features"
    )
    add_output_options(parser)
    parser.set_defaults(analysis_module="coverage")


def run(args: argparse.Namespace) -> int:
    """Compute the coverage and write the points."""
    from mgis.analysis.accessibility import coverage

    zones = load_input(args.zones, args.crs, "zones")
    points = load_input(args.points, args.crs, "points")
    districts = load_input(args.districts, args.crs, "districts") if args.districts else None
    result, summary = coverage(
        zones, points, weight=args.weight, districts=districts, district_column=args.district_field
    )
    if args.uncovered:
        result = result[~result["covered"].to_numpy()]
    write_result(result, summary, args.out, layer="coverage", overwrite=args.overwrite)
    return 0
