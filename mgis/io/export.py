"""Exporting a layer: GeoPackage, Shapefile, GeoJSON, CSV, XLSX, KML, GML and DXF.

Every export goes the same way: choose the features (selection, extent), the
fields and the CRS; check that nothing is overwritten without leave and that the
text fits the chosen encoding; write into a temporary folder beside the target
and move the finished files into place; return an :class:`ExportReport` saying
what was written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from mgis.io import shapefile
from mgis.io.crs import crs_label, reproject, to_crs
from mgis.io.errors import MgisIOError

if TYPE_CHECKING:
    import numpy.typing as npt

Format = Literal["gpkg", "shp", "geojson", "csv", "xlsx", "kml", "gml", "dxf"]
FORMATS: dict[str, tuple[str, ...]] = {
    "gpkg": (".gpkg",),
    "shp": (".shp",),
    "geojson": (".geojson", ".json"),
    "csv": (".csv",),
    "xlsx": (".xlsx",),
    "kml": (".kml",),
    "gml": (".gml",),
    "dxf": (".dxf",),
}
"""Format name → accepted file suffixes (the first is added to a name without one)."""
_DRIVERS = {
    "gpkg": "GPKG",
    "shp": "ESRI Shapefile",
    "geojson": "GeoJSON",
    "kml": "KML",
    "gml": "GML",
}
_LABELS = {
    "gpkg": "GeoPackage",
    "shp": "ESRI Shapefile",
    "geojson": "GeoJSON",
    "csv": "CSV",
    "xlsx": "XLSX",
    "kml": "KML",
    "gml": "GML 3.2",
    "dxf": "DXF",
}
_TEXT_FORMATS = ("shp", "dxf")  # formats where the encoding option applies
_MAX_SHOWN = 5
_WGS84 = "EPSG:4326"


class ExportExistsError(MgisIOError, FileExistsError):
    """An output file exists and overwriting was not allowed."""


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how; the defaults export everything as it is.

    Parameters
    ----------
    selected : array-like of int, optional
        Positional indices of the features to export (the selection); all when None.
    extent : tuple of float, optional
        ``(xmin, ymin, xmax, ymax)`` in the layer's CRS: only features touching it.
    target_crs : Any, optional
        CRS to write in (``"EPSG:2180"``...); the layer's own CRS when None
        (WGS84 for GeoJSON and KML).
    fields : tuple of str, optional
        The fields to write, in this order; all when None.
    encoding : {"utf-8", "cp1250"}
        Text encoding of Shapefile DBF and DXF; other formats are always UTF-8.
    geojson_keep_crs : bool
        Write GeoJSON in the layer's CRS instead of RFC 7946 WGS84.
    csv_geometry : {"wkt", "xy", "none"}
        Geometry in CSV as a ``WKT`` column, as ``X`` and ``Y`` columns (of a
        point inside non-point features) or not at all.
    polish_excel : bool
        CSV for Polish Excel: ``;``, decimal comma, UTF-8 with BOM.
    label_field : str, optional
        DXF: write this field as TEXT labels; KML: use it as the placemark name.
    dxf_layer_field : str, optional
        DXF: one DXF layer per value of this field.
    layer_name : str, optional
        Layer name inside GeoPackage, GML and DXF; the file name by default.
    overwrite : bool
        Replace existing files; without it an existing file is an error.
    """

    selected: npt.ArrayLike | None = None
    extent: tuple[float, float, float, float] | None = None
    target_crs: Any = None
    fields: tuple[str, ...] | None = None
    encoding: Literal["utf-8", "cp1250"] = "utf-8"
    geojson_keep_crs: bool = False
    csv_geometry: Literal["wkt", "xy", "none"] = "wkt"
    polish_excel: bool = False
    label_field: str | None = None
    dxf_layer_field: str | None = None
    layer_name: str | None = None
    overwrite: bool = False


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote.

    Attributes
    ----------
    path : str
        The main output file.
    format : str
        Format name (``"shp"``, ``"dxf"`` ...).
    files : tuple of str
        Every file written (a shapefile has several).
    feature_count : int
        Features written.
    crs : str or None
        CRS of the written coordinates.
    field_names : dict
        Original field name → name in the file, for fields that were renamed.
    encoding : str or None
        Text encoding of the file where it matters.
    layers : tuple of str
        Layers inside the file (DXF layers, the GeoPackage layer).
    warnings : tuple of str
        Things the user should know (values cut, settings ignored ...).
    """

    path: str
    format: str
    files: tuple[str, ...]
    feature_count: int
    crs: str | None
    field_names: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    layers: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def summary_lines(self) -> list[str]:
        """Return the report as lines of text for the user."""
        label = _LABELS.get(self.format, self.format)
        enc = f", {self.encoding}" if self.encoding else ""
        lines = [f"Exported {self.feature_count} features to {self.path} ({label}{enc})"]
        lines.append("Files: " + ", ".join(Path(f).name for f in self.files))
        lines.append(f"CRS: {self.crs or 'none'}")
        if self.layers:
            lines.append("Layers: " + ", ".join(self.layers))
        if self.field_names:
            mapping = next((f for f in self.files if f.endswith(shapefile.MAPPING_SUFFIX)), None)
            where = f" (saved in {Path(mapping).name})" if mapping else ""
            lines.append(f"Field names shortened{where}:")
            lines.extend(f"  {old} -> {new}" for old, new in self.field_names.items())
        lines.extend(f"Warning: {w}" for w in self.warnings)
        return lines


def export_layer(
    frame: pd.DataFrame,
    path: str | Path,
    fmt: Format | str,
    *,
    options: ExportOptions | None = None,
) -> ExportReport:
    r"""Export a layer to a file, atomically and without overwriting unless allowed.

    Parameters
    ----------
    frame : pandas.DataFrame
        The layer: a GeoDataFrame (a plain DataFrame only for CSV, XLSX, GeoPackage).
    path : str or Path
        Output file; the format's suffix is added to a name without one.
    fmt : {"gpkg", "shp", "geojson", "csv", "xlsx", "kml", "gml", "dxf"}
        Output format.
    options : ExportOptions, optional
        Features, fields, CRS and format details; see :class:`ExportOptions`.

    Returns
    -------
    ExportReport
        Files written, feature count, renamed fields, CRS and warnings.

    Raises
    ------
    ExportExistsError
        When an output file exists and ``options.overwrite`` is False.
    MgisIOError
        For a bad option, text that the encoding cannot hold, an unwritable
        folder or a failed write; the message names the file and what to do.

    Examples
    --------
    >>> opts = ExportOptions(encoding="cp1250", fields=("id_dzialki", "pow_m2"))
    >>> report = export_layer(parcels, "dzialki.shp", "shp", options=opts)  # doctest: +SKIP
    >>> print("\\n".join(report.summary_lines()))  # doctest: +SKIP
    """
    opts = options or ExportOptions()
    fmt = str(fmt).lower()
    if fmt not in FORMATS:
        raise MgisIOError(f"Unknown export format {fmt!r}: use one of {', '.join(FORMATS)}.")
    target = _target_path(Path(path), fmt)
    notes: list[str] = []
    data, extra = _prepare(frame, target, fmt, opts, notes)
    if opts.encoding not in shapefile.CPG:
        raise MgisIOError(f"Unknown encoding {opts.encoding!r}: use 'utf-8' or 'cp1250'.")
    if opts.encoding != "utf-8" and fmt not in _TEXT_FORMATS:
        notes.append(f"{_LABELS[fmt]} is always written in UTF-8; the encoding was ignored")
    if opts.encoding == "cp1250" and fmt in _TEXT_FORMATS:
        _check_encodable(target, [data, *extra.values()], opts.encoding)
    names = _output_names(target, fmt, data, opts)
    _check_targets(target, fmt, opts.overwrite)
    temp_dir = _temp_dir(target)
    try:
        written = _write(
            fmt, data, extra, temp_dir / target.name, opts=opts, names=names, notes=notes
        )
        files = _move_into_place(temp_dir, target, fmt, written, opts.overwrite)
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
    geo = _geometry_name(data)
    crs = getattr(data, "crs", None) if geo else None
    return ExportReport(
        path=str(target),
        format=fmt,
        files=tuple(str(f) for f in files),
        feature_count=len(data),
        crs=_WGS84 if fmt in ("geojson", "kml") and names.wgs84 else crs_label(crs),
        field_names={k: v for k, v in names.fields.items() if k != v},
        encoding=opts.encoding if fmt in _TEXT_FORMATS else None,
        layers=tuple(names.layers),
        warnings=tuple(dict.fromkeys(notes)),
    )


@dataclass
class _Names:
    """Names decided before writing: fields, layers and whether GDAL goes to WGS84."""

    fields: dict[str, str]
    layers: list[str]
    wgs84: bool = False


def _target_path(path: Path, fmt: str) -> Path:
    """Add the format's suffix to a bare name; refuse a suffix of another format."""
    suffixes = FORMATS[fmt]
    if not path.suffix:
        return path.with_name(path.name + suffixes[0])
    if path.suffix.lower() not in suffixes:
        raise MgisIOError(
            f"{path.name}: the name ends in '{path.suffix}' but the format is {_LABELS[fmt]}; "
            f"name the file {path.stem}{suffixes[0]} or choose another format."
        )
    return path


