"""``mgis analyze NAME ...``: run one analysis headless, write GeoPackage + CSV summary.

Each analysis lives in ``mgis/cli/analyses/<module>.py`` with ``add_parser(subparsers)``
(which sets the ``analysis_module`` default) and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

# Modules under mgis.cli.analyses, in the order --help lists them.
ANALYSES: tuple[str, ...] = (
    "select", "join", "dissolve", "buffer", "clip", "intersection", "rings", "coverage",
    "indicators", "distance", "service_area", "standards", "investments", "costs",
)  # fmt: skip


def add_parser(sub: Any) -> None:
    """Register the ``analyze`` command and its analyses."""
    parser = sub.add_parser(
        "analyze",
        help="run a spatial analysis and write its result",
        description="Run one analysis and write its result. Every FILE[:LAYER] input also "
        "takes a PostGIS table, postgis:NAME/schema.table (NAME: a connection saved in mgis, "
        "or a pg_service entry).",
    )
    analyses = parser.add_subparsers(dest="analysis", metavar="NAME", required=True)
    for module in ANALYSES:
        importlib.import_module(f"mgis.cli.analyses.{module}").add_parser(analyses)


def run(args: argparse.Namespace) -> int:
    """Run the chosen analysis."""
    module = importlib.import_module(f"mgis.cli.analyses.{args.analysis_module}")
    code: int = module.run(args)
    return code
