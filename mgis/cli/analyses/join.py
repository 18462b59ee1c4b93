"""``mgis analyze join``: attributes by location, or summaries of the source per target."""

from __future__ import annotations

import argparse
from typing import Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result
from mgis.cli.errors import CliError

STATS = ("count", "sum", "mean", "min", "max")


def add_parser(subparsers: Any) -> None:
    """Register ``join``."""
    parser = subparsers.add_parser(
        "join",
        help="join attributes by location (or summarise the source per target)",
        description=(
            "Copy the attributes of --source onto the --target features they meet; with "
            "--summary, add count/sum/mean/min/max of source fields per target instead."
        ),
    )
    parser.add_argument("--target", required=True, help="FILE[:LAYER] receiving attributes")
    parser.add_argument("--source", required=True, help="FILE[:LAYER] giving attributes")
    parser.add_argument(
        "--summary",
        action="append",
        metavar="FIELD:STAT",
        help="e.g. mieszkancy:sum (repeatable; STAT is count, sum, mean, min or max)",
    )
    parser.add_argument(
        "--largest-overlap",
        action="store_true",
        help="one row per target: the source feature it overlaps most",
    )
    parser.add_argument("--predicate", default="intersects", help="target PREDICATE source")
    add_output_options(parser)
    parser.set_defaults(analysis_module="join")


def parse_summary(items: list[str]) -> dict[str, list[str]]:
    """Return ``{field: [stat, ...]}`` from ``FIELD:STAT`` items."""
    stats: dict[str, list[str]] = {}
    for item in items:
        field, sep, stat = item.rpartition(":")
        if not sep or not field or stat not in STATS:
            raise CliError(f"--summary {item}: use FIELD:STAT with STAT one of {', '.join(STATS)}")
        stats.setdefault(field, []).append(stat)
    return stats


def run(args: argparse.Namespace) -> int:
    """Join and write the result."""
    from mgis.analysis.joins import spatial_join, summary_join

    stats = parse_summary(args.summary or [])
    if stats and args.largest_overlap:
        raise CliError("--summary and --largest-overlap exclude each other")
    target = load_input(args.target, args.crs, "target")
    source = load_input(args.source, args.crs, "source")
    if stats:
        result, summary = summary_join(target, source, stats, predicate=args.predicate)
    else:
        result, summary = spatial_join(
            target,
            source,
            how="largest_overlap" if args.largest_overlap else "one_to_many",
            predicate=args.predicate,
        )
    write_result(result, summary, args.out, layer="join", overwrite=args.overwrite)
    return 0
