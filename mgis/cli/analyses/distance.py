"""``mgis analyze distance``: walking-network distance from every target to the nearest facility."""

from __future__ import annotations

import argparse
from typing import Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result


def add_network_options(parser: Any) -> None:
    """Add ``--network`` and ``--tolerance`` (shared by the network analyses)."""
    parser.add_argument("--network", required=True, help="FILE[:LAYER] of street centre lines")
    parser.add_argument(
        "--tolerance", type=float, default=0.5, help="snap line ends closer than this, m (0.5)"
    )


def add_parser(subparsers: Any) -> None:
    """Register ``distance``."""
    parser = subparsers.add_parser(
        "distance",
        help="network distance from parcels/buildings/addresses to the nearest facility",
        description="Measure along the street network (legs to and from it included) from "
        "every --targets feature to the nearest --facilities feature. Writes the targets "
        "with distance_m, facility_id (0-based row of the facility) and, with "
        "--facility-field, facility. Unreachable targets get no distance.",
    )
    add_network_options(parser)
    parser.add_argument("--facilities", required=True, help="FILE[:LAYER] of facilities")
    parser.add_argument("--targets", required=True, help="FILE[:LAYER] of targets")
    parser.add_argument(
        "--from",
        dest="measure_from",
        choices=("boundary", "centroid"),
        default="boundary",
        help="measure a target from its boundary (the legal rule, default) or centroid",
    )
    parser.add_argument("--facility-field", help="facility column copied as 'facility'")
    parser.add_argument(
        "--far", type=float, default=200.0, help="report facilities farther from a street (m)"
    )
    add_output_options(parser)
    parser.set_defaults(analysis_module="distance")


def run(args: argparse.Namespace) -> int:
    """Measure and write the targets with their distances."""
    from mgis.analysis.network import network_distance

    streets = load_input(args.network, args.crs, "network")
    facilities = load_input(args.facilities, args.crs, "facilities")
    targets = load_input(args.targets, args.crs, "targets")
    result = network_distance(
        streets,
        facilities,
        targets,
        measure_from=args.measure_from,
        facility_field=args.facility_field,
        tolerance=args.tolerance,
        far_m=args.far,
    )
    write_result(result.frame, result.summary, args.out, layer="distance", overwrite=args.overwrite)
    return 0