def _geometry_name(frame: pd.DataFrame) -> str | None:
    """Return the active geometry column of a GeoDataFrame, or None."""
    name = getattr(frame, "_geometry_column_name", None)
    return str(name) if name is not None and name in frame.columns else None


def _prepare(
    frame: pd.DataFrame, target: Path, fmt: str, opts: ExportOptions, notes: list[str]
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Apply selection, extent, field subset and CRS; return the frame and DXF extras."""
    geo = _geometry_name(frame)
    if geo is None and fmt not in ("csv", "xlsx", "gpkg"):
        raise MgisIOError(
            f"{target.name}: the layer has no geometry, so it cannot be written as "
            f"{_LABELS[fmt]}; export it as CSV, XLSX or GeoPackage."
        )
    rows = _rows(frame, target, geo, opts)
    attributes = [c for c in frame.columns if c != geo]
    if opts.fields is not None:
        wanted = [f for f in dict.fromkeys(opts.fields) if f != geo]
        unknown = [f for f in wanted if f not in frame.columns]
        if unknown:
            raise MgisIOError(
                f"{target.name}: no field {', '.join(map(repr, unknown))} in the layer; "
                f"the fields are: {', '.join(map(str, attributes))}."
            )
        attributes = wanted
    extra: dict[str, pd.Series] = {}
    for key, name in (("label", opts.label_field), ("layer", opts.dxf_layer_field)):
        if name is None:
            continue
        if name not in frame.columns or name == geo:
            raise MgisIOError(
                f"{target.name}: no field {name!r} for the {key}s; "
                f"the fields are: {', '.join(map(str, attributes))}."
            )
        if fmt == "dxf" or (fmt == "kml" and key == "label"):
            extra[key] = frame[name]
        else:
            notes.append(f"the {key} field applies only to DXF{' and KML' * (key == 'label')}")
    data = frame[[*attributes, geo]] if geo else frame[attributes]
    if rows is not None:
        data = data.iloc[rows]
        extra = {k: v.iloc[rows] for k, v in extra.items()}
    data = data.reset_index(drop=True)
    extra = {k: v.reset_index(drop=True) for k, v in extra.items()}
    if opts.target_crs is not None and geo is not None:
        data = reproject(data, opts.target_crs)
    return data, extra


def _rows(
    frame: pd.DataFrame, target: Path, geo: str | None, opts: ExportOptions
) -> npt.NDArray[np.intp] | None:
    """Return the positions of the selected features touching the extent (None: all)."""
    rows: npt.NDArray[np.intp] | None = None
    if opts.selected is not None:
        rows = np.unique(np.asarray(opts.selected, dtype=np.intp))
        if len(rows) and (rows[0] < 0 or rows[-1] >= len(frame)):
            raise MgisIOError(f"{target.name}: the selection refers to features that do not exist.")
    if opts.extent is not None:
        if geo is None:
            raise MgisIOError(f"{target.name}: 'current extent only' needs a layer with geometry.")
        import shapely

        box = shapely.box(*opts.extent)
        inside = frame.sindex.query(box, predicate="intersects").astype(np.intp)
        rows = np.sort(inside) if rows is None else np.intersect1d(rows, inside)
    return rows


def _check_encodable(target: Path, frames: list[Any], encoding: str) -> None:
    """Raise when text values or field names cannot be written in ``encoding``."""
    bad: list[str] = []
    columns: list[tuple[str, pd.Series]] = []
    for item in frames:
        if isinstance(item, pd.Series):
            columns.append((str(item.name), item))
        else:
            columns.extend((str(c), item[c]) for c in item.columns)
    for name, series in columns:
        if not _encodes(name, encoding):
            bad.append(f"field name {name!r}")
        if str(series.dtype) == "geometry" or pd.api.types.is_numeric_dtype(series.dtype):
            continue
        texts = [v for v in series.dropna().unique().tolist() if isinstance(v, str)]
        if _encodes("\0".join(texts), encoding):
            continue
        bad.extend(f"{name}: {t!r}" for t in texts if not _encodes(t, encoding))
        if len(bad) >= _MAX_SHOWN:
            break
    if bad:
        raise MgisIOError(
            f"{target.name}: some text cannot be written in {encoding} (Windows-1250), e.g. "
            f"{'; '.join(bad[:_MAX_SHOWN])}. Export in UTF-8 (--encoding utf-8) instead, "
            "or correct these values."
        )


def _encodes(text: str, encoding: str) -> bool:
    """Tell whether ``text`` can be encoded in ``encoding``."""
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _output_names(target: Path, fmt: str, data: pd.DataFrame, opts: ExportOptions) -> _Names:
    """Decide field names (short for shapefiles) and layer names before writing."""
    geo = _geometry_name(data)
    columns = [str(c) for c in data.columns if c != geo]
    layer = opts.layer_name or target.stem
    if fmt == "shp":
        return _Names(shapefile.short_names(columns, opts.encoding), [])
    wgs84 = fmt == "kml" or (
        fmt == "geojson" and not opts.geojson_keep_crs and opts.target_crs is None
    )
    if fmt == "geojson" and opts.target_crs is not None and not opts.geojson_keep_crs:
        wgs84 = to_crs(opts.target_crs).to_epsg() == 4326
    layers = [layer] if fmt in ("gpkg", "gml") else []
    return _Names({c: c for c in columns}, layers, wgs84)


def _expected_files(target: Path, fmt: str) -> list[Path]:
    """Return every file an export to ``target`` may create."""
    if fmt == "shp":
        names = [target.with_suffix(s) for s in shapefile.PARTS]
        return [*names, target.with_name(target.stem + shapefile.MAPPING_SUFFIX)]
    if fmt == "gml":
        return [target, target.with_suffix(".xsd")]
    return [target]


def _check_targets(target: Path, fmt: str, overwrite: bool) -> None:
    """Refuse existing files without ``overwrite`` and folders that cannot be written."""
    folder = target.parent
    if not folder.is_dir():
        raise MgisIOError(
            f"{target.name}: the folder {folder} does not exist; create it or choose another."
        )
    if not os.access(folder, os.W_OK):
        raise MgisIOError(
            f"{target.name}: the folder {folder} is not writable; choose another folder."
        )
    if overwrite:
        return
    existing = [p.name for p in _expected_files(target, fmt) if p.exists()]
    if existing:
        raise ExportExistsError(
            f"{target.name}: {', '.join(existing)} already exist(s) in {folder}; choose "
            "another name or allow overwriting (--overwrite)."
        )


def _temp_dir(target: Path) -> Path:
    """Create a hidden temporary folder beside the target (same disk, so moves are atomic)."""
    try:
        return Path(tempfile.mkdtemp(prefix=f".{target.stem}.", dir=target.parent))
    except OSError as exc:
        raise MgisIOError(
            f"{target.name}: cannot write in {target.parent} ({exc.strerror or exc}); "
            "choose another folder."
        ) from exc


def _write(
    fmt: str,
    data: pd.DataFrame,
    extra: dict[str, pd.Series],
    temp: Path,
    *,
    opts: ExportOptions,
    names: _Names,
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
            f"{temp.name}: cannot write {_LABELS[fmt]} ({first}). Check the disk space and "
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
    names: _Names,
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
        data = reproject(data, _WGS84)
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
            driver=_DRIVERS[fmt],
            use_arrow=fmt != "kml",
            layer_options=layer_options or None,
            dataset_options=dataset_options or None,
            **kwargs,
        )
    gdal_notes = list(dict.fromkeys(str(w.message).strip() for w in caught))
    notes.extend(gdal_notes[:_MAX_SHOWN])
    if len(gdal_notes) > _MAX_SHOWN:
        notes.append(f"... and {len(gdal_notes) - _MAX_SHOWN} more GDAL warnings")
    if fmt == "shp":
        shapefile.write_cpg(temp.with_suffix(".cpg"), opts.encoding)
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

    geo = _geometry_name(data)
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
    names: _Names,
    notes: list[str],
) -> Path:
    """Write DXF with attributes as XDATA and optional labels and per-value layers."""
    from mgis.io.dxf import write_dxf

    geo = _geometry_name(data)
    result = write_dxf(
        data,
        temp,
        layer_name=opts.layer_name or temp.stem,
        attributes=pd.DataFrame(data.drop(columns=geo)),
        layer_values=extra.get("layer"),
        labels=extra.get("label"),
        encoding=opts.encoding,
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


def _move_into_place(
    temp_dir: Path, target: Path, fmt: str, written: list[Path], overwrite: bool
) -> list[Path]:
    """Move the written files beside the target; clear stale shapefile sidecars."""
    if overwrite and fmt == "shp":
        stale = [target.with_suffix(s) for s in shapefile.STALE]
        stale.append(target.with_name(target.stem + shapefile.MAPPING_SUFFIX))
        for path in stale:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
    moved = []
    order = sorted(written, key=lambda p: p.suffix.lower() in (".shp", ".gml"))  # main file last
    for path in order:
        final = target.parent / path.name
        try:
            path.replace(final)
        except OSError as exc:
            raise MgisIOError(
                f"{final.name}: cannot replace the file ({exc.strerror or exc}); close it in "
                "other programs (QGIS, Excel, AutoCAD) and try again."
            ) from exc
        moved.append(final)
    main = [p for p in moved if p == target]
    return main + [p for p in moved if p != target]
