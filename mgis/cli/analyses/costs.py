"""``mgis analyze costs``: cash flow, NPV and payback year of an investment.

Two ways to give the investment:

* ``--investment ID --project PROJECT``: the outlays come from the project's linked
  investment register (the ``Limit <year>`` columns) and the land area from the
  investment area (the union of its parcels). A project without a saved register
  link can be linked on the fly with ``--register FILE`` (parcels layer
  ``--parcels-layer``, identifiers in ``--id-field``).
* explicitly: ``--outlays 2025:1000000,2026:500000 --land-m2 N [--building-m2 N]``
  (these also override what the project gives).

Writes the yearly table as an attribute table ``cash_flow`` in ``--out`` (.gpkg)
and the summary as CSV beside it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mgis.cli.analyses._common import write_result
from mgis.cli.errors import CliError


def add_parser(subparsers: Any) -> None:
    """Register ``costs``."""
    parser = subparsers.add_parser(
        "costs",
        help="cash flow, NPV and payback year of an investment (IRMiR calculator style)",
        description="Yearly outlays, property tax (land, buildings), lease, sale and "
        "maintenance of an investment; NPV at a discount rate and the payback year.",
    )
    parser.add_argument("--investment", help="investment id (Lp.) in the register")
    parser.add_argument("--project", type=Path, help="mgis project with the register link")
    parser.add_argument("--register", type=Path, help="register .xlsx/.csv to link now")
    parser.add_argument("--parcels-layer", default="parcels", help="project parcel layer")
    parser.add_argument("--id-field", default="id_dzialki", help="parcel identifier field")
    parser.add_argument("--outlays", help="YEAR:PLN,... e.g. 2025:1000000,2026:500000")
    parser.add_argument("--land-m2", type=float, help="land area, m2 (default: investment area)")
    parser.add_argument("--building-m2", type=float, default=0.0, help="floor area, m2 (0)")
    rates = parser.add_argument_group(
        "rates (defaults: CostRates in mgis.analysis.costs; edit to the gmina's resolution)"
    )
    for flag, unit in RATE_FLAGS.items():
        rates.add_argument(flag, type=float, help=unit)
    parser.add_argument("--out", type=Path, required=True, help="result GeoPackage (.gpkg)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    parser.set_defaults(analysis_module="costs")


# option -> help; each maps to the CostRates field in RATE_FIELDS.
RATE_FLAGS = {
    "--land-tax": "property tax on land, PLN/m2/year (1.45, the 2026 limit)",
    "--building-tax": "property tax on buildings, PLN/m2/year (35.53, the 2026 limit)",
    "--lease": "lease income, PLN per m2 of building/year (0)",
    "--sale": "land sale price, PLN/m2 (0)",
    "--sold-share": "share of the land sold, 0..1 (0)",
    "--maintenance-m2": "upkeep, PLN per m2 of building/year (0)",
    "--maintenance-share": "yearly upkeep as a share of the outlays (0.01)",
    "--discount-rate": "real discount rate (0.04)",
    "--horizon": "years of operation after the last outlay (25)",
}
RATE_FIELDS = {
    "land_tax": "land_tax_pln_m2",
    "building_tax": "building_tax_pln_m2",
    "lease": "lease_pln_m2_year",
    "sale": "sale_pln_m2",
    "sold_share": "sold_share",
    "maintenance_m2": "maintenance_pln_m2_year",
    "maintenance_share": "maintenance_share",
    "discount_rate": "discount_rate",
    "horizon": "horizon_years",
}


def parse_outlays(text: str) -> dict[int, float]:
    """Return ``{year: PLN}`` from ``2025:1000000,2026:500000``."""
    out: dict[int, float] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        year, sep, amount = part.partition(":")
        try:
            out[int(year)] = out.get(int(year), 0.0) + float(amount.replace(" ", ""))
        except ValueError:
            raise CliError(f"--outlays: {part!r} is not YEAR:PLN (e.g. 2025:1000000)") from None
        if not sep:
            raise CliError(f"--outlays: {part!r} is not YEAR:PLN (e.g. 2025:1000000)")
    return out


def run(args: argparse.Namespace) -> int:
    """Compute and write the cash flow."""
    from mgis.analysis.costs import CostRates, cash_flow

    outlays: dict[int, float] = {}
    land = None
    if args.project is not None:
        if args.investment is None:
            raise CliError("--project needs --investment ID")
        outlays, land = _from_project(args)
    elif args.investment is not None:
        raise CliError("--investment needs --project (or give --outlays and --land-m2)")
    if args.outlays:
        outlays = parse_outlays(args.outlays)
    if args.land_m2 is not None:
        land = args.land_m2
    if not outlays or land is None:
        raise CliError("give --investment ID --project PROJECT, or --outlays and --land-m2")
    given: dict[str, Any] = {
        field: getattr(args, option)
        for option, field in RATE_FIELDS.items()
        if getattr(args, option) is not None
    }
    if "horizon_years" in given:
        given["horizon_years"] = int(given["horizon_years"])
    rates = CostRates(**given)
    result = cash_flow(outlays, land_m2=land, building_m2=args.building_m2, rates=rates)
    write_result(
        result.table, result.summary, args.out, layer="cash_flow", overwrite=args.overwrite
    )
    print(result.table.to_string(index=False))
    return 0


def _from_project(args: argparse.Namespace) -> tuple[dict[int, float], float]:
    """Return the outlays and land area of ``--investment`` from the project's register."""
    import pandas as pd

    from mgis.layers.links import link_register
    from mgis.project import Project

    project = Project.open(args.project)
    if project.links:
        link = project.links[0]
        register, context = link.register(), link.context()
        layer_name = link.parcels_layer or args.parcels_layer
        id_field = link.id_field or args.id_field
    elif args.register is not None:
        from mgis.io.register import read_register
        from mgis.layers.register import Register

        register = Register.from_table(read_register(args.register))
        context, layer_name, id_field = None, args.parcels_layer, args.id_field
        print(f"note: linked {args.register.name} to layer {layer_name} now", file=sys.stderr)
    else:
        raise CliError(
            f"{args.project.name} has no linked investment register; link one (mgis link, "
            "or --register FILE here) or give --outlays YEAR:PLN,... and --land-m2"
        )
    if str(args.investment) not in register.ids:
        raise CliError(f"no investment {args.investment!r} in the register")
    try:
        parcels = project.layer(layer_name).frame
    except KeyError:
        raise CliError(f"the project has no layer {layer_name!r}; give --parcels-layer") from None
    areas = link_register(parcels, id_field, register, context=context).investment_areas
    row = areas[areas.investment_id == str(args.investment)].iloc[0]
    k = register.ids.index(str(args.investment))
    outlays: dict[int, float] = {}
    for year, column in register.mapping.limits:
        value = register.frame[column].iloc[k]
        if pd.notna(value) and value:
            outlays[year] = float(value)
    return outlays, float(row["area_m2"])
