"""``mgis analyze clip``: cut a layer to the area of mask polygons."""

from __future__ import annotations

import argparse
from typing import Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result


def add_parser(subparsers: Any) -> None:
    """Register ``clip``."""
    parser = subparsers.add_parser(
        "clip",
        help="cut a layer to the area of mask polygons",
        description="Cut the features of --layer to the union of the --mask polygons. The "
        "result keeps the attributes of --layer only and its geometry type (points, lines "
        "or polygons).",
    )
    parser.add_argument("--layer", required=True, help="FILE[:LAYER] of features to cut")
    parser.add_argument("--mask", required=True, help="FILE[:LAYER] of polygons to cut to")
    add_output_options(parser)
    parser.set_defaults(analysis_module="clip")


def run(args: argparse.Namespace) -> int:
    """Clip and write the result."""
    from mgis.analysis.geoprocessing import clip

    layer = load_input(args.layer, args.crs, "layer")
    mask = load_input(args.mask, args.crs, "mask")
    result, summary = clip(layer, mask)
    write_result(result, summary, args.out, layer="clip", overwrite=args.overwrite)
    return 0
