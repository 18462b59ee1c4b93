"""``mgis analyze investments``: statistics of investment areas (land, plan, residents).

As the app's *Investment area statistics*: one row per area with its size,
parcels and area by ownership, area by plan zone, buildings, residents and cost
per m² / per resident; the result's attributes are the comparison table.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result
from mgis.cli.errors import CliError

if TYPE_CHECKING:
    import geopandas as gpd


def add_parser(subparsers: Any) -> None:
    """Register ``investments``."""
    parser = subparsers.add_parser(
        "investments",
        help="investment area statistics: ownership, plan zones, buildings, residents, cost",
        description="Describe every --areas polygon: area_m2, area_ha, parcels, "
        "own_<owner>_m2/_pct (parcel area by --ownership-field), with --plan-zones "
        "zone_<symbol>_m2 and zone_none_m2, with --buildings 'buildings', with --addresses "
        "'residents', with --cost-field cost_per_m2 (and cost_per_resident).",
    )
    parser.add_argument("--areas", required=True, help="FILE[:LAYER] of investment areas")
    parser.add_argument("--parcels", required=True, help="FILE[:LAYER] of parcels")
    parser.add_argument("--plan-zones", help="FILE[:LAYER] of local plan (MPZP) zones")
    parser.add_argument("--buildings", help="FILE[:LAYER] of buildings (counted by a point)")
    parser.add_argument("--addresses", help="FILE[:LAYER] of address points with residents")
    parser.add_argument(
        "--where",
        metavar="EXPR",
        help="only the areas matching this expression (the app's 'selected only'), "
        "e.g. 'rok >= 2026'",
    )
    parser.add_argument("--cost-field", metavar="FIELD", help="investment cost (PLN) in --areas")
    parser.add_argument(
        "--ownership-field", default="wlasnosc", metavar="FIELD", help="in --parcels (wlasnosc)"
    )
    parser.add_argument(
        "--zone-field", default="symbol", metavar="FIELD", help="in --plan-zones (symbol)"
    )
    parser.add_argument(
        "--residents-field",
        default="mieszkancy",
        metavar="FIELD",
        help="in --addresses (mieszkancy)",
    )
    add_output_options(parser)
    parser.set_defaults(analysis_module="investments")


def run(args: argparse.Namespace) -> int:
    """Compute and write the statistics."""
    from mgis.analysis.investments import investment_stats

    areas = load_input(args.areas, args.crs, "areas")
    if args.where is not None:
        areas = _matching(areas, args.where)
    parcels = load_input(args.parcels, args.crs, "parcels")

    def optional(spec: str | None, role: str) -> gpd.GeoDataFrame | None:
        return load_input(spec, args.crs, role) if spec else None

    result, summary = investment_stats(
        areas,
        parcels=parcels,
        plan_zones=optional(args.plan_zones, "plan zones"),
        buildings=optional(args.buildings, "buildings"),
        addresses=optional(args.addresses, "addresses"),
        cost_column=args.cost_field,
        ownership_column=args.ownership_field,
        zone_column=args.zone_field,
        residents_column=args.residents_field,
    )
    write_result(result, summary, args.out, layer="investments", overwrite=args.overwrite)
    return 0


def _matching(areas: gpd.GeoDataFrame, expression: str) -> gpd.GeoDataFrame:
    """Return the areas where ``expression`` holds (at least one)."""
    from mgis.layers.expressions import filter_rows

    mask = filter_rows(areas.drop(columns=areas.geometry.name), expression)
    if not mask.any():
        raise CliError(f"--where {expression}: no investment area matches")
    return areas[mask]
