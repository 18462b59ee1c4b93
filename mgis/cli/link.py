"""``mgis link``: link an investment register to a parcel layer.

Writes ``investment_areas``, ``links`` and ``problems`` into a GeoPackage, the
problems also as a CSV beside it (UTF-8 with BOM, ``;``: opens in Excel), and
prints a summary. The register comes from a spreadsheet (``--register``) or
from PostGIS (``--from-db``); ``--publish`` stores it there after linking (see
:mod:`mgis.cli._shared_register`). The parcels may be a PostGIS table too.
``--project`` instead links a project's register as the app does, with the
corrections chosen there (see :mod:`mgis.cli._project_link`).
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgis.cli import _project_link as project_link
from mgis.cli import _shared_register as shared
from mgis.cli._db import is_postgis
from mgis.cli.errors import CliError

if TYPE_CHECKING:
    import geopandas as gpd

    from mgis.cli._project_link import LinkInput
    from mgis.layers.parcel_ids import ParcelContext


USAGE = """%(prog)s --parcels FILE[:LAYER] --id-field FIELD --register FILE --out OUT.gpkg
                 [options]
       %(prog)s --parcels FILE[:LAYER] --id-field FIELD --from-db NAME --register-name TEXT
                 --out OUT.gpkg [options]
       %(prog)s --project PROJECT.gpkg --out OUT.gpkg [--problems-csv CSV] [--overwrite]"""


def add_parser(sub: Any) -> None:
    """Register the ``link`` command."""
    link = sub.add_parser(
        "link",
        help="link an investment register (XLSX/CSV) to a parcel layer",
        usage=USAGE,
        description="Link the parcels listed in an investment register to a parcel layer "
        "and write investment areas, the link table and a problems report. --project links "
        "the register of an mgis project as the app does: its parcel layer, columns, unit "
        "codes and the corrections chosen with Use suggestion, the register read again from "
        "its spreadsheet or database.",
    )
    what = link.add_argument_group(
        "what to link (--project, or --parcels and --id-field with --register or --from-db)"
    )
    source = what.add_mutually_exclusive_group(required=True)
    source.add_argument("--register", type=Path, help="register .xlsx or .csv")
    source.add_argument(
        "--from-db", metavar="NAME", help="read the register --register-name from PostGIS"
    )
    source.add_argument(
        "--project", type=Path, metavar="PROJECT.gpkg", help="an mgis project's register link"
    )
    what.add_argument(
        "--parcels", metavar="FILE[:LAYER]", help="parcel layer (or postgis:NAME/schema.table)"
    )
    what.add_argument("--id-field", help="field of EGiB parcel identifiers")
    output = link.add_argument_group("output")
    output.add_argument("--out", required=True, type=Path, help="output GeoPackage (.gpkg)")
    output.add_argument(
        "--problems-csv", type=Path, help="problems CSV (default: OUT_problems.csv)"
    )
    output.add_argument("--overwrite", action="store_true", help="replace existing output files")
    reading = link.add_argument_group(
        "reading the register and the parcels (not with --project: its register link decides)"
    )
    reading.add_argument("--sheet", help="XLSX sheet (default: the first)")
    reading.add_argument("--encoding", help="CSV encoding, e.g. cp1250 (default: detected)")
    reading.add_argument(
        "--teryt",
        help="unit code(s) for short forms such as 123/4, e.g. 302101_1 or 302101_4,302101_5 "
        "(default: the units found in the parcel layer)",
    )
    reading.add_argument("--id-column", help="register column with the investment id (Lp.)")
    reading.add_argument("--parcels-column", help="register column listing the parcels")
    reading.add_argument("--obreb-column", help="register column with the default obręb of a row")
    reading.add_argument("--owner-field", help="ownership field of the parcel layer (detected)")
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

    if args.project is not None:
        project_link.check_options(args)
    else:
        _check_files(args)
    out, csv_path, existing = _outputs(args)
    context = _context(args.teryt)  # a wrong --teryt is told before anything is read
    with contextlib.ExitStack() as stack:
        pg = None
        if args.publish is not None:
            from mgis.cli._db import database

            pg = stack.enter_context(database(args.publish))
            shared.ensure_free(pg, args)  # before anything is linked or written
        if args.project is not None:
            given = project_link.load(args.project)
        else:
            given = _given(args, context)
        register = given.register
        result = link_register(
            given.frame, given.id_field, register, context=given.context,
            owner_field=args.owner_field,
        )  # fmt: skip
        for path in existing:
            path.unlink()
        out.parent.mkdir(parents=True, exist_ok=True)
        write_layer(result.investment_areas, out, "investment_areas")
        write_layer(result.links, out, "links")
        write_layer(result.problems, out, "problems")
        result.problems.to_csv(csv_path, sep=";", index=False, encoding="utf-8-sig")
        for line in [*given.lines, *(f"warning: {w}" for w in register.warnings)]:
            print(line)
        roles = register.mapping.roles().items()
        print(f"columns: {', '.join(f'{role}={column!r}' for role, column in roles)}")
        print(f"unit codes: {', '.join(result.context.unit_codes)}")
        print("\n".join(result.summary.lines()))
        if given.corrections is not None:
            print(given.corrections)
        print(f"wrote {out} (investment_areas, links, problems) and {csv_path}")
        if pg is not None:
            print(shared.publish(pg, args, register, result.links))
    return 0


def _check_files(args: argparse.Namespace) -> None:
    """Check the options and files of a register and a parcel layer given on the command line."""
    if not args.parcels or not args.id_field:
        raise CliError(
            "give --parcels and --id-field (the parcel layer and its field of EGiB ids) "
            "with --register or --from-db; or link a project's register with --project"
        )
    shared.check_options(args)
    if not is_postgis(args.parcels) and not split_source(args.parcels)[0].exists():
        raise CliError(f"parcel file not found: {split_source(args.parcels)[0]}")
    if args.register is not None and not args.register.exists():
        raise CliError(f"register file not found: {args.register}")


def _outputs(args: argparse.Namespace) -> tuple[Path, Path, list[Path]]:
    """Return the GeoPackage, the problems CSV and which exist (refused without --overwrite)."""
    out: Path = args.out
    if out.suffix.lower() != ".gpkg":
        raise CliError(f"{out.name}: --out must be a GeoPackage (.gpkg)")
    csv_path: Path = args.problems_csv or out.with_name(out.stem + "_problems.csv")
    existing = [p for p in (out, csv_path) if p.exists()]
    if existing and not args.overwrite:
        names = " and ".join(str(p) for p in existing)
        verb = "exists" if len(existing) == 1 else "exist"
        raise CliError(f"{names} already {verb}; choose another --out or add --overwrite")
    return out, csv_path, existing


def _given(args: argparse.Namespace, context: ParcelContext | None) -> LinkInput:
    """Return the parcels of --parcels and the register of --register or --from-db."""
    from mgis.cli._project_link import LinkInput
    from mgis.layers.register import Register

    roles = {"id": args.id_column, "parcels": args.parcels_column, "obreb": args.obreb_column}
    given = {k: v for k, v in roles.items() if v}
    if args.from_db is not None:
        register, lines = shared.read_shared(args, given)
    else:
        from mgis.io.register import read_register

        table = read_register(args.register, sheet=args.sheet, encoding=args.encoding)
        register, lines = Register.from_table(table, **given), table.summary_lines()
    return LinkInput(_parcels(args.parcels), args.id_field, register, context, lines)


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
