"""``mgis analyze rings``: distance bands around facilities, merged per facility type.

As the app's *Facility rings*: :func:`mgis.analysis.accessibility.facility_rings`
with the distances for every type; ``--type-distance`` gives one type its own
distances (without ``--distances`` only the types so given get rings).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from mgis.cli.analyses._common import add_output_options, load_input, write_result
from mgis.cli.errors import CliError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import geopandas as gpd


def add_parser(subparsers: Any) -> None:
    """Register ``rings``."""
    parser = subparsers.add_parser(
        "rings",
        help="accessibility rings: distance bands around facilities, per facility type",
        description="Buffer --facilities by straight-line distance bands (0-300, 300-500 "
        "... m), merged per value of --type-field (all one type without it). Writes 'typ', "
        "'distance', 'inner' (band start), 'count' (facilities) and 'area_m2'. Count what "
        "lies in them with 'mgis analyze coverage --zones RINGS'.",
    )
    parser.add_argument("--facilities", required=True, help="FILE[:LAYER] of facilities")
    parser.add_argument(
        "--distances",
        "--distance",
        dest="distances",
        type=float,
        nargs="+",
        metavar="M",
        help="distances in metres for every type (300 500 1000)",
    )
    parser.add_argument("--type-field", metavar="FIELD", help="one set of rings per value")
    parser.add_argument(
        "--type-distance",
        action="append",
        metavar="TYPE:M,M",
        help="own distances for one type, e.g. przedszkole:300,500 (repeatable; needs "
        "--type-field; without --distances, types not given get no rings)",
    )
    parser.add_argument(
        "--discs", action="store_true", help="nested discs (0-300, 0-500 ...), not bands"
    )
    add_output_options(parser)
    parser.set_defaults(analysis_module="rings")


def parse_type_distances(items: list[str]) -> dict[str, list[float]]:
    """Return ``{type: [metres, ...]}`` from ``TYPE:M,M`` items."""
    out: dict[str, list[float]] = {}
    for item in items:
        typ, sep, text = item.rpartition(":")
        try:
            values = [float(part) for part in text.split(",") if part.strip()]
        except ValueError:
            values = []
        if not sep or not typ or not values:
            raise CliError(f"--type-distance {item}: use TYPE:M,M such as przedszkole:300,500")
        out[typ] = values
    return out


def run(args: argparse.Namespace) -> int:
    """Buffer the facilities and write the rings."""
    from mgis.analysis.accessibility import DEFAULT_DISTANCES, facility_rings

    overrides = parse_type_distances(args.type_distance or [])
    if overrides and args.type_field is None:
        raise CliError("--type-distance needs --type-field (the field holding the types)")
    facilities = load_input(args.facilities, args.crs, "facilities")
    distances: Sequence[float] | Mapping[str, Sequence[float]] = args.distances or DEFAULT_DISTANCES
    if overrides:
        distances = _per_type(facilities, args.type_field, overrides, args.distances)
    result, summary = facility_rings(
        facilities, type_column=args.type_field, distances=distances, rings=not args.discs
    )
    write_result(result, summary, args.out, layer="rings", overwrite=args.overwrite)
    return 0


def _per_type(
    facilities: gpd.GeoDataFrame,
    field: str,
    overrides: dict[str, list[float]],
    common: list[float] | None,
) -> dict[str, list[float]]:
    """Return the distances of every type: its own, else ``common`` (else none)."""
    from mgis.analysis._checks import require_columns

    require_columns(facilities, [field], "facilities")
    types = sorted(facilities[field].astype(str).unique())
    unknown = [typ for typ in overrides if typ not in types]
    if unknown:
        raise CliError(
            f"--type-distance: no facility of type {', '.join(map(repr, unknown))} in field "
            f"{field!r}; types: {', '.join(types) or '(none)'}"
        )
    if common is None:
        skipped = [typ for typ in types if typ not in overrides]
        if skipped:
            listed = ", ".join(skipped)
            print(f"note: no rings for types without --type-distance: {listed}", file=sys.stderr)
        return overrides
    return {typ: overrides.get(typ, common) for typ in types}
