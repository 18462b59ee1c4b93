"""``mgis analyze buffer``: buffers of a layer, optionally dissolved, or rings."""

from __future__ import annotations

import argparse
from typing import Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result


def add_parser(subparsers: Any) -> None:
    """Register ``buffer``."""
    parser = subparsers.add_parser(
        "buffer",
        help="buffer features by a distance (dissolved, per field, rings)",
        description="Buffer --layer by --distance metres (several distances: nested zones).",
    )
    parser.add_argument("--layer", required=True, help="FILE[:LAYER] to buffer")
    parser.add_argument(
        "--distance", required=True, type=float, nargs="+", metavar="M", help="metres"
    )
    parser.add_argument("--dissolve", action="store_true", help="merge overlapping buffers")
    parser.add_argument("--by", help="dissolve per value of this field")
    parser.add_argument(
        "--rings", action="store_true", help="with several distances: bands, not discs"
    )
    add_output_options(parser)
    parser.set_defaults(analysis_module="buffer")


def run(args: argparse.Namespace) -> int:
    """Buffer and write the result."""
    from mgis.analysis.geoprocessing import buffer

    layer = load_input(args.layer, args.crs, "layer")
    result, summary = buffer(
        layer, args.distance, dissolve=args.dissolve, by=args.by, rings=args.rings
    )
    write_result(result, summary, args.out, layer="buffer", overwrite=args.overwrite)
    return 0
