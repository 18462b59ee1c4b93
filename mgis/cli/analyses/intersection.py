"""``mgis analyze intersection``: pieces where two layers overlap, attributes of both."""

from __future__ import annotations

import argparse
from typing import Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result


def add_parser(subparsers: Any) -> None:
    """Register ``intersection``."""
    parser = subparsers.add_parser(
        "intersection",
        help="pieces where two layers overlap, with the attributes of both",
        description="Intersect --layer with --overlay: one feature per overlapping pair, "
        "with the attributes of both (names present in both get the suffixes _1 and _2). "
        "The pieces keep the geometry type of --layer.",
    )
    parser.add_argument("--layer", required=True, help="FILE[:LAYER], e.g. parcels")
    parser.add_argument("--overlay", required=True, help="FILE[:LAYER], e.g. plan zones")
    add_output_options(parser)
    parser.set_defaults(analysis_module="intersection")


def run(args: argparse.Namespace) -> int:
    """Intersect and write the pieces."""
    from mgis.analysis.geoprocessing import intersection

    layer = load_input(args.layer, args.crs, "layer")
    overlay = load_input(args.overlay, args.crs, "overlay")
    result, summary = intersection(layer, overlay)
    write_result(result, summary, args.out, layer="intersection", overwrite=args.overwrite)
    return 0
