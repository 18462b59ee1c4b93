"""Exporting a layer: GeoPackage, Shapefile, GeoJSON, CSV, XLSX, KML, GML and DXF.

Every export goes the same way: choose the features (selection, extent), the
fields and the CRS; check that nothing is overwritten without leave and that the
text fits the chosen encoding; write into a temporary folder beside the target
and move the finished files into place; return an :class:`ExportReport` saying
what was written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from mgis.io import shapefile
from mgis.io.crs import crs_label, reproject, to_crs
from mgis.io.errors import MgisIOError
from mgis.io.export_formats import LABELS, WGS84, Names, geometry_name, write_format

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
_TEXT_FORMATS = ("shp", "dxf")  # formats where the encoding option applies
_DEFAULT_ENCODING: dict[str, Literal["utf-8", "cp1250"]] = {"shp": "utf-8", "dxf": "cp1250"}


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
    encoding : {"utf-8", "cp1250"} or None
        Text encoding of Shapefile DBF and DXF; other formats are always UTF-8.
        None takes the format's default: UTF-8 for Shapefile, cp1250 for DXF
        (what Polish CAD installations, GDAL and QGIS read without settings).
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
        Replace existing files; without it an existing file is an error.  A
        GeoPackage is replaced as a whole, with any other layers it held.
    """

    selected: npt.ArrayLike | None = None
    extent: tuple[float, float, float, float] | None = None
    target_crs: Any = None
    fields: tuple[str, ...] | None = None
    encoding: Literal["utf-8", "cp1250"] | None = None
    geojson_keep_crs: bool = False
    csv_geometry: Literal["wkt", "xy", "none"] = "wkt"
    polish_excel: bool = False
    label_field: str | None = None
    dxf_layer_field: str | None = None
    layer_name: str | None = None
    overwrite: bool = False

    @property
    def text_encoding(self) -> Literal["utf-8", "cp1250"]:
        """The encoding to write text in (UTF-8 when no format default was applied)."""
        return self.encoding or "utf-8"


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
        label = LABELS.get(self.format, self.format)
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
    if opts.encoding is None:
        opts = dataclasses.replace(opts, encoding=_DEFAULT_ENCODING.get(fmt, "utf-8"))
    target = _target_path(Path(path), fmt)
    notes: list[str] = []
    data, extra = _prepare(frame, target, fmt, opts, notes)
    if opts.encoding not in shapefile.CPG:
        raise MgisIOError(f"Unknown encoding {opts.encoding!r}: use 'utf-8' or 'cp1250'.")
    if opts.encoding != "utf-8" and fmt not in _TEXT_FORMATS:
        notes.append(f"{LABELS[fmt]} is always written in UTF-8; the encoding was ignored")
    if opts.encoding == "cp1250" and fmt in _TEXT_FORMATS:
        shapefile.check_encodable(target, [data, *extra.values()], opts.encoding)
    names = _output_names(target, fmt, data, opts)
    _check_targets(target, fmt, opts.overwrite)
    temp_dir = _temp_dir(target)
    try:
        written = write_format(
            fmt, data, extra, temp_dir / target.name, opts=opts, names=names, notes=notes
        )
        files = _move_into_place(temp_dir, target, fmt, written, opts.overwrite)
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
    geo = geometry_name(data)
    crs = getattr(data, "crs", None) if geo else None
    return ExportReport(
        path=str(target),
        format=fmt,
        files=tuple(str(f) for f in files),
        feature_count=len(data),
        crs=WGS84 if fmt in ("geojson", "kml") and names.wgs84 else crs_label(crs),
        field_names={k: v for k, v in names.fields.items() if k != v},
        encoding=opts.encoding if fmt in _TEXT_FORMATS else None,
        layers=tuple(names.layers),
        warnings=tuple(dict.fromkeys(notes)),
    )


def _target_path(path: Path, fmt: str) -> Path:
    """Add the format's suffix to a bare name; refuse a suffix of another format."""
    suffixes = FORMATS[fmt]
    if not path.suffix:
        return path.with_name(path.name + suffixes[0])
    if path.suffix.lower() not in suffixes:
        raise MgisIOError(
            f"{path.name}: the name ends in '{path.suffix}' but the format is {LABELS[fmt]}; "
            f"name the file {path.stem}{suffixes[0]} or choose another format."
        )
    return path


def _prepare(
    frame: pd.DataFrame, target: Path, fmt: str, opts: ExportOptions, notes: list[str]
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Apply selection, extent, field subset and CRS; return the frame and DXF extras."""
    geo = geometry_name(frame)
    if geo is None and fmt not in ("csv", "xlsx", "gpkg"):
        raise MgisIOError(
            f"{target.name}: the layer has no geometry, so it cannot be written as "
            f"{LABELS[fmt]}; export it as CSV, XLSX or GeoPackage."
        )
    rows = _rows(frame, target, geo, opts)
    others = [c for c in frame.columns if c != geo and str(frame[c].dtype) == "geometry"]
    if others:
        notes.append(f"other geometry columns were left out: {', '.join(map(str, others))}")
    attributes = [c for c in frame.columns if c != geo and c not in others]
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


def _output_names(target: Path, fmt: str, data: pd.DataFrame, opts: ExportOptions) -> Names:
    """Decide field names (short for shapefiles) and layer names before writing."""
    geo = geometry_name(data)
    columns = [str(c) for c in data.columns if c != geo]
    layer = opts.layer_name or target.stem
    if fmt == "shp":
        return Names(shapefile.short_names(columns, opts.text_encoding), [])
    wgs84 = fmt == "kml" or (
        fmt == "geojson" and not opts.geojson_keep_crs and opts.target_crs is None
    )
    if fmt == "geojson" and opts.target_crs is not None and not opts.geojson_keep_crs:
        wgs84 = to_crs(opts.target_crs).to_epsg() == 4326
    layers = [layer] if fmt in ("gpkg", "gml") else []
    return Names({c: c for c in columns}, layers, wgs84)


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
            f"{target.name}: {', '.join(existing)} already "
            f"{'exists' if len(existing) == 1 else 'exist'} in {folder}; choose another name "
            "or allow overwriting (--overwrite)."
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
