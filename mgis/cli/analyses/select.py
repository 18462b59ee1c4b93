"""``mgis analyze select``: features of a layer by location and/or an attribute expression.

When ``--layer`` is a PostGIS table, ``--by`` is given without ``--where`` and the
predicate is ``intersects`` or ``dwithin``, the database does the selection
(:func:`mgis.io.postgis.select_by_location`, through the table's spatial
index): the ``--by`` features are reprojected to the table's SRID and only the
matching rows travel. Other cases read the whole table and select in memory.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mgis.cli._db import is_postgis
from mgis.cli.analyses._common import add_output_options, load_input, write_result
from mgis.cli.errors import CliError

if TYPE_CHECKING:
    from pyproj import CRS

PREDICATES = ("intersects", "within", "contains", "touches", "overlaps", "crosses", "dwithin")
SERVER_PREDICATES = ("intersects", "dwithin")


@dataclass(frozen=True)
class ServerSelectionSummary:
    """What a selection run in the database did.

    Attributes
    ----------
    method, engine : str
        ``location`` and ``server``.
    predicate : str
        ``intersects`` or ``dwithin``.
    distance : float
        The ``dwithin`` distance in metres (0 otherwise).
    mode : str
        Always ``new``.
    table : str
        The ``postgis:`` source.
    table_rows_estimate : str
        The planner's row estimate of the table (``unknown`` before ANALYZE).
    by_features : int
        Features of the selecting layer.
    matched, selected, fetched : int
        Matching rows (all selected, all fetched: nothing else travelled).
    """

    method: str
    engine: str
    predicate: str
    distance: float
    mode: str
    table: str
    table_rows_estimate: str
    by_features: int
    matched: int
    selected: int
    fetched: int


def add_parser(subparsers: Any) -> None:
    """Register ``select``."""
    parser = subparsers.add_parser(
        "select",
        help="select features by location (and/or an expression)",
        description="Write the features of --layer that meet --by (and match --where). With "
        "--layer postgis:NAME/schema.table, --by and --predicate intersects or dwithin (and "
        "no --where), the database selects: only the matching rows are fetched.",
    )
    parser.add_argument(
        "--layer", required=True, help="FILE[:LAYER] or postgis:NAME/schema.table to select from"
    )
    parser.add_argument("--by", help="FILE[:LAYER] of the selecting features")
    parser.add_argument("--predicate", choices=PREDICATES, default="intersects")
    parser.add_argument("--distance", type=float, help="metres, for --predicate dwithin")
    parser.add_argument("--where", help="attribute filter, e.g. 'wlasnosc == \"Gmina\"'")
    add_output_options(parser)
    parser.set_defaults(analysis_module="select")


def run(args: argparse.Namespace) -> int:
    """Select and write the features."""
    from mgis.analysis.selection import select_by_attribute, select_by_location

    if args.by is None and args.where is None:
        raise CliError("give --by (a selecting layer), --where (an expression) or both")
    if args.distance is not None and args.predicate != "dwithin":
        raise CliError("--distance is used only with --predicate dwithin")
    if args.predicate == "dwithin" and args.distance is None:
        raise CliError("--predicate dwithin needs --distance in metres")
    if args.distance is not None and args.distance <= 0:
        raise CliError(f"--distance must be more than 0 metres, not {args.distance:g}")
    if is_postgis(args.layer):
        reason = _memory_reason(args)
        if reason is None:
            reason = _on_server(args)
        if reason is None:
            return 0
        print(f"engine: in memory ({reason}; the whole table is read)")
    layer = load_input(args.layer, args.crs, "layer")
    current = None
    if args.where is not None:
        from mgis.layers.expressions import filter_rows

        mask = filter_rows(layer.drop(columns=layer.geometry.name), args.where)
        result, summary = select_by_attribute(layer, mask)
        current = mask.nonzero()[0]
    if args.by is not None:
        by = load_input(args.by, args.crs, "by")
        result, summary = select_by_location(
            layer,
            by,
            predicate=args.predicate,
            distance=args.distance,
            current=current,
            mode="new" if current is None else "intersect",
        )
    write_result(result, summary, args.out, layer="selection", overwrite=args.overwrite)
    return 0


def _memory_reason(args: argparse.Namespace) -> str | None:
    """Return why a PostGIS selection cannot run in the database (None when it can)."""
    if args.where is not None:
        return "--where is evaluated by mgis"
    if args.predicate not in SERVER_PREDICATES:
        return f"the database selects only with intersects or dwithin, not {args.predicate}"
    if "/?sql=" in args.layer:
        return "the layer is a saved query, not a table"
    return None


def _on_server(args: argparse.Namespace) -> str | None:
    """Select in the database and write the result; return why not when it cannot."""
    from mgis.cli._db import database, parse_source
    from mgis.cli.analyses._common import to_working_crs
    from mgis.io import reproject
    from mgis.io.postgis import select_by_location, table_info

    source = parse_source(args.layer)
    with database(source.connection) as pg:
        info = table_info(pg, source.schema, source.table)
        crs, reason = _table_crs(info.srid, args.predicate)
        if crs is None:
            return reason
        by = load_input(args.by, args.crs, "by")
        # The selecting features go to the table's CRS explicitly: the server compares
        # coordinates as they are, and dwithin measures in the table's units.
        shapes = reproject(by, crs)
        frame, report = select_by_location(
            pg,
            source.schema,
            source.table,
            shapes.geometry,
            predicate=args.predicate,
            distance=args.distance,
        )
    test = "ST_Intersects" if args.predicate == "intersects" else "ST_DWithin"
    estimate = "unknown" if info.row_estimate is None else str(info.row_estimate)
    of = f" of about {estimate}" if info.row_estimate is not None else ""
    print(
        f"engine: on the server ({test} in EPSG:{info.srid}); fetched {report.feature_count} "
        f"rows{of} in {source.schema}.{source.table}"
    )
    if args.predicate == "dwithin" and f"EPSG:{info.srid}" != args.crs:
        print(
            f"note: layer {args.layer}: the distance is measured in the table's CRS "
            f"EPSG:{info.srid}",
            file=sys.stderr,
        )
    result = to_working_crs(frame, report.crs, args.crs, f"layer {args.layer}")
    summary = ServerSelectionSummary(
        method="location",
        engine="server",
        predicate=args.predicate,
        distance=float(args.distance or 0.0),
        mode="new",
        table=args.layer,
        table_rows_estimate=estimate,
        by_features=len(by),
        matched=len(result),
        selected=len(result),
        fetched=report.feature_count,
    )
    write_result(result, summary, args.out, layer="selection", overwrite=args.overwrite)
    return None


def _table_crs(srid: int, predicate: str) -> tuple[CRS | None, str]:
    """Return the table's CRS, or None and why the database cannot select with it."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if srid <= 0:
        return None, "the table declares no SRID"
    try:
        crs = CRS.from_epsg(srid)
    except CRSError:
        return None, f"the table's SRID {srid} is not an EPSG code"
    metric = crs.is_projected and all(
        axis.unit_name in ("metre", "meter") for axis in crs.axis_info[:2]
    )
    if predicate == "dwithin" and not metric:
        return None, f"EPSG:{srid} of the table is not in metres, so dwithin is measured by mgis"
    return crs, ""
