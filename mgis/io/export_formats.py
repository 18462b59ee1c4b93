"""The writers behind :func:`mgis.io.export.export_layer`, one per kind of format.

GDAL formats go through pyogrio (with Arrow where the driver allows it), CSV and
XLSX through :mod:`mgis.io.table_export`, DXF through :mod:`mgis.io.dxf`.  Each
writes into a temporary folder; moving the files into place is the caller's job.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mgis.io import shapefile
from mgis.io.crs import crs_label, reproject, to_crs
from mgis.io.errors import MgisIOError

if TYPE_CHECKING:
    from mgis.io.export import ExportOptions

DRIVERS = {
    "gpkg": "GPKG",
    "shp": "ESRI Shapefile",
    "geojson": "GeoJSON",
    "kml": "KML",
    "gml": "GML",
}
LABELS = {
    "gpkg": "GeoPackage",
    "shp": "ESRI Shapefile",
    "geojson": "GeoJSON",
    "csv": "CSV",
    "xlsx": "XLSX",
    "kml": "KML",
    "gml": "GML 3.2",
    "dxf": "DXF",
}
MAX_SHOWN = 5
"""How many GDAL warnings a report lists."""
WGS84 = "EPSG:4326"


@dataclass
class Names:
    """Names decided before writing: fields, layers and whether GDAL goes to WGS84."""

    fields: dict[str, str]
    layers: list[str]
    wgs84: bool = False


def geometry_name(frame: pd.DataFrame) -> str | None:
    """Return the active geometry column of a GeoDataFrame, or None."""
    name = getattr(frame, "_geometry_column_name", None)
    return str(name) if name is not None and name in frame.columns else None


def write_format(
    fmt: str,
    data: pd.DataFrame,
    extra: dict[str, pd.Series],
    temp: Path,
    *,
    opts: ExportOptions,
    names: Names,
    notes: list[str],
) -> list[Path]:
    """Write ``data`` as ``fmt`` at ``temp``; return the files made."""
    try:
        if fmt in ("csv", "xlsx"):
            return [_write_table(fmt, data, temp, opts, notes)]
        if fmt == "dxf":
            return [_write_dxf(data, extra, temp, opts=opts, names=names, notes=notes)]
        return _write_ogr(fmt, data, extra, temp, opts=opts, names=names, notes=notes)
    except MgisIOError:
        raise
    except Exception as exc:  # GDAL, pyogrio, ezdxf and OS errors of many types
        first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        raise MgisIOError(
            f"{temp.name}: cannot write {LABELS[fmt]} ({first}). Check the disk space and "
            "that the folder is writable; for a shapefile, all features must be of one "
            "geometry type."
        ) from exc


def _write_ogr(
    fmt: str,
    data: pd.DataFrame,
    extra: dict[str, pd.Series],
    temp: Path,
    *,
    opts: ExportOptions,
    names: Names,
    notes: list[str],
) -> list[Path]:
    """Write through GDAL (GeoPackage, Shapefile, GeoJSON, KML, GML)."""
    import pyogrio

    kwargs: dict[str, Any] = {}
    layer_options: dict[str, str] = {}
    dataset_options: dict[str, str] = {}
    if fmt == "shp":
        data = data.rename(columns=names.fields)
        kwargs["encoding"] = opts.encoding
    elif fmt == "geojson" and names.wgs84:
        _require_crs(data, temp, "GeoJSON (RFC 7946, WGS84)")
        layer_options["RFC7946"] = "YES"  # GDAL reprojects to WGS84 while writing
    elif fmt == "kml":
        _require_crs(data, temp, "KML (always WGS84)")
        if opts.target_crs is not None and to_crs(opts.target_crs).to_epsg() != 4326:
            notes.append("KML is always in WGS84 (EPSG:4326); the target CRS was ignored")
        data = reproject(data, WGS84)
        if "label" in extra:
            data = data.assign(Name=extra["label"].astype(object))
            dataset_options["NameField"] = "Name"
    elif fmt == "gml":
        dataset_options["FORMAT"] = "GML3.2"
    if fmt in ("gpkg", "gml"):
        kwargs["layer"] = names.layers[0]
    if fmt == "geojson" and not names.wgs84 and opts.target_crs is not None:
        notes.append("GeoJSON outside WGS84 is not RFC 7946; some web tools expect WGS84")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pyogrio.write_dataframe(
            data,
            temp,
            driver=DRIVERS[fmt],
            use_arrow=fmt != "kml",
            layer_options=layer_options or None,
            dataset_options=dataset_options or None,
            **kwargs,
        )
    gdal_notes = list(dict.fromkeys(str(w.message).strip() for w in caught))
    notes.extend(gdal_notes[:MAX_SHOWN])
    if len(gdal_notes) > MAX_SHOWN:
        notes.append(f"... and {len(gdal_notes) - MAX_SHOWN} more GDAL warnings")
    if fmt == "shp":
        shapefile.write_cpg(temp.with_suffix(".cpg"), opts.text_encoding)
        if any(k != v for k, v in names.fields.items()):
            shapefile.write_mapping(
                temp.with_name(temp.stem + shapefile.MAPPING_SUFFIX), names.fields
            )
    return [p for p in temp.parent.iterdir() if p.is_file()]


def _require_crs(data: pd.DataFrame, temp: Path, what: str) -> None:
    """Refuse to write WGS84 formats from a layer whose CRS is unknown."""
    if getattr(data, "crs", None) is None:
        raise MgisIOError(
            f"{temp.name}: the layer has no CRS, so it cannot be converted to {what}; "
            "set the layer's CRS first."
        )


def _write_table(
    fmt: str, data: pd.DataFrame, temp: Path, opts: ExportOptions, notes: list[str]
) -> Path:
    """Write CSV (WKT, X/Y or no geometry) or XLSX (attributes)."""
    from mgis.io.table_export import write_table

    geo = geometry_name(data)
    table = data
    wkt = fmt == "csv" and opts.csv_geometry == "wkt" and geo is not None
    if fmt == "csv" and opts.csv_geometry == "xy" and geo is not None:
        import shapely

        geoms = np.asarray(data[geo].array, dtype=object)
        points = shapely.get_type_id(geoms) == 0
        if not points.all():
            notes.append("X/Y of non-point features is a point inside each feature")
            geoms = np.where(points, geoms, shapely.point_on_surface(geoms))
        x_name = next(n for n in ("X", "X_1", "X_2", "geom_x") if n not in data.columns)
        y_name = next(n for n in ("Y", "Y_1", "Y_2", "geom_y") if n not in data.columns)
        table = pd.DataFrame(data.drop(columns=geo))
        table[x_name] = shapely.get_x(geoms)
        table[y_name] = shapely.get_y(geoms)
    return write_table(
        table, temp, polish_excel=opts.polish_excel, geometry_wkt=wkt, overwrite=True
    )


def _write_dxf(
    data: pd.DataFrame,
    extra: dict[str, pd.Series],
    temp: Path,
    *,
    opts: ExportOptions,
    names: Names,
    notes: list[str],
) -> Path:
    """Write DXF with attributes as XDATA and optional labels and per-value layers."""
    from mgis.io.dxf import write_dxf

    geo = geometry_name(data)
    result = write_dxf(
        data,
        temp,
        layer_name=opts.layer_name or temp.stem,
        attributes=pd.DataFrame(data.drop(columns=geo)),
        layer_values=extra.get("layer"),
        labels=extra.get("label"),
        encoding=opts.text_encoding,
    )
    names.layers = result.layers
    notes.extend(result.warnings)
    crs = getattr(data, "crs", None)
    notes.append(f"DXF has no CRS: the coordinates are in {crs_label(crs) or 'the layer CRS'}")
    if opts.encoding == "utf-8":
        notes.append(
            "DXF R2010 text is UTF-8 (as CAD programs expect); QGIS and GDAL show Polish "
            "letters only with the GDAL option DXF_ENCODING=UTF-8, or export with cp1250"
        )
    return temp
