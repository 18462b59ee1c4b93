"""``mgis analyze indicators``: counts, sums and densities on a grid or per zone."""

from __future__ import annotations

import argparse
from typing import Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result
from mgis.cli.errors import CliError


def add_parser(subparsers: Any) -> None:
    """Register ``indicators``."""
    parser = subparsers.add_parser(
        "indicators",
        help="aggregate a layer to a GUS-aligned grid or to zones",
        description=(
            "Aggregate --layer to square cells of --grid metres (aligned to the GUS grid "
            "in EPSG:2180) or to the --zones polygons."
        ),
    )
    parser.add_argument("--layer", required=True, help="FILE[:LAYER] to aggregate")
    units = parser.add_mutually_exclusive_group(required=True)
    units.add_argument("--grid", type=float, metavar="M", help="cell size: 250, 500, 1000 ...")
    units.add_argument("--zones", help="FILE[:LAYER] of zones, e.g. districts")
    parser.add_argument(
        "--stat", default="count", help="count, sum:FIELD, density or density:FIELD"
    )
    parser.add_argument("--residents", help="FILE[:LAYER] of addresses: adds per 1000 residents")
    parser.add_argument("--residents-field", default="mieszkancy")
    parser.add_argument(
        "--classes",
        metavar="SCHEME",
        choices=["quantiles", "equal_interval", "natural_breaks", "fisher_jenks"],
        help="classify the values into 'klasa'",
    )
    parser.add_argument("-k", type=int, default=5, help="number of classes (5)")
    add_output_options(parser)
    parser.set_defaults(analysis_module="indicators")


def parse_stat(text: str) -> tuple[str, str | None]:
    """Return ``(stat, field)`` from ``count``, ``sum:FIELD``, ``density[:FIELD]``."""
    stat, _, field = text.partition(":")
    if stat not in ("count", "sum", "density") or (stat == "count" and field):
        raise CliError(f"--stat {text}: use count, sum:FIELD, density or density:FIELD")
    if stat == "sum" and not field:
        raise CliError("--stat sum needs a field: sum:FIELD")
    return stat, field or None


def run(args: argparse.Namespace) -> int:
    """Aggregate and write the cells or zones."""
    from mgis.analysis.indicators import grid_indicators, zone_indicators

    stat, field = parse_stat(args.stat)
    layer = load_input(args.layer, args.crs, "layer")
    residents = load_input(args.residents, args.crs, "residents") if args.residents else None
    options: dict[str, Any] = {
        "stat": stat,
        "field": field,
        "residents": residents,
        "residents_column": args.residents_field,
        "scheme": args.classes,
        "k": args.k,
    }
    if args.grid is not None:
        result, summary = grid_indicators(layer, cell=args.grid, **options)
    else:
        zones = load_input(args.zones, args.crs, "zones")
        result, summary = zone_indicators(layer, zones, **options)
    write_result(result, summary, args.out, layer="indicators", overwrite=args.overwrite)
    return 0
