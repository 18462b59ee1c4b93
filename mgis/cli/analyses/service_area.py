"""``mgis analyze service-area``: areas reachable from facilities within walking distances."""

from __future__ import annotations

import argparse
from typing import Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result
from mgis.cli.analyses.distance import add_network_options
from mgis.cli.errors import CliError


def add_parser(subparsers: Any) -> None:
    """Register ``service-area``."""
    parser = subparsers.add_parser(
        "service-area",
        help="areas within walking distance(s) of facilities, along the street network",
        description="Reachable street pieces within each --distance (partial edges cut where "
        "the distance runs out), buffered by --width and dissolved: one polygon per distance.",
    )
    add_network_options(parser)
    parser.add_argument("--facilities", required=True, help="FILE[:LAYER] of facilities")
    parser.add_argument(
        "--distance", required=True, help="walking distance(s) in metres, e.g. 500,1000,1500"
    )
    parser.add_argument(
        "--width", type=float, default=50.0, help="buffer around reachable streets, m (50)"
    )
    add_output_options(parser)
    parser.set_defaults(analysis_module="service_area")


def parse_distances(text: str) -> list[float]:
    """Return the distances of ``500,1000`` (metres)."""
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CliError(f"--distance: {text!r} is not a list of metres such as 500,1000") from None
    if not values:
        raise CliError("--distance: give at least one distance in metres")
    return values


def run(args: argparse.Namespace) -> int:
    """Compute and write the service-area polygons."""
    from mgis.analysis.network import service_areas

    distances = parse_distances(args.distance)
    streets = load_input(args.network, args.crs, "network")
    facilities = load_input(args.facilities, args.crs, "facilities")
    result = service_areas(
        streets, facilities, distances, width=args.width, tolerance=args.tolerance
    )
    write_result(
        result.frame, result.summary, args.out, layer="service_area", overwrite=args.overwrite
    )
    return 0
