"""``mgis export PROJECT_OR_FILE --layer NAME --format FMT --out PATH``: export a layer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgis.cli._db import is_postgis
from mgis.cli.errors import CliError

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("gpkg", "shp", "geojson", "csv", "xlsx", "kml", "gml", "dxf")
_SUFFIXES = {
    ".gpkg": "gpkg",
    ".shp": "shp",
    ".geojson": "geojson",
    ".json": "geojson",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".kml": "kml",
    ".gml": "gml",
    ".dxf": "dxf",
}


def add_parser(sub: Any) -> None:
    """Register the ``export`` command."""
    cmd = sub.add_parser(
        "export",
        help="export a layer to GeoPackage, Shapefile, GeoJSON, CSV, XLSX, KML, GML or DXF",
        description="Export one layer of an mgis project or of any vector file. Existing "
        "files are never replaced without --overwrite.",
    )
    cmd.add_argument(
        "source",
        metavar="PROJECT_OR_FILE",
        help="project, file or postgis:NAME/schema.table (NAME: a connection saved in mgis, "
        "or a pg_service entry)",
    )
    cmd.add_argument("--layer", help="layer name (project layer name; default: the first)")
    cmd.add_argument("--format", choices=FORMATS, help="output format (default: from --out)")
    cmd.add_argument("--out", type=Path, required=True, help="output file")
    cmd.add_argument("--crs", help="target CRS, e.g. EPSG:2178 (default: the layer's)")
    cmd.add_argument(
        "--encoding",
        type=str.lower,
        choices=["utf-8", "cp1250"],
        default=None,
        help="text encoding of Shapefile (default utf-8) and DXF (default cp1250)",
    )
    cmd.add_argument("--where", help="export only features matching, e.g. \"wlasnosc = 'Gmina'\"")
    cmd.add_argument("--fields", help="fields to write, in this order: a,b,c")
    cmd.add_argument("--extent", help="only features touching XMIN,YMIN,XMAX,YMAX (layer CRS)")
    cmd.add_argument("--label-field", help="DXF: TEXT labels from this field; KML: names")
    cmd.add_argument("--dxf-layer-field", help="DXF: one DXF layer per value of this field")
    cmd.add_argument("--keep-crs", action="store_true", help="GeoJSON: keep the CRS (not WGS84)")
    cmd.add_argument(
        "--csv-geometry", choices=["wkt", "xy", "none"], default="wkt", help="CSV geometry (wkt)"
    )
    cmd.add_argument("--polish-excel", action="store_true", help="CSV: ';', decimal comma, BOM")
    cmd.add_argument("--overwrite", action="store_true", help="replace existing files")


def run(args: argparse.Namespace) -> int:
    """Load the layer, apply the options and export it; print what was written."""
    from mgis.io.export import ExportOptions, export_layer

    fmt = args.format or _SUFFIXES.get(args.out.suffix.lower())
    if fmt is None:
        raise CliError(f"give --format ({'|'.join(FORMATS)}) or end --out in a known suffix")
    extent = _extent(args.extent) if args.extent else None
    if is_postgis(args.source):
        frame, name = _load_postgis(args.source, args.layer, extent)
    else:
        source = Path(args.source)
        if args.out.resolve() == source.resolve():
            raise CliError(f"--out {args.out} is the file being exported from; choose another name")
        frame, name = _load(source, args.layer)
    selected: Any = None
    if args.where:
        from mgis.layers.expressions import ExpressionError, filter_rows

        try:
            mask = filter_rows(frame, args.where)
        except ExpressionError as exc:
            raise CliError(f"--where: {exc}") from exc
        import numpy as np

        selected = np.flatnonzero(mask)
        if not len(selected):
            print(f"mgis export: no feature of {name!r} matches --where", file=sys.stderr)
    options = ExportOptions(
        selected=selected,
        extent=extent,
        target_crs=args.crs,
        fields=tuple(f.strip() for f in args.fields.split(",") if f.strip())
        if args.fields
        else None,
        encoding=args.encoding,
        geojson_keep_crs=args.keep_crs,
        csv_geometry=args.csv_geometry,
        polish_excel=args.polish_excel,
        label_field=args.label_field,
        dxf_layer_field=args.dxf_layer_field,
        layer_name=name,
        overwrite=args.overwrite,
    )
    report = export_layer(frame, args.out, fmt, options=options)
    print("\n".join(report.summary_lines()))
    return 0


def _load(source: Path, layer: str | None) -> tuple[pd.DataFrame, str]:
    """Return a layer of a project (by its project name) or of a vector file, and its name."""
    if not source.exists():
        raise CliError(f"file not found: {source}")
    if source.suffix.lower() == ".gpkg":
        from mgis.project import Project, ProjectError

        try:
            project = Project.open(source)
        except ProjectError:
            project = None  # an ordinary GeoPackage
        if project is not None:
            names = project.layer_names()
            if not names:
                raise CliError(f"{source.name}: the project has no layers")
            wanted = layer or names[0]
            try:
                return project.layer(wanted).frame, wanted
            except KeyError:
                raise CliError(
                    f"{source.name}: no layer {wanted!r} in the project; the layers are: "
                    + ", ".join(names)
                ) from None
    from mgis.io import read_layer

    frame, report = read_layer(source, layer)
    for warning in report.warnings:
        print(f"mgis export: {source.name}: {warning}", file=sys.stderr)
    return frame, report.layer or source.stem


def _load_postgis(
    source: str, layer: str | None, extent: tuple[float, float, float, float] | None
) -> tuple[pd.DataFrame, str]:
    """Read a PostGIS table (with --extent, only what meets it: the server filters)."""
    from mgis.cli._db import read_postgis

    if layer:
        raise CliError("--layer applies to projects and files; name the table in the source")
    frame, report = read_postgis(source, bbox=extent)
    print(f"mgis export: {source}: fetched {report.feature_count} rows", file=sys.stderr)
    return frame, report.layer or "postgis"


def _extent(text: str) -> tuple[float, float, float, float]:
    """Parse ``XMIN,YMIN,XMAX,YMAX``."""
    try:
        values = [float(v) for v in text.replace(";", ",").split(",")]
    except ValueError:
        values = []
    if len(values) != 4 or values[0] > values[2] or values[1] > values[3]:
        raise CliError(f"--extent must be XMIN,YMIN,XMAX,YMAX (numbers), not {text!r}")
    return (values[0], values[1], values[2], values[3])
