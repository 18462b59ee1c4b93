"""Reading and writing layers: :func:`read_layer`, :func:`list_layers`, :func:`write_layer`."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely.errors

from mgis.io import crs as crs_tools
from mgis.io import tables
from mgis.io.encoding import EncodingChoice, display_name
from mgis.io.errors import MgisIOError
from mgis.io.geometry import GeometryCheck, check_geometries, swap_axes
from mgis.io.report import LayerInfo, LoadReport
from mgis.io.sources import Prepared, prepare, zip_members

_TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_GDAL_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.CRSError,
    OSError,
    RuntimeError,
    ValueError,
)
_MAX_GDAL_WARNINGS = 5


@dataclass
class _Read:
    """A frame as read, before the CRS and geometry checks."""

    frame: pd.DataFrame
    driver: str
    layer: str | None
    encoding: EncodingChoice | None
    warnings: list[str] = field(default_factory=list)
    other_layers: tuple[str, ...] = ()


def read_layer(
    path: str | Path,
    layer: str | None = None,
    *,
    encoding: str | None = None,
    crs: Any = None,
    engine: Literal["pyogrio", "fiona"] = "pyogrio",
    repair: bool = False,
) -> tuple[pd.DataFrame, LoadReport]:
    r"""Read one layer of a GIS file, checking its encoding, CRS and geometries.

    Parameters
    ----------
    path : str or Path
        Shapefile (also zipped, upper-case extensions), lone DBF, GeoPackage,
        GeoJSON, GML, KML, DXF, OSM, CSV or XLSX.
    layer : str, optional
        Layer (or zip member, or XLSX sheet) to read; the first one by default,
        with a warning naming the others.
    encoding : str, optional
        Encoding of DBF/CSV text, overriding the declared and detected one.
    crs : Any, optional
        CRS to assign (not reproject to), overriding the file's own.
    engine : {"pyogrio", "fiona"}
        Reading library; pyogrio with Arrow is the fast default.
    repair : bool
        Make invalid geometries valid (keeping polygons polygons).

    Returns
    -------
    tuple[pandas.DataFrame, LoadReport]
        A GeoDataFrame (a plain DataFrame for tables without geometry) and the report.

    Raises
    ------
    MgisIOError
        For any file that cannot be read correctly; the message names the file.

    Examples
    --------
    >>> frame, report = read_layer("dzialki.shp")  # doctest: +SKIP
    >>> print("\\n".join(report.summary_lines()))  # doctest: +SKIP
    """
    source = Path(path)
    if not source.exists():
        raise MgisIOError(f"{source}: file not found. Check the path and the file name.")
    if engine not in ("pyogrio", "fiona"):
        raise MgisIOError(f"Unknown engine {engine!r}: use 'pyogrio' or 'fiona'.")
    override = crs_tools.to_crs(crs) if crs is not None else None
    if encoding is not None:
        try:
            encoding = display_name(encoding)
        except LookupError:
            raise MgisIOError(
                f"Unknown encoding {encoding!r}: use e.g. 'UTF-8', 'cp1250', 'ISO-8859-2' "
                "or 'cp852'."
            ) from None
    suffix = source.suffix.lower()
    if suffix in _TABLE_SUFFIXES + _XLSX_SUFFIXES:
        read = _read_table(source, layer, encoding)
    else:
        with prepare(source, layer, encoding) as prepared:
            read = _read_ogr(prepared, layer, engine)
    return _finish(source, read, override, repair)


def _read_table(source: Path, layer: str | None, encoding: str | None) -> _Read:
    """Read a CSV or XLSX table."""
    if source.suffix.lower() in _XLSX_SUFFIXES:
        result = tables.read_xlsx(source, layer)
    else:
        result = tables.read_csv(source, encoding)
    warnings_ = [result.geometry_note, *result.warnings] if result.geometry_note else []
    return _Read(result.frame, result.format, result.layer, result.encoding, warnings_)


def _gdal_message(exc: BaseException) -> str:
    """Shorten a GDAL error to its first line, without the Python class name."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


