"""Shared plumbing of the analysis commands: inputs, CRS, output files, summaries."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgis import DEFAULT_CRS
from mgis.cli._db import is_postgis
from mgis.cli.errors import CliError

if TYPE_CHECKING:
    import geopandas as gpd


def add_output_options(parser: Any) -> None:
    """Add ``--out``, ``--crs`` and ``--overwrite`` to an analysis parser."""
    parser.add_argument("--out", type=Path, required=True, help="result GeoPackage (.gpkg)")
    parser.add_argument("--crs", default=DEFAULT_CRS, help=f"working CRS ({DEFAULT_CRS})")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --out")


def load_input(spec: str, crs: str, role: str) -> gpd.GeoDataFrame:
    """Read ``FILE[:LAYER]`` or ``postgis:NAME/schema.table`` for ``role``, in ``crs``.

    The CRS change and the loader's warnings are printed, never silent; for a
    PostGIS table also how many rows were fetched.
    """
    from mgis.io import read_layer

    if is_postgis(spec):
        from mgis.cli._db import read_postgis

        frame, report = read_postgis(spec)
        label = spec
        print(f"note: {role} {label}: fetched {report.feature_count} rows", file=sys.stderr)
    else:
        path, layer = _split_spec(spec)
        frame, report = read_layer(path, layer)
        label = path.name
    if not hasattr(frame, "geometry"):
        raise CliError(f"{role} {label}: the table has no geometry")
    for warning in report.warnings:
        print(f"note: {role} {label}: {warning}", file=sys.stderr)
    return to_working_crs(frame, report.crs, crs, f"{role} {label}")


def to_working_crs(
    frame: gpd.GeoDataFrame, current: str | None, crs: str, label: str
) -> gpd.GeoDataFrame:
    """Reproject ``frame`` (in ``current``) to ``crs``, saying so on stderr."""
    from mgis.io import reproject

    if current != crs:
        print(f"note: {label}: reprojected from {current} to {crs}", file=sys.stderr)
        frame = reproject(frame, crs)
    return frame


def _split_spec(spec: str) -> tuple[Path, str | None]:
    """Split ``FILE[:LAYER]`` (a Windows drive letter is not a layer)."""
    path = Path(spec)
    if path.exists():
        return path, None
    head, sep, layer = spec.rpartition(":")
    if sep and head and Path(head).exists():
        return Path(head), layer
    raise CliError(f"input not found: {spec}")


def write_result(
    frame: gpd.GeoDataFrame, summary: Any, out: Path, *, layer: str, overwrite: bool
) -> tuple[Path, Path]:
    """Write the result layer to ``out`` and the summary as CSV beside it; print the summary.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The result features.
    summary : dataclass instance
        The analysis summary; its fields become ``key;value`` rows.
    out : pathlib.Path
        The GeoPackage to write.
    layer : str
        Layer name inside ``out``.
    overwrite : bool
        Replace an existing file; otherwise an existing file is an error.

    Returns
    -------
    tuple of pathlib.Path
        The GeoPackage and the CSV.
    """
    from mgis.io import write_layer

    csv = out.with_suffix(".csv")
    if not overwrite:
        for target in (out, csv):
            if target.exists():
                raise CliError(f"{target} exists; choose another --out or add --overwrite")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.stem + ".writing.gpkg")
    tmp.unlink(missing_ok=True)
    write_layer(frame, tmp, layer)
    tmp.replace(out)
    rows = summary_rows(summary)
    tmp_csv = csv.with_name(csv.stem + ".writing.csv")
    with tmp_csv.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write("key;value\r\n")
        handle.writelines(f"{key};{value}\r\n" for key, value in rows)
    tmp_csv.replace(csv)
    for key, value in rows:
        print(f"{key}: {value}")
    print(f"written: {out} (layer {layer}, {len(frame)} features), {csv}")
    return out, csv


def summary_rows(summary: Any) -> list[tuple[str, str]]:
    """Return ``(field, value)`` text rows of a summary dataclass (nested ones flattened)."""
    rows: list[tuple[str, str]] = []
    for field in dataclasses.fields(summary):
        value = getattr(summary, field.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            rows += [(f"{field.name}.{k}", v) for k, v in summary_rows(value)]
        elif isinstance(value, dict):
            rows += [(f"{field.name}.{k}", str(v)) for k, v in value.items()]
        else:
            rows.append((field.name, f"{value:.6g}" if isinstance(value, float) else str(value)))
    return rows
