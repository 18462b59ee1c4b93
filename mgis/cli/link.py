"""``mgis link``: link an investment register to a parcel layer.

Writes ``investment_areas``, ``links`` and ``problems`` into a GeoPackage, the
problems also as a CSV beside it (UTF-8 with BOM, ``;``: opens in Excel), and
prints a summary. The register comes from a spreadsheet (``--register``) or
from PostGIS (``--from-db``); ``--publish`` stores it there after linking (see
:mod:`mgis.cli._shared_register`). The parcels may be a PostGIS table too.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgis.cli import _shared_register as shared
from mgis.cli._db import is_postgis
from mgis.cli.errors import CliError

if TYPE_CHECKING:
    import geopandas as gpd

    from mgis.layers.parcel_ids import ParcelContext
    from mgis.layers.register import Register


def add_parser(sub: Any) -> None:
    """Register the ``link`` command."""
    link = sub.add_parser(
        "link",
        help="link an investment register (XLSX/CSV) to a parcel layer",
        description="Link the parcels listed in an investment register to a parcel layer "
        "and write investment areas, the link table and a problems report.",
    )
    link.add_argument(
        "--parcels",
        required=True,
        metavar="FILE[:LAYER]",
        help="parcel layer (or postgis:NAME/schema.table)",
    )
    link.add_argument("--id-field", required=True, help="field of EGiB parcel identifiers")
    source = link.add_mutually_exclusive_group(required=True)
    source.add_argument("--register", type=Path, help="register .xlsx or .csv")
    source.add_argument(
        "--from-db", metavar="NAME", help="read the register --register-name from PostGIS"
    )
    link.add_argument("--sheet", help="XLSX sheet (default: the first)")
    link.add_argument("--encoding", help="CSV encoding, e.g. cp1250 (default: detected)")
    link.add_argument(
        "--teryt",
        help="unit code(s) for short forms such as 123/4, e.g. 302101_1 or 302101_4,302101_5 "
        "(default: the units found in the parcel layer)",
    )
    link.add_argument("--id-column", help="register column with the investment id (Lp.)")
    link.add_argument("--parcels-column", help="register column listing the parcels")
    link.add_argument("--obreb-column", help="register column with the default obręb of a row")
    link.add_argument("--owner-field", help="ownership field of the parcel layer (detected)")
    link.add_argument("--out", required=True, type=Path, help="output GeoPackage (.gpkg)")
    link.add_argument("--problems-csv", type=Path, help="problems CSV (default: OUT_problems.csv)")
    link.add_argument("--overwrite", action="store_true", help="replace existing output files")
    shared.add_options(link)


def split_source(text: str) -> tuple[Path, str | None]:
    """Split ``FILE[:LAYER]`` (a Windows drive letter is not a layer separator)."""
    path = Path(text)
    if path.exists():
        return path, None
    head, sep, layer = text.rpartition(":")
    if sep and head and layer and len(head) > 1 and "/" not in layer and "\\" not in layer:
        return Path(head), layer
    return path, None


def run(args: argparse.Namespace) -> int:
    """Link the register and write the outputs (and publish it); print the summary."""
    from mgis.io import write_layer
    from mgis.layers.links import link_register

    shared.check_options(args)
    if not is_postgis(args.parcels) and not split_source(args.parcels)[0].exists():
        raise CliError(f"parcel file not found: {split_source(args.parcels)[0]}")
    if args.register is not None and not args.register.exists():
        raise CliError(f"register file not found: {args.register}")
    out: Path = args.out
    if out.suffix.lower() != ".gpkg":
        raise CliError(f"{out.name}: --out must be a GeoPackage (.gpkg)")
    csv_path: Path = args.problems_csv or out.with_name(out.stem + "_problems.csv")
    existing = [p for p in (out, csv_path) if p.exists()]
    if existing and not args.overwrite:
        names = " and ".join(str(p) for p in existing)
        verb = "exists" if len(existing) == 1 else "exist"
        raise CliError(f"{names} already {verb}; choose another --out or add --overwrite")
    context = _context(args.teryt)
    with contextlib.ExitStack() as stack:
        pg = None
        if args.publish is not None:
            from mgis.cli._db import database

            pg = stack.enter_context(database(args.publish))
            shared.ensure_free(pg, args)  # before anything is linked or written
        register, lines = _register(args)
        frame = _parcels(args.parcels)
        result = link_register(
            frame, args.id_field, register, context=context, owner_field=args.owner_field
        )
        for path in existing:
            path.unlink()
        out.parent.mkdir(parents=True, exist_ok=True)
        write_layer(result.investment_areas, out, "investment_areas")
        write_layer(result.links, out, "links")
        write_layer(result.problems, out, "problems")
        result.problems.to_csv(csv_path, sep=";", index=False, encoding="utf-8-sig")
        for line in [*lines, *(f"warning: {w}" for w in register.warnings)]:
            print(line)
        roles = register.mapping.roles().items()
        print(f"columns: {', '.join(f'{role}={column!r}' for role, column in roles)}")
        print(f"unit codes: {', '.join(result.context.unit_codes)}")
        print("\n".join(result.summary.lines()))
        print(f"wrote {out} (investment_areas, links, problems) and {csv_path}")
        if pg is not None:
            print(shared.publish(pg, args, register, result.links))
    return 0


def _register(args: argparse.Namespace) -> tuple[Register, list[str]]:
    """Read the register from --register or --from-db; return it and lines describing it."""
    from mgis.layers.register import Register

    roles = {"id": args.id_column, "parcels": args.parcels_column, "obreb": args.obreb_column}
    given = {k: v for k, v in roles.items() if v}
    if args.from_db is not None:
        return shared.read_shared(args, given)
    from mgis.io.register import read_register

    table = read_register(args.register, sheet=args.sheet, encoding=args.encoding)
    return Register.from_table(table, **given), table.summary_lines()


def _parcels(spec: str) -> gpd.GeoDataFrame:
    """Read the parcel layer: ``FILE[:LAYER]`` or ``postgis:NAME/schema.table``."""
    if is_postgis(spec):
        from mgis.cli._db import read_postgis

        frame, report = read_postgis(spec)
        print(f"parcels: fetched {report.feature_count} rows from {spec}")
        return frame
    from mgis.io import read_layer

    path, layer = split_source(spec)
    frame, _report = read_layer(path, layer)
    return frame


def _context(teryt: str | None) -> ParcelContext | None:
    """Context from ``--teryt``: comma-separated unit codes; a type-3 gmina gives _4 and _5."""
    if not teryt:
        return None
    from mgis.layers.parcel_ids import ParcelContext, ParcelIdError

    codes: list[str] = []
    try:
        for code in (c.strip() for c in teryt.split(",") if c.strip()):
            codes.extend(ParcelContext.for_gmina(code).unit_codes)
    except ParcelIdError as exc:
        raise CliError(f"--teryt: {exc}; write e.g. 302101_1 or 302101_4,302101_5") from None
    return ParcelContext(tuple(codes))
