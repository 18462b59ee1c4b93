"""``mgis print PROJECT ... --out FILE.pdf|.png``: print a map sheet or an atlas of sheets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgis.cli.errors import CliError

if TYPE_CHECKING:
    from mgis.project import Project
    from mgis.render.sheet import SheetSpec

PAPERS = ("A4", "A3", "A2", "A1", "A0")
ELEMENTS = ("legend", "scale_bar", "north_arrow", "grid", "inset", "title_block")


def add_parser(sub: Any) -> None:
    """Register the ``print`` command."""
    cmd = sub.add_parser(
        "print",
        help="print a map sheet (or an atlas of sheets) to a vector PDF or a PNG",
        description="Print the visible layers of a project on a map sheet at an exact scale, "
        "with title, legend, scale bar, north arrow, grid, overview map and title block. "
        "With --atlas, print one sheet per feature of a layer.",
    )
    cmd.add_argument("project", type=Path, metavar="PROJECT", help="mgis project (.gpkg)")
    cmd.add_argument("--template", help="sheet template: a4-note, a3-plan, a1-wall or a user one")
    cmd.add_argument("--paper", type=str.upper, choices=PAPERS, help="paper size (default A4)")
    cmd.add_argument("--orientation", choices=["portrait", "landscape"], help="page orientation")
    cmd.add_argument("--scale", help="scale denominator, e.g. 5000 or 1:5000 (default: fit)")
    where = cmd.add_mutually_exclusive_group()
    where.add_argument("--center", help="map centre X,Y in the project CRS")
    where.add_argument("--extent", help="show XMIN,YMIN,XMAX,YMAX (project CRS)")
    where.add_argument("--feature", help="show one feature: LAYER:FIELD=VALUE")
    where.add_argument("--atlas", metavar="LAYER", help="one sheet per feature of LAYER")
    cmd.add_argument("--name-field", help="atlas: field naming the sheets and files")
    cmd.add_argument("--one-file", action="store_true", help="atlas: one multi-page PDF")
    cmd.add_argument("--table-layer", help="list the features of this layer inside each sheet")
    cmd.add_argument("--table-fields", help="columns of that table: a,b,c")
    cmd.add_argument("--title", help="sheet title (default: the project title)")
    cmd.add_argument("--subtitle", help="sheet subtitle")
    cmd.add_argument("--author", help="title block: author")
    cmd.add_argument("--department", help="title block: department")
    cmd.add_argument("--sources", help="title block: data sources")
    cmd.add_argument("--without", help=f"leave out elements: {','.join(ELEMENTS)}")
    cmd.add_argument("--language", choices=["pl", "en"], help="texts on the sheet (default pl)")
    cmd.add_argument("--dpi", type=float, help="resolution (default 300)")
    cmd.add_argument("--out", type=Path, required=True, help="FILE.pdf or FILE.png; atlas: DIR")


def run(args: argparse.Namespace) -> int:
    """Open the project, build the sheet and print it; say what was written."""
    from mgis.project import Project

    if not args.project.exists():
        raise CliError(f"project not found: {args.project}")
    project = Project.open(args.project)
    spec = build_spec(args, project)
    if args.atlas:
        return _atlas(args, project, spec)
    from mgis.render.printing import print_pdf, print_png

    highlight = None
    if args.feature:
        extent, highlight = _feature(project, args.feature)
        spec = _replace(spec, extent=extent, center=None)
    if args.table_layer and highlight is not None:
        from mgis.render.atlas import parcels_table

        table = parcels_table(_layer(project, args.table_layer), highlight, _fields(args))
        spec = _replace(spec, table=table)
    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise CliError(f"--out must end in .pdf or .png, not {args.out.name!r}")
    printer = print_pdf if suffix == ".pdf" else print_png
    result = printer(project, spec, args.out, highlight=highlight)
    from mgis.render.scales import format_scale

    orientation = spec.orientation
    print(
        f"Printed {spec.paper} {orientation} sheet at {format_scale(result.scale)} "
        f"({spec.dpi:g} dpi) to {args.out}"
    )
    if result.legend_hidden:
        print(f"mgis print: {result.legend_hidden} legend rows did not fit", file=sys.stderr)
    return 0


def build_spec(args: argparse.Namespace, project: Project) -> SheetSpec:
    """Return the sheet described by the options (a template, then the options over it)."""
    from mgis.render.sheet import TitleBlock
    from mgis.render.templates import find_template

    name = args.template or ("a4-note" if not args.paper else None)
    try:
        template = find_template(name, project) if name else None
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None
    over: dict[str, Any] = {
        "paper": args.paper,
        "orientation": args.orientation,
        "scale": _scale(args.scale),
        "title": args.title if args.title is not None else project.metadata.get("title", ""),
        "subtitle": args.subtitle,
        "language": args.language,
        "dpi": args.dpi,
        "center": _numbers(args.center, 2, "--center X,Y") if args.center else None,
        "extent": _numbers(args.extent, 4, "--extent XMIN,YMIN,XMAX,YMAX") if args.extent else None,
    }
    if template is None:
        from mgis.render.sheet import SheetSpec

        spec = SheetSpec.from_dict({k: v for k, v in over.items() if v is not None})
    else:
        spec = template.spec(**over)
    placed = args.extent or args.feature or args.atlas or not (args.template or args.center)
    if args.scale is None and placed:
        spec = _replace(spec, scale=None)  # fitted to the extent, the feature or the project
    if args.center and spec.scale is None:
        raise CliError("--center needs --scale (or a template with a fixed scale)")
    block = TitleBlock(
        author=args.author or "", department=args.department or "", sources=args.sources or ""
    )
    changes: dict[str, Any] = {"title_block": block}
    for element in (args.without or "").replace(" ", "").split(","):
        if not element:
            continue
        if element not in ELEMENTS:
            raise CliError(f"--without: unknown element {element!r}; use {', '.join(ELEMENTS)}")
        changes[element] = None if element == "title_block" else False
    return _replace(spec, **changes)


def _replace(spec: SheetSpec, **changes: Any) -> SheetSpec:
    """Return a copy of ``spec`` with ``changes``."""
    import dataclasses

    return dataclasses.replace(spec, **changes)


def _atlas(args: argparse.Namespace, project: Project, spec: SheetSpec) -> int:
    """Print the atlas and list the files."""
    from mgis.render.atlas import print_atlas

    layer = _layer(project, args.atlas)
    if args.name_field and args.name_field not in layer.frame.columns:
        raise CliError(f"layer {layer.name!r} has no field {args.name_field!r}")
    if args.table_layer:
        _layer(project, args.table_layer)
    one_file = args.one_file or args.out.suffix.lower() == ".pdf"
    fmt = "png" if args.out.suffix.lower() == ".png" else "pdf"
    out = args.out if one_file or fmt == "pdf" else args.out.with_suffix("")
    result = print_atlas(
        project, spec, layer.name, out, name_field=args.name_field, one_file=one_file, fmt=fmt,
        table_layer=args.table_layer, table_fields=_fields(args),
    )  # fmt: skip
    where = result.files[0] if one_file else out
    print(f"Printed an atlas of {len(result.names)} sheets to {where}")
    return 0


def _layer(project: Project, name: str) -> Any:
    """Return the project layer ``name``; a CliError lists the layers when it is missing."""
    try:
        return project.layer(name)
    except KeyError:
        raise CliError(
            f"no layer {name!r} in the project; the layers are: {', '.join(project.layer_names())}"
        ) from None


def _fields(args: argparse.Namespace) -> list[str] | None:
    """Return the --table-fields list, or None."""
    if not args.table_fields:
        return None
    return [f.strip() for f in args.table_fields.split(",") if f.strip()]


def _feature(project: Project, text: str) -> tuple[tuple[float, float, float, float], Any]:
    """Parse ``LAYER:FIELD=VALUE`` and return the features' extent and their union."""
    import shapely

    from mgis.render.atlas import feature_rows

    layer_name, sep, rest = text.partition(":")
    field, eq, value = rest.partition("=")
    if not (sep and eq and layer_name and field):
        raise CliError(f"--feature must be LAYER:FIELD=VALUE, not {text!r}")
    layer = _layer(project, layer_name)
    try:
        rows = feature_rows(layer, field, value)
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None
    if not len(rows):
        raise CliError(f"no feature of {layer_name!r} has {field} = {value!r}")
    geometry = shapely.union_all(layer.frame.geometry.values[rows])
    xmin, ymin, xmax, ymax = (float(v) for v in shapely.bounds(geometry))
    return (xmin, ymin, xmax, ymax), geometry


def _scale(text: str | None) -> float | None:
    """Parse ``5000``, ``1:5000`` or ``1:5 000``."""
    if text is None:
        return None
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    cleaned = cleaned.removeprefix("1:")
    try:
        value = float(cleaned)
    except ValueError:
        raise CliError(f"--scale must be a number like 5000 or 1:5000, not {text!r}") from None
    if value <= 0:
        raise CliError(f"--scale must be positive, not {text!r}")
    return value


def _numbers(text: str, count: int, what: str) -> tuple[float, ...]:
    """Parse ``count`` comma-separated numbers."""
    try:
        values = tuple(float(v) for v in text.replace(";", ",").split(","))
    except ValueError:
        values = ()
    if len(values) != count:
        raise CliError(f"{what}: expected {count} numbers, got {text!r}")
    if count == 4 and (values[0] >= values[2] or values[1] >= values[3]):
        raise CliError(f"{what}: the minimum must be below the maximum in {text!r}")
    return values