def _layer_names(prepared: Prepared) -> list[str]:
    """List layer names without letting the GML driver write a .gfs file."""
    try:
        if prepared.is_gml:
            import fiona

            return list(fiona.listlayers(prepared.ogr_path, WRITE_GFS="NO"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [str(row[0]) for row in pyogrio.list_layers(prepared.ogr_path)]
    except Exception as exc:  # fiona and pyogrio raise driver-specific types
        raise MgisIOError(
            f"{prepared.display_name}: GDAL cannot open this file ({_gdal_message(exc)}). "
            "Check that it is a complete GIS file of a supported format."
        ) from exc


def _read_ogr(prepared: Prepared, layer: str | None, engine: str) -> _Read:
    """Read a layer through GDAL with the chosen engine and encoding."""
    names = _layer_names(prepared)
    if not names:
        raise MgisIOError(f"{prepared.display_name}: the file contains no layers.")
    if prepared.member is not None and layer in (prepared.member, Path(prepared.member).stem):
        layer = None  # the zip member was chosen by this name already
    notes = list(prepared.warnings)
    others: tuple[str, ...] = ()
    if layer is None:
        chosen = names[0]
        others = tuple(n for n in names[1:])
        others += tuple(m for m in prepared.members if m != prepared.member)
        if others:
            notes.append(f"read the first layer {chosen!r}; other layers: {', '.join(others)}")
    elif layer in names:
        chosen = layer
    else:
        raise MgisIOError(
            f"{prepared.display_name}: there is no layer {layer!r}; "
            f"the layers are: {', '.join(names)}."
        )
    options: dict[str, Any] = {"WRITE_GFS": "NO"} if prepared.is_gml else {}
    enc = prepared.encoding.encoding if prepared.encoding else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = _read_frame(prepared.ogr_path, chosen, engine, enc, options)
            info = pyogrio.read_info(prepared.ogr_path, layer=chosen, **options)
        except UnicodeDecodeError as exc:
            raise MgisIOError(
                f"{prepared.display_name}: text cannot be decoded as {enc} "
                f"({exc.reason}). Give the right encoding, e.g. encoding='cp1250'."
            ) from exc
        except Exception as exc:  # GDAL, pyogrio and fiona errors of many types
            raise MgisIOError(
                f"{prepared.display_name}: GDAL cannot read layer {chosen!r} "
                f"({_gdal_message(exc)}). The file may be damaged or incomplete; "
                "export it again or open it in QGIS to check."
            ) from exc
    if info.get("geometry_type") is None and isinstance(frame, gpd.GeoDataFrame):
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))  # fiona adds one
    _normalise_dates(frame, info)
    gdal_notes = list(dict.fromkeys(str(w.message) for w in caught))
    notes.extend(gdal_notes[:_MAX_GDAL_WARNINGS])
    if len(gdal_notes) > _MAX_GDAL_WARNINGS:
        notes.append(f"... and {len(gdal_notes) - _MAX_GDAL_WARNINGS} more GDAL warnings")
    return _Read(frame, str(info["driver"]), chosen, prepared.encoding, notes, others)


def _read_frame(
    ogr_path: str, layer: str, engine: str, encoding: str | None, options: dict[str, Any]
) -> pd.DataFrame:
    """Read a layer with pyogrio (Arrow) or fiona."""
    result: pd.DataFrame
    if engine == "fiona":
        result = gpd.read_file(ogr_path, layer=layer, engine="fiona", encoding=encoding, **options)
        return result
    try:
        result = pyogrio.read_dataframe(
            ogr_path, layer=layer, encoding=encoding, use_arrow=True, **options
        )
    except shapely.errors.GEOSException as exc:
        if "closed linestring" not in str(exc):
            raise
        # GDAL accepts polygon rings whose last point is not the first; GEOS does not.
        result = pyogrio.read_dataframe(
            ogr_path, layer=layer, encoding=encoding, use_arrow=True, on_invalid="fix", **options
        )
        warnings.warn(
            "some polygon rings were not closed (last point differs from the first): closed them",
            UserWarning,
            stacklevel=2,
        )
    return result


def _normalise_dates(frame: pd.DataFrame, info: dict[str, Any]) -> None:
    """Give date fields one pandas type whatever the engine (Arrow dates, fiona strings)."""
    for name, ogr_type in zip(info["fields"], info.get("ogr_types", ()), strict=False):
        if ogr_type == "OFTDate" and name in frame.columns:
            frame[name] = pd.to_datetime(frame[name].astype(object), errors="coerce")


def _finish(
    source: Path, read: _Read, override: Any, repair: bool
) -> tuple[pd.DataFrame, LoadReport]:
    """Settle the CRS, check the geometries and build the report."""
    frame = read.frame
    notes = list(read.warnings)
    if read.encoding is not None and read.encoding.uncertain:
        notes.append(
            f"the text encoding is uncertain (read as {read.encoding.encoding}); if names "
            "look garbled, read again with encoding='...'"
        )
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        frame, check = check_geometries(frame, repair)
        frame, label, guessed, reason, swapped = _settle_crs(frame, check.extent, override, notes)
        extent = check.extent
        if swapped and extent is not None:
            extent = (extent[1], extent[0], extent[3], extent[2])
        if check.missing:
            notes.append(f"{check.missing} of {len(frame)} features have no geometry")
        if check.invalid:
            notes.append(
                f"{check.invalid} invalid geometries (self-intersections etc.); "
                "read again with repair=True to make them valid"
            )
        if check.repairs:
            notes.append(f"{check.repairs} invalid geometries were repaired")
    else:
        if override is not None:
            notes.append("a CRS was given, but the table has no geometry: ignored")
        frame = pd.DataFrame(frame)
        check = GeometryCheck((), 0, 0, 0, None)
        label, guessed, reason, swapped, extent = None, False, "table without geometry", False, None
    report = LoadReport(
        path=str(source),
        format=read.driver,
        layer=read.layer,
        feature_count=len(frame),
        geometry_types=check.geometry_types,
        encoding=read.encoding.encoding if read.encoding else None,
        encoding_reason=read.encoding.reason if read.encoding else "",
        crs=label,
        crs_guessed=guessed,
        crs_reason=reason,
        invalid_geometries=check.invalid,
        repairs=check.repairs,
        warnings=tuple(notes),
        extent=extent,
        empty_geometries=check.missing,
        other_layers=read.other_layers,
        axes_swapped=swapped,
        crs_name=frame.crs.name if isinstance(frame, gpd.GeoDataFrame) and frame.crs else "",
    )
    return frame, report


