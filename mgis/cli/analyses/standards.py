"""``mgis analyze standards``: the art. 13f accessibility standards for housing parcels.

Housing parcels are chosen by plan zone (``--zones`` with ``--zone-values``, e.g.
MN,MW), by an attribute expression (``--housing-where "uzytek in ['B']"``) or
both (a parcel must meet both); with neither, every parcel is checked.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result
from mgis.cli.analyses.distance import add_network_options
from mgis.cli.errors import CliError


def add_parser(subparsers: Any) -> None:
    """Register ``standards``."""
    parser = subparsers.add_parser(
        "standards",
        help="art. 13f standards (school, green areas) for every housing parcel",
        description="Check the 2023 planning act's art. 13f accessibility standards along "
        "the walking network from each housing parcel's boundary: a primary school within "
        "1500 m (--town) or 3000 m (--rural), >= 3 ha of green within 1500 m, one green "
        "area >= 20 ha within 3000 m. Thresholds can be changed; --extra adds criteria.",
    )
    add_network_options(parser)
    parser.add_argument("--parcels", required=True, help="FILE[:LAYER] of parcels")
    parser.add_argument("--schools", required=True, help="FILE[:LAYER] of primary schools")
    parser.add_argument("--green", required=True, help="FILE[:LAYER] of public green areas")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--town", dest="rural", action="store_false", help="in a town (default)")
    where.add_argument("--rural", dest="rural", action="store_true", help="outside towns")
    parser.add_argument("--housing-where", help="expression choosing housing parcels")
    parser.add_argument("--zones", help="FILE[:LAYER] of plan zones choosing housing parcels")
    parser.add_argument("--zone-field", default="przeznaczenie", help="zone use field")
    parser.add_argument("--zone-values", default="MN,MW", help="housing uses (MN,MW)")
    parser.add_argument("--school-m", type=float, help="school distance, m (1500 / 3000)")
    parser.add_argument("--green-total-m", type=float, default=1500.0, help="m (1500)")
    parser.add_argument("--green-total-ha", type=float, default=3.0, help="ha (3)")
    parser.add_argument("--large-green-m", type=float, default=3000.0, help="m (3000)")
    parser.add_argument("--large-green-ha", type=float, default=20.0, help="ha (20)")
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="NAME,MAX_M,FILE[:LAYER]",
        help="extra criterion, e.g. kindergarten,750,kinder.gpkg (repeatable)",
    )
    add_output_options(parser)
    parser.set_defaults(analysis_module="standards", rural=False)


def run(args: argparse.Namespace) -> int:
    """Check the standards and write the parcels and the summary table."""
    import numpy as np

    from mgis.analysis.standards import FacilityRule, StandardsThresholds, check_standards
    from mgis.io import write_layer

    rules, extra = [], {}
    for spec in args.extra:
        name, max_m, path = _extra(spec)
        rules.append(FacilityRule(name, max_m))
        extra[name] = load_input(path, args.crs, name)
    thresholds = StandardsThresholds(
        school_m=args.school_m or (3000.0 if args.rural else 1500.0),
        green_total_m=args.green_total_m,
        green_total_ha=args.green_total_ha,
        large_green_m=args.large_green_m,
        large_green_ha=args.large_green_ha,
        extra=tuple(rules),
    )
    parcels = load_input(args.parcels, args.crs, "parcels")
    streets = load_input(args.network, args.crs, "network")
    schools = load_input(args.schools, args.crs, "schools")
    green = load_input(args.green, args.crs, "green")
    housing = np.ones(len(parcels), dtype=bool)
    if args.housing_where:
        from mgis.layers.expressions import filter_rows

        housing &= filter_rows(parcels.drop(columns=parcels.geometry.name), args.housing_where)
    if args.zones:
        housing &= _in_zones(parcels, load_input(args.zones, args.crs, "zones"), args)
    chosen = "all parcels" if housing.all() else "chosen"
    print(f"housing parcels: {int(housing.sum())} of {len(parcels)} ({chosen})", file=sys.stderr)
    result = check_standards(
        parcels, streets, schools, green, thresholds=thresholds, housing=housing, extra=extra,
        tolerance=args.tolerance,
    )  # fmt: skip
    write_result(
        result.frame, result.summary, args.out, layer="standards", overwrite=args.overwrite
    )
    table = result.summary.table()
    write_layer(table, args.out, "standards_summary")
    print(table.to_string(index=False))
    return 0


def _extra(spec: str) -> tuple[str, float, str]:
    """Split ``NAME,MAX_M,FILE[:LAYER]``."""
    parts = spec.split(",", 2)
    try:
        name, max_m, path = parts[0].strip(), float(parts[1]), parts[2].strip()
    except (IndexError, ValueError):
        raise CliError(
            f"--extra {spec!r}: write NAME,MAX_M,FILE, e.g. kindergarten,750,k.gpkg"
        ) from None
    if not name.isidentifier() or max_m <= 0:
        raise CliError(f"--extra {spec!r}: NAME must be a plain word and MAX_M positive")
    return name, max_m, path


def _in_zones(parcels: Any, zones: Any, args: argparse.Namespace) -> Any:
    """Return which parcels have their inner point in a zone of the housing uses."""
    import numpy as np
    import shapely

    if args.zone_field not in zones.columns:
        raise CliError(f"zones: no field {args.zone_field!r}; give --zone-field")
    values = [v.strip() for v in args.zone_values.split(",") if v.strip()]
    housing_zones = zones[zones[args.zone_field].astype(str).isin(values)]
    points = shapely.point_on_surface(np.asarray(parcels.geometry.array, dtype=object))
    hit = shapely.STRtree(np.asarray(housing_zones.geometry.array)).query(
        points, predicate="within"
    )
    inside = np.zeros(len(parcels), dtype=bool)
    inside[hit[0]] = True
    return inside