def _settle_crs(
    frame: gpd.GeoDataFrame,
    extent: tuple[float, float, float, float] | None,
    override: Any,
    notes: list[str],
) -> tuple[gpd.GeoDataFrame, str | None, bool, str, bool]:
    """Assign, recognise or guess the CRS; return frame, label, guessed, reason, swapped."""
    if override is not None:
        frame = frame.set_crs(override, allow_override=True)
        return frame, crs_tools.crs_label(override), False, "given by the user", False
    if frame.crs is not None:
        code = crs_tools.identify(frame.crs)
        reason = "from the file"
        if code is not None and frame.crs.to_epsg() != code:
            reason = f"from the file; its definition matches EPSG:{code}"
            frame = frame.set_crs(f"EPSG:{code}", allow_override=True)
        if extent is not None and crs_tools.looks_swapped(extent, code):
            notes.append(
                f"coordinates fit EPSG:{code} only with X and Y swapped: swapped them "
                "(X was the northing)"
            )
            return swap_axes(frame), crs_tools.crs_label(frame.crs), False, reason, True
        return frame, crs_tools.crs_label(frame.crs), False, reason, False
    if extent is None:
        return frame, None, False, "no CRS in the file and no coordinates to guess from", False
    guess = crs_tools.guess_from_extent(extent)
    if guess is None:
        notes.append(
            "no CRS in the file and the coordinates fit no Polish system: set it with crs=..."
        )
        return frame, None, False, "no CRS in the file; coordinates fit no known system", False
    if guess.swapped:
        frame = swap_axes(frame)
    frame = frame.set_crs(f"EPSG:{guess.epsg}")
    notes.append(f"CRS guessed as EPSG:{guess.epsg} ({guess.reason}); check it")
    return frame, f"EPSG:{guess.epsg}", True, guess.reason, guess.swapped


def list_layers(path: str | Path) -> list[LayerInfo]:
    """List the layers of a data source (GeoPackage, GML, KML, DXF, zip, XLSX sheets …).

    Parameters
    ----------
    path : str or Path
        The data source.

    Returns
    -------
    list[LayerInfo]
        Name, geometry type and feature count (``None`` if unknown) of every layer.
    """
    source = Path(path)
    if not source.exists():
        raise MgisIOError(f"{source}: file not found. Check the path and the file name.")
    suffix = source.suffix.lower()
    if suffix in _XLSX_SUFFIXES:
        return [LayerInfo(name, None, None) for name in tables.list_sheets(source)]
    if suffix in _TABLE_SUFFIXES:
        return [LayerInfo(source.stem, None, None)]
    if suffix == ".zip":
        result: list[LayerInfo] = []
        for member in zip_members(source):
            with prepare(source, member, None) as prepared:
                result.extend(_ogr_layers(prepared))
        return result
    with prepare(source, None, None) as prepared:
        return _ogr_layers(prepared)


def _ogr_layers(prepared: Prepared) -> list[LayerInfo]:
    """Describe every layer GDAL sees in a prepared source."""
    options: dict[str, Any] = {"WRITE_GFS": "NO"} if prepared.is_gml else {}
    result = []
    for name in _layer_names(prepared):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info = pyogrio.read_info(prepared.ogr_path, layer=name, **options)
        count = int(info["features"])
        gtype = info["geometry_type"]
        result.append(LayerInfo(name, str(gtype) if gtype else None, count if count >= 0 else None))
    return result


def write_layer(
    frame: pd.DataFrame, path: str | Path, layer: str, *, mode: Literal["w", "a"] = "w"
) -> None:
    """Write a layer into a GeoPackage, keeping text columns (codes) as text.

    Parameters
    ----------
    frame : pandas.DataFrame
        GeoDataFrame, or a DataFrame for an attribute-only table.
    path : str or Path
        The ``.gpkg`` file; created if missing, other layers are kept.
    layer : str
        Layer name.
    mode : {"w", "a"}
        ``"w"`` replaces the layer, ``"a"`` appends features to it.

    Raises
    ------
    MgisIOError
        If the path is not a GeoPackage or writing fails.
    """
    target = Path(path)
    if target.suffix.lower() != ".gpkg":
        raise MgisIOError(f"{target.name}: mgis writes only GeoPackage files (.gpkg).")
    if mode not in ("w", "a"):
        raise MgisIOError(f"Unknown write mode {mode!r}: use 'w' (replace) or 'a' (append).")
    try:
        pyogrio.write_dataframe(
            frame, target, layer=layer, driver="GPKG", append=mode == "a", use_arrow=True
        )
    except _GDAL_ERRORS as exc:
        raise MgisIOError(
            f"{target.name}: cannot write layer {layer!r} ({_gdal_message(exc)}). Check that "
            "the folder is writable and the file is not open in another program."
        ) from exc
